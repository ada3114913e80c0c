/* sequences.c — what the hot-plug handler does to a slot and the functions behind it
 * (docs/hotplug.md): power on, wait for Data Link Layer Link Active, wait 100 ms (PCIe Base Spec
 * 5.0 §6.6.1: no configuration request sooner), enumerate into the port's reserved buses and
 * windows, bind drivers; removal through the device layer (orderly: quiesce, detach; surprise:
 * forget first), the tree emptied below the port, the leak check, and power off. */
#include <stdio.h>
#include <string.h>

#include "kernel_model/hotplug/hp_internal.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/world/world.h"

#define HP_MAX_FUNCS 8

/* Endpoint functions below the port (the PCI bus driver's devices), at most max. */
static int endpoints(hp_slot *s, kern_pci_dev **out, int max)
{
    int n = 0;
    kern_pci_tree *t = s->sys->pci;
    for (size_t i = 0; i < kern_pci_count(t) && n < max; i++) {
        kern_pci_dev *d = kern_pci_at(t, i);
        if (d->header_type != KPCI_HEADER_NORMAL)
            continue;
        for (kern_pci_dev *p = d->parent; p; p = p->parent)
            if (p == s->port) {
                out[n++] = d;
                break;
            }
    }
    return n;
}

static const char *driver_module_name(vmk_Device dev)
{
    vmk_Driver drv = dev ? kern_device_driver(dev) : NULL;
    kern_module *m = drv ? kern_module_by_id(kern_driver_module(drv)) : NULL;
    return m ? m->name : NULL;
}

bool hp_legacy_bound(hp_slot *s, char *who, size_t len)
{
    kern_pci_dev *f[HP_MAX_FUNCS];
    int n = endpoints(s, f, HP_MAX_FUNCS);
    for (int i = 0; i < n; i++) {
        vmk_Device dev = kern_pci_bus_device(f[i]);
        const char *m = driver_module_name(dev);
        if (m && !strcmp(m, "vmklinux")) {
            snprintf(who, len, "%s", kern_device_bus_address(dev));
            return true;
        }
    }
    return false;
}

/* The device layer's steps, as they happen, into the event. */
static void observe(void *ctx, vmk_Device dev, kern_dev_event ev, VMK_ReturnStatus st)
{
    hp_slot *s = ctx;
    if (ev == KERN_DEV_EV_REGISTER)
        return;
    hp_step(s, "%s %s%s%s", kern_dev_event_name(ev), kern_device_bus_address(dev),
            st == VMK_OK ? "" : ": ", st == VMK_OK ? "" : vmk_StatusToString(st));
}

void hp_power_off(hp_slot *s)
{
    uint16_t mask = HP_SLTCTL_PCC, val = HP_SLTCTL_PCC;
    if (s->sltcap & HP_SLTCAP_PIP) {
        mask |= HP_SLTCTL_PIC;
        val |= HP_IND_OFF << HP_PIC_SHIFT;
    }
    if (s->sltcap & HP_SLTCAP_PCP)
        hp_command(s, mask, val, "power off");
    else
        hp_set_indicators(s, HP_IND_OFF, 0, "power indicator off");
    hp_step(s, "slot powered off");
    s->state = KERN_HP_OFF;
}

static void fail_on(hp_slot *s, const char *why)
{
    hp_power_off(s);
    hp_event_end(s, "failed", "%s", why);
}

void hp_power_on(hp_slot *s)
{
    s->state = KERN_HP_POWERING_ON;
    if ((s->sltcap & HP_SLTCAP_MRLSP) && (hp_rd16(s, KPCI_EXP_SLTSTA) & HP_SLTSTA_MRLSS)) {
        s->state = KERN_HP_OFF;
        hp_event_end(s, "refused", "the MRL is open: close it before powering the slot");
        return;
    }
    if (s->legacy_orphan || s->port->first_child) {
        s->state = KERN_HP_OFF;
        hp_event_end(s, "refused", "the functions of the previous card are still in use (a "
                     "legacy driver kept them)");
        return;
    }
    uint16_t mask = HP_SLTCTL_PCC, val = 0;
    if (s->sltcap & HP_SLTCAP_PIP) {
        mask |= HP_SLTCTL_PIC;
        val |= HP_IND_BLINK << HP_PIC_SHIFT;
    }
    if (s->sltcap & HP_SLTCAP_AIP) {
        mask |= HP_SLTCTL_AIC;
        val |= HP_IND_OFF << HP_AIC_SHIFT;   /* a fault indication from before is cleared */
    }
    hp_command(s, mask, val, "power on");
    hp_step(s, "slot powered on");
    sim_time_t deadline = sim_now() + HP_LINK_TIMEOUT_PS;
    while (!(hp_rd16(s, KPCI_EXP_LNKSTA) & HP_LNKSTA_DLLLA)) {
        if (sim_now() >= deadline || s->stopping) {
            fail_on(s, "the link did not come up within 1 s of power on");
            return;
        }
        uint16_t got = hp_wait_events(s, HP_SLTSTA_DLLSC | HP_SLTSTA_PDC | HP_SLTSTA_PFD |
                                      HP_SLTSTA_MRLSC, deadline - sim_now());
        if (got & (HP_SLTSTA_PDC | HP_SLTSTA_PFD | HP_SLTSTA_MRLSC)) {
            s->pending |= got & (uint16_t)~HP_SLTSTA_DLLSC;
            fail_on(s, "the card went away or lost power while the link trained");
            return;
        }
    }
    hp_step(s, "link up (DLL Link Active)");
    kern_block_wait(HP_CONFIG_DELAY_PS);
    hp_step(s, "100 ms after link up: configuration allowed");
    if (!(hp_rd16(s, KPCI_EXP_LNKSTA) & HP_LNKSTA_DLLLA)) {
        fail_on(s, "the link went down before enumeration");
        return;
    }
    sim_err err = {{0}};
    size_t n = 0;
    kern_world_sync();
    if (kern_pci_hotplug_scan(s->sys->fabric, s->sys->pci, s->port, &n, &err) < 0) {
        hp_step(s, "enumeration failed");
        fail_on(s, err.msg);
        return;
    }
    hp_step(s, "enumerated %zu function(s) on bus %02x", n, s->port->secondary);
    hp_notify(s, "enumerated");
    hp_set_indicators(s, HP_IND_ON, 0, "power indicator on");
    hp_step(s, "power indicator on");
    s->state = KERN_HP_ON;
    hp_stats()->additions++;
    kern_pci_dev *f[HP_MAX_FUNCS];
    int nf = endpoints(s, f, HP_MAX_FUNCS), bound = 0;
    kern_device_set_observer(observe, s);
    for (int i = 0; i < nf; i++) {
        vmk_Device dev = NULL;
        char addr[16];
        kern_pci_bus_address(f[i], addr, sizeof addr);
        if (kern_pci_bus_add(f[i], &dev, &err) != VMK_OK) {
            hp_step(s, "%s not registered", addr);
            continue;
        }
        const char *m = driver_module_name(dev);
        if (m) {
            bound++;
            hp_step(s, "%s bound to %s", addr, m);
        } else {
            hp_step(s, "%s: no driver", addr);
        }
    }
    kern_device_set_observer(NULL, NULL);
    if (n == 0)
        hp_event_end(s, "failed", "no function answered on bus %02x", s->port->secondary);
    else
        hp_event_end(s, bound == nf && nf > 0 ? "bound" : "added", NULL);
}

void hp_remove(hp_slot *s, kern_remove_mode mode)
{
    kern_pci_dev *f[HP_MAX_FUNCS];
    int n = endpoints(s, f, HP_MAX_FUNCS);
    char who[80];
    if (mode == KERN_REMOVE_SURPRISE && hp_legacy_bound(s, who, sizeof who)) {
        /* vmklinux has no hot-plug path: its driver keeps the vanished function, whose reads
         * now return all ones, and finds out on its own (docs/hotplug.md "Legacy drivers"). */
        s->legacy_orphan = true;
        hp_stats()->legacy_orphans++;
        hp_step(s, "%s stays with its vmklinux driver: no hot-plug path", who);
        hp_power_off(s);
        hp_event_end(s, "legacy-orphaned", "%s is driven by a vmklinux driver; it reads all "
                     "ones from now on", who);
        return;
    }
    /* In flight: what is outstanding when the removal itself begins (after a button's abort
     * window, not at the press). */
    kern_pkt_unwatch(&s->watch);
    hp_inflight_begin(s);
    hp_leaks_before_removal(s);
    kern_device_set_observer(observe, s);
    for (int i = 0; i < n; i++) {
        sim_err err = {{0}};
        if (!kern_pci_bus_device(f[i]))
            continue;
        VMK_ReturnStatus st = kern_pci_bus_remove(f[i], mode, &err);
        if (st != VMK_OK && mode == KERN_REMOVE_ORDERLY) {
            kern_device_set_observer(NULL, NULL);
            hp_set_indicators(s, HP_IND_ON, 0, "refused: power indicator back on");
            s->state = KERN_HP_ON;
            hp_event_end(s, "refused", "the driver refused: %s", err.msg);
            return;
        }
    }
    kern_device_set_observer(NULL, NULL);
    size_t gone = kern_pci_hotplug_forget(s->sys->pci, s->port);
    hp_step(s, "%zu function(s) gone from bus %02x", gone, s->port->secondary);
    hp_leaks_check(s);
    if (mode == KERN_REMOVE_ORDERLY || (hp_rd16(s, KPCI_EXP_SLTCTL) & HP_SLTCTL_PCC) == 0)
        hp_power_off(s);
    hp_stats()->removals++;
    hp_event_end(s, "removed", NULL);
}
