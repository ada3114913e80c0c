/* pvscsi.c — the PVSCSI controller's register page (pvscsi_regs.h): a table of registers with
 * read/write handlers, the command/command-data/command-status protocol and the commands a
 * driver needs (ADAPTER_RESET, SETUP_RINGS, SETUP_MSG_RING, ABORT_CMD, RESET_BUS, RESET_DEVICE),
 * interrupt status/mask with MSI-X vector 0 (else MSI, else INTx), the BAR0 I/O window, and the
 * model's state and public API (pvscsi.h). Interface: Linux drivers/scsi/vmw_pvscsi.h. */
#include "devices/hba/pvscsi_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG "pvscsi"

pvscsi_timing pvscsi_timing_default(void)
{
    /* Rationale for each figure: docs/hba.md "Timing parameters". */
    pvscsi_timing t = {
        .cmd_latency = 2 * SIM_US,
        .req_latency = 1 * SIM_US,
        .sg_elem_latency = 20 * SIM_NS,
        .cmp_latency = 200 * SIM_NS,
        .ring_full_retry = 10 * SIM_US,
        .max_xfer = 32u << 20,
    };
    return t;
}

/* ---- interrupts ---- */

static bool msi_capable_send(pvscsi *h)
{
    return pcie_dev_msi(h->ep, PVSCSI_VECTOR_COMPLETION) == 0;
}

static void intx_update(pvscsi *h)
{
    pcie_dev_intx(h->ep, (h->intr_status & h->intr_mask) != 0);
}

void pvscsi_raise(pvscsi *h, uint32_t bits)
{
    uint32_t was = h->intr_status & h->intr_mask;
    h->intr_status |= bits;
    if (!(bits & h->intr_mask) || !h->ep)
        return;
    h->st.interrupts++;
    /* Message-signalled: one message per raise; INTx: a level while anything is unmasked. */
    if (!msi_capable_send(h) && !was)
        intx_update(h);
}

/* ---- commands ---- */

static uint32_t cmd_words(uint32_t cmd)
{
    switch (cmd) {
    case PVSCSI_CMD_ADAPTER_RESET: return 0;
    case PVSCSI_CMD_RESET_BUS: return 0;
    case PVSCSI_CMD_SETUP_RINGS: return PVSCSI_SETUP_RINGS_WORDS;
    case PVSCSI_CMD_SETUP_MSG_RING: return PVSCSI_SETUP_MSG_RING_WORDS;
    case PVSCSI_CMD_ABORT_CMD: return PVSCSI_ABORT_CMD_WORDS;
    case PVSCSI_CMD_RESET_DEVICE: return PVSCSI_RESET_DEVICE_WORDS;
    default: return PVSCSI_CMD_STATUS_UNSUPPORTED;   /* ISSUE_SCSI, CONFIG, UNPLUG, ... */
    }
}

static uint64_t w64(const uint32_t *w) { return (uint64_t)w[1] << 32 | w[0]; }
static bool pow2_in(uint32_t n, uint32_t max) { return n >= 1 && n <= max && !(n & (n - 1)); }

static void adapter_reset(pvscsi *h)
{
    /* The driver resets the adapter to start over: it completes what it had outstanding itself
     * (as Linux's pvscsi_host_reset does), so the device drops its work without completions. */
    for (pvscsi_req *r = h->inflight; r;) {
        pvscsi_req *n = r->next;
        pvscsi_req_free(r);
        h->st.dropped_by_adapter_reset++;
        r = n;
    }
    h->inflight = NULL;
    h->ninflight = 0;
    h->gen++;
    h->rings_ok = h->msg_ok = false;
    h->rs_init_pending = h->msg_init_pending = false;
    h->req_cons = h->cmp_prod = h->msg_prod = 0;
    h->msgq_n = 0;
    h->intr_status = 0;
    h->intr_mask = 0;
    intx_update(h);
    sim_log(SIM_LOG_INFO, LOG, "%s: adapter reset", h->name);
}

static int setup_rings(pvscsi *h, const uint32_t *w)
{
    uint32_t rp = w[0], cp = w[1];
    if (!pow2_in(rp, PVSCSI_SETUP_RINGS_MAX_NUM_PAGES) ||
        !pow2_in(cp, PVSCSI_SETUP_RINGS_MAX_NUM_PAGES)) {
        sim_log(SIM_LOG_WARN, LOG, "%s: SETUP_RINGS: page counts %u/%u (power of two, 1..%d)",
                h->name, rp, cp, PVSCSI_SETUP_RINGS_MAX_NUM_PAGES);
        return -1;
    }
    h->rs_addr = w64(w + 2) * PVSCSI_PAGE_SIZE;
    h->req_pages = rp;
    h->cmp_pages = cp;
    for (unsigned i = 0; i < PVSCSI_SETUP_RINGS_MAX_NUM_PAGES; i++) {
        h->req_ppn[i] = w64(w + 4 + 2 * i);
        h->cmp_ppn[i] = w64(w + 4 + 2 * PVSCSI_SETUP_RINGS_MAX_NUM_PAGES + 2 * i);
    }
    h->req_cons = h->cmp_prod = 0;
    h->rings_ok = true;
    h->msg_ok = false;
    h->rs_init_pending = true;                /* the request thread writes the sizes */
    sim_event_notify(h->kick_ev, h->t.cmd_latency);
    sim_log(SIM_LOG_INFO, LOG, "%s: rings set up: %u request, %u completion pages", h->name,
            rp, cp);
    return 0;
}

static int setup_msg_ring(pvscsi *h, const uint32_t *w)
{
    if (!h->rings_ok)
        return 0;                             /* the interface: a no-op before SETUP_RINGS */
    if (!pow2_in(w[0], PVSCSI_SETUP_MSG_RING_MAX_NUM_PAGES))
        return -1;
    h->msg_pages = w[0];
    for (unsigned i = 0; i < PVSCSI_SETUP_MSG_RING_MAX_NUM_PAGES; i++)
        h->msg_ppn[i] = w64(w + 2 + 2 * i);
    h->msg_prod = 0;
    h->msg_ok = true;
    h->msg_init_pending = true;
    sim_event_notify(h->kick_ev, h->t.cmd_latency);
    return 0;
}

static int run_command(pvscsi *h)
{
    const uint32_t *w = h->cmd_data;
    switch (h->cmd) {
    case PVSCSI_CMD_ADAPTER_RESET:
        adapter_reset(h);
        return 0;
    case PVSCSI_CMD_SETUP_RINGS:
        return setup_rings(h, w);
    case PVSCSI_CMD_SETUP_MSG_RING:
        return setup_msg_ring(h, w);
    case PVSCSI_CMD_ABORT_CMD: {
        unsigned n = pvscsi_end_inflight(h, (int)w[2], w64(w), true, REQ_ABORTED);
        sim_log(SIM_LOG_INFO, LOG, "%s: abort context %llu target %u: %s", h->name,
                (unsigned long long)w64(w), w[2], n ? "aborted" : "not in flight");
        return 0;
    }
    case PVSCSI_CMD_RESET_BUS:
        pvscsi_end_inflight(h, -1, 0, false, REQ_RESET);
        sim_log(SIM_LOG_INFO, LOG, "%s: bus reset", h->name);
        return 0;
    case PVSCSI_CMD_RESET_DEVICE:
        pvscsi_end_inflight(h, (int)w[0], 0, false, REQ_RESET);
        sim_log(SIM_LOG_INFO, LOG, "%s: reset of target %u", h->name, w[0]);
        return 0;
    default:
        return -1;
    }
}

/* ---- registers: one table, one dispatch ---- */

static uint32_t rd_cmd_status(pvscsi *h) { return h->cmd_status; }
static uint32_t rd_intr_status(pvscsi *h) { return h->intr_status; }
static uint32_t rd_intr_mask(pvscsi *h) { return h->intr_mask; }
static uint32_t rd_zero(pvscsi *h) { (void)h; return 0; }

static void wr_command(pvscsi *h, uint32_t v)
{
    h->cmd = v;
    h->cmd_have = 0;
    h->cmd_words = cmd_words(v);
    if (h->cmd_words == PVSCSI_CMD_STATUS_UNSUPPORTED) {
        h->cmd = PVSCSI_CMD_FIRST;
        h->cmd_status = PVSCSI_CMD_STATUS_UNSUPPORTED;
        return;
    }
    /* Until its data is complete the status tells how many words the command takes (the
     * interface's probe for SETUP_MSG_RING); a command without data runs now. */
    h->cmd_status = h->cmd_words;
    if (h->cmd_words == 0) {
        h->cmd_status = run_command(h) == 0 ? 0 : PVSCSI_CMD_STATUS_UNSUPPORTED;
        h->cmd = PVSCSI_CMD_FIRST;
    }
}

static void wr_command_data(pvscsi *h, uint32_t v)
{
    if (h->cmd == PVSCSI_CMD_FIRST || h->cmd_have >= h->cmd_words) {
        sim_log(SIM_LOG_WARN, LOG, "%s: COMMAND_DATA 0x%x with no command collecting data",
                h->name, v);
        return;
    }
    h->cmd_data[h->cmd_have++] = v;
    if (h->cmd_have == h->cmd_words) {
        h->cmd_status = run_command(h) == 0 ? 0 : PVSCSI_CMD_STATUS_UNSUPPORTED;
        h->cmd = PVSCSI_CMD_FIRST;
    }
}

static void wr_intr_status(pvscsi *h, uint32_t v)
{
    h->intr_status &= ~v;                     /* write 1 to clear */
    intx_update(h);
}

static void wr_intr_mask(pvscsi *h, uint32_t v)
{
    uint32_t was = h->intr_status & h->intr_mask;
    h->intr_mask = v & PVSCSI_INTR_ALL_SUPPORTED;
    uint32_t now = h->intr_status & h->intr_mask;
    if (now & ~was) {                         /* pending status just unmasked */
        h->st.interrupts++;
        if (!msi_capable_send(h))
            intx_update(h);
    } else {
        intx_update(h);
    }
}

static void wr_kick(pvscsi *h, uint32_t v)
{
    (void)v;
    h->st.kicks++;
    h->kick_pending = true;   /* seen even while the request thread is busy (not waiting) */
    sim_event_notify(h->kick_ev, 0);
}

static void wr_ignore(pvscsi *h, uint32_t v) { (void)h; (void)v; }

typedef struct pvscsi_reg {
    uint32_t off;
    const char *name;
    uint32_t (*read)(pvscsi *h);
    void (*write)(pvscsi *h, uint32_t v);
} pvscsi_reg;

static const pvscsi_reg regs[] = {
    { PVSCSI_REG_OFFSET_COMMAND, "COMMAND", rd_zero, wr_command },
    { PVSCSI_REG_OFFSET_COMMAND_DATA, "COMMAND_DATA", rd_zero, wr_command_data },
    { PVSCSI_REG_OFFSET_COMMAND_STATUS, "COMMAND_STATUS", rd_cmd_status, wr_ignore },
    { PVSCSI_REG_OFFSET_LAST_STS_0, "LAST_STS_0", rd_zero, wr_ignore },
    { PVSCSI_REG_OFFSET_LAST_STS_1, "LAST_STS_1", rd_zero, wr_ignore },
    { PVSCSI_REG_OFFSET_LAST_STS_2, "LAST_STS_2", rd_zero, wr_ignore },
    { PVSCSI_REG_OFFSET_LAST_STS_3, "LAST_STS_3", rd_zero, wr_ignore },
    { PVSCSI_REG_OFFSET_INTR_STATUS, "INTR_STATUS", rd_intr_status, wr_intr_status },
    { PVSCSI_REG_OFFSET_INTR_MASK, "INTR_MASK", rd_intr_mask, wr_intr_mask },
    { PVSCSI_REG_OFFSET_KICK_NON_RW_IO, "KICK_NON_RW_IO", rd_zero, wr_kick },
    { PVSCSI_REG_OFFSET_DEBUG, "DEBUG", rd_zero, wr_ignore },
    { PVSCSI_REG_OFFSET_KICK_RW_IO, "KICK_RW_IO", rd_zero, wr_kick },
};

static const pvscsi_reg *reg_at(uint64_t off)
{
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        if (regs[i].off == off)
            return &regs[i];
    return NULL;
}

static uint32_t reg_read(pvscsi *h, uint64_t off)
{
    const pvscsi_reg *r = reg_at(off);
    if (!r) {
        sim_log(SIM_LOG_DEBUG, LOG, "%s: read of unimplemented offset 0x%llx", h->name,
                (unsigned long long)off);
        return 0;
    }
    return r->read(h);
}

static void reg_write(pvscsi *h, uint64_t off, uint32_t v)
{
    const pvscsi_reg *r = reg_at(off);
    if (!r) {
        sim_log(SIM_LOG_DEBUG, LOG, "%s: write 0x%x to unimplemented offset 0x%llx", h->name, v,
                (unsigned long long)off);
        return;
    }
    sim_log(SIM_LOG_TRACE, LOG, "%s: %s <- 0x%x", h->name, r->name, v);
    r->write(h, v);
}

static uint64_t io_read(void *state, int bar, uint64_t off, int size)
{
    pvscsi *h = state;
    if (bar == 0)                              /* I/O window: index/data pair */
        return off == PVSCSI_IO_REG_OFFSET_DATA ? reg_read(h, h->io_index) : h->io_index;
    if (size == 8)
        return reg_read(h, off) | (uint64_t)reg_read(h, off + 4) << 32;
    return reg_read(h, off);
}

static void io_write(void *state, int bar, uint64_t off, int size, uint64_t val)
{
    pvscsi *h = state;
    if (bar == 0) {
        if (off == PVSCSI_IO_REG_OFFSET_OFFSET)
            h->io_index = (uint32_t)val;
        else if (off == PVSCSI_IO_REG_OFFSET_DATA)
            reg_write(h, h->io_index, (uint32_t)val);
        return;
    }
    reg_write(h, off, (uint32_t)val);
    if (size == 8)
        reg_write(h, off + 4, (uint32_t)(val >> 32));
}

const pcie_ep_io_ops pvscsi_io_ops = { io_read, io_write };

/* ---- model glue and public API ---- */

/* Live controllers, so pvscsi_of can tell a PVSCSI endpoint from another model's. */
#define PVSCSI_MAX_LIVE 64
static pvscsi *live[PVSCSI_MAX_LIVE];

void *pvscsi_state_new(const char *instance)
{
    pvscsi *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    snprintf(h->name, sizeof h->name, "%s", instance ? instance : "pvscsi");
    h->t = pvscsi_timing_default();
    char ev[96];
    snprintf(ev, sizeof ev, "%s.kick", h->name);
    h->kick_ev = sim_event_new(ev);
    snprintf(ev, sizeof ev, "%s.cmp", h->name);
    h->cmp_ev = sim_event_new(ev);
    for (unsigned i = 0; i < PVSCSI_MAX_LIVE; i++)
        if (!live[i]) {
            live[i] = h;
            break;
        }
    return h;
}

void pvscsi_state_free(void *state)
{
    pvscsi *h = state;
    if (!h)
        return;
    sim_cancel_owner(h); /* its request and completion threads never touch h again */
    for (unsigned i = 0; i < PVSCSI_MAX_LIVE; i++)
        if (live[i] == h)
            live[i] = NULL;
    sim_event_free(h->kick_ev);               /* threads blocked on them stay blocked */
    sim_event_free(h->cmp_ev);
    for (pvscsi_req *r = h->inflight; r;) {
        pvscsi_req *n = r->next;
        pvscsi_req_free(r);
        r = n;
    }
    for (unsigned i = 0; i < PVSCSI_MAX_TARGETS; i++)
        scsi_target_free(h->targets[i]);
    free(h);
}

void pvscsi_state_attach(void *state, pcie_endpoint *ep)
{
    pvscsi *h = state;
    h->ep = ep;
    pvscsi_threads_start(h);
}

pvscsi *pvscsi_of(pcie_endpoint *ep)
{
    for (unsigned i = 0; ep && i < PVSCSI_MAX_LIVE; i++)
        if (live[i] && live[i]->ep == ep)
            return live[i];
    return NULL;
}

void pvscsi_set_timing(pvscsi *h, const pvscsi_timing *t) { h->t = *t; }
const pvscsi_stats *pvscsi_get_stats(const pvscsi *h) { return &h->st; }
unsigned pvscsi_inflight(const pvscsi *h) { return h->ninflight; }
scsi_target *pvscsi_target(pvscsi *h, unsigned id)
{
    return id < PVSCSI_MAX_TARGETS ? h->targets[id] : NULL;
}

int pvscsi_attach_target(pvscsi *h, unsigned id, scsi_target *t, sim_err *err)
{
    if (id >= PVSCSI_MAX_TARGETS)
        return sim_err_set(err, "%s: target id %u out of range 0..%d", h->name, id,
                           PVSCSI_MAX_TARGETS - 1);
    if (h->targets[id])
        return sim_err_set(err, "%s: target id %u is taken", h->name, id);
    h->targets[id] = t;
    pvscsi_queue_msg(h, PVSCSI_MSG_DEV_ADDED, id);
    return 0;
}

scsi_target *pvscsi_detach_target(pvscsi *h, unsigned id)
{
    scsi_target *t = pvscsi_target(h, id);
    if (!t)
        return NULL;
    h->targets[id] = NULL;
    pvscsi_end_inflight(h, (int)id, 0, false, REQ_GONE);
    pvscsi_queue_msg(h, PVSCSI_MSG_DEV_REMOVED, id);
    return t;
}
