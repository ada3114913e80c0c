/* cdb.c — CDB builders and READ/WRITE decoding for the storage layer (scsi_cdb.h). Field layouts
 * from SPC-4 6.6 (INQUIRY), 6.33 (REPORT LUNS) and SBC-3 5.11-5.16, 5.32-5.34. */
#include <string.h>

#include "kernel_model/scsi/scsi_cdb.h"

static void reset(kern_scsi_req *r, uint8_t len, kern_scsi_dir dir)
{
    memset(r->cdb, 0, sizeof r->cdb);
    r->cdb_len = len;
    r->dir = dir;
}

void kscsi_cdb_inquiry(kern_scsi_req *r, uint16_t alloc)
{
    reset(r, 6, KERN_SCSI_DIR_READ);
    r->cdb[0] = KSCSI_OP_INQUIRY;
    kscsi_put_be16(r->cdb + 3, alloc);   /* ALLOCATION LENGTH, bytes 3-4 */
}

void kscsi_cdb_report_luns(kern_scsi_req *r, uint32_t alloc)
{
    reset(r, 12, KERN_SCSI_DIR_READ);
    r->cdb[0] = KSCSI_OP_REPORT_LUNS;
    r->cdb[2] = 0x00;                    /* SELECT REPORT 00h: logical units */
    kscsi_put_be32(r->cdb + 6, alloc);   /* ALLOCATION LENGTH, bytes 6-9 */
}

void kscsi_cdb_read_capacity10(kern_scsi_req *r)
{
    reset(r, 10, KERN_SCSI_DIR_READ);
    r->cdb[0] = KSCSI_OP_READ_CAPACITY_10;
}

void kscsi_cdb_read_capacity16(kern_scsi_req *r, uint32_t alloc)
{
    reset(r, 16, KERN_SCSI_DIR_READ);
    r->cdb[0] = KSCSI_OP_SAI_16;
    r->cdb[1] = KSCSI_SA_READ_CAPACITY_16;
    kscsi_put_be32(r->cdb + 10, alloc);  /* ALLOCATION LENGTH, bytes 10-13 */
}

void kscsi_cdb_rw(kern_scsi_req *r, bool write, uint64_t lba, uint32_t blocks)
{
    kern_scsi_dir dir = write ? KERN_SCSI_DIR_WRITE : KERN_SCSI_DIR_READ;
    if (lba + blocks <= UINT32_MAX && blocks <= UINT16_MAX) {
        reset(r, 10, dir);
        r->cdb[0] = write ? KSCSI_OP_WRITE_10 : KSCSI_OP_READ_10;
        kscsi_put_be32(r->cdb + 2, (uint32_t)lba);       /* LOGICAL BLOCK ADDRESS */
        kscsi_put_be16(r->cdb + 7, (uint16_t)blocks);    /* TRANSFER LENGTH */
    } else {
        reset(r, 16, dir);
        r->cdb[0] = write ? KSCSI_OP_WRITE_16 : KSCSI_OP_READ_16;
        kscsi_put_be64(r->cdb + 2, lba);
        kscsi_put_be32(r->cdb + 10, blocks);
    }
}

bool kscsi_cdb_rw_decode(const uint8_t *cdb, uint64_t *lba, uint32_t *blocks)
{
    switch (cdb[0]) {
    case KSCSI_OP_READ_10:
    case KSCSI_OP_WRITE_10:
        *lba = kscsi_be32(cdb + 2);
        *blocks = (uint32_t)cdb[7] << 8 | cdb[8];
        return true;
    case KSCSI_OP_READ_16:
    case KSCSI_OP_WRITE_16:
        *lba = kscsi_be64(cdb + 2);
        *blocks = kscsi_be32(cdb + 10);
        return true;
    default:
        return false;
    }
}
