// test_kservices_sched.cpp — worlds, timers, spinlocks, semaphores and log components
// (kernel_model/{world,timer,lock,log}/): sleeping and waking in simulated time, timers that fire
// when due and stay cancelled, lock misuse reported as bugs (never a hang), and cost charges
// accounted to the world that made them. Times are relative to the test's start (the simulation
// only moves forward).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "kernel_model/costs.h"
#include "kernel_model/module/module.h"
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

class Sched : public ::testing::Test {
  protected:
    sim_time_t t0 = 0;
    void SetUp() override
    {
        g_lines.clear();
        sim_log_set_file(nullptr);
        sim_log_set_sink(capture, nullptr);
        sim_log_set_level(SIM_LOG_INFO);
        kern_timing_set_enabled(true);
        kern_world_reset();
        sim_run_until(SIM_TIME_MAX);   // nothing left over from an earlier test
        t0 = sim_now();
    }
    void TearDown() override
    {
        EXPECT_EQ(kern_module_stack_depth(), 0u);
        sim_log_set_sink(nullptr, nullptr);
        sim_log_set_file(stderr);
    }
    vmk_WorldID world(const char *name, vmk_WorldStartFunc fn, void *data)
    {
        vmk_WorldProps p;
        memset(&p, 0, sizeof p);
        p.moduleID = VMK_KERNEL_MODULE_ID;
        p.name = name;
        p.startFunction = fn;
        p.data = data;
        vmk_WorldID id = VMK_INVALID_WORLD_ID;
        EXPECT_EQ(vmk_WorldCreate(&p, &id), VMK_OK);
        return id;
    }
    vmk_TimerQueue queue()
    {
        vmk_TimerQueueProps p;
        memset(&p, 0, sizeof p);
        snprintf(p.name.string, sizeof p.name.string, "tq");
        p.moduleID = VMK_KERNEL_MODULE_ID;
        vmk_TimerQueue q = nullptr;
        EXPECT_EQ(vmk_TimerQueueCreate(&p, &q), VMK_OK);
        return q;
    }
    vmk_Lock spinlock(const char *name)
    {
        vmk_SpinlockCreateProps p;
        memset(&p, 0, sizeof p);
        p.moduleID = VMK_KERNEL_MODULE_ID;
        snprintf(p.name.string, sizeof p.name.string, "%s", name);
        p.type = VMK_SPINLOCK;
        vmk_Lock l = nullptr;
        EXPECT_EQ(vmk_SpinlockCreate(&p, &l), VMK_OK);
        return l;
    }
};

// ---- timers ----

struct fire_rec {
    std::vector<sim_time_t> at;
    std::string world;
    int module = -1;
};

void on_fire(vmk_TimerCookie c)
{
    auto *r = static_cast<fire_rec *>(c.ptr);
    r->at.push_back(sim_now());
    r->world = kern_tworld_name(kern_tworld_current());
    r->module = kern_module_current();
}

vmk_Timer arm(vmk_TimerQueue q, fire_rec *r, int64_t us, bool periodic)
{
    vmk_TimerCookie c;
    c.ptr = r;
    vmk_Timer t = VMK_INVALID_TIMER;
    EXPECT_EQ(vmk_TimerSchedule(q, on_fire, c, us, VMK_TIMER_DEFAULT_TOLERANCE,
                                periodic ? VMK_TIMER_ATTR_PERIODIC : VMK_TIMER_ATTR_NONE,
                                VMK_LOCKDOMAIN_INVALID, VMK_SPINLOCK_UNRANKED, &t),
              VMK_OK);
    return t;
}

TEST_F(Sched, TimersFireWhenDueAndCancelWorks)
{
    vmk_TimerQueue q = queue();
    fire_rec once, every, never;
    vmk_Timer t1 = arm(q, &once, 100, false);
    vmk_Timer t2 = arm(q, &every, 30, true);
    vmk_Timer t3 = arm(q, &never, 50, false);
    EXPECT_TRUE(vmk_TimerIsPending(t3));
    EXPECT_EQ(vmk_TimerCancel(t3, VMK_TRUE), VMK_OK);
    EXPECT_FALSE(vmk_TimerIsPending(t3));
    EXPECT_EQ(vmk_TimerCancel(t3, VMK_TRUE), VMK_NOT_FOUND);
    sim_run_until(t0 + 100 * SIM_US);
    ASSERT_EQ(once.at.size(), 1u);
    EXPECT_EQ(once.at[0], t0 + 100 * SIM_US);
    EXPECT_FALSE(vmk_TimerIsPending(t1)) << "a one-shot timer is gone once fired";
    EXPECT_EQ(vmk_TimerCancel(t1, VMK_FALSE), VMK_NOT_FOUND);
    ASSERT_EQ(every.at.size(), 3u);
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(every.at[i], t0 + (sim_time_t)(30 * (i + 1)) * SIM_US);
    EXPECT_TRUE(vmk_TimerIsPending(t2));
    EXPECT_EQ(vmk_TimerCancel(t2, VMK_FALSE), VMK_OK);
    sim_run_until(t0 + 400 * SIM_US);
    EXPECT_EQ(every.at.size(), 3u);
    EXPECT_TRUE(never.at.empty());
    EXPECT_EQ(once.world, "timer.tq") << "callbacks run on the queue's timing world";
    EXPECT_EQ(once.module, VMK_KERNEL_MODULE_ID);
    EXPECT_EQ(vmk_TimerQueueDestroy(q), VMK_OK);
    vmk_TimerCookie c;
    c.ptr = nullptr;
    EXPECT_EQ(vmk_TimerSchedule(q = queue(), on_fire, c, 0, 0, VMK_TIMER_ATTR_PERIODIC,
                                VMK_LOCKDOMAIN_INVALID, 0, nullptr),
              VMK_BAD_PARAM)
        << "a periodic timer needs a period";
    vmk_TimerQueueDestroy(q);
}

TEST_F(Sched, TimerFromARunAheadWorldCountsFromItsLocalTime)
{
    struct ctx { vmk_TimerQueue q; fire_rec r; sim_time_t local = 0; } c;
    c.q = queue();
    world("ahead", [](void *d) -> VMK_ReturnStatus {
        auto *x = static_cast<ctx *>(d);
        vmk_DelayUsecs(0);
        kern_timing_charge_kernel_mcycles(2400 * 1000);   // 1 us of run-ahead at 2.4 GHz
        arm(x->q, &x->r, 10, false);   // charges timer_arm, then counts from local time
        x->local = kern_tworld_local_time(kern_tworld_current());
        return VMK_OK;
    }, &c);
    sim_run_until(t0 + 50 * SIM_US);
    ASSERT_EQ(c.r.at.size(), 1u);
    EXPECT_EQ(c.r.at[0], c.local + 10 * SIM_US);
    EXPECT_GT(c.local, t0);
    vmk_TimerQueueDestroy(c.q);
}

TEST_F(Sched, TimerCyclesFollowSimulatedTime)
{
    uint64_t hz = kern_timing_params_get()->cpu_hz;
    EXPECT_EQ((uint64_t)vmk_TimerCyclesPerSecond(), hz);
    vmk_TimerCycles a = vmk_GetTimerCycles();
    sim_run_until(t0 + 1 * SIM_MS);
    vmk_TimerCycles b = vmk_GetTimerCycles();
    EXPECT_EQ((uint64_t)(b - a), hz / 1000);
    EXPECT_EQ(vmk_TimerTCToUS(vmk_TimerUSToTC(1234)), 1234u);
}

// ---- worlds ----

struct trace {
    std::vector<std::string> ev;
    void add(const std::string &what) { ev.push_back(std::to_string(sim_now()) + " " + what); }
};
sim_time_t g_t0;
trace *g_tr;

std::string rel(sim_time_t t) { return std::to_string((t - g_t0) / SIM_NS); }

VMK_ReturnStatus waiter(void *)
{
    g_tr->add("A start module " + std::to_string(kern_module_current()));
    EXPECT_EQ(vmk_WorldSleep(50), VMK_OK);
    g_tr->add("A slept " + rel(sim_now()));
    VMK_ReturnStatus st = vmk_WorldWait(7, VMK_LOCK_INVALID, VMK_TIMEOUT_UNLIMITED_MS, "test");
    g_tr->add("A woke " + rel(sim_now()) + " " + vmk_StatusToString(st));
    st = vmk_WorldWait(8, VMK_LOCK_INVALID, 2, "test");
    g_tr->add("A timeout " + rel(sim_now()) + " " + vmk_StatusToString(st));
    return VMK_OK;
}

VMK_ReturnStatus waker(void *)
{
    vmk_WorldSleep(80);
    g_tr->add("B wakes 7 at " + rel(sim_now()));
    vmk_WorldWakeup(7);
    return VMK_OK;
}

std::vector<std::string> run_worlds(Sched *)
{
    trace tr;
    g_tr = &tr;
    g_t0 = sim_now();
    vmk_WorldProps p;
    memset(&p, 0, sizeof p);
    p.name = "A";
    p.startFunction = waiter;
    vmk_WorldID a, b;
    EXPECT_EQ(vmk_WorldCreate(&p, &a), VMK_OK);
    p.name = "B";
    p.startFunction = waker;
    EXPECT_EQ(vmk_WorldCreate(&p, &b), VMK_OK);
    sim_run_until(g_t0 + 10 * SIM_MS);
    EXPECT_TRUE(kern_world_finished(a));
    EXPECT_TRUE(kern_world_finished(b));
    EXPECT_EQ(vmk_WorldDestroy(a), VMK_OK);
    EXPECT_EQ(vmk_WorldDestroy(b), VMK_OK);
    std::vector<std::string> out;
    for (auto &e : tr.ev)   // relative form for comparison across runs
        out.push_back(e.substr(e.find(' ') + 1));
    return out;
}

TEST_F(Sched, WorldsSleepWaitAndWakeDeterministically)
{
    std::vector<std::string> first = run_worlds(this);
    std::vector<std::string> expect = {
        "A start module 0", "A slept 50000", "B wakes 7 at 80000", "A woke 80000 VMK_OK",
        "A timeout 2080000 VMK_TIMEOUT"};
    // A's sleep, wait and timeout are exact in simulated time (plus the world switch charged at
    // A's start: 2400 cycles at 2.4 GHz = 1 us, synced before A's first block).
    ASSERT_EQ(first.size(), expect.size());
    EXPECT_EQ(first[0], expect[0]);
    EXPECT_EQ(first[1], "A slept 51000");
    EXPECT_EQ(first[2], "B wakes 7 at 81000");
    EXPECT_EQ(first[3], "A woke 81000 VMK_OK");
    EXPECT_EQ(first[4], "A timeout 2081000 VMK_TIMEOUT");
    EXPECT_EQ(run_worlds(this), first) << "same again, bit for bit";
    EXPECT_EQ(kern_world_count(), 0u);
}

TEST_F(Sched, WorldExitAndDestroyEndTheWorld)
{
    static int reached;
    reached = 0;
    vmk_WorldID e = world("exiter", [](void *) -> VMK_ReturnStatus {
        reached = 1;
        vmk_WorldExit(VMK_OK);
        reached = 2;   // never
        return VMK_FAILURE;
    }, nullptr);
    vmk_WorldID s = world("sleeper", [](void *) -> VMK_ReturnStatus {
        vmk_WorldSleep(1000000);
        reached = 3;   // never: destroyed while asleep
        return VMK_OK;
    }, nullptr);
    sim_run_until(t0 + 10 * SIM_US);
    EXPECT_EQ(reached, 1);
    EXPECT_TRUE(kern_world_finished(e));
    EXPECT_FALSE(kern_world_finished(s));
    EXPECT_EQ(vmk_WorldDestroy(s), VMK_OK);
    sim_run_until(t0 + 20 * SIM_US);
    EXPECT_NE(reached, 3);
    EXPECT_EQ(kern_world_count(), 1u) << "the sleeper ended and was released";
    EXPECT_EQ(vmk_WorldDestroy(e), VMK_OK);
    EXPECT_EQ(vmk_WorldDestroy(e), VMK_NOT_FOUND);
    EXPECT_EQ(kern_world_count(), 0u);
}

TEST_F(Sched, WorldCyclesIncludeCostCharges)
{
    static vmk_Lock l;
    l = spinlock("acct");
    vmk_WorldID w = world("acct", [](void *) -> VMK_ReturnStatus {
        vmk_SpinlockLock(l);
        vmk_SpinlockUnlock(l);
        return VMK_OK;
    }, nullptr);
    sim_run_until(t0 + 10 * SIM_US);
    uint64_t expect = kern_cost_mcycles(KERN_COST_WORLD_SWITCH, 0) +
                      kern_cost_mcycles(KERN_COST_SPINLOCK, 0);
    EXPECT_EQ(kern_world_cycles_of(w), expect / 1000);
    vmk_WorldDestroy(w);
    vmk_SpinlockDestroy(l);
}

// ---- locks ----

TEST_F(Sched, SpinlockTakenTwiceIsAReportedBugNotAHang)
{
    static vmk_Lock l;
    static bool done;
    done = false;
    l = spinlock("twice");
    uint64_t bugs = kern_bug_count();
    vmk_WorldID w = world("twice", [](void *) -> VMK_ReturnStatus {
        vmk_SpinlockLock(l);
        vmk_SpinlockLock(l);
        vmk_SpinlockUnlock(l);
        vmk_SpinlockUnlock(l);
        vmk_SpinlockLock(l);   // free again: no report
        vmk_SpinlockUnlock(l);
        done = true;
        return VMK_OK;
    }, nullptr);
    sim_run_until(t0 + 10 * SIM_US);
    EXPECT_TRUE(done);
    EXPECT_EQ(kern_bug_count(), bugs + 1);
    EXPECT_TRUE(logged("spinlock 'twice' taken twice by world"));
    vmk_WorldDestroy(w);
    vmk_SpinlockDestroy(l);
}

TEST_F(Sched, ContendedSpinlockWaitsForItsHolder)
{
    static vmk_Lock l;
    static sim_time_t a_unlock, b_got;
    l = spinlock("cont");
    uint64_t bugs = kern_bug_count();
    world("holder", [](void *) -> VMK_ReturnStatus {
        vmk_SpinlockLock(l);
        vmk_DelayUsecs(10);   // busy inside the lock: the world syncs, others run meanwhile
        a_unlock = sim_now();
        vmk_SpinlockUnlock(l);
        return VMK_OK;
    }, nullptr);
    world("contender", [](void *) -> VMK_ReturnStatus {
        vmk_SpinlockLock(l);
        b_got = sim_now();
        vmk_SpinlockUnlock(l);
        return VMK_OK;
    }, nullptr);
    sim_run_until(t0 + 100 * SIM_US);
    EXPECT_GE(a_unlock, t0 + 10 * SIM_US);
    EXPECT_EQ(b_got, a_unlock) << "the contender gets the lock when the holder releases it";
    EXPECT_EQ(kern_bug_count(), bugs);
    vmk_SpinlockDestroy(l);
}

TEST_F(Sched, BlockingWithASpinlockOrInAnEventIsReported)
{
    static vmk_Lock l;
    static VMK_ReturnStatus st;
    l = spinlock("held");
    uint64_t bugs = kern_bug_count();
    world("sleepy", [](void *) -> VMK_ReturnStatus {
        vmk_SpinlockLock(l);
        st = vmk_WorldSleep(5);
        vmk_SpinlockUnlock(l);
        return VMK_OK;
    }, nullptr);
    sim_run_until(t0 + 10 * SIM_US);
    EXPECT_EQ(st, VMK_FAILURE);
    EXPECT_EQ(kern_bug_count(), bugs + 1);
    EXPECT_TRUE(logged("vmk_WorldSleep called by world"));
    EXPECT_TRUE(logged("while it holds 1 spinlock(s)"));
    static vmk_Semaphore sem;
    ASSERT_EQ(vmk_SemaCreate(&sem, VMK_KERNEL_MODULE_ID, "s0", 0), VMK_OK);
    sim_call_after(SIM_US, [](void *) { vmk_SemaLock(&sem); }, nullptr);
    sim_run_until(sim_now() + 2 * SIM_US);
    EXPECT_EQ(kern_bug_count(), bugs + 2);
    EXPECT_TRUE(logged("vmk_SemaLock called outside a world"));
    vmk_SemaDestroy(&sem);
    vmk_SpinlockDestroy(l);
}

TEST_F(Sched, BinarySemaphoreBlocksTheSecondWorld)
{
    static vmk_Semaphore s;
    static sim_time_t a_up, b_got;
    ASSERT_EQ(vmk_BinarySemaCreate(&s, VMK_KERNEL_MODULE_ID, "bsem"), VMK_OK);
    world("a", [](void *) -> VMK_ReturnStatus {
        vmk_SemaLock(&s);
        vmk_WorldSleep(20);   // a semaphore may be held while blocking
        a_up = sim_now();
        vmk_SemaUnlock(&s);
        return VMK_OK;
    }, nullptr);
    world("b", [](void *) -> VMK_ReturnStatus {
        vmk_WorldSleep(1);
        EXPECT_EQ(vmk_SemaTryLock(&s), VMK_BUSY);
        vmk_SemaLock(&s);
        b_got = sim_now();
        vmk_SemaUnlock(&s);
        return VMK_OK;
    }, nullptr);
    sim_run_until(t0 + 100 * SIM_US);
    EXPECT_GE(a_up, t0 + 20 * SIM_US);
    EXPECT_EQ(b_got, a_up);
    EXPECT_EQ(vmk_SemaTryLock(&s), VMK_OK);
    vmk_SemaUnlock(&s);
    vmk_SemaDestroy(&s);
}

// ---- log components ----

TEST_F(Sched, LogComponentsWriteUnderTheirNameAndLevel)
{
    vmk_LogProperties p;
    memset(&p, 0, sizeof p);
    snprintf(p.name.string, sizeof p.name.string, "e1000n");
    p.module = VMK_KERNEL_MODULE_ID;
    p.defaultLevel = 1;
    vmk_LogComponent c;
    ASSERT_EQ(vmk_LogRegister(&p, &c), VMK_OK);
    kern_timing_reset_counters();
    uint64_t before = kern_timing_owner_mcycles(KERN_OWNER_KERNEL);
    vmk_Log(c, "link up at %d Mb/s\n", 1000);
    EXPECT_EQ(kern_timing_owner_mcycles(KERN_OWNER_KERNEL) - before,
              kern_cost_mcycles(KERN_COST_LOG, strlen("link up at 1000 Mb/s")));
    EXPECT_TRUE(logged("e1000n: link up at 1000 Mb/s"));
    sim_log_set_level(SIM_LOG_DEBUG);
    vmk_LogDebug(c, 2, "too detailed");
    EXPECT_FALSE(logged("too detailed"));
    vmk_LogSetCurrentLogLevel(c, 2);
    vmk_LogDebug(c, 2, "detail %s", "now shown");
    EXPECT_TRUE(logged("detail now shown"));
    vmk_Warning(c, "careful");
    EXPECT_TRUE(logged("careful"));
    EXPECT_EQ(vmk_LogUnregister(c), VMK_OK);
}

}  // namespace
