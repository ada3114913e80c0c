/* vmk_e1000_driver.c — the device callbacks of the native 82540EM driver (vmkapi.md §1 steps
 * 2-7, docs/device-model.md): attach claims the PCI function (IDs, BAR0 mapping, DMA engine,
 * reset and EEPROM through the shared layer, descriptor rings in DMA-coherent memory, one MSI
 * vector with its handler, the NetPoll); start is a no-op and IO is started by the uplink's
 * StartIO, as in sfvmk; scan registers the uplink as a logical child; quiesce masks the device;
 * detach undoes attach; forget marks the hardware gone so nothing touches it again. */
#include "vmk_e1000.h"

static vmk_DeviceOps uplink_child_ops;

/* "e1000 SSSS:BB:DD.F" without a formatter: the kernel exports no snprintf. */
static void adapter_name(vmk_e1000_adapter *a, const vmk_PCIDeviceAddr *addr)
{
    static const char hex[] = "0123456789abcdef";
    char *p = a->name;
    const char *pre = "e1000 ";
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

static VMK_ReturnStatus dma_setup(vmk_e1000_adapter *a)
{
    /* The 82540EM generates 64-bit addresses (TDBAH/RDBAH, 64-bit buffer addresses, SDM §3.2.3);
     * one legacy TX descriptor carries at most 16288 bytes (§3.3.3), and a packet is one
     * fragment, so one element per mapping. */
    static vmk_DMAConstraints c;
    c.addressMask = ~(vmk_IOA)0;
    c.maxTransfer = E1000_TX_MAX_BUF_BYTES;
    c.sgMaxEntries = 1;
    c.sgElemMaxSize = E1000_TX_MAX_BUF_BYTES;
    vmk_DMAEngineProps p;
    vmk_e1000_zero(&p, sizeof p);
    vmk_e1000_name_set(&p.name, a->name);
    p.module = vmk_ModuleCurrentID;
    p.flags = VMK_DMA_ENGINE_FLAGS_COHERENT;
    p.device = a->device;
    p.constraints = &c;
    VMK_ReturnStatus st = vmk_DMAEngineCreate(&p, &a->dma);
    if (st != VMK_OK)
        return st;
    void *va;
    st = vmk_DMAAllocCoherent(a->dma, VMK_E1000_TX_RING * 16u, &va, &a->tx_desc_ioa);
    if (st != VMK_OK)
        return st;
    a->tx.desc = va;   /* recorded at once so that a failure below frees it */
    if (e1000_hw_ring_init(&a->tx, va, a->tx_desc_ioa, VMK_E1000_TX_RING) != E1000_OK)
        return VMK_BAD_PARAM;
    st = vmk_DMAAllocCoherent(a->dma, VMK_E1000_RX_RING * 16u, &va, &a->rx_desc_ioa);
    if (st != VMK_OK)
        return st;
    a->rx.desc = va;
    if (e1000_hw_ring_init(&a->rx, va, a->rx_desc_ioa, VMK_E1000_RX_RING) != E1000_OK)
        return VMK_BAD_PARAM;
    a->tx_slot = vmk_HeapAlloc(vmk_e1000_heap, sizeof(vmk_e1000_slot) * VMK_E1000_TX_RING);
    a->rx_slot = vmk_HeapAlloc(vmk_e1000_heap, sizeof(vmk_e1000_slot) * VMK_E1000_RX_RING);
    if (!a->tx_slot || !a->rx_slot)
        return VMK_NO_MEMORY;
    vmk_e1000_zero(a->tx_slot, sizeof(vmk_e1000_slot) * VMK_E1000_TX_RING);
    vmk_e1000_zero(a->rx_slot, sizeof(vmk_e1000_slot) * VMK_E1000_RX_RING);
    return VMK_OK;
}

/* Releases whatever attach got, in reverse; safe on a partly built adapter. */
static void adapter_free(vmk_e1000_adapter *a)
{
    if (a->poll)
        vmk_NetPollDestroy(a->poll);
    vmk_e1000_intr_teardown(a);
    if (a->dma != VMK_DMA_ENGINE_INVALID) {
        if (a->tx.desc)
            vmk_DMAFreeCoherent(a->dma, VMK_E1000_TX_RING * 16u, a->tx.desc, a->tx_desc_ioa);
        if (a->rx.desc)
            vmk_DMAFreeCoherent(a->dma, VMK_E1000_RX_RING * 16u, a->rx.desc, a->rx_desc_ioa);
        vmk_DMAEngineDestroy(a->dma);
    }
    if (a->tx_slot)
        vmk_HeapFree(vmk_e1000_heap, a->tx_slot);
    if (a->rx_slot)
        vmk_HeapFree(vmk_e1000_heap, a->rx_slot);
    if (a->bar0)
        vmk_PCIUnmapIOResource(vmk_ModuleCurrentID, a->pci, 0);
    vmk_HeapFree(vmk_e1000_heap, a);
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
    if (id.vendorID != E1000_VENDOR_ID_INTEL || id.deviceID != E1000_DEV_ID_82540EM)
        return VMK_NOT_SUPPORTED;
    vmk_PCIResource bars[VMK_PCI_NUM_BARS];
    if ((st = vmk_PCIQueryIOResources(pci, VMK_PCI_NUM_BARS, bars)) != VMK_OK)
        return st;
    /* BAR0: the 128 KiB memory register space (SDM §4.1, Table 4-2). */
    if (bars[0].size < 0x20000 || (bars[0].flags & VMK_PCI_BAR_FLAGS_IO))
        return VMK_NOT_SUPPORTED;

    vmk_e1000_adapter *a = vmk_HeapAlloc(vmk_e1000_heap, sizeof *a);
    if (!a)
        return VMK_NO_MEMORY;
    vmk_e1000_zero(a, sizeof *a);
    a->device = dev;
    a->pci = pci;
    adapter_name(a, &addr);
    e1000_hw_init(&a->hw, a);

    if ((st = vmk_PCIMapIOResource(vmk_ModuleCurrentID, pci, 0, (vmk_IOReservation *)0,
                                   &a->bar0)) != VMK_OK) {
        vmk_Warning(vmk_e1000_log, "%s: BAR0 map failed: %s", a->name, vmk_StatusToString(st));
        a->bar0 = 0;
        goto fail;
    }
    /* Reset before anything is given to the device (SDM ch. 14 initialisation order). */
    int hs = e1000_hw_reset(&a->hw);
    if (hs == E1000_OK)
        hs = e1000_hw_validate_eeprom(&a->hw);
    if (hs == E1000_OK)
        hs = e1000_hw_read_mac_addr(&a->hw);
    if (hs != E1000_OK) {
        vmk_Warning(vmk_e1000_log, "%s: hardware init failed: %s", a->name,
                    e1000_hw_strerror(hs));
        st = VMK_IO_ERROR;
        goto fail;
    }
    if ((st = dma_setup(a)) != VMK_OK) {
        vmk_Warning(vmk_e1000_log, "%s: DMA setup failed: %s", a->name, vmk_StatusToString(st));
        goto fail;
    }
    if ((st = vmk_e1000_intr_setup(a)) != VMK_OK)
        goto fail;
    if ((st = vmk_e1000_netpoll_create(a)) != VMK_OK) {
        vmk_Warning(vmk_e1000_log, "%s: NetPoll creation failed: %s", a->name,
                    vmk_StatusToString(st));
        goto fail;
    }
    vmk_e1000_uplink_init(a);
    vmk_AddrCookie mine = {.ptr = a};
    if ((st = vmk_DeviceSetAttachedDriverData(dev, mine)) != VMK_OK)
        goto fail;
    const vmk_uint8 *m = a->hw.mac_addr;
    vmk_Log(vmk_e1000_log, "%s: attached, MAC %02x:%02x:%02x:%02x:%02x:%02x, %u TX / %u RX "
            "descriptors, MSI vector %u", a->name, m[0], m[1], m[2], m[3], m[4], m[5],
            VMK_E1000_TX_RING, VMK_E1000_RX_RING, a->cookie);
    return VMK_OK;
fail:
    adapter_free(a);
    return st;
}

static vmk_e1000_adapter *adapter_of(vmk_Device dev)
{
    vmk_AddrCookie c;
    if (vmk_DeviceGetAttachedDriverData(dev, &c) != VMK_OK)
        return (vmk_e1000_adapter *)0;
    return c.ptr;
}

/* IO is started by the uplink's StartIO (vmk_e1000_uplink.c), once the uplink layer has claimed
 * the child: nothing to do here. */
static VMK_ReturnStatus start(vmk_Device dev)
{
    return adapter_of(dev) ? VMK_OK : VMK_INVALID_HANDLE;
}

static VMK_ReturnStatus uplink_child_remove(vmk_Device child)
{
    vmk_AddrCookie c;
    VMK_ReturnStatus st = vmk_DeviceGetRegisteringDriverData(child, &c);
    if (st != VMK_OK)
        return st;
    vmk_e1000_adapter *a = c.ptr;
    if ((st = vmk_DeviceUnregister(child)) != VMK_OK)
        return st;
    a->uplink_dev = VMK_DEVICE_NONE;
    return VMK_OK;
}

/* Registers the uplink: a logical child, bus identifier com.vmware.uplink, whose registration
 * data is the vmk_UplinkRegData the uplink layer claims (vmkapi.md §1 step 4, §2 Net). */
static VMK_ReturnStatus scan(vmk_Device dev)
{
    vmk_e1000_adapter *a = adapter_of(dev);
    if (!a)
        return VMK_INVALID_HANDLE;
    if (a->uplink_dev != VMK_DEVICE_NONE)
        return VMK_OK;   /* a rescan: the uplink is registered already */
    vmk_Name logical;
    vmk_e1000_name_set(&logical, VMK_LOGICAL_BUS_NAME);
    vmk_DeviceID id;
    vmk_e1000_zero(&id, sizeof id);
    VMK_ReturnStatus st = vmk_BusTypeFind(&logical, &id.busType);
    if (st != VMK_OK)
        return st;
    st = vmk_LogicalCreateBusAddress(vmk_e1000_driver, dev, 0, &id.busAddress, &id.busAddressLen);
    if (st != VMK_OK) {
        vmk_BusTypeRelease(id.busType);
        return st;
    }
    static char ident[] = VMK_UPLINK_DEVICE_IDENTIFIER;
    id.busIdentifier = ident;
    id.busIdentifierLen = sizeof ident - 1;
    uplink_child_ops.removeDevice = uplink_child_remove;
    vmk_DeviceProps props;
    vmk_e1000_zero(&props, sizeof props);
    props.registeringDriver = vmk_e1000_driver;
    props.deviceID = &id;
    props.deviceOps = &uplink_child_ops;
    props.registeringDriverData.ptr = a;
    props.registrationData.ptr = &a->reg;
    st = vmk_DeviceRegister(&props, dev, &a->uplink_dev);
    vmk_LogicalFreeBusAddress(vmk_e1000_driver, id.busAddress);
    vmk_BusTypeRelease(id.busType);
    if (st != VMK_OK)
        vmk_Warning(vmk_e1000_log, "%s: uplink registration failed: %s", a->name,
                    vmk_StatusToString(st));
    return st;
}

/* The uplink child is quiesced (QuiesceIO) before its parent; here the function itself stops
 * signalling: every cause masked (IMC) and the vector disabled. */
static VMK_ReturnStatus quiesce(vmk_Device dev)
{
    vmk_e1000_adapter *a = adapter_of(dev);
    if (!a)
        return VMK_INVALID_HANDLE;
    if (!a->gone)
        e1000_hw_irq_disable(&a->hw, E1000_IMS_ALL);
    if (a->intr_registered)
        vmk_IntrDisable(a->cookie);
    return VMK_OK;
}

static VMK_ReturnStatus detach(vmk_Device dev)
{
    vmk_e1000_adapter *a = adapter_of(dev);
    if (!a)
        return VMK_INVALID_HANDLE;
    /* The device must stop all DMA before its rings and buffers go away: a reset does that
     * (RCTL/TCTL cleared, SDM §13.4.1). A forgotten device is not touched. */
    if (!a->gone)
        e1000_hw_reset(&a->hw);
    vmk_e1000_rings_drop(a);
    vmk_Log(vmk_e1000_log, "%s: detached (TX %llu frames, RX %llu frames, %llu interrupts)",
            a->name, (unsigned long long)a->c.tx_pkts, (unsigned long long)a->c.rx_pkts,
            (unsigned long long)a->c.interrupts);
    adapter_free(a);
    return VMK_OK;
}

static void forget(vmk_Device dev)
{
    vmk_e1000_adapter *a = adapter_of(dev);
    if (!a)
        return;
    a->gone = VMK_TRUE;
    vmk_Warning(vmk_e1000_log, "%s: device gone (surprise removal)", a->name);
}

vmk_DriverOps vmk_e1000_driver_ops = {
    .attachDevice = attach,
    .scanDevice = scan,
    .detachDevice = detach,
    .quiesceDevice = quiesce,
    .startDevice = start,
    .forgetDevice = forget,
};
