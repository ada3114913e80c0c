/* scn_error.c — scenario errors as one line "file:line: message" (docs/scenarios.md, "Errors"):
 * the line is the script line that made the call, found with lua_Debug (Lua 5.4 manual §4.7);
 * Lua's own messages (syntax and runtime errors) are rewritten to the full file name when Lua
 * shortened it to LUA_IDSIZE characters. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/scenario/scn_internal.h"

scn_state *scn_get(lua_State *L)
{
    return *(scn_state **)lua_getextraspace(L);
}

/* The innermost Lua (not C) frame's current line; 0 when no Lua frame is on the stack. */
int scn_current_line(lua_State *L)
{
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar))
            break;
        if (ar.currentline > 0 && (!strcmp(ar.what, "Lua") || !strcmp(ar.what, "main")))
            return ar.currentline;
    }
    return 0;
}

void scn_error(lua_State *L, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const scn_state *s = scn_get(L);
    int line = scn_current_line(L);
    if (line > 0)
        lua_pushfstring(L, "%s:%d: %s", s->path, line, msg);
    else
        lua_pushfstring(L, "%s: %s", s->path, msg);
    lua_error(L);
    __builtin_unreachable();  /* lua_error longjmps */
}

static char stop_sentinel;

void scn_push_stop(lua_State *L)
{
    lua_pushlightuserdata(L, &stop_sentinel);
}

bool scn_is_stop(lua_State *L, int idx)
{
    return lua_islightuserdata(L, idx) && lua_touserdata(L, idx) == &stop_sentinel;
}

/* True if msg starts with "<name>:" */
static bool has_prefix(const char *msg, const char *name)
{
    size_t n = strlen(name);
    return n > 0 && !strncmp(msg, name, n) && msg[n] == ':';
}

/* Message handler: keeps the stop sentinel, turns any other error object into a string that
 * starts with the chunk's name and the line of the innermost Lua frame when it has none. */
int scn_msgh(lua_State *L)
{
    if (scn_is_stop(L, 1))
        return 1;
    const scn_state *s = scn_get(L);
    const char *msg;
    if (lua_type(L, 1) == LUA_TSTRING) {
        msg = lua_tostring(L, 1);
    } else if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
        msg = lua_tostring(L, -1);
    } else {
        msg = lua_pushfstring(L, "error object is a %s value", luaL_typename(L, 1));
    }
    if (has_prefix(msg, s->path) || has_prefix(msg, s->short_src)) {
        lua_pushstring(L, msg);
        return 1;
    }
    int line = scn_current_line(L);
    if (line > 0)
        lua_pushfstring(L, "%s:%d: %s", s->path, line, msg);
    else
        lua_pushfstring(L, "%s: %s", s->path, msg);
    return 1;
}

void scn_final_message(const scn_state *s, const char *msg, sim_err *err)
{
    if (!msg)
        msg = "unknown error";
    char line[sizeof err->msg];
    if (strcmp(s->short_src, s->path) && has_prefix(msg, s->short_src))
        snprintf(line, sizeof line, "%s%s", s->path, msg + strlen(s->short_src));
    else if (has_prefix(msg, s->path))
        snprintf(line, sizeof line, "%s", msg);
    else
        snprintf(line, sizeof line, "%s: %s", s->path, msg);
    /* one line: a message with embedded newlines (e.g. a multi-line error("...")) is joined */
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    sim_err_set(err, "%s", line);
}
