// test_pvscsi.cpp — the PVSCSI model driven through its registers like a driver would, from sim
// threads: command-register setup, request/completion rings with s/g lists (chained past one
// page), ring wrap, sense, target notices, abort of a stalled command, an image-file disk.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <vector>

#include "devices/hba/pvscsi.h"
#include "devices/hba/pvscsi_pci.h"
#include "devices/hba/pvscsi_regs.h"
#include "devices/pcie/pci_access.h"
#include "devices/pcie/pcie_regs.h"
#include "kernel_model/kernel.h"
#include "sim/sim.h"

namespace {

constexpr uint64_t kMem = 0x100000000ULL, kMemSize = 4u << 20, kPage = 4096;
// host memory map (pages from kMem)
constexpr uint64_t kRS = kMem, kReq = kMem + 0x1000, kCmp = kMem + 0x2000, kMsg = kMem + 0x3000;
constexpr uint64_t kSg = kMem + 0x10000, kData = kMem + 0x40000, kSense = kMem + 0x8000;

struct Host {
    std::vector<uint8_t> mem = std::vector<uint8_t>(kMemSize);
    std::vector<uint32_t> msis;
    uint8_t *at(uint64_t a) { return mem.data() + (a - kMem); }
    uint32_t r32(uint64_t a) { uint32_t v; memcpy(&v, at(a), 4); return v; }
    uint64_t r64(uint64_t a) { uint64_t v; memcpy(&v, at(a), 8); return v; }
    void w32(uint64_t a, uint32_t v) { memcpy(at(a), &v, 4); }
    void w64(uint64_t a, uint64_t v) { memcpy(at(a), &v, 8); }
};

int host_dma(void *c, uint16_t, uint64_t a, void *b, size_t n, bool w)
{
    Host *h = static_cast<Host *>(c);
    if (a < kMem || a + n > kMem + kMemSize)
        return PCIE_DMA_FAULT;
    if (w)
        memcpy(h->at(a), b, n);
    else
        memcpy(b, h->at(a), n);
    return PCIE_DMA_OK;
}
void host_msi(void *c, uint16_t, uint64_t, uint32_t d) { static_cast<Host *>(c)->msis.push_back(d); }
void host_intx(void *, uint16_t, int, bool) {}
const pcie_host_ops kOps = {host_dma, host_msi, host_intx};

void thread_fn(void *a) { (*static_cast<std::function<void()> *>(a))(); }

struct Loc { uint8_t bus = 0, dev = 0, fn = 0; };
void visit(void *c, const pcie_topo_node *n)
{
    if (n->kind == PCIE_FN_ENDPOINT && strcmp(n->name, "hba0") == 0) {
        Loc *l = static_cast<Loc *>(c);
        l->bus = n->bus; l->dev = n->dev; l->fn = n->fn;
    }
}

scsi_target *make_target(uint64_t blocks, const char *image = nullptr)
{
    scsi_disk_config c{};
    c.name = "d0";
    c.size_bytes = blocks * 512;
    c.image = image;
    scsi_disk *d = nullptr;
    sim_err e{};
    EXPECT_EQ(scsi_disk_new(&c, &d, &e), 0) << e.msg;
    scsi_target *t = scsi_target_new();
    EXPECT_EQ(scsi_target_add_lun(t, 0, d, &e), 0);
    return t;
}

class Pvscsi : public ::testing::Test {
protected:
    platform_desc desc;
    kern_system *sys = nullptr;
    Host host;
    pvscsi *hba = nullptr;
    uint64_t bar1 = 0;
    Loc loc;
    uint64_t ctx_next = 1;
    uint32_t req_prod = 0, cmp_seen = 0;
    unsigned req_entries = 32, cmp_entries = 128;

    void SetUp() override
    {
        sim_log_set_level(SIM_LOG_WARN);
        platform_desc_init(&desc);
        desc.nroot_ports = 1;
        desc.root_ports[0].link = pcie_link_params_default();
        desc.root_ports[0].kind = PCIE_NODE_ENDPOINT;
        snprintf(desc.root_ports[0].endpoint.model, sizeof desc.root_ports[0].endpoint.model,
                 "pvscsi");
        snprintf(desc.root_ports[0].endpoint.name, sizeof desc.root_ports[0].endpoint.name,
                 "hba0");
        sim_err e{};
        ASSERT_EQ(kern_boot(&desc, &sys, &e), 0) << e.msg;
        pcie_fabric_set_host(sys->fabric, &kOps, &host);
        hba = pvscsi_of(pcie_fabric_find_endpoint(sys->fabric, "hba0"));
        ASSERT_NE(hba, nullptr);
        pcie_fabric_walk(sys->fabric, visit, &loc);
        uint64_t lo = pcie_cfg_read(sys->fabric, loc.bus, loc.dev, loc.fn, 0x14, 4) & ~0xFULL;
        uint64_t hi = pcie_cfg_read(sys->fabric, loc.bus, loc.dev, loc.fn, 0x18, 4);
        bar1 = hi << 32 | lo;
        ASSERT_NE(bar1, 0u);
        // MSI-X on (Message Control bit 15)
        uint16_t mc = (uint16_t)pcie_cfg_read(sys->fabric, loc.bus, loc.dev, loc.fn,
                                              PVSCSI_PCI_CAP_MSIX + 2, 2);
        pcie_cfg_write(sys->fabric, loc.bus, loc.dev, loc.fn, PVSCSI_PCI_CAP_MSIX + 2, 2,
                       mc | 0x8000);
    }
    void TearDown() override
    {
        kern_shutdown(sys);
        platform_desc_free(&desc);
    }
    void run(std::function<void()> body)
    {
        sim_thread_spawn("drv", thread_fn, &body);
        sim_run_until(SIM_TIME_MAX);
    }
    // ---- driver-side helpers (call from a sim thread) ----
    void wr(uint32_t off, uint32_t v) { pcie_mmio_write(sys->fabric, bar1 + off, 4, v); }
    uint32_t rd(uint32_t off) { return (uint32_t)pcie_mmio_read(sys->fabric, bar1 + off, 4); }
    void cmd(uint32_t c, const std::vector<uint32_t> &words)
    {
        wr(PVSCSI_REG_OFFSET_COMMAND, c);
        for (uint32_t w : words)
            wr(PVSCSI_REG_OFFSET_COMMAND_DATA, w);
    }
    void setup(bool msg_ring = true)
    {
        // MSI-X vector 0: address/data, unmasked
        wr(6 * 4096 + 0, 0xFEE00000u);
        wr(6 * 4096 + 4, 0);
        wr(6 * 4096 + 8, 0x41);
        wr(6 * 4096 + 12, 0);
        std::vector<uint32_t> w(PVSCSI_SETUP_RINGS_WORDS, 0);
        w[0] = 1;                               // request pages
        w[1] = 1;                               // completion pages
        w[2] = (uint32_t)(kRS / kPage);
        w[3] = (uint32_t)((kRS / kPage) >> 32);
        w[4] = (uint32_t)(kReq / kPage);
        w[5] = (uint32_t)((kReq / kPage) >> 32);
        w[4 + 64] = (uint32_t)(kCmp / kPage);
        w[5 + 64] = (uint32_t)((kCmp / kPage) >> 32);
        cmd(PVSCSI_CMD_SETUP_RINGS, w);
        ASSERT_EQ(rd(PVSCSI_REG_OFFSET_COMMAND_STATUS), 0u);
        if (msg_ring) {
            wr(PVSCSI_REG_OFFSET_COMMAND, PVSCSI_CMD_SETUP_MSG_RING);
            ASSERT_EQ(rd(PVSCSI_REG_OFFSET_COMMAND_STATUS), (uint32_t)PVSCSI_SETUP_MSG_RING_WORDS);
            std::vector<uint32_t> m(PVSCSI_SETUP_MSG_RING_WORDS, 0);
            m[0] = 1;
            m[2] = (uint32_t)(kMsg / kPage);
            m[3] = (uint32_t)((kMsg / kPage) >> 32);
            for (uint32_t x : m)
                wr(PVSCSI_REG_OFFSET_COMMAND_DATA, x);
            ASSERT_EQ(rd(PVSCSI_REG_OFFSET_COMMAND_STATUS), 0u);
        }
        wr(PVSCSI_REG_OFFSET_INTR_MASK, PVSCSI_INTR_CMPL_0 | PVSCSI_INTR_MSG_0);
        sim_wait(10 * SIM_US);
    }
    // posts a request; returns its context
    uint64_t post(uint8_t target, std::vector<uint8_t> cdb, uint64_t data, uint64_t len,
                  uint32_t flags, uint64_t sense = 0)
    {
        uint64_t a = kReq + (req_prod % req_entries) * PVSCSI_REQ_DESC_SIZE;
        memset(host.at(a), 0, PVSCSI_REQ_DESC_SIZE);
        uint64_t ctx = ctx_next++;
        host.w64(a + PVSCSI_REQ_CONTEXT, ctx);
        host.w64(a + PVSCSI_REQ_DATA_ADDR, data);
        host.w64(a + PVSCSI_REQ_DATA_LEN, len);
        host.w64(a + PVSCSI_REQ_SENSE_ADDR, sense);
        host.w32(a + PVSCSI_REQ_SENSE_LEN, sense ? 18 : 0);
        host.w32(a + PVSCSI_REQ_FLAGS, flags);
        memcpy(host.at(a + PVSCSI_REQ_CDB), cdb.data(), cdb.size());
        host.at(a)[PVSCSI_REQ_CDB_LEN] = (uint8_t)cdb.size();
        host.at(a)[PVSCSI_REQ_TARGET] = target;
        req_prod++;
        host.w32(kRS + PVSCSI_RS_REQ_PROD_IDX, req_prod);
        return ctx;
    }
    void kick() { wr(PVSCSI_REG_OFFSET_KICK_RW_IO, 0); }
    struct Cmp { uint64_t ctx, len; uint32_t slen; uint16_t host, scsi; };
    std::vector<Cmp> reap()
    {
        std::vector<Cmp> out;
        uint32_t prod = host.r32(kRS + PVSCSI_RS_CMP_PROD_IDX);
        for (; cmp_seen != prod; cmp_seen++) {
            uint64_t a = kCmp + (cmp_seen % cmp_entries) * PVSCSI_CMP_DESC_SIZE;
            Cmp c{host.r64(a), host.r64(a + 8), host.r32(a + 16), 0, 0};
            memcpy(&c.host, host.at(a + 20), 2);
            memcpy(&c.scsi, host.at(a + 22), 2);
            out.push_back(c);
        }
        host.w32(kRS + PVSCSI_RS_CMP_CONS_IDX, cmp_seen);
        return out;
    }
};

std::vector<uint8_t> rw10(uint8_t op, uint32_t lba, uint16_t n)
{
    return {op, 0, uint8_t(lba >> 24), uint8_t(lba >> 16), uint8_t(lba >> 8), uint8_t(lba), 0,
            uint8_t(n >> 8), uint8_t(n), 0};
}

TEST_F(Pvscsi, CommandRegisterSetsUpRings)
{
    ASSERT_EQ(pvscsi_attach_target(hba, 0, make_target(2048), nullptr), 0);
    run([&] {
        wr(PVSCSI_REG_OFFSET_COMMAND, PVSCSI_CMD_CONFIG);      // not implemented
        EXPECT_EQ(rd(PVSCSI_REG_OFFSET_COMMAND_STATUS), 0xFFFFFFFFu);
        setup();
    });
    EXPECT_EQ(host.r32(kRS + PVSCSI_RS_REQ_NUM_ENTRIES_LOG2), 5u);    // 32 entries
    EXPECT_EQ(host.r32(kRS + PVSCSI_RS_CMP_NUM_ENTRIES_LOG2), 7u);    // 128 entries
    EXPECT_EQ(host.r32(kRS + PVSCSI_RS_MSG_NUM_ENTRIES_LOG2), 5u);
}

TEST_F(Pvscsi, WriteAndReadThroughChainedSgListLongerThanOnePage)
{
    ASSERT_EQ(pvscsi_attach_target(hba, 0, make_target(4096), nullptr), 0);
    // 300 elements of 512 bytes: 150 KiB, more elements than one page holds (256): the first
    // segment holds 255 elements + a chain element, the second the remaining 45.
    const unsigned n = 300;
    auto build = [&](uint64_t data) {
        uint64_t seg = kSg;
        for (unsigned i = 0, slot = 0; i < n; i++, slot++) {
            if (slot == 255) {                       // last slot of the page: chain
                host.w64(seg + slot * 16, kSg + 0x2000);
                host.w32(seg + slot * 16 + 8, 0);
                host.w32(seg + slot * 16 + 12, PVSCSI_SGE_FLAG_CHAIN_ELEMENT);
                seg = kSg + 0x2000;
                slot = 0;
            }
            // scatter the buffers: element i at data + (n-1-i)*512 (reverse order)
            host.w64(seg + slot * 16, data + (uint64_t)(n - 1 - i) * 512);
            host.w32(seg + slot * 16 + 8, 512);
            host.w32(seg + slot * 16 + 12, 0);
        }
    };
    std::vector<uint8_t> pattern(n * 512);
    for (size_t i = 0; i < pattern.size(); i++)
        pattern[i] = uint8_t(i * 31 + 7);
    for (unsigned i = 0; i < n; i++)
        memcpy(host.at(kData + (uint64_t)(n - 1 - i) * 512), &pattern[i * 512], 512);
    std::vector<Cmp> c1, c2;
    size_t msis_before = 0;
    run([&] {
        setup();
        msis_before = host.msis.size();
        build(kData);
        post(0, rw10(0x2A, 100, n), kSg, n * 512,
             PVSCSI_FLAG_CMD_WITH_SG_LIST | PVSCSI_FLAG_CMD_DIR_TODEVICE);
        kick();
        sim_wait(2 * SIM_MS);
        c1 = reap();
        memset(host.at(kData), 0, n * 512);
        build(kData);
        post(0, rw10(0x28, 100, n), kSg, n * 512,
             PVSCSI_FLAG_CMD_WITH_SG_LIST | PVSCSI_FLAG_CMD_DIR_TOHOST);
        kick();
        sim_wait(2 * SIM_MS);
        c2 = reap();
    });
    ASSERT_EQ(c1.size(), 1u);
    EXPECT_EQ(c1[0].host, BTSTAT_SUCCESS);
    EXPECT_EQ(c1[0].scsi, 0);
    EXPECT_EQ(c1[0].len, n * 512u);
    ASSERT_EQ(c2.size(), 1u);
    EXPECT_EQ(c2[0].ctx, 2u);
    EXPECT_EQ(c2[0].len, n * 512u);
    for (unsigned i = 0; i < n; i++)
        ASSERT_EQ(0, memcmp(host.at(kData + (uint64_t)(n - 1 - i) * 512), &pattern[i * 512], 512))
            << "element " << i;
    EXPECT_GE(host.msis.size() - msis_before, 2u);    // a completion interrupt per request
    EXPECT_EQ(host.msis.back(), 0x41u);
}

TEST_F(Pvscsi, RingWrapsAroundAndEveryRequestCompletes)
{
    ASSERT_EQ(pvscsi_attach_target(hba, 0, make_target(2048), nullptr), 0);
    std::vector<Cmp> all;
    run([&] {
        setup(false);
        for (int round = 0; round < 5; round++) {   // 5 x 20 = 100 requests on a 32-entry ring
            for (int i = 0; i < 20; i++) {
                uint32_t lba = round * 20 + i;
                uint64_t buf = kData + lba * 512;
                memset(host.at(buf), (int)lba, 512);
                post(0, rw10(0x2A, lba, 1), buf, 512, PVSCSI_FLAG_CMD_DIR_TODEVICE);
            }
            kick();
            sim_wait(500 * SIM_US);
            auto c = reap();
            all.insert(all.end(), c.begin(), c.end());
        }
        memset(host.at(kData), 0, 100 * 512);
        post(0, rw10(0x28, 0, 100), kData, 100 * 512, PVSCSI_FLAG_CMD_DIR_TOHOST);
        kick();
        sim_wait(500 * SIM_US);
        auto c = reap();
        all.insert(all.end(), c.begin(), c.end());
    });
    ASSERT_EQ(all.size(), 101u);
    for (size_t i = 0; i < all.size(); i++) {
        EXPECT_EQ(all[i].ctx, i + 1);
        EXPECT_EQ(all[i].host, BTSTAT_SUCCESS);
    }
    for (int lba = 0; lba < 100; lba++)
        EXPECT_EQ(host.at(kData + lba * 512)[511], uint8_t(lba));
    EXPECT_EQ(host.r32(kRS + PVSCSI_RS_REQ_CONS_IDX), 101u);
}

TEST_F(Pvscsi, CheckConditionDeliversSenseAndBadTargetTimesOut)
{
    ASSERT_EQ(pvscsi_attach_target(hba, 0, make_target(64), nullptr), 0);
    std::vector<Cmp> c;
    run([&] {
        setup(false);
        post(0, rw10(0x28, 1000, 1), kData, 512, PVSCSI_FLAG_CMD_DIR_TOHOST, kSense);
        post(0, {0x04, 0, 0, 0, 0, 0}, 0, 0, PVSCSI_FLAG_CMD_DIR_NONE);     // FORMAT UNIT
        post(7, {0x00, 0, 0, 0, 0, 0}, 0, 0, PVSCSI_FLAG_CMD_DIR_NONE);     // no target 7
        post(0, {0x12, 0, 0, 0, 96, 0}, kData, 36, PVSCSI_FLAG_CMD_DIR_TOHOST);   // overrun
        kick();
        sim_wait(200 * SIM_US);
        c = reap();
    });
    ASSERT_EQ(c.size(), 4u);
    EXPECT_EQ(c[0].scsi, SCSI_STATUS_CHECK_CONDITION);
    EXPECT_EQ(c[0].slen, 18u);
    EXPECT_EQ(host.at(kSense)[2], 0x5);
    EXPECT_EQ(host.at(kSense)[12], 0x21);             // LBA OUT OF RANGE
    EXPECT_EQ(c[1].scsi, SCSI_STATUS_CHECK_CONDITION);
    EXPECT_EQ(c[1].slen, 0u);                         // no sense buffer given
    EXPECT_EQ(c[2].host, BTSTAT_SELTIMEO);
    EXPECT_EQ(c[3].host, BTSTAT_DATARUN);
    EXPECT_EQ(c[3].len, 36u);
}

TEST_F(Pvscsi, AbortEndsAStalledCommand)
{
    scsi_target *t = make_target(64);
    ASSERT_EQ(pvscsi_attach_target(hba, 0, t, nullptr), 0);
    scsi_disk_set_stall(scsi_target_lun(t, 0), true);
    std::vector<Cmp> before, after;
    unsigned inflight = 0;
    run([&] {
        setup(false);
        uint64_t ctx = post(0, rw10(0x28, 0, 1), kData, 512, PVSCSI_FLAG_CMD_DIR_TOHOST);
        kick();
        sim_wait(10 * SIM_MS);
        before = reap();
        inflight = pvscsi_inflight(hba);
        cmd(PVSCSI_CMD_ABORT_CMD, {(uint32_t)ctx, (uint32_t)(ctx >> 32), 0, 0});
        sim_wait(100 * SIM_US);
        after = reap();
    });
    EXPECT_TRUE(before.empty());
    EXPECT_EQ(inflight, 1u);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].host, BTSTAT_ABORTQUEUE);
    EXPECT_EQ(pvscsi_inflight(hba), 0u);
    EXPECT_EQ(pvscsi_get_stats(hba)->aborted, 1u);
}

TEST_F(Pvscsi, BusResetEndsEveryStalledCommand)
{
    scsi_target *t = make_target(64);
    ASSERT_EQ(pvscsi_attach_target(hba, 0, t, nullptr), 0);
    scsi_disk_set_stall(scsi_target_lun(t, 0), true);
    std::vector<Cmp> c;
    run([&] {
        setup(false);
        for (int i = 0; i < 3; i++)
            post(0, rw10(0x28, i, 1), kData, 512, PVSCSI_FLAG_CMD_DIR_TOHOST);
        kick();
        sim_wait(1 * SIM_MS);
        cmd(PVSCSI_CMD_RESET_BUS, {});
        sim_wait(100 * SIM_US);
        c = reap();
    });
    ASSERT_EQ(c.size(), 3u);
    for (auto &x : c)
        EXPECT_EQ(x.host, BTSTAT_BUSRESET);
}

TEST_F(Pvscsi, TargetAddAndRemoveNoticesOnMessageRing)
{
    ASSERT_EQ(pvscsi_attach_target(hba, 0, make_target(64), nullptr), 0);
    scsi_target *back = nullptr;
    uint32_t status = 0;
    run([&] {
        setup(true);
        pvscsi_attach_target(hba, 5, make_target(64), nullptr);
        sim_wait(50 * SIM_US);
        status = rd(PVSCSI_REG_OFFSET_INTR_STATUS);
        back = pvscsi_detach_target(hba, 5);
        sim_wait(50 * SIM_US);
    });
    EXPECT_TRUE(status & PVSCSI_INTR_MSG_0);
    EXPECT_EQ(host.r32(kRS + PVSCSI_RS_MSG_PROD_IDX), 2u);
    EXPECT_EQ(host.r32(kMsg + PVSCSI_MSG_TYPE), (uint32_t)PVSCSI_MSG_DEV_ADDED);
    EXPECT_EQ(host.r32(kMsg + PVSCSI_MSG_TARGET), 5u);
    EXPECT_EQ(host.r32(kMsg + 128 + PVSCSI_MSG_TYPE), (uint32_t)PVSCSI_MSG_DEV_REMOVED);
    ASSERT_NE(back, nullptr);
    scsi_target_free(back);
}

TEST_F(Pvscsi, ImageFileHoldsWrittenBlocks)
{
    std::string p = std::string(VMKSIM_BINARY_DIR) + "/pvscsi_img_" + std::to_string(getpid());
    {
        std::ofstream f(p, std::ios::binary);
        std::vector<char> z(64 * 512, 0);
        f.write(z.data(), (std::streamsize)z.size());
    }
    ASSERT_EQ(pvscsi_attach_target(hba, 0, make_target(0, p.c_str()), nullptr), 0);
    std::vector<Cmp> c;
    run([&] {
        setup(false);
        for (int i = 0; i < 1024; i++)
            host.at(kData)[i] = uint8_t(0xA0 ^ i);
        post(0, rw10(0x2A, 10, 2), kData, 1024, PVSCSI_FLAG_CMD_DIR_TODEVICE);
        post(0, {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 0, PVSCSI_FLAG_CMD_DIR_NONE);
        kick();
        sim_wait(200 * SIM_US);
        c = reap();
    });
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].host, BTSTAT_SUCCESS);
    std::ifstream f(p, std::ios::binary);
    std::vector<char> all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    ASSERT_EQ(all.size(), 64u * 512u);
    for (int i = 0; i < 1024; i++)
        ASSERT_EQ(uint8_t(all[10 * 512 + i]), uint8_t(0xA0 ^ i)) << i;
    unlink(p.c_str());
}

}  // namespace
