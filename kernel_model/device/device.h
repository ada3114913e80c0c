/* device.h — the kernel's device layer (kernel side): the device tree, the driver map that
 * binds devices to drivers, the native lifecycle (attach, start, scan; quiesce, detach; forget)
 * with its legal transitions, removal (orderly or surprise, children first), internal consumers
 * that claim logical devices, and the hooks the module loader calls. The vmkapi side is
 * include/vmkapi/vmkapi_device.h and vmkapi_driver.h. Rules: docs/device-model.md, following
 * /work/shared/reference/vmkapi.md §1. */
#ifndef VMKSIM_KERN_DEVICE_H
#define VMKSIM_KERN_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"
#include "vmkapi/vmkapi.h"   /* C linkage for C++ callers comes with the umbrella */

#ifdef __cplusplus
extern "C" {
#endif

/* Where a registered device is in its life. A device is registered UNCLAIMED; attach makes it
 * ATTACHED (claimed, quiescent); start makes it STARTED (IO-able); quiesce makes it QUIESCED; from
 * ATTACHED or QUIESCED detach makes it UNCLAIMED again. Forget is a flag (gone), not a state. */
typedef enum kern_dev_state {
    KERN_DEV_UNCLAIMED,
    KERN_DEV_ATTACHED,
    KERN_DEV_STARTED,
    KERN_DEV_QUIESCED,
} kern_dev_state;

const char *kern_dev_state_name(kern_dev_state s);

typedef enum kern_remove_mode {
    KERN_REMOVE_ORDERLY,    /* the device is still there: quiesce and detach may touch it */
    KERN_REMOVE_SURPRISE,   /* the device is gone: forgetDevice first, then quiesce, detach */
} kern_remove_mode;

/* What a bus that registers devices itself (the PCI bus driver) is told. Both may be NULL. */
typedef struct kern_bus_hooks {
    /* A driver let go of the device (detach, or a failed attach): reclaim what it left behind
     * (mappings, vectors) and report it as a leak of that driver's module. */
    void (*released)(void *ctx, vmk_Device dev, int module_id, const char *driver_name);
    /* The device left the tree; ctx is no longer used after this. */
    void (*unregistered)(void *ctx, vmk_Device dev);
} kern_bus_hooks;

/* ---- the tree ---- */

/* Registers a root device on bus_type ("pci" or "logical") for a kernel bus driver. The identity
 * strings are copied. bus_identifier may be NULL (PCI). The device starts UNCLAIMED; it is offered
 * to drivers by kern_device_bind. Returns VMK_OK or a failure status with err set. */
VMK_ReturnStatus kern_device_register_root(const char *bus_type, const char *bus_address,
                                           const char *bus_identifier,
                                           vmk_AddrCookie registration_data,
                                           const kern_bus_hooks *hooks, void *hooks_ctx,
                                           vmk_Device *out, sim_err *err);

size_t kern_device_count(void);
vmk_Device kern_device_at(size_t i);                   /* in registration order */
vmk_Device kern_device_find(const char *bus_address);  /* NULL if none */
bool kern_device_valid(vmk_Device dev);                /* a registered device */
kern_dev_state kern_device_state(vmk_Device dev);
bool kern_device_forgotten(vmk_Device dev);
vmk_Driver kern_device_driver(vmk_Device dev);         /* attached driver, or NULL */
vmk_Driver kern_device_registering_driver(vmk_Device dev);   /* NULL: a kernel bus */
vmk_Device kern_device_parent(vmk_Device dev);
vmk_Device kern_device_first_child(vmk_Device dev);
vmk_Device kern_device_next_sibling(vmk_Device dev);
const char *kern_device_bus_type(vmk_Device dev);
const char *kern_device_bus_address(vmk_Device dev);
const char *kern_device_bus_identifier(vmk_Device dev);     /* "" if none */
vmk_AddrCookie kern_device_registration_data(vmk_Device dev);

/* ---- lifecycle, one step each (tests, the hot-plug handler). An illegal transition for the
 * device's state returns VMK_BUSY (VMK_INVALID_HANDLE for an unknown device), is logged, and
 * changes nothing. ---- */
VMK_ReturnStatus kern_device_attach(vmk_Device dev, vmk_Driver drv, sim_err *err);
VMK_ReturnStatus kern_device_start(vmk_Device dev, sim_err *err);
VMK_ReturnStatus kern_device_scan(vmk_Device dev, sim_err *err);
VMK_ReturnStatus kern_device_quiesce(vmk_Device dev, sim_err *err);
VMK_ReturnStatus kern_device_detach(vmk_Device dev, sim_err *err);   /* children removed first */
void kern_device_forget(vmk_Device dev);   /* the device and its subtree are gone */

/* Offers an unclaimed device to every matching ready driver, in registration order, until one
 * attaches; then start and scan (and the children the scan registered are offered in turn).
 * VMK_OK if a driver took it, VMK_NOT_FOUND if none matched or all refused. */
VMK_ReturnStatus kern_device_bind(vmk_Device dev);
/* Offers every unclaimed device (e.g. after changing the driver map). */
void kern_device_bind_all(void);

/* Removes a device and its subtree: (surprise: forget), children removed first, quiesce, detach,
 * then the device is unregistered (a logical child through its registering driver's
 * removeDevice). Orderly: a refused quiesce or detach stops the removal (the device stays,
 * VMK_BUSY / the driver's status). Surprise: failures are logged and the removal goes on. */
VMK_ReturnStatus kern_device_remove(vmk_Device dev, kern_remove_mode mode, sim_err *err);

/* ---- drivers ---- */
/* A kernel-internal consumer (e.g. the uplink layer) that claims logical devices whose bus
 * identifier is bus_identifier: registered at once (module 0, the kernel), with a driver-map entry
 * identifier → name, and offered every matching unclaimed device. */
VMK_ReturnStatus kern_driver_register_internal(const char *name, const char *bus_identifier,
                                               const vmk_DriverOps *ops, vmk_AddrCookie priv,
                                               vmk_Driver *out, sim_err *err);
vmk_Driver kern_driver_find(const char *name);
const char *kern_driver_name(vmk_Driver drv);
int kern_driver_module(vmk_Driver drv);
size_t kern_driver_count(void);

/* ---- the driver map (as ESXi's /etc/vmware/driver.map.d): which driver a device binds to ----
 * PCI: vendor:device → driver name. Logical: bus identifier → driver name. Several entries may
 * name different drivers for the same key; they are tried in driver registration order. */
int kern_driver_map_add_pci(uint16_t vendor_id, uint16_t device_id, const char *driver,
                            sim_err *err);
int kern_driver_map_add_logical(const char *bus_identifier, const char *driver, sim_err *err);
void kern_driver_map_clear(void);
size_t kern_driver_map_count(void);

/* ---- module loader hooks (loader.c) ---- */
/* init_module returned: on success the module's drivers become ready and are offered devices;
 * on failure they are dropped. */
void kern_device_module_init_done(int module_id, bool ok);
/* Before the module's code is unmapped: any driver it left registered is unregistered (its
 * devices detached) and reported. */
void kern_device_module_unloading(int module_id);

/* ---- observation (tests, results, hot-plug step logs) ---- */
typedef enum kern_dev_event {
    KERN_DEV_EV_REGISTER, KERN_DEV_EV_ATTACH, KERN_DEV_EV_ATTACH_FAILED, KERN_DEV_EV_START,
    KERN_DEV_EV_SCAN, KERN_DEV_EV_QUIESCE, KERN_DEV_EV_DETACH, KERN_DEV_EV_FORGET,
    KERN_DEV_EV_REMOVE_CHILD, KERN_DEV_EV_UNREGISTER, KERN_DEV_EV_REFUSED,
} kern_dev_event;
const char *kern_dev_event_name(kern_dev_event ev);
typedef void (*kern_dev_observer_fn)(void *ctx, vmk_Device dev, kern_dev_event ev,
                                     VMK_ReturnStatus status);
/* One observer at a time; NULL removes it. Called after each step with the callback's status. */
void kern_device_set_observer(kern_dev_observer_fn fn, void *ctx);

/* Called just before a driver's attachDevice runs (bound = false), and when kern_device_bind
 * has finished attach, start and scan of the device (bound = true): the hot-plug handler notes
 * what the driver's module holds at both, to check after the device's removal that its share
 * came back. One hook at a time; NULL removes it. */
typedef void (*kern_dev_attach_hook_fn)(void *ctx, vmk_Device dev, vmk_Driver drv, bool bound);
void kern_device_set_attach_hook(kern_dev_attach_hook_fn fn, void *ctx);

/* Lifecycle transitions refused so far (illegal calls), for tests and results. */
uint64_t kern_device_refusals(void);

/* Removes every device (orderly, leaves first), every driver and the driver map (shutdown,
 * between tests). */
void kern_device_layer_reset(void);

#ifdef __cplusplus
}
#endif
#endif
