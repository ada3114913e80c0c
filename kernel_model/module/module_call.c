/* module_call.c — entering and leaving module code from a kernel layer (module_call.h). */
#include "kernel_model/module/module_call.h"

#include "kernel_model/costs.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"

bool kern_module_call_begin(kern_module_call *c, kern_tworld *world, int module_id,
                            const char *log_tag, const char *what)
{
    c->entered = NULL;
    c->ok = false;
    if (kern_tworld_current() == kern_tworld_unattached()) {
        kern_tworld_enter(world);
        c->entered = world;
    }
    c->depth = kern_module_stack_depth();
    sim_err err;
    if (kern_module_push(module_id, &err) != 0) {
        sim_log(SIM_LOG_ERROR, log_tag, "%s: %s", what, err.msg);
        if (c->entered)
            kern_tworld_leave(c->entered);
        c->entered = NULL;
        return false;
    }
    kern_cost_charge(KERN_COST_MODULE_ID_SWITCH, 0);
    c->ok = true;
    return true;
}

void kern_module_call_end(kern_module_call *c, const char *log_tag, const char *what)
{
    if (!c->ok)
        return;
    if (kern_module_stack_depth() != c->depth + 1)
        sim_log(SIM_LOG_ERROR, log_tag, "%s left the module stack at depth %zu (expected %zu): "
                "unbalanced vmk_ModulePushId/PopId", what, kern_module_stack_depth(),
                c->depth + 1);
    while (kern_module_stack_depth() > c->depth)
        kern_module_pop(NULL);
    if (c->entered)
        kern_tworld_leave(c->entered);
    c->ok = false;
}
