/* scsi_dump.c — writes a logical unit's identification responses (INQUIRY, VPD pages, READ
 * CAPACITY) as ASCII hex in the format sg3_utils reads with --inhex (sg3_utils(8), "FORMAT OF
 * FILES CONTAINING ASCII HEX": 1-2 hex digits per byte, whitespace separated, '#' comments), so
 * the real sg_inq / sg_readcap decode exactly the bytes the model answers. */
#include "devices/disk/scsi_disk_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int scsi_write_inhex(const char *path, const char *comment, const void *data, size_t len,
                     sim_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return sim_err_set(err, "%s: cannot create: %s", path, strerror(errno));
    const uint8_t *p = data;
    if (comment)
        fprintf(f, "# %s\n", comment);
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%02x%c", p[i], (i % 16 == 15 || i + 1 == len) ? '\n' : ' ');
    if (fclose(f) != 0)
        return sim_err_set(err, "%s: write failed: %s", path, strerror(errno));
    return 0;
}

int scsi_disk_dump_responses(scsi_disk *d, const char *dir, sim_err *err)
{
    static const struct {
        const char *file, *what;
        uint8_t cdb[16];
        uint8_t cdb_len;
    } cmds[] = {
        { "inquiry.hex", "standard INQUIRY data", { SCSI_OP_INQUIRY, 0, 0, 0, 0xFF, 0 }, 6 },
        { "vpd00.hex", "VPD page 00h", { SCSI_OP_INQUIRY, 1, 0x00, 0, 0xFF, 0 }, 6 },
        { "vpd80.hex", "VPD page 80h", { SCSI_OP_INQUIRY, 1, 0x80, 0, 0xFF, 0 }, 6 },
        { "vpd83.hex", "VPD page 83h", { SCSI_OP_INQUIRY, 1, 0x83, 0, 0xFF, 0 }, 6 },
        { "readcap10.hex", "READ CAPACITY (10) parameter data",
          { SCSI_OP_READ_CAPACITY_10, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 10 },
        { "readcap16.hex", "READ CAPACITY (16) parameter data",
          { SCSI_OP_SERVICE_ACTION_IN_16, SCSI_SA_READ_CAPACITY_16, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 32, 0, 0 }, 16 },
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        uint8_t buf[256];
        scsi_result res;
        scsi_disk_exec(d, cmds[i].cdb, cmds[i].cdb_len, buf, sizeof buf, &res);
        if (res.status != SCSI_STATUS_GOOD)
            return sim_err_set(err, "%s: %s failed (sense key %xh asc %02xh)", d->name,
                               cmds[i].what, res.sense[SCSI_SENSE_OFF_KEY],
                               res.sense[SCSI_SENSE_OFF_ASC]);
        char path[4096], comment[160];
        snprintf(path, sizeof path, "%s/%s", dir, cmds[i].file);
        snprintf(comment, sizeof comment, "vmksim %s: %s", d->name, cmds[i].what);
        if (scsi_write_inhex(path, comment, buf, (size_t)res.data_len, err) != 0)
            return -1;
    }
    return 0;
}
