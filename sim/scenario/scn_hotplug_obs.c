/* scn_hotplug_obs.c — what a scenario sees of hot-plug (docs/scenarios.md "Hot-plug"): wait_for
 * (a device bound or removed, a slot on or off), slot_status, hotplug_events, hotplug_stats,
 * leaks and expect_no_leaks, lspci of the live system; and the handler's listener, which puts
 * every event in result.json's "hotplug" list and keeps the scenario's NIC handles and cables
 * on the card that is in the slot now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/slot.h"
#include "kernel_model/device/device.h"
#include "kernel_model/pci/pci_bus.h"
#include "sim/scenario/scn_hotplug.h"

#define SCN_HP_LOG "scenario.hotplug"
/* How long wait_for waits when the script gives no timeout: longer than a button's 5 s abort
 * window plus power-up (120 ms), 100 ms and binding. */
#define SCN_HP_WAIT_DEFAULT_PS (10 * SIM_SEC)
/* Between events, wait_for looks at the state this often (a state can also change without a
 * hot-plug event, e.g. a driver loaded by the script). */
#define SCN_HP_WAIT_STEP_PS (100 * SIM_MS)

/* ---- the card behind a name ---- */

static kern_pci_dev *card_function(scn_state *s, const char *name, pcie_endpoint **ep_out)
{
    pcie_endpoint *ep = pcie_fabric_find_endpoint(s->sys->fabric, name);
    if (ep_out)
        *ep_out = ep;
    if (!ep)
        return NULL;
    uint16_t rid = pcie_dev_requester_id(ep);
    return kern_pci_find(s->sys->pci, rid >> 8, (rid >> 3) & 31, rid & 7);
}

static void remember(const char *name, const kern_pci_dev *pdev)
{
    scn_hp *hp = scn_hp_get();
    struct scn_hp_seen *e = NULL;
    for (int i = 0; i < hp->nseen && !e; i++)
        if (!strcmp(hp->seen[i].name, name))
            e = &hp->seen[i];
    if (!e && hp->nseen < SCN_HP_MAX_CARDS) {
        e = &hp->seen[hp->nseen++];
        snprintf(e->name, sizeof e->name, "%s", name);
    }
    if (e) {
        e->bus = pdev->bus;
        e->dev = pdev->dev;
        e->fn = pdev->fn;
    }
}

void scn_hp_remember_slot(scn_state *s, pcie_slot *slot)
{
    pcie_slot_state st;
    pcie_slot_get_state(slot, &st);
    kern_pci_dev *pdev = st.card_name ? card_function(s, st.card_name, NULL) : NULL;
    if (pdev)
        remember(st.card_name, pdev);
}

/* The function the kernel has for the card named name: the card's own, or, once the card is
 * gone, the one at the address it was last enumerated at until the kernel lets go of it. */
static kern_pci_dev *kernel_function(scn_state *s, const char *name)
{
    kern_pci_dev *pdev = card_function(s, name, NULL);
    if (pdev) {
        remember(name, pdev);
        return pdev;
    }
    scn_hp *hp = scn_hp_get();
    for (int i = 0; i < hp->nseen; i++)
        if (!strcmp(hp->seen[i].name, name))
            return kern_pci_find(s->sys->pci, hp->seen[i].bus, hp->seen[i].dev, hp->seen[i].fn);
    return NULL;
}

/* "bound" (a started driver), "unbound" (enumerated, no driver) or "removed". */
static const char *device_state(scn_state *s, const char *name)
{
    kern_pci_dev *pdev = kernel_function(s, name);
    if (!pdev)
        return "removed";
    vmk_Device dev = kern_pci_bus_device(pdev);
    if (dev && kern_device_driver(dev) && kern_device_state(dev) == KERN_DEV_STARTED)
        return "bound";
    return "unbound";
}

/* ---- NIC handles and cables follow the card ---- */

static void replug(scn_nic *n, wire_port *np)
{
    sim_err err = {{0}};
    int rc = 0;
    switch (n->cable) {
    case SCN_CABLE_LOOPBACK:
        wire_link_free(n->link);
        rc = wire_link_new(np, np, n->prop_ps, &n->link, &err);
        break;
    case SCN_CABLE_PEER:
        wire_link_free(n->link);
        n->peer->link = NULL;
        rc = n->peer->dev ? wire_link_new(np, e1000_port(n->peer->dev), n->prop_ps, &n->link,
                                          &err) : sim_err_set(&err, "the peer has no card");
        n->peer->link = n->link;
        break;
    case SCN_CABLE_GENERATOR:
        wire_link_free(n->link);
        rc = wire_link_new(n->gen, np, n->prop_ps, &n->link, &err);
        break;
    case SCN_CABLE_NONE:
        return;
    }
    if (rc < 0) {
        n->link = NULL;
        n->cable = SCN_CABLE_NONE;
        sim_log(SIM_LOG_ERROR, SCN_HP_LOG, "%s: cable not re-plugged: %s", n->name, err.msg);
        return;
    }
    sim_log(SIM_LOG_INFO, SCN_HP_LOG, "%s: cable plugged into the new card", n->name);
}

static void refresh_nics(scn_state *s)
{
    if (!s->net)
        return;
    for (int i = 0; i < s->net->nnics; i++) {
        scn_nic *n = &s->net->nics[i];
        pcie_endpoint *ep;
        kern_pci_dev *pdev = card_function(s, n->name, &ep);
        e1000 *dev = pdev ? pcie_endpoint_state(ep) : NULL;
        n->pdev = pdev;
        /* A removed card's model stays until the slot's next physical change (a run that was
         * using it still reads its counters): the handle is let go in scn_hp_forget_cards. */
        if (dev && dev != n->dev) {
            replug(n, e1000_port(dev));
            n->dev = dev;
        }
    }
}

void scn_hp_forget_cards(scn_state *s)
{
    if (!s->net)
        return;
    for (int i = 0; i < s->net->nnics; i++)
        if (!s->net->nics[i].pdev)
            s->net->nics[i].dev = NULL;
}

/* The cable slot_insert asked for, into the new card before its driver starts. */
static void plug_new(scn_nic *n, scn_cable_kind kind, e1000 *dev)
{
    sim_err err = {{0}};
    wire_port *np = e1000_port(dev);
    int rc;
    if (kind == SCN_CABLE_LOOPBACK) {
        rc = wire_link_new(np, np, 0, &n->link, &err);
    } else {
        char gname[PLATFORM_NAME_LEN + 8];
        snprintf(gname, sizeof gname, "%s.gen", n->name);
        rc = wire_port_new(gname, wire_port_speed(np), &n->gen, &err);
        if (rc == 0 && (rc = wire_link_new(n->gen, np, 0, &n->link, &err)) < 0) {
            wire_port_free(n->gen);
            n->gen = NULL;
        }
    }
    if (rc < 0) {
        sim_log(SIM_LOG_ERROR, SCN_HP_LOG, "%s: cable not plugged: %s", n->name, err.msg);
        return;
    }
    n->cable = kind;
    n->link_owner = true;
    n->dev = dev;
    sim_log(SIM_LOG_INFO, SCN_HP_LOG, "%s: %s cable plugged into the new card", n->name,
            kind == SCN_CABLE_LOOPBACK ? "loopback" : "generator");
}

/* A NIC that slot_insert brought in and the scenario has not used yet joins the NIC table, with
 * the driver its style named, so tx{}/rx{}/wire{} find it. */
static void adopt_cards(scn_state *s)
{
    scn_hp *hp = scn_hp_get();
    for (int c = 0; c < hp->ncards; c++) {
        scn_hp_card *card = &hp->cards[c];
        if (strcmp(card->model, "e1000"))
            continue;
        if (!s->net && !(s->net = calloc(1, sizeof *s->net)))
            return;
        scn_nic *n = NULL;
        for (int i = 0; i < s->net->nnics && !n; i++)
            if (!strcmp(s->net->nics[i].name, card->name))
                n = &s->net->nics[i];
        pcie_endpoint *ep;
        kern_pci_dev *pdev = card_function(s, card->name, &ep);
        if (!n && pdev && s->net->nnics < SCN_NET_MAX) {
            n = &s->net->nics[s->net->nnics++];
            memset(n, 0, sizeof *n);
            snprintf(n->name, sizeof n->name, "%s", card->name);
        }
        if (n && card->mod) {
            n->mod = card->mod;
            n->style = card->style;
        }
        if (n && pdev && card->wire != SCN_CABLE_NONE && n->cable == SCN_CABLE_NONE)
            plug_new(n, card->wire, pcie_endpoint_state(ep));
    }
}

static void add_result(scn_state *s, const kern_hp_event *ev)
{
    result_hotplug *r = result_add_hotplug(s->result, ev->slot, ev->kind);
    if (!r)
        return;   /* past the scenario's result_limits{} (counted there) or out of memory */
    for (int i = 0; i < ev->nsteps; i++)
        result_hotplug_add_step(r, ev->steps[i].name, ev->steps[i].at_ps);
    result_hotplug_set_outcome(r, ev->outcome);
    result_hotplug_set_in_flight(r, ev->issued, ev->completed, ev->failed);
    for (int i = 0; i < ev->nleaks; i++)
        result_hotplug_add_leak(r, ev->leaks[i].owner, ev->leaks[i].what, ev->leaks[i].amount);
}

void scn_hp_listener(void *ctx, const char *phase, const kern_hp_event *ev)
{
    scn_hp *hp = ctx;
    scn_state *s = hp->s;
    if (!s || !s->sys)
        return;
    if (!strcmp(phase, "enumerated")) {
        for (int i = 0; i < hp->ncards; i++) {
            kern_pci_dev *pdev = card_function(s, hp->cards[i].name, NULL);
            if (pdev)
                remember(hp->cards[i].name, pdev);
        }
        adopt_cards(s);
        refresh_nics(s);
        return;
    }
    refresh_nics(s);
    add_result(s, ev);
    if (hp->waiting)
        sim_stop();   /* wait_for looks again at once, at this event's time */
}

/* ---- wait_for ---- */

void scn_hp_run_until(bool (*done)(void *ctx), void *ctx, sim_time_t deadline)
{
    /* Every hot-plug event's end stops the engine while waiting (scn_hp_listener), so the state
     * is looked at exactly when it can have changed; the step bounds the rest. */
    scn_hp *hp = scn_hp_get();
    hp->waiting = true;
    while (!done(ctx) && sim_now() < deadline) {
        sim_time_t next = sim_now() + SCN_HP_WAIT_STEP_PS;
        sim_run_until(next < deadline ? next : deadline);
    }
    hp->waiting = false;
}

typedef struct wait_ctx {
    scn_state *s;
    const char *device;
    int slot_no;
    const char *want;
} wait_ctx;

/* No handler is in the middle of an event (a slot inside its 5 s abort window is waiting on the
 * user, not working). */
static bool handlers_idle(void)
{
    kern_hp_slot_info si;
    for (size_t i = 0; kern_hotplug_slot_at(i, &si) == 0; i++)
        if (si.busy && si.state != KERN_HP_BLINK_OFF && si.state != KERN_HP_BLINK_ON)
            return false;
    return true;
}

static const char *slot_state(int slot_no)
{
    kern_hp_slot_info si;
    if (kern_hotplug_slot_info(slot_no, &si) < 0)
        return "none";
    return kern_hp_state_name(si.state);
}

static bool wait_done(void *arg)
{
    wait_ctx *w = arg;
    if (!handlers_idle())
        return false;
    if (w->device)
        return !strcmp(device_state(w->s, w->device), w->want);
    kern_hp_slot_info si;
    if (kern_hotplug_slot_info(w->slot_no, &si) < 0)
        return false;
    if (!strcmp(w->want, "idle"))
        return !si.busy;
    return !si.busy && !strcmp(kern_hp_state_name(si.state), w->want);
}

static int l_wait_for(lua_State *L)
{
    static const char *const keys[] = {"device", "slot", "state", "timeout", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "wait_for: expected a table, e.g. wait_for { device = \"nic0\", state = "
                  "\"bound\" }, got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "wait_for", NULL, keys);
    scn_state *s = scn_get(L);
    if (!s->booted || !s->sys)
        scn_error(L, "wait_for: called before boot()");
    scn_hp_check_deferred(L);
    wait_ctx w = {.s = s};
    w.device = scn_opt_string(L, 1, "wait_for", "device");
    bool has_slot = scn_rawfield(L, 1, "slot") != LUA_TNIL;
    lua_pop(L, 1);
    if (!w.device == !has_slot)
        scn_error(L, "wait_for: give either 'device' (a card's name) or 'slot'");
    w.want = scn_opt_string(L, 1, "wait_for", "state");
    if (!w.want)
        scn_error(L, "wait_for: missing field 'state'");
    if (w.device) {
        if (strcmp(w.want, "bound") && strcmp(w.want, "unbound") && strcmp(w.want, "removed"))
            scn_error(L, "wait_for: state = '%s' is not a device state (\"bound\", \"unbound\" "
                      "or \"removed\")", w.want);
    } else {
        pcie_slot *slot = scn_hp_slot_arg(L, "wait_for", 1);
        pcie_slot_state st;
        pcie_slot_get_state(slot, &st);
        w.slot_no = st.slot_no;
        if (strcmp(w.want, "on") && strcmp(w.want, "off") && strcmp(w.want, "idle"))
            scn_error(L, "wait_for: state = '%s' is not a slot state (\"on\", \"off\" or "
                      "\"idle\")", w.want);
    }
    sim_time_t timeout = SCN_HP_WAIT_DEFAULT_PS;
    scn_opt_time(L, 1, "wait_for", "timeout", &timeout);
    if (timeout == 0)
        scn_error(L, "wait_for: timeout must be above 0");
    sim_time_t start = sim_now(), deadline = start + timeout;
    sim_run_until(start);   /* what the last action set off at this instant runs first */
    scn_hp_run_until(wait_done, &w, deadline);
    scn_hp_check_deferred(L);
    if (!wait_done(&w)) {
        if (w.device)
            scn_error(L, "wait_for: device '%s' is not %s after %llu ps (it is %s)", w.device,
                      w.want, (unsigned long long)timeout, device_state(s, w.device));
        scn_error(L, "wait_for: slot %d is not %s after %llu ps (it is %s)", w.slot_no, w.want,
                  (unsigned long long)timeout, slot_state(w.slot_no));
    }
    lua_pushinteger(L, (lua_Integer)sim_now());
    return 1;
}

/* ---- status, events, leaks ---- */

#define SET_INT(k, v) (lua_pushinteger(L, (lua_Integer)(v)), lua_setfield(L, -2, k))
#define SET_STR(k, v) (lua_pushstring(L, v), lua_setfield(L, -2, k))
#define SET_BOOL(k, v) (lua_pushboolean(L, v), lua_setfield(L, -2, k))

static const char *indicator(int v)
{
    return v == 1 ? "on" : v == 2 ? "blink" : v == 3 ? "off" : "reserved";
}

static int l_slot_status(lua_State *L)
{
    static const char *const keys[] = {"slot", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "slot_status: expected a table, e.g. slot_status { slot = 1 }, got %s",
                  luaL_typename(L, 1));
    scn_check_keys(L, 1, "slot_status", NULL, keys);
    scn_state *s = scn_get(L);
    if (!s->booted || !s->sys)
        scn_error(L, "slot_status: called before boot()");
    pcie_slot *slot = scn_hp_slot_arg(L, "slot_status", 1);
    pcie_slot_state st;
    pcie_slot_get_state(slot, &st);
    kern_hp_slot_info si;
    bool have = kern_hotplug_slot_info(st.slot_no, &si) == 0;
    lua_createtable(L, 0, 16);
    SET_INT("slot", st.slot_no);
    SET_STR("port", st.port_name);
    SET_STR("state", have ? kern_hp_state_name(si.state) : "none");
    SET_BOOL("ready", have && si.ready);
    SET_BOOL("busy", have && si.busy);
    SET_INT("functions", have ? si.functions : 0);
    SET_BOOL("legacy_orphan", have && si.legacy_orphan);
    SET_BOOL("present", st.card_present);
    if (st.card_name)
        SET_STR("card", st.card_name);
    SET_BOOL("powered", st.powered);
    SET_BOOL("link", st.link_active);
    SET_BOOL("mrl_open", st.mrl_open);
    SET_BOOL("power_fault", st.power_fault);
    SET_STR("power_indicator", indicator(st.power_ind));
    SET_STR("attention_indicator", indicator(st.attention_ind));
    SET_INT("interrupts", st.interrupts);
    SET_INT("commands", st.commands);
    return 1;
}

static void push_event(lua_State *L, const kern_hp_event *ev)
{
    lua_createtable(L, 0, 12);
    SET_INT("seq", ev->seq);
    SET_STR("slot", ev->slot);
    SET_INT("slot_no", ev->slot_no);
    SET_STR("kind", ev->kind);
    SET_STR("outcome", ev->outcome);
    SET_STR("reason", ev->reason);
    SET_INT("begin_ps", ev->begin_ps);
    SET_INT("end_ps", ev->end_ps);
    lua_createtable(L, ev->nsteps, 0);
    for (int i = 0; i < ev->nsteps; i++) {
        lua_createtable(L, 0, 2);
        SET_STR("name", ev->steps[i].name);
        SET_INT("time_ps", ev->steps[i].at_ps);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "steps");
    lua_createtable(L, 0, 3);
    SET_INT("issued", ev->issued);
    SET_INT("completed", ev->completed);
    SET_INT("failed", ev->failed);
    lua_setfield(L, -2, "in_flight");
    lua_createtable(L, ev->nleaks, 0);
    for (int i = 0; i < ev->nleaks; i++) {
        lua_createtable(L, 0, 3);
        SET_STR("owner", ev->leaks[i].owner);
        SET_STR("what", ev->leaks[i].what);
        SET_INT("amount", ev->leaks[i].amount);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "leaks");
}

static int l_hotplug_events(lua_State *L)
{
    size_t n = kern_hotplug_event_count();
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_event(L, kern_hotplug_event_at(i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_hotplug_stats(lua_State *L)
{
    kern_hp_stats st;
    kern_hotplug_get_stats(&st);
    lua_createtable(L, 0, 12);
    SET_INT("events", st.events);
    SET_INT("interrupts", st.interrupts);
    SET_INT("commands", st.commands);
    SET_INT("command_timeouts", st.command_timeouts);
    SET_INT("removals", st.removals);
    SET_INT("additions", st.additions);
    SET_INT("cancelled", st.cancelled);
    SET_INT("refused", st.refused);
    SET_INT("failed", st.failed);
    SET_INT("leak_checks", st.leak_checks);
    SET_INT("leaks", st.leaks);
    SET_INT("legacy_orphans", st.legacy_orphans);
    return 1;
}

/* leaks(): {count, checks, list = {{slot, kind, owner, what, amount}}} (the kept events). */
static int l_leaks(lua_State *L)
{
    scn_hp_check_deferred(L);
    kern_hp_stats st;
    kern_hotplug_get_stats(&st);
    lua_createtable(L, 0, 3);
    SET_INT("count", st.leaks);
    SET_INT("checks", st.leak_checks);
    lua_newtable(L);
    int k = 0;
    for (size_t i = 0; i < kern_hotplug_event_count(); i++) {
        const kern_hp_event *ev = kern_hotplug_event_at(i);
        for (int j = 0; j < ev->nleaks; j++) {
            lua_createtable(L, 0, 5);
            SET_STR("slot", ev->slot);
            SET_STR("kind", ev->kind);
            SET_STR("owner", ev->leaks[j].owner);
            SET_STR("what", ev->leaks[j].what);
            SET_INT("amount", ev->leaks[j].amount);
            lua_rawseti(L, -2, ++k);
        }
    }
    lua_setfield(L, -2, "list");
    return 1;
}

static int l_expect_no_leaks(lua_State *L)
{
    scn_hp_check_deferred(L);
    kern_hp_stats st;
    kern_hotplug_get_stats(&st);
    if (st.leaks == 0)
        return 0;
    char detail[512] = "";
    size_t used = 0;
    for (size_t i = kern_hotplug_event_count(); i-- > 0 && used < sizeof detail - 80;) {
        const kern_hp_event *ev = kern_hotplug_event_at(i);
        for (int j = 0; j < ev->nleaks && used < sizeof detail - 80; j++)
            used += (size_t)snprintf(detail + used, sizeof detail - used, "; %s after %s "
                                     "(event %llu): %s %s %llu", ev->slot, ev->kind,
                                     (unsigned long long)ev->seq, ev->leaks[j].owner,
                                     ev->leaks[j].what, (unsigned long long)ev->leaks[j].amount);
    }
    scn_error(L, "expect_no_leaks failed: %llu leak(s) in %llu removal check(s)%s",
              (unsigned long long)st.leaks, (unsigned long long)st.leak_checks, detail);
}

/* ---- lspci of the live system ---- */

static void parse_lspci_args(lua_State *L, const char *args, kern_lspci_opts *o)
{
    memset(o, 0, sizeof *o);
    const char *p = args;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (*p != '-')
            scn_error(L, "lspci: args = '%s': '%s' is not an option (-t, -v, -n, -x, -xxx, "
                      "-xxxx)", args, p);
        int nx = 0;
        for (p++; *p && *p != ' '; p++) {
            if (*p == 't')
                o->tree = true;
            else if (*p == 'v')
                o->verbose++;
            else if (*p == 'n')
                o->numeric = true;
            else if (*p == 'x')
                nx++;
            else
                scn_error(L, "lspci: args = '%s': unknown option letter '%c' (t, v, n, x)", args,
                          *p);
        }
        if (nx == 1)
            o->dump_bytes = 64;
        else if (nx == 3)
            o->dump_bytes = 256;
        else if (nx == 4)
            o->dump_bytes = 4096;
        else if (nx)
            scn_error(L, "lspci: args = '%s': -x, -xxx or -xxxx", args);
    }
}

static int l_lspci(lua_State *L)
{
    static const char *const keys[] = {"args", "out", NULL};
    if (!lua_isnoneornil(L, 1) && !lua_istable(L, 1))
        scn_error(L, "lspci: expected a table, e.g. lspci { args = \"-tv\" }, got %s",
                  luaL_typename(L, 1));
    scn_state *s = scn_get(L);
    if (!s->booted || !s->sys)
        scn_error(L, "lspci: called before boot()");
    const char *args = "", *out = NULL;
    char outname[PLATFORM_NAME_LEN];
    if (lua_istable(L, 1)) {
        scn_check_keys(L, 1, "lspci", NULL, keys);
        args = scn_opt_string(L, 1, "lspci", "args");
        args = args ? args : "";
        out = scn_opt_string(L, 1, "lspci", "out");
        if (out)
            scn_check_name(L, "lspci", "out", out, outname, sizeof outname);
    }
    kern_lspci_opts o;
    parse_lspci_args(L, args, &o);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        scn_error(L, "lspci: out of memory");
    kern_lspci_print(m, s->sys->fabric, s->sys->pci, &o);
    fclose(m);
    if (out && s->out_dir) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", s->out_dir, outname);
        FILE *f = fopen(path, "w");
        bool ok = f && fwrite(text, 1, len, f) == len;
        if (f && fclose(f) != 0)
            ok = false;
        if (!ok) {
            free(text);
            scn_error(L, "lspci: cannot write %s", path);
        }
    } else if (out) {
        sim_log(SIM_LOG_INFO, SCN_HP_LOG, "lspci: '%s' not written: no --out directory", out);
    }
    lua_pushlstring(L, text, len);
    free(text);
    return 1;
}

void scn_register_hotplug_obs(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"wait_for", l_wait_for}, {"slot_status", l_slot_status},
        {"hotplug_events", l_hotplug_events}, {"hotplug_stats", l_hotplug_stats},
        {"leaks", l_leaks}, {"expect_no_leaks", l_expect_no_leaks}, {"lspci", l_lspci},
        {NULL, NULL},
    };
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}
