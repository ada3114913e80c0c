/* slot.c — the hot-plug slot controller of a root port or switch downstream port, after PCIe Base
 * Spec 5.0 §6.7 (hot-plug model, §6.7.3 events and commands) and the register definitions of
 * §7.5.3.8-11: card presence, MRL, power controller with fault latch, link training with timed
 * power/Detect/Polling phases, Slot Control writes as commands with timed Command Completed, and
 * the hot-plug interrupt (slot_irq.c). docs/hotplug-slots.md describes every bit and timing. */
#include "devices/pcie/slot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/slot_internal.h"
#include "devices/pcie/pcie_regs.h"

/* Timing defaults (docs/hotplug-slots.md):
 * - Command completion: 1 ms. The spec sets no figure (§6.7.3.2: "after the command is
 *   completed"); QEMU completes at once, Linux pciehp allows 1 s (pcie.md §3). 1 ms stands for a
 *   hot-plug controller that drives indicators and the power switch through an I2C/SMBus I/O
 *   expander: one 100 kHz SMBus write transaction of 3 bytes is ~0.3 ms, plus the controller's
 *   firmware. It is a named parameter; tests and scenarios may change it.
 * - Power stable to PERST# release: T_PVPERL >= 100 ms (PCIe CEM r4.0, power sequencing).
 * - PERST# release to LTSSM Detect: <= 20 ms (PCIe Base 5.0 §6.6.1; the 20 ms Linux sleeps in
 *   pcie_wait_for_link before polling DLLLA, pcie.md §3).
 * - Detect to DL_Active: Polling.Active sends >= 1024 TS1 (§4.2.6.2.1), Polling.Configuration
 *   >= 16 TS2 after 8 received (§4.2.6.2.3), Configuration about 64 more TS1/TS2 over its
 *   substates (§4.2.6.3) and Config.Idle 16 Idle symbols; at 2.5 GT/s one 16-symbol ordered set
 *   takes 160 UI x 400 ps = 64 ns, so ~1112 ordered sets = 71.2 us, rounded up to 72 us. Then the
 *   data link layer's InitFC (§3.4) takes a few DLLPs: well under 1 us. Speed changes to 8 GT/s
 *   and equalization (Recovery, up to 24/32 ms timeouts per phase) are not modelled. */
#define SLOT_CC_DEFAULT_PS        (1 * SIM_MS)
#define SLOT_TPVPERL_PS           (100 * SIM_MS)
#define SLOT_DETECT_PS            (20 * SIM_MS)
#define SLOT_TRAIN_PS             (72 * SIM_US)

#define SLOT_EVENTS (PCIE_EXP_SLTSTA_ABP | PCIE_EXP_SLTSTA_PFD | PCIE_EXP_SLTSTA_MRLSC | \
                     PCIE_EXP_SLTSTA_PDC | PCIE_EXP_SLTSTA_CC | PCIE_EXP_SLTSTA_DLLSC)
/* §6.7.3.2: the Slot Control fields that make a command do something (CF118 looks at these). */
#define SLOT_CMD_FIELDS (PCIE_EXP_SLTCTL_AIC | PCIE_EXP_SLTCTL_PIC | PCIE_EXP_SLTCTL_PCC | \
                         PCIE_EXP_SLTCTL_EIC)

pcie_slot_timing pcie_slot_timing_default(void)
{
    return (pcie_slot_timing){
        .cmd_complete_ps = SLOT_CC_DEFAULT_PS,
        .power_stable_ps = SLOT_TPVPERL_PS,
        .detect_ps = SLOT_DETECT_PS,
        .train_ps = SLOT_TRAIN_PS,
    };
}

/* ---- registers ---- */

uint16_t pcie_slot_ctl(const pcie_slot *s)
{
    return pcie_cfg_get16(&s->port->fn.cfg, (uint16_t)(s->exp + PCIE_EXP_SLTCTL));
}

uint16_t pcie_slot_sta(const pcie_slot *s)
{
    return pcie_cfg_get16(&s->port->fn.cfg, (uint16_t)(s->exp + PCIE_EXP_SLTSTA));
}

static void sta_bits(pcie_slot *s, uint16_t set, uint16_t clear)
{
    pcie_cfg_bits16(&s->port->fn.cfg, (uint16_t)(s->exp + PCIE_EXP_SLTSTA), set, clear);
}

static bool has(const pcie_slot *s, uint32_t capbit)
{
    return (s->cap & capbit) != 0;
}

/* ---- power and link ---- */

/* Main power reaches the slot: the power controller is on (PCC 0) or absent, the MRL is closed
 * (§6.7.1.3: an open MRL removes power when a power controller exists) and no fault is latched. */
static bool power_on(const pcie_slot *s)
{
    if (!has(s, PCIE_EXP_SLTCAP_PCP))
        return true;
    return !(pcie_slot_ctl(s) & PCIE_EXP_SLTCTL_PCC) && !s->mrl_open && !s->fault;
}

static void set_link(pcie_slot *s, bool up)
{
    pcie_port *p = s->port;
    p->link_up = up;
    pcie_cap_exp_set_link(&p->fn.cfg, &p->link, up);
    if (p->child_kind == PCIE_NODE_ENDPOINT && p->child_ep)
        pcie_cap_exp_set_link(&p->child_ep->cfg, &p->link, up);
    else if (p->child_kind == PCIE_NODE_SWITCH && p->child_sw)
        pcie_cap_exp_set_link(&p->child_sw->up.cfg, &p->link, up);
    /* §7.5.3.11: DLLSC is set whenever DLLLA changes. */
    sta_bits(s, PCIE_EXP_SLTSTA_DLLSC, 0);
    sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d (%s): link %s", s->slot_no, p->fn.name,
            up ? "up (DLL Link Active)" : "down");
}

static void train_done(void *arg)
{
    pcie_slot *s = arg;
    if (!s->training || sim_now() != s->train_due)
        return;   /* superseded: power went away (or came back later) in between */
    s->training = false;
    set_link(s, true);
    pcie_slot_irq_eval(s);
}

static int rebuild_card(pcie_slot *s, sim_err *err);

/* Brings power and link in line with the slot's state now. A card that lost power lost its
 * state: when power returns it comes up as a fresh function (reset configuration and model). */
static void power_update(pcie_slot *s)
{
    bool present = s->port->child_kind != PCIE_NODE_EMPTY;
    bool pwr = present && power_on(s);
    if (!pwr && s->powered) {
        sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d (%s): main power off", s->slot_no,
                s->port->fn.name);
        s->link_failed = false;   /* a power cycle clears a failed link */
        if (present)
            s->card_stale = true;
    }
    if (pwr && !s->powered) {
        sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d (%s): main power on", s->slot_no,
                s->port->fn.name);
        if (s->card_stale) {
            sim_err e;
            if (rebuild_card(s, &e) != 0)
                sim_log(SIM_LOG_ERROR, "pcie.slot", "slot %d: card reset: %s", s->slot_no, e.msg);
        }
    }
    s->powered = pwr;
    bool want = pwr && !s->link_failed && s->port->child_kind != PCIE_NODE_EMPTY;
    if (!want) {
        s->training = false;
        if (s->port->link_up)
            set_link(s, false);
        return;
    }
    if (s->port->link_up || s->training)
        return;
    s->training = true;
    sim_time_t d = s->tm.power_stable_ps + s->tm.detect_ps + s->tm.train_ps;
    s->train_due = sim_now() + d;
    sim_call_after(d, train_done, s);
}

/* ---- commands (Slot Control writes, §6.7.3.2) ---- */

static void cmd_done(void *arg)
{
    pcie_slot *s = arg;
    if (!s->cc_pending || sim_now() != s->cc_due)
        return;
    s->cc_pending = false;
    sta_bits(s, PCIE_EXP_SLTSTA_CC, 0);
    pcie_slot_irq_eval(s);
}

static const char *ind_name(int v)
{
    static const char *const n[4] = {"reserved", "on", "blink", "off"};
    return n[v & 3];
}

static void slot_command(pcie_slot *s)
{
    uint16_t ctl = pcie_slot_ctl(s), old = s->ctl_shadow;
    bool eic = ctl & PCIE_EXP_SLTCTL_EIC;
    s->commands++;
    /* §7.5.3.10: EIC always reads 0; without an interlock (EIP 0) writing 1 does nothing. */
    if (eic)
        pcie_cfg_bits16(&s->port->fn.cfg, (uint16_t)(s->exp + PCIE_EXP_SLTCTL), 0,
                        PCIE_EXP_SLTCTL_EIC);
    ctl &= (uint16_t)~PCIE_EXP_SLTCTL_EIC;
    s->ctl_shadow = ctl;
    if ((ctl ^ old) & PCIE_EXP_SLTCTL_AIC)
        sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d: attention indicator %s", s->slot_no,
                ind_name((ctl & PCIE_EXP_SLTCTL_AIC) >> 6));
    if ((ctl ^ old) & PCIE_EXP_SLTCTL_PIC)
        sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d: power indicator %s", s->slot_no,
                ind_name((ctl & PCIE_EXP_SLTCTL_PIC) >> 8));
    if ((ctl ^ old) & PCIE_EXP_SLTCTL_PCC)
        sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d: power controller %s", s->slot_no,
                (ctl & PCIE_EXP_SLTCTL_PCC) ? "off" : "on");
    /* A power-on command re-arms a power controller whose fault was cleared by software. */
    power_update(s);
    if (!has(s, PCIE_EXP_SLTCAP_NCCS)) {
        bool acts = ((ctl ^ old) & SLOT_CMD_FIELDS) || eic;
        if (!s->cf118 || acts) {
            /* §6.7.3.2: each write is one command; a write before the previous completed
             * restarts the controller on the new one (software must not do it, §6.7.3.2). */
            s->cc_pending = true;
            s->cc_due = sim_now() + s->tm.cmd_complete_ps;
            sim_call_after(s->tm.cmd_complete_ps, cmd_done, s);
        }
    }
}

static bool overlaps(uint16_t off, int size, uint16_t reg, int len)
{
    return off < reg + len && reg < off + size;
}

static void cfg_written(void *ctx, pcie_cfg *cfg, uint16_t off, int size, uint32_t old, uint32_t val)
{
    (void)cfg;
    (void)old;
    (void)val;
    pcie_slot *s = ctx;
    if (overlaps(off, size, (uint16_t)(s->exp + PCIE_EXP_SLTSTA), 2) && s->fault &&
        !(pcie_slot_sta(s) & PCIE_EXP_SLTSTA_PFD))
        s->fault = false;   /* software cleared PFD: the latch re-arms (power returns on PCC=0) */
    if (overlaps(off, size, (uint16_t)(s->exp + PCIE_EXP_SLTCTL), 2))
        slot_command(s);
    /* Enables, status clears, Command.Interrupt Disable and MSI enable all change what the
     * interrupt logic sees. */
    pcie_slot_irq_eval(s);
}

/* ---- cards ---- */

static int build_card(pcie_slot *s, const char *model, const char *name, sim_err *err)
{
    pcie_endpoint_desc d;
    memset(&d, 0, sizeof d);
    if (strlen(model) >= sizeof d.model || strlen(name) >= sizeof d.name || !name[0])
        return sim_err_set(err, "slot %d: model or instance name empty or too long", s->slot_no);
    snprintf(d.model, sizeof d.model, "%s", model);
    snprintf(d.name, sizeof d.name, "%s", name);
    pcie_function *fn;
    if (pcie_endpoint_build(&d, &s->port->link, false, &fn, err) != 0)
        return -1;
    s->port->child_ep = fn;
    s->port->child_kind = PCIE_NODE_ENDPOINT;
    if (pcie_endpoint_attach_one(s->f, s->path, s->depth, fn, err) != 0) {
        s->port->child_ep = NULL;
        s->port->child_kind = PCIE_NODE_EMPTY;
        pcie_endpoint_free(fn);
        return -1;
    }
    snprintf(s->card_model, sizeof s->card_model, "%s", model);
    snprintf(s->card_name, sizeof s->card_name, "%s", name);
    return 0;
}

/* Takes the card's function off the port; its handle is retired (endpoint.c). */
static void unplug_card(pcie_slot *s)
{
    pcie_port *p = s->port;
    pcie_function *fn = p->child_ep;
    p->child_ep = NULL;
    p->child_kind = PCIE_NODE_EMPTY;
    if (fn && fn->ep)
        pcie_endpoint_retire(s->f, fn->ep);
    else if (fn)
        pcie_endpoint_free(fn);
}

static int rebuild_card(pcie_slot *s, sim_err *err)
{
    char model[sizeof s->card_model], name[sizeof s->card_name];
    snprintf(model, sizeof model, "%s", s->card_model);
    snprintf(name, sizeof name, "%s", s->card_name);
    s->card_stale = false;
    if (s->port->child_kind != PCIE_NODE_ENDPOINT)
        return 0;   /* a switch below keeps its state: not modelled */
    unplug_card(s);
    return build_card(s, model, name, err);
}

/* ---- fabric build ---- */

static int add_slot(pcie_fabric *f, pcie_port **stack, int depth, sim_err *err)
{
    pcie_port *p = stack[depth - 1];
    pcie_slot *s = calloc(1, sizeof *s);
    pcie_slot **v = realloc(f->slots, (size_t)(f->nslots + 1) * sizeof *v);
    if (v)
        f->slots = v;
    if (s)
        s->path = calloc((size_t)depth, sizeof *s->path);
    if (!s || !v || !s->path) {
        if (s)
            free(s->path);
        free(s);
        return sim_err_set(err, "hot-plug slot %d: out of memory", p->slot);
    }
    memcpy(s->path, stack, (size_t)depth * sizeof *s->path);
    s->f = f;
    s->port = p;
    s->depth = depth;
    s->slot_no = p->slot;
    s->exp = pcie_cap_find(&p->fn.cfg, PCIE_CAP_ID_EXP);
    s->cap = pcie_cfg_get32(&p->fn.cfg, (uint16_t)(s->exp + PCIE_EXP_SLTCAP));
    s->tm = pcie_slot_timing_default();
    s->ctl_shadow = pcie_slot_ctl(s);
    s->powered = p->child_kind != PCIE_NODE_EMPTY && power_on(s);
    if (p->child_kind == PCIE_NODE_ENDPOINT && p->child_ep) {
        snprintf(s->card_model, sizeof s->card_model, "%s", p->child_ep->model->name);
        snprintf(s->card_name, sizeof s->card_name, "%s", p->child_ep->name);
    }
    pcie_slot_irq_init(s);
    p->hp = s;
    p->fn.cfg.hook = cfg_written;
    p->fn.cfg.hook_ctx = s;
    f->slots[f->nslots++] = s;
    return 0;
}

static int build_ports(pcie_fabric *f, pcie_port *ports, int n, pcie_port ***stack, int depth,
                       int *cap, sim_err *err)
{
    for (int i = 0; i < n; i++) {
        if (depth == *cap) {
            int nc = *cap ? *cap * 2 : 8;
            pcie_port **g = realloc(*stack, (size_t)nc * sizeof *g);
            if (!g)
                return sim_err_set(err, "hot-plug slots: out of memory");
            *stack = g;
            *cap = nc;
        }
        (*stack)[depth] = &ports[i];
        if (ports[i].hotplug && add_slot(f, *stack, depth + 1, err) != 0)
            return -1;
        if (ports[i].child_kind == PCIE_NODE_SWITCH && ports[i].child_sw &&
            build_ports(f, ports[i].child_sw->ports, ports[i].child_sw->nports, stack, depth + 1,
                        cap, err) != 0)
            return -1;
    }
    return 0;
}

int pcie_fabric_slots_build(pcie_fabric *f, sim_err *err)
{
    pcie_port **stack = NULL;
    int cap = 0;
    int rc = build_ports(f, f->root_ports, f->nroot_ports, &stack, 0, &cap, err);
    free(stack);
    return rc;
}

void pcie_fabric_slots_free(pcie_fabric *f)
{
    for (int i = 0; i < f->nslots; i++) {
        pcie_slot *s = f->slots[i];
        sim_cancel_owner(s);
        s->port->hp = NULL;
        s->port->fn.cfg.hook = NULL;
        free(s->path);
        free(s);
    }
    free(f->slots);
    f->slots = NULL;
    f->nslots = 0;
}

/* ---- API ---- */

pcie_slot *pcie_slot_find(pcie_fabric *f, int slot_no)
{
    if (!f || slot_no <= 0)
        return NULL;
    for (int i = 0; i < f->nslots; i++)
        if (f->slots[i]->slot_no == slot_no)
            return f->slots[i];
    return NULL;
}

pcie_slot *pcie_slot_find_port(pcie_fabric *f, const char *port_name)
{
    if (!f || !port_name)
        return NULL;
    for (int i = 0; i < f->nslots; i++)
        if (strcmp(f->slots[i]->port->fn.name, port_name) == 0)
            return f->slots[i];
    return NULL;
}

int pcie_slot_count(const pcie_fabric *f)
{
    return f ? f->nslots : 0;
}

pcie_slot *pcie_slot_at(pcie_fabric *f, int i)
{
    return f && i >= 0 && i < f->nslots ? f->slots[i] : NULL;
}

void pcie_slot_set_timing(pcie_slot *s, const pcie_slot_timing *t)
{
    s->tm = *t;
}

void pcie_slot_set_cf118(pcie_slot *s, bool on)
{
    s->cf118 = on;
}

int pcie_slot_insert(pcie_slot *s, const char *model, const char *instance_name, sim_err *err)
{
    if (!s || !model || !instance_name)
        return sim_err_set(err, "slot insert: no slot, model or instance name");
    pcie_fabric_reap(s->f, false);
    if (s->port->child_kind != PCIE_NODE_EMPTY)
        return sim_err_set(err, "slot %d (%s): already holds a card ('%s')", s->slot_no,
                           s->port->fn.name, s->card_name);
    if (pcie_fabric_find_endpoint(s->f, instance_name))
        return sim_err_set(err, "slot %d: instance name '%s' is already in use", s->slot_no,
                           instance_name);
    if (build_card(s, model, instance_name, err) != 0)
        return -1;
    s->card_stale = false;
    s->link_failed = false;
    sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d (%s): card '%s' (%s) inserted", s->slot_no,
            s->port->fn.name, instance_name, model);
    /* Presence detect follows the card at once (PRSNT# pins, §7.5.3.11 PDS); PDC reports it. */
    sta_bits(s, PCIE_EXP_SLTSTA_PDS | PCIE_EXP_SLTSTA_PDC, 0);
    power_update(s);
    pcie_slot_irq_eval(s);
    return 0;
}

int pcie_slot_remove_surprise(pcie_slot *s, sim_err *err)
{
    if (!s)
        return sim_err_set(err, "slot remove: no slot");
    if (s->port->child_kind == PCIE_NODE_EMPTY)
        return sim_err_set(err, "slot %d (%s): is empty", s->slot_no, s->port->fn.name);
    if (s->port->child_kind == PCIE_NODE_SWITCH)
        return sim_err_set(err, "slot %d (%s): holds a switch; pulling a switch is not modelled",
                           s->slot_no, s->port->fn.name);
    sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d (%s): card '%s' pulled%s", s->slot_no,
            s->port->fn.name, s->card_name, s->port->link_up ? " (surprise: link was up)" : "");
    unplug_card(s);
    s->card_stale = false;
    s->link_failed = false;
    s->card_name[0] = '\0';
    s->card_model[0] = '\0';
    sta_bits(s, PCIE_EXP_SLTSTA_PDC, PCIE_EXP_SLTSTA_PDS);
    power_update(s);   /* the link drops at once: DLLLA clear, DLLSC */
    pcie_slot_irq_eval(s);
    pcie_fabric_reap(s->f, false);
    return 0;
}

int pcie_slot_press_button(pcie_slot *s, sim_err *err)
{
    if (!s)
        return sim_err_set(err, "slot button: no slot");
    if (!has(s, PCIE_EXP_SLTCAP_ABP))
        return sim_err_set(err, "slot %d: has no attention button", s->slot_no);
    sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d: attention button pressed", s->slot_no);
    sta_bits(s, PCIE_EXP_SLTSTA_ABP, 0);
    pcie_slot_irq_eval(s);
    return 0;
}

int pcie_slot_set_mrl(pcie_slot *s, bool open, sim_err *err)
{
    if (!s)
        return sim_err_set(err, "slot MRL: no slot");
    if (!has(s, PCIE_EXP_SLTCAP_MRLSP))
        return sim_err_set(err, "slot %d: has no MRL sensor", s->slot_no);
    if (s->mrl_open == open)
        return 0;   /* no change, no event */
    s->mrl_open = open;
    sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d: MRL %s", s->slot_no, open ? "opened" : "closed");
    sta_bits(s, (uint16_t)(PCIE_EXP_SLTSTA_MRLSC | (open ? PCIE_EXP_SLTSTA_MRLSS : 0)),
             open ? 0 : PCIE_EXP_SLTSTA_MRLSS);
    power_update(s);
    pcie_slot_irq_eval(s);
    return 0;
}

int pcie_slot_power_fault(pcie_slot *s, sim_err *err)
{
    if (!s)
        return sim_err_set(err, "slot power fault: no slot");
    if (!has(s, PCIE_EXP_SLTCAP_PCP))
        return sim_err_set(err, "slot %d: has no power controller to detect a fault", s->slot_no);
    sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d: power fault", s->slot_no);
    s->fault = true;
    sta_bits(s, PCIE_EXP_SLTSTA_PFD, 0);
    power_update(s);
    pcie_slot_irq_eval(s);
    return 0;
}

int pcie_slot_link_down(pcie_slot *s, sim_err *err)
{
    if (!s)
        return sim_err_set(err, "slot link down: no slot");
    if (!s->port->link_up && !s->training)
        return sim_err_set(err, "slot %d: link is not up", s->slot_no);
    sim_log(SIM_LOG_INFO, "pcie.slot", "slot %d: link failure", s->slot_no);
    s->link_failed = true;
    power_update(s);
    pcie_slot_irq_eval(s);
    return 0;
}

void pcie_slot_get_state(const pcie_slot *s, pcie_slot_state *o)
{
    memset(o, 0, sizeof *o);
    uint16_t ctl = pcie_slot_ctl(s);
    o->slot_no = s->slot_no;
    o->port_name = s->port->fn.name;
    o->card_present = s->port->child_kind != PCIE_NODE_EMPTY;
    o->card_name = o->card_present && s->card_name[0] ? s->card_name : NULL;
    o->mrl_open = s->mrl_open;
    o->powered = s->powered;
    o->link_active = s->port->link_up;
    o->link_training = s->training;
    o->power_fault = s->fault;
    o->interlock_engaged = (pcie_slot_sta(s) & PCIE_EXP_SLTSTA_EIS) != 0;
    o->attention_ind = (ctl & PCIE_EXP_SLTCTL_AIC) >> 6;
    o->power_ind = (ctl & PCIE_EXP_SLTCTL_PIC) >> 8;
    o->sltctl = ctl;
    o->sltsta = pcie_slot_sta(s);
    o->commands = s->commands;
    o->interrupts = s->interrupts;
}

struct pcie_endpoint *pcie_slot_endpoint(pcie_slot *s)
{
    if (!s || s->port->child_kind != PCIE_NODE_ENDPOINT || !s->port->child_ep)
        return NULL;
    return s->port->child_ep->ep;
}
