/* vmw_pvscsi_io.c — I/O of the Linux PVSCSI driver: queuecommand posts each command to the
 * request ring with its scsi_dma_map'd scatterlist as the s/g list (chained past one page by the
 * shared layer), the interrupt handler reaps the completion ring (status, autosense, residual,
 * scsi_done) and hands message-ring notices to a work item, and the error handlers issue
 * ABORT_CMD, RESET_DEVICE, RESET_BUS or an adapter reset and wait for the device to end the
 * commands concerned. Interface facts: drivers/common/pvscsi/pvscsi_hw_regs.h, docs/hba.md. */
#include <linux/delay.h>
#include <linux/string.h>

#include "vmw_pvscsi.h"

void pvscsi_slots_init(struct pvscsi_adapter *a)
{
    a->nfree = 0;
    for (int i = PVSCSI_LX_SLOTS - 1; i >= 0; i--) {
        struct pvscsi_ctx *c = &a->ctx[i];
        c->cmd = NULL;
        c->sg_area.va = (char *)a->sg_pages + (size_t)i * PVSCSI_LX_SG_PAGES * PVSCSI_PAGE_SIZE;
        c->sg_area.pa = a->sg_pages_pa + (u64)i * PVSCSI_LX_SG_PAGES * PVSCSI_PAGE_SIZE;
        c->sg_area.pages = PVSCSI_LX_SG_PAGES;
        c->sense = a->sense + (size_t)i * SCSI_SENSE_BUFFERSIZE;
        c->sense_pa = a->sense_pa + (u64)i * SCSI_SENSE_BUFFERSIZE;
        a->free_slots[a->nfree++] = i;
    }
}

static void slot_put(struct pvscsi_adapter *a, struct pvscsi_ctx *c)
{
    c->cmd = NULL;
    a->free_slots[a->nfree++] = (int)(c - a->ctx);
}

static struct pvscsi_ctx *slot_of_cmd(struct pvscsi_adapter *a, struct scsi_cmnd *cmd)
{
    struct pvscsi_ctx *c = (struct pvscsi_ctx *)cmd->host_scribble;
    return c && c->cmd == cmd ? c : NULL;
}

/* ---- issue ---- */

/* Runs with host_lock held (the midlayer's); the ring work takes hw_lock, the kick is made
 * after it is dropped. */
static int pvscsi_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd)
{
    struct pvscsi_adapter *a = shost_priv(shost);
    unsigned long flags;
    int nseg = scsi_dma_map(cmd);
    if (nseg < 0 || nseg > (int)PVSCSI_LX_SG_MAX) {
        if (nseg > 0)
            scsi_dma_unmap(cmd);
        a->stats.busy++;
        return SCSI_MLQUEUE_HOST_BUSY;
    }
    spin_lock_irqsave(&a->hw_lock, flags);
    if (a->nfree == 0 || pvscsi_hw_req_free(&a->hw) == 0) {
        spin_unlock_irqrestore(&a->hw_lock, flags);
        if (nseg)
            scsi_dma_unmap(cmd);
        a->stats.busy++;
        return SCSI_MLQUEUE_HOST_BUSY;
    }
    struct pvscsi_ctx *c = &a->ctx[a->free_slots[--a->nfree]];
    struct scatterlist *sg;
    int i;
    scsi_for_each_sg(cmd, sg, nseg, i) {
        a->sge[i].addr = sg_dma_address(sg);
        a->sge[i].len = sg_dma_len(sg);
    }
    pvscsi_hw_request rq;
    memset(&rq, 0, sizeof rq);
    rq.context = (u64)(c - a->ctx) + 1;
    rq.target = cmd->device->id;
    rq.lun[1] = (u8)cmd->device->lun;   /* SAM single-level LUN (peripheral addressing) */
    rq.cdb = cmd->cmnd;
    rq.cdb_len = cmd->cmd_len;
    rq.dir = nseg == 0 ? PVSCSI_HW_DIR_NONE
             : cmd->sc_data_direction == DMA_FROM_DEVICE ? PVSCSI_HW_DIR_READ
             : PVSCSI_HW_DIR_WRITE;
    rq.data_len = nseg ? scsi_bufflen(cmd) : 0;
    rq.sg = a->sge;
    rq.nsg = (pvscsi_u32)nseg;
    rq.sg_area = &c->sg_area;
    rq.sense_addr = c->sense_pa;
    rq.sense_len = SCSI_SENSE_BUFFERSIZE;
    rq.tag = PVSCSI_SIMPLE_QUEUE_TAG;
    c->cmd = cmd;
    c->asked = rq.data_len;
    cmd->host_scribble = (unsigned char *)c;
    int rc = pvscsi_hw_post(&a->hw, &rq);
    if (rc < 0) {
        slot_put(a, c);
        spin_unlock_irqrestore(&a->hw_lock, flags);
        cmd->host_scribble = NULL;
        if (nseg)
            scsi_dma_unmap(cmd);
        if (rc == PVSCSI_HW_ERR_RING_FULL) {
            a->stats.busy++;
            return SCSI_MLQUEUE_HOST_BUSY;
        }
        dev_err(&a->dev->dev, "request refused by the ring layer: %s\n", pvscsi_hw_strerror(rc));
        cmd->result = DID_ERROR << 16;
        cmd->scsi_done(cmd);
        return 0;
    }
    a->stats.commands++;
    spin_unlock_irqrestore(&a->hw_lock, flags);
    pvscsi_hw_kick(&a->hw, pvscsi_hw_cdb_is_rw(cmd->cmnd));
    return 0;
}

/* ---- completion ---- */

static void complete_request(struct pvscsi_adapter *a, const pvscsi_hw_completion *e)
{
    u64 idx = e->context - 1;
    if (e->context == 0 || idx >= PVSCSI_LX_SLOTS || !a->ctx[idx].cmd) {
        dev_warn(&a->dev->dev, "completion for unknown context %llu\n",
                 (unsigned long long)e->context);
        return;
    }
    struct pvscsi_ctx *c = &a->ctx[idx];
    struct scsi_cmnd *cmd = c->cmd;
    u32 host = pvscsi_hw_host_status(e->host_status, e->data_len, c->asked);
    cmd->result = (int)(host << 16) | (e->scsi_status & 0xff);
    if (e->scsi_status == SAM_STAT_CHECK_CONDITION && e->sense_len)
        memcpy(cmd->sense_buffer, c->sense, min(e->sense_len, (u32)SCSI_SENSE_BUFFERSIZE));
    if (host == DID_OK && e->data_len < c->asked)
        scsi_set_resid(cmd, (int)(c->asked - e->data_len));
    if (scsi_sg_count(cmd))
        scsi_dma_unmap(cmd);
    cmd->host_scribble = NULL;
    slot_put(a, c);
    a->stats.completions++;
    cmd->scsi_done(cmd);
}

/* Called with hw_lock held. */
static void process_completion_ring(struct pvscsi_adapter *a)
{
    pvscsi_hw_completion e;
    while (pvscsi_hw_reap(&a->hw, &e))
        complete_request(a, &e);
}

void pvscsi_flush_outstanding(struct pvscsi_adapter *a, int why)
{
    for (int i = 0; i < (int)PVSCSI_LX_SLOTS; i++) {
        struct pvscsi_ctx *c = &a->ctx[i];
        struct scsi_cmnd *cmd = c->cmd;
        if (!cmd)
            continue;
        cmd->result = why << 16;
        if (scsi_sg_count(cmd))
            scsi_dma_unmap(cmd);
        cmd->host_scribble = NULL;
        slot_put(a, c);
        a->stats.flushed++;
        cmd->scsi_done(cmd);
    }
}

/* One vector for completions and notices. With MSI it is the device's alone and the rings say
 * what happened; on a shared INTx line INTR_STATUS says whether it was this device. */
irqreturn_t pvscsi_isr(int irq, void *devp)
{
    struct pvscsi_adapter *a = devp;
    unsigned long flags;
    (void)irq;
    if (!a->use_msi) {
        pvscsi_u32 st = pvscsi_hw_intr_status(&a->hw) & PVSCSI_INTR_ALL_SUPPORTED;
        if (!st)
            return IRQ_NONE;
        pvscsi_hw_intr_ack(&a->hw, st);
    }
    a->stats.interrupts++;
    spin_lock_irqsave(&a->hw_lock, flags);
    process_completion_ring(a);
    spin_unlock_irqrestore(&a->hw_lock, flags);
    if (pvscsi_msg_pending(a))
        schedule_work(&a->msg_work);
    return IRQ_HANDLED;
}

/* ---- error handling (the midlayer's eh context: may sleep, host_lock not held) ---- */

static int count_outstanding(struct pvscsi_adapter *a, const struct scsi_device *sdev)
{
    int n = 0;
    for (int i = 0; i < (int)PVSCSI_LX_SLOTS; i++)
        if (a->ctx[i].cmd && (!sdev || a->ctx[i].cmd->device->id == sdev->id))
            n++;
    return n;
}

/* Waits for the device to end what was asked: cmd (if set) gone from its slot, or nothing left
 * for sdev's target (all targets when sdev is NULL). Completions are reaped here too, in case
 * the interrupt is late. */
static int wait_ended(struct pvscsi_adapter *a, struct scsi_cmnd *cmd,
                      const struct scsi_device *sdev)
{
    unsigned long flags;
    for (unsigned int ms = 0; ms <= PVSCSI_LX_EH_WAIT_MS; ms++) {
        spin_lock_irqsave(&a->hw_lock, flags);
        process_completion_ring(a);
        int left = cmd ? slot_of_cmd(a, cmd) != NULL : count_outstanding(a, sdev);
        spin_unlock_irqrestore(&a->hw_lock, flags);
        if (!left)
            return SUCCESS;
        msleep(1);
    }
    return FAILED;
}

/* The command register is used by the error handlers alone (one at a time, in the midlayer's
 * eh context), so the commands run without hw_lock: their COMMAND_STATUS read is a round trip. */
static int pvscsi_abort(struct scsi_cmnd *cmd)
{
    struct pvscsi_adapter *a = shost_priv(cmd->device->host);
    unsigned long flags;
    a->stats.aborts++;
    spin_lock_irqsave(&a->hw_lock, flags);
    process_completion_ring(a);
    struct pvscsi_ctx *c = slot_of_cmd(a, cmd);
    u64 context = c ? (u64)(c - a->ctx) + 1 : 0;
    spin_unlock_irqrestore(&a->hw_lock, flags);
    if (!c)
        return SUCCESS;   /* it completed before the abort */
    int rc = pvscsi_hw_abort(&a->hw, context, cmd->device->id);
    if (rc < 0) {
        dev_warn(&a->dev->dev, "ABORT_CMD for target %u: %s\n", cmd->device->id,
                 pvscsi_hw_strerror(rc));
        return FAILED;
    }
    return wait_ended(a, cmd, NULL);
}

static int pvscsi_device_reset(struct scsi_cmnd *cmd)
{
    struct pvscsi_adapter *a = shost_priv(cmd->device->host);
    pvscsi_u8 lun[8] = {0};
    lun[1] = (u8)cmd->device->lun;
    a->stats.device_resets++;
    if (pvscsi_hw_reset_device(&a->hw, cmd->device->id, lun) < 0)
        return FAILED;
    return wait_ended(a, NULL, cmd->device);
}

static int pvscsi_bus_reset(struct scsi_cmnd *cmd)
{
    struct pvscsi_adapter *a = shost_priv(cmd->device->host);
    a->stats.bus_resets++;
    if (pvscsi_hw_reset_bus(&a->hw) < 0)
        return FAILED;
    return wait_ended(a, NULL, NULL);
}

/* The last resort: ADAPTER_RESET drops every request without completions, so the driver ends
 * them itself, then sets the rings up again. host_lock keeps queuecommand out meanwhile; the
 * reset masks the interrupt first, so the handler cannot want hw_lock during the round trips. */
static int pvscsi_host_reset(struct scsi_cmnd *cmd)
{
    struct pvscsi_adapter *a = shost_priv(cmd->device->host);
    unsigned long flags, hflags;
    a->stats.host_resets++;
    spin_lock_irqsave(a->host->host_lock, hflags);
    int rc = pvscsi_hw_adapter_reset(&a->hw);
    spin_lock_irqsave(&a->hw_lock, flags);
    pvscsi_flush_outstanding(a, DID_RESET);
    spin_unlock_irqrestore(&a->hw_lock, flags);
    if (rc == 0)
        rc = pvscsi_hw_setup_rings(&a->hw, &a->rings);
    if (rc == 0)
        pvscsi_hw_intr_enable(&a->hw);
    spin_unlock_irqrestore(a->host->host_lock, hflags);
    if (rc < 0)
        dev_err(&a->dev->dev, "adapter reset: %s\n", pvscsi_hw_strerror(rc));
    return rc < 0 ? FAILED : SUCCESS;
}

struct scsi_host_template pvscsi_template = {
    .module = THIS_MODULE,
    .name = "VMware PVSCSI Host Adapter",
    .proc_name = PVSCSI_DRIVER_NAME,
    .queuecommand = pvscsi_queuecommand,
    .eh_abort_handler = pvscsi_abort,
    .eh_device_reset_handler = pvscsi_device_reset,
    .eh_bus_reset_handler = pvscsi_bus_reset,
    .eh_host_reset_handler = pvscsi_host_reset,
    .can_queue = PVSCSI_LX_SLOTS,
    .this_id = -1,
    .sg_tablesize = PVSCSI_LX_SG_MAX,
    .max_sectors = PVSCSI_LX_MAX_SECTORS,
    .cmd_per_lun = PVSCSI_LX_SLOTS,
};
