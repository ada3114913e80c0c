/* linux/skbuff.h — struct sk_buff and the buffer helpers a NIC driver uses: allocation for RX
 * (netdev_alloc_skb, dev_alloc_skb), skb_put/push/pull/reserve, the checksum, VLAN and GSO
 * metadata, and the frees (dev_kfree_skb*, napi_consume_skb, consume_skb). Mirrors Linux's
 * include/linux/skbuff.h by name. In vmklinux every sk_buff is a shell from a per-device slab
 * bound to one vmk_PktHandle: head points at the packet's own buffer, so payload is never copied
 * (linux_skb.c; reference/vmkapi.md §3 "Network"). */
#ifndef _VMKLNX_LINUX_SKBUFF_H
#define _VMKLNX_LINUX_SKBUFF_H

#include <linux/byteorder.h>
#include <linux/types.h>

struct net_device;
struct napi_struct;

/* ip_summed (Linux skbuff.h): NONE = not checked / compute in software; UNNECESSARY = the
 * device verified it (RX); COMPLETE = csum holds the packet's sum (RX); PARTIAL = the device must
 * compute it (TX). */
#define CHECKSUM_NONE 0
#define CHECKSUM_UNNECESSARY 1
#define CHECKSUM_COMPLETE 2
#define CHECKSUM_PARTIAL 3

/* gso_type bits (Linux netdev_features / skbuff.h). */
#define SKB_GSO_TCPV4 (1u << 0)
#define SKB_GSO_TCPV6 (1u << 4)

struct skb_shared_info {
    unsigned short gso_size;    /* MSS of a large TCP packet, 0 otherwise */
    unsigned short gso_segs;
    unsigned int gso_type;
    unsigned char nr_frags;     /* always 0: one linear buffer */
};

struct sk_buff {
    struct sk_buff *next, *prev;
    struct net_device *dev;
    unsigned int len;           /* bytes from data to tail */
    unsigned int data_len;      /* paged bytes: always 0 */
    unsigned char *head, *data, *tail, *end;
    u16 mac_header;             /* offset from head; 0xffff = not set */
    u16 network_header;
    __be16 protocol;            /* EtherType, network order */
    u16 queue_mapping;
    u8 ip_summed;
    u8 xmit_more;               /* TX: more packets follow in this batch (Linux 3.18-5.1) */
    u8 vlan_present;
    __be16 vlan_proto;
    u16 vlan_tci;               /* PCP << 13 | DEI << 12 | VID */
    u32 hash;
    u32 csum;
    struct skb_shared_info shinfo;
    void *vmklnx_pkt;           /* vmklinux-private: the bound vmk_PktHandle */
    void *vmklnx_net;           /* vmklinux-private: the device record the shell came from */
};

static inline struct skb_shared_info *skb_shinfo(struct sk_buff *skb) { return &skb->shinfo; }
static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
    return skb->len - skb->data_len;
}
static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
    return (unsigned int)(skb->data - skb->head);
}
static inline int skb_tailroom(const struct sk_buff *skb)
{
    return (int)(skb->end - skb->tail);
}
static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb) { return skb->tail; }
static inline bool skb_is_gso(struct sk_buff *skb) { return skb->shinfo.gso_size != 0; }
static inline void skb_checksum_none_assert(struct sk_buff *skb) { (void)skb; }

/* Appends len bytes at the tail: returns where they start. */
static inline void *skb_put(struct sk_buff *skb, unsigned int len)
{
    unsigned char *t = skb->tail;
    skb->tail += len;
    skb->len += len;
    return t;
}
static inline void *skb_push(struct sk_buff *skb, unsigned int len)
{
    skb->data -= len;
    skb->len += len;
    return skb->data;
}
static inline void *skb_pull(struct sk_buff *skb, unsigned int len)
{
    if (len > skb->len)
        return NULL;
    skb->len -= len;
    skb->data += len;
    return skb->data;
}
static inline void skb_reserve(struct sk_buff *skb, int len)
{
    skb->data += len;
    skb->tail += len;
}
static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
    return skb->head + skb->mac_header;
}
static inline int skb_mac_header_was_set(const struct sk_buff *skb)
{
    return skb->mac_header != 0xffff;
}
static inline void skb_reset_mac_header(struct sk_buff *skb)
{
    skb->mac_header = (u16)(skb->data - skb->head);
}
static inline void skb_record_rx_queue(struct sk_buff *skb, u16 q)
{
    skb->queue_mapping = (u16)(q + 1);
}

/* x86: no padding needed to align the IP header (Linux arch/x86 NET_IP_ALIGN 0). */
#define NET_IP_ALIGN 0
#define NET_SKB_PAD 0

/* A buffer for RX: a vmk_PktHandle of len bytes owned by the calling module, bound to a shell. */
struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int len, gfp_t gfp);
static inline struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int len)
{
    return __netdev_alloc_skb(dev, len, 0x20u /* GFP_ATOMIC */);
}
static inline struct sk_buff *netdev_alloc_skb_ip_align(struct net_device *dev, unsigned int len)
{
    struct sk_buff *skb = netdev_alloc_skb(dev, len + NET_IP_ALIGN);
    if (NET_IP_ALIGN && skb)
        skb_reserve(skb, NET_IP_ALIGN);
    return skb;
}
/* Without a device: the shell comes from vmklinux's shared slab. */
struct sk_buff *dev_alloc_skb(unsigned int len);
struct sk_buff *napi_alloc_skb(struct napi_struct *napi, unsigned int len);

/* Frees: the packet is released (a TX completion inside a NAPI poll goes through the poll's
 * completion queue) and the shell returns to its slab. */
void kfree_skb(struct sk_buff *skb);
void consume_skb(struct sk_buff *skb);
void dev_kfree_skb_any(struct sk_buff *skb);
void dev_kfree_skb_irq(struct sk_buff *skb);
void dev_consume_skb_any(struct sk_buff *skb);
void napi_consume_skb(struct sk_buff *skb, int budget);
#define dev_kfree_skb(skb) consume_skb(skb)

#endif
