// test_events.cpp — simulated time units, timed/delta notification, cancel, "earlier wins",
// event callbacks, one-shot callbacks and the safety of freeing events (sim.h, sim_systemc.cpp).
#include "engine_test.h"

namespace {

struct Waiter {
    sim_event *ev;
    TimeLog woke;
};

void wait_once(void *p)
{
    auto *w = static_cast<Waiter *>(p);
    sim_wait_event(w->ev);
    TimeLog::record(&w->woke);
}

TEST(SimTime, UnitsArePicoseconds)
{
    EXPECT_EQ(SIM_NS, 1000 * SIM_PS);
    EXPECT_EQ(SIM_US, 1000 * SIM_NS);
    EXPECT_EQ(SIM_MS, 1000 * SIM_US);
    EXPECT_EQ(SIM_SEC, 1000 * SIM_MS);
    sim_time_t t0 = sim_now();
    sim_run_for(SIM_US + 7 * SIM_PS);
    EXPECT_EQ(sim_now(), t0 + 1000007);
}

TEST(SimEvent, TimedNotifyWakesWaitingThreadAtExactPicosecond)
{
    sim_time_t t0 = sim_now();
    Waiter w{sim_event_new("wake"), {}};
    sim_thread_spawn("waiter", wait_once, &w);
    sim_event_notify(w.ev, 1234567);
    sim_run_for(2 * SIM_US);
    ASSERT_EQ(w.woke.at.size(), 1u);
    EXPECT_EQ(w.woke.at[0], t0 + 1234567);
    sim_event_free(w.ev);
    drain_simulation();
}

TEST(SimEvent, CancelPreventsWake)
{
    Waiter w{sim_event_new("cancelled"), {}};
    sim_thread_spawn("waiter", wait_once, &w);
    sim_event_notify(w.ev, 100 * SIM_NS);
    sim_run_for(10 * SIM_NS);
    sim_event_cancel(w.ev);
    EXPECT_EQ(sim_run_for(SIM_US), SIM_STOP_IDLE);
    EXPECT_TRUE(w.woke.at.empty());
    // The waiter stays blocked on a freed event: it must never wake, and nothing may break.
    sim_event_free(w.ev);
    drain_simulation();
    EXPECT_TRUE(w.woke.at.empty());
}

TEST(SimEvent, EarlierNotificationWins)
{
    sim_time_t t0 = sim_now();
    TimeLog fired;
    sim_event *ev = sim_event_new("earlier");
    sim_event_on(ev, TimeLog::record, &fired);
    sim_event_notify(ev, 500 * SIM_NS);
    sim_event_notify(ev, 200 * SIM_NS); // earlier: replaces the 500 ns one
    sim_run_for(SIM_US);
    sim_time_t t1 = sim_now();
    sim_event_notify(ev, 200 * SIM_NS);
    sim_event_notify(ev, 500 * SIM_NS); // later: ignored
    sim_run_for(SIM_US);
    ASSERT_EQ(fired.at.size(), 2u);
    EXPECT_EQ(fired.at[0], t0 + 200 * SIM_NS);
    EXPECT_EQ(fired.at[1], t1 + 200 * SIM_NS);
    sim_event_free(ev);
    drain_simulation();
}

TEST(SimEvent, ZeroDelayNotifyFiresAtSameTime)
{
    TimeLog fired;
    sim_event *ev = sim_event_new("delta");
    sim_event_on(ev, TimeLog::record, &fired);
    sim_run_for(5 * SIM_NS);
    sim_time_t t = sim_now();
    sim_event_notify(ev, 0);
    sim_run_until(t); // a run to the current time still executes its delta cycles
    ASSERT_EQ(fired.at.size(), 1u);
    EXPECT_EQ(fired.at[0], t);
    sim_event_free(ev);
    drain_simulation();
}

struct Ordered {
    std::vector<int> calls;
    static void first(void *p) { static_cast<Ordered *>(p)->calls.push_back(1); }
    static void second(void *p) { static_cast<Ordered *>(p)->calls.push_back(2); }
};

TEST(SimEvent, OnCallbacksRunOnEveryFiringInRegistrationOrder)
{
    Ordered o;
    sim_event *ev = sim_event_new("on");
    sim_event_on(ev, Ordered::first, &o);
    sim_event_on(ev, Ordered::second, &o);
    for (int i = 0; i < 3; i++) {
        sim_event_notify(ev, 10 * SIM_NS);
        sim_run_for(20 * SIM_NS);
    }
    EXPECT_EQ(o.calls, (std::vector<int>{1, 2, 1, 2, 1, 2}));
    sim_event_free(ev);
    drain_simulation();
}

TEST(SimEvent, FreedEventNeverCallsBack)
{
    TimeLog fired;
    sim_event *ev = sim_event_new("freed");
    sim_event_on(ev, TimeLog::record, &fired);
    sim_event_notify(ev, 10 * SIM_NS);
    sim_event_free(ev);
    drain_simulation();
    EXPECT_TRUE(fired.at.empty());
}

struct SelfFreeing {
    sim_event *ev;
    int first = 0, second = 0;
    static void free_it(void *p)
    {
        auto *s = static_cast<SelfFreeing *>(p);
        s->first++;
        sim_event_free(s->ev);
    }
    static void after(void *p) { static_cast<SelfFreeing *>(p)->second++; }
};

TEST(SimEvent, CallbackMayFreeItsOwnEvent)
{
    SelfFreeing s;
    s.ev = sim_event_new("self");
    sim_event_on(s.ev, SelfFreeing::free_it, &s);
    sim_event_on(s.ev, SelfFreeing::after, &s); // registered, but its event is gone before its turn
    sim_event_notify(s.ev, 3 * SIM_NS);
    drain_simulation();
    EXPECT_EQ(s.first, 1);
    EXPECT_EQ(s.second, 0);
}

TEST(SimEvent, RecycledEventsDoNotReplayOldCallbacks)
{
    // Freed events are pooled; a new event must see only its own callbacks.
    TimeLog old_fired, new_fired;
    for (int round = 0; round < 200; round++) {
        sim_event *a = sim_event_new("old");
        sim_event_on(a, TimeLog::record, &old_fired);
        sim_event_notify(a, SIM_NS);
        sim_event_free(a);
        sim_event *b = sim_event_new("new");
        sim_event_on(b, TimeLog::record, &new_fired);
        sim_event_notify(b, 2 * SIM_NS);
        sim_run_for(3 * SIM_NS);
        sim_event_free(b);
    }
    EXPECT_TRUE(old_fired.at.empty());
    EXPECT_EQ(new_fired.at.size(), 200u);
    drain_simulation();
}

// At time T both A and X fire; X's callback frees A (whose callback may not have run yet in this
// delta) and makes a new event B for T + 10 ns. B may recycle A's pooled SystemC event: A's pending
// dispatch must not then run B's callback at T.
struct FreeRace {
    sim_event *a = nullptr, *b = nullptr;
    TimeLog a_fired, b_fired;
    static void on_x(void *p)
    {
        auto *r = static_cast<FreeRace *>(p);
        sim_event_free(r->a);
        r->b = sim_event_new("b");
        sim_event_on(r->b, TimeLog::record, &r->b_fired);
        sim_event_notify(r->b, 10 * SIM_NS);
    }
};

void free_race(bool x_first)
{
    sim_time_t t0 = sim_now();
    FreeRace r;
    sim_event *x = x_first ? sim_event_new("x") : nullptr;
    r.a = sim_event_new("a");
    sim_event_on(r.a, TimeLog::record, &r.a_fired);
    if (!x_first)
        x = sim_event_new("x");
    sim_event_on(x, FreeRace::on_x, &r);
    if (x_first) {
        sim_event_notify(x, 5 * SIM_NS);
        sim_event_notify(r.a, 5 * SIM_NS);
    } else {
        sim_event_notify(r.a, 5 * SIM_NS);
        sim_event_notify(x, 5 * SIM_NS);
    }
    drain_simulation();
    EXPECT_LE(r.a_fired.at.size(), 1u);
    for (sim_time_t t : r.a_fired.at)
        EXPECT_EQ(t, t0 + 5 * SIM_NS);
    EXPECT_EQ(r.b_fired.at, std::vector<sim_time_t>{t0 + 15 * SIM_NS});
    sim_event_free(x);
    sim_event_free(r.b);
}

TEST(SimEvent, FreeingAnEventThatJustFiredNeverCallsItsSuccessor)
{
    for (int i = 0; i < 3; i++) { // the pool's contents differ from round to round
        free_race(true);
        free_race(false);
    }
}

TEST(SimEvent, CallAfterRunsOnceAtDelay)
{
    sim_time_t t0 = sim_now();
    TimeLog fired;
    sim_call_after(42 * SIM_NS, TimeLog::record, &fired);
    sim_call_after(7 * SIM_NS, TimeLog::record, &fired);
    EXPECT_EQ(sim_run_for(SIM_US), SIM_STOP_IDLE);
    ASSERT_EQ(fired.at.size(), 2u);
    EXPECT_EQ(fired.at[0], t0 + 7 * SIM_NS);
    EXPECT_EQ(fired.at[1], t0 + 42 * SIM_NS);
}

TEST(SimEvent, CallAfterZeroRunsWithoutAdvancingTime)
{
    TimeLog fired;
    sim_time_t t = sim_now();
    sim_call_after(0, TimeLog::record, &fired);
    sim_run_until(t);
    ASSERT_EQ(fired.at.size(), 1u);
    EXPECT_EQ(fired.at[0], t);
}

struct Chain {
    TimeLog log;
    int left;
    static void step(void *p)
    {
        auto *c = static_cast<Chain *>(p);
        TimeLog::record(&c->log);
        if (--c->left > 0)
            sim_call_after(SIM_NS, step, c); // schedules from inside a callback
    }
};

TEST(SimEvent, CallAfterMayScheduleFromACallback)
{
    sim_time_t t0 = sim_now();
    Chain c{{}, 50};
    sim_call_after(SIM_NS, Chain::step, &c);
    drain_simulation();
    ASSERT_EQ(c.log.at.size(), 50u);
    EXPECT_EQ(c.log.at.back(), t0 + 50 * SIM_NS);
}

} // namespace
