/* vmk_e1000.h — the native (vmkapi) driver for the Intel 82540EM: the per-device adapter state
 * shared by the module's files (module init, device lifecycle, uplink ops, interrupt + NetPoll).
 * The hardware itself is reached only through the shared layer drivers/common/e1000/
 * (e1000_hw.h, e1000_ring.h); its osdep hooks are vmk_e1000_osdep.c. File split after
 * Solarflare's native ESXi driver (sfvmk_module/_driver/_uplink); vmkapi rules: vmkapi.md §1-2. */
#ifndef VMK_E1000_H
#define VMK_E1000_H

#include "vmkapi/vmkapi.h"

#include "e1000_hw.h"
#include "e1000_ring.h"

#define VMK_E1000_DRIVER_NAME "vmk_e1000"   /* the name the driver map binds devices to */
#define VMK_E1000_VERSION "1.0"

/* Ring sizes: 256 descriptors of 16 B = 4 KiB each, a multiple of 128 B (8254x SDM §13.4.27,
 * §13.4.38); Linux's e1000 default is the same (E1000_DEFAULT_TXD/RXD). */
#define VMK_E1000_TX_RING 256u
#define VMK_E1000_RX_RING 256u
/* Receive buffers of 2048 B (RCTL.BSIZE 00b, §13.4.22) hold a 1514-byte frame with the CRC
 * stripped, so the MTU is limited to 1500 (no long-packet mode). */
#define VMK_E1000_RX_BUF 2048u
#define VMK_E1000_MTU_MAX 1500u
#define VMK_E1000_MTU_MIN 68u               /* IPv4 minimum datagram, RFC 791 */
/* Interrupt throttling: at most one interrupt per 16 us (ITR, §13.4.18), Linux e1000's
 * "dynamic conservative" floor is 4000-20000 ints/s; 16 us = 62500/s keeps latency low. */
#define VMK_E1000_ITR_NS 16000u
/* Quiesce: how long the transmitter may take to drain what is queued. */
#define VMK_E1000_TX_DRAIN_POLL_US 10u
#define VMK_E1000_TX_DRAIN_TIMEOUT_US 100000u
/* Devices one module instance drives at most (sizes its heap). */
#define VMK_E1000_MAX_ADAPTERS 8u

/* A slot's DMA mapping and the packet that owns it. */
typedef struct vmk_e1000_slot {
    vmk_PktHandle *pkt;
    vmk_SgElem map;          /* ioAddr + length as mapped; length 0 = not mapped */
} vmk_e1000_slot;

/* The driver's own counters (the device's are in hw_stats). */
typedef struct vmk_e1000_counters {
    vmk_uint64 tx_pkts, tx_bytes, tx_errors, tx_map_failures, tx_ring_full;
    vmk_uint64 rx_pkts, rx_bytes, rx_errors, rx_alloc_failures;
    vmk_uint64 interrupts, polls;
} vmk_e1000_counters;

typedef struct vmk_e1000_adapter {
    vmk_Device device;           /* the PCI device */
    vmk_PCIDevice pci;
    char name[VMK_MISC_NAME_MAX];    /* "e1000 0000:01:00.0" for logs */
    vmk_VA bar0;                 /* BAR0 mapping (vmk_PCIMapIOResource) */
    vmk_DMAEngine dma;
    vmk_IntrCookie cookie;
    vmk_Bool intr_registered;
    vmk_NetPoll poll;

    e1000_hw hw;                 /* hw.os = this adapter */
    e1000_hw_ring tx, rx;
    vmk_IOA tx_desc_ioa, rx_desc_ioa;
    vmk_e1000_slot *tx_slot;     /* VMK_E1000_TX_RING entries */
    vmk_e1000_slot *rx_slot;     /* VMK_E1000_RX_RING entries */
    vmk_Bool rx_discard;         /* dropping the buffers of a frame that spans several */

    /* the uplink (logical child) */
    vmk_Device uplink_dev;
    vmk_UplinkRegData reg;
    vmk_UplinkSharedData shared;
    vmk_Uplink uplink;           /* from uplinkAssociate */
    vmk_Bool io_started;
    vmk_Bool promisc;
    vmk_Bool gone;               /* forgotten: the hardware is not there any more */

    e1000_hw_stats hw_stats;
    vmk_e1000_counters c;
} vmk_e1000_adapter;

/* ---- module globals (vmk_e1000_module.c) ---- */
extern vmk_HeapID vmk_e1000_heap;
extern vmk_LogComponent vmk_e1000_log;
extern vmk_Driver vmk_e1000_driver;

/* ---- device lifecycle (vmk_e1000_driver.c) ---- */
extern vmk_DriverOps vmk_e1000_driver_ops;

/* ---- uplink (vmk_e1000_uplink.c) ---- */
/* Fills a->reg and a->shared for the logical child scan registers. */
void vmk_e1000_uplink_init(vmk_e1000_adapter *a);
/* Reclaims every TX descriptor the device has finished; in_poll: completions go through the
 * NetPoll (vmk_NetPollQueueCompPkt), else they are released at once. Returns frames reclaimed. */
vmk_uint32 vmk_e1000_tx_clean(vmk_e1000_adapter *a, vmk_Bool in_poll);
/* Unmaps and releases every packet still on the rings (quiesce / teardown). */
void vmk_e1000_rings_drop(vmk_e1000_adapter *a);

/* ---- interrupts and NetPoll (vmk_e1000_intr.c) ---- */
VMK_ReturnStatus vmk_e1000_intr_setup(vmk_e1000_adapter *a);
void vmk_e1000_intr_teardown(vmk_e1000_adapter *a);
VMK_ReturnStatus vmk_e1000_netpoll_create(vmk_e1000_adapter *a);
/* Gives the device a buffer in every free RX slot, then writes RDT once. */
void vmk_e1000_rx_refill(vmk_e1000_adapter *a);

/* Small helpers. */
static inline void vmk_e1000_zero(void *p, vmk_ByteCount n) { vmk_Memset(p, 0, n); }
void vmk_e1000_name_set(vmk_Name *n, const char *s);

#endif
