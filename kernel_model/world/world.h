/* world.h — kernel-side view of worlds (simulated kernel threads, vmkapi_world.h): blocking
 * that keeps the caller's current-module identity and timing stack across the switch, the
 * current world, and the checks that keep interrupt context from blocking. Every kernel service
 * that blocks goes through kern_block_*. Semantics: docs/kernel-services.md "Worlds". */
#ifndef VMKSIM_KERN_WORLD_H
#define VMKSIM_KERN_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel_model/timing/timing.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* True when the caller may block: inside a sim thread and not in interrupt context. Otherwise
 * logs a simulator-reported bug naming what (e.g. "vmk_SemaLock") and returns false. */
bool kern_may_block(const char *what);

/* Spinlocks held by a timing world (lock.c); blocking while holding one is a reported bug. */
unsigned kern_spinlocks_held(const kern_tworld *w);

/* Block (sync, then wait) keeping the current-module stack and the timing stack of this thread.
 * Callers check kern_may_block first. */
void kern_block_wait(sim_time_t delay);
void kern_block_wait_event(sim_event *ev);
bool kern_block_wait_event_timeout(sim_event *ev, sim_time_t timeout);

/* Calls fn(arg), which waits in the engine directly (an MMIO read waiting for its completion,
 * devices/pcie/mmio.c), keeping this thread's current-module and timing stacks across the wait,
 * as kern_block_* do. Allowed in interrupt context: the CPU stalls on the access, it does not
 * block. Outside a sim thread fn is just called. */
void kern_block_call(void (*fn)(void *arg), void *arg);

/* Bottom-half contexts (NetPoll runs, timer callbacks) run in sim threads but may not block:
 * their timing world is marked with a kind ("NetPoll", "timer"), and kern_may_block refuses in
 * it, as it does in interrupt context. unmark before freeing the world. */
void kern_world_mark_atomic(const kern_tworld *w, const char *kind);
void kern_world_unmark_atomic(const kern_tworld *w);

/* An event for threads to wait on (never one with callbacks), from a pool; put returns it (any
 * pending notification is dropped). Used instead of sim_event_new/free by blocking services. */
sim_event *kern_wait_event_get(const char *name);
void kern_wait_event_put(sim_event *e);

/* The world running now (vmk_WorldID), 0 outside any world. */
uint32_t kern_world_current_id(void);
/* Cycles charged to the world so far (its timing world), 0 for an unknown id. */
uint64_t kern_world_cycles_of(uint32_t id);
/* True once the world's start function returned or it exited. */
bool kern_world_finished(uint32_t id);
/* Number of worlds that exist (created and not yet destroyed + reaped). */
uint32_t kern_world_count(void);

/* Simulator-reported bugs (a driver did something that would hang or corrupt a real kernel):
 * counted and logged at error level under "kernel.bug". */
void kern_report_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t kern_bug_count(void);
const char *kern_last_bug(void);

/* Forgets every world record and bug counter (between tests; no world may be running). */
void kern_world_reset(void);

#ifdef __cplusplus
}
#endif
#endif
