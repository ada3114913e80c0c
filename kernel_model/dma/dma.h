/* dma.h — the kernel's DMA services: the IOVA table (device-visible addresses the kernel hands out
 * from a deterministic space and translates to process memory), the host side of device DMA that
 * the fabric calls (pcie_host_ops, installed by kern_boot), DMA faults per requester, and the
 * engines behind vmkapi_dma.h. Semantics: docs/kernel-services.md "DMA". */
#ifndef VMKSIM_KERN_DMA_H
#define VMKSIM_KERN_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/pcie/fabric.h"
#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The IOVA space: page-granular ranges from 256 MiB up to the 32-bit MMIO
 * window (kernel_model/pci/enumerate.c puts it at 0xC0000000), so no IOVA collides with a BAR or
 * with the MSI range 0xFEEx_xxxx. Every mapping starts on a page boundary. */
#define KERN_IOVA_BASE 0x10000000ULL
#define KERN_IOVA_LIMIT 0xC0000000ULL   /* exclusive */
#define KERN_IOVA_PAGE 4096ULL

/* Directions, as the device sees them (vmkapi's vmk_DMADirection values). */
enum {
    KERN_DMA_TO_MEMORY = 1,     /* the device writes host memory (RX) */
    KERN_DMA_FROM_MEMORY = 2,   /* the device reads host memory (TX) */
    KERN_DMA_BIDIRECTIONAL = 3,
};

/* Maps [va, va+len) for device requester in direction dir; *iova receives its device address
 * (page aligned). tag identifies the mapper (its DMA engine). limit: the highest IOVA the
 * device can reach (its address mask). Nothing is charged here (callers charge the cost table). */
int kern_iova_map(uint16_t requester, const void *tag, void *va, size_t len, int dir,
                  uint64_t limit, uint64_t *iova, sim_err *err);
/* Removes the mapping that starts at iova for requester; len and dir must be those mapped. */
int kern_iova_unmap(uint16_t requester, uint64_t iova, size_t len, int dir, sim_err *err);
/* Looks a mapping up: true if [iova, iova+len) is inside one mapping of requester. */
bool kern_iova_lookup(uint16_t requester, uint64_t iova, size_t len, void **va, int *dir);
size_t kern_iova_count(void);                     /* live mappings */
/* Drops every mapping of requester (its driver let go of the device), returning how many. */
size_t kern_iova_unmap_all(uint16_t requester);
/* Drops every mapping made with tag (its engine is destroyed), returning how many. */
size_t kern_iova_unmap_tag(const void *tag);

/* The host's answer to a device memory access (pcie_host_ops.dma): copies when every byte of
 * [addr, addr+len) lies in mappings of requester that allow the direction; otherwise a DMA fault:
 * nothing is copied, the fault is counted and logged, PCIE_DMA_FAULT is returned. */
int kern_host_dma(uint16_t requester, uint64_t addr, void *buf, size_t len, bool is_write);

typedef struct kern_dma_fault {
    uint16_t requester;
    uint64_t addr;
    size_t len;
    bool is_write;
    bool wrong_direction;   /* mapped, but not for this direction (else: not mapped) */
    uint64_t time_ps;
} kern_dma_fault;
uint64_t kern_dma_fault_count(uint16_t requester);
uint64_t kern_dma_fault_total(void);
/* The most recent fault; false if none yet. */
bool kern_dma_last_fault(kern_dma_fault *out);

/* Installs the kernel's pcie_host_ops (DMA, MSI, INTx) on the fabric (kern_boot does this);
 * uninstall forgets it (kern_shutdown, before the fabric is freed). */
void kern_host_install(pcie_fabric *f);
void kern_host_uninstall(pcie_fabric *f);
/* The platform instance name of the endpoint with this Requester ID on the installed fabric, or
 * NULL (for messages). */
const char *kern_host_device_name(uint16_t requester);

/* How a DMA engine learns its device's Requester ID: the PCI bus driver registers a resolver
 * from vmk_Device to RID (a device it does not know returns -1). */
typedef int (*kern_dma_rid_resolver)(void *device, uint16_t *requester);
void kern_dma_set_rid_resolver(kern_dma_rid_resolver fn);
int kern_dma_device_rid(void *device, uint16_t *requester);

/* Forgets every mapping and fault counter (between tests). */
void kern_dma_reset(void);

#ifdef __cplusplus
}
#endif
#endif
