/* pci_bus.h — the kernel's PCI bus driver on top of enumeration (pci_tree.h): one vmk_Device on
 * bus "pci" per endpoint function, whose registration data is a vmk_PCIDevice handle; BAR
 * mappings to kernel virtual addresses and the MMIO they carry; interrupt cookies programmed into
 * the function's MSI/MSI-X capability. vmkapi side: include/vmkapi/vmkapi_pci.h, vmkapi_mmio.h.
 * Rules: docs/device-model.md. */
#ifndef VMKSIM_KERN_PCI_BUS_H
#define VMKSIM_KERN_PCI_BUS_H

#include <stdint.h>

#include "kernel_model/device/device.h"
#include "kernel_model/kernel.h"
#include "kernel_model/pci/pci_tree.h"
#include "sim/err.h"
#include "vmkapi/vmkapi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Boot (kern_boot, after enumeration): registers every endpoint function of sys's tree and
 * offers it to the drivers registered so far. Shutdown: removes them all (orderly). */
int kern_pci_bus_start(kern_system *sys, sim_err *err);
void kern_pci_bus_stop(kern_system *sys);

/* Hot-plug: registers one enumerated endpoint function and offers it to drivers; removes one
 * (orderly or surprise), its children first. */
VMK_ReturnStatus kern_pci_bus_add(kern_pci_dev *pdev, vmk_Device *out, sim_err *err);
VMK_ReturnStatus kern_pci_bus_remove(kern_pci_dev *pdev, kern_remove_mode mode, sim_err *err);

/* The device registered for a function (NULL if none) and the handle of a device. */
vmk_Device kern_pci_bus_device(const kern_pci_dev *pdev);
kern_pci_dev *kern_pci_bus_function(vmk_PCIDevice h);
/* "SSSS:BB:DD.F" (lspci -D style), the bus address of a PCI device; buf >= 13 bytes. */
const char *kern_pci_bus_address(const kern_pci_dev *pdev, char *buf, size_t len);

/* What the MMIO path and resource checks counted since boot. */
typedef struct kern_pci_bus_stats {
    uint64_t mmio_reads, mmio_writes;          /* through a live mapping */
    uint64_t mmio_unmapped_reads;              /* an address in no live mapping: read all ones */
    uint64_t mmio_unmapped_writes;             /* ... write dropped */
    uint64_t mappings_live;
    uint64_t vectors_live;                     /* MSI/MSI-X/INTx cookies held by drivers */
    uint64_t leaked_mappings;                  /* left by a driver at detach: reclaimed */
    uint64_t leaked_vectors;
} kern_pci_bus_stats;
void kern_pci_bus_get_stats(kern_pci_bus_stats *out);

/* ---- shared by pci_bus*.c ---- */
struct vmkPCIDevice {
    kern_pci_dev *pdev;
    pcie_fabric *fabric;
    vmk_Device dev;
    char addr[16];                 /* "SSSS:BB:DD.F" */
    vmk_VA map_va[VMK_PCI_NUM_BARS];   /* 0 = not mapped */
    int map_module[VMK_PCI_NUM_BARS];
    /* interrupts (pci_bus_intr.c) */
    int intr_type;                 /* vmk_PCIInterruptType; -1 = none allocated */
    int intr_module;
    vmk_uint32 intr_n;
    int *intr_vectors;
    vmk_uint16 *intr_index;        /* MSI-X table entries */
    struct vmkPCIDevice *next;
};

#define KPCI_BUS_LOG "kernel.pci.bus"

struct vmkPCIDevice *kpci_handle_check(vmk_PCIDevice h);   /* NULL if not a live handle */
/* The module may change the function (attached driver's module, or the kernel). */
bool kpci_may_write(const struct vmkPCIDevice *h, vmk_ModuleID module);
void kpci_mmio_release(struct vmkPCIDevice *h, int module, bool leak);   /* pci_bus_mmio.c */
/* A bus-address read that waits for its completion keeping the thread's stacks (pci_bus_mmio.c). */
uint64_t kpci_mmio_read_bus(pcie_fabric *f, uint64_t bus_addr, int size);
void kpci_intr_release(struct vmkPCIDevice *h, int module, bool leak);   /* pci_bus_intr.c */
void kpci_stats_leak(uint64_t mappings, uint64_t vectors);
kern_pci_bus_stats *kpci_stats(void);

#ifdef __cplusplus
}
#endif
#endif
