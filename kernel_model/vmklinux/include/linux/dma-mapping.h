/* linux/dma-mapping.h — the DMA API: masks, coherent allocations, streaming single mappings.
 * Mirrors Linux's include/linux/dma-mapping.h and dma-direction.h by name. vmklinux implements it
 * on a vmk_DMAEngine per PCI function (linux_dma.c), owned by the driver's module so coherent
 * memory counts against the driver; a dma_addr_t is the kernel's IO address for the device. */
#ifndef _VMKLNX_LINUX_DMA_MAPPING_H
#define _VMKLNX_LINUX_DMA_MAPPING_H

#include <linux/device.h>
#include <linux/types.h>

enum dma_data_direction {
    DMA_BIDIRECTIONAL = 0,
    DMA_TO_DEVICE = 1,
    DMA_FROM_DEVICE = 2,
    DMA_NONE = 3,
};

#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)

int dma_set_mask(struct device *dev, u64 mask);
int dma_set_coherent_mask(struct device *dev, u64 mask);
static inline int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
    int rc = dma_set_mask(dev, mask);
    return rc ? rc : dma_set_coherent_mask(dev, mask);
}

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp);
void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle);

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
                          enum dma_data_direction dir);
void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
                      enum dma_data_direction dir);
static inline int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
    (void)dev;
    return addr == DMA_MAPPING_ERROR ? -12 /* -ENOMEM */ : 0;
}
/* x86 DMA is coherent: these check the mapping (vmk_DMAFlushElem) and move no data. */
void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
                             enum dma_data_direction dir);
void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
                                enum dma_data_direction dir);

#endif
