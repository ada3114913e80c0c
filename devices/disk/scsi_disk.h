/* scsi_disk.h — a SCSI direct-access block device (a logical unit) and the target that holds its
 * LUNs: the SPC-4/SBC-3 command subset a host's storage stack uses (INQUIRY with VPD pages 0x00,
 * 0x80, 0x83; READ CAPACITY (10)/(16); READ/WRITE (10)/(16); TEST UNIT READY; REQUEST SENSE;
 * REPORT LUNS; MODE SENSE (6)/(10); SYNCHRONIZE CACHE (10)/(16)). Anything else ends in CHECK
 * CONDITION with fixed-format sense data. Data lives in a disk_backend; time comes from the
 * disk's media model, applied by the HBA that carries the command (docs/hba.md). */
#ifndef VMKSIM_SCSI_DISK_H
#define VMKSIM_SCSI_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/disk/disk_media.h"
#include "devices/disk/scsi.h"
#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct scsi_disk scsi_disk;
typedef struct scsi_target scsi_target;

typedef struct scsi_disk_config {
    const char *vendor;     /* T10 VENDOR IDENTIFICATION, <= 8 ASCII chars; NULL: "VMKSIM" */
    const char *product;    /* PRODUCT IDENTIFICATION, <= 16; NULL: "Virtual disk" */
    const char *revision;   /* PRODUCT REVISION LEVEL, <= 4; NULL: "1.0" */
    const char *serial;     /* unit serial number (VPD 0x80), <= 32; NULL: "VMKSIM-<name>" */
    const char *name;       /* for logs and the default serial; NULL: "disk" */
    uint32_t block_size;    /* 512 or 4096; 0: 512 */
    const char *image;      /* raw image file; NULL: a RAM disk of size_bytes */
    uint64_t size_bytes;    /* RAM disk size (multiple of block_size) */
    bool read_only;
    const char *media;      /* media preset ("nvme", "disk", "ideal"); NULL: "ideal" */
    const disk_media_params *media_params;   /* overrides media when not NULL */
} scsi_disk_config;

/* Opens the backend (a missing/unreadable image fails here, naming the file) and builds the LU. */
int scsi_disk_new(const scsi_disk_config *cfg, scsi_disk **out, sim_err *err);
void scsi_disk_free(scsi_disk *d);

uint64_t scsi_disk_num_blocks(const scsi_disk *d);
uint32_t scsi_disk_block_size(const scsi_disk *d);
const char *scsi_disk_name(const scsi_disk *d);
disk_media *scsi_disk_media(scsi_disk *d);

/* The "stall" switch: a stalled disk accepts commands but never finishes one (media commands and
 * all others alike); the HBA keeps them in flight until an abort or reset ends them. */
void scsi_disk_set_stall(scsi_disk *d, bool stall);
bool scsi_disk_stalled(const scsi_disk *d);

typedef enum scsi_dir { SCSI_DIR_NONE, SCSI_DIR_IN, SCSI_DIR_OUT } scsi_dir;

/* What a CDB asks for, known before it runs: the HBA uses it to fetch data-out from the host and
 * to ask the media model for time. */
typedef struct scsi_plan {
    scsi_dir dir;
    uint64_t xfer_len;      /* data-out: bytes the command consumes; data-in: allocation limit */
    bool media;             /* a READ/WRITE inside the medium: costs media time */
    bool is_write;
    uint64_t off, len;      /* media byte range */
} scsi_plan;

typedef struct scsi_result {
    uint8_t status;                         /* SCSI_STATUS_GOOD / _CHECK_CONDITION */
    uint8_t sense[SCSI_SENSE_FIXED_LEN];    /* fixed format (SPC-4 4.5.3) when CHECK CONDITION */
    uint8_t sense_len;
    uint64_t data_len;      /* bytes moved: written to buf (data-in) or taken from buf (data-out) */
    uint64_t want_len;      /* data-in: bytes the device had to return (> buf_len: overrun) */
} scsi_result;

/* Decodes cdb without side effects. A CDB the disk will reject plans as SCSI_DIR_NONE. */
void scsi_disk_plan(const scsi_disk *d, const uint8_t *cdb, size_t cdb_len, scsi_plan *plan);
/* Runs cdb. Data-in goes to buf (at most buf_len bytes); data-out is read from buf, which must
 * hold the plan's xfer_len bytes (fewer: CHECK CONDITION, INVALID FIELD IN CDB, nothing written).
 * A CHECK CONDITION also becomes the LU's pending sense, returned by the next REQUEST SENSE
 * unless scsi_disk_sense_delivered says the HBA already handed it over (autosense). */
void scsi_disk_exec(scsi_disk *d, const uint8_t *cdb, size_t cdb_len, void *buf, size_t buf_len,
                    scsi_result *res);
void scsi_disk_sense_delivered(scsi_disk *d);

/* Builds fixed-format sense data (SPC-4 4.5.3) into res and sets CHECK CONDITION. */
void scsi_set_sense(scsi_result *res, uint8_t key, uint8_t asc, uint8_t ascq);

/* ---- target: LUNs 0..SCSI_TARGET_MAX_LUNS-1 ---- */
#define SCSI_TARGET_MAX_LUNS 8

scsi_target *scsi_target_new(void);
/* The target takes ownership of d. Fails if lun is out of range or taken. */
int scsi_target_add_lun(scsi_target *t, unsigned lun, scsi_disk *d, sim_err *err);
scsi_disk *scsi_target_lun(scsi_target *t, unsigned lun);
void scsi_target_free(scsi_target *t);

/* SAM-5 4.7 single-level LUN: peripheral (00b) or flat (01b) addressing. Returns the LUN, or -1
 * for a format this target does not use (which then reads as a LUN that does not exist). */
int scsi_lun_decode(const uint8_t lun[8]);
void scsi_lun_encode(unsigned lun, uint8_t out[8]);

/* Like scsi_disk_plan/exec, routed to a LUN. REPORT LUNS is answered by the target; a LUN without
 * a disk answers INQUIRY with peripheral qualifier 011b, REQUEST SENSE with LOGICAL UNIT NOT
 * SUPPORTED, and any other command with CHECK CONDITION, LOGICAL UNIT NOT SUPPORTED. */
void scsi_target_plan(scsi_target *t, int lun, const uint8_t *cdb, size_t cdb_len,
                      scsi_plan *plan);
void scsi_target_exec(scsi_target *t, int lun, const uint8_t *cdb, size_t cdb_len, void *buf,
                      size_t buf_len, scsi_result *res);

/* Writes len response bytes as ASCII hex in the format sg3_utils' --inhex reads (one or two hex
 * digits per byte, whitespace separated, '#' comments): 16 bytes a line under a comment line. */
int scsi_write_inhex(const char *path, const char *comment, const void *data, size_t len,
                     sim_err *err);
/* Runs INQUIRY (standard, VPD 00h/80h/83h) and READ CAPACITY (10)/(16) on d and writes each
 * response into dir as inquiry.hex, vpd00.hex, vpd80.hex, vpd83.hex, readcap10.hex,
 * readcap16.hex (scsi_write_inhex format), for `sg_inq --inhex` / `sg_readcap --inhex`. */
int scsi_disk_dump_responses(scsi_disk *d, const char *dir, sim_err *err);

#ifdef __cplusplus
}
#endif
#endif
