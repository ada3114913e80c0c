/* heap.c — kernel heaps (mem.h) and the vmkapi heap calls on them (vmkapi_heap.h): real process
 * memory from malloc, each allocation preceded by a header that names its heap, so a free of a
 * foreign or already freed pointer is caught; the sum of live sizes is held to the heap's max.
 * Costs: heap_alloc / heap_free from the cost table. Semantics: docs/kernel-services.md "Heaps". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/mem/ptrmap.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"

#define HEAP_LOG "kernel.heap"
#define HDR_MAGIC_LIVE 0x68656170616c6976ULL   /* "heapaliv" */
#define HDR_MAGIC_FREE 0x6865617066726565ULL   /* "heapfree" */
#define HEAP_MIN_ALIGN 16                      /* alignof(max_align_t) on x86-64 (SysV ABI) */

typedef struct heap_hdr {
    uint64_t magic;
    struct kern_heap *heap;
    struct heap_hdr *prev, *next;
    size_t size;
    void *raw;
} heap_hdr;

struct kern_heap {
    char name[VMK_MISC_NAME_MAX];
    int owner;
    size_t max, used, count;
    heap_hdr *live;   /* list of live allocations, newest first */
    kern_ptrmap ptrs; /* user pointer -> header of every live allocation */
};

static size_t hdr_space(void)
{
    return (sizeof(heap_hdr) + HEAP_MIN_ALIGN - 1) & ~(size_t)(HEAP_MIN_ALIGN - 1);
}

size_t kern_heap_footprint(size_t size, size_t align)
{
    if (align < HEAP_MIN_ALIGN)
        align = HEAP_MIN_ALIGN;
    return hdr_space() + size + align - HEAP_MIN_ALIGN;
}

kern_heap *kern_heap_create(int owner, const char *name, size_t initial, size_t max_bytes,
                            sim_err *err)
{
    if (!name || !*name) {
        sim_err_set(err, "heap: a heap needs a name");
        return NULL;
    }
    if (max_bytes == 0 || initial > max_bytes) {
        sim_err_set(err, "heap '%s': initial %zu / max %zu bytes: max must be > 0 and >= initial",
                    name, initial, max_bytes);
        return NULL;
    }
    kern_heap *h = calloc(1, sizeof *h);
    if (!h) {
        sim_err_set(err, "heap '%s': out of host memory", name);
        return NULL;
    }
    snprintf(h->name, sizeof h->name, "%s", name);
    h->owner = owner;
    h->max = max_bytes;
    sim_log(SIM_LOG_DEBUG, HEAP_LOG, "heap '%s' created for owner %d, max %zu bytes", h->name,
            owner, max_bytes);
    return h;
}

void kern_heap_destroy(kern_heap *h)
{
    if (!h)
        return;
    if (h->count)
        sim_log(SIM_LOG_WARN, HEAP_LOG,
                "heap '%s' (owner %d) destroyed with %zu allocation(s) (%zu bytes) still live: "
                "leaked", h->name, h->owner, h->count, h->used);
    for (heap_hdr *x = h->live; x;) {
        heap_hdr *next = x->next;
        kern_mem_account_leak(h->owner, x->size);
        x->magic = HDR_MAGIC_FREE;
        free(x->raw);
        x = next;
    }
    kern_ptrmap_free(&h->ptrs);
    free(h);
}

void *kern_heap_alloc(kern_heap *h, size_t size, size_t align)
{
    if (align < HEAP_MIN_ALIGN)
        align = HEAP_MIN_ALIGN;
    if ((align & (align - 1)) || size == 0 || size > h->max - h->used) {
        kern_mem_account_failure(h->owner);
        sim_log(SIM_LOG_DEBUG, HEAP_LOG, "heap '%s': allocation of %zu bytes (align %zu) refused: "
                "%zu of %zu bytes used", h->name, size, align, h->used, h->max);
        return NULL;
    }
    size_t total = kern_heap_footprint(size, align);
    char *raw = malloc(total);
    if (!raw) {
        kern_mem_account_failure(h->owner);
        return NULL;
    }
    uintptr_t user = ((uintptr_t)raw + hdr_space() + align - 1) & ~(uintptr_t)(align - 1);
    heap_hdr *x = (heap_hdr *)(user - sizeof(heap_hdr));
    if (kern_ptrmap_put(&h->ptrs, user, x) < 0) {
        free(raw);
        kern_mem_account_failure(h->owner);
        return NULL;
    }
    x->magic = HDR_MAGIC_LIVE;
    x->heap = h;
    x->size = size;
    x->raw = raw;
    x->prev = NULL;
    x->next = h->live;
    if (h->live)
        h->live->prev = x;
    h->live = x;
    h->used += size;
    h->count++;
    kern_mem_account_alloc(h->owner, size);
    return (void *)user;
}

int kern_heap_free(kern_heap *h, void *p, sim_err *err)
{
    if (!p)
        return 0;
    /* Only a pointer the heap knows is looked at: a foreign pointer is never dereferenced. */
    heap_hdr *x = kern_ptrmap_get(&h->ptrs, (uintptr_t)p);
    if (!x || x->magic != HDR_MAGIC_LIVE || x->heap != h)
        return sim_err_set(err, "heap '%s': free of %p, which is not a live allocation of this "
                           "heap (double free or wrong heap)", h->name, p);
    if (x->prev)
        x->prev->next = x->next;
    else
        h->live = x->next;
    if (x->next)
        x->next->prev = x->prev;
    kern_ptrmap_del(&h->ptrs, (uintptr_t)p);
    h->used -= x->size;
    h->count--;
    kern_mem_account_free(h->owner, x->size);
    x->magic = HDR_MAGIC_FREE;
    free(x->raw);
    return 0;
}

const char *kern_heap_name(const kern_heap *h) { return h->name; }
int kern_heap_owner(const kern_heap *h) { return h->owner; }
size_t kern_heap_used(const kern_heap *h) { return h->used; }
size_t kern_heap_max(const kern_heap *h) { return h->max; }
size_t kern_heap_live_count(const kern_heap *h) { return h->count; }

/* ---- vmkapi ---- */

static bool module_ok(vmk_ModuleID id)
{
    return id == VMK_KERNEL_MODULE_ID || kern_module_by_id(id) != NULL;
}

VMK_ReturnStatus vmk_HeapCreate(vmk_HeapCreateProps *props, vmk_HeapID *heapID)
{
    if (!props || !heapID || props->type != VMK_HEAP_TYPE_SIMPLE || !module_ok(props->module))
        return VMK_BAD_PARAM;
    char name[VMK_MISC_NAME_MAX];
    snprintf(name, sizeof name, "%.*s", VMK_MISC_NAME_MAX - 1, props->name.string);
    sim_err err;
    kern_heap *h = kern_heap_create(props->module, name, props->initial, props->max, &err);
    if (!h) {
        sim_log(SIM_LOG_WARN, HEAP_LOG, "vmk_HeapCreate: %s", err.msg);
        return props->max == 0 || props->initial > props->max ? VMK_BAD_PARAM : VMK_NO_MEMORY;
    }
    *heapID = (vmk_HeapID)h;
    return VMK_OK;
}

void vmk_HeapDestroy(vmk_HeapID heapID)
{
    kern_heap_destroy((kern_heap *)heapID);
    kern_module_heap_forget((kern_heap *)heapID);
}

void *vmk_HeapAlloc(vmk_HeapID heapID, vmk_ByteCount size)
{
    if (!heapID)
        return NULL;
    kern_cost_charge(KERN_COST_HEAP_ALLOC, 0);
    return kern_heap_alloc((kern_heap *)heapID, size, HEAP_MIN_ALIGN);
}

void *vmk_HeapAlign(vmk_HeapID heapID, vmk_ByteCount size, vmk_ByteCount alignment)
{
    if (!heapID)
        return NULL;
    kern_cost_charge(KERN_COST_HEAP_ALLOC, 0);
    return kern_heap_alloc((kern_heap *)heapID, size, alignment);
}

void vmk_HeapFree(vmk_HeapID heapID, void *mem)
{
    if (!heapID || !mem)
        return;
    kern_cost_charge(KERN_COST_HEAP_FREE, 0);
    sim_err err;
    if (kern_heap_free((kern_heap *)heapID, mem, &err) < 0)
        sim_log(SIM_LOG_ERROR, HEAP_LOG, "vmk_HeapFree: %s", err.msg);
}

VMK_ReturnStatus vmk_HeapDetermineMaxSize(vmk_HeapAllocationDescriptor *allocDesc,
                                          vmk_uint32 numAllocDescs, vmk_ByteCount *maxSize)
{
    if (!allocDesc || !maxSize)
        return VMK_BAD_PARAM;
    /* The heap limit counts requested sizes, so the max is the sum of size x count; overflow or
     * a bad alignment is refused. */
    vmk_ByteCount total = 0;
    for (vmk_uint32 i = 0; i < numAllocDescs; i++) {
        vmk_ByteCount a = allocDesc[i].alignment;
        if (a & (a - 1))
            return VMK_BAD_PARAM;
        vmk_ByteCount part;
        if (__builtin_mul_overflow(allocDesc[i].size, allocDesc[i].count, &part) ||
            __builtin_add_overflow(total, part, &total))
            return VMK_LIMIT_EXCEEDED;
    }
    *maxSize = total;
    return VMK_OK;
}

vmk_ByteCount vmk_HeapGetUsed(vmk_HeapID heapID)
{
    return heapID ? kern_heap_used((kern_heap *)heapID) : 0;
}

/* ---- the module's default heap (vmk_ModuleSetHeapID / vmk_ModuleGetHeapID) ---- */

typedef struct mod_heap { int module; kern_heap *heap; } mod_heap;
static mod_heap g_mod_heaps[256];
static size_t g_nmod_heaps;

void kern_module_heap_forget(kern_heap *h)
{
    for (size_t i = 0; i < g_nmod_heaps; i++)
        if (g_mod_heaps[i].heap == h)
            g_mod_heaps[i] = g_mod_heaps[--g_nmod_heaps];
}

VMK_ReturnStatus vmk_ModuleSetHeapID(vmk_ModuleID module, vmk_HeapID heap)
{
    if (!module_ok(module) || !heap)
        return VMK_BAD_PARAM;
    for (size_t i = 0; i < g_nmod_heaps; i++)
        if (g_mod_heaps[i].module == module) {
            g_mod_heaps[i].heap = (kern_heap *)heap;
            return VMK_OK;
        }
    if (g_nmod_heaps == sizeof g_mod_heaps / sizeof g_mod_heaps[0])
        return VMK_NO_SPACE;
    g_mod_heaps[g_nmod_heaps++] = (mod_heap){module, (kern_heap *)heap};
    return VMK_OK;
}

vmk_HeapID vmk_ModuleGetHeapID(vmk_ModuleID module)
{
    for (size_t i = 0; i < g_nmod_heaps; i++)
        if (g_mod_heaps[i].module == module)
            return (vmk_HeapID)g_mod_heaps[i].heap;
    return VMK_INVALID_HEAP_ID;
}
