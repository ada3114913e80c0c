/* pvscsi_hw.c — the command-register side of the shared PVSCSI layer: adapter reset, the
 * COMMAND / COMMAND_DATA / COMMAND_STATUS protocol, SETUP_RINGS and SETUP_MSG_RING from the
 * glue's memory, abort and resets, the interrupt status and mask, host-status translation.
 * Descriptor words: pvscsi_hw_regs.h (from vmw_pvscsi.h's PVSCSICmdDesc* layouts). */
#include "pvscsi_hw.h"
#include "pvscsi_hw_io.h"

const char *pvscsi_hw_strerror(int status)
{
    switch (status) {
    case PVSCSI_HW_OK: return "ok";
    case PVSCSI_HW_ERR_PARAM: return "invalid parameter";
    case PVSCSI_HW_ERR_RING_FULL: return "request ring full";
    case PVSCSI_HW_ERR_CMD: return "device refused the command";
    case PVSCSI_HW_ERR_STATE: return "rings not set up";
    default: return "unknown error";
    }
}

void pvscsi_hw_init(pvscsi_hw *hw, void *os)
{
    pvscsi_zero(hw, sizeof *hw);
    hw->os = os;
}

int pvscsi_hw_command(pvscsi_hw *hw, pvscsi_u32 cmd, const pvscsi_u32 *words, pvscsi_u32 nwords)
{
    pvscsi_hw_wr(hw, PVSCSI_REG_OFFSET_COMMAND, cmd);
    for (pvscsi_u32 i = 0; i < nwords; i++)
        pvscsi_hw_wr(hw, PVSCSI_REG_OFFSET_COMMAND_DATA, words[i]);
    pvscsi_u32 st = pvscsi_hw_rd(hw, PVSCSI_REG_OFFSET_COMMAND_STATUS);
    if (st != 0) {
        pvscsi_osdep_debug(hw->os, "pvscsi: command failed (cmd, status)", cmd, st);
        return PVSCSI_HW_ERR_CMD;
    }
    return PVSCSI_HW_OK;
}

pvscsi_bool pvscsi_hw_command_supported(pvscsi_hw *hw, pvscsi_u32 cmd)
{
    pvscsi_hw_wr(hw, PVSCSI_REG_OFFSET_COMMAND, cmd);
    return pvscsi_hw_rd(hw, PVSCSI_REG_OFFSET_COMMAND_STATUS) != PVSCSI_CMD_STATUS_UNSUPPORTED;
}

int pvscsi_hw_adapter_reset(pvscsi_hw *hw)
{
    pvscsi_hw_intr_disable(hw);
    hw->rings_ok = hw->msg_ok = 0;
    hw->req_prod = 0;
    return pvscsi_hw_command(hw, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
}

static pvscsi_bool pow2_in(pvscsi_u32 n, pvscsi_u32 max)
{
    return n >= 1 && n <= max && !(n & (n - 1));
}

static pvscsi_bool mem_ok(const pvscsi_hw_mem *m, pvscsi_u32 max_pages)
{
    return m->va && pow2_in(m->pages, max_pages) && (m->pa & (PVSCSI_PAGE_SIZE - 1)) == 0;
}

static void put_u64(pvscsi_u32 *w, pvscsi_u64 v)
{
    w[0] = (pvscsi_u32)v;
    w[1] = (pvscsi_u32)(v >> 32);
}

static int setup_msg_ring(pvscsi_hw *hw)
{
    const pvscsi_hw_mem *m = &hw->mem.msg;
    if (!pvscsi_hw_command_supported(hw, PVSCSI_CMD_SETUP_MSG_RING))
        return PVSCSI_HW_ERR_CMD;
    pvscsi_u32 w[PVSCSI_SETUP_MSG_RING_WORDS];
    pvscsi_zero(w, sizeof w);
    w[0] = m->pages;
    for (pvscsi_u32 i = 0; i < m->pages; i++)
        put_u64(&w[2 + 2 * i], m->pa / PVSCSI_PAGE_SIZE + i);
    return pvscsi_hw_command(hw, PVSCSI_CMD_SETUP_MSG_RING, w, PVSCSI_SETUP_MSG_RING_WORDS);
}

int pvscsi_hw_setup_rings(pvscsi_hw *hw, const pvscsi_hw_ring_mem *mem)
{
    if (!mem_ok(&mem->rings_state, 1) || !mem_ok(&mem->req, PVSCSI_SETUP_RINGS_MAX_NUM_PAGES) ||
        !mem_ok(&mem->cmp, PVSCSI_SETUP_RINGS_MAX_NUM_PAGES) ||
        (mem->msg.pages && !mem_ok(&mem->msg, PVSCSI_SETUP_MSG_RING_MAX_NUM_PAGES)))
        return PVSCSI_HW_ERR_PARAM;
    hw->mem = *mem;
    hw->rings_ok = hw->msg_ok = 0;
    hw->req_entries = mem->req.pages * PVSCSI_REQ_ENTRIES_PER_PAGE;
    hw->cmp_entries = mem->cmp.pages * PVSCSI_CMP_ENTRIES_PER_PAGE;
    hw->msg_entries = 0;
    hw->req_prod = 0;
    pvscsi_zero(mem->rings_state.va, PVSCSI_PAGE_SIZE);
    pvscsi_zero(mem->req.va, pvscsi_hw_ring_bytes(mem->req.pages));
    pvscsi_zero(mem->cmp.va, pvscsi_hw_ring_bytes(mem->cmp.pages));
    if (mem->msg.pages)
        pvscsi_zero(mem->msg.va, pvscsi_hw_ring_bytes(mem->msg.pages));

    /* The device writes the sizes and its indices into the rings state page itself; the
     * driver's own indices (reqProdIdx, cmpConsIdx, msgConsIdx) start at the zeroes above. */
    pvscsi_u32 w[PVSCSI_SETUP_RINGS_WORDS];
    pvscsi_zero(w, sizeof w);
    w[0] = mem->req.pages;
    w[1] = mem->cmp.pages;
    put_u64(&w[2], mem->rings_state.pa / PVSCSI_PAGE_SIZE);
    for (pvscsi_u32 i = 0; i < mem->req.pages; i++)
        put_u64(&w[4 + 2 * i], mem->req.pa / PVSCSI_PAGE_SIZE + i);
    for (pvscsi_u32 i = 0; i < mem->cmp.pages; i++)
        put_u64(&w[4 + 2 * PVSCSI_SETUP_RINGS_MAX_NUM_PAGES + 2 * i],
                mem->cmp.pa / PVSCSI_PAGE_SIZE + i);
    pvscsi_osdep_wmb();
    int st = pvscsi_hw_command(hw, PVSCSI_CMD_SETUP_RINGS, w, PVSCSI_SETUP_RINGS_WORDS);
    if (st != PVSCSI_HW_OK)
        return st;
    hw->rings_ok = 1;
    if (mem->msg.pages) {
        if (setup_msg_ring(hw) == PVSCSI_HW_OK) {
            hw->msg_entries = mem->msg.pages * PVSCSI_MSG_ENTRIES_PER_PAGE;
            hw->msg_ok = 1;
        } else {
            pvscsi_osdep_debug(hw->os, "pvscsi: no message ring (pages, 0)", mem->msg.pages, 0);
        }
    }
    return PVSCSI_HW_OK;
}

int pvscsi_hw_abort(pvscsi_hw *hw, pvscsi_u64 context, pvscsi_u32 target)
{
    pvscsi_u32 w[PVSCSI_ABORT_CMD_WORDS] = {(pvscsi_u32)context, (pvscsi_u32)(context >> 32),
                                            target, 0};
    return pvscsi_hw_command(hw, PVSCSI_CMD_ABORT_CMD, w, PVSCSI_ABORT_CMD_WORDS);
}

int pvscsi_hw_reset_device(pvscsi_hw *hw, pvscsi_u32 target, const pvscsi_u8 lun[8])
{
    pvscsi_u32 w[PVSCSI_RESET_DEVICE_WORDS] = {target, 0, 0};
    if (lun) {
        w[1] = (pvscsi_u32)lun[0] | (pvscsi_u32)lun[1] << 8 | (pvscsi_u32)lun[2] << 16 |
               (pvscsi_u32)lun[3] << 24;
        w[2] = (pvscsi_u32)lun[4] | (pvscsi_u32)lun[5] << 8 | (pvscsi_u32)lun[6] << 16 |
               (pvscsi_u32)lun[7] << 24;
    }
    return pvscsi_hw_command(hw, PVSCSI_CMD_RESET_DEVICE, w, PVSCSI_RESET_DEVICE_WORDS);
}

int pvscsi_hw_reset_bus(pvscsi_hw *hw)
{
    return pvscsi_hw_command(hw, PVSCSI_CMD_RESET_BUS, NULL, 0);
}

/* ---- interrupts ---- */

pvscsi_u32 pvscsi_hw_intr_status(pvscsi_hw *hw)
{
    return pvscsi_hw_rd(hw, PVSCSI_REG_OFFSET_INTR_STATUS);
}

void pvscsi_hw_intr_ack(pvscsi_hw *hw, pvscsi_u32 bits)
{
    pvscsi_hw_wr(hw, PVSCSI_REG_OFFSET_INTR_STATUS, bits);
}

void pvscsi_hw_intr_enable(pvscsi_hw *hw)
{
    hw->intr_mask = PVSCSI_INTR_CMPL_MASK | (hw->msg_ok ? PVSCSI_INTR_MSG_MASK : 0);
    pvscsi_hw_wr(hw, PVSCSI_REG_OFFSET_INTR_MASK, hw->intr_mask);
}

void pvscsi_hw_intr_disable(pvscsi_hw *hw)
{
    hw->intr_mask = 0;
    pvscsi_hw_wr(hw, PVSCSI_REG_OFFSET_INTR_MASK, 0);
}

/* ---- host status ---- */

pvscsi_u32 pvscsi_hw_host_status(pvscsi_u32 btstat, pvscsi_u64 data_len, pvscsi_u64 asked_len)
{
    switch (btstat) {
    case BTSTAT_SUCCESS:
    case BTSTAT_LINKED_COMMAND_COMPLETED:
    case BTSTAT_LINKED_COMMAND_COMPLETED_WITH_FLAG:
    case BTSTAT_DATA_UNDERRUN:
        return PVSCSI_HW_HOST_OK;
    case BTSTAT_DATARUN:
        /* Less moved than asked is an underrun the residual reports; more is an overrun. */
        return data_len < asked_len ? PVSCSI_HW_HOST_OK : PVSCSI_HW_HOST_ERROR;
    case BTSTAT_SELTIMEO:
        return PVSCSI_HW_HOST_NO_CONNECT;
    case BTSTAT_LUNMISMATCH:
    case BTSTAT_TAGREJECT:
        return PVSCSI_HW_HOST_BAD_TARGET;
    case BTSTAT_ABORTQUEUE:
        return PVSCSI_HW_HOST_ABORT;
    case BTSTAT_BUSRESET:
    case BTSTAT_SENTRST:
    case BTSTAT_RECVRST:
        return PVSCSI_HW_HOST_RESET;
    case BTSTAT_SCSIPARITY:
        return PVSCSI_HW_HOST_PARITY;
    case BTSTAT_HATIMEOUT:
        return PVSCSI_HW_HOST_TIMEOUT;
    case BTSTAT_BUSFREE:
    case BTSTAT_DISCONNECT:
        return PVSCSI_HW_HOST_BUS_BUSY;
    default:   /* INVPARAM, SENSFAILED, HAHARDWARE, HASOFTWARE, INVPHASE, BADMSG, ... */
        return PVSCSI_HW_HOST_ERROR;
    }
}

const char *pvscsi_hw_btstat_name(pvscsi_u32 btstat)
{
    switch (btstat) {
    case BTSTAT_SUCCESS: return "SUCCESS";
    case BTSTAT_DATA_UNDERRUN: return "DATA_UNDERRUN";
    case BTSTAT_SELTIMEO: return "SELTIMEO";
    case BTSTAT_DATARUN: return "DATARUN";
    case BTSTAT_INVPARAM: return "INVPARAM";
    case BTSTAT_SENSFAILED: return "SENSFAILED";
    case BTSTAT_HAHARDWARE: return "HAHARDWARE";
    case BTSTAT_SENTRST: return "SENTRST";
    case BTSTAT_BUSRESET: return "BUSRESET";
    case BTSTAT_ABORTQUEUE: return "ABORTQUEUE";
    case BTSTAT_HASOFTWARE: return "HASOFTWARE";
    default: return "BTSTAT_OTHER";
    }
}
