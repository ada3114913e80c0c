// test_linux_e1000.cpp — the Linux-style e1000 driver (drivers/linux/e1000, module "e1000") on
// vmklinux against the real 82540EM model with its port looped back: the shim registers the
// driver's net_device as an uplink at the function's scan; the TX workload's packets go through
// vmklinux's uplinkTx (skb shells) to e1000_xmit_frame, the device sends them to itself, the
// driver's NAPI poll (on vmklinux's NetPoll) hands them to the RX sink. Checked: every frame
// verified across several ring wraps, every TX packet completed, the shim's and the driver's
// instructions counted apart, and removal / unload giving every byte back.
#include "net_fixture.h"

namespace {

class LinuxE1000 : public VmklinuxNet {
protected:
    struct Outcome {
        kern_txload_stats tx;
        kern_rxsink_stats rx;
    };
    Outcome loopback(size_t len, uint64_t count)
    {
        Outcome o{};
        vmk_Uplink u = kern_uplink_find("vmnic0");
        EXPECT_NE(u, nullptr);
        if (!u)
            return o;
        kern_rxsink_params rp{};
        rp.traffic = traffic(len, count);
        kern_rxsink *sink = nullptr;
        EXPECT_EQ(kern_rxsink_new(&rp, &sink, &err), 0) << err.msg;
        kern_rxsink_attach(sink, u);
        kern_txload_params p{};
        snprintf(p.uplink, sizeof p.uplink, "vmnic0");
        p.traffic = traffic(len, count);
        p.window = 64;
        p.batch = 8;
        kern_txload *l = nullptr;
        EXPECT_EQ(kern_txload_start(&p, &l, &err), 0) << err.msg;
        sim_run_until(SIM_TIME_MAX);
        EXPECT_TRUE(kern_txload_done(l));
        kern_txload_get_stats(l, &o.tx);
        kern_rxsink_get_stats(sink, &o.rx);
        kern_txload_free(l);
        kern_rxsink_free(sink);
        return o;
    }
};

TEST_F(LinuxE1000, TheNetDeviceBecomesAnUplinkAtTheFunctionsScan)
{
    load(E1000_LINUX_PATH);
    EXPECT_EQ(drv->api, KERN_MOD_API_VMKLINUX);
    EXPECT_STREQ(kern_driver_name(kern_device_driver(dev())), "vmklinux");
    vmk_Device child = kern_device_first_child(dev());
    ASSERT_NE(child, nullptr);
    EXPECT_STREQ(kern_device_bus_type(child), "logical");
    EXPECT_STREQ(kern_device_bus_identifier(child), VMK_UPLINK_DEVICE_IDENTIFIER);
    EXPECT_EQ(kern_device_state(child), KERN_DEV_STARTED);
    vmk_Uplink u = kern_uplink_find("vmnic0");
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(kern_uplink_device(u), child);
    EXPECT_EQ(kern_uplink_module(u), vl->id);   // the ops are the shim's
    EXPECT_TRUE(kern_uplink_io_started(u));     // StartIO ran ndo_open
    // ndo_open read STATUS and said netif_carrier_on; ethtool gave the speed.
    vmk_LinkStatus ls = vmk_UplinkLinkStatusGet(u);
    EXPECT_EQ(ls.state, VMK_LINK_STATE_UP);
    EXPECT_EQ(ls.duplex, VMK_LINK_DUPLEX_FULL);
    EXPECT_EQ(ls.speed, VMK_LINK_SPEED_1000_MBPS);
    EXPECT_EQ(vmk_UplinkMTUGet(u), 1500u);
    // The RX ring is full of the driver's own packets (skb-bound), one slot kept empty.
    EXPECT_EQ(kern_pkt_outstanding(drv->id), 255u);
    // MTU goes through ndo_change_mtu, which refuses jumbo frames (no long-packet mode).
    EXPECT_EQ(kern_uplink_mtu_set(u, 9000), VMK_BAD_PARAM);
    EXPECT_EQ(kern_uplink_mtu_set(u, 1400), VMK_OK);
    EXPECT_EQ(vmk_UplinkMTUGet(u), 1400u);
}

TEST_F(LinuxE1000, SelfLoopbackEveryFrameIsVerifiedAcrossRingWraps)
{
    load(E1000_LINUX_PATH);
    const uint64_t n = 1000;   // ~4 wraps of each 256-entry ring
    Outcome o = loopback(512, n);
    EXPECT_EQ(o.tx.issued, n);
    EXPECT_EQ(o.tx.completed, n);
    EXPECT_EQ(o.tx.failed + o.tx.dropped, 0u);
    EXPECT_EQ(kern_txload_lost(&o.tx), 0u);
    EXPECT_EQ(o.rx.delivered, n);
    EXPECT_EQ(o.rx.verify.good, n);
    EXPECT_EQ(o.rx.verify.corrupt + o.rx.verify.reordered + o.rx.verify.duplicates +
                  o.rx.verify.missing + o.rx.verify.foreign, 0u);
    EXPECT_EQ(o.rx.lost, 0u);
    // Every TX packet was given back; the driver holds exactly its refilled RX ring.
    EXPECT_EQ(kern_pkt_outstanding(VMK_KERNEL_MODULE_ID), 0u);
    EXPECT_EQ(kern_pkt_outstanding(drv->id), 255u);
    // ndo_get_stats (read-to-clear counters) through the shim's uplinkStatsGet.
    vmk_UplinkStats st{};
    ASSERT_EQ(kern_uplink_stats_get(kern_uplink_find("vmnic0"), &st), VMK_OK);
    EXPECT_EQ(st.txPkts, n);
    EXPECT_EQ(st.rxPkts, n);
    EXPECT_EQ(st.rxErrors + st.txErrors + st.rxDrops, 0u);
    // Both modules' instructions were counted, each to its owner.
    EXPECT_GT(kern_timing_owner_insns(drv->id), n * 20);
    EXPECT_GT(kern_timing_owner_insns(vl->id), n * 20);   // shells, translation, NAPI glue
}

TEST_F(LinuxE1000, MinimumAndMaximumFramesGoThrough)
{
    load(E1000_LINUX_PATH);
    for (size_t len : {60, 1514}) {   // without FCS: 64 and 1518 on the wire
        SCOPED_TRACE(len);
        Outcome o = loopback(len, 300);
        EXPECT_EQ(o.tx.completed, 300u);
        EXPECT_EQ(o.rx.verify.good, 300u);
    }
}

TEST_F(LinuxE1000, HotRemovalStopsRemovesAndFreesEverything)
{
    load(E1000_LINUX_PATH);
    Outcome o = loopback(256, 200);
    EXPECT_EQ(o.rx.verify.good, 200u);
    int drv_id = drv->id, vl_id = vl->id;
    kern_mem_usage v0 = mem(vl_id);
    run([&] {
        EXPECT_EQ(kern_pci_bus_remove(pdev, KERN_REMOVE_ORDERLY, &err), VMK_OK) << err.msg;
    });
    // The uplink child went first (QuiesceIO: ndo_stop), then vmklinux's detach ran remove.
    EXPECT_EQ(kern_uplink_count(), 0u);
    EXPECT_EQ(kern_pkt_outstanding(drv_id), 0u);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
    kern_mem_usage u = mem(drv_id);
    EXPECT_GT(u.allocs, 0u);
    EXPECT_EQ(u.allocs, u.frees);
    EXPECT_EQ(u.live_bytes, 0u);   // net_device, rings' bookkeeping, coherent rings: all freed
    EXPECT_EQ(u.leaked_bytes, 0u);
    kern_mem_usage v = mem(vl_id);
    EXPECT_LT(v.live_bytes, v0.live_bytes);   // the pci_dev and the net record went
    EXPECT_EQ(v.leaked_bytes, 0u);            // the skb slab had every shell back
    kern_pci_bus_stats bs;
    kern_pci_bus_get_stats(&bs);
    EXPECT_EQ(bs.mappings_live, 0u);
    EXPECT_EQ(bs.vectors_live, 0u);
    EXPECT_EQ(bs.leaked_mappings + bs.leaked_vectors, 0u);
}

TEST_F(LinuxE1000, UnloadingTheDriverAndThenTheShimGivesEverythingBack)
{
    load(E1000_LINUX_PATH);
    Outcome o = loopback(128, 100);
    EXPECT_EQ(o.rx.verify.good, 100u);
    int drv_id = drv->id, vl_id = vl->id;
    ASSERT_EQ(unload(&drv), 0) << err.msg;   // module_exit -> remove -> unregister_netdev
    EXPECT_EQ(kern_pkt_outstanding(drv_id), 0u);
    kern_mem_usage u = mem(drv_id);
    EXPECT_EQ(u.allocs, u.frees);
    EXPECT_EQ(u.leaked_bytes, 0u);
    // The uplink stays registered (only the kernel removes a child) but no longer transmits.
    vmk_Uplink up = kern_uplink_find("vmnic0");
    ASSERT_NE(up, nullptr);
    ASSERT_EQ(unload(&vl), 0) << err.msg;   // detaches the function: the child goes first
    EXPECT_EQ(kern_uplink_count(), 0u);
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_UNCLAIMED);
    kern_mem_usage v = mem(vl_id);
    EXPECT_EQ(v.live_bytes, 0u);
    EXPECT_EQ(v.leaked_bytes, 0u);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
}

}  // namespace
