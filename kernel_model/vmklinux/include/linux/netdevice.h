/* linux/netdevice.h — struct net_device and its ops, registration, the TX queue and carrier
 * state, statistics and NAPI. Mirrors Linux's include/linux/netdevice.h by name. vmklinux
 * registers each net_device as a native uplink (a logical child of the PCI function, with
 * vmk_UplinkOps of its own that call the driver's net_device_ops as the driver) and backs every
 * napi_struct with a vmk_NetPoll (linux_net.c, linux_napi.c; reference/vmkapi.md §3). */
#ifndef _VMKLNX_LINUX_NETDEVICE_H
#define _VMKLNX_LINUX_NETDEVICE_H

#include <linux/device.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#define IFNAMSIZ 16
#define MAX_ADDR_LEN 32

/* dev->flags (Linux uapi/linux/if.h). */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_PROMISC 0x100
#define IFF_ALLMULTI 0x200
#define IFF_MULTICAST 0x1000

/* dev->features (Linux netdev_features.h, bit values of our own). */
typedef u64 netdev_features_t;
#define NETIF_F_SG (1ull << 0)
#define NETIF_F_IP_CSUM (1ull << 1)
#define NETIF_F_HW_CSUM (1ull << 3)
#define NETIF_F_RXCSUM (1ull << 4)
#define NETIF_F_HW_VLAN_CTAG_TX (1ull << 5)
#define NETIF_F_HW_VLAN_CTAG_RX (1ull << 6)
#define NETIF_F_TSO (1ull << 7)

typedef enum netdev_tx {
    NETDEV_TX_OK = 0x00,     /* the driver took the skb (sent, queued or dropped and freed) */
    NETDEV_TX_BUSY = 0x10,   /* not taken: the caller still owns the skb */
} netdev_tx_t;

struct net_device_stats {
    unsigned long rx_packets, tx_packets;
    unsigned long rx_bytes, tx_bytes;
    unsigned long rx_errors, tx_errors;
    unsigned long rx_dropped, tx_dropped;
    unsigned long multicast, collisions;
    unsigned long rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
    unsigned long rx_fifo_errors, rx_missed_errors;
    unsigned long tx_aborted_errors, tx_carrier_errors, tx_fifo_errors, tx_heartbeat_errors;
    unsigned long tx_window_errors;
};

struct net_device;

struct net_device_ops {
    int (*ndo_init)(struct net_device *dev);
    void (*ndo_uninit)(struct net_device *dev);
    int (*ndo_open)(struct net_device *dev);
    int (*ndo_stop)(struct net_device *dev);
    netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
    void (*ndo_set_rx_mode)(struct net_device *dev);
    int (*ndo_set_mac_address)(struct net_device *dev, void *addr);
    int (*ndo_change_mtu)(struct net_device *dev, int new_mtu);
    void (*ndo_tx_timeout)(struct net_device *dev, unsigned int txqueue);
    struct net_device_stats *(*ndo_get_stats)(struct net_device *dev);
};

/* dev->state bits (Linux __LINK_STATE_* and __QUEUE_STATE_DRV_XOFF). */
#define __LINK_STATE_START 0
#define __LINK_STATE_NOCARRIER 1
#define __QUEUE_STATE_DRV_XOFF 2

struct net_device {
    char name[IFNAMSIZ];                 /* "eth%d" until registered, then the uplink's name */
    unsigned long state;
    unsigned int flags;
    unsigned int mtu, min_mtu, max_mtu;
    unsigned short type;
    unsigned short hard_header_len;
    unsigned char addr_len;
    unsigned char perm_addr[MAX_ADDR_LEN];
    unsigned char dev_addr[MAX_ADDR_LEN];
    unsigned char broadcast[MAX_ADDR_LEN];
    netdev_features_t features, hw_features;
    int watchdog_timeo;                  /* jiffies */
    unsigned int irq;
    const struct net_device_ops *netdev_ops;
    const struct ethtool_ops *ethtool_ops;
    struct net_device_stats stats;
    struct {
        struct device *parent;           /* SET_NETDEV_DEV: the PCI function's device */
    } dev;
    void *vmklnx;                        /* vmklinux-private: the shim's record of the device */
    /* the driver's private area (netdev_priv) follows, 64-byte aligned */
};

#define NETDEV_ALIGN 64
static inline void *netdev_priv(const struct net_device *dev)
{
    return (char *)dev + ALIGN(sizeof(struct net_device), NETDEV_ALIGN);
}

#define SET_NETDEV_DEV(net, pdev) ((net)->dev.parent = (pdev))

/* An ethernet net_device with sizeof_priv bytes of zeroed private area, owned by the caller. */
struct net_device *alloc_etherdev(int sizeof_priv);
void free_netdev(struct net_device *dev);
/* Makes the device an uplink of the kernel: vmklinux registers it as a logical child of its PCI
 * function at the function's next scan (vmkapi allows vmk_DeviceRegister only there); see
 * docs/vmklinux.md "Network". */
int register_netdev(struct net_device *dev);
void unregister_netdev(struct net_device *dev);

/* ---- TX queue (one queue) ---- */
void netif_start_queue(struct net_device *dev);
void netif_stop_queue(struct net_device *dev);
void netif_wake_queue(struct net_device *dev);
static inline bool netif_queue_stopped(const struct net_device *dev)
{
    return (dev->state >> __QUEUE_STATE_DRV_XOFF) & 1;
}
static inline bool netif_running(const struct net_device *dev)
{
    return (dev->state >> __LINK_STATE_START) & 1;
}
/* ---- carrier: reported to the uplink as its link state ---- */
void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
static inline bool netif_carrier_ok(const struct net_device *dev)
{
    return !((dev->state >> __LINK_STATE_NOCARRIER) & 1);
}

/* ---- receive: the skb's packet goes up to the uplink (length, checksum, VLAN, GSO copied to
 * the packet) and the shell is freed ---- */
#define NET_RX_SUCCESS 0
#define NET_RX_DROP 1
int netif_receive_skb(struct sk_buff *skb);
int netif_rx(struct sk_buff *skb);

/* ---- NAPI, each napi_struct on a vmk_NetPoll of vmklinux's ---- */
#define NAPI_POLL_WEIGHT 64
/* state bits */
#define NAPI_STATE_SCHED 0     /* a poll is scheduled or running */
#define NAPI_STATE_DISABLE 1   /* napi_disable: no poll may be scheduled */

struct napi_struct {
    unsigned long state;
    int weight;
    int (*poll)(struct napi_struct *napi, int budget);
    struct net_device *dev;
    struct napi_struct *vmklnx_next;   /* vmklinux-private: the device's napi list */
    void *vmklnx_poll;                 /* vmklinux-private: the vmk_NetPoll */
};

enum gro_result { GRO_MERGED, GRO_MERGED_FREE, GRO_HELD, GRO_NORMAL, GRO_DROP };
typedef enum gro_result gro_result_t;

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *, int), int weight);
void netif_napi_del(struct napi_struct *napi);
void napi_enable(struct napi_struct *napi);
void napi_disable(struct napi_struct *napi);
/* Test-and-set of SCHED: true if the caller must schedule the poll. */
bool napi_schedule_prep(struct napi_struct *napi);
void __napi_schedule(struct napi_struct *napi);
static inline bool napi_schedule(struct napi_struct *napi)
{
    if (napi_schedule_prep(napi)) {
        __napi_schedule(napi);
        return true;
    }
    return false;
}
/* The poll did work_done (< budget) and is finished: SCHED is cleared. */
bool napi_complete_done(struct napi_struct *napi, int work_done);
static inline bool napi_complete(struct napi_struct *napi) { return napi_complete_done(napi, 0); }
gro_result_t napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);

/* ---- logging ---- */
static inline const char *netdev_name(const struct net_device *dev) { return dev->name; }
#define netdev_err(dev, fmt, ...) printk(KERN_ERR "%s: " fmt, netdev_name(dev), ##__VA_ARGS__)
#define netdev_warn(dev, fmt, ...) printk(KERN_WARNING "%s: " fmt, netdev_name(dev), ##__VA_ARGS__)
#define netdev_info(dev, fmt, ...) printk(KERN_INFO "%s: " fmt, netdev_name(dev), ##__VA_ARGS__)
#define netdev_dbg(dev, fmt, ...) printk(KERN_DEBUG "%s: " fmt, netdev_name(dev), ##__VA_ARGS__)

#endif
