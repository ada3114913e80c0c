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

#ifdef __cplusplus
}
#endif
#endif
