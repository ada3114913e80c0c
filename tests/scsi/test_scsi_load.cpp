// Storage workload: every rw mode at queue depth 1 and 32 with verify (a sequential write fills
// the region first so reads check real patterns), the pattern on the RAM disk itself, a corrupted
// block detected, a time-bounded run, parameter errors, and determinism (same seed, same ops and
// results).
#include "test_hba.h"

namespace {

constexpr const char *kDisk = "vmhba0:C0:T0:L0";

struct ModeCase {
    kern_scsi_rw rw;
    uint32_t qd;
};

class ScsiLoad : public Scsi, public ::testing::WithParamInterface<ModeCase> {};

TEST_P(ScsiLoad, RunsVerifiedAtQueueDepth)
{
    ModeCase mc = GetParam();
    TestHba &h = make(64);
    RamLun &lu = add_lun(h, 0, 0);
    add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    ASSERT_NE(kern_scsi_disk_find(kDisk), nullptr);
    const uint64_t region = 256 * 1024, bs = 8192;
    // Fill the region so that reads find the pattern.
    kern_scsi_load_params fill = loadp(kDisk, KERN_SCSI_RW_WRITE, bs, 8, region / bs, region);
    kern_scsi_load_stats fs = run_load(fill);
    ASSERT_EQ(fs.completed, region / bs);
    h.max_queue = 0;
    kern_scsi_load_params p = loadp(kDisk, mc.rw, bs, mc.qd, 300, region);
    kern_scsi_load *l = nullptr;
    kern_scsi_load_stats st = run_load(p, &l);
    EXPECT_EQ(st.issued, 300u);
    EXPECT_EQ(st.completed, 300u);
    EXPECT_EQ(st.failed, 0u);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    EXPECT_EQ(st.verify_errors, 0u);
    EXPECT_EQ(st.reads + st.writes, 300u);
    bool reads = mc.rw == KERN_SCSI_RW_READ || mc.rw == KERN_SCSI_RW_RANDREAD ||
                 mc.rw == KERN_SCSI_RW_RANDRW;
    bool writes = mc.rw == KERN_SCSI_RW_WRITE || mc.rw == KERN_SCSI_RW_RANDWRITE ||
                  mc.rw == KERN_SCSI_RW_RANDRW;
    EXPECT_EQ(st.reads > 0, reads);
    EXPECT_EQ(st.writes > 0, writes);
    if (reads) {
        // The fill was seed 42 too: every block read carries a pattern this test wrote.
        EXPECT_EQ(st.verified_blocks, st.reads * (bs / 512));
        EXPECT_EQ(st.unverified_blocks, 0u);
    }
    EXPECT_EQ(st.bytes_read + st.bytes_written, 300 * bs);
    EXPECT_EQ(result_latency_count(kern_scsi_load_latency(l)), 300u);
    sim_time_t p50 = 0;
    ASSERT_TRUE(result_latency_percentile(kern_scsi_load_latency(l), RESULT_P50, &p50));
    EXPECT_GE(p50, 5 * SIM_US + bs * SIM_NS);   // at least the adapter's own latency
    kern_scsi_adapter_counters c{};
    kern_scsi_adapter_counters_get(kern_scsi_adapter_find("vmhba0"), &c);
    if (mc.qd == 1)
        EXPECT_EQ(h.max_queue, 1u);
    else
        EXPECT_GT(h.max_queue, 8u);
    // Every block of the region on the RAM disk carries a valid pattern at its own LBA.
    for (uint64_t lba = 0; lba < region / 512; lba++)
        ASSERT_EQ(kern_scsi_pattern_check_block(lu.data.data() + lba * 512, 512, lba, 42, 0),
                  KERN_SCSI_PATTERN_OK)
            << "LBA " << lba;
    kern_scsi_load_free(l);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, ScsiLoad,
    ::testing::Values(ModeCase{KERN_SCSI_RW_READ, 1}, ModeCase{KERN_SCSI_RW_READ, 32},
                      ModeCase{KERN_SCSI_RW_WRITE, 1}, ModeCase{KERN_SCSI_RW_WRITE, 32},
                      ModeCase{KERN_SCSI_RW_RANDREAD, 1}, ModeCase{KERN_SCSI_RW_RANDREAD, 32},
                      ModeCase{KERN_SCSI_RW_RANDWRITE, 1}, ModeCase{KERN_SCSI_RW_RANDWRITE, 32},
                      ModeCase{KERN_SCSI_RW_RANDRW, 1}, ModeCase{KERN_SCSI_RW_RANDRW, 32}),
    [](const ::testing::TestParamInfo<ModeCase> &i) {
        return std::string(kern_scsi_rw_name(i.param.rw)) + "_qd" + std::to_string(i.param.qd);
    });

TEST_F(Scsi, CorruptedBlockIsAVerifyError)
{
    TestHba &h = make();
    add_lun(h, 0, 0);
    add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    const uint64_t region = 64 * 1024;
    run_load(loadp(kDisk, KERN_SCSI_RW_WRITE, 4096, 4, region / 4096, region));
    h.corrupt_lba = 37;   // in the 5th 4 KiB I/O
    kern_scsi_load_stats st = run_load(loadp(kDisk, KERN_SCSI_RW_READ, 4096, 4, region / 4096, region));
    EXPECT_EQ(st.completed, region / 4096);
    EXPECT_EQ(st.verify_errors, 1u);
    EXPECT_EQ(st.verified_blocks, region / 512 - 1);
}

TEST_F(Scsi, ForeignDataIsAVerifyErrorAndBlankIsUnverified)
{
    TestHba &h = make();
    RamLun &lu = add_lun(h, 0, 0);
    add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    lu.data[3 * 512 + 7] = 0xEE;   // garbage in block 3; the rest blank
    kern_scsi_load_stats st = run_load(loadp(kDisk, KERN_SCSI_RW_READ, 4096, 1, 2, 8192));
    EXPECT_EQ(st.verify_errors, 1u);
    EXPECT_EQ(st.unverified_blocks, 15u);
}

TEST_F(Scsi, DurationBoundsTheRun)
{
    TestHba &h = make();
    add_lun(h, 0, 0);
    add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_load_params p = loadp(kDisk, KERN_SCSI_RW_RANDWRITE, 4096, 8, 0);
    p.duration = 2 * SIM_MS;
    kern_scsi_load_stats st = run_load(p);
    EXPECT_GT(st.completed, 100u);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    EXPECT_LE(st.first_submit + 2 * SIM_MS, st.last_end + 0);   // issuing stopped at the bound
    EXPECT_LT(st.last_end - st.first_submit, 3 * SIM_MS);
}

TEST_F(Scsi, BadParametersNameTheField)
{
    TestHba &h = make();
    add_lun(h, 0, 0, 64);
    add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_load *l = nullptr;
    kern_scsi_load_params p = loadp("vmhba9:C0:T0:L0", KERN_SCSI_RW_READ, 4096, 1, 1, 0);
    EXPECT_LT(kern_scsi_load_start(&p, &l, &err), 0);
    EXPECT_NE(std::string(err.msg).find("vmhba9"), std::string::npos);
    p = loadp(kDisk, KERN_SCSI_RW_READ, 1000, 1, 1, 0);
    EXPECT_LT(kern_scsi_load_start(&p, &l, &err), 0);
    EXPECT_NE(std::string(err.msg).find("block_size"), std::string::npos);
    p = loadp(kDisk, KERN_SCSI_RW_READ, 4096, 32, 1, 0);   // 64 blocks = 8 I/Os < qd 32
    EXPECT_LT(kern_scsi_load_start(&p, &l, &err), 0);
    EXPECT_NE(std::string(err.msg).find("queue_depth"), std::string::npos);
    p = loadp(kDisk, KERN_SCSI_RW_READ, 4096, 1, 0, 0);
    EXPECT_LT(kern_scsi_load_start(&p, &l, &err), 0);
    EXPECT_NE(std::string(err.msg).find("io_count"), std::string::npos);
    kern_scsi_rw rw;
    EXPECT_EQ(kern_scsi_rw_parse("randrw", &rw), 0);
    EXPECT_EQ(rw, KERN_SCSI_RW_RANDRW);
    EXPECT_LT(kern_scsi_rw_parse("sequential", &rw), 0);
}

struct RunResult {
    kern_scsi_load_stats st;
    sim_time_t p50, p99, max;
    std::vector<uint8_t> disk;
};

TEST_F(Scsi, SameSeedSameOpsAndResults)
{
    auto once = [&](uint64_t seed) {
        TestHba &h = make(16);
        RamLun &lu = add_lun(h, 0, 0);
        vmk_Device dev = add(h, "hba#0");
        sim_run_until(SIM_TIME_MAX);
        kern_scsi_load_params p = loadp(kDisk, KERN_SCSI_RW_RANDRW, 4096, 16, 400, 512 * 1024);
        p.seed = seed;
        kern_scsi_load *l = nullptr;
        RunResult r;
        r.st = run_load(p, &l);
        const result_latency *lat = kern_scsi_load_latency(l);
        result_latency_percentile(lat, RESULT_P50, &r.p50);
        result_latency_percentile(lat, RESULT_P99, &r.p99);
        r.max = result_latency_max(lat);
        r.disk = lu.data;
        kern_scsi_load_free(l);
        EXPECT_EQ(kern_device_remove(dev, KERN_REMOVE_ORDERLY, &err), VMK_OK) << err.msg;
        return r;
    };
    RunResult a = once(7), b = once(7), c = once(8);
    EXPECT_EQ(a.st.op_hash, b.st.op_hash);
    EXPECT_EQ(a.st.reads, b.st.reads);
    EXPECT_EQ(a.st.writes, b.st.writes);
    EXPECT_EQ(a.st.verified_blocks, b.st.verified_blocks);
    // The runs start at different absolute times in this one process, so cycle-to-picosecond
    // rounding may differ by a picosecond or so; a fresh process repeats a run bit for bit.
    sim_time_t da = a.st.last_end - a.st.first_submit, db = b.st.last_end - b.st.first_submit;
    EXPECT_LE(da > db ? da - db : db - da, SIM_NS);
    EXPECT_EQ(a.p50, b.p50);
    EXPECT_EQ(a.p99, b.p99);
    EXPECT_EQ(a.max, b.max);
    EXPECT_TRUE(a.disk == b.disk);
    EXPECT_NE(a.st.op_hash, c.st.op_hash);
    EXPECT_FALSE(a.disk == c.disk);
}

}  // namespace
