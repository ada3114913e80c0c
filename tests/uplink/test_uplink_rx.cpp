// test_uplink_rx.cpp — RX through vmk_NetPollRxPktQueue into the verifying sink (order,
// corruption, drops, latency), removal with packets in flight (surprise and orderly: failed, never
// lost), and NetPoll scheduling details (activator's time, rerun, custom delivery, destroy from
// inside the poll), with the test driver of test_nic.h.
#include "test_nic.h"

namespace {

TEST_F(Uplink, RxIsDeliveredInOrderVerifiedAndTimed)
{
    TestNic &a = make();
    add(&a, "logical#rx#0");
    wire_traffic_params t = traffic(256, 100, 11);
    Arrivals arr;
    kern_rxsink_params sp{};
    sp.traffic = t;
    sp.arrival = arrival_of;
    sp.arrival_ctx = &arr;
    kern_rxsink *k = nullptr;
    ASSERT_EQ(kern_rxsink_new(&sp, &k, &err), 0) << err.msg;
    kern_rxsink_attach(k, a.uplink);
    kern_netpoll_set_budget(16);
    std::vector<uint64_t> order;
    for (uint64_t i = 0; i < 100; i++)
        order.push_back(i);
    receive(&a, &arr, t, order, 3 * SIM_US);
    sim_run_until(SIM_TIME_MAX);

    kern_rxsink_stats s;
    kern_rxsink_get_stats(k, &s);
    EXPECT_EQ(s.delivered, 100u);
    EXPECT_EQ(s.verify.good, 100u);
    EXPECT_EQ(s.verify.reordered + s.verify.corrupt + s.verify.missing, 0u);
    EXPECT_EQ(s.lost, 0u);
    EXPECT_EQ(s.bytes, 100u * 256u);
    EXPECT_EQ(kern_netpoll_runs(a.poll), 7u);   // ceil(100 / 16) poll calls
    for (uint32_t b : a.poll_budgets)
        EXPECT_EQ(b, 16u);
    const result_latency *lat = kern_rxsink_latency(k);
    EXPECT_EQ(result_latency_count(lat), 100u);
    EXPECT_GE(result_latency_min(lat), 3 * SIM_US);
    EXPECT_GT(result_latency_max(lat), result_latency_min(lat));   // later polls deliver later
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
    kern_rxsink_free(k);
}

TEST_F(Uplink, SinkCatchesCorruptionAndReordering)
{
    TestNic &a = make();
    add(&a, "logical#rxbad#0");
    wire_traffic_params t = traffic(128, 10, 3);
    Arrivals arr;
    kern_rxsink_params sp{};
    sp.traffic = t;
    kern_rxsink *k = nullptr;
    ASSERT_EQ(kern_rxsink_new(&sp, &k, &err), 0) << err.msg;
    kern_rxsink_attach(k, a.uplink);
    receive(&a, &arr, t, {0, 1, 2, 4, 3, 5, 6, 7, 8, 9}, SIM_US, 7);
    sim_run_until(SIM_TIME_MAX);
    kern_rxsink_stats s;
    kern_rxsink_get_stats(k, &s);
    EXPECT_EQ(s.delivered, 10u);
    EXPECT_EQ(s.verify.corrupt, 1u);
    EXPECT_GE(s.verify.reordered, 1u);
    EXPECT_EQ(s.verify.good, 9u);
    EXPECT_EQ(s.lost, 1u);
    EXPECT_EQ(result_latency_count(kern_rxsink_latency(k)), 0u);   // no arrival function
    kern_rxsink_free(k);
}

TEST_F(Uplink, RxWithoutAReceiverOrBeforeStartIsCountedDropped)
{
    TestNic &a = make();
    add(&a, "logical#rxdrop#0");
    wire_traffic_params t = traffic(64, 5);
    Arrivals arr;
    receive(&a, &arr, t, {0, 1, 2, 3, 4}, SIM_US);
    sim_run_until(SIM_TIME_MAX);
    kern_uplink_counters c;
    kern_uplink_counters_get(a.uplink, &c);
    EXPECT_EQ(c.rx_dropped, 5u);
    EXPECT_EQ(c.rx_pkts, 0u);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
}

TEST_F(Uplink, NetPollRunsInItsOwnWorldAfterTheActivatorsTime)
{
    TestNic &a = make();
    add(&a, "logical#np#0");
    vmk_NetPollState state;
    ASSERT_EQ(vmk_NetPollCheckState(a.poll, &state), VMK_OK);
    EXPECT_EQ(state, VMK_NETPOLL_DISABLED);
    EXPECT_EQ(vmk_NetPollGetPrivate(a.poll).ptr, &a);

    // An "interrupt world" that has run 2400 cycles ahead (1 us at 2.4 GHz) activates the poll:
    // the run starts at its local time, not before.
    kern_tworld *irq = kern_tworld_new("irq-test");
    kern_tworld_enter(irq);
    kern_timing_charge_kernel_mcycles(2400 * 1000);
    sim_time_t activator_local = kern_tworld_local_time(irq);
    ASSERT_EQ(vmk_NetPollActivate(a.poll), VMK_OK);
    kern_world_sync();   // outside a thread: returns the delay, clears the run-ahead
    kern_tworld_leave(irq);
    ASSERT_EQ(vmk_NetPollCheckState(a.poll, &state), VMK_OK);
    EXPECT_EQ(state, VMK_NETPOLL_ACTIVE);
    EXPECT_EQ(vmk_NetPollActivate(a.poll), VMK_OK);   // already scheduled: one run
    sim_time_t t0 = sim_now();
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(kern_netpoll_runs(a.poll), 1u);
    EXPECT_GE(sim_now(), activator_local);
    EXPECT_GE(activator_local - t0, SIM_US - SIM_NS);
    kern_tworld_free(irq);

    EXPECT_EQ(vmk_NetPollActivate(nullptr), VMK_INVALID_HANDLE);
    vmk_PktHandle *p;
    ASSERT_EQ(vmk_PktAlloc(64, &p), VMK_OK);
    EXPECT_EQ(vmk_NetPollQueueCompPkt(nullptr, p), VMK_INVALID_HANDLE);
    vmk_PktRelease(p);
}

}  // namespace

// ---- removal with packets in flight ----

namespace {

class UplinkRemoval : public Uplink {};

TEST_F(UplinkRemoval, SurpriseRemovalFailsWhatTheDriverHeld)
{
    TestNic &a = make();
    a.leak_tx = true;   // the "device" never finishes anything
    add(&a, "logical#surprise#0");
    kern_txload *l = nullptr;
    kern_txload_stats st = run_tx(txp("vmnic0", 64, 12, 16, 4), &l);
    EXPECT_EQ(st.in_flight, 12u);
    ASSERT_EQ(kern_device_remove(a.dev, KERN_REMOVE_SURPRISE, &err), VMK_OK) << err.msg;
    EXPECT_EQ(a.disassociated, 1);   // freed its ring: those packets never went out
    kern_txload_get_stats(l, &st);
    EXPECT_EQ(st.failed, 12u);
    EXPECT_EQ(st.completed, 0u);
    EXPECT_EQ(kern_txload_lost(&st), 0u);
    EXPECT_TRUE(kern_txload_done(l));
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
    kern_txload_free(l);
}

TEST_F(UplinkRemoval, OrderlyRemovalCountsCompletionsBeforeQuiesceOnly)
{
    TestNic &a = make();
    add(&a, "logical#orderly#0");
    kern_txload *l = nullptr;
    kern_txload_stats st = run_tx(txp("vmnic0", 64, 10, 16, 4), &l);
    EXPECT_EQ(st.completed, 10u);
    a.leak_tx = true;
    kern_txload_free(l);
    st = run_tx(txp("vmnic0", 64, 5, 16, 4), &l);
    EXPECT_EQ(st.in_flight, 5u);
    ASSERT_EQ(kern_device_remove(a.dev, KERN_REMOVE_ORDERLY, &err), VMK_OK) << err.msg;
    kern_txload_get_stats(l, &st);
    EXPECT_EQ(st.failed, 5u);
    EXPECT_EQ(kern_txload_lost(&st), 0u);
    kern_txload_free(l);
}

TEST_F(UplinkRemoval, RxAfterQuiesceIsDropped)
{
    TestNic &a = make();
    add(&a, "logical#rxq#0");
    wire_traffic_params t = traffic(64, 4);
    kern_rxsink_params sp{};
    sp.traffic = t;
    kern_rxsink *k = nullptr;
    ASSERT_EQ(kern_rxsink_new(&sp, &k, &err), 0) << err.msg;
    kern_rxsink_attach(k, a.uplink);
    ASSERT_EQ(kern_device_quiesce(a.dev, &err), VMK_OK) << err.msg;
    Arrivals arr;
    receive(&a, &arr, t, {0, 1, 2, 3}, SIM_US);
    sim_run_until(SIM_TIME_MAX);
    kern_uplink_counters c;
    kern_uplink_counters_get(a.uplink, &c);
    EXPECT_EQ(c.rx_dropped, 4u);
    kern_rxsink_stats s;
    kern_rxsink_get_stats(k, &s);
    EXPECT_EQ(s.delivered, 0u);
    kern_rxsink_free(k);
}

// ---- NetPoll details ----

struct PollProbe {
    vmk_NetPoll np = nullptr;
    int calls = 0;
    bool reactivate_once = false, destroy_in_poll = false;
    std::vector<vmk_PktHandle *> comp;   // completed in the first call
    std::vector<uint64_t> delivered;     // serials through the custom delivery callback
};

vmk_Bool probe_poll(vmk_AddrCookie d, vmk_uint32)
{
    PollProbe *pp = static_cast<PollProbe *>(d.ptr);
    pp->calls++;
    if (pp->calls == 1) {
        for (vmk_PktHandle *p : pp->comp)
            vmk_NetPollQueueCompPkt(pp->np, p);
        if (pp->reactivate_once)
            vmk_NetPollActivate(pp->np);   // while running: one more run
    }
    if (pp->destroy_in_poll)
        vmk_NetPollDestroy(pp->np);        // takes effect when the call returns
    return VMK_FALSE;
}

void probe_deliver(vmk_PktList list, vmk_AddrCookie d)
{
    PollProbe *pp = static_cast<PollProbe *>(d.ptr);
    vmk_PktHandle *p;
    while ((p = vmk_PktListPopFirstPkt(list)) != nullptr) {
        pp->delivered.push_back(kern_pkt_serial(p));
        vmk_PktRelease(p);
    }
}

vmk_NetPoll make_probe(PollProbe *pp, bool custom)
{
    vmk_NetPollProperties props{};
    props.poll = probe_poll;
    props.priv.ptr = pp;
    if (custom) {
        props.deliveryCallback = probe_deliver;
        props.features = VMK_NETPOLL_CUSTOM_DELIVERY_CALLBACK;
    }
    EXPECT_EQ(vmk_NetPollCreate(&props, 0, VMK_KERNEL_MODULE_ID, &pp->np), VMK_OK);
    return pp->np;
}

TEST_F(Uplink, ActivateWhileRunningRunsOnceMore)
{
    PollProbe pp;
    pp.reactivate_once = true;
    make_probe(&pp, false);
    ASSERT_EQ(vmk_NetPollActivate(pp.np), VMK_OK);
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(pp.calls, 2);
    EXPECT_EQ(kern_netpoll_runs(pp.np), 2u);
    vmk_NetPollDestroy(pp.np);
    EXPECT_EQ(kern_netpoll_count(), 0u);
}

TEST_F(Uplink, CustomDeliveryGetsTheQueuedPacketsInOrder)
{
    PollProbe pp;
    make_probe(&pp, true);
    std::vector<uint64_t> want;
    for (int i = 0; i < 5; i++) {
        vmk_PktHandle *p;
        ASSERT_EQ(vmk_PktAlloc(64, &p), VMK_OK);
        vmk_PktFrameLenSet(p, 64);
        want.push_back(kern_pkt_serial(p));
        ASSERT_EQ(vmk_NetPollRxPktQueue(pp.np, p), VMK_OK);   // from outside: schedules a run
    }
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(pp.delivered, want);
    EXPECT_EQ(pp.calls, 1);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
    vmk_NetPollProperties bad{};
    vmk_NetPoll np = nullptr;
    EXPECT_EQ(vmk_NetPollCreate(&bad, 0, VMK_KERNEL_MODULE_ID, &np), VMK_BAD_PARAM);
    bad.poll = probe_poll;
    bad.features = VMK_NETPOLL_CUSTOM_DELIVERY_CALLBACK;
    EXPECT_EQ(vmk_NetPollCreate(&bad, 0, VMK_KERNEL_MODULE_ID, &np), VMK_BAD_PARAM);
    vmk_NetPollDestroy(pp.np);
}

TEST_F(Uplink, RxOnAPollWithoutAnUplinkIsCountedAndReleased)
{
    PollProbe pp;
    make_probe(&pp, false);
    vmk_PktHandle *p;
    ASSERT_EQ(vmk_PktAlloc(64, &p), VMK_OK);
    ASSERT_EQ(vmk_NetPollRxPktQueue(pp.np, p), VMK_OK);
    EXPECT_EQ(vmk_NetPollUnregisterUplink(pp.np), VMK_BAD_PARAM);   // none registered
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(kern_uplink_rx_orphans(), 1u);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
    vmk_NetPollDestroy(pp.np);
}

TEST_F(Uplink, DestroyFromInsideThePollFinishesItsCompletions)
{
    PollProbe pp;
    pp.destroy_in_poll = true;
    for (int i = 0; i < 3; i++) {
        vmk_PktHandle *p;
        ASSERT_EQ(vmk_PktAlloc(64, &p), VMK_OK);
        pp.comp.push_back(p);
    }
    make_probe(&pp, false);
    size_t before = kern_netpoll_count();
    ASSERT_EQ(vmk_NetPollActivate(pp.np), VMK_OK);
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(pp.calls, 1);
    EXPECT_EQ(kern_netpoll_count(), before - 1);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);   // the queued completions were released
}

}  // namespace