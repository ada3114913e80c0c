/* vmk_pvscsi_module.c — module init and cleanup of the native PVSCSI driver, in the order the
 * native model prescribes (vmkapi.md §1 step 1): the module's heap (made its default heap), its
 * log component, then vmk_DriverRegister, allowed only here. Cleanup undoes it in reverse:
 * unregistering the driver detaches it from every device first. */
#include "vmk_pvscsi.h"

vmk_HeapID vmk_pvscsi_heap = VMK_INVALID_HEAP_ID;
vmk_LogComponent vmk_pvscsi_log = VMK_INVALID_LOG_HANDLE;
vmk_Driver vmk_pvscsi_driver = VMK_DRIVER_NONE;

void vmk_pvscsi_name_set(vmk_Name *n, const char *s)
{
    vmk_ByteCount len = vmk_Strnlen(s, VMK_MISC_NAME_MAX - 1);
    vmk_Memset(n->string, 0, sizeof n->string);
    vmk_Memcpy(n->string, s, len);
}

/* The heap holds, per adapter, its state, the slot table and free stack, the scratch s/g list,
 * and the paths the storage layer creates (rings, s/g lists and sense buffers are DMA-coherent
 * memory from the engine, not from this heap). */
static VMK_ReturnStatus heap_create(void)
{
    vmk_HeapAllocationDescriptor d[5] = {
        {sizeof(vmk_pvscsi_adapter), 16, VMK_PVSCSI_MAX_ADAPTERS},
        {sizeof(vmk_pvscsi_slot) * VMK_PVSCSI_SLOTS, 16, VMK_PVSCSI_MAX_ADAPTERS},
        {sizeof(vmk_uint32) * VMK_PVSCSI_SLOTS, 16, VMK_PVSCSI_MAX_ADAPTERS},
        {sizeof(pvscsi_hw_sge) * VMK_PVSCSI_SG_MAX, 16, VMK_PVSCSI_MAX_ADAPTERS},
        {sizeof(vmk_pvscsi_path), 16, VMK_PVSCSI_MAX_ADAPTERS * VMK_PVSCSI_MAX_PATHS},
    };
    vmk_ByteCount max = 0;
    VMK_ReturnStatus st = vmk_HeapDetermineMaxSize(d, 5, &max);
    if (st != VMK_OK)
        return st;
    vmk_HeapCreateProps hp;
    vmk_pvscsi_zero(&hp, sizeof hp);
    hp.type = VMK_HEAP_TYPE_SIMPLE;
    vmk_pvscsi_name_set(&hp.name, VMK_PVSCSI_DRIVER_NAME);
    hp.module = vmk_ModuleCurrentID;
    hp.initial = 0;
    hp.max = max;
    st = vmk_HeapCreate(&hp, &vmk_pvscsi_heap);
    if (st != VMK_OK)
        return st;
    return vmk_ModuleSetHeapID(vmk_ModuleCurrentID, vmk_pvscsi_heap);
}

static VMK_ReturnStatus log_create(void)
{
    vmk_LogProperties lp;
    vmk_pvscsi_zero(&lp, sizeof lp);
    vmk_pvscsi_name_set(&lp.name, VMK_PVSCSI_DRIVER_NAME);
    lp.module = vmk_ModuleCurrentID;
    lp.heap = vmk_pvscsi_heap;
    lp.defaultLevel = 0;
    return vmk_LogRegister(&lp, &vmk_pvscsi_log);
}

VMK_ReturnStatus init_module(void)
{
    VMK_ReturnStatus st = heap_create();
    if (st != VMK_OK) {
        vmk_WarningMessage("vmk_pvscsi: heap creation failed: %s", vmk_StatusToString(st));
        goto fail;
    }
    if ((st = log_create()) != VMK_OK) {
        vmk_WarningMessage("vmk_pvscsi: log registration failed: %s", vmk_StatusToString(st));
        goto fail;
    }
    vmk_DriverProps dp;
    vmk_pvscsi_zero(&dp, sizeof dp);
    dp.moduleID = vmk_ModuleCurrentID;
    vmk_pvscsi_name_set(&dp.name, VMK_PVSCSI_DRIVER_NAME);
    dp.ops = &vmk_pvscsi_driver_ops;
    if ((st = vmk_DriverRegister(&dp, &vmk_pvscsi_driver)) != VMK_OK) {
        vmk_Alert(vmk_pvscsi_log, "driver registration failed: %s", vmk_StatusToString(st));
        goto fail;
    }
    vmk_Log(vmk_pvscsi_log, "PVSCSI native driver %s registered", VMK_PVSCSI_VERSION);
    return VMK_OK;
fail:
    if (vmk_pvscsi_log != VMK_INVALID_LOG_HANDLE)
        vmk_LogUnregister(vmk_pvscsi_log);
    vmk_pvscsi_log = VMK_INVALID_LOG_HANDLE;
    if (vmk_pvscsi_heap != VMK_INVALID_HEAP_ID)
        vmk_HeapDestroy(vmk_pvscsi_heap);
    vmk_pvscsi_heap = VMK_INVALID_HEAP_ID;
    return st;
}

void cleanup_module(void)
{
    if (vmk_pvscsi_driver != VMK_DRIVER_NONE)
        vmk_DriverUnregister(vmk_pvscsi_driver);
    vmk_pvscsi_driver = VMK_DRIVER_NONE;
    vmk_LogUnregister(vmk_pvscsi_log);
    vmk_pvscsi_log = VMK_INVALID_LOG_HANDLE;
    vmk_HeapDestroy(vmk_pvscsi_heap);
    vmk_pvscsi_heap = VMK_INVALID_HEAP_ID;
}
