/* vmk_e1000_uplink.c — the uplink ops of the native 82540EM driver (vmkapi_uplink.h,
 * docs/uplink.md): association with the kernel's uplink, StartIO (rings programmed, RX buffers
 * posted, receiver/transmitter and link on, interrupts unmasked) and QuiesceIO (TX drained,
 * everything stopped and given back), transmit of a packet list (each packet DMA-mapped and
 * put in a legacy descriptor through the shared layer, one tail write per call), MTU, state
 * and statistics from the device's counters. 8254x SDM ch. 14 for the start-up order. */
#include "vmk_e1000.h"

#define ADAPTER(cookie) ((vmk_e1000_adapter *)(cookie).ptr)

static void slot_unmap(vmk_e1000_adapter *a, vmk_e1000_slot *s, vmk_DMADirection dir)
{
    if (s->map.length) {
        vmk_DMAUnmapElem(a->dma, dir, &s->map);
        s->map.length = 0;
    }
}

vmk_uint32 vmk_e1000_tx_clean(vmk_e1000_adapter *a, vmk_Bool in_poll)
{
    e1000_hw_tx_done done;
    vmk_uint32 n = 0;
    while (e1000_hw_tx_reap(&a->tx, &done) == 1) {
        for (vmk_uint32 i = done.first, k = 0; k < done.ndesc;
             k++, i = e1000_hw_ring_next(&a->tx, i)) {
            vmk_e1000_slot *s = &a->tx_slot[i];
            vmk_ByteCount len = s->map.length;
            slot_unmap(a, s, VMK_DMA_DIRECTION_FROM_MEMORY);
            if (!s->pkt)
                continue;
            /* Excess or late collisions, underrun: the frame did not go out (SDM §3.3.3.2). */
            if (done.status & (E1000_TXD_STA_EC | E1000_TXD_STA_LC | E1000_TXD_STA_TU)) {
                a->c.tx_errors++;
            } else {
                a->c.tx_pkts++;
                a->c.tx_bytes += len;
            }
            if (in_poll)
                vmk_NetPollQueueCompPkt(a->poll, s->pkt);
            else
                vmk_PktRelease(s->pkt);
            s->pkt = (vmk_PktHandle *)0;
        }
        n++;
    }
    return n;
}

void vmk_e1000_rings_drop(vmk_e1000_adapter *a)
{
    if (a->tx_slot) {
        for (vmk_uint32 i = 0; i < VMK_E1000_TX_RING; i++) {
            vmk_e1000_slot *s = &a->tx_slot[i];
            slot_unmap(a, s, VMK_DMA_DIRECTION_FROM_MEMORY);
            if (s->pkt)
                vmk_PktRelease(s->pkt);
            s->pkt = (vmk_PktHandle *)0;
        }
    }
    if (a->rx_slot) {
        for (vmk_uint32 i = 0; i < VMK_E1000_RX_RING; i++) {
            vmk_e1000_slot *s = &a->rx_slot[i];
            slot_unmap(a, s, VMK_DMA_DIRECTION_TO_MEMORY);
            if (s->pkt)
                vmk_PktRelease(s->pkt);
            s->pkt = (vmk_PktHandle *)0;
        }
    }
    a->tx.next_to_use = a->tx.next_to_clean = 0;
    a->rx.next_to_use = a->rx.next_to_clean = 0;
    a->rx_discard = VMK_FALSE;
}

/* ---- TX ---- */

static VMK_ReturnStatus uplink_tx(vmk_AddrCookie d, vmk_PktList list)
{
    vmk_e1000_adapter *a = ADAPTER(d);
    if (!a->io_started || a->gone)
        return VMK_BUSY;
    /* The NetPoll reaps completions; only when the ring is short does TX reclaim itself. */
    if (e1000_hw_ring_unused(&a->tx) < vmk_PktListGetCount(list))
        vmk_e1000_tx_clean(a, VMK_FALSE);
    vmk_uint32 queued = 0;
    VMK_ReturnStatus st = VMK_OK;
    while (!vmk_PktListIsEmpty(list)) {
        if (e1000_hw_ring_unused(&a->tx) == 0) {
            a->c.tx_ring_full++;
            st = VMK_BUSY;
            break;
        }
        vmk_PktHandle *pkt = vmk_PktListGetFirstPkt(list);
        const vmk_SgElem *frag = vmk_PktSgElemGet(pkt, 0);
        vmk_uint32 len = vmk_PktFrameLenGet(pkt);
        if (!frag || len == 0 || len > E1000_TX_MAX_BUF_BYTES) {
            st = VMK_BAD_PARAM;   /* left in the list: the uplink layer fails it */
            break;
        }
        vmk_SgElem in, out;
        in.addr = frag->addr;
        in.length = len;
        vmk_DMAMapErrorInfo err;
        st = vmk_DMAMapElem(a->dma, VMK_DMA_DIRECTION_FROM_MEMORY, &in, VMK_TRUE, &out, &err);
        if (st != VMK_OK) {
            a->c.tx_map_failures++;
            break;
        }
        e1000_hw_tx_seg seg = {out.ioAddr, len};
        int idx = e1000_hw_tx_frame(&a->tx, &seg, 1, 0);
        if (idx < 0) {   /* cannot happen: one free slot was checked above */
            vmk_DMAUnmapElem(a->dma, VMK_DMA_DIRECTION_FROM_MEMORY, &out);
            st = VMK_FAILURE;
            break;
        }
        vmk_PktListPopFirstPkt(list);
        a->tx_slot[idx].pkt = pkt;
        a->tx_slot[idx].map = out;
        queued++;
    }
    if (queued)
        e1000_hw_tx_commit(&a->hw, &a->tx);   /* wmb + one TDT write for the whole list */
    return st;
}

/* ---- StartIO / QuiesceIO ---- */

static void link_report(vmk_e1000_adapter *a)
{
    e1000_link_status ls = e1000_hw_link_status(&a->hw);
    a->shared.link.state = ls.up ? VMK_LINK_STATE_UP : VMK_LINK_STATE_DOWN;
    a->shared.link.speed = (vmk_LinkSpeed)ls.speed_mbps;
    a->shared.link.duplex = ls.full_duplex ? VMK_LINK_DUPLEX_FULL : VMK_LINK_DUPLEX_HALF;
    if (a->uplink)
        vmk_UplinkUpdateLinkState(a->uplink, &a->shared.link);
}

static int rx_apply(vmk_e1000_adapter *a)
{
    e1000_rx_config rc;
    vmk_e1000_zero(&rc, sizeof rc);
    rc.buffer_bytes = VMK_E1000_RX_BUF;
    rc.strip_crc = VMK_TRUE;
    rc.broadcast = VMK_TRUE;
    rc.unicast_promisc = a->promisc;
    rc.multicast_promisc = a->promisc;
    return e1000_hw_rx_enable(&a->hw, &rc);
}

static VMK_ReturnStatus uplink_start_io(vmk_AddrCookie d)
{
    vmk_e1000_adapter *a = ADAPTER(d);
    if (a->gone)
        return VMK_INVALID_HANDLE;
    if (a->io_started)
        return VMK_OK;
    /* SDM ch. 14: address filters, then transmit, then receive with its buffers, then link. */
    e1000_hw_set_rar(&a->hw, 0, a->hw.mac_addr, VMK_TRUE);
    e1000_hw_clear_filters(&a->hw);
    e1000_hw_tx_ring_program(&a->hw, &a->tx);
    e1000_hw_tx_enable(&a->hw);
    e1000_hw_rx_ring_program(&a->hw, &a->rx);
    vmk_e1000_rx_refill(a);
    if (rx_apply(a) != E1000_OK)
        return VMK_FAILURE;
    e1000_hw_set_irq_delays(&a->hw, 0, 0, 0, 0);
    e1000_hw_set_itr(&a->hw, VMK_E1000_ITR_NS);
    e1000_hw_link_up(&a->hw);
    link_report(a);
    a->io_started = VMK_TRUE;
    vmk_IntrEnable(a->cookie);
    e1000_hw_irq_enable(&a->hw, E1000_IMS_DEFAULT);
    vmk_Log(vmk_e1000_log, "%s: IO started, link %s %u Mb/s", a->name,
            a->shared.link.state == VMK_LINK_STATE_UP ? "up" : "down",
            (unsigned)a->shared.link.speed);
    return VMK_OK;
}

static VMK_ReturnStatus uplink_quiesce_io(vmk_AddrCookie d)
{
    vmk_e1000_adapter *a = ADAPTER(d);
    if (!a->io_started)
        return VMK_OK;
    a->io_started = VMK_FALSE;   /* no more TX accepted; a late NetPoll run does nothing */
    if (!a->gone) {
        e1000_hw_irq_disable(&a->hw, E1000_IMS_ALL);
        /* Let the transmitter finish what it was given (TDH reaches TDT, SDM §3.3.1); what
         * has completed already is reclaimed first, so an idle ring costs no register read. */
        vmk_e1000_tx_clean(a, VMK_FALSE);
        vmk_uint32 waited = 0;
        while (e1000_hw_ring_in_flight(&a->tx) != 0 &&
               e1000_hw_rd(&a->hw, E1000_TDH) != a->tx.next_to_use &&
               waited < VMK_E1000_TX_DRAIN_TIMEOUT_US) {
            vmk_DelayUsecs(VMK_E1000_TX_DRAIN_POLL_US);
            waited += VMK_E1000_TX_DRAIN_POLL_US;
        }
        if (waited >= VMK_E1000_TX_DRAIN_TIMEOUT_US)
            vmk_Warning(vmk_e1000_log, "%s: transmitter did not drain in %u us", a->name,
                        VMK_E1000_TX_DRAIN_TIMEOUT_US);
        e1000_hw_rx_disable(&a->hw);
        e1000_hw_tx_disable(&a->hw);
    }
    vmk_IntrDisable(a->cookie);
    vmk_e1000_tx_clean(a, VMK_FALSE);   /* completions of the flush */
    vmk_e1000_rings_drop(a);            /* what never completed, and the RX buffers */
    vmk_Log(vmk_e1000_log, "%s: IO quiesced", a->name);
    return VMK_OK;
}

/* ---- association, MTU, state, stats ---- */

static VMK_ReturnStatus uplink_associate(vmk_AddrCookie d, vmk_Uplink uplink)
{
    vmk_e1000_adapter *a = ADAPTER(d);
    a->uplink = uplink;
    return vmk_NetPollRegisterUplink(a->poll, uplink, vmk_UplinkNameGet(uplink), VMK_TRUE);
}

static VMK_ReturnStatus uplink_disassociate(vmk_AddrCookie d)
{
    vmk_e1000_adapter *a = ADAPTER(d);
    vmk_NetPollUnregisterUplink(a->poll);
    a->uplink = (vmk_Uplink)0;
    return VMK_OK;
}

static VMK_ReturnStatus uplink_mtu_set(vmk_AddrCookie d, vmk_uint32 mtu)
{
    vmk_e1000_adapter *a = ADAPTER(d);
    if (mtu < VMK_E1000_MTU_MIN || mtu > VMK_E1000_MTU_MAX)
        return VMK_BAD_PARAM;
    a->shared.mtu = mtu;
    return VMK_OK;
}

static VMK_ReturnStatus uplink_state_set(vmk_AddrCookie d, vmk_UplinkState state)
{
    vmk_e1000_adapter *a = ADAPTER(d);
    a->promisc = (state & VMK_UPLINK_STATE_PROMISC) ? VMK_TRUE : VMK_FALSE;
    a->shared.state = state;
    if (a->io_started && !a->gone && rx_apply(a) != E1000_OK)
        return VMK_FAILURE;
    return VMK_OK;
}

static VMK_ReturnStatus uplink_stats_get(vmk_AddrCookie d, vmk_UplinkStats *s)
{
    vmk_e1000_adapter *a = ADAPTER(d);
    if (!a->gone)
        e1000_hw_stats_update(&a->hw, &a->hw_stats);   /* read-to-clear, summed (SDM §13.7) */
    const e1000_hw_stats *h = &a->hw_stats;
    vmk_e1000_zero(s, sizeof *s);
    s->rxPkts = h->gprc;
    s->txPkts = h->gptc;
    s->rxBytes = h->gorc;
    s->txBytes = h->gotc;
    s->rxMulticastPkts = h->mprc;
    s->rxBroadcastPkts = h->bprc;
    s->txMulticastPkts = h->mptc;
    s->txBroadcastPkts = h->bptc;
    s->collisions = h->colc;
    s->rxCRCErrors = h->crcerrs;
    s->rxFrameAlignErrors = h->algnerrc;
    s->rxLengthErrors = h->ruc + h->roc;
    s->rxMissErrors = h->mpc;
    s->rxOverflowErrors = h->rnbc;
    s->rxErrors = h->rxerrc + h->crcerrs + h->algnerrc + h->ruc + h->roc + a->c.rx_errors;
    s->rxDrops = h->mpc + a->c.rx_alloc_failures;
    s->txAbortedErrors = h->ecol;
    s->txWindowErrors = h->latecol;
    s->txErrors = h->ecol + h->latecol + a->c.tx_errors;
    s->txDrops = a->c.tx_map_failures;
    return VMK_OK;
}

void vmk_e1000_uplink_init(vmk_e1000_adapter *a)
{
    vmk_UplinkSharedData *sh = &a->shared;
    sh->flags = 0;
    sh->state = VMK_UPLINK_STATE_ENABLED | VMK_UPLINK_STATE_BROADCAST_OK;
    sh->link.state = VMK_LINK_STATE_DOWN;
    sh->link.speed = VMK_LINK_SPEED_1000_MBPS;
    sh->link.duplex = VMK_LINK_DUPLEX_FULL;
    sh->mtu = VMK_E1000_MTU_MAX;
    vmk_Memcpy(sh->macAddr, a->hw.mac_addr, 6);
    vmk_Memcpy(sh->hwMacAddr, a->hw.mac_addr, 6);
    vmk_e1000_name_set(&sh->driverInfo.driver, VMK_E1000_DRIVER_NAME);
    vmk_e1000_name_set(&sh->driverInfo.version, VMK_E1000_VERSION);
    vmk_e1000_name_set(&sh->driverInfo.firmwareVersion, "n/a");
    vmk_e1000_name_set(&sh->driverInfo.moduleInterface, "vmkapi");

    vmk_UplinkRegData *r = &a->reg;
    r->apiRevision = VMKAPI_REVISION;
    r->moduleID = vmk_ModuleCurrentID;
    r->ops.uplinkTx = uplink_tx;
    r->ops.uplinkMTUSet = uplink_mtu_set;
    r->ops.uplinkStateSet = uplink_state_set;
    r->ops.uplinkStatsGet = uplink_stats_get;
    r->ops.uplinkAssociate = uplink_associate;
    r->ops.uplinkDisassociate = uplink_disassociate;
    r->ops.uplinkStartIO = uplink_start_io;
    r->ops.uplinkQuiesceIO = uplink_quiesce_io;
    r->sharedData = sh;
    r->driverData.ptr = a;
}
