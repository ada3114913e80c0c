/* vmkapi_uplink.h — uplinks: the logical network devices NIC drivers register. Names follow vmkapi
 * v2.3 (net/vmkapi_net_uplink.h): there is no vmk_UplinkRegister; a driver's scanDevice registers a
 * logical child with vmk_DeviceRegister, bus identifier VMK_UPLINK_DEVICE_IDENTIFIER
 * ("com.vmware.uplink"), registrationData a vmk_UplinkRegData*. The kernel's uplink layer claims
 * it, calls uplinkAssociate, then uplinkStartIO; TX arrives through uplinkTx. vmksim models the
 * basic ops; capabilities, netqueue and the versioned-atomic lock of the shared data are not
 * modelled (docs/uplink.md). */
#ifndef VMKAPI_UPLINK_H
#define VMKAPI_UPLINK_H

#include "vmkapi/vmkapi_device.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_pkt.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

typedef struct vmk_UplinkInt *vmk_Uplink;

typedef vmk_uint8 vmk_EthAddress[6];
typedef vmk_uint32 vmk_revnum;

/* ---- link status (net/vmkapi_net_types.h) ---- */
typedef enum { VMK_LINK_STATE_DOWN = 0, VMK_LINK_STATE_UP = 1 } vmk_LinkState;
/* Mbit/s, as vmkapi's vmk_LinkSpeed. */
typedef enum {
    VMK_LINK_SPEED_AUTO = 0,
    VMK_LINK_SPEED_10_MBPS = 10,
    VMK_LINK_SPEED_100_MBPS = 100,
    VMK_LINK_SPEED_1000_MBPS = 1000,
    VMK_LINK_SPEED_10000_MBPS = 10000,
    VMK_LINK_SPEED_25000_MBPS = 25000,
    VMK_LINK_SPEED_40000_MBPS = 40000,
    VMK_LINK_SPEED_100000_MBPS = 100000,
} vmk_LinkSpeed;
typedef enum { VMK_LINK_DUPLEX_HALF = 0, VMK_LINK_DUPLEX_FULL = 1 } vmk_LinkDuplex;

typedef struct vmk_LinkStatus {
    vmk_LinkState state;
    vmk_LinkSpeed speed;
    vmk_LinkDuplex duplex;
} vmk_LinkStatus;

/* ---- state and flags ---- */
typedef enum vmk_UplinkState {
    VMK_UPLINK_STATE_ENABLED = 0x01,
    VMK_UPLINK_STATE_DISABLED = 0x02,
    VMK_UPLINK_STATE_PROMISC = 0x04,
    VMK_UPLINK_STATE_BROADCAST_OK = 0x08,
    VMK_UPLINK_STATE_MULTICAST_OK = 0x10,
} vmk_UplinkState;

typedef enum vmk_UplinkFlags {
    VMK_UPLINK_FLAG_HIDDEN = 0x01,
    VMK_UPLINK_FLAG_PSEUDO_REG = 0x02,
} vmk_UplinkFlags;

typedef vmk_uint32 vmk_UplinkCap;   /* capabilities are accepted, not modelled */

/* The counters a driver reports (uplinkStatsGet). */
typedef struct vmk_UplinkStats {
    vmk_uint64 rxPkts, txPkts;
    vmk_uint64 rxBytes, txBytes;
    vmk_uint64 rxErrors, txErrors;
    vmk_uint64 rxDrops, txDrops;
    vmk_uint64 rxMulticastPkts, rxBroadcastPkts;
    vmk_uint64 txMulticastPkts, txBroadcastPkts;
    vmk_uint64 collisions;
    vmk_uint64 rxLengthErrors, rxOverflowErrors, rxCRCErrors, rxFrameAlignErrors;
    vmk_uint64 rxFifoErrors, rxMissErrors;
    vmk_uint64 txAbortedErrors, txCarrierErrors, txFifoErrors, txHeartbeatErrors;
    vmk_uint64 txWindowErrors;
} vmk_UplinkStats;

typedef struct vmk_UplinkDriverInfo {
    vmk_Name driver;
    vmk_Name version;
    vmk_Name firmwareVersion;
    vmk_Name moduleInterface;
} vmk_UplinkDriverInfo;

/* Written by the driver, read by the uplink layer (MTU checks, MAC, link at association). */
typedef struct vmk_UplinkSharedData {
    vmk_UplinkFlags flags;
    vmk_UplinkState state;
    vmk_LinkStatus link;
    vmk_uint32 mtu;
    vmk_EthAddress macAddr;
    vmk_EthAddress hwMacAddr;
    vmk_UplinkDriverInfo driverInfo;
} vmk_UplinkSharedData;

/* ---- the driver's callbacks; driverData is vmk_UplinkRegData.driverData ---- */
/* Takes every packet of pktList. Packets still in the list when it returns were not accepted:
 * the uplink layer fails them back to their sender. VMK_LIMIT_EXCEEDED: a frame above the MTU. */
typedef VMK_ReturnStatus (*vmk_UplinkTxCB)(vmk_AddrCookie driverData, vmk_PktList pktList);
typedef VMK_ReturnStatus (*vmk_UplinkMTUSetCB)(vmk_AddrCookie driverData, vmk_uint32 mtu);
typedef VMK_ReturnStatus (*vmk_UplinkStateSetCB)(vmk_AddrCookie driverData,
                                                 vmk_UplinkState state);
typedef VMK_ReturnStatus (*vmk_UplinkStatsGetCB)(vmk_AddrCookie driverData,
                                                 vmk_UplinkStats *stats);
/* The driver keeps uplink for later calls (vmk_UplinkUpdateLinkState, vmk_NetPollRegisterUplink). */
typedef VMK_ReturnStatus (*vmk_UplinkAssociateCB)(vmk_AddrCookie driverData, vmk_Uplink uplink);
typedef VMK_ReturnStatus (*vmk_UplinkDisassociateCB)(vmk_AddrCookie driverData);
typedef VMK_ReturnStatus (*vmk_UplinkCapEnableCB)(vmk_AddrCookie driverData, vmk_UplinkCap cap);
typedef VMK_ReturnStatus (*vmk_UplinkCapDisableCB)(vmk_AddrCookie driverData, vmk_UplinkCap cap);
/* No TX or RX before StartIO; QuiesceIO flushes and stops both. */
typedef VMK_ReturnStatus (*vmk_UplinkStartIOCB)(vmk_AddrCookie driverData);
typedef VMK_ReturnStatus (*vmk_UplinkQuiesceIOCB)(vmk_AddrCookie driverData);
typedef VMK_ReturnStatus (*vmk_UplinkResetCB)(vmk_AddrCookie driverData);

/* Required: uplinkTx, uplinkAssociate, uplinkDisassociate, uplinkStartIO, uplinkQuiesceIO. */
typedef struct vmk_UplinkOps {
    vmk_UplinkTxCB uplinkTx;
    vmk_UplinkMTUSetCB uplinkMTUSet;
    vmk_UplinkStateSetCB uplinkStateSet;
    vmk_UplinkStatsGetCB uplinkStatsGet;
    vmk_UplinkAssociateCB uplinkAssociate;
    vmk_UplinkDisassociateCB uplinkDisassociate;
    vmk_UplinkCapEnableCB uplinkCapEnable;
    vmk_UplinkCapDisableCB uplinkCapDisable;
    vmk_UplinkStartIOCB uplinkStartIO;
    vmk_UplinkQuiesceIOCB uplinkQuiesceIO;
    vmk_UplinkResetCB uplinkReset;
} vmk_UplinkOps;

/* registrationData of the logical device (vmk_DeviceProps.registrationData.ptr). The kernel copies
 * it at claim time; sharedData must stay valid until uplinkDisassociate. */
typedef struct vmk_UplinkRegData {
    vmk_revnum apiRevision;             /* VMKAPI_REVISION; the major must match the kernel's */
    vmk_ModuleID moduleID;              /* runs every callback (current-module stack) */
    vmk_UplinkOps ops;
    vmk_UplinkSharedData *sharedData;   /* required */
    vmk_AddrCookie driverData;          /* passed to every callback */
} vmk_UplinkRegData;

/* ---- calls a driver makes on its uplink ---- */
/* The driver's link changed (from its interrupt or timer): the uplink layer records it; TX on a
 * link that is down is dropped by the layer. */
VMK_ReturnStatus vmk_UplinkUpdateLinkState(vmk_Uplink uplink, vmk_LinkStatus *linkStatus);
vmk_LinkStatus vmk_UplinkLinkStatusGet(vmk_Uplink uplink);
vmk_uint32 vmk_UplinkMTUGet(vmk_Uplink uplink);
vmk_Name vmk_UplinkNameGet(vmk_Uplink uplink);
vmk_UplinkState vmk_UplinkStateGet(vmk_Uplink uplink);
/* Accepted and recorded; capabilities change nothing in vmksim. */
VMK_ReturnStatus vmk_UplinkCapRegister(vmk_Uplink uplink, vmk_UplinkCap cap,
                                       vmk_AddrCookie capOps);

#endif
