// `vmksim pcie-bw` run as a user runs it: JSON and text output, and one clear message with exit
// status 2 for every bad input.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct CmdResult {
    int status;
    std::string out;
};

// Runs vmksim with args; captures stdout (stderr to /dev/null) or stderr (stdout to /dev/null).
CmdResult vmksim(const std::string &args, bool want_stderr)
{
    std::string cmd = std::string("'") + VMKSIM_BINARY_DIR + "/vmksim' pcie-bw " + args +
                      (want_stderr ? " 2>&1 >/dev/null" : " 2>/dev/null");
    FILE *p = popen(cmd.c_str(), "r");
    EXPECT_NE(p, nullptr) << cmd;
    CmdResult r{-1, ""};
    if (!p)
        return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        r.out.append(buf, n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

double json_number(const std::string &json, const std::string &key)
{
    std::string k = "\"" + key + "\": ";
    size_t at = json.find(k);
    EXPECT_NE(at, std::string::npos) << "no key " << key << " in " << json;
    if (at == std::string::npos)
        return -1;
    return std::strtod(json.c_str() + at + k.size(), nullptr);
}

const char *kGood = "--gen 3 --width 8 --mps 256 --mrrs 512 ";

}  // namespace

TEST(PcieBwCli, JsonReportsTheModelForTheDefaultPcieBenchLink)
{
    CmdResult r = vmksim(std::string(kGood) + "--addr 64 --size 1500 --json", false);
    ASSERT_EQ(r.status, 0) << r.out;
    // shared/reference/pcie.md §1, pcie-bench gen3 x8 table, 1500 B: 52.81 / 53.60 / 50.60 Gb/s.
    EXPECT_NEAR(json_number(r.out, "write_gbps"), 52.81, 0.006);
    EXPECT_NEAR(json_number(r.out, "read_gbps"), 53.60, 0.006);
    EXPECT_NEAR(json_number(r.out, "rw_gbps"), 50.60, 0.006);
    EXPECT_NEAR(json_number(r.out, "raw_gbps"), 63.02, 0.006);
    EXPECT_NEAR(json_number(r.out, "tlp_gbps"), 57.88, 0.006);
    EXPECT_EQ(json_number(r.out, "gen"), 3);
    EXPECT_EQ(json_number(r.out, "width"), 8);
    EXPECT_EQ(json_number(r.out, "mps"), 256);
    EXPECT_EQ(json_number(r.out, "mrrs"), 512);
    EXPECT_EQ(json_number(r.out, "addr"), 64);
    EXPECT_EQ(json_number(r.out, "size"), 1500);
    EXPECT_NE(r.out.find("\"completion_split\": \"mps\""), std::string::npos);
    EXPECT_EQ(r.out.front(), '{');
    EXPECT_EQ(r.out.substr(r.out.size() - 2), "}\n");
}

TEST(PcieBwCli, AddressWidthAndRcbChangeTheResult)
{
    CmdResult a64 = vmksim(std::string(kGood) + "--size 64 --json", false);
    CmdResult a32 = vmksim(std::string(kGood) + "--addr 32 --size 64 --json", false);
    ASSERT_EQ(a64.status, 0);
    ASSERT_EQ(a32.status, 0);
    EXPECT_NEAR(json_number(a64.out, "write_gbps"), 42.10, 0.006);  // 64-bit is the default
    // 32-bit: 20 B instead of 24 B per MWr: 64 * 57.884766 / 84.
    EXPECT_NEAR(json_number(a32.out, "write_gbps"), 64 * 57.884766 / 84, 1e-4);
    CmdResult rcb = vmksim(std::string(kGood) + "--rcb 64 --size 1024 --json", false);
    CmdResult mps = vmksim(std::string(kGood) + "--size 1024 --json", false);
    ASSERT_EQ(rcb.status, 0);
    EXPECT_NE(rcb.out.find("\"rcb\": 64"), std::string::npos);
    EXPECT_EQ(json_number(rcb.out, "cpld"), 16);
    EXPECT_EQ(json_number(mps.out, "cpld"), 4);
    EXPECT_LT(json_number(rcb.out, "read_gbps"), json_number(mps.out, "read_gbps"));
}

TEST(PcieBwCli, TextOutputNamesEachFigure)
{
    CmdResult r = vmksim("--gen=5 --width=16 --mps=512 --mrrs=4096 --size=65536", false);
    ASSERT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("PCIe gen5 x16, MPS 512, MRRS 4096"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("DMA write"), std::string::npos);
    EXPECT_NE(r.out.find("DMA read "), std::string::npos);
    EXPECT_NE(r.out.find("DMA read+write"), std::string::npos);
    EXPECT_NE(r.out.find("128 MWr"), std::string::npos) << r.out;
}

TEST(PcieBwCli, HelpExitsZero)
{
    CmdResult r = vmksim("--help", false);
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("usage: vmksim pcie-bw"), std::string::npos);
}

struct BadCase {
    const char *args;
    const char *message;
};

class PcieBwCliBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(PcieBwCliBadInput, PrintsOneClearMessageAndExits2)
{
    const BadCase &c = GetParam();
    CmdResult r = vmksim(c.args, true);
    EXPECT_EQ(r.status, 2) << c.args;
    EXPECT_EQ(r.out, std::string("vmksim pcie-bw: ") + c.message + "\n") << c.args;
    CmdResult out = vmksim(c.args, false);
    EXPECT_EQ(out.out, "") << "nothing on stdout for " << c.args;
}

INSTANTIATE_TEST_SUITE_P(
    Each, PcieBwCliBadInput,
    ::testing::Values(
        BadCase{"--gen 7 --width 8 --mps 256 --mrrs 512 --size 64", "--gen: 7 is not one of 1, 2, 3, 4, 5"},
        BadCase{"--gen 3 --width 7 --mps 256 --mrrs 512 --size 64", "--width: 7 is not one of 1, 2, 4, 8, 16"},
        BadCase{"--gen 3 --width 12 --mps 256 --mrrs 512 --size 64", "--width: 12 is not one of 1, 2, 4, 8, 16"},
        BadCase{"--gen 3 --width 8 --mps 100 --mrrs 512 --size 64",
                "--mps: 100 is not one of 128, 256, 512, 1024, 2048, 4096"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 8192 --size 64",
                "--mrrs: 8192 is not one of 128, 256, 512, 1024, 2048, 4096"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 --addr 48 --size 64", "--addr: 48 is not one of 32, 64"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 --rcb 32 --size 64", "--rcb: 32 is not one of 64, 128"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512", "--size is required (see vmksim pcie-bw --help)"},
        BadCase{"--width 8 --mps 256 --mrrs 512 --size 64", "--gen is required (see vmksim pcie-bw --help)"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 --size abc", "--size: 'abc' is not a number"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 --size 12k", "--size: '12k' is not a number"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 --size -5", "--size: '-5' is not a number"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 --size 0", "--size: 0 is not in 1 ... 1099511627776"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 --size 99999999999999999999",
                "--size: 99999999999999999999 is larger than 1099511627776"},
        BadCase{"--gen three --width 8 --mps 256 --mrrs 512 --size 64", "--gen: 'three' is not a number"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 --size 64 --ecrc",
                "unknown option '--ecrc' (see vmksim pcie-bw --help)"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 --size", "--size needs a value"},
        BadCase{"--gen 3 --width 8 --mps 256 --mrrs 512 64", "unknown option '64' (see vmksim pcie-bw --help)"}));
