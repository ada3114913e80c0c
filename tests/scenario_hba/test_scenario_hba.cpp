// test_scenario_hba.cpp — storage workloads from scenarios, run through the built vmksim binary as a
// user runs them: scenarios/hba_overhead.lua passes and writes one storage run per io{}; a
// randwrite run against an image file leaves the position-tagged pattern in the file (read here
// directly) and a second, read-only run verifies it; a stalled disk ends in abort and failed
// I/O, nothing lost, and the same seed gives the same result.json byte for byte; bad disk{} and
// io{} calls stop the script at their line.
#include "tests/common/vmksim_cli.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "kernel_model/scsi/scsi.h"

namespace {

using vmksim_test::CmdRun;

const char *kPlatform = R"lua(platform { cpus = 2, root_ports = {
  port { slot = 1, link = { gen = 1, width = 1 }, device = endpoint { model = "e1000", name = "nic0" } },
  port { slot = 2, link = { gen = 3, width = 8 }, device = endpoint { model = "pvscsi", name = "hba0" } } } }
boot()
)lua";   // 4 lines: a script's own lines start at 5

class ScenarioHba : public vmksim_test::VmksimCli {
protected:
    cJSON *result(const std::string &out)
    {
        std::string s = vmksim_test::slurp(out + "/result.json");
        cJSON *j = cJSON_Parse(s.c_str());
        EXPECT_NE(j, nullptr) << s.substr(0, 500);
        return j;
    }
    static double num(const cJSON *o, const char *a, const char *b = nullptr)
    {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
        if (b)
            x = cJSON_GetObjectItemCaseSensitive(x, b);
        return cJSON_IsNumber(x) ? x->valuedouble : -1;
    }
    static std::string str(const cJSON *o, const char *a, const char *b = nullptr)
    {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
        if (b)
            x = cJSON_GetObjectItemCaseSensitive(x, b);
        return cJSON_IsString(x) ? x->valuestring : "";
    }
    std::string make_image(const char *name, uint64_t bytes)
    {
        std::string p = dir + "/" + name;
        FILE *f = fopen(p.c_str(), "wb");
        EXPECT_NE(f, nullptr);
        if (f) {
            EXPECT_EQ(ftruncate(fileno(f), (off_t)bytes), 0);
            fclose(f);
        }
        return p;
    }
};

TEST_F(ScenarioHba, HbaOverheadScenarioPassesWithEveryRunClean)
{
    // A quarter of the I/Os (VMKSIM_PARAM_IOS): the same runs, fast under the sanitizers too.
    std::string out = dir + "/o";
    setenv("VMKSIM_PARAM_IOS", "256", 1);
    CmdRun r = vmksim(std::string("'") + VMKSIM_SOURCE_DIR + "/scenarios/hba_overhead.lua' --out '" +
                      out + "'");
    unsetenv("VMKSIM_PARAM_IOS");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("randread 4K qd32"), std::string::npos) << r.out;
    cJSON *j = result(out);
    ASSERT_NE(j, nullptr);
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(j, "runs");
    int native = 0, vmklinux = 0;
    const cJSON *run;
    cJSON_ArrayForEach(run, runs)
    {
        std::string style = str(run, "style");
        EXPECT_EQ(num(run, "verify_errors"), 0);
        EXPECT_EQ(num(run, "lost_ops"), 0);
        EXPECT_EQ(num(run, "failed_ops"), 0);
        EXPECT_GT(num(run, "ops"), 0);
        EXPECT_GT(num(run, "throughput", "ops_per_s"), 0);
        EXPECT_GT(num(run, "cycles_per_op", "driver"), 0);
        EXPECT_GT(num(run, "cycles_per_op", "kernel"), 0);
        EXPECT_GT(num(run, "counters", "interrupts"), 0);
        EXPECT_GT(num(run, "counters", "dma_bytes"), 0);
        if (style == "native") {
            native++;
            EXPECT_EQ(str(run, "driver"), "vmk_pvscsi");
            EXPECT_EQ(num(run, "cycles_per_op", "shim"), 0);
        } else {
            EXPECT_EQ(style, "vmklinux");
            EXPECT_EQ(str(run, "driver"), "vmw_pvscsi");
            vmklinux++;
            EXPECT_GT(num(run, "cycles_per_op", "shim"), 0);
        }
        EXPECT_EQ(str(run, "workload", "kind"), "io");
    }
    EXPECT_EQ(native, 7);   // the prefill and six measured runs, per style
    EXPECT_EQ(vmklinux, 7);
    cJSON_Delete(j);
}

// After random writes against an image file, every block of the region carries the pattern of
// its LBA and the seed (the prefill wrote each once, the random writes some again), nothing
// outside it was touched; a second scenario that only reads verifies it all.
TEST_F(ScenarioHba, ImageFileCarriesThePatternAndAReadOnlyRunVerifiesIt)
{
    const uint64_t kImage = 8u << 20, kRegion = 2u << 20;
    std::string img = make_image("disk.img", kImage);
    std::string w = std::string(kPlatform) + "disk { device = \"hba0\", image = \"" + img +
                    "\" }\n" + R"lua(driver { device = "hba0" }
local f = io { device = "hba0", rw = "write", bs = 65536, qd = 8, region = "2MiB", count = 32, seed = 99 }
expect_eq(f.failed_ops, 0, 'fill failed')
local r = io { device = "hba0", rw = "randwrite", bs = 4096, qd = 16, region = "2MiB", count = 600, seed = 99 }
expect_eq(r.failed_ops, 0, 'randwrite failed')
expect_eq(r.lost_ops, 0, 'randwrite lost')
)lua";
    CmdRun r = vmksim("'" + write("w.lua", w) + "'");
    ASSERT_EQ(r.status, 0) << r.err;

    std::string data = vmksim_test::slurp(img);
    ASSERT_EQ(data.size(), kImage);
    const uint8_t *p = reinterpret_cast<const uint8_t *>(data.data());
    uint64_t good = 0, later_gen = 0;
    for (uint64_t lba = 0; lba < kRegion / 512; lba++) {
        const uint8_t *blk = p + lba * 512;
        ASSERT_EQ(kern_scsi_pattern_check_block(blk, 512, lba, 99, 0), KERN_SCSI_PATTERN_OK)
            << "LBA " << lba;
        // the wrong seed or a neighbour's LBA do not pass
        ASSERT_NE(kern_scsi_pattern_check_block(blk, 512, lba, 98, 0), KERN_SCSI_PATTERN_OK);
        ASSERT_NE(kern_scsi_pattern_check_block(blk, 512, lba + 1, 99, 0), KERN_SCSI_PATTERN_OK);
        uint64_t gen;
        memcpy(&gen, blk + 24, 8);
        later_gen += gen > 1;
        good++;
    }
    EXPECT_EQ(good, kRegion / 512);
    EXPECT_GT(later_gen, 0u);   // some blocks were rewritten by the random writes
    for (uint64_t off = kRegion; off < kImage; off++)
        ASSERT_EQ(p[off], 0) << "byte " << off << " outside the region was written";

    std::string rd = std::string(kPlatform) + "disk { device = \"hba0\", image = \"" + img +
                     "\", read_only = true }\n" + R"lua(driver { device = "hba0" }
local r = io { device = "hba0", rw = "randread", bs = 4096, qd = 16, region = "2MiB", count = 800, seed = 99 }
expect_eq(r.verify_errors, 0, 'verify errors')
expect_eq(r.failed_ops, 0, 'failed')
expect_eq(r.lost_ops, 0, 'lost')
expect_eq(r.verified_blocks, 800 * 8, 'verified')
local s = io { device = "hba0", rw = "read", bs = 131072, qd = 4, region = "2MiB", count = 16, seed = 99 }
expect_eq(s.verified_blocks, 16 * 256, 'whole region verified')
local x = io { device = "hba0", rw = "randread", bs = 4096, qd = 4, region = "2MiB", count = 50, seed = 5 }
expect(x.verify_errors > 0, 'another seed does not verify')
)lua";
    r = vmksim("'" + write("r.lua", rd) + "'");
    EXPECT_EQ(r.status, 0) << r.err;
}

// A stalled disk: every I/O times out (10 ms), the storage layer's abort reaches the native
// driver, the device ends the request with ABORTQUEUE, the I/O fails. Same seed, same bytes.
TEST_F(ScenarioHba, StalledDiskEndsInAbortAndTheResultIsDeterministic)
{
    std::string src = std::string(kPlatform) + R"lua(disk { device = "hba0", target = 2, size = "16MiB", preset = "nvme" }
driver { device = "hba0" }
disk { device = "hba0", target = 2, stall = true }
local s = io { device = "hba0", target = 2, rw = "randread", bs = 4096, qd = 4, count = 8, io_timeout = "10ms" }
expect_eq(s.failed_ops, 8, 'failed')
expect_eq(s.lost_ops, 0, 'lost')
expect_eq(s.ops, 8, 'ops')
disk { device = "hba0", target = 2, stall = false }
local ok = io { device = "hba0", target = 2, rw = "randrw", mix = 70, bs = 4096, qd = 8, count = 120, region = "4MiB" }
expect_eq(ok.failed_ops, 0, 'recovered')
expect_eq(ok.lost_ops, 0, 'recovered lost')
)lua";
    std::string path = write("s.lua", src);
    CmdRun a = vmksim("'" + path + "' --seed 5 --out '" + dir + "/a'");
    ASSERT_EQ(a.status, 0) << a.err;
    CmdRun b = vmksim("'" + path + "' --seed 5 --out '" + dir + "/b'");
    ASSERT_EQ(b.status, 0) << b.err;
    std::string ja = vmksim_test::slurp(dir + "/a/result.json");
    EXPECT_FALSE(ja.empty());
    EXPECT_EQ(ja, vmksim_test::slurp(dir + "/b/result.json"));
    cJSON *j = result(dir + "/a");
    ASSERT_NE(j, nullptr);
    const cJSON *run0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "runs"), 0);
    EXPECT_EQ(num(run0, "failed_ops"), 8);
    EXPECT_EQ(num(run0, "lost_ops"), 0);
    EXPECT_EQ(num(run0, "verify_errors"), 0);
    EXPECT_EQ(str(run0, "workload", "disk"), "vmhba0:C0:T2:L0");
    const cJSON *run1 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "runs"), 1);
    EXPECT_EQ(num(run1, "workload", "read_pct"), 70);
    cJSON_Delete(j);
    // a different seed gives a different op stream
    CmdRun c = vmksim("'" + path + "' --seed 6 --out '" + dir + "/c'");
    ASSERT_EQ(c.status, 0) << c.err;
    EXPECT_NE(ja, vmksim_test::slurp(dir + "/c/result.json"));
}

TEST_F(ScenarioHba, ADiskAddedAfterTheDriverIsFoundThroughItsNotice)
{
    std::string src = std::string(kPlatform) + R"lua(driver { device = "hba0" }
local name = disk { device = "hba0", target = 6, size = "8MiB" }
expect_eq(name, "vmhba0:C0:T6:L0", 'runtime name')
local r = io { device = "hba0", target = 6, rw = "randwrite", bs = 8192, qd = 4, count = 100 }
expect_eq(r.failed_ops, 0, 'failed')
)lua";
    CmdRun r = vmksim("'" + write("a.lua", src) + "'");
    EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(ScenarioHba, BadDiskAndIoCallsStopAtTheirLine)
{
    std::string base = std::string(kPlatform);
    EXPECT_TRUE(FailsAt(write("e1.lua", base + "disk { device = \"hba0\", image = \"" + dir +
                                            "/missing.img\" }\n"),
                        5, "cannot open"));
    EXPECT_TRUE(FailsAt(write("e2.lua", base + "disk { device = \"nic0\", size = \"1MiB\" }\n"), 5,
                        "not a storage HBA"));
    EXPECT_TRUE(FailsAt(write("e3.lua", base + "disk { device = \"hba0\", size = \"12 parsecs\" }\n"),
                        5, "is not a size"));
    EXPECT_TRUE(FailsAt(write("e4.lua", base + "disk { device = \"hba0\", size = \"1MiB\" }\n"
                                               "io { device = \"hba0\", rw = \"randread\", count = 1 }\n"),
                        6, "has no driver"));
    EXPECT_TRUE(FailsAt(write("e5.lua", base + "driver { device = \"hba0\" }\n"
                                               "io { device = \"hba0\", rw = \"sideways\", count = 1 }\n"),
                        6, "is not a workload"));
    EXPECT_TRUE(FailsAt(write("e6.lua", base + "driver { device = \"hba0\" }\n"
                                               "io { device = \"hba0\", target = 3, rw = \"read\", count = 1 }\n"),
                        6, "no disk vmhba0:C0:T3:L0"));
    EXPECT_TRUE(FailsAt(write("e7.lua", base + "disk { device = \"hba0\", size = \"1MiB\", preset = \"tape\" }\n"),
                        5, "not a media preset"));
    EXPECT_TRUE(FailsAt(write("e8.lua", base + "disk { device = \"hba0\", size = \"1MiB\" }\n"
                                               "disk { device = \"hba0\", size = \"1MiB\" }\n"),
                        6, "is taken"));
    EXPECT_TRUE(FailsAt(write("e9.lua", base + "driver { device = \"hba0\" }\n"
                                               "driver { device = \"hba0\", style = \"native\" }\n"),
                        6, "already has driver 'vmk_pvscsi'"));
    EXPECT_TRUE(FailsAt(write("e10.lua", base + "driver { device = \"hba0\" }\n"
                                                "io { device = \"hba0\", rw = \"read\", mix = 50, count = 1 }\n"),
                        6, "only for rw = \"randrw\""));
}

}  // namespace
