/* trace_pc.c — the per-basic-block hook that gcc/clang insert with -fsanitize-coverage=trace-pc
 * (gcc manual, "Instrumentation Options"; clang SanitizerCoverage "Tracing PCs"), and its cache:
 * an open-addressing hash map from hook site (return address) to the block's instruction count.
 * The hit path allocates nothing and takes no lock (the simulator runs in one OS thread). */
#include <stdlib.h>
#include <string.h>

#include "kernel_model/timing/timing_internal.h"

#define CACHE_MIN_BITS 10     /* 1024 slots to start; doubles at half load */

static kern_tblock *g_tab;
static unsigned g_bits;
static size_t g_used;
static uint64_t g_misses;

static inline size_t slot_of(uintptr_t pc, unsigned bits)
{
    /* Fibonacci hashing (Knuth TAOCP vol. 3, 6.4): multiply by 2^64/phi, keep the top bits. */
    return (size_t)(((uint64_t)pc * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

static kern_tblock *place(kern_tblock *tab, unsigned bits, const kern_tblock *b)
{
    size_t mask = ((size_t)1 << bits) - 1;
    size_t i = slot_of(b->pc, bits);
    while (tab[i].pc && tab[i].pc != b->pc)
        i = (i + 1) & mask;
    tab[i] = *b;
    return &tab[i];
}

/* Rebuilds the table with 2^bits slots, dropping sites in [drop_lo, drop_hi). */
static void rebuild(unsigned bits, uintptr_t drop_lo, uintptr_t drop_hi)
{
    kern_tblock *nt = calloc((size_t)1 << bits, sizeof *nt);
    if (!nt)
        abort();   /* out of host memory: nothing sensible to simulate */
    size_t used = 0;
    if (g_tab) {
        for (size_t i = 0; i < ((size_t)1 << g_bits); i++) {
            const kern_tblock *b = &g_tab[i];
            if (b->pc && !(b->pc >= drop_lo && b->pc < drop_hi)) {
                place(nt, bits, b);
                used++;
            }
        }
        free(g_tab);
    }
    g_tab = nt;
    g_bits = bits;
    g_used = used;
}

void kern_tcache_purge(uintptr_t lo, uintptr_t hi)
{
    if (g_tab)
        rebuild(g_bits, lo, hi);
}

void kern_timing_clear_block_cache(void)
{
    kern_tcache_purge(0, UINTPTR_MAX);
}

uint64_t kern_timing_blocks_analysed(void)
{
    return g_misses;
}

static __attribute__((noinline)) kern_tblock *miss(uintptr_t pc)
{
    if (!g_tab || (g_used + 1) * 2 > ((size_t)1 << g_bits))
        rebuild(g_tab ? g_bits + 1 : CACHE_MIN_BITS, 0, 0);
    kern_tblock b;
    const kern_tmodule *m = kern_tmodule_find(pc);
    if (m) {
        kern_tscan_block(m, pc, &b);
    } else {
        memset(&b, 0, sizeof b);
        b.pc = pc;
        b.owner = -1;
    }
    g_misses++;
    g_used++;
    return place(g_tab, g_bits, &b);
}

static inline kern_tblock *lookup(uintptr_t pc)
{
    if (__builtin_expect(g_tab != NULL, 1)) {
        size_t mask = ((size_t)1 << g_bits) - 1;
        for (size_t i = slot_of(pc, g_bits);; i = (i + 1) & mask) {
            if (g_tab[i].pc == pc)
                return &g_tab[i];
            if (!g_tab[i].pc)
                break;
        }
    }
    return miss(pc);
}

void __sanitizer_cov_trace_pc(void)
{
    if (!kern_timing_on)
        return;
    uintptr_t pc = (uintptr_t)__builtin_return_address(0);
    const kern_tblock *b = lookup(pc);
    kern_tworld *w = kern_timing_cur;
    if (w->tail.active)
        kern_timing_settle_tail(w, pc);
    if (b->owner < 0)
        return;
    uint64_t mc = (uint64_t)b->insns * kern_timing_cpi_milli;
    w->insns[b->owner] += b->insns;
    w->mcycles[b->owner] += mc;
    w->unsynced_mcycles += mc;
    if (b->has_tail)
        w->tail = b->tail;
}
