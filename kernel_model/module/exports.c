/* exports.c — the kernel's export table: every symbol a module may bind to, its address in the
 * vmksim executable (which exports its dynamic symbols, so dlopen binds modules to these very
 * functions) and its class. Adding a kernel call for drivers = implementing it + one line here. */
#include <string.h>

#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"
#include "vmkapi/vmkapi.h"

#define VMKAPI(fn) {#fn, (void *)(fn), KERN_EXPORT_VMKAPI}
#define COMPILER(fn) {#fn, (void *)(fn), KERN_EXPORT_COMPILER}

static const kern_export exports[] = {
    /* compiler support: GCC may emit calls to these even in freestanding code */
    COMPILER(memcpy),
    COMPILER(memmove),
    COMPILER(memset),
    COMPILER(memcmp),
    /* per-basic-block instrumentation of every module (-fsanitize-coverage=trace-pc) */
    COMPILER(__sanitizer_cov_trace_pc),
    /* vmkapi: status, libc-like helpers (vmkapi_status.h, vmkapi_libc.h) */
    VMKAPI(vmk_StatusToString),
    VMKAPI(vmk_Memcpy),
    VMKAPI(vmk_Memset),
    VMKAPI(vmk_Memcmp),
    VMKAPI(vmk_Strnlen),
    /* vmkapi: modules (vmkapi_module.h) */
    VMKAPI(vmk_ModuleRegister),
    VMKAPI(vmk_ModuleGetID),
    VMKAPI(vmk_ModuleGetName),
    VMKAPI(vmk_ModulePushId),
    VMKAPI(vmk_ModulePopId),
    VMKAPI(vmk_ModuleStackTop),
    /* vmkapi: logging (vmkapi_logging.h) */
    VMKAPI(vmk_LogMessage),
    VMKAPI(vmk_WarningMessage),
};

const kern_export *kern_export_find(const char *name)
{
    for (size_t i = 0; i < sizeof exports / sizeof exports[0]; i++)
        if (!strcmp(exports[i].name, name))
            return &exports[i];
    return NULL;
}

size_t kern_export_count(void)
{
    return sizeof exports / sizeof exports[0];
}

const kern_export *kern_export_at(size_t i)
{
    return i < kern_export_count() ? &exports[i] : NULL;
}
