/* pvscsi_ring.c — request posting, s/g lists, kicks, completion and message reaping of the
 * shared PVSCSI layer. The producer/consumer indices live in the rings state page and run freely
 * (a slot is index & (entries - 1)); the device consumes requests and produces completions and
 * messages, the driver does the reverse. Layouts: pvscsi_hw_regs.h. */
#include "pvscsi_ring.h"
#include "pvscsi_hw_io.h"

pvscsi_u32 pvscsi_hw_outstanding(pvscsi_hw *hw)
{
    return hw->req_prod - pvscsi_rs_read(hw, PVSCSI_RS_CMP_CONS_IDX);
}

pvscsi_u32 pvscsi_hw_req_free(pvscsi_hw *hw)
{
    if (!hw->rings_ok)
        return 0;
    pvscsi_u32 in_req = hw->req_prod - pvscsi_rs_read(hw, PVSCSI_RS_REQ_CONS_IDX);
    pvscsi_u32 in_cmp = pvscsi_hw_outstanding(hw);
    pvscsi_u32 req_free = in_req >= hw->req_entries ? 0 : hw->req_entries - in_req;
    pvscsi_u32 cmp_free = in_cmp >= hw->cmp_entries ? 0 : hw->cmp_entries - in_cmp;
    return req_free < cmp_free ? req_free : cmp_free;
}

static void sge_put(pvscsi_u8 *e, pvscsi_dma_addr addr, pvscsi_u32 len, pvscsi_u32 flags)
{
    pvscsi_put64(e, PVSCSI_SGE_ADDR, addr);
    pvscsi_put32(e, PVSCSI_SGE_LENGTH, len);
    pvscsi_put32(e, PVSCSI_SGE_FLAGS, flags);
}

int pvscsi_hw_sg_build(const pvscsi_hw_mem *area, const pvscsi_hw_sge *sg, pvscsi_u32 n)
{
    if (!area || !area->va || (area->pa & (PVSCSI_PAGE_SIZE - 1)) ||
        area->pages > PVSCSI_HW_SG_MAX_PAGES || n == 0 || n > pvscsi_hw_sg_capacity(area->pages))
        return PVSCSI_HW_ERR_PARAM;
    pvscsi_u8 *page = area->va;
    pvscsi_u32 slot = 0, pg = 0;
    for (pvscsi_u32 i = 0; i < n; i++) {
        if (sg[i].len == 0)
            return PVSCSI_HW_ERR_PARAM;
        /* The last slot of a page chains to the next page when elements remain. */
        if (slot == PVSCSI_SGES_PER_PAGE - 1 && i + 1 < n) {
            pg++;
            sge_put(page + slot * PVSCSI_SGE_SIZE, area->pa + (pvscsi_u64)pg * PVSCSI_PAGE_SIZE,
                    0, PVSCSI_SGE_FLAG_CHAIN_ELEMENT);
            page += PVSCSI_PAGE_SIZE;
            slot = 0;
        }
        sge_put(page + slot * PVSCSI_SGE_SIZE, sg[i].addr, sg[i].len, 0);
        slot++;
    }
    return PVSCSI_HW_OK;
}

pvscsi_bool pvscsi_hw_cdb_is_rw(const pvscsi_u8 *cdb)
{
    switch (cdb[0]) {
    case 0x08: case 0x28: case 0xA8: case 0x88:   /* READ (6) (10) (12) (16), SBC-3 */
    case 0x0A: case 0x2A: case 0xAA: case 0x8A:   /* WRITE (6) (10) (12) (16) */
        return 1;
    default:
        return 0;
    }
}

static pvscsi_u32 dir_flags(pvscsi_u32 dir)
{
    switch (dir) {
    case PVSCSI_HW_DIR_READ: return PVSCSI_FLAG_CMD_DIR_TOHOST;
    case PVSCSI_HW_DIR_WRITE: return PVSCSI_FLAG_CMD_DIR_TODEVICE;
    default: return PVSCSI_FLAG_CMD_DIR_NONE;
    }
}

int pvscsi_hw_post(pvscsi_hw *hw, const pvscsi_hw_request *rq)
{
    if (!hw->rings_ok)
        return PVSCSI_HW_ERR_STATE;
    if (rq->context == 0 || !rq->cdb || rq->cdb_len == 0 || rq->cdb_len > 16 ||
        rq->target > 0xFF || rq->dir > PVSCSI_HW_DIR_WRITE ||
        (rq->nsg == 0) != (rq->dir == PVSCSI_HW_DIR_NONE) || (rq->nsg && !rq->sg))
        return PVSCSI_HW_ERR_PARAM;
    if (pvscsi_hw_req_free(hw) == 0)
        return PVSCSI_HW_ERR_RING_FULL;
    pvscsi_u32 flags = dir_flags(rq->dir);
    pvscsi_dma_addr data = 0;
    if (rq->nsg == 1) {
        data = rq->sg[0].addr;
    } else if (rq->nsg > 1) {
        int st = pvscsi_hw_sg_build(rq->sg_area, rq->sg, rq->nsg);
        if (st != PVSCSI_HW_OK)
            return st;
        data = rq->sg_area->pa;
        flags |= PVSCSI_FLAG_CMD_WITH_SG_LIST;
    }
    pvscsi_u32 idx = hw->req_prod & (hw->req_entries - 1);
    pvscsi_u8 *d = (pvscsi_u8 *)hw->mem.req.va + (pvscsi_size)idx * PVSCSI_REQ_DESC_SIZE;
    pvscsi_zero(d, PVSCSI_REQ_DESC_SIZE);
    pvscsi_put64(d, PVSCSI_REQ_CONTEXT, rq->context);
    pvscsi_put64(d, PVSCSI_REQ_DATA_ADDR, data);
    pvscsi_put64(d, PVSCSI_REQ_DATA_LEN, rq->nsg ? rq->data_len : 0);
    pvscsi_put64(d, PVSCSI_REQ_SENSE_ADDR, rq->sense_addr);
    pvscsi_put32(d, PVSCSI_REQ_SENSE_LEN, rq->sense_addr ? rq->sense_len : 0);
    pvscsi_put32(d, PVSCSI_REQ_FLAGS, flags);
    __builtin_memcpy(d + PVSCSI_REQ_CDB, rq->cdb, rq->cdb_len);
    d[PVSCSI_REQ_CDB_LEN] = (pvscsi_u8)rq->cdb_len;
    __builtin_memcpy(d + PVSCSI_REQ_LUN, rq->lun, 8);
    d[PVSCSI_REQ_TAG] = rq->tag;
    d[PVSCSI_REQ_BUS] = 0;
    d[PVSCSI_REQ_TARGET] = (pvscsi_u8)rq->target;
    d[PVSCSI_REQ_VCPU_HINT] = rq->vcpu_hint;
    /* The descriptor and its list are complete before the device can see the new index. */
    pvscsi_osdep_wmb();
    hw->req_prod++;
    pvscsi_rs_write(hw, PVSCSI_RS_REQ_PROD_IDX, hw->req_prod);
    return (int)idx;
}

void pvscsi_hw_kick(pvscsi_hw *hw, pvscsi_bool rw)
{
    hw->kicks++;
    pvscsi_hw_wr(hw, rw ? PVSCSI_REG_OFFSET_KICK_RW_IO : PVSCSI_REG_OFFSET_KICK_NON_RW_IO, 0);
}

int pvscsi_hw_reap(pvscsi_hw *hw, pvscsi_hw_completion *c)
{
    if (!hw->rings_ok)
        return 0;
    pvscsi_u32 cons = pvscsi_rs_read(hw, PVSCSI_RS_CMP_CONS_IDX);
    if (pvscsi_rs_read(hw, PVSCSI_RS_CMP_PROD_IDX) == cons)
        return 0;
    pvscsi_osdep_rmb();   /* the descriptor is read after the index that published it */
    pvscsi_u32 idx = cons & (hw->cmp_entries - 1);
    const pvscsi_u8 *d =
        (const pvscsi_u8 *)hw->mem.cmp.va + (pvscsi_size)idx * PVSCSI_CMP_DESC_SIZE;
    c->context = pvscsi_get64(d, PVSCSI_CMP_CONTEXT);
    c->data_len = pvscsi_get64(d, PVSCSI_CMP_DATA_LEN);
    c->sense_len = pvscsi_get32(d, PVSCSI_CMP_SENSE_LEN);
    c->host_status = pvscsi_get16(d, PVSCSI_CMP_HOST_STATUS);
    c->scsi_status = pvscsi_get16(d, PVSCSI_CMP_SCSI_STATUS);
    /* Fields copied out before the slot is handed back. */
    pvscsi_osdep_wmb();
    pvscsi_rs_write(hw, PVSCSI_RS_CMP_CONS_IDX, cons + 1);
    return 1;
}

int pvscsi_hw_msg_reap(pvscsi_hw *hw, pvscsi_hw_msg *m)
{
    if (!hw->msg_ok)
        return 0;
    pvscsi_u32 cons = pvscsi_rs_read(hw, PVSCSI_RS_MSG_CONS_IDX);
    if (pvscsi_rs_read(hw, PVSCSI_RS_MSG_PROD_IDX) == cons)
        return 0;
    pvscsi_osdep_rmb();
    pvscsi_u32 idx = cons & (hw->msg_entries - 1);
    const pvscsi_u8 *d =
        (const pvscsi_u8 *)hw->mem.msg.va + (pvscsi_size)idx * PVSCSI_MSG_DESC_SIZE;
    m->type = pvscsi_get32(d, PVSCSI_MSG_TYPE);
    m->bus = pvscsi_get32(d, PVSCSI_MSG_BUS);
    m->target = pvscsi_get32(d, PVSCSI_MSG_TARGET);
    __builtin_memcpy(m->lun, d + PVSCSI_MSG_LUN, 8);
    pvscsi_osdep_wmb();
    pvscsi_rs_write(hw, PVSCSI_RS_MSG_CONS_IDX, cons + 1);
    return 1;
}
