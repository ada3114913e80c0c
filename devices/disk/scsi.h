/* scsi.h — SCSI constants the disk model speaks: operation codes, status codes, sense keys and
 * additional sense codes, named as T10 names them. Sources: SPC-4 (T10/BSR INCITS 513 r37)
 * for the primary commands and sense data, SBC-3 (T10/BSR INCITS 514 r35) for the block
 * commands, SAM-5 for status codes and LUN format. */
#ifndef VMKSIM_SCSI_H
#define VMKSIM_SCSI_H

#include <stdint.h>

/* ---- operation codes (SPC-4 annex D.3.1, SBC-3 table 13) ---- */
#define SCSI_OP_TEST_UNIT_READY       0x00  /* SPC-4 6.47 */
#define SCSI_OP_REQUEST_SENSE         0x03  /* SPC-4 6.39 */
#define SCSI_OP_INQUIRY               0x12  /* SPC-4 6.6 */
#define SCSI_OP_MODE_SENSE_6          0x1A  /* SPC-4 6.11 */
#define SCSI_OP_READ_CAPACITY_10      0x25  /* SBC-3 5.15 */
#define SCSI_OP_READ_10               0x28  /* SBC-3 5.11 */
#define SCSI_OP_WRITE_10              0x2A  /* SBC-3 5.32 */
#define SCSI_OP_SYNCHRONIZE_CACHE_10  0x35  /* SBC-3 5.22 */
#define SCSI_OP_MODE_SENSE_10         0x5A  /* SPC-4 6.12 */
#define SCSI_OP_READ_16               0x88  /* SBC-3 5.13 */
#define SCSI_OP_WRITE_16              0x8A  /* SBC-3 5.34 */
#define SCSI_OP_SYNCHRONIZE_CACHE_16  0x91  /* SBC-3 5.23 */
#define SCSI_OP_SERVICE_ACTION_IN_16  0x9E  /* SBC-3 5.16: READ CAPACITY (16) is action 0x10 */
#define SCSI_SA_READ_CAPACITY_16      0x10
#define SCSI_OP_REPORT_LUNS           0xA0  /* SPC-4 6.33 */

/* ---- status codes (SAM-5 5.3.1) ---- */
#define SCSI_STATUS_GOOD              0x00
#define SCSI_STATUS_CHECK_CONDITION   0x02

/* ---- sense keys (SPC-4 4.5.6, table 27) ---- */
#define SCSI_SENSE_NO_SENSE           0x0
#define SCSI_SENSE_NOT_READY          0x2
#define SCSI_SENSE_MEDIUM_ERROR       0x3
#define SCSI_SENSE_ILLEGAL_REQUEST    0x5
#define SCSI_SENSE_UNIT_ATTENTION     0x6
#define SCSI_SENSE_DATA_PROTECT       0x7
#define SCSI_SENSE_ABORTED_COMMAND    0xB

/* ---- additional sense code / qualifier pairs (SPC-4 annex D.2, table D.1) ---- */
#define SCSI_ASC_NO_ADDITIONAL_SENSE        0x00, 0x00
#define SCSI_ASC_UNRECOVERED_READ_ERROR     0x11, 0x00
#define SCSI_ASC_PARAMETER_LIST_LENGTH      0x1A, 0x00  /* PARAMETER LIST LENGTH ERROR */
#define SCSI_ASC_INVALID_OPCODE             0x20, 0x00  /* INVALID COMMAND OPERATION CODE */
#define SCSI_ASC_LBA_OUT_OF_RANGE           0x21, 0x00  /* LOGICAL BLOCK ADDRESS OUT OF RANGE */
#define SCSI_ASC_INVALID_FIELD_IN_CDB       0x24, 0x00
#define SCSI_ASC_LU_NOT_SUPPORTED           0x25, 0x00  /* LOGICAL UNIT NOT SUPPORTED */
#define SCSI_ASC_WRITE_PROTECTED            0x27, 0x00
#define SCSI_ASC_WRITE_ERROR                0x0C, 0x00
#define SCSI_ASC_SAVING_NOT_SUPPORTED       0x39, 0x00  /* SAVING PARAMETERS NOT SUPPORTED */

/* ---- fixed-format sense data (SPC-4 4.5.3, table 31) ---- */
#define SCSI_SENSE_FIXED_CURRENT      0x70   /* RESPONSE CODE: current error, fixed format */
#define SCSI_SENSE_FIXED_LEN          18     /* bytes 0..17: ADDITIONAL SENSE LENGTH = 10 */
#define SCSI_SENSE_OFF_KEY            2      /* low nibble */
#define SCSI_SENSE_OFF_ADD_LEN        7
#define SCSI_SENSE_OFF_ASC            12
#define SCSI_SENSE_OFF_ASCQ           13

/* ---- INQUIRY (SPC-4 6.6) ---- */
#define SCSI_INQ_STD_LEN              36     /* bytes 0..35: the mandatory standard data */
#define SCSI_INQ_STD_FULL_LEN         96     /* with version descriptors, bytes 0..95 */
#define SCSI_PERIPH_DISK              0x00   /* direct access block device (SPC-4 table 146) */
#define SCSI_PERIPH_QUAL_NOT_CAPABLE  0x03   /* qualifier 011b: no LU at this LUN (6.6.2) */
#define SCSI_PERIPH_TYPE_UNKNOWN      0x1F
#define SCSI_VERSION_SPC4             0x06   /* VERSION field: SPC-4 (table 148) */
#define SCSI_VPD_SUPPORTED_PAGES      0x00   /* SPC-4 7.8.16 */
#define SCSI_VPD_UNIT_SERIAL          0x80   /* SPC-4 7.8.17 */
#define SCSI_VPD_DEVICE_ID            0x83   /* SPC-4 7.8.6 */

/* Version descriptors (SPC-4 table 150) */
#define SCSI_VD_SAM5                  0x00A0
#define SCSI_VD_SPC4                  0x0460
#define SCSI_VD_SBC3                  0x04C0

/* ---- MODE SENSE (SPC-4 7.5) ---- */
#define SCSI_MODE_PAGE_CACHING        0x08   /* SBC-3 6.4.5 */
#define SCSI_MODE_PAGE_CONTROL        0x0A   /* SPC-4 7.5.8 */
#define SCSI_MODE_PAGE_ALL            0x3F

#endif
