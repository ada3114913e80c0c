/* handler.c — the hot-plug controller of each hot-plug capable port (docs/hotplug.md): the port
 * set up for interrupts (MSI, Bus Master Enable, Slot Control event enables, HPIE, CCIE), the
 * interrupt handler that reads and clears Slot Status (RW1C, PCIe Base Spec 5.0 §7.5.3.11),
 * Slot Control commands waited on until Command Completed (§6.7.3.2), the per-slot thread that
 * turns events into sequences, and the event record every sequence writes its steps into. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/hotplug/hp_internal.h"
#include "kernel_model/costs.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/pci/pci_access.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/world/world.h"

#define HP_MAX_SLOTS 64
/* Slot Status is read again after clearing, as long as new events keep appearing (bounded). */
#define HP_ISR_ROUNDS 4

static hp_slot *slots[HP_MAX_SLOTS];
static int nslots;
static kern_hp_stats stats;
static kern_hp_event ring[KERN_HP_KEEP_EVENTS];
static size_t ring_n, ring_head;
static uint64_t next_seq;
static kern_hp_listener_fn listener;
static void *listener_ctx;

kern_hp_stats *hp_stats(void) { return &stats; }

const char *kern_hp_state_name(kern_hp_state s)
{
    switch (s) {
    case KERN_HP_OFF: return "off";
    case KERN_HP_BLINK_ON: return "blinking-on";
    case KERN_HP_POWERING_ON: return "powering-on";
    case KERN_HP_ON: return "on";
    case KERN_HP_BLINK_OFF: return "blinking-off";
    case KERN_HP_POWERING_OFF: return "powering-off";
    }
    return "?";
}

/* ---- configuration access to the port ---- */

uint16_t hp_rd16(hp_slot *s, uint16_t off)
{
    return kcfg_rd16(s->sys->fabric, s->port, (uint16_t)(s->exp + off));
}

void hp_wr16(hp_slot *s, uint16_t off, uint16_t v)
{
    kcfg_wr16(s->sys->fabric, s->port, (uint16_t)(s->exp + off), v);
}

/* ---- the hot-plug interrupt (pciehp_isr in spirit): read, clear what is set, hand over ---- */

static void hp_isr(void *data, uint32_t vector)
{
    (void)vector;
    hp_slot *s = data;
    if (s->stopping)
        return;
    stats.interrupts++;
    for (int round = 0; round < HP_ISR_ROUNDS; round++) {
        uint16_t sta = hp_rd16(s, KPCI_EXP_SLTSTA);
        uint16_t ev = sta & (HP_SLTSTA_EVENTS | HP_SLTSTA_CC);
        if (!ev || sta == 0xFFFF)
            break;
        hp_wr16(s, KPCI_EXP_SLTSTA, ev);   /* RW1C: exactly the bits seen */
        if (ev & HP_SLTSTA_CC) {
            s->cmd_done = true;
            sim_event_notify(s->cmd_ev, 0);
        }
        ev &= (uint16_t)~HP_SLTSTA_CC;
        if (ev) {
            s->pending |= ev;
            sim_event_notify(s->work, 0);
        }
    }
}

/* ---- commands ---- */

void hp_command(hp_slot *s, uint16_t mask, uint16_t value, const char *what)
{
    kern_world_sync();
    uint16_t ctl = hp_rd16(s, KPCI_EXP_SLTCTL);
    ctl = (uint16_t)((ctl & ~mask) | (value & mask));
    s->cmd_done = false;
    hp_wr16(s, KPCI_EXP_SLTCTL, ctl);
    stats.commands++;
    sim_log(SIM_LOG_DEBUG, KERN_HP_LOG, "%s: Slot Control 0x%04x (%s)", s->name, ctl, what);
    if (s->sltcap & HP_SLTCAP_NCCS)
        return;   /* no Command Completed to wait for (§7.5.3.9) */
    sim_time_t deadline = sim_now() + HP_CMD_TIMEOUT_PS;
    bool by_irq = (ctl & (HP_SLTCTL_CCIE | HP_SLTCTL_HPIE)) == (HP_SLTCTL_CCIE | HP_SLTCTL_HPIE);
    while (!s->cmd_done && sim_now() < deadline && !s->stopping) {
        if (by_irq) {
            kern_block_wait_event_timeout(s->cmd_ev, deadline - sim_now());
            continue;
        }
        uint16_t sta = hp_rd16(s, KPCI_EXP_SLTSTA);   /* polling, as pciehp without CCIE */
        if (sta & HP_SLTSTA_CC) {
            hp_wr16(s, KPCI_EXP_SLTSTA, HP_SLTSTA_CC);
            s->cmd_done = true;
            break;
        }
        kern_block_wait(SIM_MS / 10);
    }
    if (!s->cmd_done) {
        stats.command_timeouts++;
        sim_log(SIM_LOG_WARN, KERN_HP_LOG, "%s: timeout on hot-plug command 0x%04x (%s)", s->name,
                ctl, what);
    }
}

void hp_set_indicators(hp_slot *s, int power_ind, int attn_ind, const char *what)
{
    uint16_t mask = 0, val = 0;
    if (power_ind && (s->sltcap & HP_SLTCAP_PIP)) {
        mask |= HP_SLTCTL_PIC;
        val |= (uint16_t)(power_ind << HP_PIC_SHIFT);
    }
    if (attn_ind && (s->sltcap & HP_SLTCAP_AIP)) {
        mask |= HP_SLTCTL_AIC;
        val |= (uint16_t)(attn_ind << HP_AIC_SHIFT);
    }
    if (mask)
        hp_command(s, mask, val, what);
}

uint16_t hp_wait_events(hp_slot *s, uint16_t want, sim_time_t timeout)
{
    sim_time_t deadline = sim_now() + timeout;
    for (;;) {
        uint16_t got = s->pending & want;
        if (got) {
            s->pending &= (uint16_t)~got;
            return got;
        }
        if (sim_now() >= deadline || s->stopping)
            return 0;
        kern_block_wait_event_timeout(s->work, deadline - sim_now());
    }
}

/* ---- the event record ---- */

kern_hp_event *hp_event_begin(hp_slot *s, const char *kind)
{
    kern_hp_event *ev = &s->ev_buf;
    memset(ev, 0, sizeof *ev);
    ev->seq = ++next_seq;
    ev->slot_no = s->slot_no;
    snprintf(ev->slot, sizeof ev->slot, "%s", s->name);
    snprintf(ev->kind, sizeof ev->kind, "%s", kind);
    ev->begin_ps = sim_now();
    s->ev = ev;
    stats.events++;
    sim_log(SIM_LOG_INFO, KERN_HP_LOG, "%s: event %llu: %s (state %s)", s->name,
            (unsigned long long)ev->seq, kind, kern_hp_state_name(s->state));
    hp_inflight_begin(s);
    return ev;
}

void hp_step(hp_slot *s, const char *fmt, ...)
{
    char name[KERN_HP_NAME_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    sim_log(SIM_LOG_INFO, KERN_HP_LOG, "%s: %s", s->name, name);
    kern_hp_event *ev = s->ev;
    if (!ev)
        return;
    if (ev->nsteps == KERN_HP_MAX_STEPS) {
        ev->steps_dropped++;
        return;
    }
    memcpy(ev->steps[ev->nsteps].name, name, sizeof name);
    ev->steps[ev->nsteps].at_ps = sim_now();
    ev->nsteps++;
}

void hp_notify(hp_slot *s, const char *phase)
{
    if (listener && s->ev)
        listener(listener_ctx, phase, s->ev);
}

void hp_event_end(hp_slot *s, const char *outcome, const char *reason_fmt, ...)
{
    kern_hp_event *ev = s->ev;
    if (!ev)
        return;
    snprintf(ev->outcome, sizeof ev->outcome, "%s", outcome);
    if (reason_fmt) {
        va_list ap;
        va_start(ap, reason_fmt);
        vsnprintf(ev->reason, sizeof ev->reason, reason_fmt, ap);
        va_end(ap);
    }
    hp_inflight_end(s);
    ev->end_ps = sim_now();
    if (!strcmp(outcome, "cancelled"))
        stats.cancelled++;
    else if (!strcmp(outcome, "refused"))
        stats.refused++;
    else if (!strcmp(outcome, "failed"))
        stats.failed++;
    sim_log(strcmp(outcome, "refused") && strcmp(outcome, "failed") ? SIM_LOG_INFO : SIM_LOG_WARN,
            KERN_HP_LOG, "%s: event %llu (%s) %s%s%s; in flight: issued %llu, completed %llu, "
            "failed %llu; leaks %d", s->name, (unsigned long long)ev->seq, ev->kind, outcome,
            ev->reason[0] ? ": " : "", ev->reason, (unsigned long long)ev->issued,
            (unsigned long long)ev->completed, (unsigned long long)ev->failed, ev->nleaks);
    ring[ring_head] = *ev;
    ring_head = (ring_head + 1) % KERN_HP_KEEP_EVENTS;
    if (ring_n < KERN_HP_KEEP_EVENTS)
        ring_n++;
    hp_notify(s, "done");
    s->ev = NULL;
}

/* ---- dispatch ---- */

static bool present(hp_slot *s) { return hp_rd16(s, KPCI_EXP_SLTSTA) & HP_SLTSTA_PDS; }
static bool link_active(hp_slot *s) { return hp_rd16(s, KPCI_EXP_LNKSTA) & HP_LNKSTA_DLLLA; }

/* The 5 s abort window after a button press (§6.7.1.5). True when it ran out; false when the
 * button was pressed again (cancel) or another event came first (left pending). */
static bool abort_window(hp_slot *s)
{
    uint16_t got = hp_wait_events(s, HP_SLTSTA_EVENTS, HP_ABORT_WINDOW_PS);
    if (!got) {
        hp_step(s, "abort window expired");
        return true;
    }
    if (got & HP_SLTSTA_ABP) {
        hp_step(s, "button pressed again: cancelled");
        s->pending |= got & (uint16_t)~HP_SLTSTA_ABP;
        hp_set_indicators(s, s->state == KERN_HP_BLINK_OFF ? HP_IND_ON : HP_IND_OFF, HP_IND_OFF,
                          "cancel: power indicator back");
        s->state = s->state == KERN_HP_BLINK_OFF ? KERN_HP_ON : KERN_HP_OFF;
        hp_event_end(s, "cancelled", NULL);
        return false;
    }
    s->pending |= got;   /* a surprise, fault or MRL event ends the wait: handled next */
    hp_step(s, "another event during the abort window");
    hp_set_indicators(s, s->state == KERN_HP_BLINK_OFF ? HP_IND_ON : HP_IND_OFF, 0,
                      "superseded: power indicator back");
    s->state = s->state == KERN_HP_BLINK_OFF ? KERN_HP_ON : KERN_HP_OFF;
    hp_event_end(s, "superseded", "slot status 0x%04x arrived first", got);
    return false;
}

static void on_button(hp_slot *s)
{
    if (s->state != KERN_HP_ON && s->state != KERN_HP_OFF)
        return;
    hp_event_begin(s, "attention-button");
    hp_step(s, "attention button pressed");
    if (s->state == KERN_HP_OFF && !present(s)) {
        hp_event_end(s, "ignored", "the slot is empty");
        return;
    }
    bool was_on = s->state == KERN_HP_ON;
    s->state = was_on ? KERN_HP_BLINK_OFF : KERN_HP_BLINK_ON;
    hp_set_indicators(s, HP_IND_BLINK, HP_IND_OFF, "button: power indicator blinks");
    hp_step(s, "power indicator blinking");
    if (!abort_window(s))
        return;
    if (!was_on) {
        hp_power_on(s);
        return;
    }
    char who[80];
    if (hp_legacy_bound(s, who, sizeof who)) {
        hp_set_indicators(s, HP_IND_ON, 0, "refused: power indicator back on");
        s->state = KERN_HP_ON;
        hp_event_end(s, "refused", "%s is driven by a vmklinux (Linux) driver, which has no "
                     "hot-plug path: remove it by unloading its driver first", who);
        return;
    }
    s->state = KERN_HP_POWERING_OFF;
    hp_remove(s, KERN_REMOVE_ORDERLY);
}

static void on_surprise(hp_slot *s, const char *kind)
{
    hp_event_begin(s, kind);
    hp_step(s, "%s", !strcmp(kind, "link-down") ? "link lost (DLL Link Active clear)" :
                     !strcmp(kind, "power-fault") ? "power fault detected" :
                     !strcmp(kind, "mrl-open") ? "MRL opened" : "card gone (presence lost)");
    if (!strcmp(kind, "power-fault"))
        hp_set_indicators(s, 0, HP_IND_ON, "power fault: attention indicator on");
    s->state = KERN_HP_POWERING_OFF;
    hp_remove(s, KERN_REMOVE_SURPRISE);
}

static void on_presence_or_link(hp_slot *s, uint16_t ev)
{
    bool pds = present(s);
    if (s->state == KERN_HP_ON) {
        if (!pds)
            on_surprise(s, "surprise-removal");
        else if (!link_active(s))
            on_surprise(s, "link-down");
        return;
    }
    if (s->state == KERN_HP_OFF && pds && (ev & HP_SLTSTA_PDC)) {
        hp_event_begin(s, "insertion");
        hp_step(s, "card inserted (presence detected)");
        hp_power_on(s);
        return;
    }
    if (!pds && (ev & HP_SLTSTA_PDC))
        sim_log(SIM_LOG_INFO, KERN_HP_LOG, "%s: card removed from the unpowered slot", s->name);
}

static void on_mrl(hp_slot *s)
{
    bool open = hp_rd16(s, KPCI_EXP_SLTSTA) & HP_SLTSTA_MRLSS;
    if (open && s->state == KERN_HP_ON) {
        on_surprise(s, "mrl-open");
        return;
    }
    sim_log(SIM_LOG_INFO, KERN_HP_LOG, "%s: MRL %s", s->name, open ? "opened" : "closed");
    if (!open && s->state == KERN_HP_OFF && present(s)) {
        hp_event_begin(s, "mrl-close");
        hp_step(s, "MRL closed on a card");
        hp_power_on(s);
    }
}

static void on_power_fault(hp_slot *s)
{
    if (s->state == KERN_HP_ON) {
        on_surprise(s, "power-fault");
        return;
    }
    hp_event_begin(s, "power-fault");
    hp_step(s, "power fault detected (slot not on)");
    hp_set_indicators(s, HP_IND_OFF, HP_IND_ON, "power fault: attention indicator on");
    hp_command(s, HP_SLTCTL_PCC, HP_SLTCTL_PCC, "power fault: power off");
    s->state = KERN_HP_OFF;
    hp_event_end(s, "powered-off", NULL);
}

static void dispatch(hp_slot *s, uint16_t ev)
{
    if (ev & HP_SLTSTA_PFD)
        on_power_fault(s);
    if (ev & HP_SLTSTA_MRLSC)
        on_mrl(s);
    if (ev & (HP_SLTSTA_PDC | HP_SLTSTA_DLLSC))
        on_presence_or_link(s, ev);
    /* QEMU raises ABP with PDC on a hot-add; the insertion has handled it then */
    if ((ev & HP_SLTSTA_ABP) && !((ev & HP_SLTSTA_PDC) && s->state == KERN_HP_ON))
        on_button(s);
}

/* ---- per-slot thread ---- */

/* Programs the port's MSI (§7.7.1) with the vector, and Bus Master Enable (§7.5.1.1.3). */
static void setup_msi(hp_slot *s, uint64_t addr, uint32_t data)
{
    pcie_fabric *f = s->sys->fabric;
    const kern_pci_dev *p = s->port;
    uint16_t m = p->cap_msi;
    uint16_t ctl = kcfg_rd16(f, p, (uint16_t)(m + HP_MSI_CTRL));
    kcfg_wr32(f, p, (uint16_t)(m + HP_MSI_ADDR_LO), (uint32_t)addr);
    if (ctl & HP_MSI_64BIT) {
        kcfg_wr32(f, p, (uint16_t)(m + HP_MSI_ADDR_HI), (uint32_t)(addr >> 32));
        kcfg_wr16(f, p, (uint16_t)(m + HP_MSI_DATA_64), (uint16_t)data);
    } else {
        kcfg_wr16(f, p, (uint16_t)(m + HP_MSI_DATA_32), (uint16_t)data);
    }
    kcfg_wr16(f, p, (uint16_t)(m + HP_MSI_CTRL),
              (uint16_t)((ctl & ~HP_MSI_QSIZE) | HP_MSI_ENABLE));   /* one vector */
    kcfg_wr16(f, p, KPCI_COMMAND, kcfg_rd16(f, p, KPCI_COMMAND) | KPCI_COMMAND_MASTER);
}

static void slot_init(hp_slot *s)
{
    uint16_t ctl = HP_SLTCTL_PDCE | HP_SLTCTL_DLLSCE | HP_SLTCTL_HPIE;
    if (s->sltcap & HP_SLTCAP_ABP)
        ctl |= HP_SLTCTL_ABPE;
    if (s->sltcap & HP_SLTCAP_PCP)
        ctl |= HP_SLTCTL_PFDE;
    if (s->sltcap & HP_SLTCAP_MRLSP)
        ctl |= HP_SLTCTL_MRLSCE;
    if (!(s->sltcap & HP_SLTCAP_NCCS))
        ctl |= HP_SLTCTL_CCIE;
    /* Stale status from before boot is dropped; what arrives from now on interrupts. */
    hp_wr16(s, KPCI_EXP_SLTSTA, HP_SLTSTA_EVENTS | HP_SLTSTA_CC);
    uint16_t mask = HP_SLTCTL_PDCE | HP_SLTCTL_DLLSCE | HP_SLTCTL_HPIE | HP_SLTCTL_ABPE |
                    HP_SLTCTL_PFDE | HP_SLTCTL_MRLSCE | HP_SLTCTL_CCIE;
    hp_command(s, mask, ctl, "enable hot-plug events");
    bool on = present(s) && link_active(s) && !(hp_rd16(s, KPCI_EXP_SLTCTL) & HP_SLTCTL_PCC);
    s->state = on ? KERN_HP_ON : KERN_HP_OFF;
    s->ready = true;
    sim_log(SIM_LOG_INFO, KERN_HP_LOG, "%s: controller on %s ready (Slot Control 0x%04x, vector "
            "%d): %s", s->name, s->bdf, hp_rd16(s, KPCI_EXP_SLTCTL), s->vector,
            kern_hp_state_name(s->state));
}

static void slot_thread(void *arg)
{
    hp_slot *s = arg;
    kern_tworld_enter(s->world);
    s->in_world = true;
    slot_init(s);
    kern_world_sync();
    s->in_world = false;
    kern_tworld_leave(s->world);
    while (!s->stopping) {
        if (!s->pending) {
            sim_wait_event(s->work);
            continue;
        }
        uint16_t ev = s->pending;
        s->pending = 0;
        kern_tworld_enter(s->world);
        s->in_world = true;
        kern_cost_charge(KERN_COST_WORLD_SWITCH, 0);
        dispatch(s, ev);
        kern_world_sync();
        s->in_world = false;
        kern_tworld_leave(s->world);
    }
}

static void slot_free(hp_slot *s)
{
    s->stopping = true;
    sim_cancel_owner(s);
    if (s->vector >= 0) {
        /* the port stops signalling before its vector goes */
        pcie_fabric *f = s->sys->fabric;
        uint16_t m = s->port->cap_msi;
        kcfg_wr16(f, s->port, (uint16_t)(m + HP_MSI_CTRL),
                  (uint16_t)(kcfg_rd16(f, s->port, (uint16_t)(m + HP_MSI_CTRL)) & ~HP_MSI_ENABLE));
        kern_intr_unregister(s->vector, s, NULL);
        kern_intr_vector_free(s->vector);
    }
    if (s->ev) {
        kern_pkt_unwatch(&s->watch);
        kern_scsi_unwatch(&s->io_watch);   /* its commands must not count into freed memory */
    }
    sim_event_free(s->work);
    sim_event_free(s->cmd_ev);
    /* A thread stopped in the middle of an event (a button's window at the end of a run) is
     * still inside its world, which then cannot be freed: it is left to the timing layer. */
    if (!s->in_world)
        kern_tworld_free(s->world);
    else
        sim_log(SIM_LOG_INFO, KERN_HP_LOG, "%s: stopped in the middle of %s", s->name,
                s->ev ? s->ev->kind : "its start-up");
    free(s);
}

static int slot_new(kern_system *sys, kern_pci_dev *port, sim_err *err)
{
    if (nslots == HP_MAX_SLOTS)
        return sim_err_set(err, "hot-plug: more than %d hot-plug slots", HP_MAX_SLOTS);
    hp_slot *s = calloc(1, sizeof *s);
    if (!s)
        return sim_err_set(err, "hot-plug: out of memory");
    s->sys = sys;
    s->port = port;
    s->slot_no = port->slot;
    s->vector = -1;
    s->exp = port->cap_exp;
    snprintf(s->name, sizeof s->name, "slot%d", port->slot);
    kern_pci_bdf(port, s->bdf, sizeof s->bdf);
    s->sltcap = kcfg_rd32(sys->fabric, port, (uint16_t)(s->exp + KPCI_EXP_SLTCAP));
    char wname[40];
    snprintf(wname, sizeof wname, "pciehp:%s", s->name);
    s->world = kern_tworld_new(wname);
    s->work = sim_event_new(wname);
    s->cmd_ev = sim_event_new(wname);
    slots[nslots++] = s;
    if (!s->world || !s->work || !s->cmd_ev)
        return sim_err_set(err, "hot-plug: out of memory");
    if (!port->cap_msi)
        return sim_err_set(err, "hot-plug %s (%s): the port has no MSI capability", s->name,
                           s->bdf);
    uint64_t addr;
    uint32_t data;
    s->vector = kern_intr_vector_alloc(0, wname, &addr, &data, err);
    if (s->vector < 0)
        return -1;
    if (kern_intr_register(0, s->vector, wname, NULL, hp_isr, s, err) < 0 ||
        kern_intr_enable(s->vector, err) < 0)
        return -1;
    setup_msi(s, addr, data);
    sim_thread_spawn(wname, slot_thread, s);
    return 0;
}

int kern_hotplug_start(kern_system *sys, sim_err *err)
{
    if (nslots)
        kern_hotplug_stop(NULL);
    memset(&stats, 0, sizeof stats);
    ring_n = ring_head = 0;
    next_seq = 0;
    for (size_t i = 0; i < kern_pci_count(sys->pci); i++) {
        kern_pci_dev *d = kern_pci_at(sys->pci, i);
        if (!d->hotplug_capable || !d->cap_exp)
            continue;
        if (slot_new(sys, d, err) < 0) {
            kern_hotplug_stop(sys);
            return -1;
        }
    }
    if (nslots)
        hp_leaks_install();
    sim_log(SIM_LOG_INFO, KERN_HP_LOG, "%d hot-plug controller(s)", nslots);
    return 0;
}

void kern_hotplug_stop(kern_system *sys)
{
    (void)sys;
    for (int i = 0; i < nslots; i++)
        slot_free(slots[i]);
    nslots = 0;
    hp_leaks_uninstall();
}

void kern_hotplug_set_listener(kern_hp_listener_fn fn, void *ctx)
{
    listener = fn;
    listener_ctx = ctx;
}

/* ---- queries ---- */

size_t kern_hotplug_slot_count(void) { return (size_t)nslots; }

static void fill_info(const hp_slot *s, kern_hp_slot_info *out)
{
    memset(out, 0, sizeof *out);
    out->slot_no = s->slot_no;
    snprintf(out->slot, sizeof out->slot, "%s", s->name);
    snprintf(out->port_bdf, sizeof out->port_bdf, "%s", s->bdf);
    out->state = s->state;
    out->ready = s->ready;
    out->busy = s->ev != NULL || s->pending != 0;
    for (const kern_pci_dev *c = s->port->first_child; c; c = c->next_sibling)
        out->functions++;
    out->legacy_orphan = s->legacy_orphan;
}

int kern_hotplug_slot_info(int slot_no, kern_hp_slot_info *out)
{
    for (int i = 0; i < nslots; i++)
        if (slots[i]->slot_no == slot_no) {
            fill_info(slots[i], out);
            return 0;
        }
    return -1;
}

int kern_hotplug_slot_at(size_t i, kern_hp_slot_info *out)
{
    if (i >= (size_t)nslots)
        return -1;
    fill_info(slots[i], out);
    return 0;
}

void kern_hotplug_get_stats(kern_hp_stats *out) { *out = stats; }

size_t kern_hotplug_event_count(void) { return ring_n; }

const kern_hp_event *kern_hotplug_event_at(size_t i)
{
    if (i >= ring_n)
        return NULL;
    return &ring[(ring_head + KERN_HP_KEEP_EVENTS - ring_n + i) % KERN_HP_KEEP_EVENTS];
}
