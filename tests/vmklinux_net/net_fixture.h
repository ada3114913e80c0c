// net_fixture.h — a booted platform with one 82540EM ("nic0") whose port is looped back, the
// uplink layer, and the driver map giving the NIC to vmklinux; loads the shim and a Linux
// network driver module from a sim thread, then rescans the function so vmklinux registers the
// driver's net_device as an uplink (docs/vmklinux.md "Network"). Shared by the tests of this
// folder.
#ifndef VMKLINUX_NET_FIXTURE_H
#define VMKLINUX_NET_FIXTURE_H

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "devices/nic/e1000.h"
#include "devices/pcie/pci_access.h"
#include "devices/wire/wire.h"
#include "kernel_model/device/device.h"
#include "kernel_model/dma/dma.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/kernel.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/uplink/uplink.h"
#include "kernel_model/world/world.h"
#include "sim/sim.h"
#include "tests/common/boot_one.h"

class VmklinuxNet : public ::testing::Test {
protected:
    platform_desc pd{};
    kern_system *sys = nullptr;
    kern_pci_dev *pdev = nullptr;
    e1000 *nic = nullptr;
    wire_link *loop = nullptr;
    kern_module *vl = nullptr, *drv = nullptr;
    uint64_t bugs0 = 0;
    sim_err err{};

    void SetUp() override
    {
        // VMKSIM_TEST_LOG=1 shows the simulator's log on stderr.
        sim_log_set_file(getenv("VMKSIM_TEST_LOG") ? stderr : nullptr);
        bugs0 = kern_bug_count();
        kern_timing_set_enabled(true);
        kern_timing_reset_counters();
        vmksim_test::OneEndpoint one;
        ASSERT_NO_FATAL_FAILURE(vmksim_test::boot_one_endpoint(&pd, "e1000", "nic0", &one, 1, true));
        sys = one.sys;
        pdev = one.pdev;
        nic = static_cast<e1000 *>(pcie_endpoint_state(one.ep));
        ASSERT_EQ(wire_link_new(e1000_port(nic), e1000_port(nic), 0, &loop, &err), 0) << err.msg;
        ASSERT_EQ(kern_uplink_layer_init(&err), 0) << err.msg;
        ASSERT_EQ(kern_driver_map_add_pci(0x8086, 0x100e, "vmklinux", &err), 0) << err.msg;
        kern_mem_reset_accounting();
    }

    void TearDown() override
    {
        run([&] {
            if (drv)
                kern_module_unload(drv->name, nullptr);
            if (vl)
                kern_module_unload("vmklinux", nullptr);
        });
        // No simulator-reported bug (blocking in a NetPoll, spinlock misuse) anywhere.
        EXPECT_EQ(kern_bug_count(), bugs0);
        wire_link_free(loop);
        kern_shutdown(sys);
        kern_uplink_layer_reset();
        kern_device_layer_reset();
        kern_intr_reset();
        kern_dma_reset();
        kern_mem_reset_accounting();
        platform_desc_free(&pd);
    }

    static void run_fn(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }
    void run(std::function<void()> body)
    {
        sim_thread_spawn("test", run_fn, &body);
        sim_run_until(SIM_TIME_MAX);
    }

    vmk_Device dev() { return kern_pci_bus_device(pdev); }

    // vmklinux, then the Linux driver (probed at pci_register_driver), then a rescan of the
    // function: vmklinux's scan registers the net_device's uplink, the uplink layer claims and
    // starts it (ndo_open).
    void load(const char *driver_path)
    {
        int rc = -1;
        run([&] { rc = kern_module_load(VMKLINUX_PATH, &vl, &err); });
        ASSERT_EQ(rc, 0) << err.msg;
        run([&] { rc = kern_module_load(driver_path, &drv, &err); });
        ASSERT_EQ(rc, 0) << err.msg;
        run([&] { EXPECT_EQ(kern_device_scan(dev(), &err), VMK_OK) << err.msg; });
        ASSERT_NE(kern_uplink_find("vmnic0"), nullptr);
    }

    int unload(kern_module **m)
    {
        int rc = -1;
        std::string name = (*m)->name;
        run([&] { rc = kern_module_unload(name.c_str(), &err); });
        if (rc == 0)
            *m = nullptr;
        return rc;
    }

    template <typename T> T *sym(const char *name)
    {
        void *p = dlsym(drv->handle, name);
        EXPECT_NE(p, nullptr) << name;
        return static_cast<T *>(p);
    }

    kern_mem_usage mem(int owner)
    {
        kern_mem_usage u;
        kern_mem_report(owner, &u);
        return u;
    }

    wire_traffic_params traffic(size_t len, uint64_t count)
    {
        wire_traffic_params t{};
        e1000_mac_address(nic, t.dst);   // the receiver's own address passes its filter
        const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x51};
        memcpy(t.src, src, 6);
        t.stream_id = 5;
        t.frame_len = len;
        t.count = count;
        t.seed = 7;
        return t;
    }
};

#endif
