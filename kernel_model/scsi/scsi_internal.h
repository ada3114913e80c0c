/* scsi_internal.h — the storage layer's own structures, shared by its files (adapter.c: the
 * internal driver, adapter objects and their worker; command.c: issue, completion, timeouts;
 * discover.c: paths and disks; load.c, pattern.c: the workload). Other layers use scsi.h. */
#ifndef VMKSIM_KERN_SCSI_INTERNAL_H
#define VMKSIM_KERN_SCSI_INTERNAL_H

#include "kernel_model/module/module_call.h"
#include "kernel_model/scsi/scsi.h"
#include "kernel_model/timing/timing.h"

#define KSCSI_CMD_MAGIC 0x444d43495343534bull   /* "KSCSICMD" */
#define KSCSI_ESC_GIVEN_UP 4u

typedef enum kscsi_cmd_state {
    KSCSI_PENDING,      /* waiting for room on the adapter */
    KSCSI_ACTIVE,       /* in the driver */
    KSCSI_COMPLETING,   /* handed back, waiting for the completion world */
    KSCSI_ABANDONED,    /* given up by the layer; the driver still holds it */
} kscsi_cmd_state;

typedef struct kscsi_path {
    uint32_t channel, target, lun;
    void *device_data;             /* the driver's, from discover(CREATE_PATH) */
    struct kscsi_path *next;
} kscsi_path;

typedef struct kscsi_cmd {
    vmk_ScsiCommand vc;            /* first: the driver sees this */
    uint64_t magic;
    kern_scsi_adapter *a;
    kern_scsi_req *req;            /* NULL once abandoned */
    uint8_t *orphan_data;          /* an abandoned command keeps its buffer until it ends */
    uint32_t channel, target, lun;
    void *device_data;
    kscsi_cmd_state state;
    vmk_DMADirection dma_dir;
    vmk_Timer timer;
    uint32_t stage;                /* escalation steps taken */
    bool timeout_queued;           /* on the worker's timeout list */
    sim_time_t ready_at;           /* handed back at this local time */
    kern_scsi_watch *watch;        /* counts how it ends (hot-plug in-flight), or NULL */
    struct kscsi_cmd *onext;       /* outstanding list (or the zombie list) */
    struct kscsi_cmd *next;        /* pending / completion list */
    struct kscsi_cmd *tnext;       /* timeout list */
} kscsi_cmd;

struct kern_scsi_adapter {
    char name[VMK_MISC_NAME_MAX];
    vmk_Device dev;
    vmk_ScsiAdapter *va;
    bool io_started, gone, stopping;
    bool scanning, scanned;
    bool rescan_pending;           /* a pass was asked for while one ran: run another */
    uint32_t ndeletes;             /* paths announced gone, handled by the next pass */
    struct { int32_t channel, target, lun; } deletes[16];
    uint64_t serial;
    kscsi_path *paths;
    kscsi_cmd *outstanding;        /* ACTIVE and ABANDONED, issue order */
    kscsi_cmd *pending, **pending_tail;
    kscsi_cmd *done, **done_tail;  /* handed back, not yet completed */
    kscsi_cmd *timeouts, **timeouts_tail;
    uint32_t active;               /* ACTIVE + COMPLETING: what counts against queueDepth */
    kern_scsi_adapter_counters ctr;
    kern_tworld *world;            /* the completion / error-handling world */
    sim_event *ev;
    bool worker_waiting, worker_running;
    bool worker_in_world;          /* the worker has entered a->world and not left it yet */
    char world_name[48];
    struct kern_scsi_adapter *next;
};

/* adapter.c */
bool kscsi_adapter_live(const kern_scsi_adapter *a);
void kscsi_worker_kick(kern_scsi_adapter *a, sim_time_t when);
const kern_scsi_params *kscsi_params(void);
/* Calls into driver code with its module pushed (module_id_switch), in the current world or the
 * adapter's world when none is entered. */
typedef kern_module_call kscsi_call;   /* kernel_model/module/module_call.h */
bool kscsi_call_begin(kscsi_call *c, kern_scsi_adapter *a, const char *what);
void kscsi_call_end(kscsi_call *c, const char *what);

/* command.c */
void kscsi_worker_run(kern_scsi_adapter *a);     /* completions, timeouts, pending issues */
bool kscsi_worker_has_work(const kern_scsi_adapter *a);
void kscsi_fail_all(kern_scsi_adapter *a, vmk_ScsiHostStatus host);   /* teardown */
void kscsi_zombies_free(void);   /* commands of adapters gone, never completed (layer reset) */
kscsi_path *kscsi_path_find(kern_scsi_adapter *a, uint32_t c, uint32_t t, uint32_t l);

/* watch.c: a watched command ended (r carries its final status); counts it once. */
void kscsi_watch_end(kscsi_cmd *c, const kern_scsi_req *r);

/* discover.c */
void kscsi_scan_start(kern_scsi_adapter *a);
void kscsi_disks_drop(kern_scsi_adapter *a);     /* the adapter goes away */
void kscsi_paths_destroy(kern_scsi_adapter *a);
void kscsi_disks_reset(void);

#endif
