// test_e1000hw.cpp — the shared e1000 hardware layer (drivers/common/e1000/) against the real
// 82540EM model: a platform with one "e1000" endpoint is booted, a host memory installed, and
// sim threads call the layer as a driver would; its osdep glue (test_osdep.c) reaches BAR0 by
// pcie_mmio_read/write and delays with sim_wait. The model's header is not included here: the
// layer's own register definitions are what is being tested.
#include "tests/common/device_rig.h"

#include <cstring>
#include <functional>
#include <vector>

#include "devices/nic/e1000.h"
#include "devices/pcie/pci_access.h"
#include "devices/wire/traffic.h"
#include "drivers/common/e1000/e1000_hw.h"
#include "drivers/common/e1000/e1000_ring.h"
#include "kernel_model/kernel.h"
#include "kernel_model/pci/pci_tree.h"
#include "sim/sim.h"
#include "tests/e1000hw/test_osdep.h"

namespace {

constexpr uint64_t kMem = 0x20000000ull, kMemSize = 4u << 20;
constexpr uint64_t kTxRing = kMem + 0x1000, kRxRing = kMem + 0x3000;
constexpr uint64_t kTxBuf = kMem + 0x10000, kRxBuf = kMem + 0x100000;
constexpr uint32_t kRxBufBytes = 2048;

struct rx_log {
    std::vector<std::vector<uint8_t>> frames;
};
void log_rx(void *ctx, wire_port *, const wire_frame *f)
{
    static_cast<rx_log *>(ctx)->frames.emplace_back(f->data, f->data + f->len);
}

class E1000Hw : public vmksim_test::DeviceRig {
protected:
    e1000 *nic = nullptr;
    e1000_test_os os{};
    e1000_hw hw{};
    wire_port *peer = nullptr;
    wire_link *link = nullptr;
    rx_log peer_rx;
    std::vector<uint64_t> rx_slot_buf;   // the glue's per-slot record: which buffer each RX slot holds
    vmksim_test::HostMemory &h = host;

    void SetUp() override
    {
        boot_one("e1000", "nic0", kMem, kMemSize);
        nic = static_cast<e1000 *>(pcie_endpoint_state(ep));
        ASSERT_EQ(pdev->vendor_id, E1000_VENDOR_ID_INTEL);
        ASSERT_EQ(pdev->device_id, E1000_DEV_ID_82540EM);
        os.bar0 = pdev->bars[0].base;
        ASSERT_NE(os.bar0, 0u);
        os.fabric = sys->fabric;
        e1000_hw_init(&hw, &os);
        sim_err err{};
        ASSERT_EQ(wire_port_new("peer", 10, &peer, &err), 0);
        ASSERT_EQ(wire_link_new(e1000_port(nic), peer, 0, &link, &err), 0);
        wire_port_set_rx(peer, log_rx, &peer_rx);
        // Let the model's sim threads start even in tests that never run the simulation: a
        // device thread that was spawned but never started would otherwise first run after
        // kern_shutdown freed its device (seen under ASan).
        run([] {});
    }
    void TearDown() override
    {
        wire_link_free(link);
        wire_port_free(peer);
        shutdown();
    }
    void run(std::function<void()> body) { DeviceRig::run(std::move(body), "driver"); }

    // What a driver's open does with the layer: reset, address, filters, rings, RX/TX on, link up.
    void bring_up(e1000_hw_ring *tx, uint32_t ntx, e1000_hw_ring *rx, uint32_t nrx)
    {
        ASSERT_EQ(e1000_hw_reset(&hw), E1000_OK);
        ASSERT_EQ(e1000_hw_read_mac_addr(&hw), E1000_OK);
        ASSERT_EQ(e1000_hw_set_rar(&hw, 0, hw.mac_addr, true), E1000_OK);
        e1000_hw_clear_filters(&hw);
        ASSERT_EQ(e1000_hw_ring_init(tx, mem(kTxRing), kTxRing, ntx), E1000_OK);
        e1000_hw_tx_ring_program(&hw, tx);
        e1000_hw_tx_enable(&hw);
        ASSERT_EQ(e1000_hw_ring_init(rx, mem(kRxRing), kRxRing, nrx), E1000_OK);
        e1000_hw_rx_ring_program(&hw, rx);
        rx_slot_buf.assign(nrx, 0);
        while (e1000_hw_ring_unused(rx) > 0) {
            uint32_t slot = rx->next_to_use;
            uint64_t buf = kRxBuf + uint64_t{kRxBufBytes} * slot;
            ASSERT_EQ(e1000_hw_rx_put(rx, buf), int(slot));
            rx_slot_buf[slot] = buf;
        }
        e1000_hw_rx_commit(&hw, rx);
        e1000_rx_config rc{};
        rc.buffer_bytes = kRxBufBytes;
        rc.strip_crc = true;
        rc.broadcast = true;
        ASSERT_EQ(e1000_hw_rx_enable(&hw, &rc), E1000_OK);
        e1000_hw_link_up(&hw);
    }
    std::vector<uint8_t> frame_to(const uint8_t *dst, size_t len, uint8_t fill)
    {
        std::vector<uint8_t> f(len, fill);
        memcpy(f.data(), dst, 6);
        return f;
    }
};

}  // namespace

TEST_F(E1000Hw, RingIndexArithmeticWrapsAndKeepsOneSlotEmpty)
{
    e1000_hw_ring r{};
    EXPECT_EQ(e1000_hw_ring_init(&r, mem(kTxRing), kTxRing, 12), E1000_ERR_PARAM);   // not 8k
    EXPECT_EQ(e1000_hw_ring_init(&r, mem(kTxRing), kTxRing, 0), E1000_ERR_PARAM);
    EXPECT_EQ(e1000_hw_ring_init(&r, mem(kTxRing), kTxRing + 8, 8), E1000_ERR_PARAM);  // misaligned
    EXPECT_EQ(e1000_hw_ring_init(&r, nullptr, kTxRing, 8), E1000_ERR_PARAM);
    EXPECT_EQ(e1000_hw_ring_init(&r, mem(kTxRing), kTxRing, 65536), E1000_ERR_PARAM);
    memset(mem(kTxRing), 0xAB, 16 * 16);
    ASSERT_EQ(e1000_hw_ring_init(&r, mem(kTxRing), kTxRing, 16), E1000_OK);
    for (int i = 0; i < 16 * 16; i++)
        ASSERT_EQ(mem(kTxRing)[i], 0) << "descriptor memory zeroed, byte " << i;
    EXPECT_EQ(e1000_hw_ring_next(&r, 15), 0u);
    EXPECT_EQ(e1000_hw_ring_next(&r, 3), 4u);
    EXPECT_EQ(e1000_hw_ring_add(&r, 14, 5), 3u);
    EXPECT_EQ(e1000_hw_ring_unused(&r), 15u);   // head == tail means empty: one slot stays free
    r.next_to_clean = 13;
    r.next_to_use = 2;                            // 13, 14, 15, 0, 1 in flight
    EXPECT_EQ(e1000_hw_ring_in_flight(&r), 5u);
    EXPECT_EQ(e1000_hw_ring_unused(&r), 10u);
}

TEST_F(E1000Hw, ResetSelfClearsAndLeavesEveryInterruptMasked)
{
    uint32_t ims_before = 0, ims_after = 0, ctrl = 0;
    int st = -100;
    run([&] {
        e1000_hw_irq_enable(&hw, E1000_ICR_TXDW | E1000_ICR_RXT0);
        ims_before = e1000_hw_irq_mask(&hw);
        e1000_hw_irq_cause_set(&hw, E1000_ICR_LSC);
        st = e1000_hw_reset(&hw);
        ims_after = e1000_hw_irq_mask(&hw);
        ctrl = e1000_hw_rd(&hw, E1000_CTRL);
        EXPECT_EQ(e1000_hw_irq_cause_read(&hw), 0u);   // causes cleared by the reset sequence
    });
    EXPECT_EQ(st, E1000_OK) << e1000_hw_strerror(st);
    EXPECT_EQ(ims_before, E1000_ICR_TXDW | E1000_ICR_RXT0);
    EXPECT_EQ(ims_after, 0u);
    EXPECT_EQ(hw.ims, 0u);
    EXPECT_EQ(ctrl & E1000_CTRL_RST, 0u);
    EXPECT_GE(os.delayed_us, E1000_RESET_DELAY_US);
}

TEST_F(E1000Hw, MacAddressReadThroughEerdEqualsTheModelsAndChecksumIsValid)
{
    int st_mac = -100, st_sum = -100, st_bad = -100;
    uint64_t t0 = 0, t1 = 0;
    run([&] {
        t0 = sim_now();
        st_mac = e1000_hw_read_mac_addr(&hw);
        t1 = sim_now();
        st_sum = e1000_hw_validate_eeprom(&hw);
        uint16_t v;
        st_bad = e1000_hw_read_eeprom(&hw, E1000_EEPROM_WORDS, &v);
    });
    ASSERT_EQ(st_mac, E1000_OK) << e1000_hw_strerror(st_mac);
    uint8_t model_mac[6];
    e1000_mac_address(nic, model_mac);
    EXPECT_EQ(memcmp(hw.mac_addr, model_mac, 6), 0);
    EXPECT_EQ(st_sum, E1000_OK);
    EXPECT_EQ(st_bad, E1000_ERR_PARAM);
    // three EERD reads, each waited for with the osdep delay (the model takes ~26 us a word)
    EXPECT_GT(t1 - t0, 3 * 20 * SIM_US);
    EXPECT_GT(os.delayed_us, 0u);
}

TEST_F(E1000Hw, PhyReadsIdentifierAndRefusesBadRegister)
{
    uint16_t id1 = 0, status = 0;
    int st1 = -100, st2 = -100, st3 = -100;
    run([&] {
        st1 = e1000_hw_phy_read(&hw, E1000_PHY_ID1, &id1);
        e1000_hw_link_up(&hw);
        st2 = e1000_hw_phy_read(&hw, E1000_PHY_STATUS, &status);
        st3 = e1000_hw_phy_read(&hw, 32, &status);
    });
    EXPECT_EQ(st1, E1000_OK);
    EXPECT_EQ(id1, 0x0141);     // the model's PHY identifier (docs/nic.md)
    EXPECT_EQ(st2, E1000_OK);
    EXPECT_NE(status & E1000_PHY_STATUS_LINK, 0);
    EXPECT_EQ(st3, E1000_ERR_PARAM);
}

TEST_F(E1000Hw, LinkUpSetsSluAndStatusReportsGigabitFullDuplex)
{
    e1000_link_status before{}, after{}, down{};
    uint32_t icr = 0;
    run([&] {
        before = e1000_hw_link_status(&hw);
        e1000_hw_link_up(&hw);
        after = e1000_hw_link_status(&hw);
        icr = e1000_hw_irq_cause_read(&hw);
        e1000_hw_link_down(&hw);
        down = e1000_hw_link_status(&hw);
    });
    EXPECT_FALSE(before.up);
    EXPECT_TRUE(after.up);
    EXPECT_TRUE(after.full_duplex);
    EXPECT_EQ(after.speed_mbps, 1000u);
    EXPECT_NE(icr & E1000_ICR_LSC, 0u);
    EXPECT_FALSE(down.up);
}

TEST_F(E1000Hw, ReceiveAddressAndMulticastFiltersProgramTheRegisters)
{
    const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    const uint8_t mcast[6] = {0x01, 0x00, 0x5E, 0x00, 0x12, 0x34};
    uint32_t ral = 0, rah = 0, rah_invalid = 0, mta_word = 0, mta_other = 0;
    int st_bad = -100;
    run([&] {
        e1000_hw_set_rar(&hw, 3, mac, true);
        ral = e1000_hw_rd(&hw, E1000_RAL(3));
        rah = e1000_hw_rd(&hw, E1000_RAH(3));
        e1000_hw_set_rar(&hw, 3, mac, false);
        rah_invalid = e1000_hw_rd(&hw, E1000_RAH(3));
        st_bad = e1000_hw_set_rar(&hw, E1000_RAR_ENTRIES, mac, true);
        e1000_hw_mta_add(&hw, mcast);
        uint32_t hsh = e1000_hw_mta_hash(mcast);
        mta_word = e1000_hw_rd(&hw, E1000_MTA(hsh >> 5));
        e1000_hw_clear_filters(&hw);
        mta_other = e1000_hw_rd(&hw, E1000_MTA(hsh >> 5));
    });
    EXPECT_EQ(ral, 0x33221102u);
    EXPECT_EQ(rah, E1000_RAH_AV | 0x5544u);
    EXPECT_EQ(rah_invalid, 0x5544u);
    EXPECT_EQ(st_bad, E1000_ERR_PARAM);
    EXPECT_EQ(e1000_hw_mta_hash(mcast), 0x341u);   // bits 47:36 of 01:00:5E:00:12:34
    EXPECT_EQ(mta_word, 1u << (0x341 & 31));
    EXPECT_EQ(mta_other, 0u);
}

TEST_F(E1000Hw, TransmitFillAndTailReachThePeerAndReapReturnsEachFrame)
{
    std::vector<uint8_t> f1(100), f2(1400), f3(60);
    for (size_t i = 0; i < f1.size(); i++) f1[i] = uint8_t(i);
    for (size_t i = 0; i < f2.size(); i++) f2[i] = uint8_t(i * 7);
    for (size_t i = 0; i < f3.size(); i++) f3[i] = uint8_t(0xF0 ^ i);
    memcpy(mem(kTxBuf), f1.data(), f1.size());
    memcpy(mem(kTxBuf + 0x1000), f2.data(), 600);          // f2 in three buffers
    memcpy(mem(kTxBuf + 0x2000), f2.data() + 600, 500);
    memcpy(mem(kTxBuf + 0x3000), f2.data() + 1100, 300);
    memcpy(mem(kTxBuf + 0x4000), f3.data(), f3.size());
    e1000_hw_ring tx{}, rx{};
    std::vector<e1000_hw_tx_done> done;
    int idx[3] = {-100, -100, -100};
    uint32_t tdh = 0, unused_before_reap = 0;
    run([&] {
        bring_up(&tx, 8, &rx, 8);
        e1000_hw_tx_seg s1{kTxBuf, 100};
        e1000_hw_tx_seg s2[3] = {{kTxBuf + 0x1000, 600}, {kTxBuf + 0x2000, 500}, {kTxBuf + 0x3000, 300}};
        e1000_hw_tx_seg s3{kTxBuf + 0x4000, 60};
        idx[0] = e1000_hw_tx_frame(&tx, &s1, 1, 0);
        idx[1] = e1000_hw_tx_frame(&tx, s2, 3, 0);
        idx[2] = e1000_hw_tx_frame(&tx, &s3, 1, 0);
        e1000_hw_tx_done d{};
        EXPECT_EQ(e1000_hw_tx_reap(&tx, &d), 0);   // not handed to the device yet
        e1000_hw_tx_commit(&hw, &tx);
        sim_wait(100 * SIM_US);
        tdh = e1000_hw_rd(&hw, E1000_TDH);
        unused_before_reap = e1000_hw_ring_unused(&tx);
        while (e1000_hw_tx_reap(&tx, &d) == 1)
            done.push_back(d);
    });
    EXPECT_EQ(idx[0], 0);
    EXPECT_EQ(idx[1], 1);
    EXPECT_EQ(idx[2], 4);
    EXPECT_EQ(tdh, 5u);
    ASSERT_EQ(peer_rx.frames.size(), 3u);
    EXPECT_EQ(peer_rx.frames[0], f1);
    EXPECT_EQ(peer_rx.frames[1], f2);
    EXPECT_EQ(peer_rx.frames[2], f3);
    EXPECT_EQ(unused_before_reap, 2u);
    ASSERT_EQ(done.size(), 3u);
    EXPECT_EQ(done[0].first, 0u); EXPECT_EQ(done[0].last, 0u); EXPECT_EQ(done[0].ndesc, 1u);
    EXPECT_EQ(done[1].first, 1u); EXPECT_EQ(done[1].last, 3u); EXPECT_EQ(done[1].ndesc, 3u);
    EXPECT_EQ(done[2].first, 4u); EXPECT_EQ(done[2].last, 4u); EXPECT_EQ(done[2].ndesc, 1u);
    for (auto &d : done)
        EXPECT_EQ(d.status, E1000_TXD_STA_DD);
    EXPECT_EQ(e1000_hw_ring_in_flight(&tx), 0u);
    EXPECT_EQ(tx.next_to_clean, 5u);
}

TEST_F(E1000Hw, TransmitRefusesFullRingAndBadSegmentsWithoutChangingIt)
{
    e1000_hw_ring tx{};
    ASSERT_EQ(e1000_hw_ring_init(&tx, mem(kTxRing), kTxRing, 8), E1000_OK);
    e1000_hw_tx_seg seg{kTxBuf, 64};
    for (int i = 0; i < 7; i++)
        EXPECT_EQ(e1000_hw_tx_frame(&tx, &seg, 1, 0), i);
    EXPECT_EQ(e1000_hw_tx_frame(&tx, &seg, 1, 0), E1000_ERR_RING_FULL);
    EXPECT_EQ(tx.next_to_use, 7u);
    e1000_hw_ring tx2{};
    ASSERT_EQ(e1000_hw_ring_init(&tx2, mem(kTxRing), kTxRing, 8), E1000_OK);
    std::vector<e1000_hw_tx_seg> many(8, seg);
    EXPECT_EQ(e1000_hw_tx_frame(&tx2, many.data(), 8, 0), E1000_ERR_RING_FULL);
    EXPECT_EQ(tx2.next_to_use, 0u);
    e1000_hw_tx_seg zero{kTxBuf, 0}, huge{kTxBuf, E1000_TX_MAX_BUF_BYTES + 1};
    EXPECT_EQ(e1000_hw_tx_frame(&tx2, &zero, 1, 0), E1000_ERR_PARAM);
    EXPECT_EQ(e1000_hw_tx_frame(&tx2, &huge, 1, 0), E1000_ERR_PARAM);
    EXPECT_EQ(e1000_hw_tx_frame(&tx2, &seg, 0, 0), E1000_ERR_PARAM);
    EXPECT_EQ(tx2.next_to_use, 0u);
}

TEST_F(E1000Hw, TransmitRingWrapsOverManyFramesWithReapInterleaved)
{
    // 300 frames through a 16-descriptor ring: fill what is free, commit, reap, repeat.
    e1000_hw_ring tx{}, rx{};
    const unsigned total = 300;
    unsigned queued = 0, reaped = 0;
    run([&] {
        bring_up(&tx, 16, &rx, 8);
        while (reaped < total) {
            while (queued < total && e1000_hw_ring_unused(&tx) > 0) {
                uint64_t buf = kTxBuf + 0x100ull * (queued % 64);
                std::vector<uint8_t> f(64 + queued % 32, uint8_t(queued));
                memcpy(mem(buf), f.data(), f.size());
                e1000_hw_tx_seg s{buf, uint32_t(f.size())};
                ASSERT_EQ(e1000_hw_tx_frame(&tx, &s, 1, 0), int(tx.next_to_use));
                queued++;
            }
            e1000_hw_tx_commit(&hw, &tx);
            sim_wait(2 * SIM_US);
            e1000_hw_tx_done d;
            while (e1000_hw_tx_reap(&tx, &d) == 1) {
                ASSERT_EQ(d.first, reaped % 16);
                reaped++;
            }
        }
    });
    EXPECT_EQ(reaped, total);
    ASSERT_EQ(peer_rx.frames.size(), total);
    for (unsigned i = 0; i < total; i++) {
        ASSERT_EQ(peer_rx.frames[i].size(), 64u + i % 32) << i;
        ASSERT_EQ(peer_rx.frames[i][10], uint8_t(i)) << i;
    }
}

TEST_F(E1000Hw, ReceiveRefillAndHarvestVerifyTrafficAcrossRingWraps)
{
    // A traffic source on the peer sends 600 frames; the "driver" polls: harvest, verify, refill.
    e1000_hw_ring tx{}, rx{};
    wire_traffic_params pr{};
    pr.src[0] = 2;
    pr.stream_id = 5;
    pr.frame_len = 256;
    pr.count = 600;
    pr.frames_per_s = 2000000;
    pr.seed = 1234;
    wire_traffic_sink *sink = nullptr;
    wire_traffic_source *src = nullptr;
    unsigned harvested = 0, bad = 0;
    e1000_hw_stats st{};
    uint32_t rdh = 0;
    run([&] {
        bring_up(&tx, 8, &rx, 32);
        memcpy(pr.dst, hw.mac_addr, 6);
        sim_err err{};
        ASSERT_EQ(wire_traffic_sink_new(&pr, &sink, &err), 0) << err.msg;
        ASSERT_EQ(wire_traffic_source_start(&pr, peer, &src, &err), 0) << err.msg;
        sim_time_t idle_since = sim_now();
        while (harvested < pr.count && sim_now() - idle_since < SIM_MS) {
            e1000_hw_rx_done d;
            bool any = false;
            while (e1000_hw_rx_harvest(&rx, &d) == 1) {
                any = true;
                if (!d.eop || (d.errors & E1000_RXD_ERR_FRAME))
                    bad++;
                uint64_t buf = rx_slot_buf[d.index];
                wire_traffic_sink_check(sink, mem(buf), d.length);
                harvested++;
                // the buffer goes back into the ring at the next free slot (not its old one)
                int slot = e1000_hw_rx_put(&rx, buf);
                ASSERT_GE(slot, 0);
                rx_slot_buf[size_t(slot)] = buf;
            }
            if (any) {
                e1000_hw_rx_commit(&hw, &rx);
                idle_since = sim_now();
            }
            sim_wait(3 * SIM_US);
        }
        rdh = e1000_hw_rd(&hw, E1000_RDH);
        e1000_hw_stats_update(&hw, &st);
    });
    EXPECT_EQ(harvested, pr.count);
    EXPECT_EQ(bad, 0u);
    EXPECT_EQ(wire_traffic_sink_get_stats(sink).good, pr.count);
    EXPECT_EQ(wire_traffic_sink_get_stats(sink).reordered, 0u);
    EXPECT_EQ(wire_traffic_sink_lost(sink), 0u);
    EXPECT_EQ(rdh, rx.next_to_clean);               // software caught up with the device's head
    EXPECT_EQ(rx.next_to_clean, pr.count % 32);     // 600 frames: 18 full wraps of 32 + 24
    EXPECT_EQ(st.gprc, pr.count);
    EXPECT_EQ(st.gorc, pr.count * (pr.frame_len + 4));   // octets counted with the FCS
    EXPECT_EQ(st.mpc, 0u);
    wire_traffic_source_free(src);
    wire_traffic_sink_free(sink);
}

TEST_F(E1000Hw, StatisticsAccumulateAcrossReadToClearRegisters)
{
    e1000_hw_ring tx{}, rx{};
    e1000_hw_stats st{}, after_first{};
    std::vector<uint8_t> f(200, 0x3C);
    memcpy(mem(kTxBuf), f.data(), f.size());
    uint32_t gptc_raw = 99;
    run([&] {
        bring_up(&tx, 16, &rx, 16);
        auto send = [&](unsigned n) {
            for (unsigned i = 0; i < n; i++) {
                e1000_hw_tx_seg s{kTxBuf, uint32_t(f.size())};
                ASSERT_GE(e1000_hw_tx_frame(&tx, &s, 1, 0), 0);
            }
            e1000_hw_tx_commit(&hw, &tx);
            sim_wait(50 * SIM_US);
            e1000_hw_tx_done d;
            while (e1000_hw_tx_reap(&tx, &d) == 1) {}
        };
        send(5);
        e1000_hw_stats_update(&hw, &st);
        after_first = st;
        gptc_raw = e1000_hw_rd(&hw, E1000_GPTC);   // cleared by the update's read
        send(7);
        e1000_hw_stats_update(&hw, &st);
        e1000_hw_stats_update(&hw, &st);           // nothing new: adds zero
    });
    EXPECT_EQ(after_first.gptc, 5u);
    EXPECT_EQ(after_first.gotc, 5u * 204);
    EXPECT_EQ(gptc_raw, 0u);
    EXPECT_EQ(st.gptc, 12u);
    EXPECT_EQ(st.tpt, 12u);
    EXPECT_EQ(st.gotc, 12u * 204);
    EXPECT_EQ(st.tot, 12u * 204);
    EXPECT_EQ(st.ptc255, 12u);                     // 204 B with FCS: the 128-255 bucket
    EXPECT_EQ(st.gprc, 0u);
}

TEST_F(E1000Hw, InterruptMaskSetClearGatesIntxAndModerationRegisters)
{
    uint32_t mask1 = 0, mask2 = 0, cause = 0, itr = 0, rdtr = 0, tadv = 0;
    size_t intx_masked = 99, intx_unmasked = 99;
    int st_itr_bad = -100, st_delay_bad = -100;
    run([&] {
        e1000_hw_irq_enable(&hw, E1000_ICR_TXDW | E1000_ICR_RXT0);
        mask1 = e1000_hw_irq_mask(&hw);
        e1000_hw_irq_disable(&hw, E1000_ICR_TXDW);
        mask2 = e1000_hw_irq_mask(&hw);
        e1000_hw_irq_cause_set(&hw, E1000_ICR_TXDW);   // masked: no interrupt
        sim_wait(SIM_US);
        intx_masked = h.intx.size();
        e1000_hw_irq_cause_set(&hw, E1000_ICR_RXT0);   // unmasked: INTA# asserts
        sim_wait(SIM_US);
        intx_unmasked = h.intx.size();
        cause = e1000_hw_irq_cause_read(&hw);
        EXPECT_EQ(e1000_hw_set_itr(&hw, 1000 * E1000_ITR_UNIT_NS + 100), E1000_OK);
        itr = e1000_hw_rd(&hw, E1000_ITR);
        st_itr_bad = e1000_hw_set_itr(&hw, 0x10000u * E1000_ITR_UNIT_NS);
        EXPECT_EQ(e1000_hw_set_irq_delays(&hw, 8, 32, 16, 64), E1000_OK);
        rdtr = e1000_hw_rd(&hw, E1000_RDTR);
        tadv = e1000_hw_rd(&hw, E1000_TADV);
        st_delay_bad = e1000_hw_set_irq_delays(&hw, 0x10000u, 0, 0, 0);
    });
    EXPECT_EQ(mask1, E1000_ICR_TXDW | E1000_ICR_RXT0);
    EXPECT_EQ(mask2, E1000_ICR_RXT0);
    EXPECT_EQ(hw.ims, E1000_ICR_RXT0);
    EXPECT_EQ(intx_masked, 0u);
    ASSERT_EQ(intx_unmasked, 1u);
    EXPECT_TRUE(h.intx[0].second);
    EXPECT_EQ(cause, E1000_ICR_TXDW | E1000_ICR_RXT0);   // ICR shows masked causes too
    EXPECT_EQ(itr, 1000u);
    EXPECT_EQ(st_itr_bad, E1000_ERR_PARAM);
    EXPECT_EQ(rdtr, 8u);
    EXPECT_EQ(tadv, 64u);
    EXPECT_EQ(st_delay_bad, E1000_ERR_PARAM);
}

TEST_F(E1000Hw, RxConfigRefusesBufferSizesTheHardwareCannotExpress)
{
    int st = -100;
    uint32_t rctl = 0;
    run([&] {
        e1000_rx_config rc{};
        rc.buffer_bytes = 3000;
        st = e1000_hw_rx_enable(&hw, &rc);
        rc.buffer_bytes = 4096;
        rc.strip_crc = true;
        EXPECT_EQ(e1000_hw_rx_enable(&hw, &rc), E1000_OK);
        rctl = e1000_hw_rd(&hw, E1000_RCTL);
    });
    EXPECT_EQ(st, E1000_ERR_PARAM);
    EXPECT_EQ(rctl & (E1000_RCTL_EN | E1000_RCTL_BSEX | E1000_RCTL_SECRC),
              E1000_RCTL_EN | E1000_RCTL_BSEX | E1000_RCTL_SECRC);
    EXPECT_EQ((rctl >> E1000_RCTL_BSIZE_SHIFT) & 3u, 3u);
}
