/* device.c — the device tree: device identity (bus type, bus address, bus identifier; limits of
 * vmkapi v2.3 core/vmkapi_device.h, see /work/shared/reference/vmkapi.md §1 "Device identity"),
 * registration of root devices by kernel buses and of logical children from a driver's scan,
 * unregistration, registration / attached-driver data, bus types and logical bus addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/device/device_internal.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"

struct vmkBusType kdev_bus_types[KDEV_NBUS] = {
    {KDEV_BUS_PCI, VMK_PCI_BUS_NAME},
    {KDEV_BUS_LOGICAL, VMK_LOGICAL_BUS_NAME},
};

struct vmkDevice *kdev_devices;
static uint64_t next_serial = 1;
static kern_dev_observer_fn observer;
static void *observer_ctx;
static uint64_t refusals;

static const char *const state_names[] = {"unclaimed", "attached", "started", "quiesced"};
static const char *const event_names[] = {
    "register", "attach", "attach-failed", "start", "scan", "quiesce", "detach", "forget",
    "remove-child", "unregister", "refused",
};

const char *kern_dev_state_name(kern_dev_state s)
{
    return (unsigned)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "?";
}

const char *kern_dev_event_name(kern_dev_event ev)
{
    return (unsigned)ev < sizeof event_names / sizeof event_names[0] ? event_names[ev] : "?";
}

void kern_device_set_observer(kern_dev_observer_fn fn, void *ctx)
{
    observer = fn;
    observer_ctx = ctx;
}

static kern_dev_attach_hook_fn attach_hook;
static void *attach_hook_ctx;

void kern_device_set_attach_hook(kern_dev_attach_hook_fn fn, void *ctx)
{
    attach_hook = fn;
    attach_hook_ctx = ctx;
}

void kdev_attach_hook(struct vmkDevice *d, struct vmkDriver *drv, bool bound)
{
    if (attach_hook)
        attach_hook(attach_hook_ctx, d, drv, bound);
}

void kdev_notify(struct vmkDevice *d, kern_dev_event ev, VMK_ReturnStatus st)
{
    if (observer)
        observer(observer_ctx, d, ev, st);
}

uint64_t kern_device_refusals(void)
{
    return refusals;
}

void kdev_refused(struct vmkDevice *d, const char *what, sim_err *err)
{
    refusals++;
    sim_log(SIM_LOG_WARN, KDEV_LOG, "device %s: %s refused in state %s%s",
            d->bus_address, what, kern_dev_state_name(d->state), d->gone ? " (gone)" : "");
    if (err)
        sim_err_set(err, "device %s: %s refused in state %s%s", d->bus_address, what,
                    kern_dev_state_name(d->state), d->gone ? " (gone)" : "");
    kdev_notify(d, KERN_DEV_EV_REFUSED, VMK_BUSY);
}

bool kdev_device_live(const struct vmkDevice *d)
{
    if (!d)
        return false;
    for (struct vmkDevice *x = kdev_devices; x; x = x->next)
        if (x == d)
            return true;
    return false;
}

bool kern_device_valid(vmk_Device dev)
{
    return kdev_device_live(dev);
}

/* Checks an identity string: length (with NUL) within max, printable ASCII, '#' only if allowed. */
static bool ident_ok(const char *s, size_t max, bool hash_ok, const char *what, sim_err *err)
{
    size_t n = strnlen(s, max);
    if (n == 0 || n == max) {
        sim_err_set(err, "device %s: must be 1..%zu characters", what, max - 1);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c > 0x7e || (c == '#' && !hash_ok)) {
            sim_err_set(err, "device %s '%.*s': character 0x%02x not allowed", what, (int)n, s, c);
            return false;
        }
    }
    return true;
}

struct vmkDevice *kdev_device_new(struct vmkBusType *bus, const char *addr, const char *ident,
                                  sim_err *err)
{
    bool logical = bus->id == KDEV_BUS_LOGICAL;
    if (!addr || !ident_ok(addr, VMK_DEVICE_MAX_BUS_ADDRESS, logical, "bus address", err))
        return NULL;
    if (ident && *ident && !ident_ok(ident, VMK_DEVICE_MAX_BUS_IDENTIFIER, false,
                                     "bus identifier", err))
        return NULL;
    if (logical && (!ident || !*ident)) {
        sim_err_set(err, "device %s: a logical device needs a bus identifier", addr);
        return NULL;
    }
    if (kern_device_find(addr)) {
        sim_err_set(err, "device %s: bus address already registered", addr);
        return NULL;
    }
    struct vmkDevice *d = calloc(1, sizeof *d);
    if (!d) {
        sim_err_set(err, "device %s: out of memory", addr);
        return NULL;
    }
    d->bus_address = strdup(addr);
    d->bus_identifier = strdup(ident ? ident : "");
    if (!d->bus_address || !d->bus_identifier) {
        free(d->bus_address);
        free(d->bus_identifier);
        free(d);
        sim_err_set(err, "device %s: out of memory", addr);
        return NULL;
    }
    d->serial = next_serial++;
    d->bus = bus;
    d->state = KERN_DEV_UNCLAIMED;
    struct vmkDevice **tail = &kdev_devices;
    while (*tail)
        tail = &(*tail)->next;
    *tail = d;
    return d;
}

static void unlink_child(struct vmkDevice *d)
{
    if (!d->parent)
        return;
    for (struct vmkDevice **p = &d->parent->first_child; *p; p = &(*p)->next_sibling) {
        if (*p == d) {
            *p = d->next_sibling;
            break;
        }
    }
    d->parent = NULL;
}

void kdev_device_free(struct vmkDevice *d)
{
    unlink_child(d);
    for (struct vmkDevice **p = &kdev_devices; *p; p = &(*p)->next) {
        if (*p == d) {
            *p = d->next;
            break;
        }
    }
    sim_log(SIM_LOG_INFO, KDEV_LOG, "device %s unregistered", d->bus_address);
    kdev_notify(d, KERN_DEV_EV_UNREGISTER, VMK_OK);
    if (d->hooks.unregistered)
        d->hooks.unregistered(d->hooks_ctx, d);
    free(d->bus_address);
    free(d->bus_identifier);
    free(d);
}

VMK_ReturnStatus kern_device_register_root(const char *bus_type, const char *bus_address,
                                           const char *bus_identifier,
                                           vmk_AddrCookie registration_data,
                                           const kern_bus_hooks *hooks, void *hooks_ctx,
                                           vmk_Device *out, sim_err *err)
{
    *out = NULL;
    struct vmkBusType *bus = NULL;
    for (int i = 0; i < KDEV_NBUS; i++)
        if (bus_type && !strcmp(bus_type, kdev_bus_types[i].name))
            bus = &kdev_bus_types[i];
    if (!bus) {
        sim_err_set(err, "device %s: unknown bus type '%s'", bus_address ? bus_address : "?",
                    bus_type ? bus_type : "(null)");
        return VMK_BAD_PARAM;
    }
    struct vmkDevice *d = kdev_device_new(bus, bus_address, bus_identifier, err);
    if (!d)
        return VMK_BAD_PARAM;
    d->registration_data = registration_data;
    if (hooks)
        d->hooks = *hooks;
    d->hooks_ctx = hooks_ctx;
    sim_log(SIM_LOG_INFO, KDEV_LOG, "device %s registered on bus %s", d->bus_address, bus->name);
    kdev_notify(d, KERN_DEV_EV_REGISTER, VMK_OK);
    *out = d;
    return VMK_OK;
}

/* ---- queries ---- */

size_t kern_device_count(void)
{
    size_t n = 0;
    for (struct vmkDevice *d = kdev_devices; d; d = d->next)
        n++;
    return n;
}

vmk_Device kern_device_at(size_t i)
{
    struct vmkDevice *d = kdev_devices;
    while (d && i--)
        d = d->next;
    return d;
}

vmk_Device kern_device_find(const char *bus_address)
{
    for (struct vmkDevice *d = kdev_devices; d; d = d->next)
        if (bus_address && !strcmp(d->bus_address, bus_address))
            return d;
    return NULL;
}

kern_dev_state kern_device_state(vmk_Device dev) { return dev->state; }
bool kern_device_forgotten(vmk_Device dev) { return dev->gone; }
vmk_Driver kern_device_driver(vmk_Device dev) { return dev->attached; }
vmk_Driver kern_device_registering_driver(vmk_Device dev) { return dev->registering; }
vmk_Device kern_device_parent(vmk_Device dev) { return dev->parent; }
vmk_Device kern_device_first_child(vmk_Device dev) { return dev->first_child; }
vmk_Device kern_device_next_sibling(vmk_Device dev) { return dev->next_sibling; }
const char *kern_device_bus_type(vmk_Device dev) { return dev->bus->name; }
const char *kern_device_bus_address(vmk_Device dev) { return dev->bus_address; }
const char *kern_device_bus_identifier(vmk_Device dev) { return dev->bus_identifier; }
vmk_AddrCookie kern_device_registration_data(vmk_Device dev) { return dev->registration_data; }

/* ---- vmkapi ---- */

static bool bus_type_valid(vmk_BusType b)
{
    for (int i = 0; i < KDEV_NBUS; i++)
        if (b == &kdev_bus_types[i])
            return true;
    return false;
}

VMK_ReturnStatus vmk_DeviceRegister(vmk_DeviceProps *props, vmk_Device parent,
                                    vmk_Device *newDevice)
{
    if (!props || !newDevice || !kdev_device_live(parent))
        return VMK_BAD_PARAM;
    struct vmkDriver *drv = props->registeringDriver;
    /* vmkapi.md §1.4: only from the registering driver's scan of the parent. */
    if (!parent->in_scan || !drv || parent->attached != drv) {
        sim_log(SIM_LOG_WARN, KDEV_LOG, "vmk_DeviceRegister under %s by module %d: not inside "
                "the parent driver's scanDevice: VMK_NOT_SUPPORTED", parent->bus_address,
                kern_module_current());
        return VMK_NOT_SUPPORTED;
    }
    vmk_DeviceID *id = props->deviceID;
    if (!id || !bus_type_valid(id->busType) || !id->busAddress)
        return VMK_BAD_PARAM;
    sim_err err = {0};
    struct vmkDevice *d = kdev_device_new(id->busType, id->busAddress, id->busIdentifier, &err);
    if (!d) {
        sim_log(SIM_LOG_WARN, KDEV_LOG, "vmk_DeviceRegister by driver %s: %s", drv->name, err.msg);
        return VMK_BAD_PARAM;
    }
    d->registering = drv;
    if (props->deviceOps)
        d->ops = *props->deviceOps;
    d->registering_data = props->registeringDriverData;
    d->registration_data = props->registrationData;
    d->parent = parent;
    struct vmkDevice **tail = &parent->first_child;
    while (*tail)
        tail = &(*tail)->next_sibling;
    *tail = d;
    sim_log(SIM_LOG_INFO, KDEV_LOG, "device %s (%s) registered under %s by driver %s",
            d->bus_address, d->bus_identifier, parent->bus_address, drv->name);
    kdev_notify(d, KERN_DEV_EV_REGISTER, VMK_OK);
    *newDevice = d;
    return VMK_OK;
}

VMK_ReturnStatus vmk_DeviceUnregister(vmk_Device device)
{
    if (!kdev_device_live(device))
        return VMK_BAD_PARAM;
    if (device->attached || device->first_child) {
        refusals++;
        sim_log(SIM_LOG_WARN, KDEV_LOG, "vmk_DeviceUnregister %s: %s: VMK_BUSY",
                device->bus_address, device->attached ? "a driver is attached" : "has children");
        return VMK_BUSY;
    }
    kdev_device_free(device);
    return VMK_OK;
}

VMK_ReturnStatus vmk_DeviceGetRegistrationData(vmk_Device device, vmk_AddrCookie *data)
{
    if (!kdev_device_live(device) || !data)
        return VMK_BAD_PARAM;
    *data = device->registration_data;
    return VMK_OK;
}

VMK_ReturnStatus vmk_DeviceGetRegisteringDriverData(vmk_Device device, vmk_AddrCookie *data)
{
    if (!kdev_device_live(device) || !data)
        return VMK_BAD_PARAM;
    *data = device->registering_data;
    return VMK_OK;
}

/* Only the attached driver's module (or the kernel) may touch its data. */
static bool attached_caller(const struct vmkDevice *d)
{
    int cur = kern_module_current();
    return d->attached && (cur == d->attached->module_id || cur == VMK_KERNEL_MODULE_ID);
}

VMK_ReturnStatus vmk_DeviceSetAttachedDriverData(vmk_Device device, vmk_AddrCookie data)
{
    if (!kdev_device_live(device))
        return VMK_BAD_PARAM;
    if (!attached_caller(device))
        return VMK_NO_PERMISSION;
    device->attached_data = data;
    return VMK_OK;
}

VMK_ReturnStatus vmk_DeviceGetAttachedDriverData(vmk_Device device, vmk_AddrCookie *data)
{
    if (!kdev_device_live(device) || !data)
        return VMK_BAD_PARAM;
    if (!attached_caller(device))
        return VMK_NO_PERMISSION;
    *data = device->attached_data;
    return VMK_OK;
}

VMK_ReturnStatus vmk_BusTypeFind(vmk_Name *busName, vmk_BusType *busType)
{
    if (!busName || !busType)
        return VMK_BAD_PARAM;
    for (int i = 0; i < KDEV_NBUS; i++) {
        if (!strncmp(busName->string, kdev_bus_types[i].name, sizeof busName->string)) {
            *busType = &kdev_bus_types[i];
            return VMK_OK;
        }
    }
    return VMK_NOT_FOUND;
}

VMK_ReturnStatus vmk_BusTypeRelease(vmk_BusType busType)
{
    return bus_type_valid(busType) ? VMK_OK : VMK_BAD_PARAM;
}

VMK_ReturnStatus vmk_LogicalCreateBusAddress(vmk_Driver driverHandle, vmk_Device parentDevice,
                                             vmk_uint32 logicalPort, char **busAddress,
                                             vmk_uint32 *busAddressLen)
{
    if (!kdev_driver_live(driverHandle) || !kdev_device_live(parentDevice) || !busAddress ||
        !busAddressLen)
        return VMK_BAD_PARAM;
    /* The parent's identity makes it unique in the tree and stable across boots. */
    int n = snprintf(NULL, 0, "%s#%s#%u", parentDevice->bus->name, parentDevice->bus_address,
                     (unsigned)logicalPort);
    if (n <= 0 || n >= VMK_DEVICE_MAX_BUS_ADDRESS)
        return VMK_LIMIT_EXCEEDED;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return VMK_NO_MEMORY;
    snprintf(s, (size_t)n + 1, "%s#%s#%u", parentDevice->bus->name, parentDevice->bus_address,
             (unsigned)logicalPort);
    *busAddress = s;
    *busAddressLen = (vmk_uint32)n;
    return VMK_OK;
}

VMK_ReturnStatus vmk_LogicalFreeBusAddress(vmk_Driver driverHandle, char *busAddress)
{
    if (!kdev_driver_live(driverHandle) || !busAddress)
        return VMK_BAD_PARAM;
    free(busAddress);
    return VMK_OK;
}
