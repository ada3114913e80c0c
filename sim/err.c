/* err.c — the one formatter behind sim_err. */
#include "sim/err.h"

#include <stdarg.h>
#include <stdio.h>

int sim_err_set(sim_err *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}
