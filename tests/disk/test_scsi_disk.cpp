// The SCSI disk's command set, one test per command and per sense condition (SPC-4, SBC-3).
#include "disk_test_util.h"

#include <cstring>

TEST(ScsiDisk, TestUnitReadyIsGood)
{
    DiskHolder h;
    Cmd c = run(h.d, {SCSI_OP_TEST_UNIT_READY, 0, 0, 0, 0, 0});
    EXPECT_EQ(c.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(c.res.sense_len, 0);
    EXPECT_EQ(c.res.data_len, 0u);
}

TEST(ScsiDisk, InquiryStandardData)
{
    DiskHolder h;
    Cmd c = run(h.d, {SCSI_OP_INQUIRY, 0, 0, 0, 96, 0});
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    ASSERT_EQ(c.data.size(), 96u);
    EXPECT_EQ(c.data[0], 0x00);                 // qualifier 000b, direct access block device
    EXPECT_EQ(c.data[2], 0x06);                 // SPC-4
    EXPECT_EQ(c.data[3] & 0x0F, 2);             // response data format 2
    EXPECT_EQ(c.data[4], 91);                   // additional length = 96 - 5
    EXPECT_EQ(c.data[7] & 0x02, 0x02);          // CMDQUE
    EXPECT_EQ(std::string((char *)&c.data[8], 8), "VMKSIM  ");
    EXPECT_EQ(std::string((char *)&c.data[16], 16), "Virtual disk    ");
    EXPECT_EQ(std::string((char *)&c.data[32], 4), "1.0 ");
    EXPECT_EQ(c.data[58] << 8 | c.data[59], 0x00A0);   // SAM-5
    EXPECT_EQ(c.data[60] << 8 | c.data[61], 0x0460);   // SPC-4
    EXPECT_EQ(c.data[62] << 8 | c.data[63], 0x04C0);   // SBC-3
}

TEST(ScsiDisk, InquiryTruncatedToAllocationLength)
{
    DiskHolder h;
    Cmd c = run(h.d, {SCSI_OP_INQUIRY, 0, 0, 0, 36, 0});
    EXPECT_EQ(c.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(c.res.data_len, 36u);
    EXPECT_EQ(c.res.want_len, 36u);
    Cmd small = run(h.d, {SCSI_OP_INQUIRY, 0, 0, 0, 96, 0}, 20);   // HBA buffer smaller
    EXPECT_EQ(small.res.data_len, 20u);
    EXPECT_EQ(small.res.want_len, 96u);                              // -> overrun at the HBA
}

TEST(ScsiDisk, InquiryVpdSupportedPages)
{
    DiskHolder h;
    Cmd c = run(h.d, {SCSI_OP_INQUIRY, 1, 0x00, 0, 255, 0});
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    ASSERT_EQ(c.data.size(), 7u);
    EXPECT_EQ(c.data[1], 0x00);
    EXPECT_EQ(c.data[3], 3);
    EXPECT_EQ(c.data[4], 0x00);
    EXPECT_EQ(c.data[5], 0x80);
    EXPECT_EQ(c.data[6], 0x83);
}

TEST(ScsiDisk, InquiryVpdUnitSerialNumber)
{
    DiskHolder h;
    Cmd c = run(h.d, {SCSI_OP_INQUIRY, 1, 0x80, 0, 255, 0});
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(c.data[1], 0x80);
    EXPECT_EQ(c.data[3], 7);
    EXPECT_EQ(std::string((char *)&c.data[4], 7), "SER0001");
}

TEST(ScsiDisk, InquiryVpdDeviceIdentification)
{
    DiskHolder h;
    Cmd c = run(h.d, {SCSI_OP_INQUIRY, 1, 0x83, 0, 255, 0});
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(c.data[1], 0x83);
    size_t page_len = size_t(c.data[2]) << 8 | c.data[3];
    ASSERT_EQ(c.data.size(), page_len + 4);
    // first designator: NAA, binary, LU association, 8 bytes, NAA 3h
    const uint8_t *d1 = &c.data[4];
    EXPECT_EQ(d1[0] & 0x0F, 1);
    EXPECT_EQ(d1[1] & 0x3F, 0x03);
    EXPECT_EQ(d1[3], 8);
    EXPECT_EQ(d1[4] >> 4, 3);
    // second: T10 vendor ID, ASCII, vendor + product + serial
    const uint8_t *d2 = d1 + 4 + d1[3];
    EXPECT_EQ(d2[0] & 0x0F, 2);
    EXPECT_EQ(d2[1] & 0x3F, 0x01);
    EXPECT_EQ(std::string((char *)d2 + 4, d2[3]), "VMKSIM  Virtual diskSER0001");
    EXPECT_EQ(size_t(d2 + 4 + d2[3] - c.data.data()), c.data.size());
}

TEST(ScsiDisk, InquiryUnsupportedVpdPageIsInvalidField)
{
    DiskHolder h;
    expect_sense(run(h.d, {SCSI_OP_INQUIRY, 1, 0xB0, 0, 255, 0}).res, 0x5, 0x24, 0x00);
    // EVPD 0 with a page code
    expect_sense(run(h.d, {SCSI_OP_INQUIRY, 0, 0x80, 0, 255, 0}).res, 0x5, 0x24, 0x00);
    // CMDDT
    expect_sense(run(h.d, {SCSI_OP_INQUIRY, 2, 0, 0, 255, 0}).res, 0x5, 0x24, 0x00);
}

TEST(ScsiDisk, ReadCapacity10)
{
    DiskHolder h(2048, 512);
    Cmd c = run(h.d, {SCSI_OP_READ_CAPACITY_10, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    ASSERT_EQ(c.data.size(), 8u);
    EXPECT_EQ(be32(&c.data[0]), 2047u);
    EXPECT_EQ(be32(&c.data[4]), 512u);
}

TEST(ScsiDisk, ReadCapacity10WithLbaButNoPmiIsInvalidField)
{
    DiskHolder h;
    expect_sense(run(h.d, {SCSI_OP_READ_CAPACITY_10, 0, 0, 0, 0, 1, 0, 0, 0, 0}).res, 0x5, 0x24,
                 0x00);
}

TEST(ScsiDisk, ReadCapacity16)
{
    DiskHolder h(1024, 4096);
    std::vector<uint8_t> cdb(16, 0);
    cdb[0] = SCSI_OP_SERVICE_ACTION_IN_16;
    cdb[1] = SCSI_SA_READ_CAPACITY_16;
    cdb[13] = 32;
    Cmd c = run(h.d, cdb);
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    ASSERT_EQ(c.data.size(), 32u);
    EXPECT_EQ(be64(&c.data[0]), 1023u);
    EXPECT_EQ(be32(&c.data[8]), 4096u);
    EXPECT_EQ(c.data[12], 0);   // no protection
    // unknown service action of 9Eh
    cdb[1] = 0x11;
    expect_sense(run(h.d, cdb).res, 0x5, 0x24, 0x00);
}

TEST(ScsiDisk, WriteThenRead10RoundTrip)
{
    DiskHolder h;
    std::vector<uint8_t> out(3 * 512);
    for (size_t i = 0; i < out.size(); i++)
        out[i] = uint8_t(i * 7 + 3);
    Cmd w = run(h.d, cdb10(SCSI_OP_WRITE_10, 100, 3), 0, out);
    ASSERT_EQ(w.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(w.res.data_len, out.size());
    Cmd r = run(h.d, cdb10(SCSI_OP_READ_10, 100, 3), out.size());
    ASSERT_EQ(r.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(r.data, out);
    // neighbouring blocks untouched (zero)
    Cmd z = run(h.d, cdb10(SCSI_OP_READ_10, 103, 1), 512);
    EXPECT_EQ(z.data, std::vector<uint8_t>(512, 0));
}

TEST(ScsiDisk, WriteThenRead16RoundTripAtLastBlock)
{
    DiskHolder h(2048, 512);
    std::vector<uint8_t> out(512, 0x5A);
    ASSERT_EQ(run(h.d, cdb16(SCSI_OP_WRITE_16, 2047, 1), 0, out).res.status, SCSI_STATUS_GOOD);
    Cmd r = run(h.d, cdb16(SCSI_OP_READ_16, 2047, 1), 512);
    ASSERT_EQ(r.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(r.data, out);
}

TEST(ScsiDisk, ReadBeyondCapacityIsLbaOutOfRange)
{
    DiskHolder h(2048, 512);
    expect_sense(run(h.d, cdb10(SCSI_OP_READ_10, 2047, 2)).res, 0x5, 0x21, 0x00);
    expect_sense(run(h.d, cdb10(SCSI_OP_READ_10, 2048, 1)).res, 0x5, 0x21, 0x00);
    expect_sense(run(h.d, cdb16(SCSI_OP_READ_16, ~0ull, 1)).res, 0x5, 0x21, 0x00);
    std::vector<uint8_t> out(512, 1);
    expect_sense(run(h.d, cdb16(SCSI_OP_WRITE_16, 2048, 1), 0, out).res, 0x5, 0x21, 0x00);
    expect_sense(run(h.d, cdb10(SCSI_OP_WRITE_10, 5000, 1), 0, out).res, 0x5, 0x21, 0x00);
}

TEST(ScsiDisk, ZeroLengthReadAtCapacityIsGood)
{
    DiskHolder h(2048, 512);
    Cmd c = run(h.d, cdb10(SCSI_OP_READ_10, 2048, 0));   // SBC-3: LBA = capacity, 0 blocks: ok
    EXPECT_EQ(c.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(c.res.data_len, 0u);
}

TEST(ScsiDisk, ReadWithRdprotectIsInvalidField)
{
    DiskHolder h;
    auto cdb = cdb10(SCSI_OP_READ_10, 0, 1);
    cdb[1] = 0x20;
    expect_sense(run(h.d, cdb).res, 0x5, 0x24, 0x00);
}

TEST(ScsiDisk, WriteToReadOnlyDiskIsDataProtect)
{
    DiskHolder h(2048, 512, true);
    std::vector<uint8_t> out(512, 1);
    expect_sense(run(h.d, cdb10(SCSI_OP_WRITE_10, 0, 1), 0, out).res, 0x7, 0x27, 0x00);
}

TEST(ScsiDisk, WriteWithShortDataOutWritesNothing)
{
    DiskHolder h;
    std::vector<uint8_t> out(512, 0x77);
    expect_sense(run(h.d, cdb10(SCSI_OP_WRITE_10, 0, 2), 0, out).res, 0x5, 0x24, 0x00);
    Cmd r = run(h.d, cdb10(SCSI_OP_READ_10, 0, 1), 512);
    EXPECT_EQ(r.data, std::vector<uint8_t>(512, 0));
}

TEST(ScsiDisk, UnknownOpcodeIsInvalidCommandOperationCode)
{
    DiskHolder h;
    expect_sense(run(h.d, {0x04, 0, 0, 0, 0, 0}).res, 0x5, 0x20, 0x00);        // FORMAT UNIT
    expect_sense(run(h.d, {0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0}).res, 0x5, 0x20, 0x00);  // UNMAP
    expect_sense(run(h.d, {0xFF}).res, 0x5, 0x20, 0x00);
    expect_sense(run(h.d, {0x7F, 0, 0, 0, 0, 0, 0, 0}).res, 0x5, 0x20, 0x00);  // group 3
}

TEST(ScsiDisk, ShortCdbIsInvalidField)
{
    DiskHolder h;
    expect_sense(run(h.d, {SCSI_OP_READ_10, 0, 0, 0, 0, 0}).res, 0x5, 0x24, 0x00);
}

TEST(ScsiDisk, RequestSenseReturnsPendingThenNoSense)
{
    DiskHolder h;
    run(h.d, {0x04, 0, 0, 0, 0, 0});                  // leaves INVALID COMMAND OPERATION CODE
    Cmd s = run(h.d, {SCSI_OP_REQUEST_SENSE, 0, 0, 0, 252, 0});
    ASSERT_EQ(s.res.status, SCSI_STATUS_GOOD);
    ASSERT_EQ(s.data.size(), 18u);
    EXPECT_EQ(s.data[0], 0x70);
    EXPECT_EQ(s.data[2], 0x5);
    EXPECT_EQ(s.data[12], 0x20);
    Cmd again = run(h.d, {SCSI_OP_REQUEST_SENSE, 0, 0, 0, 252, 0});
    ASSERT_EQ(again.res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(again.data[2], 0x0);                   // NO SENSE
    EXPECT_EQ(again.data[12], 0x00);
}

TEST(ScsiDisk, RequestSenseAfterAutosenseIsNoSense)
{
    DiskHolder h;
    run(h.d, cdb10(SCSI_OP_READ_10, 99999, 1));
    scsi_disk_sense_delivered(h.d);                   // the HBA returned it with the status
    Cmd s = run(h.d, {SCSI_OP_REQUEST_SENSE, 0, 0, 0, 18, 0});
    EXPECT_EQ(s.data[2], 0x0);
}

TEST(ScsiDisk, RequestSenseDescriptorFormatIsInvalidField)
{
    DiskHolder h;
    expect_sense(run(h.d, {SCSI_OP_REQUEST_SENSE, 1, 0, 0, 252, 0}).res, 0x5, 0x24, 0x00);
}

TEST(ScsiDisk, ModeSense6AllPages)
{
    DiskHolder h(2048, 512);
    Cmd c = run(h.d, {SCSI_OP_MODE_SENSE_6, 0, 0x3F, 0, 255, 0});
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    // header 4 + block descriptor 8 + caching 20 + control 12
    ASSERT_EQ(c.data.size(), 44u);
    EXPECT_EQ(c.data[0], 43);                 // mode data length excludes itself
    EXPECT_EQ(c.data[2] & 0x80, 0);           // not write protected
    EXPECT_EQ(c.data[3], 8);                  // block descriptor length
    EXPECT_EQ(be32(&c.data[4]), 2048u);       // number of blocks
    EXPECT_EQ(be32(&c.data[8]) & 0xFFFFFF, 512u);
    EXPECT_EQ(c.data[12], 0x08);              // caching page
    EXPECT_EQ(c.data[13], 0x12);
    EXPECT_EQ(c.data[14] & 0x04, 0);          // WCE 0
    EXPECT_EQ(c.data[32], 0x0A);              // control page
    EXPECT_EQ(c.data[34] & 0x04, 0);          // D_SENSE 0: fixed-format sense
}

TEST(ScsiDisk, ModeSense10LongLbaAndDbd)
{
    DiskHolder h(2048, 512, true);
    Cmd c = run(h.d, {SCSI_OP_MODE_SENSE_10, 0x10, 0x08, 0, 0, 0, 0, 0, 255, 0});
    ASSERT_EQ(c.res.status, SCSI_STATUS_GOOD);
    ASSERT_EQ(c.data.size(), 8u + 16u + 20u);
    EXPECT_EQ(c.data[0] << 8 | c.data[1], 42);
    EXPECT_EQ(c.data[3] & 0x80, 0x80);        // WP: read-only disk
    EXPECT_EQ(c.data[4] & 1, 1);              // LONGLBA
    EXPECT_EQ(c.data[6] << 8 | c.data[7], 16);
    EXPECT_EQ(be64(&c.data[8]), 2048u);
    EXPECT_EQ(be32(&c.data[20]), 512u);
    Cmd dbd = run(h.d, {SCSI_OP_MODE_SENSE_10, 0x08, 0x0A, 0, 0, 0, 0, 0, 255, 0});
    ASSERT_EQ(dbd.res.status, SCSI_STATUS_GOOD);
    ASSERT_EQ(dbd.data.size(), 8u + 12u);
    EXPECT_EQ(dbd.data[8], 0x0A);
}

TEST(ScsiDisk, ModeSenseUnknownPageAndSavedValues)
{
    DiskHolder h;
    expect_sense(run(h.d, {SCSI_OP_MODE_SENSE_6, 0, 0x19, 0, 255, 0}).res, 0x5, 0x24, 0x00);
    expect_sense(run(h.d, {SCSI_OP_MODE_SENSE_6, 0, 0xC8, 0, 255, 0}).res, 0x5, 0x39, 0x00);
    expect_sense(run(h.d, {SCSI_OP_MODE_SENSE_6, 0, 0x08, 1, 255, 0}).res, 0x5, 0x24, 0x00);
}

TEST(ScsiDisk, SynchronizeCache10And16)
{
    DiskHolder h(2048, 512);
    EXPECT_EQ(run(h.d, cdb10(SCSI_OP_SYNCHRONIZE_CACHE_10, 0, 0)).res.status, SCSI_STATUS_GOOD);
    EXPECT_EQ(run(h.d, cdb16(SCSI_OP_SYNCHRONIZE_CACHE_16, 10, 100)).res.status,
              SCSI_STATUS_GOOD);
    expect_sense(run(h.d, cdb10(SCSI_OP_SYNCHRONIZE_CACHE_10, 2000, 100)).res, 0x5, 0x21, 0x00);
}

TEST(ScsiDisk, PlanDescribesTransfers)
{
    DiskHolder h(2048, 512);
    scsi_plan p;
    auto r = cdb10(SCSI_OP_READ_10, 10, 4);
    scsi_disk_plan(h.d, r.data(), r.size(), &p);
    EXPECT_EQ(p.dir, SCSI_DIR_IN);
    EXPECT_TRUE(p.media);
    EXPECT_FALSE(p.is_write);
    EXPECT_EQ(p.off, 5120u);
    EXPECT_EQ(p.len, 2048u);
    auto w = cdb16(SCSI_OP_WRITE_16, 1, 8);
    scsi_disk_plan(h.d, w.data(), w.size(), &p);
    EXPECT_EQ(p.dir, SCSI_DIR_OUT);
    EXPECT_EQ(p.xfer_len, 4096u);
    auto bad = cdb10(SCSI_OP_WRITE_10, 4000, 8);
    scsi_disk_plan(h.d, bad.data(), bad.size(), &p);
    EXPECT_EQ(p.dir, SCSI_DIR_NONE);
    EXPECT_FALSE(p.media);
    std::vector<uint8_t> inq = {SCSI_OP_INQUIRY, 0, 0, 0x01, 0x00, 0};
    scsi_disk_plan(h.d, inq.data(), inq.size(), &p);
    EXPECT_EQ(p.dir, SCSI_DIR_IN);
    EXPECT_EQ(p.xfer_len, 256u);
}

TEST(ScsiDisk, ConfigErrorsNameTheField)
{
    scsi_disk *d = nullptr;
    sim_err e{};
    scsi_disk_config c{};
    c.size_bytes = 1 << 20;
    c.block_size = 1000;
    EXPECT_EQ(scsi_disk_new(&c, &d, &e), -1);
    EXPECT_NE(std::string(e.msg).find("block size 1000"), std::string::npos);
    c.block_size = 512;
    c.vendor = "TOOLONGVENDOR";
    EXPECT_EQ(scsi_disk_new(&c, &d, &e), -1);
    EXPECT_NE(std::string(e.msg).find("vendor"), std::string::npos);
    c.vendor = nullptr;
    c.media = "floppy";
    EXPECT_EQ(scsi_disk_new(&c, &d, &e), -1);
    EXPECT_NE(std::string(e.msg).find("floppy"), std::string::npos);
    c.media = nullptr;
    c.size_bytes = 1000;
    EXPECT_EQ(scsi_disk_new(&c, &d, &e), -1);
    EXPECT_NE(std::string(e.msg).find("multiple"), std::string::npos);
}

TEST(ScsiDisk, StallSwitch)
{
    DiskHolder h;
    EXPECT_FALSE(scsi_disk_stalled(h.d));
    scsi_disk_set_stall(h.d, true);
    EXPECT_TRUE(scsi_disk_stalled(h.d));
    scsi_disk_set_stall(h.d, false);
    EXPECT_FALSE(scsi_disk_stalled(h.d));
}
