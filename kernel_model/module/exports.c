/* exports.c — the kernel's export table: every symbol a module may bind to, its address in the
 * vmksim executable (which exports its dynamic symbols, so dlopen binds modules to these very
 * functions) and its class. Adding a kernel call for drivers = implementing it + one line here. */
#include <string.h>

#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"
#include "vmkapi/vmkapi.h"

#define VMKAPI(fn) {#fn, (void *)(fn), KERN_EXPORT_VMKAPI}
#define COMPILER(fn) {#fn, (void *)(fn), KERN_EXPORT_COMPILER}

static const kern_export exports[] = {
    /* compiler support: GCC may emit calls to these even in freestanding code */
    COMPILER(memcpy),
    COMPILER(memmove),
    COMPILER(memset),
    COMPILER(memcmp),
    /* per-basic-block instrumentation of every module (-fsanitize-coverage=trace-pc) */
    COMPILER(__sanitizer_cov_trace_pc),
    /* vmkapi: status, libc-like helpers (vmkapi_status.h, vmkapi_libc.h) */
    VMKAPI(vmk_StatusToString),
    VMKAPI(vmk_Memcpy),
    VMKAPI(vmk_Memset),
    VMKAPI(vmk_Memcmp),
    VMKAPI(vmk_Strnlen),
    /* vmkapi: modules (vmkapi_module.h) */
    VMKAPI(vmk_ModuleRegister),
    VMKAPI(vmk_ModuleGetID),
    VMKAPI(vmk_ModuleGetName),
    VMKAPI(vmk_ModulePushId),
    VMKAPI(vmk_ModulePopId),
    VMKAPI(vmk_ModuleStackTop),
    /* vmkapi: logging (vmkapi_logging.h) */
    VMKAPI(vmk_LogMessage),
    VMKAPI(vmk_WarningMessage),
    /* vmkapi: heaps and slabs (vmkapi_heap.h) — kservices */
    VMKAPI(vmk_HeapCreate),
    VMKAPI(vmk_HeapDestroy),
    VMKAPI(vmk_HeapAlloc),
    VMKAPI(vmk_HeapAlign),
    VMKAPI(vmk_HeapFree),
    VMKAPI(vmk_HeapDetermineMaxSize),
    VMKAPI(vmk_HeapGetUsed),
    VMKAPI(vmk_ModuleSetHeapID),
    VMKAPI(vmk_ModuleGetHeapID),
    VMKAPI(vmk_SlabCreate),
    VMKAPI(vmk_SlabAlloc),
    VMKAPI(vmk_SlabFree),
    VMKAPI(vmk_SlabDestroy),
    /* vmkapi: DMA (vmkapi_dma.h) — kservices */
    VMKAPI(vmk_DMAEngineCreate),
    VMKAPI(vmk_DMAEngineDestroy),
    VMKAPI(vmk_DMAMapElem),
    VMKAPI(vmk_DMAUnmapElem),
    VMKAPI(vmk_DMAMapSg),
    VMKAPI(vmk_DMAUnmapSg),
    VMKAPI(vmk_DMAFlushElem),
    VMKAPI(vmk_DMAFlushSg),
    VMKAPI(vmk_DMAAllocCoherent),
    VMKAPI(vmk_DMAFreeCoherent),
    VMKAPI(vmk_SgAlloc),
    VMKAPI(vmk_SgFree),
    /* vmkapi: interrupts (vmkapi_intr.h) — kservices */
    VMKAPI(vmk_IntrRegister),
    VMKAPI(vmk_IntrUnregister),
    VMKAPI(vmk_IntrEnable),
    VMKAPI(vmk_IntrDisable),
    VMKAPI(vmk_IntrSync),
    /* vmkapi: worlds (vmkapi_world.h) — kservices */
    VMKAPI(vmk_WorldCreate),
    VMKAPI(vmk_WorldDestroy),
    VMKAPI(vmk_WorldExit),
    VMKAPI(vmk_WorldGetID),
    VMKAPI(vmk_WorldSleep),
    VMKAPI(vmk_WorldWait),
    VMKAPI(vmk_WorldWakeup),
    /* vmkapi: locks (vmkapi_lock.h) — kservices */
    VMKAPI(vmk_SpinlockCreate),
    VMKAPI(vmk_SpinlockDestroy),
    VMKAPI(vmk_SpinlockLock),
    VMKAPI(vmk_SpinlockUnlock),
    VMKAPI(vmk_LockDomainCreate),
    VMKAPI(vmk_LockDomainDestroy),
    VMKAPI(vmk_SemaCreate),
    VMKAPI(vmk_BinarySemaCreate),
    VMKAPI(vmk_SemaLock),
    VMKAPI(vmk_SemaTryLock),
    VMKAPI(vmk_SemaUnlock),
    VMKAPI(vmk_SemaDestroy),
    /* vmkapi: timers and time (vmkapi_time.h) — kservices */
    VMKAPI(vmk_TimerQueueCreate),
    VMKAPI(vmk_TimerQueueDestroy),
    VMKAPI(vmk_TimerSchedule),
    VMKAPI(vmk_TimerCancel),
    VMKAPI(vmk_TimerIsPending),
    VMKAPI(vmk_GetTimerCycles),
    VMKAPI(vmk_TimerCyclesPerSecond),
    VMKAPI(vmk_TimerTCToUS),
    VMKAPI(vmk_TimerUSToTC),
    VMKAPI(vmk_DelayUsecs),
    /* vmkapi: log components (vmkapi_log.h) — kservices */
    VMKAPI(vmk_LogRegister),
    VMKAPI(vmk_LogUnregister),
    VMKAPI(vmk_LogGetCurrentLogLevel),
    VMKAPI(vmk_LogSetCurrentLogLevel),
    VMKAPI(vmk_LogLevel),
    /* vmkapi: devices and drivers (vmkapi_device.h, vmkapi_driver.h) — kdevice */
    VMKAPI(vmk_DriverRegister),
    VMKAPI(vmk_DriverUnregister),
    VMKAPI(vmk_DriverGetPrivateData),
    VMKAPI(vmk_DeviceRegister),
    VMKAPI(vmk_DeviceUnregister),
    VMKAPI(vmk_DeviceGetRegistrationData),
    VMKAPI(vmk_DeviceGetRegisteringDriverData),
    VMKAPI(vmk_DeviceSetAttachedDriverData),
    VMKAPI(vmk_DeviceGetAttachedDriverData),
    VMKAPI(vmk_BusTypeFind),
    VMKAPI(vmk_BusTypeRelease),
    VMKAPI(vmk_LogicalCreateBusAddress),
    VMKAPI(vmk_LogicalFreeBusAddress),
    /* vmkapi: PCI and MMIO (vmkapi_pci.h, vmkapi_mmio.h) — kdevice */
    VMKAPI(vmk_PCIQueryDeviceID),
    VMKAPI(vmk_PCIQueryDeviceAddr),
    VMKAPI(vmk_PCIQueryIOResources),
    VMKAPI(vmk_PCIFindCapability),
    VMKAPI(vmk_PCIReadConfig),
    VMKAPI(vmk_PCIWriteConfig),
    VMKAPI(vmk_PCIMapIOResource),
    VMKAPI(vmk_PCIUnmapIOResource),
    VMKAPI(vmk_PCIAllocIntrCookie),
    VMKAPI(vmk_PCIFreeIntrCookie),
    VMKAPI(vmk_MMIORead8),
    VMKAPI(vmk_MMIORead16),
    VMKAPI(vmk_MMIORead32),
    VMKAPI(vmk_MMIORead64),
    VMKAPI(vmk_MMIOWrite8),
    VMKAPI(vmk_MMIOWrite16),
    VMKAPI(vmk_MMIOWrite32),
    VMKAPI(vmk_MMIOWrite64),
    /* vmkapi: packets, uplinks, NetPoll (vmkapi_pkt.h, vmkapi_uplink.h, vmkapi_netpoll.h) — uplink */
    VMKAPI(vmk_PktAlloc),
    VMKAPI(vmk_PktAllocForDMAEngine),
    VMKAPI(vmk_PktRelease),
    VMKAPI(vmk_PktFrameLenGet),
    VMKAPI(vmk_PktFrameLenSet),
    VMKAPI(vmk_PktFrameMappedPointerGet),
    VMKAPI(vmk_PktFrameMappedLenGet),
    VMKAPI(vmk_PktSgArrayNumElems),
    VMKAPI(vmk_PktSgElemGet),
    VMKAPI(vmk_PktSetCsumVfd),
    VMKAPI(vmk_PktClearCsumVfd),
    VMKAPI(vmk_PktIsCsumVfd),
    VMKAPI(vmk_PktIsMustCsum),
    VMKAPI(vmk_PktVlanIDSet),
    VMKAPI(vmk_PktVlanIDGet),
    VMKAPI(vmk_PktPrioritySet),
    VMKAPI(vmk_PktPriorityGet),
    VMKAPI(vmk_PktClearVlan),
    VMKAPI(vmk_PktMustVlanTag),
    VMKAPI(vmk_PktSetLargeTcpPacket),
    VMKAPI(vmk_PktClearLargeTcpPacket),
    VMKAPI(vmk_PktIsLargeTcpPacket),
    VMKAPI(vmk_PktGetLargeTcpPacketMss),
    VMKAPI(vmk_PktListAlloc),
    VMKAPI(vmk_PktListFree),
    VMKAPI(vmk_PktListInit),
    VMKAPI(vmk_PktListGetCount),
    VMKAPI(vmk_PktListIsEmpty),
    VMKAPI(vmk_PktListGetFirstPkt),
    VMKAPI(vmk_PktListGetLastPkt),
    VMKAPI(vmk_PktListPopFirstPkt),
    VMKAPI(vmk_PktListAppendPkt),
    VMKAPI(vmk_PktListPrependPkt),
    VMKAPI(vmk_PktListAppendList),
    VMKAPI(vmk_PktListReleaseAllPkts),
    VMKAPI(vmk_PktListIterStart),
    VMKAPI(vmk_PktListIterIsAtEnd),
    VMKAPI(vmk_PktListIterGetPkt),
    VMKAPI(vmk_PktListIterMove),
    VMKAPI(vmk_PktListIterRemovePkt),
    VMKAPI(vmk_UplinkUpdateLinkState),
    VMKAPI(vmk_UplinkLinkStatusGet),
    VMKAPI(vmk_UplinkMTUGet),
    VMKAPI(vmk_UplinkNameGet),
    VMKAPI(vmk_UplinkStateGet),
    VMKAPI(vmk_UplinkCapRegister),
    VMKAPI(vmk_NetPollCreate),
    VMKAPI(vmk_NetPollDestroy),
    VMKAPI(vmk_NetPollActivate),
    VMKAPI(vmk_NetPollCheckState),
    VMKAPI(vmk_NetPollGetPrivate),
    VMKAPI(vmk_NetPollRegisterUplink),
    VMKAPI(vmk_NetPollUnregisterUplink),
    VMKAPI(vmk_NetPollRxPktQueue),
    VMKAPI(vmk_NetPollQueueCompPkt),
    /* vmkapi: SCSI adapters and commands (vmkapi_scsi.h) — scsi */
    VMKAPI(vmk_ScsiAllocateAdapter),
    VMKAPI(vmk_ScsiFreeAdapter),
    VMKAPI(vmk_ScsiRegisterAdapter),
    VMKAPI(vmk_ScsiUnregisterAdapter),
    VMKAPI(vmk_ScsiSchedCommandCompletion),
    VMKAPI(vmk_ScsiCmdGetSenseData),
    VMKAPI(vmk_ScsiCmdSetSenseData),
    VMKAPI(vmk_ScsiQueryTaskMgmtAction),
    VMKAPI(vmk_ScsiScanAndClaimPaths),
    VMKAPI(vmk_ScsiScanDeleteAdapterPath),
};

const kern_export *kern_export_find(const char *name)
{
    for (size_t i = 0; i < sizeof exports / sizeof exports[0]; i++)
        if (!strcmp(exports[i].name, name))
            return &exports[i];
    return NULL;
}

size_t kern_export_count(void)
{
    return sizeof exports / sizeof exports[0];
}

const kern_export *kern_export_at(size_t i)
{
    return i < kern_export_count() ? &exports[i] : NULL;
}
