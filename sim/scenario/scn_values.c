/* scn_values.c — checking the values a scenario states, where it states them: table fields (unknown
 * keys, types), times ("10ms"), clock rates ("2.4GHz"), names and PCIe link parameters. Ranges
 * follow the PCIe Base Spec as cited at each check; docs/scenarios.md lists them. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/scenario/scn_internal.h"

/* ---- unknown keys ---- */

/* Edit distance (Levenshtein) of two short strings, capped at 99 for long ones. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 31 || lb > 31)
        return 99;
    int d[32][32];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            int m = sub < del ? sub : del;
            d[i][j] = m < ins ? m : ins;
        }
    return d[la][lb];
}

void scn_check_keys(lua_State *L, int idx, const char *what, const char *sub,
                    const char *const *known)
{
    idx = lua_absindex(L, idx);
    char in[64] = "";
    if (sub)
        snprintf(in, sizeof in, " in %s", sub);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);  /* value */
        if (lua_type(L, -1) != LUA_TSTRING) {
            if (lua_isinteger(L, -1))
                scn_error(L, "%s: unexpected positional value [%lld]%s (fields are named: "
                          "key = value)", what, (long long)lua_tointeger(L, -1), in);
            scn_error(L, "%s: unexpected %s key%s", what, luaL_typename(L, -1), in);
        }
        const char *key = lua_tostring(L, -1);
        bool ok = false;
        const char *best = NULL;
        int best_d = 3;  /* suggest only within two edits */
        for (const char *const *k = known; *k; k++) {
            if (!strcmp(key, *k)) {
                ok = true;
                break;
            }
            int dist = edit_distance(key, *k);
            if (dist < best_d) {
                best_d = dist;
                best = *k;
            }
        }
        if (!ok) {
            char list[256] = "";
            size_t n = 0;
            for (const char *const *k = known; *k && n < sizeof list; k++)
                n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", k == known ? "" : ", ", *k);
            if (best)
                scn_error(L, "%s: unknown field '%s'%s (did you mean '%s'?)", what, key, in, best);
            scn_error(L, "%s: unknown field '%s'%s (fields: %s)", what, key, in, list);
        }
    }
}

/* ---- typed fields ---- */

static void describe_value(lua_State *L, int idx, char *buf, size_t len)
{
    if (lua_type(L, idx) == LUA_TNUMBER)
        snprintf(buf, len, "%s", lua_tostring(L, idx) ? lua_tostring(L, idx) : "number");
    else
        snprintf(buf, len, "%s", luaL_typename(L, idx));
}

bool scn_opt_int(lua_State *L, int idx, const char *what, const char *field, lua_Integer *out)
{
    scn_rawfield(L, idx, field);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return false;
    }
    int isint = 0;
    lua_Integer v = 0;
    if (lua_type(L, -1) == LUA_TNUMBER)
        v = lua_tointegerx(L, -1, &isint);
    if (!isint) {
        char got[64];
        lua_pushvalue(L, -1);
        describe_value(L, -1, got, sizeof got);
        scn_error(L, "%s: field '%s' must be an integer, got %s", what, field, got);
    }
    lua_pop(L, 1);
    *out = v;
    return true;
}

bool scn_opt_bool(lua_State *L, int idx, const char *what, const char *field, bool *out)
{
    scn_rawfield(L, idx, field);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return false;
    }
    if (!lua_isboolean(L, -1))
        scn_error(L, "%s: field '%s' must be true or false, got %s", what, field,
                  luaL_typename(L, -1));
    *out = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return true;
}

/* The returned string stays valid while the table at idx holds it. */
const char *scn_opt_string(lua_State *L, int idx, const char *what, const char *field)
{
    scn_rawfield(L, idx, field);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return NULL;
    }
    if (lua_type(L, -1) != LUA_TSTRING)
        scn_error(L, "%s: field '%s' must be a string, got %s", what, field, luaL_typename(L, -1));
    const char *v = lua_tostring(L, -1);
    lua_pop(L, 1);
    return v;
}

void scn_check_name(lua_State *L, const char *what, const char *field, const char *v, char *dst,
                    size_t dstlen)
{
    size_t n = strlen(v);
    if (n == 0)
        scn_error(L, "%s: %s must not be empty", what, field);
    if (n >= dstlen)
        scn_error(L, "%s: %s '%.40s...' is longer than %zu characters", what, field, v, dstlen - 1);
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)v[i]) && v[i] != '_' && v[i] != '-' && v[i] != '.')
            scn_error(L, "%s: %s '%s' may hold only letters, digits, '_', '-' and '.'", what,
                      field, v);
    memcpy(dst, v, n + 1);
}

/* ---- exact decimal quantities with a unit ---- */

typedef struct unit { const char *name; uint64_t scale; } unit;

/* Parses "<digits>[.<digits>]<spaces><unit>" into value * scale exactly; <= INT64_MAX so a Lua
 * integer holds it. */
static int parse_scaled(const char *s, const unit *units, const char *kind, const char *example,
                        uint64_t *out, char *why, size_t whylen)
{
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    if (!isdigit((unsigned char)*p)) {
        snprintf(why, whylen, "bad %s \"%s\": expected a number and a unit, e.g. \"%s\"", kind, s,
                 example);
        return -1;
    }
    unsigned __int128 ip = 0;
    for (; isdigit((unsigned char)*p); p++) {
        ip = ip * 10 + (unsigned)(*p - '0');
        if (ip > (unsigned __int128)INT64_MAX) {
            snprintf(why, whylen, "%s \"%s\" is too large", kind, s);
            return -1;
        }
    }
    unsigned __int128 frac = 0, frac_div = 1;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) {
            snprintf(why, whylen, "bad %s \"%s\": digits expected after '.'", kind, s);
            return -1;
        }
        const char *f0 = p;
        while (isdigit((unsigned char)*p))
            p++;
        const char *f1 = p;
        while (f1 > f0 && f1[-1] == '0')  /* trailing zeros change nothing */
            f1--;
        if (f1 - f0 > 18) {
            snprintf(why, whylen, "%s \"%s\" has more digits than its resolution", kind, s);
            return -1;
        }
        for (const char *q = f0; q < f1; q++) {
            frac = frac * 10 + (unsigned)(*q - '0');
            frac_div *= 10;
        }
    }
    while (isspace((unsigned char)*p))
        p++;
    const char *u = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    size_t ulen = (size_t)(p - u);
    while (isspace((unsigned char)*p))
        p++;
    const unit *found = NULL;
    for (const unit *k = units; k->name; k++)
        if (strlen(k->name) == ulen && !strncasecmp(u, k->name, ulen))
            found = k;
    if (*p || !found) {
        char list[96] = "";
        size_t n = 0;
        for (const unit *k = units; k->name && n < sizeof list; k++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", k == units ? "" : ", ", k->name);
        snprintf(why, whylen, "bad %s \"%s\": %s unit (one of %s, e.g. \"%s\")", kind, s,
                 ulen ? "unknown" : "missing", list, example);
        return -1;
    }
    unsigned __int128 whole = ip * found->scale;
    unsigned __int128 fpart = frac * found->scale;
    if (fpart % frac_div) {
        snprintf(why, whylen, "%s \"%s\" is not a whole number of %s", kind, s, units[0].name);
        return -1;
    }
    whole += fpart / frac_div;
    if (whole > (unsigned __int128)INT64_MAX) {
        snprintf(why, whylen, "%s \"%s\" is too large", kind, s);
        return -1;
    }
    *out = (uint64_t)whole;
    return 0;
}

static const unit time_units[] = {
    {"ps", 1}, {"ns", SIM_NS}, {"us", SIM_US}, {"\xc2\xb5s", SIM_US}, {"ms", SIM_MS},
    {"s", SIM_SEC}, {NULL, 0},
};

int scn_parse_time(const char *s, sim_time_t *out, char *why, size_t whylen)
{
    uint64_t v;
    if (parse_scaled(s, time_units, "time", "10ms", &v, why, whylen) < 0)
        return -1;
    *out = v;
    return 0;
}

int scn_parse_hz(const char *s, uint64_t *out, char *why, size_t whylen)
{
    static const unit hz_units[] = {
        {"Hz", 1}, {"kHz", 1000}, {"MHz", 1000000}, {"GHz", 1000000000}, {NULL, 0},
    };
    return parse_scaled(s, hz_units, "frequency", "2.4GHz", out, why, whylen);
}

/* Time value at idx (string or integer picoseconds); what/field name it in errors. */
static sim_time_t to_time(lua_State *L, int idx, const char *what, const char *field)
{
    char label[96];
    if (field)
        snprintf(label, sizeof label, "%s: field '%s'", what, field);
    else
        snprintf(label, sizeof label, "%s", what);
    if (lua_type(L, idx) == LUA_TSTRING) {
        sim_time_t t;
        char why[256];
        if (scn_parse_time(lua_tostring(L, idx), &t, why, sizeof why) < 0)
            scn_error(L, "%s: %s", label, why);
        return t;
    }
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int isint = 0;
        lua_Integer v = lua_tointegerx(L, idx, &isint);
        if (!isint)
            scn_error(L, "%s: %s is not a whole number of picoseconds (use a string like "
                      "\"1.5us\" or us(1.5))", label, lua_tostring(L, idx));
        if (v < 0)
            scn_error(L, "%s: time %lld ps is negative", label, (long long)v);
        return (sim_time_t)v;
    }
    scn_error(L, "%s: expected a time (a string like \"10ms\" or integer "
              "picoseconds), got %s", label, luaL_typename(L, idx));
}

sim_time_t scn_check_time(lua_State *L, int arg, const char *what)
{
    return to_time(L, arg, what, NULL);
}

bool scn_opt_time(lua_State *L, int idx, const char *what, const char *field, sim_time_t *out)
{
    scn_rawfield(L, idx, field);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return false;
    }
    *out = to_time(L, lua_gettop(L), what, field);
    lua_pop(L, 1);
    return true;
}

/* ps(x), ns(x), us(x), ms(x), s(x): a number of units as integer picoseconds (rounded to the
 * nearest picosecond for fractions). */
static int time_helper(lua_State *L)
{
    uint64_t scale = (uint64_t)lua_tointeger(L, lua_upvalueindex(1));
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    if (lua_type(L, 1) != LUA_TNUMBER)
        scn_error(L, "%s(): expected a number, got %s", name, luaL_typename(L, 1));
    if (lua_isinteger(L, 1)) {
        lua_Integer v = lua_tointeger(L, 1);
        if (v < 0)
            scn_error(L, "%s(%lld): time is negative", name, (long long)v);
        if ((uint64_t)v > (uint64_t)INT64_MAX / scale)
            scn_error(L, "%s(%lld): time is too large", name, (long long)v);
        lua_pushinteger(L, v * (lua_Integer)scale);
        return 1;
    }
    double d = lua_tonumber(L, 1);
    if (!(d >= 0))  /* also catches NaN */
        scn_error(L, "%s(%g): time is negative or not a number", name, d);
    double ps = nearbyint(d * (double)scale);
    if (!(ps < 9223372036854775807.0))
        scn_error(L, "%s(%g): time is too large", name, d);
    lua_pushinteger(L, (lua_Integer)ps);
    return 1;
}

void scn_register_time_helpers(lua_State *L)
{
    static const unit helpers[] = {
        {"ps", 1}, {"ns", SIM_NS}, {"us", SIM_US}, {"ms", SIM_MS}, {"s", SIM_SEC}, {NULL, 0},
    };
    for (const unit *h = helpers; h->name; h++) {
        lua_pushinteger(L, (lua_Integer)h->scale);
        lua_pushstring(L, h->name);
        lua_pushcclosure(L, time_helper, 2);
        lua_setglobal(L, h->name);
    }
}

/* ---- PCIe link ---- */

static bool pow2_in(lua_Integer v, lua_Integer lo, lua_Integer hi)
{
    return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

void scn_read_link(lua_State *L, int idx, const char *what, pcie_link_params *link)
{
    static const char *const keys[] = {"gen", "width", "mps", "mrrs", "addr64", NULL};
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx))
        scn_error(L, "%s: field 'link' must be a table like { gen = 3, width = 8 }, got %s", what,
                  luaL_typename(L, idx));
    scn_check_keys(L, idx, what, "link", keys);
    lua_Integer v;
    if (scn_opt_int(L, idx, what, "gen", &v)) {
        /* Generations 1-5: 2.5, 5, 8, 16, 32 GT/s (PCIe Base Spec 5.0, 4.2) */
        if (v < 1 || v > 5)
            scn_error(L, "%s: link.gen = %lld is outside 1-5", what, (long long)v);
        link->gen = (int)v;
    }
    if (scn_opt_int(L, idx, what, "width", &v)) {
        /* The widths the link model supports (PCIe Base Spec 7.5.3.6 Maximum Link Width) */
        if (v != 1 && v != 2 && v != 4 && v != 8 && v != 16)
            scn_error(L, "%s: link.width = %lld is not a supported PCIe link width "
                      "(allowed: 1, 2, 4, 8, 16)", what, (long long)v);
        link->width = (int)v;
    }
    /* Max_Payload_Size and Max_Read_Request_Size encodings 000b-101b: 128-4096 bytes
     * (PCIe Base Spec 7.5.3.4 Device Control Register) */
    if (scn_opt_int(L, idx, what, "mps", &v)) {
        if (!pow2_in(v, 128, 4096))
            scn_error(L, "%s: link.mps = %lld is not a power of two in 128-4096", what,
                      (long long)v);
        link->mps = (int)v;
    }
    if (scn_opt_int(L, idx, what, "mrrs", &v)) {
        if (!pow2_in(v, 128, 4096))
            scn_error(L, "%s: link.mrrs = %lld is not a power of two in 128-4096", what,
                      (long long)v);
        link->mrrs = (int)v;
    }
    bool b;
    if (scn_opt_bool(L, idx, what, "addr64", &b))
        link->addr64 = b;
}
