/* adapter.c — SCSI adapters: the kernel's internal driver that claims "com.vmware.HBAPort" logical
 * devices (a native driver's vmk_ScsiAdapter as registration data, vmkapi v2.3
 * scsi/vmkapi_scsi.h), names them vmhbaN, starts discovery when the device starts, stops I/O at
 * quiesce and fails what is left at detach; each adapter's worker thread (its completion and
 * error-handling world); calls into driver code. Rules: docs/storage.md "Adapters". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/device/device.h"
#include "kernel_model/module/module.h"
#include "kernel_model/scsi/scsi_internal.h"
#include "sim/sim.h"

static kern_scsi_adapter *adapters;   /* claim order */
static vmk_Driver scsi_driver;
static kern_scsi_params params = { 5000, 1000 };

void kern_scsi_params_default(kern_scsi_params *p)
{
    p->cmd_timeout_ms = 5000;   /* ESXi's default SCSI command timeout for disks is 5 s */
    p->tm_timeout_ms = 1000;
}

int kern_scsi_configure(const kern_scsi_params *p, sim_err *err)
{
    if (p->cmd_timeout_ms == 0 || p->tm_timeout_ms == 0)
        return sim_err_set(err, "scsi: cmd_timeout_ms (%u) and tm_timeout_ms (%u) must be > 0",
                           p->cmd_timeout_ms, p->tm_timeout_ms);
    params = *p;
    return 0;
}

const kern_scsi_params *kscsi_params(void) { return &params; }

bool kscsi_adapter_live(const kern_scsi_adapter *a)
{
    for (kern_scsi_adapter *x = adapters; x && a; x = x->next)
        if (x == a)
            return true;
    return false;
}

static kern_scsi_adapter *by_device(vmk_Device dev)
{
    for (kern_scsi_adapter *a = adapters; a; a = a->next)
        if (a->dev == dev)
            return a;
    return NULL;
}

/* ---- calls into the driver ---- */

bool kscsi_call_begin(kscsi_call *c, kern_scsi_adapter *a, const char *what)
{
    char why[160];
    snprintf(why, sizeof why, "%s: %s", a->name, what);
    return kern_module_call_begin(c, a->world, a->va->moduleID, KERN_SCSI_LOG, why);
}

void kscsi_call_end(kscsi_call *c, const char *what)
{
    kern_module_call_end(c, KERN_SCSI_LOG, what);
}

/* ---- the worker: completions, timeouts, queued commands, in the adapter's world ---- */

void kscsi_worker_kick(kern_scsi_adapter *a, sim_time_t when)
{
    if (!a->worker_waiting)
        return;   /* running: it looks at its lists again before it waits */
    sim_time_t now = sim_now();
    sim_event_notify(a->ev, when > now ? when - now : 0);
}

static void worker_thread(void *arg)
{
    kern_scsi_adapter *a = arg;
    while (!a->stopping) {
        if (!kscsi_worker_has_work(a)) {
            a->worker_waiting = true;
            sim_wait_event(a->ev);
            a->worker_waiting = false;
            continue;
        }
        kern_tworld_enter(a->world);
        a->worker_in_world = true;
        kern_cost_charge(KERN_COST_WORLD_SWITCH, 0);
        kscsi_worker_run(a);
        kern_world_sync();
        a->worker_in_world = false;
        kern_tworld_leave(a->world);
    }
    a->worker_running = false;
}

/* ---- the internal driver ---- */

static VMK_ReturnStatus adapter_check(const vmk_ScsiAdapter *va, const char *addr)
{
    if (!va) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "HBA port %s: no vmk_ScsiAdapter "
                "(registrationData.ptr is NULL)", addr);
        return VMK_BAD_PARAM;
    }
    if (va->moduleID != VMK_KERNEL_MODULE_ID && !kern_module_by_id(va->moduleID)) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "HBA port %s: moduleID %d is not a loaded module",
                addr, va->moduleID);
        return VMK_BAD_PARAM;
    }
    const char *missing = !va->command ? "command" : !va->taskMgmt ? "taskMgmt"
                          : !va->discover ? "discover" : NULL;
    if (missing) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "HBA port %s: vmk_ScsiAdapter.%s is required", addr,
                missing);
        return VMK_BAD_PARAM;
    }
    if (va->channels == 0 || va->maxTargets == 0 || va->maxLUNs == 0 || va->queueDepth == 0) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "HBA port %s: channels (%u), maxTargets (%u), "
                "maxLUNs (%u) and queueDepth (%u) must be at least 1", addr, va->channels,
                va->maxTargets, va->maxLUNs, va->queueDepth);
        return VMK_BAD_PARAM;
    }
    if (va->maxCmdLen != 0 && (va->maxCmdLen < 6 || va->maxCmdLen > VMK_SCSI_MAX_CDB_LEN)) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "HBA port %s: maxCmdLen %u (expected 6..16)", addr,
                va->maxCmdLen);
        return VMK_BAD_PARAM;
    }
    return VMK_OK;
}

static void pick_name(char *out, size_t len)
{
    for (unsigned i = 0;; i++) {
        snprintf(out, len, "vmhba%u", i);
        if (!kern_scsi_adapter_find(out))
            return;
    }
}

static VMK_ReturnStatus drv_attach(vmk_Device dev)
{
    const char *addr = kern_device_bus_address(dev);
    vmk_ScsiAdapter *va = kern_device_registration_data(dev).ptr;
    VMK_ReturnStatus st = adapter_check(va, addr);
    if (st != VMK_OK)
        return st;
    kern_scsi_adapter *a = calloc(1, sizeof *a);
    if (!a)
        return VMK_NO_MEMORY;
    pick_name(a->name, sizeof a->name);
    a->dev = dev;
    a->va = va;
    a->pending_tail = &a->pending;
    a->done_tail = &a->done;
    a->timeouts_tail = &a->timeouts;
    snprintf(a->world_name, sizeof a->world_name, "scsi:%s", a->name);
    a->world = kern_tworld_new(a->world_name);
    a->ev = sim_event_new(a->world_name);
    if (!a->world || !a->ev) {
        if (a->world)
            kern_tworld_free(a->world);
        if (a->ev)
            sim_event_free(a->ev);
        free(a);
        return VMK_NO_MEMORY;
    }
    memcpy(va->name.string, a->name, sizeof va->name.string);
    va->kernelPrivate = a;
    kern_scsi_adapter **tail = &adapters;
    while (*tail)
        tail = &(*tail)->next;
    *tail = a;
    a->worker_running = true;
    sim_thread_spawn(a->world_name, worker_thread, a);
    sim_log(SIM_LOG_INFO, KERN_SCSI_LOG, "%s: adapter of device %s (module %d): %u channel(s), "
            "%u target(s), %u LUN(s), queue depth %u", a->name, addr, va->moduleID, va->channels,
            va->maxTargets, va->maxLUNs, va->queueDepth);
    return VMK_OK;
}

static VMK_ReturnStatus drv_start(vmk_Device dev)
{
    kern_scsi_adapter *a = by_device(dev);
    if (!a)
        return VMK_NOT_FOUND;
    a->io_started = true;
    if (!a->scanning)
        kscsi_scan_start(a);
    return VMK_OK;
}

static VMK_ReturnStatus drv_scan(vmk_Device dev)
{
    (void)dev;   /* paths are not devices in the tree here: discovery keeps them */
    return VMK_OK;
}

static VMK_ReturnStatus drv_quiesce(vmk_Device dev)
{
    kern_scsi_adapter *a = by_device(dev);
    if (!a)
        return VMK_NOT_FOUND;
    a->io_started = false;   /* nothing new is issued; what is in the driver may still end */
    return VMK_OK;
}

static void adapter_free(kern_scsi_adapter *a)
{
    a->stopping = true;
    sim_cancel_owner(a);   /* the worker and a running scan never run again */
    kscsi_fail_all(a, VMK_SCSI_HOST_NO_CONNECT);
    kscsi_disks_drop(a);
    if (a->va && a->va->kernelPrivate == a)
        a->va->kernelPrivate = NULL;
    sim_event_free(a->ev);
    /* A worker cancelled while inside its world (blocked in a sync or a driver call) never
     * leaves it: the world then stays on the timing layer's list (its cycles still count). */
    if (kern_tworld_current() != a->world && !a->worker_in_world)
        kern_tworld_free(a->world);
    free(a);
}

static VMK_ReturnStatus drv_detach(vmk_Device dev)
{
    kern_scsi_adapter *a = by_device(dev);
    if (!a)
        return VMK_NOT_FOUND;
    a->io_started = false;
    kscsi_paths_destroy(a);
    sim_log(SIM_LOG_INFO, KERN_SCSI_LOG, "%s: adapter removed (%llu commands, %llu ok, %llu "
            "failed)", a->name, (unsigned long long)a->ctr.issued,
            (unsigned long long)a->ctr.completed_ok, (unsigned long long)a->ctr.completed_error);
    for (kern_scsi_adapter **pp = &adapters; *pp; pp = &(*pp)->next)
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    adapter_free(a);
    return VMK_OK;
}

static void drv_forget(vmk_Device dev)
{
    kern_scsi_adapter *a = by_device(dev);
    if (a) {
        a->gone = true;
        sim_log(SIM_LOG_WARN, KERN_SCSI_LOG, "%s: device gone (surprise removal)", a->name);
    }
}

int kern_scsi_layer_init(sim_err *err)
{
    if (scsi_driver && kern_driver_find(KERN_SCSI_DRIVER_NAME) == scsi_driver)
        return 0;
    static const vmk_DriverOps ops = {
        .attachDevice = drv_attach, .scanDevice = drv_scan, .detachDevice = drv_detach,
        .quiesceDevice = drv_quiesce, .startDevice = drv_start, .forgetDevice = drv_forget,
    };
    vmk_AddrCookie none = { .ptr = NULL };
    if (kern_driver_register_internal(KERN_SCSI_DRIVER_NAME, VMK_SCSI_PSA_DRIVER_BUS_ID, &ops,
                                      none, &scsi_driver, err) != VMK_OK) {
        scsi_driver = NULL;
        return -1;
    }
    return 0;
}

void kern_scsi_layer_reset(void)
{
    if (scsi_driver && kern_driver_find(KERN_SCSI_DRIVER_NAME) == scsi_driver)
        vmk_DriverUnregister(scsi_driver);
    scsi_driver = NULL;
    while (adapters) {   /* left behind if the device layer was reset first */
        kern_scsi_adapter *a = adapters;
        adapters = a->next;
        adapter_free(a);
    }
    kscsi_disks_reset();
    kscsi_zombies_free();
    kern_scsi_params_default(&params);
}

/* ---- queries ---- */

size_t kern_scsi_adapter_count(void)
{
    size_t n = 0;
    for (kern_scsi_adapter *a = adapters; a; a = a->next)
        n++;
    return n;
}

kern_scsi_adapter *kern_scsi_adapter_at(size_t i)
{
    kern_scsi_adapter *a = adapters;
    while (a && i--)
        a = a->next;
    return a;
}

kern_scsi_adapter *kern_scsi_adapter_find(const char *name)
{
    for (kern_scsi_adapter *a = adapters; name && a; a = a->next)
        if (!strcmp(a->name, name))
            return a;
    return NULL;
}

const char *kern_scsi_adapter_name(const kern_scsi_adapter *a)
{
    return kscsi_adapter_live(a) ? a->name : "?";
}

vmk_Device kern_scsi_adapter_device(const kern_scsi_adapter *a)
{
    return kscsi_adapter_live(a) ? a->dev : VMK_DEVICE_NONE;
}

bool kern_scsi_adapter_scanned(const kern_scsi_adapter *a)
{
    return kscsi_adapter_live(a) && a->scanned && !a->scanning;
}

int kern_scsi_adapter_rescan(kern_scsi_adapter *a, sim_err *err)
{
    if (!kscsi_adapter_live(a))
        return sim_err_set(err, "scsi rescan: no such adapter");
    if (!a->io_started || a->gone)
        return sim_err_set(err, "scsi rescan: %s is not started", a->name);
    if (a->scanning)
        return sim_err_set(err, "scsi rescan: %s is already scanning", a->name);
    kscsi_scan_start(a);
    return 0;
}

vmk_DMAEngine kern_scsi_adapter_engine(const kern_scsi_adapter *a)
{
    return kscsi_adapter_live(a) && a->va ? a->va->engine : VMK_DMA_ENGINE_INVALID;
}

void kern_scsi_adapter_counters_get(const kern_scsi_adapter *a, kern_scsi_adapter_counters *out)
{
    memset(out, 0, sizeof *out);
    if (kscsi_adapter_live(a)) {
        *out = a->ctr;
        out->outstanding = a->active;
    }
}

/* ---- the driver's calls ---- */

vmk_ScsiAdapter *vmk_ScsiAllocateAdapter(void)
{
    kern_cost_charge(KERN_COST_HEAP_ALLOC, 0);
    return calloc(1, sizeof(vmk_ScsiAdapter));
}

void vmk_ScsiFreeAdapter(vmk_ScsiAdapter *adapter)
{
    if (!adapter)
        return;
    if (adapter->kernelPrivate && kscsi_adapter_live(adapter->kernelPrivate)) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "vmk_ScsiFreeAdapter(%s): the adapter is still "
                "claimed (unregister its device first); not freed", adapter->name.string);
        return;
    }
    kern_cost_charge(KERN_COST_HEAP_FREE, 0);
    free(adapter);
}

/* ---- registration without a parent device (vmklinux, the storage stack) ---- */

static uint32_t registered_serial;   /* bus addresses "scsi#adapter#N": unique, deterministic */

VMK_ReturnStatus vmk_ScsiRegisterAdapter(vmk_ScsiAdapter *adapter)
{
    if (!adapter)
        return VMK_BAD_PARAM;
    if (adapter->kernelPrivate && kscsi_adapter_live(adapter->kernelPrivate))
        return VMK_EXISTS;
    char addr[64];
    snprintf(addr, sizeof addr, "scsi#adapter#%u", registered_serial++);
    vmk_AddrCookie rd = { .ptr = adapter };
    vmk_Device dev = NULL;
    sim_err err;
    VMK_ReturnStatus st = kern_device_register_root(VMK_LOGICAL_BUS_NAME, addr,
                                                    VMK_SCSI_PSA_DRIVER_BUS_ID, rd, NULL, NULL,
                                                    &dev, &err);
    if (st != VMK_OK) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "vmk_ScsiRegisterAdapter: %s", err.msg);
        return st;
    }
    st = kern_device_bind(dev);
    if (st != VMK_OK || !by_device(dev)) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "vmk_ScsiRegisterAdapter: the storage layer did not "
                "claim %s (%s)", addr, vmk_StatusToString(st));
        kern_device_remove(dev, KERN_REMOVE_ORDERLY, &err);
        return st != VMK_OK ? st : VMK_FAILURE;
    }
    return VMK_OK;
}

VMK_ReturnStatus vmk_ScsiUnregisterAdapter(vmk_ScsiAdapter *adapter)
{
    kern_scsi_adapter *a = adapter ? adapter->kernelPrivate : NULL;
    if (!a || !kscsi_adapter_live(a))
        return VMK_NOT_FOUND;
    sim_err err;
    VMK_ReturnStatus st = kern_device_remove(a->dev, KERN_REMOVE_ORDERLY, &err);
    if (st != VMK_OK)
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "vmk_ScsiUnregisterAdapter: %s", err.msg);
    return st;
}
