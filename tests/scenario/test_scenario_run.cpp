// `vmksim run SCENARIO.lua [--seed N] [--out DIR]` as a user runs it: the default scenario boots
// and runs, --out writes the log and a summary of real values, the same seed gives the same run,
// and every failure is exit 1 with one "file:line: message" line (bad arguments: exit 2).
#include "tests/common/vmksim_cli.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace {

using vmksim_test::CmdRun;
using vmksim_test::slurp;
using ScenarioRun = vmksim_test::VmksimCli;

const char *kSmall = R"lua(
platform { cpus = 1, root_ports = {
  port { slot = 1, hotplug = true, device = endpoint { model = "e1000", name = "nic0" } },
  port { slot = 2, hotplug = true } } }
)lua";

}  // namespace

TEST_F(ScenarioRun, TheDefaultScenarioBootsAndRuns)
{
    std::string out = dir + "/results/run1";  // created, parents too
    CmdRun r = vmksim("'" VMKSIM_SOURCE_DIR "/scenarios/default.lua' --out '" + out + "'");
    ASSERT_EQ(r.status, 0) << r.err;
    std::string sum = slurp(out + "/summary.txt");
    EXPECT_NE(sum.find("scenario: " VMKSIM_SOURCE_DIR "/scenarios/default.lua\n"), std::string::npos)
        << sum;
    EXPECT_NE(sum.find("seed: 1\n"), std::string::npos) << sum;
    EXPECT_NE(sum.find("result: ok\n"), std::string::npos) << sum;
    EXPECT_NE(sum.find("end_time_ps: 10000000000\n"), std::string::npos) << sum;
    // 4 root ports, switch upstream + 2 downstream ports, e1000 + 2 pvscsi
    EXPECT_NE(sum.find("pci_functions: 10\n"), std::string::npos) << sum;
    EXPECT_NE(sum.find("endpoints: 3\n"), std::string::npos) << sum;
    EXPECT_NE(sum.find("switches: 1\n"), std::string::npos) << sum;
    EXPECT_NE(sum.find("empty_slots: 2\n"), std::string::npos) << sum;
    EXPECT_EQ(r.out, sum);  // the summary is printed too
    std::string log = slurp(out + "/vmksim.log");
    EXPECT_NE(log.find("kernel.boot"), std::string::npos) << log;
    EXPECT_NE(log.find("scenario: default platform: 10 PCI functions"), std::string::npos) << log;
}

TEST_F(ScenarioRun, TheSameSeedGivesTheSameRun)
{
    std::string p = write("rand.lua", std::string(kSmall) + R"lua(
boot()
for i = 1, 5 do
  run(us(math.random(1, 1000)))
  log("draw", i, math.random(1, 1 << 40), now())
end
)lua");
    ASSERT_EQ(vmksim("'" + p + "' --seed 42 --out '" + dir + "/a'").status, 0);
    ASSERT_EQ(vmksim("--seed=42 --out='" + dir + "/b' '" + p + "'").status, 0);
    ASSERT_EQ(vmksim("'" + p + "' --seed 43 --out '" + dir + "/c'").status, 0);
    std::string sa = slurp(dir + "/a/summary.txt"), sb = slurp(dir + "/b/summary.txt");
    std::string la = slurp(dir + "/a/vmksim.log"), lb = slurp(dir + "/b/vmksim.log");
    EXPECT_NE(sa.find("seed: 42\n"), std::string::npos) << sa;
    EXPECT_EQ(sa, sb);
    EXPECT_EQ(la, lb);
    EXPECT_NE(la.find("draw 5"), std::string::npos) << la;
    std::string sc = slurp(dir + "/c/summary.txt"), lc = slurp(dir + "/c/vmksim.log");
    EXPECT_NE(sc.find("seed: 43\n"), std::string::npos) << sc;
    EXPECT_NE(la, lc);  // another seed draws other numbers
}

TEST_F(ScenarioRun, ExpectationsSeeTheBootedSystemAndTime)
{
    std::string p = write("ok.lua", std::string(kSmall) + R"lua(
boot()
local devs = pci_devices()
expect_eq(#devs, 3, "2 root ports + the NIC")
expect_eq(devs[1].type, "Root Port")
expect_eq(devs[1].slot, 1)
expect(devs[1].hotplug)
expect_eq(devs[3].vendor, 0x8086)
run("5ms")
expect_eq(now(), ms(5))
expect_eq(run_until(ms(7)), ms(7))
)lua");
    CmdRun r = vmksim("'" + p + "'");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("end_time_ps: 7000000000\n"), std::string::npos) << r.out;
}

TEST_F(ScenarioRun, BootTwiceFails)
{
    std::string p = write("boot2.lua", std::string(kSmall) + "boot()\nboot()\n");
    EXPECT_TRUE(FailsAt(p, 6, "boot: the platform is already booted (boot() at "));
}

TEST_F(ScenarioRun, RunBeforeBootFails)
{
    std::string p = write("early.lua", std::string(kSmall) + "run(\"1ms\")\n");
    EXPECT_TRUE(FailsAt(p, 5, "run: called before boot()"));
}

TEST_F(ScenarioRun, BadTimeStringFails)
{
    std::string p = write("time.lua", std::string(kSmall) + "boot()\nrun(\"10 parsecs\")\n");
    EXPECT_TRUE(FailsAt(p, 6, "bad time \"10 parsecs\""));
    p = write("time2.lua", std::string(kSmall) + "boot()\nrun(\"5ms\")\nrun_until(\"1ms\")\n");
    EXPECT_TRUE(FailsAt(p, 7, "run_until: 1000000000 ps is before the current time"));
}

TEST_F(ScenarioRun, ExpectFailureAfterRunFails)
{
    std::string p = write("exp.lua", std::string(kSmall) + "boot()\nrun(\"1ms\")\n"
                                                           "expect(now() == ms(2), \"time\")\n");
    EXPECT_TRUE(FailsAt(p, 7, "expect failed: time"));
}

TEST_F(ScenarioRun, BadValuesFailAtTheirLine)
{
    std::string p = write("w.lua", "platform { root_ports = {\n  port { link = { width = 7 } } } }\n");
    EXPECT_TRUE(FailsAt(p, 2, "link.width = 7"));
    p = write("m.lua", "platform { root_ports = {\n  port { device = endpoint {\n"
                       "    model = \"nope\", name = \"x\" } } } }\n");
    EXPECT_TRUE(FailsAt(p, 2, "unknown model 'nope'"));
}

TEST_F(ScenarioRun, AFailedRunStillWritesItsSummary)
{
    std::string p = write("fail.lua", std::string(kSmall) + "boot()\nrun(\"2ms\")\nerror(\"stop\")\n");
    EXPECT_TRUE(FailsAt(p, 7, "stop", " --out '" + dir + "/o'"));
    std::string sum = slurp(dir + "/o/summary.txt");
    EXPECT_NE(sum.find("result: error\n"), std::string::npos) << sum;
    EXPECT_NE(sum.find("error: " + p + ":7: stop\n"), std::string::npos) << sum;
    EXPECT_NE(sum.find("end_time_ps: 2000000000\n"), std::string::npos) << sum;
    EXPECT_NE(slurp(dir + "/o/vmksim.log").find(p + ":7: stop"), std::string::npos);
}

TEST_F(ScenarioRun, LongPathsStayWhole)
{
    std::string deep = dir + "/a_rather_long_directory_name/holding/the/scenario/under/test";
    ASSERT_EQ(std::system(("mkdir -p '" + deep + "'").c_str()), 0);
    std::string p = deep + "/syntax.lua";
    std::ofstream(p) << "platform {\n  cpus = = 1 }\n";
    EXPECT_TRUE(FailsAt(p, 2, "near '='"));
}

TEST_F(ScenarioRun, MissingFileFails)
{
    CmdRun r = vmksim("'" + dir + "/none.lua'");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, dir + "/none.lua: cannot open: No such file or directory\n");
}

TEST_F(ScenarioRun, BadArgumentsExit2)
{
    std::string p = write("ok.lua", kSmall);
    struct { std::string args; const char *needle; } cases[] = {
        {"", "no scenario given"},
        {"'" + p + "' --seed", "--seed needs a value"},
        {"'" + p + "' --seed abc", "--seed 'abc' is not an unsigned 64-bit integer"},
        {"'" + p + "' --seed -1", "--seed '-1'"},
        {"'" + p + "' --seed 99999999999999999999999", "--seed '99999999999999999999999' is not"},
        {"'" + p + "' --out", "--out needs a value"},
        {"'" + p + "' --out=", "--out needs a directory"},
        {"'" + p + "' --frobnicate", "unknown option '--frobnicate'"},
        {"'" + p + "' '" + p + "'", "more than one scenario"},
    };
    for (const auto &c : cases) {
        CmdRun r = vmksim(c.args);
        EXPECT_EQ(r.status, 2) << c.args;
        EXPECT_NE(r.err.find(std::string("vmksim run: ") + c.needle), std::string::npos)
            << c.args << ": " << r.err;
    }
    // --out on a path that is a file
    CmdRun r = vmksim("'" + p + "' --out '" + p + "'");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("--out " + p + ": "), std::string::npos) << r.err;
}
