/* dma.c — device DMA to host memory (pci_access.h): reads as MRd requests (MRRS, 4 KiB) answered
 * after the root complex latency by CplD completions (MPS, RCB); writes as posted MWr (MPS,
 * 4 KiB); PCIe Base Spec 5.0 §2.2.7, §2.3.1.1, split by link_timing.h. Every TLP is timed on every
 * link (link_occupancy.c). The host copies at the time a request reaches the root complex. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/pcie_regs.h"

/* The link parameters a transfer is split with: the device's own MRRS and the smallest MPS on its
 * path (software sets one MPS per hierarchy, §7.5.3.4; the completer and every switch honour it). */
static pcie_link_params split_params(const pcie_endpoint *ep)
{
    pcie_link_params l = ep->path[ep->depth - 1]->link;
    for (int i = 0; i < ep->depth; i++)
        if (ep->path[i]->link.mps < l.mps)
            l.mps = ep->path[i]->link.mps;
    return l;
}

/* DW-covering payload of a TLP for [addr, addr+len): the Length field counts DWs (§2.2.2). */
static uint32_t dw_payload(uint64_t addr, uint32_t len)
{
    return (uint32_t)(((addr & 3) + len + 3) & ~(uint64_t)3);
}

static int precheck(pcie_endpoint *ep, const char *what, size_t len)
{
    pcie_fabric *f = ep->fabric;
    if (!pcie_dev_link_up(ep)) {
        f->stats.dma_no_link++;
        return PCIE_DMA_NO_LINK;
    }
    /* §7.5.1.1.3: without Bus Master Enable a function issues no memory requests. */
    if (!(pcie_cfg_get16(&ep->fn->cfg, PCIE_COMMAND) & PCIE_COMMAND_MASTER)) {
        sim_log(SIM_LOG_WARN, "pcie", "%s: DMA %s of %zu B with Bus Master Enable clear: refused",
                ep->fn->name, what, len);
        f->stats.dma_faults++;
        return PCIE_DMA_FAULT;
    }
    return PCIE_DMA_OK;
}

/* ---- reads ---- */

typedef struct dma_read_op {
    pcie_endpoint *ep;
    uint8_t *buf;
    int status;
    uint64_t reqs_left;
    sim_event *ev;
} dma_read_op;

typedef struct dma_read_req {
    pcie_fabric_life *life;    /* held while the root complex latency runs */
    dma_read_op *op;
    uint64_t addr;
    uint32_t len;
    size_t buf_off;
    int status;
    uint64_t cpls_left;
} dma_read_req;

static void req_done(dma_read_req *q, int status)
{
    dma_read_op *op = q->op;
    if (status != PCIE_DMA_OK && op->status == PCIE_DMA_OK)
        op->status = status;
    free(q);
    if (--op->reqs_left == 0)
        sim_event_notify(op->ev, 0);
}

static void cpl_arrived(void *arg, bool delivered)
{
    dma_read_req *q = arg;
    if (!delivered && q->status == PCIE_DMA_OK)
        q->status = PCIE_DMA_NO_LINK;
    if (--q->cpls_left == 0)
        req_done(q, q->status);
}

/* The root complex answers a request root_complex_latency_ps after it arrived. */
static void send_completions(void *arg)
{
    dma_read_req *q = arg;
    if (!pcie_fabric_life_put(q->life)) {
        free(q);
        return;
    }
    pcie_endpoint *ep = q->op->ep;
    ep->inflight--;   /* held over the root complex latency (a pulled card's handle waits) */
    if (q->status != PCIE_DMA_OK) {
        /* §2.3.1: a request the completer refuses gets one completion without data. */
        q->cpls_left = 1;
        pcie_tlp_send(ep, PCIE_DIR_DOWN, PCIE_TLP_CPL, 0, cpl_arrived, q);
        return;
    }
    pcie_link_params l = split_params(ep);
    pcie_dma_opts o = pcie_dma_opts_default();
    uint32_t lens[4096 / 64 + 1];   /* at most MRRS / RCB completions: 4096 / 64 */
    uint64_t n = 0, a = q->addr, left = q->len;
    while (left > 0) {
        uint32_t c = pcie_split_cpld(&l, &o, a, left);
        assert(n < sizeof lens / sizeof lens[0]);
        lens[n++] = dw_payload(a, c);
        a += c;
        left -= c;
    }
    /* All completions are counted before the first can arrive (a zero-delay arrival callback
     * could otherwise finish the request early). */
    q->cpls_left = n;
    for (uint64_t i = 0; i < n; i++)
        pcie_tlp_send(ep, PCIE_DIR_DOWN, PCIE_TLP_CPLD, lens[i], cpl_arrived, q);
}

static void mrd_arrived(void *arg, bool delivered)
{
    dma_read_req *q = arg;
    pcie_endpoint *ep = q->op->ep;
    pcie_fabric *f = ep->fabric;
    if (!delivered) {
        req_done(q, PCIE_DMA_NO_LINK);
        return;
    }
    /* The host copies when the request reaches the root complex. */
    int rc = PCIE_DMA_FAULT;
    if (f->host && f->host->dma)
        rc = f->host->dma(f->host_ctx, pcie_dev_requester_id(ep), q->addr, q->op->buf + q->buf_off,
                          q->len, false);
    q->status = rc == PCIE_DMA_OK ? PCIE_DMA_OK : PCIE_DMA_FAULT;
    if (q->status != PCIE_DMA_OK)
        f->stats.dma_faults++;
    q->life = pcie_fabric_life_get(f);
    ep->inflight++;
    sim_call_after(f->rc_latency_ps, send_completions, q);
}

int pcie_dev_dma_read(pcie_endpoint *ep, uint64_t addr, void *buf, size_t len)
{
    if (!ep || (!buf && len))
        return PCIE_DMA_FAULT;
    int rc = precheck(ep, "read", len);
    if (rc != PCIE_DMA_OK || len == 0)
        return rc;
    pcie_fabric *f = ep->fabric;
    f->stats.dma_reads++;
    pcie_link_params l = split_params(ep);
    dma_read_op op = {.ep = ep, .buf = buf, .status = PCIE_DMA_OK,
                      .ev = sim_event_new("pcie.dma_read")};
    /* Count every request first, then issue them: they queue on the device's link in order. */
    uint64_t a = addr, left = len;
    while (left > 0) {
        uint32_t c = pcie_split_mrd(&l, a, left);
        op.reqs_left++;
        a += c;
        left -= c;
    }
    a = addr;
    left = len;
    while (left > 0) {
        uint32_t c = pcie_split_mrd(&l, a, left);
        dma_read_req *q = calloc(1, sizeof *q);
        if (!q) {
            /* Requests already sent still complete; this one and the rest never go out. */
            sim_log(SIM_LOG_ERROR, "pcie", "%s: DMA read: out of memory", ep->fn->name);
            if (op.status == PCIE_DMA_OK)
                op.status = PCIE_DMA_FAULT;
            while (left > 0) {
                c = pcie_split_mrd(&l, a, left);
                op.reqs_left--;
                a += c;
                left -= c;
            }
            break;
        }
        q->op = &op;
        q->addr = a;
        q->len = c;
        q->buf_off = (size_t)(a - addr);
        pcie_tlp_send(ep, PCIE_DIR_UP, PCIE_TLP_MRD, 0, mrd_arrived, q);
        a += c;
        left -= c;
    }
    while (op.reqs_left > 0)
        sim_wait_event(op.ev);
    sim_event_free(op.ev);
    if (op.status == PCIE_DMA_OK)
        f->stats.dma_bytes_read += len;
    else if (op.status == PCIE_DMA_NO_LINK)
        f->stats.dma_no_link++;
    return op.status;
}

/* ---- writes ---- */

typedef struct dma_write_tlp {
    pcie_endpoint *ep;
    uint64_t addr;
    uint32_t len;
    uint8_t data[];
} dma_write_tlp;

static void mwr_arrived(void *arg, bool delivered)
{
    dma_write_tlp *w = arg;
    pcie_fabric *f = w->ep->fabric;
    if (delivered) {
        int rc = PCIE_DMA_FAULT;
        if (f->host && f->host->dma)
            rc = f->host->dma(f->host_ctx, pcie_dev_requester_id(w->ep), w->addr, w->data, w->len,
                              true);
        if (rc != PCIE_DMA_OK) {
            /* A posted write gets no completion: the device never learns (§2.4.1); the host
             * side records the fault (an IOMMU would log it). */
            f->stats.dma_faults++;
            sim_log(SIM_LOG_DEBUG, "pcie", "%s: DMA write 0x%llx +%u refused by the host",
                    w->ep->fn->name, (unsigned long long)w->addr, w->len);
        } else {
            f->stats.dma_bytes_written += w->len;
        }
    } else {
        f->stats.dma_no_link++;
    }
    free(w);
}

int pcie_dev_dma_write(pcie_endpoint *ep, uint64_t addr, const void *buf, size_t len)
{
    if (!ep || (!buf && len))
        return PCIE_DMA_FAULT;
    int rc = precheck(ep, "write", len);
    if (rc != PCIE_DMA_OK || len == 0)
        return rc;
    pcie_fabric *f = ep->fabric;
    f->stats.dma_writes++;
    pcie_link_params l = split_params(ep);
    sim_time_t left_link = sim_now();
    const uint8_t *src = buf;
    uint64_t a = addr, left = len;
    while (left > 0) {
        uint32_t c = pcie_split_mwr(&l, a, left);
        dma_write_tlp *w = malloc(sizeof *w + c);
        if (!w) {
            sim_log(SIM_LOG_ERROR, "pcie", "%s: DMA write: out of memory", ep->fn->name);
            return PCIE_DMA_FAULT;
        }
        w->ep = ep;
        w->addr = a;
        w->len = c;
        memcpy(w->data, src + (a - addr), c);
        left_link = pcie_tlp_send(ep, PCIE_DIR_UP, PCIE_TLP_MWR, dw_payload(a, c), mwr_arrived, w);
        a += c;
        left -= c;
    }
    /* Posted: the device is done once its last TLP has left its own link. */
    if (sim_in_thread() && left_link > sim_now())
        sim_wait(left_link - sim_now());
    return PCIE_DMA_OK;
}
