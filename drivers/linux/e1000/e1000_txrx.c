/* e1000_txrx.c — the data path of the Linux-style 82540EM driver: descriptor rings in coherent
 * DMA memory, ndo_start_xmit (e1000_xmit_frame: map the skb, one legacy descriptor through the
 * shared layer, the tail doorbell at the end of a batch), the interrupt handler (mask, read ICR
 * to clear it, schedule NAPI) and the NAPI poll (reap TX completions, harvest received frames up
 * to the budget, refill, unmask when done). Same policy as the native driver's NetPoll
 * (drivers/native/e1000/vmk_e1000_intr.c); 8254x SDM §3.2-3.3, §13.4.17-21. */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>

#include "e1000.h"

/* ---- rings ---- */

static int ring_alloc(struct e1000_adapter *a, e1000_hw_ring *r, unsigned int count)
{
    dma_addr_t dma;
    void *desc = dma_alloc_coherent(&a->pdev->dev, count * E1000_DESC_BYTES, &dma, GFP_KERNEL);
    if (!desc)
        return -ENOMEM;
    if (e1000_hw_ring_init(r, desc, dma, count) != E1000_OK) {
        dma_free_coherent(&a->pdev->dev, count * E1000_DESC_BYTES, desc, dma);
        return -EINVAL;
    }
    return 0;
}

static void ring_free(struct e1000_adapter *a, e1000_hw_ring *r)
{
    if (r->desc)
        dma_free_coherent(&a->pdev->dev, r->count * E1000_DESC_BYTES, r->desc, r->desc_dma);
    r->desc = NULL;
}

int e1000_setup_rings(struct e1000_adapter *a)
{
    a->tx_buf = kcalloc(E1000_TX_RING, sizeof *a->tx_buf, GFP_KERNEL);
    a->rx_buf = kcalloc(E1000_RX_RING, sizeof *a->rx_buf, GFP_KERNEL);
    if (!a->tx_buf || !a->rx_buf)
        goto fail;
    if (ring_alloc(a, &a->tx, E1000_TX_RING) || ring_alloc(a, &a->rx, E1000_RX_RING))
        goto fail;
    return 0;
fail:
    e1000_free_rings(a);
    return -ENOMEM;
}

void e1000_free_rings(struct e1000_adapter *a)
{
    ring_free(a, &a->tx);
    ring_free(a, &a->rx);
    kfree(a->tx_buf);
    kfree(a->rx_buf);
    a->tx_buf = NULL;
    a->rx_buf = NULL;
}

void e1000_drop_rings(struct e1000_adapter *a)
{
    struct device *dev = &a->pdev->dev;
    for (unsigned int i = 0; a->tx_buf && i < E1000_TX_RING; i++) {
        struct e1000_tx_buffer *b = &a->tx_buf[i];
        if (b->len)
            dma_unmap_single(dev, b->dma, b->len, DMA_TO_DEVICE);
        if (b->skb)
            dev_kfree_skb_any(b->skb);
        b->skb = NULL;
        b->len = 0;
    }
    for (unsigned int i = 0; a->rx_buf && i < E1000_RX_RING; i++) {
        struct e1000_rx_buffer *b = &a->rx_buf[i];
        if (b->dma)
            dma_unmap_single(dev, b->dma, E1000_RX_BUF, DMA_FROM_DEVICE);
        if (b->skb)
            dev_kfree_skb_any(b->skb);
        b->skb = NULL;
        b->dma = 0;
    }
    a->tx.next_to_use = a->tx.next_to_clean = 0;
    a->rx.next_to_use = a->rx.next_to_clean = 0;
    a->rx_discard = false;
}

/* ---- transmit ---- */

netdev_tx_t e1000_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
    struct e1000_adapter *a = netdev_priv(netdev);
    unsigned int len = skb->len;
    if (len == 0 || len > E1000_TX_MAX_BUF_BYTES) {
        a->sw.tx_dropped++;
        dev_kfree_skb_any(skb);
        return NETDEV_TX_OK;
    }
    if (e1000_hw_ring_unused(&a->tx) == 0) {   /* the queue should have been stopped */
        a->sw.tx_busy++;
        netif_stop_queue(netdev);
        return NETDEV_TX_BUSY;
    }
    dma_addr_t dma = dma_map_single(&a->pdev->dev, skb->data, len, DMA_TO_DEVICE);
    if (dma_mapping_error(&a->pdev->dev, dma)) {
        a->sw.tx_dropped++;
        dev_kfree_skb_any(skb);
        return NETDEV_TX_OK;
    }
    e1000_hw_tx_seg seg = {dma, len};
    int idx = e1000_hw_tx_frame(&a->tx, &seg, 1, 0);
    struct e1000_tx_buffer *b = &a->tx_buf[idx];
    b->skb = skb;
    b->dma = dma;
    b->len = len;
    if (e1000_hw_ring_unused(&a->tx) == 0)
        netif_stop_queue(netdev);
    /* One doorbell per batch: at its last packet, or now if nothing more can follow. */
    if (!skb->xmit_more || netif_queue_stopped(netdev))
        e1000_hw_tx_commit(&a->hw, &a->tx);   /* wmb + TDT */
    return NETDEV_TX_OK;
}

unsigned int e1000_clean_tx(struct e1000_adapter *a, int budget)
{
    e1000_hw_tx_done done;
    unsigned int n = 0;
    while (e1000_hw_tx_reap(&a->tx, &done) == 1) {
        for (u32 i = done.first, k = 0; k < done.ndesc; k++, i = e1000_hw_ring_next(&a->tx, i)) {
            struct e1000_tx_buffer *b = &a->tx_buf[i];
            unsigned int len = b->len;
            if (b->len)
                dma_unmap_single(&a->pdev->dev, b->dma, b->len, DMA_TO_DEVICE);
            b->len = 0;
            if (!b->skb)
                continue;
            /* Excess or late collisions, underrun: the frame did not go out (SDM §3.3.3.2). */
            if (done.status & (E1000_TXD_STA_EC | E1000_TXD_STA_LC | E1000_TXD_STA_TU)) {
                a->sw.tx_errors++;
            } else {
                a->sw.tx_packets++;
                a->sw.tx_bytes += len;
            }
            napi_consume_skb(b->skb, budget);
            b->skb = NULL;
        }
        n++;
    }
    if (n && netif_queue_stopped(a->netdev) &&
        e1000_hw_ring_unused(&a->tx) >= E1000_TX_WAKE_THRESHOLD)
        netif_wake_queue(a->netdev);
    return n;
}

/* ---- receive ---- */

void e1000_alloc_rx_buffers(struct e1000_adapter *a)
{
    unsigned int posted = 0;
    while (e1000_hw_ring_unused(&a->rx) > 0) {
        struct sk_buff *skb = netdev_alloc_skb_ip_align(a->netdev, E1000_RX_BUF);
        if (!skb) {
            a->sw.rx_alloc_failed++;
            break;
        }
        dma_addr_t dma = dma_map_single(&a->pdev->dev, skb->data, E1000_RX_BUF,
                                        DMA_FROM_DEVICE);
        if (dma_mapping_error(&a->pdev->dev, dma)) {
            dev_kfree_skb_any(skb);
            a->sw.rx_alloc_failed++;
            break;
        }
        int idx = e1000_hw_rx_put(&a->rx, dma);
        a->rx_buf[idx].skb = skb;
        a->rx_buf[idx].dma = dma;
        posted++;
    }
    if (posted)
        e1000_hw_rx_commit(&a->hw, &a->rx);   /* wmb + one RDT write */
}

/* Hands up to budget received frames to the stack; returns the descriptors it took. */
static int clean_rx(struct e1000_adapter *a, int budget)
{
    e1000_hw_rx_done done;
    int n = 0;
    while (n < budget && e1000_hw_rx_harvest(&a->rx, &done) == 1) {
        struct e1000_rx_buffer *b = &a->rx_buf[done.index];
        struct sk_buff *skb = b->skb;
        dma_unmap_single(&a->pdev->dev, b->dma, E1000_RX_BUF, DMA_FROM_DEVICE);
        b->dma = 0;
        b->skb = NULL;
        n++;
        /* A frame longer than one buffer or with a frame error is dropped, every buffer of
         * it (SDM §3.2.3, §3.2.6). */
        bool bad = a->rx_discard || !done.eop || (done.errors & E1000_RXD_ERR_FRAME) ||
                   done.length == 0;
        a->rx_discard = !done.eop;
        if (bad) {
            if (done.eop)
                a->sw.rx_errors++;
            dev_kfree_skb_any(skb);
            continue;
        }
        skb_put(skb, done.length);
        /* The device checked the IP / TCP-UDP checksum and found it good (§3.2.3.1). */
        if (!(done.status & E1000_RXD_STA_IXSM) &&
            (done.status & (E1000_RXD_STA_IPCS | E1000_RXD_STA_TCPCS)) &&
            !(done.errors & (E1000_RXD_ERR_IPE | E1000_RXD_ERR_TCPE))) {
            skb->ip_summed = CHECKSUM_UNNECESSARY;
            a->sw.rx_csum_good++;
        } else {
            skb_checksum_none_assert(skb);
        }
        a->sw.rx_packets++;
        a->sw.rx_bytes += done.length;
        skb->protocol = eth_type_trans(skb, a->netdev);
        napi_gro_receive(&a->napi, skb);
    }
    return n;
}

/* The NAPI poll: TX completions first (they free ring space and packets), then RX within the
 * budget, then the refill. Under budget: done, and the device may interrupt again. */
int e1000_clean(struct napi_struct *napi, int budget)
{
    struct e1000_adapter *a = container_of(napi, struct e1000_adapter, napi);
    a->sw.polls++;
    e1000_clean_tx(a, budget);
    if (a->lsc_pending) {
        a->lsc_pending = false;
        e1000_check_link(a);
    }
    int work = clean_rx(a, budget);
    e1000_alloc_rx_buffers(a);
    if (work < budget && napi_complete_done(napi, work))
        e1000_hw_irq_enable(&a->hw, E1000_IMS_DEFAULT);
    return work;
}

/* ---- interrupt ---- */

/* MSI: the vector is this function's alone. Mask first, then read ICR, which clears the causes
 * as the read reaches the device (SDM §13.4.17): a cause raised after it stays pending and
 * interrupts again once the poll unmasks. A link change is left to the poll, which reads
 * STATUS (the watchdog's job in Linux's e1000; here without a timer of its own). */
irqreturn_t e1000_intr(int irq, void *data)
{
    struct e1000_adapter *a = data;
    (void)irq;
    a->sw.interrupts++;
    e1000_hw_irq_disable(&a->hw, E1000_IMS_ALL);
    u32 icr = e1000_hw_irq_cause_read(&a->hw);
    if (icr & E1000_ICR_LSC)
        a->lsc_pending = true;
    napi_schedule(&a->napi);
    return IRQ_HANDLED;
}
