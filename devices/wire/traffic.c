/* traffic.c — the seeded traffic source and the verifying sink described in traffic.h. Payload
 * bytes come from a sim_rng seeded by (seed, stream, sequence), so the sink regenerates them
 * independently of arrival order; the CRC-32 is IEEE 802.3's (wire_crc32). */
#include "devices/wire/traffic.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t traffic_magic[4] = { 'V', 'M', 'K', 'T' };

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void traffic_payload(const wire_traffic_params *pr, uint64_t seq, uint8_t *out, size_t n)
{
    sim_rng rng;
    /* golden-ratio multipliers spread stream and sequence over the seed's bits */
    sim_rng_seed(&rng, pr->seed ^ (seq * 0x9E3779B97F4A7C15ull) ^
                           ((uint64_t)pr->stream_id * 0xC2B2AE3D27D4EB4Full));
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = sim_rng_next(&rng);
        for (size_t j = 0; j < 8 && i + j < n; j++, v >>= 8)
            out[i + j] = (uint8_t)v;
    }
}

void wire_traffic_build(const wire_traffic_params *pr, uint64_t seq, uint8_t *f)
{
    size_t n = pr->frame_len - WIRE_TRAFFIC_HDR_BYTES;
    memcpy(f, pr->dst, 6);
    memcpy(f + 6, pr->src, 6);
    put_be(f + 12, WIRE_TRAFFIC_ETHERTYPE, 2);
    memcpy(f + 14, traffic_magic, 4);
    put_be(f + 18, pr->stream_id, 4);
    put_be(f + 22, seq, 8);
    traffic_payload(pr, seq, f + WIRE_TRAFFIC_HDR_BYTES, n);
    put_be(f + 30, wire_crc32(f + WIRE_TRAFFIC_HDR_BYTES, n), 4);
}

static int traffic_check_params(const wire_traffic_params *pr, sim_err *err)
{
    if (pr->frame_len < WIRE_TRAFFIC_MIN_FRAME || pr->frame_len > WIRE_MAX_FRAME_BYTES)
        return sim_err_set(err, "traffic stream %u: frame_len %zu (expected %u..%u bytes without FCS)",
                           pr->stream_id, pr->frame_len, WIRE_TRAFFIC_MIN_FRAME, WIRE_MAX_FRAME_BYTES);
    if (pr->frames_per_s > SIM_SEC)
        return sim_err_set(err, "traffic stream %u: rate %llu frames/s above 1e12", pr->stream_id,
                           (unsigned long long)pr->frames_per_s);
    return 0;
}

/* ---- source ---- */

struct wire_traffic_source {
    wire_traffic_params pr;
    wire_port *port;
    uint8_t *frame;
    uint64_t sent;
    sim_time_t last_end;
    bool done;
};

static void traffic_source_thread(void *arg)
{
    wire_traffic_source *s = arg;
    sim_time_t start = sim_now();
    sim_time_t interval = s->pr.frames_per_s ? SIM_SEC / s->pr.frames_per_s : 0;
    for (uint64_t seq = 0; seq < s->pr.count; seq++) {
        sim_time_t due = start + seq * interval;
        sim_time_t free_at = wire_port_tx_free_at(s->port);
        if (due < free_at)
            due = free_at;
        if (due > sim_now())
            sim_wait(due - sim_now());
        wire_traffic_build(&s->pr, seq, s->frame);
        wire_frame fr = { s->frame, s->pr.frame_len, true };
        sim_err err;
        sim_time_t end = wire_port_send(s->port, &fr, &err);
        if (end == 0) {
            sim_log(SIM_LOG_ERROR, wire_port_name(s->port), "traffic source: %s", err.msg);
            break;
        }
        s->last_end = end;
        s->sent++;
    }
    s->done = true;
}

int wire_traffic_source_start(const wire_traffic_params *params, wire_port *p,
                              wire_traffic_source **out, sim_err *err)
{
    *out = NULL;
    if (traffic_check_params(params, err) < 0)
        return -1;
    wire_traffic_source *s = calloc(1, sizeof *s);
    uint8_t *frame = malloc(params->frame_len);
    if (!s || !frame) {
        free(s);
        free(frame);
        return sim_err_set(err, "traffic stream %u: out of memory", params->stream_id);
    }
    s->pr = *params;
    s->port = p;
    s->frame = frame;
    sim_thread_spawn("wire.traffic_source", traffic_source_thread, s);
    *out = s;
    return 0;
}

uint64_t wire_traffic_source_sent(const wire_traffic_source *s) { return s->sent; }
bool wire_traffic_source_done(const wire_traffic_source *s) { return s->done; }
sim_time_t wire_traffic_source_last_end(const wire_traffic_source *s) { return s->last_end; }

void wire_traffic_source_free(wire_traffic_source *s)
{
    if (!s)
        return;
    sim_cancel_owner(s);
    free(s->frame);
    free(s);
}

/* ---- sink ---- */

struct wire_traffic_sink {
    wire_traffic_params pr;
    uint8_t *seen;            /* one bit per sequence number < count */
    uint8_t *expect;          /* scratch: the frame as it should be */
    wire_traffic_sink_stats st;
};

int wire_traffic_sink_new(const wire_traffic_params *params, wire_traffic_sink **out, sim_err *err)
{
    *out = NULL;
    if (traffic_check_params(params, err) < 0)
        return -1;
    if (params->count > (1ull << 32))
        return sim_err_set(err, "traffic stream %u: count %llu above 2^32", params->stream_id,
                           (unsigned long long)params->count);
    wire_traffic_sink *k = calloc(1, sizeof *k);
    if (!k)
        return sim_err_set(err, "traffic stream %u: out of memory", params->stream_id);
    k->pr = *params;
    k->seen = calloc((size_t)(params->count / 8 + 1), 1);
    k->expect = malloc(params->frame_len);
    if (!k->seen || !k->expect) {
        wire_traffic_sink_free(k);
        return sim_err_set(err, "traffic stream %u: out of memory", params->stream_id);
    }
    *out = k;
    return 0;
}

void wire_traffic_sink_check(wire_traffic_sink *k, const uint8_t *f, size_t len)
{
    if (len < WIRE_TRAFFIC_HDR_BYTES || get_be(f + 12, 2) != WIRE_TRAFFIC_ETHERTYPE ||
        memcmp(f + 14, traffic_magic, 4) != 0 || get_be(f + 18, 4) != k->pr.stream_id) {
        k->st.foreign++;
        return;
    }
    k->st.received++;
    uint64_t seq = get_be(f + 22, 8);
    if (seq >= k->pr.count) {
        k->st.corrupt++;   /* a sequence number the source never sends */
        return;
    }
    if (k->seen[seq / 8] & (1u << (seq % 8))) {
        k->st.duplicates++;
        return;
    }
    k->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
    if (seq < k->st.next_seq) {
        k->st.reordered++;
        k->st.missing--;
    } else {
        k->st.missing += seq - k->st.next_seq;
        k->st.next_seq = seq + 1;
    }
    if (len != k->pr.frame_len) {
        k->st.corrupt++;
        return;
    }
    size_t n = len - WIRE_TRAFFIC_HDR_BYTES;
    wire_traffic_build(&k->pr, seq, k->expect);
    if (get_be(f + 30, 4) != wire_crc32(f + WIRE_TRAFFIC_HDR_BYTES, n) ||
        memcmp(f, k->expect, len) != 0) {
        k->st.corrupt++;
        return;
    }
    k->st.good++;
}

static void traffic_sink_rx(void *ctx, wire_port *p, const wire_frame *frame)
{
    (void)p;
    wire_traffic_sink *k = ctx;
    if (!frame->fcs_ok) {
        k->st.received++;
        k->st.corrupt++;
        return;
    }
    wire_traffic_sink_check(k, frame->data, frame->len);
}

void wire_traffic_sink_attach(wire_traffic_sink *k, wire_port *p)
{
    wire_port_set_rx(p, traffic_sink_rx, k);
}

wire_traffic_sink_stats wire_traffic_sink_get_stats(const wire_traffic_sink *k) { return k->st; }

uint64_t wire_traffic_sink_lost(const wire_traffic_sink *k) { return k->pr.count - k->st.good; }

void wire_traffic_sink_free(wire_traffic_sink *k)
{
    if (!k)
        return;
    free(k->seen);
    free(k->expect);
    free(k);
}
