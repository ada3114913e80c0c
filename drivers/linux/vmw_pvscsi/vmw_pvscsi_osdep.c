/* vmw_pvscsi_osdep.c — the four osdep hooks of the shared PVSCSI layer
 * (drivers/common/pvscsi/pvscsi_osdep.h) in Linux terms: readl/writel on the pci_iomap'd memory
 * BAR, udelay, and dev_dbg for diagnostics. */
#include <linux/delay.h>
#include <linux/io.h>

#include "vmw_pvscsi.h"

pvscsi_u32 pvscsi_osdep_read32(void *os, pvscsi_u32 reg)
{
    struct pvscsi_adapter *a = os;
    return readl((char __iomem *)a->mmio_base + reg);
}

void pvscsi_osdep_write32(void *os, pvscsi_u32 reg, pvscsi_u32 value)
{
    struct pvscsi_adapter *a = os;
    writel(value, (char __iomem *)a->mmio_base + reg);
}

void pvscsi_osdep_udelay(void *os, pvscsi_u32 usec)
{
    (void)os;
    udelay(usec);
}

void pvscsi_osdep_debug(void *os, const char *msg, pvscsi_u32 x, pvscsi_u32 y)
{
    struct pvscsi_adapter *a = os;
    dev_dbg(&a->dev->dev, "%s 0x%x 0x%x\n", msg, x, y);
}
