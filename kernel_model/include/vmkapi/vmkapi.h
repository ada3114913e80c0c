/* vmkapi.h — the native driver API of the simulated VMkernel: the one header a native driver
 * includes. Follows the layout of VMware's public vmkapi v2.3 headers (vmkapi.h includes the
 * families). Only calls the kernel really exports are declared; see docs/modules.md. */
#ifndef VMKAPI_H
#define VMKAPI_H

#ifdef __cplusplus
extern "C" {
#endif

#include "vmkapi/vmkapi_types.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_logging.h"
#include "vmkapi/vmkapi_libc.h"
#include "vmkapi/vmkapi_heap.h"
#include "vmkapi/vmkapi_log.h"
#include "vmkapi/vmkapi_lock.h"
#include "vmkapi/vmkapi_world.h"
#include "vmkapi/vmkapi_time.h"
/* devices, drivers, the PCI bus and MMIO (kdevice) */
#include "vmkapi/vmkapi_device.h"
#include "vmkapi/vmkapi_intr.h"
#include "vmkapi/vmkapi_dma.h"
#include "vmkapi/vmkapi_driver.h"
#include "vmkapi/vmkapi_pci.h"
#include "vmkapi/vmkapi_mmio.h"
/* packets, uplinks and NetPoll (uplink) */
#include "vmkapi/vmkapi_pkt.h"
#include "vmkapi/vmkapi_uplink.h"
#include "vmkapi/vmkapi_netpoll.h"
/* SCSI adapters and commands (scsi) */
#include "vmkapi/vmkapi_scsi.h"

#ifdef __cplusplus
}
#endif
#endif
