/* scn_platform.c — platform{ cpus, clock, root_complex_latency, root_ports } and the translation of
 * everything a script declared into the platform_desc the fabric is built from
 * (devices/pcie/platform.h). The Lua API is docs/scenarios.md, "platform". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/scn_internal.h"

/* CPU count and clock bounds: our own limits for a modelled host (docs/scenarios.md). */
#define SCN_MAX_CPUS 256
#define SCN_MIN_HZ 1000000ULL        /* 1 MHz */
#define SCN_MAX_HZ 10000000000ULL    /* 10 GHz */

static uint64_t read_clock(lua_State *L, int idx)
{
    uint64_t hz = 0;
    scn_rawfield(L, idx, "clock");
    if (lua_type(L, -1) == LUA_TSTRING) {
        char why[256];
        if (scn_parse_hz(lua_tostring(L, -1), &hz, why, sizeof why) < 0)
            scn_error(L, "platform: clock: %s", why);
    } else if (lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0) {
        hz = (uint64_t)lua_tointeger(L, -1);
    } else if (!lua_isnil(L, -1)) {
        scn_error(L, "platform: field 'clock' must be a frequency like \"2.4GHz\" (or integer Hz), "
                  "got %s", lua_type(L, -1) == LUA_TNUMBER ? lua_tostring(L, -1)
                                                            : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    if (hz && (hz < SCN_MIN_HZ || hz > SCN_MAX_HZ))
        scn_error(L, "platform: clock = %llu Hz is outside 1 MHz-10 GHz", (unsigned long long)hz);
    return hz;
}

static int l_platform(lua_State *L)
{
    static const char *const keys[] = {"cpus", "clock", "root_complex_latency", "root_ports", NULL};
    scn_state *s = scn_get(L);
    if (s->platform_declared)
        scn_error(L, "platform: already declared at %s:%d (a scenario declares one platform)",
                  s->path, s->platform_line);
    if (!lua_istable(L, 1))
        scn_error(L, "platform: expected a table, e.g. platform { cpus = 2, root_ports = { ... } }, "
                  "got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "platform", NULL, keys);

    platform_desc defaults;
    platform_desc_init(&defaults);
    int ncpus = defaults.ncpus;
    lua_Integer v;
    if (scn_opt_int(L, 1, "platform", "cpus", &v)) {
        if (v < 1 || v > SCN_MAX_CPUS)
            scn_error(L, "platform: cpus = %lld is outside 1-%d", (long long)v, SCN_MAX_CPUS);
        ncpus = (int)v;
    }
    uint64_t hz = read_clock(L, 1);
    sim_time_t rc_latency = defaults.root_complex_latency_ps;
    scn_opt_time(L, 1, "platform", "root_complex_latency", &rc_latency);

    scn_port *root[PLATFORM_MAX_ROOT_PORTS];
    lua_Integer n = 0;
    int t = scn_rawfield(L, 1, "root_ports");
    if (t != LUA_TNIL) {
        if (t != LUA_TTABLE)
            scn_error(L, "platform: field 'root_ports' must be a list of port{...}, got %s",
                      luaL_typename(L, -1));
        int rp = lua_gettop(L);
        n = (lua_Integer)lua_rawlen(L, rp);
        lua_pushnil(L);
        while (lua_next(L, rp)) {
            lua_pop(L, 1);
            if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n)
                scn_error(L, "platform: 'root_ports' must be a list { port{...}, port{...} }, "
                          "with no named or missing entries");
        }
        if (n > PLATFORM_MAX_ROOT_PORTS)
            scn_error(L, "platform: %lld root ports; at most %d", (long long)n,
                      PLATFORM_MAX_ROOT_PORTS);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, rp, i);
            scn_port *p = scn_to_port(L, -1);
            if (!p && lua_istable(L, -1)) {
                /* a plain table: declared here, so errors point at this call's line */
                char what[48];
                snprintf(what, sizeof what, "platform: root_ports[%lld]", (long long)i);
                p = scn_new_port(L, -1, what);
                lua_replace(L, -2);
            }
            if (!p)
                scn_error(L, "platform: root_ports[%lld] must be a port{...}, got %s",
                          (long long)i, luaL_typename(L, -1));
            if (p->owner)
                scn_error(L, "platform: root_ports[%lld] (declared at %s:%d) is a port of switch "
                          "'%s'", (long long)i, s->path, p->line, p->owner->name);
            for (lua_Integer j = 1; j < i; j++)
                if (root[j - 1] == p)
                    scn_error(L, "platform: root_ports[%lld] is the same port as root_ports[%lld]",
                              (long long)i, (long long)j);
            root[i - 1] = p;
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);

    s->platform_declared = true;
    s->platform_line = scn_current_line(L);
    s->ncpus = ncpus;
    s->cpu_hz = hz ? hz : defaults.cpu_hz;
    s->rc_latency_ps = rc_latency;
    s->nroot = (int)n;
    for (int i = 0; i < s->nroot; i++) {
        s->root[i] = root[i];
        root[i]->is_root = true;
    }
    return 0;
}

void scn_register_platform(lua_State *L)
{
    lua_register(L, "platform", l_platform);
}

/* ---- platform_desc ---- */

typedef struct build_ctx {
    const scn_state *s;
    char *why;
    size_t whylen;
    int failed;
} build_ctx;

/* Everything declared must be part of the platform: an object left out is a mistake. */
static void check_placed(void *ctx, scn_port *p, scn_dev *d)
{
    build_ctx *c = ctx;
    if (c->failed)
        return;
    if (p && !p->is_root && !p->owner) {
        c->failed = 1;
        if (p->slot)
            snprintf(c->why, c->whylen, "the port with slot %d (declared at %s:%d) is not part of "
                     "the platform: list it in root_ports or in a switch's ports", p->slot,
                     c->s->path, p->line);
        else
            snprintf(c->why, c->whylen, "the port declared at %s:%d is not part of the platform: "
                     "list it in root_ports or in a switch's ports", c->s->path, p->line);
    } else if (d && !d->parent) {
        c->failed = 1;
        snprintf(c->why, c->whylen, "%s '%s' (declared at %s:%d) is in no port: give it to a "
                 "port (device = ...) or attach() it", scn_dev_kind_name(d), d->name, c->s->path,
                 d->line);
    }
}

static int fill_port(build_ctx *c, const scn_port *sp, pcie_port_desc *out)
{
    memset(out, 0, sizeof *out);
    out->slot = sp->slot;
    out->hotplug = sp->hotplug;
    out->link = sp->link;
    snprintf(out->origin.file, sizeof out->origin.file, "%s", c->s->path);
    out->origin.line = sp->line;
    const scn_dev *d = sp->device;
    if (!d) {
        out->kind = PCIE_NODE_EMPTY;
        return 0;
    }
    if (d->kind == SCN_DEV_ENDPOINT) {
        out->kind = PCIE_NODE_ENDPOINT;
        snprintf(out->endpoint.model, sizeof out->endpoint.model, "%s", d->model);
        snprintf(out->endpoint.name, sizeof out->endpoint.name, "%s", d->name);
        snprintf(out->endpoint.driver_style, sizeof out->endpoint.driver_style, "%s", d->driver);
        return 0;
    }
    pcie_switch_desc *sw = calloc(1, sizeof *sw);
    if (!sw) {
        snprintf(c->why, c->whylen, "out of memory for switch '%s'", d->name);
        return -1;
    }
    out->kind = PCIE_NODE_SWITCH;
    out->sw = sw;
    snprintf(sw->name, sizeof sw->name, "%s", d->name);
    sw->cut_through = d->cut_through;
    sw->hop_latency_ps = d->latency_ps;
    for (int i = 0; i < d->nports; i++) {
        sw->nports = i + 1;  /* so platform_desc_free sees what is filled */
        if (fill_port(c, d->ports[i], &sw->ports[i]) < 0)
            return -1;
    }
    return 0;
}

int scn_build_desc(lua_State *L, platform_desc *out, char *why, size_t whylen)
{
    const scn_state *s = scn_get(L);
    platform_desc_init(out);
    if (!s->platform_declared) {
        snprintf(why, whylen, "no platform { ... } declared");
        return -1;
    }
    build_ctx c = {.s = s, .why = why, .whylen = whylen};
    scn_each_object(L, check_placed, &c);
    if (c.failed)
        return -1;
    out->ncpus = s->ncpus;
    out->cpu_hz = s->cpu_hz;
    out->root_complex_latency_ps = s->rc_latency_ps;
    for (int i = 0; i < s->nroot; i++) {
        out->nroot_ports = i + 1;
        if (fill_port(&c, s->root[i], &out->root_ports[i]) < 0) {
            platform_desc_free(out);
            return -1;
        }
    }
    return 0;
}
