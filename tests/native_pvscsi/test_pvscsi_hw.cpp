// test_pvscsi_hw.cpp — the shared PVSCSI hardware layer (drivers/common/pvscsi/) against the real
// controller model: a platform with one "pvscsi" endpoint is booted, a host memory window
// installed, RAM disks attached as targets, and sim threads call the layer as a driver would; its
// osdep glue (pvscsi_test_osdep.c) reaches the memory BAR by pcie_mmio_read/write. The model's own
// register header is not included: the layer's definitions are what is being tested.
#include "tests/common/device_rig.h"

#include <cstring>
#include <functional>
#include <set>
#include <vector>

#include "devices/disk/scsi_disk.h"
#include "devices/hba/pvscsi.h"
#include "drivers/common/pvscsi/pvscsi_hw.h"
#include "drivers/common/pvscsi/pvscsi_ring.h"
#include "tests/native_pvscsi/pvscsi_test_osdep.h"

namespace {

constexpr uint64_t kMem = 0x20000000ull, kMemSize = 8u << 20;
constexpr uint64_t kRings = kMem, kReq = kMem + 0x1000, kCmp = kMem + 0x8000,
                   kMsg = kMem + 0x9000, kSg = kMem + 0x10000, kSense = kMem + 0x60000,
                   kData = kMem + 0x100000;
constexpr uint32_t kBlock = 512;

class PvscsiHw : public vmksim_test::DeviceRig {
protected:
    pvscsi *hba = nullptr;
    pvscsi_test_os os{};
    pvscsi_hw hw{};
    scsi_disk *disk0 = nullptr;

    void SetUp() override
    {
        sim_log_set_file(getenv("VMKSIM_TEST_LOG") ? stderr : nullptr);
        boot_one("pvscsi", "hba0", kMem, kMemSize);
        hba = pvscsi_of(ep);
        ASSERT_NE(hba, nullptr);
        ASSERT_EQ(pdev->vendor_id, PVSCSI_VENDOR_ID_VMWARE);
        ASSERT_EQ(pdev->device_id, PVSCSI_DEVICE_ID_PVSCSI);
        os.bar = pdev->bars[PVSCSI_MEM_BAR].base;
        ASSERT_NE(os.bar, 0u);
        os.fabric = sys->fabric;
        pvscsi_hw_init(&hw, &os);
        disk0 = attach(0);
        run([] {});
    }
    void TearDown() override { shutdown(); }
    void run(std::function<void()> body) { DeviceRig::run(std::move(body), "driver"); }

    scsi_disk *attach(unsigned id)
    {
        scsi_disk_config cfg{};
        cfg.size_bytes = 16u << 20;
        cfg.block_size = kBlock;
        sim_err err{};
        scsi_disk *d = nullptr;
        EXPECT_EQ(scsi_disk_new(&cfg, &d, &err), 0) << err.msg;
        scsi_target *t = scsi_target_new();
        EXPECT_EQ(scsi_target_add_lun(t, 0, d, &err), 0) << err.msg;
        EXPECT_EQ(pvscsi_attach_target(hba, id, t, &err), 0) << err.msg;
        return d;
    }

    pvscsi_hw_mem mem_at(uint64_t addr, uint32_t pages) { return {host.at(addr), addr, pages}; }

    void bring_up(uint32_t req_pages, uint32_t cmp_pages, uint32_t msg_pages)
    {
        pvscsi_hw_ring_mem m{};
        m.rings_state = mem_at(kRings, 1);
        m.req = mem_at(kReq, req_pages);
        m.cmp = mem_at(kCmp, cmp_pages);
        m.msg = mem_at(kMsg, msg_pages);
        ASSERT_EQ(pvscsi_hw_adapter_reset(&hw), PVSCSI_HW_OK);
        ASSERT_EQ(pvscsi_hw_setup_rings(&hw, &m), PVSCSI_HW_OK);
        sim_wait(10 * SIM_US);   // the device writes the ring sizes from its thread
    }

    static void rw10(uint8_t *cdb, bool write, uint32_t lba, uint16_t blocks)
    {
        memset(cdb, 0, 10);
        cdb[0] = write ? 0x2A : 0x28;   // SBC-3 5.34 / 5.13
        cdb[2] = (uint8_t)(lba >> 24);
        cdb[3] = (uint8_t)(lba >> 16);
        cdb[4] = (uint8_t)(lba >> 8);
        cdb[5] = (uint8_t)lba;
        cdb[7] = (uint8_t)(blocks >> 8);
        cdb[8] = (uint8_t)blocks;
    }

    // Posts a READ/WRITE (10) of the elements' total to target, kicks; returns the slot.
    int post_rw(uint64_t ctx, unsigned target, bool write, uint32_t lba,
                const std::vector<pvscsi_hw_sge> &sg, const pvscsi_hw_mem *area)
    {
        uint64_t len = 0;
        for (auto &e : sg)
            len += e.len;
        uint8_t cdb[10];
        rw10(cdb, write, lba, (uint16_t)(len / kBlock));
        pvscsi_hw_request rq{};
        rq.context = ctx;
        rq.target = target;
        rq.cdb = cdb;
        rq.cdb_len = 10;
        rq.dir = write ? PVSCSI_HW_DIR_WRITE : PVSCSI_HW_DIR_READ;
        rq.data_len = len;
        rq.sg = sg.data();
        rq.nsg = (uint32_t)sg.size();
        rq.sg_area = area;
        rq.sense_addr = kSense;
        rq.sense_len = 64;
        rq.tag = PVSCSI_SIMPLE_QUEUE_TAG;
        int slot = pvscsi_hw_post(&hw, &rq);
        pvscsi_hw_kick(&hw, pvscsi_hw_cdb_is_rw(cdb));
        return slot;
    }

    // Reaps one completion, waiting up to limit of simulated time.
    bool reap(pvscsi_hw_completion *c, sim_time_t limit = 10 * SIM_MS)
    {
        for (sim_time_t t = 0; t < limit; t += SIM_US) {
            if (pvscsi_hw_reap(&hw, c))
                return true;
            sim_wait(SIM_US);
        }
        return false;
    }
};

TEST_F(PvscsiHw, SetupRingsLetsTheDeviceWriteRingSizesAndTakesAMessageRing)
{
    run([&] {
        bring_up(4, 1, 1);
        EXPECT_TRUE(hw.rings_ok);
        EXPECT_TRUE(hw.msg_ok);
        EXPECT_EQ(hw.req_entries, 128u);
        EXPECT_EQ(hw.cmp_entries, 128u);
        EXPECT_EQ(hw.msg_entries, 32u);
        uint32_t v;
        memcpy(&v, host.at(kRings + PVSCSI_RS_REQ_NUM_ENTRIES_LOG2), 4);
        EXPECT_EQ(v, 7u);
        memcpy(&v, host.at(kRings + PVSCSI_RS_CMP_NUM_ENTRIES_LOG2), 4);
        EXPECT_EQ(v, 7u);
        memcpy(&v, host.at(kRings + PVSCSI_RS_MSG_NUM_ENTRIES_LOG2), 4);
        EXPECT_EQ(v, 5u);
        EXPECT_EQ(pvscsi_hw_req_free(&hw), 128u);
    });
}

TEST_F(PvscsiHw, RingSetupRefusesBadPageCountsAndMisalignedMemory)
{
    run([&] {
        pvscsi_hw_ring_mem m{};
        m.rings_state = mem_at(kRings, 1);
        m.req = mem_at(kReq, 3);   // not a power of two
        m.cmp = mem_at(kCmp, 1);
        EXPECT_EQ(pvscsi_hw_setup_rings(&hw, &m), PVSCSI_HW_ERR_PARAM);
        m.req = mem_at(kReq + 0x80, 1);   // not page aligned
        EXPECT_EQ(pvscsi_hw_setup_rings(&hw, &m), PVSCSI_HW_ERR_PARAM);
        EXPECT_FALSE(hw.rings_ok);
        pvscsi_hw_request rq{};
        EXPECT_EQ(pvscsi_hw_post(&hw, &rq), PVSCSI_HW_ERR_STATE);
    });
}

TEST_F(PvscsiHw, CommandProbeAndUnsupportedCommands)
{
    run([&] {
        EXPECT_TRUE(pvscsi_hw_command_supported(&hw, PVSCSI_CMD_SETUP_MSG_RING));
        EXPECT_FALSE(pvscsi_hw_command_supported(&hw, PVSCSI_CMD_CONFIG));
        EXPECT_EQ(pvscsi_hw_command(&hw, PVSCSI_CMD_ISSUE_SCSI, nullptr, 0), PVSCSI_HW_ERR_CMD);
        EXPECT_GT(os.debug_lines, 0u);
    });
}

// An s/g list of 300 elements needs two list pages: page 0 ends with a chain element.
TEST_F(PvscsiHw, SgListLongerThanOnePageChainsAndMovesEveryByte)
{
    constexpr uint32_t kElems = 300, kLen = kBlock;
    run([&] {
        bring_up(1, 1, 0);
        pvscsi_hw_mem area = mem_at(kSg, 2);
        // data-out: element i at kData + 2*i*kLen (every other 512-byte piece), pattern bytes
        std::vector<pvscsi_hw_sge> out, in;
        for (uint32_t i = 0; i < kElems; i++) {
            uint64_t a = kData + 2ull * i * kLen;
            for (uint32_t b = 0; b < kLen; b++)
                *host.at(a + b) = (uint8_t)(i * 7 + b);
            out.push_back({a, kLen});
            in.push_back({kData + 0x200000 + (uint64_t)(kElems - 1 - i) * kLen, kLen});
        }
        ASSERT_GE(post_rw(1, 0, true, 100, out, &area), 0);
        // the chain element sits in the last slot of page 0 and points at page 1
        const uint8_t *chain = host.at(kSg + 255 * PVSCSI_SGE_SIZE);
        uint64_t next;
        uint32_t flags;
        memcpy(&next, chain + PVSCSI_SGE_ADDR, 8);
        memcpy(&flags, chain + PVSCSI_SGE_FLAGS, 4);
        EXPECT_EQ(next, kSg + PVSCSI_PAGE_SIZE);
        EXPECT_EQ(flags, PVSCSI_SGE_FLAG_CHAIN_ELEMENT);
        pvscsi_hw_completion c{};
        ASSERT_TRUE(reap(&c));
        EXPECT_EQ(c.context, 1u);
        EXPECT_EQ(c.host_status, BTSTAT_SUCCESS);
        EXPECT_EQ(c.scsi_status, 0u);
        EXPECT_EQ(c.data_len, (uint64_t)kElems * kLen);

        // read it back into elements in reverse address order
        ASSERT_GE(post_rw(2, 0, false, 100, in, &area), 0);
        ASSERT_TRUE(reap(&c));
        EXPECT_EQ(c.context, 2u);
        EXPECT_EQ(c.host_status, BTSTAT_SUCCESS);
        EXPECT_EQ(c.data_len, (uint64_t)kElems * kLen);
        for (uint32_t i = 0; i < kElems; i++)
            ASSERT_EQ(0, memcmp(host.at(in[i].addr), host.at(out[i].addr), kLen)) << i;
    });
}

TEST_F(PvscsiHw, SgBuildChecksCapacityLengthsAndAlignment)
{
    std::vector<uint8_t> page(4 * PVSCSI_PAGE_SIZE);
    pvscsi_hw_mem area{page.data(), 0x100000, 2};
    EXPECT_EQ(pvscsi_hw_sg_capacity(1), 256u);
    EXPECT_EQ(pvscsi_hw_sg_capacity(2), 511u);
    std::vector<pvscsi_hw_sge> sg(512, pvscsi_hw_sge{0x5000, 16});
    EXPECT_EQ(pvscsi_hw_sg_build(&area, sg.data(), 511), PVSCSI_HW_OK);
    EXPECT_EQ(pvscsi_hw_sg_build(&area, sg.data(), 512), PVSCSI_HW_ERR_PARAM);
    // exactly 256 elements fit one page: no chain element is written
    std::fill(page.begin(), page.end(), 0);
    EXPECT_EQ(pvscsi_hw_sg_build(&area, sg.data(), 256), PVSCSI_HW_OK);
    uint32_t flags;
    memcpy(&flags, page.data() + 255 * PVSCSI_SGE_SIZE + PVSCSI_SGE_FLAGS, 4);
    EXPECT_EQ(flags, 0u);
    sg[3].len = 0;
    EXPECT_EQ(pvscsi_hw_sg_build(&area, sg.data(), 10), PVSCSI_HW_ERR_PARAM);
    sg[3].len = 16;
    pvscsi_hw_mem bad{page.data(), 0x100800, 2};
    EXPECT_EQ(pvscsi_hw_sg_build(&bad, sg.data(), 10), PVSCSI_HW_ERR_PARAM);
}

// 32 request slots, 128 completion slots: 600 requests wrap the request ring 18 times and the
// completion ring 4 times; each context comes back exactly once with its data.
TEST_F(PvscsiHw, RingsWrapAndEveryRequestCompletesOnce)
{
    constexpr uint32_t kCount = 600;
    run([&] {
        bring_up(1, 1, 0);
        EXPECT_EQ(hw.req_entries, 32u);
        std::set<uint64_t> done;
        uint32_t posted = 0;
        pvscsi_hw_completion c{};
        while (done.size() < kCount) {
            while (posted < kCount && pvscsi_hw_req_free(&hw) > 0) {
                uint64_t buf = kData + (uint64_t)(posted % 64) * kBlock;
                std::vector<pvscsi_hw_sge> one{{buf, kBlock}};
                bool write = posted % 2 == 0;
                ASSERT_EQ(post_rw(posted + 1, 0, write, posted / 2, one, nullptr),
                          (int)(posted % 32));
                posted++;
            }
            ASSERT_TRUE(reap(&c));
            EXPECT_EQ(c.host_status, BTSTAT_SUCCESS);
            EXPECT_TRUE(done.insert(c.context).second) << "context " << c.context << " twice";
        }
        EXPECT_EQ(hw.req_prod, kCount);
        EXPECT_EQ(pvscsi_hw_outstanding(&hw), 0u);
        EXPECT_FALSE(pvscsi_hw_reap(&hw, &c));
        EXPECT_EQ(*done.begin(), 1u);
        EXPECT_EQ(*done.rbegin(), (uint64_t)kCount);
    });
}

TEST_F(PvscsiHw, PostRefusesWhenTheRingIsFull)
{
    run([&] {
        bring_up(1, 1, 0);
        scsi_disk_set_stall(disk0, true);
        std::vector<pvscsi_hw_sge> one{{kData, kBlock}};
        for (uint64_t i = 0; i < 32; i++)
            ASSERT_GE(post_rw(i + 1, 0, false, 0, one, nullptr), 0);
        EXPECT_EQ(pvscsi_hw_req_free(&hw), 0u);
        EXPECT_EQ(post_rw(99, 0, false, 0, one, nullptr), PVSCSI_HW_ERR_RING_FULL);
        EXPECT_EQ(hw.req_prod, 32u);
        sim_wait(200 * SIM_US);   // the device fetches them one by one (req_latency each)
        EXPECT_EQ(pvscsi_inflight(hba), 32u);
        EXPECT_EQ(pvscsi_hw_reset_bus(&hw), PVSCSI_HW_OK);
        pvscsi_hw_completion c{};
        for (int i = 0; i < 32; i++) {
            ASSERT_TRUE(reap(&c));
            EXPECT_EQ(c.host_status, BTSTAT_BUSRESET);
        }
    });
}

TEST_F(PvscsiHw, AbortEndsAStalledRequestWithAbortQueue)
{
    run([&] {
        bring_up(1, 1, 0);
        scsi_disk_set_stall(disk0, true);
        std::vector<pvscsi_hw_sge> one{{kData, kBlock}};
        ASSERT_GE(post_rw(7, 0, false, 0, one, nullptr), 0);
        ASSERT_GE(post_rw(8, 0, false, 8, one, nullptr), 0);
        pvscsi_hw_completion c{};
        EXPECT_FALSE(reap(&c, 100 * SIM_US));   // stalled: nothing comes back on its own
        EXPECT_EQ(pvscsi_hw_abort(&hw, 7, 0), PVSCSI_HW_OK);
        ASSERT_TRUE(reap(&c));
        EXPECT_EQ(c.context, 7u);
        EXPECT_EQ(c.host_status, BTSTAT_ABORTQUEUE);
        EXPECT_EQ(pvscsi_hw_host_status(c.host_status, c.data_len, kBlock),
                  (uint32_t)PVSCSI_HW_HOST_ABORT);
        EXPECT_FALSE(reap(&c, 100 * SIM_US));   // 8 is still stalled
        // aborting a context that is not in flight is no error, and ends nothing
        EXPECT_EQ(pvscsi_hw_abort(&hw, 7, 0), PVSCSI_HW_OK);
        EXPECT_FALSE(reap(&c, 50 * SIM_US));
        EXPECT_EQ(pvscsi_hw_abort(&hw, 8, 0), PVSCSI_HW_OK);
        ASSERT_TRUE(reap(&c));
        EXPECT_EQ(c.context, 8u);
    });
}

TEST_F(PvscsiHw, DeviceResetEndsOneTargetAndBusResetTheRest)
{
    scsi_disk *disk1 = attach(1);
    run([&] {
        bring_up(1, 1, 0);
        scsi_disk_set_stall(disk0, true);
        scsi_disk_set_stall(disk1, true);
        std::vector<pvscsi_hw_sge> one{{kData, kBlock}};
        ASSERT_GE(post_rw(1, 0, false, 0, one, nullptr), 0);
        ASSERT_GE(post_rw(2, 0, false, 1, one, nullptr), 0);
        ASSERT_GE(post_rw(3, 1, false, 0, one, nullptr), 0);
        sim_wait(20 * SIM_US);
        uint8_t lun[8] = {0};
        EXPECT_EQ(pvscsi_hw_reset_device(&hw, 0, lun), PVSCSI_HW_OK);
        std::set<uint64_t> ended;
        pvscsi_hw_completion c{};
        for (int i = 0; i < 2; i++) {
            ASSERT_TRUE(reap(&c));
            EXPECT_EQ(c.host_status, BTSTAT_BUSRESET);
            EXPECT_EQ(pvscsi_hw_host_status(c.host_status, 0, kBlock),
                      (uint32_t)PVSCSI_HW_HOST_RESET);
            ended.insert(c.context);
        }
        EXPECT_EQ(ended, (std::set<uint64_t>{1, 2}));
        EXPECT_FALSE(reap(&c, 50 * SIM_US));
        EXPECT_EQ(pvscsi_hw_reset_bus(&hw), PVSCSI_HW_OK);
        ASSERT_TRUE(reap(&c));
        EXPECT_EQ(c.context, 3u);
        EXPECT_EQ(c.host_status, BTSTAT_BUSRESET);
    });
}

TEST_F(PvscsiHw, AdapterResetDropsRequestsWithoutCompletions)
{
    run([&] {
        bring_up(1, 1, 0);
        scsi_disk_set_stall(disk0, true);
        std::vector<pvscsi_hw_sge> one{{kData, kBlock}};
        ASSERT_GE(post_rw(1, 0, false, 0, one, nullptr), 0);
        sim_wait(20 * SIM_US);
        EXPECT_EQ(pvscsi_inflight(hba), 1u);
        EXPECT_EQ(pvscsi_hw_adapter_reset(&hw), PVSCSI_HW_OK);
        EXPECT_FALSE(hw.rings_ok);
        EXPECT_EQ(pvscsi_inflight(hba), 0u);
        EXPECT_EQ(pvscsi_get_stats(hba)->dropped_by_adapter_reset, 1u);
        pvscsi_hw_completion c{};
        EXPECT_FALSE(pvscsi_hw_reap(&hw, &c));
        // and it starts over cleanly
        scsi_disk_set_stall(disk0, false);
        bring_up(1, 1, 0);
        ASSERT_GE(post_rw(5, 0, false, 0, one, nullptr), 0);
        ASSERT_TRUE(reap(&c));
        EXPECT_EQ(c.context, 5u);
        EXPECT_EQ(c.host_status, BTSTAT_SUCCESS);
    });
}

TEST_F(PvscsiHw, TargetNoticesArriveOnTheMessageRingWithTheirInterrupt)
{
    run([&] {
        bring_up(1, 1, 1);
        pvscsi_hw_intr_enable(&hw);
        EXPECT_EQ(hw.intr_mask, PVSCSI_INTR_CMPL_MASK | PVSCSI_INTR_MSG_MASK);
        size_t edges = host.intx.size();
        attach(5);
        sim_wait(20 * SIM_US);
        pvscsi_hw_msg m{};
        ASSERT_TRUE(pvscsi_hw_msg_reap(&hw, &m));
        EXPECT_EQ(m.type, (uint32_t)PVSCSI_MSG_DEV_ADDED);
        EXPECT_EQ(m.bus, 0u);
        EXPECT_EQ(m.target, 5u);
        EXPECT_FALSE(pvscsi_hw_msg_reap(&hw, &m));
        EXPECT_GT(host.intx.size(), edges);   // the line went up (INTx: no MSI in this rig)
        uint32_t st = pvscsi_hw_intr_status(&hw);
        EXPECT_TRUE(st & PVSCSI_INTR_MSG_0);
        pvscsi_hw_intr_ack(&hw, st);
        EXPECT_EQ(pvscsi_hw_intr_status(&hw) & PVSCSI_INTR_MSG_MASK, 0u);
        scsi_target_free(pvscsi_detach_target(hba, 5));
        sim_wait(20 * SIM_US);
        ASSERT_TRUE(pvscsi_hw_msg_reap(&hw, &m));
        EXPECT_EQ(m.type, (uint32_t)PVSCSI_MSG_DEV_REMOVED);
        EXPECT_EQ(m.target, 5u);
        pvscsi_hw_intr_disable(&hw);
        EXPECT_EQ(hw.intr_mask, 0u);
    });
}

TEST_F(PvscsiHw, RequestsToAnAbsentTargetEndWithSelectionTimeout)
{
    run([&] {
        bring_up(1, 1, 0);
        std::vector<pvscsi_hw_sge> one{{kData, kBlock}};
        ASSERT_GE(post_rw(1, 9, false, 0, one, nullptr), 0);
        pvscsi_hw_completion c{};
        ASSERT_TRUE(reap(&c));
        EXPECT_EQ(c.host_status, BTSTAT_SELTIMEO);
        EXPECT_EQ(pvscsi_hw_host_status(c.host_status, 0, kBlock),
                  (uint32_t)PVSCSI_HW_HOST_NO_CONNECT);
    });
}

TEST(PvscsiHwStatus, HostStatusTranslation)
{
    EXPECT_EQ(pvscsi_hw_host_status(BTSTAT_SUCCESS, 0, 0), (uint32_t)PVSCSI_HW_HOST_OK);
    EXPECT_EQ(pvscsi_hw_host_status(BTSTAT_DATA_UNDERRUN, 10, 20), (uint32_t)PVSCSI_HW_HOST_OK);
    EXPECT_EQ(pvscsi_hw_host_status(BTSTAT_DATARUN, 10, 20), (uint32_t)PVSCSI_HW_HOST_OK);
    EXPECT_EQ(pvscsi_hw_host_status(BTSTAT_DATARUN, 20, 20), (uint32_t)PVSCSI_HW_HOST_ERROR);
    EXPECT_EQ(pvscsi_hw_host_status(BTSTAT_INVPARAM, 0, 0), (uint32_t)PVSCSI_HW_HOST_ERROR);
    EXPECT_EQ(pvscsi_hw_host_status(BTSTAT_SELTIMEO, 0, 0), (uint32_t)PVSCSI_HW_HOST_NO_CONNECT);
    EXPECT_EQ(pvscsi_hw_host_status(BTSTAT_ABORTQUEUE, 0, 0), (uint32_t)PVSCSI_HW_HOST_ABORT);
    EXPECT_EQ(pvscsi_hw_host_status(BTSTAT_BUSRESET, 0, 0), (uint32_t)PVSCSI_HW_HOST_RESET);
    EXPECT_STREQ(pvscsi_hw_btstat_name(BTSTAT_SELTIMEO), "SELTIMEO");
    EXPECT_STREQ(pvscsi_hw_strerror(PVSCSI_HW_ERR_RING_FULL), "request ring full");
}

}  // namespace
