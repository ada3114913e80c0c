/* engine_probe.c — a C program using the whole engine API (threads, events, callbacks, run
 * control, log) the way vmksim does, from its own main(). test_stdout.cpp runs it and checks that
 * nothing reaches stdout (no SystemC banner or kernel message) and that it exits 0. */
#include "sim/sim.h"

#include <stdlib.h>

static sim_event *ev;
static int fired;

static void on_fire(void *arg)
{
    (void)arg;
    fired++;
}

static void worker(void *arg)
{
    (void)arg;
    sim_wait(10 * SIM_NS);
    sim_event_notify(ev, 0);
    sim_wait(5 * SIM_NS);
    sim_stop();
}

int main(void)
{
    sim_log(SIM_LOG_INFO, "probe", "before the engine starts");
    ev = sim_event_new("probe");
    sim_event_on(ev, on_fire, NULL);
    sim_thread_spawn("worker", worker, NULL);
    if (sim_run_for(SIM_US) != SIM_STOP_REQUESTED || sim_now() != 15 * SIM_NS)
        return 2;
    /* Runs that do nothing are where SystemC would warn ("no activity"). */
    sim_run_until(sim_now());
    sim_run_for(0);
    if (sim_run_until(SIM_TIME_MAX) != SIM_STOP_IDLE || fired != 1)
        return 3;
    sim_log(SIM_LOG_INFO, "probe", "done");
    sim_event_free(ev);
    return 0;
}
