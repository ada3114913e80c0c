/* vmk_e1000_osdep.c — the four osdep hooks of the shared 82540EM layer
 * (drivers/common/e1000/e1000_osdep.h) on vmkapi: 32-bit register access through the adapter's
 * BAR0 mapping (vmk_MMIORead32/Write32, vmkapi_mmio.h), delays with vmk_DelayUsecs, diagnostics
 * to the module's log component at debug level 1. */
#include "vmk_e1000.h"

e1000_u32 e1000_osdep_read32(void *os, e1000_u32 reg)
{
    vmk_e1000_adapter *a = os;
    return vmk_MMIORead32((volatile void *)(a->bar0 + reg));
}

void e1000_osdep_write32(void *os, e1000_u32 reg, e1000_u32 value)
{
    vmk_e1000_adapter *a = os;
    vmk_MMIOWrite32((volatile void *)(a->bar0 + reg), value);
}

void e1000_osdep_udelay(void *os, e1000_u32 usec)
{
    (void)os;
    vmk_DelayUsecs(usec);
}

void e1000_osdep_debug(void *os, const char *msg, e1000_u32 a, e1000_u32 b)
{
    vmk_e1000_adapter *ad = os;
    vmk_LogDebug(vmk_e1000_log, 1, "%s: %s 0x%x 0x%x", ad ? ad->name : "e1000", msg, a, b);
}
