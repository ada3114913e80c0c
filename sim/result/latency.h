/* latency.h — a per-operation latency recorder with bounded memory answering nearest-rank
 * percentiles: exact while a run has at most RESULT_LATENCY_EXACT_MAX samples, beyond that from a
 * log-linear histogram over picoseconds (HDR-histogram style, 1024 sub-buckets per power of two)
 * within a relative error of 1/2048 (< 0.05 %). Definitions in docs/results.md. */
#ifndef VMKSIM_RESULT_LATENCY_H
#define VMKSIM_RESULT_LATENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Percentiles are given in per-ten-thousand (basis points), so p99.9 is exact: 9990. */
#define RESULT_P50  5000u
#define RESULT_P90  9000u
#define RESULT_P99  9900u
#define RESULT_P999 9990u
#define RESULT_P100 10000u

/* Up to this many samples are kept as they are (512 KiB) and percentiles are exact. */
#define RESULT_LATENCY_EXACT_MAX 65536u

typedef struct result_latency result_latency;

/* NULL when out of memory. An empty recorder takes a few hundred bytes; the exact list grows to at
 * most 512 KiB and is freed when the run outgrows it; each power of two of latency that is hit
 * adds one 8 KiB histogram block (at most 55 blocks, 440 KiB). Under 1 MiB in all, ever. */
result_latency *result_latency_new(void);
void result_latency_free(result_latency *lat);
void result_latency_reset(result_latency *lat);

/* Records one operation's latency. Never fails visibly: if a histogram block cannot be allocated
 * the sample is counted in result_latency_dropped() instead (and percentiles skip it). */
void result_latency_record(result_latency *lat, sim_time_t latency_ps);
/* Adds every sample of src to dst (the same as recording them again). -1 when out of memory
 * (dst then holds part of src; the rest is counted as dropped). */
int result_latency_merge(result_latency *dst, const result_latency *src);

uint64_t result_latency_count(const result_latency *lat);    /* samples recorded (not dropped) */
uint64_t result_latency_dropped(const result_latency *lat);  /* samples lost to out of memory */
sim_time_t result_latency_min(const result_latency *lat);    /* exact; 0 when empty */
sim_time_t result_latency_max(const result_latency *lat);    /* exact; 0 when empty */
/* Nearest-rank percentile: the sample of rank ceil(N * pct / 10000) in ascending order (rank 1 when
 * pct is 0; pct above 10000 is taken as 10000). Exact when N <= RESULT_LATENCY_EXACT_MAX; beyond,
 * the value returned lies within 1/2048 of that sample (relative), is exact below 2048 ps, and is
 * exact at rank 1 (the minimum) and rank N (the maximum).
 * Returns false (and *out = 0) when the recorder is empty. */
bool result_latency_percentile(const result_latency *lat, uint32_t pct, sim_time_t *out);

#ifdef __cplusplus
}
#endif
#endif
