// The media timing model: access latency (random vs sequential), bandwidth, channels, presets.
#include <gtest/gtest.h>

extern "C" {
#include "devices/disk/disk_media.h"
}

TEST(DiskMedia, PresetsCarryTheirSourcedFigures)
{
    disk_media_params p;
    sim_err e{};
    ASSERT_EQ(disk_media_preset("nvme", &p, &e), 0);
    EXPECT_EQ(p.read_latency, 85 * SIM_US);
    EXPECT_EQ(p.channels, 42u);
    ASSERT_EQ(disk_media_preset("disk", &p, &e), 0);
    EXPECT_EQ(p.read_latency, 11560 * SIM_US);    // 7.4 ms seek + 4.16 ms rotation
    EXPECT_EQ(p.channels, 1u);
    EXPECT_EQ(disk_media_preset("tape", &p, &e), -1);
    EXPECT_NE(std::string(e.msg).find("tape"), std::string::npos);
}

TEST(DiskMedia, TransferTimeRoundsUp)
{
    EXPECT_EQ(disk_media_xfer_time(4096, 0), 0u);
    EXPECT_EQ(disk_media_xfer_time(1000, 1000000000ull), 1000 * SIM_NS);
    EXPECT_EQ(disk_media_xfer_time(1, 3), SIM_SEC / 3 + 1);
}

TEST(DiskMedia, SpinningDiskSequentialSkipsSeek)
{
    disk_media_params p;
    ASSERT_EQ(disk_media_preset("disk", &p, nullptr), 0);
    disk_media m;
    disk_media_init(&m, &p);
    sim_time_t x = disk_media_xfer_time(4096, p.read_bytes_per_s);
    sim_time_t t1 = disk_media_schedule(&m, 0, false, 1 << 20, 4096);
    EXPECT_EQ(t1, p.read_latency + x);
    // next access right behind it: sequential, no seek; arrives before t1, waits for the head
    sim_time_t t2 = disk_media_schedule(&m, 0, false, (1 << 20) + 4096, 4096);
    EXPECT_EQ(t2, t1 + x);
    // random access afterwards pays the full latency again, after the head is free
    sim_time_t t3 = disk_media_schedule(&m, t2, false, 0, 4096);
    EXPECT_EQ(t3, t2 + p.read_latency + x);
    EXPECT_EQ(m.seq_accesses, 1u);
}

TEST(DiskMedia, NvmeChannelsOverlapAndIopsFollowFromThem)
{
    disk_media_params p;
    ASSERT_EQ(disk_media_preset("nvme", &p, nullptr), 0);
    disk_media m;
    disk_media_init(&m, &p);
    // 420 random 4 KiB reads all arriving at 0: 42 channels -> 10 rounds of 85 us (+ transfer,
    // which the data path serialises at 3.2 GB/s = 1.28 us per 4 KiB)
    sim_time_t last = 0;
    for (int i = 0; i < 420; i++)
        last = disk_media_schedule(&m, 0, false, uint64_t(i) * 1000000, 4096);
    double iops = 420.0 / (double(last) / double(SIM_SEC));
    EXPECT_GT(iops, 400000.0);
    EXPECT_LT(iops, 500000.0);    // the preset's 490,000 read IOPS, within the model's rounding
}

TEST(DiskMedia, BandwidthBoundsLargeTransfers)
{
    disk_media_params p;
    ASSERT_EQ(disk_media_preset("nvme", &p, nullptr), 0);
    disk_media m;
    disk_media_init(&m, &p);
    sim_time_t last = 0;
    uint64_t off = 0;
    for (int i = 0; i < 64; i++, off += 128 * 1024)
        last = disk_media_schedule(&m, 0, false, off, 128 * 1024);
    double gbps = double(off) / (double(last) / double(SIM_SEC)) / 1e9;
    EXPECT_GT(gbps, 3.0);
    EXPECT_LE(gbps, 3.2);
}

TEST(DiskMedia, IdealHasNoTime)
{
    disk_media_params p;
    ASSERT_EQ(disk_media_preset("ideal", &p, nullptr), 0);
    disk_media m;
    disk_media_init(&m, &p);
    EXPECT_EQ(disk_media_schedule(&m, 12345, true, 0, 1 << 20), 12345u);
}

TEST(DiskMedia, ValidateChannels)
{
    disk_media_params p{};
    p.channels = 0;
    sim_err e{};
    EXPECT_EQ(disk_media_validate(&p, &e), -1);
    p.channels = DISK_MEDIA_MAX_CHANNELS + 1;
    EXPECT_EQ(disk_media_validate(&p, &e), -1);
    p.channels = 4;
    EXPECT_EQ(disk_media_validate(&p, &e), 0);
}
