/* e1000_osdep_linux.c — the four osdep hooks of the shared 82540EM layer
 * (drivers/common/e1000/e1000_osdep.h) on the Linux kernel API: 32-bit register access to the
 * adapter's BAR0 mapping with readl/writel, delays with udelay, diagnostics with printk at
 * KERN_DEBUG. */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kernel.h>

#include "e1000.h"

e1000_u32 e1000_osdep_read32(void *os, e1000_u32 reg)
{
    struct e1000_adapter *a = os;
    return readl((u8 __iomem *)a->hw_addr + reg);
}

void e1000_osdep_write32(void *os, e1000_u32 reg, e1000_u32 value)
{
    struct e1000_adapter *a = os;
    writel(value, (u8 __iomem *)a->hw_addr + reg);
}

void e1000_osdep_udelay(void *os, e1000_u32 usec)
{
    (void)os;
    udelay(usec);
}

void e1000_osdep_debug(void *os, const char *msg, e1000_u32 a, e1000_u32 b)
{
    struct e1000_adapter *ad = os;
    printk(KERN_DEBUG "%s: %s 0x%x 0x%x\n", ad ? pci_name(ad->pdev) : "e1000", msg, a, b);
}
