/* lxnet_loop.c — a Linux-style net_device driver for 8086:100E that never touches the NIC's
 * data path: its ndo_start_xmit records the skb vmklinux built (length, EtherType, checksum
 * request, VLAN tag, GSO, xmit_more) and schedules NAPI; its poll turns each transmitted skb into
 * a received one (a fresh netdev_alloc_skb, the bytes copied, the metadata carried over) handed
 * up with napi_gro_receive, then frees the TX skb. So a test sees the shim's packet -> skb and
 * skb -> packet translations, and NAPI scheduling, polling and completion, without hardware.
 * The weight is small (LXNET_WEIGHT) so a burst needs several polls. */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/string.h>

#define LXNET_WEIGHT 4
#define LXNET_MAX 64

/* What the test reads (dlsym). */
struct lxnet_seen {
    unsigned int len;
    unsigned short protocol;   /* host order */
    unsigned char ip_summed, vlan_present, xmit_more, pad;
    unsigned short vlan_tci, gso_size;
    unsigned int gso_type;
    int headroom;              /* data - head: 0 when bound to the packet's buffer */
};
struct lxnet_seen lxnet_seen[LXNET_MAX];
int lxnet_xmits, lxnet_polls, lxnet_completes, lxnet_opens, lxnet_stops, lxnet_removes;
int lxnet_poll_budget;         /* the budget the last poll got */
/* RX metadata the poll gives every frame it turns around. */
int lxnet_rx_vlan_tci = -1;    /* -1: none */
int lxnet_rx_gso_size;
int lxnet_rx_reserve;          /* headroom reserved in the RX skb (the shim moves the frame) */

struct lxnet_priv {
    struct net_device *netdev;
    struct napi_struct napi;
    struct sk_buff *pending[LXNET_MAX];
    int npending;
};

static int lxnet_open(struct net_device *dev)
{
    struct lxnet_priv *p = netdev_priv(dev);
    lxnet_opens++;
    napi_enable(&p->napi);
    netif_start_queue(dev);
    netif_carrier_on(dev);
    return 0;
}

static void drop_pending(struct lxnet_priv *p)
{
    for (int i = 0; i < p->npending; i++)
        dev_kfree_skb_any(p->pending[i]);
    p->npending = 0;
}

static int lxnet_stop(struct net_device *dev)
{
    struct lxnet_priv *p = netdev_priv(dev);
    lxnet_stops++;
    netif_stop_queue(dev);
    napi_disable(&p->napi);
    drop_pending(p);
    netif_carrier_off(dev);
    return 0;
}

static netdev_tx_t lxnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
    struct lxnet_priv *p = netdev_priv(dev);
    if (p->npending == LXNET_MAX) {
        netif_stop_queue(dev);
        return NETDEV_TX_BUSY;
    }
    if (lxnet_xmits < LXNET_MAX) {
        struct lxnet_seen *s = &lxnet_seen[lxnet_xmits];
        s->len = skb->len;
        s->protocol = ntohs(skb->protocol);
        s->ip_summed = skb->ip_summed;
        s->vlan_present = (unsigned char)skb_vlan_tag_present(skb);
        s->vlan_tci = skb_vlan_tag_get(skb);
        s->xmit_more = skb->xmit_more;
        s->gso_size = skb_shinfo(skb)->gso_size;
        s->gso_type = skb_shinfo(skb)->gso_type;
        s->headroom = (int)skb_headroom(skb);
    }
    lxnet_xmits++;
    p->pending[p->npending++] = skb;
    if (!skb->xmit_more)
        napi_schedule(&p->napi);   /* as a TX-done interrupt would */
    return NETDEV_TX_OK;
}

/* Turns one transmitted skb into a received one. */
static void turn_around(struct lxnet_priv *p, struct sk_buff *tx, int budget)
{
    struct sk_buff *rx = netdev_alloc_skb(p->netdev, tx->len + (unsigned)lxnet_rx_reserve);
    if (rx) {
        skb_reserve(rx, lxnet_rx_reserve);
        memcpy(skb_put(rx, tx->len), tx->data, tx->len);
        if (tx->ip_summed == CHECKSUM_PARTIAL)
            rx->ip_summed = CHECKSUM_UNNECESSARY;
        if (lxnet_rx_vlan_tci >= 0)
            __vlan_hwaccel_put_tag(rx, htons(ETH_P_8021Q), (u16)lxnet_rx_vlan_tci);
        skb_shinfo(rx)->gso_size = (unsigned short)lxnet_rx_gso_size;
        rx->protocol = eth_type_trans(rx, p->netdev);
        napi_gro_receive(&p->napi, rx);
    }
    napi_consume_skb(tx, budget);
}

static int lxnet_poll(struct napi_struct *napi, int budget)
{
    struct lxnet_priv *p = container_of(napi, struct lxnet_priv, napi);
    lxnet_polls++;
    lxnet_poll_budget = budget;
    int done = 0;
    while (done < budget && done < p->npending)
        turn_around(p, p->pending[done++], budget);
    for (int i = done; i < p->npending; i++)
        p->pending[i - done] = p->pending[i];
    p->npending -= done;
    if (done < budget) {
        napi_complete_done(napi, done);
        lxnet_completes++;
    }
    if (netif_queue_stopped(p->netdev) && p->npending < LXNET_MAX)
        netif_wake_queue(p->netdev);
    return done;
}

static const struct net_device_ops lxnet_ops = {
    .ndo_open = lxnet_open,
    .ndo_stop = lxnet_stop,
    .ndo_start_xmit = lxnet_xmit,
};

static int lxnet_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
    (void)id;
    int err = pci_enable_device(pdev);
    if (err)
        return err;
    struct net_device *dev = alloc_etherdev(sizeof(struct lxnet_priv));
    if (!dev) {
        pci_disable_device(pdev);
        return -ENOMEM;
    }
    SET_NETDEV_DEV(dev, &pdev->dev);
    struct lxnet_priv *p = netdev_priv(dev);
    p->netdev = dev;
    static const u8 mac[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x42};
    eth_hw_addr_set(dev, mac);
    dev->netdev_ops = &lxnet_ops;
    netif_napi_add(dev, &p->napi, lxnet_poll, LXNET_WEIGHT);
    pci_set_drvdata(pdev, dev);
    err = register_netdev(dev);
    if (err) {
        netif_napi_del(&p->napi);
        free_netdev(dev);
        pci_disable_device(pdev);
    }
    return err;
}

static void lxnet_remove(struct pci_dev *pdev)
{
    struct net_device *dev = pci_get_drvdata(pdev);
    struct lxnet_priv *p = netdev_priv(dev);
    lxnet_removes++;
    unregister_netdev(dev);
    netif_napi_del(&p->napi);
    free_netdev(dev);
    pci_disable_device(pdev);
}

static const struct pci_device_id lxnet_ids[] = {
    {PCI_DEVICE(PCI_VENDOR_ID_INTEL, 0x100e)},
    {0},
};

static struct pci_driver lxnet_driver = {
    .name = "lxnet_loop",
    .id_table = lxnet_ids,
    .probe = lxnet_probe,
    .remove = lxnet_remove,
};

static int __init lxnet_init(void) { return pci_register_driver(&lxnet_driver); }
static void __exit lxnet_exit(void) { pci_unregister_driver(&lxnet_driver); }
module_init(lxnet_init);
module_exit(lxnet_exit);
MODULE_LICENSE("GPL");
