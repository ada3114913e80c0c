/* e1000_tx.c — the 82540EM transmit path with legacy descriptors (8254x SDM §3.3, §13.4.33-41):
 * a device thread fetches descriptors from TDH towards TDT by DMA (tx_desc_batch at a time, never
 * across the ring's end), reads each buffer by DMA, assembles frames until EOP, hands them to the
 * wire when the port is free, writes back DD for RS descriptors, advances TDH and raises TXDW
 * (delayed by TIDV/TADV when IDE is set) and TXQE when the ring is empty. */
#include <stdlib.h>
#include <string.h>

#include "devices/nic/e1000_internal.h"

void e1000_tx_init(e1000 *s)
{
    s->tx_ev = sim_event_new("e1000.tx");
    s->tx_buf = malloc(E1000_TX_BUF_MAX);
}

void e1000_tx_free(e1000 *s)
{
    sim_event_free(s->tx_ev);
    free(s->tx_buf);
}

void e1000_tx_kick(e1000 *s)
{
    if (!(E1000_REG(s, E1000_TCTL) & E1000_TCTL_EN))
        return;
    s->tx_kick = true;
    sim_event_notify(s->tx_ev, 0);
}

static bool is_bcast(const uint8_t *d)
{
    return (d[0] & d[1] & d[2] & d[3] & d[4] & d[5]) == 0xFF;
}

/* Transmit statistics (§13.7): sizes count DA through FCS. */
static void tx_stats(e1000 *s, const uint8_t *f, size_t len_fcs)
{
    e1000_stat_inc(s, E1000_TPT, 1);
    e1000_stat_add64(s, E1000_TOTL, len_fcs);
    if (len_fcs < WIRE_MIN_FRAME_BYTES)
        return;   /* "good" transmit packets are 64 bytes or more */
    e1000_stat_inc(s, E1000_GPTC, 1);
    e1000_stat_add64(s, E1000_GOTCL, len_fcs);
    uint32_t bucket = len_fcs == 64 ? E1000_PTC64 : len_fcs <= 127 ? E1000_PTC127 :
                      len_fcs <= 255 ? E1000_PTC255 : len_fcs <= 511 ? E1000_PTC511 :
                      len_fcs <= 1023 ? E1000_PTC1023 : E1000_PTC1522;
    if (len_fcs <= 1522)
        e1000_stat_inc(s, bucket, 1);
    if (is_bcast(f))
        e1000_stat_inc(s, E1000_BPTC, 1);
    else if (f[0] & 1)
        e1000_stat_inc(s, E1000_MPTC, 1);
}

/* The assembled frame in s->tx_buf goes out on the wire. */
static void tx_send(e1000 *s, uint8_t cmd)
{
    size_t len = s->tx_len;
    bool fcs_ok = true;
    if (!(cmd & E1000_TXD_CMD_IFCS)) {
        /* software supplied the FCS as the buffer's last four bytes */
        if (len <= WIRE_FCS_BYTES) {
            fcs_ok = false;
            len = len ? len : 1;
        } else {
            len -= WIRE_FCS_BYTES;
            uint32_t crc = wire_crc32(s->tx_buf, len);
            fcs_ok = e1000_le32(s->tx_buf + len) == crc;
        }
    }
    if ((E1000_REG(s, E1000_TCTL) & E1000_TCTL_PSP) && len < WIRE_MIN_FRAME_BYTES - WIRE_FCS_BYTES) {
        memset(s->tx_buf + len, 0, WIRE_MIN_FRAME_BYTES - WIRE_FCS_BYTES - len);
        len = WIRE_MIN_FRAME_BYTES - WIRE_FCS_BYTES;   /* pad with data bytes (§13.4.33 PSP) */
    }
    sim_time_t free_at = wire_port_tx_free_at(s->port);
    if (free_at > sim_now())
        sim_wait(free_at - sim_now());   /* one frame in flight: the next waits for the MAC */
    wire_frame fr = { s->tx_buf, len, fcs_ok };
    sim_err err;
    if (wire_port_send(s->port, &fr, &err) == 0) {
        s->c.tx_dropped++;
        sim_log(SIM_LOG_WARN, s->name, "transmit dropped: %s", err.msg);
        return;
    }
    s->c.tx_frames++;
    s->c.tx_bytes += len;
    tx_stats(s, s->tx_buf, len + WIRE_FCS_BYTES);
}

/* One descriptor (raw 16 bytes at ring index idx); returns false if processing must stop. */
static bool tx_one(e1000 *s, uint64_t desc_addr, uint8_t *d, bool *report)
{
    uint64_t buf = e1000_le64(d);
    uint16_t len = e1000_le16(d + 8);
    uint8_t cmd = d[11];
    if (cmd & E1000_TXD_CMD_DEXT) {
        /* context / data descriptors (TCP segmentation offload, §3.3.5-3.3.7) are not modelled */
        s->c.desc_errors++;
        sim_log(SIM_LOG_WARN, s->name, "TX descriptor at 0x%llx has DEXT set: extended descriptors "
                "are not modelled; skipped", (unsigned long long)desc_addr);
        s->tx_len = 0;
    } else if (len) {
        if (s->tx_len + len > E1000_TX_BUF_MAX) {
            s->tx_overflow = true;
        } else {
            int rc = pcie_dev_dma_read(s->ep, buf, s->tx_buf + s->tx_len, len);
            if (rc != PCIE_DMA_OK) {
                s->c.dma_errors++;
                s->tx_overflow = true;   /* the frame is lost: drop it at EOP */
                sim_log(SIM_LOG_WARN, s->name, "TX buffer read at 0x%llx (%u bytes) failed (%d)",
                        (unsigned long long)buf, len, rc);
            } else {
                s->tx_len += len;
            }
        }
    }
    if ((cmd & E1000_TXD_CMD_EOP) && !(cmd & E1000_TXD_CMD_DEXT)) {
        if (s->tx_overflow || s->tx_len == 0) {
            s->c.tx_dropped++;
            sim_log(SIM_LOG_WARN, s->name, "TX frame of %zu+ bytes dropped (%s)", s->tx_len,
                    s->tx_len ? "too long or DMA fault" : "empty");
        } else {
            tx_send(s, cmd);
        }
        s->tx_len = 0;
        s->tx_overflow = false;
    }
    if (cmd & E1000_TXD_CMD_RS) {
        /* write back the status dword (STA, CSS, special); DD set (§3.3.3.2) */
        d[12] = (uint8_t)((d[12] & 0xF0u) | E1000_TXD_STA_DD);
        int rc = pcie_dev_dma_write(s->ep, desc_addr + 12, d + 12, 4);
        if (rc != PCIE_DMA_OK) {
            s->c.dma_errors++;
            sim_log(SIM_LOG_WARN, s->name, "TX write-back at 0x%llx failed (%d)",
                    (unsigned long long)desc_addr, rc);
        }
        *report = true;
        if (cmd & E1000_TXD_CMD_IDE)
            e1000_delay_event(&s->tx_delay, E1000_REG(s, E1000_TIDV) & 0xFFFFu,
                              E1000_REG(s, E1000_TADV) & 0xFFFFu);
        else
            e1000_irq_set(s, E1000_ICR_TXDW);
    }
    return true;
}

static void tx_process(e1000 *s)
{
    uint8_t descs[64 * E1000_DESC_BYTES];
    while (E1000_REG(s, E1000_TCTL) & E1000_TCTL_EN) {
        uint32_t n = e1000_ring_count(s, E1000_TDLEN);
        uint32_t head = E1000_REG(s, E1000_TDH), tail = E1000_REG(s, E1000_TDT);
        if (head == tail || n == 0)
            return;
        if (head >= n || tail >= n) {
            s->c.desc_errors++;
            sim_log(SIM_LOG_WARN, s->name, "TX ring: TDH %u / TDT %u outside a ring of %u "
                    "descriptors; transmit stalls", head, tail, n);
            return;
        }
        uint32_t avail = tail > head ? tail - head : n - head;   /* contiguous run */
        unsigned batch = s->t.tx_desc_batch < 1 ? 1 : s->t.tx_desc_batch > 64 ? 64 : s->t.tx_desc_batch;
        if (avail > batch)
            avail = batch;
        uint64_t base = (uint64_t)E1000_REG(s, E1000_TDBAH) << 32 | E1000_REG(s, E1000_TDBAL);
        uint64_t addr = base + (uint64_t)head * E1000_DESC_BYTES;
        int rc = pcie_dev_dma_read(s->ep, addr, descs, (size_t)avail * E1000_DESC_BYTES);
        if (rc != PCIE_DMA_OK) {
            s->c.dma_errors++;
            sim_log(SIM_LOG_WARN, s->name, "TX descriptor fetch at 0x%llx failed (%d); transmit "
                    "stalls until TDT is written", (unsigned long long)addr, rc);
            return;
        }
        for (uint32_t i = 0; i < avail; i++) {
            if (s->t.tx_desc_proc_ps)
                sim_wait(s->t.tx_desc_proc_ps);
            if (!(E1000_REG(s, E1000_TCTL) & E1000_TCTL_EN) || E1000_REG(s, E1000_TDH) != head)
                return;   /* disabled or reset meanwhile */
            bool report = false;
            tx_one(s, addr + (uint64_t)i * E1000_DESC_BYTES, descs + i * E1000_DESC_BYTES, &report);
            head = (head + 1) % n;
            E1000_REG(s, E1000_TDH) = head;
        }
        if (head == E1000_REG(s, E1000_TDT))
            e1000_irq_set(s, E1000_ICR_TXQE);
    }
}

void e1000_tx_thread(void *arg)
{
    e1000 *s = arg;
    for (;;) {
        while (!s->tx_kick)
            sim_wait_event(s->tx_ev);
        s->tx_kick = false;
        tx_process(s);
    }
}
