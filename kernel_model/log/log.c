/* log.c — registered log components (vmkapi_log.h): a named component with a current level;
 * vmk_LogLevel formats the message and writes it to the engine's log (sim_log, simulated time)
 * under the component's name, charging the cost table's log entry (per formatted byte). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel_model/costs.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"
#include "vmkapi/vmkapi_log.h"

struct vmk_LogComponentInt {
    char name[VMK_MISC_NAME_MAX];
    int module;
    vmk_int32 level;
};

VMK_ReturnStatus vmk_LogRegister(vmk_LogProperties *props, vmk_LogComponent *handle)
{
    if (!props || !handle || props->throttle || !props->name.string[0])
        return VMK_BAD_PARAM;
    if (props->module != VMK_KERNEL_MODULE_ID && !kern_module_by_id(props->module))
        return VMK_BAD_PARAM;
    vmk_LogComponent c = calloc(1, sizeof *c);
    if (!c)
        return VMK_NO_MEMORY;
    snprintf(c->name, sizeof c->name, "%.*s", VMK_MISC_NAME_MAX - 1, props->name.string);
    c->module = props->module;
    c->level = props->defaultLevel;
    *handle = c;
    return VMK_OK;
}

VMK_ReturnStatus vmk_LogUnregister(vmk_LogComponent handle)
{
    if (!handle)
        return VMK_BAD_PARAM;
    free(handle);
    return VMK_OK;
}

vmk_int32 vmk_LogGetCurrentLogLevel(vmk_LogComponent handle)
{
    return handle ? handle->level : 0;
}

VMK_ReturnStatus vmk_LogSetCurrentLogLevel(vmk_LogComponent handle, vmk_int32 level)
{
    if (!handle)
        return VMK_BAD_PARAM;
    handle->level = level;
    return VMK_OK;
}

void vmk_LogLevel(vmk_LogUrgency urgency, vmk_LogComponent handle, vmk_int32 level,
                  const char *fmt, ...)
{
    if (!handle || !fmt)
        return;
    if (urgency == VMK_LOG_URGENCY_NORMAL && level > handle->level)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    line[len] = '\0';
    while (len > 0 && line[len - 1] == '\n')   /* the log adds its own line end */
        line[--len] = '\0';
    kern_cost_charge(KERN_COST_LOG, len);
    sim_log_level lvl = urgency == VMK_LOG_URGENCY_ALERT     ? SIM_LOG_ERROR
                        : urgency == VMK_LOG_URGENCY_WARNING ? SIM_LOG_WARN
                        : level > 0                          ? SIM_LOG_DEBUG
                                                             : SIM_LOG_INFO;
    sim_log(lvl, handle->name, "%s", line);
}
