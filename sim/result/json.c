/* json.c — result.json (schema vmksim-result/1, docs/results.md): the document is built as a cJSON
 * tree in a fixed key order, numbers go in as raw text from format.c (exact 64-bit integers,
 * fixed decimals, no locale), and a small printer lays it out with 2-space indentation. */
#include "sim/result/result_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Builder state: the first allocation failure sticks, so each add needs no check of its own. */
typedef struct jb { bool failed; } jb;

static cJSON *jb_item(jb *b, cJSON *parent, const char *key, cJSON *item)
{
    if (!item) {
        b->failed = true;
        return NULL;
    }
    if (!parent)
        return item;
    cJSON_bool ok = key ? cJSON_AddItemToObject(parent, key, item)
                        : cJSON_AddItemToArray(parent, item);
    if (!ok) {
        cJSON_Delete(item);
        b->failed = true;
        return NULL;
    }
    return item;
}

static void jb_raw(jb *b, cJSON *obj, const char *key, const char *text)
{
    jb_item(b, obj, key, cJSON_CreateRaw(text));
}

static void jb_u64(jb *b, cJSON *obj, const char *key, uint64_t v)
{
    char t[RESULT_NUM_MAX];
    result_fmt_u64(t, v);
    jb_raw(b, obj, key, t);
}

/* A derived value, or null when it is undefined (see docs/results.md, "Empty runs"). */
static void jb_maybe(jb *b, cJSON *obj, const char *key, bool defined, const char *text)
{
    jb_item(b, obj, key, defined ? cJSON_CreateRaw(text) : cJSON_CreateNull());
}

static void jb_str(jb *b, cJSON *obj, const char *key, const char *s)
{
    jb_item(b, obj, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static void build_workload(jb *b, cJSON *run_obj, const result_run *run)
{
    cJSON *wl = jb_item(b, run_obj, "workload", cJSON_CreateObject());
    if (!wl)
        return;
    for (size_t i = 0; i < run->nwl; i++) {
        const result_kv *kv = &run->wl[i];
        char t[RESULT_NUM_MAX];
        switch (kv->kind) {
        case RESULT_KV_STR:
            jb_str(b, wl, kv->key, kv->str);
            break;
        case RESULT_KV_INT:
            result_fmt_i64(t, kv->i);
            jb_raw(b, wl, kv->key, t);
            break;
        case RESULT_KV_BOOL:
            jb_item(b, wl, kv->key, cJSON_CreateBool(kv->b));
            break;
        }
    }
}

static void build_hotplug_list(jb *b, cJSON *parent, result_hotplug *const *hps, size_t n)
{
    cJSON *list = jb_item(b, parent, "hotplug", cJSON_CreateArray());
    if (!list)
        return;
    for (size_t i = 0; i < n; i++) {
        const result_hotplug *hp = hps[i];
        char t[RESULT_NUM_MAX];
        cJSON *ev = jb_item(b, list, NULL, cJSON_CreateObject());
        if (!ev)
            return;
        jb_str(b, ev, "slot", hp->slot);
        jb_str(b, ev, "kind", hp->kind);
        cJSON *steps = jb_item(b, ev, "steps", cJSON_CreateArray());
        for (size_t s = 0; steps && s < hp->nsteps; s++) {
            cJSON *st = jb_item(b, steps, NULL, cJSON_CreateObject());
            if (!st)
                return;
            jb_str(b, st, "name", hp->steps[s].name);
            result_fmt_fixed(t, hp->steps[s].at_ps, SIM_NS, 3);
            jb_raw(b, st, "time_ns", t);
        }
        jb_str(b, ev, "outcome", hp->outcome);
        cJSON *inf = jb_item(b, ev, "in_flight", cJSON_CreateObject());
        if (inf) {
            jb_u64(b, inf, "issued", hp->issued);
            jb_u64(b, inf, "completed", hp->completed);
            jb_u64(b, inf, "failed", hp->failed);
        }
        if (hp->nleaks) {
            cJSON *leaks = jb_item(b, ev, "leaks", cJSON_CreateArray());
            for (size_t k = 0; leaks && k < hp->nleaks; k++) {
                cJSON *lk = jb_item(b, leaks, NULL, cJSON_CreateObject());
                if (!lk)
                    return;
                jb_str(b, lk, "owner", hp->leaks[k].owner);
                jb_str(b, lk, "what", hp->leaks[k].what);
                jb_u64(b, lk, "amount", hp->leaks[k].amount);
            }
        }
    }
}

static void build_hotplug(jb *b, cJSON *run_obj, const result_run *run)
{
    build_hotplug_list(b, run_obj, run->hp, run->nhp);
}

static const char *const counter_names[RESULT_COUNTER_COUNT] = {
    [RESULT_MMIO_READS] = "mmio_reads",   [RESULT_MMIO_WRITES] = "mmio_writes",
    [RESULT_DMA_BYTES] = "dma_bytes",     [RESULT_INTERRUPTS] = "interrupts",
    [RESULT_ALLOCATIONS] = "allocations", [RESULT_COPIED_BYTES] = "copied_bytes",
};

static void build_run(jb *b, cJSON *runs, const result_run *run)
{
    char t[RESULT_NUM_MAX];
    cJSON *r = jb_item(b, runs, NULL, cJSON_CreateObject());
    if (!r)
        return;
    jb_str(b, r, "device", run->device);
    jb_str(b, r, "driver", run->driver);
    jb_str(b, r, "style", result_style_name(run->style));
    build_workload(b, r, run);
    jb_u64(b, r, "ops", run->ops);
    jb_u64(b, r, "bytes", run->bytes);
    result_fmt_fixed(t, run->duration_ps, SIM_NS, 3);
    jb_raw(b, r, "duration_ns", t);

    static const struct { const char *key; int owner; } cyc[] = {
        {"driver", RESULT_OWNER_DRIVER}, {"shim", RESULT_OWNER_SHIM},
        {"kernel", RESULT_OWNER_KERNEL}, {"total", -1},
    };
    cJSON *c = jb_item(b, r, "cycles_per_op", cJSON_CreateObject());
    for (size_t i = 0; c && i < sizeof cyc / sizeof cyc[0]; i++) {
        bool def = result_run_cycles_per_op(run, cyc[i].owner, 3, t);
        jb_maybe(b, c, cyc[i].key, def, t);
    }

    static const struct { const char *key; uint32_t pct; } pcts[] = {
        {"p50", RESULT_P50}, {"p90", RESULT_P90}, {"p99", RESULT_P99}, {"max", RESULT_P100},
    };
    cJSON *l = jb_item(b, r, "latency_ns", cJSON_CreateObject());
    for (size_t i = 0; l && i < sizeof pcts / sizeof pcts[0]; i++) {
        bool def = result_run_latency_ns(run, pcts[i].pct, 3, t);
        jb_maybe(b, l, pcts[i].key, def, t);
    }
    jb_u64(b, r, "latency_samples", result_latency_count(run->lat));

    cJSON *tp = jb_item(b, r, "throughput", cJSON_CreateObject());
    if (tp) {
        bool def = result_run_ops_per_s(run, 3, t);
        jb_maybe(b, tp, "ops_per_s", def, t);
        def = result_run_gbps(run, 6, t);
        jb_maybe(b, tp, "gbps", def, t);
    }

    cJSON *cnt = jb_item(b, r, "counters", cJSON_CreateObject());
    for (int i = 0; cnt && i < RESULT_COUNTER_COUNT; i++)
        jb_u64(b, cnt, counter_names[i], run->counters[i]);
    jb_u64(b, r, "failed_ops", run->failed_ops);
    jb_u64(b, r, "lost_ops", run->lost_ops);
    if (run->has_verify)
        jb_u64(b, r, "verify_errors", run->verify_errors);
    if (run->nhp)
        build_hotplug(b, r, run);
}

static cJSON *build_doc(const vmk_result *res, jb *b)
{
    cJSON *doc = jb_item(b, NULL, NULL, cJSON_CreateObject());
    if (!doc)
        return NULL;
    jb_str(b, doc, "schema", RESULT_SCHEMA);
    jb_str(b, doc, "scenario", res->scenario);
    jb_u64(b, doc, "seed", res->seed);
    cJSON *runs = jb_item(b, doc, "runs", cJSON_CreateArray());
    for (size_t i = 0; runs && i < res->nruns; i++)
        build_run(b, runs, res->runs[i]);
    if (res->nhp)
        build_hotplug_list(b, doc, res->hp, res->nhp);
    if (res->hp_omitted)
        jb_u64(b, doc, "hotplug_omitted", res->hp_omitted);
    return doc;
}

/* ---- printing: cJSON text for every leaf (escaping), our own layout around it ---- */

static bool put_leaf(FILE *f, const cJSON *item)
{
    char *t = cJSON_PrintUnformatted(item);
    if (!t)
        return false;
    fputs(t, f);
    cJSON_free(t);
    return true;
}

static bool put_key(FILE *f, const char *key)
{
    cJSON *k = cJSON_CreateStringReference(key);
    if (!k)
        return false;
    bool ok = put_leaf(f, k);
    cJSON_Delete(k);
    return ok;
}

static void put_indent(FILE *f, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", f);
}

static bool put_value(FILE *f, const cJSON *item, int depth)
{
    bool is_obj = cJSON_IsObject(item);
    if (!is_obj && !cJSON_IsArray(item))
        return put_leaf(f, item);
    if (!item->child) {
        fputs(is_obj ? "{}" : "[]", f);
        return true;
    }
    fputs(is_obj ? "{\n" : "[\n", f);
    for (const cJSON *c = item->child; c; c = c->next) {
        put_indent(f, depth + 1);
        if (is_obj) {
            if (!put_key(f, c->string))
                return false;
            fputs(": ", f);
        }
        if (!put_value(f, c, depth + 1))
            return false;
        fputs(c->next ? ",\n" : "\n", f);
    }
    put_indent(f, depth);
    fputc(is_obj ? '}' : ']', f);
    return true;
}

static bool res_has_oom(const vmk_result *res)
{
    if (res->oom)
        return true;
    for (size_t i = 0; i < res->nruns; i++)
        if (result_latency_dropped(res->runs[i]->lat))
            return true;
    return false;
}

char *result_to_json(const vmk_result *res, sim_err *err)
{
    if (!res) {
        sim_err_set(err, "result: no result to write");
        return NULL;
    }
    if (res_has_oom(res)) {
        sim_err_set(err, "result for scenario '%s': out of memory while collecting it; "
                         "nothing written", res->scenario);
        return NULL;
    }
    jb b = {false};
    cJSON *doc = build_doc(res, &b);
    char *text = NULL;
    size_t len = 0;
    FILE *f = b.failed ? NULL : open_memstream(&text, &len);
    bool ok = f && put_value(f, doc, 0);
    if (f) {
        fputc('\n', f);
        if (fclose(f) != 0)
            ok = false;
    }
    cJSON_Delete(doc);
    if (!ok) {
        free(text);
        sim_err_set(err, "result for scenario '%s': out of memory while formatting it",
                    res->scenario);
        return NULL;
    }
    return text;
}

int result_write_json(const vmk_result *res, const char *path, sim_err *err)
{
    char *text = result_to_json(res, err);
    if (!text)
        return -1;
    FILE *f = fopen(path, "w");
    if (!f) {
        int e = errno;
        free(text);
        return sim_err_set(err, "%s: cannot open for writing: %s", path, strerror(e));
    }
    size_t len = strlen(text);
    size_t put = fwrite(text, 1, len, f);
    int e = errno;
    free(text);
    if (put != len) {
        fclose(f);
        return sim_err_set(err, "%s: write failed: %s", path, strerror(e));
    }
    if (fclose(f) != 0) {
        e = errno;
        return sim_err_set(err, "%s: write failed: %s", path, strerror(e));
    }
    return 0;
}
