/* disk_media.c — media timing presets and the channel + data-path schedule (disk_media.h).
 * Every figure below carries its source; docs/hba.md repeats them with the reasoning. */
#include "devices/disk/disk_media.h"

#include <string.h>

/* "nvme": Intel SSD DC P4500 2.0 TB (PCIe 3.0 x4 NVMe), Lenovo product guide for 4XB7A08539,
 * table 2 "Technical specifications": random read access latency 85 us, sequential 10 us;
 * random write 20 us, sequential 13 us; sequential read 3.2 GB/s, write 1.05 GB/s; 490,000 read
 * IOPS (4 KB). The channel count makes the random-read IOPS come out of the model:
 * 490,000 IOPS x 85 us = 41.65 accesses in flight -> 42 channels. (Consistent with the NAND
 * read figure of 50-100 us in docs reference/pcie.md section 4.) */
static const disk_media_params preset_nvme = {
    .name = "nvme",
    .read_latency = 85 * SIM_US,
    .read_seq_latency = 10 * SIM_US,
    .write_latency = 20 * SIM_US,
    .write_seq_latency = 13 * SIM_US,
    .read_bytes_per_s = 3200000000ull,
    .write_bytes_per_s = 1050000000ull,
    .channels = 42,
};

/* "disk": a 7200 rpm SATA disk, Western Digital Ultrastar DC HC310 OEM specification rev 1.4,
 * 4.5.1.1 average seek (typical) read 7.4 ms, write 8.2 ms; 4.5.1.3 average rotational latency
 * at 7200 rpm 4.16 ms (half of 8.33 ms per revolution). Random access = seek + rotation:
 * read 11.56 ms, write 12.36 ms. A sequential access pays neither (the head is already there).
 * Sustained media rate 255 MB/s (HC310 6 TB data sheet). One head: one channel. */
static const disk_media_params preset_disk = {
    .name = "disk",
    .read_latency = 7400 * SIM_US + 4160 * SIM_US,
    .read_seq_latency = 0,
    .write_latency = 8200 * SIM_US + 4160 * SIM_US,
    .write_seq_latency = 0,
    .read_bytes_per_s = 255000000ull,
    .write_bytes_per_s = 255000000ull,
    .channels = 1,
};

/* "ideal": no media time at all; for tests that look at the HBA or the fabric alone. */
static const disk_media_params preset_ideal = {
    .name = "ideal",
    .channels = DISK_MEDIA_MAX_CHANNELS,
};

static const disk_media_params *const presets[] = { &preset_nvme, &preset_disk, &preset_ideal };

int disk_media_preset(const char *name, disk_media_params *p, sim_err *err)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (name && strcmp(presets[i]->name, name) == 0) {
            *p = *presets[i];
            return 0;
        }
    return sim_err_set(err, "unknown media preset '%s' (known: nvme, disk, ideal)",
                       name ? name : "(null)");
}

int disk_media_validate(const disk_media_params *p, sim_err *err)
{
    if (p->channels < 1 || p->channels > DISK_MEDIA_MAX_CHANNELS)
        return sim_err_set(err, "media '%s': channels %u out of range 1..%d",
                           p->name ? p->name : "custom", p->channels, DISK_MEDIA_MAX_CHANNELS);
    return 0;
}

void disk_media_init(disk_media *m, const disk_media_params *p)
{
    memset(m, 0, sizeof *m);
    m->p = *p;
}

sim_time_t disk_media_xfer_time(uint64_t len, uint64_t bytes_per_s)
{
    if (bytes_per_s == 0 || len == 0)
        return 0;
    unsigned __int128 ps = (unsigned __int128)len * SIM_SEC;
    return (sim_time_t)((ps + bytes_per_s - 1) / bytes_per_s);
}

sim_time_t disk_media_schedule(disk_media *m, sim_time_t now, bool is_write, uint64_t off,
                               uint64_t len)
{
    /* the channel that frees first (lowest index on ties: deterministic) */
    unsigned ch = 0;
    for (unsigned i = 1; i < m->p.channels; i++)
        if (m->chan_free[i] < m->chan_free[ch])
            ch = i;
    sim_time_t start = now > m->chan_free[ch] ? now : m->chan_free[ch];
    bool seq = m->have_last && off == m->next_seq_off;
    sim_time_t lat = is_write ? (seq ? m->p.write_seq_latency : m->p.write_latency)
                              : (seq ? m->p.read_seq_latency : m->p.read_latency);
    sim_time_t ready = start + lat;
    sim_time_t xs = ready > m->xfer_free ? ready : m->xfer_free;
    sim_time_t done = xs + disk_media_xfer_time(len, is_write ? m->p.write_bytes_per_s
                                                              : m->p.read_bytes_per_s);
    m->xfer_free = done;
    m->chan_free[ch] = done;
    m->next_seq_off = off + len;
    m->have_last = true;
    m->accesses++;
    if (seq)
        m->seq_accesses++;
    if (is_write)
        m->bytes_written += len;
    else
        m->bytes_read += len;
    return done;
}
