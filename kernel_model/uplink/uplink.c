/* uplink.c — uplink objects: the kernel's internal driver that claims "com.vmware.uplink" logical
 * devices and builds an uplink from their vmk_UplinkRegData (vmkapi v2.3 net/vmkapi_net_uplink.h:
 * associate at claim, StartIO when the device starts, QuiesceIO when it quiesces, disassociate at
 * detach), TX into the driver's uplinkTx, RX delivery to the uplink's receiver, the driver's
 * other ops, and the vmk_Uplink* calls a driver makes. Rules: docs/uplink.md "Uplinks". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/device/device.h"
#include "kernel_model/module/module.h"
#include "kernel_model/uplink/uplink_internal.h"
#include "sim/sim.h"

static struct vmk_UplinkInt *uplinks;   /* claim order */
static vmk_Driver uplink_driver;
static uint64_t uplink_serial;
static uint64_t rx_orphans;   /* RX packets whose poll had no uplink */

bool kupl_uplink_live(vmk_Uplink u)
{
    for (struct vmk_UplinkInt *x = uplinks; x; x = x->next)
        if (x == u && u)
            return true;
    return false;
}

static struct vmk_UplinkInt *by_device(vmk_Device dev)
{
    for (struct vmk_UplinkInt *u = uplinks; u; u = u->next)
        if (u->dev == dev)
            return u;
    return NULL;
}

/* The lowest free vmnicN. */
static void pick_name(char *out, size_t len)
{
    for (unsigned i = 0;; i++) {
        snprintf(out, len, "vmnic%u", i);
        if (!kern_uplink_find(out))
            return;
    }
}

static VMK_ReturnStatus reg_check(const vmk_UplinkRegData *reg, const char *addr)
{
    if (!reg) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "uplink device %s: no vmk_UplinkRegData "
                "(registrationData.ptr is NULL)", addr);
        return VMK_BAD_PARAM;
    }
    if (VMK_REVISION_MAJOR(reg->apiRevision) != VMK_REVISION_MAJOR(VMKAPI_REVISION)) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "uplink device %s: apiRevision 0x%08x, kernel "
                "major %u", addr, reg->apiRevision, VMK_REVISION_MAJOR(VMKAPI_REVISION));
        return VMK_VERSION_MISMATCH_MAJOR;
    }
    if (reg->moduleID != VMK_KERNEL_MODULE_ID && !kern_module_by_id(reg->moduleID)) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "uplink device %s: moduleID %d is not a loaded "
                "module", addr, reg->moduleID);
        return VMK_BAD_PARAM;
    }
    const char *missing = !reg->ops.uplinkTx            ? "uplinkTx"
                          : !reg->ops.uplinkAssociate    ? "uplinkAssociate"
                          : !reg->ops.uplinkDisassociate ? "uplinkDisassociate"
                          : !reg->ops.uplinkStartIO      ? "uplinkStartIO"
                          : !reg->ops.uplinkQuiesceIO    ? "uplinkQuiesceIO"
                                                         : NULL;
    if (missing) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "uplink device %s: vmk_UplinkOps.%s is required",
                addr, missing);
        return VMK_BAD_PARAM;
    }
    if (!reg->sharedData) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "uplink device %s: sharedData is required", addr);
        return VMK_BAD_PARAM;
    }
    return VMK_OK;
}

/* ---- the internal driver's callbacks (run by the device layer) ---- */

static VMK_ReturnStatus drv_attach(vmk_Device dev)
{
    const char *addr = kern_device_bus_address(dev);
    const vmk_UplinkRegData *reg = kern_device_registration_data(dev).ptr;
    VMK_ReturnStatus st = reg_check(reg, addr);
    if (st != VMK_OK)
        return st;
    struct vmk_UplinkInt *u = calloc(1, sizeof *u);
    if (!u)
        return VMK_NO_MEMORY;
    u->serial = ++uplink_serial;
    pick_name(u->name, sizeof u->name);
    u->dev = dev;
    u->reg = *reg;
    u->link = reg->sharedData->link;
    u->state = reg->sharedData->state;
    /* Linked before associate: the driver may call vmk_Uplink* on it from the callback. */
    struct vmk_UplinkInt **tail = &uplinks;
    while (*tail)
        tail = &(*tail)->next;
    *tail = u;
    kupl_call c;
    st = VMK_LIMIT_EXCEEDED;
    if (kupl_call_begin(&c, u->reg.moduleID, "uplinkAssociate")) {
        st = u->reg.ops.uplinkAssociate(u->reg.driverData, u);
        kupl_call_end(&c, "uplinkAssociate");
    }
    if (st != VMK_OK) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s (%s): uplinkAssociate failed: %s", u->name,
                addr, vmk_StatusToString(st));
        *tail = NULL;
        kupl_netpoll_uplink_gone(u);
        free(u);
        return st;
    }
    u->associated = true;
    sim_log(SIM_LOG_INFO, KERN_UPLINK_LOG, "%s: uplink of device %s (module %d), MTU %u, link %s",
            u->name, addr, u->reg.moduleID, reg->sharedData->mtu,
            u->link.state == VMK_LINK_STATE_UP ? "up" : "down");
    return VMK_OK;
}

static VMK_ReturnStatus drv_start(vmk_Device dev)
{
    struct vmk_UplinkInt *u = by_device(dev);
    if (!u)
        return VMK_NOT_FOUND;
    kupl_call c;
    VMK_ReturnStatus st = VMK_LIMIT_EXCEEDED;
    if (kupl_call_begin(&c, u->reg.moduleID, "uplinkStartIO")) {
        st = u->reg.ops.uplinkStartIO(u->reg.driverData);
        kupl_call_end(&c, "uplinkStartIO");
    }
    if (st == VMK_OK) {
        u->io_started = true;
        u->io_stopped = false;
    }
    else
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s: uplinkStartIO failed: %s", u->name,
                vmk_StatusToString(st));
    return st;
}

static VMK_ReturnStatus drv_scan(vmk_Device dev)
{
    (void)dev;   /* an uplink has no children */
    return VMK_OK;
}

static VMK_ReturnStatus drv_quiesce(vmk_Device dev)
{
    struct vmk_UplinkInt *u = by_device(dev);
    if (!u)
        return VMK_NOT_FOUND;
    if (!u->io_started)
        return VMK_OK;
    u->io_started = false;   /* no TX enters from now on, whatever the driver answers */
    /* Completions while QuiesceIO flushes still count; what is released after it did not go out. */
    kupl_call c;
    VMK_ReturnStatus st = VMK_LIMIT_EXCEEDED;
    if (kupl_call_begin(&c, u->reg.moduleID, "uplinkQuiesceIO")) {
        st = u->reg.ops.uplinkQuiesceIO(u->reg.driverData);
        kupl_call_end(&c, "uplinkQuiesceIO");
    }
    u->io_stopped = true;
    if (st != VMK_OK)
        sim_log(SIM_LOG_WARN, KERN_UPLINK_LOG, "%s: uplinkQuiesceIO returned %s", u->name,
                vmk_StatusToString(st));
    return VMK_OK;
}

static VMK_ReturnStatus drv_detach(vmk_Device dev)
{
    struct vmk_UplinkInt *u = by_device(dev);
    if (!u)
        return VMK_NOT_FOUND;
    kupl_call c;
    if (u->associated && kupl_call_begin(&c, u->reg.moduleID, "uplinkDisassociate")) {
        VMK_ReturnStatus st = u->reg.ops.uplinkDisassociate(u->reg.driverData);
        kupl_call_end(&c, "uplinkDisassociate");
        if (st != VMK_OK)
            sim_log(SIM_LOG_WARN, KERN_UPLINK_LOG, "%s: uplinkDisassociate returned %s", u->name,
                    vmk_StatusToString(st));
    }
    sim_log(SIM_LOG_INFO, KERN_UPLINK_LOG, "%s: uplink removed (tx %llu, rx %llu packets)",
            u->name, (unsigned long long)u->ctr.tx_pkts, (unsigned long long)u->ctr.rx_pkts);
    for (struct vmk_UplinkInt **pp = &uplinks; *pp; pp = &(*pp)->next)
        if (*pp == u) {
            *pp = u->next;
            break;
        }
    kupl_netpoll_uplink_gone(u);
    free(u);
    return VMK_OK;
}

static void drv_forget(vmk_Device dev)
{
    struct vmk_UplinkInt *u = by_device(dev);
    if (u) {
        u->gone = true;
        sim_log(SIM_LOG_WARN, KERN_UPLINK_LOG, "%s: device gone (surprise removal)", u->name);
    }
}

int kern_uplink_layer_init(sim_err *err)
{
    if (uplink_driver && kern_driver_find(KERN_UPLINK_DRIVER_NAME) == uplink_driver)
        return 0;
    static const vmk_DriverOps ops = {
        .attachDevice = drv_attach, .scanDevice = drv_scan, .detachDevice = drv_detach,
        .quiesceDevice = drv_quiesce, .startDevice = drv_start, .forgetDevice = drv_forget,
    };
    vmk_AddrCookie none = { .ptr = NULL };
    if (kern_driver_register_internal(KERN_UPLINK_DRIVER_NAME, VMK_UPLINK_DEVICE_IDENTIFIER, &ops,
                                      none, &uplink_driver, err) != VMK_OK) {
        uplink_driver = NULL;
        return -1;
    }
    return 0;
}

void kern_uplink_layer_reset(void)
{
    if (uplink_driver && kern_driver_find(KERN_UPLINK_DRIVER_NAME) == uplink_driver)
        vmk_DriverUnregister(uplink_driver);
    uplink_driver = NULL;
    while (uplinks) {   /* left behind if the device layer was reset first */
        struct vmk_UplinkInt *u = uplinks;
        uplinks = u->next;
        kupl_netpoll_uplink_gone(u);
        free(u);
    }
    kern_netpoll_reset();
    kern_pkt_reset();
    rx_orphans = 0;
    kern_netpoll_set_budget(0);
    kupl_call_world_free();
}

/* ---- queries ---- */

size_t kern_uplink_count(void)
{
    size_t n = 0;
    for (struct vmk_UplinkInt *u = uplinks; u; u = u->next)
        n++;
    return n;
}

vmk_Uplink kern_uplink_at(size_t i)
{
    struct vmk_UplinkInt *u = uplinks;
    while (u && i--)
        u = u->next;
    return u;
}

vmk_Uplink kern_uplink_find(const char *name)
{
    for (struct vmk_UplinkInt *u = uplinks; name && u; u = u->next)
        if (!strcmp(u->name, name))
            return u;
    return NULL;
}

const char *kern_uplink_name(vmk_Uplink u) { return kupl_uplink_live(u) ? u->name : "?"; }
vmk_Device kern_uplink_device(vmk_Uplink u) { return kupl_uplink_live(u) ? u->dev : NULL; }
int kern_uplink_module(vmk_Uplink u) { return kupl_uplink_live(u) ? u->reg.moduleID : -1; }
bool kern_uplink_io_started(vmk_Uplink u) { return kupl_uplink_live(u) && u->io_started; }
bool kern_uplink_gone(vmk_Uplink u) { return !kupl_uplink_live(u) || u->gone; }

bool kupl_uplink_completes(vmk_Uplink u, uint64_t serial)
{
    return kupl_uplink_live(u) && u->serial == serial && !u->gone && !u->io_stopped;
}

void kern_uplink_counters_get(vmk_Uplink u, kern_uplink_counters *out)
{
    memset(out, 0, sizeof *out);
    if (kupl_uplink_live(u))
        *out = u->ctr;
}

/* ---- TX ---- */

static void refuse_all(struct vmk_UplinkInt *u, vmk_PktList list, kern_pkt_outcome oc,
                       kern_uplink_tx_result *res)
{
    vmk_PktHandle *p;
    while ((p = vmk_PktListPopFirstPkt(list)) != NULL) {
        p->tx_uplink = NULL;
        if (oc == KERN_PKT_DROPPED) {
            res->dropped++;
            if (u)
                u->ctr.tx_dropped++;
        } else {
            res->failed++;
            if (u)
                u->ctr.tx_failed++;
        }
        kern_pkt_release_as(p, oc);
    }
}

VMK_ReturnStatus kern_uplink_tx(vmk_Uplink u, vmk_PktList list, kern_uplink_tx_result *res)
{
    kern_uplink_tx_result local = { 0, 0, 0 };
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    if (!list)
        return VMK_BAD_PARAM;
    if (!kupl_uplink_live(u)) {
        refuse_all(NULL, list, KERN_PKT_FAILED, res);
        return VMK_INVALID_HANDLE;
    }
    if (u->gone || !u->io_started) {
        refuse_all(u, list, KERN_PKT_FAILED, res);
        return VMK_BUSY;
    }
    if (u->link.state != VMK_LINK_STATE_UP) {
        refuse_all(u, list, KERN_PKT_DROPPED, res);
        return VMK_OK;
    }
    /* Ethernet II header (14 bytes, IEEE 802.3 clause 3.1.1) on top of the MTU's L2 payload; a
     * VLAN tag is inserted by the device and does not count. */
    uint32_t max_frame = u->reg.sharedData->mtu + 14;
    VMK_ReturnStatus st = VMK_OK;
    uint64_t bytes = 0;
    VMK_PKTLIST_ITER_STACK_DEF(it);
    for (vmk_PktListIterStart(it, list); !vmk_PktListIterIsAtEnd(it);) {
        vmk_PktHandle *p = vmk_PktListIterGetPkt(it);
        if (p->frame_len == 0 || (p->frame_len > max_frame && !p->large_tcp)) {
            vmk_PktListIterRemovePkt(it, NULL);
            sim_log(SIM_LOG_DEBUG, KERN_UPLINK_LOG, "%s: packet %llu: frame of %u bytes (at most "
                    "%u): failed", u->name, (unsigned long long)p->serial, p->frame_len,
                    max_frame);
            res->failed++;
            u->ctr.tx_failed++;
            kern_pkt_release_as(p, KERN_PKT_FAILED);
            st = VMK_LIMIT_EXCEEDED;
            continue;
        }
        bytes += p->frame_len;
        vmk_PktListIterMove(it);
    }
    uint32_t n = vmk_PktListGetCount(list);
    if (n == 0)
        return st;
    for (vmk_PktHandle *p = list->first; p; p = p->next) {
        p->tx_uplink = u;
        p->tx_uplink_serial = u->serial;
    }
    u->ctr.tx_calls++;
    kupl_call c;
    VMK_ReturnStatus drv = VMK_LIMIT_EXCEEDED;
    if (kupl_call_begin(&c, u->reg.moduleID, "uplinkTx")) {
        drv = u->reg.ops.uplinkTx(u->reg.driverData, list);
        kupl_call_end(&c, "uplinkTx");
    }
    /* What the driver left in the list it did not take. */
    uint64_t left_bytes = 0;
    for (vmk_PktHandle *p = list->first; p; p = p->next)
        left_bytes += p->frame_len;
    uint32_t left = vmk_PktListGetCount(list);
    if (left)
        sim_log(SIM_LOG_DEBUG, KERN_UPLINK_LOG, "%s: uplinkTx returned %s leaving %u of %u "
                "packets: failed", u->name, vmk_StatusToString(drv), left, n);
    refuse_all(u, list, KERN_PKT_FAILED, res);
    res->accepted = n - left;
    u->ctr.tx_pkts += n - left;
    u->ctr.tx_bytes += bytes - left_bytes;
    return drv != VMK_OK ? drv : st;
}

/* ---- the driver's other ops ---- */

#define CALL_OP(u, op, what, ...)                                            \
    do {                                                                     \
        if (!kupl_uplink_live(u))                                            \
            return VMK_INVALID_HANDLE;                                       \
        if (!(u)->reg.ops.op)                                                \
            return VMK_NOT_SUPPORTED;                                        \
        kupl_call c_;                                                        \
        VMK_ReturnStatus st_ = VMK_LIMIT_EXCEEDED;                           \
        if (kupl_call_begin(&c_, (u)->reg.moduleID, what)) {                 \
            st_ = (u)->reg.ops.op((u)->reg.driverData, ##__VA_ARGS__);       \
            kupl_call_end(&c_, what);                                        \
        }                                                                    \
        return st_;                                                          \
    } while (0)

VMK_ReturnStatus kern_uplink_mtu_set(vmk_Uplink u, uint32_t mtu)
{
    CALL_OP(u, uplinkMTUSet, "uplinkMTUSet", mtu);
}

static VMK_ReturnStatus state_set_call(vmk_Uplink u, vmk_UplinkState state)
{
    CALL_OP(u, uplinkStateSet, "uplinkStateSet", state);
}

VMK_ReturnStatus kern_uplink_state_set(vmk_Uplink u, vmk_UplinkState state)
{
    VMK_ReturnStatus st = state_set_call(u, state);
    if (st == VMK_OK)
        u->state = state;
    return st;
}

VMK_ReturnStatus kern_uplink_stats_get(vmk_Uplink u, vmk_UplinkStats *stats)
{
    if (!stats)
        return VMK_BAD_PARAM;
    memset(stats, 0, sizeof *stats);
    CALL_OP(u, uplinkStatsGet, "uplinkStatsGet", stats);
}

VMK_ReturnStatus kern_uplink_reset_dev(vmk_Uplink u)
{
    CALL_OP(u, uplinkReset, "uplinkReset");
}

/* ---- RX ---- */

void kern_uplink_set_rx(vmk_Uplink u, kern_uplink_rx_fn fn, void *ctx)
{
    if (kupl_uplink_live(u)) {
        u->rx = fn;
        u->rx_ctx = ctx;
    }
}

void kern_uplink_rx_deliver(vmk_Uplink u, vmk_PktHandle *pkt, sim_time_t when)
{
    if (!kpkt_check(pkt, "uplink RX"))
        return;
    if (!kupl_uplink_live(u) || u->gone || !u->io_started || !u->rx) {
        if (kupl_uplink_live(u))
            u->ctr.rx_dropped++;
        else
            rx_orphans++;
        vmk_PktRelease(pkt);
        return;
    }
    u->ctr.rx_pkts++;
    u->ctr.rx_bytes += pkt->frame_len;
    u->rx(u->rx_ctx, u, pkt, when);
}

uint64_t kern_uplink_rx_orphans(void)
{
    return rx_orphans;
}

/* ---- calls a driver makes ---- */

VMK_ReturnStatus vmk_UplinkUpdateLinkState(vmk_Uplink uplink, vmk_LinkStatus *linkStatus)
{
    if (!kupl_uplink_live(uplink) || !linkStatus)
        return VMK_BAD_PARAM;
    if (linkStatus->state != VMK_LINK_STATE_UP && linkStatus->state != VMK_LINK_STATE_DOWN)
        return VMK_BAD_PARAM;
    if (linkStatus->state != uplink->link.state || linkStatus->speed != uplink->link.speed ||
        linkStatus->duplex != uplink->link.duplex) {
        uplink->ctr.link_changes++;
        sim_log(SIM_LOG_INFO, KERN_UPLINK_LOG, "%s: link %s, %u Mbit/s, %s duplex", uplink->name,
                linkStatus->state == VMK_LINK_STATE_UP ? "up" : "down", (unsigned)linkStatus->speed,
                linkStatus->duplex == VMK_LINK_DUPLEX_FULL ? "full" : "half");
    }
    uplink->link = *linkStatus;
    return VMK_OK;
}

vmk_LinkStatus vmk_UplinkLinkStatusGet(vmk_Uplink uplink)
{
    vmk_LinkStatus down = { VMK_LINK_STATE_DOWN, VMK_LINK_SPEED_AUTO, VMK_LINK_DUPLEX_FULL };
    return kupl_uplink_live(uplink) ? uplink->link : down;
}

vmk_uint32 vmk_UplinkMTUGet(vmk_Uplink uplink)
{
    return kupl_uplink_live(uplink) ? uplink->reg.sharedData->mtu : 0;
}

vmk_Name vmk_UplinkNameGet(vmk_Uplink uplink)
{
    vmk_Name n;
    memset(&n, 0, sizeof n);
    if (kupl_uplink_live(uplink))
        memcpy(n.string, uplink->name, sizeof n.string);
    return n;
}

vmk_UplinkState vmk_UplinkStateGet(vmk_Uplink uplink)
{
    return kupl_uplink_live(uplink) ? uplink->state : VMK_UPLINK_STATE_DISABLED;
}

VMK_ReturnStatus vmk_UplinkCapRegister(vmk_Uplink uplink, vmk_UplinkCap cap,
                                       vmk_AddrCookie capOps)
{
    (void)capOps;
    if (!kupl_uplink_live(uplink))
        return VMK_BAD_PARAM;
    if (cap < 64)
        uplink->caps |= 1ull << cap;
    return VMK_OK;
}
