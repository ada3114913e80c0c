/* vmkapi_dma.h — DMA engines and mappings. Names follow vmkapi v2.3 (core/vmkapi_dma.h,
 * core/vmkapi_sg.h): vmk_DMAEngineCreate/Destroy with constraints, vmk_DMAMapElem/UnmapElem,
 * vmk_DMAMapSg/UnmapSg, vmk_DMAFlushElem/Sg, directions TO_MEMORY / FROM_MEMORY / BIDIRECTIONAL.
 * In vmksim a machine address (vmk_MA) of host memory is the kernel's own pointer to it; the
 * device is given an IO address (vmk_IOA) from the kernel's IOVA table, valid only for the
 * engine's device, direction and byte range until unmapped; anything else it accesses is a
 * DMA fault. vmk_DMAAllocCoherent / FreeCoherent are vmksim's (vmklinux's coherent heap). */
#ifndef VMKAPI_DMA_H
#define VMKAPI_DMA_H

#include "vmkapi/vmkapi_device.h"
#include "vmkapi/vmkapi_heap.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

typedef vmk_uint64 vmk_IOA;

typedef struct vmk_DMAEngineInt *vmk_DMAEngine;
#define VMK_DMA_ENGINE_INVALID ((vmk_DMAEngine)0)

typedef enum {
    VMK_DMA_DIRECTION_TO_MEMORY = 1,     /* the device writes memory */
    VMK_DMA_DIRECTION_FROM_MEMORY = 2,   /* the device reads memory */
    VMK_DMA_DIRECTION_BIDIRECTIONAL = 3,
} vmk_DMADirection;

typedef struct vmk_DMAConstraints {
    vmk_IOA addressMask;        /* highest address the device can generate (e.g. 2^32 - 1) */
    vmk_uint32 maxTransfer;     /* bytes in one map call; 0 = no limit */
    vmk_uint32 sgMaxEntries;    /* elements in one SG array; 0 = no limit */
    vmk_uint32 sgElemMaxSize;   /* bytes in one element; 0 = no limit */
    vmk_uint32 sgElemSizeMult;  /* element lengths must be a multiple of this; 0 = any */
    vmk_uint32 sgElemAlignment; /* element machine addresses must be aligned to this; 0 = any */
    vmk_uint32 sgElemStraddle;  /* accepted, unused (no boundary restriction modelled) */
} vmk_DMAConstraints;

typedef enum {
    VMK_DMA_ENGINE_FLAGS_NONE = 0,
    VMK_DMA_ENGINE_FLAGS_COHERENT = 1,
} vmk_DMAEngineFlags;

typedef struct vmk_DMAEngineProps {
    vmk_Name name;
    vmk_ModuleID module;              /* owner of the engine's coherent memory */
    vmk_DMAEngineFlags flags;
    vmk_Device device;                /* the device whose requests are checked */
    vmk_DMAConstraints *constraints;
    void *bounce;                     /* accepted, must be NULL (no bounce buffers) */
} vmk_DMAEngineProps;

/* One element: a machine address (to map) or an IO address (mapped), and its length. */
typedef struct vmk_SgElem {
    union {
        vmk_MA addr;
        vmk_IOA ioAddr;
    };
    vmk_ByteCount length;
} vmk_SgElem;

typedef struct vmk_SgArray {
    vmk_uint32 maxElems;
    vmk_uint32 numElems;
    vmk_uint64 reserved;
    vmk_SgElem elem[];
} vmk_SgArray;

typedef enum {
    VMK_DMA_MAPERR_OK = 0,
    VMK_DMA_MAPERR_BAD_PARAM,
    VMK_DMA_MAPERR_ADDRMASK,        /* no IO address below the engine's addressMask */
    VMK_DMA_MAPERR_MAXXFER,         /* more than maxTransfer bytes */
    VMK_DMA_MAPERR_SGMAXENTRIES,    /* more than sgMaxEntries elements */
    VMK_DMA_MAPERR_SGELEMMAXSIZE,
    VMK_DMA_MAPERR_SGELEMSIZEMULT,
    VMK_DMA_MAPERR_SGELEMALIGN,
    VMK_DMA_MAPERR_NOSPACE,         /* the IOVA space is full */
} vmk_DMAMapErrorReason;

typedef struct vmk_DMAMapErrorInfo {
    vmk_DMAMapErrorReason error;
    vmk_uint32 elemIndex;   /* the element at fault (SG) */
} vmk_DMAMapErrorInfo;

VMK_ReturnStatus vmk_DMAEngineCreate(vmk_DMAEngineProps *props, vmk_DMAEngine *engine);
/* Mappings still live are dropped and reported as leaks of the engine's module. */
VMK_ReturnStatus vmk_DMAEngineDestroy(vmk_DMAEngine engine);

/* Maps one element (in->addr = kernel pointer, in->length); out->ioAddr is what the device uses.
 * lastElem is accepted for compatibility. err may be NULL. */
VMK_ReturnStatus vmk_DMAMapElem(vmk_DMAEngine engine, vmk_DMADirection direction, vmk_SgElem *in,
                                vmk_Bool lastElem, vmk_SgElem *out, vmk_DMAMapErrorInfo *err);
/* ioaElem as returned by the map (same IO address and length), same direction. */
VMK_ReturnStatus vmk_DMAUnmapElem(vmk_DMAEngine engine, vmk_DMADirection direction,
                                  vmk_SgElem *ioaElem);
/* Maps every element of sgIn; *sgOut (allocated by the kernel) holds the IO addresses. */
VMK_ReturnStatus vmk_DMAMapSg(vmk_DMAEngine engine, vmk_DMADirection direction,
                              vmk_SgArray *sgIn, vmk_SgArray **sgOut, vmk_DMAMapErrorInfo *err);
/* Unmaps and frees an array vmk_DMAMapSg returned. */
VMK_ReturnStatus vmk_DMAUnmapSg(vmk_DMAEngine engine, vmk_DMADirection direction,
                                vmk_SgArray *sgArray);
/* Cache maintenance: x86 DMA is cache-coherent, so these only check that the range is mapped. */
VMK_ReturnStatus vmk_DMAFlushElem(vmk_DMAEngine engine, vmk_DMADirection direction,
                                  vmk_SgElem *ioaElem);
VMK_ReturnStatus vmk_DMAFlushSg(vmk_DMAEngine engine, vmk_DMADirection direction,
                                vmk_SgArray *sgArray, vmk_ByteCount offset, vmk_ByteCount length);

/* Coherent memory: zeroed, page aligned, mapped BIDIRECTIONAL for the engine's device until
 * freed; counted against the engine's module. */
VMK_ReturnStatus vmk_DMAAllocCoherent(vmk_DMAEngine engine, vmk_ByteCount size, void **va,
                                      vmk_IOA *ioa);
VMK_ReturnStatus vmk_DMAFreeCoherent(vmk_DMAEngine engine, vmk_ByteCount size, void *va,
                                     vmk_IOA ioa);

/* SG arrays of machine addresses, from a heap (vmksim: vmkapi builds them through SG ops). */
VMK_ReturnStatus vmk_SgAlloc(vmk_HeapID heap, vmk_SgArray **sg, vmk_uint32 maxElems);
void vmk_SgFree(vmk_HeapID heap, vmk_SgArray *sg);

#endif
