/* timing_internal.h — what the timing files share: registered module ranges, the analysed-block
 * record kept in the hook's cache, and world state. Not an API; see timing.h. */
#ifndef VMKSIM_KERN_TIMING_INTERNAL_H
#define VMKSIM_KERN_TIMING_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"

#define KERN_TMOD_NAME_MAX 64
#define KERN_TMOD_MAX_SEGS 8

/* One readable segment of a loaded object (for reading GOT slots and PLT stubs). */
typedef struct kern_tseg { uintptr_t lo, hi; } kern_tseg;

typedef struct kern_tmodule {
    bool used;
    char name[KERN_TMOD_NAME_MAX];
    int owner;
    uintptr_t start, end;                 /* counted code */
    kern_tseg segs[KERN_TMOD_MAX_SEGS];   /* readable PT_LOAD segments of the object, if found */
    int nsegs;
    const uint8_t *eh_hdr;                /* .eh_frame_hdr of the object (function starts), or NULL */
    const uint8_t *fde_table;             /* its binary-search table: int32 pairs, datarel */
    uint32_t fde_count;
    uintptr_t hook_stub;                  /* PLT stub that jumps to the hook, once seen */
} kern_tmodule;

/* A branch tail: the block ends in a conditional branch and at least one side reaches the next
 * hook, or a return, through instructions that carry no hook of their own. Which side ran is
 * decided by the next hook in the same world (docs/timing.md "Branch tails"). */
typedef struct kern_ttail {
    uintptr_t site_a, site_b;    /* hook sites (return addresses) the two sides lead to; 0 = none */
    uint32_t n_a, n_b;           /* instructions charged if the next hook is at site_a / site_b */
    uint32_t n_default;          /* ... if it is anything else, or the world leaves module code */
    int16_t owner;
    bool active;
} kern_ttail;

/* One analysed block, keyed by its hook site (the return address of the hook call). */
typedef struct kern_tblock {
    uintptr_t pc;          /* 0: empty slot */
    uint32_t insns;        /* charged each time the block runs */
    int16_t owner;         /* -1: the site is outside every registered module (not counted) */
    bool has_tail;
    kern_ttail tail;
} kern_tblock;

struct kern_tworld {
    char name[48];
    uint64_t insns[KERN_TIMING_MAX_OWNERS];
    uint64_t mcycles[KERN_TIMING_MAX_OWNERS];
    uint64_t unsynced_mcycles;   /* run ahead of global time, not yet converted */
    uint64_t ps_remainder;       /* carry of the cycles -> ps conversion (no drift) */
    kern_ttail tail;             /* a pending branch tail of this world */
    int entered;                 /* times on the accounting stack */
    struct kern_tworld *next;    /* list of live worlds */
};

/* accounting.c: the hook's view of the current world and parameters. */
extern kern_tworld *kern_timing_cur;
extern bool kern_timing_on;
extern uint32_t kern_timing_cpi_milli;
void kern_timing_settle_tail(kern_tworld *w, uintptr_t next_site);

/* The accounting stack, saved by a thread that blocks and restored when it resumes. */
typedef struct kern_tstack {
    kern_tworld *w[KERN_TIMING_MAX_DEPTH];
    int depth;
    kern_module_stack_saved modules;   /* the thread's current-module stack goes with it */
} kern_tstack;
/* Saves the stack into s and leaves only "unattached" entered (for the threads that run next);
 * the current-module stack is taken along, so other threads start with an empty one. */
void kern_tstack_save(kern_tstack *s);
void kern_tstack_restore(const kern_tstack *s);

/* modules.c */
const kern_tmodule *kern_tmodule_find(uintptr_t pc);
bool kern_tmodule_readable(const kern_tmodule *m, uintptr_t addr, size_t len);
void kern_tmodule_set_hook_stub(const kern_tmodule *m, uintptr_t stub);
uintptr_t kern_tmodule_function_start(const kern_tmodule *m, uintptr_t pc);

/* block_scan.c: analyses the block whose hook returns to pc (in module m). Fills b (pc, insns,
 * owner, tail). Returns 0, or -1 if Capstone is unusable (the block then counts 0). */
int kern_tscan_block(const kern_tmodule *m, uintptr_t pc, kern_tblock *b);

/* trace_pc.c: drops cached blocks whose site lies in [lo, hi). */
void kern_tcache_purge(uintptr_t lo, uintptr_t hi);

#endif
