/* scn_runtime.c — the timeline half of the scenario API: boot(), run(t), run_until(t), now(),
 * seed(), expect(), expect_eq(), log()/print(), pci_devices() (docs/scenarios.md, "Running").
 * boot() boots the simulated kernel on the declared platform (kernel_model/kernel.h); run()
 * advances simulated time through the engine (sim/sim.h). */
#include <stdlib.h>
#include <string.h>

#include "kernel_model/pci/pci_tree.h"
#include "sim/result/result.h"
#include "sim/scenario/scn_internal.h"

#define SCN_LOG "scenario"

static int l_boot(lua_State *L)
{
    scn_state *s = scn_get(L);
    if (s->booted)
        scn_error(L, "boot: the platform is already booted (boot() at %s:%d)", s->path,
                  s->boot_line);
    if (!s->platform_declared)
        scn_error(L, "boot: no platform declared; declare one with platform { ... } first");
    if (!s->desc) {
        s->desc = calloc(1, sizeof *s->desc);
        if (!s->desc)
            scn_error(L, "boot: out of memory");
    }
    platform_desc_free(s->desc);  /* what an earlier, failed boot() may have built */
    char why[768];
    if (scn_build_desc(L, s->desc, why, sizeof why) < 0)
        scn_error(L, "boot: %s", why);
    if (s->mode == SCN_MODE_PLATFORM) {
        /* platform only: the platform is complete, nothing after boot() is needed */
        s->booted = true;
        s->boot_line = scn_current_line(L);
        s->stopped_at_boot = true;
        scn_push_stop(L);
        return lua_error(L);
    }
    sim_err err = {{0}};
    if (kern_boot(s->desc, &s->sys, &err) < 0)
        scn_error(L, "boot: %s", err.msg);
    s->booted = true;
    s->boot_line = scn_current_line(L);
    sim_log(SIM_LOG_INFO, SCN_LOG, "booted: %zu PCI function(s)", kern_pci_count(s->sys->pci));
    return 0;
}

static void need_boot(lua_State *L, const char *what)
{
    if (!scn_get(L)->booted)
        scn_error(L, "%s: called before boot()", what);
}

static void advance_to(lua_State *L, const char *what, sim_time_t target)
{
    if (target > (sim_time_t)INT64_MAX)
        scn_error(L, "%s: simulated time would pass %lld ps", what, (long long)INT64_MAX);
    if (scn_get(L)->mode == SCN_MODE_RUN && target > sim_now())
        sim_run_until(target);
    lua_pushinteger(L, (lua_Integer)sim_now());
}

static int l_run(lua_State *L)
{
    need_boot(L, "run");
    sim_time_t t = scn_check_time(L, 1, "run");
    sim_time_t now = sim_now();
    if (t > (sim_time_t)INT64_MAX - now)
        scn_error(L, "run: simulated time would pass %lld ps", (long long)INT64_MAX);
    advance_to(L, "run", now + t);
    return 1;
}

static int l_run_until(lua_State *L)
{
    need_boot(L, "run_until");
    sim_time_t t = scn_check_time(L, 1, "run_until");
    if (t < sim_now())
        scn_error(L, "run_until: %llu ps is before the current time %llu ps",
                  (unsigned long long)t, (unsigned long long)sim_now());
    advance_to(L, "run_until", t);
    return 1;
}

static int l_now(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)sim_now());
    return 1;
}

static int l_seed(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)sim_seed());
    return 1;
}

/* Arguments from..top joined by sep, each through tostring (pushed). */
static const char *join_args(lua_State *L, int from, const char *sep)
{
    luaL_Buffer b;
    int top = lua_gettop(L);
    luaL_buffinit(L, &b);
    for (int i = from; i <= top; i++) {
        if (i > from)
            luaL_addstring(&b, sep);
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

static int l_expect(lua_State *L)
{
    luaL_checkany(L, 1);
    if (lua_toboolean(L, 1))
        return 0;
    if (lua_gettop(L) >= 2)
        scn_error(L, "expect failed: %s", join_args(L, 2, " "));
    scn_error(L, "expect failed");
}

static int l_expect_eq(lua_State *L)
{
    luaL_checkany(L, 2);
    if (lua_compare(L, 1, 2, LUA_OPEQ))
        return 0;
    const char *msg = lua_gettop(L) >= 3 ? join_args(L, 3, " ") : NULL;
    const char *got = luaL_tolstring(L, 1, NULL);
    const char *want = luaL_tolstring(L, 2, NULL);
    if (msg)
        scn_error(L, "expect_eq failed: %s: got %s, expected %s", msg, got, want);
    scn_error(L, "expect_eq failed: got %s, expected %s", got, want);
}

static int log_with(lua_State *L, const char *sep)
{
    const char *text = join_args(L, 1, sep);
    if (scn_get(L)->mode == SCN_MODE_RUN)
        sim_log(SIM_LOG_INFO, SCN_LOG, "%s", text);
    return 0;
}

static int l_log(lua_State *L)
{
    return log_with(L, " ");
}

static int l_print(lua_State *L)
{
    return log_with(L, "\t");
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

/* pci_devices(): what boot-time enumeration found, one table per function in B:D.F order. */
static int l_pci_devices(lua_State *L)
{
    need_boot(L, "pci_devices");
    const scn_state *s = scn_get(L);
    size_t n = s->sys ? kern_pci_count(s->sys->pci) : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const kern_pci_dev *d = kern_pci_at(s->sys->pci, i);
        char bdf[16];
        lua_createtable(L, 0, 12);
        lua_pushstring(L, kern_pci_bdf(d, bdf, sizeof bdf));
        lua_setfield(L, -2, "bdf");
        set_int(L, "bus", d->bus);
        set_int(L, "dev", d->dev);
        set_int(L, "fn", d->fn);
        set_int(L, "vendor", d->vendor_id);
        set_int(L, "device", d->device_id);
        set_int(L, "class", d->class_code);
        set_int(L, "header_type", d->header_type);
        set_int(L, "slot", d->slot);
        lua_pushboolean(L, d->hotplug_capable);
        lua_setfield(L, -2, "hotplug");
        const char *type = d->is_pcie ? kern_pcie_port_type_name(d->port_type) : NULL;
        lua_pushstring(L, type ? type : "PCI");
        lua_setfield(L, -2, "type");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* param { name = "cycles", default = 1000, min = 1, max = 100000 }: an integer a run can set
 * from outside as VMKSIM_PARAM_<NAME> (upper case) in the environment, else the default. */
static int l_param(lua_State *L)
{
    static const char *const keys[] = {"name", "default", "min", "max", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "param: expected a table, e.g. param { name = \"cycles\", default = 1000 }, "
                  "got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "param", NULL, keys);
    const char *name = scn_opt_string(L, 1, "param", "name");
    if (!name || !*name || strlen(name) > 32)
        scn_error(L, "param: field 'name' must be 1-32 characters");
    char var[64] = "VMKSIM_PARAM_";
    size_t k = strlen(var);
    for (const char *c = name; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_'))
            scn_error(L, "param: name = '%s': only letters, digits and '_'", name);
        var[k++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    }
    var[k] = '\0';
    lua_Integer def, lo = LUA_MININTEGER, hi = LUA_MAXINTEGER;
    if (!scn_opt_int(L, 1, "param", "default", &def))
        scn_error(L, "param: missing field 'default' (an integer)");
    scn_opt_int(L, 1, "param", "min", &lo);
    scn_opt_int(L, 1, "param", "max", &hi);
    lua_Integer v = def;
    const char *env = getenv(var);
    if (env && *env) {
        char *end;
        long long x = strtoll(env, &end, 10);
        if (*end || end == env)
            scn_error(L, "param: %s = '%s' is not an integer", var, env);
        v = x;
    }
    if (v < lo || v > hi)
        scn_error(L, "param: %s = %lld is outside %lld..%lld", env && *env ? var : name,
                  (long long)v, (long long)lo, (long long)hi);
    if (env && *env)
        sim_log(SIM_LOG_INFO, "scenario", "param %s = %lld (from %s)", name, (long long)v, var);
    lua_pushinteger(L, v);
    return 1;
}

/* result_limits { hotplug_events = 100 }: result.json lists at most that many hot-plug events
 * and counts the rest as "hotplug_omitted" (a storm's result stays readable and its memory
 * flat). */
static int l_result_limits(lua_State *L)
{
    static const char *const keys[] = {"hotplug_events", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "result_limits: expected a table, e.g. result_limits { hotplug_events = "
                  "100 }, got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "result_limits", NULL, keys);
    lua_Integer n;
    if (!scn_opt_int(L, 1, "result_limits", "hotplug_events", &n))
        scn_error(L, "result_limits: missing field 'hotplug_events'");
    if (n < 0 || n > 100000000)
        scn_error(L, "result_limits: hotplug_events = %lld is outside 0-100000000 (0: all)",
                  (long long)n);
    result_set_hotplug_limit(scn_get(L)->result, (size_t)n);
    return 0;
}

void scn_register_runtime(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"boot", l_boot}, {"run", l_run}, {"run_until", l_run_until}, {"now", l_now},
        {"seed", l_seed}, {"expect", l_expect}, {"expect_eq", l_expect_eq}, {"log", l_log},
        {"print", l_print}, {"pci_devices", l_pci_devices}, {"param", l_param},
        {"result_limits", l_result_limits},
        {NULL, NULL},
    };
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}
