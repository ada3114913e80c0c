/* world.c — worlds (vmkapi_world.h, world.h): each world is a sim thread with its own timing
 * world; it runs its start function with its module pushed as current module. Blocking keeps
 * the thread's current-module stack (saved and emptied while others run, restored after) and its
 * timing stack. Death (vmk_WorldExit, or vmk_WorldDestroy of a blocked world) unwinds to the
 * world's entry with longjmp, within the world's own stack. Semantics: docs/kernel-services.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/mem/ptrmap.h"
#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing_internal.h"
#include "kernel_model/world/world.h"
#include "vmkapi/vmkapi.h"
#include "vmkapi/vmkapi_world.h"

#define WORLD_LOG "kernel.world"

typedef struct kern_world {
    uint32_t id;
    char name[VMK_MISC_NAME_MAX];
    int module;
    vmk_WorldStartFunc fn;
    void *data;
    kern_tworld *tw;
    bool started, finished, kill, destroyed;
    VMK_ReturnStatus status;
    size_t base_depth;        /* module-stack depth under the world's own entries */
    jmp_buf exit_jb;
    sim_event *sleep_ev;      /* what the world's sleep waits on (destroy wakes it) */
    sim_event *blocked_on;    /* the event the world is blocked on now, or NULL */
} kern_world;

typedef struct wait_ev {
    sim_event *ev;
    int waiters;
} wait_ev;

static kern_ptrmap g_worlds;     /* id -> kern_world */
static kern_ptrmap g_by_tworld;  /* kern_tworld* -> kern_world */
static kern_ptrmap g_events;     /* event id + 1 -> wait_ev */
static kern_ptrmap g_atomic;     /* kern_tworld* -> kind of a bottom-half context (const char *) */
static uint32_t g_next_id = 1;
static uint32_t g_nworlds;
static uint64_t g_bugs;
static char g_last_bug[512];

/* Wait events (no callbacks attached) of ended worlds, finished waits and destroyed locks are
 * kept for reuse rather than freed: the engine pools freed event cores in C++ containers that
 * are destroyed before LeakSanitizer's exit check, which then reports them; a pooled event
 * stays reachable from here. */
static sim_event **g_evpool;
static size_t g_nevpool, g_evpool_cap;

sim_event *kern_wait_event_get(const char *name)
{
    return g_nevpool ? g_evpool[--g_nevpool] : sim_event_new(name);
}

void kern_wait_event_put(sim_event *e)
{
    if (!e)
        return;
    sim_event_cancel(e);
    if (g_nevpool == g_evpool_cap) {
        size_t n = g_evpool_cap ? g_evpool_cap * 2 : 16;
        sim_event **np = realloc(g_evpool, n * sizeof *np);
        if (!np) {
            sim_event_free(e);
            return;
        }
        g_evpool = np;
        g_evpool_cap = n;
    }
    g_evpool[g_nevpool++] = e;
}

void kern_report_bug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_last_bug, sizeof g_last_bug, fmt, ap);
    va_end(ap);
    g_bugs++;
    sim_log(SIM_LOG_ERROR, "kernel.bug", "simulator-reported bug: %s", g_last_bug);
}

uint64_t kern_bug_count(void) { return g_bugs; }
const char *kern_last_bug(void) { return g_bugs ? g_last_bug : ""; }

static kern_world *current_world(void)
{
    return kern_ptrmap_get(&g_by_tworld, (uintptr_t)kern_tworld_current());
}

uint32_t kern_world_current_id(void)
{
    kern_world *w = current_world();
    return w ? w->id : 0;
}

bool kern_may_block(const char *what)
{
    if (kern_intr_in_interrupt()) {
        kern_report_bug("%s called in interrupt context, which may not block", what);
        return false;
    }
    const char *kind = kern_ptrmap_get(&g_atomic, (uintptr_t)kern_tworld_current());
    if (kind) {
        kern_report_bug("%s called in %s context, which may not block", what, kind);
        return false;
    }
    if (!sim_in_thread()) {
        kern_report_bug("%s called outside a world (an event callback cannot block)", what);
        return false;
    }
    unsigned held = kern_spinlocks_held(kern_tworld_current());
    if (held) {
        kern_report_bug("%s called by %s while it holds %u spinlock(s)", what,
                        kern_tworld_name(kern_tworld_current()), held);
        return false;
    }
    return true;
}

void kern_world_mark_atomic(const kern_tworld *w, const char *kind)
{
    if (w && kern_ptrmap_put(&g_atomic, (uintptr_t)w, (void *)(uintptr_t)kind) < 0)
        sim_log(SIM_LOG_ERROR, WORLD_LOG, "out of memory marking %s as a %s context",
                kern_tworld_name(w), kind);
}

void kern_world_unmark_atomic(const kern_tworld *w)
{
    if (w)
        kern_ptrmap_del(&g_atomic, (uintptr_t)w);
}

void kern_block_call(void (*fn)(void *arg), void *arg)
{
    if (!sim_in_thread()) {
        fn(arg);
        return;
    }
    kern_tstack s;   /* the timing stack and the current-module stack go with this thread */
    kern_tstack_save(&s);
    fn(arg);
    kern_tstack_restore(&s);
}

typedef struct modstack_save {
    int ids[KERN_MOD_STACK_DEPTH];
    size_t n;
} modstack_save;

/* Empties the module stack down to base entries, remembering them top first. */
static void modstack_take(modstack_save *s)
{
    s->n = 0;
    while (kern_module_stack_depth() > 0) {
        s->ids[s->n++] = kern_module_current();
        kern_module_pop(NULL);
    }
}

static void modstack_give(const modstack_save *s)
{
    for (size_t i = s->n; i-- > 0;) {
        sim_err err;
        if (kern_module_push(s->ids[i], &err) < 0)
            sim_log(SIM_LOG_ERROR, WORLD_LOG, "restoring the module stack: %s", err.msg);
    }
}

static void die_if_killed(void)
{
    kern_world *w = current_world();
    if (w && w->kill)
        longjmp(w->exit_jb, 1);
}

void kern_block_wait(sim_time_t delay)
{
    modstack_save s;
    modstack_take(&s);
    kern_world_wait(delay);
    modstack_give(&s);
}

void kern_block_wait_event(sim_event *ev)
{
    modstack_save s;
    modstack_take(&s);
    kern_world_wait_event(ev);
    modstack_give(&s);
}

bool kern_block_wait_event_timeout(sim_event *ev, sim_time_t timeout)
{
    modstack_save s;
    modstack_take(&s);
    bool fired = kern_world_wait_event_timeout(ev, timeout);
    modstack_give(&s);
    return fired;
}

static void world_release(kern_world *w)
{
    kern_ptrmap_del(&g_worlds, w->id);
    kern_ptrmap_del(&g_by_tworld, (uintptr_t)w->tw);
    kern_tworld_free(w->tw);
    kern_wait_event_put(w->sleep_ev);
    free(w);
    g_nworlds--;
}

static void world_main(void *arg)
{
    kern_world *volatile w = arg;
    w->started = true;
    kern_tworld_enter(w->tw);
    kern_cost_charge(KERN_COST_WORLD_SWITCH, 0);   /* the CPU switches to the new world */
    w->base_depth = kern_module_stack_depth();
    if (!w->kill) {
        sim_err err;
        bool pushed = kern_module_push(w->module, &err) == 0;
        if (!pushed)
            sim_log(SIM_LOG_ERROR, WORLD_LOG, "world '%s': %s", w->name, err.msg);
        if (setjmp(w->exit_jb) == 0)
            w->status = w->fn(w->data);
        else if (w->kill)
            w->status = VMK_DEATH_PENDING;
    }
    while (kern_module_stack_depth() > w->base_depth)   /* unwind what the world left pushed */
        kern_module_pop(NULL);
    kern_world_sync();
    kern_tworld_leave(w->tw);
    w->finished = true;
    sim_log(SIM_LOG_DEBUG, WORLD_LOG, "world %u '%s' ended with %s", w->id, w->name,
            vmk_StatusToString(w->status));
    if (w->destroyed)
        world_release(w);
}

VMK_ReturnStatus vmk_WorldCreate(vmk_WorldProps *props, vmk_WorldID *worldID)
{
    if (!props || !worldID || !props->startFunction)
        return VMK_BAD_PARAM;
    if (props->moduleID != VMK_KERNEL_MODULE_ID && !kern_module_by_id(props->moduleID))
        return VMK_BAD_PARAM;
    kern_world *w = calloc(1, sizeof *w);
    if (!w)
        return VMK_NO_MEMORY;
    w->id = g_next_id++;
    snprintf(w->name, sizeof w->name, "%s", props->name ? props->name : "world");
    w->module = props->moduleID;
    w->fn = props->startFunction;
    w->data = props->data;
    char tname[VMK_MISC_NAME_MAX + 16];
    snprintf(tname, sizeof tname, "world%u.%s", w->id, w->name);
    w->tw = kern_tworld_new(tname);
    w->sleep_ev = kern_wait_event_get(tname);
    if (!w->tw || !w->sleep_ev || kern_ptrmap_put(&g_worlds, w->id, w) < 0 ||
        kern_ptrmap_put(&g_by_tworld, (uintptr_t)w->tw, w) < 0) {
        kern_ptrmap_del(&g_worlds, w->id);
        if (w->tw)
            kern_tworld_free(w->tw);
        if (w->sleep_ev)
            kern_wait_event_put(w->sleep_ev);
        free(w);
        return VMK_NO_MEMORY;
    }
    g_nworlds++;
    sim_thread_spawn(tname, world_main, w);
    *worldID = w->id;
    sim_log(SIM_LOG_DEBUG, WORLD_LOG, "world %u '%s' created for module %d", w->id, w->name,
            w->module);
    return VMK_OK;
}

VMK_ReturnStatus vmk_WorldDestroy(vmk_WorldID worldID)
{
    kern_world *w = kern_ptrmap_get(&g_worlds, worldID);
    if (!w || w->destroyed)
        return VMK_NOT_FOUND;
    if (w->finished) {
        world_release(w);
        return VMK_OK;
    }
    w->destroyed = true;
    w->kill = true;
    if (current_world() == w)
        longjmp(w->exit_jb, 1);
    if (w->blocked_on)
        sim_event_notify(w->blocked_on, 0);
    return VMK_OK;
}

void vmk_WorldExit(VMK_ReturnStatus status)
{
    kern_world *w = current_world();
    if (!w) {
        kern_report_bug("vmk_WorldExit called outside a world");
        return;
    }
    w->status = status;
    longjmp(w->exit_jb, 2);
}

vmk_WorldID vmk_WorldGetID(void)
{
    return kern_world_current_id();
}

VMK_ReturnStatus vmk_WorldSleep(vmk_uint64 delayUs)
{
    if (!kern_may_block("vmk_WorldSleep"))
        return VMK_FAILURE;
    kern_world *w = current_world();
    if (!w) {
        kern_block_wait(delayUs * SIM_US);
        return VMK_OK;
    }
    die_if_killed();
    w->blocked_on = w->sleep_ev;
    kern_block_wait_event_timeout(w->sleep_ev, delayUs * SIM_US);
    w->blocked_on = NULL;
    die_if_killed();
    return VMK_OK;
}

VMK_ReturnStatus vmk_WorldWait(vmk_WorldEventID eventId, vmk_Lock lock, vmk_uint32 timeoutMS,
                               const char *reason)
{
    (void)reason;
    if (lock)
        vmk_SpinlockUnlock(lock);
    if (!kern_may_block("vmk_WorldWait"))
        return VMK_FAILURE;
    die_if_killed();
    uint64_t key = eventId + 1;   /* the map reserves key 0 */
    if (key == 0 || key == UINT64_MAX)
        return VMK_BAD_PARAM;
    wait_ev *we = kern_ptrmap_get(&g_events, key);
    if (!we) {
        we = calloc(1, sizeof *we);
        if (!we || !(we->ev = kern_wait_event_get("world.wait")) ||
            kern_ptrmap_put(&g_events, key, we) < 0) {
            if (we && we->ev)
                kern_wait_event_put(we->ev);
            free(we);
            return VMK_NO_MEMORY;
        }
    }
    we->waiters++;
    kern_world *w = current_world();
    if (w)
        w->blocked_on = we->ev;
    bool woke;
    if (timeoutMS == VMK_TIMEOUT_UNLIMITED_MS) {
        kern_block_wait_event(we->ev);
        woke = true;
    } else {
        woke = kern_block_wait_event_timeout(we->ev, (sim_time_t)timeoutMS * SIM_MS);
    }
    if (w)
        w->blocked_on = NULL;
    if (--we->waiters == 0) {
        kern_ptrmap_del(&g_events, key);
        kern_wait_event_put(we->ev);
        free(we);
    }
    die_if_killed();
    return woke ? VMK_OK : VMK_TIMEOUT;
}

VMK_ReturnStatus vmk_WorldWakeup(vmk_WorldEventID eventId)
{
    kern_cost_charge(KERN_COST_BH_SCHEDULE, 0);   /* making waiters runnable */
    wait_ev *we = kern_ptrmap_get(&g_events, eventId + 1);
    if (we)
        sim_event_notify(we->ev, 0);
    return VMK_OK;
}

uint64_t kern_world_cycles_of(uint32_t id)
{
    kern_world *w = kern_ptrmap_get(&g_worlds, id);
    return w ? kern_tworld_cycles(w->tw) : 0;
}

bool kern_world_finished(uint32_t id)
{
    kern_world *w = kern_ptrmap_get(&g_worlds, id);
    return w && w->finished;
}

uint32_t kern_world_count(void)
{
    return g_nworlds;
}

void kern_world_reset(void)
{
    for (size_t i = 0; i < g_worlds.cap; i++) {
        uint64_t k = g_worlds.keys[i];
        if (k == 0 || k == UINT64_MAX)
            continue;
        kern_world *w = g_worlds.vals[i];
        if (!w->finished)
            continue;   /* its thread will still run: leave the record alone */
        kern_tworld_free(w->tw);
        kern_wait_event_put(w->sleep_ev);
        free(w);
    }
    kern_ptrmap_free(&g_worlds);
    kern_ptrmap_free(&g_by_tworld);
    g_nworlds = 0;
    g_bugs = 0;
    g_last_bug[0] = '\0';
}
