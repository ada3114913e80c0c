// test_config_space.cpp — one function's configuration space on its own: register attributes
// (RO, RW, RW1C per PCIe Base Spec 5.0 §7.4) and the BAR sizing protocol (§7.5.1.2.1) for every
// BAR kind, including the prefetchable kind no endpoint model declares yet.
#include <gtest/gtest.h>

#include <memory>

extern "C" {
#include "devices/pcie/caps.h"
#include "devices/pcie/config_space.h"
#include "devices/pcie/pcie_regs.h"
}

namespace {

struct Cfg {
    std::unique_ptr<pcie_cfg> c{new pcie_cfg};
    Cfg()
    {
        pcie_cfg_init(c.get());
        pcie_cfg_init_common(c.get(), 0x1234, 0x5678, 0x01, 0x020000, PCIE_HEADER_TYPE_NORMAL);
    }
    uint32_t rd(int off, int size = 4) { return pcie_cfg_space_read(c.get(), (uint16_t)off, size); }
    void wr(int off, uint32_t v, int size = 4) { pcie_cfg_space_write(c.get(), (uint16_t)off, size, v); }
    // The sizing protocol as software runs it: save, write all ones, read, restore.
    uint32_t size_probe(int bar)
    {
        int off = PCIE_BASE_ADDRESS_0 + 4 * bar;
        uint32_t saved = rd(off);
        wr(off, 0xFFFFFFFFu);
        uint32_t v = rd(off);
        wr(off, saved);
        return v;
    }
};

TEST(ConfigSpace, Mem32BarReadsBackSizeMaskAndFlags)
{
    Cfg t;
    ASSERT_TRUE(pcie_cfg_add_bar(t.c.get(), 0, PCIE_BAR_MEM32, false, 128 * 1024));
    EXPECT_EQ(0xFFFE0000u, t.size_probe(0));
    EXPECT_EQ(0u, t.rd(PCIE_BASE_ADDRESS_0));
}

TEST(ConfigSpace, PrefetchableBarKeepsPrefetchBit)
{
    Cfg t;
    ASSERT_TRUE(pcie_cfg_add_bar(t.c.get(), 2, PCIE_BAR_MEM32, true, 1 << 20));
    EXPECT_EQ(0xFFF00008u, t.size_probe(2));
    t.wr(PCIE_BASE_ADDRESS_0 + 8, 0xC0000000u);
    EXPECT_EQ(0xC0000008u, t.rd(PCIE_BASE_ADDRESS_0 + 8));
    EXPECT_EQ(0xC0000000u, pcie_cfg_bar_address(t.c.get(), 2));
}

TEST(ConfigSpace, Mem64BarSizesBothHalves)
{
    Cfg t;
    // 8 GiB, prefetchable: the size reaches into the upper dword.
    ASSERT_TRUE(pcie_cfg_add_bar(t.c.get(), 0, PCIE_BAR_MEM64, true, 8ULL << 30));
    EXPECT_EQ(0x0000000Cu, t.size_probe(0));         // lower: only flags (64-bit, prefetchable)
    EXPECT_EQ(0xFFFFFFFEu, t.size_probe(1));         // upper: size mask of bits 63:33
    t.wr(PCIE_BASE_ADDRESS_0, 0x12345678u);
    t.wr(PCIE_BASE_ADDRESS_0 + 4, 0x00000024u);
    EXPECT_EQ(0x0000000Cu, t.rd(PCIE_BASE_ADDRESS_0));
    EXPECT_EQ(0x24u, t.rd(PCIE_BASE_ADDRESS_0 + 4));
    EXPECT_EQ(0x2400000000ULL, pcie_cfg_bar_address(t.c.get(), 0));
    // The upper half cannot be declared again.
    EXPECT_FALSE(pcie_cfg_add_bar(t.c.get(), 1, PCIE_BAR_MEM32, false, 4096));
}

TEST(ConfigSpace, Mem64BarSmallSizeUpperHalfFullyWritable)
{
    Cfg t;
    ASSERT_TRUE(pcie_cfg_add_bar(t.c.get(), 4, PCIE_BAR_MEM64, false, 32 * 1024));
    EXPECT_EQ(0xFFFF8004u, t.size_probe(4));
    EXPECT_EQ(0xFFFFFFFFu, t.size_probe(5));
}

TEST(ConfigSpace, IoBarReadsBackSizeMaskWithIoBit)
{
    Cfg t;
    ASSERT_TRUE(pcie_cfg_add_bar(t.c.get(), 1, PCIE_BAR_IO, false, 64));
    EXPECT_EQ(0xFFFFFFC1u, t.size_probe(1));
    t.wr(PCIE_BASE_ADDRESS_0 + 4, 0x0000E003u);   // low bits are not address bits
    EXPECT_EQ(0x0000E001u, t.rd(PCIE_BASE_ADDRESS_0 + 4));
}

TEST(ConfigSpace, ImpossibleBarsAreRefused)
{
    Cfg t;
    EXPECT_FALSE(pcie_cfg_add_bar(t.c.get(), 0, PCIE_BAR_MEM32, false, 3000));   // not 2^n
    EXPECT_FALSE(pcie_cfg_add_bar(t.c.get(), 0, PCIE_BAR_MEM32, false, 8));      // < 16 B
    EXPECT_FALSE(pcie_cfg_add_bar(t.c.get(), 0, PCIE_BAR_IO, false, 512));       // > 256 B
    EXPECT_FALSE(pcie_cfg_add_bar(t.c.get(), 5, PCIE_BAR_MEM64, false, 4096));   // no upper slot
    EXPECT_FALSE(pcie_cfg_add_bar(t.c.get(), 6, PCIE_BAR_MEM32, false, 4096));
    ASSERT_TRUE(pcie_cfg_add_bar(t.c.get(), 0, PCIE_BAR_MEM32, false, 4096));
    EXPECT_FALSE(pcie_cfg_add_bar(t.c.get(), 0, PCIE_BAR_IO, false, 8));         // taken
}

TEST(ConfigSpace, UnimplementedBarReadsZeroAfterAllOnes)
{
    Cfg t;
    EXPECT_EQ(0u, t.size_probe(3));
}

TEST(ConfigSpace, IdentityRegistersAreReadOnly)
{
    Cfg t;
    t.wr(PCIE_VENDOR_ID, 0xFFFFFFFFu);
    t.wr(PCIE_REVISION_ID, 0xFFFFFFFFu);
    t.wr(PCIE_CACHE_LINE_SIZE, 0xFFFFFFFFu);
    EXPECT_EQ(0x56781234u, t.rd(PCIE_VENDOR_ID));
    EXPECT_EQ(0x02000001u, t.rd(PCIE_REVISION_ID));
    // Cache Line Size RW; latency timer, header type, BIST read-only 0.
    EXPECT_EQ(0x000000FFu, t.rd(PCIE_CACHE_LINE_SIZE));
}

TEST(ConfigSpace, CommandBitsAreReadWriteOnlyWhereImplemented)
{
    Cfg t;
    t.wr(PCIE_COMMAND, 0xFFFF, 2);
    EXPECT_EQ(0x0547u, t.rd(PCIE_COMMAND, 2));
    t.wr(PCIE_COMMAND, 0x0002, 2);
    EXPECT_EQ(0x0002u, t.rd(PCIE_COMMAND, 2));
}

TEST(ConfigSpace, StatusErrorBitsAreWriteOneToClear)
{
    Cfg t;
    // Hardware records a received master abort and a detected parity error.
    pcie_cfg_bits16(t.c.get(), PCIE_STATUS, PCIE_STATUS_RMA | PCIE_STATUS_DPE, 0);
    EXPECT_EQ(PCIE_STATUS_CAP_LIST | PCIE_STATUS_RMA | PCIE_STATUS_DPE, t.rd(PCIE_STATUS, 2));
    t.wr(PCIE_STATUS, 0, 2);   // writing 0 changes nothing
    EXPECT_EQ(PCIE_STATUS_CAP_LIST | PCIE_STATUS_RMA | PCIE_STATUS_DPE, t.rd(PCIE_STATUS, 2));
    t.wr(PCIE_STATUS, PCIE_STATUS_RMA, 2);   // clears only the bit written as 1
    EXPECT_EQ(PCIE_STATUS_CAP_LIST | PCIE_STATUS_DPE, t.rd(PCIE_STATUS, 2));
    t.wr(PCIE_STATUS, 0xFFFF, 2);            // Capabilities List stays: it is RO
    EXPECT_EQ((uint32_t)PCIE_STATUS_CAP_LIST, t.rd(PCIE_STATUS, 2));
}

TEST(ConfigSpace, DwordWriteToCommandDoesNotSetStatus)
{
    Cfg t;
    pcie_cfg_bits16(t.c.get(), PCIE_STATUS, PCIE_STATUS_STA, 0);
    // A 32-bit write of Command with Status bits 0 leaves the RW1C bits alone.
    t.wr(PCIE_COMMAND, 0x00000006u);
    EXPECT_EQ(0x00000006u | (uint32_t)(PCIE_STATUS_CAP_LIST | PCIE_STATUS_STA) << 16,
              t.rd(PCIE_COMMAND));
}

TEST(ConfigSpace, CapabilitiesMayNotOverlap)
{
    Cfg t;
    ASSERT_TRUE(pcie_cap_add_pm(t.c.get(), 0x40, 0));
    EXPECT_FALSE(pcie_cap_add_pm(t.c.get(), 0x44, 0));   // overlaps PM at 0x40..0x47
    EXPECT_FALSE(pcie_cap_add_pm(t.c.get(), 0x30, 0));   // inside the header
    EXPECT_FALSE(pcie_cap_add_pm(t.c.get(), 0x4A, 0));   // not dword aligned
    EXPECT_TRUE(pcie_cap_add_pm(t.c.get(), 0x48, 0));
    EXPECT_EQ(0x48, pcie_cfg_get8(t.c.get(), 0x41));     // linked after the first
}

TEST(ConfigSpace, UnsupportedPowerStateWriteIsDiscarded)
{
    Cfg t;
    ASSERT_TRUE(pcie_cap_add_pm(t.c.get(), 0x40, PCIE_PM_PMC_D2));   // D2 supported, D1 not
    int csr = 0x40 + PCIE_PM_CTRL;
    t.wr(csr, 1, 2);                                   // D1: discarded
    EXPECT_EQ(0u, t.rd(csr, 2) & PCIE_PM_CTRL_STATE_MASK);
    t.wr(csr, 2 | PCIE_PM_CTRL_PME_ENABLE, 2);         // D2: taken
    EXPECT_EQ(2u | PCIE_PM_CTRL_PME_ENABLE, t.rd(csr, 2) & 0x0103);
    t.wr(csr, 1, 2);                                   // D1 again: state stays D2
    EXPECT_EQ(2u, t.rd(csr, 2) & PCIE_PM_CTRL_STATE_MASK);
    t.wr(csr, 3, 4);                                   // dword write of PMCSR+Data: D3hot
    EXPECT_EQ(3u, t.rd(csr, 2) & PCIE_PM_CTRL_STATE_MASK);
    // PME_Status is RW1C: hardware sets it, software clears it with a 1.
    pcie_cfg_bits16(t.c.get(), (uint16_t)csr, PCIE_PM_CTRL_PME_STATUS, 0);
    t.wr(csr, 3, 2);
    EXPECT_TRUE(t.rd(csr, 2) & PCIE_PM_CTRL_PME_STATUS);
    t.wr(csr, 3 | PCIE_PM_CTRL_PME_STATUS, 2);
    EXPECT_FALSE(t.rd(csr, 2) & PCIE_PM_CTRL_PME_STATUS);
}

TEST(ConfigSpace, MsixTableMustFitItsBar)
{
    Cfg t;
    ASSERT_TRUE(pcie_cfg_add_bar(t.c.get(), 0, PCIE_BAR_MEM32, false, 4096));
    EXPECT_FALSE(pcie_cap_add_msix(t.c.get(), 0x40, 512, 0, 0, 0, 0x800));  // 8 KiB table
    EXPECT_FALSE(pcie_cap_add_msix(t.c.get(), 0x40, 4, 1, 0, 0, 0x800));    // BAR1 absent
    EXPECT_TRUE(pcie_cap_add_msix(t.c.get(), 0x40, 4, 0, 0, 0, 0x800));
}

TEST(ConfigSpace, WriteHookSeesOldAndNewValues)
{
    Cfg t;
    struct Seen {
        int calls = 0;
        uint16_t off = 0;
        uint32_t old = 0, val = 0;
    } seen;
    t.c->hook = [](void *ctx, pcie_cfg *, uint16_t off, int, uint32_t old, uint32_t val) {
        auto *s = static_cast<Seen *>(ctx);
        s->calls++;
        s->off = off;
        s->old = old;
        s->val = val;
    };
    t.c->hook_ctx = &seen;
    t.wr(PCIE_COMMAND, 0x0002, 2);
    t.wr(PCIE_COMMAND, 0x0006, 2);
    EXPECT_EQ(2, seen.calls);
    EXPECT_EQ(PCIE_COMMAND, seen.off);
    EXPECT_EQ(0x0002u, seen.old);
    EXPECT_EQ(0x0006u, seen.val);
}

}  // namespace
