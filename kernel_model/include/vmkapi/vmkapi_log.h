/* vmkapi_log.h — registered log components. Names follow vmkapi v2.3 (core/vmkapi_logging.h):
 * vmk_LogRegister/Unregister, vmk_LogSetCurrentLogLevel/GetCurrentLogLevel, vmk_LogLevel and the
 * vmk_Log / vmk_Warning / vmk_Alert / vmk_LogDebug macros. Each message goes to the simulator's
 * log stamped with simulated time, under the component's name; costs the log entry. */
#ifndef VMKAPI_LOG_H
#define VMKAPI_LOG_H

#include "vmkapi/vmkapi_heap.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

typedef struct vmk_LogComponentInt *vmk_LogComponent;
#define VMK_INVALID_LOG_HANDLE ((vmk_LogComponent)0)

typedef enum {
    VMK_LOG_URGENCY_NORMAL = 0,   /* info, or debug when level > 0 */
    VMK_LOG_URGENCY_WARNING = 1,
    VMK_LOG_URGENCY_ALERT = 2,    /* error */
} vmk_LogUrgency;

typedef struct vmk_LogProperties {
    vmk_Name name;            /* the component name every line carries */
    vmk_ModuleID module;
    vmk_HeapID heap;          /* accepted */
    vmk_int32 defaultLevel;   /* messages with level <= the current level are written */
    void *throttle;           /* accepted, must be NULL */
} vmk_LogProperties;

VMK_ReturnStatus vmk_LogRegister(vmk_LogProperties *props, vmk_LogComponent *handle);
VMK_ReturnStatus vmk_LogUnregister(vmk_LogComponent handle);
vmk_int32 vmk_LogGetCurrentLogLevel(vmk_LogComponent handle);
VMK_ReturnStatus vmk_LogSetCurrentLogLevel(vmk_LogComponent handle, vmk_int32 level);
/* Writes the message if level <= the component's current level (warnings and alerts always). */
void vmk_LogLevel(vmk_LogUrgency urgency, vmk_LogComponent handle, vmk_int32 level,
                  const char *fmt, ...) VMK_ATTRIBUTE_PRINTF(4, 5);

#define vmk_Log(handle, ...) vmk_LogLevel(VMK_LOG_URGENCY_NORMAL, handle, 0, __VA_ARGS__)
#define vmk_LogDebug(handle, level, ...) \
    vmk_LogLevel(VMK_LOG_URGENCY_NORMAL, handle, level, __VA_ARGS__)
#define vmk_Warning(handle, ...) vmk_LogLevel(VMK_LOG_URGENCY_WARNING, handle, 0, __VA_ARGS__)
#define vmk_Alert(handle, ...) vmk_LogLevel(VMK_LOG_URGENCY_ALERT, handle, 0, __VA_ARGS__)

#endif
