// test_hba.h — the storage tests' "driver": an HBA written as plain C callbacks (command,
// taskMgmt, discover, checkTarget) over RAM disks held in the test, moving data through the IOVAs
// the storage layer mapped for its DMA engine (as a device would), completing each command after
// a size-dependent delay from an "interrupt" world through vmk_ScsiSchedCommandCompletion. It can
// stall commands, ignore task management and corrupt a block on read. Plus the fixture.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/costs.h"
#include "kernel_model/device/device.h"
#include "kernel_model/dma/dma.h"
#include "kernel_model/dma/dma_engine.h"
#include "kernel_model/scsi/scsi.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/world/world.h"
#include "sim/sim.h"

namespace {

constexpr uint16_t kRid = 0x0300;   // the fake requester ID of the test HBA (03:00.0)

struct RamLun {
    int type = 0;                  // peripheral device type (0 = disk)
    uint32_t bs = 512;
    uint64_t blocks = 8192;        // 4 MiB
    std::vector<uint8_t> data;
    void init() { data.assign(bs * blocks, 0); }
};

struct RamTarget {
    bool report_luns = true;
    bool rc16 = true;
    std::map<uint32_t, RamLun> luns;
};

struct TestHba {
    vmk_ScsiAdapter *va = nullptr;
    vmk_DMAEngine engine = nullptr;
    std::map<uint32_t, RamTarget> targets;
    struct Pending {
        vmk_ScsiCommand *cmd;
        sim_time_t due;
        uint32_t target, lun;
    };
    std::vector<Pending> queue;          // will complete at `due`
    std::vector<Pending> stalled;        // never complete on their own
    int stall_next_reads = 0;            // the next N READs stall
    bool ignore_tm = false;              // task management does nothing
    int64_t corrupt_lba = -1;            // reads covering this block get one byte flipped
    int creates = 0, configures = 0, destroys = 0, tms = 0;
    std::vector<int> tm_types;
    uint64_t commands = 0, max_sg_elems = 0, sg_errors = 0;
    size_t max_queue = 0;
};

inline kern_tworld *irq_world;

inline RamLun *lun_of(TestHba *h, uint32_t t, uint32_t l)
{
    auto it = h->targets.find(t);
    if (it == h->targets.end())
        return nullptr;
    auto jt = it->second.luns.find(l);
    return jt == it->second.luns.end() ? nullptr : &jt->second;
}

inline void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}
inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

// Copies between the disk and host memory through the command's IO SG array (the DMA a device
// does): every element must be a live mapping of our requester in the right direction.
inline bool dma(TestHba *h, vmk_ScsiCommand *cmd, uint8_t *disk, size_t len, bool to_host)
{
    vmk_SgArray *sg = cmd->sgIOArray;
    if (!sg)
        return false;
    h->max_sg_elems = std::max<uint64_t>(h->max_sg_elems, sg->numElems);
    size_t off = 0;
    for (uint32_t i = 0; i < sg->numElems && off < len; i++) {
        size_t n = std::min<size_t>(sg->elem[i].length, len - off);
        void *va = nullptr;
        int dir = 0;
        if (!kern_iova_lookup(kRid, sg->elem[i].ioAddr, n, &va, &dir) ||
            dir != (to_host ? KERN_DMA_TO_MEMORY : KERN_DMA_FROM_MEMORY)) {
            h->sg_errors++;
            return false;
        }
        if (to_host)
            memcpy(va, disk + off, n);
        else
            memcpy(disk + off, va, n);
        off += n;
    }
    return off == len;
}

inline void set_check(vmk_ScsiCommand *cmd, uint8_t key, uint8_t asc, uint8_t ascq)
{
    cmd->status.device = VMK_SCSI_DEVICE_CHECK_CONDITION;
    vmk_ScsiSenseData s{};
    s.error = 0x70;   // current, fixed format
    s.key = key;
    s.optLen = 10;
    s.asc = asc;
    s.ascq = ascq;
    vmk_ScsiCmdSetSenseData(&s, cmd, 18);
}

// Runs the CDB against the RAM disk (at completion time).
inline void execute(TestHba *h, vmk_ScsiCommand *cmd, uint32_t t, uint32_t l)
{
    RamTarget &tg = h->targets[t];
    RamLun *lu = lun_of(h, t, l);
    const uint8_t *cdb = cmd->cdb;
    uint8_t buf[4096] = {};
    size_t n = 0;
    cmd->status.host = VMK_SCSI_HOST_OK;
    cmd->status.device = VMK_SCSI_DEVICE_GOOD;
    cmd->bytesXferred = 0;
    switch (cdb[0]) {
    case 0x12:   // INQUIRY
        buf[0] = lu ? (uint8_t)lu->type : 0x7F;   // no LU: qualifier 011b, type 1Fh
        buf[2] = 6;
        buf[4] = 31;
        memcpy(buf + 8, "VMKSIM  ", 8);
        memcpy(buf + 16, "RAMDISK         ", 16);
        memcpy(buf + 32, "0001", 4);
        n = 36;
        break;
    case 0xA0: {   // REPORT LUNS
        if (!tg.report_luns) {
            set_check(cmd, 0x5, 0x20, 0x00);
            return;
        }
        size_t k = 0;
        for (auto &kv : tg.luns) {
            buf[8 + 8 * k + 1] = (uint8_t)kv.first;
            k++;
        }
        put_be32(buf, (uint32_t)(8 * k));
        n = 8 + 8 * k;
        break;
    }
    case 0x25:   // READ CAPACITY (10)
        if (!lu) { set_check(cmd, 0x5, 0x25, 0); return; }
        put_be32(buf, (uint32_t)(lu->blocks - 1));
        put_be32(buf + 4, lu->bs);
        n = 8;
        break;
    case 0x9E:   // READ CAPACITY (16)
        if (!tg.rc16 || !lu) { set_check(cmd, 0x5, 0x20, 0x00); return; }
        put_be32(buf + 4, (uint32_t)(lu->blocks - 1));
        put_be32(buf + 8, lu->bs);
        n = 32;
        break;
    case 0x28: case 0x2A: case 0x88: case 0x8A: {
        if (!lu) { set_check(cmd, 0x5, 0x25, 0); return; }
        uint64_t lba = cmd->lba;
        uint32_t cnt = cmd->lbc;
        if (lba + cnt > lu->blocks) { set_check(cmd, 0x5, 0x21, 0); return; }
        size_t len = (size_t)cnt * lu->bs;
        bool rd = cdb[0] == 0x28 || cdb[0] == 0x88;
        uint8_t *disk = lu->data.data() + lba * lu->bs;
        if (!dma(h, cmd, disk, len, rd)) {
            cmd->status.host = VMK_SCSI_HOST_ERROR;
            return;
        }
        if (rd && h->corrupt_lba >= 0 && (uint64_t)h->corrupt_lba >= lba &&
            (uint64_t)h->corrupt_lba < lba + cnt) {
            // Flip one byte of that block in host memory, after the DMA.
            size_t off = ((uint64_t)h->corrupt_lba - lba) * lu->bs + 100;
            uint8_t b = disk[off] ^ 0x5A;
            uint8_t tmp[1] = {b};
            size_t done = 0;
            for (uint32_t i = 0; i < cmd->sgIOArray->numElems; i++) {
                size_t el = cmd->sgIOArray->elem[i].length;
                if (off < done + el) {
                    void *va = nullptr;
                    kern_iova_lookup(kRid, cmd->sgIOArray->elem[i].ioAddr + (off - done), 1, &va,
                                     nullptr);
                    memcpy(va, tmp, 1);
                    break;
                }
                done += el;
            }
        }
        cmd->bytesXferred = len;
        return;
    }
    case 0x00:   // TEST UNIT READY
        return;
    default:
        set_check(cmd, 0x5, 0x20, 0x00);   // INVALID COMMAND OPERATION CODE
        return;
    }
    n = std::min<size_t>(n, cmd->requiredDataLen);
    if (n && !dma(h, cmd, buf, n, true)) {
        cmd->status.host = VMK_SCSI_HOST_ERROR;
        return;
    }
    cmd->bytesXferred = n;
}

inline void hba_irq(void *arg)
{
    TestHba *h = static_cast<TestHba *>(arg);
    if (!irq_world)
        irq_world = kern_tworld_new("test-hba-irq");
    kern_tworld_enter(irq_world);
    std::vector<TestHba::Pending> due;
    for (auto it = h->queue.begin(); it != h->queue.end();) {
        if (it->due <= sim_now()) {
            due.push_back(*it);
            it = h->queue.erase(it);
        } else {
            ++it;
        }
    }
    for (auto &p : due) {
        execute(h, p.cmd, p.target, p.lun);
        EXPECT_EQ(vmk_ScsiSchedCommandCompletion(p.cmd), VMK_OK);
    }
    kern_world_sync();
    kern_tworld_leave(irq_world);
}

struct PathData {
    uint32_t target, lun;
};

inline VMK_ReturnStatus hba_command(void *cd, vmk_ScsiCommand *cmd, void *dd)
{
    TestHba *h = static_cast<TestHba *>(cd);
    PathData *p = static_cast<PathData *>(dd);
    h->commands++;
    bool rd = cmd->cdb[0] == 0x28 || cmd->cdb[0] == 0x88;
    if (rd && h->stall_next_reads > 0) {
        h->stall_next_reads--;
        h->stalled.push_back({cmd, 0, p->target, p->lun});
        return VMK_OK;
    }
    // 5 us per command + 1 ns per byte: deterministic, size-dependent.
    sim_time_t lat = 5 * SIM_US + cmd->requiredDataLen * SIM_NS;
    h->queue.push_back({cmd, sim_now() + lat, p->target, p->lun});
    h->max_queue = std::max(h->max_queue, h->queue.size());
    sim_call_after(lat, hba_irq, h);
    return VMK_OK;
}

inline VMK_ReturnStatus hba_task_mgmt(void *cd, vmk_ScsiTaskMgmt *tm, void *dd)
{
    TestHba *h = static_cast<TestHba *>(cd);
    PathData *p = static_cast<PathData *>(dd);
    h->tms++;
    h->tm_types.push_back((int)tm->type);
    if (h->ignore_tm)
        return VMK_OK;
    for (auto it = h->stalled.begin(); it != h->stalled.end();) {
        bool scope = tm->type == VMK_SCSI_TASKMGMT_BUS_RESET ||
                     (tm->type == VMK_SCSI_TASKMGMT_DEVICE_RESET && it->target == p->target) ||
                     it->target == p->target;
        if (scope && vmk_ScsiQueryTaskMgmtAction(tm, it->cmd) == VMK_SCSI_TASKMGMT_ACTION_ABORT) {
            it->cmd->status.host = tm->status;
            it->cmd->status.device = VMK_SCSI_DEVICE_GOOD;
            it->cmd->bytesXferred = 0;
            EXPECT_EQ(vmk_ScsiSchedCommandCompletion(it->cmd), VMK_OK);
            it = h->stalled.erase(it);
        } else {
            ++it;
        }
    }
    return VMK_OK;
}

inline VMK_ReturnStatus hba_discover(void *cd, vmk_ScanAction action, int channel, int target,
                                     int lun, void **dd)
{
    TestHba *h = static_cast<TestHba *>(cd);
    switch (action) {
    case VMK_SCSI_SCAN_CREATE_PATH:
        if (channel != 0 || !h->targets.count((uint32_t)target))
            return VMK_NOT_FOUND;
        h->creates++;
        *dd = new PathData{(uint32_t)target, (uint32_t)lun};
        return VMK_OK;
    case VMK_SCSI_SCAN_CONFIGURE_PATH:
        h->configures++;
        return VMK_OK;
    case VMK_SCSI_SCAN_DESTROY_PATH:
        h->destroys++;
        delete static_cast<PathData *>(*dd);
        *dd = nullptr;
        return VMK_OK;
    }
    return VMK_BAD_PARAM;
}

inline VMK_ReturnStatus hba_check_target(void *cd, int channel, int target)
{
    TestHba *h = static_cast<TestHba *>(cd);
    return channel == 0 && h->targets.count((uint32_t)target) ? VMK_OK : VMK_NOT_FOUND;
}

class Scsi : public ::testing::Test {
protected:
    sim_err err{};
    std::deque<TestHba> hbas;
    std::vector<vmk_Device> devs;
    uint64_t bugs_before = 0;
    void SetUp() override
    {
        sim_log_set_file(nullptr);
        bugs_before = kern_bug_count();
        kern_timing_set_enabled(true);
        kern_cost_reset();
        ASSERT_EQ(kern_scsi_layer_init(&err), 0) << err.msg;
    }
    void TearDown() override
    {
        EXPECT_EQ(kern_bug_count(), bugs_before) << kern_last_bug();   // no simulator-reported bug
        kern_device_layer_reset();
        kern_scsi_layer_reset();
        for (auto &h : hbas) {
            if (h.engine)
                vmk_DMAEngineDestroy(h.engine);
            vmk_ScsiFreeAdapter(h.va);
        }
        kern_dma_reset();
    }
    // An HBA with one target 0 holding LUN 0 (a disk) and queue depth qd.
    TestHba &make(uint32_t qd = 64, uint32_t max_targets = 4)
    {
        hbas.emplace_back();
        TestHba &h = hbas.back();
        h.va = vmk_ScsiAllocateAdapter();
        h.va->moduleID = VMK_KERNEL_MODULE_ID;
        h.va->clientData = &h;
        vmk_DMAConstraints c{};
        c.addressMask = 0xFFFFFFFFull;
        h.engine = kern_dma_engine_create(0, "test-hba", kRid, &c, &err);
        h.va->engine = h.engine;
        h.va->channels = 1;
        h.va->maxTargets = max_targets;
        h.va->maxLUNs = 8;
        h.va->queueDepth = qd;
        h.va->maxCmdLen = 16;
        h.va->command = hba_command;
        h.va->taskMgmt = hba_task_mgmt;
        h.va->discover = hba_discover;
        h.va->checkTarget = hba_check_target;
        return h;
    }
    RamLun &add_lun(TestHba &h, uint32_t t, uint32_t l, uint64_t blocks = 8192, uint32_t bs = 512,
                    int type = 0)
    {
        RamLun &lu = h.targets[t].luns[l];
        lu.type = type;
        lu.bs = bs;
        lu.blocks = blocks;
        lu.init();
        return lu;
    }
    vmk_Device add(TestHba &h, const char *addr)
    {
        vmk_AddrCookie rd;
        rd.ptr = h.va;
        vmk_Device dev = nullptr;
        EXPECT_EQ(kern_device_register_root(VMK_LOGICAL_BUS_NAME, addr, VMK_SCSI_PSA_DRIVER_BUS_ID,
                                            rd, nullptr, nullptr, &dev, &err),
                  VMK_OK)
            << err.msg;
        kern_device_bind(dev);
        devs.push_back(dev);
        return dev;
    }
    kern_scsi_load_stats run_load(const kern_scsi_load_params &p, kern_scsi_load **keep = nullptr)
    {
        kern_scsi_load *l = nullptr;
        EXPECT_EQ(kern_scsi_load_start(&p, &l, &err), 0) << err.msg;
        if (!l)
            return {};
        sim_run_until(SIM_TIME_MAX);
        kern_scsi_load_stats st{};
        kern_scsi_load_get_stats(l, &st);
        EXPECT_TRUE(kern_scsi_load_done(l));
        if (keep)
            *keep = l;
        else
            kern_scsi_load_free(l);
        return st;
    }
};

inline kern_scsi_load_params loadp(const char *disk, kern_scsi_rw rw, uint32_t bs, uint32_t qd,
                                   uint64_t count, uint64_t region = 1 << 20)
{
    kern_scsi_load_params p{};
    snprintf(p.disk, sizeof p.disk, "%s", disk);
    p.rw = rw;
    p.read_pct = 70;
    p.block_size = bs;
    p.queue_depth = qd;
    p.region_size = region;
    p.io_count = count;
    p.verify = true;
    p.seed = 42;
    return p;
}

}  // namespace
