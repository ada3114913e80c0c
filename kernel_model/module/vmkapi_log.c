/* vmkapi_log.c — vmk_LogMessage / vmk_WarningMessage (vmkapi_logging.h): module log lines go to
 * the engine's log, stamped with simulated time, under the name of the module on top of the
 * current-module stack. */
#include <stdarg.h>
#include <stdio.h>

#include "kernel_model/module/module.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"

static void module_log(sim_log_level lvl, const char *fmt, va_list ap)
{
    char line[1024];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    line[len] = '\0';
    while (len > 0 && line[len - 1] == '\n')   /* the log adds its own line end */
        line[--len] = '\0';
    kern_module *m = kern_module_by_id(kern_module_current());
    sim_log(lvl, m ? m->name : "vmkernel", "%s", line);
}

void vmk_LogMessage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    module_log(SIM_LOG_INFO, fmt, ap);
    va_end(ap);
}

void vmk_WarningMessage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    module_log(SIM_LOG_WARN, fmt, ap);
    va_end(ap);
}
