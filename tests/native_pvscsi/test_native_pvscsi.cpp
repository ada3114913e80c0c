// test_native_pvscsi.cpp — the native vmkapi PVSCSI driver (drivers/native/pvscsi, vmk_pvscsi.so)
// against the real controller model: a platform with one "pvscsi" endpoint is booted, a RAM disk
// attached as target 0, the module loaded from a sim thread and bound through the driver map
// (attach → start → scan), its HBA port claimed by the storage layer, whose discovery finds the
// disk. Then the storage workload pushes verified I/O through it: rings wrap, large transfers use
// chained s/g lists, a stalled disk ends in abort, a target added or removed at run time reaches
// the storage layer through the message ring, and unloading leaves nothing allocated.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "devices/disk/scsi_disk.h"
#include "devices/hba/pvscsi.h"
#include "devices/pcie/pci_access.h"
#include "kernel_model/device/device.h"
#include "kernel_model/dma/dma.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/kernel.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/scsi/scsi.h"
#include "kernel_model/timing/timing.h"
#include "sim/sim.h"
#include "tests/common/boot_one.h"

namespace {

constexpr const char *kDisk0 = "vmhba0:C0:T0:L0";

void run_fn(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }

class NativePvscsi : public ::testing::Test {
protected:
    platform_desc pd{};
    kern_system *sys = nullptr;
    kern_pci_dev *pdev = nullptr;
    pvscsi *hba = nullptr;
    scsi_disk *disk0 = nullptr;
    kern_module *mod = nullptr;
    int mod_id = -1;
    sim_err err{};

    void SetUp() override
    {
        sim_log_set_file(getenv("VMKSIM_TEST_LOG") ? stderr : nullptr);
        kern_timing_set_enabled(true);
        kern_timing_reset_counters();
        vmksim_test::OneEndpoint one;
        ASSERT_NO_FATAL_FAILURE(vmksim_test::boot_one_endpoint(&pd, "pvscsi", "hba0", &one));
        sys = one.sys;
        pdev = one.pdev;
        hba = pvscsi_of(one.ep);
        disk0 = attach(0, 64u << 20);
        ASSERT_EQ(kern_driver_map_add_pci(0x15ad, 0x07c0, "vmk_pvscsi", &err), 0) << err.msg;
        int rc = -1;
        run([&] { rc = kern_module_load(VMK_PVSCSI_MODULE_PATH, &mod, &err); });
        ASSERT_EQ(rc, 0) << err.msg;
        mod_id = mod->id;
    }

    void TearDown() override
    {
        if (mod)
            unload();
        kern_shutdown(sys);
        kern_scsi_layer_reset();
        kern_device_layer_reset();
        kern_intr_reset();
        kern_dma_reset();
        kern_mem_reset_accounting();
        platform_desc_free(&pd);
    }

    void unload()
    {
        run([&] { EXPECT_EQ(kern_module_unload("vmk_pvscsi", &err), 0) << err.msg; });
        mod = nullptr;
    }

    void run(std::function<void()> body)
    {
        sim_thread_spawn("test", run_fn, &body);
        sim_run_until(SIM_TIME_MAX);
    }

    scsi_disk *attach(unsigned id, uint64_t bytes)
    {
        scsi_disk_config cfg{};
        cfg.size_bytes = bytes;
        cfg.block_size = 512;
        cfg.media = "nvme";
        scsi_disk *d = nullptr;
        EXPECT_EQ(scsi_disk_new(&cfg, &d, &err), 0) << err.msg;
        scsi_target *t = scsi_target_new();
        EXPECT_EQ(scsi_target_add_lun(t, 0, d, &err), 0) << err.msg;
        EXPECT_EQ(pvscsi_attach_target(hba, id, t, &err), 0) << err.msg;
        return d;
    }

    kern_scsi_adapter *adapter() { return kern_scsi_adapter_find("vmhba0"); }

    static kern_scsi_load_params params(const char *disk, kern_scsi_rw rw, uint32_t bs,
                                        uint32_t qd, uint64_t count, uint64_t region)
    {
        kern_scsi_load_params p{};
        snprintf(p.disk, sizeof p.disk, "%s", disk);
        p.rw = rw;
        p.block_size = bs;
        p.queue_depth = qd;
        p.io_count = count;
        p.region_size = region;
        p.verify = true;
        p.seed = 42;
        return p;
    }

    static const kern_scsi_load_params *ptr(const kern_scsi_load_params &p) { return &p; }

    kern_scsi_load_stats run_load(const kern_scsi_load_params &p)
    {
        kern_scsi_load_stats st{};
        kern_scsi_load *l = nullptr;
        EXPECT_EQ(kern_scsi_load_start(&p, &l, &err), 0) << err.msg;
        if (!l)
            return st;
        sim_run_until(SIM_TIME_MAX);
        EXPECT_TRUE(kern_scsi_load_done(l));
        kern_scsi_load_get_stats(l, &st);
        kern_scsi_load_free(l);
        return st;
    }
};

TEST_F(NativePvscsi, LoadPublishesAnHbaPortAndDiscoveryFindsTheDisk)
{
    vmk_Device pci = kern_pci_bus_device(pdev);
    EXPECT_EQ(kern_device_state(pci), KERN_DEV_STARTED);
    EXPECT_STREQ(kern_driver_name(kern_device_driver(pci)), "vmk_pvscsi");
    vmk_Device port = kern_device_first_child(pci);
    ASSERT_NE(port, nullptr);
    EXPECT_STREQ(kern_device_bus_type(port), "logical");
    EXPECT_STREQ(kern_device_bus_identifier(port), VMK_SCSI_PSA_DRIVER_BUS_ID);
    ASSERT_EQ(kern_scsi_adapter_count(), 1u);
    kern_scsi_adapter *a = adapter();
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(kern_scsi_adapter_device(a), port);
    EXPECT_TRUE(kern_scsi_adapter_scanned(a));
    const kern_scsi_disk *d = kern_scsi_disk_find(kDisk0);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->block_size, 512u);
    EXPECT_EQ(d->num_blocks, (64u << 20) / 512);
    EXPECT_EQ(kern_scsi_disk_count(), 1u);   // the 63 empty targets answer SELTIMEO
    EXPECT_EQ(pvscsi_get_stats(hba)->seltimeo, 2u * 63u);
    // BAR1 mapped, one vector: MSI-X (enabled in the capability, PCIe Base Spec 7.7.2.2)
    kern_pci_bus_stats bs;
    kern_pci_bus_get_stats(&bs);
    EXPECT_EQ(bs.mappings_live, 1u);
    EXPECT_EQ(bs.vectors_live, 1u);
    ASSERT_NE(pdev->cap_msix, 0);
    uint16_t ctl = (uint16_t)pcie_cfg_read(sys->fabric, pdev->bus, pdev->dev, pdev->fn,
                                           pdev->cap_msix + 2, 2);
    EXPECT_NE(ctl & 0x8000u, 0u);   // MSI-X Enable
    EXPECT_EQ(kern_dma_fault_total(), 0u);
}

// 600 I/Os through 128 request slots: the rings wrap several times; every block read back
// carries the pattern written, at queue depth 1 and 32.
TEST_F(NativePvscsi, VerifiedWritesAndReadsAtQueueDepthOneAndThirtyTwo)
{
    const uint64_t region = 4u << 20;
    kern_scsi_adapter_counters c0{};   // discovery's probes of the 63 empty targets failed
    kern_scsi_adapter_counters_get(adapter(), &c0);
    EXPECT_EQ(c0.completed_error, 2u * 63u);   // REPORT LUNS + INQUIRY each: SELTIMEO
    kern_scsi_load_stats fill = run_load(params(kDisk0, KERN_SCSI_RW_WRITE, 65536, 32,
                                                region / 65536, region));
    EXPECT_EQ(fill.completed, region / 65536);
    for (uint32_t qd : {1u, 32u}) {
        kern_timing_reset_counters();
        kern_scsi_load_stats w = run_load(params(kDisk0, KERN_SCSI_RW_RANDWRITE, 4096, qd,
                                                 qd == 1 ? 100 : 600, region));
        EXPECT_EQ(w.failed, 0u);
        EXPECT_EQ(kern_scsi_load_lost(&w), 0u);
        kern_scsi_load_stats r = run_load(params(kDisk0, KERN_SCSI_RW_RANDREAD, 4096, qd,
                                                 qd == 1 ? 100 : 600, region));
        EXPECT_EQ(r.completed, qd == 1 ? 100u : 600u);
        EXPECT_EQ(r.failed, 0u);
        EXPECT_EQ(r.verify_errors, 0u);
        EXPECT_EQ(r.unverified_blocks, 0u);
        EXPECT_EQ(r.verified_blocks, r.completed * 8);
        kern_timing_flush();
        EXPECT_GT(kern_timing_owner_mcycles(mod_id), 0u);   // the driver's code was measured
    }
    kern_scsi_adapter_counters c{};
    kern_scsi_adapter_counters_get(adapter(), &c);
    EXPECT_EQ(c.completed_error, c0.completed_error);
    EXPECT_EQ(c.refused, 0u);
    EXPECT_GT(c.peak_outstanding, 1u);
}

// 1.5 MiB per I/O is 384+ pages: more s/g elements than one list page holds (256), so every
// request carries a chained list. A wrong chain would move the wrong bytes: verify catches it.
TEST_F(NativePvscsi, LargeTransfersUseChainedSgListsAndVerify)
{
    const uint32_t bs = 1536u << 10;
    const uint64_t region = 4u * bs;
    kern_scsi_load_stats w = run_load(params(kDisk0, KERN_SCSI_RW_WRITE, bs, 4, 4, region));
    EXPECT_EQ(w.completed, 4u);
    EXPECT_EQ(w.failed, 0u);
    kern_scsi_load_stats r = run_load(params(kDisk0, KERN_SCSI_RW_READ, bs, 4, 6, region));
    EXPECT_EQ(r.completed, 6u);
    EXPECT_EQ(r.verify_errors, 0u);
    EXPECT_EQ(r.verified_blocks, 6u * (bs / 512));
}

// A stalled disk: each I/O times out, the storage layer asks the driver to abort it, the driver
// sends ABORT_CMD, the device ends it with ABORTQUEUE, the I/O fails. Nothing is lost.
TEST_F(NativePvscsi, StalledDiskEndsInAbortAndFailedIo)
{
    scsi_disk_set_stall(disk0, true);
    kern_scsi_load_params p = params(kDisk0, KERN_SCSI_RW_RANDREAD, 4096, 4, 8, 1u << 20);
    p.timeout_ms = 10;
    kern_scsi_load_stats st = run_load(p);
    EXPECT_EQ(st.issued, 8u);
    EXPECT_EQ(st.failed, 8u);
    EXPECT_EQ(st.completed, 0u);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    kern_scsi_adapter_counters c{};
    kern_scsi_adapter_counters_get(adapter(), &c);
    EXPECT_EQ(c.timeouts, 8u);
    EXPECT_EQ(c.aborts, 8u);
    EXPECT_EQ(c.given_up, 0u);
    EXPECT_EQ(pvscsi_get_stats(hba)->aborted, 8u);
    // the disk recovers: I/O flows again
    scsi_disk_set_stall(disk0, false);
    kern_scsi_load_stats ok = run_load(params(kDisk0, KERN_SCSI_RW_RANDWRITE, 4096, 4, 50,
                                              1u << 20));
    EXPECT_EQ(ok.completed, 50u);
    // none of them timed out: every kick reached the device, even one that arrived while its
    // request thread was busy fetching (a lost doorbell would strand a request until the layer
    // gave up on it)
    kern_scsi_adapter_counters_get(adapter(), &c);
    EXPECT_EQ(c.timeouts, 8u);
    EXPECT_EQ(c.given_up, 0u);
}

// Task management straight into the driver's entry points (as the storage layer's escalation
// calls them): a device reset ends both stalled I/Os with host status RESET before their
// timeouts fire; a bus reset ends what another target held.
TEST_F(NativePvscsi, DeviceAndBusResetThroughTaskManagementEndStalledIo)
{
    scsi_disk *disk1 = attach(1, 8u << 20);
    sim_run_until(SIM_TIME_MAX);   // DEV_ADDED: the driver rescans, T1 appears
    ASSERT_NE(kern_scsi_disk_find("vmhba0:C0:T1:L0"), nullptr);
    scsi_disk_set_stall(disk0, true);
    scsi_disk_set_stall(disk1, true);
    kern_scsi_load *l0 = nullptr, *l1 = nullptr;
    ASSERT_EQ(kern_scsi_load_start(ptr(params(kDisk0, KERN_SCSI_RW_RANDREAD, 4096, 2, 2,
                                              1u << 20)), &l0, &err), 0) << err.msg;
    ASSERT_EQ(kern_scsi_load_start(ptr(params("vmhba0:C0:T1:L0", KERN_SCSI_RW_RANDREAD, 4096, 1,
                                              1, 1u << 20)), &l1, &err), 0) << err.msg;
    sim_run_until(sim_now() + 1 * SIM_MS);
    EXPECT_EQ(pvscsi_inflight(hba), 3u);
    vmk_Device port = kern_device_first_child(kern_pci_bus_device(pdev));
    auto *va = static_cast<vmk_ScsiAdapter *>(kern_device_registration_data(port).ptr);
    ASSERT_NE(va, nullptr);
    run([&] {
        void *dd = nullptr;
        ASSERT_EQ(va->discover(va->clientData, VMK_SCSI_SCAN_CREATE_PATH, 0, 0, 0, &dd), VMK_OK);
        vmk_ScsiTaskMgmt tm{};
        tm.type = VMK_SCSI_TASKMGMT_DEVICE_RESET;
        tm.status = VMK_SCSI_HOST_RESET;
        EXPECT_EQ(va->taskMgmt(va->clientData, &tm, dd), VMK_OK);
        sim_wait(1 * SIM_MS);
        EXPECT_EQ(pvscsi_inflight(hba), 1u);   // target 1's is still there
        tm.type = VMK_SCSI_TASKMGMT_BUS_RESET;
        EXPECT_EQ(va->taskMgmt(va->clientData, &tm, dd), VMK_OK);
        va->discover(va->clientData, VMK_SCSI_SCAN_DESTROY_PATH, 0, 0, 0, &dd);
    });
    sim_run_until(SIM_TIME_MAX);
    for (kern_scsi_load *l : {l0, l1}) {
        kern_scsi_load_stats st{};
        kern_scsi_load_get_stats(l, &st);
        EXPECT_EQ(st.failed, st.issued);
        EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
        kern_scsi_load_free(l);
    }
    EXPECT_EQ(pvscsi_get_stats(hba)->reset, 3u);
    kern_scsi_adapter_counters c{};
    kern_scsi_adapter_counters_get(adapter(), &c);
    EXPECT_EQ(c.timeouts, 0u);   // the resets came first
}

TEST_F(NativePvscsi, TargetNoticesMakeTheDriverRescan)
{
    ASSERT_EQ(kern_scsi_disk_find("vmhba0:C0:T3:L0"), nullptr);
    attach(3, 8u << 20);   // the device posts DEV_ADDED on the message ring
    sim_run_until(SIM_TIME_MAX);
    const kern_scsi_disk *d = kern_scsi_disk_find("vmhba0:C0:T3:L0");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->num_blocks, (8u << 20) / 512u);
    EXPECT_EQ(pvscsi_get_stats(hba)->messages, 1u);
    kern_scsi_load_stats st = run_load(params("vmhba0:C0:T3:L0", KERN_SCSI_RW_RANDWRITE, 4096,
                                              8, 100, 1u << 20));
    EXPECT_EQ(st.completed, 100u);

    scsi_target_free(pvscsi_detach_target(hba, 3));   // DEV_REMOVED
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(kern_scsi_disk_find("vmhba0:C0:T3:L0"), nullptr);
    EXPECT_NE(kern_scsi_disk_find(kDisk0), nullptr);
    EXPECT_EQ(pvscsi_get_stats(hba)->messages, 2u);
}

TEST_F(NativePvscsi, UnloadReleasesEverythingItAllocated)
{
    kern_scsi_load_stats st = run_load(params(kDisk0, KERN_SCSI_RW_RANDWRITE, 8192, 16, 200,
                                              1u << 20));
    EXPECT_EQ(st.completed, 200u);
    kern_mem_usage u{};
    kern_mem_report(mod_id, &u);
    EXPECT_GT(u.live_count, 0u);   // adapter, slots, paths, coherent rings
    unload();
    kern_mem_report(mod_id, &u);
    EXPECT_EQ(u.live_bytes, 0u);
    EXPECT_EQ(u.live_count, 0u);
    EXPECT_EQ(u.leaked_bytes, 0u);
    EXPECT_EQ(u.leaked_count, 0u);
    EXPECT_EQ(kern_scsi_adapter_count(), 0u);
    EXPECT_EQ(kern_device_driver(kern_pci_bus_device(pdev)), nullptr);
}

// Unloading while I/O is stalled in the device: quiesce resets the adapter and ends what the
// device held; every I/O ends (failed), nothing is lost or leaked.
TEST_F(NativePvscsi, UnloadWithIoInFlightEndsEveryIo)
{
    scsi_disk_set_stall(disk0, true);
    kern_scsi_load_params p = params(kDisk0, KERN_SCSI_RW_RANDREAD, 4096, 4, 4, 1u << 20);
    kern_scsi_load *l = nullptr;
    ASSERT_EQ(kern_scsi_load_start(&p, &l, &err), 0) << err.msg;
    sim_run_until(sim_now() + 1 * SIM_MS);
    EXPECT_EQ(pvscsi_inflight(hba), 4u);
    unload();
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_load_stats st{};
    kern_scsi_load_get_stats(l, &st);
    EXPECT_EQ(st.failed, 4u);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    kern_scsi_load_free(l);
    kern_mem_usage u{};
    kern_mem_report(mod_id, &u);
    EXPECT_EQ(u.live_count, 0u);
    EXPECT_EQ(u.leaked_count, 0u);
}

}  // namespace
