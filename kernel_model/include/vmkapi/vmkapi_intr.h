/* vmkapi_intr.h — interrupt handlers. Names follow vmkapi v2.3 (core/vmkapi_intr.h):
 * vmk_IntrCookie, vmk_IntrProps{device, deviceName, acknowledgeInterrupt, handler, handlerData},
 * vmk_IntrRegister/Unregister/Enable/Disable/Sync. A cookie is a vector number (the kernel's
 * interrupt core, kernel_model/intr/intr.h); cookies come from vmk_PCIAllocIntrCookie.
 * A registered handler stays disabled until vmk_IntrEnable. The acknowledge callback says whose
 * interrupt it is: VMK_OK (mine: the handler runs), VMK_NOT_THIS_DEVICE (a shared INTx line
 * raised by another device), VMK_IGNORE (spurious). Both run in interrupt context and may not
 * block; the current module is the registering module. */
#ifndef VMKAPI_INTR_H
#define VMKAPI_INTR_H

#include "vmkapi/vmkapi_device.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

typedef vmk_uint32 vmk_IntrCookie;
#define VMK_INVALID_INTRCOOKIE ((vmk_IntrCookie)0)

typedef VMK_ReturnStatus (*vmk_IntrAcknowledge)(void *clientData, vmk_IntrCookie intrCookie);
typedef void (*vmk_IntrHandler)(void *clientData, vmk_IntrCookie intrCookie);

typedef struct vmk_IntrProps {
    vmk_Device device;                        /* accepted; may be NULL */
    vmk_Name deviceName;                      /* shown in logs */
    vmk_IntrAcknowledge acknowledgeInterrupt; /* may be NULL: every interrupt is the device's */
    vmk_IntrHandler handler;
    void *handlerData;                        /* also identifies the registration */
    vmk_uint64 attrs;                         /* accepted, unused */
} vmk_IntrProps;

VMK_ReturnStatus vmk_IntrRegister(vmk_ModuleID moduleID, vmk_IntrCookie intrCookie,
                                  vmk_IntrProps *props);
VMK_ReturnStatus vmk_IntrUnregister(vmk_ModuleID moduleID, vmk_IntrCookie intrCookie,
                                    void *idOrHandlerData);
/* Enabling delivers an interrupt that arrived while disabled (or a line still asserted). */
VMK_ReturnStatus vmk_IntrEnable(vmk_IntrCookie intrCookie);
VMK_ReturnStatus vmk_IntrDisable(vmk_IntrCookie intrCookie);
/* Returns once no handler of the cookie runs (refused from inside that handler). */
VMK_ReturnStatus vmk_IntrSync(vmk_IntrCookie intrCookie);

#endif
