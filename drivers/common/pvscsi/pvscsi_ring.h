/* pvscsi_ring.h — the PVSCSI rings of the shared hardware layer: posting a request descriptor
 * (CDB, target/LUN, direction, sense buffer, data as one buffer or as an s/g list that chains
 * past one page), kicking the device, reaping completions and message-ring notices. Indices are
 * free-running 32-bit counters masked by the ring size, as the rings state page holds them.
 * Layouts: pvscsi_hw_regs.h; behaviour: docs/hba.md "Rings". */
#ifndef PVSCSI_RING_H
#define PVSCSI_RING_H

#include "pvscsi_hw.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One data element the OS mapped: bus address and length (any length > 0). */
typedef struct pvscsi_hw_sge {
    pvscsi_dma_addr addr;
    pvscsi_u32 len;
} pvscsi_hw_sge;

/* Per-request s/g list storage: page-aligned DMA-coherent memory, `pages` pages. Each page
 * is one list segment of 256 elements; all but the last end with a chain element pointing to
 * the next page, so `pages` pages hold pvscsi_hw_sg_capacity(pages) data elements. */
static inline pvscsi_u32 pvscsi_hw_sg_capacity(pvscsi_u32 pages)
{
    return pages == 0 ? 0 : pages * PVSCSI_SGES_PER_PAGE - (pages - 1);
}
/* Largest list the interface allows (128 chained segments). */
#define PVSCSI_HW_SG_MAX_PAGES PVSCSI_MAX_NUM_SG_SEGMENTS

/* Data direction of a request (what PVSCSI_FLAG_CMD_DIR_* it carries). */
enum {
    PVSCSI_HW_DIR_NONE = 0,        /* no data */
    PVSCSI_HW_DIR_READ = 1,        /* data in: the device writes host memory (DIR_TOHOST) */
    PVSCSI_HW_DIR_WRITE = 2,       /* data out: the device reads host memory (DIR_TODEVICE) */
};

typedef struct pvscsi_hw_request {
    pvscsi_u64 context;            /* non-zero; comes back in the completion */
    pvscsi_u32 target;             /* 0..63 on bus 0 */
    pvscsi_u8 lun[8];              /* SAM LUN (LUN 0: all zero) */
    const pvscsi_u8 *cdb;
    pvscsi_u32 cdb_len;            /* 1..16 */
    pvscsi_u32 dir;                /* PVSCSI_HW_DIR_* */
    pvscsi_u64 data_len;           /* bytes to move (sum of the elements, may be less) */
    const pvscsi_hw_sge *sg;       /* the data elements; nsg 0 = no data */
    pvscsi_u32 nsg;
    /* With nsg > 1 the list is written into sg_area (required then); nsg == 1 puts the single
     * buffer straight into dataAddr, as the interface allows. */
    const pvscsi_hw_mem *sg_area;
    pvscsi_dma_addr sense_addr;    /* 0: no autosense */
    pvscsi_u32 sense_len;
    pvscsi_u8 tag;                 /* queue tag message, e.g. PVSCSI_SIMPLE_QUEUE_TAG */
    pvscsi_u8 vcpu_hint;
} pvscsi_hw_request;

/* Request slots software may fill now: free request-ring slots, bounded by the completion ring
 * (a request is never posted unless its completion has a slot). Reads the rings state page. */
PVSCSI_HW_API pvscsi_u32 pvscsi_hw_req_free(pvscsi_hw *hw);
/* Requests posted and not yet reaped. */
PVSCSI_HW_API pvscsi_u32 pvscsi_hw_outstanding(pvscsi_hw *hw);
/* Writes an s/g list of n elements into area (chain elements at each page end). Returns
 * PVSCSI_HW_OK, or PVSCSI_HW_ERR_PARAM when it does not fit, an element has length 0, or the
 * area is misaligned. */
PVSCSI_HW_API int pvscsi_hw_sg_build(const pvscsi_hw_mem *area, const pvscsi_hw_sge *sg,
                                     pvscsi_u32 n);
/* Fills the next request descriptor (and its s/g list), then write barrier and reqProdIdx++:
 * the device sees it at the next kick. Returns the slot index, PVSCSI_HW_ERR_RING_FULL (nothing
 * changed), PVSCSI_HW_ERR_PARAM for a bad request, PVSCSI_HW_ERR_STATE before set-up. */
PVSCSI_HW_API int pvscsi_hw_post(pvscsi_hw *hw, const pvscsi_hw_request *rq);
/* True for the READ/WRITE opcodes (6/10/12/16) the interface kicks through KICK_RW_IO. */
PVSCSI_HW_API pvscsi_bool pvscsi_hw_cdb_is_rw(const pvscsi_u8 *cdb);
/* Writes KICK_RW_IO (rw) or KICK_NON_RW_IO (posted): the device fetches what was posted. */
PVSCSI_HW_API void pvscsi_hw_kick(pvscsi_hw *hw, pvscsi_bool rw);

typedef struct pvscsi_hw_completion {
    pvscsi_u64 context;
    pvscsi_u64 data_len;           /* bytes transferred */
    pvscsi_u32 sense_len;          /* bytes of sense written */
    pvscsi_u16 host_status;        /* BTSTAT_* */
    pvscsi_u16 scsi_status;        /* SAM status byte */
} pvscsi_hw_completion;
/* Takes the oldest completion if the device produced one: returns 1 and fills *c (cmpConsIdx
 * advances), else 0. */
PVSCSI_HW_API int pvscsi_hw_reap(pvscsi_hw *hw, pvscsi_hw_completion *c);

typedef struct pvscsi_hw_msg {
    pvscsi_u32 type;               /* PVSCSI_MSG_DEV_ADDED / _REMOVED, or another type */
    pvscsi_u32 bus, target;
    pvscsi_u8 lun[8];
} pvscsi_hw_msg;
/* Takes the oldest message-ring notice: 1 and *m filled (msgConsIdx advances), else 0. */
PVSCSI_HW_API int pvscsi_hw_msg_reap(pvscsi_hw *hw, pvscsi_hw_msg *m);

#ifdef __cplusplus
}
#endif
#endif
