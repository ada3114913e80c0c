/* discover.c — path and device discovery for a claimed adapter, in a thread of its own
 * ("scsiscan:vmhbaN"): for each channel and target (checkTarget when the driver has it), a path to
 * LUN 0, REPORT LUNS (SPC-4 6.33; LUN 0 alone when it fails), then per LUN a path, INQUIRY
 * (SPC-4 6.6: qualifier 000b, peripheral type 00h = disk) and READ CAPACITY (16) (SBC-3 5.16),
 * or (10) when (16) fails. Disks are kept in discovery order as "vmhbaN:Cc:Tt:Ll" (ESXi's runtime
 * name). Rules: docs/storage.md "Discovery". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/scsi/scsi_cdb.h"
#include "kernel_model/scsi/scsi_internal.h"
#include "sim/sim.h"

static kern_scsi_disk **disks;
static size_t ndisks, cap_disks;

size_t kern_scsi_disk_count(void) { return ndisks; }

const kern_scsi_disk *kern_scsi_disk_at(size_t i) { return i < ndisks ? disks[i] : NULL; }

const kern_scsi_disk *kern_scsi_disk_find(const char *name)
{
    for (size_t i = 0; name && i < ndisks; i++)
        if (!strcmp(disks[i]->name, name))
            return disks[i];
    return NULL;
}

VMK_ReturnStatus kern_scsi_disk_issue(const kern_scsi_disk *d, kern_scsi_req *r)
{
    for (size_t i = 0; d && i < ndisks; i++)
        if (disks[i] == d)
            return kern_scsi_issue(d->adapter, d->channel, d->target, d->lun, r);
    return VMK_INVALID_HANDLE;
}

static kern_scsi_disk *disk_of(kern_scsi_adapter *a, uint32_t c, uint32_t t, uint32_t l)
{
    for (size_t i = 0; i < ndisks; i++)
        if (disks[i]->adapter == a && disks[i]->channel == c && disks[i]->target == t &&
            disks[i]->lun == l)
            return disks[i];
    return NULL;
}

void kscsi_disks_drop(kern_scsi_adapter *a)
{
    size_t k = 0;
    for (size_t i = 0; i < ndisks; i++) {
        if (disks[i]->adapter == a) {
            sim_log(SIM_LOG_INFO, KERN_SCSI_LOG, "%s: disk removed", disks[i]->name);
            free(disks[i]);
        } else {
            disks[k++] = disks[i];
        }
    }
    ndisks = k;
}

void kscsi_disks_reset(void)
{
    for (size_t i = 0; i < ndisks; i++)
        free(disks[i]);
    free(disks);
    disks = NULL;
    ndisks = cap_disks = 0;
}

/* ---- paths ---- */

static kscsi_path *path_create(kern_scsi_adapter *a, uint32_t c, uint32_t t, uint32_t l)
{
    kscsi_path *p = kscsi_path_find(a, c, t, l);
    if (p)
        return p;
    void *dd = NULL;
    kscsi_call call;
    VMK_ReturnStatus st = VMK_FAILURE;
    if (kscsi_call_begin(&call, a, "discover")) {
        st = a->va->discover(a->va->clientData, VMK_SCSI_SCAN_CREATE_PATH, (int)c, (int)t, (int)l,
                             &dd);
        kscsi_call_end(&call, "discover");
    }
    if (st != VMK_OK)
        return NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->channel = c;
    p->target = t;
    p->lun = l;
    p->device_data = dd;
    kscsi_path **tail = &a->paths;
    while (*tail)
        tail = &(*tail)->next;
    *tail = p;
    return p;
}

static void path_call(kern_scsi_adapter *a, kscsi_path *p, vmk_ScanAction action)
{
    kscsi_call call;
    if (kscsi_call_begin(&call, a, "discover")) {
        a->va->discover(a->va->clientData, action, (int)p->channel, (int)p->target, (int)p->lun,
                        &p->device_data);
        kscsi_call_end(&call, "discover");
    }
}

static void path_destroy(kern_scsi_adapter *a, kscsi_path *p)
{
    path_call(a, p, VMK_SCSI_SCAN_DESTROY_PATH);
    for (kscsi_path **pp = &a->paths; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    free(p);
}

void kscsi_paths_destroy(kern_scsi_adapter *a)
{
    while (a->paths) {
        /* Commands still on the path end first (failed); then the driver forgets the path. */
        if (a->outstanding || a->pending || a->done)
            kscsi_fail_all(a, VMK_SCSI_HOST_NO_CONNECT);
        path_destroy(a, a->paths);
    }
}

/* ---- the scan ---- */

static void trim_copy(char *dst, const uint8_t *src, size_t n)
{
    memcpy(dst, src, n);
    dst[n] = '\0';
    for (size_t i = n; i > 0 && (dst[i - 1] == ' ' || dst[i - 1] == '\0'); i--)
        dst[i - 1] = '\0';
}

/* Runs cdb built by fill on the path into a fresh request of len bytes; NULL if it failed. */
static kern_scsi_req *run(kern_scsi_adapter *a, uint32_t c, uint32_t t, uint32_t l, size_t len,
                          void (*fill)(kern_scsi_req *, size_t))
{
    kern_scsi_req *r = kern_scsi_req_new(len);
    if (!r)
        return NULL;
    fill(r, len);
    if (kern_scsi_exec(a, c, t, l, r) != VMK_OK || !kern_scsi_req_ok(r)) {
        sim_log(SIM_LOG_DEBUG, KERN_SCSI_LOG, "%s:C%u:T%u:L%u: op %02xh: host %d, device %02xh, "
                "sense key %xh asc %02xh/%02xh", a->name, c, t, l, r->cdb[0], (int)r->status.host,
                (unsigned)r->status.device, r->sense.key & 0xf, r->sense.asc, r->sense.ascq);
        kern_scsi_req_free(r);
        return NULL;
    }
    return r;
}

static void fill_inquiry(kern_scsi_req *r, size_t len) { kscsi_cdb_inquiry(r, (uint16_t)len); }
static void fill_report_luns(kern_scsi_req *r, size_t len)
{
    kscsi_cdb_report_luns(r, (uint32_t)len);
}
static void fill_rc16(kern_scsi_req *r, size_t len) { kscsi_cdb_read_capacity16(r, (uint32_t)len); }
static void fill_rc10(kern_scsi_req *r, size_t len)
{
    (void)len;
    kscsi_cdb_read_capacity10(r);
}

/* LUN numbers from REPORT LUNS parameter data (SPC-4 6.33.2; SAM-5 4.7: peripheral device
 * addressing 00b and flat space addressing 01b, single level). */
static size_t parse_luns(const kern_scsi_req *r, uint32_t max_luns, uint32_t *out, size_t cap)
{
    size_t n = 0;
    uint32_t list_len = kscsi_be32(r->data);
    size_t avail = r->bytes_xferred ? r->bytes_xferred : r->data_len;
    for (size_t off = 8; off + 8 <= avail && off < 8 + (size_t)list_len && n < cap; off += 8) {
        const uint8_t *e = r->data + off;
        uint32_t lun;
        if ((e[0] >> 6) == 0 && e[0] == 0)
            lun = e[1];
        else if ((e[0] >> 6) == 1)
            lun = (uint32_t)(e[0] & 0x3f) << 8 | e[1];
        else
            continue;   /* other addressing methods are not used by the targets modelled */
        if (lun < max_luns)
            out[n++] = lun;
    }
    return n;
}

static void probe_lun(kern_scsi_adapter *a, uint32_t c, uint32_t t, uint32_t l)
{
    kscsi_path *p = path_create(a, c, t, l);
    if (!p)
        return;
    kern_scsi_req *inq = run(a, c, t, l, KSCSI_INQ_LEN, fill_inquiry);
    if (!inq || (inq->data[0] >> 5) != 0 || (inq->data[0] & 0x1f) != KSCSI_PERIPH_DISK) {
        if (inq)
            sim_log(SIM_LOG_DEBUG, KERN_SCSI_LOG, "%s:C%u:T%u:L%u: peripheral %02xh: not a disk",
                    a->name, c, t, l, inq->data[0]);
        kern_scsi_req_free(inq);
        path_destroy(a, p);
        return;
    }
    uint64_t blocks = 0;
    uint32_t bsize = 0;
    bool rc16 = false;
    kern_scsi_req *rc = run(a, c, t, l, KSCSI_RC16_LEN, fill_rc16);
    if (rc) {
        blocks = kscsi_be64(rc->data) + 1;   /* RETURNED LOGICAL BLOCK ADDRESS: the last one */
        bsize = kscsi_be32(rc->data + 8);
        rc16 = true;
    } else if ((rc = run(a, c, t, l, KSCSI_RC10_LEN, fill_rc10)) != NULL) {
        uint32_t last = kscsi_be32(rc->data);
        if (last == 0xFFFFFFFFu)   /* SBC-3 5.15.2: too large for (10), and (16) failed */
            blocks = 0;
        else
            blocks = (uint64_t)last + 1;
        bsize = kscsi_be32(rc->data + 4);
    }
    kern_scsi_req_free(rc);
    if (blocks == 0 || bsize < 512 || bsize > (1u << 20) || (bsize & (bsize - 1))) {
        sim_log(SIM_LOG_WARN, KERN_SCSI_LOG, "%s:C%u:T%u:L%u: no usable capacity (%llu blocks of "
                "%u bytes): not added", a->name, c, t, l, (unsigned long long)blocks, bsize);
        kern_scsi_req_free(inq);
        path_destroy(a, p);
        return;
    }
    kern_scsi_disk *d = disk_of(a, c, t, l);
    if (!d) {
        if (ndisks == cap_disks) {
            size_t nc = cap_disks ? cap_disks * 2 : 8;
            kern_scsi_disk **nd = realloc(disks, nc * sizeof *nd);
            if (!nd) {
                kern_scsi_req_free(inq);
                return;
            }
            disks = nd;
            cap_disks = nc;
        }
        d = calloc(1, sizeof *d);
        if (!d) {
            kern_scsi_req_free(inq);
            return;
        }
        snprintf(d->name, sizeof d->name, "%s:C%u:T%u:L%u", a->name, c, t, l);
        d->adapter = a;
        d->channel = c;
        d->target = t;
        d->lun = l;
        disks[ndisks++] = d;
    }
    d->block_size = bsize;
    d->num_blocks = blocks;
    d->read_cap16 = rc16;
    trim_copy(d->vendor, inq->data + 8, 8);      /* T10 VENDOR IDENTIFICATION, bytes 8-15 */
    trim_copy(d->product, inq->data + 16, 16);   /* PRODUCT IDENTIFICATION, bytes 16-31 */
    trim_copy(d->revision, inq->data + 32, 4);   /* PRODUCT REVISION LEVEL, bytes 32-35 */
    kern_scsi_req_free(inq);
    path_call(a, p, VMK_SCSI_SCAN_CONFIGURE_PATH);
    sim_log(SIM_LOG_INFO, KERN_SCSI_LOG, "%s: disk %s %s, %llu blocks of %u bytes (READ CAPACITY "
            "(%s))", d->name, d->vendor, d->product, (unsigned long long)blocks, bsize,
            rc16 ? "16" : "10");
}

static bool matches(int32_t want, uint32_t have)
{
    return want < 0 || (uint32_t)want == have;
}

/* Paths announced gone (vmk_ScsiScanDeleteAdapterPath): their disks go now; a path is destroyed
 * only when no command of the adapter still runs on it (a queued command carries its device
 * data into the driver), else adapter teardown destroys it. */
static void deletes_apply(kern_scsi_adapter *a)
{
    while (a->ndeletes) {
        int32_t c = a->deletes[0].channel, t = a->deletes[0].target, l = a->deletes[0].lun;
        memmove(a->deletes, a->deletes + 1, --a->ndeletes * sizeof a->deletes[0]);
        size_t k = 0;
        for (size_t i = 0; i < ndisks; i++) {
            kern_scsi_disk *d = disks[i];
            if (d->adapter == a && matches(c, d->channel) && matches(t, d->target) &&
                matches(l, d->lun)) {
                sim_log(SIM_LOG_INFO, KERN_SCSI_LOG, "%s: disk removed (path gone)", d->name);
                free(d);
            } else {
                disks[k++] = d;
            }
        }
        ndisks = k;
        for (kscsi_path *p = a->paths, *next; p; p = next) {
            next = p->next;
            if (!matches(c, p->channel) || !matches(t, p->target) || !matches(l, p->lun))
                continue;
            bool busy = false;
            for (kscsi_cmd *k2 = a->outstanding; k2 && !busy; k2 = k2->onext)
                busy = k2->device_data == p->device_data;
            for (kscsi_cmd *k2 = a->pending; k2 && !busy; k2 = k2->next)
                busy = k2->device_data == p->device_data;
            for (kscsi_cmd *k2 = a->done; k2 && !busy; k2 = k2->next)
                busy = k2->device_data == p->device_data;
            if (!busy)
                path_destroy(a, p);
        }
    }
}

static void scan_thread(void *arg)
{
    kern_scsi_adapter *a = arg;
    char wname[64];
    snprintf(wname, sizeof wname, "scsiscan:%s", a->name);
    kern_tworld *w = kern_tworld_new(wname);
    kern_tworld_enter(w);
    const vmk_ScsiAdapter *va = a->va;
again:
    a->rescan_pending = false;
    deletes_apply(a);
    for (uint32_t c = 0; c < va->channels && a->io_started; c++) {
        for (uint32_t t = 0; t < va->maxTargets && a->io_started; t++) {
            if (t == va->targetId && va->targetId != 0)
                continue;   /* the adapter itself */
            if (va->checkTarget) {
                kscsi_call call;
                VMK_ReturnStatus st = VMK_FAILURE;
                if (kscsi_call_begin(&call, a, "checkTarget")) {
                    st = va->checkTarget(va->clientData, (int)c, (int)t);
                    kscsi_call_end(&call, "checkTarget");
                }
                if (st != VMK_OK)
                    continue;
            }
            kscsi_path *p0 = path_create(a, c, t, 0);
            if (!p0)
                continue;
            uint32_t luns[KSCSI_REPORT_LUNS_MAX];
            size_t n = 0;
            kern_scsi_req *rl = run(a, c, t, 0, 8 + 8 * KSCSI_REPORT_LUNS_MAX, fill_report_luns);
            if (rl) {
                n = parse_luns(rl, va->maxLUNs, luns, KSCSI_REPORT_LUNS_MAX);
                kern_scsi_req_free(rl);
            } else {
                luns[n++] = 0;   /* REPORT LUNS unsupported: LUN 0 alone */
            }
            bool lun0 = false;
            for (size_t i = 0; i < n && a->io_started; i++) {
                lun0 |= luns[i] == 0;
                probe_lun(a, c, t, luns[i]);
            }
            p0 = kscsi_path_find(a, c, t, 0);
            if (!lun0 && p0 && !disk_of(a, c, t, 0))
                path_destroy(a, p0);   /* LUN 0 was only the way in */
        }
    }
    if ((a->rescan_pending || a->ndeletes) && a->io_started)
        goto again;
    kern_world_sync();
    kern_tworld_leave(w);
    kern_tworld_free(w);
    a->scanning = false;
    a->scanned = true;
    size_t found = 0;
    for (size_t i = 0; i < ndisks; i++)
        found += disks[i]->adapter == a;
    sim_log(SIM_LOG_INFO, KERN_SCSI_LOG, "%s: discovery done: %zu disk(s)", a->name, found);
}

/* ---- vmkapi: a driver asks for discovery (vmk_ScsiScanAndClaimPaths & co.) ---- */

static kern_scsi_adapter *adapter_named(const vmk_Name *n)
{
    char name[VMK_MISC_NAME_MAX];
    if (!n)
        return NULL;
    memcpy(name, n->string, sizeof name);
    name[sizeof name - 1] = '\0';
    return kern_scsi_adapter_find(name);
}

static VMK_ReturnStatus scan_request(kern_scsi_adapter *a)
{
    if (!a)
        return VMK_NOT_FOUND;
    if (!a->io_started || a->gone)
        return VMK_BUSY;
    if (a->scanning)
        a->rescan_pending = true;
    else
        kscsi_scan_start(a);
    return VMK_OK;
}

VMK_ReturnStatus vmk_ScsiScanAndClaimPaths(vmk_Name *adapterName, vmk_int32 channel,
                                           vmk_int32 target, vmk_int32 lun)
{
    (void)channel, (void)target, (void)lun;   /* a pass covers every path */
    return scan_request(adapter_named(adapterName));
}

VMK_ReturnStatus vmk_ScsiScanDeleteAdapterPath(vmk_Name *adapterName, vmk_int32 channel,
                                               vmk_int32 target, vmk_int32 lun)
{
    kern_scsi_adapter *a = adapter_named(adapterName);
    if (!a)
        return VMK_NOT_FOUND;
    if (a->ndeletes == sizeof a->deletes / sizeof a->deletes[0])
        return VMK_NO_RESOURCES;
    a->deletes[a->ndeletes].channel = channel;
    a->deletes[a->ndeletes].target = target;
    a->deletes[a->ndeletes].lun = lun;
    a->ndeletes++;
    return scan_request(a);
}

void kscsi_scan_start(kern_scsi_adapter *a)
{
    a->scanning = true;
    char name[64];
    snprintf(name, sizeof name, "scsiscan:%s", a->name);
    sim_thread_spawn(name, scan_thread, a);
}
