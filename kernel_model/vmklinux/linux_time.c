/* linux_time.c — Linux time on kernel time: jiffies from the world's simulated clock, timers
 * on a vmklinux timer queue (vmk_TimerSchedule), delays and sleeps (vmk_DelayUsecs,
 * vmk_WorldSleep), and the system workqueue run by a kernel world of vmklinux's
 * (vmk_WorldCreate, one worker at a time, on demand), as the real shim maps them (reference/vmkapi.md §3 "Memory, DMA,
 * time, threads"). Timer functions and work items run as the module that armed/queued them. */
#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

static vmk_TimerQueue tq = VMK_INVALID_TIMER_QUEUE;
static struct timer_list *pending_timers;
static struct work_struct *work_head, *work_tail;
static vmk_WorldID events_world = VMK_INVALID_WORLD_ID;
static int worker_running;   /* a worker world exists and has not finished */

/* ---- jiffies, delays ---- */

unsigned long vmklnx_jiffies(void)
{
    vmk_TimerCycles tc = vmk_GetTimerCycles();
    vmk_TimerCycles hz = vmk_TimerCyclesPerSecond();
    if (tc < 0 || hz <= 0)
        return 0;
    return (unsigned long)((vmk_uint64)tc / (vmk_uint64)hz * HZ +
                           (vmk_uint64)tc % (vmk_uint64)hz * HZ / (vmk_uint64)hz);
}

void udelay(unsigned long usecs)
{
    while (usecs) {
        vmk_uint32 chunk = usecs > 0x7fffffffUL ? 0x7fffffffu : (vmk_uint32)usecs;
        vmk_DelayUsecs(chunk);
        usecs -= chunk;
    }
}

void mdelay(unsigned long msecs)
{
    while (msecs--)
        vmk_DelayUsecs(1000);
}

void msleep(unsigned int msecs)
{
    vmk_WorldSleep((vmk_uint64)msecs * 1000);
}

void usleep_range(unsigned long min, unsigned long max)
{
    (void)max;
    vmk_WorldSleep(min);
}

/* ---- timers ---- */

static void timer_unlink(struct timer_list *t)
{
    for (struct timer_list **pp = &pending_timers; *pp; pp = &(*pp)->vmklnx_next) {
        if (*pp == t) {
            *pp = t->vmklnx_next;
            break;
        }
    }
    t->vmklnx_next = NULL;
    t->vmklnx_timer = NULL;
}

static void timer_fire(vmk_TimerCookie data)
{
    struct timer_list *t = data.ptr;
    timer_unlink(t);
    VMKAPI_MODULE_CALL_VOID(t->vmklnx_owner, t->function, t);
}

void timer_setup(struct timer_list *timer, void (*function)(struct timer_list *),
                 unsigned int flags)
{
    timer->function = function;
    timer->flags = flags;
    timer->expires = 0;
    timer->vmklnx_timer = NULL;
    timer->vmklnx_next = NULL;
    timer->vmklnx_owner = vmk_ModuleStackTop();
}

int del_timer(struct timer_list *timer)
{
    if (!timer->vmklnx_timer)
        return 0;
    VMK_ReturnStatus st = vmk_TimerCancel((vmk_Timer)timer->vmklnx_timer, VMK_TRUE);
    timer_unlink(timer);
    return st == VMK_OK;
}

int mod_timer(struct timer_list *timer, unsigned long expires)
{
    int was = del_timer(timer);
    timer->expires = expires;
    long delta = (long)(expires - jiffies);
    vmk_int64 us = delta <= 0 ? 0 : (vmk_int64)delta * 1000000 / HZ;
    vmk_Timer h = VMK_INVALID_TIMER;
    vmk_TimerCookie c = {.ptr = timer};
    VMK_ReturnStatus st = vmk_TimerSchedule(tq, timer_fire, c, us, VMK_TIMER_DEFAULT_TOLERANCE,
                                            VMK_TIMER_ATTR_NONE, VMK_LOCKDOMAIN_INVALID,
                                            VMK_SPINLOCK_UNRANKED, &h);
    if (st != VMK_OK) {
        vmk_WarningMessage("vmklinux: mod_timer: %s", vmk_StatusToString(st));
        return was;
    }
    timer->vmklnx_timer = h;
    timer->vmklnx_next = pending_timers;
    pending_timers = timer;
    return was;
}

int timer_pending(const struct timer_list *timer)
{
    return timer->vmklnx_timer && vmk_TimerIsPending((vmk_Timer)timer->vmklnx_timer);
}

/* ---- the system workqueue ---- */

static struct work_struct *work_pop(void)
{
    struct work_struct *w = work_head;
    if (w) {
        work_head = w->vmklnx_next;
        if (!work_head)
            work_tail = NULL;
        w->vmklnx_next = NULL;
        w->vmklnx_pending = 0;
    }
    return w;
}

static void work_run(struct work_struct *w)
{
    VMKAPI_MODULE_CALL_VOID(w->vmklnx_owner, w->func, w);
}

/* The worker: runs queued items until the queue is empty, then ends. Workers are created on
 * demand, so no world of vmklinux's is left waiting when the shim unloads (a waiting world would
 * outlive its module). */
static VMK_ReturnStatus events_main(void *data)
{
    (void)data;
    struct work_struct *w;
    while ((w = work_pop()) != NULL)
        work_run(w);
    worker_running = 0;
    return VMK_OK;
}

bool schedule_work(struct work_struct *work)
{
    if (work->vmklnx_pending)
        return false;
    vmklnx_module *m = vmklnx_module_current("schedule_work");
    if (!m)
        return false;
    if (!worker_running) {
        if (events_world != VMK_INVALID_WORLD_ID)
            vmk_WorldDestroy(events_world);   /* the previous worker, finished: release it */
        events_world = VMK_INVALID_WORLD_ID;
        vmk_WorldProps wp;
        vmk_Memset(&wp, 0, sizeof wp);
        wp.moduleID = vmklnx_id;
        wp.name = "vmklnx-events";
        wp.startFunction = events_main;
        wp.heapID = vmklnx_heap;
        if (vmk_WorldCreate(&wp, &events_world) != VMK_OK) {
            vmk_WarningMessage("vmklinux: schedule_work: no worker world");
            events_world = VMK_INVALID_WORLD_ID;
            return false;
        }
        worker_running = 1;
    }
    work->vmklnx_owner = m->id;
    work->vmklnx_pending = 1;
    work->vmklnx_next = NULL;
    if (work_tail)
        work_tail->vmklnx_next = work;
    else
        work_head = work;
    work_tail = work;
    return true;
}

void vmklnx_delayed_work_timer_fn(struct timer_list *t)
{
    struct delayed_work *dw = container_of(t, struct delayed_work, timer);
    schedule_work(&dw->work);
}

bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
    if (dwork->work.vmklnx_pending || dwork->timer.vmklnx_timer)
        return false;
    if (delay == 0)
        return schedule_work(&dwork->work);
    mod_timer(&dwork->timer, jiffies + delay);
    return true;
}

bool cancel_work_sync(struct work_struct *work)
{
    if (!work->vmklnx_pending)
        return false;
    struct work_struct *prev = NULL;
    for (struct work_struct *w = work_head; w; prev = w, w = w->vmklnx_next) {
        if (w != work)
            continue;
        if (prev)
            prev->vmklnx_next = w->vmklnx_next;
        else
            work_head = w->vmklnx_next;
        if (work_tail == w)
            work_tail = prev;
        break;
    }
    work->vmklnx_next = NULL;
    work->vmklnx_pending = 0;
    return true;
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
    int t = del_timer(&dwork->timer);
    bool w = cancel_work_sync(&dwork->work);
    return t || w;
}

void flush_scheduled_work(void)
{
    struct work_struct *w;
    while ((w = work_pop()) != NULL)
        work_run(w);
}

/* ---- lifecycle ---- */

VMK_ReturnStatus vmklnx_time_init(void)
{
    vmk_TimerQueueProps p;
    vmk_Memset(&p, 0, sizeof p);
    vmk_Memcpy(p.name.string, "vmklinux", 9);
    p.moduleID = vmklnx_id;
    p.heapID = vmklnx_heap;
    return vmk_TimerQueueCreate(&p, &tq);
}

void vmklnx_time_cleanup(void)
{
    while (pending_timers)
        del_timer(pending_timers);
    if (tq != VMK_INVALID_TIMER_QUEUE)
        vmk_TimerQueueDestroy(tq);
    tq = VMK_INVALID_TIMER_QUEUE;
    if (events_world != VMK_INVALID_WORLD_ID) {
        if (worker_running)   /* cannot happen: every module's exit cancelled its work */
            vmk_WarningMessage("vmklinux: unloading with a work world not yet run");
        vmk_WorldDestroy(events_world);
        events_world = VMK_INVALID_WORLD_ID;
    }
    worker_running = 0;
    work_head = work_tail = NULL;
}

void vmklnx_time_module_exit(vmklnx_module *m)
{
    struct timer_list *t = pending_timers;
    while (t) {
        struct timer_list *next = t->vmklnx_next;
        if (t->vmklnx_owner == m->id) {
            vmk_WarningMessage("vmklinux: module %s left a timer pending: cancelled", m->name);
            del_timer(t);
        }
        t = next;
    }
    struct work_struct *w = work_head;
    while (w) {
        struct work_struct *next = w->vmklnx_next;
        if (w->vmklnx_owner == m->id) {
            vmk_WarningMessage("vmklinux: module %s left work queued: cancelled", m->name);
            cancel_work_sync(w);
        }
        w = next;
    }
}
