/* linux_pci.c — PCI for Linux drivers. vmklinux registers itself as ONE native driver,
 * "vmklinux" (vmk_DriverRegister); its attach builds a struct pci_dev from the vmk_PCIQuery*
 * calls and records it, and Linux drivers are probed against the recorded pci_devs (at attach
 * for drivers already registered, at pci_register_driver for devices already attached). Detach
 * calls the driver's remove. Scan, quiesce, start and forget do nothing, as on the real system:
 * Linux drivers never see those states (reference/vmkapi.md §3 "PCI"). Every call into the
 * driver runs under its module's identity (VMKAPI_MODULE_CALL). */
#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/dma-mapping.h>
#include <linux/pci.h>

typedef struct drv_rec {
    struct pci_driver *drv;
    vmklnx_module *mod;
    struct drv_rec *next;
} drv_rec;

typedef struct pci_dev_alloc {
    struct pci_dev pdev;
    vmklnx_pci priv;
    u16 command_at_attach;   /* restored at detach: the next driver finds what the kernel set */
} pci_dev_alloc;

static vmk_Driver native_driver = VMK_DRIVER_NONE;
static vmk_DriverOps native_ops;
static struct pci_dev *pdevs;    /* every function vmklinux is attached to, in attach order */
static drv_rec *drivers;         /* registered Linux drivers, in registration order */

struct pci_dev *vmklnx_pci_first(void)
{
    return pdevs;
}

struct pci_dev *vmklnx_pci_of_device(struct device *dev)
{
    for (struct pci_dev *p = pdevs; p; p = vmklnx_pci_of(p)->next)
        if (&p->dev == dev)
            return p;
    return NULL;
}

static drv_rec *rec_of(const struct pci_driver *drv)
{
    for (drv_rec *r = drivers; r; r = r->next)
        if (r->drv == drv)
            return r;
    return NULL;
}

/* ---- matching and binding ---- */

static int id_matches(const struct pci_device_id *id, const struct pci_dev *p)
{
    return (id->vendor == PCI_ANY_ID || id->vendor == p->vendor) &&
           (id->device == PCI_ANY_ID || id->device == p->device) &&
           (id->subvendor == PCI_ANY_ID || id->subvendor == p->subsystem_vendor) &&
           (id->subdevice == PCI_ANY_ID || id->subdevice == p->subsystem_device) &&
           !((id->class ^ p->class) & id->class_mask);
}

static const struct pci_device_id *match(const struct pci_driver *drv, const struct pci_dev *p)
{
    if (!drv->id_table)
        return NULL;
    for (const struct pci_device_id *id = drv->id_table;
         id->vendor || id->subvendor || id->class_mask; id++)
        if (id_matches(id, p))
            return id;
    return NULL;
}

/* What a driver leaves behind once it lets go of a device (remove, or a failed probe). */
static void unbind_cleanup(struct pci_dev *p)
{
    vmklnx_pci *v = vmklnx_pci_of(p);
    int n = vmklnx_irq_release_all(p);
    if (n)
        vmk_WarningMessage("vmklinux: %s: driver %s left %d IRQ handler(s): freed", pci_name(p),
                           p->driver->name, n);
    vmklnx_net_unbind(p);
    vmklnx_scsi_release_pci(p);
    vmklnx_irq_free_cookie(p);
    for (int bar = 0; bar < VMK_PCI_NUM_BARS; bar++) {
        if (v->bar_va[bar]) {
            vmk_WarningMessage("vmklinux: %s: driver %s left BAR %d mapped: unmapped",
                               pci_name(p), p->driver->name, bar);
            vmk_PCIUnmapIOResource(vmklnx_id, v->vmk_pci, (vmk_uint8)bar);
            v->bar_va[bar] = 0;
            v->bar_refs[bar] = 0;
        }
    }
    vmklnx_dma_release(p);
    p->driver = NULL;
    p->dev.driver_data = NULL;
    p->is_busmaster = 0;
    v->owner = VMK_INVALID_MODULE_ID;
    v->enable_cnt = 0;
    v->regions_requested = 0;
}

static int probe_one(struct pci_dev *p, drv_rec *r)
{
    const struct pci_device_id *id = match(r->drv, p);
    if (!id || !r->drv->probe)
        return -ENODEV;
    vmklnx_pci *v = vmklnx_pci_of(p);
    p->driver = r->drv;
    v->owner = r->mod->id;
    /* pdev->irq is valid at probe, as on Linux: the function's INTx line until pci_enable_msi. */
    p->irq = 0;
    if (p->pin)
        vmklnx_irq_alloc_cookie(p, VMK_PCI_INTERRUPT_TYPE_LEGACY);
    int rc;
    VMKAPI_MODULE_CALL(r->mod->id, rc, r->drv->probe, p, id);
    if (rc != 0) {
        vmk_LogMessage("vmklinux: %s: probe of %s returned %d", pci_name(p), r->drv->name, rc);
        unbind_cleanup(p);
        return rc;
    }
    vmk_LogMessage("vmklinux: %s: bound to Linux driver %s (%s)", pci_name(p), r->drv->name,
                   r->mod->name);
    return 0;
}

static void unbind(struct pci_dev *p)
{
    drv_rec *r = rec_of(p->driver);
    if (p->driver->remove && r)
        VMKAPI_MODULE_CALL_VOID(r->mod->id, p->driver->remove, p);
    unbind_cleanup(p);
}

/* ---- the native driver "vmklinux" ---- */

static VMK_ReturnStatus attach(vmk_Device dev)
{
    vmk_AddrCookie data;
    VMK_ReturnStatus st = vmk_DeviceGetRegistrationData(dev, &data);
    if (st != VMK_OK)
        return st;
    vmk_PCIDevice h = data.ptr;
    vmk_PCIDeviceID id;
    vmk_PCIDeviceAddr addr;
    if ((st = vmk_PCIQueryDeviceID(h, &id)) != VMK_OK ||
        (st = vmk_PCIQueryDeviceAddr(h, &addr)) != VMK_OK)
        return st;
    pci_dev_alloc *a = vmklnx_zalloc(sizeof *a);
    if (!a)
        return VMK_NO_MEMORY;
    struct pci_dev *p = &a->pdev;
    vmklnx_pci *v = &a->priv;
    p->vmklnx = v;
    v->device = dev;
    v->vmk_pci = h;
    v->owner = VMK_INVALID_MODULE_ID;
    v->intr_type = VMK_PCI_INTERRUPT_TYPE_LEGACY;
    if ((st = vmk_PCIQueryIOResources(h, VMK_PCI_NUM_BARS, v->bars)) != VMK_OK) {
        vmklnx_free(a);
        return st;
    }
    p->vendor = id.vendorID;
    p->device = id.deviceID;
    p->subsystem_vendor = id.subVendorID;
    p->subsystem_device = id.subDeviceID;
    p->class = (unsigned int)id.classCode << 8 | (id.progIFRevID >> 8);
    p->revision = (u8)(id.progIFRevID & 0xff);
    p->bus_storage.number = addr.bus;
    p->bus = &p->bus_storage;
    p->devfn = PCI_DEVFN(addr.dev, addr.fn);
    vmk_uint32 pin = 0;
    if (vmk_PCIReadConfig(vmklnx_id, h, VMK_PCI_CONFIG_ACCESS_8, PCI_INTERRUPT_PIN, &pin) ==
        VMK_OK)
        p->pin = (u8)pin;
    for (int i = 0; i < VMK_PCI_NUM_BARS; i++) {
        const vmk_PCIResource *b = &v->bars[i];
        if (b->size == 0)
            continue;
        p->resource[i].start = b->start;
        p->resource[i].end = b->start + b->size - 1;
        if (b->flags & VMK_PCI_BAR_FLAGS_IO) {
            p->resource[i].flags = IORESOURCE_IO;
        } else {
            p->resource[i].flags = IORESOURCE_MEM;
            if (b->flags & VMK_PCI_BAR_FLAGS_MEM_PREFETCHABLE)
                p->resource[i].flags |= IORESOURCE_PREFETCH;
            if (b->flags & VMK_PCI_BAR_FLAGS_MEM_64_BITS)
                p->resource[i].flags |= IORESOURCE_MEM_64;
        }
    }
    vmklnx_snprintf(p->name_storage, sizeof p->name_storage, "%04x:%02x:%02x.%x", addr.seg,
                    addr.bus, addr.dev, addr.fn);
    p->dev.init_name = p->name_storage;
    p->dev.dma_mask_storage = DMA_BIT_MASK(32);
    p->dev.dma_mask = &p->dev.dma_mask_storage;
    p->dev.coherent_dma_mask = DMA_BIT_MASK(32);
    vmk_AddrCookie mine = {.ptr = p};
    if ((st = vmk_DeviceSetAttachedDriverData(dev, mine)) != VMK_OK) {
        vmklnx_free(a);
        return st;
    }
    pci_read_config_word(p, PCI_COMMAND, &a->command_at_attach);
    /* Append: drivers see functions in attach order. */
    struct pci_dev **pp = &pdevs;
    while (*pp)
        pp = &vmklnx_pci_of(*pp)->next;
    *pp = p;
    for (drv_rec *r = drivers; r && !p->driver; r = r->next)
        probe_one(p, r);
    return VMK_OK;
}

static VMK_ReturnStatus detach(vmk_Device dev)
{
    vmk_AddrCookie data;
    VMK_ReturnStatus st = vmk_DeviceGetAttachedDriverData(dev, &data);
    if (st != VMK_OK)
        return st;
    struct pci_dev *p = data.ptr;
    if (p->driver)
        unbind(p);
    /* A Linux driver's pci_disable_device cleared Bus Master Enable; the function goes back to
     * the kernel as vmklinux got it, so a native driver bound next can DMA. */
    pci_dev_alloc *pa = container_of(p, pci_dev_alloc, pdev);
    u16 cmd;
    if (pci_read_config_word(p, PCI_COMMAND, &cmd) == PCIBIOS_SUCCESSFUL && cmd != 0xffff &&
        cmd != pa->command_at_attach)
        pci_write_config_word(p, PCI_COMMAND, pa->command_at_attach);
    for (struct pci_dev **pp = &pdevs; *pp; pp = &vmklnx_pci_of(*pp)->next) {
        if (*pp == p) {
            *pp = vmklnx_pci_of(p)->next;
            break;
        }
    }
    vmklnx_free(container_of(p, pci_dev_alloc, pdev));
    return VMK_OK;
}

/* Linux drivers have no such states (reference/vmkapi.md §3). */
static VMK_ReturnStatus start(vmk_Device dev) { (void)dev; return VMK_OK; }
/* Scan registers the uplinks of the function's net_devices and the HBA ports of its SCSI hosts
 * (vmk_DeviceRegister is allowed only here); Linux drivers never see it. */
static VMK_ReturnStatus scan(vmk_Device dev)
{
    vmk_AddrCookie data;
    VMK_ReturnStatus st = vmk_DeviceGetAttachedDriverData(dev, &data);
    if (st != VMK_OK)
        return st;
    vmklnx_net_scan(data.ptr, native_driver);
    vmklnx_scsi_scan(data.ptr, native_driver);
    return VMK_OK;
}
static VMK_ReturnStatus quiesce(vmk_Device dev) { (void)dev; return VMK_OK; }
static void forget(vmk_Device dev) { (void)dev; }

VMK_ReturnStatus vmklnx_pci_init(void)
{
    native_ops.attachDevice = attach;
    native_ops.startDevice = start;
    native_ops.scanDevice = scan;
    native_ops.quiesceDevice = quiesce;
    native_ops.detachDevice = detach;
    native_ops.forgetDevice = forget;
    vmk_DriverProps props;
    vmk_Memset(&props, 0, sizeof props);
    props.moduleID = vmklnx_id;
    vmk_Memcpy(props.name.string, "vmklinux", 9);
    props.ops = &native_ops;
    return vmk_DriverRegister(&props, &native_driver);
}

void vmklnx_pci_cleanup(void)
{
    if (native_driver != VMK_DRIVER_NONE)
        vmk_DriverUnregister(native_driver);   /* detaches every function: removes drivers */
    native_driver = VMK_DRIVER_NONE;
    while (drivers) {
        drv_rec *r = drivers;
        drivers = r->next;
        vmklnx_free(r);
    }
}

/* ---- Linux driver registration ---- */

int pci_register_driver(struct pci_driver *drv)
{
    if (!drv || !drv->name)
        return -EINVAL;
    vmklnx_module *m = vmklnx_module_current("pci_register_driver");
    if (!m)
        return -EPERM;
    if (rec_of(drv))
        return -EBUSY;
    drv_rec *r = vmklnx_zalloc(sizeof *r);
    if (!r)
        return -ENOMEM;
    r->drv = drv;
    r->mod = m;
    drv->vmklnx = m;
    drv_rec **pp = &drivers;
    while (*pp)
        pp = &(*pp)->next;
    *pp = r;
    for (struct pci_dev *p = pdevs; p; p = vmklnx_pci_of(p)->next)
        if (!p->driver)
            probe_one(p, r);
    return 0;
}

void pci_unregister_driver(struct pci_driver *drv)
{
    drv_rec *r = rec_of(drv);
    if (!r) {
        vmk_WarningMessage("vmklinux: pci_unregister_driver of a driver never registered");
        return;
    }
    for (struct pci_dev *p = pdevs; p; p = vmklnx_pci_of(p)->next)
        if (p->driver == drv)
            unbind(p);
    for (drv_rec **pp = &drivers; *pp; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            break;
        }
    }
    drv->vmklnx = NULL;
    vmklnx_free(r);
}

void vmklnx_pci_module_exit(vmklnx_module *m)
{
    drv_rec *r = drivers;
    while (r) {
        drv_rec *next = r->next;
        if (r->mod == m) {
            vmk_WarningMessage("vmklinux: module %s left PCI driver %s registered: "
                               "unregistered", m->name, r->drv->name);
            pci_unregister_driver(r->drv);
        }
        r = next;
    }
}

/* ---- configuration space ---- */

static int cfg_read(const struct pci_dev *p, int where, vmk_PCIConfigAccess sz, vmk_uint32 *v)
{
    if (where < 0 || where > 0xfff)
        return PCIBIOS_BAD_REGISTER_NUMBER;
    VMK_ReturnStatus st = vmk_PCIReadConfig(vmklnx_id, vmklnx_pci_of(p)->vmk_pci, sz,
                                            (vmk_uint16)where, v);
    return st == VMK_OK ? PCIBIOS_SUCCESSFUL : PCIBIOS_BAD_REGISTER_NUMBER;
}

static int cfg_write(const struct pci_dev *p, int where, vmk_PCIConfigAccess sz, vmk_uint32 v)
{
    if (where < 0 || where > 0xfff)
        return PCIBIOS_BAD_REGISTER_NUMBER;
    VMK_ReturnStatus st = vmk_PCIWriteConfig(vmklnx_id, vmklnx_pci_of(p)->vmk_pci, sz,
                                             (vmk_uint16)where, v);
    return st == VMK_OK ? PCIBIOS_SUCCESSFUL : PCIBIOS_BAD_REGISTER_NUMBER;
}

int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val)
{
    vmk_uint32 v = 0xff;
    int rc = cfg_read(dev, where, VMK_PCI_CONFIG_ACCESS_8, &v);
    *val = (u8)v;
    return rc;
}

int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val)
{
    vmk_uint32 v = 0xffff;
    int rc = cfg_read(dev, where, VMK_PCI_CONFIG_ACCESS_16, &v);
    *val = (u16)v;
    return rc;
}

int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val)
{
    vmk_uint32 v = 0xffffffffu;
    int rc = cfg_read(dev, where, VMK_PCI_CONFIG_ACCESS_32, &v);
    *val = v;
    return rc;
}

int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val)
{
    return cfg_write(dev, where, VMK_PCI_CONFIG_ACCESS_8, val);
}

int pci_write_config_word(const struct pci_dev *dev, int where, u16 val)
{
    return cfg_write(dev, where, VMK_PCI_CONFIG_ACCESS_16, val);
}

int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val)
{
    return cfg_write(dev, where, VMK_PCI_CONFIG_ACCESS_32, val);
}

/* ---- enable, bus master, regions ---- */

static void command_update(struct pci_dev *p, u16 set, u16 clear)
{
    u16 cmd, next;
    if (pci_read_config_word(p, PCI_COMMAND, &cmd) != PCIBIOS_SUCCESSFUL)
        return;
    next = (u16)((cmd | set) & ~clear);
    if (next != cmd)
        pci_write_config_word(p, PCI_COMMAND, next);
}

/* Turns on decoding of the function's BAR types (PCI Local Bus Spec 3.0 §6.2.2: Command bits
 * 0 I/O Space, 1 Memory Space). */
int pci_enable_device(struct pci_dev *dev)
{
    vmklnx_pci *v = vmklnx_pci_of(dev);
    if (v->enable_cnt++ > 0)
        return 0;
    u16 set = 0;
    for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
        if (dev->resource[i].flags & IORESOURCE_IO)
            set |= PCI_COMMAND_IO;
        if (dev->resource[i].flags & IORESOURCE_MEM)
            set |= PCI_COMMAND_MEMORY;
    }
    command_update(dev, set, 0);
    return 0;
}

/* As Linux: the last disable stops bus mastering. */
void pci_disable_device(struct pci_dev *dev)
{
    vmklnx_pci *v = vmklnx_pci_of(dev);
    if (v->enable_cnt == 0) {
        vmk_WarningMessage("vmklinux: %s: pci_disable_device of a disabled device",
                           pci_name(dev));
        return;
    }
    if (--v->enable_cnt == 0)
        pci_clear_master(dev);
}

void pci_set_master(struct pci_dev *dev)
{
    command_update(dev, PCI_COMMAND_MASTER, 0);   /* Command bit 2, Bus Master Enable */
    dev->is_busmaster = 1;
}

void pci_clear_master(struct pci_dev *dev)
{
    command_update(dev, 0, PCI_COMMAND_MASTER);
    dev->is_busmaster = 0;
}

/* The function is vmklinux's alone (the kernel gave it to the one native driver), so the only
 * claimant of its regions is the bound driver: a second request before a release is refused, as
 * Linux refuses a busy region. */
int pci_request_regions(struct pci_dev *dev, const char *name)
{
    (void)name;
    vmklnx_pci *v = vmklnx_pci_of(dev);
    if (!dev->driver)
        return -ENODEV;
    if (v->regions_requested)
        return -EBUSY;
    v->regions_requested = 1;
    return 0;
}

void pci_release_regions(struct pci_dev *dev)
{
    vmklnx_pci_of(dev)->regions_requested = 0;
}
