/* linux/spinlock.h — spinlock_t and spin_lock/unlock(_irqsave/_irqrestore/_bh). Mirrors Linux's
 * include/linux/spinlock.h by name. vmklinux backs each spinlock_t with a kernel spinlock
 * (vmk_SpinlockCreate, created at spin_lock_init or, for DEFINE_SPINLOCK, at first use), so the
 * kernel's holder checks, contention rules and costs apply (docs/kernel-services.md). Linux has
 * no spinlock destroy: vmklinux destroys a module's kernel locks when the module unloads. */
#ifndef _VMKLNX_LINUX_SPINLOCK_H
#define _VMKLNX_LINUX_SPINLOCK_H

#include <linux/types.h>

typedef struct spinlock {
    void *vmk_lock;        /* the kernel spinlock (vmklinux-private) */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) {.vmk_lock = NULL}
#define DEFINE_SPINLOCK(name) spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

void spin_lock_init(spinlock_t *lock);
void _raw_spin_lock(spinlock_t *lock);
void _raw_spin_unlock(spinlock_t *lock);
unsigned long _raw_spin_lock_irqsave(spinlock_t *lock);
void _raw_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);

#define spin_lock(l) _raw_spin_lock(l)
#define spin_unlock(l) _raw_spin_unlock(l)
#define spin_lock_bh(l) _raw_spin_lock(l)
#define spin_unlock_bh(l) _raw_spin_unlock(l)
#define spin_lock_irq(l) _raw_spin_lock(l)
#define spin_unlock_irq(l) _raw_spin_unlock(l)
#define spin_lock_irqsave(l, flags) ((flags) = _raw_spin_lock_irqsave(l))
#define spin_unlock_irqrestore(l, flags) _raw_spin_unlock_irqrestore(l, flags)

#endif
