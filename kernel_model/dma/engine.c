/* engine.c — vmkapi DMA engines (vmkapi_dma.h) on the IOVA table (iova.c): an engine holds its
 * device's Requester ID and constraints; map/unmap of elements and SG arrays charge dma_map /
 * dma_unmap per element from the cost table; coherent buffers are page-aligned process memory
 * mapped BIDIRECTIONAL and counted against the engine's module (mem.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/device/device.h"
#include "kernel_model/dma/dma.h"
#include "kernel_model/dma/dma_engine.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/mem/ptrmap.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"
#include "vmkapi/vmkapi_dma.h"

#define DMA_LOG "kernel.dma"

struct vmk_DMAEngineInt {
    char name[VMK_MISC_NAME_MAX];
    int owner;
    uint16_t requester;
    vmk_DMAConstraints c;
    kern_ptrmap coherent;   /* va -> (size | 0): live coherent buffers */
    size_t live_maps;       /* element mappings made by map calls and not unmapped */
};

vmk_DMAEngine kern_dma_engine_create(int owner, const char *name, uint16_t requester,
                                     const vmk_DMAConstraints *c, sim_err *err)
{
    vmk_DMAEngine e = calloc(1, sizeof *e);
    if (!e) {
        sim_err_set(err, "DMA engine '%s': out of host memory", name);
        return NULL;
    }
    snprintf(e->name, sizeof e->name, "%s", name ? name : "?");
    e->owner = owner;
    e->requester = requester;
    if (c)
        e->c = *c;
    if (!e->c.addressMask)
        e->c.addressMask = ~(vmk_IOA)0;
    sim_log(SIM_LOG_DEBUG, DMA_LOG, "engine '%s' for %02x:%02x.%d, address mask 0x%llx", e->name,
            requester >> 8, (requester >> 3) & 0x1F, requester & 7,
            (unsigned long long)e->c.addressMask);
    return e;
}

uint16_t kern_dma_engine_requester(vmk_DMAEngine e)
{
    return e->requester;
}

/* A device on bus "pci" carries its vmk_PCIDevice as registration data (vmkapi.md §1); its
 * address gives the Requester ID (bus << 8 | device << 3 | function, PCIe Base Spec 2.2.6.2). */
static int pci_device_rid(vmk_Device dev, uint16_t *rid)
{
    if (kern_dma_device_rid(dev, rid) == 0)   /* a resolver registered by a bus, if any */
        return 0;
    if (!dev || !kern_device_valid(dev) || strcmp(kern_device_bus_type(dev), "pci") != 0)
        return -1;
    vmk_PCIDeviceAddr a;
    vmk_PCIDevice pci = kern_device_registration_data(dev).ptr;
    if (vmk_PCIQueryDeviceAddr(pci, &a) != VMK_OK)
        return -1;
    *rid = (uint16_t)(a.bus << 8 | a.dev << 3 | a.fn);
    return 0;
}

VMK_ReturnStatus vmk_DMAEngineCreate(vmk_DMAEngineProps *props, vmk_DMAEngine *engine)
{
    if (!props || !engine || !props->constraints || props->bounce)
        return VMK_BAD_PARAM;
    if (props->module != VMK_KERNEL_MODULE_ID && !kern_module_by_id(props->module))
        return VMK_BAD_PARAM;
    uint16_t rid;
    if (pci_device_rid(props->device, &rid) < 0) {
        sim_log(SIM_LOG_WARN, DMA_LOG, "vmk_DMAEngineCreate '%.*s': the device is not a PCI "
                "device the kernel knows", VMK_MISC_NAME_MAX, props->name.string);
        return VMK_BAD_PARAM;
    }
    char name[VMK_MISC_NAME_MAX];
    snprintf(name, sizeof name, "%.*s", VMK_MISC_NAME_MAX - 1, props->name.string);
    sim_err err;
    vmk_DMAEngine e = kern_dma_engine_create(props->module, name, rid, props->constraints, &err);
    if (!e)
        return VMK_NO_MEMORY;
    *engine = e;
    return VMK_OK;
}

VMK_ReturnStatus vmk_DMAEngineDestroy(vmk_DMAEngine e)
{
    if (!e)
        return VMK_BAD_PARAM;
    /* Coherent buffers left behind are the module's leak; the kernel takes the memory back. */
    for (size_t i = 0; i < e->coherent.cap; i++) {
        uint64_t k = e->coherent.keys[i];
        if (k == 0 || k == UINT64_MAX)
            continue;
        kern_mem_account_leak(e->owner, (size_t)(uintptr_t)e->coherent.vals[i]);
        free((void *)(uintptr_t)k);
    }
    size_t n = kern_iova_unmap_tag(e);
    if (n)
        sim_log(SIM_LOG_WARN, DMA_LOG, "engine '%s' (owner %d) destroyed with %zu mapping(s) "
                "live (%zu streaming): unmapped", e->name, e->owner, n, e->live_maps);
    kern_ptrmap_free(&e->coherent);
    free(e);
    return VMK_OK;
}

static vmk_DMAMapErrorReason check_elem(vmk_DMAEngine e, const vmk_SgElem *in)
{
    if (!in->addr || !in->length)
        return VMK_DMA_MAPERR_BAD_PARAM;
    if (e->c.maxTransfer && in->length > e->c.maxTransfer)
        return VMK_DMA_MAPERR_MAXXFER;
    if (e->c.sgElemMaxSize && in->length > e->c.sgElemMaxSize)
        return VMK_DMA_MAPERR_SGELEMMAXSIZE;
    if (e->c.sgElemSizeMult && in->length % e->c.sgElemSizeMult)
        return VMK_DMA_MAPERR_SGELEMSIZEMULT;
    if (e->c.sgElemAlignment && in->addr % e->c.sgElemAlignment)
        return VMK_DMA_MAPERR_SGELEMALIGN;
    return VMK_DMA_MAPERR_OK;
}

static VMK_ReturnStatus map_one(vmk_DMAEngine e, int dir, const vmk_SgElem *in, vmk_SgElem *out,
                                vmk_DMAMapErrorReason *why)
{
    kern_cost_charge(KERN_COST_DMA_MAP, 0);
    *why = check_elem(e, in);
    if (*why != VMK_DMA_MAPERR_OK)
        return VMK_BAD_PARAM;
    uint64_t iova;
    sim_err err;
    if (kern_iova_map(e->requester, e, (void *)(uintptr_t)in->addr, in->length, dir,
                      e->c.addressMask, &iova, &err) < 0) {
        *why = e->c.addressMask < KERN_IOVA_LIMIT - 1 ? VMK_DMA_MAPERR_ADDRMASK
                                                      : VMK_DMA_MAPERR_NOSPACE;
        sim_log(SIM_LOG_WARN, DMA_LOG, "engine '%s': %s", e->name, err.msg);
        return VMK_NO_MEMORY;
    }
    out->ioAddr = iova;
    out->length = in->length;
    e->live_maps++;
    return VMK_OK;
}

static VMK_ReturnStatus unmap_one(vmk_DMAEngine e, int dir, const vmk_SgElem *ioa)
{
    kern_cost_charge(KERN_COST_DMA_UNMAP, 0);
    sim_err err;
    if (kern_iova_unmap(e->requester, ioa->ioAddr, ioa->length, dir, &err) < 0) {
        sim_log(SIM_LOG_ERROR, DMA_LOG, "engine '%s': %s", e->name, err.msg);
        return VMK_BAD_PARAM;
    }
    e->live_maps--;
    return VMK_OK;
}

static bool dir_ok(vmk_DMADirection d)
{
    return d >= VMK_DMA_DIRECTION_TO_MEMORY && d <= VMK_DMA_DIRECTION_BIDIRECTIONAL;
}

VMK_ReturnStatus vmk_DMAMapElem(vmk_DMAEngine engine, vmk_DMADirection direction, vmk_SgElem *in,
                                vmk_Bool lastElem, vmk_SgElem *out, vmk_DMAMapErrorInfo *err)
{
    (void)lastElem;
    vmk_DMAMapErrorReason why = VMK_DMA_MAPERR_BAD_PARAM;
    VMK_ReturnStatus st = VMK_BAD_PARAM;
    if (engine && dir_ok(direction) && in && out)
        st = map_one(engine, (int)direction, in, out, &why);
    if (err) {
        err->error = st == VMK_OK ? VMK_DMA_MAPERR_OK : why;
        err->elemIndex = 0;
    }
    return st;
}

VMK_ReturnStatus vmk_DMAUnmapElem(vmk_DMAEngine engine, vmk_DMADirection direction,
                                  vmk_SgElem *ioaElem)
{
    if (!engine || !dir_ok(direction) || !ioaElem)
        return VMK_BAD_PARAM;
    return unmap_one(engine, (int)direction, ioaElem);
}

static vmk_SgArray *sg_new(int owner, vmk_uint32 n)
{
    size_t bytes = sizeof(vmk_SgArray) + (size_t)n * sizeof(vmk_SgElem);
    vmk_SgArray *sg = calloc(1, bytes);
    if (!sg)
        return NULL;
    sg->maxElems = n;
    kern_mem_account_alloc(owner, bytes);
    return sg;
}

static void sg_delete(int owner, vmk_SgArray *sg)
{
    kern_mem_account_free(owner, sizeof(vmk_SgArray) + (size_t)sg->maxElems * sizeof(vmk_SgElem));
    free(sg);
}

VMK_ReturnStatus vmk_DMAMapSg(vmk_DMAEngine engine, vmk_DMADirection direction,
                              vmk_SgArray *sgIn, vmk_SgArray **sgOut, vmk_DMAMapErrorInfo *err)
{
    vmk_DMAMapErrorInfo info = {VMK_DMA_MAPERR_BAD_PARAM, 0};
    VMK_ReturnStatus st = VMK_BAD_PARAM;
    if (!engine || !dir_ok(direction) || !sgIn || !sgOut || !sgIn->numElems ||
        sgIn->numElems > sgIn->maxElems)
        goto out;
    if (engine->c.sgMaxEntries && sgIn->numElems > engine->c.sgMaxEntries) {
        info.error = VMK_DMA_MAPERR_SGMAXENTRIES;
        goto out;
    }
    vmk_ByteCount total = 0;
    for (vmk_uint32 i = 0; i < sgIn->numElems; i++)
        total += sgIn->elem[i].length;
    if (engine->c.maxTransfer && total > engine->c.maxTransfer) {
        info.error = VMK_DMA_MAPERR_MAXXFER;
        goto out;
    }
    vmk_SgArray *o = sg_new(engine->owner, sgIn->numElems);
    if (!o) {
        st = VMK_NO_MEMORY;
        info.error = VMK_DMA_MAPERR_NOSPACE;
        goto out;
    }
    for (vmk_uint32 i = 0; i < sgIn->numElems; i++) {
        vmk_DMAMapErrorReason why;
        st = map_one(engine, (int)direction, &sgIn->elem[i], &o->elem[i], &why);
        if (st != VMK_OK) {
            for (vmk_uint32 j = 0; j < i; j++)
                unmap_one(engine, (int)direction, &o->elem[j]);
            sg_delete(engine->owner, o);
            info.error = why;
            info.elemIndex = i;
            goto out;
        }
        o->numElems = i + 1;
    }
    *sgOut = o;
    info.error = VMK_DMA_MAPERR_OK;
    st = VMK_OK;
out:
    if (err)
        *err = info;
    return st;
}

VMK_ReturnStatus vmk_DMAUnmapSg(vmk_DMAEngine engine, vmk_DMADirection direction,
                                vmk_SgArray *sgArray)
{
    if (!engine || !dir_ok(direction) || !sgArray)
        return VMK_BAD_PARAM;
    VMK_ReturnStatus st = VMK_OK;
    for (vmk_uint32 i = 0; i < sgArray->numElems; i++)
        if (unmap_one(engine, (int)direction, &sgArray->elem[i]) != VMK_OK)
            st = VMK_BAD_PARAM;
    sg_delete(engine->owner, sgArray);
    return st;
}

static VMK_ReturnStatus flush_check(vmk_DMAEngine e, vmk_IOA ioa, vmk_ByteCount len)
{
    int dir;
    if (!kern_iova_lookup(e->requester, ioa, len, NULL, &dir)) {
        sim_log(SIM_LOG_ERROR, DMA_LOG, "engine '%s': flush of IOA 0x%llx +%zu, which is not "
                "mapped", e->name, (unsigned long long)ioa, (size_t)len);
        return VMK_BAD_PARAM;
    }
    return VMK_OK;
}

VMK_ReturnStatus vmk_DMAFlushElem(vmk_DMAEngine engine, vmk_DMADirection direction,
                                  vmk_SgElem *ioaElem)
{
    if (!engine || !dir_ok(direction) || !ioaElem)
        return VMK_BAD_PARAM;
    return flush_check(engine, ioaElem->ioAddr, ioaElem->length);
}

VMK_ReturnStatus vmk_DMAFlushSg(vmk_DMAEngine engine, vmk_DMADirection direction,
                                vmk_SgArray *sgArray, vmk_ByteCount offset, vmk_ByteCount length)
{
    if (!engine || !dir_ok(direction) || !sgArray)
        return VMK_BAD_PARAM;
    /* Walks the elements that [offset, offset+length) of the array's bytes cover. */
    vmk_ByteCount pos = 0;
    for (vmk_uint32 i = 0; i < sgArray->numElems && length; i++) {
        vmk_SgElem *el = &sgArray->elem[i];
        if (offset >= pos + el->length) {
            pos += el->length;
            continue;
        }
        vmk_ByteCount from = offset > pos ? offset - pos : 0;
        vmk_ByteCount n = el->length - from < length ? el->length - from : length;
        if (flush_check(engine, el->ioAddr + from, n) != VMK_OK)
            return VMK_BAD_PARAM;
        length -= n;
        offset += n;
        pos += el->length;
    }
    return length ? VMK_BAD_PARAM : VMK_OK;
}

VMK_ReturnStatus vmk_DMAAllocCoherent(vmk_DMAEngine e, vmk_ByteCount size, void **va,
                                      vmk_IOA *ioa)
{
    if (!e || !size || !va || !ioa)
        return VMK_BAD_PARAM;
    kern_cost_charge(KERN_COST_HEAP_ALLOC, 0);
    kern_cost_charge(KERN_COST_DMA_MAP, 0);
    size_t span = ((size_t)size + KERN_IOVA_PAGE - 1) & ~(size_t)(KERN_IOVA_PAGE - 1);
    void *p = aligned_alloc(KERN_IOVA_PAGE, span);
    if (!p) {
        kern_mem_account_failure(e->owner);
        return VMK_NO_MEMORY;
    }
    memset(p, 0, span);
    uint64_t iova;
    sim_err err;
    if (kern_iova_map(e->requester, e, p, size, KERN_DMA_BIDIRECTIONAL, e->c.addressMask, &iova,
                      &err) < 0 ||
        kern_ptrmap_put(&e->coherent, (uintptr_t)p, (void *)(uintptr_t)size) < 0) {
        sim_log(SIM_LOG_WARN, DMA_LOG, "engine '%s': coherent allocation of %zu bytes: %s",
                e->name, (size_t)size, err.msg);
        free(p);
        kern_mem_account_failure(e->owner);
        return VMK_NO_MEMORY;
    }
    kern_mem_account_alloc(e->owner, size);
    *va = p;
    *ioa = iova;
    return VMK_OK;
}

VMK_ReturnStatus vmk_DMAFreeCoherent(vmk_DMAEngine e, vmk_ByteCount size, void *va, vmk_IOA ioa)
{
    if (!e || !va)
        return VMK_BAD_PARAM;
    void *v = kern_ptrmap_get(&e->coherent, (uintptr_t)va);
    sim_err err;
    if (!v || (vmk_ByteCount)(uintptr_t)v != size ||
        kern_iova_unmap(e->requester, ioa, size, KERN_DMA_BIDIRECTIONAL, &err) < 0) {
        sim_log(SIM_LOG_ERROR, DMA_LOG, "engine '%s': vmk_DMAFreeCoherent of %p (%zu bytes, IOA "
                "0x%llx): not a coherent buffer of this engine with that size and address",
                e->name, va, (size_t)size, (unsigned long long)ioa);
        return VMK_BAD_PARAM;
    }
    kern_cost_charge(KERN_COST_DMA_UNMAP, 0);
    kern_cost_charge(KERN_COST_HEAP_FREE, 0);
    kern_ptrmap_del(&e->coherent, (uintptr_t)va);
    kern_mem_account_free(e->owner, size);
    free(va);
    return VMK_OK;
}

VMK_ReturnStatus vmk_SgAlloc(vmk_HeapID heap, vmk_SgArray **sg, vmk_uint32 maxElems)
{
    if (!heap || !sg || !maxElems)
        return VMK_BAD_PARAM;
    vmk_SgArray *a =
        vmk_HeapAlloc(heap, sizeof(vmk_SgArray) + (size_t)maxElems * sizeof(vmk_SgElem));
    if (!a)
        return VMK_NO_MEMORY;
    memset(a, 0, sizeof *a);
    a->maxElems = maxElems;
    *sg = a;
    return VMK_OK;
}

void vmk_SgFree(vmk_HeapID heap, vmk_SgArray *sg)
{
    vmk_HeapFree(heap, sg);
}
