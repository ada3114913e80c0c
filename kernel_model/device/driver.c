/* driver.c — native drivers and binding: vmk_DriverRegister (only inside the module's own
 * init_module; vmkapi.md §1.1), vmk_DriverUnregister, kernel-internal consumers of logical
 * devices, the driver map (as ESXi's /etc/vmware/driver.map.d: PCI vendor:device or a logical
 * bus identifier to driver name; vmkapi.md §4), offering unclaimed devices to matching drivers,
 * and the loader's hooks. */
#include <stdlib.h>
#include <string.h>

#include "kernel_model/device/device_internal.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi_pci.h"

struct vmkDriver *kdev_drivers;

typedef struct map_entry {
    bool logical;
    uint16_t vendor_id, device_id;
    char ident[VMK_DEVICE_MAX_BUS_IDENTIFIER];
    char driver[VMK_MISC_NAME_MAX];
} map_entry;

static map_entry *map;
static size_t n_map, cap_map;

bool kdev_driver_live(const struct vmkDriver *drv)
{
    if (!drv)
        return false;
    for (struct vmkDriver *x = kdev_drivers; x; x = x->next)
        if (x == drv)
            return true;
    return false;
}

vmk_Driver kern_driver_find(const char *name)
{
    for (struct vmkDriver *x = kdev_drivers; x; x = x->next)
        if (name && !strcmp(x->name, name))
            return x;
    return NULL;
}

const char *kern_driver_name(vmk_Driver drv) { return drv->name; }
int kern_driver_module(vmk_Driver drv) { return drv->module_id; }

size_t kern_driver_count(void)
{
    size_t n = 0;
    for (struct vmkDriver *x = kdev_drivers; x; x = x->next)
        n++;
    return n;
}

/* ---- the driver map ---- */

static int map_add(const map_entry *e, sim_err *err)
{
    if (!e->driver[0])
        return sim_err_set(err, "driver map: empty driver name");
    if (n_map == cap_map) {
        size_t cap = cap_map ? 2 * cap_map : 16;
        map_entry *m = realloc(map, cap * sizeof *m);
        if (!m)
            return sim_err_set(err, "driver map: out of memory");
        map = m;
        cap_map = cap;
    }
    map[n_map++] = *e;
    return 0;
}

static bool copy_name(char *dst, size_t cap, const char *src)
{
    if (!src || strnlen(src, cap) == cap || !*src)
        return false;
    strcpy(dst, src);
    return true;
}

int kern_driver_map_add_pci(uint16_t vendor_id, uint16_t device_id, const char *driver,
                            sim_err *err)
{
    map_entry e = {.logical = false, .vendor_id = vendor_id, .device_id = device_id};
    if (!copy_name(e.driver, sizeof e.driver, driver))
        return sim_err_set(err, "driver map %04x:%04x: driver name must be 1..%d characters",
                           vendor_id, device_id, VMK_MISC_NAME_MAX - 1);
    return map_add(&e, err);
}

int kern_driver_map_add_logical(const char *bus_identifier, const char *driver, sim_err *err)
{
    map_entry e = {.logical = true};
    if (!copy_name(e.ident, sizeof e.ident, bus_identifier))
        return sim_err_set(err, "driver map: bus identifier must be 1..%d characters",
                           VMK_DEVICE_MAX_BUS_IDENTIFIER - 1);
    if (!copy_name(e.driver, sizeof e.driver, driver))
        return sim_err_set(err, "driver map %s: driver name must be 1..%d characters",
                           bus_identifier, VMK_MISC_NAME_MAX - 1);
    return map_add(&e, err);
}

void kern_driver_map_clear(void)
{
    free(map);
    map = NULL;
    n_map = cap_map = 0;
}

size_t kern_driver_map_count(void)
{
    return n_map;
}

bool kdev_driver_matches(const struct vmkDriver *drv, const struct vmkDevice *d)
{
    vmk_PCIDeviceID id;
    bool is_pci = d->bus->id == KDEV_BUS_PCI;
    if (is_pci && vmk_PCIQueryDeviceID(d->registration_data.ptr, &id) != VMK_OK)
        return false;
    for (size_t i = 0; i < n_map; i++) {
        const map_entry *e = &map[i];
        if (strcmp(e->driver, drv->name))
            continue;
        if (is_pci && !e->logical && e->vendor_id == id.vendorID && e->device_id == id.deviceID)
            return true;
        if (!is_pci && e->logical && !strcmp(e->ident, d->bus_identifier))
            return true;
    }
    return false;
}

/* ---- registration ---- */

static bool ops_complete(const vmk_DriverOps *ops)
{
    return ops && ops->attachDevice && ops->scanDevice && ops->detachDevice &&
           ops->quiesceDevice && ops->startDevice;
}

static struct vmkDriver *driver_add(int module_id, const char *name, const vmk_DriverOps *ops,
                                    vmk_AddrCookie priv)
{
    struct vmkDriver *drv = calloc(1, sizeof *drv);
    if (!drv)
        return NULL;
    drv->module_id = module_id;
    memcpy(drv->name, name, strlen(name) + 1);
    drv->ops = *ops;
    drv->priv = priv;
    struct vmkDriver **tail = &kdev_drivers;
    while (*tail)
        tail = &(*tail)->next;
    *tail = drv;
    return drv;
}

VMK_ReturnStatus vmk_DriverRegister(vmk_DriverProps *props, vmk_Driver *driver)
{
    if (!props || !driver)
        return VMK_BAD_PARAM;
    kern_module *m = kern_module_initializing();
    /* vmkapi.md §1.1: only inside the registering module's own init_module. */
    if (!m || kern_module_current() != m->id || props->moduleID != m->id) {
        sim_log(SIM_LOG_WARN, KDEV_LOG, "vmk_DriverRegister (module %d, current %d): allowed only "
                "inside the module's init_module: VMK_NOT_SUPPORTED", (int)props->moduleID,
                kern_module_current());
        return VMK_NOT_SUPPORTED;
    }
    size_t n = strnlen(props->name.string, sizeof props->name.string);
    if (n == 0 || n == sizeof props->name.string) {
        sim_log(SIM_LOG_WARN, m->name, "vmk_DriverRegister: driver name empty or not terminated");
        return VMK_INVALID_NAME;
    }
    if (!ops_complete(props->ops)) {
        sim_log(SIM_LOG_WARN, m->name, "vmk_DriverRegister %s: attach, scan, detach, quiesce and "
                "start callbacks are required", props->name.string);
        return VMK_BAD_PARAM;
    }
    if (kern_driver_find(props->name.string))
        return VMK_EXISTS;
    struct vmkDriver *drv = driver_add(m->id, props->name.string, props->ops, props->privateData);
    if (!drv)
        return VMK_NO_MEMORY;
    sim_log(SIM_LOG_INFO, KDEV_LOG, "driver %s registered by module %s", drv->name, m->name);
    *driver = drv;
    return VMK_OK;
}

VMK_ReturnStatus kern_driver_register_internal(const char *name, const char *bus_identifier,
                                               const vmk_DriverOps *ops, vmk_AddrCookie priv,
                                               vmk_Driver *out, sim_err *err)
{
    *out = NULL;
    if (!name || !*name || strnlen(name, VMK_MISC_NAME_MAX) == VMK_MISC_NAME_MAX) {
        sim_err_set(err, "internal driver: name must be 1..%d characters", VMK_MISC_NAME_MAX - 1);
        return VMK_INVALID_NAME;
    }
    if (!ops_complete(ops)) {
        sim_err_set(err, "internal driver %s: attach, scan, detach, quiesce and start callbacks "
                    "are required", name);
        return VMK_BAD_PARAM;
    }
    if (kern_driver_find(name)) {
        sim_err_set(err, "internal driver %s: a driver of that name is registered", name);
        return VMK_EXISTS;
    }
    if (kern_driver_map_add_logical(bus_identifier, name, err) != 0)
        return VMK_BAD_PARAM;
    struct vmkDriver *drv = driver_add(VMK_KERNEL_MODULE_ID, name, ops, priv);
    if (!drv) {
        sim_err_set(err, "internal driver %s: out of memory", name);
        return VMK_NO_MEMORY;
    }
    drv->ready = true;
    sim_log(SIM_LOG_INFO, KDEV_LOG, "internal driver %s claims logical devices '%s'", name,
            bus_identifier);
    *out = drv;
    kern_device_bind_all();
    return VMK_OK;
}

/* Detaches drv from every device it drives (a device's children go first, inside the release),
 * then forgets the driver. Devices it registered are removed with their parents. */
static VMK_ReturnStatus driver_remove(struct vmkDriver *drv)
{
    VMK_ReturnStatus rc = VMK_OK;
    bool again = true;
    while (again) {
        again = false;
        for (struct vmkDevice *d = kdev_devices; d; d = d->next) {
            if (d->attached != drv)
                continue;
            sim_err err = {0};
            /* Removing the driver is not optional: a refusal is logged, and the release is
             * completed as for a device that went away. */
            if (kdev_release_driver(d, KERN_REMOVE_ORDERLY, &err) != VMK_OK) {
                sim_log(SIM_LOG_ERROR, KDEV_LOG, "driver %s: %s; detaching anyway", drv->name,
                        err.msg);
                rc = VMK_BUSY;
                kdev_release_driver(d, KERN_REMOVE_SURPRISE, NULL);
            }
            again = true;   /* the list changed (children removed): walk it again */
            break;
        }
    }
    /* Logical devices this driver registered whose parent it no longer drives cannot exist
     * (they are removed before the parent is detached). */
    for (struct vmkDriver **p = &kdev_drivers; *p; p = &(*p)->next) {
        if (*p == drv) {
            *p = drv->next;
            break;
        }
    }
    sim_log(SIM_LOG_INFO, KDEV_LOG, "driver %s unregistered", drv->name);
    free(drv);
    return rc;
}

VMK_ReturnStatus vmk_DriverUnregister(vmk_Driver driver)
{
    if (!kdev_driver_live(driver))
        return VMK_BAD_PARAM;
    return driver_remove(driver);
}

VMK_ReturnStatus vmk_DriverGetPrivateData(vmk_Driver driver, vmk_AddrCookie *data)
{
    if (!kdev_driver_live(driver) || !data)
        return VMK_BAD_PARAM;
    *data = driver->priv;
    return VMK_OK;
}

/* ---- binding ---- */

VMK_ReturnStatus kern_device_bind(vmk_Device dev)
{
    if (!kdev_device_live(dev) || dev->state != KERN_DEV_UNCLAIMED || dev->gone ||
        dev->attached)
        return VMK_NOT_FOUND;
    for (struct vmkDriver *drv = kdev_drivers; drv; drv = drv->next) {
        if (!drv->ready || !kdev_driver_matches(drv, dev))
            continue;
        if (kern_device_attach(dev, drv, NULL) != VMK_OK)
            continue;   /* the device stays unclaimed: try the next driver */
        sim_err err = {0};
        if (kern_device_start(dev, &err) != VMK_OK) {
            sim_log(SIM_LOG_WARN, KDEV_LOG, "device %s: driver %s attached but did not start",
                    dev->bus_address, drv->name);
            kdev_attach_hook(dev, drv, true);
            return VMK_OK;   /* claimed, left attached (quiescent) */
        }
        kern_device_scan(dev, &err);
        kdev_attach_hook(dev, drv, true);
        return VMK_OK;
    }
    return VMK_NOT_FOUND;
}

void kern_device_bind_all(void)
{
    /* A bind may register children (appended to the list): they are reached by the same walk. */
    for (struct vmkDevice *d = kdev_devices; d; d = d->next)
        if (d->state == KERN_DEV_UNCLAIMED && !d->gone)
            kern_device_bind(d);
}

/* ---- loader hooks ---- */

void kern_device_module_init_done(int module_id, bool ok)
{
    bool any = false;
    for (struct vmkDriver *drv = kdev_drivers, *next; drv; drv = next) {
        next = drv->next;
        if (drv->module_id != module_id || drv->ready)
            continue;
        if (ok) {
            drv->ready = true;
            any = true;
        } else {
            sim_log(SIM_LOG_WARN, KDEV_LOG, "module %d failed init with driver %s registered: "
                    "driver dropped", module_id, drv->name);
            driver_remove(drv);
        }
    }
    if (any)
        kern_device_bind_all();
}

void kern_device_module_unloading(int module_id)
{
    for (struct vmkDriver *drv = kdev_drivers, *next; drv; drv = next) {
        next = drv->next;
        if (drv->module_id != module_id)
            continue;
        sim_log(SIM_LOG_WARN, KDEV_LOG, "module %d unloads with driver %s still registered "
                "(cleanup_module should call vmk_DriverUnregister): unregistering it",
                module_id, drv->name);
        driver_remove(drv);
        next = kdev_drivers;   /* the list may have changed */
    }
}

void kern_device_layer_reset(void)
{
    /* Leaves first: removing a root removes its subtree. */
    while (kdev_devices) {
        struct vmkDevice *d = kdev_devices;
        while (d->parent)
            d = d->parent;
        if (kern_device_remove(d, KERN_REMOVE_ORDERLY, NULL) != VMK_OK)
            kern_device_remove(d, KERN_REMOVE_SURPRISE, NULL);
    }
    while (kdev_drivers)
        driver_remove(kdev_drivers);
    kern_driver_map_clear();
    kdev_call_world_free();
}
