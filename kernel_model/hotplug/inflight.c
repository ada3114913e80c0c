/* inflight.c — what was in flight on the devices below a slot when a hot-plug event began, and
 * how it ended (docs/hotplug.md "In flight"): NIC transmit packets the uplink of each function
 * had handed to its driver and not got back (kern_pkt_watch_tx), and the storage commands
 * outstanding on each SCSI adapter of a function (kern_scsi_watch_adapter). A native removal
 * ends them all before the event does; a function left to its vmklinux driver by a surprise
 * removal still holds its commands, so the event waits for the storage layer's timeouts and
 * escalation to end them and says so in its steps. */
#include <string.h>

#include "kernel_model/dma/dma_engine.h"
#include "kernel_model/hotplug/hp_internal.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/world/world.h"

/* Beyond the storage layer's own deadline, before the wait gives up (worker latency). */
#define HP_SETTLE_SLACK_PS (100 * SIM_MS)

static bool below_port(const kern_pci_dev *d, const kern_pci_dev *port)
{
    for (const kern_pci_dev *p = d->parent; p; p = p->parent)
        if (p == port)
            return true;
    return false;
}

/* An adapter belongs to the function when its device descends from the function's (the HBA
 * port a native driver, or vmklinux for a Linux driver, registers under it), or, registered
 * without a parent (vmk_ScsiRegisterAdapter), its commands are mapped with the function's
 * Requester ID. */
static bool adapter_of(const kern_scsi_adapter *a, vmk_Device pci, const kern_pci_dev *d)
{
    for (vmk_Device x = kern_scsi_adapter_device(a); x; x = kern_device_parent(x))
        if (x == pci)
            return true;
    vmk_DMAEngine e = kern_scsi_adapter_engine(a);
    uint16_t rid = (uint16_t)(d->bus << 8 | d->dev << 3 | d->fn);
    return e != VMK_DMA_ENGINE_INVALID && kern_dma_engine_requester(e) == rid;
}

/* Calls fn for each adapter of each function below the slot's port. */
static void for_each_adapter(hp_slot *s, void (*fn)(hp_slot *s, kern_scsi_adapter *a))
{
    kern_pci_tree *t = s->sys->pci;
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        kern_pci_dev *d = kern_pci_at(t, i);
        if (d->header_type != KPCI_HEADER_NORMAL || !below_port(d, s->port))
            continue;
        vmk_Device pci = kern_pci_bus_device(d);
        if (!pci)
            continue;
        for (size_t k = 0; k < kern_scsi_adapter_count(); k++) {
            kern_scsi_adapter *a = kern_scsi_adapter_at(k);
            if (adapter_of(a, pci, d))
                fn(s, a);
        }
    }
}

static void watch_adapter(hp_slot *s, kern_scsi_adapter *a)
{
    kern_scsi_watch_adapter(a, &s->io_watch);
}

static void step_adapter_totals(hp_slot *s, kern_scsi_adapter *a)
{
    kern_scsi_adapter_counters c;
    kern_scsi_adapter_counters_get(a, &c);
    hp_step(s, "%s: %llu timeouts, %llu aborts, %llu LUN + %llu bus resets, %llu given up",
            kern_scsi_adapter_name(a), (unsigned long long)c.timeouts,
            (unsigned long long)c.aborts, (unsigned long long)c.device_resets,
            (unsigned long long)c.bus_resets, (unsigned long long)c.given_up);
}

void hp_inflight_begin(hp_slot *s)
{
    kern_scsi_unwatch(&s->io_watch);   /* hp_remove begins again once the removal itself starts */
    memset(&s->watch, 0, sizeof s->watch);
    memset(&s->io_watch, 0, sizeof s->io_watch);
    s->io_watch.wake = s->work;
    kern_pci_tree *t = s->sys->pci;
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        kern_pci_dev *d = kern_pci_at(t, i);
        if (d->header_type != KPCI_HEADER_NORMAL || !below_port(d, s->port))
            continue;
        vmk_Device pci = kern_pci_bus_device(d);
        if (!pci)
            continue;
        for (size_t k = 0; k < kern_uplink_count(); k++) {
            vmk_Uplink u = kern_uplink_at(k);
            if (kern_device_parent(kern_uplink_device(u)) == pci)
                kern_pkt_watch_tx(u, &s->watch);
        }
    }
    for_each_adapter(s, watch_adapter);
}

static uint64_t io_open(const hp_slot *s)
{
    const kern_scsi_watch *w = &s->io_watch;
    return w->issued - w->completed - w->failed;
}

/* A vmklinux driver keeps the vanished function and its commands: the storage layer times them
 * out and escalates (abort, device reset, bus reset) until each ends. Waits for that, within
 * the layer's own deadline. */
static void wait_for_orphaned_io(hp_slot *s)
{
    if (!s->legacy_orphan || !io_open(s) || !sim_in_thread())
        return;
    hp_step(s, "waiting for %llu of %llu in-flight I/O(s) held by the vmklinux driver",
            (unsigned long long)io_open(s), (unsigned long long)s->io_watch.issued);
    sim_time_t deadline = s->io_watch.settle_ps + HP_SETTLE_SLACK_PS;
    while (io_open(s) && !s->stopping && sim_now() < deadline)
        kern_block_wait_event_timeout(s->work, deadline - sim_now());
    if (io_open(s))
        hp_step(s, "%llu I/O(s) still open after the storage layer's deadline",
                (unsigned long long)io_open(s));
    else
        hp_step(s, "in-flight I/O ended: %llu completed, %llu failed",
                (unsigned long long)s->io_watch.completed,
                (unsigned long long)s->io_watch.failed);
    for_each_adapter(s, step_adapter_totals);
}

void hp_inflight_end(hp_slot *s)
{
    wait_for_orphaned_io(s);
    kern_pkt_unwatch(&s->watch);
    kern_scsi_unwatch(&s->io_watch);
    s->ev->issued = s->watch.issued + s->io_watch.issued;
    s->ev->completed = s->watch.completed + s->io_watch.completed;
    s->ev->failed = s->watch.failed + s->io_watch.failed;
}
