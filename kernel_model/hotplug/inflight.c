/* inflight.c — what was in flight on the devices below a slot when a hot-plug event began, and
 * how it ended (docs/hotplug.md "In flight"): NIC transmit packets the uplink of each function
 * had handed to its driver and not got back (kern_pkt_watch_tx). A storage layer adds its
 * outstanding commands here the same way. */
#include <string.h>

#include "kernel_model/hotplug/hp_internal.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_regs.h"

static bool below_port(const kern_pci_dev *d, const kern_pci_dev *port)
{
    for (const kern_pci_dev *p = d->parent; p; p = p->parent)
        if (p == port)
            return true;
    return false;
}

void hp_inflight_begin(hp_slot *s)
{
    memset(&s->watch, 0, sizeof s->watch);
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
}

void hp_inflight_end(hp_slot *s)
{
    kern_pkt_unwatch(&s->watch);
    s->ev->issued = s->watch.issued;
    s->ev->completed = s->watch.completed;
    s->ev->failed = s->watch.failed;
}
