/* vmkapi_intr.c — the vmkapi interrupt calls (vmkapi_intr.h) on the interrupt core (intr.h). */
#include <stdio.h>

#include "kernel_model/intr/intr.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"
#include "vmkapi/vmkapi_intr.h"

#define INTR_LOG "kernel.intr"

/* The core's callback types are vmkapi's (int status; uint32_t vector = cookie). */
_Static_assert(__builtin_types_compatible_p(kern_intr_ack_fn, vmk_IntrAcknowledge), "ack type");
_Static_assert(__builtin_types_compatible_p(kern_intr_handler_fn, vmk_IntrHandler), "handler");

VMK_ReturnStatus vmk_IntrRegister(vmk_ModuleID moduleID, vmk_IntrCookie intrCookie,
                                  vmk_IntrProps *props)
{
    if (!props || !props->handler)
        return VMK_BAD_PARAM;
    if (moduleID != VMK_KERNEL_MODULE_ID && !kern_module_by_id(moduleID))
        return VMK_BAD_PARAM;
    char name[VMK_MISC_NAME_MAX];
    snprintf(name, sizeof name, "%.*s", VMK_MISC_NAME_MAX - 1, props->deviceName.string);
    sim_err err;
    if (kern_intr_register(moduleID, (int)intrCookie, name, props->acknowledgeInterrupt,
                           props->handler, props->handlerData, &err) < 0) {
        sim_log(SIM_LOG_WARN, INTR_LOG, "vmk_IntrRegister: %s", err.msg);
        return kern_intr_owner((int)intrCookie) < 0 ? VMK_INVALID_HANDLE : VMK_BUSY;
    }
    return VMK_OK;
}

VMK_ReturnStatus vmk_IntrUnregister(vmk_ModuleID moduleID, vmk_IntrCookie intrCookie,
                                    void *idOrHandlerData)
{
    (void)moduleID;
    sim_err err;
    if (kern_intr_unregister((int)intrCookie, idOrHandlerData, &err) < 0) {
        sim_log(SIM_LOG_WARN, INTR_LOG, "vmk_IntrUnregister: %s", err.msg);
        return VMK_NOT_FOUND;
    }
    return VMK_OK;
}

VMK_ReturnStatus vmk_IntrEnable(vmk_IntrCookie intrCookie)
{
    return kern_intr_enable((int)intrCookie, NULL) < 0 ? VMK_INVALID_HANDLE : VMK_OK;
}

VMK_ReturnStatus vmk_IntrDisable(vmk_IntrCookie intrCookie)
{
    return kern_intr_disable((int)intrCookie, NULL) < 0 ? VMK_INVALID_HANDLE : VMK_OK;
}

VMK_ReturnStatus vmk_IntrSync(vmk_IntrCookie intrCookie)
{
    sim_err err;
    if (kern_intr_sync((int)intrCookie, &err) < 0) {
        sim_log(SIM_LOG_WARN, INTR_LOG, "vmk_IntrSync: %s", err.msg);
        return kern_intr_owner((int)intrCookie) < 0 ? VMK_INVALID_HANDLE : VMK_BUSY;
    }
    return VMK_OK;
}
