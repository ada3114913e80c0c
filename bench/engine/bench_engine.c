/* bench_engine.c — host cost of the engine's primitives (sim.h over SystemC): one-shot callbacks,
 * event callbacks, timed waits and event ping-pong between two threads. Prints ns per operation
 * and the simulated end time; asserts nothing (benchmarks are not tests). */
#include "sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void report(const char *what, long ops, double ns)
{
    printf("%-28s %9ld ops  %8.1f ns/op   (sim time now %llu ps)\n", what, ops, ns / ops,
           (unsigned long long)sim_now());
}

static long left;

static void chain(void *arg)
{
    if (--left > 0)
        sim_call_after(SIM_NS, chain, arg);
}

static void on_tick(void *arg)
{
    sim_event *ev = arg;
    if (--left > 0)
        sim_event_notify(ev, SIM_NS);
}

static void sleeper(void *arg)
{
    long n = *(long *)arg;
    for (long i = 0; i < n; i++)
        sim_wait(SIM_NS);
}

static sim_event *ping, *pong;

static void pinger(void *arg)
{
    long n = *(long *)arg;
    for (long i = 0; i < n; i++) {
        sim_event_notify(ping, SIM_NS);
        sim_wait_event(pong);
    }
}

static void ponger(void *arg)
{
    long n = *(long *)arg;
    for (long i = 0; i < n; i++) {
        sim_wait_event(ping);
        sim_event_notify(pong, SIM_NS);
    }
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_engine [operations > 0]\n");
        return 2;
    }
    double t;

    left = n;
    t = wall_ns();
    sim_call_after(SIM_NS, chain, NULL);
    sim_run_until(SIM_TIME_MAX);
    report("call_after chain", n, wall_ns() - t);

    sim_event *ev = sim_event_new("tick");
    sim_event_on(ev, on_tick, ev);
    left = n;
    t = wall_ns();
    sim_event_notify(ev, SIM_NS);
    sim_run_until(SIM_TIME_MAX);
    report("event_on re-notify", n, wall_ns() - t);
    sim_event_free(ev);

    t = wall_ns();
    sim_thread_spawn("sleeper", sleeper, &n);
    sim_run_until(SIM_TIME_MAX);
    report("thread sim_wait", n, wall_ns() - t);

    ping = sim_event_new("ping");
    pong = sim_event_new("pong");
    t = wall_ns();
    sim_thread_spawn("pinger", pinger, &n);
    sim_thread_spawn("ponger", ponger, &n);
    sim_run_until(SIM_TIME_MAX);
    report("thread ping-pong (round)", n, wall_ns() - t);
    sim_event_free(ping);
    sim_event_free(pong);
    return 0;
}
