/* sim.h — the engine's C API: simulated time, events, threads, run control, RNG, log.
 * Everything above the engine (devices, kernel model, scenarios) talks to the discrete-event
 * kernel through this header only; SystemC stays behind it (sim_systemc.cpp).
 * One simulation per process: time only moves forward; run_until may be called repeatedly. */
#ifndef VMKSIM_SIM_H
#define VMKSIM_SIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- time: picoseconds since the start of the run ---- */
typedef uint64_t sim_time_t;
#define SIM_PS  ((sim_time_t)1)
#define SIM_NS  ((sim_time_t)1000)
#define SIM_US  ((sim_time_t)1000000)
#define SIM_MS  ((sim_time_t)1000000000)
#define SIM_SEC ((sim_time_t)1000000000000ULL)
#define SIM_TIME_MAX UINT64_MAX

sim_time_t sim_now(void);

/* ---- events ---- */
typedef struct sim_event sim_event;
sim_event *sim_event_new(const char *name);
/* Drops any pending notification and every callback: a freed event never calls back, and a thread
 * still blocked on it in sim_wait_event stays blocked. Safe from inside the event's own callback. */
void sim_event_free(sim_event *ev);
/* Notify after delay (0 = in the next delta cycle). An earlier pending notification wins,
 * as in SystemC; sim_event_cancel drops a pending one. */
void sim_event_notify(sim_event *ev, sim_time_t delay);
void sim_event_cancel(sim_event *ev);

/* A callback run (without a stack of its own) each time ev fires, until the event is freed. */
typedef void (*sim_callback_fn)(void *arg);
/* Several callbacks on one event run in the order they were added. */
void sim_event_on(sim_event *ev, sim_callback_fn fn, void *arg);
/* One-shot callback after delay. */
void sim_call_after(sim_time_t delay, sim_callback_fn fn, void *arg);

/* ---- threads: may block in sim_wait* ---- */
typedef void (*sim_thread_fn)(void *arg);
void sim_thread_spawn(const char *name, sim_thread_fn fn, void *arg);
bool sim_in_thread(void);             /* true inside a spawned thread */
/* Cancels every thread spawned with arg and every pending callback (sim_call_after, sim_event_on)
 * whose arg is arg: none of them runs model code again. A waiting thread is woken at once (even
 * from an event nobody will notify again, such as one freed with its owner) and ends, releasing
 * its stack. A model calls it before freeing the state it handed out as arg. */
void sim_cancel_owner(const void *arg);
void sim_wait(sim_time_t delay);      /* thread only */
void sim_wait_event(sim_event *ev);   /* thread only */
/* Waits for ev or timeout; returns true if ev fired first. Thread only. */
bool sim_wait_event_timeout(sim_event *ev, sim_time_t timeout);

/* ---- run control ---- */
typedef enum sim_stop_reason {
    SIM_STOP_TIME,       /* reached the requested time */
    SIM_STOP_REQUESTED,  /* sim_stop() was called */
    SIM_STOP_IDLE,       /* nothing left to do: no activity pending at all */
} sim_stop_reason;
/* Runs everything scheduled at times <= abs_time, delta cycles at abs_time included (an abs_time
 * in the past means now). TIME: activity is still pending after abs_time. IDLE: nothing at all is
 * pending; time still advances to abs_time, except for abs_time == SIM_TIME_MAX ("run until
 * idle"), which leaves time at the last activity. REQUESTED: time stays where sim_stop was called.
 * Not callable from inside the simulation. Details: docs/engine.md. */
sim_stop_reason sim_run_until(sim_time_t abs_time);
sim_stop_reason sim_run_for(sim_time_t delay);
void sim_stop(void);                  /* ends the current sim_run_* after this delta */

/* ---- deterministic RNG (xoshiro256**, seeded through splitmix64) ---- */
typedef struct sim_rng { uint64_t s[4]; } sim_rng;
void sim_rng_seed(sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(sim_rng *r);
uint64_t sim_rng_below(sim_rng *r, uint64_t bound);    /* uniform in [0, bound); 0 if bound is 0 */
double sim_rng_double(sim_rng *r);                     /* uniform in [0, 1) */
/* A stream derived from the run seed and a name: each component gets its own, so adding a
 * consumer in one component never shifts another's numbers. Seeded with sim_seed() ^ FNV-1a-64(name). */
void sim_rng_derive(sim_rng *r, const char *stream_name);
void sim_set_seed(uint64_t seed);
uint64_t sim_seed(void);

/* ---- log: every line carries the simulated time and a component name ---- */
typedef enum sim_log_level {
    SIM_LOG_ERROR, SIM_LOG_WARN, SIM_LOG_INFO, SIM_LOG_DEBUG, SIM_LOG_TRACE,
} sim_log_level;
void sim_log(sim_log_level lvl, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sim_vlog(sim_log_level lvl, const char *component, const char *fmt, va_list ap);
void sim_log_set_level(sim_log_level max_level);
void sim_log_set_file(FILE *f);       /* default stderr; NULL silences */
/* Tests capture lines through a sink; the line is fully formatted, without newline. */
typedef void (*sim_log_sink_fn)(void *ctx, sim_log_level lvl, const char *line);
void sim_log_set_sink(sim_log_sink_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
