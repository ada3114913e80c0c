// test_native_e1000.cpp — the native vmkapi driver for the 82540EM (drivers/native/e1000) against
// the real device model: a platform with one "e1000" endpoint is booted, the NIC's wire port is
// looped back to itself, the module is loaded from a sim thread and bound through the driver
// map (attach → start → scan), the uplink layer claims its uplink; then the TX workload pushes
// verifiable frames through uplinkTx, the device sends them to itself, the driver's NetPoll
// hands them to the RX sink. Checked: every frame received and verified in order, every TX
// packet completed, no packet / mapping / vector leaked, the driver's cycles attributed to it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "devices/nic/e1000.h"
#include "devices/pcie/pci_access.h"
#include "devices/wire/wire.h"
#include "kernel_model/costs.h"
#include "kernel_model/device/device.h"
#include "kernel_model/dma/dma.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/kernel.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/uplink/uplink.h"
#include "sim/sim.h"
#include "tests/common/boot_one.h"

namespace {

void run_fn(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }

struct Step {
    std::string dev;
    kern_dev_event ev;
    VMK_ReturnStatus st;
};

void observe(void *ctx, vmk_Device dev, kern_dev_event ev, VMK_ReturnStatus st)
{
    static_cast<std::vector<Step> *>(ctx)->push_back({kern_device_bus_address(dev), ev, st});
}

class NativeE1000 : public ::testing::Test {
protected:
    platform_desc pd{};
    kern_system *sys = nullptr;
    kern_pci_dev *pdev = nullptr;
    e1000 *nic = nullptr;
    wire_link *loop = nullptr;
    kern_module *mod = nullptr;
    std::vector<Step> steps;
    sim_err err{};

    void SetUp() override
    {
        // VMKSIM_TEST_LOG=1 shows the simulator's log (driver, kernel, device) on stderr.
        sim_log_set_file(getenv("VMKSIM_TEST_LOG") ? stderr : nullptr);
        kern_timing_set_enabled(true);
        kern_timing_reset_counters();
        vmksim_test::OneEndpoint one;
        ASSERT_NO_FATAL_FAILURE(vmksim_test::boot_one_endpoint(&pd, "e1000", "nic0", &one));
        sys = one.sys;
        pdev = one.pdev;
        nic = static_cast<e1000 *>(pcie_endpoint_state(one.ep));
        // Self-loopback: what the NIC transmits arrives at its own receiver.
        ASSERT_EQ(wire_link_new(e1000_port(nic), e1000_port(nic), 0, &loop, &err), 0) << err.msg;
        ASSERT_EQ(kern_uplink_layer_init(&err), 0) << err.msg;
        ASSERT_EQ(kern_driver_map_add_pci(0x8086, 0x100e, "vmk_e1000", &err), 0) << err.msg;
        kern_device_set_observer(observe, &steps);
        // Loading from a thread: the driver becomes ready and is offered the NIC at once, and
        // its attach touches the hardware (MMIO waits for its round trips).
        int rc = -1;
        run([&] { rc = kern_module_load(VMK_E1000_MODULE_PATH, &mod, &err); });
        ASSERT_EQ(rc, 0) << err.msg;
    }

    void TearDown() override
    {
        if (mod)
            run([&] { EXPECT_EQ(kern_module_unload("vmk_e1000", &err), 0) << err.msg; });
        kern_device_set_observer(nullptr, nullptr);
        wire_link_free(loop);
        kern_shutdown(sys);
        kern_uplink_layer_reset();
        kern_device_layer_reset();
        kern_intr_reset();
        kern_dma_reset();             // fault counters are global: each test starts from zero
        kern_mem_reset_accounting();
        platform_desc_free(&pd);
    }

    void run(std::function<void()> body)
    {
        sim_thread_spawn("test", run_fn, &body);
        sim_run_until(SIM_TIME_MAX);
    }

    vmk_Device dev() { return kern_pci_bus_device(pdev); }

    bool saw(const char *addr, kern_dev_event ev)
    {
        for (auto &s : steps)
            if (s.dev == addr && s.ev == ev && s.st == VMK_OK)
                return true;
        return false;
    }

    wire_traffic_params traffic(size_t len, uint64_t count)
    {
        wire_traffic_params t{};
        e1000_mac_address(nic, t.dst);   // the receiver's own address passes its filter
        const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x51};
        memcpy(t.src, src, 6);
        t.stream_id = 3;
        t.frame_len = len;
        t.count = count;
        t.seed = 42;
        return t;
    }

    struct Outcome {
        kern_txload_stats tx;
        kern_rxsink_stats rx;
    };
    Outcome loopback(size_t len, uint64_t count, uint32_t window, uint32_t batch)
    {
        Outcome o{};
        vmk_Uplink u = kern_uplink_find("vmnic0");
        EXPECT_NE(u, nullptr);
        if (!u)
            return o;
        kern_rxsink_params rp{};
        rp.traffic = traffic(len, count);
        kern_rxsink *sink = nullptr;
        EXPECT_EQ(kern_rxsink_new(&rp, &sink, &err), 0) << err.msg;
        kern_rxsink_attach(sink, u);
        kern_txload_params p{};
        snprintf(p.uplink, sizeof p.uplink, "vmnic0");
        p.traffic = traffic(len, count);
        p.window = window;
        p.batch = batch;
        kern_txload *l = nullptr;
        EXPECT_EQ(kern_txload_start(&p, &l, &err), 0) << err.msg;
        sim_run_until(SIM_TIME_MAX);
        EXPECT_TRUE(kern_txload_done(l));
        kern_txload_get_stats(l, &o.tx);
        kern_rxsink_get_stats(sink, &o.rx);
        kern_txload_free(l);
        kern_rxsink_free(sink);
        return o;
    }
};

TEST_F(NativeE1000, LoadAttachesStartsAndScansAndTheUplinkIsClaimed)
{
    ASSERT_NE(mod, nullptr);
    EXPECT_EQ(mod->api, KERN_MOD_API_VMKAPI);
    char addr[16];
    kern_pci_bus_address(pdev, addr, sizeof addr);
    EXPECT_TRUE(saw(addr, KERN_DEV_EV_ATTACH));
    EXPECT_TRUE(saw(addr, KERN_DEV_EV_START));
    EXPECT_TRUE(saw(addr, KERN_DEV_EV_SCAN));
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_STARTED);
    EXPECT_STREQ(kern_driver_name(kern_device_driver(dev())), "vmk_e1000");

    // The logical child the scan registered, claimed and started by the uplink layer.
    vmk_Device child = kern_device_first_child(dev());
    ASSERT_NE(child, nullptr);
    EXPECT_STREQ(kern_device_bus_type(child), "logical");
    EXPECT_STREQ(kern_device_bus_identifier(child), VMK_UPLINK_DEVICE_IDENTIFIER);
    EXPECT_EQ(std::string(kern_device_bus_address(child)), std::string("pci#") + addr + "#0");
    EXPECT_EQ(kern_device_state(child), KERN_DEV_STARTED);
    ASSERT_EQ(kern_uplink_count(), 1u);
    vmk_Uplink u = kern_uplink_find("vmnic0");
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(kern_uplink_device(u), child);
    EXPECT_EQ(kern_uplink_module(u), mod->id);
    EXPECT_TRUE(kern_uplink_io_started(u));
    // StartIO read the link from STATUS (SLU set, a loopback partner): up, full duplex.
    vmk_LinkStatus ls = vmk_UplinkLinkStatusGet(u);
    EXPECT_EQ(ls.state, VMK_LINK_STATE_UP);
    EXPECT_EQ(ls.duplex, VMK_LINK_DUPLEX_FULL);
    EXPECT_EQ(vmk_UplinkMTUGet(u), 1500u);

    // Resources: BAR0 mapped, one MSI vector, enabled in the function's capability.
    kern_pci_bus_stats bs;
    kern_pci_bus_get_stats(&bs);
    EXPECT_EQ(bs.mappings_live, 1u);
    EXPECT_EQ(bs.vectors_live, 1u);
    ASSERT_NE(pdev->cap_msi, 0);
    uint16_t ctl = (uint16_t)pcie_cfg_read(sys->fabric, pdev->bus, pdev->dev, pdev->fn,
                                           pdev->cap_msi + 2, 2);
    EXPECT_NE(ctl & 1u, 0u);   // MSI Enable (PCIe Base Spec §7.7.1.2)
    // The RX ring is full of the driver's own buffers (ring size − 1: one slot stays empty).
    EXPECT_EQ(kern_pkt_outstanding(mod->id), 255u);
    // Attach, StartIO and the EEPROM reads ran driver code: counted against the module.
    EXPECT_GT(kern_timing_owner_cycles(mod->id), 0u);
    EXPECT_EQ(kern_dma_fault_total(), 0u);
}

TEST_F(NativeE1000, SelfLoopbackEveryFrameIsReceivedVerifiedAndCompleted)
{
    ASSERT_NE(mod, nullptr);
    kern_timing_reset_counters();
    const uint64_t n = 200;
    const uint64_t msi_before = e1000_get_counters(nic).irq_msi;   // StartIO's link change
    Outcome o = loopback(512, n, 32, 8);
    EXPECT_EQ(o.tx.issued, n);
    EXPECT_EQ(o.tx.completed, n);
    EXPECT_EQ(o.tx.failed + o.tx.dropped, 0u);
    EXPECT_EQ(kern_txload_lost(&o.tx), 0u);
    EXPECT_EQ(o.tx.bytes_completed, n * 512);
    EXPECT_EQ(o.rx.delivered, n);
    EXPECT_EQ(o.rx.verify.good, n);
    EXPECT_EQ(o.rx.verify.corrupt + o.rx.verify.reordered + o.rx.verify.duplicates +
                  o.rx.verify.missing + o.rx.verify.foreign, 0u);
    EXPECT_EQ(o.rx.lost, 0u);

    // Nothing leaked: the workload's packets all came back, the driver holds exactly its RX
    // ring, and no DMA went anywhere unmapped.
    EXPECT_EQ(kern_pkt_outstanding(VMK_KERNEL_MODULE_ID), 0u);
    EXPECT_EQ(kern_pkt_outstanding(mod->id), 255u);
    EXPECT_EQ(kern_dma_fault_total(), 0u);

    // The device really carried them: n frames out and n in, by MSI.
    e1000_counters c = e1000_get_counters(nic);
    EXPECT_EQ(c.tx_frames, n);
    EXPECT_EQ(c.rx_frames, n);
    EXPECT_EQ(c.rx_missed + c.rx_filtered + c.rx_errors + c.dma_errors + c.desc_errors, 0u);
    EXPECT_GT(c.irq_msi, 0u);
    EXPECT_EQ(c.irq_intx_asserts, 0u);
    // Moderation: StartIO programs ITR = 16 us, in 256 ns units 62 (15.872 us) between
    // interrupts (SDM §13.4.18), so from the first submit to the end of the run (the last RX
    // interrupt comes after the last TX completion) there is at most one per interval, +1.
    sim_time_t span = sim_now() - o.tx.first_submit;
    uint64_t msi = c.irq_msi - msi_before;
    EXPECT_GT(msi, 0u);
    EXPECT_LE(msi, span / (62 * 256 * SIM_NS) + 1) << "span " << span << " ps";
    EXPECT_LT(msi, n);   // several frames per interrupt
    kern_uplink_counters uc;
    kern_uplink_counters_get(kern_uplink_find("vmnic0"), &uc);
    EXPECT_EQ(uc.tx_pkts, n);
    EXPECT_EQ(uc.rx_pkts, n);

    // Driver cycles (TX, interrupt handler, NetPoll) are the module's.
    EXPECT_GT(kern_timing_owner_cycles(mod->id), 0u);
    EXPECT_GT(kern_timing_owner_insns(mod->id), n * 20);   // at least a few dozen per frame

    // The driver's statistics come from the device's read-to-clear counters (from a thread:
    // they are register reads).
    vmk_UplinkStats s{};
    run([&] { EXPECT_EQ(kern_uplink_stats_get(kern_uplink_find("vmnic0"), &s), VMK_OK); });
    EXPECT_EQ(s.txPkts, n);
    EXPECT_EQ(s.rxPkts, n);
    EXPECT_EQ(s.rxErrors + s.txErrors + s.rxDrops, 0u);
}

// A surprise removal in the middle of a run: forget, then the uplink's QuiesceIO and the
// detach run without touching the hardware; every packet the workload issued ends completed
// or failed (none lost silently), the driver gives back every packet and resource it held.
TEST_F(NativeE1000, SurpriseRemovalMidTrafficLosesNothingSilently)
{
    ASSERT_NE(mod, nullptr);
    vmk_Uplink u = kern_uplink_find("vmnic0");
    ASSERT_NE(u, nullptr);
    kern_txload_params p{};
    snprintf(p.uplink, sizeof p.uplink, "vmnic0");
    p.traffic = traffic(1024, 400);
    p.window = 64;
    p.batch = 8;
    kern_txload *l = nullptr;
    ASSERT_EQ(kern_txload_start(&p, &l, &err), 0) << err.msg;
    // Pull the NIC 60 us into the run (about half of the frames are through by then).
    struct Pull {
        kern_pci_dev *pdev;
        sim_err *err;
        VMK_ReturnStatus st = VMK_FAILURE;
        uint64_t faults_before = 0;
        sim_time_t at = 0;
    } pull{pdev, &err};
    sim_thread_spawn("hotplug", [](void *arg) {
        Pull *pu = static_cast<Pull *>(arg);
        sim_wait(60 * SIM_US);
        pu->faults_before = kern_dma_fault_total();
        pu->at = sim_now();
        pu->st = kern_pci_bus_remove(pu->pdev, KERN_REMOVE_SURPRISE, pu->err);
    }, &pull);
    int id = mod->id;
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(pull.st, VMK_OK) << err.msg;
    // The model has no physical removal yet: the "removed" NIC keeps working its rings after
    // the driver let go of them, and every such access is a reported DMA fault — never one
    // before the removal (the driver's own mappings were all valid).
    EXPECT_EQ(pull.faults_before, 0u);
    kern_dma_fault last{};
    if (kern_dma_last_fault(&last)) {
        EXPECT_GE(last.time_ps, pull.at);
    }
    char addr[16];
    kern_pci_bus_address(pdev, addr, sizeof addr);
    EXPECT_TRUE(saw(addr, KERN_DEV_EV_FORGET));
    EXPECT_TRUE(saw(addr, KERN_DEV_EV_DETACH));
    kern_txload_stats st;
    kern_txload_get_stats(l, &st);
    EXPECT_GT(st.completed, 0u);
    EXPECT_GT(st.failed, 0u);          // what was in the driver's ring, and what came after
    EXPECT_EQ(st.issued, 400u);
    EXPECT_EQ(kern_txload_lost(&st), 0u);
    EXPECT_EQ(st.in_flight, 0u);
    kern_txload_free(l);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
    EXPECT_EQ(kern_pkt_outstanding(id), 0u);
    kern_pci_bus_stats bs;
    kern_pci_bus_get_stats(&bs);
    EXPECT_EQ(bs.leaked_mappings + bs.leaked_vectors, 0u);
    kern_mem_usage mu;
    kern_mem_report(id, &mu);
    EXPECT_EQ(mu.live_bytes, 0u);
    EXPECT_EQ(mu.leaked_bytes, 0u);
}

struct SizeCase {
    size_t len;
    uint64_t count;
    uint32_t window, batch;
};

class NativeE1000Sizes : public NativeE1000, public ::testing::WithParamInterface<SizeCase> {};

// More frames than either ring holds, so both wrap several times; minimum and maximum frames.
TEST_P(NativeE1000Sizes, RingsWrapAndEveryFrameArrives)
{
    ASSERT_NE(mod, nullptr);
    SizeCase sc = GetParam();
    Outcome o = loopback(sc.len, sc.count, sc.window, sc.batch);
    EXPECT_EQ(o.tx.completed, sc.count);
    EXPECT_EQ(kern_txload_lost(&o.tx), 0u);
    EXPECT_EQ(o.rx.verify.good, sc.count);
    EXPECT_EQ(o.rx.lost, 0u);
    EXPECT_EQ(o.rx.verify.reordered + o.rx.verify.corrupt, 0u);
    EXPECT_EQ(kern_pkt_outstanding(VMK_KERNEL_MODULE_ID), 0u);
    EXPECT_EQ(kern_dma_fault_total(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Frames, NativeE1000Sizes,
                         ::testing::Values(SizeCase{60, 700, 64, 16}, SizeCase{1514, 300, 200, 32},
                                           SizeCase{128, 600, 1, 1}));

TEST_F(NativeE1000, FramesAboveTheMtuFailAndUnloadGivesEverythingBack)
{
    ASSERT_NE(mod, nullptr);
    Outcome o = loopback(1515, 5, 8, 4);   // 1500 + 14 + 1
    EXPECT_EQ(o.tx.failed, 5u);
    EXPECT_EQ(e1000_get_counters(nic).tx_frames, 0u);
    o = loopback(256, 50, 16, 4);
    EXPECT_EQ(o.rx.verify.good, 50u);

    int id = mod->id;
    run([&] { EXPECT_EQ(kern_module_unload("vmk_e1000", &err), 0) << err.msg; });
    mod = nullptr;
    char addr[16];
    kern_pci_bus_address(pdev, addr, sizeof addr);
    EXPECT_TRUE(saw(addr, KERN_DEV_EV_QUIESCE));
    EXPECT_TRUE(saw(addr, KERN_DEV_EV_DETACH));
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_UNCLAIMED);
    EXPECT_EQ(kern_uplink_count(), 0u);
    EXPECT_EQ(kern_pkt_outstanding(id), 0u);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
    kern_pci_bus_stats bs;
    kern_pci_bus_get_stats(&bs);
    EXPECT_EQ(bs.mappings_live, 0u);
    EXPECT_EQ(bs.vectors_live, 0u);
    EXPECT_EQ(bs.leaked_mappings + bs.leaked_vectors, 0u);
    kern_mem_usage mu;
    kern_mem_report(id, &mu);
    EXPECT_EQ(mu.live_bytes, 0u);
    EXPECT_EQ(mu.leaked_bytes, 0u);
    EXPECT_GT(mu.allocs, 0u);
}

}  // namespace
