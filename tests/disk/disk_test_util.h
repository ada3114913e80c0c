// Helpers for the SCSI disk tests: build a disk, run a CDB, look at status and sense.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

extern "C" {
#include "devices/disk/scsi_disk.h"
}

struct DiskHolder {
    scsi_disk *d = nullptr;
    explicit DiskHolder(uint64_t blocks = 2048, uint32_t bs = 512, bool ro = false,
                        const char *image = nullptr)
    {
        scsi_disk_config c{};
        c.name = "t0";
        c.serial = "SER0001";
        c.block_size = bs;
        c.size_bytes = blocks * bs;
        c.read_only = ro;
        c.image = image;
        sim_err e{};
        EXPECT_EQ(scsi_disk_new(&c, &d, &e), 0) << e.msg;
    }
    ~DiskHolder() { scsi_disk_free(d); }
};

struct Cmd {
    scsi_result res{};
    std::vector<uint8_t> data;
};

inline Cmd run(scsi_disk *d, std::vector<uint8_t> cdb, size_t buf_len = 4096,
               const std::vector<uint8_t> &out = {})
{
    Cmd c;
    c.data.assign(buf_len, 0xEE);
    if (!out.empty())
        c.data = out;
    scsi_disk_exec(d, cdb.data(), cdb.size(), c.data.data(), c.data.size(), &c.res);
    if (out.empty())
        c.data.resize(c.res.data_len);
    return c;
}

inline Cmd run_t(scsi_target *t, int lun, std::vector<uint8_t> cdb, size_t buf_len = 4096)
{
    Cmd c;
    c.data.assign(buf_len, 0xEE);
    scsi_target_exec(t, lun, cdb.data(), cdb.size(), c.data.data(), c.data.size(), &c.res);
    c.data.resize(c.res.data_len);
    return c;
}

// CHECK CONDITION with fixed-format sense key/asc/ascq (SPC-4 4.5.3).
inline void expect_sense(const scsi_result &r, uint8_t key, uint8_t asc, uint8_t ascq)
{
    EXPECT_EQ(r.status, SCSI_STATUS_CHECK_CONDITION);
    ASSERT_EQ(r.sense_len, SCSI_SENSE_FIXED_LEN);
    EXPECT_EQ(r.sense[0], 0x70);
    EXPECT_EQ(r.sense[2] & 0x0F, key);
    EXPECT_EQ(r.sense[7], 10);
    EXPECT_EQ(r.sense[12], asc);
    EXPECT_EQ(r.sense[13], ascq);
}

inline std::vector<uint8_t> cdb10(uint8_t op, uint32_t lba, uint16_t n)
{
    return {op, 0, uint8_t(lba >> 24), uint8_t(lba >> 16), uint8_t(lba >> 8), uint8_t(lba), 0,
            uint8_t(n >> 8), uint8_t(n), 0};
}
inline std::vector<uint8_t> cdb16(uint8_t op, uint64_t lba, uint32_t n)
{
    std::vector<uint8_t> c(16, 0);
    c[0] = op;
    for (int i = 0; i < 8; i++)
        c[2 + i] = uint8_t(lba >> (56 - 8 * i));
    for (int i = 0; i < 4; i++)
        c[10 + i] = uint8_t(n >> (24 - 8 * i));
    return c;
}
inline uint32_t be32(const uint8_t *p) { return uint32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
inline uint64_t be64(const uint8_t *p) { return uint64_t(be32(p)) << 32 | be32(p + 4); }
