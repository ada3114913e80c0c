/* watch.c — in-flight accounting of an adapter's commands for the hot-plug handler
 * (docs/hotplug.md "In flight"): which commands were outstanding when an event began, and how
 * each ended. command.c calls kscsi_watch_end wherever a request ends. */
#include "kernel_model/scsi/scsi_internal.h"
#include "sim/sim.h"

/* The latest a command started now can end by the layer's own escalation: its timeout, then
 * abort, device reset and bus reset, each waiting tm_timeout_ms, then given up. */
static sim_time_t escalation_ps(const kscsi_cmd *c)
{
    const kern_scsi_params *p = kscsi_params();
    return ((sim_time_t)c->vc.timeoutMs + 3 * (sim_time_t)p->tm_timeout_ms) * SIM_MS;
}

static void watch_one(kscsi_cmd *c, kern_scsi_watch *w, sim_time_t latest)
{
    if (c->watch || !c->req)
        return;   /* watched elsewhere, or already given up (it ended then) */
    c->watch = w;
    w->issued++;
    if (w->settle_ps < latest)
        w->settle_ps = latest;
}

void kern_scsi_watch_adapter(kern_scsi_adapter *a, kern_scsi_watch *w)
{
    if (!kscsi_adapter_live(a) || !w)
        return;
    sim_time_t now = sim_now();
    for (kscsi_cmd *c = a->outstanding; c; c = c->onext)
        if (c->state == KSCSI_ACTIVE || c->state == KSCSI_COMPLETING)
            watch_one(c, w, now + escalation_ps(c));
    /* A waiting command starts only when one in the driver ends: after it, at the latest. */
    sim_time_t after = w->settle_ps > now ? w->settle_ps : now;
    for (kscsi_cmd *c = a->pending; c; c = c->next)
        watch_one(c, w, after + escalation_ps(c));
}

void kern_scsi_unwatch(kern_scsi_watch *w)
{
    for (size_t i = 0; i < kern_scsi_adapter_count(); i++) {
        kern_scsi_adapter *a = kern_scsi_adapter_at(i);
        for (kscsi_cmd *c = a->outstanding; c; c = c->onext)
            if (c->watch == w)
                c->watch = NULL;
        for (kscsi_cmd *c = a->pending; c; c = c->next)
            if (c->watch == w)
                c->watch = NULL;
    }
}

void kscsi_watch_end(kscsi_cmd *c, const kern_scsi_req *r)
{
    kern_scsi_watch *w = c->watch;
    if (!w)
        return;
    c->watch = NULL;
    if (kern_scsi_req_ok(r))
        w->completed++;
    else
        w->failed++;
    if (w->wake)
        sim_event_notify(w->wake, 0);
}
