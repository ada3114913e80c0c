// test_fabric_build.cpp — building a fabric from a platform description: the endpoint model
// registry, and what only the fabric can refuse (unknown model, too many root ports, a bad link or
// slot number), each with a message naming the culprit and its declaration.
#include "fabric_test_util.h"

#include <string>

using fabtest::Fabric;

namespace {

int build_fails(Fabric &t, std::string *msg)
{
    sim_err err{};
    int rc = pcie_fabric_build(&t.desc, &t.f, &err);
    *msg = err.msg;
    return rc;
}

TEST(FabricBuild, ModelRegistryKnowsE1000AndPvscsi)
{
    ASSERT_NE(nullptr, pcie_ep_model_find("e1000"));
    ASSERT_NE(nullptr, pcie_ep_model_find("pvscsi"));
    EXPECT_EQ(nullptr, pcie_ep_model_find("e1001"));
    EXPECT_EQ(nullptr, pcie_ep_model_find(nullptr));
    EXPECT_EQ(2u, pcie_ep_model_count());
    EXPECT_STREQ("e1000", pcie_ep_model_at(0)->name);
    EXPECT_EQ(nullptr, pcie_ep_model_at(2));
    char buf[64];
    EXPECT_STREQ("e1000, pvscsi", pcie_ep_model_names(buf, sizeof buf));
    char tiny[8];
    pcie_ep_model_names(tiny, sizeof tiny);   // truncates, stays terminated
    EXPECT_LT(strlen(tiny), sizeof tiny);
}

TEST(FabricBuild, EmptyPlatformBuildsWithNothingBelowBusZero)
{
    Fabric t;
    t.build();
    EXPECT_EQ(0xFFFFFFFFu, t.r32(0, 1, 0, 0));
}

TEST(FabricBuild, UnknownModelIsNamedWithItsDeclaration)
{
    Fabric t;
    pcie_port_desc *rp = fabtest::add_root_port(&t.desc, 1, true);
    fabtest::put_endpoint(rp, "rtl8139", "nicX");
    snprintf(rp->origin.file, sizeof rp->origin.file, "%s", "plat.lua");
    rp->origin.line = 12;
    std::string msg;
    EXPECT_EQ(-1, build_fails(t, &msg));
    EXPECT_EQ(nullptr, t.f);
    EXPECT_NE(std::string::npos, msg.find("plat.lua:12")) << msg;
    EXPECT_NE(std::string::npos, msg.find("'rtl8139'")) << msg;
    EXPECT_NE(std::string::npos, msg.find("nicX")) << msg;
    EXPECT_NE(std::string::npos, msg.find("e1000, pvscsi")) << msg;
}

TEST(FabricBuild, UnknownModelBehindSwitchNamesSwitchPort)
{
    Fabric t;
    pcie_port_desc *rp = fabtest::add_root_port(&t.desc, 0, false);
    pcie_switch_desc *sw = fabtest::put_switch(rp, "swA", 2);
    fabtest::put_endpoint(&sw->ports[0], "e1000", "ok");
    fabtest::put_endpoint(&sw->ports[1], "nvme", "bad");
    std::string msg;
    EXPECT_EQ(-1, build_fails(t, &msg));
    EXPECT_NE(std::string::npos, msg.find("switch 'swA' port 1")) << msg;
    EXPECT_NE(std::string::npos, msg.find("'nvme'")) << msg;
}

TEST(FabricBuild, TooManyRootPortsForBusZero)
{
    Fabric t;
    for (int i = 0; i < 32; i++)
        fabtest::add_root_port(&t.desc, 0, false);
    std::string msg;
    EXPECT_EQ(-1, build_fails(t, &msg));
    EXPECT_NE(std::string::npos, msg.find("32 root ports")) << msg;
    t.desc.nroot_ports = 31;   // devices 1..31
    t.build();
    EXPECT_EQ(0x20308086u, t.r32(0, 31, 0, 0));
}

TEST(FabricBuild, BadLinkWidthIsRefused)
{
    Fabric t;
    pcie_port_desc *rp = fabtest::add_root_port(&t.desc, 3, false);
    rp->link.width = 7;
    std::string msg;
    EXPECT_EQ(-1, build_fails(t, &msg));
    EXPECT_NE(std::string::npos, msg.find("root port 0")) << msg;
    EXPECT_NE(std::string::npos, msg.find("7")) << msg;
}

TEST(FabricBuild, SlotNumberBeyondThirteenBitsIsRefused)
{
    Fabric t;
    fabtest::add_root_port(&t.desc, 8192, true);
    std::string msg;
    EXPECT_EQ(-1, build_fails(t, &msg));
    EXPECT_NE(std::string::npos, msg.find("slot: 8192")) << msg;
}

TEST(FabricBuild, DuplicateSlotNumberIsRefusedEvenBehindASwitch)
{
    Fabric t;
    pcie_port_desc *rp0 = fabtest::add_root_port(&t.desc, 6, true);
    snprintf(rp0->origin.file, sizeof rp0->origin.file, "%s", "p.lua");
    rp0->origin.line = 3;
    pcie_port_desc *rp1 = fabtest::add_root_port(&t.desc, 0, false);
    pcie_switch_desc *sw = fabtest::put_switch(rp1, "sw", 2);
    sw->ports[0].slot = 7;
    sw->ports[1].slot = 6;
    snprintf(sw->ports[1].origin.file, sizeof sw->ports[1].origin.file, "%s", "p.lua");
    sw->ports[1].origin.line = 9;
    std::string msg;
    EXPECT_EQ(-1, build_fails(t, &msg));
    EXPECT_EQ("p.lua:9: slot 6 is already used (p.lua:3)", msg);
    sw->ports[1].slot = 8;
    t.build();
}

TEST(FabricBuild, SwitchWithoutPortsIsRefused)
{
    Fabric t;
    pcie_port_desc *rp = fabtest::add_root_port(&t.desc, 0, false);
    fabtest::put_switch(rp, "sw0", 0);
    std::string msg;
    EXPECT_EQ(-1, build_fails(t, &msg));
    EXPECT_NE(std::string::npos, msg.find("sw0")) << msg;
}

TEST(FabricBuild, SameDescriptionBuildsIdenticalConfigSpace)
{
    Fabric a, b;
    for (Fabric *t : {&a, &b}) {
        pcie_port_desc *rp = fabtest::add_root_port(&t->desc, 4, true);
        pcie_switch_desc *sw = fabtest::put_switch(rp, "s", 2);
        fabtest::put_endpoint(&sw->ports[1], "pvscsi", "h");
        t->build();
        t->set_buses(0, 1, 0, 1, 3);
        t->set_buses(1, 0, 1, 2, 3);
        t->set_buses(2, 1, 2, 3, 3);
    }
    for (int bus = 0; bus < 4; bus++)
        for (int dev = 0; dev < 3; dev++)
            for (int reg = 0; reg < 4096; reg += 4)
                ASSERT_EQ(a.r32(bus, dev, 0, reg), b.r32(bus, dev, 0, reg))
                    << bus << ":" << dev << " +" << reg;
    EXPECT_EQ(0x07C015ADu, a.r32(3, 0, 0, 0));
}

}  // namespace
