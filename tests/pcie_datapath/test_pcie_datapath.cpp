// test_pcie_datapath.cpp — the PCIe data path (pci_access.h) on a platform built in C and booted
// with kern_boot (which enumerates: bus numbers, BARs, windows, Command). Every expected time is
// computed here from link_timing.h's functions, independently of the fabric's composition code.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <vector>

#include "devices/pcie/caps.h"
#include "devices/pcie/ep_model.h"
#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/link_timing.h"
#include "devices/pcie/pci_access.h"
#include "devices/pcie/pcie_regs.h"
#include "kernel_model/kernel.h"
#include "sim/sim.h"

namespace {

// ---- a small endpoint model: BAR0 32 KiB registers with MSI-X table at 0x2000 and PBA at 0x3000,
// 64-bit MSI with 4 maskable vectors, INTA ----
constexpr uint32_t kTableOff = 0x2000, kPbaOff = 0x3000;

struct dp_state {
    pcie_endpoint *ep = nullptr;
    struct wr { sim_time_t t; uint64_t off; uint64_t val; };
    std::vector<wr> writes;
    std::vector<sim_time_t> reads;
};

int dp_init(const pcie_ep_ctx *ctx, pcie_cfg *cfg, void **state, sim_err *err)
{
    pcie_cfg_init_common(cfg, 0x1AF4, 0x7777, 1, 0xFF0000, PCIE_HEADER_TYPE_NORMAL);
    pcie_cfg_set8(cfg, PCIE_INTERRUPT_PIN, 1);
    if (!pcie_cfg_add_bar(cfg, 0, PCIE_BAR_MEM32, false, 0x8000) ||
        !pcie_cap_add_msi(cfg, 0x80, 2, true, true) ||
        !pcie_cap_add_msix(cfg, 0x98, 4, 0, kTableOff, 0, kPbaOff))
        return sim_err_set(err, "dp_test: capabilities");
    if (pcie_ep_add_exp(ctx, cfg, 0x40, err) != 0)
        return -1;
    *state = new dp_state;
    return 0;
}

void dp_free(void *s) { delete static_cast<dp_state *>(s); }

uint64_t dp_read(void *s, int bar, uint64_t off, int)
{
    static_cast<dp_state *>(s)->reads.push_back(sim_now());
    return 0xC0DE0000ULL | (uint64_t)bar << 24 | off;
}

void dp_write(void *s, int, uint64_t off, int, uint64_t val)
{
    static_cast<dp_state *>(s)->writes.push_back({sim_now(), off, val});
}

void dp_attach(void *s, pcie_endpoint *ep) { static_cast<dp_state *>(s)->ep = ep; }

const pcie_ep_io_ops dp_io = {dp_read, dp_write};
const pcie_ep_model dp_model = {"dp_test", "data-path test endpoint", dp_init, dp_free, &dp_io,
                                dp_attach};

// ---- the host: 4 MiB of memory at kMemBase, a refused range, interrupt records ----
constexpr uint64_t kMemBase = 0x100000000ULL, kMemSize = 4u << 20;
constexpr uint64_t kFaultAddr = 0x200000000ULL;

struct host_rec {
    std::vector<uint8_t> mem = std::vector<uint8_t>(kMemSize);
    struct msi { sim_time_t t; uint16_t rid; uint64_t addr; uint32_t data; };
    struct intx { sim_time_t t; int pin; bool asserted; };
    std::vector<msi> msis;
    std::vector<intx> intxs;
    std::vector<sim_time_t> dma_times;
};

int host_dma(void *ctx, uint16_t, uint64_t addr, void *buf, size_t len, bool is_write)
{
    auto *h = static_cast<host_rec *>(ctx);
    h->dma_times.push_back(sim_now());
    if (addr < kMemBase || addr + len > kMemBase + kMemSize)
        return PCIE_DMA_FAULT;
    uint8_t *p = h->mem.data() + (addr - kMemBase);
    if (is_write)
        memcpy(p, buf, len);
    else
        memcpy(buf, p, len);
    return PCIE_DMA_OK;
}

void host_msi(void *ctx, uint16_t rid, uint64_t addr, uint32_t data)
{
    static_cast<host_rec *>(ctx)->msis.push_back({sim_now(), rid, addr, data});
}

void host_intx(void *ctx, uint16_t, int pin, bool asserted)
{
    static_cast<host_rec *>(ctx)->intxs.push_back({sim_now(), pin, asserted});
}

const pcie_host_ops host_ops = {host_dma, host_msi, host_intx};

void run_thread_fn(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }

// Runs body in a sim thread until nothing is left to do.
void in_thread(std::function<void()> body)
{
    sim_thread_spawn("test", run_thread_fn, &body);
    sim_run_until(SIM_TIME_MAX);
}

struct where { uint8_t bus, dev, fn; bool found; const char *name; };

void find_visit(void *ctx, const pcie_topo_node *n)
{
    auto *w = static_cast<where *>(ctx);
    if (n->kind == PCIE_FN_ENDPOINT && strcmp(n->name, w->name) == 0) {
        w->bus = n->bus;
        w->dev = n->dev;
        w->fn = n->fn;
        w->found = n->reachable;
    }
}

void set_port(pcie_port_desc *p, pcie_link_params l)
{
    p->link = l;
    p->kind = PCIE_NODE_EMPTY;
}

void set_ep(pcie_port_desc *p, const char *name)
{
    p->kind = PCIE_NODE_ENDPOINT;
    snprintf(p->endpoint.model, sizeof p->endpoint.model, "dp_test");
    snprintf(p->endpoint.name, sizeof p->endpoint.name, "%s", name);
}

pcie_switch_desc *set_sw(pcie_port_desc *p, const char *name, bool ct, int nports)
{
    p->kind = PCIE_NODE_SWITCH;
    p->sw = static_cast<pcie_switch_desc *>(calloc(1, sizeof *p->sw));
    snprintf(p->sw->name, sizeof p->sw->name, "%s", name);
    p->sw->cut_through = ct;
    p->sw->hop_latency_ps = PCIE_SWITCH_LATENCY_PS_DEFAULT;
    p->sw->nports = nports;
    for (int i = 0; i < nports; i++)
        set_port(&p->sw->ports[i], pcie_link_params_default());
    return p->sw;
}

// rp0: d0 directly; rp1: cut-through switch "ct" with d1 on dp0; rp2: store-and-forward switch
// "sf" with dp0 empty and d2 on dp1; rp3: d3 on a gen2 x4 link.
class Datapath : public ::testing::Test {
protected:
    platform_desc desc;
    kern_system *sys = nullptr;
    host_rec host;
    pcie_link_params l = pcie_link_params_default();

    void SetUp() override
    {
        sim_err e;
        sim_log_set_level(SIM_LOG_WARN);
        ASSERT_EQ(pcie_ep_model_register(&dp_model, &e), 0) << e.msg;
        platform_desc_init(&desc);
        desc.nroot_ports = 4;
        for (int i = 0; i < 4; i++)
            set_port(&desc.root_ports[i], l);
        set_ep(&desc.root_ports[0], "d0");
        set_ep(&set_sw(&desc.root_ports[1], "ct", 1, 1)->ports[0], "d1");
        set_ep(&set_sw(&desc.root_ports[2], "sf", false, 2)->ports[1], "d2");
        pcie_link_params slow = l;
        slow.gen = 2;
        slow.width = 4;
        desc.root_ports[3].link = slow;
        set_ep(&desc.root_ports[3], "d3");
        ASSERT_EQ(kern_boot(&desc, &sys, &e), 0) << e.msg;
        pcie_fabric_set_host(f(), &host_ops, &host);
        for (size_t i = 0; i < host.mem.size(); i++)
            host.mem[i] = (uint8_t)(i * 7 + 3);
    }
    void TearDown() override
    {
        kern_shutdown(sys);
        platform_desc_free(&desc);
    }
    pcie_fabric *f() { return sys->fabric; }
    pcie_endpoint *ep(const char *n) { return pcie_fabric_find_endpoint(f(), n); }
    dp_state *st(const char *n) { return static_cast<dp_state *>(pcie_endpoint_state(ep(n))); }
    where loc(const char *n)
    {
        where w = {0, 0, 0, false, n};
        pcie_fabric_walk(f(), find_visit, &w);
        return w;
    }
    uint64_t bar0(const char *n)
    {
        where w = loc(n);
        return pcie_cfg_read(f(), w.bus, w.dev, w.fn, PCIE_BASE_ADDRESS_0, 4) & ~0xFULL;
    }
    void cfg_w(const char *n, uint16_t off, int size, uint32_t v)
    {
        where w = loc(n);
        pcie_cfg_write(f(), w.bus, w.dev, w.fn, off, size, v);
    }
    uint32_t cfg_r(const char *n, uint16_t off, int size)
    {
        where w = loc(n);
        return pcie_cfg_read(f(), w.bus, w.dev, w.fn, off, size);
    }
    sim_time_t tlp(pcie_tlp_kind k, uint32_t payload, const pcie_link_params *lk = nullptr)
    {
        return pcie_link_tlp_ps(lk ? lk : &l, k, payload);
    }
    sim_time_t hop(bool ct, pcie_tlp_kind k, uint32_t payload)
    {
        return pcie_hop_ps(&l, ct, PCIE_SWITCH_LATENCY_PS_DEFAULT, k, payload);
    }
};

TEST_F(Datapath, HandlesAndRegistry)
{
    ASSERT_NE(ep("d0"), nullptr);
    EXPECT_EQ(ep("nope"), nullptr);
    EXPECT_EQ(st("d0")->ep, ep("d0"));   // attach handed the model its handle
    EXPECT_STREQ(pcie_endpoint_name(ep("d2")), "d2");
    EXPECT_EQ(pcie_endpoint_fabric(ep("d1")), f());
    where w = loc("d2");
    ASSERT_TRUE(w.found);
    EXPECT_EQ(pcie_dev_requester_id(ep("d2")), (uint16_t)(w.bus << 8 | w.dev << 3 | w.fn));
    EXPECT_TRUE(pcie_dev_link_up(ep("d0")));
    sim_err e;
    pcie_ep_model clash = dp_model;   // same name, different model
    EXPECT_NE(pcie_ep_model_register(&clash, &e), 0);
    EXPECT_NE(strstr(e.msg, "dp_test"), nullptr);
}

TEST_F(Datapath, MmioReadRoundTripDirect)
{
    uint64_t a = bar0("d0") + 0x10;
    uint64_t v = 0;
    sim_time_t t0 = 0, t1 = 0;
    in_thread([&] {
        t0 = sim_now();
        v = pcie_mmio_read(f(), a, 4);
        t1 = sim_now();
    });
    EXPECT_EQ(v, 0xC0DE0010ULL);
    EXPECT_EQ(t1 - t0, tlp(PCIE_TLP_MRD, 0) + tlp(PCIE_TLP_CPLD, 4));
    ASSERT_EQ(st("d0")->reads.size(), 1u);
    EXPECT_EQ(st("d0")->reads[0] - t0, tlp(PCIE_TLP_MRD, 0));   // served when the MRd arrived
}

TEST_F(Datapath, MmioReadThroughSwitches)
{
    sim_time_t ct = 0, sf = 0;
    uint64_t v1 = 0, v2 = 0;
    in_thread([&] {
        sim_time_t t0 = sim_now();
        v1 = pcie_mmio_read(f(), bar0("d1") + 0x100, 8);
        ct = sim_now() - t0;
        t0 = sim_now();
        v2 = pcie_mmio_read(f(), bar0("d2") + 0x104, 4);
        sf = sim_now() - t0;
    });
    EXPECT_EQ(v1, 0xC0DE0100ULL);
    EXPECT_EQ(v2, 0xC0DE0104ULL);
    // Down: root port link, switch hop, downstream link; up: the same in reverse.
    EXPECT_EQ(ct, hop(true, PCIE_TLP_MRD, 0) + tlp(PCIE_TLP_MRD, 0) +
                      hop(true, PCIE_TLP_CPLD, 8) + tlp(PCIE_TLP_CPLD, 8));
    EXPECT_EQ(sf, hop(false, PCIE_TLP_MRD, 0) + tlp(PCIE_TLP_MRD, 0) +
                      hop(false, PCIE_TLP_CPLD, 4) + tlp(PCIE_TLP_CPLD, 4));
    EXPECT_GT(sf, ct);
}

TEST_F(Datapath, UnclaimedReadsAllOnesAndIsCounted)
{
    uint64_t v4 = 0, v8 = 0;
    in_thread([&] {
        v4 = pcie_mmio_read(f(), 0x10, 4);              // below every window
        v8 = pcie_mmio_read(f(), bar0("d0") + 0x8000, 8);  // past d0's BAR, inside rp0's window
        pcie_mmio_write(f(), 0x10, 4, 1);
    });
    EXPECT_EQ(v4, 0xFFFFFFFFULL);
    EXPECT_EQ(v8, UINT64_MAX);
    pcie_fabric_stats s;
    pcie_fabric_get_stats(f(), &s);
    EXPECT_EQ(s.mmio_ur_reads, 2u);
    EXPECT_EQ(s.mmio_ur_writes, 1u);
    EXPECT_EQ(s.mmio_reads, 0u);
}

TEST_F(Datapath, MemoryDisableStopsDecode)
{
    uint16_t cmd = (uint16_t)cfg_r("d0", PCIE_COMMAND, 2);
    cfg_w("d0", PCIE_COMMAND, 2, cmd & ~PCIE_COMMAND_MEMORY);
    uint64_t v = 0;
    in_thread([&] { v = pcie_mmio_read(f(), bar0("d0"), 4); });
    EXPECT_EQ(v, 0xFFFFFFFFULL);
    EXPECT_TRUE(st("d0")->reads.empty());
}

TEST_F(Datapath, PostedWriteArrivesLaterAndReadDoesNotPassIt)
{
    uint64_t a = bar0("d1");
    sim_time_t issued = 0, after = 0, read_served = 0;
    in_thread([&] {
        issued = sim_now();
        pcie_mmio_write(f(), a + 0x40, 4, 0x1234);
        after = sim_now();
        pcie_mmio_read(f(), a + 0x44, 4);
        read_served = st("d1")->reads.at(0);
    });
    EXPECT_EQ(after, issued);   // posted: the caller did not wait
    ASSERT_EQ(st("d1")->writes.size(), 1u);
    EXPECT_EQ(st("d1")->writes[0].val, 0x1234u);
    EXPECT_EQ(st("d1")->writes[0].off, 0x40u);
    EXPECT_EQ(st("d1")->writes[0].t - issued, hop(true, PCIE_TLP_MWR, 4) + tlp(PCIE_TLP_MWR, 4));
    EXPECT_GT(read_served, st("d1")->writes[0].t);
}

TEST_F(Datapath, DmaReadSmallTimingAndPcieBench)
{
    pcie_endpoint *e = ep("d0");
    uint8_t buf[8];
    sim_time_t dt = 0;
    int rc = -9;
    in_thread([&] {
        sim_time_t t0 = sim_now();
        rc = pcie_dev_dma_read(e, kMemBase + 64, buf, 8);
        dt = sim_now() - t0;
    });
    ASSERT_EQ(rc, PCIE_DMA_OK);
    EXPECT_EQ(0, memcmp(buf, host.mem.data() + 64, 8));
    EXPECT_EQ(dt, tlp(PCIE_TLP_MRD, 0) + desc.root_complex_latency_ps + tlp(PCIE_TLP_CPLD, 8));
    // pcie-bench, Xeon E5-2620v3, gen3 x8: 533 ns median for an 8 B DMA read
    // (shared/reference/pcie.md §2). The fabric's share is the link; the rest is the platform's
    // root complex latency (see docs/pcie-datapath.md for the split).
    double ns = (double)dt / SIM_NS;
    EXPECT_NEAR(ns, 533.0, 533.0 * 0.02) << "8 B DMA read " << ns << " ns";
}

TEST_F(Datapath, DmaSizesMoveTheRightBytesWithSplitTiming)
{
    pcie_endpoint *e = ep("d0");
    const size_t sizes[] = {8, 64, 100, 256, 1500, 4096, 9000, 65536};
    pcie_dma_opts o = pcie_dma_opts_default();
    for (size_t s : sizes) {
        // Start 60 B before a 4 KiB boundary so that splits at 4 KiB and RCB are exercised.
        uint64_t src = kMemBase + 4096 - 60, dst = kMemBase + (2u << 20) + 4096 - 60;
        std::vector<uint8_t> buf(s);
        int r1 = -9, r2 = -9;
        sim_time_t rd = 0, wr = 0;
        in_thread([&] {
            sim_time_t t0 = sim_now();
            r1 = pcie_dev_dma_read(e, src, buf.data(), s);
            rd = sim_now() - t0;
            t0 = sim_now();
            r2 = pcie_dev_dma_write(e, dst, buf.data(), s);
            wr = sim_now() - t0;
        });
        ASSERT_EQ(r1, PCIE_DMA_OK) << s;
        ASSERT_EQ(r2, PCIE_DMA_OK) << s;
        EXPECT_EQ(0, memcmp(buf.data(), host.mem.data() + (src - kMemBase), s)) << s;
        EXPECT_EQ(0, memcmp(host.mem.data() + (dst - kMemBase), buf.data(), s)) << s;
        // Write: the device is done when its last MWr has left the link: the sum of the MWr times.
        sim_time_t want_wr = 0;
        for (uint64_t a = dst, left = s; left;) {
            uint32_t c = pcie_split_mwr(&l, a, left);
            want_wr += tlp(PCIE_TLP_MWR, (uint32_t)(((a & 3) + c + 3) & ~3ULL));
            a += c;
            left -= c;
        }
        EXPECT_EQ(wr, want_wr) << s;
        // Read: at least the first request's round trip plus every completion after the first;
        // at most every MRd and every CplD serialised plus one root complex latency.
        sim_time_t mrd_all = 0, cpl_all = 0, cpl_first = 0;
        for (uint64_t a = src, left = s; left;) {
            uint32_t c = pcie_split_mrd(&l, a, left);
            mrd_all += tlp(PCIE_TLP_MRD, 0);
            for (uint64_t b = a, rem = c; rem;) {
                uint32_t d = pcie_split_cpld(&l, &o, b, rem);
                sim_time_t t = tlp(PCIE_TLP_CPLD, (uint32_t)(((b & 3) + d + 3) & ~3ULL));
                if (!cpl_first)
                    cpl_first = t;
                cpl_all += t;
                b += d;
                rem -= d;
            }
            a += c;
            left -= c;
        }
        EXPECT_GE(rd, tlp(PCIE_TLP_MRD, 0) + desc.root_complex_latency_ps + cpl_all) << s;
        EXPECT_LE(rd, mrd_all + desc.root_complex_latency_ps + cpl_all) << s;
        (void)cpl_first;
    }
}

TEST_F(Datapath, LargeTransferBandwidthMatchesModel)
{
    pcie_endpoint *e = ep("d0");
    const size_t s = 2u << 20;
    std::vector<uint8_t> buf(s);
    sim_time_t rd = 0, wr = 0;
    in_thread([&] {
        sim_time_t t0 = sim_now();
        ASSERT_EQ(pcie_dev_dma_read(e, kMemBase, buf.data(), s), PCIE_DMA_OK);
        rd = sim_now() - t0;
        t0 = sim_now();
        ASSERT_EQ(pcie_dev_dma_write(e, kMemBase, buf.data(), s), PCIE_DMA_OK);
        wr = sim_now() - t0;
    });
    pcie_bw_result r;
    sim_err err;
    pcie_dma_opts o = pcie_dma_opts_default();
    ASSERT_EQ(pcie_bw_compute(&l, &o, s, &r, &err), 0) << err.msg;
    double rd_gbps = (double)s * 8 / ((double)rd / 1000.0), wr_gbps = (double)s * 8 / ((double)wr / 1000.0);
    EXPECT_NEAR(wr_gbps, r.write_gbps, r.write_gbps * 0.01);
    EXPECT_NEAR(rd_gbps, r.read_gbps, r.read_gbps * 0.03);
    EXPECT_LT(rd_gbps, r.read_gbps);   // the first request's latency is not hidden
}

TEST_F(Datapath, StoreAndForwardAddsOverCutThrough)
{
    uint8_t buf[512];
    sim_time_t ct = 0, sf = 0;
    in_thread([&] {
        sim_time_t t0 = sim_now();
        pcie_dev_dma_read(ep("d1"), kMemBase, buf, sizeof buf);
        ct = sim_now() - t0;
        t0 = sim_now();
        pcie_dev_dma_read(ep("d2"), kMemBase, buf, sizeof buf);
        sf = sim_now() - t0;
    });
    EXPECT_GT(sf, ct);
    // The store-and-forward switch receives each TLP whole first: at least one MRd and one CplD
    // serialisation more.
    EXPECT_GE(sf - ct, tlp(PCIE_TLP_MRD, 0) + tlp(PCIE_TLP_CPLD, 256));
}

TEST_F(Datapath, TwoDmasOnOneLinkSerialise)
{
    const size_t s = 65536;
    std::vector<uint8_t> a(s), b(s);
    sim_time_t one = 0;
    in_thread([&] {
        sim_time_t t0 = sim_now();
        pcie_dev_dma_write(ep("d0"), kMemBase, a.data(), s);
        one = sim_now() - t0;
    });
    sim_time_t start = 0, end1 = 0, end2 = 0;
    std::function<void()> t1 = [&] {
        start = sim_now();
        pcie_dev_dma_write(ep("d0"), kMemBase, a.data(), s);
        end1 = sim_now();
    };
    std::function<void()> t2 = [&] {
        pcie_dev_dma_write(ep("d0"), kMemBase + s, b.data(), s);
        end2 = sim_now();
    };
    sim_thread_spawn("w1", run_thread_fn, &t1);
    sim_thread_spawn("w2", run_thread_fn, &t2);
    sim_run_until(SIM_TIME_MAX);
    sim_time_t last = end1 > end2 ? end1 : end2, first = end1 < end2 ? end1 : end2;
    EXPECT_EQ(last - start, 2 * one);     // both streams share the link's up direction
    EXPECT_EQ(first - start, one);
    // A transfer on another root port is not delayed.
    sim_time_t other = 0;
    std::function<void()> t3 = [&] {
        sim_time_t t0 = sim_now();
        pcie_dev_dma_write(ep("d1"), kMemBase, a.data(), s);
        other = sim_now() - t0;
    };
    std::function<void()> t4 = [&] { pcie_dev_dma_write(ep("d0"), kMemBase, b.data(), s); };
    sim_thread_spawn("w3", run_thread_fn, &t3);
    sim_thread_spawn("w4", run_thread_fn, &t4);
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(other, one);
}

TEST_F(Datapath, HostFaultAndBusMaster)
{
    uint8_t buf[64];
    int rc = 0, rc2 = 0, wc = -9;
    in_thread([&] {
        rc = pcie_dev_dma_read(ep("d0"), kFaultAddr, buf, sizeof buf);
        wc = pcie_dev_dma_write(ep("d0"), kFaultAddr, buf, sizeof buf);   // posted: device never learns
    });
    EXPECT_EQ(rc, PCIE_DMA_FAULT);
    EXPECT_EQ(wc, PCIE_DMA_OK);
    pcie_fabric_stats s;
    pcie_fabric_get_stats(f(), &s);
    EXPECT_EQ(s.dma_faults, 2u);
    uint16_t cmd = (uint16_t)cfg_r("d0", PCIE_COMMAND, 2);
    cfg_w("d0", PCIE_COMMAND, 2, cmd & ~PCIE_COMMAND_MASTER);
    in_thread([&] { rc2 = pcie_dev_dma_read(ep("d0"), kMemBase, buf, sizeof buf); });
    EXPECT_EQ(rc2, PCIE_DMA_FAULT);
}

TEST_F(Datapath, LinkDownGivesNoLink)
{
    ep("d0")->path[0]->link_up = false;   // as a surprise removal will
    uint8_t buf[8];
    int rc = 0;
    uint64_t v = 0;
    in_thread([&] {
        rc = pcie_dev_dma_read(ep("d0"), kMemBase, buf, sizeof buf);
        v = pcie_mmio_read(f(), bar0("d0"), 4);
    });
    EXPECT_EQ(rc, PCIE_DMA_NO_LINK);
    EXPECT_EQ(v, 0xFFFFFFFFu);
    EXPECT_FALSE(pcie_dev_link_up(ep("d0")));
    ep("d0")->path[0]->link_up = true;
}

TEST_F(Datapath, MsiDeliversProgrammedAddressAndData)
{
    const uint16_t cap = 0x80;
    EXPECT_EQ(pcie_dev_msi(ep("d0"), 0), -1);   // not enabled yet
    cfg_w("d0", cap + PCIE_MSI_ADDRESS_LO, 4, 0xFEE01000);
    cfg_w("d0", cap + PCIE_MSI_ADDRESS_HI, 4, 0);
    cfg_w("d0", cap + PCIE_MSI_DATA_64, 2, 0x4040);
    cfg_w("d0", cap + PCIE_MSI_FLAGS, 2, PCIE_MSI_FLAGS_ENABLE | (2 << 4));   // 4 vectors
    sim_time_t t0 = 0;
    in_thread([&] {
        t0 = sim_now();
        EXPECT_EQ(pcie_dev_msi(ep("d0"), 3), 0);
    });
    ASSERT_EQ(host.msis.size(), 1u);
    EXPECT_EQ(host.msis[0].addr, 0xFEE01000u);
    EXPECT_EQ(host.msis[0].data, 0x4043u);
    EXPECT_EQ(host.msis[0].rid, pcie_dev_requester_id(ep("d0")));
    EXPECT_EQ(host.msis[0].t - t0, tlp(PCIE_TLP_MSI, 4));
    // Per-vector mask: pending, then sent on unmask.
    cfg_w("d0", cap + PCIE_MSI_MASK_64, 4, 1u << 2);
    in_thread([&] { EXPECT_EQ(pcie_dev_msi(ep("d0"), 2), 0); });
    EXPECT_EQ(host.msis.size(), 1u);
    EXPECT_EQ(cfg_r("d0", cap + PCIE_MSI_PENDING_64, 4), 1u << 2);
    cfg_w("d0", cap + PCIE_MSI_MASK_64, 4, 0);
    sim_run_until(SIM_TIME_MAX);
    ASSERT_EQ(host.msis.size(), 2u);
    EXPECT_EQ(host.msis[1].data, 0x4042u);
    EXPECT_EQ(cfg_r("d0", cap + PCIE_MSI_PENDING_64, 4), 0u);
}

TEST_F(Datapath, MsixMaskedVectorPendsThenFiresOnUnmask)
{
    const uint16_t cap = 0x98;
    uint64_t b = bar0("d1");
    uint64_t ent = b + kTableOff + 2 * 16;
    cfg_w("d1", cap + PCIE_MSIX_FLAGS, 2, PCIE_MSIX_FLAGS_ENABLE);
    uint64_t ctrl = 0, pba = 0, pba_after = 0, addr_rb = 0, dev_reads = 0;
    sim_time_t unmask_t = 0;
    in_thread([&] {
        ctrl = pcie_mmio_read(f(), ent + 12, 4);    // masked at reset
        pcie_mmio_write(f(), ent, 8, 0xFEE02000ULL);
        pcie_mmio_write(f(), ent + 8, 4, 0x77);
        addr_rb = pcie_mmio_read(f(), ent, 4);     // also orders after the writes
        EXPECT_EQ(pcie_dev_msi(ep("d1"), 2), 0);
        pba = pcie_mmio_read(f(), b + kPbaOff, 8);
        unmask_t = sim_now();
        pcie_mmio_write(f(), ent + 12, 4, 0);
        sim_wait(10 * SIM_US);
        pba_after = pcie_mmio_read(f(), b + kPbaOff, 8);
        dev_reads = st("d1")->reads.size();
    });
    EXPECT_EQ(ctrl, 1u);
    EXPECT_EQ(addr_rb, 0xFEE02000u);
    EXPECT_EQ(pba, 1u << 2);
    ASSERT_EQ(host.msis.size(), 1u);
    EXPECT_EQ(host.msis[0].addr, 0xFEE02000u);
    EXPECT_EQ(host.msis[0].data, 0x77u);
    // The unmask write travels down, then the message up.
    EXPECT_EQ(host.msis[0].t - unmask_t, hop(true, PCIE_TLP_MWR, 4) + tlp(PCIE_TLP_MWR, 4) +
                                             hop(true, PCIE_TLP_MSI, 4) + tlp(PCIE_TLP_MSI, 4));
    EXPECT_EQ(pba_after, 0u);
    EXPECT_EQ(dev_reads, 0u);   // table and PBA are served by the fabric, not the model
    // Function mask pends too, and clearing it through config space sends.
    cfg_w("d1", cap + PCIE_MSIX_FLAGS, 2, PCIE_MSIX_FLAGS_ENABLE | PCIE_MSIX_FLAGS_MASKALL);
    in_thread([&] { EXPECT_EQ(pcie_dev_msi(ep("d1"), 2), 0); });
    EXPECT_EQ(host.msis.size(), 1u);
    cfg_w("d1", cap + PCIE_MSIX_FLAGS, 2, PCIE_MSIX_FLAGS_ENABLE);
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(host.msis.size(), 2u);
}

TEST_F(Datapath, IntxHonoursInterruptDisable)
{
    cfg_w("d2", PCIE_COMMAND, 2, cfg_r("d2", PCIE_COMMAND, 2) & ~PCIE_COMMAND_INTX_DIS);
    in_thread([&] { pcie_dev_intx(ep("d2"), true); });
    ASSERT_EQ(host.intxs.size(), 1u);
    EXPECT_TRUE(host.intxs[0].asserted);
    EXPECT_EQ(host.intxs[0].pin, 2);   // INTA of device 1 on the switch's internal bus -> INTB
    EXPECT_TRUE(cfg_r("d2", PCIE_STATUS, 2) & PCIE_STATUS_INTX);
    // Interrupt Disable: deasserted upstream, Interrupt Status still set.
    cfg_w("d2", PCIE_COMMAND, 2, cfg_r("d2", PCIE_COMMAND, 2) | PCIE_COMMAND_INTX_DIS);
    sim_run_until(SIM_TIME_MAX);
    ASSERT_EQ(host.intxs.size(), 2u);
    EXPECT_FALSE(host.intxs[1].asserted);
    EXPECT_TRUE(cfg_r("d2", PCIE_STATUS, 2) & PCIE_STATUS_INTX);
    in_thread([&] { pcie_dev_intx(ep("d2"), false); });
    EXPECT_EQ(host.intxs.size(), 2u);   // nothing more to send
    EXPECT_FALSE(cfg_r("d2", PCIE_STATUS, 2) & PCIE_STATUS_INTX);
}

TEST_F(Datapath, SlowerLinkAndDeterminism)
{
    pcie_link_params slow = desc.root_ports[3].link;
    auto measure = [&](const char *n) {
        std::vector<uint8_t> buf(3000);
        sim_time_t d = 0;
        in_thread([&] {
            sim_time_t t0 = sim_now();
            pcie_dev_dma_read(ep(n), kMemBase + 12, buf.data(), buf.size());
            pcie_dev_dma_write(ep(n), kMemBase + 4000, buf.data(), buf.size());
            pcie_mmio_read(f(), bar0(n), 4);
            d = sim_now() - t0;
        });
        return d;
    };
    sim_time_t a = measure("d3"), b = measure("d3"), fast = measure("d0");
    EXPECT_EQ(a, b);
    EXPECT_GT(a, fast);
    sim_time_t mmio = 0;
    in_thread([&] {
        sim_time_t t0 = sim_now();
        pcie_mmio_read(f(), bar0("d3"), 4);
        mmio = sim_now() - t0;
    });
    EXPECT_EQ(mmio, tlp(PCIE_TLP_MRD, 0, &slow) + tlp(PCIE_TLP_CPLD, 4, &slow));
}

}  // namespace
