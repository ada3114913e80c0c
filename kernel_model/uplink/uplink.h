/* uplink.h — the kernel's uplink (network) layer, kernel side: packet accounting, the uplink
 * objects the layer builds when it claims a "com.vmware.uplink" logical device, TX into a
 * driver's uplinkTx, RX delivery from NetPoll to a per-uplink receiver, and the TX workload and
 * RX sink that drive and check a run. The driver side is include/vmkapi/vmkapi_pkt.h,
 * vmkapi_uplink.h and vmkapi_netpoll.h. Semantics: docs/uplink.md. */
#ifndef VMKSIM_KERN_UPLINK_H
#define VMKSIM_KERN_UPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/wire/traffic.h"
#include "sim/err.h"
#include "sim/result/latency.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"   /* the families (packets, uplinks, NetPoll) with C linkage */

#ifdef __cplusplus
extern "C" {
#endif

#define KERN_UPLINK_LOG "kernel.uplink"
#define KERN_UPLINK_DRIVER_NAME "uplink"   /* the internal driver that claims uplink devices */

/* ---- packets ---- */

/* How a packet the uplink layer sent ended. */
typedef enum kern_pkt_outcome {
    KERN_PKT_COMPLETED,   /* the driver completed it (vmk_NetPollQueueCompPkt or vmk_PktRelease) */
    KERN_PKT_DROPPED,     /* the layer dropped it: link down */
    KERN_PKT_FAILED,      /* refused: uplink not started or gone, above the MTU, not accepted */
} kern_pkt_outcome;
const char *kern_pkt_outcome_name(kern_pkt_outcome oc);

/* Called once when a packet with a done hook is released, with the outcome and the local time of
 * the world that released it. The packet is still valid during the call. */
typedef void (*kern_pkt_done_fn)(void *ctx, vmk_PktHandle *pkt, kern_pkt_outcome oc,
                                 sim_time_t when);
void kern_pkt_set_done(vmk_PktHandle *pkt, kern_pkt_done_fn fn, void *ctx);
/* Drops every done hook whose ctx is ctx (its owner goes away before its packets). */
void kern_pkt_forget_done_ctx(void *ctx);
/* Releases a packet with the given outcome (the uplink layer refusing it). */
void kern_pkt_release_as(vmk_PktHandle *pkt, kern_pkt_outcome oc);
/* TX metadata the stack sets for the driver. */
void kern_pkt_set_must_csum(vmk_PktHandle *pkt, bool on);
uint64_t kern_pkt_serial(const vmk_PktHandle *pkt);   /* 1, 2, ... in allocation order */
int kern_pkt_owner(const vmk_PktHandle *pkt);
bool kern_pkt_live(const vmk_PktHandle *pkt);          /* allocated and not released */

typedef struct kern_pkt_usage {
    uint64_t allocs, releases;    /* calls that succeeded */
    uint64_t failures;            /* refused allocations (size, memory) */
    uint64_t bad_releases;        /* releases of a handle already released or in a list */
    uint64_t live, peak_live;     /* packets allocated and not released */
    uint64_t live_bytes;          /* their buffer bytes */
} kern_pkt_usage;
/* Per owner (module ID; 0 = the kernel); zeros for an owner never seen. */
void kern_pkt_usage_get(int owner, kern_pkt_usage *out);
uint64_t kern_pkt_outstanding(int owner);
uint64_t kern_pkt_outstanding_total(void);
/* Logs every live packet of owner (-1: every owner) with serial, owner and length; returns how
 * many. */
size_t kern_pkt_log_outstanding(int owner);
/* Frees every packet (live ones are logged and counted as leaked) and every counter. */
void kern_pkt_reset(void);
/* In-flight accounting for hot-plug events (kernel_model/hotplug): kern_pkt_watch_tx counts in w
 * every live TX packet that uplink u's driver accepted and has not given back (issued), and
 * from then on how each ends (completed, or failed/dropped as failed). Each packet is watched
 * once: a packet already watched elsewhere is skipped. kern_pkt_unwatch stops counting (before w
 * goes away). */
typedef struct kern_pkt_watch {
    uint64_t issued, completed, failed;
} kern_pkt_watch;
void kern_pkt_watch_tx(vmk_Uplink u, kern_pkt_watch *w);
void kern_pkt_unwatch(kern_pkt_watch *w);

/* ---- the layer ---- */

/* Registers the internal driver KERN_UPLINK_DRIVER_NAME for VMK_UPLINK_DEVICE_IDENTIFIER: every
 * unclaimed uplink device (now or later) is claimed. Idempotent. */
int kern_uplink_layer_init(sim_err *err);
/* Removes the uplinks (quiesce + detach through the device layer), every NetPoll and packet, and
 * the internal driver (between tests, at shutdown). */
void kern_uplink_layer_reset(void);

size_t kern_uplink_count(void);
vmk_Uplink kern_uplink_at(size_t i);                  /* in claim order */
vmk_Uplink kern_uplink_find(const char *name);        /* "vmnic0", ...; NULL if none */
const char *kern_uplink_name(vmk_Uplink u);
vmk_Device kern_uplink_device(vmk_Uplink u);
int kern_uplink_module(vmk_Uplink u);
bool kern_uplink_io_started(vmk_Uplink u);
bool kern_uplink_gone(vmk_Uplink u);                  /* its device was forgotten */

/* Sends list through the driver's uplinkTx (its module pushed, in the current world). Packets the
 * layer refuses (not started/gone: failed; link down: dropped; above MTU: failed) and packets the
 * driver leaves in the list are released with that outcome. list ends empty. Counts in *res (may
 * be NULL). Returns the driver's status, or the layer's refusal. */
typedef struct kern_uplink_tx_result {
    uint32_t accepted, dropped, failed;
} kern_uplink_tx_result;
VMK_ReturnStatus kern_uplink_tx(vmk_Uplink u, vmk_PktList list, kern_uplink_tx_result *res);
/* The driver's ops (VMK_NOT_SUPPORTED when the driver has none). */
VMK_ReturnStatus kern_uplink_mtu_set(vmk_Uplink u, uint32_t mtu);
VMK_ReturnStatus kern_uplink_state_set(vmk_Uplink u, vmk_UplinkState state);
VMK_ReturnStatus kern_uplink_stats_get(vmk_Uplink u, vmk_UplinkStats *stats);
VMK_ReturnStatus kern_uplink_reset_dev(vmk_Uplink u);

/* Receiver of the uplink's RX packets (the sink): it takes the packet. when = the local time of
 * the delivering world. Without a receiver, RX packets are counted dropped and released. */
typedef void (*kern_uplink_rx_fn)(void *ctx, vmk_Uplink u, vmk_PktHandle *pkt, sim_time_t when);
void kern_uplink_set_rx(vmk_Uplink u, kern_uplink_rx_fn fn, void *ctx);
/* NetPoll delivers here. */
void kern_uplink_rx_deliver(vmk_Uplink u, vmk_PktHandle *pkt, sim_time_t when);
/* RX packets released because their NetPoll had no (more) uplink. */
uint64_t kern_uplink_rx_orphans(void);

/* What the layer itself saw (the driver's own counters: kern_uplink_stats_get). */
typedef struct kern_uplink_counters {
    uint64_t tx_calls;                 /* uplinkTx calls */
    uint64_t tx_pkts, tx_bytes;        /* accepted by the driver */
    uint64_t tx_dropped, tx_failed;
    uint64_t rx_pkts, rx_bytes;        /* delivered to the receiver */
    uint64_t rx_dropped;               /* no receiver, IO not started, or no uplink on the poll */
    uint64_t link_changes;
} kern_uplink_counters;
void kern_uplink_counters_get(vmk_Uplink u, kern_uplink_counters *out);

/* ---- NetPoll ---- */
/* Packets per poll call; Linux's NAPI_POLL_WEIGHT (include/linux/netdevice.h) is 64. */
#define KERN_NETPOLL_DEFAULT_BUDGET 64u
void kern_netpoll_set_budget(uint32_t budget);   /* 0 restores the default */
size_t kern_netpoll_count(void);                 /* live NetPolls */
uint64_t kern_netpoll_runs(vmk_NetPoll np);      /* poll callback invocations */
/* Destroys every NetPoll (their queued packets released) (layer reset). */
void kern_netpoll_reset(void);

/* ---- TX workload ---- */
typedef struct kern_txload_params {
    char uplink[VMK_MISC_NAME_MAX];   /* "vmnic0" */
    wire_traffic_params traffic;      /* frame format, size, count, rate (0: back to back), seed */
    uint32_t window;                  /* packets in flight at most (submitted, not ended); >= 1 */
    uint32_t batch;                   /* packets per uplinkTx call at most; >= 1 */
} kern_txload_params;

typedef struct kern_txload_stats {
    uint64_t issued;                  /* handed to the uplink layer */
    uint64_t completed, failed, dropped;
    uint64_t in_flight;               /* issued, not ended */
    uint64_t alloc_failures;          /* packets that could not be allocated (not issued) */
    uint64_t tx_calls;
    uint64_t bytes_completed;
    sim_time_t first_submit, last_end;   /* local times; 0 if none */
} kern_txload_stats;
/* issued − completed − failed − dropped: packets that never ended (0 on a clean run). */
uint64_t kern_txload_lost(const kern_txload_stats *s);

typedef struct kern_txload kern_txload;
/* Validates params and spawns the workload's thread (it runs in its own world, "txload:<uplink>"),
 * which starts when the simulation runs. */
int kern_txload_start(const kern_txload_params *p, kern_txload **out, sim_err *err);
/* Every packet issued and none in flight. The thread ends once all are issued; packets a driver
 * never gives back keep this false and show in kern_txload_lost. */
bool kern_txload_done(const kern_txload *l);
void kern_txload_get_stats(const kern_txload *l, kern_txload_stats *out);
/* Submit → completion latency of every completed packet. */
const result_latency *kern_txload_latency(const kern_txload *l);
/* Frees the workload; packets still in flight keep going but are no longer counted. Refused
 * (logged, nothing freed) while its thread still runs: run the simulation until it has issued
 * everything first. */
void kern_txload_free(kern_txload *l);

/* ---- RX sink ---- */
/* When the frame with sequence seq arrived on the wire (for RX latency); NULL: no RX latency. */
typedef sim_time_t (*kern_rxsink_arrival_fn)(void *ctx, uint64_t seq);
typedef struct kern_rxsink_params {
    wire_traffic_params traffic;      /* the stream it expects (stream id, seed, size, count) */
    kern_rxsink_arrival_fn arrival;
    void *arrival_ctx;
} kern_rxsink_params;

typedef struct kern_rxsink_stats {
    uint64_t delivered;               /* packets handed to the sink */
    uint64_t bytes;
    wire_traffic_sink_stats verify;   /* good, corrupt, reordered, duplicates, missing, foreign */
    uint64_t lost;                    /* expected count − good */
} kern_rxsink_stats;

typedef struct kern_rxsink kern_rxsink;
int kern_rxsink_new(const kern_rxsink_params *p, kern_rxsink **out, sim_err *err);
/* Becomes u's receiver (kern_uplink_set_rx). */
void kern_rxsink_attach(kern_rxsink *k, vmk_Uplink u);
void kern_rxsink_get_stats(const kern_rxsink *k, kern_rxsink_stats *out);
/* Wire arrival → delivered to the sink, per verified packet (when an arrival function is set). */
const result_latency *kern_rxsink_latency(const kern_rxsink *k);
/* Detaches from its uplink (if still there) and frees. */
void kern_rxsink_free(kern_rxsink *k);

#ifdef __cplusplus
}
#endif
#endif
