// test_pkt.cpp — packet handles and packet lists (include/vmkapi/vmkapi_pkt.h): allocation limits,
// frame length against the buffer, checksum/VLAN/large-TCP metadata, list append/prepend/pop/
// iterate/remove, misuse reported without harm, per-owner accounting and the cost-table charges.
#include <gtest/gtest.h>

#include "kernel_model/costs.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/uplink/uplink.h"
#include "sim/sim.h"

namespace {

class Pkt : public ::testing::Test {
protected:
    void SetUp() override
    {
        sim_log_set_file(nullptr);
        kern_timing_set_enabled(true);
        kern_cost_reset();
    }
    void TearDown() override { kern_uplink_layer_reset(); }
};

TEST_F(Pkt, AllocGivesAZeroedBufferAndAnEmptyFrame)
{
    vmk_PktHandle *p = nullptr;
    ASSERT_EQ(vmk_PktAlloc(256, &p), VMK_OK);
    EXPECT_EQ(vmk_PktFrameLenGet(p), 0u);
    EXPECT_EQ(vmk_PktFrameMappedLenGet(p), 256u);
    const uint8_t *b = static_cast<const uint8_t *>(vmk_PktFrameMappedPointerGet(p));
    ASSERT_NE(b, nullptr);
    for (int i = 0; i < 256; i++)
        ASSERT_EQ(b[i], 0) << i;
    EXPECT_EQ(kern_pkt_owner(p), 0);
    vmk_PktRelease(p);
}

TEST_F(Pkt, AllocRefusesZeroAndOversizedLengths)
{
    vmk_PktHandle *p = reinterpret_cast<vmk_PktHandle *>(1);
    EXPECT_EQ(vmk_PktAlloc(0, &p), VMK_BAD_PARAM);
    EXPECT_EQ(p, nullptr);
    EXPECT_EQ(vmk_PktAlloc(VMK_PKT_MAX_BUFFER + 1, &p), VMK_BAD_PARAM);
    EXPECT_EQ(vmk_PktAllocForDMAEngine(64, VMK_DMA_ENGINE_INVALID, &p), VMK_BAD_PARAM);
    kern_pkt_usage u;
    kern_pkt_usage_get(0, &u);
    EXPECT_EQ(u.failures, 2u);
    EXPECT_EQ(u.allocs, 0u);
}

TEST_F(Pkt, FrameLengthCannotExceedTheBuffer)
{
    vmk_PktHandle *p;
    ASSERT_EQ(vmk_PktAlloc(100, &p), VMK_OK);
    EXPECT_EQ(vmk_PktFrameLenSet(p, 100), VMK_OK);
    EXPECT_EQ(vmk_PktFrameLenSet(p, 101), VMK_BAD_PARAM);
    EXPECT_EQ(vmk_PktFrameLenGet(p), 100u);
    const vmk_SgElem *e = vmk_PktSgElemGet(p, 0);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->addr, (vmk_MA)(uintptr_t)vmk_PktFrameMappedPointerGet(p));
    EXPECT_EQ(e->length, 100u);
    EXPECT_EQ(vmk_PktSgElemGet(p, 1), nullptr);
    EXPECT_EQ(vmk_PktSgArrayNumElems(p), 1u);
    vmk_PktRelease(p);
}

TEST_F(Pkt, OffloadMetadataIsKeptAndValidated)
{
    vmk_PktHandle *p;
    ASSERT_EQ(vmk_PktAlloc(64, &p), VMK_OK);
    EXPECT_FALSE(vmk_PktIsCsumVfd(p));
    EXPECT_EQ(vmk_PktSetCsumVfd(p), VMK_OK);
    EXPECT_TRUE(vmk_PktIsCsumVfd(p));
    EXPECT_EQ(vmk_PktClearCsumVfd(p), VMK_OK);
    EXPECT_FALSE(vmk_PktIsCsumVfd(p));
    EXPECT_FALSE(vmk_PktIsMustCsum(p));
    kern_pkt_set_must_csum(p, true);
    EXPECT_TRUE(vmk_PktIsMustCsum(p));

    EXPECT_FALSE(vmk_PktMustVlanTag(p));
    EXPECT_EQ(vmk_PktVlanIDSet(p, 4095), VMK_BAD_PARAM);   // reserved (802.1Q)
    EXPECT_EQ(vmk_PktVlanIDSet(p, 100), VMK_OK);
    EXPECT_EQ(vmk_PktPrioritySet(p, 8), VMK_BAD_PARAM);
    EXPECT_EQ(vmk_PktPrioritySet(p, 5), VMK_OK);
    EXPECT_EQ(vmk_PktVlanIDGet(p), 100);
    EXPECT_EQ(vmk_PktPriorityGet(p), 5);
    EXPECT_TRUE(vmk_PktMustVlanTag(p));
    EXPECT_EQ(vmk_PktClearVlan(p), VMK_OK);
    EXPECT_FALSE(vmk_PktMustVlanTag(p));

    EXPECT_FALSE(vmk_PktIsLargeTcpPacket(p));
    EXPECT_EQ(vmk_PktSetLargeTcpPacket(p, 0), VMK_BAD_PARAM);
    EXPECT_EQ(vmk_PktSetLargeTcpPacket(p, 1448), VMK_OK);
    EXPECT_TRUE(vmk_PktIsLargeTcpPacket(p));
    EXPECT_EQ(vmk_PktGetLargeTcpPacketMss(p), 1448u);
    EXPECT_EQ(vmk_PktClearLargeTcpPacket(p), VMK_OK);
    EXPECT_FALSE(vmk_PktIsLargeTcpPacket(p));
    vmk_PktRelease(p);
}

TEST_F(Pkt, ListsKeepOrderAndIteratorsRemoveInPlace)
{
    VMK_PKTLIST_STACK_DEF_INIT(list);
    vmk_PktHandle *p[5];
    for (int i = 0; i < 5; i++)
        ASSERT_EQ(vmk_PktAlloc(64, &p[i]), VMK_OK);
    EXPECT_TRUE(vmk_PktListIsEmpty(list));
    EXPECT_EQ(vmk_PktListAppendPkt(list, p[1]), VMK_OK);
    EXPECT_EQ(vmk_PktListAppendPkt(list, p[2]), VMK_OK);
    EXPECT_EQ(vmk_PktListPrependPkt(list, p[0]), VMK_OK);
    EXPECT_EQ(vmk_PktListAppendPkt(list, p[3]), VMK_OK);
    EXPECT_EQ(vmk_PktListAppendPkt(list, p[1]), VMK_BAD_PARAM);   // already in a list
    EXPECT_EQ(vmk_PktListGetCount(list), 4u);
    EXPECT_EQ(vmk_PktListGetFirstPkt(list), p[0]);
    EXPECT_EQ(vmk_PktListGetLastPkt(list), p[3]);

    // Iterate, removing p[1] and the last one (p[3]).
    VMK_PKTLIST_ITER_STACK_DEF(it);
    int seen = 0;
    for (vmk_PktListIterStart(it, list); !vmk_PktListIterIsAtEnd(it);) {
        vmk_PktHandle *cur = vmk_PktListIterGetPkt(it);
        EXPECT_EQ(cur, p[seen]);
        seen++;
        if (cur == p[1] || cur == p[3]) {
            vmk_PktHandle *out = nullptr;
            ASSERT_EQ(vmk_PktListIterRemovePkt(it, &out), VMK_OK);
            EXPECT_EQ(out, cur);
        } else {
            vmk_PktListIterMove(it);
        }
    }
    EXPECT_EQ(seen, 4);
    EXPECT_EQ(vmk_PktListIterRemovePkt(it, nullptr), VMK_BAD_PARAM);
    EXPECT_EQ(vmk_PktListGetCount(list), 2u);
    EXPECT_EQ(vmk_PktListGetLastPkt(list), p[2]);   // tail fixed after removing the last

    vmk_PktList other;
    ASSERT_EQ(vmk_PktListAlloc(&other), VMK_OK);
    vmk_PktListAppendPkt(other, p[3]);
    vmk_PktListAppendPkt(other, p[4]);
    vmk_PktListAppendList(list, other);
    EXPECT_TRUE(vmk_PktListIsEmpty(other));
    vmk_PktHandle *order[] = {p[0], p[2], p[3], p[4]};
    for (vmk_PktHandle *want : order)
        EXPECT_EQ(vmk_PktListPopFirstPkt(list), want);
    EXPECT_EQ(vmk_PktListPopFirstPkt(list), nullptr);
    vmk_PktListAppendPkt(other, p[1]);
    vmk_PktListFree(other);            // not empty: refused, still usable
    EXPECT_EQ(vmk_PktListGetCount(other), 1u);
    vmk_PktListReleaseAllPkts(other);
    vmk_PktListFree(other);
    for (vmk_PktHandle *x : {p[0], p[2], p[3], p[4]})
        vmk_PktRelease(x);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
}

TEST_F(Pkt, MisuseIsReportedNotFollowed)
{
    vmk_PktHandle *p, *q;
    ASSERT_EQ(vmk_PktAlloc(64, &p), VMK_OK);
    ASSERT_EQ(vmk_PktAlloc(64, &q), VMK_OK);
    VMK_PKTLIST_STACK_DEF_INIT(list);
    vmk_PktListAppendPkt(list, q);
    vmk_PktRelease(q);                 // in a list: refused
    EXPECT_TRUE(kern_pkt_live(q));
    vmk_PktRelease(p);
    vmk_PktRelease(p);                 // twice: refused
    EXPECT_EQ(vmk_PktListAppendPkt(list, p), VMK_BAD_PARAM);   // released handle
    kern_pkt_usage u;
    kern_pkt_usage_get(0, &u);
    EXPECT_EQ(u.bad_releases, 2u);
    EXPECT_EQ(u.releases, 1u);
    EXPECT_EQ(u.live, 1u);
    vmk_PktListReleaseAllPkts(list);
    EXPECT_EQ(kern_pkt_outstanding(0), 0u);
}

TEST_F(Pkt, AccountingPerOwnerAndLeakReport)
{
    vmk_PktHandle *p[3];
    for (auto &x : p)
        ASSERT_EQ(vmk_PktAlloc(1000, &x), VMK_OK);
    kern_pkt_usage u;
    kern_pkt_usage_get(0, &u);
    EXPECT_EQ(u.live, 3u);
    EXPECT_EQ(u.live_bytes, 3000u);
    EXPECT_EQ(u.peak_live, 3u);
    vmk_PktRelease(p[0]);
    EXPECT_EQ(kern_pkt_outstanding(0), 2u);
    EXPECT_EQ(kern_pkt_outstanding(5), 0u);   // an owner never seen
    EXPECT_EQ(kern_pkt_log_outstanding(0), 2u);
    EXPECT_LT(kern_pkt_serial(p[1]), kern_pkt_serial(p[2]));
    kern_pkt_reset();                        // the two leaked ones are freed here
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
}

TEST_F(Pkt, AllocAndReleaseAreChargedToTheKernelFromTheCostTable)
{
    kern_tworld *w = kern_tworld_new("pkt-test");
    kern_tworld_enter(w);
    vmk_PktHandle *p;
    ASSERT_EQ(vmk_PktAlloc(64, &p), VMK_OK);
    uint64_t after_alloc = kern_tworld_owner_mcycles(w, KERN_OWNER_KERNEL);
    vmk_PktRelease(p);
    uint64_t after_free = kern_tworld_owner_mcycles(w, KERN_OWNER_KERNEL);
    kern_tworld_leave(w);
    EXPECT_EQ(after_alloc, kern_cost_mcycles(KERN_COST_PKT_ALLOC, 0));
    EXPECT_EQ(after_free - after_alloc, kern_cost_mcycles(KERN_COST_PKT_FREE, 0));
    EXPECT_GT(after_alloc, 0u);

    kern_timing_set_enabled(false);   // functional mode: nothing counted
    kern_tworld_enter(w);
    ASSERT_EQ(vmk_PktAlloc(64, &p), VMK_OK);
    vmk_PktRelease(p);
    EXPECT_EQ(kern_tworld_owner_mcycles(w, KERN_OWNER_KERNEL), after_free);
    kern_tworld_leave(w);
    kern_timing_set_enabled(true);
    kern_tworld_free(w);
}

}  // namespace
