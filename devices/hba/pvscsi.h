/* pvscsi.h — the PVSCSI controller's behaviour (pvscsi.c: registers and commands; pvscsi_rings.c:
 * request, completion and message rings) and the API the simulator uses on it: attach/detach
 * SCSI targets at run time (posted as message-ring notices), timing parameters, counters.
 * Interface: pvscsi_regs.h; behaviour and timing rationale: docs/hba.md. */
#ifndef VMKSIM_PVSCSI_H
#define VMKSIM_PVSCSI_H

#include <stdint.h>

#include "devices/disk/scsi_disk.h"
#include "devices/pcie/pci_access.h"
#include "sim/err.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVSCSI_MAX_TARGETS 64           /* target ids 0..63 on bus 0 */

typedef struct pvscsi pvscsi;

/* Device-side processing time, charged in the device's own threads (docs/hba.md "Timing"). */
typedef struct pvscsi_timing {
    sim_time_t cmd_latency;         /* a command-register command (setup, abort, reset) */
    sim_time_t req_latency;         /* decoding one request descriptor and dispatching it */
    sim_time_t sg_elem_latency;     /* checking one scatter-gather element */
    sim_time_t cmp_latency;         /* building one completion descriptor */
    sim_time_t ring_full_retry;     /* re-reading a full completion/message ring's consumer */
    uint64_t max_xfer;              /* largest dataLen accepted (bounce buffer), bytes */
} pvscsi_timing;

pvscsi_timing pvscsi_timing_default(void);

typedef struct pvscsi_stats {
    uint64_t kicks, requests, completions, interrupts, messages;
    uint64_t aborted, reset, seltimeo, invparam, dataruns, check_conditions;
    uint64_t dropped_by_adapter_reset;   /* in flight when the driver reset the adapter */
    uint64_t ring_full_waits;
} pvscsi_stats;

/* The controller behind an endpoint of model "pvscsi" (NULL for another model). */
pvscsi *pvscsi_of(pcie_endpoint *ep);
void pvscsi_set_timing(pvscsi *h, const pvscsi_timing *t);
const pvscsi_stats *pvscsi_get_stats(const pvscsi *h);
unsigned pvscsi_inflight(const pvscsi *h);

/* Attaches t as target id (the controller owns it from then on) and, if the message ring is set
 * up, posts PVSCSI_MSG_DEV_ADDED. Fails for a bad or taken id. Callable before or during a run. */
int pvscsi_attach_target(pvscsi *h, unsigned id, scsi_target *t, sim_err *err);
/* Detaches target id and returns it (the caller owns it again); its requests in flight complete
 * with BTSTAT_SELTIMEO and PVSCSI_MSG_DEV_REMOVED is posted. NULL if no such target. */
scsi_target *pvscsi_detach_target(pvscsi *h, unsigned id);
scsi_target *pvscsi_target(pvscsi *h, unsigned id);

#ifdef __cplusplus
}
#endif
#endif
