/* vmkapi_netpoll.h — NetPoll: the deferred (softirq-like) context where a NIC driver receives and
 * completes packets. Names follow vmkapi v2.3 (net/vmkapi_net_poll.h): the interrupt handler calls
 * vmk_NetPollActivate; the kernel then calls poll(priv, budget) until it returns VMK_FALSE; the poll
 * hands received packets up with vmk_NetPollRxPktQueue and finished TX packets back with
 * vmk_NetPollQueueCompPkt. Timing and ordering: docs/uplink.md "NetPoll". */
#ifndef VMKAPI_NETPOLL_H
#define VMKAPI_NETPOLL_H

#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_pkt.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"
#include "vmkapi/vmkapi_uplink.h"

typedef struct vmk_NetPollInt *vmk_NetPoll;
typedef vmk_uint32 vmk_ServiceAcctID;   /* accepted, unused (no service accounting) */

typedef enum {
    VMK_NETPOLL_NONE = 0,                      /* received packets go to the poll's uplink */
    VMK_NETPOLL_CUSTOM_DELIVERY_CALLBACK = 1,  /* ... or to deliveryCallback */
} vmk_NetPollFeatures;

typedef enum { VMK_NETPOLL_DISABLED = 0, VMK_NETPOLL_ACTIVE = 1 } vmk_NetPollState;

/* Process at most budget packets; VMK_TRUE = there is more, poll again. */
typedef vmk_Bool (*vmk_NetPollCallback)(vmk_AddrCookie priv, vmk_uint32 budget);
/* Takes every packet of rxPktList. */
typedef void (*vmk_NetPollDeliveryCallback)(vmk_PktList rxPktList, vmk_AddrCookie priv);

typedef struct vmk_NetPollProperties {
    vmk_NetPollCallback poll;
    vmk_NetPollDeliveryCallback deliveryCallback;
    vmk_AddrCookie priv;
    vmk_NetPollFeatures features;
} vmk_NetPollProperties;

/* The poll runs with moduleID on the current-module stack. */
VMK_ReturnStatus vmk_NetPollCreate(vmk_NetPollProperties *pollInit, vmk_ServiceAcctID id,
                                   vmk_ModuleID moduleID, vmk_NetPoll *poll);
/* Packets still queued are delivered (RX: dropped if no uplink) or completed first; a scheduled
 * run is cancelled. From inside the poll callback the destruction happens when it returns. */
void vmk_NetPollDestroy(vmk_NetPoll netPoll);
/* Schedules a run (no effect if one is scheduled or running; a poll running now is run again).
 * Callable from an interrupt handler. */
VMK_ReturnStatus vmk_NetPollActivate(vmk_NetPoll netPoll);
VMK_ReturnStatus vmk_NetPollCheckState(vmk_NetPoll netPoll, vmk_NetPollState *state);
vmk_AddrCookie vmk_NetPollGetPrivate(vmk_NetPoll netPoll);
/* The uplink whose RX sink receives this poll's packets (one uplink per poll). */
VMK_ReturnStatus vmk_NetPollRegisterUplink(vmk_NetPoll netPoll, vmk_Uplink uplink, vmk_Name name,
                                           vmk_Bool defaultPoll);
VMK_ReturnStatus vmk_NetPollUnregisterUplink(vmk_NetPoll netPoll);
/* Queue a received packet / a finished TX packet (or an RX buffer to give back). Both are handed
 * on, in queue order, when the current poll callback returns (if called outside the poll, the poll
 * is activated). */
VMK_ReturnStatus vmk_NetPollRxPktQueue(vmk_NetPoll netPoll, vmk_PktHandle *pkt);
VMK_ReturnStatus vmk_NetPollQueueCompPkt(vmk_NetPoll netPoll, vmk_PktHandle *pkt);

#endif
