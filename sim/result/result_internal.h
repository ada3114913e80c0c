/* result_internal.h — the in-memory form of a result (shared by result.c, json.c and table.c)
 * and the locale-independent fixed-point number formatter both outputs use. Not a public API. */
#ifndef VMKSIM_RESULT_INTERNAL_H
#define VMKSIM_RESULT_INTERNAL_H

#include "sim/result/result.h"

#include <stddef.h>

typedef enum result_kv_kind { RESULT_KV_STR, RESULT_KV_INT, RESULT_KV_BOOL } result_kv_kind;

typedef struct result_kv {
    char *key;
    result_kv_kind kind;
    char *str;
    int64_t i;
    bool b;
} result_kv;

typedef struct result_step {
    char *name;
    sim_time_t at_ps;
} result_step;

struct result_hotplug {
    vmk_result *owner;
    char *slot, *kind, *outcome;     /* outcome NULL until set: written as null */
    result_step *steps;
    size_t nsteps, capsteps;
    uint64_t issued, completed, failed;
    struct result_leak {
        char *owner, *what;
        uint64_t amount;
    } *leaks;
    size_t nleaks, capleaks;
};

enum { RESULT_OWNER_DRIVER, RESULT_OWNER_SHIM, RESULT_OWNER_KERNEL, RESULT_OWNER_COUNT };

struct result_run {
    vmk_result *owner;
    char *device, *driver, *label;
    result_style style;
    result_kv *wl;
    size_t nwl, capwl;
    uint64_t ops, bytes;
    sim_time_t duration_ps;
    uint64_t mcycles[RESULT_OWNER_COUNT];   /* 1/1000 cycles */
    uint64_t counters[RESULT_COUNTER_COUNT];
    uint64_t failed_ops, lost_ops, verify_errors;
    bool has_verify;
    result_latency *lat;
    result_hotplug **hp;
    size_t nhp, caphp;
};

struct vmk_result {
    char *scenario;
    uint64_t seed;
    result_run **runs;
    size_t nruns, capruns;
    result_hotplug **hp;      /* top-level hot-plug events (result_add_hotplug) */
    size_t nhp, caphp;
    size_t hp_limit;          /* events listed at most (result_set_hotplug_limit), 0: all */
    uint64_t hp_omitted;      /* events past the limit: counted, not listed */
    bool oom;                 /* an allocation failed somewhere: refuse to write */
};

/* Longest text rfmt_* produce: a 128-bit integer (39 digits), '.', up to 9 decimals, NUL. */
#define RESULT_NUM_MAX 56

/* Decimal text of num/den rounded half up to `decimals` (0..9) places, always with exactly that
 * many decimals (e.g. "12.500"). Pure integer arithmetic: no locale, no floating point.
 * num * 10^decimals must fit 128 bits (every caller stays below 2^115); den > 0. */
void result_fmt_fixed(char out[RESULT_NUM_MAX], unsigned __int128 num, unsigned __int128 den,
                      unsigned decimals);
void result_fmt_u64(char out[RESULT_NUM_MAX], uint64_t v);
void result_fmt_i64(char out[RESULT_NUM_MAX], int64_t v);

/* Derived values, shared by JSON and table: false when undefined (0 ops, 0 duration, no samples). */
bool result_run_cycles_per_op(const result_run *run, int owner /* -1: total */, unsigned decimals,
                              char out[RESULT_NUM_MAX]);
bool result_run_ops_per_s(const result_run *run, unsigned decimals, char out[RESULT_NUM_MAX]);
bool result_run_gbps(const result_run *run, unsigned decimals, char out[RESULT_NUM_MAX]);
bool result_run_latency_ns(const result_run *run, uint32_t pct, unsigned decimals,
                           char out[RESULT_NUM_MAX]);

#endif
