// test_nic.h — the uplink tests' "driver": a NIC written as plain C callbacks (uplink ops, a
// NetPoll poll) with a TX ring whose packets the "device" finishes after a delay and an RX ring
// the test fills, registered as a logical "com.vmware.uplink" device through the kernel-internal
// path; plus the fixture and helpers both test files use. Header-only, one copy per test file.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kernel_model/costs.h"
#include "kernel_model/device/device.h"
#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/uplink/uplink.h"
#include "sim/sim.h"

namespace {

// ---- the test driver ----

struct TestNic {
    vmk_UplinkSharedData shared{};
    vmk_UplinkRegData reg{};
    vmk_Uplink uplink = nullptr;
    vmk_NetPoll poll = nullptr;
    vmk_Device dev = nullptr;
    int associated = 0, disassociated = 0, start_io = 0, quiesce_io = 0, mtu_calls = 0;
    size_t stack_depth_in_tx = 0;
    bool io = false;
    bool leak_tx = false;            // never complete what it accepted
    uint32_t accept_per_call = UINT32_MAX;
    sim_time_t completion_delay = 2 * SIM_US;   // "device" time until the TX-done interrupt
    std::deque<std::pair<vmk_PktHandle *, sim_time_t>> tx_ring;   // accepted: (packet, done at)
    size_t max_ring = 0;
    std::vector<std::vector<uint8_t>> wire;     // frames "sent", in order
    std::deque<vmk_PktHandle *> rx_ring;        // frames "received", waiting for the poll
    std::vector<uint32_t> poll_budgets;
};

// The "interrupt": runs in an interrupt world of its own, as the kernel's dispatch does, and pays
// its cycles before it returns.
inline kern_tworld *irq_world;

inline void tx_done_irq(void *arg)
{
    TestNic *n = static_cast<TestNic *>(arg);
    if (!irq_world)
        irq_world = kern_tworld_new("test-irq");
    kern_tworld_enter(irq_world);
    if (n->poll)
        vmk_NetPollActivate(n->poll);
    kern_world_sync();
    kern_tworld_leave(irq_world);
}

inline VMK_ReturnStatus nic_tx(vmk_AddrCookie d, vmk_PktList list)
{
    TestNic *n = static_cast<TestNic *>(d.ptr);
    n->stack_depth_in_tx = kern_module_stack_depth();
    kern_world_sync();   // as before the doorbell write of a real driver (a device access)
    uint32_t taken = 0;
    while (!vmk_PktListIsEmpty(list) && taken < n->accept_per_call) {
        vmk_PktHandle *p = vmk_PktListPopFirstPkt(list);
        const uint8_t *f = static_cast<const uint8_t *>(vmk_PktFrameMappedPointerGet(p));
        n->wire.emplace_back(f, f + vmk_PktFrameLenGet(p));
        n->tx_ring.push_back({p, sim_now() + n->completion_delay});
        taken++;
    }
    n->max_ring = std::max(n->max_ring, n->tx_ring.size());
    if (!n->leak_tx)
        sim_call_after(n->completion_delay, tx_done_irq, n);
    return vmk_PktListIsEmpty(list) ? VMK_OK : VMK_BUSY;
}

inline vmk_Bool nic_poll(vmk_AddrCookie d, vmk_uint32 budget)
{
    TestNic *n = static_cast<TestNic *>(d.ptr);
    n->poll_budgets.push_back(budget);
    uint32_t work = 0;
    // Only what the "device" has finished by now (its own interrupt comes for the rest).
    while (!n->tx_ring.empty() && n->tx_ring.front().second <= sim_now() && work < budget) {
        vmk_NetPollQueueCompPkt(n->poll, n->tx_ring.front().first);
        n->tx_ring.pop_front();
        work++;
    }
    bool tx_more = !n->tx_ring.empty() && n->tx_ring.front().second <= sim_now();
    while (!n->rx_ring.empty() && work < budget) {
        vmk_NetPollRxPktQueue(n->poll, n->rx_ring.front());
        n->rx_ring.pop_front();
        work++;
    }
    return tx_more || !n->rx_ring.empty() ? VMK_TRUE : VMK_FALSE;
}

inline VMK_ReturnStatus nic_associate(vmk_AddrCookie d, vmk_Uplink u)
{
    TestNic *n = static_cast<TestNic *>(d.ptr);
    n->uplink = u;
    n->associated++;
    vmk_NetPollProperties props{};
    props.poll = nic_poll;
    props.priv = d;
    VMK_ReturnStatus st = vmk_NetPollCreate(&props, 0, n->reg.moduleID, &n->poll);
    if (st != VMK_OK)
        return st;
    return vmk_NetPollRegisterUplink(n->poll, u, vmk_UplinkNameGet(u), VMK_TRUE);
}

inline VMK_ReturnStatus nic_disassociate(vmk_AddrCookie d)
{
    TestNic *n = static_cast<TestNic *>(d.ptr);
    n->disassociated++;
    while (!n->tx_ring.empty()) {   // a real driver frees its rings here
        vmk_PktRelease(n->tx_ring.front().first);
        n->tx_ring.pop_front();
    }
    vmk_NetPollDestroy(n->poll);
    n->poll = nullptr;
    n->uplink = nullptr;
    return VMK_OK;
}

inline VMK_ReturnStatus nic_start(vmk_AddrCookie d)
{
    TestNic *n = static_cast<TestNic *>(d.ptr);
    n->start_io++;
    n->io = true;
    return VMK_OK;
}

inline VMK_ReturnStatus nic_quiesce(vmk_AddrCookie d)
{
    TestNic *n = static_cast<TestNic *>(d.ptr);
    n->quiesce_io++;
    n->io = false;
    return VMK_OK;
}

inline VMK_ReturnStatus nic_mtu(vmk_AddrCookie d, vmk_uint32 mtu)
{
    TestNic *n = static_cast<TestNic *>(d.ptr);
    n->mtu_calls++;
    if (mtu < 68 || mtu > 9000)
        return VMK_BAD_PARAM;
    n->shared.mtu = mtu;
    return VMK_OK;
}

inline VMK_ReturnStatus nic_stats(vmk_AddrCookie d, vmk_UplinkStats *s)
{
    TestNic *n = static_cast<TestNic *>(d.ptr);
    s->txPkts = n->wire.size();
    return VMK_OK;
}

inline void nic_init(TestNic *n)
{
    n->shared.mtu = 1500;
    n->shared.link = {VMK_LINK_STATE_UP, VMK_LINK_SPEED_10000_MBPS, VMK_LINK_DUPLEX_FULL};
    n->shared.state = VMK_UPLINK_STATE_ENABLED;
    n->reg.apiRevision = VMKAPI_REVISION;
    n->reg.moduleID = VMK_KERNEL_MODULE_ID;
    n->reg.ops.uplinkTx = nic_tx;
    n->reg.ops.uplinkAssociate = nic_associate;
    n->reg.ops.uplinkDisassociate = nic_disassociate;
    n->reg.ops.uplinkStartIO = nic_start;
    n->reg.ops.uplinkQuiesceIO = nic_quiesce;
    n->reg.ops.uplinkMTUSet = nic_mtu;
    n->reg.ops.uplinkStatsGet = nic_stats;
    n->reg.sharedData = &n->shared;
    n->reg.driverData.ptr = n;
}

inline wire_traffic_params traffic(size_t frame_len, uint64_t count, uint64_t seed = 7)
{
    wire_traffic_params t{};
    const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 2}, src[6] = {0x02, 0, 0, 0, 0, 1};
    memcpy(t.dst, dst, 6);
    memcpy(t.src, src, 6);
    t.stream_id = 1;
    t.frame_len = frame_len;
    t.count = count;
    t.seed = seed;
    return t;
}

class Uplink : public ::testing::Test {
protected:
    sim_err err{};
    std::deque<TestNic> nics;   // outlive TearDown, which removes their devices
    TestNic &make()
    {
        nics.emplace_back();
        nic_init(&nics.back());
        return nics.back();
    }
    void SetUp() override
    {
        sim_log_set_file(nullptr);
        kern_timing_set_enabled(true);
        kern_cost_reset();
        ASSERT_EQ(kern_uplink_layer_init(&err), 0) << err.msg;
    }
    void TearDown() override
    {
        kern_device_layer_reset();
        kern_uplink_layer_reset();
    }
    // Registers n's logical uplink device and lets the kernel claim it.
    vmk_Device add(TestNic *n, const char *addr)
    {
        vmk_AddrCookie rd;
        rd.ptr = &n->reg;
        vmk_Device dev = nullptr;
        EXPECT_EQ(kern_device_register_root(VMK_LOGICAL_BUS_NAME, addr,
                                            VMK_UPLINK_DEVICE_IDENTIFIER, rd, nullptr, nullptr,
                                            &dev, &err),
                  VMK_OK)
            << err.msg;
        n->dev = dev;
        kern_device_bind(dev);
        return dev;
    }
    kern_txload_stats run_tx(const kern_txload_params &p, kern_txload **keep = nullptr)
    {
        kern_txload *l = nullptr;
        EXPECT_EQ(kern_txload_start(&p, &l, &err), 0) << err.msg;
        sim_run_until(SIM_TIME_MAX);
        kern_txload_stats st{};
        kern_txload_get_stats(l, &st);
        if (keep)
            *keep = l;
        else
            kern_txload_free(l);
        return st;
    }
};

inline kern_txload_params txp(const char *uplink, size_t len, uint64_t count, uint32_t window,
                       uint32_t batch)
{
    kern_txload_params p{};
    snprintf(p.uplink, sizeof p.uplink, "%s", uplink);
    p.traffic = traffic(len, count);
    p.window = window;
    p.batch = batch;
    return p;
}


// ---- RX ----

struct Arrivals {
    std::map<uint64_t, sim_time_t> at;
};

inline sim_time_t arrival_of(void *ctx, uint64_t seq)
{
    return static_cast<Arrivals *>(ctx)->at[seq];
}

// The "device" receives frames seq = order[i] now: builds them into packets on the RX ring and
// raises the interrupt after delay.
inline void receive(TestNic *n, Arrivals *arr, const wire_traffic_params &t,
                    const std::vector<uint64_t> &order, sim_time_t delay,
                    int corrupt_seq = -1)
{
    for (uint64_t seq : order) {
        vmk_PktHandle *p;
        ASSERT_EQ(vmk_PktAlloc(t.frame_len, &p), VMK_OK);
        uint8_t *f = static_cast<uint8_t *>(vmk_PktFrameMappedPointerGet(p));
        wire_traffic_build(&t, seq, f);
        if ((int)seq == corrupt_seq)
            f[t.frame_len - 1] ^= 0x40;
        vmk_PktFrameLenSet(p, (vmk_uint32)t.frame_len);
        vmk_PktSetCsumVfd(p);
        n->rx_ring.push_back(p);
        arr->at[seq] = sim_now();
    }
    sim_call_after(delay, tx_done_irq, n);
}


}  // namespace
