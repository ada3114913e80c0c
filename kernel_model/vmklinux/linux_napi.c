/* linux_napi.c — NAPI on vmk_NetPoll, as the real shim backs each napi_struct (reference/
 * vmkapi.md §3 "Network"): netif_napi_add creates a NetPoll of vmklinux's whose callback calls the
 * driver's poll as the driver; __napi_schedule (from the driver's interrupt handler, which
 * vmklinux's generic handler ran) is vmk_NetPollActivate; napi_complete_done ends the run. While
 * the poll runs, frees of TX skbs go through the NetPoll's completion queue and received skbs
 * through its RX queue (linux_skb.c). */
#include "kernel_model/vmklinux/linux_net_internal.h"

#define SCHED (1ul << NAPI_STATE_SCHED)
#define DISABLED (1ul << NAPI_STATE_DISABLE)

/* The NetPoll callback (run as vmklinux): one call of the driver's poll with at most its
 * weight. VMK_TRUE (poll again) when it used the whole budget and did not complete. */
static vmk_Bool napi_netpoll(vmk_AddrCookie priv, vmk_uint32 budget)
{
    struct napi_struct *napi = priv.ptr;
    vmklnx_net *n = vmklnx_net_of(napi->dev);
    if (napi->state & DISABLED) {
        napi->state &= ~SCHED;
        return VMK_FALSE;
    }
    if (!(napi->state & SCHED))
        return VMK_FALSE;   /* a packet queued outside a run activated us: nothing to poll */
    int weight = napi->weight < (int)budget ? napi->weight : (int)budget;
    vmk_NetPoll outer = n->cur_poll;
    n->cur_poll = napi->vmklnx_poll;
    int work;
    VMKAPI_MODULE_CALL(n->mod->id, work, napi->poll, napi, weight);
    n->cur_poll = outer;
    if (work >= weight && (napi->state & SCHED))
        return VMK_TRUE;
    napi->state &= ~SCHED;   /* a poll under budget is over, completed or not */
    return VMK_FALSE;
}

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *, int), int weight)
{
    vmklnx_net *n = vmklnx_net_of(dev);
    napi->dev = dev;
    napi->poll = poll;
    napi->weight = weight > 0 ? weight : NAPI_POLL_WEIGHT;
    napi->state = DISABLED;   /* napi_enable starts it, as on Linux */
    napi->vmklnx_next = NULL;
    napi->vmklnx_poll = NULL;
    vmk_NetPollProperties p;
    vmk_Memset(&p, 0, sizeof p);
    p.poll = napi_netpoll;
    p.priv.ptr = napi;
    p.features = VMK_NETPOLL_NONE;
    vmk_NetPoll np;
    VMK_ReturnStatus st = vmk_NetPollCreate(&p, 0, vmklnx_id, &np);
    if (st != VMK_OK) {
        /* Linux's netif_napi_add cannot fail: the device then receives nothing (warned). */
        vmk_WarningMessage("vmklinux: %s: no NetPoll for NAPI: %s", dev->name,
                           vmk_StatusToString(st));
        return;
    }
    napi->vmklnx_poll = np;
    struct napi_struct **pp = &n->napis;
    while (*pp)
        pp = &(*pp)->vmklnx_next;
    *pp = napi;
    if (n->uplink)
        vmk_NetPollRegisterUplink(np, n->uplink, vmk_UplinkNameGet(n->uplink),
                                  n->napis == napi);
}

void netif_napi_del(struct napi_struct *napi)
{
    vmklnx_net *n = vmklnx_net_of(napi->dev);
    for (struct napi_struct **pp = &n->napis; *pp; pp = &(*pp)->vmklnx_next) {
        if (*pp == napi) {
            *pp = napi->vmklnx_next;
            break;
        }
    }
    if (napi->vmklnx_poll) {
        vmk_NetPollDestroy(napi->vmklnx_poll);
        napi->vmklnx_poll = NULL;
    }
    napi->vmklnx_next = NULL;
}

void vmklnx_napi_del_all(vmklnx_net *n)
{
    while (n->napis) {
        vmk_WarningMessage("vmklinux: %s: NAPI context left at free_netdev: deleted",
                           n->ndev ? n->ndev->name : "?");
        netif_napi_del(n->napis);
    }
}

void vmklnx_napi_uplink_set(vmklnx_net *n, vmk_Uplink uplink)
{
    for (struct napi_struct *napi = n->napis; napi; napi = napi->vmklnx_next) {
        if (!napi->vmklnx_poll)
            continue;
        if (uplink)
            vmk_NetPollRegisterUplink(napi->vmklnx_poll, uplink, vmk_UplinkNameGet(uplink),
                                      napi == n->napis);
        else
            vmk_NetPollUnregisterUplink(napi->vmklnx_poll);
    }
}

vmk_NetPoll vmklnx_napi_default_poll(vmklnx_net *n)
{
    return n->napis ? n->napis->vmklnx_poll : NULL;
}

void napi_enable(struct napi_struct *napi)
{
    napi->state &= ~(DISABLED | SCHED);
}

/* Nothing runs concurrently in vmksim: a scheduled run sees DISABLED and does nothing. */
void napi_disable(struct napi_struct *napi)
{
    napi->state |= DISABLED;
    napi->state &= ~SCHED;
}

bool napi_schedule_prep(struct napi_struct *napi)
{
    if (napi->state & (DISABLED | SCHED))
        return false;
    napi->state |= SCHED;
    return true;
}

void __napi_schedule(struct napi_struct *napi)
{
    if (napi->vmklnx_poll)
        vmk_NetPollActivate(napi->vmklnx_poll);
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
    (void)work_done;
    napi->state &= ~SCHED;
    return true;
}
