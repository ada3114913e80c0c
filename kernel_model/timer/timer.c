/* timer.c — timer queues and time (vmkapi_time.h). A timer is a sim event at the scheduling
 * world's local time + timeout; when it fires, the queue's sim thread runs the callback on the
 * queue's timing world with the queue's module pushed (a timer interrupt: intr_dispatch is
 * charged; it may read registers, not block), periodic timers re-armed before the callback.
 * Timers are found by ID, so a handle kept after the timer is gone is harmless.
 * Costs: timer_arm, timer_cancel. Semantics: docs/kernel-services.md "Timers". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/mem/ptrmap.h"
#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/world/world.h"
#include "vmkapi/vmkapi.h"
#include "vmkapi/vmkapi_time.h"

#define TIMER_LOG "kernel.timer"

struct vmk_TimerQueueInt {
    char name[VMK_MISC_NAME_MAX];
    int module;
    kern_tworld *tw;
    size_t ntimers;
    sim_event *ev;        /* a timer of the queue fell due */
    uint64_t *due;        /* IDs of timers due, in firing order (ring) */
    size_t head, ndue, cap;
    bool running;         /* a callback runs now (in the queue's thread) */
    bool destroy_pending; /* destroyed from its own callback: freed when it returns */
};

typedef struct ktimer {
    uint64_t id;
    vmk_TimerQueue q;
    vmk_TimerCallback cb;
    vmk_TimerCookie data;
    sim_time_t period;    /* 0: one-shot */
    sim_event *ev;
} ktimer;

static kern_ptrmap g_timers;   /* id -> ktimer */
static uint64_t g_next_timer = 1;

/* The caller's local time: a world's (it may have run ahead), else global time (what is charged
 * outside any world runs on "unattached", which never syncs). */
static sim_time_t local_now(void)
{
    kern_tworld *w = kern_tworld_current();
    return w == kern_tworld_unattached() ? sim_now() : kern_tworld_local_time(w);
}

static void queue_thread(void *arg);

VMK_ReturnStatus vmk_TimerQueueCreate(vmk_TimerQueueProps *props, vmk_TimerQueue *queue)
{
    if (!props || !queue)
        return VMK_BAD_PARAM;
    if (props->moduleID != VMK_KERNEL_MODULE_ID && !kern_module_by_id(props->moduleID))
        return VMK_BAD_PARAM;
    vmk_TimerQueue q = calloc(1, sizeof *q);
    if (!q)
        return VMK_NO_MEMORY;
    snprintf(q->name, sizeof q->name, "%.*s", VMK_MISC_NAME_MAX - 1, props->name.string);
    q->module = props->moduleID;
    char tname[VMK_MISC_NAME_MAX + 8];
    snprintf(tname, sizeof tname, "timer.%s", q->name);
    q->tw = kern_tworld_new(tname);
    q->ev = sim_event_new(tname);
    if (!q->tw || !q->ev) {
        if (q->tw)
            kern_tworld_free(q->tw);
        if (q->ev)
            sim_event_free(q->ev);
        free(q);
        return VMK_NO_MEMORY;
    }
    kern_world_mark_atomic(q->tw, "timer");   /* a timer callback may not block */
    sim_thread_spawn(tname, queue_thread, q);
    *queue = q;
    return VMK_OK;
}

static void timer_drop(ktimer *t)
{
    kern_ptrmap_del(&g_timers, t->id);
    t->q->ntimers--;
    sim_event_free(t->ev);   /* safe from inside the event's own callback (sim.h) */
    free(t);
}

static void queue_free(vmk_TimerQueue q)
{
    sim_cancel_owner(q);   /* the queue's thread never runs again */
    sim_event_free(q->ev);
    kern_world_unmark_atomic(q->tw);
    kern_tworld_free(q->tw);
    free(q->due);
    free(q);
}

VMK_ReturnStatus vmk_TimerQueueDestroy(vmk_TimerQueue q)
{
    if (!q || q->destroy_pending)
        return VMK_BAD_PARAM;
    for (size_t i = 0; i < g_timers.cap && q->ntimers; i++) {
        uint64_t k = g_timers.keys[i];
        if (k == 0 || k == UINT64_MAX || ((ktimer *)g_timers.vals[i])->q != q)
            continue;
        timer_drop(g_timers.vals[i]);
    }
    if (q->running)
        q->destroy_pending = true;   /* from its own callback: its thread frees it after */
    else
        queue_free(q);
    return VMK_OK;
}

/* Runs one due timer's callback in the queue's thread, on the queue's timing world with the
 * queue's module pushed. A timer cancelled after it fell due does not run. */
static void run_due(vmk_TimerQueue q, uint64_t id)
{
    ktimer *t = kern_ptrmap_get(&g_timers, id);
    if (!t || t->q != q)
        return;
    vmk_TimerCallback cb = t->cb;
    vmk_TimerCookie data = t->data;
    if (!t->period)
        timer_drop(t);   /* a one-shot timer is no longer pending once it runs */
    q->running = true;
    kern_tworld_enter(q->tw);
    kern_cost_charge(KERN_COST_INTR_DISPATCH, 0);   /* the timer interrupt that runs it */
    sim_err err;
    bool pushed = kern_module_push(q->module, &err) == 0;
    if (!pushed)
        sim_log(SIM_LOG_ERROR, TIMER_LOG, "timer queue '%s': %s", q->name, err.msg);
    cb(data);
    if (pushed)
        kern_module_pop(NULL);
    kern_world_sync();   /* a thread: waits out the callback's cycles */
    kern_tworld_leave(q->tw);
    q->running = false;
}

static void queue_thread(void *arg)
{
    vmk_TimerQueue q = arg;
    for (;;) {
        while (q->ndue == 0)
            sim_wait_event(q->ev);
        uint64_t id = q->due[q->head];
        q->head = (q->head + 1) % q->cap;
        q->ndue--;
        run_due(q, id);
        if (q->destroy_pending) {
            queue_free(q);
            return;
        }
    }
}

/* The timer's event: periodic timers are re-armed at once (the period does not drift with the
 * callback's run time), and the timer is handed to its queue's thread. */
static void timer_fire(void *arg)
{
    uint64_t id = (uint64_t)(uintptr_t)arg;
    ktimer *t = kern_ptrmap_get(&g_timers, id);
    if (!t)
        return;
    vmk_TimerQueue q = t->q;
    if (t->period)
        sim_event_notify(t->ev, t->period);
    if (q->ndue == q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 8;
        uint64_t *nd = malloc(ncap * sizeof *nd);
        if (!nd) {
            sim_log(SIM_LOG_ERROR, TIMER_LOG, "timer queue '%s': out of memory: timer %llu "
                    "skipped", q->name, (unsigned long long)id);
            return;
        }
        for (size_t i = 0; i < q->ndue; i++)
            nd[i] = q->due[(q->head + i) % q->cap];
        free(q->due);
        q->due = nd;
        q->cap = ncap;
        q->head = 0;
    }
    q->due[(q->head + q->ndue) % q->cap] = id;
    q->ndue++;
    sim_event_notify(q->ev, 0);
}

VMK_ReturnStatus vmk_TimerSchedule(vmk_TimerQueue queue, vmk_TimerCallback callback,
                                   vmk_TimerCookie data, vmk_int64 timeoutUS,
                                   vmk_int64 toleranceUS, vmk_TimerAttributes attributes,
                                   vmk_LockDomainID lockDomain, vmk_LockRank rank,
                                   vmk_Timer *timer)
{
    (void)toleranceUS;
    (void)lockDomain;
    (void)rank;
    bool periodic = attributes & VMK_TIMER_ATTR_PERIODIC;
    if (!queue || !callback || timeoutUS < 0 || (periodic && timeoutUS == 0) ||
        (attributes & ~VMK_TIMER_ATTR_PERIODIC) ||
        (uint64_t)timeoutUS > SIM_TIME_MAX / SIM_US / 2)
        return VMK_BAD_PARAM;
    kern_cost_charge(KERN_COST_TIMER_ARM, 0);
    ktimer *t = calloc(1, sizeof *t);
    if (!t)
        return VMK_NO_MEMORY;
    t->id = g_next_timer++;
    t->q = queue;
    t->cb = callback;
    t->data = data;
    t->period = periodic ? (sim_time_t)timeoutUS * SIM_US : 0;
    char name[VMK_MISC_NAME_MAX + 24];
    snprintf(name, sizeof name, "timer.%s.%llu", queue->name, (unsigned long long)t->id);
    t->ev = sim_event_new(name);
    if (!t->ev || kern_ptrmap_put(&g_timers, t->id, t) < 0) {
        if (t->ev)
            sim_event_free(t->ev);
        free(t);
        return VMK_NO_MEMORY;
    }
    queue->ntimers++;
    sim_event_on(t->ev, timer_fire, (void *)(uintptr_t)t->id);
    /* From the caller's local time: a world that has run ahead schedules from where it is. */
    sim_time_t ahead = local_now() - sim_now();
    sim_event_notify(t->ev, ahead + (sim_time_t)timeoutUS * SIM_US);
    if (timer)
        *timer = (vmk_Timer)(uintptr_t)t->id;
    return VMK_OK;
}

VMK_ReturnStatus vmk_TimerCancel(vmk_Timer timer, vmk_Bool wait)
{
    (void)wait;
    kern_cost_charge(KERN_COST_TIMER_CANCEL, 0);
    ktimer *t = kern_ptrmap_get(&g_timers, (uint64_t)(uintptr_t)timer);
    if (!t)
        return VMK_NOT_FOUND;
    timer_drop(t);
    return VMK_OK;
}

vmk_Bool vmk_TimerIsPending(vmk_Timer timer)
{
    return kern_ptrmap_get(&g_timers, (uint64_t)(uintptr_t)timer) ? VMK_TRUE : VMK_FALSE;
}

static uint64_t cpu_hz(void)
{
    return kern_timing_params_get()->cpu_hz;
}

vmk_TimerCycles vmk_GetTimerCycles(void)
{
    sim_time_t t = local_now();
    return (vmk_TimerCycles)((unsigned __int128)t * cpu_hz() / SIM_SEC);
}

vmk_TimerCycles vmk_TimerCyclesPerSecond(void)
{
    return (vmk_TimerCycles)cpu_hz();
}

vmk_uint64 vmk_TimerTCToUS(vmk_TimerCycles cycles)
{
    if (cycles < 0)
        return 0;
    return (vmk_uint64)((unsigned __int128)cycles * 1000000 / cpu_hz());
}

vmk_TimerCycles vmk_TimerUSToTC(vmk_uint64 us)
{
    return (vmk_TimerCycles)((unsigned __int128)us * cpu_hz() / 1000000);
}

void vmk_DelayUsecs(vmk_uint32 delayUs)
{
    if (kern_timing_enabled()) {
        /* Busy-wait: the CPU spends the time; a world catches up at once (the delay is long
         * against the quantum); in interrupt or bottom-half context the CPU spins just the same. */
        kern_timing_charge_kernel_mcycles((uint64_t)delayUs * cpu_hz() / 1000);
        if (sim_in_thread())
            kern_world_sync();   /* spinning is not blocking: allowed in any thread context */
    } else if (sim_in_thread()) {
        kern_block_wait((sim_time_t)delayUs * SIM_US);
    }
}
