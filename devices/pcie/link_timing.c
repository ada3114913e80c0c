/* link_timing.c — PCIe link timing: link rates, per-TLP wire bytes and time, DMA splitting into
 * TLPs, switch hop delay, and the effective-bandwidth model of pcie-bench (Neugebauer et al.,
 * SIGCOMM 2018, github.com/pcie-bench/pcie-model, model/pcie.py + model/mem_bw.py), written from
 * its published formulas. Formulas and sources: docs/pcie-timing.md. */
#include "devices/pcie/link_timing.h"

#include <assert.h>
#include <stddef.h>

/* ---- constants, each with its source ---- */

/* Transfer rate per lane in tenths of GT/s: 2.5, 5, 8, 16, 32 GT/s for gen1-5
 * (PCIe Base Spec 5.0 §4.2; pcie-model model/pcie.py GTs). */
static const uint32_t gen_gt_tenths[5] = {25, 50, 80, 160, 320};

/* Line encoding: 8b/10b for 2.5 and 5 GT/s, 128b/130b from 8 GT/s on (PCIe Base Spec 5.0 §4.2.1,
 * §4.2.2). */
static const uint32_t enc_data_bits[5] = {8, 8, 128, 128, 128};
static const uint32_t enc_line_bits[5] = {10, 10, 130, 130, 130};

static const int link_widths[] = {1, 2, 4, 8, 16};
#define N_WIDTHS ((int)(sizeof link_widths / sizeof link_widths[0]))
#define N_SIZES 6  /* 128, 256, 512, 1024, 2048, 4096 */

/* Bytes of TLP traffic allowed between two Ack DLLPs and between two UpdateFC DLLPs, by rate
 * group (2.5 GT/s, 5 GT/s, 8 GT/s and up), width and MPS. Source: PCIe Base Spec 5.0 Tables 3-7,
 * 3-8, 3-9 (Ack/Nak latency limits) and Tables 2-46, 2-47, 2-48 (UpdateFC transmission latency
 * guidelines), as transcribed in pcie-model model/pcie.py (Ack_Limits, FC_Guide); for widths
 * x1-x16 the two tables hold the same numbers there, so one table serves both DLLP kinds. */
static const uint16_t dllp_interval_bytes[3][N_WIDTHS][N_SIZES] = {
    { /* 2.5 GT/s */
        {237, 416, 559, 1071, 2095, 4143},
        {128, 217, 289, 545, 1057, 2081},
        {73, 118, 154, 282, 538, 1050},
        {67, 107, 86, 150, 278, 534},
        {48, 72, 86, 150, 278, 534},
    },
    { /* 5 GT/s */
        {288, 467, 610, 1122, 2146, 4194},
        {179, 268, 340, 596, 1108, 2132},
        {124, 169, 205, 333, 589, 1101},
        {118, 158, 137, 201, 329, 585},
        {99, 123, 137, 201, 329, 585},
    },
    { /* 8, 16, 32 GT/s */
        {333, 512, 655, 1167, 2191, 4239},
        {224, 313, 385, 641, 1153, 2177},
        {169, 214, 250, 378, 634, 1146},
        {163, 203, 182, 246, 374, 630},
        {144, 168, 182, 246, 374, 630},
    },
};

/* An Ack or UpdateFC DLLP on the link: 4 B DLLP + 2 B CRC + 2 B framing (SDP/END)
 * (PCIe Base Spec 5.0 §3.5; pcie-model Ack_Size, FC_Size). */
#define DLLP_WIRE_BYTES 8u
/* SKIP ordered set: 4 B every 1538 B for clock compensation (PCIe Base Spec 5.0 §4.2.7;
 * pcie-model SKIP_Length, SKIP_Interval). */
#define SKIP_BYTES 4u
#define SKIP_INTERVAL_BYTES 1538u
/* Per-TLP framing and data link layer: 2 B sequence number + 4 B LCRC (§3.6.2) + start/end
 * framing (§4.2.2); 8 B for every generation, as pcie-model's DLLP_Hdr counts it. */
#define TLP_FRAMING_BYTES 8u
/* TLP headers (PCIe Base Spec 5.0 §2.2.1, Figures 2-14..2-16, 2-20): memory requests carry a
 * 3 DW header with a 32-bit address and 4 DW with a 64-bit one; completions 3 DW; messages 4 DW. */
#define HDR_3DW 12u
#define HDR_4DW 16u
/* An MSI/MSI-X is a memory write of one DW (PCIe Base Spec 5.0 §6.1.4; pcie-model MSI_SIZE). */
#define MSI_PAYLOAD_BYTES 4u
/* Requests must not cross a 4 KiB address boundary (PCIe Base Spec 5.0 §2.2.7). */
#define PAGE_BYTES 4096u
#define DW_BYTES 4u

/* ---- validation ---- */

static int size_index(int v)
{
    for (int i = 0; i < N_SIZES; i++)
        if (v == (128 << i))
            return i;
    return -1;
}

static int width_index(int w)
{
    for (int i = 0; i < N_WIDTHS; i++)
        if (w == link_widths[i])
            return i;
    return -1;
}

int pcie_link_validate(const pcie_link_params *l, sim_err *err)
{
    if (l->gen < 1 || l->gen > 5)
        return sim_err_set(err, "gen: %d is not one of 1, 2, 3, 4, 5", l->gen);
    if (width_index(l->width) < 0)
        return sim_err_set(err, "width: %d is not one of 1, 2, 4, 8, 16", l->width);
    if (size_index(l->mps) < 0)
        return sim_err_set(err, "mps: %d is not one of 128, 256, 512, 1024, 2048, 4096", l->mps);
    if (size_index(l->mrrs) < 0)
        return sim_err_set(err, "mrrs: %d is not one of 128, 256, 512, 1024, 2048, 4096", l->mrrs);
    return 0;
}

int pcie_rcb_validate(int rcb, sim_err *err)
{
    /* Link Control RCB bit: 0 = 64 B, 1 = 128 B (PCIe Base Spec 5.0 §7.5.3.7). */
    if (rcb != 64 && rcb != 128)
        return sim_err_set(err, "rcb: %d is not one of 64, 128", rcb);
    return 0;
}

/* Index helpers for links the caller has validated; a bad link is a simulator bug. */
static int gen_index(const pcie_link_params *l)
{
    bool ok = l->gen >= 1 && l->gen <= 5;
    assert(ok && "pcie link not validated");
    return ok ? l->gen - 1 : 0;
}

static const uint16_t *interval_row(const pcie_link_params *l)
{
    int g = gen_index(l), w = width_index(l->width);
    assert(w >= 0 && "pcie link not validated");
    int group = g < 2 ? g : 2;
    return dllp_interval_bytes[group][w < 0 ? 0 : w];
}

/* ---- link rates ---- */

double pcie_link_raw_gbps(const pcie_link_params *l)
{
    int g = gen_index(l);
    return (double)gen_gt_tenths[g] / 10.0 * (double)enc_data_bits[g] / (double)enc_line_bits[g] *
           (double)l->width;
}

double pcie_link_dllp_share(const pcie_link_params *l)
{
    int m = size_index(l->mps);
    assert(m >= 0 && "pcie link not validated");
    double interval = (double)interval_row(l)[m < 0 ? 0 : m];
    double ack = DLLP_WIRE_BYTES / interval;  /* one Ack per interval */
    double fc = DLLP_WIRE_BYTES / interval;   /* one UpdateFC per interval */
    double skip = (double)SKIP_BYTES / (double)SKIP_INTERVAL_BYTES;
    return ack + fc + skip;
}

double pcie_link_tlp_gbps(const pcie_link_params *l)
{
    return pcie_link_raw_gbps(l) * (1.0 - pcie_link_dllp_share(l));
}

/* ---- one TLP ---- */

const char *pcie_tlp_kind_name(pcie_tlp_kind kind)
{
    switch (kind) {
    case PCIE_TLP_MWR: return "MWr";
    case PCIE_TLP_MRD: return "MRd";
    case PCIE_TLP_CPLD: return "CplD";
    case PCIE_TLP_CPL: return "Cpl";
    case PCIE_TLP_MSG: return "Msg";
    case PCIE_TLP_MSGD: return "MsgD";
    case PCIE_TLP_MSI: return "MSI";
    }
    return "?";
}

uint32_t pcie_tlp_overhead_bytes(const pcie_link_params *l, pcie_tlp_kind kind)
{
    uint32_t hdr = HDR_3DW;
    switch (kind) {
    case PCIE_TLP_MWR:
    case PCIE_TLP_MRD:
    case PCIE_TLP_MSI:
        hdr = l->addr64 ? HDR_4DW : HDR_3DW;
        break;
    case PCIE_TLP_CPLD:
    case PCIE_TLP_CPL:
        hdr = HDR_3DW;
        break;
    case PCIE_TLP_MSG:
    case PCIE_TLP_MSGD:
        hdr = HDR_4DW;
        break;
    }
    return TLP_FRAMING_BYTES + hdr;
}

static uint64_t dw_round(uint64_t bytes)
{
    return (bytes + DW_BYTES - 1) / DW_BYTES * DW_BYTES;
}

uint64_t pcie_tlp_wire_bytes(const pcie_link_params *l, pcie_tlp_kind kind, uint32_t payload)
{
    uint64_t data = 0;
    switch (kind) {
    case PCIE_TLP_MWR:
    case PCIE_TLP_CPLD:
    case PCIE_TLP_MSGD:
        data = dw_round(payload);
        break;
    case PCIE_TLP_MSI:
        data = MSI_PAYLOAD_BYTES;
        break;
    case PCIE_TLP_MRD:
    case PCIE_TLP_CPL:
    case PCIE_TLP_MSG:
        data = 0;
        break;
    }
    return pcie_tlp_overhead_bytes(l, kind) + data;
}

sim_time_t pcie_link_bytes_ps(const pcie_link_params *l, uint64_t bytes)
{
    /* bits / (Gb/s) = ns; x1000 for ps; rounded to the nearest picosecond. */
    double ps = (double)bytes * 8.0 * 1000.0 / pcie_link_tlp_gbps(l);
    return (sim_time_t)(ps + 0.5);
}

sim_time_t pcie_link_tlp_ps(const pcie_link_params *l, pcie_tlp_kind kind, uint32_t payload)
{
    return pcie_link_bytes_ps(l, pcie_tlp_wire_bytes(l, kind, payload));
}

/* ---- switch hops ---- */

sim_time_t pcie_hop_ps(const pcie_link_params *ingress, bool cut_through, sim_time_t latency_ps,
                       pcie_tlp_kind kind, uint32_t payload)
{
    if (cut_through)
        return latency_ps;
    return latency_ps + pcie_link_tlp_ps(ingress, kind, payload);
}

/* ---- splitting DMA into TLPs ---- */

pcie_dma_opts pcie_dma_opts_default(void)
{
    pcie_dma_opts o = {.rcb = 64, .rcb_chunks = false, .pad_to_dw = true};
    return o;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t to_page_end(uint64_t addr)
{
    return PAGE_BYTES - addr % PAGE_BYTES;
}

uint32_t pcie_split_mwr(const pcie_link_params *l, uint64_t addr, uint64_t remaining)
{
    return (uint32_t)min_u64(min_u64(remaining, (uint64_t)l->mps), to_page_end(addr));
}

uint32_t pcie_split_mrd(const pcie_link_params *l, uint64_t addr, uint64_t remaining)
{
    return (uint32_t)min_u64(min_u64(remaining, (uint64_t)l->mrrs), to_page_end(addr));
}

uint32_t pcie_split_cpld(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t addr,
                         uint64_t remaining)
{
    uint64_t rcb = o->rcb;
    if (o->rcb_chunks)
        return (uint32_t)min_u64(remaining, rcb - addr % rcb);
    if (remaining <= (uint64_t)l->mps)
        return (uint32_t)remaining;  /* the last completion may end anywhere */
    /* Largest completion within MPS that ends on an RCB boundary (§2.3.1.1); MPS >= 128 >= RCB,
     * so the boundary lies beyond addr. */
    uint64_t end = (addr + (uint64_t)l->mps) / rcb * rcb;
    return (uint32_t)(end - addr);
}

static uint64_t payload_wire(const pcie_dma_opts *o, uint64_t addr, uint64_t len)
{
    if (!o->pad_to_dw)
        return len;
    return dw_round(addr % DW_BYTES + len);
}

typedef void (*range_fn)(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t addr,
                         uint64_t len, pcie_dma_cost *c);

/* A write within one 4 KiB page (or less): TLP by TLP. */
static void write_range(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t addr,
                        uint64_t len, pcie_dma_cost *c)
{
    uint64_t hdr = pcie_tlp_overhead_bytes(l, PCIE_TLP_MWR);
    while (len > 0) {
        uint32_t n = pcie_split_mwr(l, addr, len);
        c->mwr++;
        c->up_bytes += hdr + payload_wire(o, addr, n);
        addr += n;
        len -= n;
    }
}

/* A read within one 4 KiB page (or less): each request, then that request's completions. */
static void read_range(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t addr,
                       uint64_t len, pcie_dma_cost *c)
{
    uint64_t req_hdr = pcie_tlp_overhead_bytes(l, PCIE_TLP_MRD);
    uint64_t cpl_hdr = pcie_tlp_overhead_bytes(l, PCIE_TLP_CPLD);
    while (len > 0) {
        uint32_t n = pcie_split_mrd(l, addr, len);
        c->mrd++;
        c->up_bytes += req_hdr;
        uint64_t a = addr, left = n;
        while (left > 0) {
            uint32_t m = pcie_split_cpld(l, o, a, left);
            c->cpld++;
            c->down_bytes += cpl_hdr + payload_wire(o, a, m);
            a += m;
            left -= m;
        }
        addr += n;
        len -= n;
    }
}

static void cost_add(pcie_dma_cost *c, const pcie_dma_cost *d, uint64_t times)
{
    c->mwr += d->mwr * times;
    c->mrd += d->mrd * times;
    c->cpld += d->cpld * times;
    c->up_bytes += d->up_bytes * times;
    c->down_bytes += d->down_bytes * times;
}

/* No TLP crosses a 4 KiB boundary, so every whole page of a transfer costs the same: count the
 * leading partial page, one whole page times the number of whole pages, and the tail. The work is
 * bounded by a few pages whatever the length. */
static void by_pages(range_fn fn, const pcie_link_params *l, const pcie_dma_opts *o,
                     uint64_t addr, uint64_t len, pcie_dma_cost *c)
{
    uint64_t head = min_u64(len, to_page_end(addr));
    fn(l, o, addr, head, c);
    addr += head;
    len -= head;
    uint64_t pages = len / PAGE_BYTES;
    if (pages > 0) {
        pcie_dma_cost page = {0};
        fn(l, o, addr, PAGE_BYTES, &page);
        cost_add(c, &page, pages);
        addr += pages * PAGE_BYTES;
        len -= pages * PAGE_BYTES;
    }
    if (len > 0)
        fn(l, o, addr, len, c);
}

void pcie_dma_write_cost(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t addr,
                         uint64_t len, pcie_dma_cost *c)
{
    by_pages(write_range, l, o, addr, len, c);
}

void pcie_dma_read_cost(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t addr,
                        uint64_t len, pcie_dma_cost *c)
{
    by_pages(read_range, l, o, addr, len, c);
}

/* ---- effective bandwidth ---- */

static double max_d(double a, double b)
{
    return a > b ? a : b;
}

int pcie_bw_compute(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t size,
                    pcie_bw_result *r, sim_err *err)
{
    if (pcie_link_validate(l, err) < 0 || pcie_rcb_validate((int)o->rcb, err) < 0)
        return -1;
    if (size == 0)
        return sim_err_set(err, "size: must be at least 1 byte");
    *r = (pcie_bw_result){0};
    r->raw_gbps = pcie_link_raw_gbps(l);
    r->tlp_gbps = pcie_link_tlp_gbps(l);
    pcie_dma_write_cost(l, o, 0, size, &r->write);
    pcie_dma_read_cost(l, o, 0, size, &r->read);

    /* Both directions of the link carry tlp_gbps. A stream of transfers moves `size` data bytes
     * per transfer and is limited by whichever direction must carry more link bytes per transfer
     * (pcie-bench mem_bw.py: write, read, read_write under a raw-bandwidth spec). */
    double s = (double)size, t = r->tlp_gbps;
    r->write_gbps = s * t / (double)r->write.up_bytes;
    r->read_gbps = s * t / max_d((double)r->read.up_bytes, (double)r->read.down_bytes);
    double up = (double)(r->write.up_bytes + r->read.up_bytes);
    double down = (double)(r->write.down_bytes + r->read.down_bytes);
    r->rw_gbps = s * t / max_d(up, down);
    return 0;
}
