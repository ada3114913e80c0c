// test_device_layer.cpp — the device layer on its own (docs/device-model.md): the lifecycle order
// attach → start → scan, binding by the driver map, legal and illegal transitions, removal
// (orderly: children first, quiesce → detach; surprise: forget first), children registered only
// from scan. Drivers here are kernel-internal consumers of logical devices, so no module is needed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_model/device/device.h"
#include "sim/sim.h"

namespace {

std::vector<std::string> g_events;      // "event:bus-address" from the observer
std::vector<std::string> g_calls;       // "callback:bus-address" from the drivers
VMK_ReturnStatus g_attach_rc = VMK_OK;  // what the parent driver's attach returns
VMK_ReturnStatus g_quiesce_rc = VMK_OK;
VMK_ReturnStatus g_register_in_start = VMK_OK;
vmk_Driver g_parent_drv, g_child_drv;
vmk_Device g_child;
int g_children_to_register = 1;

void observe(void *, vmk_Device d, kern_dev_event ev, VMK_ReturnStatus)
{
    g_events.push_back(std::string(kern_dev_event_name(ev)) + ":" + kern_device_bus_address(d));
}

void call(const char *what, vmk_Device d)
{
    g_calls.push_back(std::string(what) + ":" + kern_device_bus_address(d));
}

VMK_ReturnStatus child_remove(vmk_Device d)
{
    call("removeDevice", d);
    return vmk_DeviceUnregister(d);
}
vmk_DeviceOps g_child_ops = {child_remove};

VMK_ReturnStatus p_attach(vmk_Device d) { call("attach", d); return g_attach_rc; }
VMK_ReturnStatus p_start(vmk_Device d)
{
    call("start", d);
    vmk_DeviceProps props{};
    vmk_Device out;
    g_register_in_start = vmk_DeviceRegister(&props, d, &out);   // not allowed outside scan
    return VMK_OK;
}
VMK_ReturnStatus p_scan(vmk_Device d)
{
    call("scan", d);
    for (int i = 0; i < g_children_to_register; i++) {
        vmk_Name n{};
        snprintf(n.string, sizeof n.string, "logical");
        vmk_DeviceID id{};
        EXPECT_EQ(vmk_BusTypeFind(&n, &id.busType), VMK_OK);
        EXPECT_EQ(vmk_LogicalCreateBusAddress(g_parent_drv, d, (vmk_uint32)i, &id.busAddress,
                                              &id.busAddressLen), VMK_OK);
        char ident[] = "com.test.child";
        id.busIdentifier = ident;
        id.busIdentifierLen = sizeof ident - 1;
        vmk_DeviceProps props{};
        props.registeringDriver = g_parent_drv;
        props.deviceID = &id;
        props.deviceOps = &g_child_ops;
        EXPECT_EQ(vmk_DeviceRegister(&props, d, &g_child), VMK_OK);
        vmk_LogicalFreeBusAddress(g_parent_drv, id.busAddress);
    }
    return VMK_OK;
}
VMK_ReturnStatus p_quiesce(vmk_Device d) { call("quiesce", d); return g_quiesce_rc; }
VMK_ReturnStatus p_detach(vmk_Device d) { call("detach", d); return VMK_OK; }
void p_forget(vmk_Device d) { call("forget", d); }

VMK_ReturnStatus c_attach(vmk_Device d) { call("c.attach", d); return VMK_OK; }
VMK_ReturnStatus c_start(vmk_Device d) { call("c.start", d); return VMK_OK; }
VMK_ReturnStatus c_scan(vmk_Device d) { call("c.scan", d); return VMK_OK; }
VMK_ReturnStatus c_quiesce(vmk_Device d) { call("c.quiesce", d); return VMK_OK; }
VMK_ReturnStatus c_detach(vmk_Device d) { call("c.detach", d); return VMK_OK; }
void c_forget(vmk_Device d) { call("c.forget", d); }

vmk_DriverOps g_parent_ops = {p_attach, p_scan, p_detach, p_quiesce, p_start, p_forget};
vmk_DriverOps g_child_ops_drv = {c_attach, c_scan, c_detach, c_quiesce, c_start, c_forget};

class DeviceLayer : public ::testing::Test {
protected:
    void SetUp() override
    {
        sim_log_set_file(nullptr);
        g_events.clear();
        g_calls.clear();
        g_attach_rc = g_quiesce_rc = VMK_OK;
        g_children_to_register = 1;
        g_child = nullptr;
        kern_device_set_observer(observe, nullptr);
        sim_err err{};
        ASSERT_EQ(kern_driver_register_internal("parent_drv", "com.test.parent", &g_parent_ops,
                                                vmk_AddrCookie{}, &g_parent_drv, &err), VMK_OK)
            << err.msg;
        ASSERT_EQ(kern_driver_register_internal("child_drv", "com.test.child", &g_child_ops_drv,
                                                vmk_AddrCookie{}, &g_child_drv, &err), VMK_OK)
            << err.msg;
    }
    void TearDown() override
    {
        kern_device_layer_reset();
        kern_device_set_observer(nullptr, nullptr);
        EXPECT_EQ(kern_device_count(), 0u);
        EXPECT_EQ(kern_driver_count(), 0u);
    }
    // A root logical device: registered, then offered to the drivers.
    vmk_Device add_root(const char *addr = "test#root#0")
    {
        vmk_Device d = nullptr;
        sim_err err{};
        EXPECT_EQ(kern_device_register_root("logical", addr, "com.test.parent", vmk_AddrCookie{},
                                            nullptr, nullptr, &d, &err), VMK_OK) << err.msg;
        kern_device_bind(d);
        return d;
    }
};

TEST_F(DeviceLayer, BindRunsAttachStartScanThenOffersChildren)
{
    vmk_Device root = add_root();
    EXPECT_EQ(kern_device_state(root), KERN_DEV_STARTED);
    EXPECT_EQ(kern_device_driver(root), g_parent_drv);
    std::vector<std::string> want = {"attach:test#root#0", "start:test#root#0",
                                      "scan:test#root#0", "c.attach:logical#test#root#0#0",
                                      "c.start:logical#test#root#0#0",
                                      "c.scan:logical#test#root#0#0"};
    EXPECT_EQ(g_calls, want);
    ASSERT_NE(g_child, nullptr);
    EXPECT_EQ(kern_device_parent(g_child), root);
    EXPECT_EQ(kern_device_driver(g_child), g_child_drv);
    EXPECT_STREQ(kern_device_bus_identifier(g_child), "com.test.child");
    EXPECT_EQ(kern_device_state(g_child), KERN_DEV_STARTED);
}

TEST_F(DeviceLayer, DeviceRegisterOutsideScanIsNotSupported)
{
    add_root();
    EXPECT_EQ(g_register_in_start, VMK_NOT_SUPPORTED);
}

TEST_F(DeviceLayer, FailedAttachLeavesTheDeviceUnclaimed)
{
    g_attach_rc = VMK_NO_MEMORY;
    vmk_Device root = add_root();
    EXPECT_EQ(kern_device_state(root), KERN_DEV_UNCLAIMED);
    EXPECT_EQ(kern_device_driver(root), nullptr);
    EXPECT_EQ(g_calls, std::vector<std::string>{"attach:test#root#0"});
    // The driver changes its mind: binding again succeeds.
    g_attach_rc = VMK_OK;
    EXPECT_EQ(kern_device_bind(root), VMK_OK);
    EXPECT_EQ(kern_device_state(root), KERN_DEV_STARTED);
}

TEST_F(DeviceLayer, IllegalTransitionsAreRefusedAndChangeNothing)
{
    vmk_Device root = add_root();
    uint64_t before = kern_device_refusals();
    size_t ncalls = g_calls.size();
    sim_err err{};
    EXPECT_EQ(kern_device_detach(root, &err), VMK_BUSY);       // started: quiesce first
    EXPECT_NE(std::string(err.msg).find("detach refused in state started"), std::string::npos);
    EXPECT_EQ(kern_device_start(root, nullptr), VMK_BUSY);     // already started
    EXPECT_EQ(kern_device_attach(root, g_parent_drv, nullptr), VMK_BUSY);   // claimed
    EXPECT_EQ(kern_device_refusals(), before + 3);
    EXPECT_EQ(g_calls.size(), ncalls);                         // no driver was called
    EXPECT_EQ(kern_device_state(root), KERN_DEV_STARTED);

    EXPECT_EQ(kern_device_quiesce(g_child, nullptr), VMK_OK);
    EXPECT_EQ(kern_device_scan(g_child, nullptr), VMK_BUSY);   // scan needs a started device
    EXPECT_EQ(kern_device_quiesce(g_child, nullptr), VMK_BUSY);
    EXPECT_EQ(kern_device_start(g_child, nullptr), VMK_OK);    // quiesced → started is legal
    EXPECT_EQ(vmk_DeviceUnregister(g_child), VMK_BUSY);        // a driver is attached
    EXPECT_EQ(kern_device_state(g_child), KERN_DEV_STARTED);
}

TEST_F(DeviceLayer, OrderlyRemovalTakesChildrenFirstThenQuiesceDetach)
{
    vmk_Device root = add_root();
    g_calls.clear();
    g_events.clear();
    EXPECT_EQ(kern_device_remove(root, KERN_REMOVE_ORDERLY, nullptr), VMK_OK);
    std::vector<std::string> want = {
        "c.quiesce:logical#test#root#0#0", "c.detach:logical#test#root#0#0",
        "removeDevice:logical#test#root#0#0", "quiesce:test#root#0", "detach:test#root#0"};
    EXPECT_EQ(g_calls, want);
    EXPECT_EQ(g_events.back(), "unregister:test#root#0");
    EXPECT_EQ(kern_device_count(), 0u);
}

TEST_F(DeviceLayer, SurpriseRemovalForgetsFirst)
{
    vmk_Device root = add_root();
    g_calls.clear();
    EXPECT_EQ(kern_device_remove(root, KERN_REMOVE_SURPRISE, nullptr), VMK_OK);
    std::vector<std::string> want = {
        "forget:test#root#0", "c.forget:logical#test#root#0#0",
        "c.quiesce:logical#test#root#0#0", "c.detach:logical#test#root#0#0",
        "removeDevice:logical#test#root#0#0", "quiesce:test#root#0", "detach:test#root#0"};
    EXPECT_EQ(g_calls, want);
    EXPECT_EQ(kern_device_count(), 0u);
}

TEST_F(DeviceLayer, RefusedQuiesceStopsAnOrderlyRemovalButNotASurpriseOne)
{
    g_children_to_register = 0;
    vmk_Device root = add_root();
    g_quiesce_rc = VMK_BUSY;
    sim_err err{};
    EXPECT_EQ(kern_device_remove(root, KERN_REMOVE_ORDERLY, &err), VMK_BUSY);
    EXPECT_NE(std::string(err.msg).find("refused quiesce"), std::string::npos);
    EXPECT_TRUE(kern_device_valid(root));
    EXPECT_EQ(kern_device_state(root), KERN_DEV_STARTED);
    EXPECT_EQ(kern_device_remove(root, KERN_REMOVE_SURPRISE, nullptr), VMK_OK);
    EXPECT_EQ(kern_device_count(), 0u);
}

TEST_F(DeviceLayer, DriverRegisterOutsideModuleInitIsNotSupported)
{
    vmk_DriverProps props{};
    snprintf(props.name.string, sizeof props.name.string, "stray");
    props.ops = &g_parent_ops;
    vmk_Driver d;
    EXPECT_EQ(vmk_DriverRegister(&props, &d), VMK_NOT_SUPPORTED);
}

TEST_F(DeviceLayer, IdentityRulesAreChecked)
{
    vmk_Device d = nullptr;
    sim_err err{};
    // '#' only in logical addresses.
    EXPECT_NE(kern_device_register_root("pci", "00#1", nullptr, vmk_AddrCookie{}, nullptr,
                                        nullptr, &d, &err), VMK_OK);
    EXPECT_NE(std::string(err.msg).find("not allowed"), std::string::npos);
    // A logical device needs a bus identifier; a bus address is unique.
    EXPECT_NE(kern_device_register_root("logical", "x#1", nullptr, vmk_AddrCookie{}, nullptr,
                                        nullptr, &d, &err), VMK_OK);
    EXPECT_EQ(kern_device_register_root("logical", "x#1", "com.test.none", vmk_AddrCookie{},
                                        nullptr, nullptr, &d, &err), VMK_OK);
    EXPECT_NE(kern_device_register_root("logical", "x#1", "com.test.none", vmk_AddrCookie{},
                                        nullptr, nullptr, &d, &err), VMK_OK);
    EXPECT_NE(kern_device_register_root("usb", "1", nullptr, vmk_AddrCookie{}, nullptr, nullptr,
                                        &d, &err), VMK_OK);
    EXPECT_NE(std::string(err.msg).find("unknown bus type 'usb'"), std::string::npos);
}

TEST_F(DeviceLayer, UnregisteringTheDriverDetachesItsDevicesChildrenFirst)
{
    vmk_Device root = add_root();
    g_calls.clear();
    EXPECT_EQ(vmk_DriverUnregister(g_parent_drv), VMK_OK);
    std::vector<std::string> want = {
        "c.quiesce:logical#test#root#0#0", "c.detach:logical#test#root#0#0",
        "removeDevice:logical#test#root#0#0", "quiesce:test#root#0", "detach:test#root#0"};
    EXPECT_EQ(g_calls, want);
    EXPECT_TRUE(kern_device_valid(root));   // the device stays, unclaimed
    EXPECT_EQ(kern_device_state(root), KERN_DEV_UNCLAIMED);
    EXPECT_EQ(kern_driver_find("parent_drv"), nullptr);
}

}  // namespace
