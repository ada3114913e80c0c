// test_kservices_mem.cpp — heaps and slabs (kernel_model/mem/, vmkapi_heap.h): per-owner
// accounting, the heap's max, alignment, refused frees, leaks at destroy, slab limits and reuse,
// and the cost-table charges of allocations.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "kernel_model/costs.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/timing/timing.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"

namespace {

std::vector<std::string> g_lines;
void capture(void *, sim_log_level, const char *line) { g_lines.push_back(line); }
bool logged(const std::string &part)
{
    for (const auto &l : g_lines)
        if (l.find(part) != std::string::npos)
            return true;
    return false;
}

class Mem : public ::testing::Test {
  protected:
    void SetUp() override
    {
        g_lines.clear();
        sim_log_set_file(nullptr);
        sim_log_set_sink(capture, nullptr);
        sim_log_set_level(SIM_LOG_DEBUG);
        kern_mem_reset_accounting();
    }
    void TearDown() override
    {
        sim_log_set_sink(nullptr, nullptr);
        sim_log_set_file(stderr);
    }
    vmk_HeapID heap(const char *name, size_t max)
    {
        vmk_HeapCreateProps p;
        memset(&p, 0, sizeof p);
        p.type = VMK_HEAP_TYPE_SIMPLE;
        snprintf(p.name.string, sizeof p.name.string, "%s", name);
        p.module = VMK_KERNEL_MODULE_ID;
        p.max = max;
        vmk_HeapID h = VMK_INVALID_HEAP_ID;
        EXPECT_EQ(vmk_HeapCreate(&p, &h), VMK_OK);
        return h;
    }
};

TEST_F(Mem, HeapAccountsByOwnerAndEnforcesMax)
{
    vmk_HeapID h = heap("t", 1000);
    void *a = vmk_HeapAlloc(h, 600);
    ASSERT_NE(a, nullptr);
    memset(a, 0xAB, 600);   // real memory
    EXPECT_EQ(vmk_HeapAlloc(h, 401), nullptr) << "600 + 401 > max 1000";
    void *b = vmk_HeapAlloc(h, 400);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(vmk_HeapGetUsed(h), 1000u);
    kern_mem_usage u;
    kern_mem_report(0, &u);
    EXPECT_EQ(u.live_bytes, 1000u);
    EXPECT_EQ(u.live_count, 2u);
    EXPECT_EQ(u.failures, 1u);
    EXPECT_EQ(u.peak_bytes, 1000u);
    vmk_HeapFree(h, a);
    kern_mem_report(0, &u);
    EXPECT_EQ(u.live_bytes, 400u);
    EXPECT_EQ(u.live_count, 1u);
    void *c = vmk_HeapAlloc(h, 600);   // the freed room is usable again
    EXPECT_NE(c, nullptr);
    vmk_HeapFree(h, b);
    vmk_HeapFree(h, c);
    kern_mem_report(0, &u);
    EXPECT_EQ(u.live_bytes, 0u);
    EXPECT_EQ(u.allocs, 3u);
    EXPECT_EQ(u.frees, 3u);
    vmk_HeapDestroy(h);
    kern_mem_report(0, &u);
    EXPECT_EQ(u.leaked_count, 0u);
}

TEST_F(Mem, HeapAlignAndBadParameters)
{
    vmk_HeapID h = heap("al", 1 << 20);
    for (size_t al : {16u, 64u, 4096u}) {
        void *p = vmk_HeapAlign(h, 100, al);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ((uintptr_t)p % al, 0u) << al;
        vmk_HeapFree(h, p);
    }
    EXPECT_EQ(vmk_HeapAlign(h, 100, 48), nullptr) << "not a power of two";
    EXPECT_EQ(vmk_HeapAlloc(h, 0), nullptr);
    vmk_HeapCreateProps p;
    memset(&p, 0, sizeof p);
    snprintf(p.name.string, sizeof p.name.string, "bad");
    vmk_HeapID x;
    EXPECT_EQ(vmk_HeapCreate(&p, &x), VMK_BAD_PARAM) << "max 0";
    p.max = 10;
    p.initial = 20;
    EXPECT_EQ(vmk_HeapCreate(&p, &x), VMK_BAD_PARAM) << "initial > max";
    p.initial = 0;
    p.module = 4242;
    EXPECT_EQ(vmk_HeapCreate(&p, &x), VMK_BAD_PARAM) << "unknown module";
    vmk_HeapDestroy(h);
}

TEST_F(Mem, ForeignAndDoubleFreesAreRefused)
{
    vmk_HeapID h1 = heap("h1", 4096), h2 = heap("h2", 4096);
    void *a = vmk_HeapAlloc(h1, 32);
    int on_stack = 0;
    vmk_HeapFree(h2, a);   // wrong heap
    EXPECT_TRUE(logged("heap 'h2': free of"));
    g_lines.clear();
    vmk_HeapFree(h1, &on_stack);   // never allocated: not dereferenced
    EXPECT_TRUE(logged("not a live allocation"));
    vmk_HeapFree(h1, a);
    g_lines.clear();
    vmk_HeapFree(h1, a);   // double free
    EXPECT_TRUE(logged("double free or wrong heap"));
    kern_mem_usage u;
    kern_mem_report(0, &u);
    EXPECT_EQ(u.live_count, 0u);
    EXPECT_EQ(u.frees, 1u);
    vmk_HeapDestroy(h1);
    vmk_HeapDestroy(h2);
}

TEST_F(Mem, DestroyWithLiveAllocationsCountsLeaks)
{
    vmk_HeapID h = heap("leaky", 4096);
    ASSERT_NE(vmk_HeapAlloc(h, 10), nullptr);
    ASSERT_NE(vmk_HeapAlloc(h, 20), nullptr);
    vmk_HeapDestroy(h);
    EXPECT_TRUE(logged("heap 'leaky' (owner 0) destroyed with 2 allocation(s) (30 bytes)"));
    kern_mem_usage u;
    kern_mem_report(0, &u);
    EXPECT_EQ(u.live_bytes, 0u);
    EXPECT_EQ(u.leaked_bytes, 30u);
    EXPECT_EQ(u.leaked_count, 2u);
}

TEST_F(Mem, DetermineMaxSize)
{
    vmk_HeapAllocationDescriptor d[2] = {{100, 16, 3}, {4096, 4096, 2}};
    vmk_ByteCount max = 0;
    ASSERT_EQ(vmk_HeapDetermineMaxSize(d, 2, &max), VMK_OK);
    EXPECT_EQ(max, 300u + 8192u);
    // A heap of exactly that size holds exactly those allocations.
    vmk_HeapID h = heap("sized", max);
    std::vector<void *> ps;
    for (int i = 0; i < 3; i++)
        ps.push_back(vmk_HeapAlign(h, 100, 16));
    for (int i = 0; i < 2; i++)
        ps.push_back(vmk_HeapAlign(h, 4096, 4096));
    for (void *p : ps)
        EXPECT_NE(p, nullptr);
    EXPECT_EQ(vmk_HeapAlloc(h, 1), nullptr);
    for (void *p : ps)
        vmk_HeapFree(h, p);
    vmk_HeapDestroy(h);
    vmk_HeapAllocationDescriptor big = {SIZE_MAX / 2, 16, 3};
    EXPECT_EQ(vmk_HeapDetermineMaxSize(&big, 1, &max), VMK_LIMIT_EXCEEDED);
}

VMK_ReturnStatus ctor(void *o, vmk_ByteCount size, vmk_AddrCookie arg, int)
{
    memset(o, 0x5A, size);
    (*(int *)arg.ptr)++;
    return VMK_OK;
}

TEST_F(Mem, SlabReusesObjectsAndHonoursMax)
{
    int constructed = 0;
    vmk_SlabCreateProps p;
    memset(&p, 0, sizeof p);
    p.type = VMK_SLAB_TYPE_SIMPLE;
    snprintf(p.name.string, sizeof p.name.string, "skb");
    p.module = VMK_KERNEL_MODULE_ID;
    p.objSize = 200;
    p.alignment = 64;
    p.minObj = 2;
    p.maxObj = 3;
    p.typeSpecific.simple.constructor = ctor;
    p.typeSpecific.simple.constructorArg.ptr = &constructed;
    vmk_SlabID s;
    ASSERT_EQ(vmk_SlabCreate(&p, &s), VMK_OK);
    EXPECT_EQ(constructed, 2) << "minObj created up front";
    void *o[4];
    for (int i = 0; i < 3; i++) {
        o[i] = vmk_SlabAlloc(s);
        ASSERT_NE(o[i], nullptr);
        EXPECT_EQ((uintptr_t)o[i] % 64, 0u);
    }
    EXPECT_EQ(((unsigned char *)o[2])[199], 0x5A);
    EXPECT_EQ(vmk_SlabAlloc(s), nullptr) << "maxObj 3";
    kern_mem_usage u;
    kern_mem_report(0, &u);
    EXPECT_EQ(u.live_bytes, 600u);
    EXPECT_EQ(u.failures, 1u);
    vmk_SlabFree(s, o[1]);
    o[3] = vmk_SlabAlloc(s);
    EXPECT_EQ(o[3], o[1]) << "a freed object is handed out again";
    EXPECT_EQ(constructed, 3);
    vmk_SlabFree(s, o[3]);
    vmk_SlabFree(s, o[3]);
    EXPECT_TRUE(logged("is not an object in use"));
    vmk_SlabFree(s, o[0]);
    kern_mem_report(0, &u);
    EXPECT_EQ(u.live_count, 1u);
    EXPECT_EQ(vmk_SlabDestroy(s), VMK_OK);
    kern_mem_report(0, &u);
    EXPECT_EQ(u.leaked_count, 1u) << "o[2] was never freed";
    EXPECT_EQ(u.leaked_bytes, 200u);
}

TEST_F(Mem, AllocationsChargeTheCostTable)
{
    kern_timing_set_enabled(true);
    kern_timing_reset_counters();
    vmk_HeapID h = heap("cost", 4096);
    uint64_t before = kern_timing_owner_mcycles(KERN_OWNER_KERNEL);
    void *a = vmk_HeapAlloc(h, 8);
    vmk_HeapFree(h, a);
    uint64_t spent = kern_timing_owner_mcycles(KERN_OWNER_KERNEL) - before;
    EXPECT_EQ(spent, kern_cost_mcycles(KERN_COST_HEAP_ALLOC, 0) +
                         kern_cost_mcycles(KERN_COST_HEAP_FREE, 0));
    kern_timing_set_enabled(false);
    before = kern_timing_owner_mcycles(KERN_OWNER_KERNEL);
    a = vmk_HeapAlloc(h, 8);
    vmk_HeapFree(h, a);
    EXPECT_EQ(kern_timing_owner_mcycles(KERN_OWNER_KERNEL), before) << "functional mode";
    kern_timing_set_enabled(true);
    vmk_HeapDestroy(h);
}

}  // namespace
