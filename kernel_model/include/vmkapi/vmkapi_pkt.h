/* vmkapi_pkt.h — network packet handles and packet lists. Names follow vmkapi v2.3
 * (net/vmkapi_net_pkt.h, vmkapi_net_pktlist.h): vmk_PktAlloc / vmk_PktAllocForDMAEngine /
 * vmk_PktRelease, frame length, the mapped frame area, checksum-verified, VLAN and large-TCP
 * metadata, vmk_PktList* with iterators. In vmksim a packet is one fragment: its single SG element
 * holds the machine address (the kernel's pointer) a driver maps with vmk_DMAMapElem.
 * Semantics: docs/uplink.md "Packets". */
#ifndef VMKAPI_PKT_H
#define VMKAPI_PKT_H

#include "vmkapi/vmkapi_dma.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

/* A packet: opaque to drivers. */
typedef struct PktHandle vmk_PktHandle;

/* IEEE 802.1Q: a 12-bit VLAN identifier and a 3-bit priority (PCP). */
typedef vmk_uint16 vmk_VlanID;
typedef vmk_uint8 vmk_VlanPriority;
#define VMK_VLAN_ID_NONE ((vmk_VlanID)0)
#define VMK_VLAN_ID_MAX ((vmk_VlanID)4094)        /* 4095 is reserved (802.1Q 9.6) */
#define VMK_VLAN_PRIORITY_MAX ((vmk_VlanPriority)7)

/* Largest buffer one packet can hold: an IPv4 datagram of 65535 bytes behind a VLAN-tagged
 * Ethernet header (14 + 4), rounded up to 64 KiB + 64 (a large-TCP packet before segmentation). */
#define VMK_PKT_MAX_BUFFER (65536u + 64u)

/* ---- allocation ---- */
/* A packet whose buffer holds len bytes; the frame length starts at 0 (set it after filling).
 * Counted against the calling module (the top of the current-module stack). */
VMK_ReturnStatus vmk_PktAlloc(vmk_ByteCount len, vmk_PktHandle **pkt);
/* The same, for a buffer the engine's device will access (an RX ring buffer). */
VMK_ReturnStatus vmk_PktAllocForDMAEngine(vmk_ByteCount len, vmk_DMAEngine engine,
                                          vmk_PktHandle **pkt);
/* Gives the packet back. For a packet the uplink layer handed a driver to transmit, this is its
 * TX completion (as is vmk_NetPollQueueCompPkt). A handle already released is reported, not
 * freed twice. */
void vmk_PktRelease(vmk_PktHandle *pkt);

/* ---- frame ---- */
vmk_uint32 vmk_PktFrameLenGet(vmk_PktHandle *pkt);
/* VMK_BAD_PARAM when len exceeds the buffer. */
VMK_ReturnStatus vmk_PktFrameLenSet(vmk_PktHandle *pkt, vmk_uint32 len);
/* The mapped area: the start of the buffer, and its length (the buffer's, which may be larger
 * than the frame for an RX buffer). */
void *vmk_PktFrameMappedPointerGet(vmk_PktHandle *pkt);
vmk_uint32 vmk_PktFrameMappedLenGet(vmk_PktHandle *pkt);
/* Fragments: always 1 in vmksim. Element 0 is {machine address of the buffer, frame length}. */
vmk_uint16 vmk_PktSgArrayNumElems(vmk_PktHandle *pkt);
const vmk_SgElem *vmk_PktSgElemGet(vmk_PktHandle *pkt, vmk_uint16 index);

/* ---- checksum offload ---- */
/* RX: the device verified the L3/L4 checksums. */
VMK_ReturnStatus vmk_PktSetCsumVfd(vmk_PktHandle *pkt);
VMK_ReturnStatus vmk_PktClearCsumVfd(vmk_PktHandle *pkt);
vmk_Bool vmk_PktIsCsumVfd(vmk_PktHandle *pkt);
/* TX: the stack asks the device to compute the checksum. */
vmk_Bool vmk_PktIsMustCsum(vmk_PktHandle *pkt);

/* ---- VLAN ---- */
/* VMK_BAD_PARAM for an id above VMK_VLAN_ID_MAX. Setting a tag makes vmk_PktMustVlanTag true. */
VMK_ReturnStatus vmk_PktVlanIDSet(vmk_PktHandle *pkt, vmk_VlanID vlanID);
vmk_VlanID vmk_PktVlanIDGet(vmk_PktHandle *pkt);
VMK_ReturnStatus vmk_PktPrioritySet(vmk_PktHandle *pkt, vmk_VlanPriority priority);
vmk_VlanPriority vmk_PktPriorityGet(vmk_PktHandle *pkt);
VMK_ReturnStatus vmk_PktClearVlan(vmk_PktHandle *pkt);
/* TX: a tag must be inserted by the device (the frame itself is untagged). */
vmk_Bool vmk_PktMustVlanTag(vmk_PktHandle *pkt);

/* ---- large TCP (TSO on TX, LRO on RX) ---- */
/* mss: 1..65535 (VMK_BAD_PARAM otherwise). */
VMK_ReturnStatus vmk_PktSetLargeTcpPacket(vmk_PktHandle *pkt, vmk_uint32 mss);
VMK_ReturnStatus vmk_PktClearLargeTcpPacket(vmk_PktHandle *pkt);
vmk_Bool vmk_PktIsLargeTcpPacket(vmk_PktHandle *pkt);
vmk_uint32 vmk_PktGetLargeTcpPacketMss(vmk_PktHandle *pkt);

/* ---- packet lists ----
 * A packet is in at most one list at a time (the link lives in the packet). The list header is
 * visible so that a list can live on the stack (VMK_PKTLIST_STACK_DEF_INIT). */
typedef struct vmk_PktListInt {
    vmk_PktHandle *first, *last;
    vmk_uint32 count;
} vmk_PktListInt;
typedef vmk_PktListInt *vmk_PktList;

#define VMK_PKTLIST_STACK_DEF_INIT(name) \
    vmk_PktListInt name##_storage = { NULL, NULL, 0 }; \
    vmk_PktList name = &name##_storage

VMK_ReturnStatus vmk_PktListAlloc(vmk_PktList *list);   /* from the kernel, initialised */
void vmk_PktListFree(vmk_PktList list);                 /* must be empty (else reported) */
void vmk_PktListInit(vmk_PktList list);
vmk_uint32 vmk_PktListGetCount(vmk_PktList list);
vmk_Bool vmk_PktListIsEmpty(vmk_PktList list);
vmk_PktHandle *vmk_PktListGetFirstPkt(vmk_PktList list);
vmk_PktHandle *vmk_PktListGetLastPkt(vmk_PktList list);
/* NULL when empty. */
vmk_PktHandle *vmk_PktListPopFirstPkt(vmk_PktList list);
/* VMK_BAD_PARAM for a packet already in a list (or released). */
VMK_ReturnStatus vmk_PktListAppendPkt(vmk_PktList list, vmk_PktHandle *pkt);
VMK_ReturnStatus vmk_PktListPrependPkt(vmk_PktList list, vmk_PktHandle *pkt);
/* Moves every packet of src to the end of dst (src ends empty). */
void vmk_PktListAppendList(vmk_PktList dst, vmk_PktList src);
/* Releases every packet of the list (vmk_PktRelease each) and empties it. */
void vmk_PktListReleaseAllPkts(vmk_PktList list);

/* Iterators: the packet at the cursor may be removed while iterating. */
typedef struct vmk_PktListIterInt {
    vmk_PktList list;
    vmk_PktHandle *prev, *cur;
} vmk_PktListIterInt;
typedef vmk_PktListIterInt *vmk_PktListIter;

#define VMK_PKTLIST_ITER_STACK_DEF(name) \
    vmk_PktListIterInt name##_storage = { NULL, NULL, NULL }; \
    vmk_PktListIter name = &name##_storage

void vmk_PktListIterStart(vmk_PktListIter iter, vmk_PktList list);
vmk_Bool vmk_PktListIterIsAtEnd(vmk_PktListIter iter);
vmk_PktHandle *vmk_PktListIterGetPkt(vmk_PktListIter iter);
void vmk_PktListIterMove(vmk_PktListIter iter);
/* Unlinks the packet at the cursor (returned in *pkt if pkt is not NULL); the cursor moves to
 * the next one. VMK_BAD_PARAM at the end. */
VMK_ReturnStatus vmk_PktListIterRemovePkt(vmk_PktListIter iter, vmk_PktHandle **pkt);

#endif
