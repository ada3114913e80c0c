/* scsi/scsi_cmnd.h — struct scsi_cmnd and its data-buffer accessors (scsi_sglist, scsi_sg_count,
 * scsi_bufflen, scsi_set_resid, scsi_dma_map/unmap), result helpers. Mirrors Linux's
 * include/scsi/scsi_cmnd.h by name. vmklinux allocates one per vmk_ScsiCommand from the host's
 * slab, with its scatterlist already mapped for the device (linux_scsi_cmd.c). */
#ifndef _VMKLNX_SCSI_SCSI_CMND_H
#define _VMKLNX_SCSI_SCSI_CMND_H

#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/types.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>

struct scsi_data_buffer {
    struct scatterlist *sgl;
    unsigned int nents;
    unsigned int length;        /* bytes the command moves */
    int resid;                  /* bytes not moved (driver-set) */
};

struct scsi_cmnd {
    struct scsi_device *device;
    unsigned char cmnd[MAX_COMMAND_SIZE];
    unsigned short cmd_len;
    enum dma_data_direction sc_data_direction;
    int result;                 /* host byte << 16 | SAM status */
    unsigned char *sense_buffer;   /* SCSI_SENSE_BUFFERSIZE bytes */
    /* The driver calls it once the command is finished (vmklinux's: queues it on the done
     * list). */
    void (*scsi_done)(struct scsi_cmnd *cmd);
    unsigned char *host_scribble;  /* the driver's */
    int tag;                    /* 0 .. can_queue-1, unique among the host's outstanding */
    struct scsi_data_buffer sdb;
    void *vmklnx;               /* vmklinux-private */
};

static inline unsigned int scsi_sg_count(struct scsi_cmnd *cmd) { return cmd->sdb.nents; }
static inline struct scatterlist *scsi_sglist(struct scsi_cmnd *cmd) { return cmd->sdb.sgl; }
static inline unsigned int scsi_bufflen(struct scsi_cmnd *cmd) { return cmd->sdb.length; }
static inline void scsi_set_resid(struct scsi_cmnd *cmd, int resid) { cmd->sdb.resid = resid; }
static inline int scsi_get_resid(struct scsi_cmnd *cmd) { return cmd->sdb.resid; }
#define scsi_for_each_sg(cmd, sg, nseg, __i) for_each_sg(scsi_sglist(cmd), sg, nseg, __i)

static inline void set_host_byte(struct scsi_cmnd *cmd, int status)
{
    cmd->result = (cmd->result & 0xff00ffff) | (status << 16);
}
static inline void set_status_byte(struct scsi_cmnd *cmd, int status)
{
    cmd->result = (cmd->result & 0xffffff00) | (status & 0xff);
}

/* Maps the command's scatterlist for the host's device: the number of DMA segments (0 without
 * data), or a negative errno. Unmapped by scsi_dma_unmap. */
int scsi_dma_map(struct scsi_cmnd *cmd);
void scsi_dma_unmap(struct scsi_cmnd *cmd);

#endif
