/* linux_scsi_eh.c — task management through the driver's error handlers. The storage layer's
 * taskMgmt requests (abort, LUN/target reset, bus reset; docs/storage.md "Timeouts") become
 * calls of eh_abort_handler, eh_device_reset_handler, eh_target_reset_handler,
 * eh_bus_reset_handler and, when a bus reset fails, eh_host_reset_handler — without the host
 * lock and as the driver, in the layer's worker world (they may sleep, as Linux's error handler
 * thread may). After a handler returns SUCCESS, every command of its scope the driver still
 * holds is the midlayer's again: vmklinux ends it with the request's host status through the
 * done list, as Linux's scsi_eh_finish_cmd does. */
#include "kernel_model/vmklinux/linux_scsi_internal.h"

typedef int (*eh_fn)(struct scsi_cmnd *);

static int call_eh(vmklnx_shost *h, eh_fn fn, struct scsi_cmnd *sc)
{
    if (!fn)
        return FAILED;
    int rc;
    h->stats.eh_calls++;
    VMKAPI_MODULE_CALL(h->mod->id, rc, fn, sc);
    return rc;
}

typedef enum { SCOPE_CMD, SCOPE_LUN, SCOPE_TARGET, SCOPE_HOST } eh_scope;

static int in_scope(const vmklnx_scmd *c, eh_scope scope, const struct scsi_device *sdev)
{
    const struct scsi_device *d = c->sc.device;
    switch (scope) {
    case SCOPE_HOST: return 1;
    case SCOPE_TARGET: return d->channel == sdev->channel && d->id == sdev->id;
    case SCOPE_LUN:
        return d->channel == sdev->channel && d->id == sdev->id && d->lun == sdev->lun;
    default: return 0;
    }
}

/* Ends what the driver still holds in the scope after a successful handler. */
static void finish_scope(vmklnx_shost *h, vmk_ScsiTaskMgmt *tm, eh_scope scope,
                         const struct scsi_device *sdev)
{
    for (int t = 0; t < h->shost->can_queue; t++) {
        vmklnx_scmd *c = h->tags[t];
        if (!c || c->state != VMKLNX_SCMD_IN_DRIVER || !in_scope(c, scope, sdev) ||
            vmk_ScsiQueryTaskMgmtAction(tm, c->vcmd) != VMK_SCSI_TASKMGMT_ACTION_ABORT)
            continue;
        c->sc.result = (int)tm->status << 16;
        c->dma_mapped = 0;   /* the midlayer unmaps for a command it takes back */
        h->stats.eh_finished++;
        vmklnx_scsi_queue_done(c);
    }
}

/* ABORT names one command, VIRT_RESET every command of an initiator: each gets the abort
 * handler. */
static VMK_ReturnStatus abort_each(vmklnx_shost *h, vmk_ScsiTaskMgmt *tm)
{
    int failed = 0;
    for (int t = 0; t < h->shost->can_queue; t++) {
        vmklnx_scmd *c = h->tags[t];
        if (!c || c->state != VMKLNX_SCMD_IN_DRIVER ||
            vmk_ScsiQueryTaskMgmtAction(tm, c->vcmd) != VMK_SCSI_TASKMGMT_ACTION_ABORT)
            continue;
        vmk_uint64 serial = c->vcmd->cmdId.serialNumber;
        int rc = call_eh(h, h->shost->hostt->eh_abort_handler, &c->sc);
        /* The handler may sleep: meanwhile the command may have completed and its slot been
         * reused, so it is ended only if it is still the same command, still the driver's. */
        if (rc == SUCCESS && h->tags[t] == c && c->state == VMKLNX_SCMD_IN_DRIVER &&
            c->vcmd->cmdId.serialNumber == serial) {
            c->sc.result = (int)tm->status << 16;
            c->dma_mapped = 0;
            h->stats.eh_finished++;
            vmklnx_scsi_queue_done(c);
        }
        failed |= rc != SUCCESS;
    }
    return failed ? VMK_FAILURE : VMK_OK;
}

/* A command for a reset handler: one the driver holds on that device, or a scratch one (as
 * Linux's reset ioctl makes) when it holds none. */
static vmklnx_scmd *reset_cmd(vmklnx_shost *h, struct scsi_device *sdev, int *scratch)
{
    *scratch = 0;
    for (int t = 0; t < h->shost->can_queue; t++) {
        vmklnx_scmd *c = h->tags[t];
        if (c && c->state == VMKLNX_SCMD_IN_DRIVER && c->sc.device == sdev)
            return c;
    }
    vmklnx_scmd *c = vmklnx_scsi_scmd_alloc(h, sdev);
    if (c) {
        c->state = VMKLNX_SCMD_SCRATCH;
        c->sc.sc_data_direction = DMA_NONE;
        *scratch = 1;
    }
    return c;
}

VMK_ReturnStatus vmklnx_scsi_task_mgmt(void *client, vmk_ScsiTaskMgmt *tm, void *device_data)
{
    vmklnx_shost *h = ((vmklnx_scsi_port *)client)->h;
    vmklnx_sdev *sd = device_data;
    if (!h || !h->added)
        return VMK_OK;   /* nothing of a removed host is left to end */
    const struct scsi_host_template *t = h->shost->hostt;
    if (tm->type == VMK_SCSI_TASKMGMT_ABORT || tm->type == VMK_SCSI_TASKMGMT_VIRT_RESET)
        return abort_each(h, tm);
    if (!sd)
        return VMK_BAD_PARAM;
    int scratch;
    vmklnx_scmd *c = reset_cmd(h, &sd->sdev, &scratch);
    if (!c)
        return VMK_NO_MEMORY;
    int rc = FAILED;
    eh_scope scope = SCOPE_HOST;
    switch (tm->type) {
    case VMK_SCSI_TASKMGMT_LUN_RESET:
        scope = SCOPE_LUN;
        rc = call_eh(h, t->eh_device_reset_handler, &c->sc);
        break;
    case VMK_SCSI_TASKMGMT_DEVICE_RESET:   /* the path's target: Linux's target reset */
        scope = SCOPE_TARGET;
        rc = t->eh_target_reset_handler ? call_eh(h, t->eh_target_reset_handler, &c->sc)
                                        : call_eh(h, t->eh_device_reset_handler, &c->sc);
        break;
    case VMK_SCSI_TASKMGMT_BUS_RESET:
        rc = call_eh(h, t->eh_bus_reset_handler, &c->sc);
        if (rc != SUCCESS)   /* Linux escalates a failed bus reset to a host reset */
            rc = call_eh(h, t->eh_host_reset_handler, &c->sc);
        break;
    default:
        break;
    }
    if (scratch)
        vmklnx_scsi_scmd_free(c);
    if (rc != SUCCESS)
        return VMK_FAILURE;
    finish_scope(h, tm, scope, &sd->sdev);
    return VMK_OK;
}
