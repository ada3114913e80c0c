// test_run.cpp — run control: sim_run_until / sim_run_for called many times in one process, the
// stop reasons (TIME, REQUESTED, IDLE) and where time ends for each (docs/engine.md).
#include "engine_test.h"

namespace {

struct Stopper {
    TimeLog after_stop;
};

void stop_then_continue(void *p)
{
    sim_wait(100 * SIM_NS);
    sim_stop();
    sim_wait(50 * SIM_NS);
    TimeLog::record(&static_cast<Stopper *>(p)->after_stop);
}

TEST(SimRun, StopReturnsRequestedAtStopTimeAndLaterRunContinues)
{
    sim_time_t t0 = sim_now();
    Stopper s;
    sim_thread_spawn("stopper", stop_then_continue, &s);
    EXPECT_EQ(sim_run_for(SIM_US), SIM_STOP_REQUESTED);
    EXPECT_EQ(sim_now(), t0 + 100 * SIM_NS);
    EXPECT_TRUE(s.after_stop.at.empty());
    EXPECT_EQ(sim_run_for(SIM_US), SIM_STOP_IDLE);
    ASSERT_EQ(s.after_stop.at.size(), 1u);
    EXPECT_EQ(s.after_stop.at[0], t0 + 150 * SIM_NS);
    EXPECT_EQ(sim_now(), t0 + 100 * SIM_NS + SIM_US);
}

struct StopInCallback {
    int first = 0, second = 0, next_delta = 0;
    static void stopper(void *p)
    {
        auto *s = static_cast<StopInCallback *>(p);
        s->first++;
        sim_call_after(0, bump_next_delta, s);
        sim_stop();
    }
    static void same_delta(void *p) { static_cast<StopInCallback *>(p)->second++; }
    static void bump_next_delta(void *p) { static_cast<StopInCallback *>(p)->next_delta++; }
};

TEST(SimRun, StopEndsTheRunAfterTheCurrentDelta)
{
    sim_time_t t0 = sim_now();
    StopInCallback s;
    sim_event *ev = sim_event_new("stop");
    sim_event_on(ev, StopInCallback::stopper, &s);
    sim_event_on(ev, StopInCallback::same_delta, &s);
    sim_event_notify(ev, 20 * SIM_NS);
    EXPECT_EQ(sim_run_for(SIM_US), SIM_STOP_REQUESTED);
    EXPECT_EQ(sim_now(), t0 + 20 * SIM_NS);
    EXPECT_EQ(s.first, 1);
    EXPECT_EQ(s.second, 1);     // same delta: still runs
    EXPECT_EQ(s.next_delta, 0); // next delta: waits for the next run
    sim_run_until(sim_now());
    EXPECT_EQ(s.next_delta, 1);
    EXPECT_EQ(sim_now(), t0 + 20 * SIM_NS);
    sim_event_free(ev);
    drain_simulation();
}

TEST(SimRun, StopOutsideARunIsIgnored)
{
    sim_stop();
    sim_time_t t0 = sim_now();
    EXPECT_EQ(sim_run_for(SIM_NS), SIM_STOP_IDLE);
    EXPECT_EQ(sim_now(), t0 + SIM_NS);
}

TEST(SimRun, IdleWhenNothingIsPendingAndTimeAdvancesToTarget)
{
    drain_simulation();
    sim_time_t t0 = sim_now();
    EXPECT_EQ(sim_run_for(10 * SIM_US), SIM_STOP_IDLE);
    EXPECT_EQ(sim_now(), t0 + 10 * SIM_US);
    EXPECT_EQ(sim_run_until(t0 + 20 * SIM_US), SIM_STOP_IDLE);
    EXPECT_EQ(sim_now(), t0 + 20 * SIM_US);
}

TEST(SimRun, TimeWhenActivityRemainsAfterTarget)
{
    sim_time_t t0 = sim_now();
    TimeLog fired;
    sim_call_after(50 * SIM_US, TimeLog::record, &fired);
    EXPECT_EQ(sim_run_for(10 * SIM_US), SIM_STOP_TIME);
    EXPECT_EQ(sim_now(), t0 + 10 * SIM_US);
    EXPECT_TRUE(fired.at.empty());
    EXPECT_EQ(sim_run_for(100 * SIM_US), SIM_STOP_IDLE);
    EXPECT_EQ(fired.at, std::vector<sim_time_t>{t0 + 50 * SIM_US});
    EXPECT_EQ(sim_now(), t0 + 110 * SIM_US);
}

struct DeltaChain {
    TimeLog log;
    int left = 3;
    static void step(void *p)
    {
        auto *c = static_cast<DeltaChain *>(p);
        TimeLog::record(&c->log);
        if (--c->left > 0)
            sim_call_after(0, step, c);
    }
};

TEST(SimRun, RunUntilIncludesActivityAtExactEndTime)
{
    sim_time_t t0 = sim_now();
    DeltaChain c;
    sim_call_after(100 * SIM_NS, DeltaChain::step, &c);
    EXPECT_EQ(sim_run_until(t0 + 100 * SIM_NS - 1), SIM_STOP_TIME);
    EXPECT_TRUE(c.log.at.empty());
    EXPECT_EQ(sim_run_until(t0 + 100 * SIM_NS), SIM_STOP_IDLE);
    // the callback at the end time and the two delta cycles it caused all ran
    EXPECT_EQ(c.log.at, std::vector<sim_time_t>(3, t0 + 100 * SIM_NS));
}

TEST(SimRun, RunUntilMaxStopsAtLastActivity)
{
    sim_time_t t0 = sim_now();
    TimeLog fired;
    sim_call_after(7 * SIM_NS, TimeLog::record, &fired);
    EXPECT_EQ(sim_run_until(SIM_TIME_MAX), SIM_STOP_IDLE);
    EXPECT_EQ(sim_now(), t0 + 7 * SIM_NS);
    EXPECT_EQ(sim_run_for(SIM_TIME_MAX), SIM_STOP_IDLE); // nothing pending: time stays
    EXPECT_EQ(sim_now(), t0 + 7 * SIM_NS);
}

TEST(SimRun, RunUntilAnEarlierTimeDoesNotMoveTimeBack)
{
    sim_run_for(SIM_NS);
    sim_time_t t = sim_now();
    EXPECT_EQ(sim_run_until(t - 1), SIM_STOP_IDLE);
    EXPECT_EQ(sim_now(), t);
}

TEST(SimRun, RunForZeroKeepsTime)
{
    sim_time_t t = sim_now();
    EXPECT_EQ(sim_run_for(0), SIM_STOP_IDLE);
    EXPECT_EQ(sim_now(), t);
}

} // namespace
