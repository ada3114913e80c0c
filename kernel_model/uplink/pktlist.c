/* pktlist.c — packet lists and their iterators (vmkapi v2.3 net/vmkapi_net_pktlist.h, as declared
 * in include/vmkapi/vmkapi_pkt.h): singly linked through the packets, so a packet is in at most
 * one list; misuse (a packet already listed, a released handle) is reported, not followed. */
#include <stdlib.h>

#include "kernel_model/uplink/uplink_internal.h"
#include "sim/sim.h"

static bool list_check(vmk_PktList list, const char *who)
{
    if (!list) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s: NULL packet list", who);
        return false;
    }
    return true;
}

static bool pkt_free_to_link(vmk_PktHandle *pkt, const char *who)
{
    if (!kpkt_check(pkt, who))
        return false;
    if (pkt->list) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s: packet %llu is already in a list", who,
                (unsigned long long)pkt->serial);
        return false;
    }
    return true;
}

VMK_ReturnStatus vmk_PktListAlloc(vmk_PktList *list)
{
    if (!list)
        return VMK_BAD_PARAM;
    *list = calloc(1, sizeof **list);
    return *list ? VMK_OK : VMK_NO_MEMORY;
}

void vmk_PktListFree(vmk_PktList list)
{
    if (!list)
        return;
    if (list->count) {
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "vmk_PktListFree: list still holds %u packets; "
                "not freed", list->count);
        return;
    }
    free(list);
}

void vmk_PktListInit(vmk_PktList list)
{
    if (list_check(list, "vmk_PktListInit")) {
        list->first = list->last = NULL;
        list->count = 0;
    }
}

vmk_uint32 vmk_PktListGetCount(vmk_PktList list)
{
    return list_check(list, "vmk_PktListGetCount") ? list->count : 0;
}

vmk_Bool vmk_PktListIsEmpty(vmk_PktList list)
{
    return !list_check(list, "vmk_PktListIsEmpty") || list->count == 0 ? VMK_TRUE : VMK_FALSE;
}

vmk_PktHandle *vmk_PktListGetFirstPkt(vmk_PktList list)
{
    return list_check(list, "vmk_PktListGetFirstPkt") ? list->first : NULL;
}

vmk_PktHandle *vmk_PktListGetLastPkt(vmk_PktList list)
{
    return list_check(list, "vmk_PktListGetLastPkt") ? list->last : NULL;
}

vmk_PktHandle *vmk_PktListPopFirstPkt(vmk_PktList list)
{
    if (!list_check(list, "vmk_PktListPopFirstPkt") || !list->first)
        return NULL;
    vmk_PktHandle *p = list->first;
    list->first = p->next;
    if (!list->first)
        list->last = NULL;
    list->count--;
    p->next = NULL;
    p->list = NULL;
    return p;
}

VMK_ReturnStatus vmk_PktListAppendPkt(vmk_PktList list, vmk_PktHandle *pkt)
{
    if (!list_check(list, "vmk_PktListAppendPkt") ||
        !pkt_free_to_link(pkt, "vmk_PktListAppendPkt"))
        return VMK_BAD_PARAM;
    pkt->next = NULL;
    pkt->list = list;
    if (list->last)
        list->last->next = pkt;
    else
        list->first = pkt;
    list->last = pkt;
    list->count++;
    return VMK_OK;
}

VMK_ReturnStatus vmk_PktListPrependPkt(vmk_PktList list, vmk_PktHandle *pkt)
{
    if (!list_check(list, "vmk_PktListPrependPkt") ||
        !pkt_free_to_link(pkt, "vmk_PktListPrependPkt"))
        return VMK_BAD_PARAM;
    pkt->list = list;
    pkt->next = list->first;
    list->first = pkt;
    if (!list->last)
        list->last = pkt;
    list->count++;
    return VMK_OK;
}

void vmk_PktListAppendList(vmk_PktList dst, vmk_PktList src)
{
    if (!list_check(dst, "vmk_PktListAppendList") || !list_check(src, "vmk_PktListAppendList") ||
        dst == src || !src->first)
        return;
    for (vmk_PktHandle *p = src->first; p; p = p->next)
        p->list = dst;
    if (dst->last)
        dst->last->next = src->first;
    else
        dst->first = src->first;
    dst->last = src->last;
    dst->count += src->count;
    src->first = src->last = NULL;
    src->count = 0;
}

void vmk_PktListReleaseAllPkts(vmk_PktList list)
{
    vmk_PktHandle *p;
    while ((p = vmk_PktListPopFirstPkt(list)) != NULL)
        vmk_PktRelease(p);
}

/* ---- iterators ---- */

void vmk_PktListIterStart(vmk_PktListIter iter, vmk_PktList list)
{
    if (!iter || !list_check(list, "vmk_PktListIterStart"))
        return;
    iter->list = list;
    iter->prev = NULL;
    iter->cur = list->first;
}

vmk_Bool vmk_PktListIterIsAtEnd(vmk_PktListIter iter)
{
    return !iter || !iter->cur ? VMK_TRUE : VMK_FALSE;
}

vmk_PktHandle *vmk_PktListIterGetPkt(vmk_PktListIter iter)
{
    return iter ? iter->cur : NULL;
}

void vmk_PktListIterMove(vmk_PktListIter iter)
{
    if (iter && iter->cur) {
        iter->prev = iter->cur;
        iter->cur = iter->cur->next;
    }
}

VMK_ReturnStatus vmk_PktListIterRemovePkt(vmk_PktListIter iter, vmk_PktHandle **pkt)
{
    if (!iter || !iter->cur || !iter->list)
        return VMK_BAD_PARAM;
    vmk_PktList list = iter->list;
    vmk_PktHandle *p = iter->cur;
    if (iter->prev)
        iter->prev->next = p->next;
    else
        list->first = p->next;
    if (list->last == p)
        list->last = iter->prev;
    list->count--;
    iter->cur = p->next;
    p->next = NULL;
    p->list = NULL;
    if (pkt)
        *pkt = p;
    return VMK_OK;
}
