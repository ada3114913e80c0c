/* linux_scsi_internal.h — what vmklinux's SCSI translation files share: the per-host state behind
 * a Scsi_Host (its vmk_ScsiAdapter, scsi_cmnd slab, tag table, done list and completion timer),
 * the per-command and per-device private parts, and the calls between the files. The shim's
 * SCSI side follows the real one (reference/vmkapi.md §3 "SCSI"); docs/vmklinux.md "Storage". */
#ifndef VMKLNX_SCSI_INTERNAL_H
#define VMKLNX_SCSI_INTERNAL_H

#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

/* Where a scsi_cmnd is: with the driver, on the done list, or a scratch command an error
 * handler is given when no real command of the device is outstanding. */
typedef enum {
    VMKLNX_SCMD_IN_DRIVER = 1,
    VMKLNX_SCMD_DONE = 2,
    VMKLNX_SCMD_SCRATCH = 3,
} vmklnx_scmd_state;

/* One slab object: the scsi_cmnd, then the shim's bookkeeping, the sense buffer and a
 * scatterlist of sg_tablesize entries. */
typedef struct vmklnx_scmd {
    struct scsi_cmnd sc;
    vmk_ScsiCommand *vcmd;           /* the storage layer's command (NULL: scratch) */
    struct vmklnx_shost *h;
    vmklnx_scmd_state state;
    struct vmklnx_scmd *next_done;
    int dma_mapped;                  /* scsi_dma_map called, not yet unmapped */
    u8 sense[SCSI_SENSE_BUFFERSIZE];
    struct scatterlist sgl[];
} vmklnx_scmd;

/* A LUN vmklinux knows (a path the storage layer created). */
typedef struct vmklnx_sdev {
    struct scsi_device sdev;
    struct vmklnx_shost *h;
    int configured;                  /* CONFIGURE_PATH seen: scsi_device_lookup finds it */
    int removed;                     /* scsi_remove_device: commands end DID_NO_CONNECT */
    int path_gone;                   /* DESTROY_PATH seen: freed at the last put */
    int refs;                        /* scsi_device_lookup references */
    struct vmklnx_sdev *next;
} vmklnx_sdev;

typedef struct vmklnx_shost_stats {
    vmk_uint64 queued;               /* commands given to queuecommand and taken */
    vmk_uint64 refused;              /* queuecommand said busy, or no tag/slab object */
    vmk_uint64 completed;            /* handed back through vmk_ScsiSchedCommandCompletion */
    vmk_uint64 drains;               /* runs of the deferred completion context */
    vmk_uint64 eh_calls;             /* calls of eh_* handlers */
    vmk_uint64 eh_finished;          /* commands the shim ended after a successful handler */
} vmklnx_shost_stats;

/* What the storage layer holds of a host: the vmk_ScsiAdapter (clientData = the port) and the
 * "com.vmware.HBAPort" child of the PCI function that publishes it. It outlives its host while
 * the child is registered (a child goes only with its parent's removal), and a host the same
 * function gets later takes it over. */
typedef struct vmklnx_scsi_port {
    vmk_ScsiAdapter *adapter;
    vmk_Device child;                /* VMK_DEVICE_NONE until the function's next scan */
    struct pci_dev *pdev;
    struct vmklnx_shost *h;          /* NULL once the host is freed */
    struct vmklnx_scsi_port *next;
} vmklnx_scsi_port;

typedef struct vmklnx_shost {
    struct Scsi_Host *shost;
    vmklnx_module *mod;              /* the driver's module */
    struct pci_dev *pdev;            /* the parent given to scsi_add_host */
    vmklnx_scsi_port *port;          /* from scsi_add_host to scsi_host_put */
    vmk_DMAEngine engine;            /* the pci_dev's engine, held while added */
    vmk_SlabID cmd_slab;             /* vmklnx_scmd objects */
    vmk_ByteCount cmd_size;
    vmk_Lock done_lock;              /* the done list (scsi_done may run at interrupt level) */
    vmklnx_scmd *done_head, *done_tail;
    vmk_TimerQueue tq;               /* the deferred completion context */
    vmk_Timer drain_timer;
    int drain_armed;
    vmklnx_scmd **tags;              /* can_queue entries: commands not yet handed back */
    int tag_hint;
    vmklnx_sdev *sdevs;
    int added, removing;
    vmklnx_shost_stats stats;
    struct vmklnx_shost *next;       /* vmklinux's list of hosts */
} vmklnx_shost;

static inline vmklnx_shost *vmklnx_shost_of(const struct Scsi_Host *s)
{
    return (vmklnx_shost *)s->vmklnx;
}
static inline vmklnx_scmd *vmklnx_scmd_of(struct scsi_cmnd *sc)
{
    return (vmklnx_scmd *)sc;
}

/* linux_scsi_cmd.c: the adapter's command entry, the done list and its drain. */
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_scsi_command(void *client, vmk_ScsiCommand *vcmd,
                                                   void *device_data);
/* Puts a command on the done list and arms the drain (scsi_done, and the shim's own endings). */
VMKLNX_HIDDEN void vmklnx_scsi_queue_done(vmklnx_scmd *c);
/* Hands back everything on the done list now, in the caller's context. */
VMKLNX_HIDDEN void vmklnx_scsi_drain_now(vmklnx_shost *h);
VMKLNX_HIDDEN vmklnx_scmd *vmklnx_scsi_scmd_alloc(vmklnx_shost *h, struct scsi_device *sdev);
VMKLNX_HIDDEN void vmklnx_scsi_scmd_free(vmklnx_scmd *c);

/* linux_scsi_eh.c: the adapter's task-management entry. */
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_scsi_task_mgmt(void *client, vmk_ScsiTaskMgmt *tm,
                                                     void *device_data);

/* linux_scsi_dev.c: the adapter's discover entry; dropping every device of a host. */
VMKLNX_HIDDEN VMK_ReturnStatus vmklnx_scsi_discover(void *client, vmk_ScanAction action,
                                                    int channel, int target, int lun,
                                                    void **device_data);
VMKLNX_HIDDEN void vmklnx_scsi_sdevs_free(vmklnx_shost *h);

/* linux_scsi_port.c: the port of a host being added (a new one, or the one a former host of
 * the function left published), publication at the function's scan, and the end of a host's
 * hold on it. */
VMKLNX_HIDDEN vmklnx_scsi_port *vmklnx_scsi_port_take(vmklnx_shost *h);
VMKLNX_HIDDEN void vmklnx_scsi_port_unpublish(vmklnx_scsi_port *pt);
VMKLNX_HIDDEN void vmklnx_scsi_port_drop(vmklnx_scsi_port *pt);

#endif
