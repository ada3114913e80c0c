/* log.c — the engine's log: every line carries the simulated time and a component name,
 *   [   12.345678901234] info  component: message
 * (seconds with 12 decimals, i.e. exact picoseconds), filtered by level, written to a FILE
 * (default stderr) and/or handed to a sink. Format documented in docs/engine.md. */
#include "sim/sim.h"

#include <stdlib.h>
#include <string.h>

static sim_log_level max_level = SIM_LOG_INFO;
static bool file_set;          /* false: the default, stderr (not a constant initialiser) */
static FILE *log_file;
static sim_log_sink_fn sink_fn;
static void *sink_ctx;

static const char *level_word(sim_log_level lvl)
{
    switch (lvl) {
    case SIM_LOG_ERROR: return "error";
    case SIM_LOG_WARN:  return "warn";
    case SIM_LOG_INFO:  return "info";
    case SIM_LOG_DEBUG: return "debug";
    case SIM_LOG_TRACE: return "trace";
    }
    return "?";
}

void sim_log_set_level(sim_log_level lvl)
{
    max_level = lvl;
}

void sim_log_set_file(FILE *f)
{
    file_set = true;
    log_file = f;
}

void sim_log_set_sink(sim_log_sink_fn fn, void *ctx)
{
    sink_fn = fn;
    sink_ctx = ctx;
}

void sim_vlog(sim_log_level lvl, const char *component, const char *fmt, va_list ap)
{
    if ((int)lvl > (int)max_level)
        return;
    FILE *out = file_set ? log_file : stderr;
    if (!out && !sink_fn)
        return;

    sim_time_t now = sim_now();
    char prefix[96];
    int plen = snprintf(prefix, sizeof prefix, "[%5llu.%012llu] %-5s %s: ",
                        (unsigned long long)(now / SIM_SEC),
                        (unsigned long long)(now % SIM_SEC), level_word(lvl),
                        component ? component : "-");
    if (plen < 0)
        return;
    if ((size_t)plen >= sizeof prefix)
        plen = (int)sizeof prefix - 1; /* an absurdly long component name is cut */

    char small[512];
    char *line = small;
    va_list ap2;
    va_copy(ap2, ap);
    int mlen = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (mlen < 0)
        mlen = 0;
    size_t need = (size_t)plen + (size_t)mlen + 1;
    if (need > sizeof small) {
        line = malloc(need);
        if (!line) { /* out of memory: keep what fits rather than lose the line */
            line = small;
            need = sizeof small;
        }
    }
    memcpy(line, prefix, (size_t)plen);
    vsnprintf(line + plen, need - (size_t)plen, fmt, ap);

    if (out) {
        fprintf(out, "%s\n", line); /* one call: one write on unbuffered stderr */
    }
    if (sink_fn)
        sink_fn(sink_ctx, lvl, line);
    if (line != small)
        free(line);
}

void sim_log(sim_log_level lvl, const char *component, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sim_vlog(lvl, component, fmt, ap);
    va_end(ap);
}
