/* ks_testmod.c — a test module for the kernel services: init_module creates a heap (and makes it
 * the module's default), allocates from it, registers a log component and arms a 10 us timer whose
 * callback logs the simulated cycle count; cleanup_module undoes all of it. Proves the heap,
 * log and timer exports bind and work from a loaded module. */
#include "vmkapi/vmkapi.h"

static vmk_HeapID heap;
static vmk_LogComponent logc;
static vmk_TimerQueue tq;
static vmk_Timer timer;
static char *buf;

static void name_set(vmk_Name *n, const char *s)
{
    vmk_ByteCount i = 0;
    for (; s[i] && i < VMK_MISC_NAME_MAX - 1; i++)
        n->string[i] = s[i];
    n->string[i] = '\0';
}

static void on_timer(vmk_TimerCookie data)
{
    int *fired = data.ptr;
    (*fired)++;
    vmk_Log(logc, "timer fired (%d) in module %d at cycle %lld", *fired, vmk_ModuleStackTop(),
            (long long)vmk_GetTimerCycles());
}

static int fired;

VMK_ReturnStatus init_module(void)
{
    vmk_HeapCreateProps hp;
    vmk_Memset(&hp, 0, sizeof hp);
    hp.type = VMK_HEAP_TYPE_SIMPLE;
    name_set(&hp.name, "ks_testmod");
    hp.module = vmk_ModuleCurrentID;
    hp.initial = 0;
    hp.max = 4096;
    VMK_ReturnStatus st = vmk_HeapCreate(&hp, &heap);
    if (st != VMK_OK)
        return st;
    vmk_ModuleSetHeapID(vmk_ModuleCurrentID, heap);
    buf = vmk_HeapAlloc(heap, 100);
    if (!buf || vmk_HeapAlloc(heap, 5000) != NULL)   /* over the heap's max: refused */
        return VMK_FAILURE;

    vmk_LogProperties lp;
    vmk_Memset(&lp, 0, sizeof lp);
    name_set(&lp.name, "ks_testmod.log");
    lp.module = vmk_ModuleCurrentID;
    lp.heap = heap;
    if ((st = vmk_LogRegister(&lp, &logc)) != VMK_OK)
        return st;

    vmk_TimerQueueProps tp;
    vmk_Memset(&tp, 0, sizeof tp);
    name_set(&tp.name, "ks_testmod");
    tp.moduleID = vmk_ModuleCurrentID;
    tp.heapID = heap;
    if ((st = vmk_TimerQueueCreate(&tp, &tq)) != VMK_OK)
        return st;
    vmk_TimerCookie c;
    c.ptr = &fired;
    st = vmk_TimerSchedule(tq, on_timer, c, 10, VMK_TIMER_DEFAULT_TOLERANCE, VMK_TIMER_ATTR_NONE,
                           VMK_LOCKDOMAIN_INVALID, VMK_SPINLOCK_UNRANKED, &timer);
    if (st != VMK_OK)
        return st;
    vmk_Log(logc, "init: heap used %u", (unsigned)vmk_HeapGetUsed(heap));
    return VMK_OK;
}

void cleanup_module(void)
{
    vmk_TimerCancel(timer, VMK_TRUE);
    vmk_TimerQueueDestroy(tq);
    vmk_Log(logc, "cleanup after %d timer(s)", fired);
    vmk_LogUnregister(logc);
    vmk_HeapFree(heap, buf);
    vmk_HeapDestroy(heap);
}
