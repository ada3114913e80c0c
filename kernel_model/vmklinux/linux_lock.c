/* linux_lock.c — spinlock_t on kernel spinlocks (vmk_SpinlockCreate/Lock/Unlock), so the kernel's
 * holder checks, contention rules and cost apply to Linux drivers too (docs/kernel-services.md
 * "Spinlocks"). Linux has no spinlock destroy: each kernel lock is recorded against the module
 * that initialised it and destroyed when that module unloads. _irqsave has no interrupt flag to
 * save (vmkapi exports none); it returns 0. */
#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/spinlock.h>

typedef struct vmklnx_lock_rec {
    vmk_Lock lock;
    struct vmklnx_lock_rec *next;
} vmklnx_lock_rec;

static vmk_Lock lock_create(spinlock_t *l, vmklnx_module *m)
{
    vmklnx_lock_rec *r = vmklnx_zalloc(sizeof *r);
    if (!r)
        return VMK_LOCK_INVALID;
    vmk_SpinlockCreateProps p;
    vmk_Memset(&p, 0, sizeof p);
    p.moduleID = m->id;
    p.heapID = m->heap;
    vmk_Memcpy(p.name.string, "linux-spinlock", 15);
    p.type = VMK_SPINLOCK;
    if (vmk_SpinlockCreate(&p, &r->lock) != VMK_OK) {
        vmklnx_free(r);
        return VMK_LOCK_INVALID;
    }
    r->next = m->locks;
    m->locks = r;
    l->vmk_lock = r->lock;
    return r->lock;
}

void vmklnx_locks_module_exit(vmklnx_module *m)
{
    while (m->locks) {
        vmklnx_lock_rec *r = m->locks;
        m->locks = r->next;
        vmk_SpinlockDestroy(r->lock);
        vmklnx_free(r);
    }
}

void spin_lock_init(spinlock_t *lock)
{
    lock->vmk_lock = NULL;
    vmklnx_module *m = vmklnx_module_current("spin_lock_init");
    if (m && lock_create(lock, m) == VMK_LOCK_INVALID)
        vmk_WarningMessage("vmklinux: spin_lock_init: no kernel spinlock for %s", m->name);
}

static vmk_Lock lock_of(spinlock_t *lock)
{
    if (lock->vmk_lock)
        return (vmk_Lock)lock->vmk_lock;
    vmklnx_module *m = vmklnx_module_current("spin_lock");   /* DEFINE_SPINLOCK: first use */
    return m ? lock_create(lock, m) : VMK_LOCK_INVALID;
}

void _raw_spin_lock(spinlock_t *lock)
{
    vmk_Lock l = lock_of(lock);
    if (l != VMK_LOCK_INVALID)
        vmk_SpinlockLock(l);
}

void _raw_spin_unlock(spinlock_t *lock)
{
    if (lock->vmk_lock)
        vmk_SpinlockUnlock((vmk_Lock)lock->vmk_lock);
}

unsigned long _raw_spin_lock_irqsave(spinlock_t *lock)
{
    _raw_spin_lock(lock);
    return 0;
}

void _raw_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
    (void)flags;
    _raw_spin_unlock(lock);
}
