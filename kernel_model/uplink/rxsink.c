/* rxsink.c — the RX sink: an uplink's receiver that verifies each delivered frame with the
 * traffic sink of devices/wire/traffic.h (sequence order, seeded payload, CRC-32: good, corrupt,
 * reordered, duplicate, missing, foreign), records wire arrival → delivery latency when it is told
 * the arrival times, and releases the packet. Rules: docs/uplink.md "RX sink". */
#include <stdlib.h>
#include <string.h>

#include "kernel_model/uplink/uplink_internal.h"
#include "sim/sim.h"

struct kern_rxsink {
    kern_rxsink_params p;
    wire_traffic_sink *verify;
    result_latency *lat;
    vmk_Uplink uplink;
    uint64_t delivered, bytes;
};

/* Traffic frame fields (devices/wire/traffic.h): magic at 14, sequence (8 bytes, big-endian) at
 * 22. */
static bool frame_seq(const uint8_t *f, size_t len, uint64_t *seq)
{
    if (len < WIRE_TRAFFIC_HDR_BYTES || memcmp(f + 14, "VMKT", 4) != 0)
        return false;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | f[22 + i];
    *seq = v;
    return true;
}

static void on_rx(void *ctx, vmk_Uplink u, vmk_PktHandle *pkt, sim_time_t when)
{
    (void)u;
    kern_rxsink *k = ctx;
    k->delivered++;
    k->bytes += pkt->frame_len;
    uint64_t good_before = wire_traffic_sink_get_stats(k->verify).good;
    wire_traffic_sink_check(k->verify, pkt->buf, pkt->frame_len);
    uint64_t seq;
    if (k->p.arrival && wire_traffic_sink_get_stats(k->verify).good > good_before &&
        frame_seq(pkt->buf, pkt->frame_len, &seq)) {
        sim_time_t arrived = k->p.arrival(k->p.arrival_ctx, seq);
        result_latency_record(k->lat, when >= arrived ? when - arrived : 0);
    }
    vmk_PktRelease(pkt);
}

int kern_rxsink_new(const kern_rxsink_params *p, kern_rxsink **out, sim_err *err)
{
    *out = NULL;
    kern_rxsink *k = calloc(1, sizeof *k);
    if (!k)
        return sim_err_set(err, "rx sink: out of memory");
    k->p = *p;
    if (wire_traffic_sink_new(&p->traffic, &k->verify, err) != 0) {
        free(k);
        return -1;
    }
    k->lat = result_latency_new();
    if (!k->lat) {
        wire_traffic_sink_free(k->verify);
        free(k);
        return sim_err_set(err, "rx sink: out of memory");
    }
    *out = k;
    return 0;
}

void kern_rxsink_attach(kern_rxsink *k, vmk_Uplink u)
{
    if (kupl_uplink_live(k->uplink) && k->uplink->rx_ctx == k)
        kern_uplink_set_rx(k->uplink, NULL, NULL);
    k->uplink = u;
    kern_uplink_set_rx(u, on_rx, k);
}

void kern_rxsink_get_stats(const kern_rxsink *k, kern_rxsink_stats *out)
{
    memset(out, 0, sizeof *out);
    out->delivered = k->delivered;
    out->bytes = k->bytes;
    out->verify = wire_traffic_sink_get_stats(k->verify);
    out->lost = wire_traffic_sink_lost(k->verify);
}

const result_latency *kern_rxsink_latency(const kern_rxsink *k)
{
    return k->lat;
}

void kern_rxsink_free(kern_rxsink *k)
{
    if (!k)
        return;
    if (kupl_uplink_live(k->uplink) && k->uplink->rx_ctx == k)
        kern_uplink_set_rx(k->uplink, NULL, NULL);
    wire_traffic_sink_free(k->verify);
    result_latency_free(k->lat);
    free(k);
}
