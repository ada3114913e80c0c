// test_pci_bus.cpp — the PCI bus driver with a real native driver module (testmods/kdtest_drv.c)
// bound to an e1000 endpoint through the driver map: the lifecycle as the module sees it, BAR
// mapping and MMIO through the fabric, the MSI capability programmed in configuration space,
// attribution of the driver's instructions to its module, orderly and surprise removal, stale
// mappings and leaks. Everything that touches the device runs in a sim thread, as drivers do.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>

#include "devices/pcie/pci_access.h"
#include "kernel_model/device/device.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/kernel.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/timing/timing.h"
#include "sim/sim.h"

namespace {

struct ModState {
    char *trace;
    int *fail_attach, *leak;
    vmk_uint32 *status;
    vmk_VA *va;
    vmk_MA *bar0;
    vmk_IntrCookie *cookie;
    VMK_ReturnStatus *reg_attach, *reg_scan;
    vmk_ModuleID *stack_top;
    vmk_uint32 (*read_stale)(void);
};

template <typename T> void sym(void *h, const char *name, T &out)
{
    out = reinterpret_cast<T>(dlsym(h, name));
    ASSERT_NE(out, nullptr) << name;
}

int g_uplink_attached;
VMK_ReturnStatus up_ok(vmk_Device) { g_uplink_attached++; return VMK_OK; }
VMK_ReturnStatus up_noop(vmk_Device) { return VMK_OK; }
VMK_ReturnStatus up_detach(vmk_Device) { g_uplink_attached--; return VMK_OK; }
vmk_DriverOps g_uplink_ops = {up_ok, up_noop, up_detach, up_noop, up_noop, nullptr};

void run_in_thread(std::function<void()> fn)
{
    static std::function<void()> *pending;
    pending = &fn;
    sim_thread_spawn("kdtest", [](void *) { (*pending)(); }, nullptr);
    sim_run_until(SIM_TIME_MAX);
}

class PciBus : public ::testing::Test {
protected:
    platform_desc pd{};
    kern_system *sys = nullptr;
    kern_module *mod = nullptr;
    ModState ms{};
    kern_pci_dev *nic = nullptr;
    vmk_Driver uplink = nullptr;

    void SetUp() override
    {
        sim_log_set_file(nullptr);
        platform_desc_init(&pd);
        pd.nroot_ports = 2;
        for (int i = 0; i < 2; i++) {
            pd.root_ports[i].slot = i + 1;
            pd.root_ports[i].hotplug = true;
            pd.root_ports[i].link = pcie_link_params_default();
            pd.root_ports[i].kind = PCIE_NODE_ENDPOINT;
        }
        snprintf(pd.root_ports[0].endpoint.model, PLATFORM_NAME_LEN, "e1000");
        snprintf(pd.root_ports[0].endpoint.name, PLATFORM_NAME_LEN, "nic0");
        snprintf(pd.root_ports[1].endpoint.model, PLATFORM_NAME_LEN, "pvscsi");
        snprintf(pd.root_ports[1].endpoint.name, PLATFORM_NAME_LEN, "hba0");
        sim_err err{};
        ASSERT_EQ(kern_boot(&pd, &sys, &err), 0) << err.msg;
        for (size_t i = 0; i < kern_pci_count(sys->pci); i++) {
            kern_pci_dev *d = kern_pci_at(sys->pci, i);
            if (d->vendor_id == 0x8086 && d->device_id == 0x100e)
                nic = d;
        }
        ASSERT_NE(nic, nullptr);
        ASSERT_NE(kern_pci_bus_device(nic), nullptr);
        EXPECT_EQ(kern_device_state(kern_pci_bus_device(nic)), KERN_DEV_UNCLAIMED);
        // The uplink layer's stand-in: claims the driver's logical child.
        g_uplink_attached = 0;
        ASSERT_EQ(kern_driver_register_internal("uplink_test", VMK_UPLINK_DEVICE_IDENTIFIER,
                                                &g_uplink_ops, vmk_AddrCookie{}, &uplink, &err),
                  VMK_OK) << err.msg;
        // Loaded without a driver-map entry: nothing binds until the test says so.
        ASSERT_EQ(kern_module_load(KDTEST_DRV_PATH, &mod, &err), 0) << err.msg;
        void *h = mod->handle;
        sym(h, "kdtest_trace", ms.trace);
        sym(h, "kdtest_fail_attach", ms.fail_attach);
        sym(h, "kdtest_leak_on_detach", ms.leak);
        sym(h, "kdtest_status", ms.status);
        sym(h, "kdtest_bar0_va", ms.va);
        sym(h, "kdtest_bar0_bus", ms.bar0);
        sym(h, "kdtest_cookie", ms.cookie);
        sym(h, "kdtest_register_in_attach", ms.reg_attach);
        sym(h, "kdtest_register_in_scan", ms.reg_scan);
        sym(h, "kdtest_stack_top", ms.stack_top);
        sym(h, "kdtest_read_stale", ms.read_stale);
        EXPECT_EQ(kern_device_state(kern_pci_bus_device(nic)), KERN_DEV_UNCLAIMED);
    }

    void TearDown() override
    {
        if (mod)
            kern_module_unload("kdtest_drv", nullptr);
        kern_shutdown(sys);
        kern_device_layer_reset();
        kern_intr_reset();
        platform_desc_free(&pd);
    }

    void bind()
    {
        sim_err err{};
        ASSERT_EQ(kern_driver_map_add_pci(0x8086, 0x100e, "kdtest_e1000", &err), 0) << err.msg;
        run_in_thread([] { kern_device_bind_all(); });
    }

    vmk_Device dev() { return kern_pci_bus_device(nic); }
    uint16_t msi_cap() const
    {
        return nic->cap_msi;
    }
    uint16_t cfg16(uint16_t off)
    {
        return (uint16_t)pcie_cfg_read(sys->fabric, nic->bus, nic->dev, nic->fn, off, 2);
    }
    uint32_t cfg32(uint16_t off)
    {
        return pcie_cfg_read(sys->fabric, nic->bus, nic->dev, nic->fn, off, 4);
    }
};

TEST_F(PciBus, EveryEndpointFunctionIsARegisteredPciDevice)
{
    size_t endpoints = 0;
    for (size_t i = 0; i < kern_pci_count(sys->pci); i++) {
        kern_pci_dev *d = kern_pci_at(sys->pci, i);
        vmk_Device v = kern_pci_bus_device(d);
        if (d->header_type != 0) {
            EXPECT_EQ(v, nullptr);
            continue;
        }
        endpoints++;
        ASSERT_NE(v, nullptr);
        EXPECT_STREQ(kern_device_bus_type(v), "pci");
        char addr[16];
        EXPECT_STREQ(kern_device_bus_address(v), kern_pci_bus_address(d, addr, sizeof addr));
        vmk_PCIDeviceID id;
        ASSERT_EQ(vmk_PCIQueryDeviceID((vmk_PCIDevice)kern_device_registration_data(v).ptr, &id),
                  VMK_OK);
        EXPECT_EQ(id.vendorID, d->vendor_id);
        EXPECT_EQ(id.deviceID, d->device_id);
        EXPECT_EQ(id.classCode, d->class_code >> 8);
    }
    EXPECT_EQ(endpoints, 2u);
}

TEST_F(PciBus, DriverRunsAttachStartScanAndReadsStatusThroughItsMapping)
{
    sim_time_t t0 = sim_now();
    bind();
    EXPECT_STREQ(ms.trace, "ASC");
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_STARTED);
    EXPECT_STREQ(kern_driver_name(kern_device_driver(dev())), "kdtest_e1000");
    // The mapping is a kernel virtual address, not the BAR.
    EXPECT_EQ(*ms.bar0, nic->bars[0].base);
    EXPECT_NE(*ms.va, 0u);
    EXPECT_NE((uint64_t)*ms.va, nic->bars[0].base);
    // STATUS as the device answers it (full duplex at least; 82540EM SDM §13.4.2), and the read
    // crossed the fabric: a non-posted round trip takes simulated time.
    uint32_t direct = (uint32_t)pcie_mmio_read(sys->fabric, nic->bars[0].base + 8, 4);
    EXPECT_EQ(*ms.status, direct);
    EXPECT_NE(*ms.status & 1u, 0u);
    EXPECT_GT(sim_now(), t0);
    kern_pci_bus_stats st;
    kern_pci_bus_get_stats(&st);
    EXPECT_EQ(st.mmio_reads, 1u);
    EXPECT_EQ(st.mappings_live, 1u);
    // Children come from scan only.
    EXPECT_EQ(*ms.reg_attach, VMK_NOT_SUPPORTED);
    EXPECT_EQ(*ms.reg_scan, VMK_OK);
    vmk_Device child = kern_device_first_child(dev());
    ASSERT_NE(child, nullptr);
    EXPECT_STREQ(kern_device_bus_identifier(child), VMK_UPLINK_DEVICE_IDENTIFIER);
    EXPECT_STREQ(kern_device_bus_type(child), "logical");
    EXPECT_EQ(kern_device_driver(child), uplink);
    EXPECT_EQ(g_uplink_attached, 1);
}

TEST_F(PciBus, DriverCodeRunsAsItsModuleInAWorld)
{
    kern_timing_reset_counters();
    bind();
    EXPECT_EQ(*ms.stack_top, mod->id);
    EXPECT_GT(kern_timing_owner_insns(mod->id), 0u);
    EXPECT_EQ(kern_tworld_owner_insns(kern_tworld_unattached(), mod->id), 0u);
}

TEST_F(PciBus, MsiCookieIsProgrammedIntoTheCapability)
{
    bind();
    ASSERT_NE(msi_cap(), 0);
    int vec = (int)*ms.cookie;
    EXPECT_GE(vec, KERN_INTR_VEC_FIRST);
    EXPECT_EQ(kern_intr_owner(vec), mod->id);
    uint16_t ctrl = cfg16((uint16_t)(msi_cap() + 2));
    EXPECT_EQ(ctrl & 1u, 1u);              // MSI Enable (PCIe Base Spec 5.0 §7.7.1.2)
    EXPECT_EQ(ctrl & 0x70u, 0u);           // Multiple Message Enable: one vector
    uint64_t addr; uint32_t data;
    ASSERT_TRUE(ctrl & 0x80u);             // the e1000 function has a 64-bit address
    addr = cfg32((uint16_t)(msi_cap() + 4)) | (uint64_t)cfg32((uint16_t)(msi_cap() + 8)) << 32;
    data = cfg16((uint16_t)(msi_cap() + 12));
    int got_vec = -1, apic = -1;
    ASSERT_TRUE(kern_msi_decode(addr, data, &got_vec, &apic));
    EXPECT_EQ(got_vec, vec);
}

TEST_F(PciBus, OrderlyRemovalTakesTheChildFirstAndUndoesAttach)
{
    bind();
    int vec = (int)*ms.cookie;
    sim_err err{};
    run_in_thread([&] { EXPECT_EQ(kern_pci_bus_remove(nic, KERN_REMOVE_ORDERLY, &err), VMK_OK); });
    // R: the module's removeDevice for the uplink child, before the parent's Q and D.
    EXPECT_STREQ(ms.trace, "ASCRQD");
    EXPECT_EQ(g_uplink_attached, 0);
    EXPECT_EQ(kern_pci_bus_device(nic), nullptr);
    EXPECT_EQ(cfg16((uint16_t)(msi_cap() + 2)) & 1u, 0u);   // MSI disabled again
    EXPECT_EQ(kern_intr_owner(vec), -1);
    kern_pci_bus_stats st;
    kern_pci_bus_get_stats(&st);
    EXPECT_EQ(st.mappings_live, 0u);
    EXPECT_EQ(st.vectors_live, 0u);
    EXPECT_EQ(st.leaked_mappings + st.leaked_vectors, 0u);
}

TEST_F(PciBus, SurpriseRemovalCallsForgetFirst)
{
    bind();
    run_in_thread(
        [&] { EXPECT_EQ(kern_pci_bus_remove(nic, KERN_REMOVE_SURPRISE, nullptr), VMK_OK); });
    EXPECT_STREQ(ms.trace, "ASCFRQD");
    EXPECT_EQ(kern_pci_bus_device(nic), nullptr);
}

TEST_F(PciBus, MmioThroughARemovedMappingReadsAllOnesAndIsCounted)
{
    bind();
    run_in_thread([&] {
        EXPECT_EQ(kern_device_quiesce(dev(), nullptr), VMK_OK);
        EXPECT_EQ(kern_device_detach(dev(), nullptr), VMK_OK);
    });
    // Quiesce was one step of its own; detach then removed the child (R) before detaching.
    EXPECT_STREQ(ms.trace, "ASCQRD");
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_UNCLAIMED);
    kern_pci_bus_stats before, after;
    kern_pci_bus_get_stats(&before);
    vmk_uint32 v = 0;
    run_in_thread([&] { v = ms.read_stale(); });
    kern_pci_bus_get_stats(&after);
    EXPECT_EQ(v, 0xFFFFFFFFu);
    EXPECT_EQ(after.mmio_unmapped_reads, before.mmio_unmapped_reads + 1);
    EXPECT_EQ(after.mmio_reads, before.mmio_reads);
}

TEST_F(PciBus, LeftoverMappingAndCookieAreReclaimedAsLeaks)
{
    *ms.leak = 1;
    bind();
    int vec = (int)*ms.cookie;
    run_in_thread([&] { kern_pci_bus_remove(nic, KERN_REMOVE_ORDERLY, nullptr); });
    kern_pci_bus_stats st;
    kern_pci_bus_get_stats(&st);
    EXPECT_EQ(st.leaked_mappings, 1u);
    EXPECT_EQ(st.leaked_vectors, 1u);
    EXPECT_EQ(st.mappings_live, 0u);
    EXPECT_EQ(kern_intr_owner(vec), -1);
}

TEST_F(PciBus, FailedAttachLeavesTheDeviceUnclaimed)
{
    *ms.fail_attach = 1;
    bind();
    EXPECT_STREQ(ms.trace, "A");
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_UNCLAIMED);
    EXPECT_EQ(kern_device_driver(dev()), nullptr);
}

TEST_F(PciBus, IllegalTransitionOnAPciDeviceIsRefused)
{
    bind();
    uint64_t before = kern_device_refusals();
    run_in_thread([&] { EXPECT_EQ(kern_device_detach(dev(), nullptr), VMK_BUSY); });
    EXPECT_EQ(kern_device_refusals(), before + 1);
    EXPECT_STREQ(ms.trace, "ASC");
}

TEST_F(PciBus, UnloadingTheModuleDetachesItsDriver)
{
    bind();
    sim_err err{};
    run_in_thread([&] { EXPECT_EQ(kern_module_unload("kdtest_drv", &err), 0) << err.msg; });
    mod = nullptr;
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_UNCLAIMED);
    EXPECT_EQ(kern_driver_find("kdtest_e1000"), nullptr);
    kern_pci_bus_stats st;
    kern_pci_bus_get_stats(&st);
    EXPECT_EQ(st.mappings_live + st.vectors_live, 0u);
}

TEST_F(PciBus, ConfigWritesNeedTheAttachedDriver)
{
    vmk_PCIDevice h = (vmk_PCIDevice)kern_device_registration_data(dev()).ptr;
    // Module 1 is not attached to this (unclaimed) device; the kernel is always allowed.
    EXPECT_EQ(vmk_PCIWriteConfig(mod->id, h, VMK_PCI_CONFIG_ACCESS_16, 0x04, 0x0006),
              VMK_NO_PERMISSION);
    vmk_uint32 v = 0;
    EXPECT_EQ(vmk_PCIReadConfig(mod->id, h, VMK_PCI_CONFIG_ACCESS_16, 0x00, &v), VMK_OK);
    EXPECT_EQ(v, 0x8086u);
    EXPECT_EQ(vmk_PCIReadConfig(mod->id, h, VMK_PCI_CONFIG_ACCESS_32, 0x02, &v), VMK_BAD_PARAM);
    EXPECT_EQ(vmk_PCIReadConfig(mod->id, h, VMK_PCI_CONFIG_ACCESS_32, 0x1000, &v),
              VMK_LIMIT_EXCEEDED);
    vmk_uint16 off = 0;
    EXPECT_EQ(vmk_PCIFindCapability(h, 0x05, &off), VMK_OK);   // MSI
    EXPECT_EQ(off, nic->cap_msi);
    EXPECT_EQ(vmk_PCIFindCapability(h, 0x11, &off), VMK_NOT_FOUND);   // no MSI-X on the e1000
    vmk_IntrCookie c[2];
    vmk_uint32 n = 0;
    EXPECT_EQ(vmk_PCIAllocIntrCookie(0, h, VMK_PCI_INTERRUPT_TYPE_MSIX, 2, 1, nullptr, c, &n),
              VMK_NOT_SUPPORTED);
}

}  // namespace
