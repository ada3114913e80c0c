/* vmk_e1000_intr.c — interrupts and the NetPoll of the native 82540EM driver: one MSI vector
 * (vmk_PCIAllocIntrCookie + vmk_IntrRegister); the handler masks the device (IMC), clears the
 * causes (ICR is write-1-to-clear, SDM §13.4.17) and activates the NetPoll; the NetPoll reaps
 * transmit completions (unmap, vmk_NetPollQueueCompPkt), harvests received frames (unmap,
 * frame length, vmk_NetPollRxPktQueue), refills the receive ring with fresh packets and, when
 * under budget, unmasks the device again (IMS). Descriptor state (DD) in host memory is the
 * source of truth, so neither context reads a register: both run in the kernel's event
 * context, where a non-posted MMIO read could not wait for its completion. */
#include "vmk_e1000.h"

/* An MSI vector belongs to this function alone: every message is ours. Nothing to ask the
 * device (a shared INTx line would read ICR here to tell). */
static VMK_ReturnStatus intr_ack(void *data, vmk_IntrCookie cookie)
{
    vmk_e1000_adapter *a = data;
    (void)cookie;
    return a->io_started && !a->gone ? VMK_OK : VMK_IGNORE;
}

static void intr_handler(void *data, vmk_IntrCookie cookie)
{
    vmk_e1000_adapter *a = data;
    (void)cookie;
    a->c.interrupts++;
    /* Mask first, then read ICR, which clears it (SDM §13.4.17) at the moment the read reaches the
     * device: a cause raised after that stays pending and signals again when the NetPoll
     * unmasks (§13.4.20-21). A posted write-1-to-clear instead could wipe a cause raised after
     * the poll's descriptor scan but before the write arrived. The read is a timed round trip:
     * handlers run in the CPU's interrupt thread. */
    e1000_hw_irq_disable(&a->hw, E1000_IMS_ALL);
    (void)e1000_hw_rd(&a->hw, E1000_ICR);
    vmk_NetPollActivate(a->poll);
}

VMK_ReturnStatus vmk_e1000_intr_setup(vmk_e1000_adapter *a)
{
    vmk_uint32 n = 0;
    VMK_ReturnStatus st = vmk_PCIAllocIntrCookie(vmk_ModuleCurrentID, a->pci,
                                                 VMK_PCI_INTERRUPT_TYPE_MSI, 1, 1,
                                                 (vmk_uint16 *)0, &a->cookie, &n);
    if (st != VMK_OK || n != 1) {
        vmk_Warning(vmk_e1000_log, "%s: MSI vector allocation failed: %s", a->name,
                    vmk_StatusToString(st));
        return st != VMK_OK ? st : VMK_NO_RESOURCES;
    }
    vmk_IntrProps p;
    vmk_e1000_zero(&p, sizeof p);
    p.device = a->device;
    vmk_e1000_name_set(&p.deviceName, a->name);
    p.acknowledgeInterrupt = intr_ack;
    p.handler = intr_handler;
    p.handlerData = a;
    st = vmk_IntrRegister(vmk_ModuleCurrentID, a->cookie, &p);
    if (st != VMK_OK) {
        vmk_Warning(vmk_e1000_log, "%s: interrupt registration failed: %s", a->name,
                    vmk_StatusToString(st));
        vmk_PCIFreeIntrCookie(vmk_ModuleCurrentID, a->pci);
        a->cookie = VMK_INVALID_INTRCOOKIE;
        return st;
    }
    a->intr_registered = VMK_TRUE;   /* stays disabled until StartIO */
    return VMK_OK;
}

void vmk_e1000_intr_teardown(vmk_e1000_adapter *a)
{
    if (a->intr_registered) {
        vmk_IntrDisable(a->cookie);
        vmk_IntrSync(a->cookie);
        vmk_IntrUnregister(vmk_ModuleCurrentID, a->cookie, a);
        a->intr_registered = VMK_FALSE;
    }
    if (a->cookie != VMK_INVALID_INTRCOOKIE)
        vmk_PCIFreeIntrCookie(vmk_ModuleCurrentID, a->pci);
    a->cookie = VMK_INVALID_INTRCOOKIE;
}

/* ---- receive ---- */

void vmk_e1000_rx_refill(vmk_e1000_adapter *a)
{
    vmk_uint32 posted = 0;
    while (e1000_hw_ring_unused(&a->rx) > 0) {
        vmk_PktHandle *pkt;
        if (vmk_PktAllocForDMAEngine(VMK_E1000_RX_BUF, a->dma, &pkt) != VMK_OK) {
            a->c.rx_alloc_failures++;
            break;
        }
        const vmk_SgElem *frag = vmk_PktSgElemGet(pkt, 0);
        vmk_SgElem in, out;
        in.addr = frag->addr;
        in.length = VMK_E1000_RX_BUF;
        if (vmk_PktFrameMappedLenGet(pkt) < VMK_E1000_RX_BUF ||
            vmk_DMAMapElem(a->dma, VMK_DMA_DIRECTION_TO_MEMORY, &in, VMK_TRUE, &out,
                           (vmk_DMAMapErrorInfo *)0) != VMK_OK) {
            vmk_PktRelease(pkt);
            a->c.rx_alloc_failures++;
            break;
        }
        int idx = e1000_hw_rx_put(&a->rx, out.ioAddr);
        a->rx_slot[idx].pkt = pkt;
        a->rx_slot[idx].map = out;
        posted++;
    }
    if (posted)
        e1000_hw_rx_commit(&a->hw, &a->rx);   /* wmb + one RDT write */
}

/* Hands up to budget received frames to the uplink; returns how many descriptors it took. */
static vmk_uint32 rx_clean(vmk_e1000_adapter *a, vmk_uint32 budget)
{
    e1000_hw_rx_done done;
    vmk_uint32 n = 0;
    while (n < budget && e1000_hw_rx_harvest(&a->rx, &done) == 1) {
        vmk_e1000_slot *s = &a->rx_slot[done.index];
        vmk_PktHandle *pkt = s->pkt;
        vmk_DMAUnmapElem(a->dma, VMK_DMA_DIRECTION_TO_MEMORY, &s->map);
        s->map.length = 0;
        s->pkt = (vmk_PktHandle *)0;
        n++;
        /* A frame longer than one buffer (no long-packet mode: only a runt of a bad peer) or
         * with a frame error is dropped, every buffer of it (SDM §3.2.3, §3.2.6). */
        vmk_Bool bad = a->rx_discard || !done.eop || (done.errors & E1000_RXD_ERR_FRAME) ||
                       done.length == 0;
        a->rx_discard = !done.eop;
        if (bad) {
            if (done.eop)
                a->c.rx_errors++;
            vmk_PktRelease(pkt);
            continue;
        }
        vmk_PktFrameLenSet(pkt, done.length);
        /* The device checked the IP / TCP-UDP checksum and found it good (§3.2.3.1). */
        if (!(done.status & E1000_RXD_STA_IXSM) &&
            (done.status & (E1000_RXD_STA_IPCS | E1000_RXD_STA_TCPCS)) &&
            !(done.errors & (E1000_RXD_ERR_IPE | E1000_RXD_ERR_TCPE)))
            vmk_PktSetCsumVfd(pkt);
        a->c.rx_pkts++;
        a->c.rx_bytes += done.length;
        vmk_NetPollRxPktQueue(a->poll, pkt);
    }
    return n;
}

/* The NetPoll: TX completions first (they free ring space and packets), then RX within the
 * budget. Under budget: done, the device is unmasked and its next cause interrupts again. */
static vmk_Bool netpoll(vmk_AddrCookie priv, vmk_uint32 budget)
{
    vmk_e1000_adapter *a = priv.ptr;
    a->c.polls++;
    if (!a->io_started || a->gone)
        return VMK_FALSE;
    vmk_e1000_tx_clean(a, VMK_TRUE);
    vmk_uint32 n = rx_clean(a, budget);
    vmk_e1000_rx_refill(a);
    if (n >= budget)
        return VMK_TRUE;
    e1000_hw_irq_enable(&a->hw, E1000_IMS_DEFAULT);
    return VMK_FALSE;
}

VMK_ReturnStatus vmk_e1000_netpoll_create(vmk_e1000_adapter *a)
{
    vmk_NetPollProperties p;
    vmk_e1000_zero(&p, sizeof p);
    p.poll = netpoll;
    p.priv.ptr = a;
    p.features = VMK_NETPOLL_NONE;
    return vmk_NetPollCreate(&p, 0, vmk_ModuleCurrentID, &a->poll);
}
