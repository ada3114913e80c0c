/* linux_skb.c — sk_buffs as shells bound to vmk_PktHandles, as the real shim's
 * do_bind_skb_to_pkt / map_pkt_to_skb / map_skb_to_pkt do (reference/vmkapi.md §3 "Network"): a
 * shell comes from a per-device slab (vmk_SlabCreate, owned by vmklinux), its head points at the
 * packet's buffer (no payload copy), and length, EtherType, checksum, VLAN and large-TCP metadata
 * are translated at each crossing: packet → skb for TX, skb → packet for RX. Freeing an skb
 * releases its packet (inside a NAPI poll, through the poll's completion queue) and returns the
 * shell. Also netif_receive_skb / netif_rx / napi_gro_receive, which hand packets up. */
#include "kernel_model/vmklinux/linux_net_internal.h"

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>

/* Shells for dev_alloc_skb (no device): one slab of vmklinux's. */
static vmk_SlabID shared_slab = VMK_INVALID_SLAB_ID;

#define MAC_HEADER_UNSET 0xffffu

static VMK_ReturnStatus slab_new(const char *name, vmk_SlabID *out)
{
    vmk_SlabCreateProps p;
    vmk_Memset(&p, 0, sizeof p);
    p.type = VMK_SLAB_TYPE_SIMPLE;
    vmk_Memcpy(p.name.string, name, vmk_Strnlen(name, VMK_MISC_NAME_MAX - 1));
    p.module = vmklnx_id;
    p.objSize = sizeof(struct sk_buff);
    p.alignment = 64;   /* one shell per cache line start (x86-64) */
    return vmk_SlabCreate(&p, out);
}

VMK_ReturnStatus vmklnx_skb_slab_create(vmklnx_net *n)
{
    return slab_new("vmklnx-skb", &n->skb_slab);
}

void vmklnx_skb_slab_destroy(vmklnx_net *n)
{
    if (n->shells_live)
        vmk_WarningMessage("vmklinux: %llu sk_buff(s) of a freed net_device not freed",
                           (unsigned long long)n->shells_live);
    if (n->skb_slab != VMK_INVALID_SLAB_ID)
        vmk_SlabDestroy(n->skb_slab);   /* shells still out are the kernel's to report */
    n->skb_slab = VMK_INVALID_SLAB_ID;
}

VMK_ReturnStatus vmklnx_skb_init(void)
{
    return slab_new("vmklnx-skb-shared", &shared_slab);
}

void vmklnx_skb_cleanup(void)
{
    if (shared_slab != VMK_INVALID_SLAB_ID)
        vmk_SlabDestroy(shared_slab);
    shared_slab = VMK_INVALID_SLAB_ID;
}

/* A shell bound to pkt's whole buffer, data at its start, empty (len 0). */
static struct sk_buff *shell_bind(vmklnx_net *n, vmk_PktHandle *pkt)
{
    struct sk_buff *skb = vmk_SlabAlloc(n ? n->skb_slab : shared_slab);
    if (!skb)
        return NULL;
    if (n)
        n->shells_live++;
    unsigned char *buf = vmk_PktFrameMappedPointerGet(pkt);
    skb->next = skb->prev = NULL;
    skb->dev = n ? n->ndev : NULL;
    skb->head = skb->data = skb->tail = buf;
    skb->end = buf + vmk_PktFrameMappedLenGet(pkt);
    skb->len = 0;
    skb->data_len = 0;
    skb->mac_header = MAC_HEADER_UNSET;
    skb->network_header = 0;
    skb->protocol = 0;
    skb->queue_mapping = 0;
    skb->ip_summed = CHECKSUM_NONE;
    skb->xmit_more = 0;
    skb->vlan_present = 0;
    skb->vlan_proto = 0;
    skb->vlan_tci = 0;
    skb->hash = 0;
    skb->csum = 0;
    skb->shinfo.gso_size = 0;
    skb->shinfo.gso_segs = 0;
    skb->shinfo.gso_type = 0;
    skb->shinfo.nr_frags = 0;
    skb->vmklnx_pkt = pkt;
    skb->vmklnx_net = n;
    return skb;
}

void vmklnx_skb_shell_put(struct sk_buff *skb)
{
    vmklnx_net *n = skb->vmklnx_net;
    skb->vmklnx_pkt = NULL;
    if (n) {
        n->shells_live--;
        vmk_SlabFree(n->skb_slab, skb);
    } else {
        vmk_SlabFree(shared_slab, skb);
    }
}

/* ---- TX: packet → skb ---- */

struct sk_buff *vmklnx_skb_from_pkt(vmklnx_net *n, vmk_PktHandle *pkt, vmk_Bool more)
{
    struct sk_buff *skb = shell_bind(n, pkt);
    if (!skb)
        return NULL;
    unsigned int len = vmk_PktFrameLenGet(pkt);
    skb->tail = skb->data + len;
    skb->len = len;
    skb->mac_header = 0;
    skb->network_header = ETH_HLEN;
    if (len >= ETH_HLEN)
        skb->protocol = ((const struct ethhdr *)skb->data)->h_proto;
    /* The stack asks for a checksum: the device computes it from csum_start (Linux's PARTIAL). */
    if (vmk_PktIsMustCsum(pkt))
        skb->ip_summed = CHECKSUM_PARTIAL;
    /* A tag to insert (802.1Q TCI: PCP in bits 15-13, VID in 11-0). */
    if (vmk_PktMustVlanTag(pkt))
        __vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q),
                               (u16)(vmk_PktVlanIDGet(pkt) |
                                     (vmk_PktPriorityGet(pkt) << VLAN_PRIO_SHIFT)));
    if (vmk_PktIsLargeTcpPacket(pkt)) {
        skb->shinfo.gso_size = (unsigned short)vmk_PktGetLargeTcpPacketMss(pkt);
        skb->shinfo.gso_type = skb->protocol == htons(ETH_P_IPV6) ? SKB_GSO_TCPV6
                                                                   : SKB_GSO_TCPV4;
    }
    skb->xmit_more = more ? 1 : 0;
    return skb;
}

/* ---- RX: skb → packet (the shell is returned) ---- */

/* The frame starts at the MAC header (eth_type_trans pulled it) or at data. A vmk_PktHandle's
 * frame starts at its buffer: a driver that reserved headroom has its frame moved there. */
static vmk_PktHandle *skb_to_pkt(struct sk_buff *skb)
{
    vmk_PktHandle *pkt = skb->vmklnx_pkt;
    vmklnx_net *n = skb->vmklnx_net;
    unsigned char *start = skb_mac_header_was_set(skb) ? skb_mac_header(skb) : skb->data;
    unsigned int len = (unsigned int)(skb->tail - start);
    if (start != skb->head) {
        for (unsigned int i = 0; i < len; i++)   /* forward: start lies after head */
            skb->head[i] = start[i];
        if (n)
            n->rx_copied++;
    }
    vmk_PktFrameLenSet(pkt, len);
    if (skb->ip_summed == CHECKSUM_UNNECESSARY)
        vmk_PktSetCsumVfd(pkt);
    if (skb->vlan_present) {
        vmk_PktVlanIDSet(pkt, (vmk_VlanID)(skb->vlan_tci & VLAN_VID_MASK));
        vmk_PktPrioritySet(pkt, (vmk_VlanPriority)(skb->vlan_tci >> VLAN_PRIO_SHIFT));
    }
    if (skb->shinfo.gso_size)
        vmk_PktSetLargeTcpPacket(pkt, skb->shinfo.gso_size);
    vmklnx_skb_shell_put(skb);
    return pkt;
}

static int rx_queue(vmk_NetPoll np, struct sk_buff *skb)
{
    vmklnx_net *n = skb->vmklnx_net;
    if (!skb->vmklnx_pkt) {
        vmk_WarningMessage("vmklinux: received an sk_buff with no packet: dropped");
        return NET_RX_DROP;
    }
    vmk_PktHandle *pkt = skb_to_pkt(skb);
    if (!np) {
        if (n)
            n->rx_no_poll++;
        vmk_PktRelease(pkt);
        return NET_RX_DROP;
    }
    vmk_NetPollRxPktQueue(np, pkt);
    return NET_RX_SUCCESS;
}

static vmk_NetPoll poll_for(struct sk_buff *skb)
{
    vmklnx_net *n = skb->vmklnx_net;
    if (!n && skb->dev)
        n = vmklnx_net_of(skb->dev);
    if (!n)
        return NULL;
    return n->cur_poll ? n->cur_poll : vmklnx_napi_default_poll(n);
}

int netif_receive_skb(struct sk_buff *skb)
{
    return rx_queue(poll_for(skb), skb);
}

/* From interrupt level: queued outside a poll run, the packet schedules one (vmkapi_netpoll.h). */
int netif_rx(struct sk_buff *skb)
{
    return rx_queue(poll_for(skb), skb);
}

gro_result_t napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
    /* No GRO: every frame goes up as it came. */
    return rx_queue(napi->vmklnx_poll, skb) == NET_RX_SUCCESS ? GRO_NORMAL : GRO_DROP;
}

/* ---- allocation ---- */

/* A packet of len bytes, owned by the caller (the driver's RX buffers are its own, as a native
 * driver's vmk_PktAllocForDMAEngine buffers are). */
static struct sk_buff *alloc_bound(vmklnx_net *n, unsigned int len)
{
    vmk_PktHandle *pkt;
    if (len == 0 || vmk_PktAlloc(len, &pkt) != VMK_OK)
        return NULL;
    struct sk_buff *skb = shell_bind(n, pkt);
    if (!skb)
        vmk_PktRelease(pkt);
    return skb;
}

struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int len, gfp_t gfp)
{
    (void)gfp;
    return alloc_bound(dev ? vmklnx_net_of(dev) : NULL, len);
}

struct sk_buff *dev_alloc_skb(unsigned int len)
{
    return alloc_bound(NULL, len);
}

struct sk_buff *napi_alloc_skb(struct napi_struct *napi, unsigned int len)
{
    return alloc_bound(vmklnx_net_of(napi->dev), len);
}

/* ---- frees ---- */

/* The packet ends: inside its device's poll through the poll's completion queue (handed on when
 * the poll returns, as a native driver's vmk_NetPollQueueCompPkt), elsewhere released now. */
static void skb_free(struct sk_buff *skb)
{
    if (!skb)
        return;
    vmk_PktHandle *pkt = skb->vmklnx_pkt;
    vmklnx_net *n = skb->vmklnx_net;
    if (pkt) {
        if (n && n->cur_poll)
            vmk_NetPollQueueCompPkt(n->cur_poll, pkt);
        else
            vmk_PktRelease(pkt);
    }
    vmklnx_skb_shell_put(skb);
}

void kfree_skb(struct sk_buff *skb) { skb_free(skb); }
void consume_skb(struct sk_buff *skb) { skb_free(skb); }
void dev_kfree_skb_any(struct sk_buff *skb) { skb_free(skb); }
void dev_kfree_skb_irq(struct sk_buff *skb) { skb_free(skb); }
void dev_consume_skb_any(struct sk_buff *skb) { skb_free(skb); }

/* budget 0: not from a poll (netpoll / teardown), so nothing may be deferred to one. */
void napi_consume_skb(struct sk_buff *skb, int budget)
{
    if (!skb)
        return;
    if (budget == 0 && skb->vmklnx_pkt) {
        vmk_PktRelease(skb->vmklnx_pkt);
        skb->vmklnx_pkt = NULL;
    }
    skb_free(skb);
}
