/* pkt.c — packet handles (vmk_PktAlloc / vmk_PktRelease and the frame metadata calls) with their
 * accounting per owner module, following vmkapi v2.3 net/vmkapi_net_pkt.h as described in
 * include/vmkapi/vmkapi_pkt.h. Handles come from a pool that is only emptied by kern_pkt_reset, so
 * a release of a handle already released is recognised and reported instead of freeing twice.
 * Every allocation and release is charged from the cost table (pkt_alloc / pkt_free). */
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/module/module.h"
#include "kernel_model/uplink/uplink_internal.h"
#include "sim/sim.h"

static struct PktHandle *pool_all;     /* every handle made */
static struct PktHandle *pool_free;    /* LIFO: deterministic reuse */
static uint64_t next_serial = 1;

static kern_pkt_usage *usage;          /* indexed by owner */
static size_t n_usage;

static kern_pkt_usage *usage_of(int owner)
{
    if (owner < 0)
        return NULL;
    if ((size_t)owner >= n_usage) {
        size_t n = (size_t)owner + 8;
        kern_pkt_usage *u = realloc(usage, n * sizeof *u);
        if (!u)
            return NULL;
        memset(u + n_usage, 0, (n - n_usage) * sizeof *u);
        usage = u;
        n_usage = n;
    }
    return &usage[owner];
}

const char *kern_pkt_outcome_name(kern_pkt_outcome oc)
{
    switch (oc) {
    case KERN_PKT_COMPLETED: return "completed";
    case KERN_PKT_DROPPED: return "dropped";
    case KERN_PKT_FAILED: return "failed";
    }
    return "?";
}

bool kpkt_check(const vmk_PktHandle *pkt, const char *who)
{
    if (!pkt) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s: NULL packet handle", who);
        return false;
    }
    if (pkt->magic != KPKT_MAGIC_LIVE) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s: packet %p is not a live packet handle%s", who,
                (const void *)pkt, pkt->magic == KPKT_MAGIC_FREE ? " (already released)" : "");
        return false;
    }
    return true;
}

bool kern_pkt_live(const vmk_PktHandle *pkt)
{
    return pkt && pkt->magic == KPKT_MAGIC_LIVE;
}

static VMK_ReturnStatus pkt_alloc(vmk_ByteCount len, vmk_PktHandle **out, const char *who)
{
    int owner = kern_module_current();
    kern_pkt_usage *u = usage_of(owner);
    if (!out)
        return VMK_BAD_PARAM;
    *out = NULL;
    kern_cost_charge(KERN_COST_PKT_ALLOC, 0);
    if (len == 0 || len > VMK_PKT_MAX_BUFFER) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s: length %zu (expected 1..%u bytes)", who,
                (size_t)len, VMK_PKT_MAX_BUFFER);
        if (u)
            u->failures++;
        return VMK_BAD_PARAM;
    }
    struct PktHandle *p = pool_free;
    if (p) {
        pool_free = p->free_next;
    } else {
        p = calloc(1, sizeof *p);
        if (!p) {
            if (u)
                u->failures++;
            return VMK_NO_MEMORY;
        }
        p->pool_next = pool_all;
        pool_all = p;
    }
    /* Zeroed so that nothing a driver reads from a fresh buffer depends on the host heap. */
    uint8_t *buf = calloc(1, len);
    if (!buf || !u) {
        free(buf);
        p->magic = KPKT_MAGIC_FREE;
        p->free_next = pool_free;
        pool_free = p;
        if (u)
            u->failures++;
        return VMK_NO_MEMORY;
    }
    struct PktHandle *keep_pool = p->pool_next;
    memset(p, 0, sizeof *p);
    p->pool_next = keep_pool;
    p->magic = KPKT_MAGIC_LIVE;
    p->serial = next_serial++;
    p->owner = owner;
    p->buf = buf;
    p->buf_len = (uint32_t)len;
    u->allocs++;
    u->live++;
    u->live_bytes += len;
    if (u->live > u->peak_live)
        u->peak_live = u->live;
    *out = p;
    return VMK_OK;
}

VMK_ReturnStatus vmk_PktAlloc(vmk_ByteCount len, vmk_PktHandle **pkt)
{
    return pkt_alloc(len, pkt, "vmk_PktAlloc");
}

VMK_ReturnStatus vmk_PktAllocForDMAEngine(vmk_ByteCount len, vmk_DMAEngine engine,
                                          vmk_PktHandle **pkt)
{
    /* Any host buffer is reachable through the IOVA table (kernel_model/dma), whatever the
     * engine's address mask, so the engine only has to exist. */
    if (engine == VMK_DMA_ENGINE_INVALID) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "vmk_PktAllocForDMAEngine: no DMA engine");
        if (pkt)
            *pkt = NULL;
        return VMK_BAD_PARAM;
    }
    return pkt_alloc(len, pkt, "vmk_PktAllocForDMAEngine");
}

static void pkt_free(struct PktHandle *p, kern_pkt_outcome oc, const char *who)
{
    if (!kpkt_check(p, who)) {
        kern_pkt_usage *u = usage_of(kern_module_current());
        if (u)
            u->bad_releases++;
        return;
    }
    if (p->list) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s: packet %llu is still in a packet list; not "
                "released", who, (unsigned long long)p->serial);
        kern_pkt_usage *u = usage_of(kern_module_current());
        if (u)
            u->bad_releases++;
        return;
    }
    kern_cost_charge(KERN_COST_PKT_FREE, 0);
    if (p->done && oc == KERN_PKT_COMPLETED && p->tx_uplink &&
        !kupl_uplink_completes(p->tx_uplink, p->tx_uplink_serial))
        oc = KERN_PKT_FAILED;   /* freed by a teardown, never completed by the device */
    if (p->watch) {   /* hot-plug in-flight accounting */
        if (oc == KERN_PKT_COMPLETED &&
            (!p->tx_uplink || kupl_uplink_completes(p->tx_uplink, p->tx_uplink_serial)))
            p->watch->completed++;
        else
            p->watch->failed++;
        p->watch = NULL;
    }
    if (p->done) {
        kern_pkt_done_fn fn = p->done;
        p->done = NULL;
        fn(p->done_ctx, p, oc, kern_tworld_local_time(kern_tworld_current()));
    }
    kern_pkt_usage *u = usage_of(p->owner);
    u->releases++;
    u->live--;
    u->live_bytes -= p->buf_len;
    free(p->buf);
    p->buf = NULL;
    p->magic = KPKT_MAGIC_FREE;
    p->free_next = pool_free;
    pool_free = p;
}

void vmk_PktRelease(vmk_PktHandle *pkt)
{
    pkt_free(pkt, KERN_PKT_COMPLETED, "vmk_PktRelease");
}

void kern_pkt_release_as(vmk_PktHandle *pkt, kern_pkt_outcome oc)
{
    pkt_free(pkt, oc, "uplink layer release");
}

void kern_pkt_set_done(vmk_PktHandle *pkt, kern_pkt_done_fn fn, void *ctx)
{
    if (kpkt_check(pkt, "kern_pkt_set_done")) {
        pkt->done = fn;
        pkt->done_ctx = ctx;
    }
}

void kern_pkt_forget_done_ctx(void *ctx)
{
    for (struct PktHandle *p = pool_all; p; p = p->pool_next)
        if (p->magic == KPKT_MAGIC_LIVE && p->done && p->done_ctx == ctx)
            p->done = NULL;
}

void kern_pkt_set_must_csum(vmk_PktHandle *pkt, bool on)
{
    if (kpkt_check(pkt, "kern_pkt_set_must_csum"))
        pkt->must_csum = on;
}

uint64_t kern_pkt_serial(const vmk_PktHandle *pkt)
{
    return pkt ? pkt->serial : 0;
}

int kern_pkt_owner(const vmk_PktHandle *pkt)
{
    return pkt ? pkt->owner : -1;
}

/* ---- frame ---- */

vmk_uint32 vmk_PktFrameLenGet(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktFrameLenGet") ? pkt->frame_len : 0;
}

VMK_ReturnStatus vmk_PktFrameLenSet(vmk_PktHandle *pkt, vmk_uint32 len)
{
    if (!kpkt_check(pkt, "vmk_PktFrameLenSet"))
        return VMK_BAD_PARAM;
    if (len > pkt->buf_len) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "vmk_PktFrameLenSet: packet %llu: length %u above "
                "its %u-byte buffer", (unsigned long long)pkt->serial, len, pkt->buf_len);
        return VMK_BAD_PARAM;
    }
    pkt->frame_len = len;
    return VMK_OK;
}

void *vmk_PktFrameMappedPointerGet(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktFrameMappedPointerGet") ? pkt->buf : NULL;
}

vmk_uint32 vmk_PktFrameMappedLenGet(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktFrameMappedLenGet") ? pkt->buf_len : 0;
}

vmk_uint16 vmk_PktSgArrayNumElems(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktSgArrayNumElems") ? 1 : 0;
}

const vmk_SgElem *vmk_PktSgElemGet(vmk_PktHandle *pkt, vmk_uint16 index)
{
    if (!kpkt_check(pkt, "vmk_PktSgElemGet") || index != 0)
        return NULL;
    pkt->sg.addr = (vmk_MA)(uintptr_t)pkt->buf;   /* vmkapi_dma.h: an MA is the kernel pointer */
    pkt->sg.length = pkt->frame_len;
    return &pkt->sg;
}

/* ---- checksum ---- */

VMK_ReturnStatus vmk_PktSetCsumVfd(vmk_PktHandle *pkt)
{
    if (!kpkt_check(pkt, "vmk_PktSetCsumVfd"))
        return VMK_BAD_PARAM;
    pkt->csum_vfd = true;
    return VMK_OK;
}

VMK_ReturnStatus vmk_PktClearCsumVfd(vmk_PktHandle *pkt)
{
    if (!kpkt_check(pkt, "vmk_PktClearCsumVfd"))
        return VMK_BAD_PARAM;
    pkt->csum_vfd = false;
    return VMK_OK;
}

vmk_Bool vmk_PktIsCsumVfd(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktIsCsumVfd") && pkt->csum_vfd ? VMK_TRUE : VMK_FALSE;
}

vmk_Bool vmk_PktIsMustCsum(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktIsMustCsum") && pkt->must_csum ? VMK_TRUE : VMK_FALSE;
}

/* ---- VLAN ---- */

VMK_ReturnStatus vmk_PktVlanIDSet(vmk_PktHandle *pkt, vmk_VlanID vlanID)
{
    if (!kpkt_check(pkt, "vmk_PktVlanIDSet"))
        return VMK_BAD_PARAM;
    if (vlanID > VMK_VLAN_ID_MAX) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "vmk_PktVlanIDSet: VLAN id %u above %u", vlanID,
                VMK_VLAN_ID_MAX);
        return VMK_BAD_PARAM;
    }
    pkt->vlan = vlanID;
    pkt->must_vlan = true;
    return VMK_OK;
}

vmk_VlanID vmk_PktVlanIDGet(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktVlanIDGet") ? pkt->vlan : VMK_VLAN_ID_NONE;
}

VMK_ReturnStatus vmk_PktPrioritySet(vmk_PktHandle *pkt, vmk_VlanPriority priority)
{
    if (!kpkt_check(pkt, "vmk_PktPrioritySet"))
        return VMK_BAD_PARAM;
    if (priority > VMK_VLAN_PRIORITY_MAX)
        return VMK_BAD_PARAM;
    pkt->prio = priority;
    pkt->must_vlan = true;
    return VMK_OK;
}

vmk_VlanPriority vmk_PktPriorityGet(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktPriorityGet") ? pkt->prio : 0;
}

VMK_ReturnStatus vmk_PktClearVlan(vmk_PktHandle *pkt)
{
    if (!kpkt_check(pkt, "vmk_PktClearVlan"))
        return VMK_BAD_PARAM;
    pkt->vlan = VMK_VLAN_ID_NONE;
    pkt->prio = 0;
    pkt->must_vlan = false;
    return VMK_OK;
}

vmk_Bool vmk_PktMustVlanTag(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktMustVlanTag") && pkt->must_vlan ? VMK_TRUE : VMK_FALSE;
}

/* ---- large TCP ---- */

VMK_ReturnStatus vmk_PktSetLargeTcpPacket(vmk_PktHandle *pkt, vmk_uint32 mss)
{
    if (!kpkt_check(pkt, "vmk_PktSetLargeTcpPacket"))
        return VMK_BAD_PARAM;
    if (mss == 0 || mss > 0xFFFF)   /* the TCP MSS option is 16 bits (RFC 9293 3.7.1) */
        return VMK_BAD_PARAM;
    pkt->large_tcp = true;
    pkt->mss = mss;
    return VMK_OK;
}

VMK_ReturnStatus vmk_PktClearLargeTcpPacket(vmk_PktHandle *pkt)
{
    if (!kpkt_check(pkt, "vmk_PktClearLargeTcpPacket"))
        return VMK_BAD_PARAM;
    pkt->large_tcp = false;
    pkt->mss = 0;
    return VMK_OK;
}

vmk_Bool vmk_PktIsLargeTcpPacket(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktIsLargeTcpPacket") && pkt->large_tcp ? VMK_TRUE : VMK_FALSE;
}

vmk_uint32 vmk_PktGetLargeTcpPacketMss(vmk_PktHandle *pkt)
{
    return kpkt_check(pkt, "vmk_PktGetLargeTcpPacketMss") ? pkt->mss : 0;
}

/* ---- accounting ---- */

void kern_pkt_usage_get(int owner, kern_pkt_usage *out)
{
    memset(out, 0, sizeof *out);
    if (owner >= 0 && (size_t)owner < n_usage)
        *out = usage[owner];
}

uint64_t kern_pkt_outstanding(int owner)
{
    return owner >= 0 && (size_t)owner < n_usage ? usage[owner].live : 0;
}

uint64_t kern_pkt_outstanding_total(void)
{
    uint64_t n = 0;
    for (size_t i = 0; i < n_usage; i++)
        n += usage[i].live;
    return n;
}

size_t kern_pkt_log_outstanding(int owner)
{
    size_t n = 0;
    for (struct PktHandle *p = pool_all; p; p = p->pool_next) {
        if (p->magic != KPKT_MAGIC_LIVE || (owner >= 0 && p->owner != owner))
            continue;
        sim_log(SIM_LOG_WARN, KERN_UPLINK_LOG, "packet %llu of module %d still allocated (%u-byte "
                "buffer, frame %u bytes%s)", (unsigned long long)p->serial, p->owner, p->buf_len,
                p->frame_len, p->list ? ", in a list" : "");
        n++;
    }
    return n;
}

void kern_pkt_reset(void)
{
    size_t leaked = kern_pkt_log_outstanding(-1);
    if (leaked)
        sim_log(SIM_LOG_WARN, KERN_UPLINK_LOG, "%zu packets leaked at reset", leaked);
    while (pool_all) {
        struct PktHandle *p = pool_all;
        pool_all = p->pool_next;
        free(p->buf);
        free(p);
    }
    pool_free = NULL;
    free(usage);
    usage = NULL;
    n_usage = 0;
    next_serial = 1;
}

void kern_pkt_watch_tx(vmk_Uplink u, kern_pkt_watch *w)
{
    for (struct PktHandle *p = pool_all; p; p = p->pool_next)
        if (p->magic == KPKT_MAGIC_LIVE && p->tx_uplink == u && !p->watch &&
            kupl_uplink_live(u) && p->tx_uplink_serial == u->serial) {
            p->watch = w;
            w->issued++;
        }
}

void kern_pkt_unwatch(kern_pkt_watch *w)
{
    for (struct PktHandle *p = pool_all; p; p = p->pool_next)
        if (p->watch == w)
            p->watch = NULL;
}
