/* pvscsi_hw.h — the OS-independent PVSCSI hardware layer, shared by the native (vmkapi) and the
 * Linux-style (vmklinux) drivers: adapter reset, the command register protocol (SETUP_RINGS,
 * SETUP_MSG_RING, ABORT_CMD, RESET_DEVICE, RESET_BUS, ADAPTER_RESET), ring set-up in memory the
 * OS glue allocated, request posting with s/g lists (chained past one page), kicks, completion and
 * message reaping, interrupt status and mask, and the host-status translation both OSes share.
 * Interface facts: pvscsi_hw_regs.h; reaches the device only through pvscsi_osdep.h.
 * Usage and rules: README.md beside this file. */
#ifndef PVSCSI_HW_H
#define PVSCSI_HW_H

#include "pvscsi_hw_regs.h"
#include "pvscsi_osdep.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: 0 is success, failures are negative. */
enum {
    PVSCSI_HW_OK = 0,
    PVSCSI_HW_ERR_PARAM = -1,      /* an argument outside what the interface accepts */
    PVSCSI_HW_ERR_RING_FULL = -2,  /* no free request slot (or completion slot to match) */
    PVSCSI_HW_ERR_CMD = -3,        /* COMMAND_STATUS reported failure / unsupported */
    PVSCSI_HW_ERR_STATE = -4,      /* rings not set up */
};
PVSCSI_HW_API const char *pvscsi_hw_strerror(int status);

/* A run of page-aligned, physically contiguous DMA-coherent memory the glue allocated. */
typedef struct pvscsi_hw_mem {
    void *va;                      /* CPU address */
    pvscsi_dma_addr pa;            /* bus address, a multiple of PVSCSI_PAGE_SIZE */
    pvscsi_u32 pages;              /* length in PVSCSI_PAGE_SIZE pages */
} pvscsi_hw_mem;

/* Ring memory for pvscsi_hw_setup_rings. Page counts: powers of two; req and cmp 1..32, msg
 * 0 (no message ring: no target notices) or 1..16. rings_state is one page. */
typedef struct pvscsi_hw_ring_mem {
    pvscsi_hw_mem rings_state;
    pvscsi_hw_mem req;
    pvscsi_hw_mem cmp;
    pvscsi_hw_mem msg;
} pvscsi_hw_ring_mem;

/* Bytes a ring of `pages` pages takes (for the glue's allocation). */
static inline pvscsi_size pvscsi_hw_ring_bytes(pvscsi_u32 pages)
{
    return (pvscsi_size)pages * PVSCSI_PAGE_SIZE;
}

typedef struct pvscsi_hw {
    void *os;                      /* handed to every osdep hook */
    pvscsi_hw_ring_mem mem;        /* as given to pvscsi_hw_setup_rings */
    pvscsi_u32 req_entries;        /* request slots (32 per page) */
    pvscsi_u32 cmp_entries;        /* completion slots (128 per page) */
    pvscsi_u32 msg_entries;        /* message slots (32 per page); 0 without a message ring */
    pvscsi_u32 req_prod;           /* software copy of reqProdIdx (free-running) */
    pvscsi_u32 intr_mask;          /* last value written to INTR_MASK */
    pvscsi_bool rings_ok;
    pvscsi_bool msg_ok;
    pvscsi_u64 kicks;              /* kick-register writes */
} pvscsi_hw;

/* ---- set-up ---- */
/* Zeroes hw and records the glue's context; no device access. */
PVSCSI_HW_API void pvscsi_hw_init(pvscsi_hw *hw, void *os);
/* Masks every interrupt, then ADAPTER_RESET: the device drops its rings and all work without
 * completions (the caller ends what it had outstanding itself), clears status and mask. The
 * rings must be set up again afterwards. Returns PVSCSI_HW_OK or PVSCSI_HW_ERR_CMD. */
PVSCSI_HW_API int pvscsi_hw_adapter_reset(pvscsi_hw *hw);
/* Runs one command: writes `cmd` to COMMAND, the `nwords` descriptor words to COMMAND_DATA, then
 * reads COMMAND_STATUS (a round trip that also orders everything before it). PVSCSI_HW_OK when
 * it reads 0, else PVSCSI_HW_ERR_CMD. For commands this header has no helper for. */
PVSCSI_HW_API int pvscsi_hw_command(pvscsi_hw *hw, pvscsi_u32 cmd, const pvscsi_u32 *words,
                                    pvscsi_u32 nwords);
/* The interface's probe: writes `cmd` alone and reads COMMAND_STATUS; true unless the device
 * answers PVSCSI_CMD_STATUS_UNSUPPORTED (the command is then abandoned unrun). */
PVSCSI_HW_API pvscsi_bool pvscsi_hw_command_supported(pvscsi_hw *hw, pvscsi_u32 cmd);
/* Checks the memory, zeroes the rings state page and every ring, issues SETUP_RINGS and, when
 * mem->msg.pages != 0 and the device supports it, SETUP_MSG_RING. Resets the software indices.
 * Interrupts stay as they are (masked after a reset). PVSCSI_HW_ERR_PARAM for a bad page count
 * or a misaligned address. A message ring the device refuses leaves hw->msg_ok false. */
PVSCSI_HW_API int pvscsi_hw_setup_rings(pvscsi_hw *hw, const pvscsi_hw_ring_mem *mem);

/* ---- task management (completions for the ended requests follow on the completion ring) ---- */
/* ABORT_CMD for the request with `context` to `target`; ends with BTSTAT_ABORTQUEUE if it
 * was still in flight (the device answers OK either way: not in flight is not an error). */
PVSCSI_HW_API int pvscsi_hw_abort(pvscsi_hw *hw, pvscsi_u64 context, pvscsi_u32 target);
/* RESET_DEVICE: every request to `target` ends with BTSTAT_BUSRESET. lun: SAM 8-byte LUN. */
PVSCSI_HW_API int pvscsi_hw_reset_device(pvscsi_hw *hw, pvscsi_u32 target,
                                         const pvscsi_u8 lun[8]);
/* RESET_BUS: every request in flight ends with BTSTAT_BUSRESET. */
PVSCSI_HW_API int pvscsi_hw_reset_bus(pvscsi_hw *hw);

/* ---- interrupts ---- */
/* Reads INTR_STATUS (a round trip). */
PVSCSI_HW_API pvscsi_u32 pvscsi_hw_intr_status(pvscsi_hw *hw);
/* Clears the given INTR_STATUS bits (write 1 to clear, posted). */
PVSCSI_HW_API void pvscsi_hw_intr_ack(pvscsi_hw *hw, pvscsi_u32 bits);
/* Writes INTR_MASK: completion bits, plus message bits when the message ring is up. */
PVSCSI_HW_API void pvscsi_hw_intr_enable(pvscsi_hw *hw);
/* Writes INTR_MASK = 0. */
PVSCSI_HW_API void pvscsi_hw_intr_disable(pvscsi_hw *hw);

/* ---- host status, translated the same way for both OSes ----
 * The values equal Linux's DID_* codes, which are also vmkapi's vmk_ScsiHostStatus values. */
enum {
    PVSCSI_HW_HOST_OK = 0x00,          /* DID_OK */
    PVSCSI_HW_HOST_NO_CONNECT = 0x01,  /* DID_NO_CONNECT: no such target */
    PVSCSI_HW_HOST_BUS_BUSY = 0x02,    /* DID_BUS_BUSY */
    PVSCSI_HW_HOST_TIMEOUT = 0x03,     /* DID_TIME_OUT */
    PVSCSI_HW_HOST_BAD_TARGET = 0x04,  /* DID_BAD_TARGET */
    PVSCSI_HW_HOST_ABORT = 0x05,       /* DID_ABORT */
    PVSCSI_HW_HOST_PARITY = 0x06,      /* DID_PARITY */
    PVSCSI_HW_HOST_ERROR = 0x07,       /* DID_ERROR */
    PVSCSI_HW_HOST_RESET = 0x08,       /* DID_RESET */
};
/* A completion's BTSTAT_* as a DID-style host status. A data underrun (BTSTAT_DATA_UNDERRUN, or
 * DATARUN with fewer bytes than asked) is OK: the caller reports the residual from data_len. */
PVSCSI_HW_API pvscsi_u32 pvscsi_hw_host_status(pvscsi_u32 btstat, pvscsi_u64 data_len,
                                               pvscsi_u64 asked_len);
PVSCSI_HW_API const char *pvscsi_hw_btstat_name(pvscsi_u32 btstat);

/* Raw register access through the osdep hooks. */
static inline pvscsi_u32 pvscsi_hw_rd(pvscsi_hw *hw, pvscsi_u32 reg)
{
    return pvscsi_osdep_read32(hw->os, reg);
}
static inline void pvscsi_hw_wr(pvscsi_hw *hw, pvscsi_u32 reg, pvscsi_u32 value)
{
    pvscsi_osdep_write32(hw->os, reg, value);
}

#ifdef __cplusplus
}
#endif
#endif
