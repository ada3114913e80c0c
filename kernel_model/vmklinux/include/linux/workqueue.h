/* linux/workqueue.h — work items and the system workqueue: INIT_WORK, schedule_work,
 * cancel_work_sync, flush_scheduled_work, delayed work. Mirrors Linux's include/linux/workqueue.h
 * by name. vmklinux runs work on a kernel world of its own ("vmklnx-events", vmk_WorldCreate),
 * each item as the module that queued it (linux_time.c). */
#ifndef _VMKLNX_LINUX_WORKQUEUE_H
#define _VMKLNX_LINUX_WORKQUEUE_H

#include <linux/timer.h>
#include <linux/types.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
    work_func_t func;
    struct work_struct *vmklnx_next;   /* vmklinux-private: queue link */
    int vmklnx_owner;                  /* module that queued the work */
    int vmklnx_pending;
};

struct delayed_work {
    struct work_struct work;
    struct timer_list timer;
};

#define INIT_WORK(w, f) \
    do { (w)->func = (f); (w)->vmklnx_next = NULL; (w)->vmklnx_owner = -1; \
         (w)->vmklnx_pending = 0; } while (0)
void vmklnx_delayed_work_timer_fn(struct timer_list *t);
#define INIT_DELAYED_WORK(dw, f) \
    do { INIT_WORK(&(dw)->work, (f)); \
         timer_setup(&(dw)->timer, vmklnx_delayed_work_timer_fn, 0); } while (0)

/* Returns true if queued, false if it was already pending. */
bool schedule_work(struct work_struct *work);
bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay);
/* Removes a pending item; waits for nothing (work never runs concurrently with the caller in
 * vmksim, whose worlds are cooperative). Returns true if it was pending. */
bool cancel_work_sync(struct work_struct *work);
bool cancel_delayed_work_sync(struct delayed_work *dwork);
/* Runs every queued item now, in the caller's context, before returning. */
void flush_scheduled_work(void);

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
    return container_of(work, struct delayed_work, work);
}

#endif
