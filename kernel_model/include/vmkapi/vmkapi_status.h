/* vmkapi_status.h — VMK_ReturnStatus, the status every native API call returns.
 * Names follow vmkapi v2.3 (base/vmkapi_status.h); as in the vmkernel, success is 0 and failures
 * count up from 0x0bad0000. The numbering after VMK_FAILURE is vmksim's own; code must compare
 * against the names, never the numbers. vmk_StatusToString is exported by the kernel. */
#ifndef VMKAPI_STATUS_H
#define VMKAPI_STATUS_H

#include "vmkapi/vmkapi_types.h"

typedef vmk_int32 VMK_ReturnStatus;

#define VMK_FAILURE_BASE 0x0bad0000
#define VMK_OK                     0
#define VMK_FAILURE                (VMK_FAILURE_BASE + 1)
#define VMK_WOULD_BLOCK            (VMK_FAILURE_BASE + 2)
#define VMK_NOT_FOUND              (VMK_FAILURE_BASE + 3)
#define VMK_BUSY                   (VMK_FAILURE_BASE + 4)
#define VMK_EXISTS                 (VMK_FAILURE_BASE + 5)
#define VMK_LIMIT_EXCEEDED         (VMK_FAILURE_BASE + 6)
#define VMK_BAD_PARAM              (VMK_FAILURE_BASE + 7)
#define VMK_NO_MEMORY              (VMK_FAILURE_BASE + 8)
#define VMK_NOT_SUPPORTED          (VMK_FAILURE_BASE + 9)
#define VMK_NOT_INITIALIZED        (VMK_FAILURE_BASE + 10)
#define VMK_INVALID_NAME           (VMK_FAILURE_BASE + 11)
#define VMK_INVALID_HANDLE         (VMK_FAILURE_BASE + 12)
#define VMK_VERSION_MISMATCH_MAJOR (VMK_FAILURE_BASE + 13)
#define VMK_IO_ERROR               (VMK_FAILURE_BASE + 14)
#define VMK_TIMEOUT                (VMK_FAILURE_BASE + 15)
#define VMK_NO_SPACE               (VMK_FAILURE_BASE + 16)
#define VMK_BAD_ADDR_RANGE         (VMK_FAILURE_BASE + 17)
/* Interrupt acknowledge results (vmkapi_intr.h) and world death (vmkapi_world.h). */
#define VMK_IGNORE                 (VMK_FAILURE_BASE + 18)
#define VMK_NOT_THIS_DEVICE        (VMK_FAILURE_BASE + 19)
#define VMK_DEATH_PENDING          (VMK_FAILURE_BASE + 20)
/* Device access by a module that does not own the device; resources (vectors) exhausted
 * (vmkapi_pci.h). */
#define VMK_NO_PERMISSION          (VMK_FAILURE_BASE + 21)
#define VMK_NO_RESOURCES           (VMK_FAILURE_BASE + 22)
/* One past the last code: vmk_StatusToString names every code below this. */
#define VMK_STATUS_END             (VMK_FAILURE_BASE + 23)

/* The status's name ("VMK_OK", "VMK_BAD_PARAM"); "VMK_UNKNOWN_STATUS" for anything else. */
const char *vmk_StatusToString(VMK_ReturnStatus status);

#endif
