/* scn_net.h — what the network half of the scenario API shares between scn_workload.c (the
 * driver{} and wire{} verbs, module lookup, shutdown) and scn_netrun.c (the tx{} and rx{} measured
 * runs). Private to sim/scenario/; the Lua API is in docs/scenarios.md ("NIC workloads"). */
#ifndef VMKSIM_SCN_NET_H
#define VMKSIM_SCN_NET_H

#include "devices/nic/e1000.h"
#include "devices/pcie/pci_access.h"
#include "devices/wire/wire.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/uplink/uplink.h"
#include "sim/result/result.h"
#include "sim/scenario/scn_internal.h"

#define SCN_NET_MAX 32           /* NICs with a cable or driver in one scenario (our own limit) */
#define SCN_MODULE_DIR_ENV "VMKSIM_MODULE_DIR"

typedef enum scn_cable_kind {
    SCN_CABLE_NONE,
    SCN_CABLE_LOOPBACK,          /* the NIC's TX to its own RX */
    SCN_CABLE_PEER,              /* to another NIC's port */
    SCN_CABLE_GENERATOR,         /* to a traffic generator port (RX runs) */
} scn_cable_kind;

/* One NIC the scenario touched. */
typedef struct scn_nic {
    char name[PLATFORM_NAME_LEN];
    e1000 *dev;
    kern_pci_dev *pdev;
    scn_cable_kind cable;
    struct scn_nic *peer;        /* SCN_CABLE_PEER */
    wire_link *link;             /* owned by the NIC that made it (for a peer cable: both point at
                                  * it, link_owner says who frees it) */
    bool link_owner;
    wire_port *gen;              /* SCN_CABLE_GENERATOR: the generator's port (owned) */
    sim_time_t prop_ps;          /* the cable's propagation delay */
    kern_module *mod;            /* the driver module bound to it, NULL if none */
    result_style style;
} scn_nic;

struct scn_net {
    int nnics;
    scn_nic nics[SCN_NET_MAX];
    int nmods;
    char mods[SCN_NET_MAX][KERN_MOD_NAME_MAX];   /* modules this scenario loaded, in load order */
    int runs;                    /* measured runs so far (stream ids, capture names) */
};

/* The NIC named name (an "e1000" endpoint of the booted platform), created on first use; raises
 * "what: ..." when there is none. */
scn_nic *scn_net_nic(lua_State *L, const char *what, const char *name);
/* The uplink the kernel built for the NIC, NULL if no driver registered one. */
vmk_Uplink scn_net_uplink(const scn_nic *n);
/* Runs the simulation in steps until done(ctx) or simulated time reaches deadline. */
void scn_net_run_until(bool (*done)(void *ctx), void *ctx, sim_time_t deadline);

/* Binds the PCI function pdev (the endpoint named dev) to a driver of the given style through
 * the kernel's driver map, loading what is missing from the modules folder: the native module
 * modname, or the shim "vmklinux" and then the Linux driver module modname. Returns modname's
 * module; raises "what: ..." if a module cannot be loaded or does not claim the device. */
kern_module *scn_driver_bind(lua_State *L, const char *what, const char *dev, kern_pci_dev *pdev,
                             result_style style, const char *modname);
/* Unloads module name (from a sim thread: quiesce and detach touch the hardware) and forgets
 * that the scenario loaded it. Returns 0, or -1 with the loader's message in err. */
int scn_driver_unload(lua_State *L, const char *name, sim_err *err);
/* driver{} for a storage HBA (scn_storage.c): binds and records it; returns Lua results. */
int scn_storage_driver(lua_State *L, const char *dev, result_style style, const char *modname);

/* ---- what the measured NIC runs share (scn_netrun.c: tx{}, rx{}; scn_replay.c: replay{}) ---- */

/* Counter snapshots around a run. */
typedef struct scn_run_counters {
    pcie_fabric_stats fab;
    uint64_t intr;
    uint64_t allocs;
    uint64_t copied;
} scn_run_counters;
void scn_run_snap(scn_state *s, const scn_nic *n, scn_run_counters *c);
/* The fabric, interrupt and copy counters now, with allocs as the run's allocation count. */
void scn_run_counters_take(scn_state *s, uint64_t allocs, scn_run_counters *c);
/* Sets r's counters (mmio_reads ... copied_bytes) to what changed from c0 to c1. */
void scn_run_set_counters(result_run *r, const scn_run_counters *c0, const scn_run_counters *c1);

/* The figures a run hands to Lua and to the result. */
typedef struct scn_run_out {
    uint64_t ops, bytes, failed, lost, sent, verified, dropped;
    sim_time_t duration;
    uint64_t drv_mcyc, shim_mcyc, kern_mcyc;
} scn_run_out;
/* The run's cycles by owner: the NIC's driver module, vmklinux, the kernel. */
void scn_run_take_cycles(const scn_nic *n, scn_run_out *o);
/* The run's cycles (1/1000 cycles) owned by the driver module drv, by vmklinux (when it is not
 * drv) and by the kernel, since the last kern_timing_reset_counters. */
void scn_run_cycles(const kern_module *drv, uint64_t *drv_mcyc, uint64_t *shim_mcyc,
                    uint64_t *kern_mcyc);
/* Pushes the run's figures as a Lua table (ops, failed_ops, lost_ops, ..._cycles_per_op). */
void scn_run_push(lua_State *L, const scn_run_out *o);
/* Sets r's ops, bytes, duration, cycles, counters (since c0), failed/lost and latency. */
void scn_run_fill_figures(scn_state *s, const scn_nic *n, result_run *r, const scn_run_out *o,
                          const scn_run_counters *c0, const result_latency *lat);
/* Whether a run's receiver has gone SCN_DRAIN_PS (1 ms) without a new delivery: *drained_by and
 * *seen (deliveries at the last check) start at 0 and are the caller's. */
bool scn_drain_over(sim_time_t *drained_by, uint64_t *seen, uint64_t delivered);
/* When the last bit of a frame of len bytes (without FCS) that started on the wire at start
 * reaches the far end of a cable of delay prop at gbps. */
sim_time_t scn_wire_arrival(sim_time_t start, size_t len, int gbps, sim_time_t prop);
/* Frames the NIC dropped and counted so far (receiver off, filter, errors, FIFO full). */
uint64_t scn_nic_rx_drops(e1000 *dev);

void scn_register_netrun(lua_State *L);
void scn_register_replay(lua_State *L);
void scn_register_identify(lua_State *L);   /* identify{} (scn_identify.c) */

#endif
