/* vmk_pvscsi_osdep.c — the four osdep hooks of the shared PVSCSI layer
 * (drivers/common/pvscsi/pvscsi_osdep.h) on vmkapi: 32-bit register access through the adapter's
 * memory-BAR mapping (vmk_MMIORead32/Write32, vmkapi_mmio.h), delays with vmk_DelayUsecs,
 * diagnostics to the module's log component at debug level 1. */
#include "vmk_pvscsi.h"

pvscsi_u32 pvscsi_osdep_read32(void *os, pvscsi_u32 reg)
{
    vmk_pvscsi_adapter *a = os;
    return vmk_MMIORead32((volatile void *)(a->bar + reg));
}

void pvscsi_osdep_write32(void *os, pvscsi_u32 reg, pvscsi_u32 value)
{
    vmk_pvscsi_adapter *a = os;
    vmk_MMIOWrite32((volatile void *)(a->bar + reg), value);
}

void pvscsi_osdep_udelay(void *os, pvscsi_u32 usec)
{
    (void)os;
    vmk_DelayUsecs(usec);
}

void pvscsi_osdep_debug(void *os, const char *msg, pvscsi_u32 a, pvscsi_u32 b)
{
    vmk_pvscsi_adapter *ad = os;
    vmk_LogDebug(vmk_pvscsi_log, 1, "%s: %s 0x%x 0x%x", ad ? ad->name : "pvscsi", msg, a, b);
}
