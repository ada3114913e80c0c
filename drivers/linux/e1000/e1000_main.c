/* e1000_main.c — the Linux-style driver for the Intel 82540EM, written against the Linux kernel
 * API that vmklinux provides: module init/exit, the pci_driver (probe: enable, regions, bus
 * master, BAR0 mapping, DMA mask, reset and MAC address through the shared hardware layer, MSI,
 * the net_device with NAPI; remove undoes it), the net_device ops (open brings the rings, the
 * receiver, the transmitter, the link and the interrupt up in the 8254x SDM ch. 14 order; stop
 * drains and takes them down), statistics from the read-to-clear counters (SDM §13.7) and the
 * link through ethtool. The data path is e1000_txrx.c. */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "e1000.h"

static const struct pci_device_id e1000_pci_tbl[] = {
    {PCI_DEVICE(PCI_VENDOR_ID_INTEL, E1000_DEV_ID_82540EM)},
    {0},
};
MODULE_DEVICE_TABLE(pci, e1000_pci_tbl);

/* ---- link ---- */

void e1000_check_link(struct e1000_adapter *a)
{
    a->sw.link_checks++;
    a->link = e1000_hw_link_status(&a->hw);
    if (a->link.up)
        netif_carrier_on(a->netdev);
    else
        netif_carrier_off(a->netdev);
}

static int e1000_get_link_ksettings(struct net_device *netdev, struct ethtool_link_ksettings *cmd)
{
    struct e1000_adapter *a = netdev_priv(netdev);
    if (!netif_carrier_ok(netdev)) {
        cmd->base.speed = (u32)SPEED_UNKNOWN;
        cmd->base.duplex = DUPLEX_UNKNOWN;
        return 0;
    }
    cmd->base.speed = a->link.speed_mbps;
    cmd->base.duplex = a->link.full_duplex ? DUPLEX_FULL : DUPLEX_HALF;
    cmd->base.autoneg = 1;
    return 0;
}

static u32 e1000_get_link(struct net_device *netdev)
{
    return netif_carrier_ok(netdev);
}

static const struct ethtool_ops e1000_ethtool_ops = {
    .get_link_ksettings = e1000_get_link_ksettings,
    .get_link = e1000_get_link,
};

/* ---- open / stop ---- */

static int rx_apply(struct e1000_adapter *a)
{
    e1000_rx_config rc = {0};
    bool promisc = (a->netdev->flags & IFF_PROMISC) != 0;
    rc.buffer_bytes = E1000_RX_BUF;
    rc.strip_crc = true;
    rc.broadcast = true;
    rc.unicast_promisc = promisc;
    rc.multicast_promisc = promisc || (a->netdev->flags & IFF_ALLMULTI);
    return e1000_hw_rx_enable(&a->hw, &rc);
}

static void e1000_set_rx_mode(struct net_device *netdev)
{
    struct e1000_adapter *a = netdev_priv(netdev);
    if (rx_apply(a) != E1000_OK)
        netdev_warn(netdev, "receive configuration refused\n");
}

static int e1000_open(struct net_device *netdev)
{
    struct e1000_adapter *a = netdev_priv(netdev);
    int err = e1000_setup_rings(a);
    if (err)
        return err;
    /* SDM ch. 14: address filters, then transmit, then receive with its buffers, then link. */
    e1000_hw_set_rar(&a->hw, 0, netdev->dev_addr, true);
    e1000_hw_clear_filters(&a->hw);
    e1000_hw_tx_ring_program(&a->hw, &a->tx);
    e1000_hw_tx_enable(&a->hw);
    e1000_hw_rx_ring_program(&a->hw, &a->rx);
    e1000_alloc_rx_buffers(a);
    if (rx_apply(a) != E1000_OK) {
        err = -EIO;
        goto fail;
    }
    e1000_hw_set_irq_delays(&a->hw, 0, 0, 0, 0);
    e1000_hw_set_itr(&a->hw, E1000_ITR_NS);
    e1000_hw_link_up(&a->hw);
    err = request_irq(a->pdev->irq, e1000_intr, 0, netdev->name, a);
    if (err) {
        netdev_err(netdev, "cannot get IRQ %u: %d\n", a->pdev->irq, err);
        goto fail;
    }
    napi_enable(&a->napi);
    netif_start_queue(netdev);
    e1000_check_link(a);
    e1000_hw_irq_enable(&a->hw, E1000_IMS_DEFAULT);
    netdev_info(netdev, "up, link %s %u Mb/s\n", a->link.up ? "up" : "down",
                a->link.speed_mbps);
    return 0;
fail:
    e1000_hw_rx_disable(&a->hw);
    e1000_hw_tx_disable(&a->hw);
    e1000_drop_rings(a);
    e1000_free_rings(a);
    return err;
}

static int e1000_close(struct net_device *netdev)
{
    struct e1000_adapter *a = netdev_priv(netdev);
    netif_stop_queue(netdev);
    e1000_hw_irq_disable(&a->hw, E1000_IMS_ALL);
    /* Let the transmitter finish what it was given (TDH reaches TDT, SDM §3.3.1); what has
     * completed already is reclaimed first, so an idle ring costs no register read. */
    e1000_clean_tx(a, 0);
    unsigned int waited = 0;
    while (e1000_hw_ring_in_flight(&a->tx) != 0 &&
           e1000_hw_rd(&a->hw, E1000_TDH) != a->tx.next_to_use &&
           waited < E1000_TX_DRAIN_TIMEOUT_US) {
        udelay(E1000_TX_DRAIN_POLL_US);
        waited += E1000_TX_DRAIN_POLL_US;
    }
    if (waited >= E1000_TX_DRAIN_TIMEOUT_US)
        netdev_warn(netdev, "transmitter did not drain in %u us\n", E1000_TX_DRAIN_TIMEOUT_US);
    e1000_hw_rx_disable(&a->hw);
    e1000_hw_tx_disable(&a->hw);
    napi_disable(&a->napi);
    free_irq(a->pdev->irq, a);
    e1000_clean_tx(a, 0);   /* completions of the drain */
    e1000_drop_rings(a);    /* what never completed, and the RX buffers */
    e1000_free_rings(a);
    netif_carrier_off(netdev);
    netdev_info(netdev, "down\n");
    return 0;
}

/* ---- statistics: the device's read-to-clear counters, summed (SDM §13.7) ---- */

static struct net_device_stats *e1000_get_stats(struct net_device *netdev)
{
    struct e1000_adapter *a = netdev_priv(netdev);
    struct net_device_stats *s = &netdev->stats;
    e1000_hw_stats_update(&a->hw, &a->hw_stats);
    const e1000_hw_stats *h = &a->hw_stats;
    s->rx_packets = h->gprc;
    s->tx_packets = h->gptc;
    s->rx_bytes = h->gorc;
    s->tx_bytes = h->gotc;
    s->multicast = h->mprc;
    s->collisions = h->colc;
    s->rx_crc_errors = h->crcerrs;
    s->rx_frame_errors = h->algnerrc;
    s->rx_length_errors = h->ruc + h->roc;
    s->rx_missed_errors = h->mpc;
    s->rx_over_errors = h->rnbc;
    s->rx_errors = h->rxerrc + h->crcerrs + h->algnerrc + h->ruc + h->roc + a->sw.rx_errors;
    s->rx_dropped = h->mpc + a->sw.rx_alloc_failed;
    s->tx_aborted_errors = h->ecol;
    s->tx_window_errors = h->latecol;
    s->tx_errors = h->ecol + h->latecol + a->sw.tx_errors;
    s->tx_dropped = a->sw.tx_dropped;
    return s;
}

static int e1000_change_mtu(struct net_device *netdev, int new_mtu)
{
    if (new_mtu < (int)netdev->min_mtu || new_mtu > (int)E1000_MTU_MAX)
        return -EINVAL;
    netdev->mtu = (unsigned int)new_mtu;
    return 0;
}

static const struct net_device_ops e1000_netdev_ops = {
    .ndo_open = e1000_open,
    .ndo_stop = e1000_close,
    .ndo_start_xmit = e1000_xmit_frame,
    .ndo_get_stats = e1000_get_stats,
    .ndo_set_rx_mode = e1000_set_rx_mode,
    .ndo_change_mtu = e1000_change_mtu,
};

/* ---- probe / remove ---- */

static int e1000_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
    (void)ent;
    int err = pci_enable_device(pdev);
    if (err)
        return err;
    if ((err = pci_request_regions(pdev, E1000_DRV_NAME)))
        goto err_disable;
    pci_set_master(pdev);
    /* 64-bit descriptor and buffer addresses (TDBAH/RDBAH, SDM §3.2.3, §3.3.3). */
    if ((err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64))))
        goto err_regions;
    /* BAR0: the 128 KiB memory register space (SDM §4.1, Table 4-2). */
    if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) || pci_resource_len(pdev, 0) < 0x20000) {
        dev_err(&pdev->dev, "BAR0 is not the 128 KiB register space\n");
        err = -ENODEV;
        goto err_regions;
    }
    struct net_device *netdev = alloc_etherdev(sizeof(struct e1000_adapter));
    if (!netdev) {
        err = -ENOMEM;
        goto err_regions;
    }
    SET_NETDEV_DEV(netdev, &pdev->dev);
    pci_set_drvdata(pdev, netdev);
    struct e1000_adapter *a = netdev_priv(netdev);
    a->netdev = netdev;
    a->pdev = pdev;
    a->hw_addr = pci_iomap(pdev, 0, 0);
    if (!a->hw_addr) {
        err = -EIO;
        goto err_netdev;
    }
    e1000_hw_init(&a->hw, a);
    /* Reset before anything is given to the device (SDM ch. 14 initialisation order). */
    int hs = e1000_hw_reset(&a->hw);
    if (hs == E1000_OK)
        hs = e1000_hw_validate_eeprom(&a->hw);
    if (hs == E1000_OK)
        hs = e1000_hw_read_mac_addr(&a->hw);
    if (hs != E1000_OK) {
        dev_err(&pdev->dev, "hardware init failed: %s\n", e1000_hw_strerror(hs));
        err = -EIO;
        goto err_iomap;
    }
    eth_hw_addr_set(netdev, a->hw.mac_addr);
    ether_addr_copy(netdev->perm_addr, a->hw.mac_addr);
    if (!is_valid_ether_addr(netdev->dev_addr)) {
        dev_err(&pdev->dev, "invalid MAC address in the EEPROM\n");
        err = -EIO;
        goto err_iomap;
    }
    netdev->netdev_ops = &e1000_netdev_ops;
    netdev->ethtool_ops = &e1000_ethtool_ops;
    netdev->watchdog_timeo = 5 * HZ;
    netdev->max_mtu = E1000_MTU_MAX;
    netdev->features = NETIF_F_RXCSUM;
    /* One MSI vector, as the native driver (pdev->irq follows). */
    if ((err = pci_enable_msi(pdev))) {
        dev_err(&pdev->dev, "no MSI vector: %d\n", err);
        goto err_iomap;
    }
    netdev->irq = pdev->irq;
    netif_napi_add(netdev, &a->napi, e1000_clean, NAPI_POLL_WEIGHT);
    netif_carrier_off(netdev);
    if ((err = register_netdev(netdev)))
        goto err_napi;
    const u8 *m = netdev->dev_addr;
    dev_info(&pdev->dev, "82540EM, MAC %02x:%02x:%02x:%02x:%02x:%02x, %u TX / %u RX "
             "descriptors, MSI IRQ %u\n", m[0], m[1], m[2], m[3], m[4], m[5], E1000_TX_RING,
             E1000_RX_RING, pdev->irq);
    return 0;
err_napi:
    netif_napi_del(&a->napi);
    pci_disable_msi(pdev);
err_iomap:
    pci_iounmap(pdev, a->hw_addr);
err_netdev:
    pci_set_drvdata(pdev, NULL);
    free_netdev(netdev);
err_regions:
    pci_release_regions(pdev);
err_disable:
    pci_disable_device(pdev);
    return err;
}

static void e1000_remove(struct pci_dev *pdev)
{
    struct net_device *netdev = pci_get_drvdata(pdev);
    struct e1000_adapter *a = netdev_priv(netdev);
    unregister_netdev(netdev);   /* stops it first if it is up */
    netif_napi_del(&a->napi);
    pci_disable_msi(pdev);
    pci_iounmap(pdev, a->hw_addr);
    pci_set_drvdata(pdev, NULL);
    free_netdev(netdev);
    pci_release_regions(pdev);
    pci_disable_device(pdev);
}

static struct pci_driver e1000_driver = {
    .name = E1000_DRV_NAME,
    .id_table = e1000_pci_tbl,
    .probe = e1000_probe,
    .remove = e1000_remove,
};

static int __init e1000_init_module(void)
{
    pr_info("e1000: Linux-style 82540EM driver 1.0\n");
    return pci_register_driver(&e1000_driver);
}

static void __exit e1000_exit_module(void)
{
    pci_unregister_driver(&e1000_driver);
}

module_init(e1000_init_module);
module_exit(e1000_exit_module);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Intel 82540EM (e1000), Linux style, on vmklinux");
