/* accounting.c — where counted cycles go: worlds (simulated CPU contexts) on an accounting stack,
 * per-owner totals, the timing parameters (CPU clock, CPI, quantum) and the functional-mode
 * switch. Rules: docs/timing.md "Attribution" and "CPI". */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "kernel_model/timing/timing_internal.h"

/* Defaults; their reasons are in docs/timing.md. */
#define DEFAULT_CPU_HZ 2400000000ULL   /* = platform_desc_init's 2.4 GHz (devices/pcie/platform.c) */
#define DEFAULT_CPI_MILLI 1000         /* CPI 1.0: an assumption, see docs/timing.md "CPI" */
#define DEFAULT_QUANTUM_CYCLES 2400    /* 1 us at 2.4 GHz */
#define MAX_CPI_MILLI 100000

static kern_tworld g_unattached = {.name = "unattached"};
static kern_tworld *g_stack[KERN_TIMING_MAX_DEPTH] = {&g_unattached};
static int g_depth = 1;
static kern_tworld *g_worlds = &g_unattached;       /* live worlds */
static uint64_t g_retired_insns[KERN_TIMING_MAX_OWNERS];   /* from freed worlds */
static uint64_t g_retired_mcycles[KERN_TIMING_MAX_OWNERS];
static kern_timing_params g_params = {DEFAULT_CPU_HZ, DEFAULT_CPI_MILLI, DEFAULT_QUANTUM_CYCLES};

kern_tworld *kern_timing_cur = &g_unattached;
bool kern_timing_on = true;
uint32_t kern_timing_cpi_milli = DEFAULT_CPI_MILLI;

void kern_timing_params_default(kern_timing_params *p)
{
    p->cpu_hz = DEFAULT_CPU_HZ;
    p->cpi_milli = DEFAULT_CPI_MILLI;
    p->quantum_cycles = DEFAULT_QUANTUM_CYCLES;
}

int kern_timing_configure(const kern_timing_params *p, sim_err *err)
{
    if (p->cpu_hz == 0)
        return sim_err_set(err, "timing: cpu_hz must be > 0");
    if (p->cpi_milli == 0 || p->cpi_milli > MAX_CPI_MILLI)
        return sim_err_set(err, "timing: cpi %u.%03u out of range (0.001 .. %d)",
                           p->cpi_milli / 1000, p->cpi_milli % 1000, MAX_CPI_MILLI / 1000);
    if (p->quantum_cycles == 0)
        return sim_err_set(err, "timing: quantum must be at least one cycle");
    g_params = *p;
    kern_timing_cpi_milli = p->cpi_milli;
    return 0;
}

const kern_timing_params *kern_timing_params_get(void)
{
    return &g_params;
}

void kern_timing_set_enabled(bool on)
{
    kern_timing_on = on;
}

bool kern_timing_enabled(void)
{
    return kern_timing_on;
}

/* ---- worlds and the accounting stack ---- */

kern_tworld *kern_tworld_new(const char *name)
{
    kern_tworld *w = calloc(1, sizeof *w);
    if (!w)
        abort();   /* out of host memory */
    snprintf(w->name, sizeof w->name, "%s", name ? name : "");
    w->next = g_worlds;
    g_worlds = w;
    return w;
}

void kern_tworld_free(kern_tworld *w)
{
    if (!w || w == &g_unattached)
        return;
    assert(w->entered == 0);
    for (kern_tworld **p = &g_worlds; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            break;
        }
    }
    for (int o = 0; o < KERN_TIMING_MAX_OWNERS; o++) {
        g_retired_insns[o] += w->insns[o];
        g_retired_mcycles[o] += w->mcycles[o];
    }
    free(w);
}

const char *kern_tworld_name(const kern_tworld *w)
{
    return w->name;
}

kern_tworld *kern_tworld_unattached(void)
{
    return &g_unattached;
}

kern_tworld *kern_tworld_current(void)
{
    return kern_timing_cur;
}

static void charge(kern_tworld *w, int owner, uint32_t insns)
{
    uint64_t mc = (uint64_t)insns * kern_timing_cpi_milli;
    w->insns[owner] += insns;
    w->mcycles[owner] += mc;
    w->unsynced_mcycles += mc;
}

/* next_site: the hook site that runs next in this world, 0 if the world left module code. */
void kern_timing_settle_tail(kern_tworld *w, uintptr_t next_site)
{
    kern_ttail t = w->tail;
    w->tail.active = false;
    if (!t.active)
        return;
    uint32_t n = t.n_default;
    if (next_site && next_site == t.site_a)
        n = t.n_a;
    else if (next_site && t.site_b && next_site == t.site_b)
        n = t.n_b;
    if (n)
        charge(w, t.owner, n);
}

void kern_tworld_enter(kern_tworld *w)
{
    assert(g_depth < KERN_TIMING_MAX_DEPTH);
    kern_timing_settle_tail(kern_timing_cur, 0);   /* the interrupted world left module code */
    g_stack[g_depth++] = w;
    w->entered++;
    kern_timing_cur = w;
}

void kern_tworld_leave(kern_tworld *w)
{
    assert(g_depth > 1 && g_stack[g_depth - 1] == w);
    kern_timing_settle_tail(w, 0);
    w->entered--;
    g_depth--;
    kern_timing_cur = g_stack[g_depth - 1];
}

void kern_tstack_save(kern_tstack *s)
{
    memcpy(s->w, g_stack, sizeof g_stack);
    s->depth = g_depth;
    g_depth = 1;
    kern_timing_cur = &g_unattached;
    kern_module_stack_take(&s->modules);
}

void kern_tstack_restore(const kern_tstack *s)
{
    memcpy(g_stack, s->w, sizeof g_stack);
    g_depth = s->depth;
    kern_timing_cur = g_stack[g_depth - 1];
    kern_module_stack_give(&s->modules);
}

void kern_timing_charge_kernel_mcycles(uint64_t mcycles)
{
    if (!kern_timing_on)
        return;
    kern_tworld *w = kern_timing_cur;
    kern_timing_settle_tail(w, 0);   /* the caller left module code for the kernel */
    w->mcycles[KERN_OWNER_KERNEL] += mcycles;
    w->unsynced_mcycles += mcycles;
}

/* ---- results ---- */

void kern_timing_flush(void)
{
    for (int i = 0; i < g_depth; i++)
        kern_timing_settle_tail(g_stack[i], 0);
}

static bool owner_ok(int owner)
{
    return owner >= 0 && owner < KERN_TIMING_MAX_OWNERS;
}

uint64_t kern_timing_owner_insns(int owner)
{
    if (!owner_ok(owner))
        return 0;
    kern_timing_flush();
    uint64_t n = g_retired_insns[owner];
    for (const kern_tworld *w = g_worlds; w; w = w->next)
        n += w->insns[owner];
    return n;
}

uint64_t kern_timing_owner_mcycles(int owner)
{
    if (!owner_ok(owner))
        return 0;
    kern_timing_flush();
    uint64_t n = g_retired_mcycles[owner];
    for (const kern_tworld *w = g_worlds; w; w = w->next)
        n += w->mcycles[owner];
    return n;
}

uint64_t kern_timing_owner_cycles(int owner)
{
    return kern_timing_owner_mcycles(owner) / 1000;
}

uint64_t kern_timing_total_mcycles(void)
{
    uint64_t n = 0;
    for (int o = 0; o < KERN_TIMING_MAX_OWNERS; o++)
        n += kern_timing_owner_mcycles(o);
    return n;
}

uint64_t kern_tworld_owner_insns(const kern_tworld *w, int owner)
{
    kern_timing_flush();
    return owner_ok(owner) ? w->insns[owner] : 0;
}

uint64_t kern_tworld_owner_mcycles(const kern_tworld *w, int owner)
{
    kern_timing_flush();
    return owner_ok(owner) ? w->mcycles[owner] : 0;
}

uint64_t kern_tworld_mcycles(const kern_tworld *w)
{
    kern_timing_flush();
    uint64_t n = 0;
    for (int o = 0; o < KERN_TIMING_MAX_OWNERS; o++)
        n += w->mcycles[o];
    return n;
}

uint64_t kern_tworld_cycles(const kern_tworld *w)
{
    return kern_tworld_mcycles(w) / 1000;
}

void kern_timing_reset_counters(void)
{
    kern_timing_flush();
    memset(g_retired_insns, 0, sizeof g_retired_insns);
    memset(g_retired_mcycles, 0, sizeof g_retired_mcycles);
    for (kern_tworld *w = g_worlds; w; w = w->next) {
        memset(w->insns, 0, sizeof w->insns);
        memset(w->mcycles, 0, sizeof w->mcycles);
    }
}
