// test_irq_contexts.cpp — interrupt handlers, NetPoll polls and timer callbacks run in sim threads
// (kernel_model/intr/intr.c, uplink/netpoll.c, timer/timer.c), so a register read from them is a
// timed non-posted round trip: the context first syncs the cycles it ran ahead (dispatch cost,
// handler work), then waits for the completion. A world reading a register while a handler runs
// keeps its own timing world, module and context. Blocking (other than the read) stays a bug.
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
#include "kernel_model/intr/intr.h"
#include "kernel_model/kernel.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/world/world.h"
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

// An endpoint with one 4 KiB register BAR (register at offset o reads 0xA5000000 | o) and MSI.
constexpr uint8_t kMsiCap = 0x80;
constexpr uint16_t kVendor = 0x1AF4, kDevice = 0x5153;
uint64_t g_reads;
uint64_t reg_read(void *, int, uint64_t off, int) { g_reads++; return 0xA5000000u | off; }
void reg_write(void *, int, uint64_t, int, uint64_t) {}
const pcie_ep_io_ops reg_io = {reg_read, reg_write};
int ep_init(const pcie_ep_ctx *ctx, pcie_cfg *cfg, void **state, sim_err *err)
{
    pcie_cfg_init_common(cfg, kVendor, kDevice, 1, 0x020000, PCIE_HEADER_TYPE_NORMAL);
    if (!pcie_cfg_add_bar(cfg, 0, PCIE_BAR_MEM32, false, 0x1000) ||
        !pcie_cap_add_msi(cfg, kMsiCap, 0, true, false))
        return sim_err_set(err, "irqctx_ep: capabilities");
    *state = nullptr;
    return pcie_ep_add_exp(ctx, cfg, 0x40, err);
}
const pcie_ep_model ep_model = {"irqctx_ep", "interrupt-context test endpoint", ep_init, nullptr,
                                &reg_io, nullptr};

void run_thread_fn(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }
void in_thread(std::function<void()> body)
{
    sim_thread_spawn("test", run_thread_fn, &body);
    sim_run_until(SIM_TIME_MAX);
}

pcie_fabric *g_fabric;
uint64_t g_bar0;

// A register read as the kernel's MMIO path does it (pci_bus_mmio.c): sync, then the round trip
// with this thread's stacks kept.
struct timed_read { uint64_t off = 0, val = 0; sim_time_t before = 0, after = 0; };
void do_read(void *arg)
{
    auto *r = static_cast<timed_read *>(arg);
    r->val = pcie_mmio_read(g_fabric, g_bar0 + r->off, 4);
}
void read_reg(timed_read *r)
{
    kern_world_sync();
    r->before = sim_now();
    kern_block_call(do_read, r);
    r->after = sim_now();
}

sim_time_t cycles_ps(uint64_t mcycles)
{
    return (sim_time_t)((unsigned __int128)mcycles * SIM_SEC /
                        (1000 * kern_timing_params_get()->cpu_hz));
}

struct ctx_rec {
    sim_time_t start = 0;
    timed_read rd;
    std::string world;
    const kern_tworld *tw = nullptr;
    bool in_intr = false;
    int module = -2;
    int runs = 0;
    VMK_ReturnStatus sleep_st = VMK_OK;
    bool try_sleep = false;
    vmk_NetPoll poll = nullptr;
    uint64_t extra_mcycles = 0;
};

void note(ctx_rec *r)
{
    r->runs++;
    r->start = sim_now();
    r->tw = kern_tworld_current();
    r->world = kern_tworld_name(r->tw);
    r->in_intr = kern_intr_in_interrupt();
    r->module = kern_module_current();
    kern_timing_charge_kernel_mcycles(r->extra_mcycles);   // the context's own work
    if (r->try_sleep)
        r->sleep_st = vmk_WorldSleep(1);
    read_reg(&r->rd);
}

void handler(void *d, uint32_t)
{
    auto *r = static_cast<ctx_rec *>(d);
    note(r);
    if (r->poll)
        vmk_NetPollActivate(r->poll);
}

vmk_Bool poll_fn(vmk_AddrCookie priv, vmk_uint32)
{
    note(static_cast<ctx_rec *>(priv.ptr));
    return VMK_FALSE;
}

void timer_fn(vmk_TimerCookie c) { note(static_cast<ctx_rec *>(c.ptr)); }

class IrqCtx : public ::testing::Test {
  public:
    platform_desc desc;
    kern_system *sys = nullptr;
    pcie_link_params l = pcie_link_params_default();
    int vec = -1;
    sim_time_t rt = 0;   // one register read's round trip from a plain thread, idle link

    void SetUp() override
    {
        g_lines.clear();
        sim_log_set_file(nullptr);
        sim_log_set_sink(capture, nullptr);
        sim_log_set_level(SIM_LOG_INFO);
        sim_err e;
        if (!pcie_ep_model_find("irqctx_ep")) {
            ASSERT_EQ(pcie_ep_model_register(&ep_model, &e), 0) << e.msg;
        }
        platform_desc_init(&desc);
        desc.nroot_ports = 1;
        desc.root_ports[0].link = l;
        desc.root_ports[0].kind = PCIE_NODE_ENDPOINT;
        snprintf(desc.root_ports[0].endpoint.model, sizeof desc.root_ports[0].endpoint.model,
                 "irqctx_ep");
        snprintf(desc.root_ports[0].endpoint.name, sizeof desc.root_ports[0].endpoint.name, "r0");
        ASSERT_EQ(kern_boot(&desc, &sys, &e), 0) << e.msg;
        kern_intr_reset();
        kern_timing_set_enabled(true);
        sim_run_until(SIM_TIME_MAX);
        g_fabric = sys->fabric;
        kern_pci_dev *d = nullptr;
        for (size_t i = 0; i < kern_pci_count(sys->pci); i++)
            if (kern_pci_at(sys->pci, i)->vendor_id == kVendor &&
                kern_pci_at(sys->pci, i)->device_id == kDevice)
                d = kern_pci_at(sys->pci, i);
        ASSERT_NE(d, nullptr);
        g_bar0 = d->bars[0].base;
        ASSERT_NE(g_bar0, 0u);
        auto cw = [&](uint16_t off, int size, uint32_t v) {
            pcie_cfg_write(sys->fabric, d->bus, d->dev, d->fn, off, size, v);
        };
        cw(PCIE_COMMAND, 2, PCIE_COMMAND_MEMORY | PCIE_COMMAND_MASTER);
        uint64_t addr;
        uint32_t data;
        vec = kern_intr_vector_alloc(0, "r0", &addr, &data, &e);
        ASSERT_GE(vec, KERN_INTR_VEC_FIRST) << e.msg;
        cw(kMsiCap + PCIE_MSI_ADDRESS_LO, 4, (uint32_t)addr);
        cw(kMsiCap + PCIE_MSI_ADDRESS_HI, 4, 0);
        cw(kMsiCap + PCIE_MSI_DATA_64, 2, data);
        cw(kMsiCap + PCIE_MSI_FLAGS, 2, PCIE_MSI_FLAGS_ENABLE);
        in_thread([&] {
            sim_time_t t = sim_now();
            EXPECT_EQ(pcie_mmio_read(g_fabric, g_bar0 + 4, 4), 0xA5000004u);
            rt = sim_now() - t;
        });
        ASSERT_GT(rt, 0u);
    }
    void TearDown() override
    {
        kern_intr_reset();
        kern_shutdown(sys);
        platform_desc_free(&desc);
        sim_log_set_sink(nullptr, nullptr);
        sim_log_set_file(stderr);
    }
    pcie_endpoint *ep() { return pcie_fabric_find_endpoint(sys->fabric, "r0"); }
    sim_time_t raise()   // the MSI's arrival time at the root complex
    {
        sim_time_t sent = 0;
        in_thread([&] {
            sent = sim_now();
            pcie_dev_msi(ep(), 0);
        });
        return sent + pcie_link_tlp_ps(&l, PCIE_TLP_MSI, 4);
    }
    vmk_NetPoll make_poll(ctx_rec *r)
    {
        vmk_NetPollProperties p;
        memset(&p, 0, sizeof p);
        p.poll = poll_fn;
        p.priv.ptr = r;
        vmk_NetPoll np = nullptr;
        EXPECT_EQ(vmk_NetPollCreate(&p, 0, VMK_KERNEL_MODULE_ID, &np), VMK_OK);
        return np;
    }
};

TEST_F(IrqCtx, HandlerAndPollReadARegisterAfterSyncingAndWaitTheRoundTrip)
{
    sim_err e;
    ctx_rec h, p;
    h.extra_mcycles = 2400 * 1000;   // 1 us of handler work before the read
    p.extra_mcycles = 1200 * 1000;
    h.poll = make_poll(&p);
    ASSERT_NE(h.poll, nullptr);
    ASSERT_EQ(kern_intr_register(0, vec, "r0", nullptr, handler, &h, &e), 0) << e.msg;
    ASSERT_EQ(kern_intr_enable(vec, &e), 0);
    uint64_t reads = g_reads;
    sim_time_t arrival = raise();

    ASSERT_EQ(h.runs, 1);
    EXPECT_EQ(h.start, arrival) << "the handler starts when the MSI arrives";
    EXPECT_TRUE(h.in_intr);
    EXPECT_EQ(h.world, "intr.cpu0");
    EXPECT_EQ(h.module, 0);
    // The read first syncs the dispatch cost and the handler's work, then takes the round trip.
    uint64_t ahead = kern_cost_mcycles(KERN_COST_INTR_DISPATCH, 0) + h.extra_mcycles;
    EXPECT_EQ(h.rd.before, arrival + cycles_ps(ahead));
    EXPECT_EQ(h.rd.after - h.rd.before, rt);
    EXPECT_EQ(h.rd.val, 0xA5000000u);
    EXPECT_EQ(kern_tworld_unsynced_mcycles(h.tw), 0u) << "the handler's cycles were synced";

    ASSERT_EQ(p.runs, 1) << "the handler activated the poll";
    EXPECT_FALSE(p.in_intr);
    EXPECT_EQ(p.world.rfind("netpoll", 0), 0u) << p.world;
    // Activated at the handler's local time after its read (+ bh_schedule).
    sim_time_t act = h.rd.after + cycles_ps(kern_cost_mcycles(KERN_COST_BH_SCHEDULE, 0));
    EXPECT_GE(p.start, act > 0 ? act - 1 : 0);
    EXPECT_LE(p.start, act + 1);
    EXPECT_GE(p.rd.before, p.start + cycles_ps(p.extra_mcycles));
    EXPECT_EQ(p.rd.after - p.rd.before, rt);
    EXPECT_EQ(p.rd.val, 0xA5000000u);
    EXPECT_EQ(kern_tworld_unsynced_mcycles(p.tw), 0u);
    EXPECT_EQ(g_reads, reads + 2);
    EXPECT_FALSE(logged("not timed")) << "no read was served untimed";
    EXPECT_EQ(kern_module_stack_depth(), 0u);
    EXPECT_FALSE(kern_intr_in_interrupt());

    vmk_NetPollDestroy(h.poll);
    EXPECT_EQ(kern_intr_unregister(vec, &h, &e), 0);
}

TEST_F(IrqCtx, SecondInterruptWaitsForTheFirstHandlersRead)
{
    sim_err e;
    ctx_rec h;
    ASSERT_EQ(kern_intr_register(0, vec, "r0", nullptr, handler, &h, &e), 0) << e.msg;
    ASSERT_EQ(kern_intr_enable(vec, &e), 0);
    sim_time_t sent = 0;
    in_thread([&] {
        sent = sim_now();
        pcie_dev_msi(ep(), 0);
        pcie_dev_msi(ep(), 0);   // arrives while the first handler waits for its read
    });
    ASSERT_EQ(h.runs, 2);
    EXPECT_EQ(kern_intr_count(vec), 2u);
    // The second dispatch starts after the first handler's read completed, not before.
    EXPECT_GE(h.start, sent + rt);
    EXPECT_EQ(h.rd.after - h.rd.before, rt);
    EXPECT_FALSE(logged("not timed"));
}

TEST_F(IrqCtx, BlockingInAHandlerOrAPollIsAReportedBug)
{
    sim_err e;
    ctx_rec h, p;
    h.try_sleep = true;
    p.try_sleep = true;
    h.poll = make_poll(&p);
    ASSERT_EQ(kern_intr_register(0, vec, "r0", nullptr, handler, &h, &e), 0) << e.msg;
    ASSERT_EQ(kern_intr_enable(vec, &e), 0);
    uint64_t bugs = kern_bug_count();
    raise();
    ASSERT_EQ(h.runs, 1);
    ASSERT_EQ(p.runs, 1);
    EXPECT_EQ(h.sleep_st, VMK_FAILURE);
    EXPECT_EQ(p.sleep_st, VMK_FAILURE);
    EXPECT_EQ(kern_bug_count(), bugs + 2);
    EXPECT_TRUE(logged("vmk_WorldSleep called in interrupt context"));
    EXPECT_TRUE(logged("vmk_WorldSleep called in NetPoll context"));
    EXPECT_EQ(h.rd.after - h.rd.before, rt) << "the MMIO wait itself is allowed";
    vmk_NetPollDestroy(h.poll);
}

TEST_F(IrqCtx, TimerCallbackReadsARegisterTimed)
{
    vmk_TimerQueueProps qp;
    memset(&qp, 0, sizeof qp);
    snprintf(qp.name.string, sizeof qp.name.string, "tq");
    qp.moduleID = VMK_KERNEL_MODULE_ID;
    vmk_TimerQueue q = nullptr;
    ASSERT_EQ(vmk_TimerQueueCreate(&qp, &q), VMK_OK);
    ctx_rec r;
    r.extra_mcycles = 480 * 1000;
    vmk_TimerCookie c;
    c.ptr = &r;
    sim_time_t t0 = sim_now();
    ASSERT_EQ(vmk_TimerSchedule(q, timer_fn, c, 10, VMK_TIMER_DEFAULT_TOLERANCE,
                                VMK_TIMER_ATTR_NONE, VMK_LOCKDOMAIN_INVALID,
                                VMK_SPINLOCK_UNRANKED, nullptr),
              VMK_OK);
    sim_run_until(SIM_TIME_MAX);
    ASSERT_EQ(r.runs, 1);
    EXPECT_EQ(r.start, t0 + 10 * SIM_US);
    EXPECT_EQ(r.world, "timer.tq");
    uint64_t ahead = kern_cost_mcycles(KERN_COST_INTR_DISPATCH, 0) + r.extra_mcycles;
    EXPECT_EQ(r.rd.before, r.start + cycles_ps(ahead));
    EXPECT_EQ(r.rd.after - r.rd.before, rt);
    EXPECT_EQ(kern_tworld_unsynced_mcycles(r.tw), 0u);
    EXPECT_FALSE(logged("not timed"));
    EXPECT_EQ(vmk_TimerQueueDestroy(q), VMK_OK);
}

// A world blocked in a register read while an interrupt's handler runs and reads too: each
// context gets its own timing world, module stack and interrupt flag back.
struct world_rec {
    timed_read rd;
    std::string before_world, after_world;
    bool after_in_intr = true;
    size_t depth_before = 0, depth_after = 0;
    int module_after = -2;
};

VMK_ReturnStatus world_fn(void *d)
{
    auto *w = static_cast<world_rec *>(d);
    w->before_world = kern_tworld_name(kern_tworld_current());
    w->depth_before = kern_module_stack_depth();
    w->rd.off = 8;
    read_reg(&w->rd);
    w->after_world = kern_tworld_name(kern_tworld_current());
    w->after_in_intr = kern_intr_in_interrupt();
    w->depth_after = kern_module_stack_depth();
    w->module_after = kern_module_current();
    return VMK_OK;
}

TEST_F(IrqCtx, WorldReadingARegisterKeepsItsContextWhileAHandlerRuns)
{
    sim_err e;
    ctx_rec h;
    ASSERT_EQ(kern_intr_register(0, vec, "r0", nullptr, handler, &h, &e), 0) << e.msg;
    ASSERT_EQ(kern_intr_enable(vec, &e), 0);
    world_rec w;
    vmk_WorldProps p;
    memset(&p, 0, sizeof p);
    p.moduleID = VMK_KERNEL_MODULE_ID;
    p.name = "reader";
    p.startFunction = world_fn;
    p.data = &w;
    vmk_WorldID id = VMK_INVALID_WORLD_ID;
    ASSERT_EQ(vmk_WorldCreate(&p, &id), VMK_OK);
    in_thread([&] { pcie_dev_msi(ep(), 0); });   // arrives while the world waits for its read
    ASSERT_EQ(h.runs, 1);
    ASSERT_TRUE(kern_world_finished(id));
    EXPECT_LT(h.start, w.rd.after) << "the handler ran while the world's read was in flight";
    EXPECT_TRUE(h.in_intr);
    EXPECT_EQ(h.world, "intr.cpu0");
    EXPECT_EQ(w.after_world, w.before_world);
    EXPECT_EQ(w.before_world.find("reader") != std::string::npos, true) << w.before_world;
    EXPECT_FALSE(w.after_in_intr);
    EXPECT_EQ(w.depth_after, w.depth_before);
    EXPECT_EQ(w.module_after, VMK_KERNEL_MODULE_ID);
    EXPECT_EQ(w.rd.val, 0xA5000008u);
    EXPECT_EQ(h.rd.val, 0xA5000000u);
    EXPECT_EQ(kern_module_stack_depth(), 0u);
    EXPECT_FALSE(logged("not timed"));
    vmk_WorldDestroy(id);
}

}  // namespace
