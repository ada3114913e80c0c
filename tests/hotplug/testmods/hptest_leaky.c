/* hptest_leaky.c — a deliberately leaking native driver for the hot-plug leak check
 * (tests/hotplug): it claims the 82540EM identity (8086:100E, 82540EM SDM §5.2), and on attach
 * allocates 256 bytes from its module heap, maps BAR0 and allocates an MSI cookie; detach gives
 * none of it back. The kernel's check after the removal must report all three by owner. */
#include "vmkapi/vmkapi.h"

#define HPTEST_VENDOR 0x8086
#define HPTEST_DEVICE 0x100E
#define HPTEST_KEPT_BYTES 256

static vmk_Driver driver = VMK_DRIVER_NONE;
static vmk_HeapID heap = VMK_INVALID_HEAP_ID;

static void name_set(vmk_Name *n, const char *s)
{
    vmk_Memset(n, 0, sizeof *n);
    int i = 0;
    while (s[i] && i < (int)sizeof n->string - 1) {
        n->string[i] = s[i];
        i++;
    }
}

static VMK_ReturnStatus attach(vmk_Device dev)
{
    vmk_AddrCookie data;
    VMK_ReturnStatus st = vmk_DeviceGetRegistrationData(dev, &data);
    if (st != VMK_OK)
        return st;
    vmk_PCIDevice pci = data.ptr;
    vmk_PCIDeviceID id;
    if ((st = vmk_PCIQueryDeviceID(pci, &id)) != VMK_OK)
        return st;
    if (id.vendorID != HPTEST_VENDOR || id.deviceID != HPTEST_DEVICE)
        return VMK_NOT_SUPPORTED;
    vmk_VA va;
    if ((st = vmk_PCIMapIOResource(vmk_ModuleCurrentID, pci, 0, (vmk_IOReservation *)0, &va)) !=
        VMK_OK)
        return st;
    vmk_IntrCookie cookie;
    vmk_uint32 n = 0;
    if ((st = vmk_PCIAllocIntrCookie(vmk_ModuleCurrentID, pci, VMK_PCI_INTERRUPT_TYPE_MSI, 1, 1,
                                     (vmk_uint16 *)0, &cookie, &n)) != VMK_OK)
        return st;
    void *kept = vmk_HeapAlloc(heap, HPTEST_KEPT_BYTES);
    vmk_AddrCookie mine = {.ptr = kept};
    return vmk_DeviceSetAttachedDriverData(dev, mine);
}

static VMK_ReturnStatus ok(vmk_Device dev)
{
    (void)dev;
    return VMK_OK;
}

/* The bug under test: nothing attach took is given back. */
static VMK_ReturnStatus detach(vmk_Device dev)
{
    (void)dev;
    return VMK_OK;
}

static void forget(vmk_Device dev)
{
    (void)dev;
}

static vmk_DriverOps ops = {.attachDevice = attach, .scanDevice = ok, .detachDevice = detach,
                            .quiesceDevice = ok, .startDevice = ok, .forgetDevice = forget};

VMK_ReturnStatus init_module(void)
{
    vmk_HeapCreateProps hp;
    vmk_Memset(&hp, 0, sizeof hp);
    hp.type = VMK_HEAP_TYPE_SIMPLE;
    name_set(&hp.name, "hptest_leaky");
    hp.module = vmk_ModuleCurrentID;
    hp.initial = 0;
    hp.max = 64 * 1024;
    VMK_ReturnStatus st = vmk_HeapCreate(&hp, &heap);
    if (st != VMK_OK)
        return st;
    vmk_DriverProps dp;
    vmk_Memset(&dp, 0, sizeof dp);
    dp.moduleID = vmk_ModuleCurrentID;
    name_set(&dp.name, "hptest_leaky");
    dp.ops = &ops;
    return vmk_DriverRegister(&dp, &driver);
}

void cleanup_module(void)
{
    if (driver != VMK_DRIVER_NONE)
        vmk_DriverUnregister(driver);
    if (heap != VMK_INVALID_HEAP_ID)
        vmk_HeapDestroy(heap);
}
