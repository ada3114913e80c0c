/* call.c — how the uplink layer and NetPoll call into driver code (uplink ops, poll callbacks):
 * the driver's module is pushed on the current-module stack for the call (as VMKAPI_MODULE_CALL
 * does, charged as module_id_switch) and the code runs in the current world, so its measured
 * instructions are attributed to the module and charged to a simulated CPU (docs/timing.md). With
 * no world entered, the layer's own world "uplink" is entered for the call. */
#include "kernel_model/costs.h"
#include "kernel_model/module/module.h"
#include "kernel_model/uplink/uplink_internal.h"
#include "sim/sim.h"

static kern_tworld *uplink_world;

bool kupl_call_begin(kupl_call *c, int module_id, const char *what)
{
    c->entered = NULL;
    c->ok = false;
    if (kern_tworld_current() == kern_tworld_unattached()) {
        if (!uplink_world)
            uplink_world = kern_tworld_new("uplink");
        kern_tworld_enter(uplink_world);
        c->entered = uplink_world;
    }
    c->depth = kern_module_stack_depth();
    sim_err err;
    if (kern_module_push(module_id, &err) != 0) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s: %s", what, err.msg);
        if (c->entered)
            kern_tworld_leave(c->entered);
        c->entered = NULL;
        return false;
    }
    kern_cost_charge(KERN_COST_MODULE_ID_SWITCH, 0);
    c->ok = true;
    return true;
}

void kupl_call_end(kupl_call *c, const char *what)
{
    if (!c->ok)
        return;
    if (kern_module_stack_depth() != c->depth + 1)
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s left the module stack at depth %zu (expected "
                "%zu): unbalanced vmk_ModulePushId/PopId", what, kern_module_stack_depth(),
                c->depth + 1);
    while (kern_module_stack_depth() > c->depth)
        kern_module_pop(NULL);
    if (c->entered)
        kern_tworld_leave(c->entered);
    c->ok = false;
}

void kupl_call_world_free(void)
{
    if (uplink_world && kern_tworld_current() != uplink_world) {
        kern_tworld_free(uplink_world);
        uplink_world = NULL;
    }
}
