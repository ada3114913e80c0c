/* scsi/scsi_host.h — the SCSI host a Linux HBA driver registers: scsi_host_template (queuecommand,
 * the eh_* handlers, limits), struct Scsi_Host with its host lock and the driver's hostdata, and
 * scsi_host_alloc / scsi_add_host / scsi_scan_host / scsi_remove_host / scsi_host_put. Mirrors
 * Linux's include/scsi/scsi_host.h by name. vmklinux publishes each added host to the kernel's
 * storage layer as a vmk_ScsiAdapter whose entry points are its own (docs/vmklinux.md
 * "Storage"). */
#ifndef _VMKLNX_SCSI_SCSI_HOST_H
#define _VMKLNX_SCSI_SCSI_HOST_H

#include <linux/device.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <scsi/scsi.h>

struct scsi_cmnd;
struct scsi_device;
struct Scsi_Host;

struct scsi_host_template {
    struct module *module;
    const char *name;
    const char *proc_name;
    /* Called with host_lock held, as the driver's module: 0 (the command is the driver's until
     * it calls cmd->scsi_done) or SCSI_MLQUEUE_HOST_BUSY / _DEVICE_BUSY (refused). */
    int (*queuecommand)(struct Scsi_Host *shost, struct scsi_cmnd *cmd);
    /* Called without host_lock, may sleep; SUCCESS or FAILED. */
    int (*eh_abort_handler)(struct scsi_cmnd *cmd);
    int (*eh_device_reset_handler)(struct scsi_cmnd *cmd);
    int (*eh_target_reset_handler)(struct scsi_cmnd *cmd);
    int (*eh_bus_reset_handler)(struct scsi_cmnd *cmd);
    int (*eh_host_reset_handler)(struct scsi_cmnd *cmd);
    int (*slave_alloc)(struct scsi_device *sdev);
    int (*slave_configure)(struct scsi_device *sdev);
    void (*slave_destroy)(struct scsi_device *sdev);
    int can_queue;              /* commands outstanding on the host at most */
    int this_id;                /* the host's own target ID, -1 for none */
    unsigned short sg_tablesize;   /* scatterlist entries per command at most */
    unsigned int max_sectors;   /* 512-byte sectors per command at most (0: 1024) */
    short cmd_per_lun;
};

struct Scsi_Host {
    struct scsi_host_template *hostt;
    spinlock_t *host_lock;      /* points at default_lock */
    spinlock_t default_lock;
    unsigned int host_no;
    unsigned int unique_id;
    int can_queue;
    int this_id;
    unsigned short sg_tablesize;
    unsigned int max_sectors;
    short cmd_per_lun;
    unsigned int max_channel;   /* highest channel number (0) */
    unsigned int max_id;        /* targets 0 .. max_id-1 */
    u64 max_lun;                /* LUNs 0 .. max_lun-1 */
    unsigned short max_cmd_len; /* longest CDB (default 12) */
    unsigned int irq;
    struct device *dma_dev;     /* the parent device given to scsi_add_host */
    void *vmklnx;               /* vmklinux-private */
    unsigned long hostdata[] __attribute__((aligned(sizeof(unsigned long) * 2)));
};

/* A host with privsize bytes of zeroed hostdata (shost_priv), or NULL. */
struct Scsi_Host *scsi_host_alloc(struct scsi_host_template *sht, int privsize);
/* Publishes the host (dev: the PCI function's struct device); 0 or a negative errno. */
int scsi_add_host(struct Scsi_Host *shost, struct device *dev);
void scsi_scan_host(struct Scsi_Host *shost);
void scsi_remove_host(struct Scsi_Host *shost);
void scsi_host_put(struct Scsi_Host *shost);
/* The outstanding command with this tag, or NULL. */
struct scsi_cmnd *scsi_host_find_tag(struct Scsi_Host *shost, int tag);

static inline void *shost_priv(struct Scsi_Host *shost) { return (void *)shost->hostdata; }

#endif
