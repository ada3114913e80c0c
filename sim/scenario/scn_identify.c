/* scn_identify.c — identify{}: asks a discovered disk for its identification through the whole
 * storage stack — the kernel's storage layer, the bound driver (native or Linux on vmklinux),
 * the HBA's rings and DMA, the disk model — and dumps the response bytes that came back, in the
 * ASCII hex that sg3_utils reads with --inhex (sg3_utils(8) "FORMAT OF FILES CONTAINING ASCII
 * HEX"), so that the real sg_inq / sg_readcap decode exactly what a driver handed the kernel
 * (docs/scenarios.md "Storage workloads"). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "devices/disk/scsi_disk.h"
#include "kernel_model/scsi/scsi.h"
#include "sim/scenario/scn_internal.h"

/* 256 bytes: more than the standard data and each VPD page the disk model returns; the
 * response's own length bytes say how much of it is valid. */
#define IDENT_ALLOC 255u
/* A command of the identify set may take this long in simulated time: far above a PVSCSI round
 * trip (µs) and below the layer's 5 s command timeout, so a stuck stack is reported, not hung. */
#define IDENT_TIMEOUT_PS (10 * SIM_SEC)

typedef struct ident_cmd {
    const char *file, *what;
    uint8_t cdb[16];
    uint8_t cdb_len;
} ident_cmd;

/* SPC-4 6.6.1: INQUIRY, byte 1 bit 0 EVPD, byte 2 page code, bytes 3-4 allocation length;
 * SBC-3 5.15 READ CAPACITY (10); SBC-3 5.16 SERVICE ACTION IN (16) / READ CAPACITY (16) with
 * the allocation length in bytes 10-13. */
static const ident_cmd CMDS[] = {
    {"inquiry.hex", "standard INQUIRY data", {0x12, 0, 0x00, 0, IDENT_ALLOC, 0}, 6},
    {"vpd00.hex", "VPD page 00h (supported pages)", {0x12, 1, 0x00, 0, IDENT_ALLOC, 0}, 6},
    {"vpd80.hex", "VPD page 80h (unit serial number)", {0x12, 1, 0x80, 0, IDENT_ALLOC, 0}, 6},
    {"vpd83.hex", "VPD page 83h (device identification)", {0x12, 1, 0x83, 0, IDENT_ALLOC, 0}, 6},
    {"readcap10.hex", "READ CAPACITY (10) parameter data", {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 10},
    {"readcap16.hex", "READ CAPACITY (16) parameter data",
     {0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0}, 16},
};
#define NCMDS (sizeof CMDS / sizeof CMDS[0])

typedef struct ident_job {
    const kern_scsi_disk *disk;
    kern_scsi_req *req[NCMDS];
    VMK_ReturnStatus st[NCMDS];
    bool done;
} ident_job;

static void ident_thread(void *arg)
{
    ident_job *j = arg;
    for (size_t i = 0; i < NCMDS; i++) {
        kern_scsi_req *r = j->req[i];
        memcpy(r->cdb, CMDS[i].cdb, CMDS[i].cdb_len);
        r->cdb_len = CMDS[i].cdb_len;
        r->dir = KERN_SCSI_DIR_READ;
        j->st[i] = kern_scsi_exec(j->disk->adapter, j->disk->channel, j->disk->target,
                                  j->disk->lun, r);
    }
    j->done = true;
}

static bool ident_done(void *arg)
{
    return ((ident_job *)arg)->done;
}

static void free_job(ident_job *j)
{
    for (size_t i = 0; i < NCMDS; i++)
        kern_scsi_req_free(j->req[i]);
}

static int l_identify(lua_State *L)
{
    static const char *const keys[] = {"disk", "dump", NULL};
    scn_state *s = scn_get(L);
    if (!lua_istable(L, 1))
        scn_error(L, "identify: expected a table, e.g. identify { disk = \"vmhba0:C0:T0:L0\", "
                  "dump = \"ident\" }, got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "identify", NULL, keys);
    const char *name = scn_opt_string(L, 1, "identify", "disk");
    if (!name)
        scn_error(L, "identify: missing field 'disk' (a discovered disk, e.g. "
                  "\"vmhba0:C0:T0:L0\")");
    const char *dump = scn_opt_string(L, 1, "identify", "dump");
    char dir[4200] = "";
    if (dump) {
        char tmp[PLATFORM_NAME_LEN];
        scn_check_name(L, "identify", "dump", dump, tmp, sizeof tmp);
        if (!s->out_dir)
            scn_error(L, "identify: dump = '%s' needs an --out folder to write into", dump);
        snprintf(dir, sizeof dir, "%s/%s", s->out_dir, dump);
    }
    if (!s->booted || !s->sys)
        scn_error(L, "identify: called before boot()");
    const kern_scsi_disk *d = kern_scsi_disk_find(name);
    if (!d) {
        size_t n = kern_scsi_disk_count();
        scn_error(L, "identify: disk = '%s' was not discovered (%zu disk(s)%s%s; a disk appears "
                  "once an HBA has a driver and a disk { } target)", name, n, n ? ", first " : "",
                  n ? kern_scsi_disk_at(0)->name : "");
    }

    ident_job j;
    memset(&j, 0, sizeof j);
    j.disk = d;
    for (size_t i = 0; i < NCMDS; i++)
        if (!(j.req[i] = kern_scsi_req_new(IDENT_ALLOC + 1))) {
            free_job(&j);
            scn_error(L, "identify: out of memory");
        }
    sim_thread_spawn("scenario:identify", ident_thread, &j);
    sim_time_t deadline = sim_now() + IDENT_TIMEOUT_PS;
    while (!ident_done(&j) && sim_now() < deadline)
        sim_run_until(sim_now() + SIM_MS < deadline ? sim_now() + SIM_MS : deadline);
    if (!j.done)   /* the job is the thread's: it must not be freed under it */
        scn_error(L, "identify: %s did not answer within 10 s of simulated time", name);
    if (dump && mkdir(dir, 0777) < 0 && errno != EEXIST) {
        free_job(&j);
        scn_error(L, "identify: cannot create %s: %s", dir, strerror(errno));
    }

    lua_createtable(L, 0, 8);
    for (size_t i = 0; i < NCMDS; i++) {
        kern_scsi_req *r = j.req[i];
        if (j.st[i] != VMK_OK || !kern_scsi_req_ok(r)) {
            char why[200];
            snprintf(why, sizeof why, "%s failed on %s (status %s, host %d, device 0x%02x, sense "
                     "key %xh asc %02xh)", CMDS[i].what, name, vmk_StatusToString(j.st[i]),
                     (int)r->status.host, (unsigned)r->status.device, r->sense.key & 0xF, r->sense.asc);
            free_job(&j);
            scn_error(L, "identify: %s", why);
        }
        size_t len = r->bytes_xferred < r->data_len ? r->bytes_xferred : r->data_len;
        if (dump) {
            char path[4300], comment[200];
            snprintf(path, sizeof path, "%s/%s", dir, CMDS[i].file);
            snprintf(comment, sizeof comment, "vmksim %s through %s: %s", name,
                     kern_scsi_adapter_name(d->adapter), CMDS[i].what);
            sim_err err = {{0}};
            if (scsi_write_inhex(path, comment, r->data, len, &err) != 0) {
                free_job(&j);
                scn_error(L, "identify: %s", err.msg);
            }
        }
        lua_pushinteger(L, (lua_Integer)len);
        char key[32];
        snprintf(key, sizeof key, "%.*s_bytes", (int)(strchr(CMDS[i].file, '.') - CMDS[i].file),
                 CMDS[i].file);
        lua_setfield(L, -2, key);
    }
    free_job(&j);
    lua_pushstring(L, d->vendor);
    lua_setfield(L, -2, "vendor");
    lua_pushstring(L, d->product);
    lua_setfield(L, -2, "product");
    lua_pushinteger(L, (lua_Integer)d->num_blocks);
    lua_setfield(L, -2, "blocks");
    lua_pushinteger(L, (lua_Integer)d->block_size);
    lua_setfield(L, -2, "block_size");
    sim_log(SIM_LOG_INFO, "scenario.scsi", "identify %s: %s %s, %llu blocks of %u bytes%s%s",
            name, d->vendor, d->product, (unsigned long long)d->num_blocks, d->block_size,
            dump ? ", dumped to " : "", dump ? dir : "");
    return 1;
}

void scn_register_identify(lua_State *L)
{
    static const luaL_Reg fns[] = {{"identify", l_identify}, {NULL, NULL}};
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}
