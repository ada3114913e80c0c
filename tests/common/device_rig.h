// device_rig.h — the fixture of device-side tests (in the manner of QEMU's qtest): a platform
// with one endpoint is booted (kern_boot enumerates it and assigns its BARs), the test installs
// its own host memory window and records MSIs and INTx edges, and test bodies run in a sim
// thread, so that MMIO waits and device DMA happen in simulated time.
#ifndef VMKSIM_TESTS_DEVICE_RIG_H
#define VMKSIM_TESTS_DEVICE_RIG_H

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include "devices/pcie/pci_access.h"
#include "kernel_model/kernel.h"
#include "kernel_model/pci/pci_tree.h"
#include "sim/sim.h"
#include "tests/common/boot_one.h"

namespace vmksim_test {

// Host memory as the device sees it: one window [base, base + size); DMA outside it faults.
struct HostMemory {
    uint64_t base = 0;
    std::vector<uint8_t> mem;
    std::vector<sim_time_t> msi;                        // when each MSI arrived
    std::vector<std::pair<sim_time_t, bool>> intx;      // INTx edges (true = assert)

    uint8_t *at(uint64_t addr) { return mem.data() + (addr - base); }

    static int dma(void *ctx, uint16_t, uint64_t addr, void *buf, size_t len, bool wr)
    {
        auto *h = static_cast<HostMemory *>(ctx);
        if (addr < h->base || addr + len > h->base + h->mem.size())
            return PCIE_DMA_FAULT;
        uint8_t *p = h->at(addr);
        wr ? memcpy(p, buf, len) : memcpy(buf, p, len);
        return PCIE_DMA_OK;
    }
    static void on_msi(void *ctx, uint16_t, uint64_t, uint32_t)
    {
        static_cast<HostMemory *>(ctx)->msi.push_back(sim_now());
    }
    static void on_intx(void *ctx, uint16_t, int, bool a)
    {
        static_cast<HostMemory *>(ctx)->intx.push_back({sim_now(), a});
    }
};

class DeviceRig : public ::testing::Test {
protected:
    platform_desc pd{};
    kern_system *sys = nullptr;
    HostMemory host;
    kern_pci_dev *pdev = nullptr;      // the endpoint's function, as enumerated
    pcie_endpoint *ep = nullptr;

    // Boots one endpoint of model under a root port with the default link, and installs a host
    // memory window of size bytes at base.
    void boot_one(const char *model, const char *name, uint64_t base, size_t size)
    {
        static const pcie_host_ops ops = {HostMemory::dma, HostMemory::on_msi,
                                          HostMemory::on_intx};
        host.base = base;
        host.mem.assign(size, 0);
        OneEndpoint one;
        ASSERT_NO_FATAL_FAILURE(boot_one_endpoint(&pd, model, name, &one));
        sys = one.sys;
        pcie_fabric_set_host(sys->fabric, &ops, &host);
        ep = one.ep;
        pdev = one.pdev;
    }
    void shutdown()
    {
        if (sys)
            kern_shutdown(sys);
        sys = nullptr;
        platform_desc_free(&pd);
    }
    uint8_t *mem(uint64_t addr) { return host.at(addr); }
    // Runs body in a sim thread and the simulation until nothing is left to do.
    void run(std::function<void()> body, const char *thread = "test")
    {
        sim_thread_spawn(thread, run_body, &body);
        sim_run_until(SIM_TIME_MAX);
    }

private:
    static void run_body(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }
};

}  // namespace vmksim_test

#endif
