// Link timing model (devices/pcie/link_timing.h): per-TLP bytes and time, encoding, DLLP share,
// DMA splitting (MPS, MRRS, RCB, 4 KiB boundaries), switch hops, and link validation.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

extern "C" {
#include "devices/pcie/link_timing.h"
}

namespace {

pcie_link_params link(int gen, int width, int mps = 256, int mrrs = 512, bool addr64 = true)
{
    return pcie_link_params{gen, width, mps, mrrs, addr64};
}

std::string validate_msg(pcie_link_params l)
{
    sim_err err{};
    if (pcie_link_validate(&l, &err) == 0)
        return "ok";
    return err.msg;
}

}  // namespace

TEST(PcieLinkTiming, ValidationNamesTheFieldAndTheAllowedValues)
{
    EXPECT_EQ(validate_msg(link(3, 8)), "ok");
    EXPECT_EQ(validate_msg(link(7, 8)), "gen: 7 is not one of 1, 2, 3, 4, 5");
    EXPECT_EQ(validate_msg(link(0, 8)), "gen: 0 is not one of 1, 2, 3, 4, 5");
    EXPECT_EQ(validate_msg(link(3, 7)), "width: 7 is not one of 1, 2, 4, 8, 16");
    EXPECT_EQ(validate_msg(link(3, 12)), "width: 12 is not one of 1, 2, 4, 8, 16");
    EXPECT_EQ(validate_msg(link(3, 8, 100)), "mps: 100 is not one of 128, 256, 512, 1024, 2048, 4096");
    EXPECT_EQ(validate_msg(link(3, 8, 256, 8192)), "mrrs: 8192 is not one of 128, 256, 512, 1024, 2048, 4096");
    sim_err err{};
    EXPECT_EQ(pcie_rcb_validate(64, &err), 0);
    EXPECT_EQ(pcie_rcb_validate(128, &err), 0);
    EXPECT_EQ(pcie_rcb_validate(32, &err), -1);
    EXPECT_STREQ(err.msg, "rcb: 32 is not one of 64, 128");
}

TEST(PcieLinkTiming, RawRateFollowsTransferRateEncodingAndWidth)
{
    // 8b/10b: 2.5 GT/s -> 2 Gb/s, 5 GT/s -> 4 Gb/s per lane; 128b/130b from 8 GT/s on.
    pcie_link_params g1x1 = link(1, 1);
    EXPECT_DOUBLE_EQ(pcie_link_raw_gbps(&g1x1), 2.0);
    pcie_link_params g2x4 = link(2, 4), g3x1 = link(3, 1), g4x2 = link(4, 2), g5x16 = link(5, 16);
    EXPECT_DOUBLE_EQ(pcie_link_raw_gbps(&g2x4), 16.0);
    EXPECT_NEAR(pcie_link_raw_gbps(&g3x1), 8.0 * 128 / 130, 1e-12);
    EXPECT_NEAR(pcie_link_raw_gbps(&g4x2), 2 * 16.0 * 128 / 130, 1e-12);
    EXPECT_NEAR(pcie_link_raw_gbps(&g5x16), 16 * 32.0 * 128 / 130, 1e-9);
}

TEST(PcieLinkTiming, DllpShareUsesTheSpecUpdateIntervalsAndSkipOrderedSets)
{
    // PCIe 5.0 Tables 3-7..3-9 / 2-46..2-48: gen3 x8 MPS 256 -> 203 B between Acks and FC updates;
    // gen1 x1 MPS 128 -> 237 B; gen2 x16 MPS 512 -> 137 B. 8 B per DLLP, 4 B SKIP per 1538 B.
    pcie_link_params a = link(3, 8, 256), b = link(1, 1, 128), c = link(2, 16, 512);
    EXPECT_NEAR(pcie_link_dllp_share(&a), 16.0 / 203 + 4.0 / 1538, 1e-12);
    EXPECT_NEAR(pcie_link_dllp_share(&b), 16.0 / 237 + 4.0 / 1538, 1e-12);
    EXPECT_NEAR(pcie_link_dllp_share(&c), 16.0 / 137 + 4.0 / 1538, 1e-12);
    EXPECT_NEAR(pcie_link_tlp_gbps(&a), pcie_link_raw_gbps(&a) * (1 - 16.0 / 203 - 4.0 / 1538), 1e-9);
    // gen4 and gen5 use the 8 GT/s table: same share as gen3.
    pcie_link_params g4 = link(4, 8, 256), g5 = link(5, 8, 256);
    EXPECT_DOUBLE_EQ(pcie_link_dllp_share(&g4), pcie_link_dllp_share(&a));
    EXPECT_DOUBLE_EQ(pcie_link_dllp_share(&g5), pcie_link_dllp_share(&a));
}

TEST(PcieLinkTiming, TlpOverheadIsFramingPlusThreeOrFourDwHeader)
{
    pcie_link_params l32 = link(3, 8, 256, 512, false), l64 = link(3, 8, 256, 512, true);
    // 8 B framing/DLL + 12 B (3 DW) or 16 B (4 DW) header.
    EXPECT_EQ(pcie_tlp_overhead_bytes(&l32, PCIE_TLP_MWR), 20u);
    EXPECT_EQ(pcie_tlp_overhead_bytes(&l64, PCIE_TLP_MWR), 24u);
    EXPECT_EQ(pcie_tlp_overhead_bytes(&l32, PCIE_TLP_MRD), 20u);
    EXPECT_EQ(pcie_tlp_overhead_bytes(&l64, PCIE_TLP_MRD), 24u);
    EXPECT_EQ(pcie_tlp_overhead_bytes(&l64, PCIE_TLP_CPLD), 20u);
    EXPECT_EQ(pcie_tlp_overhead_bytes(&l64, PCIE_TLP_CPL), 20u);
    EXPECT_EQ(pcie_tlp_overhead_bytes(&l32, PCIE_TLP_MSG), 24u);
    EXPECT_EQ(pcie_tlp_overhead_bytes(&l32, PCIE_TLP_MSGD), 24u);
    // Payload on the wire is whole DWs; requests without data carry none; an MSI carries one DW.
    EXPECT_EQ(pcie_tlp_wire_bytes(&l64, PCIE_TLP_MWR, 256), 280u);
    EXPECT_EQ(pcie_tlp_wire_bytes(&l64, PCIE_TLP_MWR, 1), 28u);
    EXPECT_EQ(pcie_tlp_wire_bytes(&l64, PCIE_TLP_MWR, 5), 32u);
    EXPECT_EQ(pcie_tlp_wire_bytes(&l64, PCIE_TLP_MRD, 512), 24u);
    EXPECT_EQ(pcie_tlp_wire_bytes(&l64, PCIE_TLP_CPL, 99), 20u);
    EXPECT_EQ(pcie_tlp_wire_bytes(&l64, PCIE_TLP_CPLD, 64), 84u);
    EXPECT_EQ(pcie_tlp_wire_bytes(&l32, PCIE_TLP_MSI, 0), 24u);
    EXPECT_EQ(pcie_tlp_wire_bytes(&l64, PCIE_TLP_MSI, 1000), 28u);
    EXPECT_STREQ(pcie_tlp_kind_name(PCIE_TLP_CPLD), "CplD");
}

TEST(PcieLinkTiming, TlpTimeIsWireBytesAtTheTlpLayerRate)
{
    pcie_link_params l = link(3, 8, 256, 512, true);
    double tlp_gbps = 8.0 * 128 / 130 * 8 * (1 - 16.0 / 203 - 4.0 / 1538);
    // 280 B * 8 bit / 57.88 Gb/s = 38.70 ns
    double want_ps = 280 * 8 * 1000 / tlp_gbps;
    EXPECT_NEAR((double)pcie_link_tlp_ps(&l, PCIE_TLP_MWR, 256), want_ps, 0.5);
    EXPECT_EQ(pcie_link_tlp_ps(&l, PCIE_TLP_MWR, 256), 38698u);
    EXPECT_EQ(pcie_link_tlp_ps(&l, PCIE_TLP_MRD, 4096), pcie_link_bytes_ps(&l, 24));
    EXPECT_LT(pcie_link_tlp_ps(&l, PCIE_TLP_MRD, 0), pcie_link_tlp_ps(&l, PCIE_TLP_MWR, 4));
    // gen1 (8b/10b, 2.5 GT/s) vs gen2: same table row shape, twice the rate -> about half the time.
    pcie_link_params g1 = link(1, 4), g2 = link(2, 4), g3 = link(3, 4);
    sim_time_t t1 = pcie_link_tlp_ps(&g1, PCIE_TLP_CPLD, 256);
    sim_time_t t2 = pcie_link_tlp_ps(&g2, PCIE_TLP_CPLD, 256);
    sim_time_t t3 = pcie_link_tlp_ps(&g3, PCIE_TLP_CPLD, 256);
    EXPECT_GT(t1, t2);
    EXPECT_GT(t2, t3);
    double raw_ratio = pcie_link_raw_gbps(&g3) / pcie_link_raw_gbps(&g2);  // 7.877 / 4 (encoding)
    EXPECT_NEAR(raw_ratio, 8.0 * 128 / 130 / 4.0, 1e-12);
    // 64-bit addressing costs 4 B more per request than 32-bit.
    pcie_link_params l32 = link(3, 8, 256, 512, false);
    EXPECT_EQ(pcie_link_tlp_ps(&l, PCIE_TLP_MWR, 64) - pcie_link_tlp_ps(&l32, PCIE_TLP_MWR, 64),
              pcie_link_bytes_ps(&l, 88) - pcie_link_bytes_ps(&l, 84));
}

TEST(PcieLinkTiming, WritesSplitByMpsAndNeverCross4KiB)
{
    pcie_link_params l = link(3, 8, 256, 512);
    EXPECT_EQ(pcie_split_mwr(&l, 0, 1500), 256u);
    EXPECT_EQ(pcie_split_mwr(&l, 0, 100), 100u);
    EXPECT_EQ(pcie_split_mwr(&l, 0x0FF0, 1000), 16u);   // stops at the 4 KiB boundary
    EXPECT_EQ(pcie_split_mwr(&l, 0x1000, 1000), 256u);
    for (uint64_t addr : {0ull, 1ull, 0xFC0ull, 0xFFFull, 0x12345ull, 0x7FFFFFF00ull}) {
        for (uint64_t len : {1ull, 63ull, 256ull, 4097ull, 10000ull}) {
            uint64_t a = addr, left = len, n = 0;
            while (left) {
                uint32_t c = pcie_split_mwr(&l, a, left);
                ASSERT_GT(c, 0u);
                ASSERT_LE(c, 256u);
                ASSERT_EQ(a / 4096, (a + c - 1) / 4096) << "crosses 4 KiB at " << a;
                a += c;
                left -= c;
                n++;
            }
            pcie_dma_cost cost{};
            pcie_dma_opts o = pcie_dma_opts_default();
            pcie_dma_write_cost(&l, &o, addr, len, &cost);
            EXPECT_EQ(cost.mwr, n) << addr << "+" << len;
        }
    }
}

TEST(PcieLinkTiming, ReadRequestsSplitByMrrsAndNeverCross4KiB)
{
    pcie_link_params l = link(3, 8, 256, 1024);
    EXPECT_EQ(pcie_split_mrd(&l, 0, 4096), 1024u);
    EXPECT_EQ(pcie_split_mrd(&l, 0xE00, 4096), 512u);
    EXPECT_EQ(pcie_split_mrd(&l, 0x1000, 10), 10u);
    pcie_link_params big = link(3, 8, 256, 4096);
    EXPECT_EQ(pcie_split_mrd(&big, 0x800, 8192), 2048u);
}

TEST(PcieLinkTiming, CompletionsEndOnRcbBoundariesUpToMps)
{
    pcie_link_params l = link(3, 8, 256, 512);
    pcie_dma_opts o = pcie_dma_opts_default();  // RCB 64, completions up to MPS
    // Request of 512 B at 0x1010: 240 (to 0x1100, an RCB boundary within MPS), 256, then 16.
    EXPECT_EQ(pcie_split_cpld(&l, &o, 0x1010, 512), 240u);
    EXPECT_EQ(pcie_split_cpld(&l, &o, 0x1100, 272), 256u);
    EXPECT_EQ(pcie_split_cpld(&l, &o, 0x1200, 16), 16u);
    o.rcb = 128;
    EXPECT_EQ(pcie_split_cpld(&l, &o, 0x1010, 512), 240u);
    EXPECT_EQ(pcie_split_cpld(&l, &o, 0x1050, 512), 176u);  // to 0x1100: 0x1150 rounded down to 128
    // rcb_chunks: every completion stops at the next RCB boundary.
    o.rcb = 64;
    o.rcb_chunks = true;
    EXPECT_EQ(pcie_split_cpld(&l, &o, 0x1010, 512), 48u);
    EXPECT_EQ(pcie_split_cpld(&l, &o, 0x1040, 512), 64u);
    pcie_dma_cost c{};
    pcie_dma_read_cost(&l, &o, 0, 1024, &c);
    EXPECT_EQ(c.mrd, 2u);
    EXPECT_EQ(c.cpld, 16u);
}

TEST(PcieLinkTiming, DmaCostCountsHeadersPaddingAndDirections)
{
    pcie_link_params l = link(3, 8, 256, 512, true);
    pcie_dma_opts o = pcie_dma_opts_default();
    pcie_dma_cost w{};
    pcie_dma_write_cost(&l, &o, 0, 1500, &w);
    EXPECT_EQ(w.mwr, 6u);
    EXPECT_EQ(w.up_bytes, 6u * 24 + 1500);
    EXPECT_EQ(w.down_bytes, 0u);
    pcie_dma_cost r{};
    pcie_dma_read_cost(&l, &o, 0, 1500, &r);
    EXPECT_EQ(r.mrd, 3u);
    EXPECT_EQ(r.cpld, 6u);
    EXPECT_EQ(r.up_bytes, 3u * 24);
    EXPECT_EQ(r.down_bytes, 6u * 20 + 1500);
    // 5 bytes at address 3 touch two DWs: 8 payload bytes on the wire; unpadded: 5.
    pcie_link_params l32 = link(3, 8, 256, 512, false);
    pcie_dma_cost p{};
    pcie_dma_write_cost(&l32, &o, 3, 5, &p);
    EXPECT_EQ(p.up_bytes, 28u);
    o.pad_to_dw = false;
    pcie_dma_cost q{};
    pcie_dma_write_cost(&l32, &o, 3, 5, &q);
    EXPECT_EQ(q.up_bytes, 25u);
}

TEST(PcieLinkTiming, LargeTransferCostEqualsTlpByTlpSum)
{
    // The page-wise shortcut must equal walking every TLP.
    for (int mps : {128, 256, 512}) {
        for (int mrrs : {512, 4096}) {
            pcie_link_params l = link(4, 16, mps, mrrs, true);
            for (uint64_t addr : {0ull, 0x30ull, 0xFF4ull}) {
                for (bool chunks : {false, true}) {
                    pcie_dma_opts o = pcie_dma_opts_default();
                    o.rcb_chunks = chunks;
                    const uint64_t len = 3 * 4096 * 7 + 1234;
                    pcie_dma_cost fast{};
                    pcie_dma_read_cost(&l, &o, addr, len, &fast);
                    pcie_dma_write_cost(&l, &o, addr, len, &fast);
                    uint64_t mwr = 0, mrd = 0, cpld = 0, up = 0, down = 0;
                    for (uint64_t a = addr, left = len; left;) {
                        uint32_t n = pcie_split_mwr(&l, a, left);
                        mwr++;
                        up += 24 + ((a % 4 + n + 3) / 4) * 4;
                        a += n;
                        left -= n;
                    }
                    for (uint64_t a = addr, left = len; left;) {
                        uint32_t n = pcie_split_mrd(&l, a, left);
                        mrd++;
                        up += 24;
                        for (uint64_t b = a, r = n; r;) {
                            uint32_t m = pcie_split_cpld(&l, &o, b, r);
                            if (r > m && !chunks) {
                                ASSERT_EQ((b + m) % o.rcb, 0u);  // only the last may end off-RCB
                                ASSERT_LE(m, (uint32_t)mps);
                            }
                            cpld++;
                            down += 20 + ((b % 4 + m + 3) / 4) * 4;
                            b += m;
                            r -= m;
                        }
                        a += n;
                        left -= n;
                    }
                    EXPECT_EQ(fast.mwr, mwr);
                    EXPECT_EQ(fast.mrd, mrd);
                    EXPECT_EQ(fast.cpld, cpld);
                    EXPECT_EQ(fast.up_bytes, up);
                    EXPECT_EQ(fast.down_bytes, down);
                }
            }
        }
    }
}

TEST(PcieLinkTiming, SwitchHopCutThroughVersusStoreAndForward)
{
    pcie_link_params l = link(3, 4, 256);
    EXPECT_EQ(PCIE_SWITCH_LATENCY_PS_DEFAULT, 140000u);
    EXPECT_EQ(pcie_hop_ps(&l, true, PCIE_SWITCH_LATENCY_PS_DEFAULT, PCIE_TLP_MWR, 256), 140000u);
    EXPECT_EQ(pcie_hop_ps(&l, true, PCIE_SWITCH_LATENCY_PS_DEFAULT, PCIE_TLP_MWR, 4), 140000u);
    // Store-and-forward waits for the whole TLP: bigger TLPs and slower links wait longer.
    sim_time_t sf256 = pcie_hop_ps(&l, false, PCIE_SWITCH_LATENCY_PS_DEFAULT, PCIE_TLP_MWR, 256);
    EXPECT_EQ(sf256, 140000u + pcie_link_tlp_ps(&l, PCIE_TLP_MWR, 256));
    EXPECT_LT(pcie_hop_ps(&l, false, PCIE_SWITCH_LATENCY_PS_DEFAULT, PCIE_TLP_MRD, 0), sf256);
    pcie_link_params x1 = link(3, 1, 256);
    EXPECT_GT(pcie_hop_ps(&x1, false, PCIE_SWITCH_LATENCY_PS_DEFAULT, PCIE_TLP_MWR, 256), sf256);
}

TEST(PcieLinkTiming, BandwidthRefusesBadInput)
{
    pcie_link_params l = link(3, 8);
    pcie_dma_opts o = pcie_dma_opts_default();
    pcie_bw_result r{};
    sim_err err{};
    EXPECT_EQ(pcie_bw_compute(&l, &o, 0, &r, &err), -1);
    EXPECT_STREQ(err.msg, "size: must be at least 1 byte");
    o.rcb = 256;
    EXPECT_EQ(pcie_bw_compute(&l, &o, 64, &r, &err), -1);
    EXPECT_STREQ(err.msg, "rcb: 256 is not one of 64, 128");
    pcie_link_params bad = link(3, 8, 100);
    o.rcb = 64;
    EXPECT_EQ(pcie_bw_compute(&bad, &o, 64, &r, &err), -1);
    EXPECT_NE(std::strstr(err.msg, "mps: 100"), nullptr);
}

TEST(PcieLinkTiming, HugeTransferIsComputedQuicklyAndApproachesTheLinkLimit)
{
    pcie_link_params l = link(3, 8, 256, 512);
    pcie_dma_opts o = pcie_dma_opts_default();
    pcie_bw_result r{};
    sim_err err{};
    ASSERT_EQ(pcie_bw_compute(&l, &o, 1ull << 40, &r, &err), 0) << err.msg;
    EXPECT_EQ(r.write.mwr, (1ull << 40) / 256);
    EXPECT_NEAR(r.write_gbps, r.tlp_gbps * 256 / 280, 1e-9);
}
