/* vmkapi_time.h — timers and time. Names follow vmkapi v2.3 (core/vmkapi_time.h):
 * vmk_TimerQueueCreate/Destroy, vmk_TimerSchedule/Cancel/IsPending, vmk_GetTimerCycles,
 * vmk_TimerCyclesPerSecond, vmk_DelayUsecs. Time is simulated time: a timer scheduled by a world
 * that has run ahead fires timeoutUS after the world's local time. A callback runs at its time
 * on the queue's timing world with the queue's module as current module, and may not block. */
#ifndef VMKAPI_TIME_H
#define VMKAPI_TIME_H

#include "vmkapi/vmkapi_heap.h"
#include "vmkapi/vmkapi_lock.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

typedef vmk_int64 vmk_TimerCycles;

typedef struct vmk_TimerQueueInt *vmk_TimerQueue;
#define VMK_INVALID_TIMER_QUEUE ((vmk_TimerQueue)0)
typedef struct vmk_TimerInt *vmk_Timer;   /* an ID: stays safe to use after the timer is gone */
#define VMK_INVALID_TIMER ((vmk_Timer)0)

typedef vmk_AddrCookie vmk_TimerCookie;
typedef void (*vmk_TimerCallback)(vmk_TimerCookie data);

typedef vmk_uint64 vmk_TimerAttributes;
#define VMK_TIMER_ATTR_NONE ((vmk_TimerAttributes)0)
#define VMK_TIMER_ATTR_PERIODIC ((vmk_TimerAttributes)1)
#define VMK_TIMER_DEFAULT_TOLERANCE 0

typedef struct vmk_TimerQueueProps {
    vmk_Name name;
    vmk_ModuleID moduleID;
    vmk_HeapID heapID;            /* accepted */
    vmk_uint64 attribs;           /* accepted */
} vmk_TimerQueueProps;

VMK_ReturnStatus vmk_TimerQueueCreate(vmk_TimerQueueProps *props, vmk_TimerQueue *queue);
/* Cancels every timer still pending on the queue. */
VMK_ReturnStatus vmk_TimerQueueDestroy(vmk_TimerQueue queue);

/* Arms callback(data) timeoutUS from now (>= 0); with VMK_TIMER_ATTR_PERIODIC it fires again
 * every timeoutUS (> 0) until cancelled. toleranceUS, lockDomain and rank are accepted. */
VMK_ReturnStatus vmk_TimerSchedule(vmk_TimerQueue queue, vmk_TimerCallback callback,
                                   vmk_TimerCookie data, vmk_int64 timeoutUS,
                                   vmk_int64 toleranceUS, vmk_TimerAttributes attributes,
                                   vmk_LockDomainID lockDomain, vmk_LockRank rank,
                                   vmk_Timer *timer);
/* VMK_OK if the timer was pending and now never fires; VMK_NOT_FOUND if it already fired (one-
 * shot) or was cancelled. wait is accepted (a callback never runs concurrently here). */
VMK_ReturnStatus vmk_TimerCancel(vmk_Timer timer, vmk_Bool wait);
vmk_Bool vmk_TimerIsPending(vmk_Timer timer);

/* The calling world's local simulated time in CPU cycles (cycles of the platform's cpu_hz). */
vmk_TimerCycles vmk_GetTimerCycles(void);
vmk_TimerCycles vmk_TimerCyclesPerSecond(void);
vmk_uint64 vmk_TimerTCToUS(vmk_TimerCycles cycles);
vmk_TimerCycles vmk_TimerUSToTC(vmk_uint64 us);
/* Busy-waits: the CPU is charged delay microseconds' worth of cycles. */
void vmk_DelayUsecs(vmk_uint32 delayUs);

#endif
