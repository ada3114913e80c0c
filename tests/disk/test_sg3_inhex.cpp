// The disk's INQUIRY / READ CAPACITY responses, dumped in sg3_utils' --inhex format and decoded
// by the real sg_inq and sg_readcap (skipped when not installed, or too old for --inhex).
#include "disk_test_util.h"
#include "tests/common/shell.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

using vmksim_test::have;
using vmksim_test::sh;

class Sg3Inhex : public ::testing::Test {
protected:
    std::string dir;
    scsi_disk *d = nullptr;
    void SetUp() override
    {
        dir = std::string(VMKSIM_BINARY_DIR) + "/sg3_inhex_" + std::to_string(getpid());
        mkdir(dir.c_str(), 0755);
        scsi_disk_config c{};
        c.name = "sg3";
        c.vendor = "VMKSIM";
        c.product = "PVSCSI Disk";
        c.revision = "2.5";
        c.serial = "VMK0123456789";
        c.block_size = 4096;
        c.size_bytes = 3ull * 1000 * 4096;   // 3000 blocks
        sim_err e{};
        ASSERT_EQ(scsi_disk_new(&c, &d, &e), 0) << e.msg;
        ASSERT_EQ(scsi_disk_dump_responses(d, dir.c_str(), &e), 0) << e.msg;
    }
    void TearDown() override
    {
        scsi_disk_free(d);
        int rc;
        sh("rm -rf '" + dir + "'", &rc);
    }
};

TEST_F(Sg3Inhex, DumpIsPlainHexWithComment)
{
    std::ifstream f(dir + "/readcap10.hex");
    std::string first, second;
    std::getline(f, first);
    std::getline(f, second);
    EXPECT_EQ(first.rfind("# vmksim sg3: READ CAPACITY (10)", 0), 0u) << first;
    EXPECT_EQ(second, "00 00 0b b7 00 00 10 00");   // last LBA 2999, block length 4096
}

TEST_F(Sg3Inhex, SgInqDecodesStandardInquiry)
{
    if (!have("sg_inq"))
        GTEST_SKIP() << "sg_inq (sg3-utils) not installed";
    int rc;
    std::string out = sh("sg_inq --inhex=" + dir + "/inquiry.hex", &rc);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("Vendor identification: VMKSIM"), std::string::npos) << out;
    EXPECT_NE(out.find("Product identification: PVSCSI Disk"), std::string::npos) << out;
    EXPECT_NE(out.find("Product revision level: 2.5"), std::string::npos) << out;
    EXPECT_NE(out.find("PQual=0"), std::string::npos) << out;
    EXPECT_NE(out.find("PDT=0"), std::string::npos) << out;
    EXPECT_NE(out.find("[SPC-4]"), std::string::npos) << out;
    EXPECT_NE(out.find("CmdQue=1"), std::string::npos) << out;
}

TEST_F(Sg3Inhex, SgInqDecodesVpdPages)
{
    if (!have("sg_inq"))
        GTEST_SKIP() << "sg_inq (sg3-utils) not installed";
    int rc;
    std::string sn = sh("sg_inq --page=0x80 --inhex=" + dir + "/vpd80.hex", &rc);
    ASSERT_EQ(rc, 0) << sn;
    EXPECT_NE(sn.find("VMK0123456789"), std::string::npos) << sn;
    std::string id = sh("sg_inq --page=0x83 --inhex=" + dir + "/vpd83.hex", &rc);
    ASSERT_EQ(rc, 0) << id;
    EXPECT_NE(id.find("NAA 3"), std::string::npos) << id;
    EXPECT_NE(id.find("vendor specific: PVSCSI DiskVMK0123456789"), std::string::npos) << id;
    std::string sup = sh("sg_inq --page=0 --inhex=" + dir + "/vpd00.hex", &rc);
    ASSERT_EQ(rc, 0) << sup;
    EXPECT_NE(sup.find("0x83"), std::string::npos) << sup;
}

TEST_F(Sg3Inhex, SgReadcapDecodesCapacity)
{
    if (!have("sg_readcap"))
        GTEST_SKIP() << "sg_readcap (sg3-utils) not installed";
    int rc;
    std::string help = sh("sg_readcap --help", &rc);
    if (help.find("inhex") == std::string::npos)
        GTEST_SKIP() << "this sg_readcap has no --inhex (added after sg3-utils 1.46)";
    std::string out = sh("sg_readcap --long --inhex=" + dir + "/readcap16.hex", &rc);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("Last LBA=2999"), std::string::npos) << out;
    EXPECT_NE(out.find("Number of logical blocks=3000"), std::string::npos) << out;
    EXPECT_NE(out.find("Logical block length=4096 bytes"), std::string::npos) << out;
    std::string out10 = sh("sg_readcap --inhex=" + dir + "/readcap10.hex", &rc);
    ASSERT_EQ(rc, 0) << out10;
    EXPECT_NE(out10.find("Last LBA=2999"), std::string::npos) << out10;
}
