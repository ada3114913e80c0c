// lxscsi_fixture.h — a booted platform with one PVSCSI function ("hba0") that the driver map
// gives to vmklinux, loaders for vmklinux and a Linux SCSI driver module, SCSI requests issued
// from sim threads, and readers of module globals (dlsym) and of the log.
#pragma once

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "kernel_model/device/device.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/kernel.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/scsi/scsi.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/world/world.h"
#include "sim/sim.h"
#include "tests/common/boot_one.h"

namespace lxs {

inline void run_in_thread(std::function<void()> fn)
{
    static std::function<void()> *pending;
    pending = &fn;
    sim_thread_spawn("lxscsi-test", [](void *) { (*pending)(); }, nullptr);
    sim_run_until(SIM_TIME_MAX);
}

template <typename T> T *sym(kern_module *m, const char *name)
{
    void *p = dlsym(m->handle, name);
    EXPECT_NE(p, nullptr) << name;
    return static_cast<T *>(p);
}

class HbaPlatform : public ::testing::Test {
protected:
    platform_desc pd{};
    kern_system *sys = nullptr;
    kern_pci_dev *hba = nullptr;
    kern_module *vl = nullptr, *drv = nullptr;
    uint64_t bugs0 = 0;
    std::string log_path;
    FILE *log = nullptr;

    // Called between boot and driver load (attach disks to the model, ...).
    virtual void before_load() {}

    void SetUp() override
    {
        char tmpl[] = "/tmp/lxscsi-log-XXXXXX";
        int fd = mkstemp(tmpl);
        ASSERT_GE(fd, 0);
        log = fdopen(fd, "w+");
        log_path = tmpl;
        sim_log_set_file(log);
        bugs0 = kern_bug_count();
        vmksim_test::OneEndpoint one;
        ASSERT_NO_FATAL_FAILURE(vmksim_test::boot_one_endpoint(&pd, "pvscsi", "hba0", &one));
        sys = one.sys;
        hba = one.pdev;
        before_load();
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
        EXPECT_EQ(kern_bug_count(), bugs0);   // no spinlock misuse, no blocking where forbidden
        kern_shutdown(sys);
        kern_device_layer_reset();
        kern_intr_reset();
        platform_desc_free(&pd);
        sim_log_set_file(nullptr);
        fclose(log);
        unlink(log_path.c_str());
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

    int unload(kern_module **m)
    {
        int rc = -1;
        std::string name = (*m)->name;
        run_in_thread([&] { rc = kern_module_unload(name.c_str(), nullptr); });
        if (rc == 0)
            *m = nullptr;
        return rc;
    }

    // vmklinux gets the PVSCSI function (driver map), then the Linux driver loads, the function
    // is rescanned and the storage layer discovers the host's disks.
    void load_both(const char *driver_path)
    {
        sim_err err{};
        ASSERT_EQ(kern_driver_map_add_pci(0x15ad, 0x07c0, "vmklinux", &err), 0) << err.msg;
        std::string msg;
        ASSERT_EQ(load(VMKLINUX_PATH, &vl, &msg), 0) << msg;
        ASSERT_EQ(load(driver_path, &drv, &msg), 0) << msg;
        rescan();
        sim_run_until(SIM_TIME_MAX);   // discovery runs in its own thread
        ASSERT_EQ(kern_scsi_adapter_count(), 1u);
        ASSERT_TRUE(kern_scsi_adapter_scanned(kern_scsi_adapter_at(0)));
    }

    // The function is scanned again after its Linux driver loaded (an administrator's rescan,
    // as the scenario's driver{} does): vmklinux registers the host's HBA port child there.
    void rescan()
    {
        run_in_thread([&] {
            sim_err err{};
            EXPECT_EQ(kern_device_scan(kern_pci_bus_device(hba), &err), VMK_OK) << err.msg;
        });
    }

    kern_scsi_adapter *adapter() { return kern_scsi_adapter_at(0); }

    // Runs one request to completion (from a sim thread).
    VMK_ReturnStatus exec(uint32_t target, kern_scsi_req *r)
    {
        VMK_ReturnStatus st = VMK_FAILURE;
        run_in_thread([&] { st = kern_scsi_exec(adapter(), 0, target, 0, r); });
        return st;
    }

    static kern_scsi_req *rw10(bool write, uint32_t lba, uint16_t blocks, uint32_t bs = 512)
    {
        kern_scsi_req *r = kern_scsi_req_new((size_t)blocks * bs);
        r->cdb[0] = write ? 0x2A : 0x28;
        r->cdb[2] = (uint8_t)(lba >> 24);
        r->cdb[3] = (uint8_t)(lba >> 16);
        r->cdb[4] = (uint8_t)(lba >> 8);
        r->cdb[5] = (uint8_t)lba;
        r->cdb[7] = (uint8_t)(blocks >> 8);
        r->cdb[8] = (uint8_t)blocks;
        r->cdb_len = 10;
        r->dir = write ? KERN_SCSI_DIR_WRITE : KERN_SCSI_DIR_READ;
        return r;
    }

    static kern_scsi_req *nodata(uint8_t op, uint8_t len = 6)
    {
        kern_scsi_req *r = kern_scsi_req_new(0);
        r->cdb[0] = op;
        r->cdb_len = len;
        r->dir = KERN_SCSI_DIR_NONE;
        return r;
    }

    kern_mem_usage mem(int owner)
    {
        kern_mem_usage u;
        kern_mem_report(owner, &u);
        return u;
    }

    std::string log_text()
    {
        fflush(log);
        std::ifstream in(log_path);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    kern_scsi_load_stats run_load(const char *disk, kern_scsi_rw rw, uint32_t bs, uint32_t qd,
                                  uint64_t count, uint64_t region)
    {
        kern_scsi_load_params p{};
        snprintf(p.disk, sizeof p.disk, "%s", disk);
        p.rw = rw;
        p.read_pct = 50;
        p.block_size = bs;
        p.queue_depth = qd;
        p.region_size = region;
        p.io_count = count;
        p.verify = true;
        p.seed = 7;
        kern_scsi_load *l = nullptr;
        sim_err err{};
        EXPECT_EQ(kern_scsi_load_start(&p, &l, &err), 0) << err.msg;
        kern_scsi_load_stats st{};
        if (!l)
            return st;
        sim_run_until(SIM_TIME_MAX);
        kern_scsi_load_get_stats(l, &st);
        EXPECT_TRUE(kern_scsi_load_done(l));
        kern_scsi_load_free(l);
        return st;
    }
};

}  // namespace lxs
