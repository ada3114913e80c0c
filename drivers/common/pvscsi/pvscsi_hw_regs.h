/* pvscsi_hw_regs.h — the PVSCSI register and ring interface as a driver needs it, written from
 * the interface's public definition (Linux drivers/scsi/vmw_pvscsi.h; VMware's pvscsi_defs.h for
 * the s/g chain flag, the segment limit and the completion vector). Names are the interface's
 * own; layouts are byte offsets of little-endian fields, so no struct packing is assumed.
 * A driver includes this header only: the device model's twin (devices/hba/pvscsi_regs.h)
 * is not part of any driver's API. */
#ifndef PVSCSI_HW_REGS_H
#define PVSCSI_HW_REGS_H

/* PCI identity (vmw_pvscsi.h: PCI_VENDOR_ID_VMWARE, PCI_DEVICE_ID_VMWARE_PVSCSI). */
#define PVSCSI_VENDOR_ID_VMWARE           0x15AD
#define PVSCSI_DEVICE_ID_PVSCSI           0x07C0
/* BAR1 is the memory-mapped register space: 8 pages (MSI-X table and PBA in pages 6 and 7);
 * BAR0 is an 8-byte I/O window (index/data) the drivers here do not use. */
#define PVSCSI_MEM_BAR                    1
#define PVSCSI_MEM_SPACE_SIZE             (8u * 4096u)

/* ---- register offsets in the memory BAR (32-bit registers) ---- */
#define PVSCSI_REG_OFFSET_COMMAND         0x0000
#define PVSCSI_REG_OFFSET_COMMAND_DATA    0x0004
#define PVSCSI_REG_OFFSET_COMMAND_STATUS  0x0008
#define PVSCSI_REG_OFFSET_LAST_STS_0      0x0100
#define PVSCSI_REG_OFFSET_INTR_STATUS     0x100C
#define PVSCSI_REG_OFFSET_INTR_MASK       0x2010
#define PVSCSI_REG_OFFSET_KICK_NON_RW_IO  0x3014
#define PVSCSI_REG_OFFSET_DEBUG           0x3018
#define PVSCSI_REG_OFFSET_KICK_RW_IO      0x4018

/* ---- commands written to COMMAND; their descriptors follow as words to COMMAND_DATA ---- */
#define PVSCSI_CMD_FIRST                  0
#define PVSCSI_CMD_ADAPTER_RESET          1
#define PVSCSI_CMD_ISSUE_SCSI             2
#define PVSCSI_CMD_SETUP_RINGS            3
#define PVSCSI_CMD_RESET_BUS              4
#define PVSCSI_CMD_RESET_DEVICE           5
#define PVSCSI_CMD_ABORT_CMD              6
#define PVSCSI_CMD_CONFIG                 7
#define PVSCSI_CMD_SETUP_MSG_RING         8
#define PVSCSI_CMD_DEVICE_UNPLUG          9
#define PVSCSI_CMD_SETUP_REQCALLTHRESHOLD 10
#define PVSCSI_CMD_LAST                   11
/* COMMAND_STATUS after a command the device does not implement, or that failed. */
#define PVSCSI_CMD_STATUS_UNSUPPORTED     0xFFFFFFFFu

/* SETUP_RINGS: reqRingNumPages u32 @0, cmpRingNumPages u32 @4, ringsStatePPN u64 @8,
 * reqRingPPNs u64[32] @16, cmpRingPPNs u64[32] @272. Page counts: power of two, 1..32. */
#define PVSCSI_SETUP_RINGS_MAX_NUM_PAGES  32
#define PVSCSI_SETUP_RINGS_WORDS          ((16 + 2 * 8 * PVSCSI_SETUP_RINGS_MAX_NUM_PAGES) / 4)
/* SETUP_MSG_RING: numPages u32 @0, _pad u32 @4, ringPPNs u64[16] @8. After SETUP_RINGS. */
#define PVSCSI_SETUP_MSG_RING_MAX_NUM_PAGES 16
#define PVSCSI_SETUP_MSG_RING_WORDS       ((8 + 8 * PVSCSI_SETUP_MSG_RING_MAX_NUM_PAGES) / 4)
/* ABORT_CMD: context u64 @0, target u32 @8, _pad u32 @12. */
#define PVSCSI_ABORT_CMD_WORDS            4
/* RESET_DEVICE: target u32 @0, lun u8[8] @4. */
#define PVSCSI_RESET_DEVICE_WORDS         3

/* ---- rings state page ---- */
#define PVSCSI_RS_REQ_PROD_IDX            0
#define PVSCSI_RS_REQ_CONS_IDX            4
#define PVSCSI_RS_REQ_NUM_ENTRIES_LOG2    8
#define PVSCSI_RS_CMP_PROD_IDX            12
#define PVSCSI_RS_CMP_CONS_IDX            16
#define PVSCSI_RS_CMP_NUM_ENTRIES_LOG2    20
#define PVSCSI_RS_REQ_CALL_THRESHOLD      24
#define PVSCSI_RS_MSG_PROD_IDX            128
#define PVSCSI_RS_MSG_CONS_IDX            132
#define PVSCSI_RS_MSG_NUM_ENTRIES_LOG2    136

/* ---- request descriptor, 128 bytes ---- */
#define PVSCSI_REQ_DESC_SIZE              128
#define PVSCSI_REQ_CONTEXT                0     /* u64, non-zero */
#define PVSCSI_REQ_DATA_ADDR              8     /* u64: buffer, or the first s/g segment */
#define PVSCSI_REQ_DATA_LEN               16    /* u64 */
#define PVSCSI_REQ_SENSE_ADDR             24    /* u64 */
#define PVSCSI_REQ_SENSE_LEN              32    /* u32 */
#define PVSCSI_REQ_FLAGS                  36    /* u32 */
#define PVSCSI_REQ_CDB                    40    /* u8[16] */
#define PVSCSI_REQ_CDB_LEN                56    /* u8 */
#define PVSCSI_REQ_LUN                    57    /* u8[8], SAM LUN format */
#define PVSCSI_REQ_TAG                    65
#define PVSCSI_REQ_BUS                    66
#define PVSCSI_REQ_TARGET                 67
#define PVSCSI_REQ_VCPU_HINT              68

#define PVSCSI_FLAG_CMD_WITH_SG_LIST      (1u << 0)
#define PVSCSI_FLAG_CMD_OUT_OF_BAND_CDB   (1u << 1)
#define PVSCSI_FLAG_CMD_DIR_NONE          (1u << 2)
#define PVSCSI_FLAG_CMD_DIR_TOHOST        (1u << 3)
#define PVSCSI_FLAG_CMD_DIR_TODEVICE      (1u << 4)

/* ---- s/g element, 16 bytes; a list segment lies within one page ---- */
#define PVSCSI_SGE_SIZE                   16
#define PVSCSI_SGE_ADDR                   0     /* u64 */
#define PVSCSI_SGE_LENGTH                 8     /* u32 */
#define PVSCSI_SGE_FLAGS                  12    /* u32 */
#define PVSCSI_SGE_FLAG_CHAIN_ELEMENT     (1u << 0)   /* addr = the next segment */
#define PVSCSI_MAX_NUM_SG_SEGMENTS        128         /* chained segments per request */

/* ---- completion descriptor, 32 bytes ---- */
#define PVSCSI_CMP_DESC_SIZE              32
#define PVSCSI_CMP_CONTEXT                0     /* u64 */
#define PVSCSI_CMP_DATA_LEN               8     /* u64 */
#define PVSCSI_CMP_SENSE_LEN              16    /* u32 */
#define PVSCSI_CMP_HOST_STATUS            20    /* u16: BTSTAT_* */
#define PVSCSI_CMP_SCSI_STATUS            22    /* u16 */

/* ---- message descriptor, 128 bytes ---- */
#define PVSCSI_MSG_DESC_SIZE              128
#define PVSCSI_MSG_TYPE                   0     /* u32 */
#define PVSCSI_MSG_BUS                    4     /* u32 */
#define PVSCSI_MSG_TARGET                 8     /* u32 */
#define PVSCSI_MSG_LUN                    12    /* u8[8] */
#define PVSCSI_MSG_DEV_ADDED              0
#define PVSCSI_MSG_DEV_REMOVED            1

/* ---- host adapter status in a completion ---- */
#define BTSTAT_SUCCESS                    0x00
#define BTSTAT_LINKED_COMMAND_COMPLETED   0x0A
#define BTSTAT_LINKED_COMMAND_COMPLETED_WITH_FLAG 0x0B
#define BTSTAT_DATA_UNDERRUN              0x0C
#define BTSTAT_SELTIMEO                   0x11
#define BTSTAT_DATARUN                    0x12
#define BTSTAT_BUSFREE                    0x13
#define BTSTAT_INVPHASE                   0x14
#define BTSTAT_LUNMISMATCH                0x17
#define BTSTAT_INVPARAM                   0x1A
#define BTSTAT_SENSFAILED                 0x1B
#define BTSTAT_TAGREJECT                  0x1C
#define BTSTAT_BADMSG                     0x1D
#define BTSTAT_HAHARDWARE                 0x20
#define BTSTAT_NORESPONSE                 0x21
#define BTSTAT_SENTRST                    0x22
#define BTSTAT_RECVRST                    0x23
#define BTSTAT_DISCONNECT                 0x24
#define BTSTAT_BUSRESET                   0x25
#define BTSTAT_ABORTQUEUE                 0x26
#define BTSTAT_HASOFTWARE                 0x27
#define BTSTAT_HATIMEOUT                  0x30
#define BTSTAT_SCSIPARITY                 0x34

/* ---- interrupt status / mask ---- */
#define PVSCSI_INTR_CMPL_0                (1u << 0)
#define PVSCSI_INTR_CMPL_1                (1u << 1)
#define PVSCSI_INTR_CMPL_MASK             0x3u
#define PVSCSI_INTR_MSG_0                 (1u << 2)
#define PVSCSI_INTR_MSG_1                 (1u << 3)
#define PVSCSI_INTR_MSG_MASK              0xCu
#define PVSCSI_INTR_ALL_SUPPORTED         0xFu
#define PVSCSI_VECTOR_COMPLETION          0     /* the one MSI-X vector the interface names */

/* ---- ring geometry ---- */
#define PVSCSI_PAGE_SIZE                  4096u
#define PVSCSI_REQ_ENTRIES_PER_PAGE       (PVSCSI_PAGE_SIZE / PVSCSI_REQ_DESC_SIZE)   /* 32 */
#define PVSCSI_CMP_ENTRIES_PER_PAGE       (PVSCSI_PAGE_SIZE / PVSCSI_CMP_DESC_SIZE)   /* 128 */
#define PVSCSI_MSG_ENTRIES_PER_PAGE       (PVSCSI_PAGE_SIZE / PVSCSI_MSG_DESC_SIZE)   /* 32 */
#define PVSCSI_SGES_PER_PAGE              (PVSCSI_PAGE_SIZE / PVSCSI_SGE_SIZE)        /* 256 */

/* SCSI queue tag message for untagged-free simple queueing (SAM-2 / SPI-4: SIMPLE QUEUE TAG). */
#define PVSCSI_SIMPLE_QUEUE_TAG           0x20

#endif
