/* lock.c — spinlocks, semaphores and lock domains (vmkapi_lock.h). A spinlock's holder is the
 * timing world running when it was taken (a world, or a CPU's interrupt world). Taking a lock the
 * caller already holds, releasing one it does not hold, blocking while holding one, or contention
 * where nobody can spin (an event callback) are simulator-reported bugs (world.h), never a hang.
 * Contention between worlds spins in simulated time until the holder releases. Costs: spinlock
 * (per lock+unlock pair), semaphore (per down+up pair), charged at the lock. */
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
#include "vmkapi/vmkapi_lock.h"

#define LOCK_LOG "kernel.lock"

struct vmk_LockInt {
    char name[VMK_MISC_NAME_MAX];
    int module;
    kern_tworld *holder;   /* NULL when free */
    int depth;             /* > 1 only after a reported double take */
    sim_event *released;
    uint64_t acquisitions, contended;
};

struct vmk_LockDomainInt {
    char name[VMK_MISC_NAME_MAX];
    int module;
};

struct vmk_SemaphoreInt {
    char name[VMK_MISC_NAME_MAX];
    int module;
    int32_t count;
    sim_event *up;
};

static kern_ptrmap g_held;   /* holder (kern_tworld*) -> number of spinlocks it holds */

static void held_add(kern_tworld *w, int d)
{
    uintptr_t n = (uintptr_t)kern_ptrmap_get(&g_held, (uintptr_t)w);
    n = (uintptr_t)((intptr_t)n + d);
    if (n)
        kern_ptrmap_put(&g_held, (uintptr_t)w, (void *)n);
    else
        kern_ptrmap_del(&g_held, (uintptr_t)w);
}

unsigned kern_spinlocks_held(const kern_tworld *w)
{
    return (unsigned)(uintptr_t)kern_ptrmap_get(&g_held, (uintptr_t)w);
}

VMK_ReturnStatus vmk_SpinlockCreate(vmk_SpinlockCreateProps *props, vmk_Lock *lock)
{
    if (!props || !lock || props->type != VMK_SPINLOCK)
        return VMK_BAD_PARAM;
    if (props->moduleID != VMK_KERNEL_MODULE_ID && !kern_module_by_id(props->moduleID))
        return VMK_BAD_PARAM;
    vmk_Lock l = calloc(1, sizeof *l);
    if (!l)
        return VMK_NO_MEMORY;
    snprintf(l->name, sizeof l->name, "%.*s", VMK_MISC_NAME_MAX - 1, props->name.string);
    l->module = props->moduleID;
    l->released = kern_wait_event_get(l->name);
    if (!l->released) {
        free(l);
        return VMK_NO_MEMORY;
    }
    *lock = l;
    return VMK_OK;
}

void vmk_SpinlockDestroy(vmk_Lock l)
{
    if (!l)
        return;
    if (l->holder)
        kern_report_bug("spinlock '%s' destroyed while held by %s", l->name,
                        kern_tworld_name(l->holder));
    kern_wait_event_put(l->released);
    free(l);
}

void vmk_SpinlockLock(vmk_Lock l)
{
    if (!l)
        return;
    kern_tworld *me = kern_tworld_current();
    kern_cost_charge(KERN_COST_SPINLOCK, 0);
    if (l->holder == me) {
        kern_report_bug("spinlock '%s' taken twice by %s (would deadlock)", l->name,
                        kern_tworld_name(me));
        l->depth++;
        return;
    }
    while (l->holder) {
        l->contended++;
        if (!sim_in_thread() || kern_intr_in_interrupt()) {
            kern_report_bug("spinlock '%s' contended in a context that cannot wait for its holder "
                            "%s (%s): not taken", l->name, kern_tworld_name(l->holder),
                            kern_intr_in_interrupt() ? "interrupt context" : "event callback");
            return;
        }
        /* Spins: the CPU is busy until the holder releases. */
        if (kern_spinlocks_held(me)) {
            kern_report_bug("spinlock '%s' contended while %s holds other spinlocks: not taken "
                            "(spinning here could deadlock)", l->name, kern_tworld_name(me));
            return;
        }
        kern_block_wait_event(l->released);
        kern_cost_charge(KERN_COST_SPINLOCK, 0);
    }
    l->holder = me;
    l->depth = 1;
    l->acquisitions++;
    held_add(me, 1);
}

void vmk_SpinlockUnlock(vmk_Lock l)
{
    if (!l)
        return;
    kern_tworld *me = kern_tworld_current();
    if (l->holder != me) {
        kern_report_bug("spinlock '%s' released by %s, which does not hold it (holder: %s)",
                        l->name, kern_tworld_name(me),
                        l->holder ? kern_tworld_name(l->holder) : "none");
        return;
    }
    if (--l->depth > 0)
        return;
    l->holder = NULL;
    held_add(me, -1);
    sim_event_notify(l->released, 0);
}

VMK_ReturnStatus vmk_LockDomainCreate(vmk_ModuleID moduleID, vmk_HeapID heapID, vmk_Name *name,
                                      vmk_LockDomainID *domain)
{
    (void)heapID;
    if (!domain || (moduleID != VMK_KERNEL_MODULE_ID && !kern_module_by_id(moduleID)))
        return VMK_BAD_PARAM;
    vmk_LockDomainID d = calloc(1, sizeof *d);
    if (!d)
        return VMK_NO_MEMORY;
    snprintf(d->name, sizeof d->name, "%.*s", VMK_MISC_NAME_MAX - 1, name ? name->string : "");
    d->module = moduleID;
    *domain = d;
    return VMK_OK;
}

void vmk_LockDomainDestroy(vmk_LockDomainID domain)
{
    free(domain);
}

VMK_ReturnStatus vmk_SemaCreate(vmk_Semaphore *sema, vmk_ModuleID module, const char *name,
                                vmk_int32 value)
{
    if (!sema || value < 0 || (module != VMK_KERNEL_MODULE_ID && !kern_module_by_id(module)))
        return VMK_BAD_PARAM;
    vmk_Semaphore s = calloc(1, sizeof *s);
    if (!s)
        return VMK_NO_MEMORY;
    snprintf(s->name, sizeof s->name, "%s", name ? name : "sema");
    s->module = module;
    s->count = value;
    s->up = kern_wait_event_get(s->name);
    if (!s->up) {
        free(s);
        return VMK_NO_MEMORY;
    }
    *sema = s;
    return VMK_OK;
}

VMK_ReturnStatus vmk_BinarySemaCreate(vmk_Semaphore *sema, vmk_ModuleID module, const char *name)
{
    return vmk_SemaCreate(sema, module, name, 1);
}

void vmk_SemaLock(vmk_Semaphore *sema)
{
    if (!sema || !*sema)
        return;
    vmk_Semaphore s = *sema;
    kern_cost_charge(KERN_COST_SEMAPHORE, 0);
    while (s->count == 0) {
        if (!kern_may_block("vmk_SemaLock"))
            return;   /* reported; not taken */
        kern_block_wait_event(s->up);
    }
    s->count--;
}

VMK_ReturnStatus vmk_SemaTryLock(vmk_Semaphore *sema)
{
    if (!sema || !*sema)
        return VMK_BAD_PARAM;
    kern_cost_charge(KERN_COST_SEMAPHORE, 0);
    if ((*sema)->count == 0)
        return VMK_BUSY;
    (*sema)->count--;
    return VMK_OK;
}

void vmk_SemaUnlock(vmk_Semaphore *sema)
{
    if (!sema || !*sema)
        return;
    (*sema)->count++;
    sim_event_notify((*sema)->up, 0);
}

void vmk_SemaDestroy(vmk_Semaphore *sema)
{
    if (!sema || !*sema)
        return;
    kern_wait_event_put((*sema)->up);
    free(*sema);
    *sema = NULL;
}
