/* scn_hotplug.c — the physical hot-plug verbs of a scenario (docs/scenarios.md "Hot-plug"): what
 * a person or a test rig does to a slot — press its attention button, insert a card, pull it,
 * open or close the MRL, cause a power fault or a link failure — now, or at a simulated time
 * (`at`), so it lands in the middle of a following tx{}/rx{} run. The slot controller
 * (devices/pcie/slot.h) does the hardware's part; the kernel's hot-plug handler
 * (kernel_model/hotplug) reacts through the slot's registers and interrupts. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/pcie/slot.h"
#include "kernel_model/device/device.h"
#include "sim/scenario/scn_hotplug.h"

#define SCN_HP_LOG "scenario.hotplug"
/* Loading a driver module before a hot-add: as driver{} allows (scn_workload.c). */
#define SCN_HP_LOAD_TIMEOUT_PS (1 * SIM_SEC)
/* At the scenario's end, how long an event in progress may take to finish: a power-up (120 ms),
 * 100 ms, enumeration and binding, with room to spare. */
#define SCN_HP_SETTLE_PS (2 * SIM_SEC)

static scn_hp hp;

scn_hp *scn_hp_get(void) { return &hp; }

typedef enum hp_verb {
    HP_BUTTON, HP_INSERT, HP_PULL, HP_MRL, HP_POWER_FAULT, HP_LINK_DOWN,
} hp_verb;

static const char *const verb_names[] = {
    [HP_BUTTON] = "slot_button", [HP_INSERT] = "slot_insert", [HP_PULL] = "slot_pull",
    [HP_MRL] = "slot_mrl", [HP_POWER_FAULT] = "slot_power_fault", [HP_LINK_DOWN] = "slot_link_down",
};

/* One physical action, done now or by a simulated-time callback. */
typedef struct scn_hp_action {
    hp_verb verb;
    pcie_slot *slot;
    int line;
    char model[PLATFORM_NAME_LEN], name[PLATFORM_NAME_LEN];
    bool mrl_open;
    sim_time_t at;
    struct scn_hp_action *next;
} scn_hp_action;

static int act(scn_hp_action *a, sim_err *err)
{
    if (hp.s && hp.s->sys)
        scn_hp_remember_slot(hp.s, a->slot);
    switch (a->verb) {
    case HP_BUTTON: return pcie_slot_press_button(a->slot, err);
    case HP_INSERT: return pcie_slot_insert(a->slot, a->model, a->name, err);
    case HP_PULL: return pcie_slot_remove_surprise(a->slot, err);
    case HP_MRL: return pcie_slot_set_mrl(a->slot, a->mrl_open, err);
    case HP_POWER_FAULT: return pcie_slot_power_fault(a->slot, err);
    case HP_LINK_DOWN: return pcie_slot_link_down(a->slot, err);
    }
    return sim_err_set(err, "unknown action");
}

static void unlink_action(scn_hp_action *a)
{
    for (scn_hp_action **p = &hp.actions; *p; p = &(*p)->next)
        if (*p == a) {
            *p = a->next;
            return;
        }
}

static void fire(void *arg)
{
    scn_hp_action *a = arg;
    unlink_action(a);
    sim_err err = {{0}};
    sim_log(SIM_LOG_INFO, SCN_HP_LOG, "%s (line %d): now", verb_names[a->verb], a->line);
    if (act(a, &err) < 0) {
        sim_log(SIM_LOG_ERROR, SCN_HP_LOG, "%s (line %d, at %llu ps): %s", verb_names[a->verb],
                a->line, (unsigned long long)a->at, err.msg);
        if (!hp.deferred_error[0] && hp.s)
            snprintf(hp.deferred_error, sizeof hp.deferred_error, "%.400s:%d: %s (scheduled at "
                     "%llu ps): %.1000s", hp.s->path, a->line, verb_names[a->verb],
                     (unsigned long long)a->at, err.msg);
    }
    free(a);
}

void scn_hp_check_deferred(lua_State *L)
{
    if (!hp.deferred_error[0])
        return;
    char msg[sizeof hp.deferred_error];
    memcpy(msg, hp.deferred_error, sizeof msg);
    hp.deferred_error[0] = '\0';
    lua_pushstring(L, msg);   /* already "path:line: ..." */
    lua_error(L);
}

static void need_system(lua_State *L, const char *what)
{
    scn_state *s = scn_get(L);
    if (!s->booted || !s->sys)
        scn_error(L, "%s: called before boot()", what);
    scn_hp_check_deferred(L);
}

pcie_slot *scn_hp_slot_arg(lua_State *L, const char *what, int idx)
{
    scn_state *s = scn_get(L);
    int t = scn_rawfield(L, idx, "slot");
    pcie_slot *slot = NULL;
    if (t == LUA_TNUMBER && lua_isinteger(L, -1)) {
        lua_Integer n = lua_tointeger(L, -1);
        slot = n > 0 && n <= INT_MAX ? pcie_slot_find(s->sys->fabric, (int)n) : NULL;
        if (!slot)
            scn_error(L, "%s: slot = %lld: no hot-plug slot with that physical slot number",
                      what, (long long)n);
    } else if (t == LUA_TSTRING) {
        const char *name = lua_tostring(L, -1);
        slot = pcie_slot_find_port(s->sys->fabric, name);
        if (!slot)
            scn_error(L, "%s: slot = '%s': no hot-plug port of that name", what, name);
    } else if (t == LUA_TNIL) {
        scn_error(L, "%s: missing field 'slot' (a physical slot number, or a port name such as "
                  "\"rp0\")", what);
    } else {
        scn_error(L, "%s: field 'slot' must be a slot number or a port name, got %s", what,
                  luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return slot;
}

scn_hp_card *scn_hp_card_find(const char *name)
{
    for (int i = 0; i < hp.ncards; i++)
        if (!strcmp(hp.cards[i].name, name))
            return &hp.cards[i];
    return NULL;
}

/* ---- driver for a card (style) ---- */

/* PCI identity of each card model the simulator has, for the kernel's driver map before the card
 * exists, and its drivers by style (as driver{} has them, scn_workload.c). */
static const struct card_model {
    const char *model;
    uint16_t vendor, device;
    const char *native, *linux_name;
} CARD_MODELS[] = {
    {"e1000", 0x8086, 0x100E, "vmk_e1000", "e1000"},        /* 82540EM SDM §5.2: 8086:100E */
    {"pvscsi", 0x15AD, 0x07C0, "vmk_pvscsi", "vmw_pvscsi"}, /* VMware PVSCSI: 15AD:07C0 */
};

static const struct card_model *card_model(const char *model)
{
    for (size_t i = 0; i < sizeof CARD_MODELS / sizeof CARD_MODELS[0]; i++)
        if (!strcmp(CARD_MODELS[i].model, model))
            return &CARD_MODELS[i];
    return NULL;
}

typedef struct load_job {
    char path[PATH_MAX + 80];
    kern_module *mod;
    int rc;
    bool done;
    sim_err err;
} load_job;

static void load_thread(void *arg)
{
    load_job *j = arg;
    j->rc = kern_module_load(j->path, &j->mod, &j->err);
    j->done = true;
}

static bool load_done(void *arg) { return ((load_job *)arg)->done; }

/* Loads modname from the modules folder unless loaded ($VMKSIM_MODULE_DIR, else <dir of the
 * vmksim binary>/modules, as driver{} does); the scenario's end unloads it. */
static kern_module *ensure_module(lua_State *L, const char *what, const char *modname)
{
    kern_module *m = kern_module_find(modname);
    if (m)
        return m;
    static load_job j;
    memset(&j, 0, sizeof j);
    const char *env = getenv(SCN_MODULE_DIR_ENV);
    if (env && *env) {
        snprintf(j.path, sizeof j.path, "%s/%s.so", env, modname);
    } else {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0)
            scn_error(L, "%s: cannot find the vmksim binary (/proc/self/exe: %s); set %s", what,
                      strerror(errno), SCN_MODULE_DIR_ENV);
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        snprintf(j.path, sizeof j.path, "%s/modules/%s.so", exe, modname);
    }
    if (access(j.path, R_OK) < 0)
        scn_error(L, "%s: module '%s': cannot read %s: %s (set %s to change the folder)", what,
                  modname, j.path, strerror(errno), SCN_MODULE_DIR_ENV);
    sim_thread_spawn("scenario:modload", load_thread, &j);
    scn_net_run_until(load_done, &j, sim_now() + SCN_HP_LOAD_TIMEOUT_PS);
    if (!j.done)
        scn_error(L, "%s: loading '%s' did not finish within 1 s of simulated time", what,
                  modname);
    if (j.rc < 0)
        scn_error(L, "%s: %s", what, j.err.msg);
    scn_state *s = scn_get(L);
    if (!s->net && !(s->net = calloc(1, sizeof *s->net)))
        scn_error(L, "%s: out of memory", what);
    if (s->net->nmods < SCN_NET_MAX)   /* unloaded at the scenario's end, in reverse order */
        snprintf(s->net->mods[s->net->nmods++], KERN_MOD_NAME_MAX, "%s", modname);
    return j.mod;
}

/* The driver map entry for the model and style, and the modules it needs, before the card
 * appears: the handler's binding then finds them (docs/device-model.md "Binding"). */
static kern_module *prepare_driver(lua_State *L, const char *what, const struct card_model *cm,
                                   result_style style, const char *modname)
{
    const char *bound_to = style == RESULT_STYLE_NATIVE ? modname : "vmklinux";
    char key[sizeof hp.mapped[0]];
    snprintf(key, sizeof key, "%s/%s", cm->model, bound_to);
    bool have = false;
    for (int i = 0; i < hp.nmapped; i++)
        have = have || !strcmp(hp.mapped[i], key);
    if (!have) {
        sim_err err = {{0}};
        if (kern_driver_map_add_pci(cm->vendor, cm->device, bound_to, &err) < 0)
            scn_error(L, "%s: %s", what, err.msg);
        if (hp.nmapped < SCN_HP_MAX_CARDS)
            snprintf(hp.mapped[hp.nmapped++], sizeof hp.mapped[0], "%s", key);
    }
    kern_module *owner = ensure_module(L, what, bound_to);
    return style == RESULT_STYLE_NATIVE ? owner : ensure_module(L, what, modname);
}

/* ---- the verbs ---- */

static int do_verb(lua_State *L, hp_verb verb)
{
    const char *what = verb_names[verb];
    static const char *const keys_plain[] = {"slot", "at", NULL};
    static const char *const keys_insert[] = {"slot", "at", "model", "name", "style", "module",
                                              "wire", NULL};
    static const char *const keys_mrl[] = {"slot", "at", "open", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "%s: expected a table, e.g. %s { slot = 1 }, got %s", what, what,
                  luaL_typename(L, 1));
    scn_check_keys(L, 1, what, NULL, verb == HP_INSERT ? keys_insert :
                                     verb == HP_MRL ? keys_mrl : keys_plain);
    need_system(L, what);
    scn_hp_action a;
    memset(&a, 0, sizeof a);
    a.verb = verb;
    a.line = scn_current_line(L);
    a.slot = scn_hp_slot_arg(L, what, 1);
    sim_time_t at = 0;
    bool scheduled = scn_opt_time(L, 1, what, "at", &at);
    if (scheduled && at < sim_now())
        scn_error(L, "%s: at = %llu ps is before the current time %llu ps", what,
                  (unsigned long long)at, (unsigned long long)sim_now());
    a.at = scheduled ? at : sim_now();
    if (verb == HP_MRL) {
        if (!scn_opt_bool(L, 1, what, "open", &a.mrl_open))
            scn_error(L, "%s: missing field 'open' (true opens the latch, false closes it)", what);
    }
    if (verb == HP_INSERT) {
        const char *model = scn_opt_string(L, 1, what, "model");
        if (!model)
            scn_error(L, "%s: missing field 'model' (\"e1000\" or \"pvscsi\")", what);
        const char *name = scn_opt_string(L, 1, what, "name");
        if (!name)
            scn_error(L, "%s: missing field 'name' (the card's instance name, e.g. \"nic1\")",
                      what);
        scn_check_name(L, what, "model", model, a.model, sizeof a.model);
        scn_check_name(L, what, "name", name, a.name, sizeof a.name);
        const struct card_model *cm = card_model(a.model);
        if (!cm)
            scn_error(L, "%s: model = '%s' is not a card model (\"e1000\" or \"pvscsi\")", what,
                      a.model);
        const char *style_s = scn_opt_string(L, 1, what, "style");
        const char *modname = scn_opt_string(L, 1, what, "module");
        result_style style = RESULT_STYLE_NATIVE;
        if (style_s && !strcmp(style_s, "vmklinux"))
            style = RESULT_STYLE_VMKLINUX;
        else if (style_s && strcmp(style_s, "native"))
            scn_error(L, "%s: style = '%s' is not a driver style (\"native\" or \"vmklinux\")",
                      what, style_s);
        if (modname && !style_s)
            scn_error(L, "%s: field 'module' needs a 'style'", what);
        if (!modname)
            modname = style == RESULT_STYLE_NATIVE ? cm->native : cm->linux_name;
        if (!*modname || strlen(modname) >= KERN_MOD_NAME_MAX || strchr(modname, '/'))
            scn_error(L, "%s: module = '%s' is not a module name (1-%d characters, no '/')", what,
                      modname, KERN_MOD_NAME_MAX - 1);
        scn_hp_card *card = scn_hp_card_find(a.name);
        if (!card) {
            if (hp.ncards == SCN_HP_MAX_CARDS)
                scn_error(L, "%s: more than %d card names in one scenario", what,
                          SCN_HP_MAX_CARDS);
            card = &hp.cards[hp.ncards++];
            memset(card, 0, sizeof *card);
            snprintf(card->name, sizeof card->name, "%s", a.name);
        }
        snprintf(card->model, sizeof card->model, "%s", a.model);
        card->mod = style_s ? prepare_driver(L, what, cm, style, modname) : NULL;
        card->style = style;
        /* The driver reads the link when it starts: a NIC added with its cable in place. */
        const char *wire = scn_opt_string(L, 1, what, "wire");
        card->wire = SCN_CABLE_NONE;
        if (wire && strcmp(cm->model, "e1000"))
            scn_error(L, "%s: field 'wire' is for NICs (model \"e1000\")", what);
        if (wire && !strcmp(wire, "loopback"))
            card->wire = SCN_CABLE_LOOPBACK;
        else if (wire && !strcmp(wire, "generator"))
            card->wire = SCN_CABLE_GENERATOR;
        else if (wire)
            scn_error(L, "%s: wire = '%s' is not a cable for a new card (\"loopback\" or "
                      "\"generator\"; re-cable it with wire { ... } once bound)", what, wire);
    }
    if (!scheduled || at == sim_now()) {
        sim_err err = {{0}};
        scn_hp_forget_cards(scn_get(L));   /* no run is using them between verbs */
        if (act(&a, &err) < 0)
            scn_error(L, "%s: %s", what, err.msg);
        sim_log(SIM_LOG_INFO, SCN_HP_LOG, "%s (line %d): done", what, a.line);
        lua_pushinteger(L, (lua_Integer)sim_now());
        return 1;
    }
    scn_hp_action *p = malloc(sizeof *p);
    if (!p)
        scn_error(L, "%s: out of memory", what);
    *p = a;
    p->next = hp.actions;
    hp.actions = p;
    sim_call_after(at - sim_now(), fire, p);
    sim_log(SIM_LOG_INFO, SCN_HP_LOG, "%s (line %d): scheduled at %llu ps", what, a.line,
            (unsigned long long)at);
    lua_pushinteger(L, (lua_Integer)at);
    return 1;
}

static int l_button(lua_State *L) { return do_verb(L, HP_BUTTON); }
static int l_insert(lua_State *L) { return do_verb(L, HP_INSERT); }
static int l_pull(lua_State *L) { return do_verb(L, HP_PULL); }
static int l_mrl(lua_State *L) { return do_verb(L, HP_MRL); }
static int l_power_fault(lua_State *L) { return do_verb(L, HP_POWER_FAULT); }
static int l_link_down(lua_State *L) { return do_verb(L, HP_LINK_DOWN); }

void scn_register_hotplug(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"slot_button", l_button}, {"slot_insert", l_insert}, {"slot_pull", l_pull},
        {"slot_mrl", l_mrl}, {"slot_power_fault", l_power_fault},
        {"slot_link_down", l_link_down}, {NULL, NULL},
    };
    memset(&hp, 0, sizeof hp);
    hp.s = scn_get(L);
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
    scn_register_hotplug_obs(L);
    kern_hotplug_set_listener(scn_hp_listener, &hp);
}

static bool handlers_settled(void *arg)
{
    (void)arg;
    kern_hp_slot_info si;
    for (size_t i = 0; kern_hotplug_slot_at(i, &si) == 0; i++)
        if (si.busy && si.state != KERN_HP_BLINK_OFF && si.state != KERN_HP_BLINK_ON)
            return false;
    return true;
}

void scn_hotplug_shutdown(scn_state *s)
{
    if (hp.s != s)
        return;
    while (hp.actions) {
        scn_hp_action *a = hp.actions;
        hp.actions = a->next;
        sim_cancel_owner(a);
        free(a);
    }
    /* an event in progress ends before drivers are unloaded under it */
    if (s->sys)
        scn_hp_run_until(handlers_settled, NULL, sim_now() + SCN_HP_SETTLE_PS);
    kern_hotplug_set_listener(NULL, NULL);
    hp.s = NULL;
}
