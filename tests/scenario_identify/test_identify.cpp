// test_identify.cpp — identify{} sends the identification commands through the kernel's storage
// layer, the bound PVSCSI driver, the HBA's rings and DMA to the disk model, and dumps what came
// back in sg3_utils' --inhex format; the real sg_inq decodes it (skipped when not installed),
// and the READ CAPACITY bytes are checked here (bookworm's sg_readcap 1.46 has no --inhex).
#include "tests/common/vmksim_cli.h"
#include "tests/common/shell.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using vmksim_test::CmdRun;
using vmksim_test::have;
using vmksim_test::sh;

// The hex bytes of a --inhex file (comment lines skipped).
std::vector<unsigned> hex_bytes(const std::string &path)
{
    std::ifstream f(path);
    std::vector<unsigned> v;
    std::string line;
    while (std::getline(f, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream ss(line);
        std::string tok;
        while (ss >> tok)
            v.push_back(static_cast<unsigned>(std::stoul(tok, nullptr, 16)));
    }
    return v;
}

// 96 MiB of 512-byte blocks: last LBA 196607.
std::string script(const char *style)
{
    return std::string(R"lua(platform { cpus = 2, root_ports = {
  port { slot = 2, link = { gen = 3, width = 8 }, device = endpoint { model = "pvscsi", name = "hba0" } } } }
boot()
disk { device = "hba0", target = 0, size = "96MiB", preset = "nvme" }
driver { device = "hba0", style = ")lua") + style + R"lua(" }
local id = identify { disk = "vmhba0:C0:T0:L0", dump = "ident" }
expect_eq(id.blocks, 196608, 'blocks')
expect_eq(id.block_size, 512, 'block size')
expect_eq(id.readcap16_bytes, 32, 'READ CAPACITY (16) bytes')
expect_eq(id.readcap10_bytes, 8, 'READ CAPACITY (10) bytes')
)lua";
}

class Identify : public vmksim_test::VmksimCli {
protected:
    void check_dump(const std::string &d)
    {
        std::vector<unsigned> rc10 = hex_bytes(d + "/readcap10.hex");
        ASSERT_EQ(rc10.size(), 8u);
        // SBC-3 5.15.2: RETURNED LOGICAL BLOCK ADDRESS (last LBA), BLOCK LENGTH IN BYTES
        EXPECT_EQ(rc10[0] << 24 | rc10[1] << 16 | rc10[2] << 8 | rc10[3], 196607u);
        EXPECT_EQ(rc10[4] << 24 | rc10[5] << 16 | rc10[6] << 8 | rc10[7], 512u);
        std::vector<unsigned> rc16 = hex_bytes(d + "/readcap16.hex");
        ASSERT_EQ(rc16.size(), 32u);
        uint64_t last = 0;
        for (int i = 0; i < 8; i++)
            last = last << 8 | rc16[i];
        EXPECT_EQ(last, 196607u);
        if (!have("sg_inq"))
            GTEST_SKIP() << "sg_inq (sg3-utils) not installed";
        int rc;
        std::string inq = sh("sg_inq --inhex=" + d + "/inquiry.hex", &rc);
        ASSERT_EQ(rc, 0) << inq;
        EXPECT_NE(inq.find("Peripheral device type: disk"), std::string::npos) << inq;
        EXPECT_NE(inq.find("Vendor identification: VMKSIM"), std::string::npos) << inq;
        std::string sn = sh("sg_inq --page=0x80 --inhex=" + d + "/vpd80.hex", &rc);
        ASSERT_EQ(rc, 0) << sn;
        EXPECT_NE(sn.find("Unit serial number"), std::string::npos) << sn;
        std::string id = sh("sg_inq --page=0x83 --inhex=" + d + "/vpd83.hex", &rc);
        ASSERT_EQ(rc, 0) << id;
        EXPECT_NE(id.find("Device Identification page"), std::string::npos) << id;
        EXPECT_NE(id.find("NAA"), std::string::npos) << id;
        std::string sup = sh("sg_inq --page=0 --inhex=" + d + "/vpd00.hex", &rc);
        ASSERT_EQ(rc, 0) << sup;
        EXPECT_NE(sup.find("0x83"), std::string::npos) << sup;
    }
};

}  // namespace

TEST_F(Identify, ResponsesThroughTheNativeDriverDecodeWithSg3Utils)
{
    CmdRun r = vmksim("'" + write("n.lua", script("native")) + "' --out '" + dir + "/o'");
    ASSERT_EQ(r.status, 0) << r.err;
    check_dump(dir + "/o/ident");
}

TEST_F(Identify, ResponsesThroughTheLinuxDriverOnVmklinuxDecodeWithSg3Utils)
{
    CmdRun r = vmksim("'" + write("l.lua", script("vmklinux")) + "' --out '" + dir + "/o'");
    ASSERT_EQ(r.status, 0) << r.err;
    check_dump(dir + "/o/ident");
}

TEST_F(Identify, BadArgumentsStopAtTheirLine)
{
    const char *plat = "platform { cpus = 1, root_ports = { port { slot = 2, device = endpoint { "
                       "model = \"pvscsi\", name = \"hba0\" } } } }\nboot()\n";
    EXPECT_TRUE(ScriptFailsAt(std::string(plat) + "identify { disk = \"vmhba0:C0:T0:L0\" }\n", 3,
                              "was not discovered"));
    EXPECT_TRUE(ScriptFailsAt(std::string(plat) + "identify { }\n", 3, "missing field 'disk'"));
    EXPECT_TRUE(ScriptFailsAt(std::string(plat) + "identify { disk = \"x\", dump = \"d\" }\n", 3,
                              "needs an --out folder"));
    EXPECT_TRUE(ScriptFailsAt(std::string(plat) + "identify { disk = \"x\", dunp = \"d\" }\n", 3,
                              "dunp"));
}
