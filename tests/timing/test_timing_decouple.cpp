// test_timing_decouple.cpp — temporal decoupling: two worlds in two simulated threads run ahead
// on their own cycles and catch up at kern_world_sync; local and global times follow exactly from
// the charged cycles and the clock, each thread keeps its own accounting stack across waits, and
// a second identical run gives the identical trace.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_model/costs.h"
#include "kernel_model/timing/timing.h"
#include "sim/sim.h"

namespace {

struct Event {
    std::string what;
    sim_time_t t;      // global time, relative to the run's start
    sim_time_t local;  // the world's local time, relative
    bool operator==(const Event &o) const { return what == o.what && t == o.t && local == o.local; }
};

struct TraceRun {
    sim_time_t t0 = 0;
    std::vector<Event> log;
    kern_tworld *w[2] = {nullptr, nullptr};
    bool stack_ok = true;
};

struct Worker {
    TraceRun *run;
    int id;
    uint64_t cycles_per_step;
    int steps;
};

void note(TraceRun *r, kern_tworld *w, const std::string &what)
{
    r->log.push_back({what, sim_now() - r->t0, kern_tworld_local_time(w) - r->t0});
}

void worker(void *arg)
{
    Worker *k = static_cast<Worker *>(arg);
    TraceRun *r = k->run;
    kern_tworld *w = r->w[k->id];
    kern_tworld_enter(w);
    for (int i = 0; i < k->steps; i++) {
        kern_timing_charge_kernel_mcycles(k->cycles_per_step * 1000);
        note(r, w, "w" + std::to_string(k->id) + " ran " + std::to_string(i));
        kern_world_sync();
        if (kern_tworld_current() != w)
            r->stack_ok = false;
        note(r, w, "w" + std::to_string(k->id) + " synced " + std::to_string(i));
    }
    kern_tworld_leave(w);
}

TraceRun run_once()
{
    TraceRun r;
    r.t0 = sim_now();
    r.w[0] = kern_tworld_new("w0");
    r.w[1] = kern_tworld_new("w1");
    Worker a{&r, 0, 2400, 3};   // 1 us per step at 2.4 GHz
    Worker b{&r, 1, 1000, 4};   // 416.666... ns per step
    sim_thread_spawn("timing_w0", worker, &a);
    sim_thread_spawn("timing_w1", worker, &b);
    sim_run_until(SIM_TIME_MAX);
    kern_tworld_free(r.w[0]);
    kern_tworld_free(r.w[1]);
    return r;
}

}  // namespace

TEST(TimingDecouple, TwoWorldsSyncAtTheTimesTheirCyclesAreWorth)
{
    kern_timing_params p;
    kern_timing_params_default(&p);
    p.cpu_hz = 2400000000ULL;
    sim_err err{};
    ASSERT_EQ(kern_timing_configure(&p, &err), 0) << err.msg;

    TraceRun r1 = run_once();
    EXPECT_TRUE(r1.stack_ok);
    EXPECT_EQ(kern_tworld_current(), kern_tworld_unattached());
    // w0: each step owes exactly 1 us; local time runs ahead, global catches up at the sync.
    std::vector<Event> w0;
    std::vector<Event> w1;
    for (const Event &e : r1.log)
        (e.what[1] == '0' ? w0 : w1).push_back(e);
    ASSERT_EQ(w0.size(), 6u);
    for (int i = 0; i < 3; i++) {
        EXPECT_EQ(w0[2 * i].t, (sim_time_t)i * SIM_US);
        EXPECT_EQ(w0[2 * i].local, (sim_time_t)(i + 1) * SIM_US);
        EXPECT_EQ(w0[2 * i + 1].t, (sim_time_t)(i + 1) * SIM_US);
        EXPECT_EQ(w0[2 * i + 1].local, w0[2 * i + 1].t);
    }
    // w1: 1000 cycles = 416666.67 ps; the remainder is carried, so 4 steps are 1666666 ps in all
    // (floor of 4000 cycles' worth), not 4 x 416666.
    ASSERT_EQ(w1.size(), 8u);
    EXPECT_EQ(w1[1].t, 416666u);
    EXPECT_EQ(w1[7].t, 1666666u);
    // The threads interleave in time order: w1's 3rd sync (1.25 us) comes after w0's 1st (1 us).
    size_t w0_first = 0, w1_third = 0;
    for (size_t i = 0; i < r1.log.size(); i++) {
        if (r1.log[i].what == "w0 synced 0")
            w0_first = i;
        if (r1.log[i].what == "w1 synced 2")
            w1_third = i;
    }
    EXPECT_LT(w0_first, w1_third);

    TraceRun r2 = run_once();   // same inputs, later start: the same relative trace
    EXPECT_EQ(r1.log, r2.log);
}

TEST(TimingDecouple, QuantumCheckSyncsOnlyWhenAQuantumIsOwed)
{
    kern_timing_params p;
    kern_timing_params_default(&p);
    p.quantum_cycles = 1000;
    sim_err err{};
    ASSERT_EQ(kern_timing_configure(&p, &err), 0) << err.msg;
    kern_tworld *w = kern_tworld_new("q");
    kern_tworld_enter(w);
    // Outside a thread the sync cannot wait: it hands the delay back.
    kern_timing_charge_kernel_mcycles(999 * 1000);
    EXPECT_EQ(kern_world_quantum_check(), 0u);
    EXPECT_EQ(kern_tworld_unsynced_mcycles(w), 999000u);
    kern_timing_charge_kernel_mcycles(1 * 1000);
    sim_time_t d = kern_world_quantum_check();
    EXPECT_EQ(d, 1000 * SIM_SEC / p.cpu_hz);
    EXPECT_EQ(kern_tworld_unsynced_mcycles(w), 0u);
    kern_tworld_leave(w);
    kern_tworld_free(w);
    kern_timing_params_default(&p);
    ASSERT_EQ(kern_timing_configure(&p, &err), 0) << err.msg;
}

TEST(TimingDecouple, BadParametersAreRefused)
{
    kern_timing_params p;
    kern_timing_params_default(&p);
    sim_err err{};
    p.cpu_hz = 0;
    EXPECT_EQ(kern_timing_configure(&p, &err), -1);
    EXPECT_NE(std::string(err.msg).find("cpu_hz"), std::string::npos);
    kern_timing_params_default(&p);
    p.cpi_milli = 0;
    EXPECT_EQ(kern_timing_configure(&p, &err), -1);
    EXPECT_NE(std::string(err.msg).find("cpi"), std::string::npos);
}
