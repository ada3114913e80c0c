/* linux_mem.c — kmalloc/kfree on the calling Linux module's own heap (vmk_HeapAlloc), created
 * when the module registered with vmklinux, as the real shim's vmklnx_kmalloc does on the
 * per-driver heap (reference/vmkapi.md §3 "Memory"). Each block carries a small header naming
 * its module, so kfree works whichever module frees it (Linux allows that). A kmem_cache is a
 * kernel slab (vmk_SlabCreate) owned by the module, as the real shim's (reference/vmkapi.md §3). */
#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/slab.h>

/* A Linux module's heap limit: ample for a NIC driver's rings and buffers bookkeeping. */
#define VMKLNX_MODULE_HEAP_MAX (64u << 20)
#define KMALLOC_MAGIC 0x6b6d616cu   /* "kmal" */

typedef struct kmalloc_hdr {
    vmklnx_module *owner;
    vmk_uint32 magic;
    vmk_uint32 pad;
} kmalloc_hdr;   /* 16 bytes: keeps the heap's 16-byte alignment for the caller */

_Static_assert(sizeof(kmalloc_hdr) == 16, "kmalloc header must keep 16-byte alignment");

VMK_ReturnStatus vmklnx_mem_module_init(vmklnx_module *m)
{
    vmk_HeapCreateProps hp;
    vmk_Memset(&hp, 0, sizeof hp);
    hp.type = VMK_HEAP_TYPE_SIMPLE;
    vmk_ByteCount n = vmk_Strnlen(m->name, VMK_MISC_NAME_MAX - 1);
    vmk_Memcpy(hp.name.string, m->name, n);
    hp.module = m->id;
    hp.max = VMKLNX_MODULE_HEAP_MAX;
    return vmk_HeapCreate(&hp, &m->heap);
}

void vmklnx_mem_module_exit(vmklnx_module *m)
{
    while (m->caches) {
        vmk_WarningMessage("vmklinux: module %s left a kmem_cache: destroyed", m->name);
        kmem_cache_destroy(m->caches);
    }
    if (m->heap != VMK_INVALID_HEAP_ID)
        vmk_HeapDestroy(m->heap);   /* live blocks are reported and counted as the module's leak */
    m->heap = VMK_INVALID_HEAP_ID;
}

void *kmalloc(size_t size, gfp_t flags)
{
    vmklnx_module *m = vmklnx_module_current("kmalloc");
    if (!m || size > VMKLNX_MODULE_HEAP_MAX)
        return NULL;
    kmalloc_hdr *h = vmk_HeapAlloc(m->heap, sizeof *h + size);
    if (!h)
        return NULL;
    h->owner = m;
    h->magic = KMALLOC_MAGIC;
    if (flags & __GFP_ZERO)
        vmk_Memset(h + 1, 0, size);
    return h + 1;
}

void kfree(const void *ptr)
{
    if (!ptr)
        return;
    kmalloc_hdr *h = (kmalloc_hdr *)ptr - 1;
    if (h->magic != KMALLOC_MAGIC || !vmklnx_module_live(h->owner)) {
        vmk_WarningMessage("vmklinux: kfree of %p, which kmalloc did not return", ptr);
        return;
    }
    h->magic = 0;
    vmk_HeapFree(h->owner->heap, h);
}

/* ---- kmem_cache ---- */

struct kmem_cache {
    vmk_SlabID slab;
    void (*ctor)(void *obj);
    vmklnx_module *owner;
    vmk_ByteCount size;
    struct kmem_cache *next;
};

#define CACHE_LINE 64   /* x86-64 */

static VMK_ReturnStatus cache_ctor(void *obj, vmk_ByteCount size, vmk_AddrCookie arg, int flags)
{
    (void)size;
    (void)flags;
    struct kmem_cache *c = arg.ptr;
    VMKAPI_MODULE_CALL_VOID(c->owner->id, c->ctor, obj);
    return VMK_OK;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
                                     slab_flags_t flags, void (*ctor)(void *))
{
    vmklnx_module *m = vmklnx_module_current("kmem_cache_create");
    if (!m || size == 0 || (align & (align - 1)))
        return NULL;
    if ((flags & SLAB_HWCACHE_ALIGN) && align < CACHE_LINE)
        align = CACHE_LINE;
    struct kmem_cache *c = vmklnx_zalloc(sizeof *c);
    if (!c)
        return NULL;
    c->ctor = ctor;
    c->owner = m;
    c->size = size;
    vmk_SlabCreateProps p;
    vmk_Memset(&p, 0, sizeof p);
    p.type = VMK_SLAB_TYPE_SIMPLE;
    if (name)
        vmk_Memcpy(p.name.string, name, vmk_Strnlen(name, VMK_MISC_NAME_MAX - 1));
    p.module = m->id;
    p.objSize = size;
    p.alignment = align;
    if (ctor) {
        p.typeSpecific.simple.constructor = cache_ctor;
        p.typeSpecific.simple.constructorArg.ptr = c;
    }
    if (vmk_SlabCreate(&p, &c->slab) != VMK_OK) {
        vmklnx_free(c);
        return NULL;
    }
    c->next = m->caches;
    m->caches = c;
    return c;
}

void kmem_cache_destroy(struct kmem_cache *cache)
{
    if (!cache)
        return;
    vmklnx_module *m = cache->owner;
    for (struct kmem_cache **pp = &m->caches; *pp; pp = &(*pp)->next) {
        if (*pp == cache) {
            *pp = cache->next;
            break;
        }
    }
    vmk_SlabDestroy(cache->slab);   /* objects still in use are reported as the module's leak */
    vmklnx_free(cache);
}

void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags)
{
    void *o = vmk_SlabAlloc(cache->slab);
    if (o && (flags & __GFP_ZERO))
        vmk_Memset(o, 0, cache->size);
    return o;
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
    if (obj)
        vmk_SlabFree(cache->slab, obj);
}
