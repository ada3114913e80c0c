/* vmkapi_scsi.h — SCSI adapters and commands for native storage drivers. Names follow vmkapi v2.3
 * (scsi/vmkapi_scsi.h, vmkapi_scsi_types.h): vmk_ScsiAllocateAdapter/FreeAdapter, vmk_ScsiAdapter
 * with command / taskMgmt / discover / checkTarget entry points, vmk_ScsiCommand with an SG array
 * (machine addresses) and an SG IO array (mapped by the storage layer for the adapter's DMA
 * engine), completion through vmk_ScsiSchedCommandCompletion. A native driver publishes the
 * adapter as a logical child with bus identifier VMK_SCSI_PSA_DRIVER_BUS_ID from its scan, with
 * registrationData.ptr = the vmk_ScsiAdapter*. Host status values are Linux's DID_* codes, device
 * status values SAM-5 5.3.1. Semantics: docs/storage.md. */
#ifndef VMKAPI_SCSI_H
#define VMKAPI_SCSI_H

#include "vmkapi/vmkapi_dma.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

#define VMK_SCSI_MAX_CDB_LEN 16          /* SPC-4 4.2.2: CDBs up to 16 bytes (no variable length) */
#define VMK_SCSI_SENSE_BUFFER_SIZE 64    /* bytes of sense data kept with a command */

typedef enum {
    VMK_SCSI_COMMAND_DIRECTION_UNKNOWN = 0,
    VMK_SCSI_COMMAND_DIRECTION_WRITE = 1,   /* data out: the device reads host memory */
    VMK_SCSI_COMMAND_DIRECTION_READ = 2,    /* data in: the device writes host memory */
    VMK_SCSI_COMMAND_DIRECTION_NONE = 3,
} vmk_ScsiCommandDirection;

/* What the adapter reports about the transport (values of Linux's DID_* codes). */
typedef enum {
    VMK_SCSI_HOST_OK = 0x00,
    VMK_SCSI_HOST_NO_CONNECT = 0x01,    /* no such target (selection timeout) */
    VMK_SCSI_HOST_BUS_BUSY = 0x02,
    VMK_SCSI_HOST_TIMEOUT = 0x03,
    VMK_SCSI_HOST_BAD_TARGET = 0x04,
    VMK_SCSI_HOST_ABORT = 0x05,         /* ended by a task-management abort */
    VMK_SCSI_HOST_PARITY = 0x06,
    VMK_SCSI_HOST_ERROR = 0x07,
    VMK_SCSI_HOST_RESET = 0x08,         /* ended by a device or bus reset */
    VMK_SCSI_HOST_BAD_INTR = 0x09,
} vmk_ScsiHostStatus;

/* What the target returned (SAM-5 5.3.1 status codes). */
typedef enum {
    VMK_SCSI_DEVICE_GOOD = 0x00,
    VMK_SCSI_DEVICE_CHECK_CONDITION = 0x02,
    VMK_SCSI_DEVICE_CONDITION_MET = 0x04,
    VMK_SCSI_DEVICE_BUSY = 0x08,
    VMK_SCSI_DEVICE_RESERVATION_CONFLICT = 0x18,
    VMK_SCSI_DEVICE_QUEUE_FULL = 0x28,
    VMK_SCSI_DEVICE_TASK_ABORTED = 0x40,
} vmk_ScsiDeviceStatus;

/* Set by the storage layer above the adapter (multipathing plugins); drivers leave it GOOD. */
typedef enum {
    VMK_SCSI_PLUGIN_GOOD = 0,
    VMK_SCSI_PLUGIN_REQUEUE = 1,
} vmk_ScsiPluginStatus;

typedef struct vmk_ScsiCmdStatus {
    vmk_ScsiDeviceStatus device;
    vmk_ScsiHostStatus host;
    vmk_ScsiPluginStatus plugin;
} vmk_ScsiCmdStatus;

/* Fixed-format sense data (SPC-4 4.5.3), padded to VMK_SCSI_SENSE_BUFFER_SIZE. */
typedef struct vmk_ScsiSenseData {
    vmk_uint8 error;          /* byte 0: VALID bit 7, response code 70h/71h */
    vmk_uint8 segment;
    vmk_uint8 key;            /* byte 2: sense key in bits 0-3; ILI, EOM, FILEMARK above */
    vmk_uint8 info[4];
    vmk_uint8 optLen;         /* ADDITIONAL SENSE LENGTH */
    vmk_uint8 cmdInfo[4];
    vmk_uint8 asc;            /* byte 12 */
    vmk_uint8 ascq;           /* byte 13 */
    vmk_uint8 fru;
    vmk_uint8 sks[3];
    vmk_uint8 additional[VMK_SCSI_SENSE_BUFFER_SIZE - 18];
} vmk_ScsiSenseData;

/* Identity of a command: the initiator (the storage layer's handle) and a serial number unique
 * per adapter. Task-management requests name commands by it. */
typedef struct vmk_ScsiCmdId {
    void *initiator;
    vmk_uint64 serialNumber;
} vmk_ScsiCmdId;

struct vmk_ScsiCommand;
typedef void (*vmk_ScsiCmdDone)(struct vmk_ScsiCommand *cmd);

/* A command as the adapter's `command` entry receives it. The storage layer owns it: the driver
 * fills status, bytesXferred and sense data and hands it back with
 * vmk_ScsiSchedCommandCompletion exactly once; it may not free it. */
typedef struct vmk_ScsiCommand {
    vmk_ScsiCmdId cmdId;
    vmk_uint8 cdb[VMK_SCSI_MAX_CDB_LEN];
    vmk_ByteCount cdbLen;
    vmk_ScsiCommandDirection dataDirection;
    vmk_SgArray *sgArray;       /* machine addresses of the data buffer; NULL without data */
    vmk_SgArray *sgIOArray;     /* the same, mapped for the adapter's engine (NULL: no engine) */
    vmk_ByteCount requiredDataLen;
    vmk_ByteCount bytesXferred; /* set by the driver */
    vmk_ScsiCmdStatus status;   /* set by the driver */
    vmk_uint32 timeoutMs;       /* the storage layer's timeout for this command */
    vmk_uint64 lba;             /* READ/WRITE: first block and block count (0 otherwise) */
    vmk_uint32 lbc;
    vmk_ScsiCmdDone done;       /* the storage layer's; drivers never call it */
    void *doneData;
    vmk_ScsiSenseData senseData;
} vmk_ScsiCommand;

typedef enum {
    VMK_SCSI_TASKMGMT_ABORT = 0,         /* the command named by cmdId */
    VMK_SCSI_TASKMGMT_VIRT_RESET = 1,    /* every command of cmdId.initiator */
    VMK_SCSI_TASKMGMT_LUN_RESET = 2,     /* every command of the path's LUN */
    VMK_SCSI_TASKMGMT_DEVICE_RESET = 3,  /* every command of the path's target */
    VMK_SCSI_TASKMGMT_BUS_RESET = 4,     /* every command on the adapter's channel */
} vmk_ScsiTaskMgmtType;

typedef struct vmk_ScsiTaskMgmt {
    vmk_ScsiTaskMgmtType type;
    vmk_ScsiHostStatus status;   /* what the affected commands should end with */
    vmk_ScsiCmdId cmdId;
    vmk_uint32 worldId;
} vmk_ScsiTaskMgmt;

typedef enum {
    VMK_SCSI_TASKMGMT_ACTION_IGNORE = 0,           /* the request does not concern the command */
    VMK_SCSI_TASKMGMT_ACTION_ABORT = 1,            /* end the command with the request's status */
} vmk_ScsiTaskMgmtAction;

typedef enum {
    VMK_SCSI_SCAN_CREATE_PATH = 0,     /* a path to (channel, target, lun) is being probed */
    VMK_SCSI_SCAN_CONFIGURE_PATH = 1,  /* the path has a device the layer keeps */
    VMK_SCSI_SCAN_DESTROY_PATH = 2,    /* the path is gone (nothing there, or teardown) */
} vmk_ScanAction;

typedef VMK_ReturnStatus (*vmk_ScsiAdapterCommand)(void *clientData, vmk_ScsiCommand *cmd,
                                                   void *deviceData);
typedef VMK_ReturnStatus (*vmk_ScsiAdapterTaskMgmt)(void *clientData, vmk_ScsiTaskMgmt *tm,
                                                    void *deviceData);
typedef VMK_ReturnStatus (*vmk_ScsiAdapterDiscover)(void *clientData, vmk_ScanAction action,
                                                    int channel, int targetId, int lunId,
                                                    void **deviceData);
/* VMK_OK if something answers at (channel, target); anything else skips the target. */
typedef VMK_ReturnStatus (*vmk_ScsiAdapterCheckTarget)(void *clientData, int channel,
                                                       int targetId);
typedef int (*vmk_ScsiAdapterQueryDeviceQueueDepth)(void *clientData, void *deviceData);

typedef struct vmk_ScsiAdapter {
    vmk_Name name;                  /* "vmhbaN", set by the storage layer when it claims it */
    vmk_ModuleID moduleID;          /* the driver's module (0: kernel code, as in tests) */
    void *clientData;               /* handed back to every entry point */
    vmk_DMAEngine engine;           /* the layer maps each command's SG array for it */
    vmk_uint32 channels;            /* buses, >= 1 */
    vmk_uint32 maxTargets;          /* targets per channel, >= 1 */
    vmk_uint32 maxLUNs;             /* LUNs per target, >= 1 */
    vmk_uint32 targetId;            /* the adapter's own ID on the bus: not scanned */
    vmk_uint32 queueDepth;          /* commands outstanding on the adapter at most, >= 1 */
    vmk_uint32 maxCmdLen;           /* longest CDB it takes (6..16) */
    vmk_ScsiAdapterCommand command;
    vmk_ScsiAdapterTaskMgmt taskMgmt;
    vmk_ScsiAdapterDiscover discover;
    vmk_ScsiAdapterCheckTarget checkTarget;                      /* optional */
    vmk_ScsiAdapterQueryDeviceQueueDepth queryDeviceQueueDepth;  /* optional */
    void *kernelPrivate;            /* the storage layer's; drivers leave it alone */
} vmk_ScsiAdapter;

/* A zeroed adapter (the driver fills it in) or NULL; freed with vmk_ScsiFreeAdapter once the
 * storage layer has let go of it (its device unregistered). */
vmk_ScsiAdapter *vmk_ScsiAllocateAdapter(void);
void vmk_ScsiFreeAdapter(vmk_ScsiAdapter *adapter);

/* Deprecated for native drivers (they publish a "com.vmware.HBAPort" child from scan); used by
 * the storage stack itself and by vmklinux's scsi_add_host: registers the adapter as a logical
 * root device that the storage layer claims at once (attach, start: discovery begins).
 * VMK_EXISTS if it is already registered. */
VMK_ReturnStatus vmk_ScsiRegisterAdapter(vmk_ScsiAdapter *adapter);
/* Removes an adapter registered that way (quiesce, detach: what it holds fails). */
VMK_ReturnStatus vmk_ScsiUnregisterAdapter(vmk_ScsiAdapter *adapter);

/* Path wildcards of the scan calls below (vmkapi v2.3 vmkapi_scsi_types.h). */
#define VMK_SCSI_PATH_ANY_CHANNEL (-1)
#define VMK_SCSI_PATH_ANY_TARGET (-1)
#define VMK_SCSI_PATH_ANY_LUN (-1)

/* Asks the storage layer to discover (channel, target, lun) of the named adapter again, e.g.
 * after the hardware announced a new target. Discovery runs later in its own thread (a full
 * pass; one asked for while a pass runs follows it). Callable from interrupt context.
 * VMK_NOT_FOUND for an unknown adapter, VMK_BUSY if it is not started. */
VMK_ReturnStatus vmk_ScsiScanAndClaimPaths(vmk_Name *adapterName, vmk_int32 channel,
                                           vmk_int32 target, vmk_int32 lun);
/* Tells the storage layer that (channel, target, lun) of the named adapter is gone: its disks
 * are removed before the next discovery pass (started by this call), and their paths destroyed
 * once no command uses them. Callable from interrupt context. Errors as above. */
VMK_ReturnStatus vmk_ScsiScanDeleteAdapterPath(vmk_Name *adapterName, vmk_int32 channel,
                                               vmk_int32 target, vmk_int32 lun);

/* Hands a finished command back. Callable from interrupt context; the completion runs later in
 * the adapter's completion world. VMK_BAD_PARAM for a command that is not outstanding. */
VMK_ReturnStatus vmk_ScsiSchedCommandCompletion(vmk_ScsiCommand *cmd);

/* Copies up to senseLength bytes of the command's sense data out / in. */
VMK_ReturnStatus vmk_ScsiCmdGetSenseData(vmk_ScsiCommand *cmd, vmk_ScsiSenseData *senseData,
                                         vmk_ByteCount senseLength);
VMK_ReturnStatus vmk_ScsiCmdSetSenseData(vmk_ScsiSenseData *senseData, vmk_ScsiCommand *cmd,
                                         vmk_ByteCount senseLength);

/* Whether a task-management request concerns cmd (the driver asks for each outstanding command
 * of the path it was given). */
vmk_ScsiTaskMgmtAction vmk_ScsiQueryTaskMgmtAction(vmk_ScsiTaskMgmt *tm, vmk_ScsiCommand *cmd);

#endif
