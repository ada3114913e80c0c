/* scn_io.c — the measured storage run io{} (docs/scenarios.md "Storage workloads", docs/results.md
 * "Reading a storage run"): the storage layer's fio-like workload (kernel_model/scsi/load.c) on
 * one disk behind an HBA, through whichever driver style is bound, with the seeded position-
 * tagged verify. Adds one run to the scenario's result — cycles per I/O by owning module (driver,
 * vmklinux shim, kernel) from the timing model, latency, IOPS and bandwidth, the fabric's MMIO/DMA
 * counters, interrupts, allocations, failed / lost I/Os and verify errors — and returns the same
 * figures to Lua. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/intr/intr.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/timing/timing.h"
#include "sim/scenario/scn_storage.h"

/* A run's deadline in simulated time when the script gives none: far above what the hdd preset
 * needs for thousands of I/Os at QD 1 (~12 ms each), and above the storage layer's whole
 * timeout escalation (5 s + 3 x 1 s, docs/storage.md "Timeouts"). */
#define SCN_IO_DEADLINE_PS (60 * SIM_SEC)

typedef struct io_args {
    scn_hba *hba;
    kern_scsi_adapter *adapter;
    kern_scsi_load_params p;
    unsigned target;
    sim_time_t deadline;
} io_args;

static void read_args(lua_State *L, io_args *a)
{
    static const char *const keys[] = {"device", "target", "rw", "mix", "bs", "qd", "region",
                                       "offset", "count", "time", "verify", "seed",
                                       "io_timeout", "timeout", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "io: expected a table, e.g. io { device = \"hba0\", rw = \"randread\", bs = "
                  "4096, qd = 32, count = 1000 }, got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "io", NULL, keys);
    memset(a, 0, sizeof *a);
    const char *dev = scn_opt_string(L, 1, "io", "device");
    if (!dev)
        scn_error(L, "io: missing field 'device'");
    lua_Integer v = 0;
    scn_opt_int(L, 1, "io", "target", &v);
    if (v < 0 || v >= PVSCSI_MAX_TARGETS)
        scn_error(L, "io: target = %lld is outside 0-%d", (long long)v, PVSCSI_MAX_TARGETS - 1);
    a->target = (unsigned)v;
    const char *rw = scn_opt_string(L, 1, "io", "rw");
    if (!rw)
        scn_error(L, "io: missing field 'rw' (\"read\", \"write\", \"randread\", \"randwrite\" "
                  "or \"randrw\")");
    if (kern_scsi_rw_parse(rw, &a->p.rw) < 0)
        scn_error(L, "io: rw = '%s' is not a workload (\"read\", \"write\", \"randread\", "
                  "\"randwrite\" or \"randrw\")", rw);
    a->p.read_pct = 50;
    if (scn_opt_int(L, 1, "io", "mix", &v)) {
        if (a->p.rw != KERN_SCSI_RW_RANDRW)
            scn_error(L, "io: field 'mix' (the share of reads) is only for rw = \"randrw\"");
        if (v < 0 || v > 100)
            scn_error(L, "io: mix = %lld is outside 0-100 (percent reads)", (long long)v);
        a->p.read_pct = (uint32_t)v;
    }
    bool has = false;
    uint64_t bs = scn_storage_bytes(L, 1, "io", "bs", &has);
    if (!has)
        bs = 4096;
    if (bs == 0 || bs > 16u << 20)
        scn_error(L, "io: bs = %llu is outside 1 byte - 16 MiB", (unsigned long long)bs);
    a->p.block_size = (uint32_t)bs;
    a->p.queue_depth = 1;
    if (scn_opt_int(L, 1, "io", "qd", &v)) {
        if (v < 1 || v > 1024)
            scn_error(L, "io: qd = %lld is outside 1-1024", (long long)v);
        a->p.queue_depth = (uint32_t)v;
    }
    a->p.region_size = scn_storage_bytes(L, 1, "io", "region", &has);
    a->p.region_offset = scn_storage_bytes(L, 1, "io", "offset", &has);
    if (scn_opt_int(L, 1, "io", "count", &v)) {
        if (v < 1 || v > 100000000)
            scn_error(L, "io: count = %lld is outside 1-100000000", (long long)v);
        a->p.io_count = (uint64_t)v;
    }
    scn_opt_time(L, 1, "io", "time", &a->p.duration);
    if (!a->p.io_count && !a->p.duration)
        scn_error(L, "io: give 'count' (I/Os) or 'time' (simulated time to issue for)");
    bool verify = true;
    scn_opt_bool(L, 1, "io", "verify", &verify);
    a->p.verify = verify;
    a->p.seed = 1;
    if (scn_opt_int(L, 1, "io", "seed", &v)) {
        if (v < 0)
            scn_error(L, "io: seed = %lld must not be negative", (long long)v);
        a->p.seed = (uint64_t)v;
    }
    sim_time_t t = 0;
    if (scn_opt_time(L, 1, "io", "io_timeout", &t)) {
        if (t < SIM_MS || t > 600 * SIM_SEC)
            scn_error(L, "io: io_timeout must be 1ms-600s (the per-I/O timeout)");
        a->p.timeout_ms = (uint32_t)(t / SIM_MS);
    }
    a->deadline = SCN_IO_DEADLINE_PS + a->p.duration;
    if (scn_opt_time(L, 1, "io", "timeout", &a->deadline) && a->deadline == 0)
        scn_error(L, "io: timeout must be above 0");

    a->hba = scn_storage_hba(L, "io", dev);
    if (!a->hba->mod)
        scn_error(L, "io: device '%s' has no driver; bind one first with driver { device = "
                  "\"%s\" }", dev, dev);
    a->adapter = scn_storage_adapter(a->hba);
    if (!a->adapter)
        scn_error(L, "io: device '%s' has no SCSI adapter (its driver let go of it)", dev);
    snprintf(a->p.disk, sizeof a->p.disk, "%s:C0:T%u:L0", kern_scsi_adapter_name(a->adapter),
             a->target);
    if (!kern_scsi_disk_find(a->p.disk))
        scn_error(L, "io: no disk %s behind '%s' (attach one with disk { device = \"%s\", "
                  "target = %u, ... })", a->p.disk, dev, dev, a->target);
}

/* Counter snapshots around a run. */

static uint64_t allocs_now(const scn_hba *h)
{
    kern_mem_usage k, d, s;
    kern_mem_report(0, &k);
    kern_mem_report(h->mod->id, &d);
    kern_module *shim = kern_module_find("vmklinux");
    memset(&s, 0, sizeof s);
    if (shim && shim != h->mod)
        kern_mem_report(shim->id, &s);
    return k.allocs + d.allocs + s.allocs;
}

static void snap(scn_state *s, const scn_hba *h, scn_run_counters *c)
{
    scn_run_counters_take(s, allocs_now(h), c);
}

typedef struct io_out {
    uint64_t ops, bytes, failed, lost, verify_errors, verified_blocks;
    sim_time_t duration;
    uint64_t drv_mcyc, shim_mcyc, kern_mcyc;
} io_out;

static void label_of(const io_args *a, char *out, size_t len)
{
    uint32_t bs = a->p.block_size;
    if (bs % 1024 == 0)
        snprintf(out, len, "%s %uK qd%u", kern_scsi_rw_name(a->p.rw), bs / 1024,
                 a->p.queue_depth);
    else
        snprintf(out, len, "%s %uB qd%u", kern_scsi_rw_name(a->p.rw), bs, a->p.queue_depth);
}

static void fill_result(scn_state *s, const io_args *a, const io_out *o, const scn_run_counters *c0,
                        const result_latency *lat)
{
    scn_hba *h = a->hba;
    result_run *r = result_run_add(s->result, h->name, h->mod->name, h->style);
    result_run_set_workload_str(r, "kind", "io");
    result_run_set_workload_str(r, "disk", a->p.disk);
    result_run_set_workload_str(r, "rw", kern_scsi_rw_name(a->p.rw));
    if (a->p.rw == KERN_SCSI_RW_RANDRW)
        result_run_set_workload_int(r, "read_pct", a->p.read_pct);
    result_run_set_workload_int(r, "block_size", a->p.block_size);
    result_run_set_workload_int(r, "queue_depth", a->p.queue_depth);
    result_run_set_workload_int(r, "region_size", (int64_t)a->p.region_size);
    result_run_set_workload_int(r, "region_offset", (int64_t)a->p.region_offset);
    if (a->p.io_count)
        result_run_set_workload_int(r, "io_count", (int64_t)a->p.io_count);
    if (a->p.duration)
        result_run_set_workload_int(r, "duration_ps", (int64_t)a->p.duration);
    result_run_set_workload_bool(r, "verify", a->p.verify);
    result_run_set_workload_int(r, "seed", (int64_t)a->p.seed);
    result_run_set_workload_bool(r, "timing", kern_timing_enabled());
    char label[64];
    label_of(a, label, sizeof label);
    result_run_set_label(r, label);
    result_run_set_ops(r, o->ops);
    result_run_set_bytes(r, o->bytes);
    result_run_set_duration(r, o->duration);
    result_run_set_mcycles(r, o->drv_mcyc, o->shim_mcyc, o->kern_mcyc);
    scn_run_counters c1;
    snap(s, h, &c1);
    scn_run_set_counters(r, c0, &c1);
    result_run_set_failed_ops(r, o->failed);
    result_run_set_lost_ops(r, o->lost);
    result_run_set_verify_errors(r, o->verify_errors);
    if (lat)
        result_run_merge_latency(r, lat);
}

static void push_out(lua_State *L, const io_out *o, const result_latency *lat)
{
    lua_createtable(L, 0, 16);
#define SET_INT(k, v) (lua_pushinteger(L, (lua_Integer)(v)), lua_setfield(L, -2, k))
#define SET_NUM(k, v) (lua_pushnumber(L, (lua_Number)(v)), lua_setfield(L, -2, k))
    SET_INT("ops", o->ops);
    SET_INT("bytes", o->bytes);
    SET_INT("failed_ops", o->failed);
    SET_INT("lost_ops", o->lost);
    SET_INT("verify_errors", o->verify_errors);
    SET_INT("verified_blocks", o->verified_blocks);
    SET_INT("duration_ps", o->duration);
    double ops = o->ops ? (double)o->ops : 1.0;
    SET_NUM("driver_cycles_per_op", (double)o->drv_mcyc / 1000.0 / ops);
    SET_NUM("shim_cycles_per_op", (double)o->shim_mcyc / 1000.0 / ops);
    SET_NUM("kernel_cycles_per_op", (double)o->kern_mcyc / 1000.0 / ops);
    SET_NUM("total_cycles_per_op",
            (double)(o->drv_mcyc + o->shim_mcyc + o->kern_mcyc) / 1000.0 / ops);
    double secs = (double)o->duration / (double)SIM_SEC;
    SET_NUM("iops", secs > 0 ? (double)o->ops / secs : 0.0);
    SET_NUM("bandwidth_bps", secs > 0 ? (double)o->bytes / secs : 0.0);
    sim_time_t p;
    if (lat && result_latency_percentile(lat, 5000, &p))
        SET_NUM("p50_us", (double)p / (double)SIM_US);
    if (lat && result_latency_percentile(lat, 9900, &p))
        SET_NUM("p99_us", (double)p / (double)SIM_US);
#undef SET_INT
#undef SET_NUM
}

static bool load_finished(void *arg)
{
    return kern_scsi_load_done(arg);
}

static int l_io(lua_State *L)
{
    scn_state *s = scn_get(L);
    io_args a;
    read_args(L, &a);
    scn_hba *h = a.hba;
    sim_err err = {{0}};
    scn_run_counters c0;
    snap(s, h, &c0);
    kern_timing_reset_counters();   /* this run's cycles only */
    kern_scsi_load *load = NULL;
    if (kern_scsi_load_start(&a.p, &load, &err) < 0)
        scn_error(L, "io: %s", err.msg);
    scn_net_run_until(load_finished, load, sim_now() + a.deadline);

    io_out o;
    memset(&o, 0, sizeof o);
    scn_run_cycles(h->mod, &o.drv_mcyc, &o.shim_mcyc, &o.kern_mcyc);
    kern_scsi_load_stats st;
    kern_scsi_load_get_stats(load, &st);
    o.ops = st.completed + st.failed;
    o.bytes = st.bytes_read + st.bytes_written;
    o.failed = st.failed;
    /* I/Os still in flight at the deadline, and those a count-bounded run never issued, are
     * lost: nothing ended them. */
    o.lost = kern_scsi_load_lost(&st) +
             (a.p.io_count && st.issued < a.p.io_count && !a.p.duration
                  ? a.p.io_count - st.issued : 0);
    o.verify_errors = st.verify_errors;
    o.verified_blocks = st.verified_blocks;
    o.duration = st.last_end > st.first_submit ? st.last_end - st.first_submit : 0;
    const result_latency *lat = kern_scsi_load_latency(load);
    fill_result(s, &a, &o, &c0, lat);
    sim_log(SIM_LOG_INFO, SCN_STORAGE_LOG,
            "io %s %s: issued %llu, completed %llu, failed %llu, lost %llu, verify errors %llu, "
            "blocks verified %llu", h->name, a.p.disk, (unsigned long long)st.issued,
            (unsigned long long)st.completed, (unsigned long long)st.failed,
            (unsigned long long)o.lost, (unsigned long long)st.verify_errors,
            (unsigned long long)st.verified_blocks);
    push_out(L, &o, lat);
    if (kern_scsi_load_done(load))
        kern_scsi_load_free(load);   /* one still running at the deadline stays (logged) */
    else
        sim_log(SIM_LOG_WARN, SCN_STORAGE_LOG, "io %s: workload still running at the deadline",
                a.p.disk);
    return 1;
}

void scn_register_io(lua_State *L)
{
    static const luaL_Reg fns[] = {{"io", l_io}, {NULL, NULL}};
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}
