/* linux_net.c — net_device for Linux drivers, as a native uplink. alloc_etherdev gives the driver
 * a net_device (on its own heap) and vmklinux a record of it; register_netdev marks it for
 * registration, and the PCI function's next scan registers it as a logical child
 * ("com.vmware.uplink", vmk_DeviceRegister is allowed only in scan) whose vmk_UplinkOps are
 * vmklinux's: TX binds each packet to an sk_buff and calls ndo_start_xmit, StartIO/QuiesceIO call
 * ndo_open/ndo_stop, stats call ndo_get_stats — each as the driver's module (VMKAPI_MODULE_CALL).
 * reference/vmkapi.md §2 "Net" and §3 "Network"; docs/vmklinux.md "Network". */
#include "kernel_model/vmklinux/linux_net_internal.h"

#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <linux/string.h>

static vmklnx_net *nets;   /* every record, in alloc_etherdev order */
static vmk_DeviceOps child_ops;

static void name_set(vmk_Name *n, const char *s)
{
    vmk_Memset(n->string, 0, sizeof n->string);
    vmk_Memcpy(n->string, s, vmk_Strnlen(s, VMK_MISC_NAME_MAX - 1));
}

static void net_unlink_free(vmklnx_net *n)
{
    for (vmklnx_net **pp = &nets; *pp; pp = &(*pp)->next) {
        if (*pp == n) {
            *pp = n->next;
            break;
        }
    }
    vmklnx_free(n);
}

/* ---- link: carrier + the driver's ethtool link settings → the uplink's link status ---- */

void vmklnx_net_link_report(vmklnx_net *n)
{
    struct net_device *dev = n->ndev;
    if (!dev)
        return;
    vmk_LinkStatus *ls = &n->shared.link;
    ls->state = netif_carrier_ok(dev) ? VMK_LINK_STATE_UP : VMK_LINK_STATE_DOWN;
    const struct ethtool_ops *eo = dev->ethtool_ops;
    if (eo && eo->get_link_ksettings) {
        struct ethtool_link_ksettings ks;
        vmk_Memset(&ks, 0, sizeof ks);
        int rc;
        VMKAPI_MODULE_CALL(n->mod->id, rc, eo->get_link_ksettings, dev, &ks);
        if (rc == 0) {
            ls->speed = (vmk_LinkSpeed)(ks.base.speed == (u32)SPEED_UNKNOWN ? 0 : ks.base.speed);
            ls->duplex = ks.base.duplex == DUPLEX_FULL ? VMK_LINK_DUPLEX_FULL
                                                       : VMK_LINK_DUPLEX_HALF;
        }
    }
    if (n->uplink)
        vmk_UplinkUpdateLinkState(n->uplink, ls);
}

void netif_carrier_on(struct net_device *dev)
{
    if (netif_carrier_ok(dev))
        return;
    dev->state &= ~(1ul << __LINK_STATE_NOCARRIER);
    vmklnx_net_link_report(vmklnx_net_of(dev));
}

void netif_carrier_off(struct net_device *dev)
{
    if (!netif_carrier_ok(dev))
        return;
    dev->state |= 1ul << __LINK_STATE_NOCARRIER;
    vmklnx_net_link_report(vmklnx_net_of(dev));
}

/* ---- TX queue: one queue, stopped by the driver when its ring is full ---- */

void netif_start_queue(struct net_device *dev)
{
    dev->state &= ~(1ul << __QUEUE_STATE_DRV_XOFF);
}

void netif_wake_queue(struct net_device *dev)
{
    /* The uplink layer resends nothing: its workload retries on the next batch. */
    dev->state &= ~(1ul << __QUEUE_STATE_DRV_XOFF);
}

void netif_stop_queue(struct net_device *dev)
{
    dev->state |= 1ul << __QUEUE_STATE_DRV_XOFF;
}

/* ---- the uplink ops (run as vmklinux: reg.moduleID) ---- */

#define NET(cookie) ((vmklnx_net *)(cookie).ptr)

/* Each packet of the list: popped, bound to a shell, handed to ndo_start_xmit as the driver.
 * A packet the driver does not take (NETDEV_TX_BUSY, a stopped queue) goes back to the head of
 * the list: the uplink layer fails what is left. */
static VMK_ReturnStatus uplink_tx(vmk_AddrCookie d, vmk_PktList list)
{
    vmklnx_net *n = NET(d);
    struct net_device *dev = n->ndev;
    if (!dev || !n->io_started)
        return VMK_BUSY;
    netdev_tx_t (*xmit)(struct sk_buff *, struct net_device *) = dev->netdev_ops->ndo_start_xmit;
    while (!vmk_PktListIsEmpty(list)) {
        if (netif_queue_stopped(dev))
            return VMK_BUSY;
        vmk_PktHandle *pkt = vmk_PktListPopFirstPkt(list);
        struct sk_buff *skb = vmklnx_skb_from_pkt(n, pkt, !vmk_PktListIsEmpty(list));
        if (!skb) {
            vmk_PktListPrependPkt(list, pkt);
            return VMK_NO_MEMORY;
        }
        netdev_tx_t rc;
        VMKAPI_MODULE_CALL(n->mod->id, rc, xmit, skb, dev);
        if (rc != NETDEV_TX_OK) {
            vmklnx_skb_shell_put(skb);
            vmk_PktListPrependPkt(list, pkt);
            return VMK_BUSY;
        }
    }
    return VMK_OK;
}

static VMK_ReturnStatus uplink_start_io(vmk_AddrCookie d)
{
    vmklnx_net *n = NET(d);
    struct net_device *dev = n->ndev;
    if (!dev || !n->registered)
        return VMK_INVALID_HANDLE;
    if (n->io_started)
        return VMK_OK;
    int rc = 0;
    dev->state |= 1ul << __LINK_STATE_START;
    dev->flags |= IFF_UP;
    if (dev->netdev_ops->ndo_open)
        VMKAPI_MODULE_CALL(n->mod->id, rc, dev->netdev_ops->ndo_open, dev);
    if (rc != 0) {
        dev->state &= ~(1ul << __LINK_STATE_START);
        dev->flags &= ~(unsigned)IFF_UP;
        vmk_WarningMessage("vmklinux: %s: ndo_open failed: %d", dev->name, rc);
        return vmklnx_errno_to_status(rc);
    }
    n->io_started = 1;
    vmklnx_net_link_report(n);
    return VMK_OK;
}

static void net_stop(vmklnx_net *n)
{
    struct net_device *dev = n->ndev;
    if (!n->io_started || !dev)
        return;
    n->io_started = 0;
    int rc = 0;
    if (dev->netdev_ops->ndo_stop)
        VMKAPI_MODULE_CALL(n->mod->id, rc, dev->netdev_ops->ndo_stop, dev);
    if (rc != 0)
        vmk_WarningMessage("vmklinux: %s: ndo_stop returned %d", dev->name, rc);
    dev->state &= ~(1ul << __LINK_STATE_START);
    dev->flags &= ~(unsigned)IFF_UP;
}

static VMK_ReturnStatus uplink_quiesce_io(vmk_AddrCookie d)
{
    net_stop(NET(d));
    return VMK_OK;
}

static VMK_ReturnStatus uplink_associate(vmk_AddrCookie d, vmk_Uplink uplink)
{
    vmklnx_net *n = NET(d);
    n->uplink = uplink;
    if (n->ndev) {
        vmk_Name nm = vmk_UplinkNameGet(uplink);
        vmk_Memcpy(n->ndev->name, nm.string, vmk_Strnlen(nm.string, IFNAMSIZ - 1) + 1);
    }
    vmklnx_napi_uplink_set(n, uplink);
    vmklnx_net_link_report(n);
    return VMK_OK;
}

static VMK_ReturnStatus uplink_disassociate(vmk_AddrCookie d)
{
    vmklnx_net *n = NET(d);
    vmklnx_napi_uplink_set(n, NULL);
    n->uplink = NULL;
    return VMK_OK;
}

static VMK_ReturnStatus uplink_mtu_set(vmk_AddrCookie d, vmk_uint32 mtu)
{
    vmklnx_net *n = NET(d);
    struct net_device *dev = n->ndev;
    if (!dev)
        return VMK_INVALID_HANDLE;
    if (mtu < dev->min_mtu || mtu > dev->max_mtu)
        return VMK_BAD_PARAM;
    int rc = 0;
    if (dev->netdev_ops->ndo_change_mtu)
        VMKAPI_MODULE_CALL(n->mod->id, rc, dev->netdev_ops->ndo_change_mtu, dev, (int)mtu);
    else
        dev->mtu = mtu;
    if (rc == 0)
        n->shared.mtu = dev->mtu;
    return vmklnx_errno_to_status(rc);
}

static VMK_ReturnStatus uplink_state_set(vmk_AddrCookie d, vmk_UplinkState state)
{
    vmklnx_net *n = NET(d);
    struct net_device *dev = n->ndev;
    if (!dev)
        return VMK_INVALID_HANDLE;
    if (state & VMK_UPLINK_STATE_PROMISC)
        dev->flags |= IFF_PROMISC;
    else
        dev->flags &= ~(unsigned)IFF_PROMISC;
    n->shared.state = state;
    if (n->io_started && dev->netdev_ops->ndo_set_rx_mode)
        VMKAPI_MODULE_CALL_VOID(n->mod->id, dev->netdev_ops->ndo_set_rx_mode, dev);
    return VMK_OK;
}

static VMK_ReturnStatus uplink_stats_get(vmk_AddrCookie d, vmk_UplinkStats *s)
{
    vmklnx_net *n = NET(d);
    struct net_device *dev = n->ndev;
    vmk_Memset(s, 0, sizeof *s);
    if (!dev)
        return VMK_OK;
    const struct net_device_stats *ls = &dev->stats;
    if (dev->netdev_ops->ndo_get_stats)
        VMKAPI_MODULE_CALL(n->mod->id, ls, dev->netdev_ops->ndo_get_stats, dev);
    s->rxPkts = ls->rx_packets;
    s->txPkts = ls->tx_packets;
    s->rxBytes = ls->rx_bytes;
    s->txBytes = ls->tx_bytes;
    s->rxErrors = ls->rx_errors;
    s->txErrors = ls->tx_errors;
    s->rxDrops = ls->rx_dropped + n->rx_no_poll;
    s->txDrops = ls->tx_dropped;
    s->rxMulticastPkts = ls->multicast;
    s->collisions = ls->collisions;
    s->rxLengthErrors = ls->rx_length_errors;
    s->rxOverflowErrors = ls->rx_over_errors;
    s->rxCRCErrors = ls->rx_crc_errors;
    s->rxFrameAlignErrors = ls->rx_frame_errors;
    s->rxFifoErrors = ls->rx_fifo_errors;
    s->rxMissErrors = ls->rx_missed_errors;
    s->txAbortedErrors = ls->tx_aborted_errors;
    s->txCarrierErrors = ls->tx_carrier_errors;
    s->txFifoErrors = ls->tx_fifo_errors;
    s->txHeartbeatErrors = ls->tx_heartbeat_errors;
    s->txWindowErrors = ls->tx_window_errors;
    return VMK_OK;
}

static void reg_init(vmklnx_net *n)
{
    vmk_UplinkRegData *r = &n->reg;
    r->apiRevision = VMKAPI_REVISION;
    r->moduleID = vmklnx_id;   /* the ops are vmklinux's; they call the driver as the driver */
    r->ops.uplinkTx = uplink_tx;
    r->ops.uplinkMTUSet = uplink_mtu_set;
    r->ops.uplinkStateSet = uplink_state_set;
    r->ops.uplinkStatsGet = uplink_stats_get;
    r->ops.uplinkAssociate = uplink_associate;
    r->ops.uplinkDisassociate = uplink_disassociate;
    r->ops.uplinkStartIO = uplink_start_io;
    r->ops.uplinkQuiesceIO = uplink_quiesce_io;
    r->sharedData = &n->shared;
    r->driverData.ptr = n;
}

/* ---- allocation and registration ---- */

struct net_device *alloc_etherdev(int sizeof_priv)
{
    vmklnx_module *m = vmklnx_module_current("alloc_etherdev");
    if (!m || sizeof_priv < 0)
        return NULL;
    vmklnx_net *n = vmklnx_zalloc(sizeof *n);
    if (!n)
        return NULL;
    /* The net_device and its private area are the driver's memory (its heap), as on Linux. */
    size_t size = ALIGN(sizeof(struct net_device), NETDEV_ALIGN) + (size_t)sizeof_priv;
    struct net_device *dev = kzalloc(size, GFP_KERNEL);
    if (!dev) {
        vmklnx_free(n);
        return NULL;
    }
    n->ndev = dev;
    n->mod = m;
    if (vmklnx_skb_slab_create(n) != VMK_OK) {
        kfree(dev);
        vmklnx_free(n);
        return NULL;
    }
    reg_init(n);
    vmklnx_strscpy(dev->name, "eth%d", IFNAMSIZ);
    dev->vmklnx = n;
    dev->type = 1;   /* ARPHRD_ETHER */
    dev->hard_header_len = ETH_HLEN;
    dev->addr_len = ETH_ALEN;
    dev->mtu = ETH_DATA_LEN;
    dev->min_mtu = 68;   /* ETH_MIN_MTU: the IPv4 minimum datagram, RFC 791 */
    dev->max_mtu = ETH_DATA_LEN;
    dev->flags = IFF_BROADCAST | IFF_MULTICAST;
    dev->state = 1ul << __LINK_STATE_NOCARRIER;   /* no carrier until the driver says so */
    for (int i = 0; i < ETH_ALEN; i++)
        dev->broadcast[i] = 0xff;
    n->next = nets;
    nets = n;
    return dev;
}

int register_netdev(struct net_device *dev)
{
    vmklnx_net *n = dev ? vmklnx_net_of(dev) : NULL;
    if (!n || n->registered)
        return -EINVAL;
    struct pci_dev *p = dev->dev.parent ? vmklnx_pci_of_device(dev->dev.parent) : NULL;
    if (!p) {
        vmk_WarningMessage("vmklinux: register_netdev: %s has no PCI parent (SET_NETDEV_DEV)",
                           dev->name);
        return -ENODEV;
    }
    if (!dev->netdev_ops || !dev->netdev_ops->ndo_start_xmit)
        return -EINVAL;
    if (dev->netdev_ops->ndo_init) {
        int rc;
        VMKAPI_MODULE_CALL(n->mod->id, rc, dev->netdev_ops->ndo_init, dev);
        if (rc)
            return rc;
    }
    n->pdev = p;
    n->registered = 1;
    vmk_UplinkSharedData *sh = &n->shared;
    sh->state = VMK_UPLINK_STATE_ENABLED | VMK_UPLINK_STATE_BROADCAST_OK;
    sh->link.state = VMK_LINK_STATE_DOWN;
    sh->link.duplex = VMK_LINK_DUPLEX_FULL;
    sh->mtu = dev->mtu;
    vmk_Memcpy(sh->macAddr, dev->dev_addr, ETH_ALEN);
    vmk_Memcpy(sh->hwMacAddr, is_zero_ether_addr(dev->perm_addr) ? dev->dev_addr
                                                                  : dev->perm_addr, ETH_ALEN);
    name_set(&sh->driverInfo.driver, n->mod->name);
    name_set(&sh->driverInfo.version, "vmklinux");
    name_set(&sh->driverInfo.firmwareVersion, "n/a");
    name_set(&sh->driverInfo.moduleInterface, "vmklinux");
    vmk_LogMessage("vmklinux: %s: net_device of %s registered; its uplink comes at the "
                   "function's scan", pci_name(p), n->mod->name);
    return 0;
}

/* The uplink child goes when the kernel removes it (the PCI function's detach or removal);
 * here the driver lets go of the device: IO stops (ndo_stop) and the ops stop calling it. */
void unregister_netdev(struct net_device *dev)
{
    vmklnx_net *n = dev ? vmklnx_net_of(dev) : NULL;
    if (!n || !n->registered)
        return;
    net_stop(n);
    if (dev->netdev_ops->ndo_uninit)
        VMKAPI_MODULE_CALL_VOID(n->mod->id, dev->netdev_ops->ndo_uninit, dev);
    n->registered = 0;
}

void free_netdev(struct net_device *dev)
{
    vmklnx_net *n = dev ? vmklnx_net_of(dev) : NULL;
    if (!n)
        return;
    if (n->registered) {
        vmk_WarningMessage("vmklinux: free_netdev of %s while registered: unregistered",
                           dev->name);
        unregister_netdev(dev);
    }
    vmklnx_napi_del_all(n);
    vmklnx_skb_slab_destroy(n);
    n->ndev = NULL;
    kfree(dev);
    if (!n->child)
        net_unlink_free(n);   /* else the child's removal frees the record */
}

/* ---- the logical child (hooks of linux_pci.c) ---- */

static VMK_ReturnStatus child_remove(vmk_Device child)
{
    vmk_AddrCookie c;
    VMK_ReturnStatus st = vmk_DeviceGetRegisteringDriverData(child, &c);
    if (st != VMK_OK)
        return st;
    vmklnx_net *n = c.ptr;
    if ((st = vmk_DeviceUnregister(child)) != VMK_OK)
        return st;
    n->child = VMK_DEVICE_NONE;
    if (!n->ndev)
        net_unlink_free(n);
    return VMK_OK;
}

static VMK_ReturnStatus child_register(vmklnx_net *n, vmk_Driver drv, vmk_uint32 port)
{
    static char ident[] = VMK_UPLINK_DEVICE_IDENTIFIER;
    child_ops.removeDevice = child_remove;
    return vmklnx_child_register(n->pdev, drv, port, ident, &child_ops, n, &n->reg, &n->child);
}

/* The function's scan: every registered net_device of it without its uplink gets one. */
void vmklnx_net_scan(struct pci_dev *p, vmk_Driver drv)
{
    vmk_uint32 port = 0;
    for (vmklnx_net *n = nets; n; n = n->next) {
        if (n->pdev != p || !n->ndev)
            continue;
        if (n->registered && !n->child) {
            VMK_ReturnStatus st = child_register(n, drv, port);
            if (st != VMK_OK)
                vmk_WarningMessage("vmklinux: %s: uplink registration of %s failed: %s",
                                   pci_name(p), n->ndev->name, vmk_StatusToString(st));
        }
        port++;
    }
}

/* The driver let go of the function (remove, failed probe): net_devices it left are freed. */
void vmklnx_net_unbind(struct pci_dev *p)
{
    vmklnx_net *n = nets;
    while (n) {
        vmklnx_net *next = n->next;
        if (n->pdev == p && n->ndev) {
            vmk_WarningMessage("vmklinux: %s: driver left net_device %s: freed", pci_name(p),
                               n->ndev->name);
            free_netdev(n->ndev);
        }
        n = next;
    }
}
