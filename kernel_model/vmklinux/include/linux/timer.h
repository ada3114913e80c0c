/* linux/timer.h — struct timer_list, timer_setup, mod_timer, del_timer(_sync). Mirrors Linux's
 * include/linux/timer.h (4.15+ callback style) by name. vmklinux arms a kernel timer on its own
 * timer queue (vmk_TimerSchedule) and calls the function as the module that set the timer up. */
#ifndef _VMKLNX_LINUX_TIMER_H
#define _VMKLNX_LINUX_TIMER_H

#include <linux/jiffies.h>
#include <linux/types.h>

struct timer_list {
    void (*function)(struct timer_list *t);
    unsigned long expires;        /* in jiffies */
    u32 flags;
    int vmklnx_owner;             /* vmklinux-private: module that set the timer up */
    void *vmklnx_timer;           /* vmklinux-private: the kernel timer while pending */
    struct timer_list *vmklnx_next;   /* vmklinux-private: list of pending timers */
};

void timer_setup(struct timer_list *timer, void (*function)(struct timer_list *),
                 unsigned int flags);
/* Returns 1 if the timer was pending (it is re-armed), 0 if it was not. */
int mod_timer(struct timer_list *timer, unsigned long expires);
static inline void add_timer(struct timer_list *timer) { mod_timer(timer, timer->expires); }
/* Returns 1 if a pending timer was deactivated. */
int del_timer(struct timer_list *timer);
/* Callbacks never run concurrently with the caller in vmksim, so this is del_timer. */
static inline int del_timer_sync(struct timer_list *timer) { return del_timer(timer); }
int timer_pending(const struct timer_list *timer);

#define from_timer(var, callback_timer, timer_fieldname) \
    container_of(callback_timer, __typeof__(*var), timer_fieldname)

#endif
