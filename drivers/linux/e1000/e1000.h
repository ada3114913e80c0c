/* e1000.h — the Linux-style driver for the Intel 82540EM: the adapter (the net_device's private
 * area) shared by its files (e1000_main.c: module, PCI probe/remove, net_device ops, statistics;
 * e1000_txrx.c: rings, xmit, NAPI poll, interrupt). The hardware is reached only through the
 * shared layer drivers/common/e1000/ (e1000_hw.h, e1000_ring.h), whose osdep hooks are
 * e1000_osdep_linux.c. Sizes and interrupt policy are the native driver's
 * (drivers/native/e1000/vmk_e1000.h), so the two differ only in their OS-facing code. */
#ifndef E1000_LINUX_H
#define E1000_LINUX_H

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/skbuff.h>

#include "e1000_hw.h"
#include "e1000_ring.h"

#define E1000_DRV_NAME "e1000"

/* Ring sizes: 256 descriptors of 16 B, a multiple of 128 B (8254x SDM §13.4.27, §13.4.38). */
#define E1000_TX_RING 256u
#define E1000_RX_RING 256u
#define E1000_DESC_BYTES 16u
/* 2048-byte receive buffers (RCTL.BSIZE 00b, §13.4.22): a 1514-byte frame with the CRC
 * stripped; so the MTU is 1500 (no long-packet mode). */
#define E1000_RX_BUF 2048u
#define E1000_MTU_MAX 1500u
/* Interrupt throttling: one interrupt per 16 us at most (ITR, §13.4.18), as the native driver. */
#define E1000_ITR_NS 16000u
/* Stop: how long the transmitter may take to drain what it was given. */
#define E1000_TX_DRAIN_POLL_US 10u
#define E1000_TX_DRAIN_TIMEOUT_US 100000u
/* Wake a stopped queue once this many descriptors are free again. */
#define E1000_TX_WAKE_THRESHOLD 32u

#define E1000_INTERNAL __attribute__((visibility("hidden")))

struct e1000_tx_buffer {
    struct sk_buff *skb;
    dma_addr_t dma;
    unsigned int len;    /* mapped bytes; 0 = not mapped */
};

struct e1000_rx_buffer {
    struct sk_buff *skb;
    dma_addr_t dma;      /* mapped for E1000_RX_BUF bytes; 0 = not mapped */
};

/* The driver's own counters (the device's are in hw_stats). */
struct e1000_sw_stats {
    u64 tx_packets, tx_bytes, tx_errors, tx_dropped, tx_busy;
    u64 rx_packets, rx_bytes, rx_errors, rx_alloc_failed, rx_csum_good;
    u64 interrupts, polls, link_checks;
};

struct e1000_adapter {
    struct net_device *netdev;
    struct pci_dev *pdev;
    void __iomem *hw_addr;           /* BAR0 */
    struct napi_struct napi;

    e1000_hw hw;                     /* hw.os = this adapter */
    e1000_hw_ring tx, rx;
    struct e1000_tx_buffer *tx_buf;
    struct e1000_rx_buffer *rx_buf;
    bool rx_discard;                 /* dropping the buffers of a frame spanning several */
    bool lsc_pending;                /* the interrupt saw a link change: the poll checks it */

    e1000_link_status link;          /* what the last link check read (STATUS) */
    e1000_hw_stats hw_stats;
    struct e1000_sw_stats sw;
};

/* e1000_txrx.c */
E1000_INTERNAL int e1000_setup_rings(struct e1000_adapter *a);
E1000_INTERNAL void e1000_free_rings(struct e1000_adapter *a);
/* Gives the device a fresh skb in every free RX slot, then writes RDT once. */
E1000_INTERNAL void e1000_alloc_rx_buffers(struct e1000_adapter *a);
/* Reclaims finished TX descriptors; budget 0 = outside NAPI. Returns frames reclaimed. */
E1000_INTERNAL unsigned int e1000_clean_tx(struct e1000_adapter *a, int budget);
/* Unmaps and frees every skb still on the rings (stop). */
E1000_INTERNAL void e1000_drop_rings(struct e1000_adapter *a);
E1000_INTERNAL netdev_tx_t e1000_xmit_frame(struct sk_buff *skb, struct net_device *netdev);
E1000_INTERNAL int e1000_clean(struct napi_struct *napi, int budget);
E1000_INTERNAL irqreturn_t e1000_intr(int irq, void *data);

/* e1000_main.c */
/* Reads STATUS and tells the stack (netif_carrier_on/off). */
E1000_INTERNAL void e1000_check_link(struct e1000_adapter *a);

#endif
