/* e1000_ring.h — descriptor ring helpers of the shared 82540EM hardware layer: ring layout and
 * index arithmetic with wrap, legacy transmit descriptor fill and completion reaping (DD on the
 * end-of-packet descriptor), receive descriptor refill and harvest (DD/EOP, length, errors).
 * Follows the 8254x SDM §3.2 (receive), §3.3 (transmit), §13.4.25-29 and §13.4.36-40. */
#ifndef E1000_RING_H
#define E1000_RING_H

#include "e1000_hw.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A descriptor ring in DMA-coherent memory the glue allocated: `desc` is its CPU address and
 * `desc_dma` the bus address the device uses. Slots [next_to_clean, next_to_use) are in flight
 * (the device's once the tail is written); software owns the rest. One slot always stays empty,
 * because the device reads
 * head == tail as "nothing to do" (§3.2.6, §3.3.1), so at most count - 1 are in flight.
 * The glue keeps its own per-slot array (packet handle, sk_buff, DMA mapping) indexed by the
 * descriptor index these helpers return. */
typedef struct e1000_hw_ring {
    void *desc;                 /* count descriptors of 16 bytes */
    e1000_dma_addr desc_dma;    /* 16-byte aligned (§13.4.25: low 4 bits ignored) */
    e1000_u32 count;            /* multiple of 8 (ring length in multiples of 128 B) */
    e1000_u32 next_to_use;      /* the next slot software fills; the tail it writes */
    e1000_u32 next_to_clean;    /* the oldest slot handed to the device, not yet reclaimed */
} e1000_hw_ring;

/* Largest buffer one legacy transmit descriptor may carry (SDM §3.3.3). */
#define E1000_TX_MAX_BUF_BYTES 16288u

/* ---- index arithmetic ---- */
static inline e1000_u32 e1000_hw_ring_next(const e1000_hw_ring *r, e1000_u32 i)
{
    return i + 1 == r->count ? 0 : i + 1;
}
static inline e1000_u32 e1000_hw_ring_add(const e1000_hw_ring *r, e1000_u32 i, e1000_u32 n)
{
    return (e1000_u32)(((e1000_u64)i + n) % r->count);
}
/* Descriptors handed to the device and not yet reclaimed. */
static inline e1000_u32 e1000_hw_ring_in_flight(const e1000_hw_ring *r)
{
    return r->next_to_use >= r->next_to_clean ? r->next_to_use - r->next_to_clean
                                              : r->count - r->next_to_clean + r->next_to_use;
}
/* Descriptors software may still fill. */
static inline e1000_u32 e1000_hw_ring_unused(const e1000_hw_ring *r)
{
    return r->count - 1 - e1000_hw_ring_in_flight(r);
}

/* Checks and records the layout and zeroes every descriptor. E1000_ERR_PARAM for a NULL
 * array, a count that is not a multiple of 8 in 8..65528, or a misaligned bus address. */
E1000_HW_API int e1000_hw_ring_init(e1000_hw_ring *r, void *desc, e1000_dma_addr desc_dma,
                                    e1000_u32 count);

/* ---- transmit ---- */
/* Programs TDBAL/TDBAH/TDLEN and sets TDH = TDT = 0 (§14.5); resets the software indices. */
E1000_HW_API void e1000_hw_tx_ring_program(e1000_hw *hw, e1000_hw_ring *r);

typedef struct e1000_hw_tx_seg {
    e1000_dma_addr addr;
    e1000_u32 len;              /* 1..E1000_TX_MAX_BUF_BYTES */
} e1000_hw_tx_seg;
#define E1000_HW_TX_IDE  (1u << 0)   /* delay the TXDW interrupt by TIDV/TADV */
#define E1000_HW_TX_NOFCS (1u << 1)  /* the buffers end with their own FCS (IFCS clear) */

/* Fills one legacy descriptor per segment for one frame: IFCS (unless NOFCS) on every one,
 * EOP and RS on the last. Nothing is handed to the device until e1000_hw_tx_commit. Returns
 * the index of the first descriptor, E1000_ERR_RING_FULL when fewer than nseg are free (the ring
 * is unchanged), E1000_ERR_PARAM for nseg 0 or a segment of bad length. */
E1000_HW_API int e1000_hw_tx_frame(e1000_hw_ring *r, const e1000_hw_tx_seg *segs,
                                   e1000_u32 nseg, e1000_u32 flags);
/* Write barrier, then TDT = next_to_use: the device starts on the new descriptors. */
E1000_HW_API void e1000_hw_tx_commit(e1000_hw *hw, e1000_hw_ring *r);

typedef struct e1000_hw_tx_done {
    e1000_u32 first, last;      /* descriptor indices of the frame (last holds EOP) */
    e1000_u32 ndesc;
    e1000_u32 status;           /* STA of the EOP descriptor: DD plus EC/LC/TU */
} e1000_hw_tx_done;
/* Reclaims the oldest frame if the device has written DD to its EOP descriptor: returns 1 and
 * fills *done (the glue then releases the buffers of slots first..last), else 0. */
E1000_HW_API int e1000_hw_tx_reap(e1000_hw_ring *r, e1000_hw_tx_done *done);

/* ---- receive ---- */
/* Programs RDBAL/RDBAH/RDLEN and sets RDH = RDT = 0 (§14.4); resets the software indices. */
E1000_HW_API void e1000_hw_rx_ring_program(e1000_hw *hw, e1000_hw_ring *r);
/* Gives the buffer at bus address buf (of the size configured in RCTL) to the next free
 * descriptor. Returns its index or E1000_ERR_RING_FULL. */
E1000_HW_API int e1000_hw_rx_put(e1000_hw_ring *r, e1000_dma_addr buf);
/* Write barrier, then RDT = next_to_use. */
E1000_HW_API void e1000_hw_rx_commit(e1000_hw *hw, e1000_hw_ring *r);

typedef struct e1000_hw_rx_done {
    e1000_u32 index;            /* descriptor (and buffer slot) */
    e1000_u32 length;           /* bytes stored in this buffer */
    e1000_u32 status;           /* E1000_RXD_STA_* */
    e1000_u32 errors;           /* E1000_RXD_ERR_* */
    e1000_u16 csum;             /* packet checksum (§3.2.3.1) */
    e1000_u16 special;
    e1000_bool eop;             /* last buffer of the frame */
} e1000_hw_rx_done;
/* Takes the oldest posted descriptor if the device has written DD to it: returns 1 and fills
 * *done (the slot's buffer now belongs to the glue again), else 0. A frame that spans several
 * buffers comes out as several results, the last with eop set. */
E1000_HW_API int e1000_hw_rx_harvest(e1000_hw_ring *r, e1000_hw_rx_done *done);

#ifdef __cplusplus
}
#endif
#endif
