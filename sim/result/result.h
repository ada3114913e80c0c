/* result.h — the run result every measured run writes: schema "vmksim-result/1" (issue 3 item 7,
 * issue 4 item 6, hot-plug per issue 5 item 7), as deterministic JSON and as a compact stdout
 * table. Field by field, with units and formulas: docs/results.md. */
#ifndef VMKSIM_RESULT_H
#define VMKSIM_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/err.h"
#include "sim/result/latency.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RESULT_SCHEMA "vmksim-result/1"

typedef struct vmk_result vmk_result;     /* one result file: scenario, seed, runs */
typedef struct result_run result_run;     /* one measured run */
typedef struct result_hotplug result_hotplug;

typedef enum result_style { RESULT_STYLE_NATIVE, RESULT_STYLE_VMKLINUX } result_style;

typedef enum result_counter {
    RESULT_MMIO_READS, RESULT_MMIO_WRITES, RESULT_DMA_BYTES, RESULT_INTERRUPTS,
    RESULT_ALLOCATIONS, RESULT_COPIED_BYTES,
    RESULT_COUNTER_COUNT
} result_counter;

/* "native" / "vmklinux" <-> enum. Parse fails with a message naming the bad value. */
const char *result_style_name(result_style style);
int result_style_parse(const char *name, result_style *out, sim_err *err);

/* Out-of-memory policy: constructors return NULL; setters that allocate return -1. Either way the
 * result remembers it and result_write_json fails with "out of memory" rather than writing a
 * result with holes. Every setter accepts a NULL run (it then does nothing), so a producer need
 * not check each call. Strings are copied. */
vmk_result *result_new(const char *scenario, uint64_t seed);
void result_free(vmk_result *res);
size_t result_run_count(const vmk_result *res);
result_run *result_run_get(const vmk_result *res, size_t i);

/* Runs appear in the file in the order they were added. */
result_run *result_run_add(vmk_result *res, const char *device, const char *driver,
                           result_style style);

/* workload: free-form key/values in the order first set; setting a key again replaces its value
 * in place. Keys and string values are any text (JSON-escaped on output). */
int result_run_set_workload_str(result_run *run, const char *key, const char *value);
int result_run_set_workload_int(result_run *run, const char *key, int64_t value);
int result_run_set_workload_bool(result_run *run, const char *key, bool value);
/* A short text for the table's workload column (e.g. "tx 64B 10G"); default: the workload's
 * values joined by spaces. Not written to JSON (the workload object carries the facts). */
int result_run_set_label(result_run *run, const char *label);

void result_run_set_ops(result_run *run, uint64_t ops);
/* Bytes the operations moved (NIC: frame bytes without preamble/IFG; storage: data bytes). */
void result_run_set_bytes(result_run *run, uint64_t bytes);
/* Simulated time the measured operations took, first issue to last completion, in ps. */
void result_run_set_duration(result_run *run, sim_time_t duration_ps);
/* Totals over the whole run, by owner, in CPU cycles (or in 1/1000 cycles, as the timing layer
 * keeps them: kern_timing_owner_mcycles). cycles_per_op is computed from these and ops. */
void result_run_set_cycles(result_run *run, uint64_t driver, uint64_t shim, uint64_t kernel);
void result_run_set_mcycles(result_run *run, uint64_t driver, uint64_t shim, uint64_t kernel);
void result_run_set_counter(result_run *run, result_counter which, uint64_t value);
void result_run_add_counter(result_run *run, result_counter which, uint64_t delta);
void result_run_set_failed_ops(result_run *run, uint64_t n);
void result_run_set_lost_ops(result_run *run, uint64_t n);
/* Storage runs: written only once set (0 is a meaningful value and is written). */
void result_run_set_verify_errors(result_run *run, uint64_t n);

/* Latency: one sample per completed operation, in ps. The run owns a recorder (result_run_latency
 * returns it, for producers that record directly); samples kept elsewhere can be merged in. */
void result_run_record_latency(result_run *run, sim_time_t latency_ps);
result_latency *result_run_latency(result_run *run);
int result_run_merge_latency(result_run *run, const result_latency *src);

/* Hot-plug events seen during the run (issue 5 item 7): slot, kind ("surprise-removal",
 * "attention-button", ...), the sequence's steps with their simulated times, the outcome, and the
 * I/O that was in flight. Events and steps appear in the order added. */
result_hotplug *result_run_add_hotplug(result_run *run, const char *slot, const char *kind);
int result_hotplug_add_step(result_hotplug *hp, const char *name, sim_time_t at_ps);
int result_hotplug_set_outcome(result_hotplug *hp, const char *outcome);
void result_hotplug_set_in_flight(result_hotplug *hp, uint64_t issued, uint64_t completed,
                                  uint64_t failed);

/* Hot-plug events of the whole scenario, outside any run: result.json's top-level "hotplug" list
 * (same fields as a run's). */
result_hotplug *result_add_hotplug(vmk_result *res, const char *slot, const char *kind);
size_t result_hotplug_count(const vmk_result *res);
/* Lists at most limit top-level events (0: all, the default); result_add_hotplug of one more
 * returns NULL and counts it, written as "hotplug_omitted". A storm of thousands of events keeps
 * its memory and result.json flat this way, and says how many it did not list. */
void result_set_hotplug_limit(vmk_result *res, size_t limit);
uint64_t result_hotplug_omitted(const vmk_result *res);
/* A resource the kernel found not returned after the event's removal: owner (module name), what
 * ("heap_bytes", "dma_mappings", "interrupt_vectors", ...) and how much. Written as "leaks". */
int result_hotplug_add_leak(result_hotplug *hp, const char *owner, const char *what,
                            uint64_t amount);

/* The JSON document, 2-space indented, ending in a newline; malloc'd (free()), NULL + err on
 * failure. Byte-identical for identical input, independent of the C locale. */
char *result_to_json(const vmk_result *res, sim_err *err);
/* Writes result_to_json to path (created or truncated). Errors name the path and the cause. */
int result_write_json(const vmk_result *res, const char *path, sim_err *err);

/* The compact table: a header and one row per run, columns aligned. */
void result_print_table(const vmk_result *res, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
