/* command.c — SCSI command issue and completion: a vmk_ScsiCommand per request with an SG array of
 * the data buffer's pages, mapped for the adapter's DMA engine; the driver's command entry in the
 * caller's world, or a FIFO while the adapter is at its queue depth; deferred completion
 * (vmk_ScsiSchedCommandCompletion queues, the adapter's worker completes); per-command timers
 * escalating abort → device reset → bus reset → given up, so a command always ends.
 * Rules: docs/storage.md "Commands" and "Timeouts". */
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/scsi/scsi_cdb.h"
#include "kernel_model/scsi/scsi_internal.h"
#include "kernel_model/world/world.h"
#include "sim/sim.h"

#define KSCSI_PAGE 4096u   /* x86 page: the SG array holds one element per page touched */

static kscsi_cmd *zombies;          /* given-up commands of adapters that went away */
static uint64_t bad_completions;    /* completions nobody could match (no adapter known) */
static vmk_TimerQueue timer_queue;

/* ---- requests ---- */

kern_scsi_req *kern_scsi_req_new(size_t data_len)
{
    kern_scsi_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (data_len) {
        /* Page-aligned, so the SG array (one element per 4 KiB page the buffer touches) depends
         * on the length alone, never on where the host's allocator put the buffer: the same
         * scenario and seed give the same cycles whatever the host did before. */
        size_t bytes = (data_len + KSCSI_PAGE - 1) / KSCSI_PAGE * KSCSI_PAGE;
        r->data = aligned_alloc(KSCSI_PAGE, bytes);
        if (r->data)
            memset(r->data, 0, bytes);
        if (!r->data) {
            free(r);
            return NULL;
        }
    }
    r->data_len = data_len;
    return r;
}

void kern_scsi_req_free(kern_scsi_req *r)
{
    if (!r)
        return;
    free(r->data);
    free(r);
}

bool kern_scsi_req_ok(const kern_scsi_req *r)
{
    return r->status.host == VMK_SCSI_HOST_OK && r->status.device == VMK_SCSI_DEVICE_GOOD;
}

static sim_time_t local_now(void)
{
    return kern_tworld_local_time(kern_tworld_current());
}

static void finish(kern_scsi_req *r, sim_time_t when)
{
    r->end = when;
    if (r->done)
        r->done(r->ctx, r, when);
}

kscsi_path *kscsi_path_find(kern_scsi_adapter *a, uint32_t c, uint32_t t, uint32_t l)
{
    for (kscsi_path *p = a->paths; p; p = p->next)
        if (p->channel == c && p->target == t && p->lun == l)
            return p;
    return NULL;
}

/* One element per page of [buf, buf+len): machine addresses are the kernel's pointers. */
static vmk_SgArray *build_sg(uint8_t *buf, size_t len)
{
    uintptr_t start = (uintptr_t)buf, end = start + len;
    uint32_t n = (uint32_t)((end - 1) / KSCSI_PAGE - start / KSCSI_PAGE + 1);
    vmk_SgArray *sg = calloc(1, sizeof *sg + n * sizeof(vmk_SgElem));
    if (!sg)
        return NULL;
    sg->maxElems = sg->numElems = n;
    uintptr_t p = start;
    for (uint32_t i = 0; i < n; i++) {
        uintptr_t next = (p / KSCSI_PAGE + 1) * KSCSI_PAGE;
        if (next > end)
            next = end;
        sg->elem[i].addr = (vmk_MA)p;
        sg->elem[i].length = next - p;
        p = next;
    }
    return sg;
}

static void unmap_and_free_sg(kscsi_cmd *c, vmk_DMAEngine engine)
{
    if (c->vc.sgIOArray) {
        if (engine)
            vmk_DMAUnmapSg(engine, c->dma_dir, c->vc.sgIOArray);
        c->vc.sgIOArray = NULL;   /* without the engine, its IOVAs went with it */
    }
    free(c->vc.sgArray);
    c->vc.sgArray = NULL;
}

static void cmd_free(kscsi_cmd *c)
{
    free(c->vc.sgArray);
    free(c->orphan_data);
    c->magic = 0;
    kern_cost_charge(KERN_COST_HEAP_FREE, 0);
    free(c);
}

static void outstanding_remove(kern_scsi_adapter *a, kscsi_cmd *c)
{
    for (kscsi_cmd **pp = &a->outstanding; *pp; pp = &(*pp)->onext)
        if (*pp == c) {
            *pp = c->onext;
            c->onext = NULL;
            return;
        }
}

static void timeouts_remove(kern_scsi_adapter *a, kscsi_cmd *c)
{
    if (!c->timeout_queued)
        return;
    kscsi_cmd *prev = NULL;
    for (kscsi_cmd *x = a->timeouts; x; prev = x, x = x->tnext)
        if (x == c) {
            if (prev)
                prev->tnext = c->tnext;
            else
                a->timeouts = c->tnext;
            if (a->timeouts_tail == &c->tnext)
                a->timeouts_tail = prev ? &prev->tnext : &a->timeouts;
            break;
        }
    c->tnext = NULL;
    c->timeout_queued = false;
}

static void cancel_timer(kscsi_cmd *c)
{
    if (c->timer != VMK_INVALID_TIMER) {
        vmk_TimerCancel(c->timer, VMK_FALSE);
        c->timer = VMK_INVALID_TIMER;
    }
}

/* ---- timers ---- */

static void timeout_fired(vmk_TimerCookie cookie)
{
    kscsi_cmd *c = cookie.ptr;   /* valid: a command's timer is cancelled before it is freed */
    c->timer = VMK_INVALID_TIMER;
    if (c->state != KSCSI_ACTIVE || c->timeout_queued)
        return;
    kern_scsi_adapter *a = c->a;
    c->timeout_queued = true;
    *a->timeouts_tail = c;
    a->timeouts_tail = &c->tnext;
    kscsi_worker_kick(a, local_now());
}

static void arm_timer(kscsi_cmd *c, uint32_t ms)
{
    if (!timer_queue) {
        vmk_TimerQueueProps props;
        memset(&props, 0, sizeof props);
        strcpy(props.name.string, "scsi");
        props.moduleID = VMK_KERNEL_MODULE_ID;
        if (vmk_TimerQueueCreate(&props, &timer_queue) != VMK_OK) {
            sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "cannot create the timer queue");
            return;
        }
    }
    vmk_TimerCookie ck = { .ptr = c };
    if (vmk_TimerSchedule(timer_queue, timeout_fired, ck, (vmk_int64)ms * 1000,
                          VMK_TIMER_DEFAULT_TOLERANCE, VMK_TIMER_ATTR_NONE,
                          VMK_LOCKDOMAIN_INVALID, VMK_SPINLOCK_UNRANKED, &c->timer) != VMK_OK) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "%s: command %llu: cannot arm its timer", c->a->name,
                (unsigned long long)c->vc.cmdId.serialNumber);
        c->timer = VMK_INVALID_TIMER;
    }
}

/* ---- issue ---- */

static void end_refused(kern_scsi_adapter *a, kscsi_cmd *c, vmk_ScsiHostStatus host)
{
    kern_scsi_req *r = c->req;
    a->ctr.refused++;
    r->status.host = host;
    r->status.device = VMK_SCSI_DEVICE_GOOD;
    kscsi_watch_end(c, r);
    unmap_and_free_sg(c, a->va->engine);
    cmd_free(c);
    finish(r, local_now());
}

/* The command goes to the driver now. */
static void start_cmd(kern_scsi_adapter *a, kscsi_cmd *c)
{
    kern_scsi_req *r = c->req;
    if (c->vc.sgArray && a->va->engine) {
        vmk_DMAMapErrorInfo info;
        if (vmk_DMAMapSg(a->va->engine, c->dma_dir, c->vc.sgArray, &c->vc.sgIOArray, &info) !=
            VMK_OK) {
            sim_log(SIM_LOG_WARN, KERN_SCSI_LOG, "%s: command %llu: DMA map failed (reason %d, "
                    "element %u)", a->name, (unsigned long long)c->vc.cmdId.serialNumber,
                    (int)info.error, info.elemIndex);
            c->vc.sgIOArray = NULL;
            end_refused(a, c, VMK_SCSI_HOST_ERROR);
            return;
        }
    }
    c->state = KSCSI_ACTIVE;
    a->active++;
    if (a->active > a->ctr.peak_outstanding)
        a->ctr.peak_outstanding = a->active;
    kscsi_cmd **tail = &a->outstanding;
    while (*tail)
        tail = &(*tail)->onext;
    *tail = c;
    a->ctr.issued++;
    arm_timer(c, c->vc.timeoutMs);
    kscsi_call call;
    VMK_ReturnStatus st = VMK_FAILURE;
    if (kscsi_call_begin(&call, a, "command")) {
        st = a->va->command(a->va->clientData, &c->vc, c->device_data);
        kscsi_call_end(&call, "command");
    }
    if (st != VMK_OK && c->state == KSCSI_ACTIVE) {
        sim_log(SIM_LOG_DEBUG, KERN_SCSI_LOG, "%s: command %llu (op %02xh) refused: %s", a->name,
                (unsigned long long)c->vc.cmdId.serialNumber, r->cdb[0], vmk_StatusToString(st));
        cancel_timer(c);
        outstanding_remove(a, c);
        a->active--;
        end_refused(a, c, VMK_SCSI_HOST_BUS_BUSY);
    }
}

VMK_ReturnStatus kern_scsi_issue(kern_scsi_adapter *a, uint32_t channel, uint32_t target,
                                 uint32_t lun, kern_scsi_req *r)
{
    if (!kscsi_adapter_live(a) || !r)
        return VMK_INVALID_HANDLE;
    if (!a->io_started || a->gone)
        return VMK_BUSY;
    if (r->cdb_len == 0 || r->cdb_len > VMK_SCSI_MAX_CDB_LEN ||
        (a->va->maxCmdLen && r->cdb_len > a->va->maxCmdLen))
        return VMK_BAD_PARAM;
    if ((r->dir == KERN_SCSI_DIR_NONE) != (r->data_len == 0) || (r->data_len && !r->data))
        return VMK_BAD_PARAM;
    kscsi_path *path = kscsi_path_find(a, channel, target, lun);
    if (!path)
        return VMK_NOT_FOUND;
    kern_cost_charge(KERN_COST_HEAP_ALLOC, 0);
    kscsi_cmd *c = calloc(1, sizeof *c);
    if (!c)
        return VMK_NO_MEMORY;
    c->magic = KSCSI_CMD_MAGIC;
    c->a = a;
    c->req = r;
    c->channel = channel;
    c->target = target;
    c->lun = lun;
    c->device_data = path->device_data;
    c->timer = VMK_INVALID_TIMER;
    c->vc.cmdId.initiator = a;
    c->vc.cmdId.serialNumber = ++a->serial;
    memcpy(c->vc.cdb, r->cdb, r->cdb_len);
    c->vc.cdbLen = r->cdb_len;
    c->vc.requiredDataLen = r->data_len;
    c->vc.timeoutMs = r->timeout_ms ? r->timeout_ms : kscsi_params()->cmd_timeout_ms;
    c->vc.doneData = c;
    uint64_t lba;
    uint32_t blocks;
    if (kscsi_cdb_rw_decode(r->cdb, &lba, &blocks)) {
        c->vc.lba = lba;
        c->vc.lbc = blocks;
    }
    switch (r->dir) {
    case KERN_SCSI_DIR_READ:
        c->vc.dataDirection = VMK_SCSI_COMMAND_DIRECTION_READ;
        c->dma_dir = VMK_DMA_DIRECTION_TO_MEMORY;
        break;
    case KERN_SCSI_DIR_WRITE:
        c->vc.dataDirection = VMK_SCSI_COMMAND_DIRECTION_WRITE;
        c->dma_dir = VMK_DMA_DIRECTION_FROM_MEMORY;
        break;
    default:
        c->vc.dataDirection = VMK_SCSI_COMMAND_DIRECTION_NONE;
        break;
    }
    if (r->data_len) {
        c->vc.sgArray = build_sg(r->data, r->data_len);
        if (!c->vc.sgArray) {
            free(c);
            return VMK_NO_MEMORY;
        }
    }
    memset(&r->status, 0, sizeof r->status);
    memset(&r->sense, 0, sizeof r->sense);
    r->bytes_xferred = 0;
    r->timed_out = false;
    r->escalation = 0;
    r->submit = local_now();
    r->end = 0;
    if (a->active < a->va->queueDepth && !a->pending) {
        start_cmd(a, c);
    } else {
        c->state = KSCSI_PENDING;
        *a->pending_tail = c;
        a->pending_tail = &c->next;
        a->ctr.pending++;
    }
    return VMK_OK;
}

/* ---- synchronous issue (discovery) ---- */

typedef struct exec_wait {
    sim_event *ev;
    bool done;
} exec_wait;

static void exec_done(void *ctx, kern_scsi_req *r, sim_time_t when)
{
    (void)r;
    exec_wait *w = ctx;
    w->done = true;
    sim_time_t now = sim_now();
    sim_event_notify(w->ev, when > now ? when - now : 0);
}

VMK_ReturnStatus kern_scsi_exec(kern_scsi_adapter *a, uint32_t channel, uint32_t target,
                                uint32_t lun, kern_scsi_req *r)
{
    if (!sim_in_thread())
        return VMK_NOT_SUPPORTED;
    exec_wait w = { kern_wait_event_get("scsi.exec"), false };
    r->done = exec_done;
    r->ctx = &w;
    VMK_ReturnStatus st = kern_scsi_issue(a, channel, target, lun, r);
    while (st == VMK_OK && !w.done) {
        kern_world_sync();
        if (w.done)
            break;
        kern_world_wait_event(w.ev);
    }
    kern_wait_event_put(w.ev);
    r->done = NULL;
    r->ctx = NULL;
    return st;
}

/* ---- completion ---- */

static kscsi_cmd *find_cmd(vmk_ScsiCommand *vc, kern_scsi_adapter **owner)
{
    for (size_t i = 0; i < kern_scsi_adapter_count(); i++) {
        kern_scsi_adapter *a = kern_scsi_adapter_at(i);
        for (kscsi_cmd *c = a->outstanding; c; c = c->onext)
            if (&c->vc == vc) {
                *owner = a;
                return c;
            }
    }
    *owner = NULL;
    for (kscsi_cmd *c = zombies; c; c = c->onext)
        if (&c->vc == vc)
            return c;
    return NULL;
}

VMK_ReturnStatus vmk_ScsiSchedCommandCompletion(vmk_ScsiCommand *cmd)
{
    kern_scsi_adapter *a = NULL;
    kscsi_cmd *c = cmd ? find_cmd(cmd, &a) : NULL;
    if (!c || c->state == KSCSI_COMPLETING || (c->state == KSCSI_ABANDONED && c->ready_at)) {
        bad_completions++;
        if (a)
            a->ctr.bad_completions++;
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "vmk_ScsiSchedCommandCompletion(%p): %s", (void *)cmd,
                c ? "completed twice" : "not an outstanding command");
        return VMK_BAD_PARAM;
    }
    kern_cost_charge(KERN_COST_BH_SCHEDULE, 0);
    c->ready_at = local_now();
    if (!a) {   /* its adapter went away; its buffer and mappings went with it */
        for (kscsi_cmd **pp = &zombies; *pp; pp = &(*pp)->onext)
            if (*pp == c) {
                *pp = c->onext;
                break;
            }
        sim_log(SIM_LOG_DEBUG, KERN_SCSI_LOG, "late completion of command %llu after its adapter "
                "went away", (unsigned long long)cmd->cmdId.serialNumber);
        cmd_free(c);
        return VMK_OK;
    }
    if (c->state == KSCSI_ACTIVE)
        c->state = KSCSI_COMPLETING;
    *a->done_tail = c;
    a->done_tail = &c->next;
    c->next = NULL;
    kscsi_worker_kick(a, c->ready_at);
    return VMK_OK;
}

static void complete_cmd(kern_scsi_adapter *a, kscsi_cmd *c)
{
    sim_time_t lt = local_now();
    if (c->ready_at > lt && sim_in_thread())
        kern_world_wait(c->ready_at - lt);   /* not before the driver handed it back */
    if (c->state == KSCSI_ABANDONED) {
        a->ctr.late_completions++;
        sim_log(SIM_LOG_INFO, KERN_SCSI_LOG, "%s: command %llu completed after it was given up "
                "(host %d)", a->name, (unsigned long long)c->vc.cmdId.serialNumber,
                (int)c->vc.status.host);
        unmap_and_free_sg(c, a->va->engine);
        outstanding_remove(a, c);
        cmd_free(c);
        return;
    }
    kern_scsi_req *r = c->req;
    cancel_timer(c);
    timeouts_remove(a, c);
    unmap_and_free_sg(c, a->va->engine);
    outstanding_remove(a, c);
    a->active--;
    r->status = c->vc.status;
    r->bytes_xferred = c->vc.bytesXferred > r->data_len ? r->data_len : c->vc.bytesXferred;
    r->sense = c->vc.senseData;
    r->escalation = c->stage;
    if (kern_scsi_req_ok(r))
        a->ctr.completed_ok++;
    else
        a->ctr.completed_error++;
    kscsi_watch_end(c, r);
    cmd_free(c);
    finish(r, local_now());
}

/* ---- timeouts: abort → device reset → bus reset → given up ---- */

static void task_mgmt(kern_scsi_adapter *a, kscsi_cmd *c, vmk_ScsiTaskMgmtType type,
                      vmk_ScsiHostStatus status, const char *what)
{
    vmk_ScsiTaskMgmt tm;
    memset(&tm, 0, sizeof tm);
    tm.type = type;
    tm.status = status;
    tm.cmdId = c->vc.cmdId;
    kscsi_call call;
    VMK_ReturnStatus st = VMK_FAILURE;
    if (kscsi_call_begin(&call, a, "taskMgmt")) {
        st = a->va->taskMgmt(a->va->clientData, &tm, c->device_data);
        kscsi_call_end(&call, "taskMgmt");
    }
    sim_log(SIM_LOG_WARN, KERN_SCSI_LOG, "%s: command %llu (op %02xh, C%u:T%u:L%u) timed out: %s "
            "-> %s", a->name, (unsigned long long)c->vc.cmdId.serialNumber, c->vc.cdb[0],
            c->channel, c->target, c->lun, what, vmk_StatusToString(st));
}

static void give_up(kern_scsi_adapter *a, kscsi_cmd *c)
{
    kern_scsi_req *r = c->req;
    a->ctr.given_up++;
    a->ctr.completed_error++;
    c->state = KSCSI_ABANDONED;
    c->req = NULL;
    c->orphan_data = r->data;   /* the driver may still move data: the buffer stays */
    r->data = NULL;
    r->data_len = 0;
    a->active--;                /* after a bus reset its slot counts as free again */
    r->status.host = VMK_SCSI_HOST_TIMEOUT;
    r->status.device = VMK_SCSI_DEVICE_GOOD;
    r->escalation = KSCSI_ESC_GIVEN_UP;
    r->timed_out = true;
    sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "%s: command %llu (op %02xh) never ended after abort, "
            "device reset and bus reset: failed", a->name,
            (unsigned long long)c->vc.cmdId.serialNumber, c->vc.cdb[0]);
    kscsi_watch_end(c, r);
    finish(r, local_now());
}

static void escalate(kern_scsi_adapter *a, kscsi_cmd *c)
{
    c->stage++;
    c->req->timed_out = true;
    c->req->escalation = c->stage;
    switch (c->stage) {
    case 1:
        a->ctr.timeouts++;
        a->ctr.aborts++;
        task_mgmt(a, c, VMK_SCSI_TASKMGMT_ABORT, VMK_SCSI_HOST_ABORT, "abort");
        break;
    case 2:
        a->ctr.device_resets++;
        task_mgmt(a, c, VMK_SCSI_TASKMGMT_DEVICE_RESET, VMK_SCSI_HOST_RESET, "device reset");
        break;
    case 3:
        a->ctr.bus_resets++;
        task_mgmt(a, c, VMK_SCSI_TASKMGMT_BUS_RESET, VMK_SCSI_HOST_RESET, "bus reset");
        break;
    default:
        give_up(a, c);
        return;
    }
    if (c->state == KSCSI_ACTIVE)   /* not already handed back from inside taskMgmt */
        arm_timer(c, kscsi_params()->tm_timeout_ms);
}

/* ---- the worker ---- */

bool kscsi_worker_has_work(const kern_scsi_adapter *a)
{
    return a->done || a->timeouts ||
           (a->pending && (a->active < a->va->queueDepth || !a->io_started || a->gone));
}

static void fail_pending(kern_scsi_adapter *a, vmk_ScsiHostStatus host)
{
    while (a->pending) {
        kscsi_cmd *c = a->pending;
        a->pending = c->next;
        if (!a->pending)
            a->pending_tail = &a->pending;
        a->ctr.pending--;
        kern_scsi_req *r = c->req;
        r->status.host = host;
        r->status.device = VMK_SCSI_DEVICE_GOOD;
        a->ctr.completed_error++;
        kscsi_watch_end(c, r);
        cmd_free(c);
        finish(r, local_now());
    }
}

void kscsi_worker_run(kern_scsi_adapter *a)
{
    while (a->done) {
        kscsi_cmd *c = a->done;
        a->done = c->next;
        if (!a->done)
            a->done_tail = &a->done;
        c->next = NULL;
        complete_cmd(a, c);
    }
    while (a->timeouts) {
        kscsi_cmd *c = a->timeouts;
        a->timeouts = c->tnext;
        if (!a->timeouts)
            a->timeouts_tail = &a->timeouts;
        c->tnext = NULL;
        c->timeout_queued = false;
        if (c->state == KSCSI_ACTIVE)
            escalate(a, c);
    }
    if (!a->io_started || a->gone) {
        fail_pending(a, VMK_SCSI_HOST_NO_CONNECT);
        return;
    }
    while (a->pending && a->active < a->va->queueDepth) {
        kscsi_cmd *c = a->pending;
        a->pending = c->next;
        if (!a->pending)
            a->pending_tail = &a->pending;
        c->next = NULL;
        a->ctr.pending--;
        start_cmd(a, c);
    }
}

/* ---- teardown ---- */

void kscsi_fail_all(kern_scsi_adapter *a, vmk_ScsiHostStatus host)
{
    while (a->done) {   /* real completions first */
        kscsi_cmd *c = a->done;
        a->done = c->next;
        c->next = NULL;
        complete_cmd(a, c);
    }
    a->done_tail = &a->done;
    fail_pending(a, host);
    while (a->timeouts) {
        kscsi_cmd *c = a->timeouts;
        a->timeouts = c->tnext;
        c->tnext = NULL;
        c->timeout_queued = false;
    }
    a->timeouts_tail = &a->timeouts;
    while (a->outstanding) {
        kscsi_cmd *c = a->outstanding;
        a->outstanding = c->onext;
        cancel_timer(c);
        unmap_and_free_sg(c, a->va->engine);   /* a late DMA by the device now faults */
        if (c->state == KSCSI_ACTIVE) {
            kern_scsi_req *r = c->req;
            c->req = NULL;
            c->orphan_data = r->data;
            r->data = NULL;
            r->data_len = 0;
            r->status.host = host;
            r->status.device = VMK_SCSI_DEVICE_GOOD;
            a->ctr.completed_error++;
            kscsi_watch_end(c, r);
            finish(r, local_now());
        }
        c->state = KSCSI_ABANDONED;
        c->a = NULL;
        c->onext = zombies;
        zombies = c;
    }
    a->active = 0;
}

void kscsi_zombies_free(void)
{
    while (zombies) {
        kscsi_cmd *c = zombies;
        zombies = c->onext;
        cmd_free(c);
    }
    bad_completions = 0;
    if (timer_queue) {
        vmk_TimerQueueDestroy(timer_queue);
        timer_queue = NULL;
    }
}

/* ---- the driver's helpers ---- */

VMK_ReturnStatus vmk_ScsiCmdGetSenseData(vmk_ScsiCommand *cmd, vmk_ScsiSenseData *senseData,
                                         vmk_ByteCount senseLength)
{
    if (!cmd || !senseData)
        return VMK_BAD_PARAM;
    if (senseLength > sizeof *senseData)
        senseLength = sizeof *senseData;
    memcpy(senseData, &cmd->senseData, senseLength);
    return VMK_OK;
}

VMK_ReturnStatus vmk_ScsiCmdSetSenseData(vmk_ScsiSenseData *senseData, vmk_ScsiCommand *cmd,
                                         vmk_ByteCount senseLength)
{
    if (!cmd || !senseData)
        return VMK_BAD_PARAM;
    if (senseLength > sizeof cmd->senseData)
        senseLength = sizeof cmd->senseData;
    memset(&cmd->senseData, 0, sizeof cmd->senseData);
    memcpy(&cmd->senseData, senseData, senseLength);
    return VMK_OK;
}

vmk_ScsiTaskMgmtAction vmk_ScsiQueryTaskMgmtAction(vmk_ScsiTaskMgmt *tm, vmk_ScsiCommand *cmd)
{
    if (!tm || !cmd)
        return VMK_SCSI_TASKMGMT_ACTION_IGNORE;
    switch (tm->type) {
    case VMK_SCSI_TASKMGMT_ABORT:
        return cmd->cmdId.initiator == tm->cmdId.initiator &&
                       cmd->cmdId.serialNumber == tm->cmdId.serialNumber
                   ? VMK_SCSI_TASKMGMT_ACTION_ABORT
                   : VMK_SCSI_TASKMGMT_ACTION_IGNORE;
    case VMK_SCSI_TASKMGMT_VIRT_RESET:
        return cmd->cmdId.initiator == tm->cmdId.initiator ? VMK_SCSI_TASKMGMT_ACTION_ABORT
                                                           : VMK_SCSI_TASKMGMT_ACTION_IGNORE;
    default:   /* LUN, device, bus reset: the driver asks for the commands in its scope */
        return VMK_SCSI_TASKMGMT_ACTION_ABORT;
    }
}
