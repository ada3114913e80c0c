/* e1000_rx.c — the 82540EM receive path (8254x SDM §3.2, §13.4.22-32, §13.5): frames from the
 * wire pass the address filter (RAR exact match, broadcast with BAM, multicast table with MO,
 * UPE/MPE) and length/FCS checks into the receive FIFO (PBA.RXA KB; a frame that does not fit is
 * missed: MPC, RXO); a device thread moves them into the buffers of the descriptors from RDH
 * towards RDT (RCTL.BSIZE/BSEX each, several for a long frame), writes the descriptors back,
 * advances RDH and raises RXT0 (through RDTR/RADV) and RXDMT0 at the RDMTS threshold. With
 * RDH == RDT the frame waits in the FIFO (counted once in RNBC). */
#include <stdlib.h>
#include <string.h>

#include "devices/nic/e1000_internal.h"

#define RX_BUF_MAX (WIRE_MAX_FRAME_BYTES + WIRE_FCS_BYTES)

void e1000_rx_init(e1000 *s)
{
    s->rx_ev = sim_event_new("e1000.rx");
    s->rx_buf = malloc(RX_BUF_MAX);
}

void e1000_rx_flush_fifo(e1000 *s)
{
    for (e1000_rx_entry *e = s->rx_head, *n; e; e = n) {
        n = e->next;
        free(e);
    }
    s->rx_head = s->rx_tail = NULL;
    s->rx_fifo_used = 0;
    s->rx_gen++;
}

void e1000_rx_free(e1000 *s)
{
    e1000_rx_flush_fifo(s);
    sim_event_free(s->rx_ev);
    free(s->rx_buf);
}

void e1000_rx_kick(e1000 *s)
{
    s->rx_kick = true;
    sim_event_notify(s->rx_ev, 0);
}

/* Receive buffer size from RCTL.BSIZE and BSEX (§13.4.22). */
static uint32_t rx_buf_size(const e1000 *s)
{
    uint32_t rctl = E1000_REG(s, E1000_RCTL);
    uint32_t bsize = (rctl >> E1000_RCTL_BSIZE_SHIFT) & 3u;
    static const uint32_t normal[4] = { 2048, 1024, 512, 256 };
    static const uint32_t ext[4] = { 2048 /* reserved: treated as 2048 */, 16384, 8192, 4096 };
    return (rctl & E1000_RCTL_BSEX) ? ext[bsize] : normal[bsize];
}

/* Which 12 destination-address bits index the multicast table (RCTL.MO, §13.5.1). */
static uint32_t mta_hash(uint32_t mo, const uint8_t *d)
{
    switch (mo) {
    case 0: return ((uint32_t)d[4] >> 4 | (uint32_t)d[5] << 4) & 0xFFFu;   /* bits 47:36 */
    case 1: return ((uint32_t)d[4] >> 3 | (uint32_t)d[5] << 5) & 0xFFFu;   /* bits 46:35 */
    case 2: return ((uint32_t)d[4] >> 2 | (uint32_t)d[5] << 6) & 0xFFFu;   /* bits 45:34 */
    default: return ((uint32_t)d[4] | (uint32_t)d[5] << 8) & 0xFFFu;       /* bits 43:32 */
    }
}

bool e1000_rx_filter(const e1000 *s, const uint8_t *d)
{
    uint32_t rctl = E1000_REG(s, E1000_RCTL);
    for (uint32_t i = 0; i < E1000_RAR_ENTRIES; i++) {
        uint32_t hi = E1000_REG(s, E1000_RAH(i));
        if (!(hi & E1000_RAH_AV) || ((hi >> E1000_RAH_AS_SHIFT) & 3u) != 0)
            continue;   /* only destination-address entries (AS = 00b) filter */
        uint32_t lo = E1000_REG(s, E1000_RAL(i));
        uint8_t a[6] = { (uint8_t)lo, (uint8_t)(lo >> 8), (uint8_t)(lo >> 16), (uint8_t)(lo >> 24),
                         (uint8_t)hi, (uint8_t)(hi >> 8) };
        if (memcmp(a, d, 6) == 0)
            return true;
    }
    bool bcast = (d[0] & d[1] & d[2] & d[3] & d[4] & d[5]) == 0xFF;
    if (bcast)
        return (rctl & (E1000_RCTL_BAM | E1000_RCTL_MPE)) != 0;
    if (d[0] & 1) {
        if (rctl & E1000_RCTL_MPE)
            return true;
        uint32_t h = mta_hash((rctl >> E1000_RCTL_MO_SHIFT) & 3u, d);
        return (E1000_REG(s, E1000_MTA + 4 * (h >> 5)) >> (h & 31u)) & 1u;
    }
    return (rctl & E1000_RCTL_UPE) != 0;
}

/* A frame arrives from the wire (callback context: no blocking here). */
void e1000_wire_rx(void *ctx, wire_port *port, const wire_frame *f)
{
    (void)port;
    e1000 *s = ctx;
    uint32_t rctl = E1000_REG(s, E1000_RCTL);
    if (!(rctl & E1000_RCTL_EN)) {
        s->c.rx_disabled++;    /* statistics count only while receives are enabled */
        return;
    }
    size_t len_fcs = f->len + WIRE_FCS_BYTES;
    e1000_stat_inc(s, E1000_TPR, 1);
    e1000_stat_add64(s, E1000_TORL, len_fcs);
    bool sbp = rctl & E1000_RCTL_SBP;
    if (!f->fcs_ok) {
        e1000_stat_inc(s, E1000_CRCERRS, 1);
        if (!sbp) {
            s->c.rx_errors++;
            return;
        }
    }
    if (len_fcs < WIRE_MIN_FRAME_BYTES) {
        e1000_stat_inc(s, E1000_RUC, 1);
        if (!sbp) {
            s->c.rx_errors++;
            return;
        }
    }
    /* 1522 B: the longest frame (with an 802.1Q tag) without long-packet enable (§13.4.22 LPE) */
    if (len_fcs > 1522 && !(rctl & E1000_RCTL_LPE)) {
        e1000_stat_inc(s, E1000_ROC, 1);
        s->c.rx_errors++;
        return;
    }
    if (f->len < 6 || !e1000_rx_filter(s, f->data)) {
        s->c.rx_filtered++;
        return;
    }
    size_t fifo_cap = (size_t)(E1000_REG(s, E1000_PBA) & 0xFFFFu) * 1024u;   /* PBA.RXA in KB */
    if (s->rx_fifo_used + len_fcs > fifo_cap) {
        e1000_stat_inc(s, E1000_MPC, 1);
        s->c.rx_missed++;
        e1000_irq_set(s, E1000_ICR_RXO);
        return;
    }
    e1000_rx_entry *e = malloc(sizeof *e + f->len);
    if (!e) {
        e1000_stat_inc(s, E1000_MPC, 1);
        s->c.rx_missed++;
        return;
    }
    e->next = NULL;
    e->len = f->len;
    e->rnbc_counted = false;
    memcpy(e->data, f->data, f->len);
    if (s->rx_tail)
        s->rx_tail->next = e;
    else
        s->rx_head = e;
    s->rx_tail = e;
    s->rx_fifo_used += len_fcs;
    e1000_rx_kick(s);
}

static void rx_stats(e1000 *s, const uint8_t *f, size_t len_fcs)
{
    e1000_stat_inc(s, E1000_GPRC, 1);
    e1000_stat_add64(s, E1000_GORCL, len_fcs);
    uint32_t bucket = len_fcs <= 64 ? E1000_PRC64 : len_fcs <= 127 ? E1000_PRC127 :
                      len_fcs <= 255 ? E1000_PRC255 : len_fcs <= 511 ? E1000_PRC511 :
                      len_fcs <= 1023 ? E1000_PRC1023 : E1000_PRC1522;
    if (len_fcs <= 1522)
        e1000_stat_inc(s, bucket, 1);
    if ((f[0] & f[1] & f[2] & f[3] & f[4] & f[5]) == 0xFF)
        e1000_stat_inc(s, E1000_BPRC, 1);
    else if (f[0] & 1)
        e1000_stat_inc(s, E1000_MPRC, 1);
}

/* 16-bit ones' complement sum from RXCSUM.PCSS to the end of the data (§3.2.3 packet checksum). */
static uint16_t rx_csum(const e1000 *s, const uint8_t *p, size_t len)
{
    size_t start = E1000_REG(s, E1000_RXCSUM) & 0xFFu;
    uint32_t sum = 0;
    for (size_t i = start; i < len; i += 2)
        sum += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint16_t)sum;
}

/* Moves the frame at the head of the FIFO into host buffers; false if it must wait. */
static bool rx_deliver(e1000 *s)
{
    e1000_rx_entry *e = s->rx_head;
    uint32_t n = e1000_ring_count(s, E1000_RDLEN);
    uint32_t head = E1000_REG(s, E1000_RDH), tail = E1000_REG(s, E1000_RDT);
    if (n == 0 || head >= n || tail >= n) {
        if (!e->rnbc_counted) {
            e->rnbc_counted = true;
            e1000_stat_inc(s, E1000_RNBC, 1);
            if (n)
                sim_log(SIM_LOG_WARN, s->name, "RX ring: RDH %u / RDT %u outside a ring of %u",
                        head, tail, n);
        }
        return false;
    }
    bool strip = E1000_REG(s, E1000_RCTL) & E1000_RCTL_SECRC;
    size_t total = e->len;
    memcpy(s->rx_buf, e->data, e->len);
    if (!strip) {   /* the FCS stays in host memory: recomputed as the wire carried it */
        uint32_t crc = wire_crc32(e->data, e->len);
        for (int i = 0; i < 4; i++)
            s->rx_buf[total + (size_t)i] = (uint8_t)(crc >> (8 * i));
        total += WIRE_FCS_BYTES;
    }
    uint32_t bsize = rx_buf_size(s);
    uint32_t need = (uint32_t)((total + bsize - 1) / bsize);
    uint32_t avail = (tail + n - head) % n;
    if (avail < need) {
        if (!e->rnbc_counted) {
            e->rnbc_counted = true;
            e1000_stat_inc(s, E1000_RNBC, 1);   /* no buffers: the frame waits in the FIFO */
        }
        return false;
    }
    /* Out of the FIFO list while it is written (a reset meanwhile flushes only the rest); its
     * bytes stay counted in the FIFO until the frame is in host memory. */
    s->rx_head = e->next;
    if (!s->rx_head)
        s->rx_tail = NULL;
    uint64_t gen = s->rx_gen;
    if (s->t.rx_frame_proc_ps)
        sim_wait(s->t.rx_frame_proc_ps);
    uint64_t base = (uint64_t)E1000_REG(s, E1000_RDBAH) << 32 | E1000_REG(s, E1000_RDBAL);
    uint16_t csum = rx_csum(s, s->rx_buf, e->len);
    size_t done = 0;
    for (uint32_t k = 0; k < need; k++) {
        uint64_t daddr = base + (uint64_t)head * E1000_DESC_BYTES;
        uint8_t d[E1000_DESC_BYTES];
        int rc = pcie_dev_dma_read(s->ep, daddr, d, sizeof d);
        uint8_t errors = 0;
        size_t chunk = total - done < bsize ? total - done : bsize;
        if (rc != PCIE_DMA_OK) {
            s->c.dma_errors++;
            sim_log(SIM_LOG_WARN, s->name, "RX descriptor fetch at 0x%llx failed (%d)",
                    (unsigned long long)daddr, rc);
            memset(d, 0, sizeof d);
            errors = E1000_RXD_ERR_RXE;
        } else {
            rc = pcie_dev_dma_write(s->ep, e1000_le64(d), s->rx_buf + done, chunk);
            if (rc != PCIE_DMA_OK) {
                s->c.dma_errors++;
                errors = E1000_RXD_ERR_RXE;
                sim_log(SIM_LOG_WARN, s->name, "RX buffer write at 0x%llx (%zu bytes) failed (%d)",
                        (unsigned long long)e1000_le64(d), chunk, rc);
            }
        }
        done += chunk;
        bool last = k + 1 == need;
        /* write-back (§3.2.3): length, checksum, status, errors, special */
        e1000_put_le16(d + 8, (uint16_t)chunk);
        e1000_put_le16(d + 10, csum);
        d[12] = (uint8_t)(E1000_RXD_STA_DD | E1000_RXD_STA_IXSM | (last ? E1000_RXD_STA_EOP : 0));
        d[13] = errors;
        e1000_put_le16(d + 14, 0);
        rc = pcie_dev_dma_write(s->ep, daddr + 8, d + 8, 8);
        if (rc != PCIE_DMA_OK) {
            s->c.dma_errors++;
            sim_log(SIM_LOG_WARN, s->name, "RX write-back at 0x%llx failed (%d)",
                    (unsigned long long)daddr, rc);
        }
        head = (head + 1) % n;
        E1000_REG(s, E1000_RDH) = head;
    }
    s->c.rx_frames++;
    s->c.rx_bytes += e->len;
    rx_stats(s, e->data, e->len + WIRE_FCS_BYTES);
    if (gen == s->rx_gen)
        s->rx_fifo_used -= e->len + WIRE_FCS_BYTES;
    free(e);
    /* free descriptors left: RXDMT0 when they fall to RDMTS (1/2, 1/4, 1/8 of the ring) */
    uint32_t rdmts = (E1000_REG(s, E1000_RCTL) >> E1000_RCTL_RDMTS_SHIFT) & 3u;
    uint32_t threshold = rdmts < 3 ? n >> (rdmts + 1) : 0;
    uint32_t left = (E1000_REG(s, E1000_RDT) + n - head) % n;
    if (left <= threshold) {
        if (!s->rxdmt_low) {
            s->rxdmt_low = true;
            e1000_irq_set(s, E1000_ICR_RXDMT0);
        }
    } else {
        s->rxdmt_low = false;
    }
    e1000_delay_event(&s->rx_delay, E1000_REG(s, E1000_RDTR) & 0xFFFFu,
                      E1000_REG(s, E1000_RADV) & 0xFFFFu);
    return true;
}

void e1000_rx_thread(void *arg)
{
    e1000 *s = arg;
    for (;;) {
        while (!s->rx_kick)
            sim_wait_event(s->rx_ev);
        s->rx_kick = false;
        while (s->rx_head && (E1000_REG(s, E1000_RCTL) & E1000_RCTL_EN))
            if (!rx_deliver(s))
                break;
    }
}
