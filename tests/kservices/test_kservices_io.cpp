// test_kservices_io.cpp — the kernel services that face devices, on a booted fabric whose host ops
// are the kernel's (kern_boot installs them): DMA through mappings (element, SG, coherent), DMA
// faults (unmapped, wrong direction, wrong device, past the end) that touch nothing; MSI decoded
// and dispatched at its arrival time in interrupt context with the registering module current;
// a shared INTx line; and a loaded module whose init_module uses heap, log and timer exports.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "devices/pcie/caps.h"
#include "devices/pcie/ep_model.h"
#include "devices/pcie/link_timing.h"
#include "devices/pcie/pci_access.h"
#include "devices/pcie/pcie_regs.h"
#include "kernel_model/costs.h"
#include "kernel_model/device/device.h"
#include "kernel_model/dma/dma.h"
#include "kernel_model/dma/dma_engine.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/kernel.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"

namespace {

std::vector<std::string> g_lines;
void capture(void *, sim_log_level, const char *line) { g_lines.push_back(line); }
bool logged(const std::string &part)
{
    for (const auto &l : g_lines)
        if (l.find(part) != std::string::npos)
            return true;
    return false;
}

// A minimal endpoint: BAR0 4 KiB, 64-bit MSI (1 vector), INTA.
constexpr uint8_t kMsiCap = 0x80;
int ks_init(const pcie_ep_ctx *ctx, pcie_cfg *cfg, void **state, sim_err *err)
{
    pcie_cfg_init_common(cfg, 0x1AF4, 0x5151, 1, 0x020000, PCIE_HEADER_TYPE_NORMAL);
    pcie_cfg_set8(cfg, PCIE_INTERRUPT_PIN, 1);
    if (!pcie_cfg_add_bar(cfg, 0, PCIE_BAR_MEM32, false, 0x1000) ||
        !pcie_cap_add_msi(cfg, kMsiCap, 0, true, false))
        return sim_err_set(err, "ks_ep: capabilities");
    *state = nullptr;
    return pcie_ep_add_exp(ctx, cfg, 0x40, err);
}
const pcie_ep_model ks_model = {"ks_ep", "kernel-services test endpoint", ks_init, nullptr,
                                nullptr, nullptr};

void run_thread_fn(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }
void in_thread(std::function<void()> body)
{
    sim_thread_spawn("test", run_thread_fn, &body);
    sim_run_until(SIM_TIME_MAX);
}

struct where { uint8_t bus, dev, fn; const char *name; };
void find_visit(void *ctx, const pcie_topo_node *n)
{
    auto *w = static_cast<where *>(ctx);
    if (n->kind == PCIE_FN_ENDPOINT && strcmp(n->name, w->name) == 0) {
        w->bus = n->bus;
        w->dev = n->dev;
        w->fn = n->fn;
    }
}

class KernIO : public ::testing::Test {
  public:
    platform_desc desc;
    kern_system *sys = nullptr;
    pcie_link_params l = pcie_link_params_default();

    void SetUp() override
    {
        g_lines.clear();
        sim_log_set_file(nullptr);
        sim_log_set_sink(capture, nullptr);
        sim_log_set_level(SIM_LOG_INFO);
        sim_err e;
        if (!pcie_ep_model_find("ks_ep")) {
            ASSERT_EQ(pcie_ep_model_register(&ks_model, &e), 0) << e.msg;
        }
        platform_desc_init(&desc);
        desc.nroot_ports = 2;
        for (int i = 0; i < 2; i++) {
            desc.root_ports[i].link = l;
            desc.root_ports[i].kind = PCIE_NODE_ENDPOINT;
            snprintf(desc.root_ports[i].endpoint.model, sizeof desc.root_ports[i].endpoint.model,
                     "ks_ep");
            snprintf(desc.root_ports[i].endpoint.name, sizeof desc.root_ports[i].endpoint.name,
                     "n%d", i);
        }
        ASSERT_EQ(kern_boot(&desc, &sys, &e), 0) << e.msg;
        kern_dma_reset();
        kern_intr_reset();
        kern_mem_reset_accounting();
        kern_timing_set_enabled(true);
        sim_run_until(SIM_TIME_MAX);
    }
    void TearDown() override
    {
        kern_module_unload_all();
        kern_shutdown(sys);
        platform_desc_free(&desc);
        sim_log_set_sink(nullptr, nullptr);
        sim_log_set_file(stderr);
    }
    pcie_endpoint *ep(const char *n) { return pcie_fabric_find_endpoint(sys->fabric, n); }
    uint16_t rid(const char *n) { return pcie_dev_requester_id(ep(n)); }
    void cfg_w(const char *n, uint16_t off, int size, uint32_t v)
    {
        where w = {0, 0, 0, n};
        pcie_fabric_walk(sys->fabric, find_visit, &w);
        pcie_cfg_write(sys->fabric, w.bus, w.dev, w.fn, off, size, v);
    }
    vmk_DMAEngine engine(const char *n, vmk_IOA mask = ~0ULL, uint32_t sg_max = 0)
    {
        vmk_DMAConstraints c;
        memset(&c, 0, sizeof c);
        c.addressMask = mask;
        c.sgMaxEntries = sg_max;
        sim_err e;
        vmk_DMAEngine d = kern_dma_engine_create(0, n, rid(n), &c, &e);
        EXPECT_NE(d, nullptr) << e.msg;
        return d;
    }
};

TEST_F(KernIO, MappedBuffersAreReadAndWrittenByTheDevice)
{
    vmk_DMAEngine d = engine("n0");
    std::vector<uint8_t> tx(256), rx(300, 0xEE), got(256), wire(300);
    for (size_t i = 0; i < tx.size(); i++)
        tx[i] = (uint8_t)(i * 3 + 1);
    for (size_t i = 0; i < wire.size(); i++)
        wire[i] = (uint8_t)(i ^ 0x5A);
    kern_timing_reset_counters();
    uint64_t before = kern_timing_owner_mcycles(KERN_OWNER_KERNEL);
    vmk_SgElem in = {{(vmk_MA)(uintptr_t)tx.data()}, tx.size()}, txio, rxio;
    vmk_DMAMapErrorInfo err;
    ASSERT_EQ(vmk_DMAMapElem(d, VMK_DMA_DIRECTION_FROM_MEMORY, &in, VMK_TRUE, &txio, &err), VMK_OK);
    in = {{(vmk_MA)(uintptr_t)rx.data()}, rx.size()};
    ASSERT_EQ(vmk_DMAMapElem(d, VMK_DMA_DIRECTION_TO_MEMORY, &in, VMK_TRUE, &rxio, &err), VMK_OK);
    EXPECT_EQ(txio.ioAddr % KERN_IOVA_PAGE, 0u);
    EXPECT_NE(txio.ioAddr, (vmk_IOA)(uintptr_t)tx.data()) << "an IOVA, not a process pointer";
    int rr = -9, wr = -9;
    in_thread([&] {
        rr = pcie_dev_dma_read(ep("n0"), txio.ioAddr, got.data(), got.size());
        wr = pcie_dev_dma_write(ep("n0"), rxio.ioAddr, wire.data(), wire.size());
    });
    EXPECT_EQ(rr, PCIE_DMA_OK);
    EXPECT_EQ(wr, PCIE_DMA_OK);
    EXPECT_EQ(got, tx);
    EXPECT_EQ(rx, wire);
    EXPECT_EQ(vmk_DMAUnmapElem(d, VMK_DMA_DIRECTION_FROM_MEMORY, &txio), VMK_OK);
    EXPECT_EQ(vmk_DMAUnmapElem(d, VMK_DMA_DIRECTION_TO_MEMORY, &rxio), VMK_OK);
    EXPECT_EQ(kern_timing_owner_mcycles(KERN_OWNER_KERNEL) - before,
              2 * kern_cost_mcycles(KERN_COST_DMA_MAP, 0) +
                  2 * kern_cost_mcycles(KERN_COST_DMA_UNMAP, 0));
    EXPECT_EQ(kern_dma_fault_total(), 0u);
    EXPECT_EQ(kern_iova_count(), 0u);
    vmk_DMAEngineDestroy(d);
}

TEST_F(KernIO, UnmappedWrongDirectionOrForeignAccessIsAFaultThatTouchesNothing)
{
    vmk_DMAEngine d = engine("n0");
    std::vector<uint8_t> rxbuf(128, 0x11), txbuf(128, 0x22), dev(128, 0x77);
    vmk_SgElem in = {{(vmk_MA)(uintptr_t)rxbuf.data()}, rxbuf.size()}, rxio, txio;
    ASSERT_EQ(vmk_DMAMapElem(d, VMK_DMA_DIRECTION_TO_MEMORY, &in, VMK_TRUE, &rxio, nullptr),
              VMK_OK);
    in = {{(vmk_MA)(uintptr_t)txbuf.data()}, txbuf.size()};
    ASSERT_EQ(vmk_DMAMapElem(d, VMK_DMA_DIRECTION_FROM_MEMORY, &in, VMK_TRUE, &txio, nullptr),
              VMK_OK);
    std::vector<int> r;
    in_thread([&] {
        r.push_back(pcie_dev_dma_read(ep("n0"), rxio.ioAddr, dev.data(), 16));    // wrong dir
        r.push_back(pcie_dev_dma_write(ep("n0"), txio.ioAddr, dev.data(), 16));   // wrong dir
        r.push_back(pcie_dev_dma_read(ep("n0"), 0x7000000, dev.data(), 16));      // unmapped
        r.push_back(pcie_dev_dma_write(ep("n0"), rxio.ioAddr + 120, dev.data(), 16));   // past end
        r.push_back(pcie_dev_dma_write(ep("n1"), rxio.ioAddr, dev.data(), 16));   // other device
        r.push_back(pcie_dev_dma_read(ep("n0"), txio.ioAddr, dev.data(), 128));   // fine
    });
    ASSERT_EQ(r.size(), 6u);
    EXPECT_EQ(r[0], PCIE_DMA_FAULT);
    EXPECT_EQ(r[2], PCIE_DMA_FAULT);
    EXPECT_EQ(r[5], PCIE_DMA_OK);
    EXPECT_EQ(dev, std::vector<uint8_t>(128, 0x22)) << "only the good read filled the buffer";
    EXPECT_EQ(rxbuf, std::vector<uint8_t>(128, 0x11)) << "refused writes touched nothing";
    EXPECT_EQ(txbuf, std::vector<uint8_t>(128, 0x22));
    EXPECT_EQ(kern_dma_fault_count(rid("n0")), 4u);
    EXPECT_EQ(kern_dma_fault_count(rid("n1")), 1u);
    kern_dma_fault f;
    ASSERT_TRUE(kern_dma_last_fault(&f));
    EXPECT_EQ(f.requester, rid("n1"));
    EXPECT_EQ(f.addr, rxio.ioAddr);
    EXPECT_TRUE(f.is_write);
    char addr[32];
    snprintf(addr, sizeof addr, "0x%llx", (unsigned long long)rxio.ioAddr);
    EXPECT_TRUE(logged(std::string("read of 16 byte(s) at IOVA ") + addr +
                       ": mapped, but not for device reads"));
    EXPECT_TRUE(logged("IOVA 0x7000000: address not mapped for this device"));
    EXPECT_TRUE(logged("DMA fault: device 02:00.0 (n1) write of 16 byte(s)")) << "names the device";
    // After unmapping, the device's old address faults too.
    vmk_DMAUnmapElem(d, VMK_DMA_DIRECTION_FROM_MEMORY, &txio);
    int after = 0;
    in_thread([&] { after = pcie_dev_dma_read(ep("n0"), txio.ioAddr, dev.data(), 4); });
    EXPECT_EQ(after, PCIE_DMA_FAULT);
    EXPECT_EQ(kern_dma_fault_count(rid("n0")), 5u);
    vmk_DMAUnmapElem(d, VMK_DMA_DIRECTION_TO_MEMORY, &rxio);
    vmk_DMAEngineDestroy(d);
}

TEST_F(KernIO, EngineOfAPciDeviceChecksThatDevicesRequests)
{
    vmk_Device dev = kern_device_find("0000:02:00.0");
    ASSERT_NE(dev, nullptr);
    vmk_DMAConstraints c;
    memset(&c, 0, sizeof c);
    c.addressMask = 0xFFFFFFFFULL;
    vmk_DMAEngineProps p;
    memset(&p, 0, sizeof p);
    snprintf(p.name.string, sizeof p.name.string, "n1dma");
    p.device = dev;
    p.constraints = &c;
    vmk_DMAEngine d = nullptr;
    ASSERT_EQ(vmk_DMAEngineCreate(&p, &d), VMK_OK);
    EXPECT_EQ(kern_dma_engine_requester(d), rid("n1"));
    p.device = nullptr;
    vmk_DMAEngine bad = nullptr;
    EXPECT_EQ(vmk_DMAEngineCreate(&p, &bad), VMK_BAD_PARAM) << "no device";
    vmk_DMAEngineDestroy(d);
}

std::vector<vmk_IOA> coherent_sequence(KernIO *t, std::vector<void *> *vas, vmk_DMAEngine *d)
{
    *d = t->engine("n0");
    std::vector<vmk_IOA> out;
    for (vmk_ByteCount sz : {4096u, 100u, 9000u, 64u}) {
        void *va = nullptr;
        vmk_IOA ioa = 0;
        EXPECT_EQ(vmk_DMAAllocCoherent(*d, sz, &va, &ioa), VMK_OK);
        vas->push_back(va);
        out.push_back(ioa);
    }
    return out;
}

TEST_F(KernIO, CoherentMemoryHasDeterministicIovasAndIsCountedAgainstItsOwner)
{
    std::vector<void *> vas;
    vmk_DMAEngine d;
    std::vector<vmk_IOA> a = coherent_sequence(this, &vas, &d);
    std::vector<vmk_IOA> expect = {KERN_IOVA_BASE, KERN_IOVA_BASE + 0x1000, KERN_IOVA_BASE + 0x2000,
                                   KERN_IOVA_BASE + 0x5000};
    EXPECT_EQ(a, expect);
    kern_mem_usage u;
    kern_mem_report(0, &u);
    EXPECT_EQ(u.live_bytes, 4096u + 100 + 9000 + 64);
    EXPECT_EQ(static_cast<uint8_t *>(vas[2])[8999], 0) << "zeroed";
    uint32_t word = 0xA5A5A5A5;
    int r = -1;
    in_thread([&] { r = pcie_dev_dma_write(ep("n0"), a[2] + 8996, &word, 4); });
    EXPECT_EQ(r, PCIE_DMA_OK);
    EXPECT_EQ(memcmp(static_cast<uint8_t *>(vas[2]) + 8996, &word, 4), 0);
    EXPECT_EQ(vmk_DMAFreeCoherent(d, 100, vas[1], a[1]), VMK_OK);
    EXPECT_EQ(vmk_DMAFreeCoherent(d, 100, vas[1], a[1]), VMK_BAD_PARAM) << "double free";
    vmk_DMAEngineDestroy(d);   // three buffers left: leaked, memory reclaimed
    kern_mem_report(0, &u);
    EXPECT_EQ(u.live_bytes, 0u);
    EXPECT_EQ(u.leaked_count, 3u);
    EXPECT_EQ(kern_iova_count(), 0u);
    // Same calls from a fresh table: the same IOVAs, whatever the process's pointers are.
    kern_dma_reset();
    vas.clear();
    EXPECT_EQ(coherent_sequence(this, &vas, &d), expect);
    vmk_DMAEngineDestroy(d);
}

TEST_F(KernIO, ScatterGatherMapsEveryElementWithinConstraints)
{
    vmk_HeapCreateProps hp;
    memset(&hp, 0, sizeof hp);
    snprintf(hp.name.string, sizeof hp.name.string, "sg");
    hp.max = 1 << 16;
    vmk_HeapID h;
    ASSERT_EQ(vmk_HeapCreate(&hp, &h), VMK_OK);
    std::vector<uint8_t> b0(1000, 1), b1(5000, 2), b2(10, 3);
    vmk_SgArray *sg;
    ASSERT_EQ(vmk_SgAlloc(h, &sg, 3), VMK_OK);
    uint8_t *bufs[3] = {b0.data(), b1.data(), b2.data()};
    size_t lens[3] = {b0.size(), b1.size(), b2.size()};
    for (int i = 0; i < 3; i++)
        sg->elem[i] = {{(vmk_MA)(uintptr_t)bufs[i]}, lens[i]};
    sg->numElems = 3;
    vmk_DMAEngine small = engine("n0", ~0ULL, 2), d = engine("n0", ~0ULL, 4);
    vmk_SgArray *out = nullptr;
    vmk_DMAMapErrorInfo err;
    EXPECT_EQ(vmk_DMAMapSg(small, VMK_DMA_DIRECTION_FROM_MEMORY, sg, &out, &err), VMK_BAD_PARAM);
    EXPECT_EQ(err.error, VMK_DMA_MAPERR_SGMAXENTRIES);
    ASSERT_EQ(vmk_DMAMapSg(d, VMK_DMA_DIRECTION_FROM_MEMORY, sg, &out, &err), VMK_OK);
    ASSERT_EQ(out->numElems, 3u);
    EXPECT_EQ(out->elem[1].length, 5000u);
    EXPECT_EQ(kern_iova_count(), 3u);
    std::vector<uint8_t> got(5000);
    int r = -1;
    in_thread([&] { r = pcie_dev_dma_read(ep("n0"), out->elem[1].ioAddr, got.data(), 5000); });
    EXPECT_EQ(r, PCIE_DMA_OK);
    EXPECT_EQ(got, b1);
    EXPECT_EQ(vmk_DMAFlushSg(d, VMK_DMA_DIRECTION_FROM_MEMORY, out, 900, 200), VMK_OK);
    EXPECT_EQ(vmk_DMAUnmapSg(d, VMK_DMA_DIRECTION_FROM_MEMORY, out), VMK_OK);
    EXPECT_EQ(kern_iova_count(), 0u);
    // A device limited to 28 address bits cannot reach any IOVA.
    vmk_DMAEngine narrow = engine("n0", (1ULL << 28) - 1);
    vmk_SgElem io;
    EXPECT_NE(vmk_DMAMapElem(narrow, VMK_DMA_DIRECTION_TO_MEMORY, &sg->elem[0], VMK_TRUE, &io,
                             &err),
              VMK_OK);
    EXPECT_EQ(err.error, VMK_DMA_MAPERR_ADDRMASK);
    vmk_SgFree(h, sg);
    vmk_DMAEngineDestroy(narrow);
    vmk_DMAEngineDestroy(small);
    vmk_DMAEngineDestroy(d);
    vmk_HeapDestroy(h);
}

// ---- interrupts ----

struct intr_rec {
    std::vector<sim_time_t> at;
    std::vector<int> module;
    std::vector<bool> in_intr;
    std::vector<std::string> world;
    VMK_ReturnStatus ack_result = VMK_OK;
    int acks = 0;
    bool *cause = nullptr;
    pcie_endpoint *ep = nullptr;
};

VMK_ReturnStatus rec_ack(void *d, vmk_IntrCookie)
{
    auto *r = static_cast<intr_rec *>(d);
    r->acks++;
    if (r->cause)
        return *r->cause ? VMK_OK : VMK_NOT_THIS_DEVICE;
    return r->ack_result;
}

void rec_handler(void *d, vmk_IntrCookie)
{
    auto *r = static_cast<intr_rec *>(d);
    r->at.push_back(sim_now());
    r->module.push_back(kern_module_current());
    r->in_intr.push_back(kern_intr_in_interrupt());
    r->world.push_back(kern_tworld_name(kern_tworld_current()));
    if (r->cause) {   // the driver clears the cause; the device drops its line
        *r->cause = false;
        pcie_dev_intx(r->ep, false);
    }
}

std::string module_path(const char *name)
{
    return std::string(VMKSIM_BINARY_DIR) + "/modules/" + name + ".so";
}

TEST_F(KernIO, MsiRunsTheHandlerAtArrivalInInterruptContextAsItsModule)
{
    kern_module *m = nullptr;
    sim_err e;
    ASSERT_EQ(kern_module_load(module_path("ks_testmod").c_str(), &m, &e), 0) << e.msg;
    uint64_t addr;
    uint32_t data;
    int v = kern_intr_vector_alloc(m->id, "n0-msi", &addr, &data, &e);
    ASSERT_GE(v, KERN_INTR_VEC_FIRST) << e.msg;
    EXPECT_EQ(addr, KERN_MSI_ADDR_BASE);
    EXPECT_EQ(data, (uint32_t)v);
    cfg_w("n0", kMsiCap + PCIE_MSI_ADDRESS_LO, 4, (uint32_t)addr);
    cfg_w("n0", kMsiCap + PCIE_MSI_ADDRESS_HI, 4, 0);
    cfg_w("n0", kMsiCap + PCIE_MSI_DATA_64, 2, data);
    cfg_w("n0", kMsiCap + PCIE_MSI_FLAGS, 2, PCIE_MSI_FLAGS_ENABLE);
    intr_rec rec;
    vmk_IntrProps p;
    memset(&p, 0, sizeof p);
    snprintf(p.deviceName.string, sizeof p.deviceName.string, "n0");
    p.acknowledgeInterrupt = rec_ack;
    p.handler = rec_handler;
    p.handlerData = &rec;
    ASSERT_EQ(vmk_IntrRegister(m->id, (vmk_IntrCookie)v, &p), VMK_OK);
    EXPECT_EQ(vmk_IntrRegister(m->id, (vmk_IntrCookie)v, &p), VMK_BUSY);

    // Registered but not enabled: the interrupt is held pending.
    in_thread([&] { pcie_dev_msi(ep("n0"), 0); });
    EXPECT_TRUE(rec.at.empty());
    EXPECT_EQ(rec.acks, 0);
    kern_timing_reset_counters();
    uint64_t before = kern_timing_owner_mcycles(KERN_OWNER_KERNEL);
    ASSERT_EQ(vmk_IntrEnable((vmk_IntrCookie)v), VMK_OK);
    sim_run_until(SIM_TIME_MAX);
    ASSERT_EQ(rec.at.size(), 1u) << "the pending interrupt is delivered on enable";
    EXPECT_EQ(kern_timing_owner_mcycles(KERN_OWNER_KERNEL) - before,
              kern_cost_mcycles(KERN_COST_INTR_DISPATCH, 0));

    sim_time_t sent = 0;
    in_thread([&] {
        sim_wait(SIM_US);   // the CPU is free again (the first dispatch kept it busy 400 cycles)
        sent = sim_now();
        pcie_dev_msi(ep("n0"), 0);
    });
    ASSERT_EQ(rec.at.size(), 2u);
    EXPECT_EQ(rec.at[1], sent + pcie_link_tlp_ps(&l, PCIE_TLP_MSI, 4));
    EXPECT_EQ(rec.module[1], m->id);
    EXPECT_TRUE(rec.in_intr[1]);
    EXPECT_EQ(rec.world[1], "intr.cpu0");
    EXPECT_FALSE(kern_intr_in_interrupt());
    EXPECT_EQ(kern_module_stack_depth(), 0u);
    EXPECT_EQ(kern_intr_count(v), 2u);

    // An ack that says "not mine" keeps the handler from running.
    rec.ack_result = VMK_IGNORE;
    in_thread([&] { pcie_dev_msi(ep("n0"), 0); });
    EXPECT_EQ(rec.at.size(), 2u);
    EXPECT_EQ(rec.acks, 3);

    // A malformed MSI (vector below 32) is refused and counted.
    uint64_t spur = kern_intr_spurious();
    kern_intr_msi_arrived(rid("n0"), KERN_MSI_ADDR_BASE, 5);
    EXPECT_EQ(kern_intr_spurious(), spur + 1);
    EXPECT_TRUE(logged("is not a valid x86 MSI"));

    EXPECT_EQ(vmk_IntrUnregister(m->id, (vmk_IntrCookie)v, &rec), VMK_OK);
    EXPECT_EQ(vmk_IntrUnregister(m->id, (vmk_IntrCookie)v, &rec), VMK_NOT_FOUND);
    kern_intr_vector_free(v);
    EXPECT_EQ(kern_intr_owner(v), -1);
}

TEST_F(KernIO, InterruptsOnOneCpuAreHandledOneAfterTheOther)
{
    sim_err e;
    intr_rec r[2];
    int v[2];
    const char *names[2] = {"n0", "n1"};
    for (int i = 0; i < 2; i++) {
        uint64_t addr;
        uint32_t data;
        v[i] = kern_intr_vector_alloc(0, names[i], &addr, &data, &e);
        ASSERT_GE(v[i], KERN_INTR_VEC_FIRST) << e.msg;
        cfg_w(names[i], kMsiCap + PCIE_MSI_ADDRESS_LO, 4, (uint32_t)addr);
        cfg_w(names[i], kMsiCap + PCIE_MSI_ADDRESS_HI, 4, 0);
        cfg_w(names[i], kMsiCap + PCIE_MSI_DATA_64, 2, data);
        cfg_w(names[i], kMsiCap + PCIE_MSI_FLAGS, 2, PCIE_MSI_FLAGS_ENABLE);
        ASSERT_EQ(kern_intr_register(0, v[i], names[i], nullptr, rec_handler, &r[i], &e), 0);
        ASSERT_EQ(kern_intr_enable(v[i], &e), 0);
    }
    EXPECT_NE(v[0], v[1]);
    sim_time_t sent = 0;
    in_thread([&] {   // both messages arrive at the same time (identical links)
        sent = sim_now();
        pcie_dev_msi(ep("n0"), 0);
        pcie_dev_msi(ep("n1"), 0);
    });
    ASSERT_EQ(r[0].at.size(), 1u);
    ASSERT_EQ(r[1].at.size(), 1u);
    sim_time_t arrival = sent + pcie_link_tlp_ps(&l, PCIE_TLP_MSI, 4);
    EXPECT_EQ(r[0].at[0], arrival);
    // The second waits for the CPU: 400 dispatch cycles at 2.4 GHz = 166666 ps (rounded down).
    uint64_t mc = kern_cost_mcycles(KERN_COST_INTR_DISPATCH, 0);
    EXPECT_EQ(r[1].at[0], arrival + mc * SIM_SEC / (1000 * kern_timing_params_get()->cpu_hz));
    EXPECT_EQ(kern_intr_total(), 2u);
}

TEST_F(KernIO, SharedIntxLineRunsTheHandlerWhoseDeviceRaisedIt)
{
    sim_err e;
    int pin = 1;   // INTA on both root ports' devices (no switch swizzling on a root port)
    int v = kern_intr_intx_vector(0, "intx", rid("n0"), pin, &e);
    ASSERT_GE(v, KERN_INTR_VEC_FIRST) << e.msg;
    EXPECT_EQ(kern_intr_intx_vector(0, "intx", rid("n1"), pin, &e), v) << "one line, one vector";
    bool cause0 = false, cause1 = false;
    intr_rec r0, r1;
    r0.cause = &cause0;
    r0.ep = ep("n0");
    r1.cause = &cause1;
    r1.ep = ep("n1");
    ASSERT_EQ(kern_intr_register(0, v, "n0", rec_ack, rec_handler, &r0, &e), 0) << e.msg;
    ASSERT_EQ(kern_intr_register(0, v, "n1", rec_ack, rec_handler, &r1, &e), 0) << e.msg;
    ASSERT_EQ(kern_intr_enable(v, &e), 0);
    in_thread([&] {
        cause1 = true;
        pcie_dev_intx(ep("n1"), true);
    });
    EXPECT_TRUE(r0.at.empty()) << "n0 said NOT_THIS_DEVICE";
    ASSERT_EQ(r1.at.size(), 1u);
    EXPECT_GE(r0.acks, 1);
    EXPECT_FALSE(cause1);
    EXPECT_EQ(kern_intr_count(v), 1u);
    kern_intr_vector_free(v);
}

// ---- a module binding the exports ----

TEST_F(KernIO, ModuleInitUsesHeapLogAndTimerExports)
{
    kern_module *m = nullptr;
    sim_err e;
    ASSERT_EQ(kern_module_load(module_path("ks_testmod").c_str(), &m, &e), 0) << e.msg;
    int id = m->id;
    kern_mem_usage u;
    kern_mem_report(id, &u);
    EXPECT_EQ(u.live_bytes, 100u) << "init_module's allocation, counted against the module";
    EXPECT_EQ(u.failures, 1u) << "the 5000-byte allocation over the heap's max";
    EXPECT_TRUE(logged("ks_testmod.log: init: heap used 100"));
    sim_time_t t0 = sim_now();
    sim_run_until(t0 + 20 * SIM_US);
    EXPECT_TRUE(logged("ks_testmod.log: timer fired (1) in module " + std::to_string(id)));
    ASSERT_EQ(kern_module_unload("ks_testmod", &e), 0) << e.msg;
    EXPECT_TRUE(logged("cleanup after 1 timer(s)"));
    kern_mem_report(id, &u);
    EXPECT_EQ(u.live_bytes, 0u);
    EXPECT_EQ(u.leaked_count, 0u);
}

}  // namespace
