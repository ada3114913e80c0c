// A target's LUN routing: REPORT LUNS (SPC-4 6.33), an absent LUN (SPC-4 6.6.2, 6.39), and
// SAM-5 single-level LUN addressing.
#include "disk_test_util.h"

struct TargetHolder {
    scsi_target *t = scsi_target_new();
    TargetHolder(std::initializer_list<unsigned> luns)
    {
        for (unsigned l : luns) {
            scsi_disk_config c{};
            std::string name = "lun" + std::to_string(l);
            c.name = name.c_str();
            c.size_bytes = 1 << 20;
            scsi_disk *d = nullptr;
            sim_err e{};
            EXPECT_EQ(scsi_disk_new(&c, &d, &e), 0) << e.msg;
            EXPECT_EQ(scsi_target_add_lun(t, l, d, &e), 0) << e.msg;
        }
    }
    ~TargetHolder() { scsi_target_free(t); }
};

static std::vector<uint8_t> report_luns(uint8_t select, uint32_t alloc)
{
    return {SCSI_OP_REPORT_LUNS, 0, select, 0, 0, 0, uint8_t(alloc >> 24), uint8_t(alloc >> 16),
            uint8_t(alloc >> 8), uint8_t(alloc), 0, 0};
}

TEST(ScsiTarget, ReportLunsListsEveryLun)
{
    TargetHolder h({0, 3});
    Cmd c = run_t(h.t, 0, report_luns(0, 256));
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    ASSERT_EQ(c.data.size(), 24u);
    EXPECT_EQ(be32(&c.data[0]), 16u);          // LUN LIST LENGTH: two entries
    EXPECT_EQ(c.data[9], 0);
    EXPECT_EQ(c.data[17], 3);
    // also answered when addressed to a LUN with no LU
    EXPECT_EQ(run_t(h.t, 5, report_luns(2, 256)).res.status, SCSI_STATUS_GOOD);
    // well-known LUNs only: none
    Cmd wk = run_t(h.t, 0, report_luns(1, 256));
    EXPECT_EQ(be32(&wk.data[0]), 0u);
}

TEST(ScsiTarget, ReportLunsAllocationUnder16IsInvalidField)
{
    TargetHolder h({0});
    expect_sense(run_t(h.t, 0, report_luns(0, 15)).res, 0x5, 0x24, 0x00);
    expect_sense(run_t(h.t, 0, report_luns(7, 256)).res, 0x5, 0x24, 0x00);
}

TEST(ScsiTarget, AbsentLunInquiryHasQualifier011b)
{
    TargetHolder h({0});
    Cmd c = run_t(h.t, 2, {SCSI_OP_INQUIRY, 0, 0, 0, 36, 0});
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    ASSERT_EQ(c.data.size(), 36u);
    EXPECT_EQ(c.data[0], 0x7F);                // qualifier 011b, type 1Fh
}

TEST(ScsiTarget, AbsentLunRequestSenseReportsLuNotSupported)
{
    TargetHolder h({0});
    Cmd c = run_t(h.t, 1, {SCSI_OP_REQUEST_SENSE, 0, 0, 0, 18, 0});
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(c.data[2], 0x5);
    EXPECT_EQ(c.data[12], 0x25);
}

TEST(ScsiTarget, AbsentLunOtherCommandsCheckCondition)
{
    TargetHolder h({0});
    expect_sense(run_t(h.t, 1, {SCSI_OP_TEST_UNIT_READY, 0, 0, 0, 0, 0}).res, 0x5, 0x25, 0x00);
    expect_sense(run_t(h.t, -1, cdb10(SCSI_OP_READ_10, 0, 1)).res, 0x5, 0x25, 0x00);
}

TEST(ScsiTarget, PresentLunRoutesToItsDisk)
{
    TargetHolder h({0, 1});
    std::vector<uint8_t> out(512, 0x11);
    scsi_result r{};
    auto w = cdb10(SCSI_OP_WRITE_10, 0, 1);
    scsi_target_exec(h.t, 1, w.data(), w.size(), out.data(), out.size(), &r);
    ASSERT_EQ(r.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(run_t(h.t, 1, cdb10(SCSI_OP_READ_10, 0, 1), 512).data, out);
    EXPECT_EQ(run_t(h.t, 0, cdb10(SCSI_OP_READ_10, 0, 1), 512).data,
              std::vector<uint8_t>(512, 0));
}

TEST(ScsiTarget, AddLunRefusesDuplicatesAndRange)
{
    TargetHolder h({0});
    scsi_disk_config c{};
    c.size_bytes = 1 << 20;
    scsi_disk *d = nullptr;
    sim_err e{};
    ASSERT_EQ(scsi_disk_new(&c, &d, &e), 0);
    EXPECT_EQ(scsi_target_add_lun(h.t, 0, d, &e), -1);
    EXPECT_NE(std::string(e.msg).find("LUN 0 already"), std::string::npos);
    EXPECT_EQ(scsi_target_add_lun(h.t, SCSI_TARGET_MAX_LUNS, d, &e), -1);
    scsi_disk_free(d);
}

TEST(ScsiTarget, LunAddressing)
{
    uint8_t l[8];
    scsi_lun_encode(5, l);
    EXPECT_EQ(scsi_lun_decode(l), 5);
    EXPECT_EQ(l[0], 0);
    EXPECT_EQ(l[1], 5);
    scsi_lun_encode(300, l);
    EXPECT_EQ(l[0] >> 6, 1);                   // flat space
    EXPECT_EQ(scsi_lun_decode(l), 300);
    uint8_t bad[8] = {0, 1, 0, 1, 0, 0, 0, 0}; // a second level
    EXPECT_EQ(scsi_lun_decode(bad), -1);
    uint8_t lu[8] = {0x80, 1, 0, 0, 0, 0, 0, 0};   // logical unit addressing: not used
    EXPECT_EQ(scsi_lun_decode(lu), -1);
}
