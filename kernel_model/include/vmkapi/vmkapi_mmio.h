/* vmkapi_mmio.h — reads and writes of device registers through a BAR mapping
 * (vmk_PCIMapIOResource). In vmksim the mapped address is a kernel-chosen virtual range, not host
 * memory: these calls translate it to the BAR's bus address and send the access through the PCIe
 * fabric (a read waits its round trip; a write is posted). An address outside every live mapping
 * reads all ones and drops the write, and is counted. Names follow vmkapi v2.3
 * (device/vmkapi_mmio.h). */
#ifndef VMKAPI_MMIO_H
#define VMKAPI_MMIO_H

#include "vmkapi/vmkapi_types.h"

vmk_uint8 vmk_MMIORead8(volatile void *addr);
vmk_uint16 vmk_MMIORead16(volatile void *addr);
vmk_uint32 vmk_MMIORead32(volatile void *addr);
vmk_uint64 vmk_MMIORead64(volatile void *addr);
void vmk_MMIOWrite8(volatile void *addr, vmk_uint8 value);
void vmk_MMIOWrite16(volatile void *addr, vmk_uint16 value);
void vmk_MMIOWrite32(volatile void *addr, vmk_uint32 value);
void vmk_MMIOWrite64(volatile void *addr, vmk_uint64 value);

#endif
