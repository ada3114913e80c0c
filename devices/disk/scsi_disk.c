/* scsi_disk.c — a SCSI direct-access logical unit: command dispatch, the SBC-3 block commands
 * (READ/WRITE (10)/(16), READ CAPACITY (10)/(16), SYNCHRONIZE CACHE (10)/(16)), TEST UNIT READY,
 * REQUEST SENSE and fixed-format sense data (SPC-4 4.5.3). INQUIRY and MODE SENSE are in
 * scsi_disk_info.c. Writes go through to the backend (write cache disabled, WCE=0). */
#include "devices/disk/scsi_disk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG "scsi_disk"
#define SCSI_MAX_SERIAL 32

static int check_ascii(const char *what, const char *s, size_t max, sim_err *err)
{
    size_t n = strlen(s);
    if (n > max)
        return sim_err_set(err, "scsi disk: %s '%s' longer than %zu characters", what, s, max);
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7E)   /* SPC-4 4.4.1: printable ASCII only */
            return sim_err_set(err, "scsi disk: %s '%s' has a non-printable character", what, s);
    return 0;
}

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;       /* FNV-1a offset basis and prime (Fowler/Noll/Vo) */
    for (; *s; s++) {
        h ^= (uint8_t)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

int scsi_disk_new(const scsi_disk_config *cfg, scsi_disk **out, sim_err *err)
{
    *out = NULL;
    const char *name = cfg->name ? cfg->name : "disk";
    uint32_t bs = cfg->block_size ? cfg->block_size : 512;
    if (bs != 512 && bs != 4096)
        return sim_err_set(err, "scsi disk '%s': block size %u (supported: 512, 4096)", name, bs);
    const char *vendor = cfg->vendor ? cfg->vendor : "VMKSIM";
    const char *product = cfg->product ? cfg->product : "Virtual disk";
    const char *revision = cfg->revision ? cfg->revision : "1.0";
    char defserial[SCSI_MAX_SERIAL + 1];
    snprintf(defserial, sizeof defserial, "VMKSIM-%.24s", name);
    const char *serial = cfg->serial ? cfg->serial : defserial;
    if (check_ascii("vendor", vendor, 8, err) || check_ascii("product", product, 16, err) ||
        check_ascii("revision", revision, 4, err) ||
        check_ascii("serial", serial, SCSI_MAX_SERIAL, err))
        return -1;
    disk_media_params mp;
    if (cfg->media_params)
        mp = *cfg->media_params;
    else if (disk_media_preset(cfg->media ? cfg->media : "ideal", &mp, err) != 0)
        return -1;
    if (disk_media_validate(&mp, err) != 0)
        return -1;

    disk_backend *b = NULL;
    if (cfg->image) {
        if (disk_backend_file(cfg->image, bs, cfg->read_only, &b, err) != 0)
            return -1;
    } else {
        if (cfg->size_bytes % bs != 0)
            return sim_err_set(err, "scsi disk '%s': size %llu is not a multiple of the block "
                               "size %u", name, (unsigned long long)cfg->size_bytes, bs);
        if (disk_backend_ram(cfg->size_bytes, &b, err) != 0)
            return -1;
    }
    scsi_disk *d = calloc(1, sizeof *d);
    if (!d) {
        disk_backend_free(b);
        return sim_err_set(err, "scsi disk '%s': out of memory", name);
    }
    snprintf(d->name, sizeof d->name, "%s", name);
    snprintf(d->vendor, sizeof d->vendor, "%s", vendor);
    snprintf(d->product, sizeof d->product, "%s", product);
    snprintf(d->revision, sizeof d->revision, "%s", revision);
    snprintf(d->serial, sizeof d->serial, "%.32s", serial);
    /* NAA 3h "locally assigned" (SPC-4 7.8.6.6.2): 4-bit NAA then 60 bits assigned by us. */
    d->naa_id = (3ull << 60) | (fnv1a64(d->serial) & ((1ull << 60) - 1));
    d->block_size = bs;
    d->backend = b;
    d->num_blocks = disk_backend_size(b) / bs;
    d->read_only = cfg->read_only;
    disk_media_init(&d->media, &mp);
    *out = d;
    return 0;
}

void scsi_disk_free(scsi_disk *d)
{
    if (!d)
        return;
    disk_backend_free(d->backend);
    free(d);
}

uint64_t scsi_disk_num_blocks(const scsi_disk *d) { return d->num_blocks; }
uint32_t scsi_disk_block_size(const scsi_disk *d) { return d->block_size; }
const char *scsi_disk_name(const scsi_disk *d) { return d->name; }
disk_media *scsi_disk_media(scsi_disk *d) { return &d->media; }
void scsi_disk_set_stall(scsi_disk *d, bool stall)
{
    d->stalled = stall;
    sim_log(SIM_LOG_INFO, LOG, "%s: %s", d->name, stall ? "stalled" : "resumed");
}
bool scsi_disk_stalled(const scsi_disk *d) { return d->stalled; }

void scsi_set_sense(scsi_result *res, uint8_t key, uint8_t asc, uint8_t ascq)
{
    memset(res->sense, 0, sizeof res->sense);
    res->sense[0] = SCSI_SENSE_FIXED_CURRENT;
    res->sense[SCSI_SENSE_OFF_KEY] = key & 0x0F;
    res->sense[SCSI_SENSE_OFF_ADD_LEN] = SCSI_SENSE_FIXED_LEN - 8;  /* bytes after byte 7 */
    res->sense[SCSI_SENSE_OFF_ASC] = asc;
    res->sense[SCSI_SENSE_OFF_ASCQ] = ascq;
    res->sense_len = SCSI_SENSE_FIXED_LEN;
    res->status = SCSI_STATUS_CHECK_CONDITION;
}

void scsi_put_data(scsi_result *res, void *buf, size_t buf_len, const void *resp, size_t len)
{
    res->want_len = len;
    size_t n = len < buf_len ? len : buf_len;
    if (n)
        memcpy(buf, resp, n);
    res->data_len = n;
}

/* CDB length by group code, SPC-4 4.3.2 table 6 (group 3 reserved, 6/7 vendor specific). */
static size_t cdb_group_len(uint8_t op)
{
    static const uint8_t len[8] = { 6, 10, 10, 0, 16, 12, 0, 0 };
    return len[op >> 5];
}

/* A READ/WRITE/SYNCHRONIZE CACHE's LBA and block count; false for other opcodes. */
static bool block_range(const uint8_t *cdb, uint64_t *lba, uint64_t *nblk)
{
    switch (cdb[0]) {
    case SCSI_OP_READ_10:
    case SCSI_OP_WRITE_10:
    case SCSI_OP_SYNCHRONIZE_CACHE_10:      /* SBC-3 5.11/5.32/5.22: LBA 2..5, length 7..8 */
        *lba = scsi_be32(cdb + 2);
        *nblk = scsi_be16(cdb + 7);
        return true;
    case SCSI_OP_READ_16:
    case SCSI_OP_WRITE_16:
    case SCSI_OP_SYNCHRONIZE_CACHE_16:      /* SBC-3 5.13/5.34/5.23: LBA 2..9, length 10..13 */
        *lba = scsi_be64(cdb + 2);
        *nblk = scsi_be32(cdb + 10);
        return true;
    default:
        return false;
    }
}

static bool is_rw(uint8_t op)
{
    return op == SCSI_OP_READ_10 || op == SCSI_OP_READ_16 || op == SCSI_OP_WRITE_10 ||
           op == SCSI_OP_WRITE_16;
}
static bool is_write_op(uint8_t op) { return op == SCSI_OP_WRITE_10 || op == SCSI_OP_WRITE_16; }

/* The operation codes this LU implements (scsi.h); REPORT LUNS is the target's (scsi_target.c). */
static bool is_known(uint8_t op)
{
    switch (op) {
    case SCSI_OP_TEST_UNIT_READY: case SCSI_OP_REQUEST_SENSE: case SCSI_OP_INQUIRY:
    case SCSI_OP_MODE_SENSE_6: case SCSI_OP_MODE_SENSE_10: case SCSI_OP_READ_CAPACITY_10:
    case SCSI_OP_SERVICE_ACTION_IN_16: case SCSI_OP_SYNCHRONIZE_CACHE_10:
    case SCSI_OP_SYNCHRONIZE_CACHE_16:
        return true;
    default:
        return is_rw(op);
    }
}

/* Checks a READ/WRITE CDB; returns false after filling res with the sense that rejects it. */
static bool rw_check(const scsi_disk *d, const uint8_t *cdb, uint64_t lba, uint64_t nblk,
                     scsi_result *res)
{
    /* RDPROTECT/WRPROTECT (byte 1 bits 7..5) on a LU formatted without protection information:
     * SBC-3 5.11 table 40 -> ILLEGAL REQUEST, INVALID FIELD IN CDB. */
    if (cdb[1] & 0xE0) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
        return false;
    }
    /* SBC-3 4.5: LBA + length beyond the capacity -> LOGICAL BLOCK ADDRESS OUT OF RANGE. */
    if (lba > d->num_blocks || nblk > d->num_blocks - lba) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE);
        return false;
    }
    if (is_write_op(cdb[0]) && d->read_only) {
        scsi_set_sense(res, SCSI_SENSE_DATA_PROTECT, SCSI_ASC_WRITE_PROTECTED);
        return false;
    }
    return true;
}

void scsi_disk_plan(const scsi_disk *d, const uint8_t *cdb, size_t cdb_len, scsi_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    if (cdb_len < 1 || cdb_group_len(cdb[0]) == 0 || cdb_len < cdb_group_len(cdb[0]))
        return;
    uint64_t lba, nblk;
    scsi_result scratch;
    switch (cdb[0]) {
    case SCSI_OP_READ_10: case SCSI_OP_READ_16: case SCSI_OP_WRITE_10: case SCSI_OP_WRITE_16:
        block_range(cdb, &lba, &nblk);
        if (!rw_check(d, cdb, lba, nblk, &scratch))
            return;
        plan->is_write = is_write_op(cdb[0]);
        plan->dir = nblk == 0 ? SCSI_DIR_NONE : plan->is_write ? SCSI_DIR_OUT : SCSI_DIR_IN;
        plan->xfer_len = nblk * d->block_size;
        plan->media = nblk > 0;
        plan->off = lba * d->block_size;
        plan->len = plan->xfer_len;
        return;
    case SCSI_OP_INQUIRY:                   /* SPC-4 6.6.1: ALLOCATION LENGTH bytes 3..4 */
        plan->dir = SCSI_DIR_IN;
        plan->xfer_len = scsi_be16(cdb + 3);
        return;
    case SCSI_OP_REQUEST_SENSE:             /* SPC-4 6.39: byte 4 */
    case SCSI_OP_MODE_SENSE_6:              /* SPC-4 6.11: byte 4 */
        plan->dir = SCSI_DIR_IN;
        plan->xfer_len = cdb[4];
        return;
    case SCSI_OP_MODE_SENSE_10:             /* SPC-4 6.12: bytes 7..8 */
        plan->dir = SCSI_DIR_IN;
        plan->xfer_len = scsi_be16(cdb + 7);
        return;
    case SCSI_OP_READ_CAPACITY_10:          /* SBC-3 5.15: always 8 bytes */
        plan->dir = SCSI_DIR_IN;
        plan->xfer_len = 8;
        return;
    case SCSI_OP_SERVICE_ACTION_IN_16:      /* SBC-3 5.16: bytes 10..13 */
        if ((cdb[1] & 0x1F) == SCSI_SA_READ_CAPACITY_16) {
            plan->dir = SCSI_DIR_IN;
            plan->xfer_len = scsi_be32(cdb + 10);
        }
        return;
    case SCSI_OP_REPORT_LUNS:               /* SPC-4 6.33: bytes 6..9 */
        plan->dir = SCSI_DIR_IN;
        plan->xfer_len = scsi_be32(cdb + 6);
        return;
    default:
        return;
    }
}

static void do_rw(scsi_disk *d, const uint8_t *cdb, void *buf, size_t buf_len, scsi_result *res)
{
    uint64_t lba, nblk;
    block_range(cdb, &lba, &nblk);
    if (!rw_check(d, cdb, lba, nblk, res))
        return;
    uint64_t off = lba * d->block_size, len = nblk * d->block_size;
    sim_err e;
    if (is_write_op(cdb[0])) {
        if (buf_len < len) {
            /* The HBA handed over less data-out than the CDB names (see scsi_disk.h). */
            scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        if (disk_backend_write(d->backend, off, buf, (size_t)len, &e) != 0) {
            sim_log(SIM_LOG_ERROR, LOG, "%s: %s", d->name, e.msg);
            scsi_set_sense(res, SCSI_SENSE_MEDIUM_ERROR, SCSI_ASC_WRITE_ERROR);
            return;
        }
        res->data_len = res->want_len = len;
    } else {
        res->want_len = len;
        size_t n = len < buf_len ? (size_t)len : buf_len;
        if (disk_backend_read(d->backend, off, buf, n, &e) != 0) {
            sim_log(SIM_LOG_ERROR, LOG, "%s: %s", d->name, e.msg);
            scsi_set_sense(res, SCSI_SENSE_MEDIUM_ERROR, SCSI_ASC_UNRECOVERED_READ_ERROR);
            return;
        }
        res->data_len = n;
    }
}

static void do_read_capacity10(scsi_disk *d, const uint8_t *cdb, void *buf, size_t buf_len,
                               scsi_result *res)
{
    /* SBC-3 5.15.1: PMI (byte 8 bit 0) zero with a non-zero LBA -> INVALID FIELD IN CDB. */
    if (!(cdb[8] & 1) && scsi_be32(cdb + 2) != 0) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    uint8_t r[8];
    uint64_t last = d->num_blocks - 1;
    /* SBC-3 5.15.2: a last LBA that does not fit reads FFFFFFFFh (use READ CAPACITY (16)). */
    scsi_put_be32(r, last > 0xFFFFFFFEull ? 0xFFFFFFFFu : (uint32_t)last);
    scsi_put_be32(r + 4, d->block_size);
    scsi_put_data(res, buf, buf_len, r, sizeof r);
}

static void do_read_capacity16(scsi_disk *d, const uint8_t *cdb, void *buf, size_t buf_len,
                               scsi_result *res)
{
    if ((cdb[1] & 0x1F) != SCSI_SA_READ_CAPACITY_16) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    if (!(cdb[14] & 1) && scsi_be64(cdb + 2) != 0) {     /* SBC-3 5.16.1, as for (10) */
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    /* SBC-3 5.16.2 table 65: 32 bytes; no protection, one logical block per physical block,
     * lowest aligned LBA 0, no logical block provisioning. */
    uint8_t r[32] = {0};
    scsi_put_be64(r, d->num_blocks - 1);
    scsi_put_be32(r + 8, d->block_size);
    scsi_put_data(res, buf, buf_len, r, sizeof r);
}

static void do_sync_cache(scsi_disk *d, const uint8_t *cdb, scsi_result *res)
{
    uint64_t lba, nblk;
    block_range(cdb, &lba, &nblk);
    /* SBC-3 5.22.2: NUMBER OF LOGICAL BLOCKS 0 means "to the last LBA". */
    if (lba > d->num_blocks || (nblk && nblk > d->num_blocks - lba)) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE);
        return;
    }
    sim_err e;
    if (disk_backend_flush(d->backend, &e) != 0) {
        sim_log(SIM_LOG_ERROR, LOG, "%s: %s", d->name, e.msg);
        scsi_set_sense(res, SCSI_SENSE_MEDIUM_ERROR, SCSI_ASC_WRITE_ERROR);
    }
}

static void do_request_sense(scsi_disk *d, const uint8_t *cdb, void *buf, size_t buf_len,
                             scsi_result *res)
{
    /* SPC-4 6.39.1: DESC (byte 1 bit 0) asks for descriptor format, which this LU does not
     * support -> ILLEGAL REQUEST, INVALID FIELD IN CDB. */
    if (cdb[1] & 1) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    scsi_result tmp = {0};
    if (d->have_pending)
        memcpy(tmp.sense, d->pending, sizeof tmp.sense);
    else
        scsi_set_sense(&tmp, SCSI_SENSE_NO_SENSE, SCSI_ASC_NO_ADDITIONAL_SENSE);
    d->have_pending = false;                /* SPC-4 5.12: reported sense is cleared */
    scsi_put_data(res, buf, buf_len, tmp.sense, SCSI_SENSE_FIXED_LEN);
}

void scsi_disk_exec(scsi_disk *d, const uint8_t *cdb, size_t cdb_len, void *buf, size_t buf_len,
                    scsi_result *res)
{
    memset(res, 0, sizeof *res);
    res->status = SCSI_STATUS_GOOD;
    if (cdb_len < 1 || !is_known(cdb[0])) {           /* SPC-4 annex D: 20h/00h */
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE);
    } else if (cdb_len < cdb_group_len(cdb[0])) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
    } else if (is_rw(cdb[0])) {
        do_rw(d, cdb, buf, buf_len, res);
    } else {
        switch (cdb[0]) {
        case SCSI_OP_TEST_UNIT_READY:
            break;                          /* SPC-4 6.47: always ready (no removable medium) */
        case SCSI_OP_REQUEST_SENSE:
            do_request_sense(d, cdb, buf, buf_len, res);
            break;
        case SCSI_OP_INQUIRY:
            scsi_disk_inquiry(d, cdb, buf, buf_len, res);
            break;
        case SCSI_OP_MODE_SENSE_6:
            scsi_disk_mode_sense(d, cdb, false, buf, buf_len, res);
            break;
        case SCSI_OP_MODE_SENSE_10:
            scsi_disk_mode_sense(d, cdb, true, buf, buf_len, res);
            break;
        case SCSI_OP_READ_CAPACITY_10:
            do_read_capacity10(d, cdb, buf, buf_len, res);
            break;
        case SCSI_OP_SERVICE_ACTION_IN_16:
            do_read_capacity16(d, cdb, buf, buf_len, res);
            break;
        case SCSI_OP_SYNCHRONIZE_CACHE_10:
        case SCSI_OP_SYNCHRONIZE_CACHE_16:
            do_sync_cache(d, cdb, res);
            break;
        default:
            scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE);
            break;
        }
    }
    if (res->status == SCSI_STATUS_CHECK_CONDITION) {
        memcpy(d->pending, res->sense, sizeof d->pending);
        d->have_pending = true;
        sim_log(SIM_LOG_DEBUG, LOG, "%s: op %02xh CHECK CONDITION key %xh asc %02xh/%02xh",
                d->name, cdb_len ? cdb[0] : 0, res->sense[SCSI_SENSE_OFF_KEY],
                res->sense[SCSI_SENSE_OFF_ASC], res->sense[SCSI_SENSE_OFF_ASCQ]);
    }
}

void scsi_disk_sense_delivered(scsi_disk *d)
{
    d->have_pending = false;
}
