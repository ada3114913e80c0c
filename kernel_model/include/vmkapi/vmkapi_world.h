/* vmkapi_world.h — worlds: the kernel's schedulable threads. Names follow vmkapi v2.3
 * (core/vmkapi_world.h): vmk_WorldCreate/Destroy/Exit, vmk_WorldSleep, vmk_WorldWait/Wakeup,
 * vmk_WorldGetID. A world is a simulated thread with its own timing world (its cycles are
 * accounted) that runs startFunction with its module as current module. Sleeping and waiting
 * are in simulated time; blocking from interrupt context is a simulator-reported bug. */
#ifndef VMKAPI_WORLD_H
#define VMKAPI_WORLD_H

#include "vmkapi/vmkapi_heap.h"
#include "vmkapi/vmkapi_lock.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

typedef vmk_uint32 vmk_WorldID;
#define VMK_INVALID_WORLD_ID ((vmk_WorldID)0)
typedef vmk_uint64 vmk_WorldEventID;
#define VMK_TIMEOUT_UNLIMITED_MS ((vmk_uint32)0xFFFFFFFF)

typedef VMK_ReturnStatus (*vmk_WorldStartFunc)(void *data);

typedef enum {
    VMK_WORLD_SCHED_CLASS_DEFAULT = 0,
    VMK_WORLD_SCHED_CLASS_QUICK = 1,
} vmk_WorldSchedClass;

typedef struct vmk_WorldProps {
    vmk_ModuleID moduleID;
    const char *name;                  /* copied */
    vmk_WorldStartFunc startFunction;
    void *data;
    vmk_WorldSchedClass schedClass;    /* accepted, unused: one simulated CPU per world */
    vmk_HeapID heapID;                 /* accepted */
} vmk_WorldProps;

/* The world starts at the current simulated time (in the next delta cycle). */
VMK_ReturnStatus vmk_WorldCreate(vmk_WorldProps *props, vmk_WorldID *worldID);
/* Ends the world: a finished world's record is released; a running one is told to die: its next
 * (or current) sleep or wait does not return, the world ends there. */
VMK_ReturnStatus vmk_WorldDestroy(vmk_WorldID worldID);
/* Ends the calling world now with status (never returns when called from a world). */
void vmk_WorldExit(VMK_ReturnStatus status);
vmk_WorldID vmk_WorldGetID(void);
/* VMK_OK after the time passed; VMK_DEATH_PENDING if the world is being destroyed. */
VMK_ReturnStatus vmk_WorldSleep(vmk_uint64 delayUs);
/* Releases lock (if not VMK_LOCK_INVALID; it is not re-taken) and waits for vmk_WorldWakeup of
 * eventId: VMK_OK when woken, VMK_TIMEOUT after timeoutMS (VMK_TIMEOUT_UNLIMITED_MS: never). */
VMK_ReturnStatus vmk_WorldWait(vmk_WorldEventID eventId, vmk_Lock lock, vmk_uint32 timeoutMS,
                               const char *reason);
/* Wakes every world waiting on eventId now. */
VMK_ReturnStatus vmk_WorldWakeup(vmk_WorldEventID eventId);

#endif
