// RAM and raw-image backends: data round trip, sparse RAM, image errors that name the file.
#include "disk_test_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

extern "C" {
#include "devices/disk/disk_backend.h"
}

static std::string tmp_path(const char *tag)
{
    return std::string(VMKSIM_BINARY_DIR) + "/test_disk_" + tag + "_" + std::to_string(getpid()) +
           ".img";
}

static void make_file(const std::string &p, size_t size, uint8_t fill)
{
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    std::vector<char> buf(size, char(fill));
    f.write(buf.data(), std::streamsize(size));
}

TEST(DiskBackend, RamCrossesChunkBoundariesAndReadsZerosUnwritten)
{
    disk_backend *b = nullptr;
    sim_err e{};
    ASSERT_EQ(disk_backend_ram(4 * DISK_RAM_CHUNK, &b, &e), 0) << e.msg;
    std::vector<uint8_t> w(DISK_RAM_CHUNK + 100);
    for (size_t i = 0; i < w.size(); i++)
        w[i] = uint8_t(i ^ (i >> 8));
    ASSERT_EQ(disk_backend_write(b, DISK_RAM_CHUNK - 50, w.data(), w.size(), &e), 0);
    std::vector<uint8_t> r(w.size());
    ASSERT_EQ(disk_backend_read(b, DISK_RAM_CHUNK - 50, r.data(), r.size(), &e), 0);
    EXPECT_EQ(r, w);
    std::vector<uint8_t> z(64, 0xFF);
    ASSERT_EQ(disk_backend_read(b, 3 * DISK_RAM_CHUNK, z.data(), z.size(), &e), 0);
    EXPECT_EQ(z, std::vector<uint8_t>(64, 0));
    EXPECT_EQ(disk_backend_read(b, 4 * DISK_RAM_CHUNK - 1, z.data(), 2, &e), -1);
    EXPECT_STREQ(disk_backend_describe(b), "ram");
    disk_backend_free(b);
}

TEST(DiskBackend, RamSizeLimits)
{
    disk_backend *b = nullptr;
    sim_err e{};
    EXPECT_EQ(disk_backend_ram(0, &b, &e), -1);
    EXPECT_EQ(disk_backend_ram(DISK_RAM_MAX_BYTES + 1, &b, &e), -1);
    EXPECT_NE(std::string(e.msg).find("exceeds"), std::string::npos);
}

TEST(DiskBackend, MissingImageNamesTheFile)
{
    scsi_disk_config c{};
    c.image = "/nonexistent/dir/disk0.img";
    scsi_disk *d = nullptr;
    sim_err e{};
    EXPECT_EQ(scsi_disk_new(&c, &d, &e), -1);
    EXPECT_NE(std::string(e.msg).find("/nonexistent/dir/disk0.img"), std::string::npos) << e.msg;
    EXPECT_NE(std::string(e.msg).find("No such file"), std::string::npos) << e.msg;
}

TEST(DiskBackend, UnreadableImageNamesTheFile)
{
    if (geteuid() == 0)
        GTEST_SKIP() << "root reads files regardless of their mode";
    std::string p = tmp_path("noperm");
    make_file(p, 4096, 0);
    chmod(p.c_str(), 0);
    scsi_disk_config c{};
    c.image = p.c_str();
    scsi_disk *d = nullptr;
    sim_err e{};
    EXPECT_EQ(scsi_disk_new(&c, &d, &e), -1);
    EXPECT_NE(std::string(e.msg).find(p), std::string::npos) << e.msg;
    unlink(p.c_str());
}

TEST(DiskBackend, DirectoryAndBadSizeImagesAreRefused)
{
    sim_err e{};
    disk_backend *b = nullptr;
    EXPECT_EQ(disk_backend_file(VMKSIM_BINARY_DIR, 512, true, &b, &e), -1);
    EXPECT_NE(std::string(e.msg).find(VMKSIM_BINARY_DIR), std::string::npos) << e.msg;
    std::string p = tmp_path("odd");
    make_file(p, 1000, 0);
    EXPECT_EQ(disk_backend_file(p.c_str(), 512, false, &b, &e), -1);
    EXPECT_NE(std::string(e.msg).find("not a non-zero multiple"), std::string::npos) << e.msg;
    make_file(p, 0, 0);
    EXPECT_EQ(disk_backend_file(p.c_str(), 512, false, &b, &e), -1);
    unlink(p.c_str());
}

TEST(DiskBackend, ImageWritesLandInTheFile)
{
    std::string p = tmp_path("rw");
    make_file(p, 64 * 512, 0xAB);
    {
        DiskHolder h(0, 512, false, p.c_str());
        ASSERT_EQ(scsi_disk_num_blocks(h.d), 64u);
        std::vector<uint8_t> out(2 * 512);
        for (size_t i = 0; i < out.size(); i++)
            out[i] = uint8_t(i * 13);
        ASSERT_EQ(run(h.d, cdb10(SCSI_OP_WRITE_10, 5, 2), 0, out).res.status, SCSI_STATUS_GOOD);
        ASSERT_EQ(run(h.d, cdb10(SCSI_OP_SYNCHRONIZE_CACHE_10, 0, 0)).res.status,
                  SCSI_STATUS_GOOD);
        // read back an untouched block: the file's own content
        EXPECT_EQ(run(h.d, cdb10(SCSI_OP_READ_10, 0, 1), 512).data,
                  std::vector<uint8_t>(512, 0xAB));
        // the file, read directly, holds the written blocks
        std::ifstream f(p, std::ios::binary);
        std::vector<char> all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        ASSERT_EQ(all.size(), 64u * 512u);
        EXPECT_EQ(0, memcmp(all.data() + 5 * 512, out.data(), out.size()));
        EXPECT_EQ(uint8_t(all[7 * 512]), 0xAB);
    }
    unlink(p.c_str());
}

TEST(DiskBackend, ReadOnlyImageRefusesWrites)
{
    std::string p = tmp_path("ro");
    make_file(p, 8 * 512, 0);
    DiskHolder h(0, 512, true, p.c_str());
    std::vector<uint8_t> out(512, 1);
    expect_sense(run(h.d, cdb10(SCSI_OP_WRITE_10, 0, 1), 0, out).res, 0x7, 0x27, 0x00);
    unlink(p.c_str());
}
