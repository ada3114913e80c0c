/* scn_objects.c — the platform objects a scenario declares: port{...} (a downstream-facing port
 * with its slot and link), endpoint{...}, switch{...}, and attach(port, device) / slot(n). Each
 * value is checked where the script states it (docs/scenarios.md, "Platform objects"). Objects are
 * Lua userdata, anchored in the registry for the life of the script. */
#include <stdio.h>
#include <string.h>

#include "devices/pcie/ep_model.h"
#include "sim/scenario/scn_internal.h"

#define MT_PORT "vmksim.port"
#define MT_DEV "vmksim.device"
#define REG_ORDER "vmksim.objects"   /* array: every object in declaration order */
#define REG_BYPTR "vmksim.byptr"     /* light userdata (C pointer) -> object */
#define REG_SLOTS "vmksim.slots"     /* slot number -> port */
#define REG_NAMES "vmksim.names"     /* device name -> device */

/* Slot numbers are the 13-bit Physical Slot Number (PCIe Base Spec 7.5.3.9, bits 31:19). */
#define SCN_MAX_SLOT 8191

/* Switch hop latency when a scenario gives none: PLX ExpressLane Gen2 cut-through switches,
 * "low latency down to 140ns" (shared/reference/pcie.md, "Switch latency"). */
#define SCN_DEFAULT_SWITCH_LATENCY_PS (140 * SIM_NS)

const char *scn_dev_kind_name(const scn_dev *d)
{
    return d->kind == SCN_DEV_SWITCH ? "switch" : "endpoint";
}

/* ---- model names: devices/pcie/ep_model.h is the one registry ---- */

static bool model_known(const char *name, char *known, size_t len)
{
    if (pcie_ep_model_find(name))
        return true;
    pcie_ep_model_names(known, len);
    return false;
}

/* ---- registry helpers ---- */

static void reg_table(lua_State *L, const char *key)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, key);
    }
}

/* Anchors the object at the top of the stack (left there). */
static void anchor(lua_State *L, void *ptr)
{
    reg_table(L, REG_ORDER);
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
    reg_table(L, REG_BYPTR);
    lua_pushvalue(L, -2);
    lua_rawsetp(L, -2, ptr);
    lua_pop(L, 1);
}

/* Pushes the object for a C pointer (nil for NULL). */
static void push_obj(lua_State *L, const void *ptr)
{
    if (!ptr) {
        lua_pushnil(L);
        return;
    }
    reg_table(L, REG_BYPTR);
    lua_rawgetp(L, -1, ptr);
    lua_remove(L, -2);
}

void scn_each_object(lua_State *L, scn_obj_fn fn, void *ctx)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, REG_ORDER) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        int *tag = lua_touserdata(L, -1);
        lua_pop(L, 1);
        if (tag && *tag == SCN_TAG_PORT)
            fn(ctx, (scn_port *)tag, NULL);
        else if (tag && *tag == SCN_TAG_DEV)
            fn(ctx, NULL, (scn_dev *)tag);
    }
    lua_pop(L, 1);
}

scn_port *scn_to_port(lua_State *L, int idx)
{
    return luaL_testudata(L, idx, MT_PORT);
}

scn_dev *scn_to_dev(lua_State *L, int idx)
{
    return luaL_testudata(L, idx, MT_DEV);
}

void scn_need_buses(lua_State *L, const char *what, int n)
{
    scn_state *s = scn_get(L);
    if (s->buses_needed + n > SCN_PCI_BUSES)
        scn_error(L, "%s: too many bridges: the platform would need %d PCI bus numbers, and "
                  "PCI has %d (each root port, switch and switch port takes one)", what,
                  s->buses_needed + n, SCN_PCI_BUSES);
    s->buses_needed += n;
}

/* "slot 4" or "the port declared at f.lua:7" (a port without a slot number). */
static void port_label(const scn_state *s, const scn_port *p, char *buf, size_t len)
{
    if (p->slot)
        snprintf(buf, len, "slot %d", p->slot);
    else
        snprintf(buf, len, "the port declared at %s:%d", s->path, p->line);
}

void scn_place(lua_State *L, const char *what, scn_port *port, scn_dev *dev, int line)
{
    const scn_state *s = scn_get(L);
    char where[320];
    port_label(s, port, where, sizeof where);
    if (port->device)
        scn_error(L, "%s: %s is taken by %s '%s' (put there at %s:%d)", what, where,
                  scn_dev_kind_name(port->device), port->device->name, s->path,
                  port->device_line);
    if (dev->parent) {
        char other[320];
        port_label(s, dev->parent, other, sizeof other);
        scn_error(L, "%s: %s '%s' is already in %s (put there at %s:%d)", what,
                  scn_dev_kind_name(dev), dev->name, other, s->path, dev->parent->device_line);
    }
    if (dev->kind == SCN_DEV_SWITCH)
        for (const scn_port *p = port; p; p = p->owner ? p->owner->parent : NULL)
            if (p->owner == dev)
                scn_error(L, "%s: switch '%s' cannot sit in one of its own ports (%s)", what,
                          dev->name, where);
    port->device = dev;
    port->device_line = line;
    dev->parent = port;
}

/* ---- port{ slot, hotplug, link, device } ---- */

/* Validates the port table at idx and pushes a new port object. */
scn_port *scn_new_port(lua_State *L, int idx, const char *what)
{
    static const char *const keys[] = {"slot", "hotplug", "link", "device", NULL};
    scn_state *s = scn_get(L);
    idx = lua_absindex(L, idx);
    int line = scn_current_line(L);
    scn_check_keys(L, idx, what, NULL, keys);

    lua_Integer slot = 0;
    if (scn_opt_int(L, idx, what, "slot", &slot)) {
        if (slot < 1 || slot > SCN_MAX_SLOT)
            scn_error(L, "%s: slot = %lld is outside 1-%d (omit slot for a port without one)",
                      what, (long long)slot, SCN_MAX_SLOT);
        reg_table(L, REG_SLOTS);
        if (lua_rawgeti(L, -1, slot) != LUA_TNIL) {
            const scn_port *earlier = lua_touserdata(L, -1);
            scn_error(L, "%s: slot %lld is already used by the port declared at %s:%d", what,
                      (long long)slot, s->path, earlier->line);
        }
        lua_pop(L, 2);
    }
    bool hotplug = false;
    scn_opt_bool(L, idx, what, "hotplug", &hotplug);
    /* Hot-plug lives in the Slot registers, which need Slot Implemented (PCIe Base Spec
     * 7.5.3.2) and so a slot number. */
    if (hotplug && !slot)
        scn_error(L, "%s: hotplug = true needs a slot number (slot = N)", what);

    pcie_link_params link = pcie_link_params_default();
    if (scn_rawfield(L, idx, "link") != LUA_TNIL)
        scn_read_link(L, -1, what, &link);
    lua_pop(L, 1);

    scn_dev *dev = NULL;
    if (scn_rawfield(L, idx, "device") != LUA_TNIL) {
        dev = scn_to_dev(L, -1);
        if (!dev)
            scn_error(L, "%s: field 'device' must be an endpoint{...} or switch{...}, got %s",
                      what, luaL_typename(L, -1));
    }
    lua_pop(L, 1);

    scn_need_buses(L, what, 1);
    scn_port *p = lua_newuserdatauv(L, sizeof *p, 0);
    memset(p, 0, sizeof *p);
    p->tag = SCN_TAG_PORT;
    p->line = line;
    p->slot = (int)slot;
    p->hotplug = hotplug;
    p->link = link;
    luaL_setmetatable(L, MT_PORT);
    anchor(L, p);
    if (slot) {
        reg_table(L, REG_SLOTS);
        lua_pushvalue(L, -2);
        lua_rawseti(L, -2, slot);
        lua_pop(L, 1);
    }
    if (dev)
        scn_place(L, what, p, dev, line);
    return p;
}

static int l_port(lua_State *L)
{
    if (!lua_istable(L, 1))
        scn_error(L, "port: expected a table, e.g. port { slot = 1, hotplug = true }, got %s",
                  luaL_typename(L, 1));
    scn_new_port(L, 1, "port");
    return 1;
}

/* ---- endpoint{ model, name, driver } and switch{ name, cut_through, latency, ports } ---- */

static scn_dev *new_dev(lua_State *L, scn_dev_kind kind, const char *what, const char *name)
{
    scn_state *s = scn_get(L);
    scn_dev tmp;
    memset(&tmp, 0, sizeof tmp);
    if (!name)
        scn_error(L, "%s: missing field 'name' (each device needs a unique name)", what);
    scn_check_name(L, what, "name", name, tmp.name, sizeof tmp.name);
    reg_table(L, REG_NAMES);
    if (lua_getfield(L, -1, name) != LUA_TNIL) {
        const scn_dev *earlier = lua_touserdata(L, -1);
        scn_error(L, "%s: name '%s' is already used by the %s declared at %s:%d", what, name,
                  scn_dev_kind_name(earlier), s->path, earlier->line);
    }
    lua_pop(L, 2);
    scn_dev *d = lua_newuserdatauv(L, sizeof *d, 0);
    *d = tmp;
    d->tag = SCN_TAG_DEV;
    d->kind = kind;
    d->line = scn_current_line(L);
    luaL_setmetatable(L, MT_DEV);
    anchor(L, d);
    reg_table(L, REG_NAMES);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, d->name);
    lua_pop(L, 1);
    return d;
}

static int l_endpoint(lua_State *L)
{
    static const char *const keys[] = {"model", "name", "driver", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "endpoint: expected a table, e.g. endpoint { model = \"e1000\", name = "
                  "\"nic0\" }, got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "endpoint", NULL, keys);
    const char *model = scn_opt_string(L, 1, "endpoint", "model");
    if (!model)
        scn_error(L, "endpoint: missing field 'model'");
    char known[256];
    if (!model_known(model, known, sizeof known))
        scn_error(L, "endpoint: unknown model '%s' (known: %s)", model, known[0] ? known : "none");
    const char *driver = scn_opt_string(L, 1, "endpoint", "driver");
    if (driver && strcmp(driver, "native") && strcmp(driver, "vmklinux"))
        scn_error(L, "endpoint: driver = '%s' is not a driver style (\"native\" or \"vmklinux\")",
                  driver);
    const char *name = scn_opt_string(L, 1, "endpoint", "name");
    scn_dev *d = new_dev(L, SCN_DEV_ENDPOINT, "endpoint", name);
    snprintf(d->model, sizeof d->model, "%s", model);
    snprintf(d->driver, sizeof d->driver, "%s", driver ? driver : "");
    return 1;
}

static int l_switch(lua_State *L)
{
    static const char *const keys[] = {"name", "cut_through", "latency", "ports", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "switch: expected a table, e.g. switch { name = \"sw0\", ports = { ... } }, "
                  "got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "switch", NULL, keys);
    const char *name = scn_opt_string(L, 1, "switch", "name");
    bool cut_through = true;
    scn_opt_bool(L, 1, "switch", "cut_through", &cut_through);
    sim_time_t latency = SCN_DEFAULT_SWITCH_LATENCY_PS;
    scn_opt_time(L, 1, "switch", "latency", &latency);

    if (scn_rawfield(L, 1, "ports") != LUA_TTABLE)
        scn_error(L, "switch: field 'ports' must be a list of port{...}, got %s",
                  luaL_typename(L, -1));
    int ports_idx = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, ports_idx);
    lua_pushnil(L);
    while (lua_next(L, ports_idx)) {  /* a list: keys 1..n only */
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n)
            scn_error(L, "switch: 'ports' must be a list { port{...}, port{...} }, with no "
                      "named or missing entries");
    }
    if (n < 1 || n > PLATFORM_MAX_SWITCH_PORTS)
        scn_error(L, "switch: %lld downstream ports; a switch has 1-%d", (long long)n,
                  PLATFORM_MAX_SWITCH_PORTS);

    scn_port *ports[PLATFORM_MAX_SWITCH_PORTS];
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, ports_idx, i);
        scn_port *p = scn_to_port(L, -1);
        if (!p && lua_istable(L, -1)) {
            char what[48];
            snprintf(what, sizeof what, "switch: ports[%lld]", (long long)i);
            p = scn_new_port(L, -1, what);
            lua_replace(L, -2);
        }
        if (!p)
            scn_error(L, "switch: ports[%lld] must be a port{...}, got %s", (long long)i,
                      luaL_typename(L, -1));
        if (p->is_root)
            scn_error(L, "switch: ports[%lld] (declared at %s:%d) is already a root port",
                      (long long)i, scn_get(L)->path, p->line);
        if (p->owner)
            scn_error(L, "switch: ports[%lld] (declared at %s:%d) already belongs to switch '%s'",
                      (long long)i, scn_get(L)->path, p->line, p->owner->name);
        for (lua_Integer j = 1; j < i; j++)
            if (ports[j - 1] == p)
                scn_error(L, "switch: ports[%lld] is the same port as ports[%lld]", (long long)i,
                          (long long)j);
        ports[i - 1] = p;
        lua_pop(L, 1);
    }
    scn_need_buses(L, "switch", 1);  /* the switch's internal bus */
    scn_dev *d = new_dev(L, SCN_DEV_SWITCH, "switch", name);
    d->cut_through = cut_through;
    d->latency_ps = latency;
    d->nports = (int)n;
    for (int i = 0; i < d->nports; i++) {
        d->ports[i] = ports[i];
        ports[i]->owner = d;
    }
    return 1;
}

/* ---- attach(port | slot number, device), slot(n) ---- */

static scn_port *port_arg(lua_State *L, int arg, const char *what)
{
    scn_port *p = scn_to_port(L, arg);
    if (p)
        return p;
    if (lua_isinteger(L, arg)) {
        lua_Integer slot = lua_tointeger(L, arg);
        reg_table(L, REG_SLOTS);
        if (lua_rawgeti(L, -1, slot) == LUA_TNIL)
            scn_error(L, "%s: no port has slot %lld", what, (long long)slot);
        p = lua_touserdata(L, -1);
        lua_pop(L, 2);
        return p;
    }
    scn_error(L, "%s: expected a port or a slot number, got %s", what, luaL_typename(L, arg));
}

static int l_attach(lua_State *L)
{
    const scn_state *s = scn_get(L);
    if (s->booted)
        scn_error(L, "attach: the platform is already booted (at %s:%d); devices are placed "
                  "before boot()", s->path, s->boot_line);
    scn_port *p = port_arg(L, 1, "attach");
    scn_dev *d = scn_to_dev(L, 2);
    if (!d)
        scn_error(L, "attach: argument 2 must be an endpoint{...} or switch{...}, got %s",
                  luaL_typename(L, 2));
    scn_place(L, "attach", p, d, scn_current_line(L));
    lua_settop(L, 1);
    push_obj(L, p);
    return 1;
}

static int l_slot(lua_State *L)
{
    if (!lua_isinteger(L, 1))
        scn_error(L, "slot: expected a slot number, got %s", luaL_typename(L, 1));
    push_obj(L, port_arg(L, 1, "slot"));
    return 1;
}

/* ---- reading objects back: port.slot, dev.name, ... (read-only) ---- */

static int port_index(lua_State *L)
{
    const scn_port *p = luaL_checkudata(L, 1, MT_PORT);
    const char *k = luaL_checkstring(L, 2);
    if (!strcmp(k, "slot"))
        lua_pushinteger(L, p->slot);
    else if (!strcmp(k, "hotplug"))
        lua_pushboolean(L, p->hotplug);
    else if (!strcmp(k, "device"))
        push_obj(L, p->device);
    else if (!strcmp(k, "line"))
        lua_pushinteger(L, p->line);
    else if (!strcmp(k, "link")) {
        lua_createtable(L, 0, 5);
        lua_pushinteger(L, p->link.gen), lua_setfield(L, -2, "gen");
        lua_pushinteger(L, p->link.width), lua_setfield(L, -2, "width");
        lua_pushinteger(L, p->link.mps), lua_setfield(L, -2, "mps");
        lua_pushinteger(L, p->link.mrrs), lua_setfield(L, -2, "mrrs");
        lua_pushboolean(L, p->link.addr64), lua_setfield(L, -2, "addr64");
    } else
        lua_pushnil(L);
    return 1;
}

static int dev_index(lua_State *L)
{
    const scn_dev *d = luaL_checkudata(L, 1, MT_DEV);
    const char *k = luaL_checkstring(L, 2);
    bool sw = d->kind == SCN_DEV_SWITCH;
    if (!strcmp(k, "kind"))
        lua_pushstring(L, scn_dev_kind_name(d));
    else if (!strcmp(k, "name"))
        lua_pushstring(L, d->name);
    else if (!strcmp(k, "line"))
        lua_pushinteger(L, d->line);
    else if (!strcmp(k, "port"))
        push_obj(L, d->parent);
    else if (!sw && !strcmp(k, "model"))
        lua_pushstring(L, d->model);
    else if (!sw && !strcmp(k, "driver"))
        lua_pushstring(L, d->driver);
    else if (sw && !strcmp(k, "cut_through"))
        lua_pushboolean(L, d->cut_through);
    else if (sw && !strcmp(k, "latency"))
        lua_pushinteger(L, (lua_Integer)d->latency_ps);
    else if (sw && !strcmp(k, "ports")) {
        lua_createtable(L, d->nports, 0);
        for (int i = 0; i < d->nports; i++) {
            push_obj(L, d->ports[i]);
            lua_rawseti(L, -2, i + 1);
        }
    } else
        lua_pushnil(L);
    return 1;
}

static int obj_newindex(lua_State *L)
{
    const scn_dev *d = scn_to_dev(L, 1);
    scn_error(L, "%s: objects are read-only once declared",
              d ? scn_dev_kind_name(d) : "port");
}

static int port_tostring(lua_State *L)
{
    const scn_port *p = luaL_checkudata(L, 1, MT_PORT);
    if (p->slot)
        lua_pushfstring(L, "port(slot %d)", p->slot);
    else
        lua_pushfstring(L, "port(line %d)", p->line);
    return 1;
}

static int dev_tostring(lua_State *L)
{
    const scn_dev *d = luaL_checkudata(L, 1, MT_DEV);
    lua_pushfstring(L, "%s(%s)", scn_dev_kind_name(d), d->name);
    return 1;
}

static void new_mt(lua_State *L, const char *key, const char *type_name, lua_CFunction index,
                   lua_CFunction tostring)
{
    luaL_newmetatable(L, key);
    lua_pushstring(L, type_name);
    lua_setfield(L, -2, "__name");       /* what luaL_typename and error messages call it */
    lua_pushcfunction(L, index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, obj_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable"); /* getmetatable() cannot reach the real one */
    lua_pop(L, 1);
}

void scn_register_objects(lua_State *L)
{
    new_mt(L, MT_PORT, "port", port_index, port_tostring);
    new_mt(L, MT_DEV, "device", dev_index, dev_tostring);
    static const luaL_Reg fns[] = {
        {"port", l_port}, {"endpoint", l_endpoint}, {"switch", l_switch},
        {"attach", l_attach}, {"slot", l_slot}, {NULL, NULL},
    };
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}
