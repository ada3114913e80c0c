/* linux_dma.c — the Linux DMA API on a vmk_DMAEngine per PCI function, created on first use
 * with the device's DMA mask as its address constraint and owned by the bound driver's module,
 * so coherent memory and live mappings count against the driver (reference/vmkapi.md §3
 * "dma_alloc_coherent uses the coherent heap; dma_map_* checks constraints"). A dma_addr_t is
 * the kernel's IO address: a device access outside a live mapping is a reported DMA fault. */
#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/dma-mapping.h>
#include <linux/pci.h>

typedef struct vmklnx_dma {
    vmk_DMAEngine engine;
    vmk_uint64 live;   /* coherent buffers + streaming mappings not yet undone */
} vmklnx_dma;

static vmklnx_dma *dma_of(struct device *dev, const char *what)
{
    struct pci_dev *p = vmklnx_pci_of_device(dev);
    if (!p || !p->driver) {
        vmk_WarningMessage("vmklinux: %s on a device no Linux driver of vmklinux drives", what);
        return NULL;
    }
    vmklnx_pci *v = vmklnx_pci_of(p);
    if (v->dma)
        return v->dma;
    vmklnx_dma *d = vmklnx_zalloc(sizeof *d);
    if (!d)
        return NULL;
    vmk_DMAConstraints c;
    vmk_Memset(&c, 0, sizeof c);
    c.addressMask = *dev->dma_mask;
    vmk_DMAEngineProps props;
    vmk_Memset(&props, 0, sizeof props);
    vmk_Memcpy(props.name.string, p->name_storage, vmk_Strnlen(p->name_storage, 15));
    props.module = v->owner;
    props.flags = VMK_DMA_ENGINE_FLAGS_COHERENT;
    props.device = v->device;
    props.constraints = &c;
    VMK_ReturnStatus st = vmk_DMAEngineCreate(&props, &d->engine);
    if (st != VMK_OK) {
        vmk_WarningMessage("vmklinux: %s: no DMA engine: %s", pci_name(p), vmk_StatusToString(st));
        vmklnx_free(d);
        return NULL;
    }
    v->dma = d;
    return d;
}

void vmklnx_dma_release(struct pci_dev *pdev)
{
    vmklnx_pci *v = vmklnx_pci_of(pdev);
    if (!v->dma)
        return;
    if (v->dma->live)
        vmk_WarningMessage("vmklinux: %s: driver left %llu DMA buffer(s)/mapping(s)",
                           pci_name(pdev), (unsigned long long)v->dma->live);
    vmk_DMAEngineDestroy(v->dma->engine);   /* the kernel reports and counts the leaks */
    vmklnx_free(v->dma);
    v->dma = NULL;
}

/* Linux refuses masks below 24 bits (ISA DMA is the narrowest, kernel/dma/mapping.c). A new mask
 * applies to an engine created afterwards; a live engine is rebuilt when nothing is mapped. */
int dma_set_mask(struct device *dev, u64 mask)
{
    if (mask < DMA_BIT_MASK(24) || !dev->dma_mask)
        return -EIO;
    struct pci_dev *p = vmklnx_pci_of_device(dev);
    if (p && vmklnx_pci_of(p)->dma && *dev->dma_mask != mask) {
        if (vmklnx_pci_of(p)->dma->live)
            return -EBUSY;
        vmklnx_dma_release(p);
    }
    *dev->dma_mask = mask;
    return 0;
}

int dma_set_coherent_mask(struct device *dev, u64 mask)
{
    if (mask < DMA_BIT_MASK(24))
        return -EIO;
    dev->coherent_dma_mask = mask;
    return 0;
}

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp)
{
    (void)gfp;
    vmklnx_dma *d = dma_of(dev, "dma_alloc_coherent");
    if (!d || !size)
        return NULL;
    void *va = NULL;
    vmk_IOA ioa = 0;
    if (vmk_DMAAllocCoherent(d->engine, size, &va, &ioa) != VMK_OK)
        return NULL;
    d->live++;
    *dma_handle = ioa;
    return va;
}

void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle)
{
    vmklnx_dma *d = dma_of(dev, "dma_free_coherent");
    if (!d || !cpu_addr)
        return;
    if (vmk_DMAFreeCoherent(d->engine, size, cpu_addr, dma_handle) == VMK_OK)
        d->live--;
    else
        vmk_WarningMessage("vmklinux: %s: dma_free_coherent of %p: not a coherent buffer of "
                           "the device", dev_name(dev), cpu_addr);
}

/* Linux's direction is the device's view; vmkapi's is memory's (vmkapi_dma.h). */
static vmk_DMADirection dir_of(enum dma_data_direction dir)
{
    switch (dir) {
    case DMA_TO_DEVICE: return VMK_DMA_DIRECTION_FROM_MEMORY;
    case DMA_FROM_DEVICE: return VMK_DMA_DIRECTION_TO_MEMORY;
    default: return VMK_DMA_DIRECTION_BIDIRECTIONAL;
    }
}

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
                          enum dma_data_direction dir)
{
    vmklnx_dma *d = dma_of(dev, "dma_map_single");
    if (!d || dir == DMA_NONE)
        return DMA_MAPPING_ERROR;
    vmk_SgElem in = {.addr = (vmk_MA)(vmk_uintptr_t)ptr, .length = size}, out;
    vmk_DMAMapErrorInfo err;
    if (vmk_DMAMapElem(d->engine, dir_of(dir), &in, VMK_TRUE, &out, &err) != VMK_OK)
        return DMA_MAPPING_ERROR;
    d->live++;
    return out.ioAddr;
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
                      enum dma_data_direction dir)
{
    vmklnx_dma *d = dma_of(dev, "dma_unmap_single");
    if (!d)
        return;
    vmk_SgElem e = {.ioAddr = addr, .length = size};
    if (vmk_DMAUnmapElem(d->engine, dir_of(dir), &e) == VMK_OK)
        d->live--;
    else
        vmk_WarningMessage("vmklinux: %s: dma_unmap_single of 0x%llx+%zu: not a mapping",
                           dev_name(dev), (unsigned long long)addr, (vmk_ByteCount)size);
}

void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
                             enum dma_data_direction dir)
{
    vmklnx_dma *d = dma_of(dev, "dma_sync_single_for_cpu");
    vmk_SgElem e = {.ioAddr = addr, .length = size};
    if (d)
        vmk_DMAFlushElem(d->engine, dir_of(dir), &e);
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
                                enum dma_data_direction dir)
{
    dma_sync_single_for_cpu(dev, addr, size, dir);
}

vmk_DMAEngine vmklnx_dma_engine_hold(struct pci_dev *pdev)
{
    vmklnx_dma *d = dma_of(&pdev->dev, "scsi_add_host");
    if (!d)
        return VMK_DMA_ENGINE_INVALID;
    d->live++;
    return d->engine;
}

void vmklnx_dma_engine_put(struct pci_dev *pdev)
{
    vmklnx_pci *v = vmklnx_pci_of(pdev);
    if (v->dma && v->dma->live)
        v->dma->live--;
}
