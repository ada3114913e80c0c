/* vmw_pvscsi.h — the Linux-style driver for VMware's paravirtual SCSI controller, run on vmklinux:
 * the per-host state shared by its files (probe/remove and resources, I/O and error handling,
 * target notices, the osdep hooks). The hardware is reached only through the shared layer
 * drivers/common/pvscsi/ (pvscsi_hw.h, pvscsi_ring.h), the same one the native vmk_pvscsi
 * carries, so the two drivers differ only in OS-facing code. Ring and s/g sizes match the native
 * driver's (drivers/native/pvscsi/vmk_pvscsi.h) for the same reason. */
#ifndef VMW_PVSCSI_H
#define VMW_PVSCSI_H

#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

#include "pvscsi_hw.h"
#include "pvscsi_ring.h"

#define PVSCSI_DRIVER_NAME "vmw_pvscsi"

/* 4 request pages = 128 slots, 1 completion page = 128 completions, 1 message page. */
#define PVSCSI_LX_REQ_PAGES 4u
#define PVSCSI_LX_CMP_PAGES 1u
#define PVSCSI_LX_MSG_PAGES 1u
#define PVSCSI_LX_SLOTS (PVSCSI_LX_REQ_PAGES * PVSCSI_REQ_ENTRIES_PER_PAGE)
/* Two s/g pages per slot: 511 elements (one chain element between them). */
#define PVSCSI_LX_SG_PAGES 2u
#define PVSCSI_LX_SG_MAX 511u   /* pvscsi_hw_sg_capacity(PVSCSI_LX_SG_PAGES) */
/* Any buffer of SG_MAX - 1 pages fits even when no element is page aligned. */
#define PVSCSI_LX_MAX_SECTORS ((PVSCSI_LX_SG_MAX - 1u) * (PVSCSI_PAGE_SIZE / 512u))
#define PVSCSI_LX_MAX_TARGETS 64u   /* the device's limit */
#define PVSCSI_LX_MAX_LUNS 8u
/* Error handlers wait this long (1 ms steps) for the device to end what they asked for. */
#define PVSCSI_LX_EH_WAIT_MS 200u

/* One request slot: the command the device holds under context = index + 1. */
struct pvscsi_ctx {
    struct scsi_cmnd *cmd;       /* NULL: free */
    u64 asked;                   /* dataLen posted */
    pvscsi_hw_mem sg_area;       /* this slot's s/g pages */
    u8 *sense;                   /* this slot's autosense buffer (coherent) */
    dma_addr_t sense_pa;
};

struct pvscsi_stats {
    unsigned long long commands, completions, busy, interrupts;
    unsigned long long aborts, device_resets, bus_resets, host_resets;
    unsigned long long msgs_added, msgs_removed, flushed;
};

struct pvscsi_adapter {
    struct pci_dev *dev;
    struct Scsi_Host *host;
    void __iomem *mmio_base;     /* the memory BAR (BAR1) */
    int mmio_bar;
    pvscsi_hw hw;
    pvscsi_hw_ring_mem rings;
    void *sg_pages;              /* PVSCSI_LX_SLOTS * PVSCSI_LX_SG_PAGES pages */
    dma_addr_t sg_pages_pa;
    u8 *sense;                   /* PVSCSI_LX_SLOTS * SCSI_SENSE_BUFFERSIZE bytes */
    dma_addr_t sense_pa;
    struct pvscsi_ctx ctx[PVSCSI_LX_SLOTS];
    int free_slots[PVSCSI_LX_SLOTS];
    int nfree;
    /* Slots and rings. Never held across a register access: an interrupt handler spinning on
     * it while its holder waits for an MMIO round trip is what vmkapi's spinlocks refuse, and
     * host_lock (held by the midlayer around queuecommand) is not taken at interrupt level. */
    spinlock_t hw_lock;
    pvscsi_hw_sge sge[PVSCSI_LX_SG_MAX];   /* queuecommand's scratch (under hw_lock) */
    int use_msi;
    unsigned int irq;
    int irq_requested;
    struct work_struct msg_work;
    struct pvscsi_stats stats;
};

/* vmw_pvscsi_io.c */
extern struct scsi_host_template pvscsi_template;
irqreturn_t pvscsi_isr(int irq, void *devp);
void pvscsi_slots_init(struct pvscsi_adapter *a);
/* Ends every command the device holds with host byte `why` (after an adapter reset). Called
 * with hw_lock held. */
void pvscsi_flush_outstanding(struct pvscsi_adapter *a, int why);

/* vmw_pvscsi_msg.c */
void pvscsi_msg_work(struct work_struct *w);
int pvscsi_msg_pending(struct pvscsi_adapter *a);

#endif
