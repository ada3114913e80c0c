// test_fabric_routing.cpp — configuration requests through ECAM, routed as hardware routes them:
// bus 0 holds the root ports (devices 1..N); type-1 headers forward by secondary..subordinate;
// only device 0 exists below a port; absent functions read all ones and drop writes.
#include "fabric_test_util.h"

extern "C" {
#include "devices/hba/pvscsi_pci.h"
#include "devices/nic/e1000_pci.h"
}

using fabtest::Fabric;

namespace {

// rp0 (slot 1, hot-plug) -> e1000; rp1 (slot 2) -> switch "sw0" with 3 downstream ports:
// dp0 -> pvscsi, dp1 -> empty hot-plug slot 11, dp2 -> e1000.
void two_port_platform(Fabric &t)
{
    pcie_port_desc *rp0 = fabtest::add_root_port(&t.desc, 1, true);
    fabtest::put_endpoint(rp0, "e1000", "nic0");
    pcie_port_desc *rp1 = fabtest::add_root_port(&t.desc, 2, false);
    pcie_switch_desc *sw = fabtest::put_switch(rp1, "sw0", 3);
    fabtest::put_endpoint(&sw->ports[0], "pvscsi", "hba0");
    sw->ports[1].slot = 11;
    sw->ports[1].hotplug = true;
    fabtest::put_endpoint(&sw->ports[2], "e1000", "nic1");
    t.build();
}

TEST(FabricRouting, RootPortsAnswerOnBusZeroWithTheirIdentity)
{
    Fabric t;
    two_port_platform(t);
    for (int d = 1; d <= 2; d++) {
        EXPECT_EQ(0x20308086u, t.r32(0, d, 0, PCIE_VENDOR_ID)) << "device " << d;
        EXPECT_EQ(0x060400u, t.r32(0, d, 0, PCIE_REVISION_ID) >> 8);
        EXPECT_EQ(PCIE_HEADER_TYPE_BRIDGE, t.r8(0, d, 0, PCIE_HEADER_TYPE));
    }
}

TEST(FabricRouting, AbsentFunctionsReadAllOnes)
{
    Fabric t;
    two_port_platform(t);
    EXPECT_EQ(0xFFFFFFFFu, t.r32(0, 0, 0, PCIE_VENDOR_ID));   // device 0: no host bridge
    EXPECT_EQ(0xFFFFFFFFu, t.r32(0, 3, 0, PCIE_VENDOR_ID));   // beyond the root ports
    EXPECT_EQ(0xFFFFFFFFu, t.r32(0, 1, 1, PCIE_VENDOR_ID));   // root ports are single-function
    EXPECT_EQ(0xFFFFu, t.r16(0, 31, 7, 0xFFE));
    EXPECT_EQ(0xFFu, t.r8(0, 0, 0, 0x40));
    // A write to an absent function is dropped and changes nothing anywhere.
    t.w32(0, 3, 0, PCIE_COMMAND, 0x7);
    EXPECT_EQ(0xFFFFFFFFu, t.r32(0, 3, 0, PCIE_VENDOR_ID));
    EXPECT_EQ(0u, t.r16(0, 1, 0, PCIE_COMMAND));
}

TEST(FabricRouting, MalformedAccessesAreHarmless)
{
    Fabric t;
    two_port_platform(t);
    EXPECT_EQ(0xFFFFFFFFu, pcie_cfg_read(t.f, 0, 1, 0, 0x2, 4));    // misaligned dword
    EXPECT_EQ(0xFFFFu, pcie_cfg_read(t.f, 0, 1, 0, 0x1000, 2));     // beyond 4 KiB
    EXPECT_EQ(0xFFu, pcie_cfg_read(t.f, 0, 32, 0, 0, 1));           // no device 32
    pcie_cfg_write(t.f, 0, 1, 0, 0x19, 3, 0xFFFFFF);                // size 3
    EXPECT_EQ(0u, t.r8(0, 1, 0, PCIE_SECONDARY_BUS));
    EXPECT_EQ(0xFFFFFFFFu, pcie_ecam_read(t.f, 1ULL << 28, 4));     // beyond 256 buses
}

TEST(FabricRouting, EcamOffsetsMatchConfigRequests)
{
    Fabric t;
    two_port_platform(t);
    EXPECT_EQ(pcie_cfg_read(t.f, 0, 2, 0, PCIE_CLASS_PROG, 1),
              pcie_ecam_read(t.f, fabtest::ecam(0, 2, 0, PCIE_CLASS_PROG), 1));
    pcie_ecam_write(t.f, fabtest::ecam(0, 2, 0, PCIE_INTERRUPT_LINE), 1, 0x2B);
    EXPECT_EQ(0x2Bu, pcie_cfg_read(t.f, 0, 2, 0, PCIE_INTERRUPT_LINE, 1));
}

TEST(FabricRouting, BeforeBusNumbersOnlyBusZeroAnswers)
{
    Fabric t;
    two_port_platform(t);
    for (int bus = 1; bus < 256; bus++)
        ASSERT_EQ(0xFFFFFFFFu, t.r32(bus, 0, 0, PCIE_VENDOR_ID)) << "bus " << bus;
}

TEST(FabricRouting, EndpointAnswersBelowProgrammedRootPort)
{
    Fabric t;
    two_port_platform(t);
    t.set_buses(0, 1, 0, 1, 1);
    EXPECT_EQ(1u, t.r8(0, 1, 0, PCIE_SECONDARY_BUS));
    EXPECT_EQ((uint32_t)E1000_PCI_DEVICE_ID << 16 | E1000_PCI_VENDOR_ID, t.r32(1, 0, 0, 0));
    EXPECT_EQ(PCIE_HEADER_TYPE_NORMAL, t.r8(1, 0, 0, PCIE_HEADER_TYPE));
    // Only device 0 exists on a link; the endpoint is single-function.
    for (int d = 1; d < 32; d++)
        ASSERT_EQ(0xFFFFFFFFu, t.r32(1, d, 0, 0)) << "device " << d;
    EXPECT_EQ(0xFFFFFFFFu, t.r32(1, 0, 1, 0));
    // A bus beyond the subordinate number is not claimed.
    EXPECT_EQ(0xFFFFFFFFu, t.r32(2, 0, 0, 0));
    // Subordinate above secondary: the type-1 request reaches the endpoint, which does not
    // forward it — all ones.
    t.w8(0, 1, 0, PCIE_SUBORDINATE_BUS, 4);
    EXPECT_EQ(0xFFFFFFFFu, t.r32(2, 0, 0, 0));
    // Un-programming the secondary bus hides the endpoint again.
    t.set_buses(0, 1, 0, 0, 0);
    EXPECT_EQ(0xFFFFFFFFu, t.r32(1, 0, 0, 0));
}

TEST(FabricRouting, SwitchBehindRootPort)
{
    Fabric t;
    two_port_platform(t);
    t.set_buses(0, 2, 0, 1, 10);
    // Upstream port on bus 1.
    EXPECT_EQ(0x879610B5u, t.r32(1, 0, 0, 0));
    EXPECT_EQ(PCIE_HEADER_TYPE_BRIDGE, t.r8(1, 0, 0, PCIE_HEADER_TYPE));
    // Its downstream ports are invisible until its own bus numbers are programmed.
    EXPECT_EQ(0xFFFFFFFFu, t.r32(2, 0, 0, 0));
    t.set_buses(1, 0, 1, 2, 10);
    for (int d = 0; d < 3; d++)
        EXPECT_EQ(0x879610B5u, t.r32(2, d, 0, 0)) << "downstream port " << d;
    EXPECT_EQ(0xFFFFFFFFu, t.r32(2, 3, 0, 0));     // only 3 downstream ports
    EXPECT_EQ(0xFFFFFFFFu, t.r32(2, 0, 1, 0));
    // Endpoints below downstream ports 0 and 2; port 1's slot is empty.
    t.set_buses(2, 0, 2, 3, 3);
    t.set_buses(2, 1, 2, 4, 4);
    t.set_buses(2, 2, 2, 5, 5);
    EXPECT_EQ((uint32_t)PVSCSI_PCI_DEVICE_ID << 16 | PVSCSI_PCI_VENDOR_ID, t.r32(3, 0, 0, 0));
    EXPECT_EQ(0xFFFFFFFFu, t.r32(4, 0, 0, 0));
    EXPECT_EQ((uint32_t)E1000_PCI_DEVICE_ID << 16 | E1000_PCI_VENDOR_ID, t.r32(5, 0, 0, 0));
    EXPECT_EQ(0xFFFFFFFFu, t.r32(6, 0, 0, 0));     // inside 1..10 but nobody claims it
    // Writes reach the right function: the pvscsi's interrupt line, not the e1000's.
    t.w8(3, 0, 0, PCIE_INTERRUPT_LINE, 0x33);
    EXPECT_EQ(0x33u, t.r8(3, 0, 0, PCIE_INTERRUPT_LINE));
    EXPECT_EQ(0u, t.r8(5, 0, 0, PCIE_INTERRUPT_LINE));
}

TEST(FabricRouting, TopologyWalkReportsReachability)
{
    Fabric t;
    two_port_platform(t);
    struct Node {
        pcie_fn_kind kind;
        int depth;
        std::string name;
        bool reachable;
        int bus, dev;
    };
    std::vector<Node> nodes;
    auto collect = [](void *ctx, const pcie_topo_node *n) {
        static_cast<std::vector<Node> *>(ctx)->push_back(
            {n->kind, n->depth, n->name, n->reachable, n->bus, n->dev});
    };
    pcie_fabric_walk(t.f, collect, &nodes);
    // rp0, nic0, rp1, sw0.up, dp0, hba0, dp1, dp2, nic1
    ASSERT_EQ(9u, nodes.size());
    EXPECT_EQ(PCIE_FN_ROOT_PORT, nodes[0].kind);
    EXPECT_EQ(PCIE_FN_ENDPOINT, nodes[1].kind);
    EXPECT_EQ("nic0", nodes[1].name);
    EXPECT_EQ(PCIE_FN_SWITCH_UP, nodes[3].kind);
    EXPECT_EQ(PCIE_FN_SWITCH_DOWN, nodes[4].kind);
    EXPECT_EQ(3, nodes[5].depth);
    EXPECT_TRUE(nodes[0].reachable);
    EXPECT_EQ(1, nodes[0].dev);
    EXPECT_FALSE(nodes[1].reachable);
    t.set_buses(0, 2, 0, 1, 10);
    t.set_buses(1, 0, 1, 2, 10);
    t.set_buses(2, 0, 2, 3, 3);
    nodes.clear();
    pcie_fabric_walk(t.f, collect, &nodes);
    EXPECT_TRUE(nodes[3].reachable);
    EXPECT_TRUE(nodes[5].reachable);
    EXPECT_EQ(3, nodes[5].bus);
    EXPECT_EQ("hba0", nodes[5].name);
    EXPECT_TRUE(nodes[7].reachable);    // dp2 on bus 2, device 2
    EXPECT_EQ(2, nodes[7].dev);
    EXPECT_FALSE(nodes[8].reachable);   // nic1: dp2's buses not programmed
}

}  // namespace
