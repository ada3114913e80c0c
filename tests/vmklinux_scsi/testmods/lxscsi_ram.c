/* lxscsi_ram.c — a Linux-style SCSI host driver for the vmklinux SCSI tests: it binds the PVSCSI
 * function (15AD:07C0) but serves commands from RAM disks of its own, so the tests see the shim
 * alone. queuecommand records what the shim built (direction, CDB, scatterlist, mapping, host
 * lock), a timer plays the completion interrupt (DMA by copying through sg_virt, result, sense,
 * residual, scsi_done under the host lock). Reads can be held back ("stalled") for the error
 * handlers, which count their calls and end what they may. A work item handles target notices
 * (scsi_device_lookup / scsi_add_device / scsi_remove_device), as HBA drivers do. */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>

#define LXS_TARGETS 2
#define LXS_BLOCKS 4096          /* 2 MiB of 512-byte blocks per disk */
#define LXS_BS 512
#define LXS_QUEUE 32
#define LXS_SG 300               /* a scatterlist longer than one page */

/* What the tests read (dlsym). */
int lxscsi_probes, lxscsi_removes, lxscsi_queued, lxscsi_done;
int lxscsi_add_host_rc = 1;
int lxscsi_last_dir = -1, lxscsi_last_nents = -1, lxscsi_last_mapped = -1, lxscsi_max_nents;
unsigned int lxscsi_last_len, lxscsi_last_cmd_len, lxscsi_sg_len_errors, lxscsi_dma_errors;
unsigned char lxscsi_last_op;
int lxscsi_tag_errors;
int lxscsi_aborts, lxscsi_dev_resets, lxscsi_bus_resets, lxscsi_host_resets;
int lxscsi_slave_allocs, lxscsi_slave_destroys;
int lxscsi_notices;
/* Set by the tests. */
int lxscsi_stall_reads;          /* the next N READs never finish on their own */
int lxscsi_abort_result = SUCCESS;
int lxscsi_abort_completes = 1;  /* the abort handler ends the command itself */
int lxscsi_short_read;           /* READs report this many bytes not moved */
/* Called in queuecommand when set (the test checks lock and identity there). */
void (*lxscsi_queue_hook)(struct Scsi_Host *shost, struct scsi_cmnd *cmd);

struct lxs_disk {
    unsigned char *data;
    int present;
};

struct lxs_host {
    struct pci_dev *pdev;
    struct Scsi_Host *shost;
    struct lxs_disk disks[LXS_TARGETS];
    struct scsi_cmnd *pending[LXS_QUEUE * 2];
    int npending;
    struct scsi_cmnd *stalled[LXS_QUEUE * 2];
    int nstalled;
    struct timer_list irq;
    struct work_struct notice_work;
    int notice_target, notice_add;
};

static struct lxs_host *the_host;

static void put_be32(unsigned char *p, u32 v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static u32 be32(const unsigned char *p)
{
    return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Copies between buf and the command's scatterlist (what the device's DMA would do). */
static unsigned int sg_copy(struct scsi_cmnd *cmd, unsigned char *buf, unsigned int len,
                            int to_host)
{
    struct scatterlist *sg;
    unsigned int done = 0;
    int i;
    scsi_for_each_sg(cmd, sg, scsi_sg_count(cmd), i) {
        unsigned int n = min(sg->length, len - done);
        if (!n)
            break;
        if (to_host)
            memcpy(sg_virt(sg), buf + done, n);
        else
            memcpy(buf + done, sg_virt(sg), n);
        done += n;
    }
    return done;
}

static void check_condition(struct scsi_cmnd *cmd, u8 key, u8 asc, u8 ascq)
{
    scsi_build_sense_buffer(0, cmd->sense_buffer, key, asc, ascq);
    cmd->result = SAM_STAT_CHECK_CONDITION;
}

static void execute(struct lxs_host *h, struct scsi_cmnd *cmd)
{
    unsigned char buf[64];
    unsigned int id = cmd->device->id, n = 0;
    struct lxs_disk *d = id < LXS_TARGETS && cmd->device->lun == 0 && h->disks[id].present
                             ? &h->disks[id] : NULL;
    const unsigned char *cdb = cmd->cmnd;
    memset(buf, 0, sizeof buf);
    cmd->result = DID_OK << 16;
    if (id >= LXS_TARGETS || !h->disks[id].present) {
        cmd->result = DID_BAD_TARGET << 16;
        return;
    }
    switch (cdb[0]) {
    case INQUIRY:
        buf[0] = d ? 0x00 : 0x7f;
        buf[2] = 6;
        buf[4] = 31;
        memcpy(buf + 8, "LXSCSI  RAMDISK         0001", 28);
        n = 36;
        break;
    case REPORT_LUNS:
        put_be32(buf, 8);
        n = 16;
        break;
    case READ_CAPACITY:
        put_be32(buf, LXS_BLOCKS - 1);
        put_be32(buf + 4, LXS_BS);
        n = 8;
        break;
    case SERVICE_ACTION_IN_16:
        put_be32(buf + 4, LXS_BLOCKS - 1);
        put_be32(buf + 8, LXS_BS);
        n = 32;
        break;
    case TEST_UNIT_READY:
        return;
    case READ_10: case WRITE_10: case READ_16: case WRITE_16: {
        int is16 = cdb[0] == READ_16 || cdb[0] == WRITE_16;
        u64 lba = is16 ? (u64)be32(cdb + 2) << 32 | be32(cdb + 6) : be32(cdb + 2);
        u32 cnt = is16 ? be32(cdb + 10) : (u32)(cdb[7] << 8 | cdb[8]);
        int rd = cdb[0] == READ_10 || cdb[0] == READ_16;
        if (!d || lba + cnt > LXS_BLOCKS) {
            check_condition(cmd, ILLEGAL_REQUEST, 0x21, 0x00);   /* LBA OUT OF RANGE */
            return;
        }
        unsigned int len = cnt * LXS_BS;
        if (len != scsi_bufflen(cmd)) {
            cmd->result = DID_ERROR << 16;
            return;
        }
        unsigned int moved = sg_copy(cmd, d->data + lba * LXS_BS, len, rd);
        if (moved != len)
            cmd->result = DID_ERROR << 16;
        if (rd && lxscsi_short_read)
            scsi_set_resid(cmd, lxscsi_short_read);
        return;
    }
    default:
        check_condition(cmd, ILLEGAL_REQUEST, 0x20, 0x00);   /* INVALID COMMAND OPCODE */
        return;
    }
    n = min(n, scsi_bufflen(cmd));
    sg_copy(cmd, buf, n, 1);
    scsi_set_resid(cmd, (int)(scsi_bufflen(cmd) - n));
}

static void finish(struct scsi_cmnd *cmd)
{
    scsi_dma_unmap(cmd);
    lxscsi_done++;
    cmd->scsi_done(cmd);
}

/* The "completion interrupt": everything pending ends now, under the host lock. */
static void lxs_irq(struct timer_list *t)
{
    struct lxs_host *h = container_of(t, struct lxs_host, irq);
    unsigned long flags;
    spin_lock_irqsave(h->shost->host_lock, flags);
    for (int i = 0; i < h->npending; i++) {
        execute(h, h->pending[i]);
        finish(h->pending[i]);
    }
    h->npending = 0;
    spin_unlock_irqrestore(h->shost->host_lock, flags);
}

static int lxs_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd)
{
    struct lxs_host *h = shost_priv(shost);
    struct scatterlist *sg;
    unsigned int total = 0;
    int i;
    if (lxscsi_queue_hook)
        lxscsi_queue_hook(shost, cmd);
    if (cmd->tag < 0 || cmd->tag >= shost->can_queue ||
        scsi_host_find_tag(shost, cmd->tag) != cmd)
        lxscsi_tag_errors++;
    int nseg = scsi_dma_map(cmd);
    lxscsi_last_dir = cmd->sc_data_direction;
    lxscsi_last_nents = (int)scsi_sg_count(cmd);
    lxscsi_last_mapped = nseg;
    lxscsi_last_len = scsi_bufflen(cmd);
    lxscsi_last_cmd_len = cmd->cmd_len;
    lxscsi_last_op = cmd->cmnd[0];
    if (nseg > lxscsi_max_nents)
        lxscsi_max_nents = nseg;
    scsi_for_each_sg(cmd, sg, nseg, i) {
        total += sg_dma_len(sg);
        if (!sg_dma_address(sg) || sg_dma_len(sg) != sg->length)
            lxscsi_dma_errors++;
    }
    if (nseg > 0 && total != scsi_bufflen(cmd))
        lxscsi_sg_len_errors++;
    lxscsi_queued++;
    int rd = cmd->cmnd[0] == READ_10 || cmd->cmnd[0] == READ_16;
    if (rd && lxscsi_stall_reads > 0) {
        lxscsi_stall_reads--;
        h->stalled[h->nstalled++] = cmd;
        return 0;
    }
    h->pending[h->npending++] = cmd;
    if (!timer_pending(&h->irq))
        mod_timer(&h->irq, jiffies + 1);
    return 0;
}

/* Ends the stalled commands that match (all when dev is NULL) with host byte `why`. */
static int end_stalled(struct lxs_host *h, struct scsi_device *dev, struct scsi_cmnd *only,
                       int why)
{
    unsigned long flags;
    int n = 0, k = 0;
    spin_lock_irqsave(h->shost->host_lock, flags);
    for (int i = 0; i < h->nstalled; i++) {
        struct scsi_cmnd *c = h->stalled[i];
        if ((only && c != only) || (dev && c->device->id != dev->id)) {
            h->stalled[k++] = c;
            continue;
        }
        c->result = why << 16;
        finish(c);
        n++;
    }
    h->nstalled = k;
    spin_unlock_irqrestore(h->shost->host_lock, flags);
    return n;
}

static int lxs_abort(struct scsi_cmnd *cmd)
{
    struct lxs_host *h = shost_priv(cmd->device->host);
    lxscsi_aborts++;
    if (lxscsi_abort_result != SUCCESS)
        return lxscsi_abort_result;
    if (lxscsi_abort_completes)
        end_stalled(h, NULL, cmd, DID_ABORT);
    else   /* forget it: the midlayer ends it */
        for (int i = 0; i < h->nstalled; i++)
            if (h->stalled[i] == cmd)
                h->stalled[i] = h->stalled[--h->nstalled];
    return SUCCESS;
}

static int lxs_device_reset(struct scsi_cmnd *cmd)
{
    lxscsi_dev_resets++;
    end_stalled(shost_priv(cmd->device->host), cmd->device, NULL, DID_RESET);
    return SUCCESS;
}

static int lxs_bus_reset(struct scsi_cmnd *cmd)
{
    lxscsi_bus_resets++;
    end_stalled(shost_priv(cmd->device->host), NULL, NULL, DID_RESET);
    return SUCCESS;
}

static int lxs_host_reset(struct scsi_cmnd *cmd)
{
    (void)cmd;
    lxscsi_host_resets++;
    return SUCCESS;
}

static int lxs_slave_alloc(struct scsi_device *sdev)
{
    (void)sdev;
    lxscsi_slave_allocs++;
    return 0;
}

static void lxs_slave_destroy(struct scsi_device *sdev)
{
    (void)sdev;
    lxscsi_slave_destroys++;
}

static struct scsi_host_template lxs_template = {
    .module = THIS_MODULE,
    .name = "lxscsi_ram",
    .queuecommand = lxs_queuecommand,
    .eh_abort_handler = lxs_abort,
    .eh_device_reset_handler = lxs_device_reset,
    .eh_bus_reset_handler = lxs_bus_reset,
    .eh_host_reset_handler = lxs_host_reset,
    .slave_alloc = lxs_slave_alloc,
    .slave_destroy = lxs_slave_destroy,
    .can_queue = LXS_QUEUE,
    .this_id = -1,
    .sg_tablesize = LXS_SG,
    .max_sectors = 2048,
    .cmd_per_lun = 8,
};

/* Target notices, as an HBA's message worker handles them. */
static void lxs_notice(struct work_struct *w)
{
    struct lxs_host *h = container_of(w, struct lxs_host, notice_work);
    struct scsi_device *sdev = scsi_device_lookup(h->shost, 0, (unsigned)h->notice_target, 0);
    lxscsi_notices++;
    if (h->notice_add) {
        h->disks[h->notice_target].present = 1;
        if (sdev)
            scsi_device_put(sdev);
        else
            scsi_add_device(h->shost, 0, (unsigned)h->notice_target, 0);
    } else if (sdev) {
        h->disks[h->notice_target].present = 0;
        scsi_remove_device(sdev);
        scsi_device_put(sdev);
    }
}

/* Called by the tests (as this module) to play a target notice. */
void lxscsi_target_notice(int target, int add)
{
    if (!the_host || target < 0 || target >= LXS_TARGETS)
        return;
    the_host->notice_target = target;
    the_host->notice_add = add;
    schedule_work(&the_host->notice_work);
}

static int lxs_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
    (void)id;
    int err = pci_enable_device(pdev);
    if (err)
        return err;
    if (dma_set_mask(&pdev->dev, DMA_BIT_MASK(64))) {
        pci_disable_device(pdev);
        return -EIO;
    }
    struct Scsi_Host *shost = scsi_host_alloc(&lxs_template, sizeof(struct lxs_host));
    if (!shost) {
        pci_disable_device(pdev);
        return -ENOMEM;
    }
    struct lxs_host *h = shost_priv(shost);
    h->pdev = pdev;
    h->shost = shost;
    for (int t = 0; t < LXS_TARGETS; t++) {
        h->disks[t].data = kzalloc(LXS_BLOCKS * LXS_BS, GFP_KERNEL);
        h->disks[t].present = h->disks[t].data != NULL;
    }
    timer_setup(&h->irq, lxs_irq, 0);
    INIT_WORK(&h->notice_work, lxs_notice);
    shost->max_id = 4;
    shost->max_lun = 1;
    shost->max_cmd_len = 16;
    pci_set_drvdata(pdev, shost);
    the_host = h;
    lxscsi_add_host_rc = scsi_add_host(shost, &pdev->dev);
    if (lxscsi_add_host_rc) {
        the_host = NULL;
        for (int t = 0; t < LXS_TARGETS; t++)
            kfree(h->disks[t].data);
        scsi_host_put(shost);
        pci_disable_device(pdev);
        return lxscsi_add_host_rc;
    }
    scsi_scan_host(shost);
    lxscsi_probes++;
    return 0;
}

static void lxs_remove(struct pci_dev *pdev)
{
    struct Scsi_Host *shost = pci_get_drvdata(pdev);
    struct lxs_host *h = shost_priv(shost);
    lxscsi_removes++;
    scsi_remove_host(shost);
    del_timer_sync(&h->irq);
    cancel_work_sync(&h->notice_work);
    for (int t = 0; t < LXS_TARGETS; t++)
        kfree(h->disks[t].data);
    the_host = NULL;
    scsi_host_put(shost);
    pci_disable_device(pdev);
}

static const struct pci_device_id lxs_ids[] = {
    {PCI_DEVICE(0x15ad, 0x07c0)},
    {0},
};

static struct pci_driver lxs_driver = {
    .name = "lxscsi_ram",
    .id_table = lxs_ids,
    .probe = lxs_probe,
    .remove = lxs_remove,
};

static int __init lxs_init(void)
{
    return pci_register_driver(&lxs_driver);
}

static void __exit lxs_exit(void)
{
    pci_unregister_driver(&lxs_driver);
}

module_init(lxs_init);
module_exit(lxs_exit);
MODULE_LICENSE("GPL");
