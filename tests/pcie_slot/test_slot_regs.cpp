// Slot register semantics (PCIe Base Spec 5.0 §7.5.3.9-11): Slot Capabilities read-only, each
// Slot Control field writable, each Slot Status event bit RW1C (cleared only by a 1), state bits
// read-only; every Slot Control write is a command completed after the documented time.
#include "slot_test_util.h"

using namespace slottest;

TEST_F(Slots, SlotCapabilitiesAsDeclaredAndReadOnly)
{
    const uint32_t want = PCIE_EXP_SLTCAP_ABP | PCIE_EXP_SLTCAP_PCP | PCIE_EXP_SLTCAP_MRLSP |
                          PCIE_EXP_SLTCAP_AIP | PCIE_EXP_SLTCAP_PIP | PCIE_EXP_SLTCAP_HPS |
                          PCIE_EXP_SLTCAP_HPC;
    for (auto [w, psn] : {std::pair{kRp0, 5u}, {kRp1, 9u}, {kDp1, 21u}}) {
        uint32_t cap = r32(w, kExp + PCIE_EXP_SLTCAP);
        EXPECT_EQ(want, cap & 0x7F);
        EXPECT_FALSE(cap & PCIE_EXP_SLTCAP_NCCS);   // command completion is reported
        EXPECT_FALSE(cap & PCIE_EXP_SLTCAP_EIP);
        EXPECT_EQ(psn, cap >> PCIE_EXP_SLTCAP_PSN_SHIFT);
        w32(w, kExp + PCIE_EXP_SLTCAP, 0);
        EXPECT_EQ(cap, r32(w, kExp + PCIE_EXP_SLTCAP));
        w32(w, kExp + PCIE_EXP_SLTCAP, 0xFFFFFFFFu);
        EXPECT_EQ(cap, r32(w, kExp + PCIE_EXP_SLTCAP));
        // Hot-plug ports report DLL Link Active (LNKCAP bit 20), and the slot is implemented.
        EXPECT_TRUE(r32(w, kExp + PCIE_EXP_LNKCAP) & PCIE_EXP_LNKCAP_DLLLARC);
        EXPECT_TRUE(r16(w, kExp + PCIE_EXP_FLAGS) & PCIE_EXP_FLAGS_SLOT);
    }
}

TEST_F(Slots, EachSlotControlFieldIsWritable)
{
    const uint16_t fields[] = {PCIE_EXP_SLTCTL_ABPE, PCIE_EXP_SLTCTL_PFDE, PCIE_EXP_SLTCTL_MRLSCE,
                               PCIE_EXP_SLTCTL_PDCE, PCIE_EXP_SLTCTL_CCIE, PCIE_EXP_SLTCTL_HPIE,
                               PCIE_EXP_SLTCTL_PCC,  PCIE_EXP_SLTCTL_DLLSCE};
    for (uint16_t b : fields) {
        uint16_t before = ctl(kRp1);
        ctl_bits(kRp1, b, 0);
        EXPECT_EQ(before | b, ctl(kRp1)) << std::hex << b;
        ctl_bits(kRp1, 0, b);
        EXPECT_EQ(before & ~b, ctl(kRp1)) << std::hex << b;
        run_for(10 * SIM_MS);
    }
    // The indicator fields take each encoding (1 on, 2 blink, 3 off).
    for (int v = 1; v <= 3; v++) {
        setctl(kRp1, (uint16_t)(v << 6 | v << 8 | PCIE_EXP_SLTCTL_PCC));
        EXPECT_EQ(v, (ctl(kRp1) & PCIE_EXP_SLTCTL_AIC) >> 6);
        EXPECT_EQ(v, (ctl(kRp1) & PCIE_EXP_SLTCTL_PIC) >> 8);
        EXPECT_EQ(v, st(s9).attention_ind);
        EXPECT_EQ(v, st(s9).power_ind);
    }
    // EIC always reads 0 (no interlock: EIS never set); reserved bits 15:13 stay 0.
    setctl(kRp1, 0xFFFF);
    EXPECT_EQ(0x17FF, ctl(kRp1));
    EXPECT_FALSE(sta(kRp1) & PCIE_EXP_SLTSTA_EIS);
    run_for(10 * SIM_MS);
}

// Makes every Slot Status event bit 1 on slot 9: ABP, PFD, MRLSC, PDC, CC, DLLSC.
static void raise_all_events(Slots *t, pcie_slot *s, const std::function<void(uint16_t)> &setctl,
                             const std::function<void(sim_time_t)> &run)
{
    sim_err e;
    ASSERT_EQ(0, pcie_slot_insert(s, "slot_card", "rw1c", &e)) << e.msg;   // PDC
    setctl(PCIE_EXP_SLTCTL_PWR_IND_BLINK | PCIE_EXP_SLTCTL_ATTN_IND_OFF);  // power on: CC, later DLLSC
    run(200 * SIM_MS);
    ASSERT_EQ(0, pcie_slot_press_button(s, &e));                          // ABP
    ASSERT_EQ(0, pcie_slot_power_fault(s, &e));                           // PFD
    ASSERT_EQ(0, pcie_slot_set_mrl(s, true, &e));                         // MRLSC (+MRLSS)
    (void)t;
}

TEST_F(Slots, EachSlotStatusEventBitIsRW1C)
{
    raise_all_events(this, s9, [this](uint16_t v) { setctl(kRp1, v); },
                     [this](sim_time_t d) { run_for(d); });
    const uint16_t events[] = {PCIE_EXP_SLTSTA_ABP, PCIE_EXP_SLTSTA_PFD, PCIE_EXP_SLTSTA_MRLSC,
                               PCIE_EXP_SLTSTA_PDC, PCIE_EXP_SLTSTA_CC,  PCIE_EXP_SLTSTA_DLLSC};
    uint16_t all = 0;
    for (uint16_t b : events)
        all |= b;
    ASSERT_EQ(all, sta(kRp1) & all);
    clearsta(kRp1, 0);   // writes of 0 change nothing
    EXPECT_EQ(all, sta(kRp1) & all);
    uint16_t left = all;
    for (uint16_t b : events) {
        clearsta(kRp1, b);   // a 1 clears exactly that bit
        left &= (uint16_t)~b;
        EXPECT_EQ(left, sta(kRp1) & all) << std::hex << b;
    }
}

TEST_F(Slots, SlotStatusStateBitsIgnoreWrites)
{
    sim_err e;
    // PDS 1 (card in slot 5), MRLSS 1 (MRL open): writes of 0 and 1 leave them.
    ASSERT_EQ(0, pcie_slot_set_mrl(s5, true, &e));
    uint16_t states = PCIE_EXP_SLTSTA_PDS | PCIE_EXP_SLTSTA_MRLSS;
    EXPECT_EQ(states, sta(kRp0) & states);
    clearsta(kRp0, 0);
    EXPECT_EQ(states, sta(kRp0) & states);
    clearsta(kRp0, 0xFFFF);
    EXPECT_EQ(states, sta(kRp0));   // events cleared, states kept
    // PDS 0 (empty slot 9) cannot be set by software; EIS stays 0.
    clearsta(kRp1, PCIE_EXP_SLTSTA_PDS | PCIE_EXP_SLTSTA_MRLSS | PCIE_EXP_SLTSTA_EIS);
    EXPECT_EQ(0, sta(kRp1) & (PCIE_EXP_SLTSTA_PDS | PCIE_EXP_SLTSTA_MRLSS | PCIE_EXP_SLTSTA_EIS));
    // The MRL closes again: MRLSS follows the sensor, not software.
    ASSERT_EQ(0, pcie_slot_set_mrl(s5, false, &e));
    EXPECT_EQ(PCIE_EXP_SLTSTA_PDS | PCIE_EXP_SLTSTA_MRLSC, sta(kRp0));
}

TEST_F(Slots, CommandCompletedAfterTheCommandTime)
{
    const sim_time_t cc = pcie_slot_timing_default().cmd_complete_ps;
    ASSERT_GT(cc, 0u);
    sim_time_t t0 = sim_now();
    ctl_bits(kRp1, PCIE_EXP_SLTCTL_PWR_IND_BLINK, PCIE_EXP_SLTCTL_PIC);
    EXPECT_FALSE(sta(kRp1) & PCIE_EXP_SLTSTA_CC);
    sim_run_until(t0 + cc - 1);
    EXPECT_FALSE(sta(kRp1) & PCIE_EXP_SLTSTA_CC);
    sim_run_until(t0 + cc);
    EXPECT_TRUE(sta(kRp1) & PCIE_EXP_SLTSTA_CC);
    EXPECT_EQ(1u, st(s9).commands);
    // Per the spec (§6.7.3.2) any write is a command: an unchanged value completes too.
    clearsta(kRp1, PCIE_EXP_SLTSTA_CC);
    setctl(kRp1, ctl(kRp1));
    run_for(cc);
    EXPECT_TRUE(sta(kRp1) & PCIE_EXP_SLTSTA_CC);
    // With the CF118 erratum behaviour, a write changing no indicator/power bit does not.
    pcie_slot_set_cf118(s9, true);
    clearsta(kRp1, PCIE_EXP_SLTSTA_CC);
    setctl(kRp1, (uint16_t)(ctl(kRp1) | PCIE_EXP_SLTCTL_ABPE));   // only an enable changes
    run_for(2 * cc);
    EXPECT_FALSE(sta(kRp1) & PCIE_EXP_SLTSTA_CC);
    ctl_bits(kRp1, PCIE_EXP_SLTCTL_ATTN_IND_ON, PCIE_EXP_SLTCTL_AIC);
    run_for(cc);
    EXPECT_TRUE(sta(kRp1) & PCIE_EXP_SLTSTA_CC);
}

TEST_F(Slots, CommandCompletedInterruptUsesThePortsMsi)
{
    const sim_time_t cc = pcie_slot_timing_default().cmd_complete_ps;
    enable_msi(kRp1, 0xFEE01000ULL, 0x4041);
    setctl(kRp1, (uint16_t)(ctl(kRp1) | PCIE_EXP_SLTCTL_HPIE | PCIE_EXP_SLTCTL_CCIE));
    // Enabling is itself a command: its CC arrives cc later as one MSI from the root port.
    sim_time_t t0 = sim_now();
    run_for(cc);
    ASSERT_EQ(1u, host.msis.size());
    EXPECT_EQ(t0 + cc, host.msis[0].t);   // a root port's MSI stays inside the root complex
    EXPECT_EQ(0xFEE01000ULL, host.msis[0].addr);
    EXPECT_EQ(0x4041u, host.msis[0].data);
    EXPECT_EQ((uint16_t)(2 << 3), host.msis[0].rid);   // bus 0, device 2 (rp1), function 0
    // Bus Master Enable clear: no MSI (§7.5.1.1.3).
    clearsta(kRp1, PCIE_EXP_SLTSTA_CC);
    w16(kRp1, PCIE_COMMAND, 0);
    setctl(kRp1, ctl(kRp1));
    run_for(cc);
    EXPECT_EQ(1u, host.msis.size());
    EXPECT_TRUE(sta(kRp1) & PCIE_EXP_SLTSTA_CC);
}
