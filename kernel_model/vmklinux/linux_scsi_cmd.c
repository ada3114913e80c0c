/* linux_scsi_cmd.c — one vmk_ScsiCommand through a Linux driver. The adapter's command entry
 * allocates a scsi_cmnd from the host's slab, copies the CDB and direction, converts the SG
 * array (mapped by the storage layer for the function's DMA engine) into a scatterlist, takes
 * the host lock and calls queuecommand as the driver. The driver's scsi_done puts the command on
 * the host's done list; a deferred completion context (a timer on the host's queue, the shim's
 * bottom half) drains the list, translates result, residual and sense back, frees the scsi_cmnd
 * and calls vmk_ScsiSchedCommandCompletion (reference/vmkapi.md §3 "SCSI": done list + worldlet).
 * docs/vmklinux.md "Storage". */
#include "kernel_model/vmklinux/linux_scsi_internal.h"

static void drain_cb(vmk_TimerCookie data);

/* ---- scsi_cmnd objects and tags ---- */

static void shim_scsi_done(struct scsi_cmnd *sc);

vmklnx_scmd *vmklnx_scsi_scmd_alloc(vmklnx_shost *h, struct scsi_device *sdev)
{
    vmklnx_scmd *c = vmk_SlabAlloc(h->cmd_slab);
    if (!c)
        return NULL;
    vmk_Memset(c, 0, sizeof *c);   /* the scatterlist is filled entry by entry */
    c->h = h;
    c->sc.device = sdev;
    c->sc.sense_buffer = c->sense;
    c->sc.scsi_done = shim_scsi_done;
    c->sc.tag = -1;
    c->sc.vmklnx = c;
    return c;
}

void vmklnx_scsi_scmd_free(vmklnx_scmd *c)
{
    vmk_SlabFree(c->h->cmd_slab, c);
}

static int tag_get(vmklnx_shost *h, vmklnx_scmd *c)
{
    int n = h->shost->can_queue;
    for (int i = 0; i < n; i++) {
        int t = (h->tag_hint + i) % n;
        if (!h->tags[t]) {
            h->tags[t] = c;
            h->tag_hint = (t + 1) % n;
            return t;
        }
    }
    return -1;
}

/* ---- vmk_ScsiCommand -> scsi_cmnd ---- */

static enum dma_data_direction dir_of(const vmk_ScsiCommand *v)
{
    switch (v->dataDirection) {
    case VMK_SCSI_COMMAND_DIRECTION_WRITE: return DMA_TO_DEVICE;
    case VMK_SCSI_COMMAND_DIRECTION_READ: return DMA_FROM_DEVICE;
    case VMK_SCSI_COMMAND_DIRECTION_NONE: return DMA_NONE;
    default: return v->requiredDataLen ? DMA_BIDIRECTIONAL : DMA_NONE;
    }
}

/* Whether the command fits the host: its SG arrays agree, and it is within sg_tablesize and
 * max_sectors (the limits a Linux driver declares and relies on). */
static int fits(const vmklnx_shost *h, const vmk_ScsiCommand *v)
{
    const struct Scsi_Host *s = h->shost;
    const vmk_SgArray *sg = v->sgArray, *io = v->sgIOArray;
    if (v->cdbLen == 0 || v->cdbLen > s->max_cmd_len)
        return 0;
    if (!sg)
        return v->requiredDataLen == 0;
    return io && io->numElems == sg->numElems && sg->numElems <= s->sg_tablesize &&
           v->requiredDataLen <= (vmk_ByteCount)s->max_sectors * 512;
}

static void to_scatterlist(vmklnx_scmd *c, const vmk_ScsiCommand *v)
{
    const vmk_SgArray *sg = v->sgArray, *io = v->sgIOArray;
    vmk_uint32 n = sg ? sg->numElems : 0;
    for (vmk_uint32 i = 0; i < n; i++) {
        struct scatterlist *e = &c->sgl[i];
        e->vmklnx_virt = (void *)(vmk_uintptr_t)sg->elem[i].addr;   /* MA = kernel pointer */
        e->offset = 0;
        e->length = (unsigned int)sg->elem[i].length;
        e->dma_address = io->elem[i].ioAddr;
        e->dma_length = (unsigned int)io->elem[i].length;
        e->vmklnx_end = i + 1 == n;
    }
    c->sc.sdb.sgl = n ? c->sgl : NULL;
    c->sc.sdb.nents = n;
    c->sc.sdb.length = (unsigned int)v->requiredDataLen;
    c->sc.sdb.resid = 0;
}

VMK_ReturnStatus vmklnx_scsi_command(void *client, vmk_ScsiCommand *v, void *device_data)
{
    vmklnx_shost *h = ((vmklnx_scsi_port *)client)->h;
    vmklnx_sdev *sd = device_data;
    if (!h || !h->added || h->removing || !sd)
        return VMK_BUSY;   /* the host is gone: the layer ends the command BUS_BUSY */
    struct Scsi_Host *s = h->shost;
    if (!fits(h, v)) {
        vmk_WarningMessage("vmklinux: host%u: command 0x%02x (%llu bytes, %u SG elements) "
                           "exceeds the host's limits (sg_tablesize %u, max_sectors %u, "
                           "max_cmd_len %u)", s->host_no, v->cdb[0],
                           (unsigned long long)v->requiredDataLen,
                           v->sgArray ? v->sgArray->numElems : 0, s->sg_tablesize,
                           s->max_sectors, s->max_cmd_len);
        h->stats.refused++;
        return VMK_NO_RESOURCES;
    }
    vmklnx_scmd *c = vmklnx_scsi_scmd_alloc(h, &sd->sdev);
    if (!c) {
        h->stats.refused++;
        return VMK_NO_MEMORY;
    }
    int tag = tag_get(h, c);
    if (tag < 0) {
        vmklnx_scsi_scmd_free(c);
        h->stats.refused++;
        return VMK_BUSY;
    }
    struct scsi_cmnd *sc = &c->sc;
    c->vcmd = v;
    sc->tag = tag;
    vmk_Memcpy(sc->cmnd, v->cdb, v->cdbLen);
    sc->cmd_len = (unsigned short)v->cdbLen;
    sc->sc_data_direction = dir_of(v);
    to_scatterlist(c, v);
    c->state = VMKLNX_SCMD_IN_DRIVER;
    if (sd->removed) {
        /* The driver said the device is gone (scsi_remove_device): the midlayer answers. */
        sc->result = DID_NO_CONNECT << 16;
        vmklnx_scsi_queue_done(c);
        return VMK_OK;
    }
    int rc;
    vmk_SpinlockLock((vmk_Lock)s->default_lock.vmk_lock);
    VMKAPI_MODULE_CALL(h->mod->id, rc, s->hostt->queuecommand, s, sc);
    vmk_SpinlockUnlock((vmk_Lock)s->default_lock.vmk_lock);
    if (rc != 0 && c->state == VMKLNX_SCMD_IN_DRIVER) {
        /* SCSI_MLQUEUE_*_BUSY: the command never reached the hardware. */
        h->tags[tag] = NULL;
        vmklnx_scsi_scmd_free(c);
        h->stats.refused++;
        return VMK_BUSY;
    }
    h->stats.queued++;
    return VMK_OK;
}

/* ---- done list and deferred completion ---- */

void vmklnx_scsi_queue_done(vmklnx_scmd *c)
{
    vmklnx_shost *h = c->h;
    c->state = VMKLNX_SCMD_DONE;
    c->next_done = NULL;
    vmk_SpinlockLock(h->done_lock);
    if (h->done_tail)
        h->done_tail->next_done = c;
    else
        h->done_head = c;
    h->done_tail = c;
    int arm = !h->drain_armed && h->tq != VMK_INVALID_TIMER_QUEUE;
    if (arm)
        h->drain_armed = 1;
    vmk_SpinlockUnlock(h->done_lock);
    if (h->tq == VMK_INVALID_TIMER_QUEUE) {
        vmklnx_scsi_drain_now(h);   /* the host is no longer published: nothing to defer to */
        return;
    }
    if (arm) {
        vmk_TimerCookie ck = {.ptr = h};
        if (vmk_TimerSchedule(h->tq, drain_cb, ck, 0, VMK_TIMER_DEFAULT_TOLERANCE,
                              VMK_TIMER_ATTR_NONE, 0, 0, &h->drain_timer) != VMK_OK) {
            h->drain_armed = 0;
            vmklnx_scsi_drain_now(h);
        }
    }
}

static void shim_scsi_done(struct scsi_cmnd *sc)
{
    vmklnx_scmd *c = vmklnx_scmd_of(sc);
    if (c->state != VMKLNX_SCMD_IN_DRIVER) {
        vmk_WarningMessage("vmklinux: host%u: scsi_done of a command that is not the driver's "
                           "(tag %d, state %d): ignored", c->h->shost->host_no, sc->tag,
                           (int)c->state);
        return;
    }
    vmklnx_scsi_queue_done(c);
}

/* Linux host bytes 0..9 are vmkapi's host statuses (vmkapi_scsi.h); the retry hints become
 * BUS_BUSY, anything else an adapter error. */
static vmk_ScsiHostStatus host_status_of(int host_byte)
{
    if (host_byte <= DID_BAD_INTR)
        return (vmk_ScsiHostStatus)host_byte;
    if (host_byte == DID_SOFT_ERROR || host_byte == DID_IMM_RETRY || host_byte == DID_REQUEUE)
        return VMK_SCSI_HOST_BUS_BUSY;
    return VMK_SCSI_HOST_ERROR;
}

static void complete_one(vmklnx_shost *h, vmklnx_scmd *c)
{
    struct scsi_cmnd *sc = &c->sc;
    vmk_ScsiCommand *v = c->vcmd;
    int hb = host_byte(sc->result), st = status_byte(sc->result);
    if (c->dma_mapped)
        vmk_WarningMessage("vmklinux: host%u: command tag %d finished still DMA-mapped",
                           h->shost->host_no, sc->tag);
    v->status.host = host_status_of(hb);
    v->status.device = (vmk_ScsiDeviceStatus)st;
    v->status.plugin = VMK_SCSI_PLUGIN_GOOD;
    vmk_ByteCount len = sc->sdb.length;
    vmk_ByteCount resid = sc->sdb.resid < 0 ? 0 : (vmk_ByteCount)sc->sdb.resid;
    v->bytesXferred = hb == DID_OK && resid < len ? len - resid : 0;
    if (st == SAM_STAT_CHECK_CONDITION) {
        vmk_ScsiSenseData sense;
        vmk_Memcpy(&sense, c->sense, sizeof sense);   /* the first 64 of Linux's 96 bytes */
        vmk_ScsiCmdSetSenseData(&sense, v, sizeof sense);
    }
    h->tags[sc->tag] = NULL;
    vmklnx_scsi_scmd_free(c);
    h->stats.completed++;
    vmk_ScsiSchedCommandCompletion(v);
}

void vmklnx_scsi_drain_now(vmklnx_shost *h)
{
    vmk_SpinlockLock(h->done_lock);
    vmklnx_scmd *list = h->done_head;
    h->done_head = h->done_tail = NULL;
    h->drain_armed = 0;
    vmk_SpinlockUnlock(h->done_lock);
    if (!list)
        return;
    h->stats.drains++;
    while (list) {
        vmklnx_scmd *c = list;
        list = c->next_done;
        complete_one(h, c);
    }
}

static void drain_cb(vmk_TimerCookie data)
{
    vmklnx_scsi_drain_now(data.ptr);
}

/* ---- the driver's DMA calls: the storage layer already mapped the SG array for the host's
 * engine when it issued the command, so mapping hands the driver those IO addresses. ---- */

int scsi_dma_map(struct scsi_cmnd *sc)
{
    vmklnx_scmd *c = vmklnx_scmd_of(sc);
    if (c->state != VMKLNX_SCMD_IN_DRIVER)
        return -EINVAL;
    if (!sc->sdb.nents)
        return 0;
    c->dma_mapped = 1;
    return (int)sc->sdb.nents;
}

void scsi_dma_unmap(struct scsi_cmnd *sc)
{
    vmklnx_scmd_of(sc)->dma_mapped = 0;
}
