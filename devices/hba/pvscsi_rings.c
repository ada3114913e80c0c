/* pvscsi_rings.c — the PVSCSI controller's two device threads. The request thread, woken by a
 * kick, reads the rings state page and request descriptors by DMA, walks scatter-gather lists
 * (chained segments, each within one page), fetches data-out, and hands each request to its disk's
 * media model. The completion thread runs each request when its media time is over (or at once
 * when aborted/reset), DMAs data-in and sense to the host, writes the completion descriptor and
 * producer index, and raises the completion interrupt once per batch. Target notices go out on
 * the message ring. Layouts: pvscsi_regs.h; behaviour: docs/hba.md. */
#include "devices/hba/pvscsi_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG "pvscsi"
#define SG_FETCH_ELEMS 16      /* elements read per s/g DMA burst (256 bytes) */

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)v); wr16(p + 2, (uint16_t)(v >> 16)); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, (uint32_t)v); wr32(p + 4, (uint32_t)(v >> 32)); }

static bool dma_rd(pvscsi *h, uint64_t a, void *b, size_t n)
{
    int rc = pcie_dev_dma_read(h->ep, a, b, n);
    if (rc != PCIE_DMA_OK)
        sim_log(SIM_LOG_WARN, LOG, "%s: DMA read of %zu bytes at 0x%llx failed (%d)", h->name, n,
                (unsigned long long)a, rc);
    return rc == PCIE_DMA_OK;
}

static bool dma_wr(pvscsi *h, uint64_t a, const void *b, size_t n)
{
    int rc = pcie_dev_dma_write(h->ep, a, b, n);
    if (rc != PCIE_DMA_OK)
        sim_log(SIM_LOG_WARN, LOG, "%s: DMA write of %zu bytes at 0x%llx failed (%d)", h->name,
                n, (unsigned long long)a, rc);
    return rc == PCIE_DMA_OK;
}

static bool rs_write32(pvscsi *h, uint32_t off, uint32_t v)
{
    uint8_t b[4];
    wr32(b, v);
    return dma_wr(h, h->rs_addr + off, b, 4);
}

static bool rs_read32(pvscsi *h, uint32_t off, uint32_t *v)
{
    uint8_t b[4];
    if (!dma_rd(h, h->rs_addr + off, b, 4))
        return false;
    *v = rd32(b);
    return true;
}

static uint32_t log2u(uint32_t n)
{
    uint32_t l = 0;
    while ((1u << l) < n)
        l++;
    return l;
}

void pvscsi_req_free(pvscsi_req *r)
{
    if (!r)
        return;
    free(r->sg);
    free(r->buf);
    free(r);
}

void pvscsi_inflight_insert(pvscsi *h, pvscsi_req *r)
{
    pvscsi_req **pp = &h->inflight;
    while (*pp && ((*pp)->ready < r->ready || ((*pp)->ready == r->ready && (*pp)->seq < r->seq)))
        pp = &(*pp)->next;
    r->next = *pp;
    *pp = r;
    h->ninflight++;
    if (r->ready != SIM_TIME_MAX)
        sim_event_notify(h->cmp_ev, r->ready > sim_now() ? r->ready - sim_now() : 0);
}

unsigned pvscsi_end_inflight(pvscsi *h, int target, uint64_t context, bool by_context,
                             req_fate fate)
{
    unsigned n = 0;
    for (pvscsi_req *r = h->inflight; r; r = r->next) {
        if (r->fate != REQ_OK || (target >= 0 && r->target != (unsigned)target) ||
            (by_context && r->context != context))
            continue;
        r->fate = fate;
        n++;
    }
    if (n)
        sim_event_notify(h->cmp_ev, 0);
    return n;
}

void pvscsi_queue_msg(pvscsi *h, uint32_t type, unsigned target)
{
    /* Notices only mean something once the driver has a message ring; before that it finds
     * targets by scanning. */
    if (!h->msg_ok || h->msgq_n >= sizeof h->msgq / sizeof h->msgq[0])
        return;
    h->msgq[h->msgq_n++] = type << 8 | target;
    h->kick_pending = true;
    sim_event_notify(h->kick_ev, 0);
}

/* ---- message ring ---- */

static void post_msgs(pvscsi *h, uint32_t gen)
{
    while (h->msgq_n && h->msg_ok) {
        uint32_t cons, entries = h->msg_pages * PVSCSI_MSG_ENTRIES_PER_PAGE;
        if (!rs_read32(h, PVSCSI_RS_MSG_CONS_IDX, &cons) || gen != h->gen)
            return;
        if (h->msg_prod - cons >= entries) {
            h->st.ring_full_waits++;
            sim_event_notify(h->kick_ev, h->t.ring_full_retry);
            return;
        }
        uint32_t m = h->msgq[0];
        uint8_t d[PVSCSI_MSG_DESC_SIZE] = {0};
        wr32(d + PVSCSI_MSG_TYPE, m >> 8);
        wr32(d + PVSCSI_MSG_BUS, 0);
        wr32(d + PVSCSI_MSG_TARGET, m & 0xFF);   /* LUN 0: bytes 12..19 stay zero */
        uint32_t idx = h->msg_prod & (entries - 1);
        uint64_t a = h->msg_ppn[idx / PVSCSI_MSG_ENTRIES_PER_PAGE] * PVSCSI_PAGE_SIZE +
                     (idx % PVSCSI_MSG_ENTRIES_PER_PAGE) * PVSCSI_MSG_DESC_SIZE;
        if (!dma_wr(h, a, d, sizeof d) || gen != h->gen)
            return;
        h->msg_prod++;
        rs_write32(h, PVSCSI_RS_MSG_PROD_IDX, h->msg_prod);
        memmove(h->msgq, h->msgq + 1, --h->msgq_n * sizeof h->msgq[0]);
        h->st.messages++;
        sim_log(SIM_LOG_INFO, LOG, "%s: message %s target %u", h->name,
                (m >> 8) == PVSCSI_MSG_DEV_ADDED ? "DEV_ADDED" : "DEV_REMOVED", m & 0xFF);
        pvscsi_raise(h, PVSCSI_INTR_MSG_0);
    }
}

/* ---- requests ---- */

static bool sg_add(pvscsi_req *r, unsigned *cap, uint64_t addr, uint32_t len)
{
    if (r->nsg == *cap) {
        unsigned nc = *cap ? *cap * 2 : 16;
        pvscsi_sge *n = realloc(r->sg, nc * sizeof *n);
        if (!n)
            return false;
        r->sg = n;
        *cap = nc;
    }
    r->sg[r->nsg++] = (pvscsi_sge){ addr, len };
    return true;
}

/* Builds r's s/g list; false (BTSTAT_INVPARAM) for a malformed list. */
static bool build_sg(pvscsi *h, pvscsi_req *r, uint64_t data_addr, uint32_t flags)
{
    unsigned cap = 0;
    if (!(flags & PVSCSI_FLAG_CMD_WITH_SG_LIST))
        return sg_add(r, &cap, data_addr, (uint32_t)r->data_len);
    uint64_t need = r->data_len, addr = data_addr;
    uint64_t seg_end = (addr | (PVSCSI_PAGE_SIZE - 1)) + 1;   /* a segment stays in its page */
    unsigned segs = 1;
    while (need > 0) {
        if (addr + PVSCSI_SGE_SIZE > seg_end)
            return false;                      /* ran off the page without a chain element */
        unsigned n = (unsigned)((seg_end - addr) / PVSCSI_SGE_SIZE);
        if (n > SG_FETCH_ELEMS)
            n = SG_FETCH_ELEMS;
        uint8_t el[SG_FETCH_ELEMS * PVSCSI_SGE_SIZE];
        if (!dma_rd(h, addr, el, n * PVSCSI_SGE_SIZE))
            return false;
        bool chained = false;
        unsigned used = 0;
        for (unsigned i = 0; i < n && need > 0 && !chained; i++, used++) {
            const uint8_t *e = el + i * PVSCSI_SGE_SIZE;
            uint64_t ea = rd64(e + PVSCSI_SGE_ADDR);
            uint32_t el_len = rd32(e + PVSCSI_SGE_LENGTH);
            if (rd32(e + PVSCSI_SGE_FLAGS) & PVSCSI_SGE_FLAG_CHAIN_ELEMENT) {
                if (++segs > PVSCSI_MAX_NUM_SG_SEGMENTS)
                    return false;
                addr = ea;
                seg_end = (addr | (PVSCSI_PAGE_SIZE - 1)) + 1;
                chained = true;
                continue;
            }
            uint32_t take = el_len < need ? el_len : (uint32_t)need;
            if (take && !sg_add(r, &cap, ea, take))
                return false;
            need -= take;
        }
        sim_wait(used * h->t.sg_elem_latency);
        if (!chained)
            addr += (uint64_t)used * PVSCSI_SGE_SIZE;
    }
    return true;
}

/* Moves len bytes between r->buf and the host buffers of r's s/g list. */
static bool sg_copy(pvscsi *h, pvscsi_req *r, bool to_host, uint64_t len)
{
    uint64_t done = 0;
    for (unsigned i = 0; i < r->nsg && done < len; i++) {
        uint64_t n = r->sg[i].len < len - done ? r->sg[i].len : len - done;
        bool ok = to_host ? dma_wr(h, r->sg[i].addr, r->buf + done, (size_t)n)
                          : dma_rd(h, r->sg[i].addr, r->buf + done, (size_t)n);
        if (!ok)
            return false;
        done += n;
    }
    return done == len;
}

static void submit(pvscsi *h, const uint8_t *d, uint32_t gen)
{
    sim_wait(h->t.req_latency);
    pvscsi_req *r = calloc(1, sizeof *r);
    if (!r)
        return;
    r->seq = h->seq++;
    r->context = rd64(d + PVSCSI_REQ_CONTEXT);
    r->data_len = rd64(d + PVSCSI_REQ_DATA_LEN);
    r->sense_addr = rd64(d + PVSCSI_REQ_SENSE_ADDR);
    r->sense_len = rd32(d + PVSCSI_REQ_SENSE_LEN);
    uint32_t flags = rd32(d + PVSCSI_REQ_FLAGS);
    r->cdb_len = d[PVSCSI_REQ_CDB_LEN];
    memcpy(r->cdb, d + PVSCSI_REQ_CDB, sizeof r->cdb);
    r->target = d[PVSCSI_REQ_TARGET];
    r->lun = scsi_lun_decode(d + PVSCSI_REQ_LUN);
    r->ready = sim_now();
    h->st.requests++;
    scsi_target *t = r->target < PVSCSI_MAX_TARGETS ? h->targets[r->target] : NULL;
    if (d[PVSCSI_REQ_BUS] != 0 || !t) {
        r->fate = REQ_FAILED;
        r->host_status = BTSTAT_SELTIMEO;
    } else if (r->cdb_len == 0 || r->cdb_len > 16 || (flags & PVSCSI_FLAG_CMD_OUT_OF_BAND_CDB) ||
               r->data_len > h->t.max_xfer ||
               (r->data_len && !build_sg(h, r, rd64(d + PVSCSI_REQ_DATA_ADDR), flags))) {
        r->fate = REQ_FAILED;
        r->host_status = BTSTAT_INVPARAM;
    } else {
        scsi_target_plan(t, r->lun, r->cdb, r->cdb_len, &r->plan);
        if (r->data_len)
            r->buf = calloc(1, (size_t)r->data_len);
        if (r->plan.dir == SCSI_DIR_OUT && r->plan.xfer_len > r->data_len) {
            r->fate = REQ_FAILED;              /* the CDB names more data than was given */
            r->host_status = BTSTAT_DATARUN;
        } else if (r->data_len && !r->buf) {
            r->fate = REQ_FAILED;
            r->host_status = BTSTAT_HASOFTWARE;
        } else if (r->plan.dir == SCSI_DIR_OUT && !sg_copy(h, r, false, r->plan.xfer_len)) {
            r->fate = REQ_FAILED;
            r->host_status = BTSTAT_HAHARDWARE;
        }
    }
    if (gen != h->gen) {                       /* the adapter was reset meanwhile */
        pvscsi_req_free(r);
        return;
    }
    scsi_disk *disk = r->fate == REQ_OK && r->lun >= 0 ? scsi_target_lun(t, (unsigned)r->lun)
                                                        : NULL;
    if (disk && scsi_disk_stalled(disk))
        r->ready = SIM_TIME_MAX;               /* stays until aborted or reset */
    else if (disk && r->plan.media)
        r->ready = disk_media_schedule(scsi_disk_media(disk), sim_now(), r->plan.is_write,
                                       r->plan.off, r->plan.len);
    pvscsi_inflight_insert(h, r);
}

static void ring_init(pvscsi *h)
{
    if (h->rs_init_pending) {
        h->rs_init_pending = false;
        rs_write32(h, PVSCSI_RS_REQ_CONS_IDX, 0);
        rs_write32(h, PVSCSI_RS_REQ_NUM_ENTRIES_LOG2,
                   log2u(h->req_pages * PVSCSI_REQ_ENTRIES_PER_PAGE));
        rs_write32(h, PVSCSI_RS_CMP_PROD_IDX, 0);
        rs_write32(h, PVSCSI_RS_CMP_NUM_ENTRIES_LOG2,
                   log2u(h->cmp_pages * PVSCSI_CMP_ENTRIES_PER_PAGE));
    }
    if (h->msg_init_pending) {
        h->msg_init_pending = false;
        rs_write32(h, PVSCSI_RS_MSG_PROD_IDX, 0);
        rs_write32(h, PVSCSI_RS_MSG_NUM_ENTRIES_LOG2,
                   log2u(h->msg_pages * PVSCSI_MSG_ENTRIES_PER_PAGE));
    }
}

static void req_thread(void *arg)
{
    pvscsi *h = arg;
    for (;;) {
        if (!h->kick_pending)
            sim_wait_event(h->kick_ev);
        h->kick_pending = false;
        for (;;) {
            uint32_t gen = h->gen;
            ring_init(h);
            post_msgs(h, gen);
            uint32_t prod;
            if (!h->rings_ok || !rs_read32(h, PVSCSI_RS_REQ_PROD_IDX, &prod))
                break;
            if (gen != h->gen)
                continue;
            uint32_t entries = h->req_pages * PVSCSI_REQ_ENTRIES_PER_PAGE;
            if (prod == h->req_cons)
                break;
            if (prod - h->req_cons > entries) {
                sim_log(SIM_LOG_WARN, LOG, "%s: reqProdIdx %u is %u ahead of the device (ring "
                        "of %u)", h->name, prod, prod - h->req_cons, entries);
                break;
            }
            uint32_t idx = h->req_cons & (entries - 1);
            uint64_t a = h->req_ppn[idx / PVSCSI_REQ_ENTRIES_PER_PAGE] * PVSCSI_PAGE_SIZE +
                         (idx % PVSCSI_REQ_ENTRIES_PER_PAGE) * PVSCSI_REQ_DESC_SIZE;
            uint8_t d[PVSCSI_REQ_DESC_SIZE];
            if (!dma_rd(h, a, d, sizeof d))
                break;
            if (gen != h->gen)
                continue;
            h->req_cons++;
            rs_write32(h, PVSCSI_RS_REQ_CONS_IDX, h->req_cons);
            submit(h, d, gen);
        }
    }
}

/* ---- completions ---- */

static void complete(pvscsi *h, pvscsi_req *r, uint32_t gen)
{
    uint16_t host = BTSTAT_SUCCESS, scsi = SCSI_STATUS_GOOD;
    uint64_t dlen = 0;
    uint32_t slen = 0;
    scsi_target *t = h->targets[r->target % PVSCSI_MAX_TARGETS];
    switch (r->fate) {
    case REQ_ABORTED: host = BTSTAT_ABORTQUEUE; h->st.aborted++; break;
    case REQ_RESET: host = BTSTAT_BUSRESET; h->st.reset++; break;
    case REQ_GONE: host = BTSTAT_SELTIMEO; h->st.seltimeo++; break;
    case REQ_FAILED:
        host = r->host_status;
        if (host == BTSTAT_SELTIMEO) h->st.seltimeo++;
        if (host == BTSTAT_INVPARAM) h->st.invparam++;
        if (host == BTSTAT_DATARUN) h->st.dataruns++;
        break;
    case REQ_OK: {
        scsi_result res;
        size_t blen = r->plan.dir == SCSI_DIR_OUT ? (size_t)r->plan.xfer_len : (size_t)r->data_len;
        scsi_target_exec(t, r->lun, r->cdb, r->cdb_len, r->buf, blen, &res);
        scsi = res.status;
        dlen = res.data_len;
        if (r->plan.dir != SCSI_DIR_OUT && dlen && !sg_copy(h, r, true, dlen))
            host = BTSTAT_HAHARDWARE;
        if (r->plan.dir == SCSI_DIR_IN && res.want_len > r->data_len) {
            host = BTSTAT_DATARUN;             /* more data than the host's buffer */
            h->st.dataruns++;
        }
        if (scsi == SCSI_STATUS_CHECK_CONDITION) {
            h->st.check_conditions++;
            uint32_t n = r->sense_len < res.sense_len ? r->sense_len : res.sense_len;
            if (n && r->sense_addr) {
                if (dma_wr(h, r->sense_addr, res.sense, n)) {
                    slen = n;
                    scsi_disk *d = r->lun >= 0 ? scsi_target_lun(t, (unsigned)r->lun) : NULL;
                    if (d)
                        scsi_disk_sense_delivered(d);   /* autosense: REQUEST SENSE is clear */
                } else {
                    host = BTSTAT_SENSFAILED;
                }
            }
        }
        break;
    }
    }
    sim_wait(h->t.cmp_latency);
    uint32_t entries = h->cmp_pages * PVSCSI_CMP_ENTRIES_PER_PAGE;
    for (;;) {                                 /* wait for a free completion slot */
        uint32_t cons;
        if (gen != h->gen || !h->rings_ok || !rs_read32(h, PVSCSI_RS_CMP_CONS_IDX, &cons))
            return;
        if (gen != h->gen)
            return;
        if (h->cmp_prod - cons < entries)
            break;
        h->st.ring_full_waits++;
        sim_wait(h->t.ring_full_retry);
    }
    uint8_t c[PVSCSI_CMP_DESC_SIZE] = {0};
    wr64(c + PVSCSI_CMP_CONTEXT, r->context);
    wr64(c + PVSCSI_CMP_DATA_LEN, dlen);
    wr32(c + PVSCSI_CMP_SENSE_LEN, slen);
    wr16(c + PVSCSI_CMP_HOST_STATUS, host);
    wr16(c + PVSCSI_CMP_SCSI_STATUS, scsi);
    uint32_t idx = h->cmp_prod & (entries - 1);
    uint64_t a = h->cmp_ppn[idx / PVSCSI_CMP_ENTRIES_PER_PAGE] * PVSCSI_PAGE_SIZE +
                 (idx % PVSCSI_CMP_ENTRIES_PER_PAGE) * PVSCSI_CMP_DESC_SIZE;
    if (!dma_wr(h, a, c, sizeof c) || gen != h->gen)
        return;
    h->cmp_prod++;
    rs_write32(h, PVSCSI_RS_CMP_PROD_IDX, h->cmp_prod);   /* after the descriptor: posted order */
    h->st.completions++;
}

static pvscsi_req *take_ready(pvscsi *h)
{
    pvscsi_req **pick = NULL;
    for (pvscsi_req **pp = &h->inflight; *pp; pp = &(*pp)->next)
        if ((*pp)->fate != REQ_OK) {           /* ended by abort/reset: first */
            pick = pp;
            break;
        }
    if (!pick && h->inflight && h->inflight->ready <= sim_now())
        pick = &h->inflight;
    if (!pick)
        return NULL;
    pvscsi_req *r = *pick;
    *pick = r->next;
    h->ninflight--;
    return r;
}

static void cmp_thread(void *arg)
{
    pvscsi *h = arg;
    bool batch = false;
    for (;;) {
        pvscsi_req *r = take_ready(h);
        if (!r) {
            if (batch)
                pvscsi_raise(h, PVSCSI_INTR_CMPL_0);   /* one interrupt per batch */
            batch = false;
            if (h->inflight && h->inflight->ready != SIM_TIME_MAX)
                sim_event_notify(h->cmp_ev, h->inflight->ready - sim_now());
            sim_wait_event(h->cmp_ev);
            continue;
        }
        uint32_t gen = h->gen;
        complete(h, r, gen);
        pvscsi_req_free(r);
        batch = gen == h->gen;
    }
}

void pvscsi_threads_start(pvscsi *h)
{
    if (h->threads_started)
        return;
    h->threads_started = true;
    char n[96];
    snprintf(n, sizeof n, "%s.req", h->name);
    sim_thread_spawn(n, req_thread, h);
    snprintf(n, sizeof n, "%s.cmp", h->name);
    sim_thread_spawn(n, cmp_thread, h);
}
