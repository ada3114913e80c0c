// test_vmklinux_scsi.cpp — vmklinux's SCSI side with a Linux SCSI host driver of the tests
// (testmods/lxscsi_ram.c: RAM disks behind the PVSCSI function, no hardware use): the host is
// published as a storage adapter and discovered; vmk_ScsiCommands become scsi_cmnds (direction,
// CDB, scatterlist longer than a page, mapped addresses) and come back with status, sense and
// residual; queuecommand runs under the host lock as the driver; completions go through the done
// list and a deferred drain; timeouts end in the eh handlers; target notices; host removal frees
// everything; a verified workload counts shim instructions.
#include "tests/vmklinux_scsi/lxscsi_fixture.h"

namespace {

using lxs::sym;

int g_hook_calls, g_hook_unlocked, g_hook_wrong_module, g_drv_id;

void queue_hook(void *, void *)
{
    g_hook_calls++;
    if (kern_spinlocks_held(kern_tworld_current()) == 0)
        g_hook_unlocked++;
    if (vmk_ModuleStackTop() != g_drv_id)
        g_hook_wrong_module++;
}

constexpr int kDmaToDevice = 1, kDmaFromDevice = 2, kDmaNone = 3;   // linux/dma-mapping.h

class VmklinuxScsi : public lxs::HbaPlatform {
protected:
    void load_all() { load_both(LXSCSI_PATH); }
    int ival(const char *name) { return *sym<int>(drv, name); }
    void set(const char *name, int v) { *sym<int>(drv, name) = v; }
    // Parses "hostN removed: Q queued, R refused, C completed in D drains, E eh calls, F ended".
    bool host_stats(unsigned long long *q, unsigned long long *c, unsigned long long *d,
                    unsigned long long *e, unsigned long long *f)
    {
        std::string t = log_text();
        size_t at = t.find("host0 removed: ");
        unsigned long long r;
        return at != std::string::npos &&
               sscanf(t.c_str() + at, "host0 removed: %llu queued, %llu refused, %llu completed "
                      "in %llu drains, %llu eh calls, %llu ended", q, &r, c, d, e, f) == 6;
    }
};

TEST_F(VmklinuxScsi, HostBecomesAStorageAdapterAndItsDisksAreDiscovered)
{
    load_all();
    EXPECT_EQ(ival("lxscsi_probes"), 1);
    EXPECT_EQ(ival("lxscsi_add_host_rc"), 0);
    // vmklinux stays the function's one native driver; the adapter is a device of its own.
    EXPECT_STREQ(kern_driver_name(kern_device_driver(kern_pci_bus_device(hba))), "vmklinux");
    // The adapter is the function's logical HBA port child, as a native driver publishes it.
    vmk_Device port = kern_scsi_adapter_device(adapter());
    ASSERT_NE(port, VMK_DEVICE_NONE);
    EXPECT_EQ(kern_device_parent(port), kern_pci_bus_device(hba));
    EXPECT_STREQ(kern_scsi_adapter_name(adapter()), "vmhba0");
    ASSERT_EQ(kern_scsi_disk_count(), 2u);   // targets 0 and 1; 2 and 3 answer DID_BAD_TARGET
    const kern_scsi_disk *d = kern_scsi_disk_find("vmhba0:C0:T1:L0");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->num_blocks, 4096u);
    EXPECT_EQ(d->block_size, 512u);
    EXPECT_STREQ(d->vendor, "LXSCSI");
    EXPECT_TRUE(d->read_cap16);   // max_cmd_len 16 lets READ CAPACITY (16) through
    // A scsi_device for every path probed (slave_alloc), the empty targets' destroyed again.
    EXPECT_EQ(ival("lxscsi_slave_allocs"), 4);
    EXPECT_EQ(ival("lxscsi_slave_destroys"), 2);
    EXPECT_EQ(ival("lxscsi_tag_errors"), 0);
}

TEST_F(VmklinuxScsi, CommandsKeepDirectionCdbAndDataThroughTheScatterlist)
{
    load_all();
    kern_scsi_req *w = rw10(true, 100, 16);   // 8 KiB: two or three pages
    for (size_t i = 0; i < w->data_len; i++)
        w->data[i] = (uint8_t)(i * 7 + 3);
    ASSERT_EQ(exec(0, w), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(w));
    EXPECT_EQ(w->bytes_xferred, 8192u);
    EXPECT_EQ(ival("lxscsi_last_dir"), kDmaToDevice);
    EXPECT_EQ(*sym<unsigned char>(drv, "lxscsi_last_op"), 0x2A);
    EXPECT_EQ(*sym<unsigned>(drv, "lxscsi_last_cmd_len"), 10u);
    EXPECT_EQ(*sym<unsigned>(drv, "lxscsi_last_len"), 8192u);
    EXPECT_GE(ival("lxscsi_last_nents"), 2);
    EXPECT_EQ(ival("lxscsi_last_mapped"), ival("lxscsi_last_nents"));

    kern_scsi_req *r = rw10(false, 100, 16);
    ASSERT_EQ(exec(0, r), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(r));
    EXPECT_EQ(ival("lxscsi_last_dir"), kDmaFromDevice);
    EXPECT_EQ(memcmp(r->data, w->data, 8192), 0);

    kern_scsi_req *t = nodata(0x00);   // TEST UNIT READY: no data, no scatterlist
    ASSERT_EQ(exec(1, t), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(t));
    EXPECT_EQ(ival("lxscsi_last_dir"), kDmaNone);
    EXPECT_EQ(ival("lxscsi_last_nents"), 0);
    EXPECT_EQ(ival("lxscsi_last_mapped"), 0);
    EXPECT_EQ(*sym<unsigned>(drv, "lxscsi_sg_len_errors"), 0u);
    EXPECT_EQ(*sym<unsigned>(drv, "lxscsi_dma_errors"), 0u);
    kern_scsi_req_free(w);
    kern_scsi_req_free(r);
    kern_scsi_req_free(t);
}

TEST_F(VmklinuxScsi, ScatterlistLongerThanOnePage)
{
    load_all();
    // 1 MiB: one SG element per 4 KiB page, 256+ scatterlist entries of 32+ bytes each.
    kern_scsi_req *w = rw10(true, 0, 2048);
    for (size_t i = 0; i < w->data_len; i += 4)
        memcpy(w->data + i, &i, 4);
    ASSERT_EQ(exec(1, w), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(w));
    EXPECT_GE(ival("lxscsi_last_nents"), 256);
    EXPECT_GT((size_t)ival("lxscsi_last_nents") * 32, 4096u);
    kern_scsi_req *r = rw10(false, 0, 2048);
    ASSERT_EQ(exec(1, r), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(r));
    EXPECT_EQ(r->bytes_xferred, 1u << 20);
    EXPECT_EQ(memcmp(r->data, w->data, 1u << 20), 0);
    EXPECT_GE(ival("lxscsi_max_nents"), 256);
    EXPECT_EQ(*sym<unsigned>(drv, "lxscsi_sg_len_errors"), 0u);
    EXPECT_EQ(*sym<unsigned>(drv, "lxscsi_dma_errors"), 0u);
    kern_scsi_req_free(w);
    kern_scsi_req_free(r);
}

TEST_F(VmklinuxScsi, CommandBeyondTheHostsLimitsIsRefusedBeforeTheDriver)
{
    load_all();
    int queued = ival("lxscsi_queued");
    kern_scsi_req *r = rw10(false, 0, 4096);   // 2 MiB > max_sectors 2048 (and > sg_tablesize)
    ASSERT_EQ(exec(0, r), VMK_OK);
    EXPECT_FALSE(kern_scsi_req_ok(r));
    EXPECT_EQ(r->status.host, VMK_SCSI_HOST_BUS_BUSY);
    EXPECT_EQ(ival("lxscsi_queued"), queued);
    kern_scsi_adapter_counters c;
    kern_scsi_adapter_counters_get(adapter(), &c);
    EXPECT_EQ(c.refused, 1u);
    kern_scsi_req_free(r);
}

TEST_F(VmklinuxScsi, StatusSenseAndResidualComeBack)
{
    load_all();
    kern_scsi_req *bad = nodata(0x4D, 10);   // LOG SENSE: not served by the RAM disk
    ASSERT_EQ(exec(0, bad), VMK_OK);
    EXPECT_EQ(bad->status.host, VMK_SCSI_HOST_OK);
    EXPECT_EQ(bad->status.device, VMK_SCSI_DEVICE_CHECK_CONDITION);
    EXPECT_EQ(bad->sense.error, 0x70);
    EXPECT_EQ(bad->sense.key & 0xf, 0x5);   // ILLEGAL REQUEST
    EXPECT_EQ(bad->sense.asc, 0x20);        // INVALID COMMAND OPERATION CODE
    kern_scsi_req *oor = rw10(false, 4095, 2);
    ASSERT_EQ(exec(0, oor), VMK_OK);
    EXPECT_EQ(oor->status.device, VMK_SCSI_DEVICE_CHECK_CONDITION);
    EXPECT_EQ(oor->sense.asc, 0x21);        // LOGICAL BLOCK ADDRESS OUT OF RANGE
    set("lxscsi_short_read", 512);
    kern_scsi_req *sh = rw10(false, 0, 8);
    ASSERT_EQ(exec(0, sh), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(sh));
    EXPECT_EQ(sh->bytes_xferred, 4096u - 512u);
    kern_scsi_req *gone = nodata(0x00);      // target 2: the driver answers DID_BAD_TARGET
    EXPECT_NE(exec(2, gone), VMK_OK);        // no path: the layer refuses it up front
    kern_scsi_req_free(bad);
    kern_scsi_req_free(oor);
    kern_scsi_req_free(sh);
    kern_scsi_req_free(gone);
}

TEST_F(VmklinuxScsi, QueuecommandRunsUnderTheHostLockAsTheDriver)
{
    load_all();
    g_hook_calls = g_hook_unlocked = g_hook_wrong_module = 0;
    g_drv_id = drv->id;
    *sym<void (*)(void *, void *)>(drv, "lxscsi_queue_hook") = queue_hook;
    kern_scsi_req *r = rw10(false, 8, 8);
    ASSERT_EQ(exec(0, r), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(r));
    *sym<void (*)(void *, void *)>(drv, "lxscsi_queue_hook") = nullptr;
    EXPECT_EQ(g_hook_calls, 1);
    EXPECT_EQ(g_hook_unlocked, 0);
    EXPECT_EQ(g_hook_wrong_module, 0);
    kern_scsi_req_free(r);
}

TEST_F(VmklinuxScsi, CompletionsGoThroughTheDoneListAndADeferredDrain)
{
    load_all();
    kern_scsi_load_stats st =
        run_load("vmhba0:C0:T0:L0", KERN_SCSI_RW_RANDRW, 4096, 16, 160, 1u << 20);
    EXPECT_EQ(st.completed, 160u);
    EXPECT_EQ(st.failed, 0u);
    EXPECT_EQ(st.verify_errors, 0u);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    int done = ival("lxscsi_done");
    ASSERT_EQ(unload(&drv), 0);
    unsigned long long q, c, d, e, f;
    ASSERT_TRUE(host_stats(&q, &c, &d, &e, &f)) << log_text();
    EXPECT_EQ(c, q);                       // every command queued was handed back
    EXPECT_EQ(c, (unsigned long long)done);   // ... each after the driver's scsi_done
    EXPECT_GE(d, 1u);
    EXPECT_LT(d, c);   // the drain ran later and took several completions at a time
    EXPECT_EQ(e, 0u);
}

TEST_F(VmklinuxScsi, TimedOutCommandIsAbortedThroughTheAbortHandler)
{
    load_all();
    set("lxscsi_stall_reads", 1);
    kern_scsi_req *r = rw10(false, 0, 8);
    r->timeout_ms = 20;
    ASSERT_EQ(exec(0, r), VMK_OK);
    EXPECT_TRUE(r->timed_out);
    EXPECT_EQ(r->escalation, 1u);
    EXPECT_EQ(r->status.host, VMK_SCSI_HOST_ABORT);
    EXPECT_EQ(ival("lxscsi_aborts"), 1);
    EXPECT_EQ(ival("lxscsi_dev_resets"), 0);
    kern_scsi_req *after = rw10(false, 0, 8);   // the host still works
    ASSERT_EQ(exec(0, after), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(after));
    kern_scsi_req_free(r);
    kern_scsi_req_free(after);
}

TEST_F(VmklinuxScsi, AbortHandlerSuccessLeavesTheCommandToTheShim)
{
    load_all();
    set("lxscsi_stall_reads", 1);
    set("lxscsi_abort_completes", 0);   // the handler forgets the command and says SUCCESS
    kern_scsi_req *r = rw10(false, 0, 8);
    r->timeout_ms = 20;
    ASSERT_EQ(exec(0, r), VMK_OK);
    EXPECT_EQ(r->escalation, 1u);
    EXPECT_EQ(r->status.host, VMK_SCSI_HOST_ABORT);
    ASSERT_EQ(unload(&drv), 0);
    unsigned long long q, c, d, e, f;
    ASSERT_TRUE(host_stats(&q, &c, &d, &e, &f)) << log_text();
    EXPECT_EQ(e, 1u);
    EXPECT_EQ(f, 1u);
    EXPECT_EQ(c, q);
    kern_scsi_req_free(r);
}

TEST_F(VmklinuxScsi, FailedAbortEscalatesToTheDeviceResetHandler)
{
    load_all();
    set("lxscsi_stall_reads", 1);
    set("lxscsi_abort_result", 0x2003);   // FAILED
    kern_scsi_req *r = rw10(false, 0, 8);
    r->timeout_ms = 20;
    ASSERT_EQ(exec(1, r), VMK_OK);
    EXPECT_EQ(r->escalation, 2u);
    EXPECT_EQ(r->status.host, VMK_SCSI_HOST_RESET);
    EXPECT_EQ(ival("lxscsi_aborts"), 1);
    EXPECT_EQ(ival("lxscsi_dev_resets"), 1);
    EXPECT_EQ(ival("lxscsi_bus_resets"), 0);
    kern_scsi_adapter_counters c;
    kern_scsi_adapter_counters_get(adapter(), &c);
    EXPECT_EQ(c.aborts, 1u);
    EXPECT_EQ(c.device_resets, 1u);
    kern_scsi_req_free(r);
}

TEST_F(VmklinuxScsi, TargetNoticesRemoveAndAddTheDevice)
{
    load_all();
    auto notice = [&](int target, int add) {
        auto fn = reinterpret_cast<void (*)(int, int)>(dlsym(drv->handle, "lxscsi_target_notice"));
        ASSERT_NE(fn, nullptr);
        lxs::run_in_thread([&] {
            vmk_ModulePushId(drv->id);
            fn(target, add);
            vmk_ModulePopId();
        });
    };
    notice(1, 0);
    sim_run_until(SIM_TIME_MAX);   // the layer's discovery pass drops the path
    EXPECT_EQ(ival("lxscsi_notices"), 1);
    EXPECT_EQ(kern_scsi_disk_find("vmhba0:C0:T1:L0"), nullptr);
    EXPECT_NE(kern_scsi_disk_find("vmhba0:C0:T0:L0"), nullptr);
    kern_scsi_req *t = nodata(0x00);
    EXPECT_NE(exec(1, t), VMK_OK);   // no path any more: refused before the shim
    notice(1, 1);
    sim_run_until(SIM_TIME_MAX);   // the scan the shim asked for finds it again
    EXPECT_EQ(ival("lxscsi_notices"), 2);
    ASSERT_NE(kern_scsi_disk_find("vmhba0:C0:T1:L0"), nullptr);
    kern_scsi_req *t2 = nodata(0x00);
    int queued = ival("lxscsi_queued");
    ASSERT_EQ(exec(1, t2), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(t2));
    EXPECT_EQ(ival("lxscsi_queued"), queued + 1);
    kern_scsi_req_free(t);
    kern_scsi_req_free(t2);
}

TEST_F(VmklinuxScsi, HostRemovalFreesEverything)
{
    sim_err err{};
    ASSERT_EQ(kern_driver_map_add_pci(0x15ad, 0x07c0, "vmklinux", &err), 0) << err.msg;
    std::string msg;
    ASSERT_EQ(load(VMKLINUX_PATH, &vl, &msg), 0) << msg;
    kern_mem_usage shim0 = mem(vl->id);
    ASSERT_EQ(load(LXSCSI_PATH, &drv, &msg), 0) << msg;
    rescan();
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_load_stats st = run_load("vmhba0:C0:T1:L0", KERN_SCSI_RW_RANDWRITE, 8192, 8, 40,
                                       1u << 20);
    EXPECT_EQ(st.completed, 40u);
    EXPECT_GT(mem(vl->id).live_count, shim0.live_count);   // host state, slab, locks, port
    int id = drv->id;
    int allocs = ival("lxscsi_slave_allocs");
    EXPECT_GE(allocs, 2);
    // The driver goes; the function stays vmklinux's, so its HBA port stays (a child goes only
    // with its parent) but the host's paths and disks go with the host.
    ASSERT_EQ(unload(&drv), 0);
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(kern_scsi_disk_count(), 0u);
    EXPECT_EQ(kern_scsi_adapter_count(), 1u);
    kern_mem_usage u = mem(id);
    EXPECT_EQ(u.live_count, 0u);
    EXPECT_EQ(u.leaked_count, 0u);
    EXPECT_EQ(mem(vl->id).live_count, shim0.live_count + 1);   // the port record alone
    // A driver loaded again takes the port over and finds the disks again.
    ASSERT_EQ(load(LXSCSI_PATH, &drv, &msg), 0) << msg;
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(kern_scsi_adapter_count(), 1u);
    EXPECT_EQ(kern_scsi_disk_count(), 2u);
    kern_scsi_req *r = rw10(false, 0, 8);
    ASSERT_EQ(exec(0, r), VMK_OK);
    EXPECT_TRUE(kern_scsi_req_ok(r));
    kern_scsi_req_free(r);
    // vmklinux goes too: the port's removal, then the driver's, then the shim's own.
    ASSERT_EQ(unload(&drv), 0);
    ASSERT_EQ(unload(&vl), 0);
    EXPECT_EQ(kern_scsi_adapter_count(), 0u);
    EXPECT_EQ(mem(id).live_count, 0u);
    EXPECT_EQ(log_text().find(" left "), std::string::npos) << log_text();
}

TEST_F(VmklinuxScsi, VerifiedWorkloadCountsShimInstructions)
{
    load_all();
    kern_timing_reset_counters();
    kern_scsi_load_stats st =
        run_load("vmhba0:C0:T0:L0", KERN_SCSI_RW_RANDRW, 4096, 8, 200, 1u << 20);
    EXPECT_EQ(st.completed, 200u);
    EXPECT_EQ(st.verify_errors, 0u);
    EXPECT_GT(st.verified_blocks, 0u);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    kern_timing_flush();
    EXPECT_GT(kern_timing_owner_insns(vl->id), 200u * 50u);   // the shim's own work per I/O
    EXPECT_GT(kern_timing_owner_insns(drv->id), 0u);
}

}  // namespace
