/* mem.h — kernel memory accounting by owner (module ID; 0 = the kernel): every heap allocation,
 * slab object and coherent DMA buffer is counted against the module that owns its heap, slab or
 * DMA engine, so leaks can be reported per module (docs/kernel-services.md "Heaps"). */
#ifndef VMKSIM_KERN_MEM_H
#define VMKSIM_KERN_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kern_mem_usage {
    uint64_t live_bytes, live_count;     /* allocated and not freed */
    uint64_t peak_bytes;                 /* highest live_bytes so far */
    uint64_t allocs, frees;              /* calls that succeeded */
    uint64_t failures;                   /* allocations refused (limit, size) */
    uint64_t leaked_bytes, leaked_count; /* still allocated when their heap/slab/engine went away */
} kern_mem_usage;

/* What owner holds; all zeros for an owner never seen. */
void kern_mem_report(int owner, kern_mem_usage *out);
/* Logs owner's live and leaked memory (one line), at warning level if anything is live/leaked. */
void kern_mem_log_report(int owner, const char *who);
/* Forgets every counter (between tests). */
void kern_mem_reset_accounting(void);

/* Used by the allocators. */
void kern_mem_account_alloc(int owner, size_t bytes);
void kern_mem_account_free(int owner, size_t bytes);
void kern_mem_account_failure(int owner);
void kern_mem_account_leak(int owner, size_t bytes);   /* a live allocation dropped by destroy */

/* ---- kernel-internal heap calls (vmkapi_heap.h wraps them) ---- */
typedef struct kern_heap kern_heap;
/* max_bytes limits the sum of live allocation sizes; 0 refused. name is copied. */
kern_heap *kern_heap_create(int owner, const char *name, size_t initial, size_t max_bytes,
                            sim_err *err);
/* Frees the heap; allocations still live are logged, freed and counted as leaked. */
void kern_heap_destroy(kern_heap *h);
/* align: a power of two; NULL when the heap's limit would be exceeded (counted as a failure). */
void *kern_heap_alloc(kern_heap *h, size_t size, size_t align);
/* Refuses (logs, returns -1) a pointer not allocated from h or already freed. */
int kern_heap_free(kern_heap *h, void *p, sim_err *err);
const char *kern_heap_name(const kern_heap *h);
int kern_heap_owner(const kern_heap *h);
size_t kern_heap_used(const kern_heap *h);
size_t kern_heap_max(const kern_heap *h);
size_t kern_heap_live_count(const kern_heap *h);
/* The size the allocator reserves for one allocation of size bytes at align (for sizing). */
size_t kern_heap_footprint(size_t size, size_t align);
/* Drops h as any module's default heap (vmk_ModuleSetHeapID) when it is destroyed. */
void kern_module_heap_forget(kern_heap *h);

#ifdef __cplusplus
}
#endif
#endif
