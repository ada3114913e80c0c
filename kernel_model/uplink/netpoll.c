/* netpoll.c — vmk_NetPoll (vmkapi v2.3 net/vmkapi_net_poll.h): the softirq-like context in which a
 * NIC driver receives and completes packets; each poll runs in a sim thread of its own (so it may
 * read registers and wait its cycles, but not block). vmk_NetPollActivate (from the handler)
 * charges bh_schedule and schedules a run at the activating world's local time (never before the
 * poll's previous run has paid its cycles); a run enters the poll's own world, calls
 * poll(priv, budget) with the driver's module pushed, then hands the queued RX packets to the
 * uplink (or the custom delivery callback) and releases the queued TX completions, in queue order,
 * and runs again while the poll asks for it. Rules: docs/uplink.md "NetPoll". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/uplink/uplink_internal.h"
#include "kernel_model/world/world.h"
#include "sim/sim.h"

struct vmk_NetPollInt {
    vmk_NetPollProperties props;
    int module_id;
    vmk_Uplink uplink;
    vmk_Name name;
    char world_name[48];
    kern_tworld *world;
    sim_event *ev;                    /* wakes the poll's thread */
    bool scheduled, running, rerun, destroy_pending;
    sim_time_t at;                    /* when a scheduled run starts */
    sim_time_t busy_until;            /* global time its last run's cycles are paid up to */
    vmk_PktListInt rxq, compq;
    uint64_t runs, serial;
    struct vmk_NetPollInt *next;
};

static struct vmk_NetPollInt *polls;
static uint64_t poll_serial;
static uint32_t budget = KERN_NETPOLL_DEFAULT_BUDGET;

static bool poll_live(vmk_NetPoll np)
{
    for (struct vmk_NetPollInt *x = polls; x; x = x->next)
        if (x == np && np)
            return true;
    return false;
}

void kern_netpoll_set_budget(uint32_t b)
{
    budget = b ? b : KERN_NETPOLL_DEFAULT_BUDGET;
}

size_t kern_netpoll_count(void)
{
    size_t n = 0;
    for (struct vmk_NetPollInt *x = polls; x; x = x->next)
        n++;
    return n;
}

uint64_t kern_netpoll_runs(vmk_NetPoll np)
{
    return poll_live(np) ? np->runs : 0;
}

void kupl_netpoll_uplink_gone(vmk_Uplink u)
{
    for (struct vmk_NetPollInt *x = polls; x; x = x->next)
        if (x->uplink == u)
            x->uplink = NULL;
}

static void schedule(struct vmk_NetPollInt *np, sim_time_t at)
{
    if (np->scheduled || np->destroy_pending)
        return;
    sim_time_t now = sim_now();
    if (at < np->busy_until)
        at = np->busy_until;
    if (at < now)
        at = now;
    np->scheduled = true;
    np->at = at;
    sim_event_notify(np->ev, 0);   /* the poll's thread looks at np->at */
}

/* Hands on what the poll queued; runs in the poll's world (its local time stamps each packet). */
static void flush(struct vmk_NetPollInt *np)
{
    if (np->rxq.count && (np->props.features & VMK_NETPOLL_CUSTOM_DELIVERY_CALLBACK) &&
        np->props.deliveryCallback) {
        VMK_PKTLIST_STACK_DEF_INIT(batch);
        vmk_PktListAppendList(batch, &np->rxq);
        kupl_call c;
        if (kupl_call_begin(&c, np->module_id, "NetPoll deliveryCallback")) {
            np->props.deliveryCallback(batch, np->props.priv);
            kupl_call_end(&c, "NetPoll deliveryCallback");
        }
        if (batch->count)
            sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "netpoll %s: deliveryCallback left %u packets; "
                    "released", np->world_name, batch->count);
        vmk_PktListReleaseAllPkts(batch);
    }
    vmk_PktHandle *p;
    while ((p = vmk_PktListPopFirstPkt(&np->rxq)) != NULL)
        kern_uplink_rx_deliver(np->uplink, p, kern_tworld_local_time(np->world));
    while ((p = vmk_PktListPopFirstPkt(&np->compq)) != NULL)
        vmk_PktRelease(p);
}

static void destroy_now(struct vmk_NetPollInt *np)
{
    kern_tworld_enter(np->world);
    flush(np);
    kern_world_sync();
    kern_tworld_leave(np->world);
    for (struct vmk_NetPollInt **pp = &polls; *pp; pp = &(*pp)->next)
        if (*pp == np) {
            *pp = np->next;
            break;
        }
    sim_cancel_owner(np);   /* the poll's thread never runs again */
    sim_event_free(np->ev);
    kern_world_unmark_atomic(np->world);
    kern_tworld_free(np->world);
    free(np);
}

/* One run, in the poll's thread. Returns false once the poll is gone. */
static bool run(struct vmk_NetPollInt *np)
{
    np->scheduled = false;
    np->running = true;
    np->rerun = false;
    kern_tworld_enter(np->world);
    vmk_Bool again = VMK_FALSE;
    kupl_call c;
    if (kupl_call_begin(&c, np->module_id, "NetPoll poll")) {
        again = np->props.poll(np->props.priv, budget);
        kupl_call_end(&c, "NetPoll poll");
    }
    np->runs++;
    flush(np);
    /* The poll's thread waits out the run's cycles: the poll is busy until then. */
    kern_world_sync();
    np->busy_until = sim_now();
    kern_tworld_leave(np->world);
    np->running = false;
    if (np->destroy_pending) {
        destroy_now(np);
        return false;
    }
    if (again || np->rerun || np->rxq.count || np->compq.count)
        schedule(np, np->busy_until);
    return true;
}

/* The poll's execution context: a sim thread that sleeps until the poll is scheduled and its
 * start time has come, then runs it (so the poll may read device registers and sync time). */
static void poll_thread(void *arg)
{
    struct vmk_NetPollInt *np = arg;
    for (;;) {
        if (!np->scheduled) {
            sim_wait_event(np->ev);
            continue;
        }
        sim_time_t now = sim_now();
        if (np->at > now) {
            sim_wait_event_timeout(np->ev, np->at - now);
            continue;
        }
        if (!run(np))
            return;
    }
}

VMK_ReturnStatus vmk_NetPollCreate(vmk_NetPollProperties *pollInit, vmk_ServiceAcctID id,
                                   vmk_ModuleID moduleID, vmk_NetPoll *poll)
{
    (void)id;
    if (!poll)
        return VMK_BAD_PARAM;
    *poll = NULL;
    if (!pollInit || !pollInit->poll) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "vmk_NetPollCreate: a poll callback is required");
        return VMK_BAD_PARAM;
    }
    if ((pollInit->features & VMK_NETPOLL_CUSTOM_DELIVERY_CALLBACK) && !pollInit->deliveryCallback) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "vmk_NetPollCreate: CUSTOM_DELIVERY_CALLBACK "
                "without a deliveryCallback");
        return VMK_BAD_PARAM;
    }
    struct vmk_NetPollInt *np = calloc(1, sizeof *np);
    if (!np)
        return VMK_NO_MEMORY;
    np->props = *pollInit;
    np->module_id = moduleID;
    np->serial = ++poll_serial;
    snprintf(np->world_name, sizeof np->world_name, "netpoll%llu",
             (unsigned long long)np->serial);
    np->world = kern_tworld_new(np->world_name);
    np->ev = sim_event_new(np->world_name);
    if (!np->world || !np->ev) {
        if (np->world)
            kern_tworld_free(np->world);
        if (np->ev)
            sim_event_free(np->ev);
        free(np);
        return VMK_NO_MEMORY;
    }
    kern_world_mark_atomic(np->world, "NetPoll");   /* a poll may not block (docs/uplink.md) */
    sim_thread_spawn(np->world_name, poll_thread, np);
    struct vmk_NetPollInt **tail = &polls;
    while (*tail)
        tail = &(*tail)->next;
    *tail = np;
    *poll = np;
    return VMK_OK;
}

void vmk_NetPollDestroy(vmk_NetPoll netPoll)
{
    if (!poll_live(netPoll)) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "vmk_NetPollDestroy: not a NetPoll");
        return;
    }
    if (netPoll->running)
        netPoll->destroy_pending = true;
    else
        destroy_now(netPoll);
}

VMK_ReturnStatus vmk_NetPollActivate(vmk_NetPoll netPoll)
{
    if (!poll_live(netPoll) || netPoll->destroy_pending)
        return VMK_INVALID_HANDLE;
    kern_cost_charge(KERN_COST_BH_SCHEDULE, 0);
    if (netPoll->running) {
        netPoll->rerun = true;
        return VMK_OK;
    }
    schedule(netPoll, kern_tworld_local_time(kern_tworld_current()));
    return VMK_OK;
}

VMK_ReturnStatus vmk_NetPollCheckState(vmk_NetPoll netPoll, vmk_NetPollState *state)
{
    if (!poll_live(netPoll) || !state)
        return VMK_INVALID_HANDLE;
    *state = netPoll->scheduled || netPoll->running ? VMK_NETPOLL_ACTIVE : VMK_NETPOLL_DISABLED;
    return VMK_OK;
}

vmk_AddrCookie vmk_NetPollGetPrivate(vmk_NetPoll netPoll)
{
    vmk_AddrCookie none = { .ptr = NULL };
    return poll_live(netPoll) ? netPoll->props.priv : none;
}

VMK_ReturnStatus vmk_NetPollRegisterUplink(vmk_NetPoll netPoll, vmk_Uplink uplink, vmk_Name name,
                                           vmk_Bool defaultPoll)
{
    (void)defaultPoll;
    if (!poll_live(netPoll))
        return VMK_INVALID_HANDLE;
    if (!kupl_uplink_live(uplink) || (netPoll->uplink && netPoll->uplink != uplink))
        return VMK_BAD_PARAM;   /* one uplink per poll (vmkapi) */
    netPoll->uplink = uplink;
    netPoll->name = name;
    netPoll->name.string[sizeof netPoll->name.string - 1] = '\0';
    return VMK_OK;
}

VMK_ReturnStatus vmk_NetPollUnregisterUplink(vmk_NetPoll netPoll)
{
    if (!poll_live(netPoll))
        return VMK_INVALID_HANDLE;
    if (!netPoll->uplink)
        return VMK_BAD_PARAM;
    netPoll->uplink = NULL;
    return VMK_OK;
}

static VMK_ReturnStatus enqueue(vmk_NetPoll np, vmk_PktHandle *pkt, vmk_PktList q, const char *who)
{
    if (!poll_live(np))
        return VMK_INVALID_HANDLE;
    if (!kpkt_check(pkt, who))
        return VMK_BAD_PARAM;
    VMK_ReturnStatus st = vmk_PktListAppendPkt(q, pkt);
    if (st != VMK_OK)
        return st;
    if (!np->running) {   /* queued from outside a run: a run hands it on */
        kern_cost_charge(KERN_COST_BH_SCHEDULE, 0);
        schedule(np, kern_tworld_local_time(kern_tworld_current()));
    }
    return VMK_OK;
}

VMK_ReturnStatus vmk_NetPollRxPktQueue(vmk_NetPoll netPoll, vmk_PktHandle *pkt)
{
    return enqueue(netPoll, pkt, poll_live(netPoll) ? &netPoll->rxq : NULL,
                   "vmk_NetPollRxPktQueue");
}

VMK_ReturnStatus vmk_NetPollQueueCompPkt(vmk_NetPoll netPoll, vmk_PktHandle *pkt)
{
    return enqueue(netPoll, pkt, poll_live(netPoll) ? &netPoll->compq : NULL,
                   "vmk_NetPollQueueCompPkt");
}

void kern_netpoll_reset(void)
{
    while (polls) {
        struct vmk_NetPollInt *np = polls;
        np->running = false;
        destroy_now(np);
    }
    poll_serial = 0;
}
