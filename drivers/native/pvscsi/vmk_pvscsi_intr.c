/* vmk_pvscsi_intr.c — interrupts of the native PVSCSI driver: one vector, MSI-X entry 0 (the
 * interface's PVSCSI_VECTOR_COMPLETION), else MSI, else INTx. Completions and message-ring notices
 * share it. The handler reaps the completion ring (each request back to the storage layer with
 * vmk_ScsiSchedCommandCompletion, which defers the rest to the adapter's completion world) and
 * the message ring (target added / removed: the storage layer is asked to rescan the target).
 * Ring state in host memory is the source of truth; only INTx needs INTR_STATUS (shared line). */
#include "vmk_pvscsi.h"

/* A message-signalled vector is this function's alone. On INTx the line may be shared: the
 * status register tells whether the device asserted it, and writing the bits back clears them
 * (docs/hba.md "Registers"). */
static VMK_ReturnStatus intr_ack(void *data, vmk_IntrCookie cookie)
{
    vmk_pvscsi_adapter *a = data;
    (void)cookie;
    if (!a->io_started || a->gone)
        return VMK_IGNORE;
    if (a->intr_type != VMK_PCI_INTERRUPT_TYPE_LEGACY)
        return VMK_OK;
    pvscsi_u32 st = pvscsi_hw_intr_status(&a->hw) & PVSCSI_INTR_ALL_SUPPORTED;
    if (!st)
        return VMK_NOT_THIS_DEVICE;
    pvscsi_hw_intr_ack(&a->hw, st);
    return VMK_OK;
}

static void rescan_target(vmk_pvscsi_adapter *a, const pvscsi_hw_msg *m)
{
    vmk_Bool added = m->type == PVSCSI_MSG_DEV_ADDED;
    if (added)
        a->c.msgs_added++;
    else
        a->c.msgs_removed++;
    vmk_Log(vmk_pvscsi_log, "%s: target %u %s", a->name, m->target,
            added ? "added" : "removed");
    if (!a->scsi || m->bus != 0)
        return;
    VMK_ReturnStatus st = added
        ? vmk_ScsiScanAndClaimPaths(&a->scsi->name, 0, (vmk_int32)m->target,
                                    VMK_SCSI_PATH_ANY_LUN)
        : vmk_ScsiScanDeleteAdapterPath(&a->scsi->name, 0, (vmk_int32)m->target,
                                        VMK_SCSI_PATH_ANY_LUN);
    if (st == VMK_OK)
        a->c.rescans++;
    else
        vmk_Warning(vmk_pvscsi_log, "%s: rescan of target %u: %s", a->name, m->target,
                    vmk_StatusToString(st));
}

void vmk_pvscsi_process(vmk_pvscsi_adapter *a)
{
    pvscsi_hw_completion c;
    for (;;) {
        vmk_SpinlockLock(a->lock);
        int got = pvscsi_hw_reap(&a->hw, &c);
        vmk_SpinlockUnlock(a->lock);
        if (!got)
            break;
        vmk_pvscsi_complete(a, &c);
    }
    pvscsi_hw_msg m;
    while (pvscsi_hw_msg_reap(&a->hw, &m))
        if (m.type == PVSCSI_MSG_DEV_ADDED || m.type == PVSCSI_MSG_DEV_REMOVED)
            rescan_target(a, &m);
}

static void intr_handler(void *data, vmk_IntrCookie cookie)
{
    vmk_pvscsi_adapter *a = data;
    (void)cookie;
    a->c.interrupts++;
    if (a->io_started && !a->gone)
        vmk_pvscsi_process(a);
}

static VMK_ReturnStatus alloc_vector(vmk_pvscsi_adapter *a)
{
    static const vmk_PCIInterruptType order[3] = {
        VMK_PCI_INTERRUPT_TYPE_MSIX, VMK_PCI_INTERRUPT_TYPE_MSI, VMK_PCI_INTERRUPT_TYPE_LEGACY,
    };
    VMK_ReturnStatus st = VMK_NOT_SUPPORTED;
    for (int i = 0; i < 3; i++) {
        vmk_uint32 n = 0;
        vmk_uint16 entry = PVSCSI_VECTOR_COMPLETION;
        st = vmk_PCIAllocIntrCookie(vmk_ModuleCurrentID, a->pci, order[i], 1, 1,
                                    order[i] == VMK_PCI_INTERRUPT_TYPE_MSIX ? &entry
                                                                            : (vmk_uint16 *)0,
                                    &a->cookie, &n);
        if (st == VMK_OK && n == 1) {
            a->intr_type = order[i];
            return VMK_OK;
        }
    }
    vmk_Warning(vmk_pvscsi_log, "%s: no interrupt vector: %s", a->name, vmk_StatusToString(st));
    return st != VMK_OK ? st : VMK_NO_RESOURCES;
}

VMK_ReturnStatus vmk_pvscsi_intr_setup(vmk_pvscsi_adapter *a)
{
    VMK_ReturnStatus st = alloc_vector(a);
    if (st != VMK_OK)
        return st;
    vmk_IntrProps p;
    vmk_pvscsi_zero(&p, sizeof p);
    p.device = a->device;
    vmk_pvscsi_name_set(&p.deviceName, a->name);
    p.acknowledgeInterrupt = intr_ack;
    p.handler = intr_handler;
    p.handlerData = a;
    st = vmk_IntrRegister(vmk_ModuleCurrentID, a->cookie, &p);
    if (st != VMK_OK) {
        vmk_Warning(vmk_pvscsi_log, "%s: interrupt registration failed: %s", a->name,
                    vmk_StatusToString(st));
        vmk_PCIFreeIntrCookie(vmk_ModuleCurrentID, a->pci);
        a->cookie = VMK_INVALID_INTRCOOKIE;
        return st;
    }
    a->intr_registered = VMK_TRUE;   /* stays disabled until start */
    return VMK_OK;
}

void vmk_pvscsi_intr_teardown(vmk_pvscsi_adapter *a)
{
    if (a->intr_registered) {
        vmk_IntrDisable(a->cookie);
        vmk_IntrSync(a->cookie);
        vmk_IntrUnregister(vmk_ModuleCurrentID, a->cookie, a);
        a->intr_registered = VMK_FALSE;
    }
    if (a->cookie != VMK_INVALID_INTRCOOKIE)
        vmk_PCIFreeIntrCookie(vmk_ModuleCurrentID, a->pci);
    a->cookie = VMK_INVALID_INTRCOOKIE;
}
