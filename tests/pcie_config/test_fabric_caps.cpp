// test_fabric_caps.cpp — capability lists and the registers in them, read through ECAM on each
// kind of function: root port, switch upstream and downstream ports, the e1000 and pvscsi
// endpoints (PCIe Base Spec 5.0 §7.5.3, §7.7, §7.8.4; PCI PM 1.2).
#include "fabric_test_util.h"

extern "C" {
#include "devices/hba/pvscsi_pci.h"
#include "devices/nic/e1000_pci.h"
}

using fabtest::Fabric;

namespace {

// Bus layout after programming: rp0 00:01.0 -> e1000 at 01:00.0 (gen3 x8, MPS 256, MRRS 512);
// rp1 00:02.0 -> switch up 02:00.0, internal bus 3, dp0 03:00.0 -> pvscsi 04:00.0
// (gen4 x4, MPS 512, MRRS 1024), dp1 03:01.0 empty hot-plug slot 21;
// rp2 00:03.0 empty fixed slot 7; rp3 00:04.0 hot-plug slot 9, empty.
struct Platform : Fabric {
    Platform()
    {
        pcie_port_desc *rp0 = fabtest::add_root_port(&desc, 5, true);
        fabtest::put_endpoint(rp0, "e1000", "nic0");
        pcie_port_desc *rp1 = fabtest::add_root_port(&desc, 0, false);
        rp1->link.gen = 5;
        rp1->link.width = 16;
        pcie_switch_desc *sw = fabtest::put_switch(rp1, "sw0", 2);
        sw->ports[0].link = pcie_link_params{4, 4, 512, 1024, true};
        fabtest::put_endpoint(&sw->ports[0], "pvscsi", "hba0");
        sw->ports[1].slot = 21;
        sw->ports[1].hotplug = true;
        fabtest::add_root_port(&desc, 7, false);
        fabtest::add_root_port(&desc, 9, true);
        build();
        set_buses(0, 1, 0, 1, 1);
        set_buses(0, 2, 0, 2, 5);
        set_buses(2, 0, 2, 3, 5);
        set_buses(3, 0, 3, 4, 4);
        set_buses(3, 1, 3, 5, 5);
    }
    int exp(int b, int d) { return cap(b, d, 0, PCIE_CAP_ID_EXP); }
    int port_type(int b, int d) { return (r16(b, d, 0, exp(b, d) + PCIE_EXP_FLAGS) & 0xF0) >> 4; }
};

TEST(FabricCaps, CapabilityListsHoldTheExpectedCapabilitiesAndTerminate)
{
    Platform t;
    using V = std::vector<int>;
    auto sorted = [](V v) { std::sort(v.begin(), v.end()); return v; };
    V port{PCIE_CAP_ID_PM, PCIE_CAP_ID_MSI, PCIE_CAP_ID_EXP};
    EXPECT_EQ(sorted(port), sorted(t.cap_ids(0, 1, 0)));   // root port
    EXPECT_EQ(sorted(port), sorted(t.cap_ids(3, 0, 0)));   // downstream port
    EXPECT_EQ(sorted(V{PCIE_CAP_ID_PM, PCIE_CAP_ID_EXP}), sorted(t.cap_ids(2, 0, 0)));  // upstream
    EXPECT_EQ(sorted(V{PCIE_CAP_ID_PM, PCIE_CAP_ID_MSI, PCIE_CAP_ID_EXP}),
              sorted(t.cap_ids(1, 0, 0)));                 // e1000
    EXPECT_EQ(sorted(V{PCIE_CAP_ID_PM, PCIE_CAP_ID_MSI, PCIE_CAP_ID_MSIX, PCIE_CAP_ID_EXP}),
              sorted(t.cap_ids(4, 0, 0)));                 // pvscsi
    EXPECT_EQ(E1000_PCI_CAP_PM, t.r8(1, 0, 0, PCIE_CAPABILITY_LIST));
    EXPECT_EQ(PVSCSI_PCI_CAP_PM, t.r8(4, 0, 0, PCIE_CAPABILITY_LIST));
}

TEST(FabricCaps, ExtendedSpaceIsPresentWithAer)
{
    Platform t;
    const int fns[][2] = {{0, 1}, {2, 0}, {3, 0}, {1, 0}, {4, 0}};
    for (auto &bd : fns) {
        uint32_t h = t.r32(bd[0], bd[1], 0, PCIE_EXT_CAP_START);
        EXPECT_EQ(PCIE_EXT_CAP_ID_AER, PCIE_EXT_CAP_ID(h)) << bd[0] << ":" << bd[1];
        EXPECT_EQ(2u, PCIE_EXT_CAP_VER(h));
        EXPECT_EQ(0u, PCIE_EXT_CAP_NEXT(h));   // the list ends
    }
    // AER uncorrectable status is RW1C; severity defaults per §7.8.4.4.
    EXPECT_EQ(0x00062030u, t.r32(1, 0, 0, 0x100 + PCIE_AER_UNCOR_SEVER));
    EXPECT_EQ(0x00002000u, t.r32(1, 0, 0, 0x100 + PCIE_AER_COR_MASK));
    // Unused extended space reads 0 (not all ones: the function is present).
    EXPECT_EQ(0u, t.r32(1, 0, 0, 0xFFC));
}

TEST(FabricCaps, DevicePortTypePerKind)
{
    Platform t;
    EXPECT_EQ(PCIE_EXP_TYPE_ROOT_PORT, t.port_type(0, 1));
    EXPECT_EQ(PCIE_EXP_TYPE_UPSTREAM, t.port_type(2, 0));
    EXPECT_EQ(PCIE_EXP_TYPE_DOWNSTREAM, t.port_type(3, 0));
    EXPECT_EQ(PCIE_EXP_TYPE_DOWNSTREAM, t.port_type(3, 1));
    EXPECT_EQ(PCIE_EXP_TYPE_ENDPOINT, t.port_type(1, 0));
    EXPECT_EQ(PCIE_EXP_TYPE_ENDPOINT, t.port_type(4, 0));
    EXPECT_EQ(2, t.r16(1, 0, 0, t.exp(1, 0) + PCIE_EXP_FLAGS) & PCIE_EXP_FLAGS_VERS);
}

TEST(FabricCaps, LinkFieldsReflectPlatformParams)
{
    Platform t;
    // Both ends of rp0's link (gen3 x8) and of dp0's link (gen4 x4).
    const int ends[][3] = {{0, 1, 0}, {1, 0, 0}, {3, 0, 1}, {4, 0, 1}};
    for (auto &e : ends) {
        int b = e[0], d = e[1];
        int gen = e[2] ? 4 : 3, width = e[2] ? 4 : 8;
        int x = t.exp(b, d);
        uint32_t lnkcap = t.r32(b, d, 0, x + PCIE_EXP_LNKCAP);
        uint16_t lnksta = t.r16(b, d, 0, x + PCIE_EXP_LNKSTA);
        EXPECT_EQ((uint32_t)gen, lnkcap & PCIE_EXP_LNKCAP_SLS) << b << ":" << d;
        EXPECT_EQ((uint32_t)width, (lnkcap & PCIE_EXP_LNKCAP_MLW) >> 4);
        EXPECT_EQ(gen, lnksta & PCIE_EXP_LNKSTA_CLS);
        EXPECT_EQ(width, (lnksta & PCIE_EXP_LNKSTA_NLW) >> 4);
        // Supported Link Speeds Vector covers 2.5 GT/s up to the link's generation.
        EXPECT_EQ((1u << gen) - 1, t.r32(b, d, 0, x + PCIE_EXP_LNKCAP2) >> 1);
        int mps = e[2] ? 2 : 1, mrrs = e[2] ? 3 : 2;   // 512/1024 or 256/512
        EXPECT_EQ((uint32_t)mps, t.r32(b, d, 0, x + PCIE_EXP_DEVCAP) & PCIE_EXP_DEVCAP_PAYLOAD);
        uint16_t devctl = t.r16(b, d, 0, x + PCIE_EXP_DEVCTL);
        EXPECT_EQ(mps, (devctl & PCIE_EXP_DEVCTL_PAYLOAD) >> 5);
        EXPECT_EQ(mrrs, (devctl & PCIE_EXP_DEVCTL_READRQ) >> 12);
    }
    // The switch's upstream port sits on rp1's gen5 x16 link.
    int x = t.exp(2, 0);
    EXPECT_EQ(5u, t.r32(2, 0, 0, x + PCIE_EXP_LNKCAP) & PCIE_EXP_LNKCAP_SLS);
    EXPECT_EQ(16, (t.r16(2, 0, 0, x + PCIE_EXP_LNKSTA) & PCIE_EXP_LNKSTA_NLW) >> 4);
}

TEST(FabricCaps, DataLinkLayerActiveOnlyOnOccupiedDownstreamPorts)
{
    Platform t;
    auto lnkcap = [&](int b, int d) { return t.r32(b, d, 0, t.exp(b, d) + PCIE_EXP_LNKCAP); };
    auto lnksta = [&](int b, int d) { return t.r16(b, d, 0, t.exp(b, d) + PCIE_EXP_LNKSTA); };
    EXPECT_TRUE(lnkcap(0, 1) & PCIE_EXP_LNKCAP_DLLLARC);
    EXPECT_TRUE(lnkcap(3, 0) & PCIE_EXP_LNKCAP_DLLLARC);
    EXPECT_FALSE(lnkcap(2, 0) & PCIE_EXP_LNKCAP_DLLLARC);   // upstream port
    EXPECT_FALSE(lnkcap(1, 0) & PCIE_EXP_LNKCAP_DLLLARC);   // endpoint
    EXPECT_TRUE(lnksta(0, 1) & PCIE_EXP_LNKSTA_DLLLA);      // card present
    EXPECT_TRUE(lnksta(0, 2) & PCIE_EXP_LNKSTA_DLLLA);      // switch present
    EXPECT_TRUE(lnksta(3, 0) & PCIE_EXP_LNKSTA_DLLLA);
    EXPECT_FALSE(lnksta(3, 1) & PCIE_EXP_LNKSTA_DLLLA);     // empty slot: link down
    EXPECT_EQ(0, (lnksta(3, 1) & PCIE_EXP_LNKSTA_NLW) >> 4);
    EXPECT_FALSE(lnksta(0, 3) & PCIE_EXP_LNKSTA_DLLLA);
}

TEST(FabricCaps, HotPlugSlotRegistersAtReset)
{
    Platform t;
    const uint32_t hp = PCIE_EXP_SLTCAP_ABP | PCIE_EXP_SLTCAP_PCP | PCIE_EXP_SLTCAP_MRLSP |
                        PCIE_EXP_SLTCAP_AIP | PCIE_EXP_SLTCAP_PIP | PCIE_EXP_SLTCAP_HPS |
                        PCIE_EXP_SLTCAP_HPC;
    struct Case { int b, d, psn; bool occupied; } cases[] = {
        {0, 1, 5, true}, {0, 4, 9, false}, {3, 1, 21, false}};
    for (auto &c : cases) {
        int x = t.exp(c.b, c.d);
        EXPECT_TRUE(t.r16(c.b, c.d, 0, x + PCIE_EXP_FLAGS) & PCIE_EXP_FLAGS_SLOT);
        uint32_t sltcap = t.r32(c.b, c.d, 0, x + PCIE_EXP_SLTCAP);
        EXPECT_EQ(hp, sltcap & 0x7F) << "slot " << c.psn;
        EXPECT_EQ((uint32_t)c.psn, sltcap >> PCIE_EXP_SLTCAP_PSN_SHIFT);
        EXPECT_FALSE(sltcap & PCIE_EXP_SLTCAP_NCCS);
        uint16_t ctl = t.r16(c.b, c.d, 0, x + PCIE_EXP_SLTCTL);
        uint16_t sta = t.r16(c.b, c.d, 0, x + PCIE_EXP_SLTSTA);
        EXPECT_EQ(PCIE_EXP_SLTCTL_ATTN_IND_OFF, ctl & PCIE_EXP_SLTCTL_AIC);
        EXPECT_EQ(0, ctl & 0x3F);   // no event enabled
        if (c.occupied) {
            EXPECT_EQ(PCIE_EXP_SLTCTL_PWR_IND_ON, ctl & PCIE_EXP_SLTCTL_PIC);
            EXPECT_EQ(0, ctl & PCIE_EXP_SLTCTL_PCC);
            EXPECT_EQ(PCIE_EXP_SLTSTA_PDS, sta);
        } else {
            EXPECT_EQ(PCIE_EXP_SLTCTL_PWR_IND_OFF, ctl & PCIE_EXP_SLTCTL_PIC);
            EXPECT_EQ(PCIE_EXP_SLTCTL_PCC, ctl & PCIE_EXP_SLTCTL_PCC);
            EXPECT_EQ(0, sta);
        }
    }
}

TEST(FabricCaps, FixedSlotAndSlotlessPorts)
{
    Platform t;
    int x = t.exp(0, 3);   // fixed slot 7, empty
    EXPECT_TRUE(t.r16(0, 3, 0, x + PCIE_EXP_FLAGS) & PCIE_EXP_FLAGS_SLOT);
    uint32_t sltcap = t.r32(0, 3, 0, x + PCIE_EXP_SLTCAP);
    EXPECT_EQ(0u, sltcap & 0x7F);   // not hot-plug capable
    EXPECT_EQ(7u, sltcap >> PCIE_EXP_SLTCAP_PSN_SHIFT);
    EXPECT_EQ(0, t.r16(0, 3, 0, x + PCIE_EXP_SLTSTA) & PCIE_EXP_SLTSTA_PDS);
    t.w16(0, 3, 0, x + PCIE_EXP_SLTCTL, 0xFFFF);
    EXPECT_EQ(PCIE_EXP_SLTCTL_PDCE | PCIE_EXP_SLTCTL_DLLSCE, t.r16(0, 3, 0, x + PCIE_EXP_SLTCTL));
    // rp1 has no slot: Slot Implemented clear, Presence Detect State hardwired to 1.
    x = t.exp(0, 2);
    EXPECT_FALSE(t.r16(0, 2, 0, x + PCIE_EXP_FLAGS) & PCIE_EXP_FLAGS_SLOT);
    EXPECT_EQ(0u, t.r32(0, 2, 0, x + PCIE_EXP_SLTCAP));
    EXPECT_EQ(PCIE_EXP_SLTSTA_PDS, t.r16(0, 2, 0, x + PCIE_EXP_SLTSTA));
}

TEST(FabricCaps, SlotControlAndStatusWriteRules)
{
    Platform t;
    int x = t.exp(0, 4);
    t.w16(0, 4, 0, x + PCIE_EXP_SLTCTL, 0xFFFF);
    EXPECT_EQ(0x17FF, t.r16(0, 4, 0, x + PCIE_EXP_SLTCTL));   // EIC (no interlock) stays 0
    t.w16(0, 4, 0, x + PCIE_EXP_SLTCTL, PCIE_EXP_SLTCTL_HPIE | PCIE_EXP_SLTCTL_PWR_IND_BLINK);
    EXPECT_EQ(PCIE_EXP_SLTCTL_HPIE | PCIE_EXP_SLTCTL_PWR_IND_BLINK,
              t.r16(0, 4, 0, x + PCIE_EXP_SLTCTL));
    // Status: events are RW1C, states (PDS, MRLSS) read-only.
    t.w16(0, 4, 0, x + PCIE_EXP_SLTSTA, 0xFFFF);
    EXPECT_EQ(0, t.r16(0, 4, 0, x + PCIE_EXP_SLTSTA));
    int x1 = t.exp(0, 1);
    t.w16(0, 1, 0, x1 + PCIE_EXP_SLTSTA, 0xFFFF);
    EXPECT_EQ(PCIE_EXP_SLTSTA_PDS, t.r16(0, 1, 0, x1 + PCIE_EXP_SLTSTA));
    // SLTCAP is read-only.
    uint32_t cap = t.r32(0, 4, 0, x + PCIE_EXP_SLTCAP);
    t.w32(0, 4, 0, x + PCIE_EXP_SLTCAP, 0);
    EXPECT_EQ(cap, t.r32(0, 4, 0, x + PCIE_EXP_SLTCAP));
}

TEST(FabricCaps, RootPortRootRegisters)
{
    Platform t;
    int x = t.exp(0, 1);
    t.w16(0, 1, 0, x + PCIE_EXP_RTCTL, 0xFFFF);
    EXPECT_EQ(0x000F, t.r16(0, 1, 0, x + PCIE_EXP_RTCTL));   // no CRS SV: bit 4 RO 0
    EXPECT_EQ(0, t.r16(0, 1, 0, x + PCIE_EXP_RTCAP));
    EXPECT_EQ(0u, t.r32(0, 1, 0, x + PCIE_EXP_RTSTA));
    // A downstream port has no root registers: they stay read-only zero.
    int xd = t.exp(3, 0);
    t.w16(3, 0, 0, xd + PCIE_EXP_RTCTL, 0xFFFF);
    EXPECT_EQ(0, t.r16(3, 0, 0, xd + PCIE_EXP_RTCTL));
}

TEST(FabricCaps, DeviceControlAndStatusWriteRules)
{
    Platform t;
    int x = t.exp(1, 0);
    uint32_t devcap = t.r32(1, 0, 0, x + PCIE_EXP_DEVCAP);
    t.w32(1, 0, 0, x + PCIE_EXP_DEVCAP, 0);
    EXPECT_EQ(devcap, t.r32(1, 0, 0, x + PCIE_EXP_DEVCAP));
    // The OS lowers MPS to 128 B and MRRS to 128 B.
    uint16_t ctl = t.r16(1, 0, 0, x + PCIE_EXP_DEVCTL);
    ctl &= ~(PCIE_EXP_DEVCTL_PAYLOAD | PCIE_EXP_DEVCTL_READRQ);
    t.w16(1, 0, 0, x + PCIE_EXP_DEVCTL, ctl);
    EXPECT_EQ(ctl, t.r16(1, 0, 0, x + PCIE_EXP_DEVCTL));
    EXPECT_EQ(0, t.r16(1, 0, 0, x + PCIE_EXP_DEVSTA));
    t.w16(1, 0, 0, x + PCIE_EXP_DEVSTA, 0xFFFF);
    EXPECT_EQ(0, t.r16(1, 0, 0, x + PCIE_EXP_DEVSTA));
    // LNKCAP and LNKSTA's link fields are read-only.
    uint32_t lnk = t.r32(1, 0, 0, x + PCIE_EXP_LNKCTL);
    t.w32(1, 0, 0, x + PCIE_EXP_LNKCTL, 0xFFFF0000u);
    EXPECT_EQ(lnk, t.r32(1, 0, 0, x + PCIE_EXP_LNKCTL));
}

TEST(FabricCaps, E1000MsiAndPm)
{
    Platform t;
    int m = t.cap(1, 0, 0, PCIE_CAP_ID_MSI);
    ASSERT_EQ(E1000_PCI_CAP_MSI, m);
    uint16_t flags = t.r16(1, 0, 0, m + PCIE_MSI_FLAGS);
    EXPECT_TRUE(flags & PCIE_MSI_FLAGS_64BIT);
    EXPECT_FALSE(flags & PCIE_MSI_FLAGS_MASKBIT);
    EXPECT_EQ(0, flags & PCIE_MSI_FLAGS_QMASK);   // one vector
    t.w16(1, 0, 0, m + PCIE_MSI_FLAGS, 0xFFFF);
    EXPECT_EQ(PCIE_MSI_FLAGS_64BIT | PCIE_MSI_FLAGS_ENABLE | PCIE_MSI_FLAGS_QSIZE,
              t.r16(1, 0, 0, m + PCIE_MSI_FLAGS));
    t.w32(1, 0, 0, m + PCIE_MSI_ADDRESS_LO, 0xFEE00003u);
    EXPECT_EQ(0xFEE00000u, t.r32(1, 0, 0, m + PCIE_MSI_ADDRESS_LO));
    t.w32(1, 0, 0, m + PCIE_MSI_ADDRESS_HI, 0x1u);
    t.w16(1, 0, 0, m + PCIE_MSI_DATA_64, 0x4041);
    EXPECT_EQ(1u, t.r32(1, 0, 0, m + PCIE_MSI_ADDRESS_HI));
    EXPECT_EQ(0x4041u, t.r16(1, 0, 0, m + PCIE_MSI_DATA_64));
    int p = t.cap(1, 0, 0, PCIE_CAP_ID_PM);
    ASSERT_EQ(E1000_PCI_CAP_PM, p);
    EXPECT_EQ(3, t.r16(1, 0, 0, p + PCIE_PM_PMC) & PCIE_PM_PMC_VERSION_MASK);
    t.w16(1, 0, 0, p + PCIE_PM_CTRL, 0x0003);   // to D3hot
    EXPECT_EQ(0x0003 | PCIE_PM_CTRL_NO_SOFT_RESET, t.r16(1, 0, 0, p + PCIE_PM_CTRL));
}

TEST(FabricCaps, PvscsiMsixAndMaskedMsi)
{
    Platform t;
    int x = t.cap(4, 0, 0, PCIE_CAP_ID_MSIX);
    ASSERT_EQ(PVSCSI_PCI_CAP_MSIX, x);
    EXPECT_EQ(PVSCSI_PCI_MSIX_VECTORS - 1, t.r16(4, 0, 0, x + PCIE_MSIX_FLAGS) & 0x7FF);
    EXPECT_EQ(PVSCSI_PCI_MSIX_TABLE_OFF | PVSCSI_PCI_BAR_MEM, t.r32(4, 0, 0, x + PCIE_MSIX_TABLE));
    EXPECT_EQ(PVSCSI_PCI_MSIX_PBA_OFF | PVSCSI_PCI_BAR_MEM, t.r32(4, 0, 0, x + PCIE_MSIX_PBA));
    t.w16(4, 0, 0, x + PCIE_MSIX_FLAGS, 0xFFFF);
    EXPECT_EQ(0xC000 | (PVSCSI_PCI_MSIX_VECTORS - 1), t.r16(4, 0, 0, x + PCIE_MSIX_FLAGS));
    t.w32(4, 0, 0, x + PCIE_MSIX_TABLE, 0);
    EXPECT_EQ(PVSCSI_PCI_MSIX_TABLE_OFF | PVSCSI_PCI_BAR_MEM, t.r32(4, 0, 0, x + PCIE_MSIX_TABLE));
    int m = t.cap(4, 0, 0, PCIE_CAP_ID_MSI);
    EXPECT_TRUE(t.r16(4, 0, 0, m + PCIE_MSI_FLAGS) & PCIE_MSI_FLAGS_MASKBIT);
    t.w32(4, 0, 0, m + PCIE_MSI_MASK_64, 0xFFFFFFFFu);
    EXPECT_EQ(1u, t.r32(4, 0, 0, m + PCIE_MSI_MASK_64));   // one vector, one mask bit
    t.w32(4, 0, 0, m + PCIE_MSI_PENDING_64, 0xFFFFFFFFu);
    EXPECT_EQ(0u, t.r32(4, 0, 0, m + PCIE_MSI_PENDING_64));
}

TEST(FabricCaps, EndpointIdentityAndBarSizing)
{
    Platform t;
    auto probe = [&](int b, int bar) {
        int off = PCIE_BASE_ADDRESS_0 + 4 * bar;
        t.w32(b, 0, 0, off, 0xFFFFFFFFu);
        uint32_t v = t.r32(b, 0, 0, off);
        t.w32(b, 0, 0, off, 0);
        return v;
    };
    // e1000: class, subsystem, BAR0 128 KiB 32-bit memory, no BAR1, BAR2 8-byte I/O.
    EXPECT_EQ(E1000_PCI_CLASS, t.r32(1, 0, 0, PCIE_REVISION_ID) >> 8);
    EXPECT_EQ((uint32_t)E1000_PCI_SUBSYS_ID << 16 | E1000_PCI_SUBSYS_VENDOR,
              t.r32(1, 0, 0, PCIE_SUBSYSTEM_VENDOR_ID));
    EXPECT_EQ(0xFFFE0000u, probe(1, 0));
    EXPECT_EQ(0u, probe(1, 1));
    EXPECT_EQ(0xFFFFFFF9u, probe(1, 2));
    for (int i = 3; i < 6; i++)
        EXPECT_EQ(0u, probe(1, i));
    // pvscsi: BAR0 8-byte I/O, BAR1/2 64-bit 32 KiB memory.
    EXPECT_EQ(PVSCSI_PCI_CLASS, t.r32(4, 0, 0, PCIE_REVISION_ID) >> 8);
    EXPECT_EQ((uint32_t)PVSCSI_PCI_SUBSYS_ID << 16 | PVSCSI_PCI_SUBSYS_VENDOR,
              t.r32(4, 0, 0, PCIE_SUBSYSTEM_VENDOR_ID));
    EXPECT_EQ(0xFFFFFFF9u, probe(4, 0));
    EXPECT_EQ(0xFFFF8004u, probe(4, 1));
    EXPECT_EQ(0xFFFFFFFFu, probe(4, 2));
    // Read-only identity ignores writes.
    t.w32(4, 0, 0, PCIE_VENDOR_ID, 0);
    t.w32(4, 0, 0, PCIE_REVISION_ID, 0);
    t.w8(4, 0, 0, PCIE_HEADER_TYPE, 0x81);
    t.w8(4, 0, 0, PCIE_CAPABILITY_LIST, 0);
    EXPECT_EQ((uint32_t)PVSCSI_PCI_DEVICE_ID << 16 | PVSCSI_PCI_VENDOR_ID, t.r32(4, 0, 0, 0));
    EXPECT_EQ(PVSCSI_PCI_CLASS, t.r32(4, 0, 0, PCIE_REVISION_ID) >> 8);
    EXPECT_EQ(0, t.r8(4, 0, 0, PCIE_HEADER_TYPE));
    EXPECT_EQ(PVSCSI_PCI_CAP_PM, t.r8(4, 0, 0, PCIE_CAPABILITY_LIST));
}

TEST(FabricCaps, BridgeWindowRegisters)
{
    Platform t;
    t.w8(0, 1, 0, PCIE_IO_BASE, 0xFF);
    EXPECT_EQ(0xF0, t.r8(0, 1, 0, PCIE_IO_BASE));
    t.w32(0, 1, 0, PCIE_MEMORY_BASE, 0xFFFFFFFFu);
    EXPECT_EQ(0xFFF0FFF0u, t.r32(0, 1, 0, PCIE_MEMORY_BASE));
    t.w32(0, 1, 0, PCIE_PREF_MEMORY_BASE, 0);
    EXPECT_EQ(0x00010001u, t.r32(0, 1, 0, PCIE_PREF_MEMORY_BASE));   // 64-bit decode, RO
    t.w32(0, 1, 0, PCIE_PREF_BASE_UPPER32, 0x12345678u);
    EXPECT_EQ(0x12345678u, t.r32(0, 1, 0, PCIE_PREF_BASE_UPPER32));
    t.w16(0, 1, 0, PCIE_BRIDGE_CONTROL, 0xFFFF);
    EXPECT_EQ(0x005F, t.r16(0, 1, 0, PCIE_BRIDGE_CONTROL));
    // Bridges have no BARs here: both type-1 BARs read 0 after all ones.
    t.w32(0, 1, 0, PCIE_BASE_ADDRESS_0, 0xFFFFFFFFu);
    EXPECT_EQ(0u, t.r32(0, 1, 0, PCIE_BASE_ADDRESS_0));
    // Secondary status is RW1C and reads 0 at reset.
    t.w16(0, 1, 0, PCIE_SEC_STATUS, 0xFFFF);
    EXPECT_EQ(0, t.r16(0, 1, 0, PCIE_SEC_STATUS));
}

}  // namespace
