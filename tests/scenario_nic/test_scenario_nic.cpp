// test_scenario_nic.cpp — the NIC workload verbs (driver{}, wire{}, tx{}, rx{}) and the standard
// scenario scenarios/nic_overhead.lua, run as a user runs them: `vmksim run ... --out DIR`.
// Checked: result.json (vmksim-result/1) holds the six native runs, cycles attributed to the
// driver and none to a shim, then the same six through the Linux driver on vmklinux, with the
// shim's cycles counted apart; every frame verified in all twelve; the same seed gives the same
// bytes; the TX captures read back (our pcap reader, and tshark when installed); --timing=off
// zeroes the cycles; bad verb arguments stop the script at their line; driver{style = "none"}
// lets the other style take the NIC.
#include "tests/common/vmksim_cli.h"

#include <cjson/cJSON.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "devices/wire/pcap.h"

namespace {

using vmksim_test::CmdRun;
using vmksim_test::slurp;

const std::string kScenario = std::string(VMKSIM_SOURCE_DIR) + "/scenarios/nic_overhead.lua";

// A short scenario of the standard one's shape (default platform's nic0 on Gen1 x1, native
// driver, loopback TX runs with captures, generator RX runs): for the checks that need a
// complete run but not 2000 frames, so that they stay quick under the sanitizers too.
const char *kShort = R"lua(platform { cpus = 2, root_ports = {
  port { slot = 1, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
         device = endpoint { model = "e1000", name = "nic0" } } } }
boot()
wire { device = "nic0", backend = "loopback" }
driver { device = "nic0", style = "native" }
for _, size in ipairs({ 64, 1518 }) do
  local r = tx { device = "nic0", frame_size = size, count = 300, rate = 0.25, wire_speed = 10,
                 pcap = "tx" .. size }
  expect_eq(r.verified, 300)
end
wire { device = "nic0", backend = "generator" }
local q = rx { device = "nic0", frame_size = 512, count = 300, rate = 0.25 }
expect_eq(q.verified, 300)
)lua";

class ScenarioNic : public vmksim_test::VmksimCli {
protected:
    ::testing::AssertionResult FailsAt(const std::string &src, int line, const char *needle)
    {
        return ScriptFailsAt(src, line, needle);
    }
};

double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    EXPECT_TRUE(cJSON_IsNumber(v)) << k;
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

std::string str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

const cJSON *obj(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

// Frames in a capture, read with the project's reader; -1 on a read error. All must have len.
long pcap_frames(const std::string &path, size_t len)
{
    wire_pcap_reader *r = nullptr;
    sim_err err{};
    if (wire_pcap_reader_open(path.c_str(), &r, &err) < 0) {
        ADD_FAILURE() << err.msg;
        return -1;
    }
    wire_pcap_record rec{};
    long n = 0;
    int rc;
    sim_time_t last = 0;
    while ((rc = wire_pcap_reader_next(r, &rec, &err)) == 1) {
        EXPECT_EQ(rec.caplen, len);
        EXPECT_EQ(rec.origlen, len);
        EXPECT_GE(rec.ts, last);   // simulated time never goes back
        last = rec.ts;
        n++;
    }
    EXPECT_EQ(rc, 0) << err.msg;
    EXPECT_TRUE(wire_pcap_reader_nanosecond(r));
    wire_pcap_reader_close(r);
    return n;
}

}  // namespace

TEST_F(ScenarioNic, TheStandardScenarioVerifiesEveryFrameAndChargesDriverAndShim)
{
    std::string path = kScenario;
    long n = 2000;   // frames per run
#ifdef __SANITIZE_ADDRESS__
    // The sanitizer build runs the simulator ~20x slower: the same script, 300 frames a run.
    std::string src = slurp(kScenario);
    const std::string count = "local COUNT = 2000";
    size_t at = src.find(count);
    ASSERT_NE(at, std::string::npos) << "the scenario's frame count moved";
    src.replace(at, count.size(), "local COUNT = 300");
    path = write("nic_overhead_short.lua", src);
    n = 300;
#endif
    CmdRun r = vmksim("'" + path + "' --seed 3 --out '" + dir + "/o'");
    ASSERT_EQ(r.status, 0) << r.err;
    std::string js = slurp(dir + "/o/result.json");
    cJSON *root = cJSON_Parse(js.c_str());
    ASSERT_NE(root, nullptr) << js;
    EXPECT_EQ(str(root, "schema"), "vmksim-result/1");
    EXPECT_EQ(num(root, "seed"), 3);
    const cJSON *runs = obj(root, "runs");
    ASSERT_TRUE(cJSON_IsArray(runs));
    ASSERT_EQ(cJSON_GetArraySize(runs), 12);   // six native, then six through vmklinux
    const char *kinds[] = {"tx", "tx", "tx", "rx", "rx", "rx"};
    const int sizes[] = {64, 512, 1500, 64, 512, 1500};
    for (int j = 0; j < 12; j++) {
        SCOPED_TRACE(j);
        const int i = j % 6;
        const bool shim = j >= 6;
        const cJSON *run = cJSON_GetArrayItem(runs, j);
        EXPECT_EQ(str(run, "device"), "nic0");
        EXPECT_EQ(str(run, "driver"), shim ? "e1000" : "vmk_e1000");
        EXPECT_EQ(str(run, "style"), shim ? "vmklinux" : "native");
        const cJSON *w = obj(run, "workload");
        EXPECT_EQ(str(w, "kind"), kinds[i]);
        EXPECT_EQ(num(w, "frame_size"), sizes[i]);
        EXPECT_EQ(num(w, "wire_gbps"), 10);
        EXPECT_EQ(num(run, "ops"), (double)n);
        EXPECT_EQ(num(run, "bytes"), (double)n * sizes[i]);
        EXPECT_EQ(num(run, "lost_ops"), 0);
        EXPECT_EQ(num(run, "failed_ops"), 0);
        const cJSON *c = obj(run, "cycles_per_op");
        EXPECT_GT(num(c, "driver"), 0);
        if (shim)   // skb shells, metadata translation, identity switches, NAPI on NetPoll
            EXPECT_GT(num(c, "shim"), 0);
        else
            EXPECT_EQ(num(c, "shim"), 0);
        EXPECT_GT(num(c, "kernel"), 0);
        EXPECT_NEAR(num(c, "total"), num(c, "driver") + num(c, "shim") + num(c, "kernel"),
                    0.003);
        const cJSON *lat = obj(run, "latency_ns");
        EXPECT_GT(num(lat, "p50"), 0);
        EXPECT_LE(num(lat, "p50"), num(lat, "p99"));
        EXPECT_EQ(num(run, "latency_samples"), (double)n);
        EXPECT_GT(num(obj(run, "throughput"), "ops_per_s"), 0);
        const cJSON *k = obj(run, "counters");
        EXPECT_GT(num(k, "mmio_writes"), 0);       // tail doorbells, IMS
        EXPECT_GE(num(k, "dma_bytes"), (double)n * (sizes[i] - 4));   // every payload crossed once
        EXPECT_GT(num(k, "interrupts"), 0);
        EXPECT_LE(num(k, "interrupts"), (double)n * (i < 3 ? 2 : 1));
        EXPECT_GE(num(k, "allocations"), (double)n);   // a packet per frame at least
        EXPECT_EQ(num(k, "copied_bytes"), 0);
    }
    cJSON_Delete(root);
    // The table on stdout after the summary: one row per run.
    EXPECT_NE(r.out.find("result: ok"), std::string::npos);
    EXPECT_NE(r.out.find("tx 64B 0.25G"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rx 1500B 0.25G"), std::string::npos) << r.out;

    // The TX runs' captures: every frame the NIC put on the wire (without FCS), in time order.
    EXPECT_EQ(pcap_frames(dir + "/o/tx64.pcap", 60), n);
    EXPECT_EQ(pcap_frames(dir + "/o/tx512.pcap", 508), n);
    EXPECT_EQ(pcap_frames(dir + "/o/tx1500.pcap", 1496), n);
    EXPECT_EQ(pcap_frames(dir + "/o/vmklinux_tx64.pcap", 60), n);
    EXPECT_EQ(pcap_frames(dir + "/o/vmklinux_tx1500.pcap", 1496), n);
    // Same hardware, same frames: the two drivers put the same bytes on the wire.
    EXPECT_EQ(slurp(dir + "/o/tx512.pcap").size(), slurp(dir + "/o/vmklinux_tx512.pcap").size());

}


// tshark (when installed) reads the TX captures: the right number of frames, none malformed.
TEST_F(ScenarioNic, TsharkReadsTheTxCaptures)
{
    if (std::system("tshark -v >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "tshark not installed (the captures are read by our reader elsewhere)";
    CmdRun r = vmksim("'" + write("s.lua", kShort) + "' --out '" + dir + "/o'");
    ASSERT_EQ(r.status, 0) << r.err;
    for (const char *f : {"tx64", "tx1518"}) {
        std::string p = dir + "/o/" + f + ".pcap";
        // one line per frame: empty, or "1"-ish when Wireshark flagged the frame malformed
        std::string cmd = "tshark -r '" + p + "' -T fields -e _ws.malformed 2>/dev/null >'" +
                          dir + "/t' && wc -l <'" + dir + "/t' >'" + dir + "/n' && "
                          "grep -c . '" + dir + "/t' >'" + dir + "/m'; true";
        ASSERT_EQ(std::system(cmd.c_str()), 0);
        EXPECT_EQ(std::stol(slurp(dir + "/n")), 300) << f;
        EXPECT_EQ(std::stol(slurp(dir + "/m")), 0) << f << ": malformed frames";
    }
}

TEST_F(ScenarioNic, TheSameSeedGivesTheSameResultFile)
{
#ifdef __SANITIZE_ADDRESS__
    // The sanitizer build runs the simulator ~20x slower: the short scenario, same mechanisms.
    std::string path = write("s.lua", kShort);
#else
    std::string path = kScenario;
#endif
    ASSERT_EQ(vmksim("'" + path + "' --seed 11 --out '" + dir + "/a'").status, 0);
    ASSERT_EQ(vmksim("'" + path + "' --seed 11 --out '" + dir + "/b'").status, 0);
    std::string a = slurp(dir + "/a/result.json"), b = slurp(dir + "/b/result.json");
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a, b);
    EXPECT_EQ(slurp(dir + "/a/tx64.pcap"), slurp(dir + "/b/tx64.pcap"));
    // another seed: other payloads in the capture, the same timing (payloads do not change it)
    ASSERT_EQ(vmksim("'" + path + "' --seed 12 --out '" + dir + "/c'").status, 0);
    EXPECT_NE(slurp(dir + "/a/tx64.pcap"), slurp(dir + "/c/tx64.pcap"));
}

TEST_F(ScenarioNic, TimingOffChargesNoCycles)
{
    std::string path = write("s.lua", kShort);
    CmdRun on = vmksim("'" + path + "' --out '" + dir + "/on'");
    ASSERT_EQ(on.status, 0) << on.err;
    CmdRun r = vmksim("'" + path + "' --timing=off --out '" + dir + "/o'");
    ASSERT_EQ(r.status, 0) << r.err;
    cJSON *ron = cJSON_Parse(slurp(dir + "/on/result.json").c_str());
    ASSERT_NE(ron, nullptr);
    EXPECT_GT(num(obj(cJSON_GetArrayItem(obj(ron, "runs"), 0), "cycles_per_op"), "driver"), 0);
    cJSON_Delete(ron);
    cJSON *root = cJSON_Parse(slurp(dir + "/o/result.json").c_str());
    ASSERT_NE(root, nullptr);
    const cJSON *runs = obj(root, "runs");
    ASSERT_EQ(cJSON_GetArraySize(runs), 3);
    for (int i = 0; i < 3; i++) {
        const cJSON *run = cJSON_GetArrayItem(runs, i);
        EXPECT_EQ(num(obj(run, "cycles_per_op"), "driver"), 0) << i;
        EXPECT_EQ(num(obj(run, "cycles_per_op"), "kernel"), 0) << i;
        EXPECT_EQ(num(run, "lost_ops"), 0) << i;   // functional mode still moves every frame
        EXPECT_FALSE(cJSON_IsTrue(obj(obj(run, "workload"), "timing")));
    }
    cJSON_Delete(root);
    CmdRun bad = vmksim("'" + kScenario + "' --timing=fast");
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("--timing 'fast' is not 'on' or 'off'"), std::string::npos) << bad.err;
}

const char *kPlat = R"lua(platform { cpus = 1, root_ports = {
  port { slot = 1, device = endpoint { model = "e1000", name = "nic0" } },
  port { slot = 2, device = endpoint { model = "pvscsi", name = "hba0" } } } }
boot()
)lua";   // 4 lines: scripts below start at line 5

TEST_F(ScenarioNic, BadVerbArgumentsStopAtTheirLine)
{
    std::string p = kPlat;
    EXPECT_TRUE(FailsAt(p + "driver { device = \"nic0\", style = \"linux\" }\n", 5,
                        "is not a driver style"));
    EXPECT_TRUE(FailsAt(p + "driver { device = \"nic9\" }\n", 5, "no endpoint of that name"));
    EXPECT_TRUE(FailsAt(p + "tx { device = \"hba0\", count = 1, frame_size = 64 }\n", 5,
                        "is a 'pvscsi', not a NIC"));
    EXPECT_TRUE(FailsAt(p + "driver { device = \"nic0\", module = \"nosuchmod\" }\n", 5,
                        "cannot read"));
    EXPECT_TRUE(FailsAt(p + "driver { device = \"nic0\", stlye = \"native\" }\n", 5,
                        "did you mean 'style'"));
    EXPECT_TRUE(FailsAt(p + "wire { device = \"nic0\", backend = \"fibre\" }\n", 5,
                        "'fibre' is not a wire backend"));
    EXPECT_TRUE(FailsAt(p + "wire { device = \"nic0\", backend = \"peer\" }\n", 5,
                        "needs field 'peer'"));
    EXPECT_TRUE(FailsAt(p + "tx { device = \"nic0\", frame_size = 64, count = 10 }\n", 5,
                        "has no driver"));
    std::string ready = p + "wire { device = \"nic0\", backend = \"loopback\" }\n" +
                        "driver { device = \"nic0\" }\n";   // lines 5-6
    EXPECT_TRUE(FailsAt(ready + "tx { device = \"nic0\", frame_size = 20, count = 10 }\n", 7,
                        "frame_size = 20 is outside 64-1518"));
    EXPECT_TRUE(FailsAt(ready + "tx { device = \"nic0\", frame_size = 64, count = 10,\n"
                                "     rate = \"fast\" }\n", 7, "must be Gbit/s"));
    EXPECT_TRUE(FailsAt(ready + "tx { device = \"nic0\", frame_size = 64, count = 10, "
                                "rate = 20, wire_speed = 10 }\n", 7, "above the wire speed"));
    EXPECT_TRUE(FailsAt(ready + "tx { device = \"nic0\", frame_size = 64, count = 10, "
                                "wire_speed = 3 }\n", 7, "not a wire speed"));
    EXPECT_TRUE(FailsAt(ready + "rx { device = \"nic0\", frame_size = 64, count = 10 }\n", 7,
                        "needs a traffic generator"));
    EXPECT_TRUE(FailsAt(ready + "driver { device = \"nic0\" }\n", 7, "already has driver"));
    // cabled after the driver started: the link the driver read was down
    EXPECT_TRUE(FailsAt(p + "driver { device = \"nic0\" }\n" +
                            "wire { device = \"nic0\", backend = \"loopback\" }\n" +
                            "tx { device = \"nic0\", frame_size = 64, count = 10 }\n", 7,
                        "is down"));
    EXPECT_TRUE(FailsAt("driver { device = \"nic0\" }\n", 1, "called before boot()"));
    EXPECT_TRUE(FailsAt(p + "driver { device = \"nic0\", style = \"none\" }\n", 5,
                        "has no driver to unbind"));
    EXPECT_TRUE(FailsAt(p + "driver { device = \"hba0\", style = \"none\" }\n", 5,
                        "unbinds NICs only"));
    EXPECT_TRUE(FailsAt(ready + "driver { device = \"nic0\", style = \"none\", module = "
                                "\"e1000\" }\n", 7, "takes no 'module'"));
}

// A NIC holds one driver: style "none" unbinds it, so the other style can take the NIC, and
// back. The Linux driver's runs count shim cycles, the native ones none; every frame verified.
TEST_F(ScenarioNic, UnbindingLetsTheOtherStyleTakeTheNic)
{
    std::string src = std::string(kPlat) +
        "wire { device = \"nic0\", backend = \"loopback\" }\n"
        "expect_eq(driver { device = \"nic0\", style = \"native\" }, \"vmnic0\")\n"
        "local a = tx { device = \"nic0\", frame_size = 256, count = 200 }\n"
        "driver { device = \"nic0\", style = \"none\" }\n"
        "expect_eq(driver { device = \"nic0\", style = \"vmklinux\" }, \"vmnic0\")\n"
        "local b = tx { device = \"nic0\", frame_size = 256, count = 200 }\n"
        "driver { device = \"nic0\", style = \"none\" }\n"
        "driver { device = \"nic0\", style = \"native\" }\n"
        "local c = tx { device = \"nic0\", frame_size = 256, count = 200 }\n"
        "for _, r in ipairs({ a, b, c }) do\n"
        "  expect_eq(r.verified, 200, 'verified')\n"
        "  expect_eq(r.lost_ops, 0, 'lost')\n"
        "end\n"
        "expect_eq(a.shim_cycles_per_op, 0, 'native: no shim')\n"
        "expect(b.shim_cycles_per_op > 0, 'vmklinux: shim cycles')\n"
        "expect(b.driver_cycles_per_op > 0, 'vmklinux: driver cycles')\n"
        "expect_eq(c.shim_cycles_per_op, 0, 'native again: no shim')\n";
    std::string path = write("u.lua", src);
    CmdRun r = vmksim("'" + path + "' --out '" + dir + "/o'");
    ASSERT_EQ(r.status, 0) << r.err;
    cJSON *root = cJSON_Parse(slurp(dir + "/o/result.json").c_str());
    ASSERT_NE(root, nullptr);
    const cJSON *runs = obj(root, "runs");
    ASSERT_EQ(cJSON_GetArraySize(runs), 3);
    EXPECT_EQ(str(cJSON_GetArrayItem(runs, 0), "driver"), "vmk_e1000");
    EXPECT_EQ(str(cJSON_GetArrayItem(runs, 1), "driver"), "e1000");
    EXPECT_EQ(str(cJSON_GetArrayItem(runs, 1), "style"), "vmklinux");
    EXPECT_EQ(str(cJSON_GetArrayItem(runs, 2), "driver"), "vmk_e1000");
    cJSON_Delete(root);
}

TEST_F(ScenarioNic, AShortRunReturnsItsFiguresToTheScript)
{
    std::string src = std::string(kPlat) +
        "wire { device = \"nic0\", backend = \"loopback\" }\n"
        "expect_eq(driver { device = \"nic0\" }, \"vmnic0\")\n"
        "local r = tx { device = \"nic0\", frame_size = 128, count = 300, rate = \"line\", "
        "wire_speed = 25, pcap = \"t\" }\n"
        "expect_eq(r.verified, 300, 'verified')\n"
        "expect_eq(r.lost_ops, 0, 'lost')\n"
        "expect(r.driver_cycles_per_op > 0, 'driver cycles')\n"
        "expect_eq(r.shim_cycles_per_op, 0, 'shim')\n"
        "wire { device = \"nic0\", backend = \"generator\" }\n"
        "local q = rx { device = \"nic0\", frame_size = 1518, count = 100, rate = 0.5 }\n"
        "expect_eq(q.verified, 100, 'rx verified')\n"
        "expect_eq(q.ops, 100, 'rx ops')\n";
    std::string path = write("s.lua", src);
    CmdRun r = vmksim("'" + path + "' --out '" + dir + "/o'");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(pcap_frames(dir + "/o/t.pcap", 124), 300);
    // Without --out the capture is skipped, the run still happens.
    r = vmksim("'" + path + "'");
    EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(ScenarioNic, APeerCableCarriesFramesBetweenTwoNics)
{
    std::string src = R"lua(platform { cpus = 2, root_ports = {
  port { slot = 1, link = { gen = 3, width = 4 }, device = endpoint { model = "e1000", name = "nic0" } },
  port { slot = 2, link = { gen = 3, width = 4 }, device = endpoint { model = "e1000", name = "nic1" } } } }
boot()
wire { device = "nic0", backend = "peer", peer = "nic1" }
expect_eq(driver { device = "nic0" }, "vmnic0")
expect_eq(driver { device = "nic1" }, "vmnic1")
local r = tx { device = "nic0", frame_size = 256, count = 500, rate = "line" }
expect_eq(r.verified, 500)
local q = tx { device = "nic1", frame_size = 1518, count = 300, rate = 2 }
expect_eq(q.verified, 300)
wire { device = "nic1", backend = "loopback" }   -- re-cabled: nic0 has no cable now
local z = tx { device = "nic1", frame_size = 64, count = 100 }
expect_eq(z.verified, 100)
tx { device = "nic0", frame_size = 64, count = 1 }
)lua";
    std::string path = write("p.lua", src);
    CmdRun r = vmksim("'" + path + "' --out '" + dir + "/o'");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(path + ":15: tx: device 'nic0' needs a cable"), std::string::npos)
        << r.err;
    cJSON *root = cJSON_Parse(slurp(dir + "/o/result.json").c_str());
    ASSERT_NE(root, nullptr);
    const cJSON *runs = obj(root, "runs");
    ASSERT_EQ(cJSON_GetArraySize(runs), 3);   // the runs before the error are kept
    EXPECT_EQ(str(cJSON_GetArrayItem(runs, 0), "device"), "nic0");
    EXPECT_EQ(str(cJSON_GetArrayItem(runs, 1), "device"), "nic1");
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(num(cJSON_GetArrayItem(runs, i), "lost_ops"), 0) << i;
    cJSON_Delete(root);
}

// Over-driven RX: 64-byte frames back to back at 1 Gbit/s are more than the Gen1 x1 link can
// move, so the receive FIFO overflows. Every frame must still end verified or dropped by the
// NIC and counted (MPC): failed, never lost.
TEST_F(ScenarioNic, FramesTheNicDropsAreCountedNotLost)
{
    std::string src =
        "platform { cpus = 2, root_ports = { port { slot = 1, link = { gen = 1, width = 1, "
        "mps = 128, mrrs = 512 }, device = endpoint { model = \"e1000\", name = \"nic0\" } } } }\n"
        "boot()\n"
        "wire { device = \"nic0\", backend = \"generator\" }\n"
        "driver { device = \"nic0\" }\n"
        "local r = rx { device = \"nic0\", frame_size = 64, count = 3000, rate = \"line\", "
        "wire_speed = 1 }\n"
        "expect(r.dropped > 0, 'the FIFO overflowed')\n"
        "expect_eq(r.lost_ops, 0, 'lost')\n"
        "expect_eq(r.failed_ops, r.dropped, 'failed = dropped')\n"
        "expect_eq(r.verified + r.dropped, 3000, 'every frame ended')\n";
    std::string path = write("d.lua", src);
    CmdRun r = vmksim("'" + path + "'");
    EXPECT_EQ(r.status, 0) << r.err;
}

// A driver{} of the other style on a bound NIC replaces the driver (native → vmklinux → native),
// and each run is charged to the style that ran it.
TEST_F(ScenarioNic, ADriverOfTheOtherStyleReplacesTheBoundOne)
{
    std::string src = R"lua(platform { cpus = 2, root_ports = {
  port { slot = 1, device = endpoint { model = "e1000", name = "nic0" } } } }
boot()
wire { device = "nic0", backend = "loopback" }
driver { device = "nic0" }
expect_eq(tx { device = "nic0", frame_size = 64, count = 100 }.verified, 100)
driver { device = "nic0", style = "vmklinux" }
local r = tx { device = "nic0", frame_size = 64, count = 100 }
expect_eq(r.verified, 100, 'vmklinux verified')
expect(r.shim_cycles_per_op > 0, 'shim cycles')
driver { device = "nic0", style = "native" }
local q = tx { device = "nic0", frame_size = 64, count = 100 }
expect_eq(q.verified, 100, 'native again verified')
expect_eq(q.shim_cycles_per_op, 0, 'no shim')
driver { device = "nic0", style = "native" }
)lua";
    std::string path = write("sw.lua", src);
    CmdRun r = vmksim("'" + path + "'");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(path + ":15: driver: device 'nic0' already has driver 'vmk_e1000'"),
              std::string::npos) << r.err;
}
