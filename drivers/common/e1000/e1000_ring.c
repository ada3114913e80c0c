/* e1000_ring.c — descriptor rings of the shared 82540EM hardware layer: legacy transmit fill and
 * reap, receive refill and harvest, ring register programming. Descriptor formats from the 8254x
 * SDM §3.2.3 (receive) and §3.3.3 (transmit); ring registers §13.4.25-29 and §13.4.36-40. */
#include "e1000_ring.h"

_Static_assert(sizeof(struct e1000_hw_txd) == E1000_DESC_BYTES, "legacy TX descriptor is 16 B");
_Static_assert(sizeof(struct e1000_hw_rxd) == E1000_DESC_BYTES, "RX descriptor is 16 B");

/* Descriptors are shared with the device: every access goes through a volatile pointer so the
 * compiler neither caches nor merges it. */
static volatile struct e1000_hw_txd *txd_at(const e1000_hw_ring *r, e1000_u32 i)
{
    return (volatile struct e1000_hw_txd *)r->desc + i;
}
static volatile struct e1000_hw_rxd *rxd_at(const e1000_hw_ring *r, e1000_u32 i)
{
    return (volatile struct e1000_hw_rxd *)r->desc + i;
}

int e1000_hw_ring_init(e1000_hw_ring *r, void *desc, e1000_dma_addr desc_dma, e1000_u32 count)
{
    if (r == NULL || desc == NULL || count < E1000_RING_MIN_DESC || count > E1000_RING_MAX_DESC ||
        count % E1000_RING_MIN_DESC != 0 || (desc_dma & (E1000_DESC_BYTES - 1)) != 0)
        return E1000_ERR_PARAM;
    r->desc = desc;
    r->desc_dma = desc_dma;
    r->count = count;
    r->next_to_use = 0;
    r->next_to_clean = 0;
    volatile e1000_u64 *q = (volatile e1000_u64 *)desc;
    for (e1000_u32 i = 0; i < count * (E1000_DESC_BYTES / 8); i++)
        q[i] = 0;
    return E1000_OK;
}

/* Base, length, head and tail of one ring; head = tail = 0 leaves it empty to the device. */
static void ring_program(e1000_hw *hw, e1000_hw_ring *r, e1000_u32 bal, e1000_u32 bah,
                         e1000_u32 len, e1000_u32 head, e1000_u32 tail)
{
    e1000_hw_wr(hw, bal, (e1000_u32)r->desc_dma);
    e1000_hw_wr(hw, bah, (e1000_u32)(r->desc_dma >> 32));
    e1000_hw_wr(hw, len, r->count * E1000_DESC_BYTES);
    e1000_hw_wr(hw, head, 0);
    e1000_hw_wr(hw, tail, 0);
    r->next_to_use = 0;
    r->next_to_clean = 0;
}

/* ---------------------------------------------------------------- transmit (§3.3) ---- */

void e1000_hw_tx_ring_program(e1000_hw *hw, e1000_hw_ring *r)
{
    ring_program(hw, r, E1000_TDBAL, E1000_TDBAH, E1000_TDLEN, E1000_TDH, E1000_TDT);
}

int e1000_hw_tx_frame(e1000_hw_ring *r, const e1000_hw_tx_seg *segs, e1000_u32 nseg,
                      e1000_u32 flags)
{
    if (nseg == 0 || segs == NULL)
        return E1000_ERR_PARAM;
    for (e1000_u32 s = 0; s < nseg; s++)
        if (segs[s].len == 0 || segs[s].len > E1000_TX_MAX_BUF_BYTES)
            return E1000_ERR_PARAM;
    if (nseg > e1000_hw_ring_unused(r))
        return E1000_ERR_RING_FULL;

    e1000_u32 base_cmd = (flags & E1000_HW_TX_NOFCS) ? 0 : E1000_TXD_CMD_IFCS;
    if (flags & E1000_HW_TX_IDE)
        base_cmd |= E1000_TXD_CMD_IDE;
    e1000_u32 first = r->next_to_use, i = first;
    for (e1000_u32 s = 0; s < nseg; s++) {
        volatile struct e1000_hw_txd *d = txd_at(r, i);
        e1000_u32 cmd = base_cmd;
        if (s + 1 == nseg)   /* RS on the last only: one write-back per frame */
            cmd |= E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
        d->buffer_addr = e1000_cpu_to_le64(segs[s].addr);
        d->length = e1000_cpu_to_le16((e1000_u16)segs[s].len);
        d->cso = 0;
        d->cmd = (e1000_u8)cmd;
        d->status = 0;
        d->css = 0;
        d->special = 0;
        i = e1000_hw_ring_next(r, i);
    }
    r->next_to_use = i;
    return (int)first;
}

void e1000_hw_tx_commit(e1000_hw *hw, e1000_hw_ring *r)
{
    e1000_osdep_wmb();
    e1000_hw_wr(hw, E1000_TDT, r->next_to_use);
}

int e1000_hw_tx_reap(e1000_hw_ring *r, e1000_hw_tx_done *done)
{
    /* The command bytes software wrote stay in the ring (the device writes back only the
     * status dword, §3.3.3), so the frame's end is found by its EOP command bit. */
    e1000_u32 first = r->next_to_clean, i = first, n = 1;
    while (i != r->next_to_use && !(txd_at(r, i)->cmd & E1000_TXD_CMD_EOP)) {
        i = e1000_hw_ring_next(r, i);
        n++;
    }
    if (i == r->next_to_use)
        return 0;   /* nothing in flight, or a frame without its EOP yet */
    e1000_u32 sta = txd_at(r, i)->status;
    if (!(sta & E1000_TXD_STA_DD))
        return 0;
    e1000_osdep_rmb();
    done->first = first;
    done->last = i;
    done->ndesc = n;
    done->status = sta & 0x0Fu;   /* STA is bits 3:0 (§3.3.3.2) */
    for (e1000_u32 k = first;; k = e1000_hw_ring_next(r, k)) {
        txd_at(r, k)->cmd = 0;
        txd_at(r, k)->status = 0;
        if (k == i)
            break;
    }
    r->next_to_clean = e1000_hw_ring_next(r, i);
    return 1;
}

/* ----------------------------------------------------------------- receive (§3.2) ---- */

void e1000_hw_rx_ring_program(e1000_hw *hw, e1000_hw_ring *r)
{
    ring_program(hw, r, E1000_RDBAL, E1000_RDBAH, E1000_RDLEN, E1000_RDH, E1000_RDT);
}

int e1000_hw_rx_put(e1000_hw_ring *r, e1000_dma_addr buf)
{
    if (e1000_hw_ring_unused(r) == 0)
        return E1000_ERR_RING_FULL;
    e1000_u32 i = r->next_to_use;
    volatile struct e1000_hw_rxd *d = rxd_at(r, i);
    d->buffer_addr = e1000_cpu_to_le64(buf);
    d->length = 0;
    d->csum = 0;
    d->status = 0;   /* DD clear: the slot is the device's until it writes DD */
    d->errors = 0;
    d->special = 0;
    r->next_to_use = e1000_hw_ring_next(r, i);
    return (int)i;
}

void e1000_hw_rx_commit(e1000_hw *hw, e1000_hw_ring *r)
{
    e1000_osdep_wmb();
    e1000_hw_wr(hw, E1000_RDT, r->next_to_use);
}

int e1000_hw_rx_harvest(e1000_hw_ring *r, e1000_hw_rx_done *done)
{
    e1000_u32 i = r->next_to_clean;
    if (i == r->next_to_use)
        return 0;   /* nothing posted */
    volatile struct e1000_hw_rxd *d = rxd_at(r, i);
    e1000_u32 sta = d->status;
    if (!(sta & E1000_RXD_STA_DD))
        return 0;
    e1000_osdep_rmb();   /* the length and errors were written before DD */
    done->index = i;
    done->length = e1000_le16_to_cpu(d->length);
    done->status = sta;
    done->errors = d->errors;
    done->csum = e1000_le16_to_cpu(d->csum);
    done->special = e1000_le16_to_cpu(d->special);
    done->eop = (sta & E1000_RXD_STA_EOP) != 0;
    d->status = 0;
    r->next_to_clean = e1000_hw_ring_next(r, i);
    return 1;
}
