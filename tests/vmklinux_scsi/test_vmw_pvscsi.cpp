// test_vmw_pvscsi.cpp — the Linux PVSCSI driver (drivers/linux/vmw_pvscsi) on vmklinux against the
// PVSCSI model with RAM disks: discovery through the real rings, verified random and sequential
// I/O (s/g lists chained past one page), a stalled command ended by ABORT_CMD through the abort
// handler, target notices from the message ring becoming scsi_add_device/scsi_remove_device, and
// unload freeing everything. Instructions are counted for the driver and for the shim.
#include "devices/disk/scsi_disk.h"
#include "devices/hba/pvscsi.h"
#include "devices/pcie/fabric.h"
#include "tests/vmklinux_scsi/lxscsi_fixture.h"

namespace {

scsi_target *ram_target(uint64_t mib, scsi_disk **disk_out = nullptr)
{
    scsi_disk_config c{};
    c.name = "ram";
    c.size_bytes = mib << 20;
    scsi_disk *d = nullptr;
    sim_err e{};
    EXPECT_EQ(scsi_disk_new(&c, &d, &e), 0) << e.msg;
    scsi_target *t = scsi_target_new();
    EXPECT_EQ(scsi_target_add_lun(t, 0, d, &e), 0) << e.msg;
    if (disk_out)
        *disk_out = d;
    return t;
}

class VmwPvscsi : public lxs::HbaPlatform {
protected:
    pvscsi *model = nullptr;
    scsi_disk *disk0 = nullptr;
    void before_load() override
    {
        model = pvscsi_of(pcie_fabric_find_endpoint(sys->fabric, "hba0"));
        ASSERT_NE(model, nullptr);
        sim_err e{};
        ASSERT_EQ(pvscsi_attach_target(model, 0, ram_target(8, &disk0), &e), 0) << e.msg;
    }
    void load_all() { load_both(VMW_PVSCSI_PATH); }
};

TEST_F(VmwPvscsi, ProbeSetsUpTheRingsAndTheDiskIsDiscovered)
{
    load_all();
    EXPECT_STREQ(kern_driver_name(kern_device_driver(kern_pci_bus_device(hba))), "vmklinux");
    ASSERT_EQ(kern_scsi_disk_count(), 1u);
    const kern_scsi_disk *d = kern_scsi_disk_find("vmhba0:C0:T0:L0");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->num_blocks, (8u << 20) / 512u);
    EXPECT_EQ(d->block_size, 512u);
    std::string log = log_text();
    EXPECT_NE(log.find("128 request slots, MSI, message ring on"), std::string::npos) << log;
}

TEST_F(VmwPvscsi, VerifiedRandomAndSequentialIo)
{
    load_all();
    kern_timing_reset_counters();
    kern_scsi_load_stats w =
        run_load("vmhba0:C0:T0:L0", KERN_SCSI_RW_RANDWRITE, 4096, 32, 400, 4u << 20);
    EXPECT_EQ(w.completed, 400u);
    EXPECT_EQ(w.failed, 0u);
    kern_scsi_load_stats r = run_load("vmhba0:C0:T0:L0", KERN_SCSI_RW_READ, 128 * 1024, 8, 64,
                                      4u << 20);   // 32+ elements: a chained s/g list
    EXPECT_EQ(r.completed, 64u);
    EXPECT_EQ(r.failed, 0u);
    EXPECT_EQ(r.verify_errors, 0u);
    EXPECT_EQ(kern_scsi_load_lost(&r), 0u);
    kern_scsi_load_stats m =
        run_load("vmhba0:C0:T0:L0", KERN_SCSI_RW_RANDRW, 4096, 32, 400, 4u << 20);
    EXPECT_EQ(m.completed, 400u);
    EXPECT_EQ(m.verify_errors, 0u);
    EXPECT_GT(m.verified_blocks, 0u);
    kern_timing_flush();
    EXPECT_GT(kern_timing_owner_insns(drv->id), 0u);
    EXPECT_GT(kern_timing_owner_insns(vl->id), 0u);
}

TEST_F(VmwPvscsi, StalledCommandIsEndedByTheAbortHandler)
{
    load_all();
    scsi_disk_set_stall(disk0, true);
    kern_scsi_req *r = kern_scsi_req_new(4096);
    r->cdb[0] = 0x28;
    r->cdb[8] = 8;
    r->cdb_len = 10;
    r->dir = KERN_SCSI_DIR_READ;
    r->timeout_ms = 50;
    ASSERT_EQ(exec(0, r), VMK_OK);
    EXPECT_TRUE(r->timed_out);
    EXPECT_EQ(r->escalation, 1u);                       // the abort was enough
    EXPECT_EQ(r->status.host, VMK_SCSI_HOST_ABORT);     // BTSTAT_ABORTQUEUE -> DID_ABORT
    scsi_disk_set_stall(disk0, false);
    kern_scsi_req *t = kern_scsi_req_new(0);
    t->cdb_len = 6;   // TEST UNIT READY
    t->dir = KERN_SCSI_DIR_NONE;
    ASSERT_EQ(exec(0, t), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(t));
    kern_scsi_adapter_counters c;
    kern_scsi_adapter_counters_get(adapter(), &c);
    EXPECT_EQ(c.aborts, 1u);
    EXPECT_EQ(c.device_resets, 0u);
    kern_scsi_req_free(r);
    kern_scsi_req_free(t);
}

TEST_F(VmwPvscsi, MessageRingNoticesAddAndRemoveTargets)
{
    load_all();
    sim_err e{};
    ASSERT_EQ(pvscsi_attach_target(model, 3, ram_target(1), &e), 0) << e.msg;
    sim_run_until(SIM_TIME_MAX);   // MSG_0 -> work item -> scsi_add_device -> a discovery pass
    EXPECT_NE(kern_scsi_disk_find("vmhba0:C0:T3:L0"), nullptr);
    kern_scsi_load_stats st = run_load("vmhba0:C0:T3:L0", KERN_SCSI_RW_RANDRW, 4096, 4, 40,
                                       1u << 20);
    EXPECT_EQ(st.completed, 40u);
    EXPECT_EQ(st.verify_errors, 0u);
    scsi_target *t = pvscsi_detach_target(model, 3);
    ASSERT_NE(t, nullptr);
    sim_run_until(SIM_TIME_MAX);   // DEV_REMOVED -> scsi_remove_device -> path deleted
    EXPECT_EQ(kern_scsi_disk_find("vmhba0:C0:T3:L0"), nullptr);
    EXPECT_NE(kern_scsi_disk_find("vmhba0:C0:T0:L0"), nullptr);
    scsi_target_free(t);
    std::string log = log_text();
    EXPECT_NE(log.find("target 0:3:0 added"), std::string::npos);
    EXPECT_NE(log.find("target 0:3:0 removed"), std::string::npos);
}

TEST_F(VmwPvscsi, UnloadFreesEverything)
{
    sim_err err{};
    ASSERT_EQ(kern_driver_map_add_pci(0x15ad, 0x07c0, "vmklinux", &err), 0) << err.msg;
    std::string msg;
    ASSERT_EQ(load(VMKLINUX_PATH, &vl, &msg), 0) << msg;
    kern_mem_usage shim0 = mem(vl->id);
    ASSERT_EQ(load(VMW_PVSCSI_PATH, &drv, &msg), 0) << msg;
    rescan();
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_load_stats st =
        run_load("vmhba0:C0:T0:L0", KERN_SCSI_RW_RANDRW, 8192, 16, 100, 2u << 20);
    EXPECT_EQ(st.completed, 100u);
    EXPECT_EQ(st.verify_errors, 0u);
    int id = drv->id;
    EXPECT_GT(mem(id).live_count, 0u);   // rings, s/g pages, sense, host
    ASSERT_EQ(unload(&drv), 0);
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(kern_scsi_disk_count(), 0u);
    kern_mem_usage u = mem(id);
    EXPECT_EQ(u.live_count, 0u);
    EXPECT_EQ(u.leaked_count, 0u);
    kern_mem_usage s = mem(vl->id);
    EXPECT_EQ(s.live_count, shim0.live_count + 1);   // the HBA port, until the function goes
    EXPECT_EQ(s.leaked_count, 0u);
    ASSERT_EQ(unload(&vl), 0);
    EXPECT_EQ(kern_scsi_adapter_count(), 0u);
    std::string log = log_text();
    EXPECT_EQ(log.find(" left "), std::string::npos) << log;
    EXPECT_NE(log.find("removed: "), std::string::npos);
}

// The function is pulled while 32 I/Os are in flight: the kernel removes the HBA port first (the
// layer fails what it holds), then vmklinux's detach runs the driver's remove (adapter reset,
// the rest flushed). Every I/O ends, completed or failed, and the driver gives everything back.
TEST_F(VmwPvscsi, SurpriseRemovalWithIoInFlightEndsEveryIo)
{
    load_all();
    kern_scsi_load_params p{};
    snprintf(p.disk, sizeof p.disk, "vmhba0:C0:T0:L0");
    p.rw = KERN_SCSI_RW_RANDRW;
    p.read_pct = 50;
    p.block_size = 4096;
    p.queue_depth = 32;
    p.region_size = 4u << 20;
    p.io_count = 100000;
    p.verify = true;
    p.seed = 3;
    kern_scsi_load *l = nullptr;
    sim_err err{};
    ASSERT_EQ(kern_scsi_load_start(&p, &l, &err), 0) << err.msg;
    sim_run_until(sim_now() + 200 * SIM_US);
    kern_scsi_load_stats mid{};
    kern_scsi_load_get_stats(l, &mid);
    EXPECT_GT(mid.completed, 0u);
    EXPECT_GT(mid.in_flight, 0u);
    lxs::run_in_thread([&] {
        sim_err e{};
        EXPECT_EQ(kern_pci_bus_remove(hba, KERN_REMOVE_SURPRISE, &e), VMK_OK) << e.msg;
    });
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_load_stats st{};
    kern_scsi_load_get_stats(l, &st);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    EXPECT_EQ(st.in_flight, 0u);
    EXPECT_GT(st.failed, 0u);
    EXPECT_EQ(st.verify_errors, 0u);
    EXPECT_TRUE(kern_scsi_load_done(l));
    kern_scsi_load_free(l);
    EXPECT_EQ(kern_scsi_adapter_count(), 0u);
    kern_mem_usage u = mem(drv->id);   // the driver's remove gave back rings, pages, host
    EXPECT_EQ(u.live_count, 0u);
    EXPECT_EQ(u.leaked_count, 0u);
}

}  // namespace
