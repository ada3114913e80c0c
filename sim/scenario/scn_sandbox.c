/* scn_sandbox.c — the Lua environment a scenario runs in (docs/scenarios.md, "Sandbox"): only the
 * base, string, table, math, utf8 and coroutine libraries, without file, process or bytecode
 * access; math.random drawn from the engine's seeded RNG so runs repeat bit for bit; and, for
 * platform-only loads, an instruction budget (count hook, Lua 5.4 manual §4.7) and a memory cap
 * (a lua_Alloc, §4.6) so that no script can hang or exhaust the host. */
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "sim/scenario/scn_internal.h"

/* Instructions between two count-hook calls: fine enough to stop a loop promptly, coarse enough
 * to cost nothing measurable. */
#define SCN_HOOK_EVERY 1000

void *scn_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    scn_state *s = ud;
    if (!ptr)
        osize = 0;  /* osize then encodes the object type (Lua 5.4 manual, lua_Alloc) */
    if (nsize == 0) {
        free(ptr);
        s->bytes -= osize;
        return NULL;
    }
    /* only growth can fail: Lua expects a shrinking realloc to succeed */
    if (s->limits.max_bytes && nsize > osize && s->bytes + (nsize - osize) > s->limits.max_bytes)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    s->bytes = s->bytes - osize + nsize;
    return p;
}

static void count_hook(lua_State *L, lua_Debug *ar);

static void over_budget(lua_State *L)
{
    scn_state *s = scn_get(L);
    /* From now on every instruction raises, so a pcall() in the script cannot resume work:
     * each error unwinds at least to the next enclosing pcall, whose caller errs again. */
    s->over_budget = true;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    scn_error(L, "the script exceeded its budget of %llu Lua instructions (a platform "
              "declaration should need far fewer: is there an endless loop?)",
              (unsigned long long)s->limits.max_instructions);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    scn_state *s = scn_get(L);
    s->instructions += s->over_budget ? 1 : SCN_HOOK_EVERY;
    if (s->over_budget || s->instructions > s->limits.max_instructions)
        over_budget(L);
}

/* Charges work done inside a C library function to the instruction budget. */
static void charge(lua_State *L, uint64_t n)
{
    scn_state *s = scn_get(L);
    if (!s->limits.max_instructions)
        return;
    s->instructions += n;
    if (s->instructions > s->limits.max_instructions)
        over_budget(L);
}

void scn_install_limits(lua_State *L)
{
    scn_state *s = scn_get(L);
    if (s->limits.max_instructions)
        lua_sethook(L, count_hook, LUA_MASKCOUNT, SCN_HOOK_EVERY);
}

/* ---- wrapped library functions (the original is upvalue 1) ---- */

static int call_original(lua_State *L)
{
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* string.rep: the library loops n times even when every copy is empty, without allocating;
 * an empty result is returned at once instead. */
static int safe_rep(lua_State *L)
{
    size_t l = 0, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (l + lsep == 0 || n <= 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    charge(L, (uint64_t)n);
    return call_original(L);
}

/* table.move loops over e - f + 1 elements in C, whether or not they exist: charge them. */
static int safe_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    if (e >= f)
        charge(L, (uint64_t)e - (uint64_t)f + 1);
    return call_original(L);
}

/* setmetatable without __gc: finalizers run with hooks off (Lua 5.4 lgc.c GCTM), outside any
 * budget, and at times no script line explains. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_istable(L, 2) && scn_rawfield(L, 2, "__gc") != LUA_TNIL)
        scn_error(L, "setmetatable: __gc metamethods are not available in scenarios");
    lua_settop(L, 2);
    return call_original(L);
}

static void wrap(lua_State *L, int table_idx, const char *name, lua_CFunction fn)
{
    table_idx = lua_absindex(L, table_idx);
    lua_getfield(L, table_idx, name);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, table_idx, name);
}

static void drop(lua_State *L, int table_idx, const char *const *names)
{
    table_idx = lua_absindex(L, table_idx);
    for (; *names; names++) {
        lua_pushnil(L);
        lua_setfield(L, table_idx, *names);
    }
}

/* ---- math.random from the engine's RNG ---- */

static int l_random(lua_State *L)
{
    scn_state *s = scn_get(L);
    lua_Integer lo, hi;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, (lua_Number)sim_rng_double(&s->rng));
        return 1;
    case 1:
        lo = 1;
        hi = luaL_checkinteger(L, 1);
        if (hi == 0) {  /* math.random(0): all bits random, as in Lua 5.4 */
            lua_pushinteger(L, (lua_Integer)sim_rng_next(&s->rng));
            return 1;
        }
        break;
    case 2:
        lo = luaL_checkinteger(L, 1);
        hi = luaL_checkinteger(L, 2);
        break;
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    uint64_t r = span == UINT64_MAX ? sim_rng_next(&s->rng) : sim_rng_below(&s->rng, span + 1);
    lua_pushinteger(L, (lua_Integer)((uint64_t)lo + r));
    return 1;
}

/* math.randomseed(n) restarts the script's stream from n; with no argument, from the run seed. */
static int l_randomseed(lua_State *L)
{
    scn_state *s = scn_get(L);
    if (lua_isnoneornil(L, 1))
        sim_rng_derive(&s->rng, "scenario.math.random");
    else
        sim_rng_seed(&s->rng, (uint64_t)luaL_checkinteger(L, 1));
    return 0;
}

int scn_open_sandbox(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base}, {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine}, {NULL, NULL},
    };
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    /* no files, no loading of code or bytecode, no GC control, no stderr warnings */
    static const char *const base_out[] = {"dofile", "loadfile", "load", "collectgarbage", "warn",
                                           NULL};
    lua_pushglobaltable(L);
    drop(L, -1, base_out);
    wrap(L, -1, "setmetatable", safe_setmetatable);
    lua_pop(L, 1);

    /* string.dump makes bytecode; the pattern matchers backtrack without bound inside C,
     * where neither the instruction budget nor a debugger can stop them */
    static const char *const string_out[] = {"dump", "find", "match", "gmatch", "gsub", NULL};
    lua_getglobal(L, LUA_STRLIBNAME);
    drop(L, -1, string_out);
    wrap(L, -1, "rep", safe_rep);
    lua_pop(L, 1);

    lua_getglobal(L, LUA_TABLIBNAME);
    wrap(L, -1, "move", safe_move);
    lua_pop(L, 1);

    scn_state *s = scn_get(L);
    sim_rng_derive(&s->rng, "scenario.math.random");
    lua_getglobal(L, LUA_MATHLIBNAME);
    lua_pushcfunction(L, l_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, l_randomseed);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
    return 0;
}
