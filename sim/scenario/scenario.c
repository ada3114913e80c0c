/* scenario.c — running a Lua 5.4 scenario (scenario.h, docs/scenarios.md): one sandboxed Lua state
 * per script, the script run under a message handler that makes every error "file:line: message",
 * then either the whole timeline (vmksim run, with the log and summary.txt in --out DIR) or only the
 * platform declarations (vmksim lspci), bounded in instructions and memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel_model/pci/pci_tree.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scn_hotplug.h"
#include "sim/scenario/scn_internal.h"
#include "sim/scenario/scn_storage.h"

/* Budget of a platform-only load (lspci): a platform needs a few thousand instructions and well
 * under a megabyte; these leave room for generated platforms yet stop a runaway script in about a
 * second. */
#define SCN_LOAD_MAX_INSTRUCTIONS 50000000ULL
#define SCN_LOAD_MAX_BYTES (256u << 20)
/* A scenario file larger than this is not a script someone wrote. */
#define SCN_MAX_FILE_BYTES (64u << 20)

extern const unsigned char scn_default_lua[];
extern const size_t scn_default_lua_len;

/* Everything the state needs before the script runs; called through lua_pcall. */
static int setup(lua_State *L)
{
    scn_state *s = scn_get(L);
    scn_open_sandbox(L);
    scn_register_time_helpers(L);
    scn_register_objects(L);
    scn_register_platform(L);
    scn_register_runtime(L);
    if (s->mode == SCN_MODE_RUN)
        scn_register_workload(L);
    if (s->mode == SCN_MODE_RUN)
        scn_register_hotplug(L);   /* slot verbs, wait_for, leaks, lspci (scn_hotplug*.c) */
    if (s->mode == SCN_MODE_RUN)
        scn_register_storage(L);   /* disk{}, io{} (scn_storage.c, scn_io.c) */
    /* Lua's own name for the chunk (shortened to LUA_IDSIZE), to rewrite its messages */
    lua_Debug ar;
    lua_pushfstring(L, "@%s", s->path);
    luaL_loadbuffer(L, "", 0, lua_tostring(L, -1));
    lua_getinfo(L, ">S", &ar);
    snprintf(s->short_src, sizeof s->short_src, "%s", ar.short_src);
    return 0;
}

/* platform-only loads: the desc of a script that never called boot() */
static int finish_platform(lua_State *L)
{
    scn_state *s = scn_get(L);
    char why[768];
    if (scn_build_desc(L, s->desc, why, sizeof why) < 0)
        return luaL_error(L, "%s", why);
    return 0;
}

static const char *pcall_message(lua_State *L, scn_state *s, int status, char *buf, size_t len)
{
    if (status == LUA_ERRMEM && s->limits.max_bytes)
        snprintf(buf, len, "not enough memory (a platform load may use %zu bytes)",
                 s->limits.max_bytes);
    else if (status == LUA_ERRMEM)
        snprintf(buf, len, "not enough memory");
    else
        snprintf(buf, len, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "unknown error");
    return buf;
}

/* Runs buf as the scenario `path` in mode; on return s->desc / s->sys hold what was built (the
 * caller frees them). 0, or -1 with err set. */
static int exec(scn_state *s, const char *buf, size_t len, sim_err *err)
{
    lua_State *L = lua_newstate(scn_alloc, s);
    if (!L)
        return sim_err_set(err, "%s: out of memory for a Lua state", s->path);
    *(scn_state **)lua_getextraspace(L) = s;
    char msg[sizeof err->msg];
    int rc = 0;

    s->desc = calloc(1, sizeof *s->desc);
    if (!s->desc) {
        lua_close(L);
        return sim_err_set(err, "%s: out of memory", s->path);
    }
    platform_desc_init(s->desc);
    lua_pushcfunction(L, setup);
    int status = lua_pcall(L, 0, 0, 0);
    if (status != LUA_OK) {
        rc = sim_err_set(err, "%s: cannot set up Lua: %s", s->path,
                         pcall_message(L, s, status, msg, sizeof msg));
        goto out;
    }
    lua_pushcfunction(L, scn_msgh);
    size_t nlen = strlen(s->path) + 2;
    char *chunkname = malloc(nlen);
    if (!chunkname) {
        rc = sim_err_set(err, "%s: out of memory", s->path);
        goto out;
    }
    snprintf(chunkname, nlen, "@%s", s->path);
    status = luaL_loadbufferx(L, buf, len, chunkname, "t");
    free(chunkname);
    if (status == LUA_OK) {
        scn_install_limits(L);
        status = lua_pcall(L, 0, 0, 1);
        if (status != LUA_OK && scn_is_stop(L, -1))
            status = LUA_OK;
        if (status == LUA_OK && s->mode == SCN_MODE_PLATFORM && !s->stopped_at_boot) {
            lua_pushcfunction(L, finish_platform);
            status = lua_pcall(L, 0, 0, 0);
        }
    }
    if (status != LUA_OK) {
        scn_final_message(s, pcall_message(L, s, status, msg, sizeof msg), err);
        rc = -1;
    }
out:
    lua_close(L);
    return rc;
}

static char *read_file(const char *path, size_t *len, sim_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sim_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= SCN_MAX_FILE_BYTES) {
                sim_err_set(err, "%s: larger than %u bytes; not a scenario", path,
                            SCN_MAX_FILE_BYTES);
                free(buf);
                fclose(f);
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf) {
        sim_err_set(err, "%s: out of memory", path);
        fclose(f);
        return NULL;
    }
    if (ferror(f)) {
        sim_err_set(err, "%s: cannot read: %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* ---- platform-only loads ---- */

int scenario_load_platform_buffer_limited(const char *buf, size_t len, const char *chunkname,
                                          uint64_t max_instructions, size_t max_bytes,
                                          platform_desc *out, sim_err *err)
{
    platform_desc_init(out);
    if (!chunkname || !*chunkname)
        chunkname = "scenario";
    if (*chunkname == '@' || *chunkname == '=')
        chunkname++;
    scn_state s;
    memset(&s, 0, sizeof s);
    s.path = chunkname;
    s.mode = SCN_MODE_PLATFORM;
    s.limits.max_instructions = max_instructions;
    s.limits.max_bytes = max_bytes;
    s.buses_needed = 1;  /* bus 0, the root complex's */
    int rc = exec(&s, buf, len, err);
    if (rc == 0)
        *out = *s.desc;  /* switches now belong to out */
    else if (s.desc)
        platform_desc_free(s.desc);
    free(s.desc);
    return rc;
}

int scenario_load_platform_buffer(const char *buf, size_t len, const char *chunkname,
                                  platform_desc *out, sim_err *err)
{
    return scenario_load_platform_buffer_limited(buf, len, chunkname, SCN_LOAD_MAX_INSTRUCTIONS,
                                                 SCN_LOAD_MAX_BYTES, out, err);
}

int scenario_load_platform(const char *path, platform_desc *out, sim_err *err)
{
    platform_desc_init(out);
    size_t len = 0;
    char *buf = read_file(path, &len, err);
    if (!buf)
        return -1;
    int rc = scenario_load_platform_buffer(buf, len, path, out, err);
    free(buf);
    return rc;
}

int scenario_default_platform(platform_desc *out, sim_err *err)
{
    return scenario_load_platform_buffer((const char *)scn_default_lua, scn_default_lua_len,
                                         SCENARIO_DEFAULT_NAME, out, err);
}

/* ---- whole runs ---- */

/* mkdir -p */
static int make_dirs(const char *dir, sim_err *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return sim_err_set(err, "--out %s: path too long", dir);
    for (char *p = path + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(path, 0777) < 0 && errno != EEXIST)
                return sim_err_set(err, "--out %s: cannot create %s: %s", dir, path,
                                   strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return sim_err_set(err, "--out %s: not a directory", dir);
    return 0;
}

typedef struct run_summary {
    size_t pci_functions, endpoints, switches, empty_slots;
} run_summary;

static void count_ports(const pcie_port_desc *p, int n, run_summary *sum)
{
    for (int i = 0; i < n; i++) {
        if (p[i].kind == PCIE_NODE_ENDPOINT)
            sum->endpoints++;
        else if (p[i].kind == PCIE_NODE_EMPTY && p[i].slot)
            sum->empty_slots++;
        else if (p[i].kind == PCIE_NODE_SWITCH) {
            sum->switches++;
            count_ports(p[i].sw->ports, p[i].sw->nports, sum);
        }
    }
}

static void write_summary(FILE *f, const char *path, const scn_state *s, const run_summary *sum,
                          int rc, const sim_err *err)
{
    sim_time_t now = sim_now();
    fprintf(f, "scenario: %s\n", path);
    fprintf(f, "seed: %llu\n", (unsigned long long)sim_seed());
    fprintf(f, "result: %s\n", rc == 0 ? "ok" : "error");
    if (rc != 0)
        fprintf(f, "error: %s\n", err->msg);
    fprintf(f, "booted: %s\n", s->booted ? "yes" : "no");
    fprintf(f, "end_time: %llu.%012llu s\n", (unsigned long long)(now / SIM_SEC),
            (unsigned long long)(now % SIM_SEC));
    fprintf(f, "end_time_ps: %llu\n", (unsigned long long)now);
    fprintf(f, "pci_functions: %zu\n", sum->pci_functions);
    fprintf(f, "endpoints: %zu\n", sum->endpoints);
    fprintf(f, "switches: %zu\n", sum->switches);
    fprintf(f, "empty_slots: %zu\n", sum->empty_slots);
}

int scenario_run_file(const char *path, const scenario_opts *opts, sim_err *err)
{
    scenario_opts o = {.seed = sim_seed()};
    if (opts)
        o = *opts;
    size_t len = 0;
    char *buf = read_file(path, &len, err);
    if (!buf)
        return -1;

    FILE *log = NULL;
    if (o.out_dir) {
        if (make_dirs(o.out_dir, err) < 0) {
            free(buf);
            return -1;
        }
        char lp[4200];
        snprintf(lp, sizeof lp, "%s/vmksim.log", o.out_dir);
        log = fopen(lp, "w");
        if (!log) {
            sim_err_set(err, "--out: cannot create %s: %s", lp, strerror(errno));
            free(buf);
            return -1;
        }
        sim_log_set_file(log);
    }
    sim_set_seed(o.seed);

    scn_state s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.mode = SCN_MODE_RUN;
    s.buses_needed = 1;  /* bus 0, the root complex's */
    s.out_dir = o.out_dir;
    s.result = result_new(path, o.seed);
    sim_log(SIM_LOG_INFO, "scenario", "running %s (seed %llu)", path,
            (unsigned long long)o.seed);
    int rc = exec(&s, buf, len, err);
    free(buf);
    scn_hotplug_shutdown(&s);    /* scheduled slot actions dropped */
    scn_workload_shutdown(&s);   /* drivers unloaded, cables freed, before the kernel goes */
    if (rc < 0 && log)  /* the log file keeps the error too; on stderr it would be said twice */
        sim_log(SIM_LOG_ERROR, "scenario", "%s", err->msg);

    run_summary sum = {0};
    if (s.sys)
        sum.pci_functions = kern_pci_count(s.sys->pci);
    if (s.booted)
        count_ports(s.desc->root_ports, s.desc->nroot_ports, &sum);
    if (o.out_dir) {
        char sp[4200];
        snprintf(sp, sizeof sp, "%s/summary.txt", o.out_dir);
        FILE *f = fopen(sp, "w");
        if (f) {
            write_summary(f, path, &s, &sum, rc, err);
            if (fclose(f) != 0 && rc == 0)
                rc = sim_err_set(err, "--out: cannot write %s: %s", sp, strerror(errno));
        } else if (rc == 0) {
            rc = sim_err_set(err, "--out: cannot create %s: %s", sp, strerror(errno));
        }
    }
    if (o.out_dir) {
        /* OUT/result.json (docs/results.md), also for a failed run: the runs that finished */
        char rp[4200];
        snprintf(rp, sizeof rp, "%s/result.json", o.out_dir);
        sim_err rerr = {{0}};
        if (!s.result)
            sim_err_set(&rerr, "%s: out of memory for the result", rp);
        if ((!s.result || result_write_json(s.result, rp, &rerr) < 0) && rc == 0) {
            *err = rerr;
            rc = -1;
        }
    }
    if (o.summary)
        write_summary(o.summary, path, &s, &sum, rc, err);
    if (o.summary && s.result && result_run_count(s.result) > 0) {
        fputc('\n', o.summary);
        result_print_table(s.result, o.summary);
    }
    result_free(s.result);

    kern_shutdown(s.sys);
    if (s.desc)
        platform_desc_free(s.desc);
    free(s.desc);
    if (log) {
        sim_log_set_file(stderr);
        fclose(log);
    }
    return rc;
}
