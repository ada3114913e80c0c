/* vmkapi_heap.h — kernel heaps and slabs. Names follow vmkapi v2.3 (core/vmkapi_heap.h,
 * core/vmkapi_slab.h): vmk_HeapCreate/Destroy/Alloc/Align/Free, vmk_HeapDetermineMaxSize,
 * vmk_SlabCreate/Alloc/Free/Destroy, vmk_ModuleSetHeapID. Every allocation is counted against the
 * heap's (slab's) module for leak reports; a heap never holds more live bytes than its max. */
#ifndef VMKAPI_HEAP_H
#define VMKAPI_HEAP_H

#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

typedef struct vmk_HeapInt *vmk_HeapID;
#define VMK_INVALID_HEAP_ID ((vmk_HeapID)0)

typedef enum {
    VMK_HEAP_TYPE_SIMPLE = 0,   /* the only kind: any size, any power-of-two alignment */
} vmk_HeapType;

typedef struct vmk_HeapCreateProps {
    vmk_HeapType type;
    vmk_Name name;
    vmk_ModuleID module;          /* the owner every allocation is counted against */
    vmk_ByteCount initial;        /* must be <= max */
    vmk_ByteCount max;            /* limit on the sum of live allocation sizes */
    vmk_uint32 creationTimeoutMS; /* accepted, unused: creation never waits */
} vmk_HeapCreateProps;

/* One kind of allocation a heap must hold: count objects of size bytes at alignment. */
typedef struct vmk_HeapAllocationDescriptor {
    vmk_ByteCount size;
    vmk_ByteCount alignment;
    vmk_uint64 count;
} vmk_HeapAllocationDescriptor;

VMK_ReturnStatus vmk_HeapCreate(vmk_HeapCreateProps *props, vmk_HeapID *heapID);
/* Allocations still live are reported (and counted as leaked against the module). */
void vmk_HeapDestroy(vmk_HeapID heapID);
/* NULL when the heap's max would be exceeded. 16-byte aligned. */
void *vmk_HeapAlloc(vmk_HeapID heapID, vmk_ByteCount size);
/* alignment: a power of two. */
void *vmk_HeapAlign(vmk_HeapID heapID, vmk_ByteCount size, vmk_ByteCount alignment);
/* A pointer not live in this heap is reported and not freed. */
void vmk_HeapFree(vmk_HeapID heapID, void *mem);
/* The max a heap needs to hold every described allocation at once. */
VMK_ReturnStatus vmk_HeapDetermineMaxSize(vmk_HeapAllocationDescriptor *allocDesc,
                                          vmk_uint32 numAllocDescs, vmk_ByteCount *maxSize);
vmk_ByteCount vmk_HeapGetUsed(vmk_HeapID heapID);

/* The module's default heap (used by the kernel on the module's behalf). */
VMK_ReturnStatus vmk_ModuleSetHeapID(vmk_ModuleID module, vmk_HeapID heap);
vmk_HeapID vmk_ModuleGetHeapID(vmk_ModuleID module);

/* ---- slabs: caches of equal-sized objects ---- */
typedef struct vmk_SlabInt *vmk_SlabID;
#define VMK_INVALID_SLAB_ID ((vmk_SlabID)0)

typedef enum {
    VMK_SLAB_TYPE_SIMPLE = 0,
} vmk_SlabType;

/* Called once when an object is created for the cache / when it is finally freed. */
typedef VMK_ReturnStatus (*vmk_SlabItemConstructor)(void *object, vmk_ByteCount size,
                                                    vmk_AddrCookie arg, int flags);
typedef void (*vmk_SlabItemDestructor)(void *object, vmk_ByteCount size, vmk_AddrCookie arg);

typedef struct vmk_SlabCreateProps {
    vmk_SlabType type;
    vmk_Name name;
    vmk_ModuleID module;
    vmk_ByteCount objSize;
    vmk_ByteCount alignment;      /* power of two; 0 = 16 */
    vmk_uint32 minObj;            /* objects created up front */
    vmk_uint32 maxObj;            /* limit on objects in existence; 0 = unlimited */
    vmk_uint32 creationTimeoutMS; /* accepted, unused */
    struct {
        struct {
            vmk_SlabItemConstructor constructor;   /* may be NULL */
            vmk_SlabItemDestructor destructor;     /* may be NULL */
            vmk_AddrCookie constructorArg;
        } simple;
    } typeSpecific;
} vmk_SlabCreateProps;

VMK_ReturnStatus vmk_SlabCreate(vmk_SlabCreateProps *props, vmk_SlabID *slab);
/* NULL when maxObj objects are in use. */
void *vmk_SlabAlloc(vmk_SlabID slab);
void vmk_SlabFree(vmk_SlabID slab, void *object);
/* Objects still in use are reported (and counted as leaked). */
VMK_ReturnStatus vmk_SlabDestroy(vmk_SlabID slab);

#endif
