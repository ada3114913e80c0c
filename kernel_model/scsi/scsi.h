/* scsi.h — the kernel's storage layer, kernel side: the internal driver that claims
 * "com.vmware.HBAPort" logical devices (a native driver's vmk_ScsiAdapter), path and device
 * discovery (REPORT LUNS, INQUIRY, READ CAPACITY), command issue with per-command timeouts and
 * abort/reset escalation, deferred completion, and a fio-like workload with verification. The
 * driver side is include/vmkapi/vmkapi_scsi.h. Semantics: docs/storage.md. */
#ifndef VMKSIM_KERN_SCSI_H
#define VMKSIM_KERN_SCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"
#include "sim/result/latency.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KERN_SCSI_LOG "kernel.scsi"
#define KERN_SCSI_DRIVER_NAME "scsi"      /* the internal driver that claims HBA ports */
#define KERN_SCSI_DISK_NAME_MAX 80        /* "vmhba0:C0:T0:L0" */

/* ---- the layer ---- */

/* Timeouts of the error handling (docs/storage.md "Timeouts"). */
typedef struct kern_scsi_params {
    uint32_t cmd_timeout_ms;     /* default per-command timeout; ESXi's disk default is 5 s
                                    (scsi timeout of the NMP path), here 5000 */
    uint32_t tm_timeout_ms;      /* each escalation step (abort, device reset, bus reset) waits
                                    this long for the command to end; 1000 */
} kern_scsi_params;
void kern_scsi_params_default(kern_scsi_params *p);
int kern_scsi_configure(const kern_scsi_params *p, sim_err *err);

/* Registers the internal driver KERN_SCSI_DRIVER_NAME for VMK_SCSI_PSA_DRIVER_BUS_ID. Every
 * such device, now or later, is claimed; its start runs discovery in a thread. Idempotent. */
int kern_scsi_layer_init(sim_err *err);
/* Unregisters the driver (adapters quiesce and detach) and frees every adapter and disk. */
void kern_scsi_layer_reset(void);

typedef struct kern_scsi_adapter kern_scsi_adapter;
size_t kern_scsi_adapter_count(void);
kern_scsi_adapter *kern_scsi_adapter_at(size_t i);          /* claim order */
kern_scsi_adapter *kern_scsi_adapter_find(const char *name); /* "vmhba0" */
const char *kern_scsi_adapter_name(const kern_scsi_adapter *a);
/* The adapter's device (the HBA port child a native driver registered, or the root device of
 * vmk_ScsiRegisterAdapter); VMK_DEVICE_NONE for an adapter that is gone. */
vmk_Device kern_scsi_adapter_device(const kern_scsi_adapter *a);
/* Discovery of the adapter has finished (run the simulation until it has). */
bool kern_scsi_adapter_scanned(const kern_scsi_adapter *a);
/* Starts a new discovery (targets that appeared are added; vanished ones stay until removal). */
int kern_scsi_adapter_rescan(kern_scsi_adapter *a, sim_err *err);

typedef struct kern_scsi_adapter_counters {
    uint64_t issued, completed_ok, completed_error;   /* commands into / out of the driver */
    uint64_t timeouts, aborts, device_resets, bus_resets;
    uint64_t given_up;          /* ended by the layer after the last escalation step */
    uint64_t late_completions;  /* the driver completed a command the layer had given up */
    uint64_t bad_completions;   /* vmk_ScsiSchedCommandCompletion of an unknown command */
    uint64_t refused;           /* the driver's command entry returned an error */
    uint32_t outstanding, pending, peak_outstanding;
} kern_scsi_adapter_counters;
void kern_scsi_adapter_counters_get(const kern_scsi_adapter *a, kern_scsi_adapter_counters *out);

/* The DMA engine the adapter's commands are mapped for (its driver's, for the adapter's PCI
 * function); VMK_DMA_ENGINE_INVALID for an adapter that is gone or has none. */
vmk_DMAEngine kern_scsi_adapter_engine(const kern_scsi_adapter *a);

/* In-flight accounting for hot-plug events (kernel_model/hotplug, docs/hotplug.md "In flight"):
 * kern_scsi_watch_adapter counts in w the commands issued to the adapter that have not ended
 * (waiting for room, in the driver, or handed back), then how each ends: completed (host OK and
 * device GOOD) or failed (error status, abort or reset, given up, failed back by a teardown). A
 * command is counted once: one already watched elsewhere is skipped. settle_ps (simulated time)
 * is when the layer's escalation (timeout, abort, device reset, bus reset) will have ended every
 * watched command at the latest; wake, if set, is notified each time a watched command ends.
 * kern_scsi_unwatch stops counting (before w goes away). */
typedef struct kern_scsi_watch {
    uint64_t issued, completed, failed;
    sim_time_t settle_ps;
    sim_event *wake;
} kern_scsi_watch;
void kern_scsi_watch_adapter(kern_scsi_adapter *a, kern_scsi_watch *w);
void kern_scsi_unwatch(kern_scsi_watch *w);

/* ---- disks found by discovery ---- */
typedef struct kern_scsi_disk {
    char name[KERN_SCSI_DISK_NAME_MAX];   /* "vmhba0:C0:T1:L0" */
    kern_scsi_adapter *adapter;
    uint32_t channel, target, lun;
    uint32_t block_size;                   /* bytes per logical block (READ CAPACITY) */
    uint64_t num_blocks;
    char vendor[9], product[17], revision[5];   /* INQUIRY, trailing blanks removed */
    bool read_cap16;                       /* capacity came from READ CAPACITY (16) */
} kern_scsi_disk;
size_t kern_scsi_disk_count(void);
const kern_scsi_disk *kern_scsi_disk_at(size_t i);          /* discovery order */
const kern_scsi_disk *kern_scsi_disk_find(const char *name);

/* ---- commands ---- */
typedef enum kern_scsi_dir {
    KERN_SCSI_DIR_NONE, KERN_SCSI_DIR_READ, KERN_SCSI_DIR_WRITE,
} kern_scsi_dir;

typedef struct kern_scsi_req kern_scsi_req;
/* Called once when the request ends (in the adapter's completion world), with its local time. */
typedef void (*kern_scsi_done_fn)(void *ctx, kern_scsi_req *r, sim_time_t when);

struct kern_scsi_req {
    /* set by the caller */
    uint8_t cdb[VMK_SCSI_MAX_CDB_LEN];
    uint8_t cdb_len;
    kern_scsi_dir dir;
    uint8_t *data;              /* data_len bytes, owned by the request */
    size_t data_len;
    uint32_t timeout_ms;        /* 0: the layer's default */
    kern_scsi_done_fn done;
    void *ctx;
    uint64_t tag;               /* the caller's */
    /* results */
    vmk_ScsiCmdStatus status;
    size_t bytes_xferred;
    vmk_ScsiSenseData sense;
    bool timed_out;             /* the timeout fired (whatever ended it) */
    uint32_t escalation;        /* 0 none, 1 abort, 2 device reset, 3 bus reset, 4 given up */
    sim_time_t submit, end;     /* local times */
};

/* A request with a zeroed data buffer of data_len bytes (NULL when out of memory). */
kern_scsi_req *kern_scsi_req_new(size_t data_len);
void kern_scsi_req_free(kern_scsi_req *r);
/* host OK and device GOOD */
bool kern_scsi_req_ok(const kern_scsi_req *r);

/* Issues r to (channel, target, lun) of the adapter, or to a disk. Runs the driver's command
 * entry now in the caller's world when the adapter has room (queueDepth), else queues it.
 * VMK_OK: r->done will be called exactly once. Anything else: r was refused (not issued). */
VMK_ReturnStatus kern_scsi_issue(kern_scsi_adapter *a, uint32_t channel, uint32_t target,
                                 uint32_t lun, kern_scsi_req *r);
VMK_ReturnStatus kern_scsi_disk_issue(const kern_scsi_disk *d, kern_scsi_req *r);
/* Issues and waits (thread only, e.g. discovery). Returns VMK_OK once r has ended. */
VMK_ReturnStatus kern_scsi_exec(kern_scsi_adapter *a, uint32_t channel, uint32_t target,
                                uint32_t lun, kern_scsi_req *r);

/* ---- workload (fio-like) ---- */
typedef enum kern_scsi_rw {
    KERN_SCSI_RW_READ, KERN_SCSI_RW_WRITE, KERN_SCSI_RW_RANDREAD, KERN_SCSI_RW_RANDWRITE,
    KERN_SCSI_RW_RANDRW,
} kern_scsi_rw;
const char *kern_scsi_rw_name(kern_scsi_rw rw);
int kern_scsi_rw_parse(const char *s, kern_scsi_rw *out);

typedef struct kern_scsi_load_params {
    char disk[KERN_SCSI_DISK_NAME_MAX];   /* "vmhba0:C0:T0:L0" */
    kern_scsi_rw rw;
    uint32_t read_pct;          /* randrw: percentage of reads, 0..100 */
    uint32_t block_size;        /* bytes per I/O: a multiple of the disk's block size */
    uint32_t queue_depth;       /* I/Os in flight at most, >= 1 */
    uint64_t region_offset;     /* bytes; multiple of block_size */
    uint64_t region_size;       /* bytes; 0 = from region_offset to the end of the disk */
    uint64_t io_count;          /* I/Os to issue; 0 = until duration */
    sim_time_t duration;        /* stop issuing after this (0 = until io_count) */
    bool verify;                /* writes carry the pattern, reads check it */
    uint64_t seed;              /* the pattern's seed; the op stream comes from sim_rng_derive */
    uint32_t timeout_ms;        /* per I/O; 0 = the layer's default */
} kern_scsi_load_params;

typedef struct kern_scsi_load_stats {
    uint64_t issued, completed, failed;
    uint64_t reads, writes;                 /* completed */
    uint64_t bytes_read, bytes_written;     /* completed */
    uint64_t in_flight;
    uint64_t verify_errors;                 /* blocks read that failed the check */
    uint64_t verified_blocks;               /* blocks read that passed */
    uint64_t unverified_blocks;             /* blocks read that carried no pattern */
    uint64_t op_hash;                       /* FNV-1a over (op, lba, blocks, outcome) in issue order */
    sim_time_t first_submit, last_end;
} kern_scsi_load_stats;
/* issued − completed − failed (0 on a clean run). */
uint64_t kern_scsi_load_lost(const kern_scsi_load_stats *s);

typedef struct kern_scsi_load kern_scsi_load;
/* Validates params against the disk (found now) and spawns the workload thread, which runs in its
 * own world ("scsiload:<disk>"). */
int kern_scsi_load_start(const kern_scsi_load_params *p, kern_scsi_load **out, sim_err *err);
/* Everything issued and nothing in flight. */
bool kern_scsi_load_done(const kern_scsi_load *l);
void kern_scsi_load_get_stats(const kern_scsi_load *l, kern_scsi_load_stats *out);
const result_latency *kern_scsi_load_latency(const kern_scsi_load *l);   /* submit → completion */
/* Refused (logged) while its thread runs or I/Os are in flight. */
void kern_scsi_load_free(kern_scsi_load *l);

/* ---- the verify pattern (docs/storage.md "Verify") ---- */
#define KERN_SCSI_PATTERN_MAGIC 0x4b425356u   /* "VSBK" */
#define KERN_SCSI_PATTERN_HDR 32u
/* Fills one logical block of len bytes (>= KERN_SCSI_PATTERN_HDR) for lba, seed and generation. */
void kern_scsi_pattern_fill(uint8_t *blk, size_t len, uint64_t lba, uint64_t seed, uint64_t gen);
typedef enum kern_scsi_pattern_check {
    KERN_SCSI_PATTERN_OK, KERN_SCSI_PATTERN_NONE,   /* no magic: never written with a pattern */
    KERN_SCSI_PATTERN_BAD,                          /* magic but wrong LBA, seed, gen or checksum */
} kern_scsi_pattern_check;
/* expect_gen 0: any generation. */
kern_scsi_pattern_check kern_scsi_pattern_check_block(const uint8_t *blk, size_t len, uint64_t lba,
                                                      uint64_t seed, uint64_t expect_gen);

#ifdef __cplusplus
}
#endif
#endif
