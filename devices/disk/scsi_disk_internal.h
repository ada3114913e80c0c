/* scsi_disk_internal.h — the logical unit's state, shared by the files that implement its
 * commands (scsi_disk.c: block commands and sense; scsi_disk_info.c: INQUIRY, VPD, MODE SENSE).
 * Not for use outside devices/disk/. */
#ifndef VMKSIM_SCSI_DISK_INTERNAL_H
#define VMKSIM_SCSI_DISK_INTERNAL_H

#include "devices/disk/disk_backend.h"
#include "devices/disk/scsi_disk.h"

struct scsi_disk {
    char name[64];
    char vendor[9], product[17], revision[5], serial[33];
    uint64_t naa_id;            /* NAA 3 (locally assigned) designator, from the serial */
    uint32_t block_size;
    uint64_t num_blocks;
    disk_backend *backend;
    disk_media media;
    bool read_only;             /* the config's read_only (RAM) or the image's open mode */
    bool stalled;
    bool have_pending;
    uint8_t pending[SCSI_SENSE_FIXED_LEN];
};

/* Copies min(len, cap) bytes of resp to buf and records want/data lengths. */
void scsi_put_data(scsi_result *res, void *buf, size_t buf_len, const void *resp, size_t len);

/* Big-endian field access (SCSI fields are big-endian, SPC-4 3.5.1). */
static inline uint32_t scsi_be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static inline uint32_t scsi_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t scsi_be64(const uint8_t *p)
{
    return (uint64_t)scsi_be32(p) << 32 | scsi_be32(p + 4);
}
static inline void scsi_put_be16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void scsi_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline void scsi_put_be64(uint8_t *p, uint64_t v)
{
    scsi_put_be32(p, (uint32_t)(v >> 32));
    scsi_put_be32(p + 4, (uint32_t)v);
}

/* scsi_disk_info.c */
void scsi_disk_inquiry(scsi_disk *d, const uint8_t *cdb, void *buf, size_t buf_len,
                       scsi_result *res);
void scsi_disk_mode_sense(scsi_disk *d, const uint8_t *cdb, bool ten, void *buf, size_t buf_len,
                          scsi_result *res);
/* Standard INQUIRY data (SPC-4 6.6.2) for a LU, or for an absent LUN (d NULL: qualifier 011b). */
size_t scsi_inquiry_std(const scsi_disk *d, uint8_t *out /* SCSI_INQ_STD_FULL_LEN */);

#endif
