/* decouple.c — temporal decoupling: a world runs ahead of global simulated time on its own cycle
 * count and catches up (waits) when it syncs: before a device access, before blocking, at quantum
 * end. The idea is SystemC TLM-2.0's quantum keeper (IEEE 1666-2011, 16.2); the rules are in
 * docs/timing.md "Decoupling". Cycles convert to picoseconds exactly, with the remainder carried. */
#include "kernel_model/timing/timing_internal.h"

typedef unsigned __int128 u128;

static u128 ps_denominator(void)
{
    return (u128)1000 * kern_timing_params_get()->cpu_hz;   /* mcycles per second */
}

static sim_time_t owed_ps(const kern_tworld *w, uint64_t *remainder)
{
    u128 num = (u128)w->unsynced_mcycles * SIM_SEC + w->ps_remainder;
    u128 den = ps_denominator();
    if (remainder)
        *remainder = (uint64_t)(num % den);
    u128 ps = num / den;
    return ps > SIM_TIME_MAX ? SIM_TIME_MAX : (sim_time_t)ps;
}

uint64_t kern_tworld_unsynced_mcycles(const kern_tworld *w)
{
    return w->unsynced_mcycles;
}

sim_time_t kern_tworld_local_time(const kern_tworld *w)
{
    return sim_now() + owed_ps(w, NULL);
}

/* Converts the current world's run-ahead to a delay and clears it. */
static sim_time_t take_delay(void)
{
    kern_tworld *w = kern_timing_cur;
    kern_timing_settle_tail(w, 0);
    uint64_t rem;
    sim_time_t d = owed_ps(w, &rem);
    w->unsynced_mcycles = 0;
    w->ps_remainder = rem;
    return d;
}

static void wait_keeping_stack(sim_time_t delay)
{
    kern_tstack s;
    kern_tstack_save(&s);
    sim_wait(delay);
    kern_tstack_restore(&s);
}

sim_time_t kern_world_sync(void)
{
    sim_time_t d = take_delay();
    if (d && sim_in_thread())
        wait_keeping_stack(d);
    return d;
}

sim_time_t kern_world_quantum_check(void)
{
    uint64_t quantum_mc = kern_timing_params_get()->quantum_cycles * 1000;
    if (kern_timing_cur->unsynced_mcycles < quantum_mc)
        return 0;
    return kern_world_sync();
}

void kern_world_wait(sim_time_t delay)
{
    sim_time_t d = take_delay();
    wait_keeping_stack(d + delay);
}

void kern_world_wait_event(sim_event *ev)
{
    kern_world_sync();
    kern_tstack s;
    kern_tstack_save(&s);
    sim_wait_event(ev);
    kern_tstack_restore(&s);
}

bool kern_world_wait_event_timeout(sim_event *ev, sim_time_t timeout)
{
    kern_world_sync();
    kern_tstack s;
    kern_tstack_save(&s);
    bool fired = sim_wait_event_timeout(ev, timeout);
    kern_tstack_restore(&s);
    return fired;
}
