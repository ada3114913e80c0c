/* uplink_internal.h — the uplink layer's own structures, shared by its files (pkt.c: packets and
 * lists; uplink.c: uplink objects and the internal driver; netpoll.c; call.c: calls into driver
 * code; txload.c, rxsink.c). Other layers use uplink.h. */
#ifndef VMKSIM_KERN_UPLINK_INTERNAL_H
#define VMKSIM_KERN_UPLINK_INTERNAL_H

#include "kernel_model/module/module_call.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/uplink/uplink.h"

#define KPKT_MAGIC_LIVE 0x4c495645504b5431ull   /* "1TKPEVIL": allocated */
#define KPKT_MAGIC_FREE 0x45455246504b5431ull   /* "1TKPEERF": in the handle pool */

struct PktHandle {
    uint64_t magic;
    uint64_t serial;
    int owner;                       /* module that allocated it */
    uint8_t *buf;
    uint32_t buf_len, frame_len;
    vmk_SgElem sg;                   /* {buffer MA, frame length} for vmk_PktSgElemGet */
    bool csum_vfd, must_csum, must_vlan, large_tcp;
    uint32_t mss;
    vmk_VlanID vlan;
    vmk_VlanPriority prio;
    struct PktHandle *next;          /* link in a vmk_PktList */
    vmk_PktList list;                /* the list it is in, or NULL */
    kern_pkt_done_fn done;
    void *done_ctx;
    sim_time_t stamp;                /* the sender's submit time (TX workload) */
    struct vmk_UplinkInt *tx_uplink; /* the uplink that accepted it for TX, or NULL ... */
    uint64_t tx_uplink_serial;       /* ... and its serial (an address may be reused) */
    kern_pkt_watch *watch;           /* counts how it ends (hot-plug in-flight), or NULL */
    struct PktHandle *pool_next;     /* every handle ever made (for reset) */
    struct PktHandle *free_next;     /* free handles */
};

/* A NetPoll or the layer may release a packet for the driver; these report misuse by name. */
bool kpkt_check(const vmk_PktHandle *pkt, const char *who);

struct vmk_UplinkInt {
    uint64_t serial;                 /* 1, 2, ... never reused */
    char name[VMK_MISC_NAME_MAX];
    vmk_Device dev;
    vmk_UplinkRegData reg;
    bool associated;
    bool io_started;                 /* StartIO done, quiesce not begun: TX is accepted */
    bool io_stopped;                 /* QuiesceIO returned: the device completes nothing more */
    bool gone;                       /* forgotten (surprise removal) */
    vmk_LinkStatus link;
    vmk_UplinkState state;
    uint64_t caps;                   /* bit per registered capability below 64 */
    kern_uplink_rx_fn rx;
    void *rx_ctx;
    kern_uplink_counters ctr;
    struct vmk_UplinkInt *next;
};

/* call.c: runs driver code with module pushed (+ the module-switch cost) inside the current world,
 * or the uplink layer's own world ("uplink") when none is entered. */
typedef kern_module_call kupl_call;   /* kernel_model/module/module_call.h */
bool kupl_call_begin(kupl_call *c, int module_id, const char *what);
void kupl_call_end(kupl_call *c, const char *what);
void kupl_call_world_free(void);

/* uplink.c: a NetPoll is told its uplink went away. */
void kupl_netpoll_uplink_gone(vmk_Uplink u);
bool kupl_uplink_live(vmk_Uplink u);
/* A TX packet released now is a real completion only while its uplink is there, not forgotten and
 * not quiesced; otherwise (teardown freeing the rings) it failed. */
bool kupl_uplink_completes(vmk_Uplink u, uint64_t serial);

#endif
