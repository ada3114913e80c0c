/* txload.c — the TX workload: a sim thread in its own world that builds packets in the traffic
 * format of devices/wire/traffic.h (sequence, seeded payload, CRC-32, so the far side verifies
 * every byte), hands them to an uplink in lists of up to `batch` through kern_uplink_tx, paced at a
 * rate or back to back with at most `window` packets in flight, and records each packet's
 * outcome and its submit → completion latency. Rules: docs/uplink.md "TX workload". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/uplink/uplink_internal.h"
#include "sim/sim.h"

struct kern_txload {
    kern_txload_params p;
    char world_name[48];
    kern_tworld *world;
    sim_event *ev;                  /* a packet of this workload ended */
    result_latency *lat;
    kern_txload_stats st;
    bool waiting, sent_all, running;
};

uint64_t kern_txload_lost(const kern_txload_stats *s)
{
    return s->issued - s->completed - s->failed - s->dropped;
}

static void on_done(void *ctx, vmk_PktHandle *pkt, kern_pkt_outcome oc, sim_time_t when)
{
    kern_txload *l = ctx;
    l->st.in_flight--;
    switch (oc) {
    case KERN_PKT_COMPLETED:
        l->st.completed++;
        l->st.bytes_completed += pkt->frame_len;
        result_latency_record(l->lat, when >= pkt->stamp ? when - pkt->stamp : 0);
        break;
    case KERN_PKT_DROPPED:
        l->st.dropped++;
        break;
    case KERN_PKT_FAILED:
        l->st.failed++;
        break;
    }
    if (when > l->st.last_end)
        l->st.last_end = when;
    if (l->waiting) {
        sim_time_t now = sim_now();
        sim_event_notify(l->ev, when > now ? when - now : 0);
    }
}

/* Blocks (in the workload's world) until fewer than limit packets are in flight. */
static void wait_in_flight_below(kern_txload *l, uint64_t limit)
{
    while (l->st.in_flight >= limit) {
        kern_world_sync();   /* no wait may hide a completion's notification below */
        if (l->st.in_flight < limit)
            break;
        l->waiting = true;
        kern_world_wait_event(l->ev);
        l->waiting = false;
    }
}

static void txload_thread(void *arg)
{
    kern_txload *l = arg;
    const wire_traffic_params *tp = &l->p.traffic;
    kern_tworld_enter(l->world);
    sim_time_t start = kern_tworld_local_time(l->world);
    sim_time_t interval = tp->frames_per_s ? SIM_SEC / tp->frames_per_s : 0;
    uint64_t seq = 0;
    while (seq < tp->count) {
        if (interval) {
            sim_time_t due = start + seq * interval, lt = kern_tworld_local_time(l->world);
            if (lt < due)
                kern_world_wait(due - lt);
        }
        wait_in_flight_below(l, l->p.window);
        VMK_PKTLIST_STACK_DEF_INIT(list);
        uint32_t n = 0;
        while (n < l->p.batch && seq < tp->count && l->st.in_flight + n < l->p.window) {
            if (interval && n > 0 && start + seq * interval > kern_tworld_local_time(l->world))
                break;   /* the next packet is not due yet */
            vmk_PktHandle *p;
            l->st.issued++;
            if (vmk_PktAlloc(tp->frame_len, &p) != VMK_OK) {
                l->st.alloc_failures++;
                l->st.failed++;
                seq++;
                continue;
            }
            wire_traffic_build(tp, seq, p->buf);
            vmk_PktFrameLenSet(p, (vmk_uint32)tp->frame_len);
            kern_pkt_set_done(p, on_done, l);
            vmk_PktListAppendPkt(list, p);
            n++;
            seq++;
        }
        if (n == 0)
            continue;
        sim_time_t submit = kern_tworld_local_time(l->world);
        for (vmk_PktHandle *p = list->first; p; p = p->next)
            p->stamp = submit;
        if (!l->st.first_submit)
            l->st.first_submit = submit;
        l->st.in_flight += n;
        l->st.tx_calls++;
        kern_uplink_tx(kern_uplink_find(l->p.uplink), list, NULL);
        kern_world_quantum_check();
    }
    /* Everything is issued; what is in flight ends through on_done. The thread does not wait for
     * it, so a packet a driver never completes leaves no blocked thread behind (only lost_ops). */
    kern_world_sync();
    kern_tworld_leave(l->world);
    l->running = false;
    l->sent_all = true;
    sim_log(SIM_LOG_INFO, KERN_UPLINK_LOG, "%s: all %llu issued (%llu in flight)", l->world_name,
            (unsigned long long)l->st.issued, (unsigned long long)l->st.in_flight);
}

int kern_txload_start(const kern_txload_params *p, kern_txload **out, sim_err *err)
{
    *out = NULL;
    if (!p->uplink[0] || !memchr(p->uplink, '\0', sizeof p->uplink))
        return sim_err_set(err, "tx workload: uplink name must be 1..%d characters",
                           VMK_MISC_NAME_MAX - 1);
    const wire_traffic_params *tp = &p->traffic;
    if (tp->frame_len < WIRE_TRAFFIC_MIN_FRAME || tp->frame_len > WIRE_MAX_FRAME_BYTES)
        return sim_err_set(err, "tx workload on %s: frame_len %zu (expected %u..%u bytes without "
                           "FCS)", p->uplink, tp->frame_len, WIRE_TRAFFIC_MIN_FRAME,
                           WIRE_MAX_FRAME_BYTES);
    if (tp->frames_per_s > SIM_SEC)
        return sim_err_set(err, "tx workload on %s: rate %llu frames/s above 1e12", p->uplink,
                           (unsigned long long)tp->frames_per_s);
    if (p->window == 0 || p->batch == 0)
        return sim_err_set(err, "tx workload on %s: window (%u) and batch (%u) must be at least 1",
                           p->uplink, p->window, p->batch);
    kern_txload *l = calloc(1, sizeof *l);
    if (!l)
        return sim_err_set(err, "tx workload on %s: out of memory", p->uplink);
    l->p = *p;
    snprintf(l->world_name, sizeof l->world_name, "txload:%s", p->uplink);
    l->world = kern_tworld_new(l->world_name);
    l->ev = sim_event_new(l->world_name);
    l->lat = result_latency_new();
    if (!l->world || !l->ev || !l->lat) {
        kern_txload_free(l);
        return sim_err_set(err, "tx workload on %s: out of memory", p->uplink);
    }
    l->running = true;
    sim_thread_spawn(l->world_name, txload_thread, l);
    *out = l;
    return 0;
}

bool kern_txload_done(const kern_txload *l)
{
    return l->sent_all && l->st.in_flight == 0;
}

void kern_txload_get_stats(const kern_txload *l, kern_txload_stats *out)
{
    *out = l->st;
}

const result_latency *kern_txload_latency(const kern_txload *l)
{
    return l->lat;
}

void kern_txload_free(kern_txload *l)
{
    if (!l)
        return;
    if (l->running) {
        /* The thread still refers to l: it must finish first (docs/uplink.md). */
        sim_log(SIM_LOG_ERROR, KERN_UPLINK_LOG, "%s: freed while its thread runs; kept",
                l->world_name);
        return;
    }
    kern_pkt_forget_done_ctx(l);
    if (l->world)
        kern_tworld_free(l->world);
    if (l->ev)
        sim_event_free(l->ev);
    result_latency_free(l->lat);
    free(l);
}
