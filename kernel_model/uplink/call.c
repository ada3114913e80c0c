/* call.c — how the uplink layer and NetPoll call into driver code (uplink ops, poll callbacks):
 * the driver's module is pushed on the current-module stack for the call (as VMKAPI_MODULE_CALL
 * does, charged as module_id_switch) and the code runs in the current world, so its measured
 * instructions are attributed to the module and charged to a simulated CPU (docs/timing.md). With
 * no world entered, the layer's own world "uplink" is entered for the call. */
#include "kernel_model/module/module_call.h"
#include "kernel_model/uplink/uplink_internal.h"
#include "sim/sim.h"

static kern_tworld *uplink_world;

bool kupl_call_begin(kupl_call *c, int module_id, const char *what)
{
    if (!uplink_world)
        uplink_world = kern_tworld_new("uplink");
    return kern_module_call_begin(c, uplink_world, module_id, KERN_UPLINK_LOG, what);
}

void kupl_call_end(kupl_call *c, const char *what)
{
    kern_module_call_end(c, KERN_UPLINK_LOG, what);
}

void kupl_call_world_free(void)
{
    if (uplink_world && kern_tworld_current() != uplink_world) {
        kern_tworld_free(uplink_world);
        uplink_world = NULL;
    }
}
