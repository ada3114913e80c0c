/* traffic.h — a traffic source and a verifying sink for the wire. The source sends count frames
 * of a fixed size at a rate; each frame carries a sequence number, a payload generated from a
 * seeded sim_rng stream and a CRC-32 over it, so the sink can verify every byte, the order, and
 * count what is missing, late or corrupt. Frame layout (all multi-byte fields big-endian):
 *   0 dst MAC, 6 src MAC, 12 EtherType 0x88B5 (IEEE 802 local experimental 1),
 *   14 magic "VMKT", 18 stream id (4), 22 sequence (8), 30 payload CRC-32 (4), 34 payload ... */
#ifndef VMKSIM_WIRE_TRAFFIC_H
#define VMKSIM_WIRE_TRAFFIC_H

#include "devices/wire/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WIRE_TRAFFIC_ETHERTYPE 0x88B5u   /* IEEE Std 802 local experimental EtherType 1 */
#define WIRE_TRAFFIC_HDR_BYTES 34u
#define WIRE_TRAFFIC_MIN_FRAME 60u       /* 64 B minimum minus FCS (802.3 cl. 4.2.3.3) */

typedef struct wire_traffic_params {
    uint8_t dst[6], src[6];
    uint32_t stream_id;
    size_t frame_len;          /* bytes without FCS, WIRE_TRAFFIC_MIN_FRAME..WIRE_MAX_FRAME_BYTES */
    uint64_t count;            /* frames to send */
    uint64_t frames_per_s;     /* 0: back to back at the port's wire speed */
    uint64_t seed;             /* payloads: a function of (seed, stream_id, sequence) only */
} wire_traffic_params;

/* Fills frame (params->frame_len bytes) for sequence seq. */
void wire_traffic_build(const wire_traffic_params *params, uint64_t seq, uint8_t *frame);

/* ---- source: a sim thread sending through port p ---- */
typedef struct wire_traffic_source wire_traffic_source;
int wire_traffic_source_start(const wire_traffic_params *params, wire_port *p,
                              wire_traffic_source **out, sim_err *err);
uint64_t wire_traffic_source_sent(const wire_traffic_source *s);
bool wire_traffic_source_done(const wire_traffic_source *s);
sim_time_t wire_traffic_source_last_end(const wire_traffic_source *s);  /* last serialisation end */
void wire_traffic_source_free(wire_traffic_source *s);

/* ---- sink: verifies the frames arriving at a port (or handed to it by a NIC test) ---- */
typedef struct wire_traffic_sink_stats {
    uint64_t received;        /* frames with the traffic magic and matching stream */
    uint64_t good;            /* payload and CRC correct (in order or not) */
    uint64_t corrupt;         /* CRC or payload mismatch, or wrong length */
    uint64_t reordered;       /* arrived after a later sequence number */
    uint64_t duplicates;      /* a sequence number seen twice */
    uint64_t missing;         /* sequence numbers skipped and not (yet) seen */
    uint64_t foreign;         /* frames that are not this stream's */
    uint64_t next_seq;        /* the sequence number expected next */
} wire_traffic_sink_stats;

typedef struct wire_traffic_sink wire_traffic_sink;
/* Verifies against params (stream id, seed, frame length; count bounds the sequence space). */
int wire_traffic_sink_new(const wire_traffic_params *params, wire_traffic_sink **out, sim_err *err);
/* Sets p's receive to the sink. */
void wire_traffic_sink_attach(wire_traffic_sink *k, wire_port *p);
/* Verifies one frame (what the attached port's receive does). */
void wire_traffic_sink_check(wire_traffic_sink *k, const uint8_t *frame, size_t len);
wire_traffic_sink_stats wire_traffic_sink_get_stats(const wire_traffic_sink *k);
/* Frames of the expected count that never arrived intact: count - good. */
uint64_t wire_traffic_sink_lost(const wire_traffic_sink *k);
void wire_traffic_sink_free(wire_traffic_sink *k);

#ifdef __cplusplus
}
#endif
#endif
