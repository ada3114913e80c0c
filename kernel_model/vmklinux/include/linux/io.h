/* linux/io.h — device register access: readb/w/l/q, writeb/w/l/q, ioremap/iounmap. Mirrors
 * Linux's include/asm-generic/io.h by name. In vmksim a BAR is reached only through a kernel
 * mapping (vmk_PCIMapIOResource) and each access crosses the PCIe fabric, so these are vmklinux
 * functions on vmk_MMIORead/Write* rather than Linux's inline loads and stores. */
#ifndef _VMKLNX_LINUX_IO_H
#define _VMKLNX_LINUX_IO_H

#include <linux/types.h>

u8 readb(const volatile void __iomem *addr);
u16 readw(const volatile void __iomem *addr);
u32 readl(const volatile void __iomem *addr);
u64 readq(const volatile void __iomem *addr);
void writeb(u8 value, volatile void __iomem *addr);
void writew(u16 value, volatile void __iomem *addr);
void writel(u32 value, volatile void __iomem *addr);
void writeq(u64 value, volatile void __iomem *addr);

/* Maps [offset, offset + size) of a memory BAR of a PCI function vmklinux drives (offset is a
 * bus address, e.g. pci_resource_start). NULL if no such BAR. */
void __iomem *ioremap(phys_addr_t offset, size_t size);
void iounmap(volatile void __iomem *addr);

#define ioread32(a) readl(a)
#define iowrite32(v, a) writel((v), (a))
#define ioread16(a) readw(a)
#define iowrite16(v, a) writew((v), (a))
#define ioread8(a) readb(a)
#define iowrite8(v, a) writeb((v), (a))

#endif
