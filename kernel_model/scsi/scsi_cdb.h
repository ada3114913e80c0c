/* scsi_cdb.h — the storage layer's own SCSI definitions: the operation codes it sends, CDB
 * builders and the decoding of the responses discovery reads. Sources: SPC-4 (T10/BSR INCITS 513
 * r37) for INQUIRY, REPORT LUNS and sense data, SBC-3 (T10/BSR INCITS 514 r35) for READ
 * CAPACITY and READ/WRITE. The kernel does not include device headers (docs/storage.md). */
#ifndef VMKSIM_KERN_SCSI_CDB_H
#define VMKSIM_KERN_SCSI_CDB_H

#include <stdint.h>

#include "kernel_model/scsi/scsi.h"

#define KSCSI_OP_TEST_UNIT_READY  0x00   /* SPC-4 6.47 */
#define KSCSI_OP_INQUIRY          0x12   /* SPC-4 6.6 */
#define KSCSI_OP_READ_CAPACITY_10 0x25   /* SBC-3 5.15 */
#define KSCSI_OP_READ_10          0x28   /* SBC-3 5.11 */
#define KSCSI_OP_WRITE_10         0x2A   /* SBC-3 5.32 */
#define KSCSI_OP_READ_16          0x88   /* SBC-3 5.13 */
#define KSCSI_OP_WRITE_16         0x8A   /* SBC-3 5.34 */
#define KSCSI_OP_SAI_16           0x9E   /* SERVICE ACTION IN (16), SBC-3 5.16 */
#define KSCSI_SA_READ_CAPACITY_16 0x10
#define KSCSI_OP_REPORT_LUNS      0xA0   /* SPC-4 6.33 */

#define KSCSI_INQ_LEN       36u    /* standard INQUIRY data, mandatory part (SPC-4 6.6.2) */
#define KSCSI_PERIPH_DISK   0x00   /* direct access block device (SPC-4 table 146) */
#define KSCSI_RC10_LEN      8u     /* READ CAPACITY (10) parameter data (SBC-3 5.15.2) */
#define KSCSI_RC16_LEN      32u    /* READ CAPACITY (16) parameter data (SBC-3 5.16.2) */
#define KSCSI_REPORT_LUNS_MAX 256u /* LUN entries the layer asks for */

static inline void kscsi_put_be16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }
static inline void kscsi_put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}
static inline void kscsi_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}
static inline uint32_t kscsi_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t kscsi_be64(const uint8_t *p)
{
    return (uint64_t)kscsi_be32(p) << 32 | kscsi_be32(p + 4);
}

/* CDB builders: fill r->cdb, r->cdb_len and r->dir. */
void kscsi_cdb_inquiry(kern_scsi_req *r, uint16_t alloc);
void kscsi_cdb_report_luns(kern_scsi_req *r, uint32_t alloc);
void kscsi_cdb_read_capacity10(kern_scsi_req *r);
void kscsi_cdb_read_capacity16(kern_scsi_req *r, uint32_t alloc);
/* READ/WRITE (10) when lba and blocks fit (32-bit LBA, 16-bit count), else (16). */
void kscsi_cdb_rw(kern_scsi_req *r, bool write, uint64_t lba, uint32_t blocks);
/* The LBA and block count of a READ/WRITE (10)/(16) CDB; false for other commands. */
bool kscsi_cdb_rw_decode(const uint8_t *cdb, uint64_t *lba, uint32_t *blocks);

#endif
