/* linux/etherdevice.h — Ethernet helpers: alloc_etherdev (linux/netdevice.h), eth_type_trans,
 * address checks and copies. Mirrors Linux's include/linux/etherdevice.h by name; address
 * classes follow IEEE 802 (bit 0 of the first octet: group; all ones: broadcast). */
#ifndef _VMKLNX_LINUX_ETHERDEVICE_H
#define _VMKLNX_LINUX_ETHERDEVICE_H

#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

static inline bool is_multicast_ether_addr(const u8 *a) { return a[0] & 1; }
static inline bool is_zero_ether_addr(const u8 *a)
{
    return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}
static inline bool is_broadcast_ether_addr(const u8 *a)
{
    return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}
static inline bool is_valid_ether_addr(const u8 *a)
{
    return !is_multicast_ether_addr(a) && !is_zero_ether_addr(a);
}
static inline void ether_addr_copy(u8 *dst, const u8 *src)
{
    for (int i = 0; i < ETH_ALEN; i++)
        dst[i] = src[i];
}
static inline bool ether_addr_equal(const u8 *a, const u8 *b)
{
    for (int i = 0; i < ETH_ALEN; i++)
        if (a[i] != b[i])
            return false;
    return true;
}
static inline void eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
    ether_addr_copy(dev->dev_addr, addr);
}

/* Records the MAC header, pulls it off the data and returns the frame's EtherType (network
 * order), as the RX path of a Linux driver does before handing the skb up. */
static inline __be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
    skb->dev = dev;
    skb_reset_mac_header(skb);
    const struct ethhdr *eth = (const struct ethhdr *)skb->data;
    skb_pull(skb, ETH_HLEN);
    return eth->h_proto;
}

#endif
