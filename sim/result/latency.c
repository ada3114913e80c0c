/* latency.c — nearest-rank latency percentiles: exact (the samples themselves) up to
 * RESULT_LATENCY_EXACT_MAX samples, and from a log-linear histogram (HDR-histogram style) beyond:
 * values below 2048 ps have a bucket each; above, every power of two [2^e, 2^(e+1)) is split into
 * 1024 equal buckets, so a bucket is at most 1/1024 of its lower bound wide (docs/results.md). */
#include "sim/result/latency.h"

#include <stdlib.h>
#include <string.h>

#define LAT_SUB_BITS 10u                         /* 1024 sub-buckets per power of two */
#define LAT_SUB      (1u << LAT_SUB_BITS)
/* Bucket index = shift * 1024 + (v >> shift); the largest uint64 has shift 53, so 55 blocks of
 * 1024 buckets cover every value (blocks 0 and 1 hold 0..2047 exactly). */
#define LAT_BLOCKS   (64u - LAT_SUB_BITS + 1u)

struct result_latency {
    uint64_t *block[LAT_BLOCKS];   /* NULL until a value lands in it */
    uint64_t count;
    uint64_t dropped;
    sim_time_t min, max;
    /* Every sample while count <= RESULT_LATENCY_EXACT_MAX; freed (and exact_off set) beyond. */
    sim_time_t *exact;
    size_t nexact, capexact;
    bool exact_off;
};

result_latency *result_latency_new(void)
{
    return calloc(1, sizeof(result_latency));
}

void result_latency_reset(result_latency *lat)
{
    if (!lat)
        return;
    for (unsigned b = 0; b < LAT_BLOCKS; b++)
        free(lat->block[b]);
    free(lat->exact);
    memset(lat, 0, sizeof *lat);
}

void result_latency_free(result_latency *lat)
{
    result_latency_reset(lat);
    free(lat);
}

static unsigned lat_index(uint64_t v)
{
    if (v < 2u * LAT_SUB)
        return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = msb - LAT_SUB_BITS;
    return shift * LAT_SUB + (unsigned)(v >> shift);
}

/* Lowest value and width of bucket idx (inverse of lat_index). */
static void lat_bucket(unsigned idx, uint64_t *lower, uint64_t *width)
{
    unsigned blk = idx >> LAT_SUB_BITS;
    if (blk < 2u) {
        *lower = idx;
        *width = 1;
        return;
    }
    unsigned shift = blk - 1u;
    *lower = (uint64_t)(LAT_SUB + (idx & (LAT_SUB - 1u))) << shift;
    *width = (uint64_t)1 << shift;
}

static int lat_add(result_latency *lat, uint64_t v, uint64_t n)
{
    unsigned idx = lat_index(v);
    unsigned blk = idx >> LAT_SUB_BITS;
    if (!lat->block[blk]) {
        lat->block[blk] = calloc(LAT_SUB, sizeof(uint64_t));
        if (!lat->block[blk]) {
            lat->dropped += n;
            return -1;
        }
    }
    lat->block[blk][idx & (LAT_SUB - 1u)] += n;
    if (lat->count == 0 || v < lat->min)
        lat->min = v;
    if (lat->count == 0 || v > lat->max)
        lat->max = v;
    lat->count += n;
    return 0;
}

static void exact_stop(result_latency *lat)
{
    free(lat->exact);
    lat->exact = NULL;
    lat->nexact = lat->capexact = 0;
    lat->exact_off = true;
}

/* Keeps v in the exact list while the run is small enough; a failed allocation only ends exact
 * mode early (the histogram still has every sample). */
static void exact_add(result_latency *lat, sim_time_t v)
{
    if (lat->exact_off)
        return;
    if (lat->nexact >= RESULT_LATENCY_EXACT_MAX) {
        exact_stop(lat);
        return;
    }
    if (lat->nexact == lat->capexact) {
        size_t ncap = lat->capexact ? lat->capexact * 2 : 256;
        sim_time_t *p = realloc(lat->exact, ncap * sizeof *p);
        if (!p) {
            exact_stop(lat);
            return;
        }
        lat->exact = p;
        lat->capexact = ncap;
    }
    lat->exact[lat->nexact++] = v;
}

void result_latency_record(result_latency *lat, sim_time_t latency_ps)
{
    if (lat && lat_add(lat, latency_ps, 1) == 0)
        exact_add(lat, latency_ps);
}

int result_latency_merge(result_latency *dst, const result_latency *src)
{
    if (!dst || !src || src->count == 0) {
        if (dst && src)
            dst->dropped += src->dropped;
        return 0;
    }
    uint64_t had = dst->count;
    sim_time_t old_min = dst->min, old_max = dst->max;
    if (src->exact_off)
        exact_stop(dst);
    for (size_t i = 0; i < src->nexact && !dst->exact_off; i++)
        exact_add(dst, src->exact[i]);
    int rc = 0;
    for (unsigned b = 0; b < LAT_BLOCKS; b++) {
        if (!src->block[b])
            continue;
        for (unsigned i = 0; i < LAT_SUB; i++) {
            uint64_t n = src->block[b][i];
            if (!n)
                continue;
            uint64_t lower, width;
            lat_bucket(b * LAT_SUB + i, &lower, &width);
            if (lat_add(dst, lower, n) < 0)
                rc = -1;
        }
    }
    /* lat_add saw bucket lower bounds; the exact extremes come from src itself. */
    if (dst->count > had) {
        dst->min = had && old_min < src->min ? old_min : src->min;
        dst->max = had && old_max > src->max ? old_max : src->max;
    }
    dst->dropped += src->dropped;
    return rc;
}

uint64_t result_latency_count(const result_latency *lat) { return lat ? lat->count : 0; }
uint64_t result_latency_dropped(const result_latency *lat) { return lat ? lat->dropped : 0; }
sim_time_t result_latency_min(const result_latency *lat) { return lat && lat->count ? lat->min : 0; }
sim_time_t result_latency_max(const result_latency *lat) { return lat && lat->count ? lat->max : 0; }

static int cmp_time(const void *a, const void *b)
{
    sim_time_t x = *(const sim_time_t *)a, y = *(const sim_time_t *)b;
    return (x > y) - (x < y);
}

/* ceil(n * pct / 10000) without overflow: n = q*10000 + r. */
static uint64_t lat_rank(uint64_t n, uint32_t pct)
{
    if (pct > 10000u)
        pct = 10000u;
    uint64_t q = n / 10000u, r = n % 10000u;
    uint64_t rank = q * pct + (r * pct + 9999u) / 10000u;
    return rank == 0 ? 1 : rank;
}

bool result_latency_percentile(const result_latency *lat, uint32_t pct, sim_time_t *out)
{
    *out = 0;
    if (!lat || lat->count == 0)
        return false;
    uint64_t rank = lat_rank(lat->count, pct);
    if (rank <= 1) {
        *out = lat->min;
        return true;
    }
    if (rank >= lat->count) {
        *out = lat->max;
        return true;
    }
    if (!lat->exact_off && lat->nexact == lat->count) {
        /* Small run: the rank-th sample itself, from a sorted copy (the recorder stays const). */
        sim_time_t *v = malloc(lat->nexact * sizeof *v);
        if (v) {
            memcpy(v, lat->exact, lat->nexact * sizeof *v);
            qsort(v, lat->nexact, sizeof *v, cmp_time);
            *out = v[rank - 1];
            free(v);
            return true;
        }
    }
    uint64_t seen = 0;
    for (unsigned b = 0; b < LAT_BLOCKS; b++) {
        if (!lat->block[b])
            continue;
        for (unsigned i = 0; i < LAT_SUB; i++) {
            seen += lat->block[b][i];
            if (seen < rank)
                continue;
            /* The rank-th sample lies in this bucket: answer its middle, kept inside [min, max]. */
            uint64_t lower, width;
            lat_bucket(b * LAT_SUB + i, &lower, &width);
            uint64_t v = lower + width / 2u;
            if (v < lat->min)
                v = lat->min;
            if (v > lat->max)
                v = lat->max;
            *out = v;
            return true;
        }
    }
    *out = lat->max;   /* unreachable: the counts add up to lat->count */
    return true;
}
