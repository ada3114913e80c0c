// test_vmklinux_net.cpp — vmklinux's network translation with a driver that never touches the
// hardware's data path (testmods/lxnet_loop.c): packet -> sk_buff metadata on TX (length,
// EtherType, checksum request, VLAN tag, large-TCP MSS, xmit_more batching), sk_buff -> packet
// on RX (checksum verified, VLAN id and priority, MSS, a frame moved to the buffer start when the
// driver reserved headroom), NAPI on vmk_NetPoll (a poll per weight's worth of packets, then
// napi_complete_done), and removal freeing every shell, packet and byte.
#include "net_fixture.h"

#include <vector>

namespace {

struct Seen {   // lxnet_loop.c's struct lxnet_seen
    unsigned int len;
    unsigned short protocol;
    unsigned char ip_summed, vlan_present, xmit_more, pad;
    unsigned short vlan_tci, gso_size;
    unsigned int gso_type;
    int headroom;
};

constexpr int kChecksumNone = 0, kChecksumPartial = 3;   // linux/skbuff.h
constexpr unsigned kGsoTcpV4 = 1u << 0;
constexpr int kWeight = 4;                                // LXNET_WEIGHT

struct Received {
    std::vector<vmk_PktHandle *> pkts;
};

void on_rx(void *ctx, vmk_Uplink, vmk_PktHandle *pkt, sim_time_t)
{
    static_cast<Received *>(ctx)->pkts.push_back(pkt);
}

class NetTranslation : public VmklinuxNet {
protected:
    Received rx;

    void SetUp() override
    {
        VmklinuxNet::SetUp();
        load(LXNET_LOOP_PATH);
        kern_uplink_set_rx(kern_uplink_find("vmnic0"), on_rx, &rx);
    }
    void TearDown() override
    {
        for (vmk_PktHandle *p : rx.pkts)
            vmk_PktRelease(p);
        rx.pkts.clear();
        VmklinuxNet::TearDown();
    }

    // A frame of len bytes (EtherType IPv4) whose payload bytes count up from tag.
    vmk_PktHandle *frame(size_t len, uint8_t tag)
    {
        vmk_PktHandle *p = nullptr;
        EXPECT_EQ(vmk_PktAlloc(len, &p), VMK_OK);
        uint8_t *b = static_cast<uint8_t *>(vmk_PktFrameMappedPointerGet(p));
        for (size_t i = 0; i < len; i++)
            b[i] = (uint8_t)(tag + i);
        b[12] = 0x08;
        b[13] = 0x00;
        vmk_PktFrameLenSet(p, (vmk_uint32)len);
        return p;
    }

    // Sends the packets as one list through the uplink layer, from a world, and runs to the end.
    kern_uplink_tx_result send(std::vector<vmk_PktHandle *> pkts)
    {
        kern_uplink_tx_result res{};
        run([&] {
            VMK_PKTLIST_STACK_DEF_INIT(list);
            for (vmk_PktHandle *p : pkts)
                vmk_PktListAppendPkt(list, p);
            EXPECT_EQ(kern_uplink_tx(kern_uplink_find("vmnic0"), list, &res), VMK_OK);
        });
        return res;
    }

    int ival(const char *name) { return *sym<int>(name); }
    Seen seen(int i) { return sym<Seen>("lxnet_seen")[i]; }
};

TEST_F(NetTranslation, TxPacketMetadataIsTranslatedIntoTheSkb)
{
    vmk_PktHandle *plain = frame(100, 1);
    vmk_PktHandle *meta = frame(1514, 2);
    kern_pkt_set_must_csum(meta, true);
    ASSERT_EQ(vmk_PktVlanIDSet(meta, 100), VMK_OK);
    ASSERT_EQ(vmk_PktPrioritySet(meta, 5), VMK_OK);
    ASSERT_EQ(vmk_PktSetLargeTcpPacket(meta, 1460), VMK_OK);
    kern_uplink_tx_result res = send({plain, meta});
    EXPECT_EQ(res.accepted, 2u);
    ASSERT_EQ(ival("lxnet_xmits"), 2);
    Seen a = seen(0), b = seen(1);
    EXPECT_EQ(a.len, 100u);
    EXPECT_EQ(a.protocol, 0x0800);
    EXPECT_EQ(a.ip_summed, kChecksumNone);
    EXPECT_EQ(a.vlan_present, 0);
    EXPECT_EQ(a.gso_size, 0);
    EXPECT_EQ(a.xmit_more, 1);   // another packet of the list follows
    EXPECT_EQ(a.headroom, 0);    // the shell's data is the packet's own buffer
    EXPECT_EQ(b.len, 1514u);
    EXPECT_EQ(b.ip_summed, kChecksumPartial);
    EXPECT_EQ(b.vlan_present, 1);
    EXPECT_EQ(b.vlan_tci, 5 << 13 | 100);   // 802.1Q TCI: PCP 5, VID 100
    EXPECT_EQ(b.gso_size, 1460);
    EXPECT_EQ(b.gso_type, kGsoTcpV4);
    EXPECT_EQ(b.xmit_more, 0);   // the last one: the driver rings its doorbell
    // Both came back up, in order, and the TX packets were completed.
    ASSERT_EQ(rx.pkts.size(), 2u);
    EXPECT_EQ(vmk_PktFrameLenGet(rx.pkts[0]), 100u);
    EXPECT_EQ(vmk_PktFrameLenGet(rx.pkts[1]), 1514u);
    EXPECT_EQ(kern_pkt_outstanding(VMK_KERNEL_MODULE_ID), 0u);
}

TEST_F(NetTranslation, RxSkbMetadataIsTranslatedIntoThePacket)
{
    *sym<int>("lxnet_rx_vlan_tci") = 3 << 13 | 42;
    *sym<int>("lxnet_rx_gso_size") = 1448;
    *sym<int>("lxnet_rx_reserve") = 2;   // headroom: the shim moves the frame to the start
    vmk_PktHandle *p = frame(300, 9);
    kern_pkt_set_must_csum(p, true);      // the driver turns it into CHECKSUM_UNNECESSARY
    vmk_PktHandle *q = frame(60, 40);
    send({p, q});
    ASSERT_EQ(rx.pkts.size(), 2u);
    vmk_PktHandle *r = rx.pkts[0];
    EXPECT_EQ(vmk_PktFrameLenGet(r), 300u);   // eth_type_trans pulled 14: the MAC header counts
    EXPECT_TRUE(vmk_PktIsCsumVfd(r));
    EXPECT_EQ(vmk_PktVlanIDGet(r), 42);
    EXPECT_EQ(vmk_PktPriorityGet(r), 3);
    EXPECT_TRUE(vmk_PktIsLargeTcpPacket(r));
    EXPECT_EQ(vmk_PktGetLargeTcpPacketMss(r), 1448u);
    const uint8_t *b = static_cast<const uint8_t *>(vmk_PktFrameMappedPointerGet(r));
    for (size_t i = 0; i < 300; i++) {
        if (i == 12 || i == 13)
            continue;
        ASSERT_EQ(b[i], (uint8_t)(9 + i)) << i;   // every byte, at the buffer's start
    }
    EXPECT_FALSE(vmk_PktIsCsumVfd(rx.pkts[1]));   // no checksum asked, none verified
    EXPECT_EQ(kern_pkt_owner(r), drv->id);        // netdev_alloc_skb: the driver's packet
}

TEST_F(NetTranslation, NapiPollsByWeightThenCompletes)
{
    std::vector<vmk_PktHandle *> pkts;
    for (int i = 0; i < 10; i++)
        pkts.push_back(frame(64, (uint8_t)i));
    send(pkts);
    // One schedule (at the list's last packet); 10 packets at weight 4: polls of 4, 4, 2, the
    // last under budget completes.
    EXPECT_EQ(ival("lxnet_polls"), 3);
    EXPECT_EQ(ival("lxnet_completes"), 1);
    EXPECT_EQ(ival("lxnet_poll_budget"), kWeight);
    EXPECT_EQ(rx.pkts.size(), 10u);
    // Scheduled again by the next burst: NAPI was left ready.
    send({frame(64, 99)});
    EXPECT_EQ(ival("lxnet_polls"), 4);
    EXPECT_EQ(ival("lxnet_completes"), 2);
    EXPECT_EQ(rx.pkts.size(), 11u);
    EXPECT_EQ(kern_netpoll_count(), 1u);   // one napi_struct, one NetPoll
}

TEST_F(NetTranslation, HotRemovalFreesShellsPacketsAndTheNetDevice)
{
    send({frame(64, 1), frame(64, 2)});
    ASSERT_EQ(rx.pkts.size(), 2u);
    for (vmk_PktHandle *p : rx.pkts)
        vmk_PktRelease(p);
    rx.pkts.clear();
    int drv_id = drv->id, vl_id = vl->id;
    run([&] {
        EXPECT_EQ(kern_pci_bus_remove(pdev, KERN_REMOVE_ORDERLY, &err), VMK_OK) << err.msg;
    });
    EXPECT_EQ(ival("lxnet_stops"), 1);     // QuiesceIO of the uplink child: ndo_stop
    EXPECT_EQ(ival("lxnet_removes"), 1);   // then vmklinux's detach: remove
    EXPECT_EQ(kern_netpoll_count(), 0u);
    EXPECT_EQ(kern_pkt_outstanding_total(), 0u);
    kern_mem_usage u = mem(drv_id);
    EXPECT_GT(u.allocs, 0u);               // the net_device lived on the driver's heap
    EXPECT_EQ(u.live_bytes, 0u);
    EXPECT_EQ(u.leaked_bytes, 0u);
    kern_mem_usage v = mem(vl_id);
    EXPECT_EQ(v.leaked_bytes, 0u);         // the per-device skb slab had every shell back
    EXPECT_EQ(v.leaked_count, 0u);
}

}  // namespace
