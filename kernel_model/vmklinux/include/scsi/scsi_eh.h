/* scsi/scsi_eh.h — what error handlers use: the dispositions (SUCCESS, FAILED) and fixed-format
 * sense building. Mirrors Linux's include/scsi/scsi_eh.h by name. */
#ifndef _VMKLNX_SCSI_SCSI_EH_H
#define _VMKLNX_SCSI_SCSI_EH_H

#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>

/* Fixed-format current sense (SPC-4 4.5.3) in buf (>= 18 bytes): response code 70h, key, ASC,
 * ASCQ; desc is accepted and must be 0. */
static inline void scsi_build_sense_buffer(int desc, u8 *buf, u8 key, u8 asc, u8 ascq)
{
    (void)desc;
    memset(buf, 0, 18);
    buf[0] = 0x70;
    buf[2] = key;
    buf[7] = 10;
    buf[12] = asc;
    buf[13] = ascq;
}

#endif
