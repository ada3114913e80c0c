/* vmkapi_lock.h — spinlocks, semaphores and lock domains. Names follow vmkapi v2.3
 * (core/vmkapi_lock.h, core/vmkapi_sem.h): vmk_SpinlockCreate/Destroy/Lock/Unlock,
 * vmk_SemaCreate/BinarySemaCreate/SemaLock/TryLock/Unlock/Destroy, vmk_LockDomainCreate/Destroy.
 * A spinlock taken again by the world that holds it, released by another, or contended where no
 * one can spin (interrupt context) is a simulator-reported bug (logged, counted), not a hang.
 * A semaphore may only be taken where blocking is allowed (a world, not interrupt context). */
#ifndef VMKAPI_LOCK_H
#define VMKAPI_LOCK_H

#include "vmkapi/vmkapi_heap.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

typedef struct vmk_LockDomainInt *vmk_LockDomainID;
#define VMK_LOCKDOMAIN_INVALID ((vmk_LockDomainID)0)
typedef vmk_uint16 vmk_LockRank;
#define VMK_SPINLOCK_UNRANKED ((vmk_LockRank)0)

typedef struct vmk_LockInt *vmk_Lock;
#define VMK_LOCK_INVALID ((vmk_Lock)0)

typedef enum {
    VMK_SPINLOCK = 0,       /* may be taken anywhere, held briefly, never across blocking */
} vmk_SpinlockType;

typedef struct vmk_SpinlockCreateProps {
    vmk_ModuleID moduleID;
    vmk_HeapID heapID;          /* accepted; the lock's memory is the kernel's */
    vmk_Name name;
    vmk_SpinlockType type;
    vmk_LockDomainID domain;    /* may be VMK_LOCKDOMAIN_INVALID */
    vmk_LockRank rank;
} vmk_SpinlockCreateProps;

VMK_ReturnStatus vmk_SpinlockCreate(vmk_SpinlockCreateProps *props, vmk_Lock *lock);
/* Destroying a held lock is reported. */
void vmk_SpinlockDestroy(vmk_Lock lock);
void vmk_SpinlockLock(vmk_Lock lock);
void vmk_SpinlockUnlock(vmk_Lock lock);

VMK_ReturnStatus vmk_LockDomainCreate(vmk_ModuleID moduleID, vmk_HeapID heapID, vmk_Name *name,
                                      vmk_LockDomainID *domain);
void vmk_LockDomainDestroy(vmk_LockDomainID domain);

typedef struct vmk_SemaphoreInt *vmk_Semaphore;

/* A counting semaphore with value free units; name is copied. */
VMK_ReturnStatus vmk_SemaCreate(vmk_Semaphore *sema, vmk_ModuleID module, const char *name,
                                vmk_int32 value);
VMK_ReturnStatus vmk_BinarySemaCreate(vmk_Semaphore *sema, vmk_ModuleID module, const char *name);
/* Blocks until a unit is free (world context only). */
void vmk_SemaLock(vmk_Semaphore *sema);
/* VMK_OK if a unit was free, else VMK_BUSY; never blocks. */
VMK_ReturnStatus vmk_SemaTryLock(vmk_Semaphore *sema);
void vmk_SemaUnlock(vmk_Semaphore *sema);
void vmk_SemaDestroy(vmk_Semaphore *sema);

#endif
