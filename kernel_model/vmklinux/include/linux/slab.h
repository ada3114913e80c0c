/* linux/slab.h — kmalloc/kzalloc/kcalloc/kfree. Mirrors Linux's include/linux/slab.h and gfp.h
 * by name. In vmklinux every allocation comes from the calling Linux module's own heap
 * (linux_mem.c), created for it when vmklinux registered the module, as the real shim's
 * per-driver glue does (reference/vmkapi.md §3). */
#ifndef _VMKLNX_LINUX_SLAB_H
#define _VMKLNX_LINUX_SLAB_H

#include <linux/types.h>

/* gfp flags: GFP_ATOMIC never sleeps, GFP_KERNEL may; __GFP_ZERO zeroes (Linux gfp_types.h). */
#define __GFP_ZERO 0x100u
#define GFP_ATOMIC 0x20u
#define GFP_KERNEL 0xcc0u
#define GFP_DMA 0x01u

void *kmalloc(size_t size, gfp_t flags) __attribute__((malloc, alloc_size(1)));
void kfree(const void *ptr);

static inline void *kzalloc(size_t size, gfp_t flags)
{
    return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
    if (size && n > (size_t)-1 / size)
        return NULL;
    return kmalloc(n * size, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
    return kmalloc_array(n, size, flags | __GFP_ZERO);
}

/* ---- object caches (kmem_cache), on kernel slabs (vmk_SlabCreate) owned by the module ---- */
typedef unsigned int slab_flags_t;
#define SLAB_HWCACHE_ALIGN 0x00002000u   /* align objects on a cache line (64 bytes here) */

struct kmem_cache;

/* ctor (may be NULL) runs once when an object is created for the cache, as the module. */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
                                     slab_flags_t flags, void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *cache);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags);
void kmem_cache_free(struct kmem_cache *cache, void *obj);
static inline void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t flags)
{
    return kmem_cache_alloc(cache, flags | __GFP_ZERO);
}

#endif
