/* vmklinux_internal.h — what the shim's translation files share: the registry of Linux modules
 * (each with its own heap), vmklinux's own identity and heap, the per-pci_dev state, and the
 * calls into Linux driver code under the driver's module identity (VMKAPI_MODULE_CALL style,
 * reference/vmkapi.md §3). Everything here is hidden: only the Linux API is exported. */
#ifndef VMKLNX_INTERNAL_H
#define VMKLNX_INTERNAL_H

#include "vmkapi/vmkapi.h"

#include <linux/kernel.h>
#include <linux/pci.h>

#define VMKLNX_HIDDEN __attribute__((visibility("hidden")))

/* One Linux module registered with vmklinux (its glue's init_module). */
typedef struct vmklnx_module {
    vmk_ModuleID id;
    char name[VMK_MODULE_NAME_MAX];
    vmk_HeapID heap;                    /* kmalloc's heap, owned by the module */
    struct vmklnx_lock_rec *locks;      /* kernel spinlocks created for its spinlock_ts */
    struct kmem_cache *caches;          /* its kmem_caches not yet destroyed */
    struct vmklnx_module *next;
} vmklnx_module;

/* vmklinux's own identity and heap (internal allocations: pci_devs, records). */
extern vmk_ModuleID vmklnx_id VMKLNX_HIDDEN;
extern vmk_HeapID vmklnx_heap VMKLNX_HIDDEN;

/* linux_module.c */
VMKLNX_HIDDEN vmklnx_module *vmklnx_module_find(vmk_ModuleID id);
VMKLNX_HIDDEN vmk_Bool vmklnx_module_live(const vmklnx_module *m);   /* m is registered */
/* The Linux module whose code is running (top of the current-module stack), or NULL (with a
 * warning naming what) when the caller is not a registered Linux module. */
VMKLNX_HIDDEN vmklnx_module *vmklnx_module_current(const char *what);
/* Linux errno (negative) <-> VMK_ReturnStatus. */
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_errno_to_status(int err);
VMKLNX_HIDDEN int vmklnx_status_to_errno(VMK_ReturnStatus st);
VMKLNX_HIDDEN void *vmklnx_zalloc(vmk_ByteCount size);   /* vmklinux's heap, zeroed */
VMKLNX_HIDDEN void vmklnx_free(void *p);

/* Per-pci_dev state (pdev->vmklnx). */
typedef struct vmklnx_pci {
    vmk_Device device;
    vmk_PCIDevice vmk_pci;
    vmk_PCIResource bars[VMK_PCI_NUM_BARS];
    vmk_VA bar_va[VMK_PCI_NUM_BARS];    /* 0 = not mapped */
    int bar_refs[VMK_PCI_NUM_BARS];     /* ioremap/pci_iomap calls not yet undone */
    vmk_IntrCookie cookie;              /* pdev->irq's cookie, or VMK_INVALID_INTRCOOKIE */
    vmk_PCIInterruptType intr_type;
    vmk_ModuleID owner;                 /* the bound driver's module */
    int enable_cnt;
    int regions_requested;              /* pci_request_regions until release */
    struct vmklnx_dma *dma;             /* linux_dma.c, created on first use */
    struct pci_dev *next;               /* vmklinux's list of pci_devs */
} vmklnx_pci;

static inline vmklnx_pci *vmklnx_pci_of(const struct pci_dev *pdev)
{
    return (vmklnx_pci *)pdev->vmklnx;
}

/* linux_pci.c */
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_pci_init(void);
VMKLNX_HIDDEN void vmklnx_pci_cleanup(void);
VMKLNX_HIDDEN struct pci_dev *vmklnx_pci_first(void);
/* The pci_dev whose struct device is dev, or NULL. */
VMKLNX_HIDDEN struct pci_dev *vmklnx_pci_of_device(struct device *dev);
/* Unregisters (with a warning) every pci_driver the departing module left registered. */
VMKLNX_HIDDEN void vmklnx_pci_module_exit(vmklnx_module *m);

/* linux_irq.c: frees what the unbound driver left (actions on pdev->irq, with a warning). */
VMKLNX_HIDDEN int vmklnx_irq_release_all(struct pci_dev *pdev);
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_irq_alloc_cookie(struct pci_dev *pdev,
                                                       vmk_PCIInterruptType type);
VMKLNX_HIDDEN void vmklnx_irq_free_cookie(struct pci_dev *pdev);

/* linux_dma.c: destroys the pci_dev's DMA engine (leaks are the kernel's to report). */
VMKLNX_HIDDEN void vmklnx_dma_release(struct pci_dev *pdev);

/* linux_mem.c */
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_mem_module_init(vmklnx_module *m);
VMKLNX_HIDDEN void vmklnx_mem_module_exit(vmklnx_module *m);
/* linux_lock.c */
VMKLNX_HIDDEN void vmklnx_locks_module_exit(vmklnx_module *m);

/* linux_time.c */
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_time_init(void);
VMKLNX_HIDDEN void vmklnx_time_cleanup(void);
/* Cancels timers and work a departing module left behind. */
VMKLNX_HIDDEN void vmklnx_time_module_exit(vmklnx_module *m);

/* linux_net.c / linux_skb.c (network): the function's scan registers the uplinks of its
 * registered net_devices; an unbound driver's leftover net_devices are freed; the shared
 * sk_buff slab (dev_alloc_skb) lives from vmklinux's init to its cleanup. */
VMKLNX_HIDDEN void vmklnx_net_scan(struct pci_dev *pdev, vmk_Driver drv);
VMKLNX_HIDDEN void vmklnx_net_unbind(struct pci_dev *pdev);
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_skb_init(void);
VMKLNX_HIDDEN void vmklnx_skb_cleanup(void);

/* linux_dma.c: the function's DMA engine for the SCSI side, created if need be and counted as
 * one live user (so dma_set_mask cannot rebuild it) until put back. */
VMKLNX_HIDDEN vmk_DMAEngine vmklnx_dma_engine_hold(struct pci_dev *pdev);
VMKLNX_HIDDEN void vmklnx_dma_engine_put(struct pci_dev *pdev);

/* linux_scsi_host.c (storage): an unbound driver's hosts still added are removed; a departing
 * module's hosts never put are freed. */
VMKLNX_HIDDEN void vmklnx_scsi_release_pci(struct pci_dev *pdev);
VMKLNX_HIDDEN void vmklnx_scsi_module_exit(vmklnx_module *m);
/* linux_scsi_port.c: the function's scan registers the HBA port children of its added hosts. */
VMKLNX_HIDDEN void vmklnx_scsi_scan(struct pci_dev *pdev, vmk_Driver drv);

/* linux_child.c: registers a logical child of the function pdev at port (vmk_DeviceRegister,
 * from the function's scan), claimed by the kernel's driver for identifier. */
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_child_register(struct pci_dev *pdev, vmk_Driver drv,
                                                     vmk_uint32 port, char *identifier,
                                                     vmk_DeviceOps *ops, void *driver_data,
                                                     void *registration_data, vmk_Device *out);

/* linux_printk.c */
VMKLNX_HIDDEN int vmklnx_format(char *buf, vmk_ByteCount size, const char *fmt, va_list ap);

#endif
