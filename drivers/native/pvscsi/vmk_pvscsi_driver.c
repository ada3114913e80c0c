/* vmk_pvscsi_driver.c — the device callbacks of the native PVSCSI driver (vmkapi.md §1 steps
 * 2-7, docs/device-model.md): attach claims the PCI function (IDs, memory-BAR mapping, DMA
 * engine, adapter reset and rings in DMA-coherent memory through the shared layer, one MSI-X
 * vector (else MSI, else INTx) with its handler, the vmk_ScsiAdapter); start unmasks the device;
 * scan publishes the adapter as a logical "com.vmware.HBAPort" child; quiesce masks the device
 * and ends what it still holds; detach resets it and releases everything; forget marks the
 * hardware gone so nothing touches it again. */
#include "vmk_pvscsi.h"

static vmk_DeviceOps port_child_ops;

/* "pvscsi SSSS:BB:DD.F" without a formatter: the kernel exports no snprintf. */
static void adapter_name(vmk_pvscsi_adapter *a, const vmk_PCIDeviceAddr *addr)
{
    static const char hex[] = "0123456789abcdef";
    char *p = a->name;
    const char *pre = "pvscsi ";
    while (*pre)
        *p++ = *pre++;
    for (int s = 12; s >= 0; s -= 4)
        *p++ = hex[(addr->seg >> s) & 0xf];
    *p++ = ':';
    *p++ = hex[addr->bus >> 4];
    *p++ = hex[addr->bus & 0xf];
    *p++ = ':';
    *p++ = hex[(addr->dev >> 4) & 0x1];
    *p++ = hex[addr->dev & 0xf];
    *p++ = '.';
    *p++ = hex[addr->fn & 0x7];
    *p = '\0';
}

/* One run of coherent pages; recorded in *m at once so a later failure frees it. */
static VMK_ReturnStatus coherent(vmk_pvscsi_adapter *a, vmk_uint32 pages, pvscsi_hw_mem *m,
                                 vmk_IOA *ioa)
{
    void *va;
    VMK_ReturnStatus st = vmk_DMAAllocCoherent(a->dma, (vmk_ByteCount)pages * PVSCSI_PAGE_SIZE,
                                               &va, ioa);
    if (st != VMK_OK)
        return st;
    m->va = va;
    m->pa = *ioa;
    m->pages = pages;
    return VMK_OK;
}

static void coherent_free(vmk_pvscsi_adapter *a, pvscsi_hw_mem *m, vmk_IOA ioa)
{
    if (m->va)
        vmk_DMAFreeCoherent(a->dma, (vmk_ByteCount)m->pages * PVSCSI_PAGE_SIZE, m->va, ioa);
    m->va = (void *)0;
}

static VMK_ReturnStatus dma_setup(vmk_pvscsi_adapter *a)
{
    /* 64-bit addresses everywhere (PPNs, dataAddr, s/g elements are u64); a command's buffer
     * fits one slot's s/g list. */
    static vmk_DMAConstraints c;
    c.addressMask = ~(vmk_IOA)0;
    c.maxTransfer = VMK_PVSCSI_MAX_XFER;
    c.sgMaxEntries = VMK_PVSCSI_SG_MAX;
    c.sgElemMaxSize = 0;
    vmk_DMAEngineProps p;
    vmk_pvscsi_zero(&p, sizeof p);
    vmk_pvscsi_name_set(&p.name, a->name);
    p.module = vmk_ModuleCurrentID;
    p.flags = VMK_DMA_ENGINE_FLAGS_COHERENT;
    p.device = a->device;
    p.constraints = &c;
    VMK_ReturnStatus st = vmk_DMAEngineCreate(&p, &a->dma);
    if (st != VMK_OK)
        return st;
    if ((st = coherent(a, 1, &a->rings.rings_state, &a->coherent_ioa[0])) != VMK_OK ||
        (st = coherent(a, VMK_PVSCSI_REQ_PAGES, &a->rings.req, &a->coherent_ioa[1])) != VMK_OK ||
        (st = coherent(a, VMK_PVSCSI_CMP_PAGES, &a->rings.cmp, &a->coherent_ioa[2])) != VMK_OK ||
        (st = coherent(a, VMK_PVSCSI_MSG_PAGES, &a->rings.msg, &a->coherent_ioa[3])) != VMK_OK ||
        (st = coherent(a, VMK_PVSCSI_SLOTS * VMK_PVSCSI_SG_PAGES, &a->sg,
                       &a->coherent_ioa[4])) != VMK_OK ||
        (st = coherent(a, VMK_PVSCSI_SLOTS * VMK_PVSCSI_SENSE_BYTES / PVSCSI_PAGE_SIZE, &a->sense,
                       &a->coherent_ioa[5])) != VMK_OK)
        return st;
    a->slot = vmk_HeapAlloc(vmk_pvscsi_heap, sizeof(vmk_pvscsi_slot) * VMK_PVSCSI_SLOTS);
    a->free_slot = vmk_HeapAlloc(vmk_pvscsi_heap, sizeof(vmk_uint32) * VMK_PVSCSI_SLOTS);
    a->sge = vmk_HeapAlloc(vmk_pvscsi_heap, sizeof(pvscsi_hw_sge) * VMK_PVSCSI_SG_MAX);
    if (!a->slot || !a->free_slot || !a->sge)
        return VMK_NO_MEMORY;
    vmk_pvscsi_zero(a->slot, sizeof(vmk_pvscsi_slot) * VMK_PVSCSI_SLOTS);
    /* Lowest slot first out: the stack holds N-1 .. 0. */
    for (vmk_uint32 i = 0; i < VMK_PVSCSI_SLOTS; i++)
        a->free_slot[i] = VMK_PVSCSI_SLOTS - 1 - i;
    a->nfree = VMK_PVSCSI_SLOTS;
    return VMK_OK;
}

static VMK_ReturnStatus sync_setup(vmk_pvscsi_adapter *a)
{
    vmk_SpinlockCreateProps lp;
    vmk_pvscsi_zero(&lp, sizeof lp);
    lp.moduleID = vmk_ModuleCurrentID;
    lp.heapID = vmk_pvscsi_heap;
    vmk_pvscsi_name_set(&lp.name, a->name);
    lp.type = VMK_SPINLOCK;
    lp.domain = VMK_LOCKDOMAIN_INVALID;
    lp.rank = VMK_SPINLOCK_UNRANKED;
    VMK_ReturnStatus st = vmk_SpinlockCreate(&lp, &a->lock);
    if (st != VMK_OK)
        return st;
    if ((st = vmk_BinarySemaCreate(&a->cmd_sema, vmk_ModuleCurrentID, a->name)) != VMK_OK)
        return st;
    a->sema_ok = VMK_TRUE;
    return VMK_OK;
}

/* Releases whatever attach got, in reverse; safe on a partly built adapter. */
static void adapter_free(vmk_pvscsi_adapter *a)
{
    vmk_pvscsi_intr_teardown(a);
    if (a->scsi)
        vmk_ScsiFreeAdapter(a->scsi);
    if (a->dma != VMK_DMA_ENGINE_INVALID) {
        coherent_free(a, &a->sense, a->coherent_ioa[5]);
        coherent_free(a, &a->sg, a->coherent_ioa[4]);
        coherent_free(a, &a->rings.msg, a->coherent_ioa[3]);
        coherent_free(a, &a->rings.cmp, a->coherent_ioa[2]);
        coherent_free(a, &a->rings.req, a->coherent_ioa[1]);
        coherent_free(a, &a->rings.rings_state, a->coherent_ioa[0]);
        vmk_DMAEngineDestroy(a->dma);
    }
    if (a->sge)
        vmk_HeapFree(vmk_pvscsi_heap, a->sge);
    if (a->free_slot)
        vmk_HeapFree(vmk_pvscsi_heap, a->free_slot);
    if (a->slot)
        vmk_HeapFree(vmk_pvscsi_heap, a->slot);
    if (a->sema_ok)
        vmk_SemaDestroy(&a->cmd_sema);
    if (a->lock != VMK_LOCK_INVALID)
        vmk_SpinlockDestroy(a->lock);
    if (a->bar)
        vmk_PCIUnmapIOResource(vmk_ModuleCurrentID, a->pci, PVSCSI_MEM_BAR);
    vmk_HeapFree(vmk_pvscsi_heap, a);
}

/* Adapter reset, then the rings (and the message ring) in the coherent memory. */
static VMK_ReturnStatus hw_bringup(vmk_pvscsi_adapter *a)
{
    int hs = pvscsi_hw_adapter_reset(&a->hw);
    if (hs == PVSCSI_HW_OK)
        hs = pvscsi_hw_setup_rings(&a->hw, &a->rings);
    if (hs != PVSCSI_HW_OK) {
        vmk_Warning(vmk_pvscsi_log, "%s: hardware set-up failed: %s", a->name,
                    pvscsi_hw_strerror(hs));
        return VMK_IO_ERROR;
    }
    if (!a->hw.msg_ok)
        vmk_Warning(vmk_pvscsi_log, "%s: no message ring: target notices off", a->name);
    return VMK_OK;
}

static VMK_ReturnStatus attach(vmk_Device dev)
{
    vmk_AddrCookie rd;
    VMK_ReturnStatus st = vmk_DeviceGetRegistrationData(dev, &rd);
    if (st != VMK_OK)
        return st;
    vmk_PCIDevice pci = rd.ptr;
    vmk_PCIDeviceID id;
    vmk_PCIDeviceAddr addr;
    if ((st = vmk_PCIQueryDeviceID(pci, &id)) != VMK_OK ||
        (st = vmk_PCIQueryDeviceAddr(pci, &addr)) != VMK_OK)
        return st;
    if (id.vendorID != PVSCSI_VENDOR_ID_VMWARE || id.deviceID != PVSCSI_DEVICE_ID_PVSCSI)
        return VMK_NOT_SUPPORTED;
    vmk_PCIResource bars[VMK_PCI_NUM_BARS];
    if ((st = vmk_PCIQueryIOResources(pci, VMK_PCI_NUM_BARS, bars)) != VMK_OK)
        return st;
    /* BAR1: the 32 KiB register space (docs/hba.md "Configuration space"). */
    if (bars[PVSCSI_MEM_BAR].size < PVSCSI_MEM_SPACE_SIZE ||
        (bars[PVSCSI_MEM_BAR].flags & VMK_PCI_BAR_FLAGS_IO))
        return VMK_NOT_SUPPORTED;

    vmk_pvscsi_adapter *a = vmk_HeapAlloc(vmk_pvscsi_heap, sizeof *a);
    if (!a)
        return VMK_NO_MEMORY;
    vmk_pvscsi_zero(a, sizeof *a);
    a->device = dev;
    a->pci = pci;
    adapter_name(a, &addr);
    pvscsi_hw_init(&a->hw, a);

    if ((st = vmk_PCIMapIOResource(vmk_ModuleCurrentID, pci, PVSCSI_MEM_BAR,
                                   (vmk_IOReservation *)0, &a->bar)) != VMK_OK) {
        vmk_Warning(vmk_pvscsi_log, "%s: BAR%u map failed: %s", a->name, PVSCSI_MEM_BAR,
                    vmk_StatusToString(st));
        a->bar = 0;
        goto fail;
    }
    if ((st = sync_setup(a)) != VMK_OK)
        goto fail;
    if ((st = dma_setup(a)) != VMK_OK) {
        vmk_Warning(vmk_pvscsi_log, "%s: DMA setup failed: %s", a->name, vmk_StatusToString(st));
        goto fail;
    }
    if ((st = hw_bringup(a)) != VMK_OK)
        goto fail;
    if ((st = vmk_pvscsi_intr_setup(a)) != VMK_OK)
        goto fail;
    if (!(a->scsi = vmk_ScsiAllocateAdapter())) {
        st = VMK_NO_MEMORY;
        goto fail;
    }
    vmk_pvscsi_scsi_init(a);
    vmk_AddrCookie mine = {.ptr = a};
    if ((st = vmk_DeviceSetAttachedDriverData(dev, mine)) != VMK_OK)
        goto fail;
    vmk_Log(vmk_pvscsi_log, "%s: attached, %u request slots, %u completions, %u messages, %s "
            "vector %u", a->name, a->hw.req_entries, a->hw.cmp_entries, a->hw.msg_entries,
            a->intr_type == VMK_PCI_INTERRUPT_TYPE_MSIX  ? "MSI-X"
            : a->intr_type == VMK_PCI_INTERRUPT_TYPE_MSI ? "MSI" : "INTx",
            a->cookie);
    return VMK_OK;
fail:
    if (a->bar && a->hw.rings_ok)
        pvscsi_hw_adapter_reset(&a->hw);   /* no DMA into memory about to be freed */
    adapter_free(a);
    return st;
}

static vmk_pvscsi_adapter *adapter_of(vmk_Device dev)
{
    vmk_AddrCookie c;
    if (vmk_DeviceGetAttachedDriverData(dev, &c) != VMK_OK)
        return (vmk_pvscsi_adapter *)0;
    return c.ptr;
}

/* The device may signal from here on: the vector is enabled, then the device unmasked. */
static VMK_ReturnStatus start(vmk_Device dev)
{
    vmk_pvscsi_adapter *a = adapter_of(dev);
    if (!a)
        return VMK_INVALID_HANDLE;
    if (a->gone)
        return VMK_FAILURE;
    if (!a->hw.rings_ok) {   /* after a quiesce that reset the adapter */
        VMK_ReturnStatus st = hw_bringup(a);
        if (st != VMK_OK)
            return st;
    }
    a->io_started = VMK_TRUE;
    vmk_IntrEnable(a->cookie);
    pvscsi_hw_intr_enable(&a->hw);
    return VMK_OK;
}

static VMK_ReturnStatus port_child_remove(vmk_Device child)
{
    vmk_AddrCookie c;
    VMK_ReturnStatus st = vmk_DeviceGetRegisteringDriverData(child, &c);
    if (st != VMK_OK)
        return st;
    vmk_pvscsi_adapter *a = c.ptr;
    if ((st = vmk_DeviceUnregister(child)) != VMK_OK)
        return st;
    a->port_dev = VMK_DEVICE_NONE;
    return VMK_OK;
}

/* Publishes the SCSI adapter: a logical child, bus identifier com.vmware.HBAPort, whose
 * registration data is the vmk_ScsiAdapter the storage layer claims (vmkapi.md §1 step 4). */
static VMK_ReturnStatus scan(vmk_Device dev)
{
    vmk_pvscsi_adapter *a = adapter_of(dev);
    if (!a)
        return VMK_INVALID_HANDLE;
    if (a->port_dev != VMK_DEVICE_NONE)
        return VMK_OK;   /* a rescan: the port is registered already */
    vmk_Name logical;
    vmk_pvscsi_name_set(&logical, VMK_LOGICAL_BUS_NAME);
    vmk_DeviceID id;
    vmk_pvscsi_zero(&id, sizeof id);
    VMK_ReturnStatus st = vmk_BusTypeFind(&logical, &id.busType);
    if (st != VMK_OK)
        return st;
    st = vmk_LogicalCreateBusAddress(vmk_pvscsi_driver, dev, 0, &id.busAddress,
                                     &id.busAddressLen);
    if (st != VMK_OK) {
        vmk_BusTypeRelease(id.busType);
        return st;
    }
    static char ident[] = VMK_SCSI_PSA_DRIVER_BUS_ID;
    id.busIdentifier = ident;
    id.busIdentifierLen = sizeof ident - 1;
    port_child_ops.removeDevice = port_child_remove;
    vmk_DeviceProps props;
    vmk_pvscsi_zero(&props, sizeof props);
    props.registeringDriver = vmk_pvscsi_driver;
    props.deviceID = &id;
    props.deviceOps = &port_child_ops;
    props.registeringDriverData.ptr = a;
    props.registrationData.ptr = a->scsi;
    st = vmk_DeviceRegister(&props, dev, &a->port_dev);
    vmk_LogicalFreeBusAddress(vmk_pvscsi_driver, id.busAddress);
    vmk_BusTypeRelease(id.busType);
    if (st != VMK_OK)
        vmk_Warning(vmk_pvscsi_log, "%s: HBA port registration failed: %s", a->name,
                    vmk_StatusToString(st));
    return st;
}

/* The HBA port child is quiesced and detached by the storage layer before its parent; here the
 * function stops signalling and stops DMA (adapter reset drops its requests without
 * completions), and the driver ends what the device still held itself. */
static VMK_ReturnStatus quiesce(vmk_Device dev)
{
    vmk_pvscsi_adapter *a = adapter_of(dev);
    if (!a)
        return VMK_INVALID_HANDLE;
    a->io_started = VMK_FALSE;
    if (!a->gone) {
        pvscsi_hw_intr_disable(&a->hw);
        vmk_SemaLock(&a->cmd_sema);
        pvscsi_hw_adapter_reset(&a->hw);
        vmk_SemaUnlock(&a->cmd_sema);
    }
    if (a->intr_registered) {
        vmk_IntrDisable(a->cookie);
        vmk_IntrSync(a->cookie);
    }
    vmk_pvscsi_flush(a, VMK_SCSI_HOST_NO_CONNECT);
    return VMK_OK;
}

static VMK_ReturnStatus detach(vmk_Device dev)
{
    vmk_pvscsi_adapter *a = adapter_of(dev);
    if (!a)
        return VMK_INVALID_HANDLE;
    /* The device must stop all DMA before its rings go away: a reset does that. A forgotten
     * device is not touched. */
    if (!a->gone && a->hw.rings_ok)
        pvscsi_hw_adapter_reset(&a->hw);
    vmk_pvscsi_flush(a, VMK_SCSI_HOST_NO_CONNECT);
    vmk_Log(vmk_pvscsi_log, "%s: detached (%llu commands, %llu completions, %llu errors, "
            "%llu interrupts, %llu aborts, %llu device resets, %llu bus resets)", a->name,
            (unsigned long long)a->c.commands, (unsigned long long)a->c.completions,
            (unsigned long long)a->c.errors, (unsigned long long)a->c.interrupts,
            (unsigned long long)a->c.aborts, (unsigned long long)a->c.device_resets,
            (unsigned long long)a->c.bus_resets);
    vmk_AddrCookie none = {.ptr = (void *)0};
    vmk_DeviceSetAttachedDriverData(dev, none);
    adapter_free(a);
    return VMK_OK;
}

static void forget(vmk_Device dev)
{
    vmk_pvscsi_adapter *a = adapter_of(dev);
    if (!a)
        return;
    a->gone = VMK_TRUE;
    a->io_started = VMK_FALSE;
    vmk_Warning(vmk_pvscsi_log, "%s: device gone (surprise removal)", a->name);
}

vmk_DriverOps vmk_pvscsi_driver_ops = {
    .attachDevice = attach,
    .scanDevice = scan,
    .detachDevice = detach,
    .quiesceDevice = quiesce,
    .startDevice = start,
    .forgetDevice = forget,
};
