/* disk_media.h — the media timing model of a disk: how long the medium takes to serve an access.
 * An access waits for a free channel (the medium's internal parallelism: NAND dies/planes, or
 * the single head of a spinning disk), pays an access latency (random or sequential: an access
 * that starts where the previous one ended skips the seek/lookup), then moves its bytes over the
 * medium's data path, which carries one transfer at a time at the preset bandwidth.
 * Presets and their sources: docs/hba.md "Media presets". */
#ifndef VMKSIM_DISK_MEDIA_H
#define VMKSIM_DISK_MEDIA_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/err.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DISK_MEDIA_MAX_CHANNELS 64

typedef struct disk_media_params {
    const char *name;               /* preset name, or "custom" */
    sim_time_t read_latency;        /* random read: command to first byte off the medium */
    sim_time_t read_seq_latency;    /* read starting at the byte after the previous access */
    sim_time_t write_latency;       /* random write: command to data committed */
    sim_time_t write_seq_latency;
    uint64_t read_bytes_per_s;      /* sustained; 0 = unlimited */
    uint64_t write_bytes_per_s;
    unsigned channels;              /* accesses in service at once, 1..DISK_MEDIA_MAX_CHANNELS */
} disk_media_params;

/* Fills p with the named preset: "nvme", "disk" or "ideal" (no media time at all, for tests of
 * the paths around the disk). Returns 0, or -1 naming the unknown preset and the known ones. */
int disk_media_preset(const char *name, disk_media_params *p, sim_err *err);
/* Checks a custom parameter set (channels in range). */
int disk_media_validate(const disk_media_params *p, sim_err *err);

typedef struct disk_media {
    disk_media_params p;
    sim_time_t chan_free[DISK_MEDIA_MAX_CHANNELS];  /* when each channel is next free */
    sim_time_t xfer_free;                           /* when the data path is next free */
    uint64_t next_seq_off;                          /* byte after the last access */
    bool have_last;
    uint64_t accesses, seq_accesses, bytes_read, bytes_written;
} disk_media;

void disk_media_init(disk_media *m, const disk_media_params *p);
/* Schedules an access of len bytes at byte offset off arriving at time now; returns the absolute
 * time the medium finishes it. Deterministic: depends only on the sequence of calls. */
sim_time_t disk_media_schedule(disk_media *m, sim_time_t now, bool is_write, uint64_t off,
                               uint64_t len);
/* Time to move len bytes at rate bytes/s (0 = unlimited), rounded up to a picosecond. */
sim_time_t disk_media_xfer_time(uint64_t len, uint64_t bytes_per_s);

#ifdef __cplusplus
}
#endif
#endif
