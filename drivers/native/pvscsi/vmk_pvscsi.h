/* vmk_pvscsi.h — the native (vmkapi) driver for the PVSCSI controller: per-device adapter state
 * shared by the module's files (module init, device lifecycle, SCSI adapter entry points,
 * interrupts and completions). The hardware is reached only through the shared layer
 * drivers/common/pvscsi/ (pvscsi_hw.h, pvscsi_ring.h); its osdep hooks are vmk_pvscsi_osdep.c.
 * File split after the native model's lifecycle (vmkapi.md §1-2). */
#ifndef VMK_PVSCSI_H
#define VMK_PVSCSI_H

#include "vmkapi/vmkapi.h"

#include "pvscsi_hw.h"
#include "pvscsi_ring.h"

#define VMK_PVSCSI_DRIVER_NAME "vmk_pvscsi"   /* the name the driver map binds devices to */
#define VMK_PVSCSI_VERSION "1.0"

/* Ring sizes (pages; powers of two): 4 request pages = 128 slots, 1 completion page = 128
 * completions, 1 message page = 32 notices. The queue depth equals the request slots. */
#define VMK_PVSCSI_REQ_PAGES 4u
#define VMK_PVSCSI_CMP_PAGES 1u
#define VMK_PVSCSI_MSG_PAGES 1u
#define VMK_PVSCSI_SLOTS (VMK_PVSCSI_REQ_PAGES * PVSCSI_REQ_ENTRIES_PER_PAGE)
/* Each request slot owns 2 pages of s/g list: 511 elements with one chain element, i.e. any
 * buffer up to 2 MiB less a page even when no element is page aligned. */
#define VMK_PVSCSI_SG_PAGES 2u
#define VMK_PVSCSI_SG_MAX pvscsi_hw_sg_capacity(VMK_PVSCSI_SG_PAGES)
#define VMK_PVSCSI_MAX_XFER ((VMK_PVSCSI_SG_MAX - 1u) * PVSCSI_PAGE_SIZE)
#define VMK_PVSCSI_SENSE_BYTES VMK_SCSI_SENSE_BUFFER_SIZE
/* Bus geometry: one bus, 64 targets (the device's limit), 8 LUNs each; the adapter itself
 * has no target id on the bus (PVSCSI is not a SCSI initiator on a wire). */
#define VMK_PVSCSI_MAX_TARGETS 64u
#define VMK_PVSCSI_MAX_LUNS 8u
/* Devices one module instance drives at most (sizes its heap). */
#define VMK_PVSCSI_MAX_ADAPTERS 4u
/* Paths the storage layer may hold per adapter (one per LUN). */
#define VMK_PVSCSI_MAX_PATHS (VMK_PVSCSI_MAX_TARGETS * VMK_PVSCSI_MAX_LUNS)

/* One request slot: the command the device holds under its context, (use << 32) | (index + 1).
 * The use count makes a context unique over time, so an ABORT_CMD that races with the command's
 * own completion can never hit the next command posted in the same slot. */
typedef struct vmk_pvscsi_slot {
    vmk_ScsiCommand *cmd;        /* NULL: free */
    vmk_uint64 context;
    vmk_uint32 use;              /* bumped each time the slot is taken */
    vmk_uint32 target;
    vmk_uint64 asked;            /* dataLen posted */
    vmk_Bool abort_sent;
} vmk_pvscsi_slot;

/* A path the storage layer created through discover(CREATE_PATH). */
typedef struct vmk_pvscsi_path {
    vmk_uint32 channel, target, lun;
} vmk_pvscsi_path;

typedef struct vmk_pvscsi_counters {
    vmk_uint64 commands, completions, errors, busy, interrupts, kicks;
    vmk_uint64 aborts, device_resets, bus_resets, msgs_added, msgs_removed, rescans;
    vmk_uint64 flushed;          /* ended by the driver itself (reset / removal) */
    vmk_uint64 max_sg;
} vmk_pvscsi_counters;

typedef struct vmk_pvscsi_adapter {
    vmk_Device device;           /* the PCI device */
    vmk_PCIDevice pci;
    char name[VMK_MISC_NAME_MAX];    /* "pvscsi 0000:03:00.0" for logs */
    vmk_VA bar;                  /* memory BAR mapping */
    vmk_DMAEngine dma;
    vmk_IntrCookie cookie;
    vmk_PCIInterruptType intr_type;
    vmk_Bool intr_registered;
    vmk_Lock lock;               /* slots and rings; never held across a device access */
    vmk_Semaphore cmd_sema;      /* the command register protocol (several MMIO writes) */
    vmk_Bool sema_ok;

    pvscsi_hw hw;                /* hw.os = this adapter */
    pvscsi_hw_ring_mem rings;    /* coherent: rings state, request, completion, message */
    pvscsi_hw_mem sg;            /* coherent: VMK_PVSCSI_SLOTS x VMK_PVSCSI_SG_PAGES */
    pvscsi_hw_mem sense;         /* coherent: VMK_PVSCSI_SLOTS x VMK_PVSCSI_SENSE_BYTES */
    vmk_IOA coherent_ioa[6];     /* as allocated, for the frees (same order as above) */

    vmk_pvscsi_slot *slot;       /* VMK_PVSCSI_SLOTS */
    vmk_uint32 *free_slot;       /* stack of free slot indices */
    vmk_uint32 nfree;
    pvscsi_hw_sge *sge;          /* scratch list for one post (under the lock) */

    vmk_ScsiAdapter *scsi;       /* published from scan */
    vmk_Device port_dev;         /* the "com.vmware.HBAPort" child */
    vmk_Bool io_started;
    vmk_Bool gone;               /* forgotten: the hardware is not there any more */
    vmk_pvscsi_counters c;
} vmk_pvscsi_adapter;

/* ---- module globals (vmk_pvscsi_module.c) ---- */
extern vmk_HeapID vmk_pvscsi_heap;
extern vmk_LogComponent vmk_pvscsi_log;
extern vmk_Driver vmk_pvscsi_driver;

/* ---- device lifecycle (vmk_pvscsi_driver.c) ---- */
extern vmk_DriverOps vmk_pvscsi_driver_ops;

/* ---- SCSI adapter entry points (vmk_pvscsi_scsi.c) ---- */
/* Fills a->scsi (allocated by the caller) with the adapter's geometry and entry points. */
void vmk_pvscsi_scsi_init(vmk_pvscsi_adapter *a);
/* Ends every command the device holds, with host status `host`, through the storage layer
 * (after an adapter reset or a removal: the device will not complete them). */
void vmk_pvscsi_flush(vmk_pvscsi_adapter *a, vmk_ScsiHostStatus host);
/* Hands one reaped completion to the storage layer: status, residual, sense; frees its slot. */
void vmk_pvscsi_complete(vmk_pvscsi_adapter *a, const pvscsi_hw_completion *c);

/* ---- interrupts (vmk_pvscsi_intr.c) ---- */
VMK_ReturnStatus vmk_pvscsi_intr_setup(vmk_pvscsi_adapter *a);
void vmk_pvscsi_intr_teardown(vmk_pvscsi_adapter *a);
/* Reaps every completion and message the device produced. */
void vmk_pvscsi_process(vmk_pvscsi_adapter *a);

/* Small helpers. */
static inline void vmk_pvscsi_zero(void *p, vmk_ByteCount n) { vmk_Memset(p, 0, n); }
void vmk_pvscsi_name_set(vmk_Name *n, const char *s);

#endif
