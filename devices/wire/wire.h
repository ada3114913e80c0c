/* wire.h — the Ethernet wire between a NIC port and a backend (loopback, traffic source/sink,
 * pcap reader, pcap writer tap). A port serialises the frames it transmits one after another at
 * its wire speed, counting the IEEE 802.3 framing overhead (cl. 3.1.1 / 4.2.3: preamble + SFD
 * 8 B, FCS 4 B, minimum frame 64 B incl. FCS, inter-frame gap 12 B), and a link delivers each
 * frame to the peer port's receive when its last bit has arrived. */
#ifndef VMKSIM_WIRE_H
#define VMKSIM_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* IEEE 802.3 framing (cl. 3.1.1 frame format, cl. 4.4.2 interFrameGap = 96 bit times). */
#define WIRE_PREAMBLE_SFD_BYTES 8u
#define WIRE_IFG_BYTES          12u
#define WIRE_FCS_BYTES          4u
#define WIRE_MIN_FRAME_BYTES    64u   /* incl. FCS */
#define WIRE_OVERHEAD_BYTES     (WIRE_PREAMBLE_SFD_BYTES + WIRE_IFG_BYTES)
/* Largest frame a port accepts, without FCS: a 9000-byte jumbo payload + 14 B header + 4 B tag. */
#define WIRE_MAX_FRAME_BYTES    9018u

/* Frames on the wire are carried without their FCS (as in a linktype-1 capture); the FCS is
 * always counted in the timing. fcs_ok false marks a frame whose FCS the sender got wrong (a NIC
 * sending with IFCS clear and a bad software FCS); a receiver counts it as a CRC error. */
typedef struct wire_frame {
    const uint8_t *data;
    size_t len;           /* bytes without FCS, 1..WIRE_MAX_FRAME_BYTES */
    bool fcs_ok;
} wire_frame;

typedef struct wire_port wire_port;

/* Called when a frame has fully arrived at a port (at the time its last bit arrives). The frame's
 * bytes are valid for the duration of the call only. */
typedef void (*wire_rx_fn)(void *ctx, wire_port *port, const wire_frame *frame);
/* A tap sees every frame a port transmits, at the time its first bit goes on the wire. */
typedef void (*wire_tap_fn)(void *ctx, wire_port *port, sim_time_t start, const wire_frame *frame);

/* Wire speeds a port accepts, in Gbit/s. */
bool wire_speed_valid(int gbps);

/* Bytes on the wire for a frame of len bytes without FCS: max(len + FCS, 64) + preamble/SFD + IFG. */
uint64_t wire_bytes_on_wire(size_t len);
/* Serialisation time of a frame of frame_len bytes INCLUDING FCS (padded to the 64 B minimum),
 * plus preamble/SFD and IFG, at gbps: (max(frame_len, 64) + 20) * 8 / gbps. Exact in ps for the
 * supported speeds. */
sim_time_t wire_serialize_ps(size_t frame_len_with_fcs, int gbps);

/* A port; name is copied (at most 47 characters). rx may be NULL (frames arriving are counted
 * and discarded). Ports are registered by name for wire_port_find until freed; names need not be
 * unique (two fabrics built from one platform), wire_port_find returns the newest. */
int wire_port_new(const char *name, int gbps, wire_port **out, sim_err *err);
void wire_port_free(wire_port *p);   /* disconnects it first */
void wire_port_set_rx(wire_port *p, wire_rx_fn rx, void *ctx);
int wire_port_set_speed(wire_port *p, int gbps, sim_err *err);
int wire_port_speed(const wire_port *p);
const char *wire_port_name(const wire_port *p);
wire_port *wire_port_find(const char *name);
/* Up to 4 taps per port, called in the order added. Returns -1 with err when full. */
int wire_port_add_tap(wire_port *p, wire_tap_fn fn, void *ctx, sim_err *err);
void wire_port_remove_tap(wire_port *p, wire_tap_fn fn, void *ctx);

/* Transmits a frame: it is serialised after every frame the port already queued, the taps see it
 * at its start time, and the peer (if connected, see loopback.c) receives a copy after the
 * serialisation end plus the link's propagation delay. With no peer, the frame is counted as
 * dropped at the port. Returns the simulated time at which its serialisation ends (the time a
 * transmitter waits for before sending the next frame at wire speed), or 0 with err set for a
 * frame of bad length. */
sim_time_t wire_port_send(wire_port *p, const wire_frame *frame, sim_err *err);
/* When the transmitter is idle again (>= now). */
sim_time_t wire_port_tx_free_at(const wire_port *p);

typedef struct wire_port_stats {
    uint64_t tx_frames, tx_bytes;      /* bytes without FCS */
    uint64_t rx_frames, rx_bytes;
    uint64_t tx_unconnected;           /* frames sent with no peer (dropped) */
} wire_port_stats;
wire_port_stats wire_port_get_stats(const wire_port *p);

/* ---- links (loopback.c): a full-duplex cable between two ports, or a port and itself ---- */
typedef struct wire_link wire_link;
/* Connects a and b (b == a: the port receives what it sends). Each port may be in one link.
 * propagation_ps: cable delay (5 ns/m in copper or fibre, ~0.66 c). */
int wire_link_new(wire_port *a, wire_port *b, sim_time_t propagation_ps, wire_link **out,
                  sim_err *err);
/* Frames still in flight are discarded (counted in the link's stats). */
void wire_link_free(wire_link *l);
uint64_t wire_link_discarded(const wire_link *l);

/* ---- internal between wire.c and loopback.c ---- */
typedef void (*wire_deliver_fn)(void *link, wire_port *from, sim_time_t arrive,
                                const wire_frame *frame);
void wire_port_attach_(wire_port *p, wire_deliver_fn fn, void *link);
void wire_port_receive_(wire_port *p, const wire_frame *frame);
void wire_link_detach_(void *link, wire_port *p);
bool wire_port_linked_(const wire_port *p);

/* IEEE 802.3 CRC-32 (cl. 3.2.9) over data, as transmitted in the FCS (little-endian on the
 * wire: the FCS bytes are crc & 0xff, (crc >> 8) & 0xff, ...). */
uint32_t wire_crc32(const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
