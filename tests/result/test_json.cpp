// test_json.cpp — result.json (schema vmksim-result/1, docs/results.md): parsed back with cJSON
// and every field checked; byte-identical output for identical input; empty runs; write errors.
#include <gtest/gtest.h>

#include <cjson/cJSON.h>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fixture.h"
#include "sim/result/result.h"

namespace {

std::string to_json(const vmk_result *res)
{
    sim_err err{};
    char *t = result_to_json(res, &err);
    EXPECT_NE(t, nullptr) << err.msg;
    std::string s = t ? t : "";
    free(t);
    return s;
}

struct Doc {
    cJSON *root;
    explicit Doc(const std::string &text) : root(cJSON_Parse(text.c_str())) {}
    ~Doc() { cJSON_Delete(root); }
};

const cJSON *get(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    EXPECT_NE(v, nullptr) << "missing key " << key;
    return v;
}

double num(const cJSON *obj, const char *key)
{
    const cJSON *v = get(obj, key);
    EXPECT_TRUE(v && cJSON_IsNumber(v)) << key << " is not a number";
    return v ? v->valuedouble : -1;
}

std::string str(const cJSON *obj, const char *key)
{
    const cJSON *v = get(obj, key);
    EXPECT_TRUE(v && cJSON_IsString(v)) << key << " is not a string";
    return v && v->valuestring ? v->valuestring : "";
}

std::vector<std::string> keys(const cJSON *obj)
{
    std::vector<std::string> k;
    for (const cJSON *c = obj ? obj->child : nullptr; c; c = c->next)
        k.push_back(c->string);
    return k;
}

std::string read_file(const std::string &path)
{
    std::string s;
    FILE *f = fopen(path.c_str(), "rb");
    if (!f)
        return s;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        s.append(buf, n);
    fclose(f);
    return s;
}

std::string tmp_path(const char *name)
{
    return std::string(VMKSIM_BINARY_DIR) + "/tests/result/" + name;
}

}  // namespace

TEST(ResultJson, TopLevelFieldsInOrder)
{
    vmk_result *res = make_fixture();
    std::string text = to_json(res);
    Doc d(text);
    ASSERT_NE(d.root, nullptr) << text;
    EXPECT_EQ(keys(d.root), (std::vector<std::string>{"schema", "scenario", "seed", "runs"}));
    EXPECT_EQ(str(d.root, "schema"), "vmksim-result/1");
    EXPECT_EQ(str(d.root, "scenario"), "scenarios/nic_overhead.lua");
    EXPECT_EQ(num(d.root, "seed"), 42);
    EXPECT_EQ(cJSON_GetArraySize(get(d.root, "runs")), 2);
    // Layout: 2-space indentation, one member per line, newline at the end.
    EXPECT_EQ(text.rfind("{\n  \"schema\": \"vmksim-result/1\",\n  \"scenario\": ", 0), 0u) << text;
    EXPECT_EQ(text.back(), '\n');
    EXPECT_EQ(text.find('\t'), std::string::npos);
    result_free(res);
}

TEST(ResultJson, NativeRunEveryField)
{
    vmk_result *res = make_fixture();
    std::string text = to_json(res);
    Doc d(text);
    ASSERT_NE(d.root, nullptr);
    const cJSON *r = cJSON_GetArrayItem(get(d.root, "runs"), 0);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(keys(r), (std::vector<std::string>{
                           "device", "driver", "style", "workload", "ops", "bytes", "duration_ns",
                           "cycles_per_op", "latency_ns", "latency_samples", "throughput",
                           "counters", "failed_ops", "lost_ops"}));
    EXPECT_EQ(str(r, "device"), "nic0");
    EXPECT_EQ(str(r, "driver"), "e1000n");
    EXPECT_EQ(str(r, "style"), "native");

    const cJSON *wl = get(r, "workload");
    EXPECT_EQ(keys(wl), (std::vector<std::string>{"kind", "frame_size", "rate_bps", "verify"}));
    EXPECT_EQ(str(wl, "kind"), "tx");
    EXPECT_EQ(num(wl, "frame_size"), 64);
    EXPECT_EQ(num(wl, "rate_bps"), 1e10);
    EXPECT_TRUE(cJSON_IsTrue(get(wl, "verify")));
    EXPECT_NE(text.find("\"rate_bps\": 10000000000,"), std::string::npos);   // integer, not 1e+10

    EXPECT_EQ(num(r, "ops"), 1000);
    EXPECT_EQ(num(r, "bytes"), 64000);
    EXPECT_EQ(num(r, "duration_ns"), 1e6);

    // cycles / ops: 1234567 / 1000 and 500000 / 1000, total from the sum.
    const cJSON *c = get(r, "cycles_per_op");
    EXPECT_EQ(keys(c), (std::vector<std::string>{"driver", "shim", "kernel", "total"}));
    EXPECT_DOUBLE_EQ(num(c, "driver"), 1234.567);
    EXPECT_EQ(num(c, "shim"), 0);
    EXPECT_EQ(num(c, "kernel"), 500);
    EXPECT_DOUBLE_EQ(num(c, "total"), 1734.567);
    EXPECT_NE(text.find("\"total\": 1734.567\n"), std::string::npos);

    // Latencies 1..1000 ns: nearest rank 500, 900, 990 and the maximum (exact: a small run).
    const cJSON *l = get(r, "latency_ns");
    EXPECT_EQ(keys(l), (std::vector<std::string>{"p50", "p90", "p99", "max"}));
    EXPECT_EQ(num(l, "p50"), 500);
    EXPECT_EQ(num(l, "p90"), 900);
    EXPECT_EQ(num(l, "p99"), 990);
    EXPECT_EQ(num(l, "max"), 1000);
    EXPECT_NE(text.find("\"p50\": 500.000,"), std::string::npos);
    EXPECT_EQ(num(r, "latency_samples"), 1000);

    // 1000 ops in 1 ms = 10^6 ops/s; 64000 B * 8 / 1 ms = 0.512 Gbit/s.
    const cJSON *t = get(r, "throughput");
    EXPECT_EQ(keys(t), (std::vector<std::string>{"ops_per_s", "gbps"}));
    EXPECT_EQ(num(t, "ops_per_s"), 1e6);
    EXPECT_DOUBLE_EQ(num(t, "gbps"), 0.512);
    EXPECT_NE(text.find("\"gbps\": 0.512000\n"), std::string::npos);

    const cJSON *k = get(r, "counters");
    EXPECT_EQ(keys(k), (std::vector<std::string>{"mmio_reads", "mmio_writes", "dma_bytes",
                                                 "interrupts", "allocations", "copied_bytes"}));
    EXPECT_EQ(num(k, "mmio_reads"), 3);
    EXPECT_EQ(num(k, "mmio_writes"), 1000);
    EXPECT_EQ(num(k, "dma_bytes"), 80000);
    EXPECT_EQ(num(k, "interrupts"), 15);   // set 10, then add 5
    EXPECT_EQ(num(k, "allocations"), 1000);
    EXPECT_EQ(num(k, "copied_bytes"), 0);
    EXPECT_EQ(num(r, "failed_ops"), 0);
    EXPECT_EQ(num(r, "lost_ops"), 0);
    EXPECT_EQ(cJSON_GetObjectItemCaseSensitive(r, "verify_errors"), nullptr);
    EXPECT_EQ(cJSON_GetObjectItemCaseSensitive(r, "hotplug"), nullptr);
    result_free(res);
}

TEST(ResultJson, StorageRunWithVerifyAndHotplug)
{
    vmk_result *res = make_fixture();
    std::string text = to_json(res);
    Doc d(text);
    ASSERT_NE(d.root, nullptr);
    const cJSON *r = cJSON_GetArrayItem(get(d.root, "runs"), 1);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(str(r, "style"), "vmklinux");
    const cJSON *wl = get(r, "workload");
    EXPECT_EQ(keys(wl), (std::vector<std::string>{"rw", "block_size", "queue_depth"}));
    EXPECT_EQ(num(wl, "queue_depth"), 32);

    // mcycles 1000, 2001, 3000 over 4 ops: 0.25, 0.50025 -> 0.500 (half up), 0.75; total 6001/4000.
    const cJSON *c = get(r, "cycles_per_op");
    EXPECT_DOUBLE_EQ(num(c, "driver"), 0.25);
    EXPECT_DOUBLE_EQ(num(c, "shim"), 0.5);
    EXPECT_DOUBLE_EQ(num(c, "kernel"), 0.75);
    EXPECT_DOUBLE_EQ(num(c, "total"), 1.5);   // 1.50025 rounded to 3 places
    EXPECT_NE(text.find("\"shim\": 0.500,"), std::string::npos);

    const cJSON *l = get(r, "latency_ns");   // two samples, exact below 2048 ps
    EXPECT_DOUBLE_EQ(num(l, "p50"), 1.5);
    EXPECT_DOUBLE_EQ(num(l, "p90"), 1.7);
    EXPECT_DOUBLE_EQ(num(l, "max"), 1.7);

    const cJSON *t = get(r, "throughput");   // 4 ops / 2 us; 16384 B * 8 / 2 us
    EXPECT_EQ(num(t, "ops_per_s"), 2e6);
    EXPECT_DOUBLE_EQ(num(t, "gbps"), 65.536);
    EXPECT_EQ(num(r, "failed_ops"), 1);
    EXPECT_EQ(num(r, "lost_ops"), 2);
    EXPECT_EQ(num(r, "verify_errors"), 0);

    const cJSON *hp = get(r, "hotplug");
    ASSERT_TRUE(cJSON_IsArray(hp));
    ASSERT_EQ(cJSON_GetArraySize(hp), 1);
    const cJSON *ev = cJSON_GetArrayItem(hp, 0);
    EXPECT_EQ(keys(ev), (std::vector<std::string>{"slot", "kind", "steps", "outcome", "in_flight"}));
    EXPECT_EQ(str(ev, "slot"), "slot3");
    EXPECT_EQ(str(ev, "kind"), "surprise-removal");
    EXPECT_EQ(str(ev, "outcome"), "removed");
    const cJSON *steps = get(ev, "steps");
    ASSERT_EQ(cJSON_GetArraySize(steps), 2);
    EXPECT_EQ(str(cJSON_GetArrayItem(steps, 0), "name"), "presence-lost");
    EXPECT_EQ(num(cJSON_GetArrayItem(steps, 0), "time_ns"), 1500);
    EXPECT_EQ(str(cJSON_GetArrayItem(steps, 1), "name"), "link-down");
    EXPECT_DOUBLE_EQ(num(cJSON_GetArrayItem(steps, 1), "time_ns"), 1500.25);
    const cJSON *inf = get(ev, "in_flight");
    EXPECT_EQ(keys(inf), (std::vector<std::string>{"issued", "completed", "failed"}));
    EXPECT_EQ(num(inf, "issued"), 32);
    EXPECT_EQ(num(inf, "completed"), 29);
    EXPECT_EQ(num(inf, "failed"), 3);
    result_free(res);
}

TEST(ResultJson, IdenticalInputGivesIdenticalBytes)
{
    vmk_result *a = make_fixture();
    vmk_result *b = make_fixture();
    std::string pa = tmp_path("same_a.json"), pb = tmp_path("same_b.json");
    sim_err err{};
    ASSERT_EQ(result_write_json(a, pa.c_str(), &err), 0) << err.msg;
    ASSERT_EQ(result_write_json(b, pb.c_str(), &err), 0) << err.msg;
    std::string ta = read_file(pa), tb = read_file(pb);
    EXPECT_FALSE(ta.empty());
    EXPECT_EQ(ta, tb);
    EXPECT_EQ(ta, to_json(a));   // the file is exactly result_to_json

    // A scenario may switch the C locale (Lua os.setlocale): the numbers must not change.
    const char *loc = setlocale(LC_NUMERIC, "de_DE.UTF-8");
    if (!loc)
        loc = setlocale(LC_NUMERIC, "fr_FR.UTF-8");
    if (loc) {
        EXPECT_EQ(to_json(a), ta) << "locale " << loc;
        setlocale(LC_NUMERIC, "C");
    }
    result_free(a);
    result_free(b);
}

TEST(ResultJson, EmptyRunWritesNullsNotDivisionsByZero)
{
    vmk_result *res = result_new("empty.lua", 1);
    result_run_add(res, "nic0", "e1000n", RESULT_STYLE_NATIVE);   // nothing set at all
    result_run *r2 = result_run_add(res, "nic1", "e1000n", RESULT_STYLE_NATIVE);
    result_run_set_duration(r2, SIM_US);                          // time passed, no ops
    std::string text = to_json(res);
    Doc d(text);
    ASSERT_NE(d.root, nullptr) << text;
    const cJSON *r = cJSON_GetArrayItem(get(d.root, "runs"), 0);
    EXPECT_EQ(cJSON_GetArraySize(get(r, "workload")), 0);
    EXPECT_EQ(num(r, "ops"), 0);
    EXPECT_EQ(num(r, "duration_ns"), 0);
    for (const char *k : {"driver", "shim", "kernel", "total"})
        EXPECT_TRUE(cJSON_IsNull(get(get(r, "cycles_per_op"), k))) << k;
    for (const char *k : {"p50", "p90", "p99", "max"})
        EXPECT_TRUE(cJSON_IsNull(get(get(r, "latency_ns"), k))) << k;
    EXPECT_EQ(num(r, "latency_samples"), 0);
    EXPECT_TRUE(cJSON_IsNull(get(get(r, "throughput"), "ops_per_s")));
    EXPECT_TRUE(cJSON_IsNull(get(get(r, "throughput"), "gbps")));
    EXPECT_NE(text.find("\"workload\": {},"), std::string::npos);

    const cJSON *q = cJSON_GetArrayItem(get(d.root, "runs"), 1);   // 0 ops over 1 us: rate 0
    EXPECT_EQ(num(get(q, "throughput"), "ops_per_s"), 0);
    EXPECT_EQ(num(get(q, "throughput"), "gbps"), 0);
    EXPECT_TRUE(cJSON_IsNull(get(get(q, "cycles_per_op"), "total")));
    result_free(res);

    vmk_result *none = result_new("none.lua", 0);   // no runs at all
    EXPECT_NE(to_json(none).find("\"runs\": []\n}\n"), std::string::npos);
    result_free(none);
}

TEST(ResultJson, SixtyFourBitValuesAreExact)
{
    vmk_result *res = result_new("big.lua", UINT64_MAX);
    result_run *r = result_run_add(res, "nic0", "d", RESULT_STYLE_NATIVE);
    result_run_set_ops(r, UINT64_MAX);
    result_run_set_bytes(r, UINT64_MAX);
    result_run_set_duration(r, 1);
    result_run_set_mcycles(r, UINT64_MAX, UINT64_MAX, UINT64_MAX);
    result_run_set_counter(r, RESULT_DMA_BYTES, UINT64_MAX - 1);
    result_run_set_workload_int(r, "min", INT64_MIN);
    result_run_record_latency(r, UINT64_MAX);
    std::string text = to_json(res);
    Doc d(text);
    ASSERT_NE(d.root, nullptr) << text;
    EXPECT_NE(text.find("\"seed\": 18446744073709551615,"), std::string::npos);
    EXPECT_NE(text.find("\"dma_bytes\": 18446744073709551614,"), std::string::npos);
    EXPECT_NE(text.find("\"min\": -9223372036854775808\n"), std::string::npos);
    EXPECT_NE(text.find("\"max\": 18446744073709551.615\n"), std::string::npos);
    // 3 * (2^64 - 1) mcycles over 2^64 - 1 ops: 3/1000 of a cycle.
    EXPECT_NE(text.find("\"total\": 0.003\n"), std::string::npos);
    result_free(res);
}

TEST(ResultJson, StringsAreEscaped)
{
    vmk_result *res = result_new("a \"quoted\"\\path\n.lua", 5);
    result_run *r = result_run_add(res, "nic\t0", "drv\x01", RESULT_STYLE_VMKLINUX);
    result_run_set_workload_str(r, "note", "line1\nline2 \"q\"");
    std::string text = to_json(res);
    Doc d(text);
    ASSERT_NE(d.root, nullptr) << text;
    EXPECT_EQ(str(d.root, "scenario"), "a \"quoted\"\\path\n.lua");
    const cJSON *run = cJSON_GetArrayItem(get(d.root, "runs"), 0);
    EXPECT_EQ(str(run, "device"), "nic\t0");
    EXPECT_EQ(str(run, "driver"), "drv\x01");
    EXPECT_EQ(str(get(run, "workload"), "note"), "line1\nline2 \"q\"");
    EXPECT_EQ(text.find('\t'), std::string::npos);   // the tab is written as \t
    result_free(res);
}

TEST(ResultJson, UnwritablePathNamesThePath)
{
    vmk_result *res = make_fixture();
    sim_err err{};
    std::string missing = tmp_path("no/such/dir/result.json");
    EXPECT_EQ(result_write_json(res, missing.c_str(), &err), -1);
    EXPECT_NE(std::string(err.msg).find(missing), std::string::npos) << err.msg;
    EXPECT_NE(std::string(err.msg).find("No such file or directory"), std::string::npos) << err.msg;

    std::string dir = tmp_path("");
    err = sim_err{};
    EXPECT_EQ(result_write_json(res, dir.c_str(), &err), -1);
    EXPECT_NE(std::string(err.msg).find(dir), std::string::npos) << err.msg;

    FILE *full = fopen("/dev/full", "w");   // a device that is always out of space
    if (full) {
        fclose(full);
        err = sim_err{};
        EXPECT_EQ(result_write_json(res, "/dev/full", &err), -1);
        EXPECT_NE(std::string(err.msg).find("/dev/full"), std::string::npos) << err.msg;
        EXPECT_NE(std::string(err.msg).find("No space left"), std::string::npos) << err.msg;
    }
    result_free(res);
}

TEST(ResultJson, StyleNamesParseAndRefuseOthers)
{
    result_style s = RESULT_STYLE_NATIVE;
    sim_err err{};
    EXPECT_EQ(result_style_parse("vmklinux", &s, &err), 0);
    EXPECT_EQ(s, RESULT_STYLE_VMKLINUX);
    EXPECT_EQ(result_style_parse("native", &s, &err), 0);
    EXPECT_EQ(s, RESULT_STYLE_NATIVE);
    EXPECT_EQ(result_style_parse("linux", &s, &err), -1);
    EXPECT_NE(std::string(err.msg).find("'linux'"), std::string::npos) << err.msg;
    EXPECT_STREQ(result_style_name(RESULT_STYLE_VMKLINUX), "vmklinux");
}

TEST(ResultJson, NullRunAndHotplugAreIgnored)
{
    // A producer whose result_run_add failed keeps calling setters on NULL: nothing happens.
    result_run_set_ops(nullptr, 1);
    result_run_record_latency(nullptr, 1);
    EXPECT_EQ(result_run_set_workload_str(nullptr, "k", "v"), -1);
    EXPECT_EQ(result_run_add_hotplug(nullptr, "s", "k"), nullptr);
    EXPECT_EQ(result_hotplug_add_step(nullptr, "n", 0), -1);
    EXPECT_EQ(result_run_latency(nullptr), nullptr);
    sim_err err{};
    EXPECT_EQ(result_to_json(nullptr, &err), nullptr);
}

TEST(ResultJson, RunsAreKeptInOrderAndReachable)
{
    vmk_result *res = make_fixture();
    ASSERT_EQ(result_run_count(res), 2u);
    result_run *r0 = result_run_get(res, 0);
    EXPECT_EQ(result_latency_count(result_run_latency(r0)), 1000u);
    EXPECT_EQ(result_run_get(res, 2), nullptr);

    // Merging a producer-owned recorder adds its samples to the run.
    result_latency *own = result_latency_new();
    result_latency_record(own, 5 * SIM_US);
    EXPECT_EQ(result_run_merge_latency(r0, own), 0);
    result_latency_free(own);
    Doc d(to_json(res));
    const cJSON *r = cJSON_GetArrayItem(get(d.root, "runs"), 0);
    EXPECT_EQ(num(r, "latency_samples"), 1001);
    EXPECT_EQ(num(get(r, "latency_ns"), "max"), 5000);
    result_free(res);
}
