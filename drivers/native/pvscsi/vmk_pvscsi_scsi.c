/* vmk_pvscsi_scsi.c — the vmk_ScsiAdapter entry points of the native PVSCSI driver
 * (vmkapi_scsi.h, docs/storage.md): command turns a vmk_ScsiCommand into a request descriptor
 * (its mapped SG IO array into a PVSCSI s/g list) and kicks the device; taskMgmt sends ABORT_CMD
 * for each command a request concerns, RESET_DEVICE for LUN/device resets, RESET_BUS for a bus
 * reset (the ended requests come back as completions); discover keeps one small path record per
 * (channel, target, LUN). */
#include "vmk_pvscsi.h"

static vmk_uint32 slot_take(vmk_pvscsi_adapter *a)
{
    if (!a->nfree)
        return VMK_PVSCSI_SLOTS;
    vmk_uint32 i = a->free_slot[--a->nfree];
    a->slot[i].use++;
    a->slot[i].context = (vmk_uint64)a->slot[i].use << 32 | (i + 1);
    return i;
}

static void slot_put(vmk_pvscsi_adapter *a, vmk_uint32 i)
{
    a->slot[i].cmd = (vmk_ScsiCommand *)0;
    a->slot[i].abort_sent = VMK_FALSE;
    a->free_slot[a->nfree++] = i;
}

/* SAM-5 4.7.3 single-level LUN, peripheral device addressing (LUNs below 256). */
static void sam_lun(vmk_uint32 lun, pvscsi_u8 out[8])
{
    vmk_pvscsi_zero(out, 8);
    out[1] = (pvscsi_u8)lun;
}

static pvscsi_u32 direction_of(const vmk_ScsiCommand *cmd, vmk_ByteCount len)
{
    if (len == 0 || !cmd->sgIOArray || cmd->sgIOArray->numElems == 0)
        return PVSCSI_HW_DIR_NONE;
    return cmd->dataDirection == VMK_SCSI_COMMAND_DIRECTION_WRITE ? PVSCSI_HW_DIR_WRITE
                                                                  : PVSCSI_HW_DIR_READ;
}

/* Ends a command the device never saw (or will never complete) through the storage layer. */
static void end_now(vmk_ScsiCommand *cmd, vmk_ScsiHostStatus host)
{
    cmd->status.host = host;
    cmd->status.device = VMK_SCSI_DEVICE_GOOD;
    cmd->status.plugin = VMK_SCSI_PLUGIN_GOOD;
    cmd->bytesXferred = 0;
    vmk_ScsiSchedCommandCompletion(cmd);
}

static VMK_ReturnStatus command(void *clientData, vmk_ScsiCommand *cmd, void *deviceData)
{
    vmk_pvscsi_adapter *a = clientData;
    vmk_pvscsi_path *p = deviceData;
    if (a->gone || !a->io_started || !p) {
        end_now(cmd, VMK_SCSI_HOST_NO_CONNECT);
        return VMK_OK;
    }
    vmk_ByteCount len = cmd->requiredDataLen;
    pvscsi_u32 dir = direction_of(cmd, len);
    vmk_uint32 n = dir == PVSCSI_HW_DIR_NONE ? 0 : cmd->sgIOArray->numElems;
    if (n > VMK_PVSCSI_SG_MAX || cmd->cdbLen == 0 || cmd->cdbLen > VMK_SCSI_MAX_CDB_LEN) {
        vmk_Warning(vmk_pvscsi_log, "%s: command with %u s/g elements, CDB of %u bytes refused",
                    a->name, n, (unsigned)cmd->cdbLen);
        end_now(cmd, VMK_SCSI_HOST_ERROR);
        return VMK_OK;
    }
    pvscsi_hw_request rq;
    vmk_pvscsi_zero(&rq, sizeof rq);
    rq.target = p->target;
    sam_lun(p->lun, rq.lun);
    rq.cdb = cmd->cdb;
    rq.cdb_len = (pvscsi_u32)cmd->cdbLen;
    rq.dir = dir;
    rq.data_len = dir == PVSCSI_HW_DIR_NONE ? 0 : len;
    rq.nsg = n;
    rq.sg = a->sge;
    rq.tag = PVSCSI_SIMPLE_QUEUE_TAG;

    vmk_SpinlockLock(a->lock);
    vmk_uint32 i = slot_take(a);
    if (i == VMK_PVSCSI_SLOTS || pvscsi_hw_req_free(&a->hw) == 0) {
        if (i != VMK_PVSCSI_SLOTS)
            slot_put(a, i);
        a->c.busy++;
        vmk_SpinlockUnlock(a->lock);
        return VMK_BUSY;   /* the storage layer ends it with BUS_BUSY */
    }
    for (vmk_uint32 k = 0; k < n; k++) {
        a->sge[k].addr = cmd->sgIOArray->elem[k].ioAddr;
        a->sge[k].len = (pvscsi_u32)cmd->sgIOArray->elem[k].length;
    }
    pvscsi_hw_mem sg_area = {
        .va = (pvscsi_u8 *)a->sg.va + (vmk_ByteCount)i * VMK_PVSCSI_SG_PAGES * PVSCSI_PAGE_SIZE,
        .pa = a->sg.pa + (vmk_IOA)i * VMK_PVSCSI_SG_PAGES * PVSCSI_PAGE_SIZE,
        .pages = VMK_PVSCSI_SG_PAGES,
    };
    rq.sg_area = &sg_area;
    rq.context = a->slot[i].context;
    rq.sense_addr = a->sense.pa + (vmk_IOA)i * VMK_PVSCSI_SENSE_BYTES;
    rq.sense_len = VMK_PVSCSI_SENSE_BYTES;
    int hs = pvscsi_hw_post(&a->hw, &rq);
    if (hs < 0) {
        slot_put(a, i);
        vmk_SpinlockUnlock(a->lock);
        vmk_Warning(vmk_pvscsi_log, "%s: request not posted: %s", a->name,
                    pvscsi_hw_strerror(hs));
        end_now(cmd, VMK_SCSI_HOST_ERROR);
        return VMK_OK;
    }
    a->slot[i].cmd = cmd;
    a->slot[i].target = p->target;
    a->slot[i].asked = rq.data_len;
    a->c.commands++;
    if (n > a->c.max_sg)
        a->c.max_sg = n;
    vmk_SpinlockUnlock(a->lock);
    /* Outside the lock: the doorbell is a device access (the world synchronises). */
    a->c.kicks++;
    pvscsi_hw_kick(&a->hw, pvscsi_hw_cdb_is_rw(cmd->cdb));
    return VMK_OK;
}

void vmk_pvscsi_complete(vmk_pvscsi_adapter *a, const pvscsi_hw_completion *c)
{
    vmk_uint64 i = (c->context & 0xffffffffu) - 1;
    vmk_SpinlockLock(a->lock);
    if (i >= VMK_PVSCSI_SLOTS || !a->slot[i].cmd || a->slot[i].context != c->context) {
        vmk_SpinlockUnlock(a->lock);
        vmk_Warning(vmk_pvscsi_log, "%s: completion for unknown context %llu", a->name,
                    (unsigned long long)c->context);
        return;
    }
    vmk_ScsiCommand *cmd = a->slot[i].cmd;
    vmk_uint64 asked = a->slot[i].asked;
    slot_put(a, (vmk_uint32)i);
    a->c.completions++;
    vmk_SpinlockUnlock(a->lock);

    cmd->status.host = (vmk_ScsiHostStatus)pvscsi_hw_host_status(c->host_status, c->data_len,
                                                                 asked);
    cmd->status.device = (vmk_ScsiDeviceStatus)c->scsi_status;
    cmd->status.plugin = VMK_SCSI_PLUGIN_GOOD;
    cmd->bytesXferred = c->data_len < asked ? c->data_len : asked;
    if (cmd->status.host != VMK_SCSI_HOST_OK || cmd->status.device != VMK_SCSI_DEVICE_GOOD)
        a->c.errors++;
    if (c->scsi_status == VMK_SCSI_DEVICE_CHECK_CONDITION && c->sense_len) {
        vmk_ByteCount n = c->sense_len < VMK_PVSCSI_SENSE_BYTES ? c->sense_len
                                                                : VMK_PVSCSI_SENSE_BYTES;
        vmk_ScsiCmdSetSenseData((vmk_ScsiSenseData *)((vmk_uint8 *)a->sense.va +
                                                      i * VMK_PVSCSI_SENSE_BYTES), cmd, n);
    }
    vmk_ScsiSchedCommandCompletion(cmd);
}

void vmk_pvscsi_flush(vmk_pvscsi_adapter *a, vmk_ScsiHostStatus host)
{
    for (vmk_uint32 i = 0; i < VMK_PVSCSI_SLOTS; i++) {
        vmk_SpinlockLock(a->lock);
        vmk_ScsiCommand *cmd = a->slot[i].cmd;
        if (cmd) {
            slot_put(a, i);
            a->c.flushed++;
        }
        vmk_SpinlockUnlock(a->lock);
        if (cmd)
            end_now(cmd, host);
    }
}

/* ---- task management ---- */

static VMK_ReturnStatus abort_matching(vmk_pvscsi_adapter *a, vmk_ScsiTaskMgmt *tm)
{
    for (vmk_uint32 i = 0; i < VMK_PVSCSI_SLOTS; i++) {
        vmk_SpinlockLock(a->lock);
        vmk_pvscsi_slot *s = &a->slot[i];
        vmk_Bool hit = s->cmd && !s->abort_sent &&
                       vmk_ScsiQueryTaskMgmtAction(tm, s->cmd) == VMK_SCSI_TASKMGMT_ACTION_ABORT;
        vmk_uint32 target = s->target;
        vmk_uint64 context = s->context;
        if (hit)
            s->abort_sent = VMK_TRUE;
        vmk_SpinlockUnlock(a->lock);
        if (!hit)
            continue;
        /* The device ends it with BTSTAT_ABORTQUEUE on the completion ring (or not at all if
         * it finished first: then the normal completion is already on its way). */
        vmk_SemaLock(&a->cmd_sema);
        int hs = pvscsi_hw_abort(&a->hw, context, target);
        vmk_SemaUnlock(&a->cmd_sema);
        if (hs != PVSCSI_HW_OK)
            return VMK_IO_ERROR;
        a->c.aborts++;
    }
    return VMK_OK;
}

static VMK_ReturnStatus task_mgmt(void *clientData, vmk_ScsiTaskMgmt *tm, void *deviceData)
{
    vmk_pvscsi_adapter *a = clientData;
    vmk_pvscsi_path *p = deviceData;
    if (a->gone)
        return VMK_FAILURE;
    int hs = PVSCSI_HW_OK;
    switch (tm->type) {
    case VMK_SCSI_TASKMGMT_ABORT:
    case VMK_SCSI_TASKMGMT_VIRT_RESET:
        return abort_matching(a, tm);
    case VMK_SCSI_TASKMGMT_LUN_RESET:
    case VMK_SCSI_TASKMGMT_DEVICE_RESET: {
        if (!p)
            return VMK_BAD_PARAM;
        pvscsi_u8 lun[8];
        sam_lun(p->lun, lun);
        vmk_SemaLock(&a->cmd_sema);
        hs = pvscsi_hw_reset_device(&a->hw, p->target, lun);
        vmk_SemaUnlock(&a->cmd_sema);
        a->c.device_resets++;
        break;
    }
    case VMK_SCSI_TASKMGMT_BUS_RESET:
        vmk_SemaLock(&a->cmd_sema);
        hs = pvscsi_hw_reset_bus(&a->hw);
        vmk_SemaUnlock(&a->cmd_sema);
        a->c.bus_resets++;
        break;
    default:
        return VMK_NOT_SUPPORTED;
    }
    vmk_Log(vmk_pvscsi_log, "%s: task management %d: %s", a->name, (int)tm->type,
            pvscsi_hw_strerror(hs));
    return hs == PVSCSI_HW_OK ? VMK_OK : VMK_IO_ERROR;
}

/* ---- discovery ---- */

static VMK_ReturnStatus discover(void *clientData, vmk_ScanAction action, int channel,
                                 int targetId, int lunId, void **deviceData)
{
    vmk_pvscsi_adapter *a = clientData;
    switch (action) {
    case VMK_SCSI_SCAN_CREATE_PATH: {
        if (channel != 0 || targetId < 0 || (vmk_uint32)targetId >= VMK_PVSCSI_MAX_TARGETS ||
            lunId < 0 || (vmk_uint32)lunId >= VMK_PVSCSI_MAX_LUNS)
            return VMK_NOT_FOUND;
        if (a->gone)
            return VMK_NOT_FOUND;
        vmk_pvscsi_path *p = vmk_HeapAlloc(vmk_pvscsi_heap, sizeof *p);
        if (!p)
            return VMK_NO_MEMORY;
        p->channel = (vmk_uint32)channel;
        p->target = (vmk_uint32)targetId;
        p->lun = (vmk_uint32)lunId;
        *deviceData = p;
        return VMK_OK;
    }
    case VMK_SCSI_SCAN_CONFIGURE_PATH:
        return VMK_OK;
    case VMK_SCSI_SCAN_DESTROY_PATH:
        if (*deviceData)
            vmk_HeapFree(vmk_pvscsi_heap, *deviceData);
        *deviceData = (void *)0;
        return VMK_OK;
    default:
        return VMK_NOT_SUPPORTED;
    }
}

void vmk_pvscsi_scsi_init(vmk_pvscsi_adapter *a)
{
    vmk_ScsiAdapter *s = a->scsi;
    s->moduleID = vmk_ModuleCurrentID;
    s->clientData = a;
    s->engine = a->dma;
    s->channels = 1;
    s->maxTargets = VMK_PVSCSI_MAX_TARGETS;
    s->maxLUNs = VMK_PVSCSI_MAX_LUNS;
    s->targetId = 0;   /* no initiator id on the bus: every target is scanned */
    s->queueDepth = VMK_PVSCSI_SLOTS;
    s->maxCmdLen = VMK_SCSI_MAX_CDB_LEN;
    s->command = command;
    s->taskMgmt = task_mgmt;
    s->discover = discover;
}
