/* scsi/scsi.h — SCSI status and host codes, the result word, a few opcodes, and the error
 * handlers' dispositions. Mirrors Linux's include/scsi/scsi.h, scsi_proto.h and scsi_status.h by
 * name and value (status bytes: SAM-5 5.3.1; DID_* host bytes as Linux defines them, which are
 * also the values of vmkapi's vmk_ScsiHostStatus). */
#ifndef _VMKLNX_SCSI_SCSI_H
#define _VMKLNX_SCSI_SCSI_H

#include <linux/types.h>

/* SAM-5 status codes (the low byte of scsi_cmnd->result). */
#define SAM_STAT_GOOD 0x00
#define SAM_STAT_CHECK_CONDITION 0x02
#define SAM_STAT_CONDITION_MET 0x04
#define SAM_STAT_BUSY 0x08
#define SAM_STAT_RESERVATION_CONFLICT 0x18
#define SAM_STAT_TASK_SET_FULL 0x28
#define SAM_STAT_TASK_ABORTED 0x40

/* Host bytes (bits 16-23 of result). */
#define DID_OK 0x00
#define DID_NO_CONNECT 0x01
#define DID_BUS_BUSY 0x02
#define DID_TIMEOUT 0x03
#define DID_BAD_TARGET 0x04
#define DID_ABORT 0x05
#define DID_PARITY 0x06
#define DID_ERROR 0x07
#define DID_RESET 0x08
#define DID_BAD_INTR 0x09
#define DID_SOFT_ERROR 0x0b
#define DID_IMM_RETRY 0x0c
#define DID_REQUEUE 0x0d

#define status_byte(result) ((result) & 0xff)
#define host_byte(result) (((result) >> 16) & 0xff)

/* Error-handler dispositions (Linux's values). */
#define SUCCESS 0x2002
#define FAILED 0x2003

/* queuecommand's "try again later" answers. */
#define SCSI_MLQUEUE_HOST_BUSY 0x1055
#define SCSI_MLQUEUE_DEVICE_BUSY 0x1056

#define SCSI_SENSE_BUFFERSIZE 96
#define MAX_COMMAND_SIZE 16

/* Opcodes (SPC-4 / SBC-3). */
#define TEST_UNIT_READY 0x00
#define REQUEST_SENSE 0x03
#define INQUIRY 0x12
#define MODE_SENSE 0x1a
#define READ_CAPACITY 0x25
#define READ_10 0x28
#define WRITE_10 0x2a
#define SYNCHRONIZE_CACHE 0x35
#define MODE_SENSE_10 0x5a
#define READ_16 0x88
#define WRITE_16 0x8a
#define SERVICE_ACTION_IN_16 0x9e
#define REPORT_LUNS 0xa0

/* Sense keys (SPC-4 4.5.6). */
#define NO_SENSE 0x00
#define NOT_READY 0x02
#define MEDIUM_ERROR 0x03
#define HARDWARE_ERROR 0x04
#define ILLEGAL_REQUEST 0x05
#define UNIT_ATTENTION 0x06
#define ABORTED_COMMAND 0x0b

#endif
