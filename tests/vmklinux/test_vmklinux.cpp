// test_vmklinux.cpp — the vmklinux shim with a Linux-style e1000 driver (testmods/lxtest_e1000.c)
// on a booted platform: vmklinux is the one native driver of the function and probes the Linux
// driver with a pci_dev built from the vmk_PCI queries; readl reaches the device model; INTx and
// MSI interrupts run the Linux handler through vmklinux's generic handler as the driver's module;
// timers and work run; remove frees everything (heap accounting back to zero); instructions are
// attributed to the driver and to vmklinux; the loader refuses an api=vmklinux module without the
// shim dependency. Everything that touches the device runs in a sim thread, as drivers do.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "devices/pcie/pci_access.h"
#include "kernel_model/device/device.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/kernel.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/world/world.h"
#include "sim/sim.h"

namespace {

constexpr uint64_t kStatus = 0x8, kIcs = 0xC8, kIms = 0xD0;   // 82540EM SDM §13.4
constexpr uint32_t kTxdw = 1u << 0;                           // ICR.TXDW, §13.4.17

void run_in_thread(std::function<void()> fn)
{
    static std::function<void()> *pending;
    pending = &fn;
    sim_thread_spawn("lxtest", [](void *) { (*pending)(); }, nullptr);
    sim_run_until(SIM_TIME_MAX);
}

template <typename T> T *sym(kern_module *m, const char *name)
{
    void *p = dlsym(m->handle, name);
    EXPECT_NE(p, nullptr) << name;
    return static_cast<T *>(p);
}

class Vmklinux : public ::testing::Test {
protected:
    platform_desc pd{};
    kern_system *sys = nullptr;
    kern_pci_dev *nic = nullptr;
    kern_module *vl = nullptr, *drv = nullptr;
    uint64_t bugs0 = 0;

    void SetUp() override
    {
        sim_log_set_file(getenv("LXTEST_LOG") ? stderr : nullptr);   // LXTEST_LOG=1: show logs
        bugs0 = kern_bug_count();
        platform_desc_init(&pd);
        pd.nroot_ports = 1;
        pd.root_ports[0].slot = 1;
        pd.root_ports[0].hotplug = true;
        pd.root_ports[0].link = pcie_link_params_default();
        pd.root_ports[0].kind = PCIE_NODE_ENDPOINT;
        snprintf(pd.root_ports[0].endpoint.model, PLATFORM_NAME_LEN, "e1000");
        snprintf(pd.root_ports[0].endpoint.name, PLATFORM_NAME_LEN, "nic0");
        sim_err err{};
        ASSERT_EQ(kern_boot(&pd, &sys, &err), 0) << err.msg;
        for (size_t i = 0; i < kern_pci_count(sys->pci); i++) {
            kern_pci_dev *d = kern_pci_at(sys->pci, i);
            if (d->vendor_id == 0x8086 && d->device_id == 0x100e)
                nic = d;
        }
        ASSERT_NE(nic, nullptr);
        kern_mem_reset_accounting();
        kern_timing_reset_counters();
    }

    void TearDown() override
    {
        run_in_thread([&] {
            if (drv)
                kern_module_unload(drv->name, nullptr);
            if (vl)
                kern_module_unload("vmklinux", nullptr);
        });
        // No simulator-reported bug (spinlock misuse, blocking at interrupt level) anywhere.
        EXPECT_EQ(kern_bug_count(), bugs0);
        kern_shutdown(sys);
        kern_device_layer_reset();
        kern_intr_reset();
        platform_desc_free(&pd);
    }

    int load(const char *path, kern_module **out, std::string *msg = nullptr)
    {
        int rc = -1;
        run_in_thread([&] {
            sim_err err{};
            rc = kern_module_load(path, out, &err);
            if (msg)
                *msg = err.msg;
        });
        return rc;
    }

    // vmklinux drives the e1000 (driver map), then the Linux driver is loaded.
    void load_both(const char *driver_path = LXTEST_PATH)
    {
        sim_err err{};
        ASSERT_EQ(kern_driver_map_add_pci(0x8086, 0x100e, "vmklinux", &err), 0) << err.msg;
        std::string msg;
        ASSERT_EQ(load(VMKLINUX_PATH, &vl, &msg), 0) << msg;
        ASSERT_EQ(load(driver_path, &drv, &msg), 0) << msg;
    }

    int unload(kern_module **m)
    {
        int rc = -1;
        std::string name = (*m)->name;
        run_in_thread([&] { rc = kern_module_unload(name.c_str(), nullptr); });
        if (rc == 0)
            *m = nullptr;
        return rc;
    }

    vmk_Device dev() { return kern_pci_bus_device(nic); }
    uint64_t bar0() const { return nic->bars[0].base; }
    uint16_t cfg16(uint16_t off)
    {
        return (uint16_t)pcie_cfg_read(sys->fabric, nic->bus, nic->dev, nic->fn, off, 2);
    }
    // Raises an interrupt cause the way the hardware would (ICS), from a CPU-side write.
    void fire(uint32_t cause)
    {
        run_in_thread([&] {
            pcie_mmio_write(sys->fabric, bar0() + kIms, 4, cause);
            pcie_mmio_write(sys->fabric, bar0() + kIcs, 4, cause);
        });
    }
    int ival(const char *name) { return *sym<int>(drv, name); }
    kern_mem_usage mem(int owner)
    {
        kern_mem_usage u;
        kern_mem_report(owner, &u);
        return u;
    }
};

TEST_F(Vmklinux, ProbeGetsAPciDevBuiltFromTheVmkPciQueries)
{
    load_both();
    EXPECT_EQ(ival("lxtest_inits"), 1);
    EXPECT_EQ(ival("lxtest_probes"), 1);
    EXPECT_EQ(*sym<unsigned>(drv, "lxtest_vendor"), 0x8086u);
    EXPECT_EQ(*sym<unsigned>(drv, "lxtest_device"), 0x100eu);
    EXPECT_EQ(*sym<unsigned>(drv, "lxtest_class"), nic->class_code);
    EXPECT_EQ(*sym<unsigned long>(drv, "lxtest_id_data"), 7ul);   // the 100E entry matched
    char want[32];
    snprintf(want, sizeof want, "lxtest-0000:%02x:%02x.%x", nic->bus, nic->dev, nic->fn);
    EXPECT_STREQ(sym<char>(drv, "lxtest_name"), want);
    EXPECT_EQ(ival("lxtest_regions_again"), -16);   // -EBUSY: the regions are already held
    // vmklinux formats by itself (a module has no libc): same result as the host's printf.
    char host[128];
    int n = snprintf(host, sizeof host, "%d|%5s|%-4u|%#x|%08lx|%c|%lld|%zu|%.2s|%+d|%o|%X|%%|%p",
                     -42, "ab", 7u, 255, 0xbeefUL, 'Z', -9000000000LL, (size_t)12, "xyz", 5, 8,
                     0xabcu, (void *)0x1234);
    EXPECT_STREQ(sym<char>(drv, "lxtest_fmt"), host);
    EXPECT_EQ(ival("lxtest_fmt_len"), n);
    // vmklinux is the function's one native driver; the Linux driver never appears there.
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_STARTED);
    EXPECT_STREQ(kern_driver_name(kern_device_driver(dev())), "vmklinux");
    // pci_enable_device + pci_set_master reached configuration space.
    uint16_t cmd = *sym<uint16_t>(drv, "lxtest_command");
    EXPECT_EQ(cmd & 0x6u, 0x6u);
    EXPECT_EQ(cfg16(0x04) & 0x6u, 0x6u);
    // readl went through the BAR mapping and the fabric to the model.
    uint32_t direct = 0;
    run_in_thread([&] { direct = (uint32_t)pcie_mmio_read(sys->fabric, bar0() + kStatus, 4); });
    EXPECT_EQ(*sym<uint32_t>(drv, "lxtest_status"), direct);
    EXPECT_NE(direct & 1u, 0u);   // STATUS.FD
    kern_pci_bus_stats st;
    kern_pci_bus_get_stats(&st);
    EXPECT_EQ(st.mappings_live, 1u);
    EXPECT_GE(st.mmio_reads, 1u);
    // DMA: a coherent ring and a streaming mapping, as IO addresses (not host pointers).
    EXPECT_NE(*sym<unsigned long long>(drv, "lxtest_ring_dma"), 0u);
    EXPECT_NE(*sym<unsigned long long>(drv, "lxtest_rx_dma"), 0u);
    // kmem_cache: three objects created (ctor each), one freed and taken again (no ctor).
    EXPECT_EQ(ival("lxtest_ctor_runs"), 3);
    // kmalloc (adapter + rx buffer), the coherent ring and the 3 slab objects count against the
    // driver's module.
    kern_mem_usage u = mem(drv->id);
    EXPECT_GE(u.live_count, 6u);
    EXPECT_GE(u.live_bytes, 4096u + 2048u + 3 * 200u);
}

TEST_F(Vmklinux, DriverRegisteredFirstIsProbedWhenTheDeviceAttaches)
{
    std::string msg;
    ASSERT_EQ(load(VMKLINUX_PATH, &vl, &msg), 0) << msg;
    ASSERT_EQ(load(LXTEST_PATH, &drv, &msg), 0) << msg;
    EXPECT_EQ(ival("lxtest_probes"), 0);   // no map entry yet: vmklinux drives nothing
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_UNCLAIMED);
    sim_err err{};
    ASSERT_EQ(kern_driver_map_add_pci(0x8086, 0x100e, "vmklinux", &err), 0) << err.msg;
    run_in_thread([] { kern_device_bind_all(); });
    EXPECT_EQ(ival("lxtest_probes"), 1);
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_STARTED);
}

TEST_F(Vmklinux, IntxInterruptRunsTheLinuxHandlerAsTheDriver)
{
    load_both();
    EXPECT_EQ(ival("lxtest_msi"), 0);
    EXPECT_EQ(cfg16((uint16_t)(nic->cap_msi + 2)) & 1u, 0u);   // MSI Enable clear: INTx
    int before = ival("lxtest_irq_count");
    kern_mem_usage m0 = mem(drv->id);
    fire(kTxdw);
    EXPECT_EQ(ival("lxtest_irq_count"), before + 1);
    EXPECT_NE(*sym<uint32_t>(drv, "lxtest_last_icr") & kTxdw, 0u);
    // The handler's kmalloc landed on the driver's heap: vmklinux ran it as the driver.
    kern_mem_usage m1 = mem(drv->id);
    EXPECT_EQ(m1.allocs, m0.allocs + 1);
    EXPECT_EQ(m1.frees, m0.frees + 1);
    EXPECT_NE(*sym<void *>(drv, "lxtest_irq_kmalloc"), nullptr);
    // The handler scheduled work; vmklinux's worker world ran it.
    EXPECT_GE(ival("lxtest_work_runs"), 1);
}

TEST_F(Vmklinux, MsiInterruptRunsTheLinuxHandler)
{
    load_both(LXTEST_MSI_PATH);
    EXPECT_EQ(ival("lxtest_msi"), 1);
    unsigned irq = *sym<unsigned>(drv, "lxtest_irq");
    EXPECT_EQ(kern_intr_owner((int)irq), vl->id);   // vmklinux owns the vector
    EXPECT_EQ(cfg16((uint16_t)(nic->cap_msi + 2)) & 1u, 1u);
    int before = ival("lxtest_irq_count");
    uint64_t runs = kern_intr_count((int)irq);
    fire(kTxdw);
    EXPECT_EQ(ival("lxtest_irq_count"), before + 1);
    EXPECT_EQ(kern_intr_count((int)irq), runs + 1);
    // remove: pci_disable_msi turned MSI off again.
    ASSERT_EQ(unload(&drv), 0);
    EXPECT_EQ(cfg16((uint16_t)(nic->cap_msi + 2)) & 1u, 0u);
    EXPECT_EQ(kern_intr_owner((int)irq), -1);
}

TEST_F(Vmklinux, TimerFiresAsTheDriver)
{
    load_both();
    // The watchdog was armed 2 ms ahead; run_in_thread ran the simulation to its end.
    EXPECT_EQ(ival("lxtest_timer_runs"), 1);
}

TEST_F(Vmklinux, HotRemovalCallsRemoveWhichFreesEverything)
{
    load_both();
    fire(kTxdw);
    sim_err err{};
    run_in_thread([&] { EXPECT_EQ(kern_pci_bus_remove(nic, KERN_REMOVE_ORDERLY, &err), VMK_OK); });
    EXPECT_EQ(ival("lxtest_removes"), 1);   // vmklinux's detach called the driver's remove
    kern_mem_usage u = mem(drv->id);
    EXPECT_GT(u.allocs, 0u);
    EXPECT_EQ(u.allocs, u.frees);
    EXPECT_EQ(u.live_bytes, 0u);
    EXPECT_EQ(u.live_count, 0u);
    EXPECT_EQ(u.leaked_bytes, 0u);
    kern_pci_bus_stats st;
    kern_pci_bus_get_stats(&st);
    EXPECT_EQ(st.mappings_live, 0u);
    EXPECT_EQ(st.vectors_live, 0u);
    EXPECT_EQ(st.leaked_mappings + st.leaked_vectors, 0u);
    EXPECT_EQ(kern_pci_bus_device(nic), nullptr);
}

TEST_F(Vmklinux, UnloadingTheDriverRemovesItAndFreesEverything)
{
    load_both();
    fire(kTxdw);
    int drv_id = drv->id;
    ASSERT_EQ(unload(&drv), 0);   // module_exit -> pci_unregister_driver -> remove
    kern_mem_usage u = mem(drv_id);
    EXPECT_GT(u.allocs, 0u);
    EXPECT_EQ(u.allocs, u.frees);
    EXPECT_EQ(u.live_bytes, 0u);
    EXPECT_EQ(u.leaked_bytes, 0u);   // nothing was left on the heap vmklinux destroyed
    kern_pci_bus_stats st;
    kern_pci_bus_get_stats(&st);
    EXPECT_EQ(st.mappings_live, 0u);
    EXPECT_EQ(st.vectors_live, 0u);
    EXPECT_EQ(st.leaked_mappings + st.leaked_vectors, 0u);
    // vmklinux still drives the function, with no Linux driver bound.
    EXPECT_STREQ(kern_driver_name(kern_device_driver(dev())), "vmklinux");
    // Unloading the shim detaches it and frees its own records.
    int vl_id = vl->id;
    ASSERT_EQ(unload(&vl), 0);
    EXPECT_EQ(kern_device_state(dev()), KERN_DEV_UNCLAIMED);
    kern_mem_usage v = mem(vl_id);
    EXPECT_EQ(v.live_bytes, 0u);
    EXPECT_EQ(v.leaked_bytes, 0u);
}

TEST_F(Vmklinux, InstructionsAreAttributedToTheDriverAndToVmklinux)
{
    load_both();
    EXPECT_GT(kern_timing_owner_insns(drv->id), 0u);
    EXPECT_GT(kern_timing_owner_insns(vl->id), 0u);
    // An interrupt runs code of both: vmklinux's generic handler and the driver's handler.
    uint64_t d0 = kern_timing_owner_insns(drv->id), v0 = kern_timing_owner_insns(vl->id);
    fire(kTxdw);
    EXPECT_GT(kern_timing_owner_insns(drv->id), d0);
    EXPECT_GT(kern_timing_owner_insns(vl->id), v0);
}

TEST_F(Vmklinux, ShimCannotUnloadWhileADriverUsesIt)
{
    load_both();
    int rc = 0;
    std::string msg;
    run_in_thread([&] {
        sim_err err{};
        rc = kern_module_unload("vmklinux", &err);
        msg = err.msg;
    });
    EXPECT_NE(rc, 0);
    EXPECT_NE(msg.find("in use"), std::string::npos) << msg;
}

TEST_F(Vmklinux, LinuxDriverWithoutTheShimLoadedIsRefused)
{
    std::string msg;
    kern_module *m = nullptr;
    EXPECT_NE(load(LXTEST_PATH, &m, &msg), 0);
    EXPECT_NE(msg.find("dependency 'vmklinux' is not loaded"), std::string::npos) << msg;
}

TEST_F(Vmklinux, ApiVmklinuxModuleWithoutTheShimDependencyIsRefused)
{
    std::string msg;
    ASSERT_EQ(load(VMKLINUX_PATH, &vl, &msg), 0) << msg;
    kern_module *m = nullptr;
    EXPECT_NE(load(LXTEST_NODEP_PATH, &m, &msg), 0);
    EXPECT_NE(msg.find("'vmklinux' (the shim) is not in depends"), std::string::npos) << msg;
    // vmksim modinfo says the same and exits 1; the real driver is loadable.
    std::string cmd = std::string(VMKSIM_BIN) + " modinfo " + LXTEST_NODEP_PATH + " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    while (fgets(buf, sizeof buf, p))
        out += buf;
    int status = pclose(p);
    EXPECT_EQ(WEXITSTATUS(status), 1) << out;
    EXPECT_NE(out.find("not in depends"), std::string::npos) << out;
    cmd = std::string(VMKSIM_BIN) + " modinfo " + LXTEST_PATH + " 2>&1";
    p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    out.clear();
    while (fgets(buf, sizeof buf, p))
        out += buf;
    status = pclose(p);
    EXPECT_EQ(WEXITSTATUS(status), 0) << out;
    EXPECT_NE(out.find("module vmklinux"), std::string::npos) << out;   // symbols bind to the shim
}

}  // namespace
