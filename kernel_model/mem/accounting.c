/* accounting.c — memory counters per owner (mem.h): live bytes and allocations, peak, failures,
 * leaks. Owners are module IDs; the table grows with the highest ID seen. */
#include <stdlib.h>
#include <string.h>

#include "kernel_model/mem/mem.h"
#include "sim/sim.h"

static kern_mem_usage *g_usage;
static size_t g_nowners;

static kern_mem_usage *slot(int owner)
{
    if (owner < 0)
        owner = 0;
    size_t o = (size_t)owner;
    if (o >= g_nowners) {
        size_t n = g_nowners ? g_nowners : 16;
        while (n <= o)
            n *= 2;
        kern_mem_usage *nu = realloc(g_usage, n * sizeof *nu);
        if (!nu)
            return NULL;
        memset(nu + g_nowners, 0, (n - g_nowners) * sizeof *nu);
        g_usage = nu;
        g_nowners = n;
    }
    return &g_usage[o];
}

void kern_mem_account_alloc(int owner, size_t bytes)
{
    kern_mem_usage *u = slot(owner);
    if (!u)
        return;
    u->live_bytes += bytes;
    u->live_count++;
    u->allocs++;
    if (u->live_bytes > u->peak_bytes)
        u->peak_bytes = u->live_bytes;
}

void kern_mem_account_free(int owner, size_t bytes)
{
    kern_mem_usage *u = slot(owner);
    if (!u)
        return;
    u->live_bytes -= bytes;
    u->live_count--;
    u->frees++;
}

void kern_mem_account_failure(int owner)
{
    kern_mem_usage *u = slot(owner);
    if (u)
        u->failures++;
}

void kern_mem_account_leak(int owner, size_t bytes)
{
    kern_mem_usage *u = slot(owner);
    if (!u)
        return;
    u->live_bytes -= bytes;
    u->live_count--;
    u->leaked_bytes += bytes;
    u->leaked_count++;
}

void kern_mem_report(int owner, kern_mem_usage *out)
{
    memset(out, 0, sizeof *out);
    if (owner >= 0 && (size_t)owner < g_nowners)
        *out = g_usage[owner];
}

void kern_mem_log_report(int owner, const char *who)
{
    kern_mem_usage u;
    kern_mem_report(owner, &u);
    bool bad = u.live_count || u.leaked_count;
    sim_log(bad ? SIM_LOG_WARN : SIM_LOG_INFO, "kernel.mem",
            "%s (owner %d): %llu allocation(s) live (%llu bytes), %llu leaked (%llu bytes), peak "
            "%llu bytes, %llu refused", who ? who : "?", owner, (unsigned long long)u.live_count,
            (unsigned long long)u.live_bytes, (unsigned long long)u.leaked_count,
            (unsigned long long)u.leaked_bytes, (unsigned long long)u.peak_bytes,
            (unsigned long long)u.failures);
}

void kern_mem_reset_accounting(void)
{
    free(g_usage);
    g_usage = NULL;
    g_nowners = 0;
}
