/* module_call.h — how a kernel layer (device framework, uplinks and NetPoll, SCSI adapters, the
 * hot-plug handler) calls into module code: the module is pushed on the current-module stack for
 * the call (as VMKAPI_MODULE_CALL does, charged as module_id_switch) and the code runs in a world,
 * so its measured instructions are attributed to the module and charged to a simulated CPU
 * (docs/timing.md). */
#ifndef VMKSIM_KERN_MODULE_CALL_H
#define VMKSIM_KERN_MODULE_CALL_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel_model/timing/timing.h"

typedef struct kern_module_call {
    kern_tworld *entered;   /* world entered for the call, or NULL */
    size_t depth;           /* module stack depth to restore */
    bool ok;
} kern_module_call;

/* Enters world (the caller's own, e.g. "devmgr") when no world is current, and pushes module_id.
 * false, logged under log_tag as "what: reason", when the push fails (then nothing is entered). */
bool kern_module_call_begin(kern_module_call *c, kern_tworld *world, int module_id,
                            const char *log_tag, const char *what);
/* Pops back to the depth of the begin (logging an unbalanced vmk_ModulePushId/PopId in the
 * module) and leaves the world entered. Nothing if the begin failed. */
void kern_module_call_end(kern_module_call *c, const char *log_tag, const char *what);

#endif
