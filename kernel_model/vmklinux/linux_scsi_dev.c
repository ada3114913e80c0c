/* linux_scsi_dev.c — scsi_devices and target notices. The storage layer's discovery probes paths
 * through the adapter's discover entry (docs/storage.md "Discovery"): CREATE_PATH makes a
 * scsi_device (slave_alloc), CONFIGURE_PATH makes it visible (slave_configure, then
 * scsi_device_lookup finds it), DESTROY_PATH drops it (slave_destroy; freed at the last
 * scsi_device_put). A driver's target notices become the storage layer's path calls:
 * scsi_remove_device ends commands to the device with DID_NO_CONNECT at once and tells the layer
 * the path is gone (vmk_ScsiScanDeleteAdapterPath); scsi_add_device asks it to discover the path
 * (vmk_ScsiScanAndClaimPaths), as the real shim's rescan does. */
#include "kernel_model/vmklinux/linux_scsi_internal.h"

static vmklnx_sdev *sdev_priv(struct scsi_device *sdev)
{
    return (vmklnx_sdev *)sdev;
}

static vmklnx_sdev *find(vmklnx_shost *h, unsigned int channel, unsigned int id, u64 lun)
{
    for (vmklnx_sdev *d = h->sdevs; d; d = d->next)
        if (!d->path_gone && d->sdev.channel == channel && d->sdev.id == id &&
            d->sdev.lun == lun)
            return d;
    return NULL;
}

static void sdev_free(vmklnx_sdev *d)
{
    vmklnx_shost *h = d->h;
    for (vmklnx_sdev **pp = &h->sdevs; *pp; pp = &(*pp)->next) {
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    }
    vmklnx_free(d);
}

VMK_ReturnStatus vmklnx_scsi_discover(void *client, vmk_ScanAction action, int channel,
                                      int target, int lun, void **device_data)
{
    vmklnx_shost *h = ((vmklnx_scsi_port *)client)->h;
    if (!h || !h->added || h->removing) {
        /* A removed host's devices went with it: nothing to create, nothing left to destroy. */
        if (action == VMK_SCSI_SCAN_DESTROY_PATH)
            *device_data = NULL;
        return action == VMK_SCSI_SCAN_DESTROY_PATH ? VMK_OK : VMK_NOT_FOUND;
    }
    struct Scsi_Host *s = h->shost;
    const struct scsi_host_template *t = s->hostt;
    vmklnx_sdev *d = *device_data;
    int rc = 0;
    switch (action) {
    case VMK_SCSI_SCAN_CREATE_PATH:
        if (channel < 0 || target < 0 || lun < 0 || (unsigned)channel > s->max_channel ||
            (unsigned)target >= s->max_id || (u64)lun >= s->max_lun || target == s->this_id)
            return VMK_NOT_FOUND;
        if ((d = find(h, (unsigned)channel, (unsigned)target, (u64)lun))) {
            *device_data = d;
            return VMK_OK;
        }
        if (!(d = vmklnx_zalloc(sizeof *d)))
            return VMK_NO_MEMORY;
        d->h = h;
        d->sdev.host = s;
        d->sdev.channel = (unsigned)channel;
        d->sdev.id = (unsigned)target;
        d->sdev.lun = (u64)lun;
        d->sdev.queue_depth = s->cmd_per_lun > 0 ? (unsigned)s->cmd_per_lun : 1;
        d->sdev.vmklnx = d;
        d->next = h->sdevs;
        h->sdevs = d;
        if (t->slave_alloc)
            VMKAPI_MODULE_CALL(h->mod->id, rc, t->slave_alloc, &d->sdev);
        if (rc != 0) {
            sdev_free(d);
            return VMK_FAILURE;
        }
        *device_data = d;
        return VMK_OK;
    case VMK_SCSI_SCAN_CONFIGURE_PATH:
        if (!d)
            return VMK_BAD_PARAM;
        if (!d->configured && t->slave_configure)
            VMKAPI_MODULE_CALL(h->mod->id, rc, t->slave_configure, &d->sdev);
        d->configured = rc == 0;
        return rc == 0 ? VMK_OK : VMK_FAILURE;
    case VMK_SCSI_SCAN_DESTROY_PATH:
        if (!d)
            return VMK_OK;
        if (t->slave_destroy)
            VMKAPI_MODULE_CALL_VOID(h->mod->id, t->slave_destroy, &d->sdev);
        d->path_gone = 1;
        d->configured = 0;
        if (d->refs == 0)
            sdev_free(d);
        *device_data = NULL;
        return VMK_OK;
    }
    return VMK_BAD_PARAM;
}

void vmklnx_scsi_sdevs_free(vmklnx_shost *h)
{
    int held = 0;
    while (h->sdevs) {
        held += h->sdevs->refs > 0;
        sdev_free(h->sdevs);
    }
    if (held)
        vmk_WarningMessage("vmklinux: host%u freed with %d scsi_device reference(s) not put",
                           h->shost->host_no, held);
}

int scsi_add_device(struct Scsi_Host *shost, unsigned int channel, unsigned int id, u64 lun)
{
    vmklnx_shost *h = shost ? vmklnx_shost_of(shost) : NULL;
    if (!h || !h->added || h->removing)
        return -ENODEV;
    if (channel > shost->max_channel || id >= shost->max_id || lun >= shost->max_lun)
        return -EINVAL;
    vmklnx_sdev *d = find(h, channel, id, lun);
    if (d && !d->removed && d->configured)
        return 0;   /* already there */
    if (d)
        d->removed = 0;
    VMK_ReturnStatus st = vmk_ScsiScanAndClaimPaths(&h->port->adapter->name, (vmk_int32)channel,
                                                    (vmk_int32)id, (vmk_int32)lun);
    vmk_LogMessage("vmklinux: host%u: %u:%u:%llu added: scan of %s: %s", shost->host_no,
                   channel, id, (unsigned long long)lun, h->port->adapter->name.string,
                   vmk_StatusToString(st));
    return st == VMK_OK ? 0 : vmklnx_status_to_errno(st);
}

void scsi_remove_device(struct scsi_device *sdev)
{
    if (!sdev || !sdev->vmklnx)
        return;
    vmklnx_sdev *d = sdev_priv(sdev);
    vmklnx_shost *h = d->h;
    if (d->removed || d->path_gone)
        return;
    d->removed = 1;
    VMK_ReturnStatus st = VMK_NOT_FOUND;
    if (h->added && !h->removing)
        st = vmk_ScsiScanDeleteAdapterPath(&h->port->adapter->name, (vmk_int32)sdev->channel,
                                           (vmk_int32)sdev->id, (vmk_int32)sdev->lun);
    vmk_LogMessage("vmklinux: host%u: %u:%u:%llu removed: path delete on %s: %s",
                   sdev->host->host_no, sdev->channel, sdev->id, (unsigned long long)sdev->lun,
                   h->port ? h->port->adapter->name.string : "-", vmk_StatusToString(st));
}

struct scsi_device *scsi_device_lookup(struct Scsi_Host *shost, unsigned int channel,
                                       unsigned int id, u64 lun)
{
    vmklnx_shost *h = shost ? vmklnx_shost_of(shost) : NULL;
    if (!h)
        return NULL;
    vmklnx_sdev *d = find(h, channel, id, lun);
    if (!d || !d->configured || d->removed)
        return NULL;
    d->refs++;
    return &d->sdev;
}

void scsi_device_put(struct scsi_device *sdev)
{
    if (!sdev || !sdev->vmklnx)
        return;
    vmklnx_sdev *d = sdev_priv(sdev);
    if (d->refs <= 0) {
        vmk_WarningMessage("vmklinux: scsi_device_put without a reference");
        return;
    }
    if (--d->refs == 0 && d->path_gone)
        sdev_free(d);
}
