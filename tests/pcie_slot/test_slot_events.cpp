// Slot events (PCIe Base Spec 5.0 §6.7): card insertion and presence detect, power-on and link
// training with their timings, power-off / removal dropping the link at once (the device then
// unreachable), power fault, MRL, attention button, and the hot-plug interrupt (§6.7.3.4) sent
// by the port itself, only for enabled events and only on false-to-true edges.
#include "slot_test_util.h"

using namespace slottest;

TEST_F(Slots, InsertionSetsPresenceAtOnceAndLinkTrainsAfterPowerOn)
{
    sim_err e;
    EXPECT_EQ(PCIE_EXP_SLTCTL_PCC, ctl(kRp1) & PCIE_EXP_SLTCTL_PCC);   // empty slot: power off
    EXPECT_EQ(0xFFFFu, r16(Where{2, 0}, PCIE_VENDOR_ID));
    ASSERT_EQ(0, pcie_slot_insert(s9, "slot_card", "hot0", &e)) << e.msg;
    EXPECT_EQ(PCIE_EXP_SLTSTA_PDS | PCIE_EXP_SLTSTA_PDC, sta(kRp1));
    EXPECT_NE(0, pcie_slot_insert(s9, "slot_card", "hot1", &e));   // occupied
    EXPECT_NE(std::string::npos, std::string(e.msg).find("already holds"));
    // Unpowered: the card is there but not reachable and no link trains.
    run_for(2 * link_time());
    EXPECT_FALSE(lnksta(kRp1) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_EQ(0xFFFFu, r16(Where{2, 0}, PCIE_VENDOR_ID));
    EXPECT_FALSE(st(s9).powered);
    // Power on (PCC 0): DLLLA exactly T_PVPERL + Detect + training later, with DLLSC.
    clearsta(kRp1, 0xFFFF);
    sim_time_t t0 = sim_now();
    ctl_bits(kRp1, PCIE_EXP_SLTCTL_PWR_IND_BLINK, PCIE_EXP_SLTCTL_PCC | PCIE_EXP_SLTCTL_PIC);
    EXPECT_TRUE(st(s9).powered);
    EXPECT_TRUE(st(s9).link_training);
    const pcie_slot_timing tm = pcie_slot_timing_default();
    EXPECT_EQ(100 * SIM_MS + 20 * SIM_MS + 72 * SIM_US, link_time());
    sim_run_until(t0 + tm.power_stable_ps + tm.detect_ps + tm.train_ps - 1);
    EXPECT_FALSE(lnksta(kRp1) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_FALSE(sta(kRp1) & PCIE_EXP_SLTSTA_DLLSC);
    EXPECT_EQ(0xFFFFu, r16(Where{2, 0}, PCIE_VENDOR_ID));
    sim_run_until(t0 + link_time());
    EXPECT_TRUE(lnksta(kRp1) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_TRUE(sta(kRp1) & PCIE_EXP_SLTSTA_DLLSC);
    EXPECT_EQ(kVendor, r16(Where{2, 0}, PCIE_VENDOR_ID));
    // The endpoint's own Link Status shows the trained width.
    EXPECT_EQ(pcie_link_params_default().width,
              (r16(Where{2, 0}, kExp + PCIE_EXP_LNKSTA) & PCIE_EXP_LNKSTA_NLW) >> 4);
    EXPECT_STREQ("hot0", st(s9).card_name);
    EXPECT_NE(nullptr, pcie_fabric_find_endpoint(f, "hot0"));
}

TEST_F(Slots, PowerOffDropsTheLinkAtOnce)
{
    ASSERT_TRUE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);   // card0 trained at boot
    EXPECT_EQ(kVendor, r16(Where{1, 0}, PCIE_VENDOR_ID));
    EXPECT_EQ(0, sta(kRp0) & PCIE_EXP_SLTSTA_DLLSC);     // no event for a boot-time card
    ctl_bits(kRp0, PCIE_EXP_SLTCTL_PCC, 0);
    EXPECT_FALSE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_TRUE(sta(kRp0) & PCIE_EXP_SLTSTA_DLLSC);
    EXPECT_TRUE(sta(kRp0) & PCIE_EXP_SLTSTA_PDS);        // still present
    EXPECT_EQ(0xFFFFFFFFu, r32(Where{1, 0}, 0));
    pcie_endpoint *ep = pcie_fabric_find_endpoint(f, "card0");
    ASSERT_NE(nullptr, ep);
    int rc = 0;
    in_thread([&] {
        uint8_t b[8];
        rc = pcie_dev_dma_read(ep, 0x1000, b, sizeof b);
    });
    EXPECT_EQ(PCIE_DMA_NO_LINK, rc);
    // Power back: a fresh function (its configuration reset), link after the training time.
    sim_time_t t0 = sim_now();
    ctl_bits(kRp0, 0, PCIE_EXP_SLTCTL_PCC);
    sim_run_until(t0 + link_time());
    EXPECT_TRUE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_EQ(kVendor, r16(Where{1, 0}, PCIE_VENDOR_ID));
    EXPECT_EQ(0, r16(Where{1, 0}, PCIE_COMMAND));
}

TEST_F(Slots, SurpriseRemovalMakesTheDeviceUnreachable)
{
    pcie_endpoint *ep = pcie_fabric_find_endpoint(f, "card0");
    ASSERT_NE(nullptr, ep);
    pcie_cfg_write(f, 1, 0, 0, PCIE_COMMAND, 2, PCIE_COMMAND_MASTER | PCIE_COMMAND_MEMORY);
    int before = -1;
    in_thread([&] {
        uint8_t b[8];
        before = pcie_dev_dma_read(ep, 0x1000, b, sizeof b);
    });
    EXPECT_EQ(PCIE_DMA_OK, before);
    // The card is pulled while a DMA is in flight: it ends NO_LINK, and so does every later one.
    int during = 0, after = 0;
    sim_err e;
    in_thread([&] {
        sim_call_after(
            5 * SIM_NS, [](void *a) {
                sim_err e2;
                pcie_slot_remove_surprise(static_cast<pcie_slot *>(a), &e2);
            },
            s5);
        uint8_t b[4096];
        during = pcie_dev_dma_read(ep, 0x1000, b, sizeof b);
        after = pcie_dev_dma_write(ep, 0x1000, b, 64);
    });
    EXPECT_EQ(PCIE_DMA_NO_LINK, during);
    EXPECT_EQ(PCIE_DMA_NO_LINK, after);
    EXPECT_EQ(PCIE_EXP_SLTSTA_PDC | PCIE_EXP_SLTSTA_DLLSC, sta(kRp0));   // PDS 0
    EXPECT_FALSE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_EQ(0xFFFFFFFFu, r32(Where{1, 0}, 0));
    EXPECT_EQ(0xFFFFFFFFu, r32(Where{1, 0}, PCIE_COMMAND));
    EXPECT_EQ(nullptr, pcie_fabric_find_endpoint(f, "card0"));
    EXPECT_EQ(nullptr, pcie_slot_endpoint(s5));
    EXPECT_NE(0, pcie_slot_remove_surprise(s5, &e));   // already empty
    // Another card goes into the same slot (still powered: PCC 0): it trains by itself.
    sim_time_t t0 = sim_now();
    ASSERT_EQ(0, pcie_slot_insert(s5, "slot_card", "card0b", &e)) << e.msg;
    sim_run_until(t0 + link_time());
    EXPECT_TRUE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_EQ(kVendor, r16(Where{1, 0}, PCIE_VENDOR_ID));
}

TEST_F(Slots, InterruptsOnlyForEnabledEventsAndOnlyOnRisingEdges)
{
    sim_err e;
    const sim_time_t cc = pcie_slot_timing_default().cmd_complete_ps;
    enable_msi(kRp0, 0xFEE00000ULL, 0x30);
    setctl(kRp0, (uint16_t)(ctl(kRp0) | PCIE_EXP_SLTCTL_HPIE | PCIE_EXP_SLTCTL_ABPE));
    run_for(cc);   // CC set, but CCIE off: no interrupt
    EXPECT_EQ(0u, host.msis.size());
    ASSERT_EQ(0, pcie_slot_set_mrl(s5, true, &e));   // MRLSC not enabled
    run_for(SIM_MS);
    EXPECT_EQ(0u, host.msis.size());
    ASSERT_EQ(0, pcie_slot_press_button(s5, &e));    // ABP & ABPE: one MSI
    run_for(SIM_MS);
    EXPECT_EQ(1u, host.msis.size());
    ASSERT_EQ(0, pcie_slot_press_button(s5, &e));    // ABP still set: no new edge
    run_for(SIM_MS);
    EXPECT_EQ(1u, host.msis.size());
    // Enabling MRLSCE while MRLSC is set: the condition is already true, no new edge.
    setctl(kRp0, (uint16_t)(ctl(kRp0) | PCIE_EXP_SLTCTL_MRLSCE));
    run_for(cc);
    EXPECT_EQ(1u, host.msis.size());
    // Clearing everything, then an event: a new edge.
    clearsta(kRp0, 0xFFFF);
    ASSERT_EQ(0, pcie_slot_press_button(s5, &e));
    run_for(SIM_MS);
    EXPECT_EQ(2u, host.msis.size());
    // Clearing only ABP leaves MRLSC... none set: clear all, then HPIE off: no interrupt.
    clearsta(kRp0, 0xFFFF);
    setctl(kRp0, (uint16_t)(ctl(kRp0) & ~PCIE_EXP_SLTCTL_HPIE));
    run_for(cc);
    ASSERT_EQ(0, pcie_slot_press_button(s5, &e));
    run_for(SIM_MS);
    EXPECT_EQ(2u, host.msis.size());
    // Re-enabling HPIE with ABP pending: the condition goes true, an MSI (§6.7.3.4).
    setctl(kRp0, (uint16_t)(ctl(kRp0) | PCIE_EXP_SLTCTL_HPIE));
    run_for(SIM_MS);
    EXPECT_EQ(3u, host.msis.size());
    EXPECT_EQ(3u, st(s5).interrupts);
    for (auto &m : host.msis) {
        EXPECT_EQ(0x30u, m.data);
        EXPECT_EQ((uint16_t)(1 << 3), m.rid);   // rp0: bus 0 device 1
    }
}

TEST_F(Slots, EachEnabledEventKindInterrupts)
{
    // DLLSC&DLLSCE, PDC&PDCE, PFD&PFDE each raise the interrupt on their own.
    sim_err e;
    const sim_time_t cc = pcie_slot_timing_default().cmd_complete_ps;
    enable_msi(kRp1, 0xFEE00000ULL, 0x31);
    struct Step { uint16_t en; std::function<void()> ev; };
    std::vector<Step> steps = {
        {PCIE_EXP_SLTCTL_PDCE, [&] { ASSERT_EQ(0, pcie_slot_insert(s9, "slot_card", "k", &e)); }},
        {PCIE_EXP_SLTCTL_DLLSCE, [&] {
             ctl_bits(kRp1, 0, PCIE_EXP_SLTCTL_PCC);
             run_for(cc);
             clearsta(kRp1, PCIE_EXP_SLTSTA_CC);
             run_for(link_time());
         }},
        {PCIE_EXP_SLTCTL_PFDE, [&] { ASSERT_EQ(0, pcie_slot_power_fault(s9, &e)); }},
    };
    size_t n = 0;
    for (auto &s : steps) {
        setctl(kRp1, (uint16_t)((ctl(kRp1) & ~0x103F) | PCIE_EXP_SLTCTL_HPIE | s.en));
        run_for(cc);
        clearsta(kRp1, 0xFFFF);
        s.ev();
        run_for(SIM_MS);
        EXPECT_EQ(++n, host.msis.size()) << std::hex << s.en;
    }
}

TEST_F(Slots, PowerFaultRemovesPowerUntilClearedAndCommanded)
{
    sim_err e;
    ASSERT_EQ(0, pcie_slot_power_fault(s5, &e));
    EXPECT_TRUE(sta(kRp0) & PCIE_EXP_SLTSTA_PFD);
    EXPECT_FALSE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_FALSE(st(s5).powered);
    // A power-on command while the fault is latched does nothing.
    setctl(kRp0, ctl(kRp0));
    run_for(link_time());
    EXPECT_FALSE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    // Software clears PFD (as pciehp does before powering on), then commands power on.
    clearsta(kRp0, PCIE_EXP_SLTSTA_PFD);
    sim_time_t t0 = sim_now();
    setctl(kRp0, ctl(kRp0));
    sim_run_until(t0 + link_time());
    EXPECT_TRUE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
}

TEST_F(Slots, MrlOpenRemovesPowerAndLinkDownStaysDown)
{
    sim_err e;
    ASSERT_EQ(0, pcie_slot_set_mrl(s5, true, &e));
    EXPECT_TRUE(sta(kRp0) & PCIE_EXP_SLTSTA_MRLSS);
    EXPECT_TRUE(sta(kRp0) & PCIE_EXP_SLTSTA_MRLSC);
    EXPECT_FALSE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    ASSERT_EQ(0, pcie_slot_set_mrl(s5, false, &e));
    EXPECT_FALSE(sta(kRp0) & PCIE_EXP_SLTSTA_MRLSS);
    run_for(link_time());
    EXPECT_TRUE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    // A link failure: DLLLA clear, DLLSC, and it stays down until a power cycle.
    clearsta(kRp0, 0xFFFF);
    ASSERT_EQ(0, pcie_slot_link_down(s5, &e));
    EXPECT_FALSE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_EQ(PCIE_EXP_SLTSTA_PDS | PCIE_EXP_SLTSTA_DLLSC, sta(kRp0));
    run_for(2 * link_time());
    EXPECT_FALSE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    ctl_bits(kRp0, PCIE_EXP_SLTCTL_PCC, 0);
    ctl_bits(kRp0, 0, PCIE_EXP_SLTCTL_PCC);
    run_for(link_time());
    EXPECT_TRUE(lnksta(kRp0) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_NE(0, pcie_slot_press_button(nullptr, &e));
}

TEST_F(Slots, SwitchPortMsiCrossesTheUplink)
{
    sim_err e;
    enable_msi(kDp1, 0xFEE02000ULL, 0x55);
    setctl(kDp1, (uint16_t)(ctl(kDp1) | PCIE_EXP_SLTCTL_HPIE | PCIE_EXP_SLTCTL_PDCE));
    run_for(SIM_MS);
    clearsta(kDp1, 0xFFFF);
    sim_time_t t0 = sim_now();
    ASSERT_EQ(0, pcie_slot_insert(s21, "slot_card", "swcard", &e)) << e.msg;
    run_for(SIM_MS);
    ASSERT_EQ(1u, host.msis.size());
    pcie_link_params l = pcie_link_params_default();
    EXPECT_EQ(t0 + pcie_link_tlp_ps(&l, PCIE_TLP_MSI, 4), host.msis[0].t);
    EXPECT_EQ(0xFEE02000ULL, host.msis[0].addr);
    EXPECT_EQ(0x55u, host.msis[0].data);
    EXPECT_EQ((uint16_t)(11 << 8 | 1 << 3), host.msis[0].rid);   // bus 11 (sw0 internal), dev 1
}

TEST_F(Slots, IntxWhenMsiIsOffFollowsTheCondition)
{
    sim_err e;
    setctl(kDp1, (uint16_t)(ctl(kDp1) | PCIE_EXP_SLTCTL_HPIE | PCIE_EXP_SLTCTL_ABPE));
    run_for(SIM_MS);
    ASSERT_EQ(0, pcie_slot_press_button(s21, &e));
    run_for(SIM_MS);
    ASSERT_EQ(1u, host.intxs.size());
    EXPECT_TRUE(host.intxs[0].asserted);
    EXPECT_EQ(2, host.intxs[0].pin);   // INTA from device 1 on the switch's bus: INTB (§9.1)
    EXPECT_TRUE(r16(kDp1, PCIE_STATUS) & PCIE_STATUS_INTX);
    clearsta(kDp1, PCIE_EXP_SLTSTA_ABP);
    run_for(SIM_MS);
    ASSERT_EQ(2u, host.intxs.size());
    EXPECT_FALSE(host.intxs[1].asserted);
    EXPECT_FALSE(r16(kDp1, PCIE_STATUS) & PCIE_STATUS_INTX);
}

TEST_F(Slots, RepeatedInsertRemoveDoesNotAccumulate)
{
    sim_err e;
    ctl_bits(kRp1, 0, PCIE_EXP_SLTCTL_PCC);
    for (int i = 0; i < 50; i++) {
        ASSERT_EQ(0, pcie_slot_insert(s9, "slot_card", "cyc", &e)) << e.msg;
        run_for(link_time());
        ASSERT_TRUE(lnksta(kRp1) & PCIE_EXP_LNKSTA_DLLLA) << i;
        ASSERT_EQ(kVendor, r16(Where{2, 0}, PCIE_VENDOR_ID));
        ASSERT_EQ(0, pcie_slot_remove_surprise(s9, &e)) << e.msg;
        ASSERT_EQ(0xFFFFu, r16(Where{2, 0}, PCIE_VENDOR_ID));
    }
    EXPECT_EQ(nullptr, pcie_fabric_find_endpoint(f, "cyc"));
    EXPECT_NE(nullptr, pcie_fabric_find_endpoint(f, "card0"));
    EXPECT_NE(0, pcie_slot_insert(s9, "no_such_model", "x", &e));
    EXPECT_NE(std::string::npos, std::string(e.msg).find("unknown model"));
}
