// test_hotplug.cpp — the kernel's hot-plug handler as a scenario sees it, run through the built
// vmksim binary: each sequence with its simulated times (scenarios/seq_*.lua: attention button
// with its 5 s window and cancel; insertion → power → link → 100 ms → enumeration → binding;
// surprise removal, link down, power fault, MRL), the leak check catching a driver that keeps
// what it took (scenarios/leak_driver.lua), the refusal and the orphan of a vmklinux-bound
// device (scenarios/legacy.lua), the standard scenarios with their result.json "hotplug" list,
// every verb's bad arguments as file:line errors, and lspci -F reading the dump of a system with
// a hot-added device.
#include "tests/common/vmksim_cli.h"

#include <cjson/cJSON.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

using vmksim_test::CmdRun;
using vmksim_test::slurp;

const std::string kHere = std::string(VMKSIM_SOURCE_DIR) + "/tests/hotplug/scenarios/";
const std::string kStd = std::string(VMKSIM_SOURCE_DIR) + "/scenarios/";

int count_lines(const std::string &s)
{
    int n = 0;
    for (char c : s)
        n += c == '\n';
    return n;
}

class Hotplug : public vmksim_test::VmksimCli {
protected:
    // tests/hotplug/scenarios/NAME with common.lua in front, written to the test's folder.
    std::string scenario(const std::string &name)
    {
        return write(name, slurp(kHere + "common.lua") + slurp(kHere + name));
    }
    CmdRun run_ok(const std::string &path, const std::string &extra = "")
    {
        CmdRun r = vmksim("'" + path + "' --out '" + dir + "/out'" + extra);
        EXPECT_EQ(r.status, 0) << r.err << r.out;
        return r;
    }
};

TEST_F(Hotplug, AttentionButtonWindowCancelAndRemoval) { run_ok(scenario("seq_button.lua")); }

TEST_F(Hotplug, InsertionPowerLinkDelayEnumerateBind) { run_ok(scenario("seq_insert.lua")); }

TEST_F(Hotplug, SurpriseLinkDownPowerFaultAndMrl) { run_ok(scenario("seq_surprise.lua")); }

TEST_F(Hotplug, LegacyDriverRefusedThenOrphaned)
{
    run_ok(scenario("legacy.lua"));
    std::string log = slurp(dir + "/out/vmksim.log");
    EXPECT_NE(log.find("(attention-button) refused: 0000:09:00.0 is driven by a vmklinux (Linux) "
                       "driver, which has no hot-plug path"), std::string::npos);
    EXPECT_NE(log.find("(surprise-removal) legacy-orphaned"), std::string::npos);
}

TEST_F(Hotplug, LeakingDriverIsReportedByOwner)
{
    std::string p = scenario("leak_driver.lua");
    std::string src = slurp(p);
    int line = count_lines(src.substr(0, src.find("expect_no_leaks()   -- must fail"))) + 1;
    EXPECT_TRUE(FailsAt(p, line, "expect_no_leaks failed: 4 leak(s)"));
    CmdRun r = vmksim("'" + p + "' --out '" + dir + "/out'");
    EXPECT_NE(slurp(dir + "/out/vmksim.log").find("LEAKS\t4"), std::string::npos);
    // result.json names them too, in the removal's event
    cJSON *doc = cJSON_Parse(slurp(dir + "/out/result.json").c_str());
    ASSERT_NE(doc, nullptr);
    const cJSON *hp = cJSON_GetObjectItemCaseSensitive(doc, "hotplug");
    ASSERT_TRUE(cJSON_IsArray(hp));
    const cJSON *last = cJSON_GetArrayItem(hp, cJSON_GetArraySize(hp) - 1);
    const cJSON *leaks = cJSON_GetObjectItemCaseSensitive(last, "leaks");
    ASSERT_EQ(cJSON_GetArraySize(leaks), 4);
    EXPECT_STREQ(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(leaks, 0), "owner")
                     ->valuestring, "hptest_leaky");
    cJSON_Delete(doc);
    EXPECT_NE(slurp(dir + "/out/vmksim.log").find("kernel.hotplug: slot2: leak after removal of "
                                                   "0000:09:00.0: hptest_leaky did not return"),
              std::string::npos);
}

// The standard orderly scenario, and its result.json: two events with steps in time order and
// in-flight counts that add up.
TEST_F(Hotplug, StandardOrderlyScenarioAndResult)
{
    run_ok(kStd + "hotplug_nic_orderly.lua");
    cJSON *doc = cJSON_Parse(slurp(dir + "/out/result.json").c_str());
    ASSERT_NE(doc, nullptr);
    const cJSON *hp = cJSON_GetObjectItemCaseSensitive(doc, "hotplug");
    ASSERT_EQ(cJSON_GetArraySize(hp), 2);
    const char *kinds[] = {"attention-button", "insertion"};
    const char *outcomes[] = {"removed", "bound"};
    for (int i = 0; i < 2; i++) {
        const cJSON *ev = cJSON_GetArrayItem(hp, i);
        EXPECT_STREQ(cJSON_GetObjectItemCaseSensitive(ev, "slot")->valuestring, "slot1");
        EXPECT_STREQ(cJSON_GetObjectItemCaseSensitive(ev, "kind")->valuestring, kinds[i]);
        EXPECT_STREQ(cJSON_GetObjectItemCaseSensitive(ev, "outcome")->valuestring, outcomes[i]);
        const cJSON *steps = cJSON_GetObjectItemCaseSensitive(ev, "steps");
        ASSERT_GT(cJSON_GetArraySize(steps), 5);
        double prev = 0;
        const cJSON *st;
        cJSON_ArrayForEach(st, steps) {
            double t = cJSON_GetObjectItemCaseSensitive(st, "time_ns")->valuedouble;
            EXPECT_GE(t, prev);
            prev = t;
        }
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(ev, "in_flight");
        double issued = cJSON_GetObjectItemCaseSensitive(f, "issued")->valuedouble;
        double done = cJSON_GetObjectItemCaseSensitive(f, "completed")->valuedouble +
                      cJSON_GetObjectItemCaseSensitive(f, "failed")->valuedouble;
        EXPECT_EQ(issued, done);
        if (i == 0) {
            EXPECT_GT(issued, 0);
        }
    }
    cJSON_Delete(doc);
    // the same seed gives the same bytes
    std::string first = slurp(dir + "/out/result.json");
    CmdRun r = vmksim("'" + kStd + "hotplug_nic_orderly.lua' --out '" + dir + "/out2'");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(slurp(dir + "/out2/result.json"), first);
}

TEST_F(Hotplug, StandardSwitchAddScenario) { run_ok(kStd + "hotplug_switch_add.lua"); }

TEST_F(Hotplug, StandardStormScenarioShort)
{
    setenv("VMKSIM_PARAM_CYCLES", "20", 1);   // the 1000-cycle run is test_hotplug_storm's
    run_ok(kStd + "hotplug_storm.lua");
    unsetenv("VMKSIM_PARAM_CYCLES");
    EXPECT_NE(slurp(dir + "/out/vmksim.log").find("storm: 20 cycles, 40 hot-plug events"),
              std::string::npos);
}

// The dump of the live system after a hot-add, read by the real pciutils: the new NIC under
// the switch's downstream port of slot 11, with its BARs inside that port's windows.
TEST_F(Hotplug, LspciAfterHotAddReadByRealLspci)
{
    run_ok(kStd + "hotplug_switch_add.lua");
    std::string dump = dir + "/out/lspci_xxxx.txt";
    ASSERT_FALSE(slurp(dump).empty());
    if (std::system("lspci --version >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "pciutils (lspci) is not installed";
    std::string tree = dir + "/tree.txt", v = dir + "/v.txt", port = dir + "/port.txt";
    ASSERT_EQ(std::system(("lspci -F '" + dump + "' -tv >'" + tree + "' 2>/dev/null").c_str()), 0);
    ASSERT_EQ(std::system(("lspci -F '" + dump + "' -v -s 13:00.0 >'" + v + "' 2>/dev/null")
                              .c_str()), 0);
    ASSERT_EQ(std::system(("lspci -F '" + dump + "' -v -s 0a:01.0 >'" + port + "' 2>/dev/null")
                              .c_str()), 0);
    std::string t = slurp(tree), d = slurp(v), p = slurp(port);
    EXPECT_NE(t.find("\\-01.0-[13-1a]----00.0  Intel Corporation 82540EM"), std::string::npos) << t;
    EXPECT_NE(d.find("Ethernet controller: Intel Corporation 82540EM"), std::string::npos) << d;
    EXPECT_NE(d.find("Memory at c4000000 (32-bit, non-prefetchable)"),
              std::string::npos) << d;
    EXPECT_NE(d.find("I/O ports at 3000"), std::string::npos) << d;
    EXPECT_NE(p.find("Bus: primary=0a, secondary=13, subordinate=1a"), std::string::npos) << p;
    EXPECT_NE(p.find("Memory behind bridge: c4000000-c5ffffff"), std::string::npos) << p;
}

// A run that ends inside a button's 5 s window: the slot's thread stops where it is and the
// kernel shuts down cleanly around it.
TEST_F(Hotplug, RunEndingInsideTheAbortWindowShutsDownCleanly)
{
    std::string p = write("w.lua", R"lua(platform { cpus = 1, root_ports = {
  port { slot = 1, hotplug = true, link = { gen = 1, width = 1 },
         device = endpoint { model = "e1000", name = "nic0" } } } }
boot()
wire { device = "nic0", backend = "loopback" }
driver { device = "nic0", style = "native" }
slot_button { slot = 1 }
run("1s")
expect_eq(slot_status { slot = 1 }.state, "blinking-off")
)lua");
    run_ok(p);
    EXPECT_NE(slurp(dir + "/out/vmksim.log").find("slot1: stopped in the middle of attention-button"),
              std::string::npos);
}

// ---- bad arguments: file:line errors ----

const char *kPlat = R"lua(platform { cpus = 1, root_ports = {
  port { slot = 1, hotplug = true, link = { gen = 1, width = 1 } } } }
boot()
)lua";

TEST_F(Hotplug, BadArgumentsStopAtTheirLine)
{
    std::string p(kPlat);
    EXPECT_TRUE(ScriptFailsAt(p + "slot_button { slot = 7 }\n", 4, "slot = 7: no hot-plug slot"));
    EXPECT_TRUE(ScriptFailsAt(p + "slot_button { }\n", 4, "missing field 'slot'"));
    EXPECT_TRUE(ScriptFailsAt(p + "slot_button { slot = 1, att = 1 }\n", 4, "att"));
    EXPECT_TRUE(ScriptFailsAt(p + "slot_pull { slot = 1 }\n", 4, "empty"));
    EXPECT_TRUE(ScriptFailsAt(p + "slot_insert { slot = 1, name = \"x\" }\n", 4,
                              "missing field 'model'"));
    EXPECT_TRUE(ScriptFailsAt(p + "slot_insert { slot = 1, model = \"tulip\", name = \"x\" }\n",
                              4, "model = 'tulip' is not a card model"));
    EXPECT_TRUE(ScriptFailsAt(p + "slot_insert { slot = 1, model = \"e1000\", name = \"x\", "
                                  "style = \"fast\" }\n", 4, "style = 'fast'"));
    EXPECT_TRUE(ScriptFailsAt(p + "slot_insert { slot = 1, model = \"e1000\", name = \"x\", "
                                  "wire = \"peer\" }\n", 4, "wire = 'peer'"));
    EXPECT_TRUE(ScriptFailsAt(p + "run(\"1ms\")\nslot_button { slot = 1, at = \"0ms\" }\n", 5,
                              "before the current time"));
    EXPECT_TRUE(ScriptFailsAt(p + "slot_mrl { slot = 1 }\n", 4, "missing field 'open'"));
    EXPECT_TRUE(ScriptFailsAt(p + "slot_link_down { slot = \"rp9\" }\n", 4, "rp9"));
    EXPECT_TRUE(ScriptFailsAt(p + "wait_for { device = \"nic0\" }\n", 4, "missing field 'state'"));
    EXPECT_TRUE(ScriptFailsAt(p + "wait_for { device = \"nic0\", state = \"gone\" }\n", 4,
                              "state = 'gone' is not a device state"));
    EXPECT_TRUE(ScriptFailsAt(p + "wait_for { slot = 1, device = \"x\", state = \"on\" }\n", 4,
                              "either 'device'"));
    EXPECT_TRUE(ScriptFailsAt(p + "wait_for { slot = 1, state = \"on\", timeout = \"5ms\" }\n", 4,
                              "slot 1 is not on after"));
    EXPECT_TRUE(ScriptFailsAt(p + "lspci { args = \"-q\" }\n", 4, "unknown option letter 'q'"));
    EXPECT_TRUE(ScriptFailsAt(p + "lspci { args = \"-xx\" }\n", 4, "-x, -xxx or -xxxx"));
    EXPECT_TRUE(ScriptFailsAt(p + "param { name = \"a b\", default = 1 }\n", 4, "only letters"));
    // a scheduled action that fails is reported at its own line by the next verb
    EXPECT_TRUE(ScriptFailsAt(p + "slot_pull { slot = 1, at = \"2ms\" }\nrun(\"3ms\")\n"
                                  "slot_status { slot = 1 }\nwait_for { slot = 1, state = \"off\" }\n",
                              4, "slot_pull (scheduled at 2000000000 ps)"));
    // before boot()
    EXPECT_TRUE(ScriptFailsAt("slot_button { slot = 1 }\n", 1, "before boot()"));
}

TEST_F(Hotplug, ParamFromTheEnvironment)
{
    std::string p = write("p.lua", std::string(kPlat) +
                                      "local n = param { name = \"cycles\", default = 5, min = 1, "
                                      "max = 9 }\nprint(\"N\", n)\n");
    CmdRun r = vmksim("'" + p + "'");   // without --out the log is on stderr
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("N\t5"), std::string::npos);
    setenv("VMKSIM_PARAM_CYCLES", "7", 1);
    r = vmksim("'" + p + "'");
    EXPECT_NE(r.err.find("N\t7"), std::string::npos) << r.err;
    setenv("VMKSIM_PARAM_CYCLES", "70", 1);
    EXPECT_TRUE(FailsAt(p, 4, "VMKSIM_PARAM_CYCLES = 70 is outside 1..9"));
    unsetenv("VMKSIM_PARAM_CYCLES");
}

}  // namespace
