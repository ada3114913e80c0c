/* vmkapi_logging.h — kernel log messages from modules. Names follow vmkapi v2.3
 * (core/vmkapi_logging.h: vmk_LogMessage, vmk_WarningMessage). Each line is stamped with the
 * simulated time and the name of the module on top of the current-module stack. */
#ifndef VMKAPI_LOGGING_H
#define VMKAPI_LOGGING_H

#include "vmkapi/vmkapi_types.h"

/* printf-style message at info level. */
void vmk_LogMessage(const char *fmt, ...) VMK_ATTRIBUTE_PRINTF(1, 2);
/* printf-style message at warning level. */
void vmk_WarningMessage(const char *fmt, ...) VMK_ATTRIBUTE_PRINTF(1, 2);

#endif
