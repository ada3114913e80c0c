/* kdtest_drv.c — a test native driver module for the e1000 identity (8086:100e): init registers
 * the driver; attach queries the function, maps BAR0, reads STATUS (82540EM SDM §13.4.2, offset
 * 0x8) and allocates one MSI cookie; scan registers a logical uplink child; detach undoes it all.
 * Every callback appends a letter to kdtest_trace so the test can see what ran in the module. */
#include "vmkapi/vmkapi.h"

#define E1000_VENDOR 0x8086
#define E1000_DEVICE 0x100E
#define E1000_STATUS 0x8   /* 82540EM SDM §13.4.2 */

/* Read by the test (dlsym). */
char kdtest_trace[128];
int kdtest_trace_len;
int kdtest_fail_attach;          /* set by the test: attach refuses */
int kdtest_leak_on_detach;       /* set by the test: detach forgets to unmap / free the cookie */
vmk_uint32 kdtest_status;        /* STATUS as read in attach */
vmk_VA kdtest_bar0_va;
vmk_MA kdtest_bar0_bus;
vmk_IntrCookie kdtest_cookie;
VMK_ReturnStatus kdtest_register_in_attach;   /* vmk_DeviceRegister outside scan */
VMK_ReturnStatus kdtest_register_in_scan;
vmk_ModuleID kdtest_stack_top;   /* vmk_ModuleStackTop() seen inside attach */
vmk_Device kdtest_child;

static vmk_Driver driver;
static vmk_DriverOps ops;
static vmk_DeviceOps child_ops;
static vmk_PCIDevice pci;

static void trace(char c)
{
    if (kdtest_trace_len < (int)sizeof kdtest_trace - 1)
        kdtest_trace[kdtest_trace_len++] = c;
}

static VMK_ReturnStatus child_remove(vmk_Device child)
{
    trace('R');
    VMK_ReturnStatus st = vmk_DeviceUnregister(child);
    if (st == VMK_OK)
        kdtest_child = (vmk_Device)0;
    return st;
}

static VMK_ReturnStatus attach(vmk_Device dev)
{
    trace('A');
    kdtest_stack_top = vmk_ModuleStackTop();
    if (kdtest_fail_attach)
        return VMK_FAILURE;
    vmk_AddrCookie data;
    VMK_ReturnStatus st = vmk_DeviceGetRegistrationData(dev, &data);
    if (st != VMK_OK)
        return st;
    pci = data.ptr;
    vmk_PCIDeviceID id;
    if ((st = vmk_PCIQueryDeviceID(pci, &id)) != VMK_OK)
        return st;
    if (id.vendorID != E1000_VENDOR || id.deviceID != E1000_DEVICE)
        return VMK_NOT_SUPPORTED;
    vmk_PCIResource bars[VMK_PCI_NUM_BARS];
    if ((st = vmk_PCIQueryIOResources(pci, VMK_PCI_NUM_BARS, bars)) != VMK_OK)
        return st;
    if (bars[0].size == 0 || (bars[0].flags & VMK_PCI_BAR_FLAGS_IO))
        return VMK_NOT_SUPPORTED;
    kdtest_bar0_bus = bars[0].start;
    if ((st = vmk_PCIMapIOResource(vmk_ModuleCurrentID, pci, 0, (vmk_IOReservation *)0,
                                   &kdtest_bar0_va)) != VMK_OK)
        return st;
    kdtest_status = vmk_MMIORead32((volatile void *)(kdtest_bar0_va + E1000_STATUS));
    vmk_uint32 n = 0;
    st = vmk_PCIAllocIntrCookie(vmk_ModuleCurrentID, pci, VMK_PCI_INTERRUPT_TYPE_MSI, 1, 1,
                                (vmk_uint16 *)0, &kdtest_cookie, &n);
    if (st != VMK_OK || n != 1) {
        vmk_PCIUnmapIOResource(vmk_ModuleCurrentID, pci, 0);
        return st != VMK_OK ? st : VMK_FAILURE;
    }
    /* Not allowed here: children are registered from scan only. */
    vmk_DeviceProps props;
    vmk_Memset(&props, 0, sizeof props);
    kdtest_register_in_attach = vmk_DeviceRegister(&props, dev, &kdtest_child);
    vmk_AddrCookie mine = {.ptr = &kdtest_status};
    return vmk_DeviceSetAttachedDriverData(dev, mine);
}

static VMK_ReturnStatus start(vmk_Device dev)
{
    (void)dev;
    trace('S');
    return VMK_OK;
}

static VMK_ReturnStatus scan(vmk_Device dev)
{
    trace('C');
    vmk_Name logical;
    vmk_Memset(&logical, 0, sizeof logical);
    vmk_Memcpy(logical.string, "logical", 8);
    vmk_DeviceID id;
    vmk_Memset(&id, 0, sizeof id);
    VMK_ReturnStatus st = vmk_BusTypeFind(&logical, &id.busType);
    if (st != VMK_OK)
        return st;
    st = vmk_LogicalCreateBusAddress(driver, dev, 0, &id.busAddress, &id.busAddressLen);
    if (st != VMK_OK)
        return st;
    static char ident[] = VMK_UPLINK_DEVICE_IDENTIFIER;
    id.busIdentifier = ident;
    id.busIdentifierLen = sizeof ident - 1;
    child_ops.removeDevice = child_remove;
    vmk_DeviceProps props;
    vmk_Memset(&props, 0, sizeof props);
    props.registeringDriver = driver;
    props.deviceID = &id;
    props.deviceOps = &child_ops;
    props.registrationData.ptr = &kdtest_trace;
    kdtest_register_in_scan = vmk_DeviceRegister(&props, dev, &kdtest_child);
    vmk_LogicalFreeBusAddress(driver, id.busAddress);
    vmk_BusTypeRelease(id.busType);
    return kdtest_register_in_scan;
}

static VMK_ReturnStatus quiesce(vmk_Device dev)
{
    (void)dev;
    trace('Q');
    return VMK_OK;
}

static VMK_ReturnStatus detach(vmk_Device dev)
{
    (void)dev;
    trace('D');
    if (kdtest_leak_on_detach)
        return VMK_OK;
    vmk_PCIFreeIntrCookie(vmk_ModuleCurrentID, pci);
    return vmk_PCIUnmapIOResource(vmk_ModuleCurrentID, pci, 0);
}

static void forget(vmk_Device dev)
{
    (void)dev;
    trace('F');
}

/* Called by the test after detach: an access through the stale mapping. */
vmk_uint32 kdtest_read_stale(void)
{
    return vmk_MMIORead32((volatile void *)(kdtest_bar0_va + E1000_STATUS));
}

VMK_ReturnStatus init_module(void)
{
    ops.attachDevice = attach;
    ops.scanDevice = scan;
    ops.detachDevice = detach;
    ops.quiesceDevice = quiesce;
    ops.startDevice = start;
    ops.forgetDevice = forget;
    vmk_DriverProps props;
    vmk_Memset(&props, 0, sizeof props);
    props.moduleID = vmk_ModuleCurrentID;
    vmk_Memcpy(props.name.string, "kdtest_e1000", 13);
    props.ops = &ops;
    return vmk_DriverRegister(&props, &driver);
}

void cleanup_module(void)
{
    vmk_DriverUnregister(driver);
}
