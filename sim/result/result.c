/* result.c — collecting one result file's runs in memory (schema vmksim-result/1, issue 3 item 7)
 * and the values derived from them: cycles per op, throughput, latency in ns (docs/results.md). */
#include "sim/result/result_internal.h"

#include <stdlib.h>
#include <string.h>

const char *result_style_name(result_style style)
{
    return style == RESULT_STYLE_VMKLINUX ? "vmklinux" : "native";
}

int result_style_parse(const char *name, result_style *out, sim_err *err)
{
    if (name && strcmp(name, "native") == 0) {
        *out = RESULT_STYLE_NATIVE;
        return 0;
    }
    if (name && strcmp(name, "vmklinux") == 0) {
        *out = RESULT_STYLE_VMKLINUX;
        return 0;
    }
    return sim_err_set(err, "driver style '%s' is not one of 'native', 'vmklinux'",
                       name ? name : "(null)");
}

/* strdup that records failure in the owning result. */
static char *res_strdup(vmk_result *res, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d && res)
        res->oom = true;
    return d;
}

/* Grows *arr (of elem bytes each) so one more fits; -1 (and res->oom) on failure. */
static int res_grow(vmk_result *res, void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *p = realloc(*arr, ncap * elem);
    if (!p) {
        res->oom = true;
        return -1;
    }
    *arr = p;
    *cap = ncap;
    return 0;
}

vmk_result *result_new(const char *scenario, uint64_t seed)
{
    vmk_result *res = calloc(1, sizeof *res);
    if (!res)
        return NULL;
    res->seed = seed;
    res->scenario = strdup(scenario ? scenario : "");
    if (!res->scenario) {
        free(res);
        return NULL;
    }
    return res;
}

static void hotplug_free(result_hotplug *hp)
{
    free(hp->slot);
    free(hp->kind);
    free(hp->outcome);
    for (size_t i = 0; i < hp->nsteps; i++)
        free(hp->steps[i].name);
    free(hp->steps);
    for (size_t i = 0; i < hp->nleaks; i++) {
        free(hp->leaks[i].owner);
        free(hp->leaks[i].what);
    }
    free(hp->leaks);
    free(hp);
}

static void run_free(result_run *run)
{
    free(run->device);
    free(run->driver);
    free(run->label);
    for (size_t i = 0; i < run->nwl; i++) {
        free(run->wl[i].key);
        free(run->wl[i].str);
    }
    free(run->wl);
    result_latency_free(run->lat);
    for (size_t i = 0; i < run->nhp; i++)
        hotplug_free(run->hp[i]);
    free(run->hp);
    free(run);
}

void result_free(vmk_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->nruns; i++)
        run_free(res->runs[i]);
    free(res->runs);
    for (size_t i = 0; i < res->nhp; i++)
        hotplug_free(res->hp[i]);
    free(res->hp);
    free(res->scenario);
    free(res);
}

size_t result_run_count(const vmk_result *res) { return res ? res->nruns : 0; }

result_run *result_run_get(const vmk_result *res, size_t i)
{
    return res && i < res->nruns ? res->runs[i] : NULL;
}

result_run *result_run_add(vmk_result *res, const char *device, const char *driver,
                           result_style style)
{
    if (!res)
        return NULL;
    if (res_grow(res, (void **)&res->runs, &res->capruns, res->nruns, sizeof *res->runs) < 0)
        return NULL;
    result_run *run = calloc(1, sizeof *run);
    if (!run) {
        res->oom = true;
        return NULL;
    }
    run->owner = res;
    run->style = style;
    run->device = res_strdup(res, device);
    run->driver = res_strdup(res, driver);
    run->lat = result_latency_new();
    if (!run->device || !run->driver || !run->lat) {
        res->oom = true;
        run_free(run);
        return NULL;
    }
    res->runs[res->nruns++] = run;
    return run;
}

/* The slot for key: the existing one (its old value freed) or a new one at the end. */
static result_kv *wl_slot(result_run *run, const char *key)
{
    for (size_t i = 0; i < run->nwl; i++) {
        if (strcmp(run->wl[i].key, key ? key : "") == 0) {
            free(run->wl[i].str);
            run->wl[i].str = NULL;
            return &run->wl[i];
        }
    }
    if (res_grow(run->owner, (void **)&run->wl, &run->capwl, run->nwl, sizeof *run->wl) < 0)
        return NULL;
    char *k = res_strdup(run->owner, key);
    if (!k)
        return NULL;
    result_kv *kv = &run->wl[run->nwl++];
    memset(kv, 0, sizeof *kv);
    kv->key = k;
    return kv;
}

int result_run_set_workload_str(result_run *run, const char *key, const char *value)
{
    if (!run)
        return -1;
    result_kv *kv = wl_slot(run, key);
    if (!kv)
        return -1;
    kv->kind = RESULT_KV_STR;
    kv->str = res_strdup(run->owner, value);
    return kv->str ? 0 : -1;
}

int result_run_set_workload_int(result_run *run, const char *key, int64_t value)
{
    if (!run)
        return -1;
    result_kv *kv = wl_slot(run, key);
    if (!kv)
        return -1;
    kv->kind = RESULT_KV_INT;
    kv->i = value;
    return 0;
}

int result_run_set_workload_bool(result_run *run, const char *key, bool value)
{
    if (!run)
        return -1;
    result_kv *kv = wl_slot(run, key);
    if (!kv)
        return -1;
    kv->kind = RESULT_KV_BOOL;
    kv->b = value;
    return 0;
}

int result_run_set_label(result_run *run, const char *label)
{
    if (!run)
        return -1;
    free(run->label);
    run->label = res_strdup(run->owner, label);
    return run->label ? 0 : -1;
}

void result_run_set_ops(result_run *run, uint64_t ops) { if (run) run->ops = ops; }
void result_run_set_bytes(result_run *run, uint64_t bytes) { if (run) run->bytes = bytes; }
void result_run_set_duration(result_run *run, sim_time_t d) { if (run) run->duration_ps = d; }
void result_run_set_failed_ops(result_run *run, uint64_t n) { if (run) run->failed_ops = n; }
void result_run_set_lost_ops(result_run *run, uint64_t n) { if (run) run->lost_ops = n; }

void result_run_set_verify_errors(result_run *run, uint64_t n)
{
    if (!run)
        return;
    run->verify_errors = n;
    run->has_verify = true;
}

void result_run_set_mcycles(result_run *run, uint64_t driver, uint64_t shim, uint64_t kernel)
{
    if (!run)
        return;
    run->mcycles[RESULT_OWNER_DRIVER] = driver;
    run->mcycles[RESULT_OWNER_SHIM] = shim;
    run->mcycles[RESULT_OWNER_KERNEL] = kernel;
}

/* Whole cycles to 1/1000 cycles, saturating (2^64 mcycles is ~58 days of one 3.6 GHz CPU). */
static uint64_t to_mcycles(uint64_t cycles)
{
    return cycles > UINT64_MAX / 1000u ? UINT64_MAX : cycles * 1000u;
}

void result_run_set_cycles(result_run *run, uint64_t driver, uint64_t shim, uint64_t kernel)
{
    result_run_set_mcycles(run, to_mcycles(driver), to_mcycles(shim), to_mcycles(kernel));
}

void result_run_set_counter(result_run *run, result_counter which, uint64_t value)
{
    if (run && (unsigned)which < RESULT_COUNTER_COUNT)
        run->counters[which] = value;
}

void result_run_add_counter(result_run *run, result_counter which, uint64_t delta)
{
    if (run && (unsigned)which < RESULT_COUNTER_COUNT)
        run->counters[which] += delta;
}

void result_run_record_latency(result_run *run, sim_time_t latency_ps)
{
    if (run)
        result_latency_record(run->lat, latency_ps);
}

result_latency *result_run_latency(result_run *run) { return run ? run->lat : NULL; }

int result_run_merge_latency(result_run *run, const result_latency *src)
{
    if (!run)
        return -1;
    return result_latency_merge(run->lat, src);
}

static result_hotplug *hotplug_new(vmk_result *res, result_hotplug ***list, size_t *cap,
                                   size_t *n, const char *slot, const char *kind)
{
    if (res_grow(res, (void **)list, cap, *n, sizeof **list) < 0)
        return NULL;
    result_hotplug *hp = calloc(1, sizeof *hp);
    if (!hp) {
        res->oom = true;
        return NULL;
    }
    hp->owner = res;
    hp->slot = res_strdup(res, slot);
    hp->kind = res_strdup(res, kind);
    if (!hp->slot || !hp->kind) {
        hotplug_free(hp);
        return NULL;
    }
    (*list)[(*n)++] = hp;
    return hp;
}

result_hotplug *result_add_hotplug(vmk_result *res, const char *slot, const char *kind)
{
    if (res && res->hp_limit && res->nhp >= res->hp_limit) {
        res->hp_omitted++;
        return NULL;
    }
    return res ? hotplug_new(res, &res->hp, &res->caphp, &res->nhp, slot, kind) : NULL;
}

void result_set_hotplug_limit(vmk_result *res, size_t limit)
{
    if (res)
        res->hp_limit = limit;
}

uint64_t result_hotplug_omitted(const vmk_result *res) { return res ? res->hp_omitted : 0; }

size_t result_hotplug_count(const vmk_result *res) { return res ? res->nhp : 0; }

int result_hotplug_add_leak(result_hotplug *hp, const char *owner, const char *what,
                            uint64_t amount)
{
    if (!hp)
        return -1;
    if (res_grow(hp->owner, (void **)&hp->leaks, &hp->capleaks, hp->nleaks, sizeof *hp->leaks) < 0)
        return -1;
    char *o = res_strdup(hp->owner, owner);
    char *w = res_strdup(hp->owner, what);
    if (!o || !w) {
        free(o);
        free(w);
        return -1;
    }
    hp->leaks[hp->nleaks].owner = o;
    hp->leaks[hp->nleaks].what = w;
    hp->leaks[hp->nleaks].amount = amount;
    hp->nleaks++;
    return 0;
}

result_hotplug *result_run_add_hotplug(result_run *run, const char *slot, const char *kind)
{
    if (!run)
        return NULL;
    vmk_result *res = run->owner;
    if (res_grow(res, (void **)&run->hp, &run->caphp, run->nhp, sizeof *run->hp) < 0)
        return NULL;
    result_hotplug *hp = calloc(1, sizeof *hp);
    if (!hp) {
        res->oom = true;
        return NULL;
    }
    hp->owner = res;
    hp->slot = res_strdup(res, slot);
    hp->kind = res_strdup(res, kind);
    if (!hp->slot || !hp->kind) {
        hotplug_free(hp);
        return NULL;
    }
    run->hp[run->nhp++] = hp;
    return hp;
}

int result_hotplug_add_step(result_hotplug *hp, const char *name, sim_time_t at_ps)
{
    if (!hp)
        return -1;
    if (res_grow(hp->owner, (void **)&hp->steps, &hp->capsteps, hp->nsteps, sizeof *hp->steps) < 0)
        return -1;
    char *n = res_strdup(hp->owner, name);
    if (!n)
        return -1;
    hp->steps[hp->nsteps].name = n;
    hp->steps[hp->nsteps].at_ps = at_ps;
    hp->nsteps++;
    return 0;
}

int result_hotplug_set_outcome(result_hotplug *hp, const char *outcome)
{
    if (!hp)
        return -1;
    free(hp->outcome);
    hp->outcome = res_strdup(hp->owner, outcome);
    return hp->outcome ? 0 : -1;
}

void result_hotplug_set_in_flight(result_hotplug *hp, uint64_t issued, uint64_t completed,
                                  uint64_t failed)
{
    if (!hp)
        return;
    hp->issued = issued;
    hp->completed = completed;
    hp->failed = failed;
}

/* ---- derived values (docs/results.md gives each formula) ---- */

bool result_run_cycles_per_op(const result_run *run, int owner, unsigned decimals,
                              char out[RESULT_NUM_MAX])
{
    if (!run || run->ops == 0)
        return false;
    unsigned __int128 mcyc = 0;
    for (int o = 0; o < RESULT_OWNER_COUNT; o++)
        if (owner < 0 || owner == o)
            mcyc += run->mcycles[o];
    result_fmt_fixed(out, mcyc, (unsigned __int128)run->ops * 1000u, decimals);
    return true;
}

bool result_run_ops_per_s(const result_run *run, unsigned decimals, char out[RESULT_NUM_MAX])
{
    if (!run || run->duration_ps == 0)
        return false;
    /* ops / (duration_ps / 10^12 ps per s) */
    result_fmt_fixed(out, (unsigned __int128)run->ops * SIM_SEC, run->duration_ps, decimals);
    return true;
}

bool result_run_gbps(const result_run *run, unsigned decimals, char out[RESULT_NUM_MAX])
{
    if (!run || run->duration_ps == 0)
        return false;
    /* bytes * 8 bit / (duration_ps * 10^-12 s) / 10^9 = bytes * 8000 / duration_ps */
    result_fmt_fixed(out, (unsigned __int128)run->bytes * 8000u, run->duration_ps, decimals);
    return true;
}

bool result_run_latency_ns(const result_run *run, uint32_t pct, unsigned decimals,
                           char out[RESULT_NUM_MAX])
{
    sim_time_t ps;
    if (!run || !result_latency_percentile(run->lat, pct, &ps))
        return false;
    result_fmt_fixed(out, ps, SIM_NS, decimals);
    return true;
}
