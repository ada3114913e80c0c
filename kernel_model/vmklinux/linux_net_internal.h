/* linux_net_internal.h — what the network translation files of vmklinux share (linux_net.c:
 * net_device and the uplink it becomes; linux_skb.c: sk_buff shells bound to packet handles;
 * linux_napi.c: NAPI on vmk_NetPoll). Hidden: only the Linux API is exported. */
#ifndef VMKLNX_NET_INTERNAL_H
#define VMKLNX_NET_INTERNAL_H

#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/netdevice.h>

/* The shim's record of one net_device: created by alloc_etherdev, it outlives the net_device
 * while the uplink (the logical child) is still registered, because the uplink layer holds its
 * registration and shared data until it lets the child go. */
typedef struct vmklnx_net {
    struct net_device *ndev;         /* NULL once free_netdev ran */
    vmklnx_module *mod;              /* the driver that allocated it: every call runs as it */
    struct pci_dev *pdev;            /* the parent function (register_netdev) */
    vmk_SlabID skb_slab;             /* this device's sk_buff shells */
    vmk_UplinkRegData reg;
    vmk_UplinkSharedData shared;
    vmk_Uplink uplink;               /* from uplinkAssociate, until uplinkDisassociate */
    vmk_Device child;                /* the logical child, once a scan registered it */
    int registered;                  /* between register_netdev and unregister_netdev */
    int io_started;                  /* between uplinkStartIO (ndo_open ok) and QuiesceIO */
    struct napi_struct *napis;       /* netif_napi_add order */
    vmk_NetPoll cur_poll;            /* the NetPoll whose poll runs now, else NULL */
    vmk_uint64 shells_live;          /* shells taken from skb_slab, not yet returned */
    vmk_uint64 rx_no_poll;           /* received with no NetPoll to carry them: dropped */
    vmk_uint64 rx_copied;            /* frames moved to the buffer start (skb_reserve'd) */
    struct vmklnx_net *next;
} vmklnx_net;

static inline vmklnx_net *vmklnx_net_of(const struct net_device *dev)
{
    return (vmklnx_net *)dev->vmklnx;
}

/* linux_net.c */
VMKLNX_HIDDEN void vmklnx_net_link_report(vmklnx_net *n);

/* linux_skb.c */
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_skb_slab_create(vmklnx_net *n);
VMKLNX_HIDDEN void vmklnx_skb_slab_destroy(vmklnx_net *n);
/* TX: a shell bound to pkt with the packet's metadata (length, protocol, checksum request,
 * VLAN tag, large-TCP MSS) translated into it. NULL if no shell is left. */
VMKLNX_HIDDEN struct sk_buff *vmklnx_skb_from_pkt(vmklnx_net *n, vmk_PktHandle *pkt,
                                                  vmk_Bool more);
/* Returns a shell whose packet was not taken (NETDEV_TX_BUSY): the packet stays the caller's. */
VMKLNX_HIDDEN void vmklnx_skb_shell_put(struct sk_buff *skb);

/* linux_napi.c */
/* The NetPolls of the device's napi_structs carry the uplink's RX (uplinkAssociate), or stop. */
VMKLNX_HIDDEN void vmklnx_napi_uplink_set(vmklnx_net *n, vmk_Uplink uplink);
/* Destroys every NetPoll of the device (free_netdev, a driver that left them). */
VMKLNX_HIDDEN void vmklnx_napi_del_all(vmklnx_net *n);
/* The NetPoll RX of this device goes through when not called from a poll: the first napi's. */
VMKLNX_HIDDEN vmk_NetPoll vmklnx_napi_default_poll(vmklnx_net *n);

#endif
