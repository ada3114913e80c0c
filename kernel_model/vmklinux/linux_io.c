/* linux_io.c — BAR mapping (pci_iomap, ioremap) and register access (readl/writel & co.) for
 * Linux drivers. A BAR is mapped once through vmk_PCIMapIOResource under vmklinux's identity
 * (vmklinux is the function's native driver) and shared by every ioremap of it, counted; the
 * accessors go through vmk_MMIORead/Write*, i.e. through the PCIe fabric (vmkapi_mmio.h). */
#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/io.h>
#include <linux/pci.h>

u8 readb(const volatile void __iomem *addr) { return vmk_MMIORead8((volatile void *)addr); }
u16 readw(const volatile void __iomem *addr) { return vmk_MMIORead16((volatile void *)addr); }
u32 readl(const volatile void __iomem *addr) { return vmk_MMIORead32((volatile void *)addr); }
u64 readq(const volatile void __iomem *addr) { return vmk_MMIORead64((volatile void *)addr); }
void writeb(u8 value, volatile void __iomem *addr) { vmk_MMIOWrite8(addr, value); }
void writew(u16 value, volatile void __iomem *addr) { vmk_MMIOWrite16(addr, value); }
void writel(u32 value, volatile void __iomem *addr) { vmk_MMIOWrite32(addr, value); }
void writeq(u64 value, volatile void __iomem *addr) { vmk_MMIOWrite64(addr, value); }

/* The kernel mapping of BAR bar, made on first use. */
static vmk_VA bar_map(struct pci_dev *p, int bar)
{
    vmklnx_pci *v = vmklnx_pci_of(p);
    if (bar < 0 || bar >= VMK_PCI_NUM_BARS || v->bars[bar].size == 0 ||
        (v->bars[bar].flags & VMK_PCI_BAR_FLAGS_IO))
        return 0;
    if (!p->driver) {
        vmk_WarningMessage("vmklinux: %s: BAR %d mapped with no driver bound", pci_name(p), bar);
        return 0;
    }
    if (!v->bar_va[bar]) {
        VMK_ReturnStatus st = vmk_PCIMapIOResource(vmklnx_id, v->vmk_pci, (vmk_uint8)bar, NULL,
                                                   &v->bar_va[bar]);
        if (st != VMK_OK) {
            vmk_WarningMessage("vmklinux: %s: mapping BAR %d failed: %s", pci_name(p), bar,
                               vmk_StatusToString(st));
            v->bar_va[bar] = 0;
            return 0;
        }
    }
    v->bar_refs[bar]++;
    return v->bar_va[bar];
}

/* Drops one reference to the mapping containing va; 0 if va is in none of p's mappings. */
static int bar_unmap(struct pci_dev *p, vmk_VA va)
{
    vmklnx_pci *v = vmklnx_pci_of(p);
    for (int bar = 0; bar < VMK_PCI_NUM_BARS; bar++) {
        vmk_VA base = v->bar_va[bar];
        if (!base || va < base || va - base >= v->bars[bar].size)
            continue;
        if (--v->bar_refs[bar] == 0) {
            vmk_PCIUnmapIOResource(vmklnx_id, v->vmk_pci, (vmk_uint8)bar);
            v->bar_va[bar] = 0;
        }
        return 1;
    }
    return 0;
}

void __iomem *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen)
{
    (void)maxlen;   /* the whole BAR is mapped; maxlen only limits what the caller uses */
    return (void __iomem *)bar_map(dev, bar);
}

void pci_iounmap(struct pci_dev *dev, void __iomem *addr)
{
    if (!bar_unmap(dev, (vmk_VA)addr))
        vmk_WarningMessage("vmklinux: %s: pci_iounmap of %p, not a mapping of the device",
                           pci_name(dev), addr);
}

void __iomem *ioremap(phys_addr_t offset, size_t size)
{
    for (struct pci_dev *p = vmklnx_pci_first(); p; p = vmklnx_pci_of(p)->next) {
        vmklnx_pci *v = vmklnx_pci_of(p);
        for (int bar = 0; bar < VMK_PCI_NUM_BARS; bar++) {
            const vmk_PCIResource *b = &v->bars[bar];
            if (b->size == 0 || (b->flags & VMK_PCI_BAR_FLAGS_IO) || offset < b->start ||
                offset - b->start >= b->size || size > b->size - (offset - b->start))
                continue;
            vmk_VA va = bar_map(p, bar);
            return va ? (void __iomem *)(va + (offset - b->start)) : NULL;
        }
    }
    vmk_WarningMessage("vmklinux: ioremap of 0x%llx+%zu: not inside a memory BAR of a device "
                       "vmklinux drives", (unsigned long long)offset, (vmk_ByteCount)size);
    return NULL;
}

void iounmap(volatile void __iomem *addr)
{
    for (struct pci_dev *p = vmklnx_pci_first(); p; p = vmklnx_pci_of(p)->next)
        if (bar_unmap(p, (vmk_VA)addr))
            return;
    vmk_WarningMessage("vmklinux: iounmap of %p, which ioremap did not return", (void *)addr);
}
