/* vmk_e1000_module.c — module init and cleanup of the native 82540EM driver, in the order the
 * native model prescribes (vmkapi.md §1 step 1): the module's heap (made its default heap), its
 * log component, then vmk_DriverRegister, which is allowed only here. Cleanup undoes it in
 * reverse: unregistering the driver detaches it from every device first. */
#include "vmk_e1000.h"

vmk_HeapID vmk_e1000_heap = VMK_INVALID_HEAP_ID;
vmk_LogComponent vmk_e1000_log = VMK_INVALID_LOG_HANDLE;
vmk_Driver vmk_e1000_driver = VMK_DRIVER_NONE;

void vmk_e1000_name_set(vmk_Name *n, const char *s)
{
    vmk_ByteCount len = vmk_Strnlen(s, VMK_MISC_NAME_MAX - 1);
    vmk_Memset(n->string, 0, sizeof n->string);
    vmk_Memcpy(n->string, s, len);
}

/* The heap holds, per adapter, its state and the two slot arrays (descriptor rings are DMA-
 * coherent memory from the engine, not from this heap). */
static VMK_ReturnStatus heap_create(void)
{
    vmk_HeapAllocationDescriptor d[3] = {
        {sizeof(vmk_e1000_adapter), 16, VMK_E1000_MAX_ADAPTERS},
        {sizeof(vmk_e1000_slot) * VMK_E1000_TX_RING, 16, VMK_E1000_MAX_ADAPTERS},
        {sizeof(vmk_e1000_slot) * VMK_E1000_RX_RING, 16, VMK_E1000_MAX_ADAPTERS},
    };
    vmk_ByteCount max = 0;
    VMK_ReturnStatus st = vmk_HeapDetermineMaxSize(d, 3, &max);
    if (st != VMK_OK)
        return st;
    vmk_HeapCreateProps hp;
    vmk_e1000_zero(&hp, sizeof hp);
    hp.type = VMK_HEAP_TYPE_SIMPLE;
    vmk_e1000_name_set(&hp.name, VMK_E1000_DRIVER_NAME);
    hp.module = vmk_ModuleCurrentID;
    hp.initial = 0;
    hp.max = max;
    st = vmk_HeapCreate(&hp, &vmk_e1000_heap);
    if (st != VMK_OK)
        return st;
    return vmk_ModuleSetHeapID(vmk_ModuleCurrentID, vmk_e1000_heap);
}

static VMK_ReturnStatus log_create(void)
{
    vmk_LogProperties lp;
    vmk_e1000_zero(&lp, sizeof lp);
    vmk_e1000_name_set(&lp.name, VMK_E1000_DRIVER_NAME);
    lp.module = vmk_ModuleCurrentID;
    lp.heap = vmk_e1000_heap;
    lp.defaultLevel = 0;
    return vmk_LogRegister(&lp, &vmk_e1000_log);
}

VMK_ReturnStatus init_module(void)
{
    VMK_ReturnStatus st = heap_create();
    if (st != VMK_OK) {
        vmk_WarningMessage("vmk_e1000: heap creation failed: %s", vmk_StatusToString(st));
        goto fail;
    }
    if ((st = log_create()) != VMK_OK) {
        vmk_WarningMessage("vmk_e1000: log registration failed: %s", vmk_StatusToString(st));
        goto fail;
    }
    vmk_DriverProps dp;
    vmk_e1000_zero(&dp, sizeof dp);
    dp.moduleID = vmk_ModuleCurrentID;
    vmk_e1000_name_set(&dp.name, VMK_E1000_DRIVER_NAME);
    dp.ops = &vmk_e1000_driver_ops;
    if ((st = vmk_DriverRegister(&dp, &vmk_e1000_driver)) != VMK_OK) {
        vmk_Alert(vmk_e1000_log, "driver registration failed: %s", vmk_StatusToString(st));
        goto fail;
    }
    vmk_Log(vmk_e1000_log, "82540EM native driver %s registered", VMK_E1000_VERSION);
    return VMK_OK;
fail:
    if (vmk_e1000_log != VMK_INVALID_LOG_HANDLE)
        vmk_LogUnregister(vmk_e1000_log);
    vmk_e1000_log = VMK_INVALID_LOG_HANDLE;
    if (vmk_e1000_heap != VMK_INVALID_HEAP_ID)
        vmk_HeapDestroy(vmk_e1000_heap);
    vmk_e1000_heap = VMK_INVALID_HEAP_ID;
    return st;
}

void cleanup_module(void)
{
    if (vmk_e1000_driver != VMK_DRIVER_NONE)
        vmk_DriverUnregister(vmk_e1000_driver);
    vmk_e1000_driver = VMK_DRIVER_NONE;
    vmk_LogUnregister(vmk_e1000_log);
    vmk_e1000_log = VMK_INVALID_LOG_HANDLE;
    vmk_HeapDestroy(vmk_e1000_heap);
    vmk_e1000_heap = VMK_INVALID_HEAP_ID;
}
