/* pci_bus.c — the PCI bus driver: registers a vmk_Device on bus "pci" for every endpoint
 * function that enumeration found (vmkapi.md §1 "Hot-plug": the PCI bus layer registers and
 * unregisters devices), with a vmk_PCIDevice handle as registration data, and answers the vmk_PCI
 * queries: IDs, address, BARs, capabilities, configuration reads and writes through the fabric
 * (PCIe Base Spec 5.0 §7.5.1; vmkapi v2.3 device/vmkapi_pci.h semantics). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/pci/pci_access.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"

static kern_system *bus_sys;
static struct vmkPCIDevice *handles;
static kern_pci_bus_stats stats;

kern_pci_bus_stats *kpci_stats(void) { return &stats; }

void kern_pci_bus_get_stats(kern_pci_bus_stats *out)
{
    *out = stats;
}

void kpci_stats_leak(uint64_t mappings, uint64_t vectors)
{
    stats.leaked_mappings += mappings;
    stats.leaked_vectors += vectors;
}

struct vmkPCIDevice *kpci_handle_check(vmk_PCIDevice h)
{
    for (struct vmkPCIDevice *x = handles; x; x = x->next)
        if (x == h)
            return x;
    return NULL;
}

bool kpci_may_write(const struct vmkPCIDevice *h, vmk_ModuleID module)
{
    if (module == VMK_KERNEL_MODULE_ID)
        return true;
    vmk_Driver drv = h->dev ? kern_device_driver(h->dev) : NULL;
    return drv && kern_driver_module(drv) == module;
}

const char *kern_pci_bus_address(const kern_pci_dev *pdev, char *buf, size_t len)
{
    /* One PCI segment (ECAM group 0). */
    snprintf(buf, len, "0000:%02x:%02x.%x", pdev->bus, pdev->dev, pdev->fn);
    return buf;
}

/* ---- device layer hooks ---- */

static void on_released(void *ctx, vmk_Device dev, int module_id, const char *driver_name)
{
    (void)dev;
    (void)driver_name;
    struct vmkPCIDevice *h = ctx;
    kpci_intr_release(h, module_id, true);
    kpci_mmio_release(h, module_id, true);
}

static void on_unregistered(void *ctx, vmk_Device dev)
{
    (void)dev;
    struct vmkPCIDevice *h = ctx;
    kpci_intr_release(h, -1, false);
    kpci_mmio_release(h, -1, false);
    for (struct vmkPCIDevice **p = &handles; *p; p = &(*p)->next) {
        if (*p == h) {
            *p = h->next;
            break;
        }
    }
    free(h);
}

static const kern_bus_hooks pci_hooks = {.released = on_released,
                                         .unregistered = on_unregistered};

static VMK_ReturnStatus register_function(kern_pci_dev *pdev, vmk_Device *out, sim_err *err)
{
    *out = NULL;
    if (!bus_sys)
        return sim_err_set(err, "PCI bus: not started"), VMK_NOT_INITIALIZED;
    if (pdev->header_type != KPCI_HEADER_NORMAL)
        return sim_err_set(err, "PCI bus: %02x:%02x.%x is a bridge, not an endpoint", pdev->bus,
                           pdev->dev, pdev->fn), VMK_BAD_PARAM;
    if (kern_pci_bus_device(pdev))
        return sim_err_set(err, "PCI bus: %02x:%02x.%x is registered already", pdev->bus,
                           pdev->dev, pdev->fn), VMK_EXISTS;
    struct vmkPCIDevice *h = calloc(1, sizeof *h);
    if (!h)
        return sim_err_set(err, "PCI bus: out of memory"), VMK_NO_MEMORY;
    h->pdev = pdev;
    h->fabric = bus_sys->fabric;
    h->intr_type = -1;
    kern_pci_bus_address(pdev, h->addr, sizeof h->addr);
    h->next = handles;
    handles = h;
    vmk_AddrCookie data = {.ptr = h};
    VMK_ReturnStatus st = kern_device_register_root(VMK_PCI_BUS_NAME, h->addr, NULL, data,
                                                    &pci_hooks, h, &h->dev, err);
    if (st != VMK_OK) {
        handles = h->next;
        free(h);
        return st;
    }
    *out = h->dev;
    return VMK_OK;
}

int kern_pci_bus_start(kern_system *sys, sim_err *err)
{
    if (bus_sys) {
        /* One system per process: a system booted before and never shut down is dropped. */
        sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "a previous system was not shut down: its PCI devices "
                "are removed");
        kern_pci_bus_stop(bus_sys);
    }
    bus_sys = sys;
    memset(&stats, 0, sizeof stats);
    size_t n = 0;
    for (size_t i = 0; i < kern_pci_count(sys->pci); i++) {
        kern_pci_dev *pdev = kern_pci_at(sys->pci, i);
        if (pdev->header_type != KPCI_HEADER_NORMAL)
            continue;
        vmk_Device dev;
        if (register_function(pdev, &dev, err) != VMK_OK)
            return -1;
        n++;
    }
    sim_log(SIM_LOG_INFO, KPCI_BUS_LOG, "%zu PCI device(s) registered", n);
    kern_device_bind_all();
    return 0;
}

void kern_pci_bus_stop(kern_system *sys)
{
    if (!bus_sys || bus_sys != sys)
        return;
    while (handles) {
        vmk_Device dev = handles->dev;
        if (kern_device_remove(dev, KERN_REMOVE_ORDERLY, NULL) != VMK_OK)
            kern_device_remove(dev, KERN_REMOVE_SURPRISE, NULL);
    }
    bus_sys = NULL;
}

VMK_ReturnStatus kern_pci_bus_add(kern_pci_dev *pdev, vmk_Device *out, sim_err *err)
{
    VMK_ReturnStatus st = register_function(pdev, out, err);
    if (st == VMK_OK)
        kern_device_bind(*out);
    return st;
}

VMK_ReturnStatus kern_pci_bus_remove(kern_pci_dev *pdev, kern_remove_mode mode, sim_err *err)
{
    vmk_Device dev = kern_pci_bus_device(pdev);
    if (!dev) {
        sim_err_set(err, "PCI bus: %02x:%02x.%x has no registered device", pdev->bus, pdev->dev,
                    pdev->fn);
        return VMK_NOT_FOUND;
    }
    return kern_device_remove(dev, mode, err);
}

vmk_Device kern_pci_bus_device(const kern_pci_dev *pdev)
{
    for (struct vmkPCIDevice *x = handles; x; x = x->next)
        if (x->pdev == pdev)
            return x->dev;
    return NULL;
}

kern_pci_dev *kern_pci_bus_function(vmk_PCIDevice h)
{
    struct vmkPCIDevice *x = kpci_handle_check(h);
    return x ? x->pdev : NULL;
}

/* ---- queries ---- */

VMK_ReturnStatus vmk_PCIQueryDeviceID(vmk_PCIDevice pciDevice, vmk_PCIDeviceID *devID)
{
    struct vmkPCIDevice *h = kpci_handle_check(pciDevice);
    if (!h || !devID)
        return VMK_BAD_PARAM;
    const kern_pci_dev *p = h->pdev;
    devID->vendorID = p->vendor_id;
    devID->deviceID = p->device_id;
    devID->subVendorID = p->subsys_vendor_id;
    devID->subDeviceID = p->subsys_id;
    devID->classCode = (vmk_uint16)(p->class_code >> 8);                 /* base, sub-class */
    devID->progIFRevID = (vmk_uint16)((p->class_code & 0xFF) << 8 | p->revision);
    return VMK_OK;
}

VMK_ReturnStatus vmk_PCIQueryDeviceAddr(vmk_PCIDevice pciDevice, vmk_PCIDeviceAddr *sbdf)
{
    struct vmkPCIDevice *h = kpci_handle_check(pciDevice);
    if (!h || !sbdf)
        return VMK_BAD_PARAM;
    sbdf->seg = 0;
    sbdf->bus = h->pdev->bus;
    sbdf->dev = h->pdev->dev & 0x1F;
    sbdf->fn = h->pdev->fn & 0x7;
    return VMK_OK;
}

VMK_ReturnStatus vmk_PCIQueryIOResources(vmk_PCIDevice pciDevice, vmk_uint8 numBars,
                                         vmk_PCIResource resources[])
{
    struct vmkPCIDevice *h = kpci_handle_check(pciDevice);
    if (!h || !resources || numBars > VMK_PCI_NUM_BARS)
        return VMK_BAD_PARAM;
    for (int i = 0; i < numBars; i++) {
        const kern_pci_bar *b = &h->pdev->bars[i];
        vmk_PCIResource *r = &resources[i];
        memset(r, 0, sizeof *r);
        if (i >= h->pdev->nbars || b->type == KERN_BAR_NONE)
            continue;
        r->start = b->base;
        r->size = b->size;
        if (b->type == KERN_BAR_IO)
            r->flags = VMK_PCI_BAR_FLAGS_IO;
        else
            r->flags = (b->type == KERN_BAR_MEM64 ? VMK_PCI_BAR_FLAGS_MEM_64_BITS : 0) |
                       (b->prefetchable ? VMK_PCI_BAR_FLAGS_MEM_PREFETCHABLE : 0);
    }
    return VMK_OK;
}

VMK_ReturnStatus vmk_PCIFindCapability(vmk_PCIDevice device, vmk_uint8 capID,
                                       vmk_uint16 *capOffset)
{
    struct vmkPCIDevice *h = kpci_handle_check(device);
    if (!h || !capOffset)
        return VMK_BAD_PARAM;
    kern_world_sync();
    if (!(kcfg_rd16(h->fabric, h->pdev, KPCI_STATUS) & KPCI_STATUS_CAP_LIST))
        return VMK_NOT_FOUND;
    /* §7.5.1.1.11: the list starts at 0x34; each entry is ID, next (low 2 bits reserved). At
     * most 48 entries fit in 0x40..0xFF: a longer walk is a loop. */
    uint8_t off = kcfg_rd8(h->fabric, h->pdev, KPCI_CAPABILITY_LIST) & 0xFC;
    for (int n = 0; off >= 0x40 && n < 48; n++) {
        if (kcfg_rd8(h->fabric, h->pdev, off) == capID) {
            *capOffset = off;
            return VMK_OK;
        }
        off = kcfg_rd8(h->fabric, h->pdev, (uint16_t)(off + 1)) & 0xFC;
    }
    return VMK_NOT_FOUND;
}

static VMK_ReturnStatus cfg_check(struct vmkPCIDevice *h, vmk_PCIConfigAccess a, vmk_uint16 off)
{
    if (!h || (a != VMK_PCI_CONFIG_ACCESS_8 && a != VMK_PCI_CONFIG_ACCESS_16 &&
               a != VMK_PCI_CONFIG_ACCESS_32) || (off & (a - 1)))
        return VMK_BAD_PARAM;
    if ((unsigned)off + (unsigned)a > 4096)   /* PCIe configuration space is 4 KiB (§7.2.2) */
        return VMK_LIMIT_EXCEEDED;
    return VMK_OK;
}

VMK_ReturnStatus vmk_PCIReadConfig(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                   vmk_PCIConfigAccess accessType, vmk_uint16 offset,
                                   vmk_uint32 *data)
{
    (void)moduleID;   /* any module may read (vmkapi_pci.h: reads without side effects) */
    struct vmkPCIDevice *h = kpci_handle_check(device);
    VMK_ReturnStatus st = cfg_check(h, accessType, offset);
    if (st != VMK_OK || !data)
        return st != VMK_OK ? st : VMK_BAD_PARAM;
    kern_world_sync();
    *data = kcfg_rd(h->fabric, h->pdev, offset, (int)accessType);
    return VMK_OK;
}

VMK_ReturnStatus vmk_PCIWriteConfig(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                    vmk_PCIConfigAccess accessType, vmk_uint16 offset,
                                    vmk_uint32 data)
{
    struct vmkPCIDevice *h = kpci_handle_check(device);
    VMK_ReturnStatus st = cfg_check(h, accessType, offset);
    if (st != VMK_OK)
        return st;
    if (!kpci_may_write(h, moduleID)) {
        sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "%s: config write 0x%03x by module %d, which is not "
                "its driver: VMK_NO_PERMISSION", h->addr, offset, (int)moduleID);
        return VMK_NO_PERMISSION;
    }
    kern_world_sync();
    kcfg_wr(h->fabric, h->pdev, offset, (int)accessType, data);
    return VMK_OK;
}
