// test_pci_enum.cpp — boot-time enumeration (kernel_model/pci/enumerate.c, resources.c) on a
// platform built in C: depth-first bus numbers, naturally aligned BARs inside their bridge windows,
// nested windows, hot-plug reservations, no overlaps, registers as programmed, and the errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_model/kernel.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/pci/pci_tree.h"
#include "sim/sim.h"
#include "test_platform.h"

namespace {

struct Booted {
    platform_desc desc;
    kern_system *sys = nullptr;
    sim_err err{};
    int rc = -1;
    Booted() { testplat::build(&desc); }
    ~Booted()
    {
        kern_shutdown(sys);
        platform_desc_free(&desc);
    }
    void boot() { rc = kern_boot(&desc, &sys, &err); }
    kern_pci_tree *t() const { return sys->pci; }
};

class PciEnum : public ::testing::Test {
protected:
    void SetUp() override
    {
        sim_log_set_level(SIM_LOG_WARN);
        b.boot();
        ASSERT_EQ(b.rc, 0) << b.err.msg;
        t = b.t();
        f = b.sys->fabric;
    }
    kern_pci_dev *find(int bus, int dev, int fn) { return kern_pci_find(t, bus, dev, fn); }
    uint32_t rd(const kern_pci_dev *d, uint16_t off, int size)
    {
        return pcie_cfg_read(f, d->bus, d->dev, d->fn, off, size);
    }
    Booted b;
    kern_pci_tree *t = nullptr;
    pcie_fabric *f = nullptr;
};

bool is_bridge(const kern_pci_dev *d) { return d->header_type == KPCI_HEADER_BRIDGE; }

bool inside(uint64_t base, uint64_t size, const kern_pci_range &r)
{
    return kern_pci_range_open(&r) && base >= r.base && base + size - 1 <= r.limit;
}

bool pref_capable(const kern_pci_dev *b) { return b->has_pref_window && b->pref_64bit; }

// Where a BAR must lie: the window of its upstream bridge, or the platform window on bus 0.
kern_pci_range bar_container(const kern_pci_tree *t, const kern_pci_dev *d, const kern_pci_bar &bar)
{
    const kern_pci_dev *p = d->parent;
    const kern_pci_params &pp = t->params;
    bool pref = bar.type == KERN_BAR_MEM64 && bar.prefetchable;
    if (bar.type == KERN_BAR_IO)
        return p ? p->io : kern_pci_range{pp.io_base, pp.io_limit};
    if (pref && (!p || pref_capable(p)))
        return p ? p->pref : kern_pci_range{pp.pref64_base, pp.pref64_limit};
    return p ? p->mem : kern_pci_range{pp.mem32_base, pp.mem32_limit};
}

int range_len(const kern_pci_dev *d) { return d->subordinate - d->secondary + 1; }

void collect_buses(const kern_pci_dev *d, std::vector<int> *out)
{
    out->push_back(d->bus);
    for (const kern_pci_dev *c = d->first_child; c; c = c->next_sibling)
        collect_buses(c, out);
}

void check_dfs(const kern_pci_dev *first, int *next)
{
    for (const kern_pci_dev *d = first; d; d = d->next_sibling) {
        if (!is_bridge(d))
            continue;
        EXPECT_EQ(d->secondary, *next);
        *next = d->secondary + 1;
        check_dfs(d->first_child, next);
        // Non-hot-plug bridges end at the last bus below; hot-plug ones may hold spares.
        if (d->hotplug_capable) {
            EXPECT_GE(d->subordinate, *next - 1);
        } else {
            EXPECT_EQ(d->subordinate, *next - 1);
        }
        *next = d->subordinate + 1;
    }
}

TEST_F(PciEnum, FindsEveryFunctionOfThePlatform)
{
    // 3 root ports + switch up + 2 down + 3 endpoints (the empty slot has none).
    EXPECT_EQ(kern_pci_count(t), 9u);
    int rp = 0, up = 0, dp = 0, ep = 0;
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        const kern_pci_dev *d = kern_pci_at(t, i);
        ASSERT_TRUE(d->is_pcie);
        rp += d->port_type == KPCI_EXP_TYPE_ROOT_PORT;
        up += d->port_type == KPCI_EXP_TYPE_UPSTREAM;
        dp += d->port_type == KPCI_EXP_TYPE_DOWNSTREAM;
        ep += d->port_type == KPCI_EXP_TYPE_ENDPOINT;
        EXPECT_EQ(kern_pci_find(t, d->bus, d->dev, d->fn), d);
        EXPECT_EQ(rd(d, KPCI_VENDOR_ID, 2), d->vendor_id);
        EXPECT_EQ(rd(d, KPCI_DEVICE_ID, 2), d->device_id);
        EXPECT_EQ(is_bridge(d), d->port_type != KPCI_EXP_TYPE_ENDPOINT);
    }
    EXPECT_EQ(rp, 3);
    EXPECT_EQ(up, 1);
    EXPECT_EQ(dp, 2);
    EXPECT_EQ(ep, 3);
    EXPECT_EQ(kern_pci_at(t, kern_pci_count(t)), nullptr);
    EXPECT_EQ(kern_pci_find(t, 0xfe, 0, 0), nullptr);
}

TEST_F(PciEnum, BusNumbersAreDepthFirstWithHotplugSpares)
{
    const int hp = t->params.hp_bus_reserve;
    ASSERT_GE(hp, 2) << "a hot-added switch needs at least two bus numbers";
    // Walking the tree depth first, each bridge takes the next free bus as its secondary, and
    // the bridge after it starts right after its subordinate.
    int next = 1;
    check_dfs(t->first_root, &next);
    EXPECT_EQ(next, t->last_bus + 1);
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        const kern_pci_dev *d = kern_pci_at(t, i);
        if (!is_bridge(d))
            continue;
        std::vector<int> buses;
        for (const kern_pci_dev *c = d->first_child; c; c = c->next_sibling)
            collect_buses(c, &buses);
        for (int bus : buses) {
            EXPECT_GE(bus, d->secondary);
            EXPECT_LE(bus, d->subordinate);
        }
        EXPECT_EQ(d->primary, d->bus);
        EXPECT_EQ(rd(d, KPCI_PRIMARY_BUS, 1), d->primary);
        EXPECT_EQ(rd(d, KPCI_SECONDARY_BUS, 1), d->secondary);
        EXPECT_EQ(rd(d, KPCI_SUBORDINATE_BUS, 1), d->subordinate);
        if (d->hotplug_capable) {
            EXPECT_GE(range_len(d), hp) << "hot-plug port keeps its spare buses";
        }
        if (d->first_child == nullptr && !d->hotplug_capable) {
            EXPECT_EQ(range_len(d), 1);
        }
    }
    // The concrete numbering for this platform.
    const kern_pci_dev *rp1 = find(0, 1, 0), *rp2 = find(0, 2, 0), *rp3 = find(0, 3, 0);
    ASSERT_TRUE(rp1 && rp2 && rp3);
    EXPECT_EQ(rp1->secondary, 1);
    EXPECT_EQ(rp1->subordinate, hp);
    EXPECT_EQ(rp2->secondary, hp + 1);
    EXPECT_EQ(rp2->subordinate, 2 * hp);
    EXPECT_EQ(rp3->secondary, 2 * hp + 1);
    const kern_pci_dev *up = find(2 * hp + 1, 0, 0);
    ASSERT_NE(up, nullptr);
    EXPECT_EQ(up->port_type, KPCI_EXP_TYPE_UPSTREAM);
    EXPECT_EQ(up->secondary, 2 * hp + 2);
    const kern_pci_dev *dp0 = find(2 * hp + 2, 0, 0), *dp1 = find(2 * hp + 2, 1, 0);
    ASSERT_TRUE(dp0 && dp1);
    EXPECT_EQ(dp0->secondary, 2 * hp + 3);
    EXPECT_EQ(dp0->subordinate, 2 * hp + 3 + hp - 1);   // hot-plug: hp buses
    EXPECT_EQ(dp1->secondary, dp0->subordinate + 1);
    EXPECT_EQ(dp1->subordinate, dp1->secondary);        // no hot-plug: exactly its endpoint bus
    EXPECT_EQ(up->subordinate, dp1->subordinate);
    EXPECT_EQ(rp3->subordinate, dp1->subordinate);
    EXPECT_EQ(t->last_bus, dp1->subordinate);
    ASSERT_NE(find(dp0->secondary, 0, 0), nullptr);
    ASSERT_NE(find(dp1->secondary, 0, 0), nullptr);
    ASSERT_NE(find(rp1->secondary, 0, 0), nullptr);
    EXPECT_EQ(find(rp2->secondary, 0, 0), nullptr);   // the empty slot
}

TEST_F(PciEnum, SlotsAndHotplugCapabilityComeFromTheSlotRegisters)
{
    const kern_pci_dev *rp1 = find(0, 1, 0), *rp2 = find(0, 2, 0), *rp3 = find(0, 3, 0);
    ASSERT_TRUE(rp1 && rp2 && rp3);
    EXPECT_TRUE(rp1->slot_implemented);
    EXPECT_EQ(rp1->slot, 1);
    EXPECT_TRUE(rp1->hotplug_capable);
    EXPECT_TRUE(rp1->slot_occupied);
    EXPECT_EQ(rp2->slot, 2);
    EXPECT_TRUE(rp2->hotplug_capable);
    EXPECT_FALSE(rp2->slot_occupied);
    EXPECT_EQ(rp3->slot, 3);
    EXPECT_FALSE(rp3->hotplug_capable);
    const kern_pci_dev *dp0 = find(rp3->secondary + 1, 0, 0);
    ASSERT_NE(dp0, nullptr);
    EXPECT_EQ(dp0->slot, 10);
    EXPECT_TRUE(dp0->hotplug_capable);
    // Parent links: the endpoint behind dp0 hangs off dp0, which hangs off the switch.
    const kern_pci_dev *ep = find(dp0->secondary, 0, 0);
    ASSERT_NE(ep, nullptr);
    EXPECT_EQ(ep->parent, dp0);
    EXPECT_EQ(dp0->parent->port_type, KPCI_EXP_TYPE_UPSTREAM);
    EXPECT_EQ(dp0->parent->parent, rp3);
    EXPECT_EQ(rp3->parent, nullptr);
    EXPECT_EQ(t->first_root, rp1);
}

TEST_F(PciEnum, BarsAreSizedAlignedAndInsideTheirWindows)
{
    int nbars = 0;
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        const kern_pci_dev *d = kern_pci_at(t, i);
        for (int j = 0; j < d->nbars; j++) {
            const kern_pci_bar &bar = d->bars[j];
            if (bar.type == KERN_BAR_NONE)
                continue;
            nbars++;
            ASSERT_GT(bar.size, 0u);
            EXPECT_EQ(bar.size & (bar.size - 1), 0u) << "power of two";
            EXPECT_EQ(bar.base % bar.size, 0u) << "naturally aligned";
            kern_pci_range r = bar_container(t, d, bar);
            EXPECT_TRUE(inside(bar.base, bar.size, r))
                << std::hex << "BAR" << j << " of function " << i << " at 0x" << bar.base;
            // The register holds the address (type bits are read-only low bits).
            uint16_t off = KPCI_BASE_ADDRESS_0 + 4 * j;
            uint64_t v = rd(d, off, 4);
            if (bar.type == KERN_BAR_MEM64)
                v |= uint64_t(rd(d, off + 4, 4)) << 32;
            uint64_t mask = bar.type == KERN_BAR_IO ? ~0x3ull : ~0xFull;
            EXPECT_EQ(v & mask, bar.base);
            if (bar.type == KERN_BAR_MEM64 && bar.prefetchable && (!d->parent || pref_capable(d->parent))) {
                EXPECT_GE(bar.base, 1ull << 32) << "64-bit prefetchable BARs live above 4 GiB";
            }
            if (bar.type == KERN_BAR_MEM32) {
                EXPECT_LT(bar.base + bar.size - 1, 1ull << 32);
            }
        }
    }
    EXPECT_GT(nbars, 0) << "the endpoint models declare BARs";
}

TEST_F(PciEnum, BridgeWindowsNestAndAreProgrammed)
{
    const kern_pci_params &pp = t->params;
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        const kern_pci_dev *d = kern_pci_at(t, i);
        if (!is_bridge(d))
            continue;
        const kern_pci_dev *p = d->parent;
        if (kern_pci_range_open(&d->mem)) {
            uint64_t size = d->mem.limit - d->mem.base + 1;
            EXPECT_EQ(d->mem.base % (1 << 20), 0u);
            EXPECT_EQ(size % (1 << 20), 0u);
            EXPECT_TRUE(inside(d->mem.base, size, p ? p->mem : kern_pci_range{pp.mem32_base, pp.mem32_limit}));
            EXPECT_EQ(rd(d, KPCI_MEMORY_BASE, 2), (d->mem.base >> 16) & 0xFFF0);
            EXPECT_EQ(rd(d, KPCI_MEMORY_LIMIT, 2), (d->mem.limit >> 16) & 0xFFF0);
        } else {
            EXPECT_GT(rd(d, KPCI_MEMORY_BASE, 2), rd(d, KPCI_MEMORY_LIMIT, 2)) << "closed window";
        }
        if (kern_pci_range_open(&d->pref)) {
            uint64_t size = d->pref.limit - d->pref.base + 1;
            EXPECT_EQ(d->pref.base % (1 << 20), 0u);
            kern_pci_range outer = !p ? kern_pci_range{pp.pref64_base, pp.pref64_limit}
                                      : pref_capable(p) ? p->pref : p->mem;
            EXPECT_TRUE(inside(d->pref.base, size, outer));
            uint64_t base = uint64_t(rd(d, KPCI_PREF_MEMORY_BASE, 2) & 0xFFF0) << 16 |
                            uint64_t(rd(d, KPCI_PREF_BASE_UPPER32, 4)) << 32;
            uint64_t limit = (uint64_t(rd(d, KPCI_PREF_MEMORY_LIMIT, 2) & 0xFFF0) << 16 | 0xFFFFF) |
                             uint64_t(rd(d, KPCI_PREF_LIMIT_UPPER32, 4)) << 32;
            EXPECT_EQ(base, d->pref.base);
            EXPECT_EQ(limit, d->pref.limit);
        }
        if (kern_pci_range_open(&d->io)) {
            uint64_t size = d->io.limit - d->io.base + 1;
            EXPECT_EQ(d->io.base % 0x1000, 0u);
            EXPECT_TRUE(inside(d->io.base, size, p ? p->io : kern_pci_range{pp.io_base, pp.io_limit}));
            EXPECT_EQ(rd(d, KPCI_IO_BASE, 1) & 0xF0, (d->io.base >> 8) & 0xF0);
        }
        uint16_t cmd = rd(d, KPCI_COMMAND, 2);
        EXPECT_TRUE(cmd & KPCI_COMMAND_MEMORY);
        EXPECT_TRUE(cmd & KPCI_COMMAND_MASTER);
        EXPECT_EQ(bool(cmd & KPCI_COMMAND_IO), kern_pci_range_open(&d->io));
    }
}

TEST_F(PciEnum, EmptyHotplugSlotGetsBusesAndWindowSpace)
{
    const kern_pci_dev *rp2 = find(0, 2, 0);
    ASSERT_NE(rp2, nullptr);
    ASSERT_TRUE(rp2->hotplug_capable);
    ASSERT_EQ(rp2->first_child, nullptr);
    const kern_pci_params &pp = t->params;
    EXPECT_GT(range_len(rp2), 1);
    EXPECT_EQ(range_len(rp2), pp.hp_bus_reserve);
    ASSERT_TRUE(kern_pci_range_open(&rp2->mem));
    EXPECT_GT(pp.hp_mem_reserve, 0u);
    EXPECT_GE(rp2->mem.limit - rp2->mem.base + 1, pp.hp_mem_reserve);
    if (pref_capable(rp2)) {
        ASSERT_TRUE(kern_pci_range_open(&rp2->pref));
        EXPECT_GE(rp2->pref.limit - rp2->pref.base + 1, pp.hp_pref_reserve);
    }
    if (rp2->has_io_window) {
        ASSERT_TRUE(kern_pci_range_open(&rp2->io));
        EXPECT_GE(rp2->io.limit - rp2->io.base + 1, pp.hp_io_reserve);
    }
    // A non-hot-plug port with nothing below would get nothing; the switch's dp1 holds exactly
    // what its endpoint needs (rounded to the 1 MiB granule).
    const kern_pci_dev *rp3 = find(0, 3, 0);
    const kern_pci_dev *dp1 = find(rp3->secondary + 1, 1, 0);
    ASSERT_NE(dp1, nullptr);
    EXPECT_FALSE(dp1->hotplug_capable);
    uint64_t need = 0;
    const kern_pci_dev *ep = dp1->first_child;
    ASSERT_NE(ep, nullptr);
    for (int j = 0; j < ep->nbars; j++)
        if (ep->bars[j].type == KERN_BAR_MEM32 ||
            (ep->bars[j].type == KERN_BAR_MEM64 && !(ep->bars[j].prefetchable && pref_capable(dp1))))
            need += ep->bars[j].size;
    if (need) {
        EXPECT_EQ(dp1->mem.limit - dp1->mem.base + 1, (need + 0xFFFFF) & ~0xFFFFFull);
    } else {
        EXPECT_FALSE(kern_pci_range_open(&dp1->mem));
    }
}

struct Span {
    uint64_t base, last;
    std::string what;
};

void expect_disjoint(const std::vector<Span> &v, const char *space)
{
    for (size_t i = 0; i < v.size(); i++)
        for (size_t j = i + 1; j < v.size(); j++)
            EXPECT_TRUE(v[i].last < v[j].base || v[j].last < v[i].base)
                << space << ": " << v[i].what << " overlaps " << v[j].what;
}

TEST_F(PciEnum, NothingOverlaps)
{
    std::vector<Span> io, mem;
    std::vector<Span> bus_ranges;
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        const kern_pci_dev *d = kern_pci_at(t, i);
        char bdf[16];
        kern_pci_bdf(d, bdf, sizeof bdf);
        for (int j = 0; j < d->nbars; j++) {
            const kern_pci_bar &bar = d->bars[j];
            if (bar.type == KERN_BAR_NONE)
                continue;
            Span s{bar.base, bar.base + bar.size - 1, std::string(bdf) + " BAR" + std::to_string(j)};
            (bar.type == KERN_BAR_IO ? io : mem).push_back(s);
        }
    }
    expect_disjoint(io, "I/O");
    expect_disjoint(mem, "memory");
    // Sibling bridges: disjoint bus ranges and windows.
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        const kern_pci_dev *d = kern_pci_at(t, i);
        const kern_pci_dev *first = d->parent ? d->parent->first_child : t->first_root;
        if (!is_bridge(d))
            continue;
        for (const kern_pci_dev *s = first; s; s = s->next_sibling) {
            if (s == d || !is_bridge(s))
                continue;
            EXPECT_TRUE(d->subordinate < s->secondary || s->subordinate < d->secondary);
            const kern_pci_range *a[3] = {&d->io, &d->mem, &d->pref};
            const kern_pci_range *b2[3] = {&s->io, &s->mem, &s->pref};
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++)
                    if (kern_pci_range_open(a[k]) && kern_pci_range_open(b2[l]) && (k == 0) == (l == 0)) {
                        EXPECT_TRUE(a[k]->limit < b2[l]->base || b2[l]->limit < a[k]->base);
                    }
        }
    }
}

TEST_F(PciEnum, EndpointsDecodeAndMasterAndMpsIsConsistent)
{
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        const kern_pci_dev *d = kern_pci_at(t, i);
        uint16_t cmd = rd(d, KPCI_COMMAND, 2);
        EXPECT_TRUE(cmd & KPCI_COMMAND_MASTER);
        bool mem = false;
        for (int j = 0; j < d->nbars; j++)
            mem |= d->bars[j].type == KERN_BAR_MEM32 || d->bars[j].type == KERN_BAR_MEM64;
        if (mem) {
            EXPECT_TRUE(cmd & KPCI_COMMAND_MEMORY);
        }
        // MPS: the DEVCTL value, no larger than what any function of the hierarchy supports.
        ASSERT_NE(d->cap_exp, 0);
        uint16_t devctl = rd(d, d->cap_exp + KPCI_EXP_DEVCTL, 2);
        int mps = 128 << ((devctl & KPCI_EXP_DEVCTL_PAYLOAD) >> 5);
        EXPECT_EQ(mps, d->mps);
        EXPECT_LE(mps, d->mps_supported);
        const kern_pci_dev *root = d;
        while (root->parent)
            root = root->parent;
        EXPECT_EQ(mps, root->mps) << "one MPS per root port hierarchy";
    }
}

TEST_F(PciEnum, AgreesWithTheFabricsOwnTopology)
{
    struct Ctx {
        kern_pci_tree *t;
        int nodes = 0;
        int missing = 0;
    } ctx{t};
    pcie_fabric_walk(
        f,
        [](void *p, const pcie_topo_node *n) {
            Ctx *c = static_cast<Ctx *>(p);
            c->nodes++;
            const kern_pci_dev *d = n->reachable ? kern_pci_find(c->t, n->bus, n->dev, n->fn) : nullptr;
            if (!d) {
                c->missing++;
                ADD_FAILURE() << "fabric node " << n->name << " not enumerated";
                return;
            }
            int want = n->kind == PCIE_FN_ROOT_PORT ? KPCI_EXP_TYPE_ROOT_PORT
                       : n->kind == PCIE_FN_SWITCH_UP ? KPCI_EXP_TYPE_UPSTREAM
                       : n->kind == PCIE_FN_SWITCH_DOWN ? KPCI_EXP_TYPE_DOWNSTREAM
                                                        : KPCI_EXP_TYPE_ENDPOINT;
            EXPECT_EQ(d->port_type, want) << n->name;
            if (n->kind == PCIE_FN_ROOT_PORT || n->kind == PCIE_FN_SWITCH_DOWN) {
                EXPECT_EQ(d->slot, n->slot) << n->name;
                EXPECT_EQ(d->hotplug_capable, n->hotplug) << n->name;
            }
        },
        &ctx);
    EXPECT_EQ(ctx.missing, 0);
    EXPECT_EQ(size_t(ctx.nodes), kern_pci_count(t));
}

TEST(PciEnumDeterminism, SamePlatformSameAssignment)
{
    sim_log_set_level(SIM_LOG_WARN);
    Booted a, b;
    a.boot();
    b.boot();
    ASSERT_EQ(a.rc, 0) << a.err.msg;
    ASSERT_EQ(b.rc, 0) << b.err.msg;
    ASSERT_EQ(kern_pci_count(a.t()), kern_pci_count(b.t()));
    for (size_t i = 0; i < kern_pci_count(a.t()); i++) {
        const kern_pci_dev *x = kern_pci_at(a.t(), i), *y = kern_pci_at(b.t(), i);
        EXPECT_EQ(x->bus, y->bus);
        EXPECT_EQ(x->dev, y->dev);
        EXPECT_EQ(x->subordinate, y->subordinate);
        for (int j = 0; j < 6; j++)
            EXPECT_EQ(x->bars[j].base, y->bars[j].base);
        EXPECT_EQ(x->mem.base, y->mem.base);
        EXPECT_EQ(x->pref.base, y->pref.base);
    }
}

// ---- errors: values that name the device ----

TEST(PciEnumErrors, ExhaustedMemoryWindowNamesTheDevice)
{
    sim_log_set_level(SIM_LOG_ERROR);
    platform_desc pd;
    testplat::build(&pd);
    pcie_fabric *f = nullptr;
    sim_err err{};
    ASSERT_EQ(pcie_fabric_build(&pd, &f, &err), 0) << err.msg;
    kern_pci_params p = kern_pci_params_default();
    p.mem32_base = 0xC0000000;
    p.mem32_limit = 0xC00FFFFF;   // 1 MiB: less than two bridge windows
    p.pref64_limit = p.pref64_base + 0xFFFFF;
    kern_pci_tree *t = nullptr;
    EXPECT_EQ(kern_pci_enumerate(f, &p, &t, &err), -1);
    EXPECT_EQ(t, nullptr);
    std::string msg = err.msg;
    EXPECT_NE(msg.find("address space exhausted"), std::string::npos) << msg;
    EXPECT_NE(msg.find("PCI 00:0"), std::string::npos) << "names the device: " << msg;
    pcie_fabric_free(f);
    platform_desc_free(&pd);
}

TEST(PciEnumErrors, ReservationsDroppedBeforeFailing)
{
    // Room for the real BARs but not for 256 MiB + 32 MiB per hot-plug port: enumeration
    // succeeds without the reservations (as Linux retries without its add_size).
    sim_log_set_level(SIM_LOG_ERROR);
    platform_desc pd;
    testplat::build(&pd);
    pcie_fabric *f = nullptr;
    sim_err err{};
    ASSERT_EQ(pcie_fabric_build(&pd, &f, &err), 0) << err.msg;
    kern_pci_params p = kern_pci_params_default();
    p.mem32_limit = p.mem32_base + (48ull << 20) - 1;
    p.pref64_limit = p.pref64_base + (256ull << 20) - 1;
    kern_pci_tree *t = nullptr;
    ASSERT_EQ(kern_pci_enumerate(f, &p, &t, &err), 0) << err.msg;
    EXPECT_EQ(t->params.hp_mem_reserve, 0u);
    const kern_pci_dev *rp2 = kern_pci_find(t, 0, 2, 0);
    ASSERT_NE(rp2, nullptr);
    EXPECT_FALSE(kern_pci_range_open(&rp2->mem)) << "the empty slot lost its reservation";
    kern_pci_tree_free(t);
    pcie_fabric_free(f);
    platform_desc_free(&pd);
}

TEST(PciEnumErrors, BusReserveShrinksWhenBusesRunOut)
{
    sim_log_set_level(SIM_LOG_ERROR);
    platform_desc pd;
    testplat::build(&pd);
    pcie_fabric *f = nullptr;
    sim_err err{};
    ASSERT_EQ(pcie_fabric_build(&pd, &f, &err), 0) << err.msg;
    kern_pci_params p = kern_pci_params_default();
    p.hp_bus_reserve = 200;   // rp1 + rp2 alone would need 400 buses
    kern_pci_tree *t = nullptr;
    ASSERT_EQ(kern_pci_enumerate(f, &p, &t, &err), 0) << err.msg;
    EXPECT_EQ(t->params.hp_bus_reserve, 1);
    EXPECT_EQ(kern_pci_count(t), 9u);
    kern_pci_tree_free(t);
    pcie_fabric_free(f);
    platform_desc_free(&pd);
}

TEST(PciEnumErrors, TooManyBusesNamesTheBridge)
{
    // 8 root ports, each with a 31-port switch: 8 x (1 + 1 + 31) = 264 buses > 255.
    sim_log_set_level(SIM_LOG_ERROR);
    platform_desc pd;
    platform_desc_init(&pd);
    pd.nroot_ports = 8;
    for (int i = 0; i < 8; i++) {
        testplat::set_port(&pd.root_ports[i], 0, false);
        char name[16];
        snprintf(name, sizeof name, "sw%d", i);
        testplat::set_switch(&pd.root_ports[i], name, 31);
    }
    pcie_fabric *f = nullptr;
    sim_err err{};
    ASSERT_EQ(pcie_fabric_build(&pd, &f, &err), 0) << err.msg;
    kern_pci_tree *t = nullptr;
    EXPECT_EQ(kern_pci_enumerate(f, nullptr, &t, &err), -1);
    std::string msg = err.msg;
    EXPECT_NE(msg.find("too many buses"), std::string::npos) << msg;
    EXPECT_EQ(msg.rfind("PCI ", 0), 0u) << msg;
    EXPECT_NE(msg.find(":"), std::string::npos) << msg;
    pcie_fabric_free(f);
    platform_desc_free(&pd);
}

TEST(PciEnumErrors, BadBusReserveParameter)
{
    platform_desc pd;
    testplat::build(&pd);
    pcie_fabric *f = nullptr;
    sim_err err{};
    ASSERT_EQ(pcie_fabric_build(&pd, &f, &err), 0) << err.msg;
    kern_pci_params p = kern_pci_params_default();
    p.hp_bus_reserve = 300;
    kern_pci_tree *t = nullptr;
    EXPECT_EQ(kern_pci_enumerate(f, &p, &t, &err), -1);
    EXPECT_NE(std::string(err.msg).find("hot-plug bus reserve 300"), std::string::npos) << err.msg;
    pcie_fabric_free(f);
    platform_desc_free(&pd);
}

}  // namespace
