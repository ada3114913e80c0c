/* call.c — how the device layer calls into driver code: the driver's module is pushed on the
 * current-module stack around the call (as VMKAPI_MODULE_CALL does) and the code runs in a world,
 * so that its measured instructions are attributed to the module's owner and charged to a
 * simulated CPU context (docs/timing.md). With no world entered, the device manager's own world
 * ("devmgr", like ESXi's device-manager helper) is entered for the call. */
#include "kernel_model/costs.h"
#include "kernel_model/device/device_internal.h"
#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"
#include "sim/sim.h"

static kern_tworld *devmgr_world;

static kern_tworld *enter_world(void)
{
    if (kern_tworld_current() != kern_tworld_unattached())
        return NULL;   /* already inside a world (a thread's, the hot-plug handler's) */
    if (!devmgr_world)
        devmgr_world = kern_tworld_new("devmgr");
    kern_tworld_enter(devmgr_world);
    return devmgr_world;
}

/* Pushes the module; returns the stack depth to restore, or (size_t)-1 if it cannot. */
static size_t push_module(const struct vmkDriver *drv)
{
    size_t depth = kern_module_stack_depth();
    sim_err err;
    if (kern_module_push(drv->module_id, &err) != 0) {
        sim_log(SIM_LOG_ERROR, KDEV_LOG, "driver %s: %s", drv->name, err.msg);
        return (size_t)-1;
    }
    kern_cost_charge(KERN_COST_MODULE_ID_SWITCH, 0);
    return depth;
}

static void pop_module(const struct vmkDriver *drv, size_t depth)
{
    if (kern_module_stack_depth() != depth + 1)
        sim_log(SIM_LOG_ERROR, KDEV_LOG, "driver %s left the module stack at depth %zu (expected "
                "%zu): unbalanced vmk_ModulePushId/PopId", drv->name, kern_module_stack_depth(),
                depth + 1);
    while (kern_module_stack_depth() > depth)
        kern_module_pop(NULL);
}

VMK_ReturnStatus kdev_call(const struct vmkDriver *drv, VMK_ReturnStatus (*fn)(vmk_Device),
                           struct vmkDevice *d)
{
    if (!fn)
        return VMK_OK;
    kern_tworld *w = enter_world();
    size_t depth = push_module(drv);
    VMK_ReturnStatus st = VMK_LIMIT_EXCEEDED;
    if (depth != (size_t)-1) {
        st = fn(d);
        pop_module(drv, depth);
    }
    if (w)
        kern_tworld_leave(w);
    return st;
}

void kdev_call_void(const struct vmkDriver *drv, void (*fn)(vmk_Device), struct vmkDevice *d)
{
    if (!fn)
        return;
    kern_tworld *w = enter_world();
    size_t depth = push_module(drv);
    if (depth != (size_t)-1) {
        fn(d);
        pop_module(drv, depth);
    }
    if (w)
        kern_tworld_leave(w);
}

void kdev_call_world_free(void)
{
    if (devmgr_world && kern_tworld_current() != devmgr_world) {
        kern_tworld_free(devmgr_world);
        devmgr_world = NULL;
    }
}
