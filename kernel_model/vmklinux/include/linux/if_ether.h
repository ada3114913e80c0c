/* linux/if_ether.h — Ethernet sizes and EtherType values. Mirrors Linux's
 * include/uapi/linux/if_ether.h by name; the values are IEEE 802.3 (clause 3.1.1, 3.2.7) and the
 * IEEE EtherType registry (IPv4 0800h, ARP 0806h, 802.1Q 8100h, IPv6 86DDh). */
#ifndef _VMKLNX_LINUX_IF_ETHER_H
#define _VMKLNX_LINUX_IF_ETHER_H

#include <linux/byteorder.h>
#include <linux/types.h>

#define ETH_ALEN 6          /* octets in an Ethernet address */
#define ETH_TLEN 2          /* octets in the EtherType field */
#define ETH_HLEN 14         /* destination + source + EtherType */
#define ETH_ZLEN 60         /* minimum frame without FCS */
#define ETH_DATA_LEN 1500   /* maximum payload */
#define ETH_FRAME_LEN 1514  /* maximum frame without FCS */
#define ETH_FCS_LEN 4

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_IPV6 0x86DD
#define ETH_P_802_3_MIN 0x0600   /* below: an 802.3 length field, not an EtherType */

struct ethhdr {
    unsigned char h_dest[ETH_ALEN];
    unsigned char h_source[ETH_ALEN];
    __be16 h_proto;
} __attribute__((packed));

#endif
