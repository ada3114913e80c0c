/* linux/ethtool.h — the part of ethtool_ops vmklinux uses: link settings (speed, duplex) that
 * netif_carrier_on reports to the uplink as its link status. Mirrors Linux's
 * include/linux/ethtool.h and uapi/linux/ethtool.h by name (speeds in Mbit/s). */
#ifndef _VMKLNX_LINUX_ETHTOOL_H
#define _VMKLNX_LINUX_ETHTOOL_H

#include <linux/types.h>

#define SPEED_10 10
#define SPEED_100 100
#define SPEED_1000 1000
#define SPEED_10000 10000
#define SPEED_UNKNOWN (-1)
#define DUPLEX_HALF 0x00
#define DUPLEX_FULL 0x01
#define DUPLEX_UNKNOWN 0xff

struct ethtool_link_settings {
    u32 speed;
    u8 duplex;
    u8 autoneg;
};

struct ethtool_link_ksettings {
    struct ethtool_link_settings base;
};

struct net_device;

struct ethtool_ops {
    int (*get_link_ksettings)(struct net_device *dev, struct ethtool_link_ksettings *cmd);
    u32 (*get_link)(struct net_device *dev);
};

#endif
