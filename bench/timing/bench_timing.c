/* bench_timing.c — host cost of the trace-pc hook's hit path: runs an instrumented loop of N
 * one-block iterations with timing on and off and reports nanoseconds per executed block.
 * Reports numbers only; it asserts nothing about wall-clock time. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kernel_model/timing/timing.h"

#define ITERS 20000000   /* enough blocks for a stable per-block figure */
#define REPS 5

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double best_run(int (*fn)(int))
{
    double best = 1e30;
    for (int r = 0; r < REPS; r++) {
        double t0 = now_s();
        volatile int sink = fn(ITERS);
        (void)sink;
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    return best;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : BENCH_MOD_PATH;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "bench_timing: %s\n", dlerror());
        return 1;
    }
    int (*fn)(int) = (int (*)(int))dlsym(h, "bench_loop");
    sim_err err;
    if (!fn || kern_timing_register_loaded(1, "bench_mod", (const void *)fn, &err) != 0) {
        fprintf(stderr, "bench_timing: %s\n", fn ? err.msg : "bench_loop not found");
        return 1;
    }
    fn(10);   /* analyse the blocks once (cache misses are not what is measured) */
    kern_timing_set_enabled(false);
    double off = best_run(fn);
    kern_timing_set_enabled(true);
    kern_timing_reset_counters();
    double on = best_run(fn);
    uint64_t insns = kern_timing_owner_insns(1) / REPS;
    printf("trace-pc hook, %d blocks per run, best of %d\n", ITERS, REPS);
    printf("  timing off: %.3f ns per block (hook returns at once)\n", off * 1e9 / ITERS);
    printf("  timing on:  %.3f ns per block (lookup + charge)\n", on * 1e9 / ITERS);
    printf("  hit-path cost: %.3f ns per block; %.2f counted instructions per block\n",
           (on - off) * 1e9 / ITERS, (double)insns / ITERS);
    printf("  blocks analysed (cache misses): %llu\n",
           (unsigned long long)kern_timing_blocks_analysed());
    return 0;
}
