// test_stdout.cpp — the engine keeps stdout clean: `vmksim lspci -x` and `--json` output go there,
// so neither the SystemC banner nor any SystemC message may (runs tests/sim/engine_probe.c).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

std::string run_probe(int *status)
{
    std::string cmd = std::string(SIM_ENGINE_PROBE) + " 2>/dev/null";
    FILE *p = popen(cmd.c_str(), "r");
    std::string out;
    if (!p)
        return "<popen failed>";
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    *status = pclose(p);
    return out;
}

TEST(SimEngine, WritesNothingToStdout)
{
    int status = -1;
    std::string out = run_probe(&status);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(out, "");
}

TEST(SimEngine, LogGoesToStderrFromAProgramWithItsOwnMain)
{
    std::string cmd = std::string(SIM_ENGINE_PROBE) + " 2>&1 >/dev/null";
    FILE *p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string err;
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        err.append(buf, n);
    int status = pclose(p);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(err, "[    0.000000000000] info  probe: before the engine starts\n"
                   "[    0.000000015000] info  probe: done\n");
}

} // namespace
