/* scsi_target.c — a SCSI target device: its logical units by LUN, REPORT LUNS (SPC-4 6.33), the
 * answers for a LUN with no logical unit (SPC-4 6.6.2 peripheral qualifier 011b, 6.39 REQUEST
 * SENSE) and single-level LUN addressing (SAM-5 4.7). */
#include "devices/disk/scsi_disk_internal.h"

#include <stdlib.h>
#include <string.h>

struct scsi_target {
    scsi_disk *lun[SCSI_TARGET_MAX_LUNS];
};

scsi_target *scsi_target_new(void)
{
    return calloc(1, sizeof(scsi_target));
}

int scsi_target_add_lun(scsi_target *t, unsigned lun, scsi_disk *d, sim_err *err)
{
    if (lun >= SCSI_TARGET_MAX_LUNS)
        return sim_err_set(err, "LUN %u out of range 0..%d", lun, SCSI_TARGET_MAX_LUNS - 1);
    if (t->lun[lun])
        return sim_err_set(err, "LUN %u already holds disk '%s'", lun, t->lun[lun]->name);
    t->lun[lun] = d;
    return 0;
}

scsi_disk *scsi_target_lun(scsi_target *t, unsigned lun)
{
    return lun < SCSI_TARGET_MAX_LUNS ? t->lun[lun] : NULL;
}

void scsi_target_free(scsi_target *t)
{
    if (!t)
        return;
    for (unsigned i = 0; i < SCSI_TARGET_MAX_LUNS; i++)
        scsi_disk_free(t->lun[i]);
    free(t);
}

int scsi_lun_decode(const uint8_t l[8])
{
    for (int i = 2; i < 8; i++)               /* second..fourth levels must be empty */
        if (l[i])
            return -1;
    switch (l[0] >> 6) {
    case 0:                                   /* peripheral device addressing, bus 0 */
        return l[0] == 0 ? l[1] : -1;
    case 1:                                   /* flat space addressing: 14-bit LUN */
        return (l[0] & 0x3F) << 8 | l[1];
    default:
        return -1;
    }
}

void scsi_lun_encode(unsigned lun, uint8_t out[8])
{
    memset(out, 0, 8);
    if (lun < 256) {
        out[1] = (uint8_t)lun;
    } else {
        out[0] = (uint8_t)(0x40 | ((lun >> 8) & 0x3F));
        out[1] = (uint8_t)lun;
    }
}

static scsi_disk *lu_of(scsi_target *t, int lun)
{
    return lun >= 0 && lun < SCSI_TARGET_MAX_LUNS ? t->lun[lun] : NULL;
}

static void report_luns(scsi_target *t, const uint8_t *cdb, void *buf, size_t buf_len,
                        scsi_result *res)
{
    uint32_t alloc = scsi_be32(cdb + 6);
    uint8_t select = cdb[2];
    /* SPC-4 6.33.1: ALLOCATION LENGTH under 16, or an unknown SELECT REPORT, is an error. */
    if (alloc < 16 || select > 0x02) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    uint8_t r[8 + 8 * SCSI_TARGET_MAX_LUNS] = {0};
    size_t n = 8;
    if (select != 0x01)                       /* 01h: well-known LUNs only; we have none */
        for (unsigned i = 0; i < SCSI_TARGET_MAX_LUNS; i++)
            if (t->lun[i]) {
                scsi_lun_encode(i, r + n);
                n += 8;
            }
    scsi_put_be32(r, (uint32_t)(n - 8));      /* LUN LIST LENGTH */
    scsi_put_data(res, buf, buf_len < alloc ? buf_len : alloc, r, n);
    if (res->want_len > alloc)
        res->want_len = alloc;
}

void scsi_target_plan(scsi_target *t, int lun, const uint8_t *cdb, size_t cdb_len,
                      scsi_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    scsi_disk *d = lu_of(t, lun);
    if (cdb_len >= 12 && cdb[0] == SCSI_OP_REPORT_LUNS) {
        plan->dir = SCSI_DIR_IN;
        plan->xfer_len = scsi_be32(cdb + 6);
    } else if (d) {
        scsi_disk_plan(d, cdb, cdb_len, plan);
    } else if (cdb_len >= 6 && (cdb[0] == SCSI_OP_INQUIRY || cdb[0] == SCSI_OP_REQUEST_SENSE)) {
        plan->dir = SCSI_DIR_IN;
        plan->xfer_len = cdb[0] == SCSI_OP_INQUIRY ? scsi_be16(cdb + 3) : cdb[4];
    }
}

void scsi_target_exec(scsi_target *t, int lun, const uint8_t *cdb, size_t cdb_len, void *buf,
                      size_t buf_len, scsi_result *res)
{
    scsi_disk *d = lu_of(t, lun);
    if (cdb_len >= 1 && cdb[0] == SCSI_OP_REPORT_LUNS) {
        memset(res, 0, sizeof *res);
        if (cdb_len < 12)
            scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
        else
            report_luns(t, cdb, buf, buf_len, res);
        return;
    }
    if (d) {
        scsi_disk_exec(d, cdb, cdb_len, buf, buf_len, res);
        return;
    }
    memset(res, 0, sizeof *res);
    if (cdb_len >= 6 && cdb[0] == SCSI_OP_INQUIRY && !(cdb[1] & 0x03) && cdb[2] == 0) {
        uint8_t r[SCSI_INQ_STD_FULL_LEN];
        size_t n = scsi_inquiry_std(NULL, r);
        size_t alloc = scsi_be16(cdb + 3);
        scsi_put_data(res, buf, buf_len < alloc ? buf_len : alloc, r, n);
        if (res->want_len > alloc)
            res->want_len = alloc;
    } else if (cdb_len >= 6 && cdb[0] == SCSI_OP_REQUEST_SENSE) {
        /* SPC-4 6.39.1: to an absent LU, REQUEST SENSE returns parameter data with ILLEGAL
         * REQUEST, LOGICAL UNIT NOT SUPPORTED and completes with GOOD status. */
        scsi_result tmp = {0};
        scsi_set_sense(&tmp, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LU_NOT_SUPPORTED);
        scsi_put_data(res, buf, buf_len < cdb[4] ? buf_len : cdb[4], tmp.sense, tmp.sense_len);
        if (res->want_len > cdb[4])
            res->want_len = cdb[4];
    } else {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LU_NOT_SUPPORTED);
    }
}
