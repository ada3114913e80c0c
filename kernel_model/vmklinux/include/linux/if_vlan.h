/* linux/if_vlan.h — the VLAN tag an skb carries outside its data (hardware-accelerated tag):
 * __vlan_hwaccel_put_tag, skb_vlan_tag_present/get. Mirrors Linux's include/linux/if_vlan.h by
 * name; the TCI layout is IEEE 802.1Q §9.6 (PCP 3 bits, DEI 1 bit, VID 12 bits). vmklinux maps
 * the tag to and from the packet's vmk_PktVlanID/Priority (linux_skb.c). */
#ifndef _VMKLNX_LINUX_IF_VLAN_H
#define _VMKLNX_LINUX_IF_VLAN_H

#include <linux/if_ether.h>
#include <linux/skbuff.h>

#define VLAN_HLEN 4
#define VLAN_PRIO_MASK 0xe000
#define VLAN_PRIO_SHIFT 13
#define VLAN_CFI_MASK 0x1000
#define VLAN_VID_MASK 0x0fff
#define VLAN_N_VID 4096

static inline void __vlan_hwaccel_put_tag(struct sk_buff *skb, __be16 proto, u16 tci)
{
    skb->vlan_proto = proto;
    skb->vlan_tci = tci;
    skb->vlan_present = 1;
}
static inline void __vlan_hwaccel_clear_tag(struct sk_buff *skb) { skb->vlan_present = 0; }
static inline int skb_vlan_tag_present(const struct sk_buff *skb) { return skb->vlan_present; }
static inline u16 skb_vlan_tag_get(const struct sk_buff *skb) { return skb->vlan_tci; }
static inline u16 skb_vlan_tag_get_id(const struct sk_buff *skb)
{
    return skb->vlan_tci & VLAN_VID_MASK;
}
static inline u16 skb_vlan_tag_get_prio(const struct sk_buff *skb)
{
    return (u16)((skb->vlan_tci & VLAN_PRIO_MASK) >> VLAN_PRIO_SHIFT);
}

#endif
