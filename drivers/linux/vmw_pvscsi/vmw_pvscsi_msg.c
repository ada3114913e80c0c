/* vmw_pvscsi_msg.c — target notices of the Linux PVSCSI driver: the interrupt handler sees that
 * the message ring has entries and queues a work item, which reaps them and tells the midlayer:
 * DEV_ADDED -> scsi_add_device (unless the device is known), DEV_REMOVED -> scsi_remove_device
 * (docs/hba.md "Message ring"). */
#include <linux/io.h>

#include "vmw_pvscsi.h"

/* The rings state page says whether the device produced a message not yet consumed. */
int pvscsi_msg_pending(struct pvscsi_adapter *a)
{
    if (!a->hw.msg_ok)
        return 0;
    const volatile u8 *rs = a->rings.rings_state.va;
    u32 prod = *(const volatile u32 *)(rs + PVSCSI_RS_MSG_PROD_IDX);
    u32 cons = *(const volatile u32 *)(rs + PVSCSI_RS_MSG_CONS_IDX);
    return prod != cons;
}

static void handle(struct pvscsi_adapter *a, const pvscsi_hw_msg *m)
{
    struct Scsi_Host *host = a->host;
    u64 lun = m->lun[1];
    struct scsi_device *sdev = scsi_device_lookup(host, m->bus, m->target, lun);
    if (m->type == PVSCSI_MSG_DEV_ADDED) {
        a->stats.msgs_added++;
        dev_info(&a->dev->dev, "target %u:%u:%llu added\n", m->bus, m->target,
                 (unsigned long long)lun);
        if (sdev)
            scsi_device_put(sdev);   /* already known */
        else
            scsi_add_device(host, m->bus, m->target, lun);
    } else if (m->type == PVSCSI_MSG_DEV_REMOVED) {
        a->stats.msgs_removed++;
        dev_info(&a->dev->dev, "target %u:%u:%llu removed\n", m->bus, m->target,
                 (unsigned long long)lun);
        if (sdev) {
            scsi_remove_device(sdev);
            scsi_device_put(sdev);
        }
    } else if (sdev) {
        scsi_device_put(sdev);
    }
}

void pvscsi_msg_work(struct work_struct *w)
{
    struct pvscsi_adapter *a = container_of(w, struct pvscsi_adapter, msg_work);
    pvscsi_hw_msg m;
    while (pvscsi_hw_msg_reap(&a->hw, &m))
        handle(a, &m);
}
