/* slab.c — vmkapi slabs (vmkapi_heap.h): a cache of equal-sized, aligned objects with optional
 * constructor/destructor. Objects are created on demand up to maxObj and kept on a free list when
 * freed; objects handed out are counted against the slab's module (mem.h). Alloc/free charge
 * heap_alloc / heap_free from the cost table (a slab fast path is what those figures measure). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/mem/ptrmap.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"

#define SLAB_LOG "kernel.slab"
#define SLAB_FREE ((void *)1)   /* ptrmap value of an object on the free list */
#define SLAB_USED ((void *)2)   /* ... of an object handed out */

typedef struct kern_slab {
    char name[VMK_MISC_NAME_MAX];
    int owner;
    size_t obj_size, align;
    uint32_t max_obj;
    vmk_SlabItemConstructor ctor;
    vmk_SlabItemDestructor dtor;
    vmk_AddrCookie arg;
    void **free_list;
    size_t nfree, free_cap;
    size_t nobj, in_use;
    kern_ptrmap objs;
} kern_slab;

static void *new_object(kern_slab *s)
{
    size_t sz = (s->obj_size + s->align - 1) & ~(s->align - 1);
    void *o = aligned_alloc(s->align, sz);
    if (!o)
        return NULL;
    if (s->ctor && s->ctor(o, s->obj_size, s->arg, 0) != VMK_OK) {
        free(o);
        return NULL;
    }
    if (kern_ptrmap_put(&s->objs, (uintptr_t)o, SLAB_USED) < 0) {
        if (s->dtor)
            s->dtor(o, s->obj_size, s->arg);
        free(o);
        return NULL;
    }
    s->nobj++;
    return o;
}

static int push_free(kern_slab *s, void *o)
{
    if (s->nfree == s->free_cap) {
        size_t n = s->free_cap ? s->free_cap * 2 : 16;
        void **nl = realloc(s->free_list, n * sizeof *nl);
        if (!nl)
            return -1;
        s->free_list = nl;
        s->free_cap = n;
    }
    s->free_list[s->nfree++] = o;
    kern_ptrmap_put(&s->objs, (uintptr_t)o, SLAB_FREE);   /* key exists: cannot fail */
    return 0;
}

static void destroy_object(kern_slab *s, void *o)
{
    if (s->dtor)
        s->dtor(o, s->obj_size, s->arg);
    kern_ptrmap_del(&s->objs, (uintptr_t)o);
    free(o);
    s->nobj--;
}

static void slab_free_all(kern_slab *s)
{
    /* Objects still in use are leaked by the module; the kernel reclaims their memory. */
    for (size_t i = 0; i < s->objs.cap; i++) {
        uint64_t k = s->objs.keys[i];
        if (k == 0 || k == UINT64_MAX || s->objs.vals[i] != SLAB_USED)
            continue;
        kern_mem_account_leak(s->owner, s->obj_size);
        if (s->dtor)
            s->dtor((void *)(uintptr_t)k, s->obj_size, s->arg);
        free((void *)(uintptr_t)k);
    }
    for (size_t i = 0; i < s->nfree; i++) {
        if (s->dtor)
            s->dtor(s->free_list[i], s->obj_size, s->arg);
        free(s->free_list[i]);
    }
    kern_ptrmap_free(&s->objs);
    free(s->free_list);
    free(s);
}

VMK_ReturnStatus vmk_SlabCreate(vmk_SlabCreateProps *props, vmk_SlabID *slab)
{
    if (!props || !slab || props->type != VMK_SLAB_TYPE_SIMPLE || props->objSize == 0)
        return VMK_BAD_PARAM;
    if (props->module != VMK_KERNEL_MODULE_ID && !kern_module_by_id(props->module))
        return VMK_BAD_PARAM;
    size_t align = props->alignment ? props->alignment : 16;
    if (align & (align - 1))
        return VMK_BAD_PARAM;
    if (props->maxObj && props->minObj > props->maxObj)
        return VMK_BAD_PARAM;
    kern_slab *s = calloc(1, sizeof *s);
    if (!s)
        return VMK_NO_MEMORY;
    snprintf(s->name, sizeof s->name, "%.*s", VMK_MISC_NAME_MAX - 1, props->name.string);
    s->owner = props->module;
    s->obj_size = props->objSize;
    s->align = align < sizeof(void *) ? sizeof(void *) : align;
    s->max_obj = props->maxObj;
    s->ctor = props->typeSpecific.simple.constructor;
    s->dtor = props->typeSpecific.simple.destructor;
    s->arg = props->typeSpecific.simple.constructorArg;
    for (uint32_t i = 0; i < props->minObj; i++) {
        void *o = new_object(s);
        if (!o || push_free(s, o) < 0) {
            if (o)
                destroy_object(s, o);
            slab_free_all(s);
            return VMK_NO_MEMORY;
        }
    }
    *slab = (vmk_SlabID)s;
    sim_log(SIM_LOG_DEBUG, SLAB_LOG, "slab '%s' (owner %d): %zu-byte objects, %u up front, max %u",
            s->name, s->owner, s->obj_size, props->minObj, s->max_obj);
    return VMK_OK;
}

void *vmk_SlabAlloc(vmk_SlabID slab)
{
    kern_slab *s = (kern_slab *)slab;
    if (!s)
        return NULL;
    kern_cost_charge(KERN_COST_HEAP_ALLOC, 0);
    void *o;
    if (s->nfree) {
        o = s->free_list[--s->nfree];
        kern_ptrmap_put(&s->objs, (uintptr_t)o, SLAB_USED);
    } else if (s->max_obj && s->nobj >= s->max_obj) {
        kern_mem_account_failure(s->owner);
        return NULL;
    } else if (!(o = new_object(s))) {
        kern_mem_account_failure(s->owner);
        return NULL;
    }
    s->in_use++;
    kern_mem_account_alloc(s->owner, s->obj_size);
    return o;
}

void vmk_SlabFree(vmk_SlabID slab, void *object)
{
    kern_slab *s = (kern_slab *)slab;
    if (!s || !object)
        return;
    kern_cost_charge(KERN_COST_HEAP_FREE, 0);
    if (kern_ptrmap_get(&s->objs, (uintptr_t)object) != SLAB_USED) {
        sim_log(SIM_LOG_ERROR, SLAB_LOG, "vmk_SlabFree: slab '%s': %p is not an object in use "
                "(double free or wrong slab)", s->name, object);
        return;
    }
    s->in_use--;
    kern_mem_account_free(s->owner, s->obj_size);
    if (push_free(s, object) < 0)
        destroy_object(s, object);
}

VMK_ReturnStatus vmk_SlabDestroy(vmk_SlabID slab)
{
    kern_slab *s = (kern_slab *)slab;
    if (!s)
        return VMK_BAD_PARAM;
    if (s->in_use)
        sim_log(SIM_LOG_WARN, SLAB_LOG, "slab '%s' (owner %d) destroyed with %zu object(s) in use: "
                "leaked", s->name, s->owner, s->in_use);
    slab_free_all(s);
    return VMK_OK;
}
