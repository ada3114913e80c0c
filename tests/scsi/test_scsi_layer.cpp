// Storage layer: adapter claim and refusal, discovery (REPORT LUNS, INQUIRY, READ CAPACITY and
// their fallbacks), command issue through the adapter's queue depth with SG arrays mapped for its
// DMA engine, sense data, and the timeout path (abort, then device reset, bus reset, given up).
#include "test_hba.h"

namespace {

TEST_F(Scsi, ClaimsAnHbaPortAndNamesIt)
{
    TestHba &h = make();
    add_lun(h, 0, 0);
    vmk_Device dev = add(h, "hba#0");
    ASSERT_EQ(kern_scsi_adapter_count(), 1u);
    kern_scsi_adapter *a = kern_scsi_adapter_find("vmhba0");
    ASSERT_NE(a, nullptr);
    EXPECT_STREQ(h.va->name.string, "vmhba0");
    EXPECT_EQ(kern_device_state(dev), KERN_DEV_STARTED);
    EXPECT_STREQ(kern_driver_name(kern_device_driver(dev)), KERN_SCSI_DRIVER_NAME);
}

TEST_F(Scsi, RefusesAnAdapterWithoutTaskMgmt)
{
    TestHba &h = make();
    h.va->taskMgmt = nullptr;
    vmk_Device dev = add(h, "hba#0");
    EXPECT_EQ(kern_scsi_adapter_count(), 0u);
    EXPECT_EQ(kern_device_driver(dev), nullptr);
    EXPECT_EQ(kern_device_state(dev), KERN_DEV_UNCLAIMED);
}

TEST_F(Scsi, DiscoversDisksAndSkipsOtherDevices)
{
    TestHba &h = make();
    add_lun(h, 0, 0, 8192, 512);
    add_lun(h, 0, 1, 2048, 4096);
    add_lun(h, 0, 2, 100, 512, /*type=*/3);   // a processor device: not a disk
    add_lun(h, 2, 0, 1000, 512);
    h.targets[2].report_luns = false;          // LUN 0 alone
    h.targets[2].rc16 = false;                 // READ CAPACITY (10) only
    add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_adapter *a = kern_scsi_adapter_find("vmhba0");
    ASSERT_TRUE(kern_scsi_adapter_scanned(a));
    ASSERT_EQ(kern_scsi_disk_count(), 3u);
    EXPECT_STREQ(kern_scsi_disk_at(0)->name, "vmhba0:C0:T0:L0");
    EXPECT_STREQ(kern_scsi_disk_at(1)->name, "vmhba0:C0:T0:L1");
    EXPECT_STREQ(kern_scsi_disk_at(2)->name, "vmhba0:C0:T2:L0");
    const kern_scsi_disk *d0 = kern_scsi_disk_find("vmhba0:C0:T0:L0");
    ASSERT_NE(d0, nullptr);
    EXPECT_EQ(d0->num_blocks, 8192u);
    EXPECT_EQ(d0->block_size, 512u);
    EXPECT_TRUE(d0->read_cap16);
    EXPECT_STREQ(d0->vendor, "VMKSIM");
    EXPECT_STREQ(d0->product, "RAMDISK");
    const kern_scsi_disk *d1 = kern_scsi_disk_find("vmhba0:C0:T0:L1");
    EXPECT_EQ(d1->block_size, 4096u);
    EXPECT_EQ(d1->num_blocks, 2048u);
    const kern_scsi_disk *d2 = kern_scsi_disk_find("vmhba0:C0:T2:L0");
    EXPECT_FALSE(d2->read_cap16);
    EXPECT_EQ(d2->num_blocks, 1000u);
    EXPECT_EQ(kern_scsi_disk_find("vmhba0:C0:T0:L2"), nullptr);
    // Paths: created for T0 L0..L2 and T2 L0; the non-disk one destroyed; three configured.
    EXPECT_EQ(h.configures, 3);
    EXPECT_EQ(h.destroys, 1);
    kern_scsi_adapter_counters c{};
    kern_scsi_adapter_counters_get(a, &c);
    EXPECT_EQ(c.completed_error, 2u);   // T2 has neither REPORT LUNS nor READ CAPACITY (16)
    EXPECT_EQ(c.outstanding, 0u);
    EXPECT_EQ(h.sg_errors, 0u);
}

TEST_F(Scsi, CommandCarriesSenseDataOfACheckCondition)
{
    TestHba &h = make();
    add_lun(h, 0, 0, 64);
    add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_adapter *a = kern_scsi_adapter_find("vmhba0");
    kern_scsi_req *r = kern_scsi_req_new(512);
    r->cdb[0] = 0x28;   // READ (10) beyond the end: LBA 100 of 64 blocks
    r->cdb[5] = 100;
    r->cdb[8] = 1;
    r->cdb_len = 10;
    r->dir = KERN_SCSI_DIR_READ;
    bool done = false;
    r->done = [](void *ctx, kern_scsi_req *, sim_time_t) { *static_cast<bool *>(ctx) = true; };
    r->ctx = &done;
    ASSERT_EQ(kern_scsi_issue(a, 0, 0, 0, r), VMK_OK);
    sim_run_until(SIM_TIME_MAX);
    EXPECT_TRUE(done);
    EXPECT_FALSE(kern_scsi_req_ok(r));
    EXPECT_EQ(r->status.device, VMK_SCSI_DEVICE_CHECK_CONDITION);
    EXPECT_EQ(r->sense.key & 0xf, 0x5);   // ILLEGAL REQUEST
    EXPECT_EQ(r->sense.asc, 0x21);        // LOGICAL BLOCK ADDRESS OUT OF RANGE
    EXPECT_GT(r->end, r->submit);
    // A path that does not exist is refused at once.
    EXPECT_EQ(kern_scsi_issue(a, 0, 3, 0, r), VMK_NOT_FOUND);
    kern_scsi_req_free(r);
}

TEST_F(Scsi, LargeTransfersUseOneSgElementPerPage)
{
    TestHba &h = make();
    add_lun(h, 0, 0);
    add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_load_params p = loadp("vmhba0:C0:T0:L0", KERN_SCSI_RW_WRITE, 128 * 1024, 2, 8);
    kern_scsi_load_stats st = run_load(p);
    EXPECT_EQ(st.completed, 8u);
    EXPECT_GE(h.max_sg_elems, 32u);   // 128 KiB over 4 KiB pages
    EXPECT_EQ(h.sg_errors, 0u);
    EXPECT_EQ(kern_iova_count(), 0u);  // every mapping undone at completion
}

TEST_F(Scsi, AdapterQueueDepthBoundsOutstandingCommands)
{
    TestHba &h = make(/*qd=*/4);
    add_lun(h, 0, 0);
    add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_load_stats st = run_load(loadp("vmhba0:C0:T0:L0", KERN_SCSI_RW_RANDREAD, 4096, 32, 200));
    EXPECT_EQ(st.completed, 200u);
    kern_scsi_adapter_counters c{};
    kern_scsi_adapter_counters_get(kern_scsi_adapter_find("vmhba0"), &c);
    EXPECT_EQ(c.peak_outstanding, 4u);
    EXPECT_LE(h.max_queue, 4u);
    EXPECT_EQ(c.pending, 0u);
}

TEST_F(Scsi, StalledCommandIsAbortedAndCountedFailed)
{
    TestHba &h = make();
    add_lun(h, 0, 0);
    add(h, "hba#0");
    kern_scsi_params sp;
    kern_scsi_params_default(&sp);
    sp.tm_timeout_ms = 20;
    ASSERT_EQ(kern_scsi_configure(&sp, &err), 0) << err.msg;
    sim_run_until(SIM_TIME_MAX);
    h.stall_next_reads = 1;
    kern_scsi_load_params p = loadp("vmhba0:C0:T0:L0", KERN_SCSI_RW_RANDREAD, 4096, 4, 50);
    p.timeout_ms = 50;
    kern_scsi_load_stats st = run_load(p);
    EXPECT_EQ(st.issued, 50u);
    EXPECT_EQ(st.completed, 49u);
    EXPECT_EQ(st.failed, 1u);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    kern_scsi_adapter_counters c{};
    kern_scsi_adapter_counters_get(kern_scsi_adapter_find("vmhba0"), &c);
    EXPECT_EQ(c.timeouts, 1u);
    EXPECT_EQ(c.aborts, 1u);
    EXPECT_EQ(c.device_resets, 0u);
    EXPECT_EQ(c.given_up, 0u);
    ASSERT_EQ(h.tm_types.size(), 1u);
    EXPECT_EQ(h.tm_types[0], VMK_SCSI_TASKMGMT_ABORT);
    EXPECT_TRUE(h.stalled.empty());
}

TEST_F(Scsi, IgnoredAbortEscalatesToResetsThenGivesUp)
{
    TestHba &h = make();
    add_lun(h, 0, 0);
    add(h, "hba#0");
    kern_scsi_params sp;
    kern_scsi_params_default(&sp);
    sp.tm_timeout_ms = 20;
    ASSERT_EQ(kern_scsi_configure(&sp, &err), 0) << err.msg;
    sim_run_until(SIM_TIME_MAX);
    h.stall_next_reads = 1;
    h.ignore_tm = true;
    kern_scsi_load_params p = loadp("vmhba0:C0:T0:L0", KERN_SCSI_RW_READ, 4096, 2, 10);
    p.timeout_ms = 50;
    kern_scsi_load_stats st = run_load(p);
    EXPECT_EQ(st.completed, 9u);
    EXPECT_EQ(st.failed, 1u);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    kern_scsi_adapter_counters c{};
    kern_scsi_adapter *a = kern_scsi_adapter_find("vmhba0");
    kern_scsi_adapter_counters_get(a, &c);
    EXPECT_EQ(c.aborts, 1u);
    EXPECT_EQ(c.device_resets, 1u);
    EXPECT_EQ(c.bus_resets, 1u);
    EXPECT_EQ(c.given_up, 1u);
    EXPECT_EQ((std::vector<int>{VMK_SCSI_TASKMGMT_ABORT, VMK_SCSI_TASKMGMT_DEVICE_RESET,
                                VMK_SCSI_TASKMGMT_BUS_RESET}),
              h.tm_types);
    // The driver finally completes it: a late completion, counted, nothing else happens.
    ASSERT_EQ(h.stalled.size(), 1u);
    h.stalled[0].cmd->status.host = VMK_SCSI_HOST_ABORT;
    EXPECT_EQ(vmk_ScsiSchedCommandCompletion(h.stalled[0].cmd), VMK_OK);
    h.stalled.clear();
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_adapter_counters_get(a, &c);
    EXPECT_EQ(c.late_completions, 1u);
    EXPECT_EQ(kern_iova_count(), 0u);
}

TEST_F(Scsi, RegisterAdapterWithoutAParentDevice)
{
    TestHba &h = make();
    add_lun(h, 0, 0);
    add_lun(h, 1, 0);
    ASSERT_EQ(vmk_ScsiRegisterAdapter(h.va), VMK_OK);
    EXPECT_EQ(vmk_ScsiRegisterAdapter(h.va), VMK_EXISTS);
    sim_run_until(SIM_TIME_MAX);
    EXPECT_EQ(kern_scsi_disk_count(), 2u);
    EXPECT_NE(kern_scsi_disk_find("vmhba0:C0:T1:L0"), nullptr);
    ASSERT_EQ(vmk_ScsiUnregisterAdapter(h.va), VMK_OK);
    EXPECT_EQ(kern_scsi_adapter_count(), 0u);
    EXPECT_EQ(kern_scsi_disk_count(), 0u);
    EXPECT_EQ(h.destroys, h.creates);
    EXPECT_EQ(vmk_ScsiUnregisterAdapter(h.va), VMK_NOT_FOUND);
}

TEST_F(Scsi, CompletionOfAnUnknownCommandIsRefused)
{
    vmk_ScsiCommand bogus{};
    EXPECT_EQ(vmk_ScsiSchedCommandCompletion(&bogus), VMK_BAD_PARAM);
    EXPECT_EQ(vmk_ScsiSchedCommandCompletion(nullptr), VMK_BAD_PARAM);
}

TEST_F(Scsi, RemovingTheAdapterFailsWhatItHeld)
{
    TestHba &h = make();
    add_lun(h, 0, 0);
    vmk_Device dev = add(h, "hba#0");
    sim_run_until(SIM_TIME_MAX);
    h.stall_next_reads = 2;
    kern_scsi_load_params p = loadp("vmhba0:C0:T0:L0", KERN_SCSI_RW_RANDREAD, 4096, 2, 2);
    kern_scsi_load *l = nullptr;
    ASSERT_EQ(kern_scsi_load_start(&p, &l, &err), 0) << err.msg;
    sim_run_for(SIM_MS);   // both stalled, timeouts (5 s) far away
    ASSERT_EQ(h.stalled.size(), 2u);
    ASSERT_EQ(kern_device_remove(dev, KERN_REMOVE_SURPRISE, &err), VMK_OK) << err.msg;
    kern_scsi_load_stats st{};
    kern_scsi_load_get_stats(l, &st);
    EXPECT_EQ(st.failed, 2u);
    EXPECT_EQ(kern_scsi_load_lost(&st), 0u);
    EXPECT_EQ(kern_scsi_disk_count(), 0u);
    EXPECT_EQ(h.destroys, h.creates);
    // The driver completing them afterwards is harmless.
    for (auto &s : h.stalled)
        EXPECT_EQ(vmk_ScsiSchedCommandCompletion(s.cmd), VMK_OK);
    h.stalled.clear();
    sim_run_until(SIM_TIME_MAX);
    kern_scsi_load_free(l);
}

}  // namespace
