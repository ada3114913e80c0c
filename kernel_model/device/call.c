/* call.c — how the device layer calls into driver code: the driver's module is pushed on the
 * current-module stack around the call (as VMKAPI_MODULE_CALL does) and the code runs in a world,
 * so that its measured instructions are attributed to the module's owner and charged to a
 * simulated CPU context (docs/timing.md). With no world entered, the device manager's own world
 * ("devmgr", like ESXi's device-manager helper) is entered for the call. */
#include "kernel_model/device/device_internal.h"
#include "kernel_model/module/module_call.h"
#include "sim/sim.h"

static kern_tworld *devmgr_world;

static kern_tworld *world(void)
{
    if (!devmgr_world)
        devmgr_world = kern_tworld_new("devmgr");
    return devmgr_world;
}

VMK_ReturnStatus kdev_call(const struct vmkDriver *drv, VMK_ReturnStatus (*fn)(vmk_Device),
                           struct vmkDevice *d)
{
    if (!fn)
        return VMK_OK;
    kern_module_call c;
    if (!kern_module_call_begin(&c, world(), drv->module_id, KDEV_LOG, drv->name))
        return VMK_LIMIT_EXCEEDED;
    VMK_ReturnStatus st = fn(d);
    kern_module_call_end(&c, KDEV_LOG, drv->name);
    return st;
}

void kdev_call_void(const struct vmkDriver *drv, void (*fn)(vmk_Device), struct vmkDevice *d)
{
    if (!fn)
        return;
    kern_module_call c;
    if (!kern_module_call_begin(&c, world(), drv->module_id, KDEV_LOG, drv->name))
        return;
    fn(d);
    kern_module_call_end(&c, KDEV_LOG, drv->name);
}

void kdev_call_world_free(void)
{
    if (devmgr_world && kern_tworld_current() != devmgr_world) {
        kern_tworld_free(devmgr_world);
        devmgr_world = NULL;
    }
}
