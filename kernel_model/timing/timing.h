/* timing.h — measured CPU cost of driver and shim code, and the accounting of simulated cycles.
 * Modules are compiled with -fsanitize-coverage=trace-pc; the hook counts the machine instructions
 * of every executed basic block (found once per block with Capstone), charges instructions x CPI
 * to the running world and attributes them to the module's owner. Kernel services charge from the
 * cost table (kernel_model/costs.h). Worlds run ahead of global time and catch up in
 * kern_world_sync (temporal decoupling). Rules and sources: docs/timing.md. */
#ifndef VMKSIM_KERN_TIMING_H
#define VMKSIM_KERN_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/err.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Owners are attribution buckets chosen by whoever registers code (the loader: one per module,
 * or one per category). Owner 0 is the kernel: every cost-table charge goes there. */
#define KERN_TIMING_MAX_OWNERS 32
#define KERN_OWNER_KERNEL 0
#define KERN_TIMING_MAX_MODULES 64
#define KERN_TIMING_MAX_DEPTH 16   /* nesting of entered worlds (world, interrupt, ...) */

/* ---- parameters (per platform; docs/timing.md "CPI" and "Decoupling") ---- */
typedef struct kern_timing_params {
    uint64_t cpu_hz;           /* simulated CPU clock; the platform's cpu_hz */
    uint32_t cpi_milli;        /* cycles per instruction of measured code, in 1/1000 cycles */
    uint64_t quantum_cycles;   /* a world syncs at the latest after this many unsynced cycles */
} kern_timing_params;

void kern_timing_params_default(kern_timing_params *p);
/* Validates and installs p (cpu_hz > 0, cpi_milli in 1..100000, quantum_cycles > 0). */
int kern_timing_configure(const kern_timing_params *p, sim_err *err);
const kern_timing_params *kern_timing_params_get(void);

/* Functional mode: with timing off the trace-pc hook returns at once and kern_cost_charge does
 * nothing, so nothing is counted and no world runs ahead. On by default. */
void kern_timing_set_enabled(bool on);
bool kern_timing_enabled(void);

/* ---- code ranges that are counted ---- */
/* [text_start, text_end) must be mapped executable code of a loaded module. Ranges may not
 * overlap; name must be unique among registered ranges (it identifies the range in messages and
 * in kern_timing_unregister_module). */
int kern_timing_register_module(int owner_id, const char *name, uintptr_t text_start,
                                uintptr_t text_end, sim_err *err);
/* Finds the executable segment of the loaded object (dlopen'ed module) that contains
 * any_symbol_in_it with dl_iterate_phdr and registers it. */
int kern_timing_register_loaded(int owner_id, const char *name, const void *any_symbol_in_it,
                                sim_err *err);
int kern_timing_unregister_module(const char *name, sim_err *err);
/* Owner of the registered code containing pc, or -1. */
int kern_timing_owner_of(uintptr_t pc);

/* ---- worlds: simulated CPU contexts that accumulate cycles ---- */
typedef struct kern_tworld kern_tworld;

/* Charges that happen while no world is entered go to the built-in world "unattached". */
kern_tworld *kern_tworld_new(const char *name);
void kern_tworld_free(kern_tworld *w);       /* must not be entered */
const char *kern_tworld_name(const kern_tworld *w);
kern_tworld *kern_tworld_unattached(void);

/* Entering pushes w on the accounting stack: until the matching leave, measured code and cost
 * charges run on w. Leaving pops it (w must be the top). */
void kern_tworld_enter(kern_tworld *w);
void kern_tworld_leave(kern_tworld *w);
kern_tworld *kern_tworld_current(void);

/* Charges cycles of a kernel service (already looked up in the cost table) to the current world,
 * attributed to owner 0. mcycles are 1/1000 cycles. */
void kern_timing_charge_kernel_mcycles(uint64_t mcycles);

/* ---- results ---- */
/* Settles what is still pending (docs/timing.md "Branch tails") so counts are final. The queries
 * below call it themselves. */
void kern_timing_flush(void);
uint64_t kern_timing_owner_insns(int owner);          /* instructions counted, all worlds */
uint64_t kern_timing_owner_mcycles(int owner);        /* 1/1000 cycles, all worlds */
uint64_t kern_timing_owner_cycles(int owner);         /* whole cycles (rounded down) */
uint64_t kern_timing_total_mcycles(void);
uint64_t kern_tworld_owner_insns(const kern_tworld *w, int owner);
uint64_t kern_tworld_owner_mcycles(const kern_tworld *w, int owner);
uint64_t kern_tworld_mcycles(const kern_tworld *w);   /* everything charged to w */
uint64_t kern_tworld_cycles(const kern_tworld *w);
/* Zeroes every result counter (global and per world). Time already owed by a world (unsynced
 * cycles) stays owed; the block cache and registrations stay. */
void kern_timing_reset_counters(void);
/* Forgets every analysed block (they are analysed again on their next execution). */
void kern_timing_clear_block_cache(void);
uint64_t kern_timing_blocks_analysed(void);   /* cache misses so far (for tests and the bench) */

/* ---- temporal decoupling (docs/timing.md "Decoupling") ---- */
/* The current world's local time: global time plus what its unsynced cycles are worth. */
sim_time_t kern_tworld_local_time(const kern_tworld *w);
/* Cycles the world has run ahead of global time, in 1/1000 cycles. */
uint64_t kern_tworld_unsynced_mcycles(const kern_tworld *w);
/* Converts the current world's unsynced cycles to simulated time at cpu_hz and, in a sim thread,
 * waits that long so global time catches up. Outside a thread (an event callback) it cannot wait:
 * it returns the same delay, which the caller must apply to whatever it does next. Call before a
 * device access, before blocking, and at quantum end. Returns the delay. */
sim_time_t kern_world_sync(void);
/* Syncs if the current world has run ahead by a quantum or more. Returns the delay (0 if none). */
sim_time_t kern_world_quantum_check(void);
/* Blocking calls for a thread running a world: sync, then wait, keeping the accounting stack of
 * this thread across the switch (other threads run with only "unattached" entered). */
void kern_world_wait(sim_time_t delay);
void kern_world_wait_event(sim_event *ev);
bool kern_world_wait_event_timeout(sim_event *ev, sim_time_t timeout);

/* The instrumentation hook (gcc/clang -fsanitize-coverage=trace-pc); exported by vmksim. */
void __sanitizer_cov_trace_pc(void);

#ifdef __cplusplus
}
#endif
#endif
