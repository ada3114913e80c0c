/* linux_scsi_host.c — Linux SCSI hosts on the kernel's storage layer. scsi_host_alloc gives the
 * driver a Scsi_Host (on its heap) with vmklinux's private state behind it; scsi_add_host sizes
 * the per-host scsi_cmnd slab and tag table, holds the PCI function's DMA engine for the
 * storage layer's mappings, creates the timer queue of the deferred completion context and fills
 * a vmk_ScsiAdapter whose command / taskMgmt / discover entry points are vmklinux's; the adapter
 * is published as the function's "com.vmware.HBAPort" child (linux_scsi_port.c).
 * scsi_remove_host and scsi_host_put take it all back (reference/vmkapi.md §3 "SCSI");
 * docs/vmklinux.md "Storage". */
#include "kernel_model/vmklinux/linux_scsi_internal.h"

#include <linux/slab.h>

#define SCSI_DEFAULT_MAX_SECTORS 1024   /* Linux's default when the template sets none */

static vmklnx_shost *hosts;
static unsigned int next_host_no;

static vmk_Lock lock_new(const char *name)
{
    vmk_SpinlockCreateProps p;
    vmk_Memset(&p, 0, sizeof p);
    p.moduleID = vmklnx_id;
    p.heapID = vmklnx_heap;
    vmk_Memcpy(p.name.string, name, vmk_Strnlen(name, VMK_MISC_NAME_MAX - 1));
    p.type = VMK_SPINLOCK;
    vmk_Lock l = VMK_LOCK_INVALID;
    return vmk_SpinlockCreate(&p, &l) == VMK_OK ? l : VMK_LOCK_INVALID;
}

struct Scsi_Host *scsi_host_alloc(struct scsi_host_template *sht, int privsize)
{
    vmklnx_module *m = vmklnx_module_current("scsi_host_alloc");
    if (!m || !sht || privsize < 0)
        return NULL;
    if (!sht->queuecommand || sht->can_queue <= 0 || sht->sg_tablesize == 0) {
        vmk_WarningMessage("vmklinux: scsi_host_alloc by %s: template '%s' needs queuecommand, "
                           "can_queue > 0 and sg_tablesize > 0", m->name,
                           sht->name ? sht->name : "?");
        return NULL;
    }
    /* The host and its hostdata are the driver's memory, as on Linux (kzalloc by the midlayer
     * on the driver's behalf): kmalloc charges the calling module. */
    struct Scsi_Host *s = kzalloc(sizeof *s + (size_t)privsize, GFP_KERNEL);
    vmklnx_shost *h = vmklnx_zalloc(sizeof *h);
    vmk_Lock host_lock = lock_new("scsi_host_lock");
    vmk_Lock done_lock = lock_new("scsi_done_list");
    if (!s || !h || host_lock == VMK_LOCK_INVALID || done_lock == VMK_LOCK_INVALID) {
        if (host_lock != VMK_LOCK_INVALID)
            vmk_SpinlockDestroy(host_lock);
        if (done_lock != VMK_LOCK_INVALID)
            vmk_SpinlockDestroy(done_lock);
        kfree(s);
        vmklnx_free(h);
        return NULL;
    }
    s->hostt = sht;
    s->default_lock.vmk_lock = host_lock;
    s->host_lock = &s->default_lock;
    s->host_no = next_host_no++;
    s->unique_id = s->host_no;
    s->can_queue = sht->can_queue;
    s->this_id = sht->this_id;
    s->sg_tablesize = sht->sg_tablesize;
    s->max_sectors = sht->max_sectors ? sht->max_sectors : SCSI_DEFAULT_MAX_SECTORS;
    s->cmd_per_lun = sht->cmd_per_lun;
    s->max_channel = 0;   /* Linux's defaults (scsi_host_alloc) */
    s->max_id = 8;
    s->max_lun = 8;
    s->max_cmd_len = 12;
    s->vmklnx = h;
    h->shost = s;
    h->mod = m;
    h->done_lock = done_lock;
    h->next = hosts;
    hosts = h;
    return s;
}

static void host_unlink(vmklnx_shost *h)
{
    for (vmklnx_shost **pp = &hosts; *pp; pp = &(*pp)->next) {
        if (*pp == h) {
            *pp = h->next;
            return;
        }
    }
}

static int host_check(const struct Scsi_Host *s)
{
    return s->can_queue > 0 && s->sg_tablesize > 0 && s->max_id > 0 && s->max_lun > 0 &&
           s->max_cmd_len >= 6 && s->max_cmd_len <= MAX_COMMAND_SIZE &&
           s->max_channel < 0xffff;
}

/* The scsi_cmnd slab and the tag table, sized from the host as it is at scsi_add_host (a driver
 * may change sg_tablesize or can_queue after the alloc). */
static int host_objects(vmklnx_shost *h)
{
    struct Scsi_Host *s = h->shost;
    if (h->tags)
        return 0;
    h->tags = vmklnx_zalloc(sizeof *h->tags * (vmk_ByteCount)s->can_queue);
    h->cmd_size = sizeof(vmklnx_scmd) + sizeof(struct scatterlist) * s->sg_tablesize;
    vmk_SlabCreateProps sp;
    vmk_Memset(&sp, 0, sizeof sp);
    sp.type = VMK_SLAB_TYPE_SIMPLE;
    vmklnx_snprintf(sp.name.string, sizeof sp.name.string, "scsi_cmnd-host%u", s->host_no);
    sp.module = vmklnx_id;
    sp.objSize = h->cmd_size;
    sp.alignment = 64;
    if (!h->tags || vmk_SlabCreate(&sp, &h->cmd_slab) != VMK_OK) {
        vmklnx_free(h->tags);
        h->tags = NULL;
        return -ENOMEM;
    }
    return 0;
}

static void adapter_fill(vmklnx_shost *h)
{
    struct Scsi_Host *s = h->shost;
    vmk_ScsiAdapter *a = h->port->adapter;
    a->moduleID = vmklnx_id;   /* the entry points are the shim's; it calls the driver */
    a->clientData = h->port;
    a->engine = h->engine;
    a->channels = s->max_channel + 1;
    a->maxTargets = s->max_id;
    a->maxLUNs = s->max_lun > 0xffffffffull ? 0xffffffffu : (vmk_uint32)s->max_lun;
    a->targetId = s->this_id > 0 ? (vmk_uint32)s->this_id : 0;
    a->queueDepth = (vmk_uint32)s->can_queue;
    a->maxCmdLen = s->max_cmd_len;
    a->command = vmklnx_scsi_command;
    a->taskMgmt = vmklnx_scsi_task_mgmt;
    a->discover = vmklnx_scsi_discover;
}

int scsi_add_host(struct Scsi_Host *shost, struct device *dev)
{
    if (!shost || !shost->vmklnx)
        return -EINVAL;
    vmklnx_shost *h = vmklnx_shost_of(shost);
    struct pci_dev *p = dev ? vmklnx_pci_of_device(dev) : NULL;
    if (!p || !p->driver)
        return -ENODEV;
    if (h->added || h->port)
        return -EBUSY;
    if (!host_check(shost)) {
        vmk_WarningMessage("vmklinux: %s: scsi_add_host: host%u limits out of range (can_queue "
                           "%d, sg_tablesize %u, max_id %u, max_lun %llu, max_cmd_len %u)",
                           pci_name(p), shost->host_no, shost->can_queue, shost->sg_tablesize,
                           shost->max_id, (unsigned long long)shost->max_lun,
                           shost->max_cmd_len);
        return -EINVAL;
    }
    h->pdev = p;
    shost->dma_dev = dev;
    if (host_objects(h))
        return -ENOMEM;
    vmk_TimerQueueProps tp;
    vmk_Memset(&tp, 0, sizeof tp);
    vmklnx_snprintf(tp.name.string, sizeof tp.name.string, "scsi_done-host%u", shost->host_no);
    tp.moduleID = vmklnx_id;
    tp.heapID = vmklnx_heap;
    h->engine = vmklnx_dma_engine_hold(p);
    if (h->engine == VMK_DMA_ENGINE_INVALID || vmk_TimerQueueCreate(&tp, &h->tq) != VMK_OK ||
        !(h->port = vmklnx_scsi_port_take(h))) {
        if (h->tq != VMK_INVALID_TIMER_QUEUE)
            vmk_TimerQueueDestroy(h->tq);
        h->tq = VMK_INVALID_TIMER_QUEUE;
        if (h->engine != VMK_DMA_ENGINE_INVALID)
            vmklnx_dma_engine_put(p);
        h->engine = VMK_DMA_ENGINE_INVALID;
        vmk_WarningMessage("vmklinux: %s: scsi_add_host of host%u: out of memory", pci_name(p),
                           shost->host_no);
        return -ENOMEM;
    }
    adapter_fill(h);
    h->added = 1;
    h->removing = 0;
    if (h->port->child != VMK_DEVICE_NONE) {
        /* A former host of the function left its port published: discover again. */
        VMK_ReturnStatus st = vmk_ScsiScanAndClaimPaths(&h->port->adapter->name,
                                                        VMK_SCSI_PATH_ANY_CHANNEL,
                                                        VMK_SCSI_PATH_ANY_TARGET,
                                                        VMK_SCSI_PATH_ANY_LUN);
        vmk_LogMessage("vmklinux: %s: scsi host%u (%s) takes over adapter %s: %s", pci_name(p),
                       shost->host_no, shost->hostt->name ? shost->hostt->name : h->mod->name,
                       h->port->adapter->name.string, vmk_StatusToString(st));
    } else {
        vmk_LogMessage("vmklinux: %s: scsi host%u (%s) added; its HBA port is registered at "
                       "the function's next scan", pci_name(p), shost->host_no,
                       shost->hostt->name ? shost->hostt->name : h->mod->name);
    }
    return 0;
}

/* The storage layer scans an adapter when it claims its port (at the function's scan), in its
 * own thread, so there is nothing left to start here. */
void scsi_scan_host(struct Scsi_Host *shost)
{
    if (shost && shost->vmklnx && !vmklnx_shost_of(shost)->added)
        vmk_WarningMessage("vmklinux: scsi_scan_host of host%u, which was never added",
                           shost->host_no);
}

/* The host leaves the storage layer: its paths are deleted (the port itself goes only with the
 * function), what is on the done list is handed back now, and from here on the driver's late
 * scsi_done calls complete at once. Commands still in the driver stay its own until it ends
 * them (its remove resets the hardware and flushes) or scsi_host_put does. */
void scsi_remove_host(struct Scsi_Host *shost)
{
    if (!shost || !shost->vmklnx)
        return;
    vmklnx_shost *h = vmklnx_shost_of(shost);
    if (!h->added)
        return;
    h->removing = 1;
    vmklnx_scsi_port_unpublish(h->port);
    if (h->drain_armed)
        vmk_TimerCancel(h->drain_timer, VMK_TRUE);
    vmklnx_scsi_drain_now(h);
    vmk_TimerQueueDestroy(h->tq);
    h->tq = VMK_INVALID_TIMER_QUEUE;
    h->drain_armed = 0;
    h->added = 0;
    vmk_LogMessage("vmklinux: host%u removed: %llu queued, %llu refused, %llu completed in "
                   "%llu drains, %llu eh calls, %llu ended by the shim after eh",
                   shost->host_no, (unsigned long long)h->stats.queued,
                   (unsigned long long)h->stats.refused, (unsigned long long)h->stats.completed,
                   (unsigned long long)h->stats.drains, (unsigned long long)h->stats.eh_calls,
                   (unsigned long long)h->stats.eh_finished);
}

void scsi_host_put(struct Scsi_Host *shost)
{
    if (!shost || !shost->vmklnx)
        return;
    vmklnx_shost *h = vmklnx_shost_of(shost);
    if (h->added) {
        vmk_WarningMessage("vmklinux: scsi_host_put of host%u still added: removed",
                           shost->host_no);
        scsi_remove_host(shost);
    }
    /* Commands the driver never finished: handed back late (the layer accepts a late
     * completion, docs/storage.md "Removal"). */
    int left = 0;
    for (int t = 0; h->tags && t < shost->can_queue; t++) {
        vmklnx_scmd *c = h->tags[t];
        if (!c)
            continue;
        left++;
        h->tags[t] = NULL;
        vmk_ScsiCommand *v = c->vcmd;
        vmklnx_scsi_scmd_free(c);
        if (v) {
            v->status.host = VMK_SCSI_HOST_NO_CONNECT;
            v->status.device = VMK_SCSI_DEVICE_GOOD;
            v->bytesXferred = 0;
            vmk_ScsiSchedCommandCompletion(v);
        }
    }
    if (left)
        vmk_WarningMessage("vmklinux: host%u freed with %d command(s) the driver never "
                           "finished", shost->host_no, left);
    if (h->port) {
        vmklnx_scsi_port_drop(h->port);
        h->port = NULL;
    }
    if (h->engine != VMK_DMA_ENGINE_INVALID)
        vmklnx_dma_engine_put(h->pdev);
    vmklnx_scsi_sdevs_free(h);
    if (h->cmd_slab != VMK_INVALID_SLAB_ID)
        vmk_SlabDestroy(h->cmd_slab);
    vmklnx_free(h->tags);
    vmk_SpinlockDestroy((vmk_Lock)shost->default_lock.vmk_lock);
    vmk_SpinlockDestroy(h->done_lock);
    host_unlink(h);
    vmklnx_free(h);
    shost->vmklnx = NULL;
    kfree(shost);
}

struct scsi_cmnd *scsi_host_find_tag(struct Scsi_Host *shost, int tag)
{
    vmklnx_shost *h = shost ? vmklnx_shost_of(shost) : NULL;
    if (!h || !h->tags || tag < 0 || tag >= shost->can_queue || !h->tags[tag] ||
        h->tags[tag]->state != VMKLNX_SCMD_IN_DRIVER)
        return NULL;
    return &h->tags[tag]->sc;
}

/* The bound driver let go of the function (remove, or unbind) with hosts still there. */
void vmklnx_scsi_release_pci(struct pci_dev *pdev)
{
    vmklnx_shost *h = hosts;
    while (h) {
        vmklnx_shost *next = h->next;
        if (h->pdev == pdev && h->added) {
            vmk_WarningMessage("vmklinux: %s: driver %s left scsi host%u added: removed",
                               pci_name(pdev), h->mod->name, h->shost->host_no);
            scsi_remove_host(h->shost);
        }
        if (h->pdev == pdev && h->port) {
            /* The function's DMA engine goes with its driver: the port may not keep it. */
            vmklnx_scsi_port_drop(h->port);
            h->port = NULL;
            vmklnx_dma_engine_put(pdev);
            h->engine = VMK_DMA_ENGINE_INVALID;
        }
        h = next;
    }
}

/* A departing module's hosts (never put): freed, with a warning. */
void vmklnx_scsi_module_exit(vmklnx_module *m)
{
    vmklnx_shost *h = hosts;
    while (h) {
        vmklnx_shost *next = h->next;
        if (h->mod == m) {
            vmk_WarningMessage("vmklinux: module %s left scsi host%u allocated: freed", m->name,
                               h->shost->host_no);
            scsi_host_put(h->shost);
        }
        h = next;
    }
}
