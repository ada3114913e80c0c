/* lifecycle.c — the native device lifecycle with its legal transitions (vmkapi.md §1.2-1.8):
 * unclaimed --attach--> attached --start--> started --quiesce--> quiesced --start--> started;
 * attached|quiesced --detach--> unclaimed (children removed first); scan only when started;
 * forget at any time (surprise removal). Removal: forget (surprise), children first through their
 * registering driver's removeDevice, quiesce, detach, unregister. An illegal call is refused with
 * VMK_BUSY and logged; it never reaches the driver. */
#include <stdio.h>

#include "kernel_model/device/device_internal.h"
#include "sim/sim.h"

static bool check_live(struct vmkDevice *d, const char *what, sim_err *err)
{
    if (kdev_device_live(d))
        return true;
    sim_log(SIM_LOG_WARN, KDEV_LOG, "%s: not a registered device", what);
    if (err)
        sim_err_set(err, "%s: not a registered device", what);
    return false;
}

static void log_step(struct vmkDevice *d, const char *step, VMK_ReturnStatus st)
{
    sim_log(st == VMK_OK ? SIM_LOG_INFO : SIM_LOG_WARN, KDEV_LOG, "device %s: %s by driver %s: %s",
            d->bus_address, step, d->attached ? d->attached->name : "-", vmk_StatusToString(st));
}

static void released(struct vmkDevice *d, struct vmkDriver *drv)
{
    if (d->hooks.released)
        d->hooks.released(d->hooks_ctx, d, drv->module_id, drv->name);
}

VMK_ReturnStatus kern_device_attach(vmk_Device d, vmk_Driver drv, sim_err *err)
{
    if (!check_live(d, "attach", err))
        return VMK_INVALID_HANDLE;
    if (!kdev_driver_live(drv)) {
        if (err)
            sim_err_set(err, "device %s: attach by an unregistered driver", d->bus_address);
        return VMK_INVALID_HANDLE;
    }
    if (d->state != KERN_DEV_UNCLAIMED || d->attached || d->gone) {
        kdev_refused(d, "attach", err);
        return VMK_BUSY;
    }
    kdev_attach_hook(d, drv, false);
    d->attached = drv;
    d->in_attach = true;
    VMK_ReturnStatus st = kdev_call(drv, drv->ops.attachDevice, d);
    d->in_attach = false;
    log_step(d, "attach", st);
    if (st != VMK_OK) {
        d->attached = NULL;
        d->attached_data.ptr = NULL;
        kdev_notify(d, KERN_DEV_EV_ATTACH_FAILED, st);
        released(d, drv);   /* a refusing driver must leave nothing behind */
        if (err)
            sim_err_set(err, "device %s: driver %s refused attach: %s", d->bus_address,
                        drv->name, vmk_StatusToString(st));
        return st;
    }
    d->state = KERN_DEV_ATTACHED;
    kdev_notify(d, KERN_DEV_EV_ATTACH, st);
    return VMK_OK;
}

VMK_ReturnStatus kern_device_start(vmk_Device d, sim_err *err)
{
    if (!check_live(d, "start", err))
        return VMK_INVALID_HANDLE;
    if ((d->state != KERN_DEV_ATTACHED && d->state != KERN_DEV_QUIESCED) || d->gone) {
        kdev_refused(d, "start", err);
        return VMK_BUSY;
    }
    VMK_ReturnStatus st = kdev_call(d->attached, d->attached->ops.startDevice, d);
    log_step(d, "start", st);
    if (st == VMK_OK)
        d->state = KERN_DEV_STARTED;
    else if (err)
        sim_err_set(err, "device %s: start failed: %s", d->bus_address, vmk_StatusToString(st));
    kdev_notify(d, KERN_DEV_EV_START, st);
    return st;
}

VMK_ReturnStatus kern_device_scan(vmk_Device d, sim_err *err)
{
    if (!check_live(d, "scan", err))
        return VMK_INVALID_HANDLE;
    if (d->state != KERN_DEV_STARTED || d->gone || d->in_scan) {
        kdev_refused(d, "scan", err);
        return VMK_BUSY;
    }
    d->in_scan = true;
    VMK_ReturnStatus st = kdev_call(d->attached, d->attached->ops.scanDevice, d);
    d->in_scan = false;
    log_step(d, "scan", st);
    kdev_notify(d, KERN_DEV_EV_SCAN, st);
    if (st != VMK_OK && err)
        sim_err_set(err, "device %s: scan failed: %s", d->bus_address, vmk_StatusToString(st));
    /* The children it registered are offered to their drivers once the scan is over. A bind may
     * remove nothing, so walking the sibling list is safe. */
    for (struct vmkDevice *c = d->first_child; c; c = c->next_sibling)
        if (c->state == KERN_DEV_UNCLAIMED && !c->attached && !c->gone)
            kern_device_bind(c);
    return st;
}

/* Quiesce: on an orderly path a refusal keeps the device started; on a surprise path the device is
 * gone and counts as quiesced whatever the driver says. */
static VMK_ReturnStatus do_quiesce(struct vmkDevice *d, kern_remove_mode mode, sim_err *err)
{
    VMK_ReturnStatus st = kdev_call(d->attached, d->attached->ops.quiesceDevice, d);
    log_step(d, "quiesce", st);
    kdev_notify(d, KERN_DEV_EV_QUIESCE, st);
    if (st != VMK_OK && mode == KERN_REMOVE_ORDERLY) {
        if (err)
            sim_err_set(err, "device %s: driver %s refused quiesce: %s", d->bus_address,
                        d->attached->name, vmk_StatusToString(st));
        return st;
    }
    d->state = KERN_DEV_QUIESCED;
    return VMK_OK;
}

VMK_ReturnStatus kern_device_quiesce(vmk_Device d, sim_err *err)
{
    if (!check_live(d, "quiesce", err))
        return VMK_INVALID_HANDLE;
    if (d->state != KERN_DEV_STARTED) {
        kdev_refused(d, "quiesce", err);
        return VMK_BUSY;
    }
    return do_quiesce(d, d->gone ? KERN_REMOVE_SURPRISE : KERN_REMOVE_ORDERLY, err);
}

/* Removes every child of d (they must be gone before d's driver lets go). */
static VMK_ReturnStatus remove_children(struct vmkDevice *d, kern_remove_mode mode, sim_err *err)
{
    while (d->first_child) {
        struct vmkDevice *c = d->first_child;
        VMK_ReturnStatus st = kern_device_remove(c, mode, err);
        if (st != VMK_OK && mode == KERN_REMOVE_ORDERLY)
            return st;
        if (d->first_child == c) {   /* cannot happen: a surprise removal always unregisters */
            sim_log(SIM_LOG_ERROR, KDEV_LOG, "device %s: child %s survived its removal",
                    d->bus_address, c->bus_address);
            return VMK_FAILURE;
        }
    }
    return VMK_OK;
}

VMK_ReturnStatus kdev_release_driver(struct vmkDevice *d, kern_remove_mode mode, sim_err *err)
{
    struct vmkDriver *drv = d->attached;
    if (!drv)
        return VMK_OK;
    VMK_ReturnStatus st = remove_children(d, mode, err);
    if (st != VMK_OK)
        return st;
    if (d->state == KERN_DEV_STARTED && (st = do_quiesce(d, mode, err)) != VMK_OK)
        return st;
    st = kdev_call(drv, drv->ops.detachDevice, d);
    log_step(d, "detach", st);
    kdev_notify(d, KERN_DEV_EV_DETACH, st);
    if (st != VMK_OK && mode == KERN_REMOVE_ORDERLY) {
        if (err)
            sim_err_set(err, "device %s: driver %s refused detach: %s", d->bus_address, drv->name,
                        vmk_StatusToString(st));
        return st;
    }
    d->state = KERN_DEV_UNCLAIMED;
    d->attached = NULL;
    d->attached_data.ptr = NULL;
    released(d, drv);
    return VMK_OK;
}

VMK_ReturnStatus kern_device_detach(vmk_Device d, sim_err *err)
{
    if (!check_live(d, "detach", err))
        return VMK_INVALID_HANDLE;
    if (d->state != KERN_DEV_ATTACHED && d->state != KERN_DEV_QUIESCED) {
        kdev_refused(d, "detach", err);
        return VMK_BUSY;
    }
    return kdev_release_driver(d, d->gone ? KERN_REMOVE_SURPRISE : KERN_REMOVE_ORDERLY, err);
}

/* Pre-order: the device first (its hardware is what vanished), then what hangs below it. */
static void forget_tree(struct vmkDevice *d)
{
    if (!d->gone) {
        d->gone = true;
        sim_log(SIM_LOG_INFO, KDEV_LOG, "device %s: gone%s%s", d->bus_address,
                d->attached ? ", forget by driver " : "", d->attached ? d->attached->name : "");
        if (d->attached)
            kdev_call_void(d->attached, d->attached->ops.forgetDevice, d);
        kdev_notify(d, KERN_DEV_EV_FORGET, VMK_OK);
    }
    for (struct vmkDevice *c = d->first_child; c; c = c->next_sibling)
        forget_tree(c);
}

void kern_device_forget(vmk_Device d)
{
    if (check_live(d, "forget", NULL))
        forget_tree(d);
}

/* Unregisters d: a logical child through its registering driver's removeDevice (which must call
 * vmk_DeviceUnregister), a bus's root device directly. */
static void unregister(struct vmkDevice *d)
{
    struct vmkDriver *reg = d->registering;
    if (!reg) {
        kdev_device_free(d);
        return;
    }
    kdev_notify(d, KERN_DEV_EV_REMOVE_CHILD, VMK_OK);
    if (!d->ops.removeDevice) {
        sim_log(SIM_LOG_ERROR, KDEV_LOG, "device %s: driver %s registered it without a "
                "removeDevice op: unregistered by the kernel", d->bus_address, reg->name);
        kdev_device_free(d);
        return;
    }
    char addr[VMK_DEVICE_MAX_BUS_ADDRESS];
    snprintf(addr, sizeof addr, "%s", d->bus_address);
    d->removing = true;
    VMK_ReturnStatus st = kdev_call(reg, d->ops.removeDevice, d);
    /* The callback freed d if it unregistered it: only the list can tell. */
    if (kdev_device_live(d)) {
        sim_log(SIM_LOG_ERROR, KDEV_LOG, "device %s: driver %s's removeDevice returned %s without "
                "vmk_DeviceUnregister: unregistered by the kernel", addr, reg->name,
                vmk_StatusToString(st));
        kdev_device_free(d);
    }
}

VMK_ReturnStatus kern_device_remove(vmk_Device d, kern_remove_mode mode, sim_err *err)
{
    if (!check_live(d, "remove", err))
        return VMK_INVALID_HANDLE;
    sim_log(SIM_LOG_INFO, KDEV_LOG, "device %s: %s removal (state %s)", d->bus_address,
            mode == KERN_REMOVE_SURPRISE ? "surprise" : "orderly", kern_dev_state_name(d->state));
    if (mode == KERN_REMOVE_SURPRISE)
        forget_tree(d);
    VMK_ReturnStatus st = kdev_release_driver(d, mode, err);
    if (st != VMK_OK)
        return st;
    if ((st = remove_children(d, mode, err)) != VMK_OK)
        return st;
    unregister(d);
    return VMK_OK;
}
