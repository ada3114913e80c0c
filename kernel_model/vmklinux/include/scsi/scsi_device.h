/* scsi/scsi_device.h — struct scsi_device (one LUN behind a host) and the calls a driver makes
 * for target notices: scsi_add_device, scsi_remove_device, scsi_device_lookup/_put. Mirrors
 * Linux's include/scsi/scsi_device.h by name. vmklinux creates a scsi_device for each path the
 * storage layer probes (its discover entry, linux_scsi_dev.c). */
#ifndef _VMKLNX_SCSI_SCSI_DEVICE_H
#define _VMKLNX_SCSI_SCSI_DEVICE_H

#include <linux/types.h>

struct Scsi_Host;

struct scsi_device {
    struct Scsi_Host *host;
    unsigned int channel;
    unsigned int id;            /* target */
    u64 lun;
    unsigned int queue_depth;
    void *hostdata;             /* the driver's (slave_alloc) */
    void *vmklnx;               /* vmklinux-private */
};

#define sdev_channel(sdev) ((sdev)->channel)
#define sdev_id(sdev) ((sdev)->id)

/* Makes (channel, id, lun) known: 0 once the device is present (or is being probed), -ENODEV
 * when the host is going away. */
int scsi_add_device(struct Scsi_Host *shost, unsigned int channel, unsigned int id, u64 lun);
/* The device goes away: commands to it end with DID_NO_CONNECT. */
void scsi_remove_device(struct scsi_device *sdev);
/* The device at (channel, id, lun) with a reference taken, or NULL; scsi_device_put drops it. */
struct scsi_device *scsi_device_lookup(struct Scsi_Host *shost, unsigned int channel,
                                       unsigned int id, u64 lun);
void scsi_device_put(struct scsi_device *sdev);

#endif
