// test_uplink_path.cpp — the uplink layer's claim and TX path with the test driver of test_nic.h:
// a logical "com.vmware.uplink" device is claimed (associate, StartIO; quiesce + disassociate at
// removal), the TX workload pushes packets through uplinkTx and gets them back through a NetPoll
// (completion latency, window, rate, link-down drops, MTU failures, leaks visible as lost).
#include "test_nic.h"

namespace {

// ---- claim and lifecycle ----

TEST_F(Uplink, LogicalDeviceIsClaimedAssociatedAndStarted)
{
    TestNic &a = make(), &b = make();
    add(&a, "logical#test#0");
    add(&b, "logical#test#1");
    ASSERT_EQ(kern_uplink_count(), 2u);
    vmk_Uplink u0 = kern_uplink_find("vmnic0");
    ASSERT_NE(u0, nullptr);
    EXPECT_EQ(kern_uplink_find("vmnic1"), b.uplink);
    EXPECT_EQ(a.uplink, u0);
    EXPECT_EQ(a.associated, 1);
    EXPECT_EQ(a.start_io, 1);
    EXPECT_TRUE(kern_uplink_io_started(u0));
    EXPECT_EQ(kern_device_state(a.dev), KERN_DEV_STARTED);
    EXPECT_EQ(kern_uplink_device(u0), a.dev);
    EXPECT_STREQ(vmk_UplinkNameGet(u0).string, "vmnic0");
    EXPECT_EQ(vmk_UplinkMTUGet(u0), 1500u);
    EXPECT_EQ(vmk_UplinkLinkStatusGet(u0).state, VMK_LINK_STATE_UP);

    // Driver ops through the layer.
    EXPECT_EQ(kern_uplink_mtu_set(u0, 9000), VMK_OK);
    EXPECT_EQ(vmk_UplinkMTUGet(u0), 9000u);
    EXPECT_EQ(kern_uplink_mtu_set(u0, 10), VMK_BAD_PARAM);
    EXPECT_EQ(kern_uplink_state_set(u0, VMK_UPLINK_STATE_PROMISC), VMK_NOT_SUPPORTED);
    vmk_UplinkStats s;
    EXPECT_EQ(kern_uplink_stats_get(u0, &s), VMK_OK);
    EXPECT_EQ(s.txPkts, 0u);

    // Removal: quiesce → disassociate, the name is free again.
    ASSERT_EQ(kern_device_remove(a.dev, KERN_REMOVE_ORDERLY, &err), VMK_OK) << err.msg;
    EXPECT_EQ(a.quiesce_io, 1);
    EXPECT_EQ(a.disassociated, 1);
    EXPECT_EQ(kern_uplink_find("vmnic0"), nullptr);
    EXPECT_EQ(kern_uplink_count(), 1u);
    EXPECT_EQ(kern_netpoll_count(), 1u);   // b's
    TestNic &c = make();
    add(&c, "logical#test#2");
    EXPECT_EQ(kern_uplink_find("vmnic0"), c.uplink);   // lowest free name
}

TEST_F(Uplink, BadRegistrationDataIsNotClaimed)
{
    TestNic &a = make(), &b = make(), &c = make();
    a.reg.ops.uplinkQuiesceIO = nullptr;
    b.reg.apiRevision = VMK_REVISION_FROM_NUMBERS(1, 0, 0, 0);
    c.reg.sharedData = nullptr;
    vmk_Device da = add(&a, "logical#bad#0");
    add(&b, "logical#bad#1");
    add(&c, "logical#bad#2");
    EXPECT_EQ(kern_uplink_count(), 0u);
    EXPECT_EQ(kern_device_state(da), KERN_DEV_UNCLAIMED);
    EXPECT_EQ(a.associated + b.associated + c.associated, 0);
}

TEST_F(Uplink, LinkStateUpdatesAreCounted)
{
    TestNic &a = make();
    add(&a, "logical#link#0");
    vmk_LinkStatus down = {VMK_LINK_STATE_DOWN, VMK_LINK_SPEED_10000_MBPS, VMK_LINK_DUPLEX_FULL};
    EXPECT_EQ(vmk_UplinkUpdateLinkState(a.uplink, &down), VMK_OK);
    EXPECT_EQ(vmk_UplinkUpdateLinkState(a.uplink, &down), VMK_OK);   // no change
    EXPECT_EQ(vmk_UplinkUpdateLinkState(a.uplink, nullptr), VMK_BAD_PARAM);
    kern_uplink_counters c;
    kern_uplink_counters_get(a.uplink, &c);
    EXPECT_EQ(c.link_changes, 1u);
    EXPECT_EQ(vmk_UplinkLinkStatusGet(a.uplink).state, VMK_LINK_STATE_DOWN);
}

// ---- TX ----

TEST_F(Uplink, TxWorkloadCompletesThroughNetPollAndTheFarSideVerifies)
{
    TestNic &a = make();
    add(&a, "logical#tx#0");
    kern_txload_params p = txp("vmnic0", 128, 200, 32, 8);
    kern_timing_reset_counters();
    kern_txload *l = nullptr;
    kern_txload_stats st = run_tx(p, &l);
    EXPECT_TRUE(kern_txload_done(l));
    EXPECT_EQ(st.issued, 200u);
    EXPECT_EQ(st.completed, 200u);
    EXPECT_EQ(st.failed + st.dropped, 0u);
    EXPECT_EQ(kern_txload_lost(&st), 0u);
    EXPECT_EQ(st.bytes_completed, 200u * 128u);
    EXPECT_LE(a.max_ring, 32u);                  // the window bounds what is in flight
    EXPECT_GE(st.tx_calls, 200u / 8u);
    EXPECT_EQ(a.stack_depth_in_tx, 1u);          // the driver ran with its module pushed
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);

    const result_latency *lat = kern_txload_latency(l);
    EXPECT_EQ(result_latency_count(lat), 200u);
    EXPECT_GE(result_latency_min(lat), a.completion_delay);   // at least the device's delay

    // The far side: every frame in order and intact.
    wire_traffic_sink *far = nullptr;
    ASSERT_EQ(wire_traffic_sink_new(&p.traffic, &far, &err), 0) << err.msg;
    for (auto &f : a.wire)
        wire_traffic_sink_check(far, f.data(), f.size());
    wire_traffic_sink_stats fs = wire_traffic_sink_get_stats(far);
    EXPECT_EQ(fs.good, 200u);
    EXPECT_EQ(fs.reordered + fs.corrupt + fs.missing, 0u);
    wire_traffic_sink_free(far);

    // Costs: at least one alloc + one free per packet and a module switch per call, all on the
    // kernel owner; NetPoll activations charged bh_schedule.
    uint64_t floor = 200 * (kern_cost_mcycles(KERN_COST_PKT_ALLOC, 0) +
                            kern_cost_mcycles(KERN_COST_PKT_FREE, 0)) +
                     st.tx_calls * kern_cost_mcycles(KERN_COST_MODULE_ID_SWITCH, 0);
    EXPECT_GE(kern_timing_owner_mcycles(KERN_OWNER_KERNEL), floor);
    kern_uplink_counters c;
    kern_uplink_counters_get(a.uplink, &c);
    EXPECT_EQ(c.tx_pkts, 200u);
    EXPECT_EQ(c.tx_bytes, 200u * 128u);
    EXPECT_EQ(kern_netpoll_runs(a.poll) > 0, true);
    kern_txload_free(l);
}

TEST_F(Uplink, SameSeedSameLatenciesAndTimes)
{
    auto once = [&](sim_time_t *span, sim_time_t *p50, sim_time_t *mx) {
        TestNic &a = make();
        add(&a, "logical#det#0");
        kern_txload *l = nullptr;
        kern_txload_stats st = run_tx(txp("vmnic0", 512, 100, 16, 4), &l);
        *span = st.last_end - st.first_submit;
        result_latency_percentile(kern_txload_latency(l), RESULT_P50, p50);
        *mx = result_latency_max(kern_txload_latency(l));
        kern_txload_free(l);
        kern_device_layer_reset();
        kern_uplink_layer_reset();
        ASSERT_EQ(kern_uplink_layer_init(&err), 0);
    };
    sim_time_t s1, a1, m1, s2, a2, m2;
    once(&s1, &a1, &m1);
    once(&s2, &a2, &m2);
    EXPECT_EQ(s1, s2);
    EXPECT_EQ(a1, a2);
    EXPECT_EQ(m1, m2);
    EXPECT_GT(s1, 0u);
}

TEST_F(Uplink, RatePacesSubmissions)
{
    TestNic &a = make();
    add(&a, "logical#rate#0");
    kern_txload_params p = txp("vmnic0", 64, 50, 64, 8);
    p.traffic.frames_per_s = 1000000;   // one per microsecond
    kern_txload_stats st = run_tx(p);
    EXPECT_EQ(st.completed, 50u);
    // Paced: one call per packet (each becomes due alone), spanning 49 intervals.
    EXPECT_EQ(st.tx_calls, 50u);
    EXPECT_GE(st.last_end - st.first_submit, 49 * SIM_US);
}

TEST_F(Uplink, LinkDownDropsAndOversizedFramesFail)
{
    TestNic &a = make();
    add(&a, "logical#drop#0");
    vmk_LinkStatus down = {VMK_LINK_STATE_DOWN, VMK_LINK_SPEED_10000_MBPS, VMK_LINK_DUPLEX_FULL};
    vmk_UplinkUpdateLinkState(a.uplink, &down);
    kern_txload_stats st = run_tx(txp("vmnic0", 128, 20, 8, 4));
    EXPECT_EQ(st.dropped, 20u);
    EXPECT_EQ(kern_txload_lost(&st), 0u);
    EXPECT_TRUE(a.wire.empty());

    vmk_LinkStatus up = {VMK_LINK_STATE_UP, VMK_LINK_SPEED_10000_MBPS, VMK_LINK_DUPLEX_FULL};
    vmk_UplinkUpdateLinkState(a.uplink, &up);
    ASSERT_EQ(kern_uplink_mtu_set(a.uplink, 1000), VMK_OK);
    st = run_tx(txp("vmnic0", 1014, 3, 8, 4));   // 1000 + 14: fits exactly
    EXPECT_EQ(st.completed, 3u);
    st = run_tx(txp("vmnic0", 1015, 3, 8, 4));
    EXPECT_EQ(st.failed, 3u);
    EXPECT_EQ(kern_txload_lost(&st), 0u);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
}

TEST_F(Uplink, NotStartedOrMissingUplinkFailsAndPartialAcceptanceFailsTheRest)
{
    kern_txload_stats st = run_tx(txp("vmnic7", 64, 5, 8, 4));   // no such uplink
    EXPECT_EQ(st.failed, 5u);

    TestNic &a = make();
    a.accept_per_call = 3;   // takes 3 of every 4
    add(&a, "logical#part#0");
    st = run_tx(txp("vmnic0", 64, 8, 8, 4));
    EXPECT_EQ(st.completed, 6u);
    EXPECT_EQ(st.failed, 2u);
    EXPECT_EQ(kern_txload_lost(&st), 0u);

    ASSERT_EQ(kern_device_quiesce(a.dev, &err), VMK_OK) << err.msg;
    EXPECT_FALSE(kern_uplink_io_started(a.uplink));
    size_t before = a.wire.size();
    st = run_tx(txp("vmnic0", 64, 4, 8, 4));
    EXPECT_EQ(st.failed, 4u);
    EXPECT_EQ(a.wire.size(), before);
}

TEST_F(Uplink, PacketsADriverNeverCompletesShowAsLost)
{
    TestNic &a = make();
    a.leak_tx = true;
    add(&a, "logical#leak#0");
    kern_txload *l = nullptr;
    kern_txload_stats st = run_tx(txp("vmnic0", 64, 10, 16, 4), &l);
    EXPECT_FALSE(kern_txload_done(l));
    EXPECT_EQ(st.issued, 10u);
    EXPECT_EQ(st.completed, 0u);
    EXPECT_EQ(kern_txload_lost(&st), 10u);
    EXPECT_EQ(kern_pkt_outstanding(VMK_KERNEL_MODULE_ID), 10u);
    kern_txload_free(l);   // its packets stay the driver's; freed by the driver's disassociate
}

TEST_F(Uplink, WorkloadParametersAreValidated)
{
    kern_txload *l = nullptr;
    kern_txload_params p = txp("vmnic0", 20, 1, 1, 1);
    EXPECT_EQ(kern_txload_start(&p, &l, &err), -1);
    EXPECT_NE(std::string(err.msg).find("frame_len 20"), std::string::npos) << err.msg;
    p = txp("vmnic0", 64, 1, 0, 1);
    EXPECT_EQ(kern_txload_start(&p, &l, &err), -1);
    p = txp("", 64, 1, 1, 1);
    EXPECT_EQ(kern_txload_start(&p, &l, &err), -1);
    EXPECT_EQ(l, nullptr);
}

}  // namespace
