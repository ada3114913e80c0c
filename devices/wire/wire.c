/* wire.c — Ethernet wire ports: per-port transmit serialisation at wire speed with IEEE 802.3
 * framing overhead (cl. 3.1.1, 4.4.2), taps for captures, a name registry for scenarios, and the
 * 802.3 CRC-32 (cl. 3.2.9) the NIC uses for FCS. Delivery to a peer lives in loopback.c. */
#include "devices/wire/wire.h"

#include <stdlib.h>
#include <string.h>

#define WIRE_MAX_TAPS 4
#define WIRE_NAME_LEN 48

struct wire_tap { wire_tap_fn fn; void *ctx; };

struct wire_port {
    char name[WIRE_NAME_LEN];
    int gbps;
    sim_time_t tx_free_at;          /* end of the last queued frame's serialisation */
    wire_rx_fn rx;
    void *rx_ctx;
    struct wire_tap taps[WIRE_MAX_TAPS];
    int ntaps;
    wire_deliver_fn deliver;        /* set by the link the port is in */
    void *link;
    wire_port_stats stats;
    wire_port *next;                /* registry */
};

static wire_port *wire_registry;

bool wire_speed_valid(int gbps)
{
    return gbps == 1 || gbps == 10 || gbps == 25 || gbps == 40 || gbps == 100;
}

uint64_t wire_bytes_on_wire(size_t len)
{
    uint64_t f = (uint64_t)len + WIRE_FCS_BYTES;
    if (f < WIRE_MIN_FRAME_BYTES)
        f = WIRE_MIN_FRAME_BYTES;   /* the MAC pads short frames (802.3 cl. 4.2.3.3) */
    return f + WIRE_OVERHEAD_BYTES;
}

sim_time_t wire_serialize_ps(size_t frame_len_with_fcs, int gbps)
{
    uint64_t f = frame_len_with_fcs < WIRE_MIN_FRAME_BYTES ? WIRE_MIN_FRAME_BYTES
                                                           : (uint64_t)frame_len_with_fcs;
    /* one bit takes 1000/gbps ps: bytes * 8 * 1000 / gbps */
    return (sim_time_t)((f + WIRE_OVERHEAD_BYTES) * 8000u / (uint64_t)gbps);
}

int wire_port_new(const char *name, int gbps, wire_port **out, sim_err *err)
{
    *out = NULL;
    if (!name || !name[0] || strlen(name) >= WIRE_NAME_LEN)
        return sim_err_set(err, "wire port name '%s' must be 1..%d characters", name ? name : "",
                           WIRE_NAME_LEN - 1);
    if (!wire_speed_valid(gbps))
        return sim_err_set(err, "wire port '%s': speed %d Gbit/s not supported (1, 10, 25, 40, 100)",
                           name, gbps);
    wire_port *p = calloc(1, sizeof *p);
    if (!p)
        return sim_err_set(err, "wire port '%s': out of memory", name);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->gbps = gbps;
    p->next = wire_registry;
    wire_registry = p;
    *out = p;
    return 0;
}

void wire_port_free(wire_port *p)
{
    if (!p)
        return;
    for (wire_port **pp = &wire_registry; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    if (p->link)
        wire_link_detach_(p->link, p);   /* the link stops delivering to or from this port */
    free(p);
}

wire_port *wire_port_find(const char *name)
{
    for (wire_port *p = wire_registry; p; p = p->next)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

void wire_port_set_rx(wire_port *p, wire_rx_fn rx, void *ctx)
{
    p->rx = rx;
    p->rx_ctx = ctx;
}

int wire_port_set_speed(wire_port *p, int gbps, sim_err *err)
{
    if (!wire_speed_valid(gbps))
        return sim_err_set(err, "wire port '%s': speed %d Gbit/s not supported (1, 10, 25, 40, 100)",
                           p->name, gbps);
    p->gbps = gbps;
    return 0;
}

int wire_port_speed(const wire_port *p) { return p->gbps; }
const char *wire_port_name(const wire_port *p) { return p->name; }
wire_port_stats wire_port_get_stats(const wire_port *p) { return p->stats; }

int wire_port_add_tap(wire_port *p, wire_tap_fn fn, void *ctx, sim_err *err)
{
    if (p->ntaps >= WIRE_MAX_TAPS)
        return sim_err_set(err, "wire port '%s': at most %d taps", p->name, WIRE_MAX_TAPS);
    p->taps[p->ntaps].fn = fn;
    p->taps[p->ntaps].ctx = ctx;
    p->ntaps++;
    return 0;
}

void wire_port_remove_tap(wire_port *p, wire_tap_fn fn, void *ctx)
{
    for (int i = 0; i < p->ntaps; i++)
        if (p->taps[i].fn == fn && p->taps[i].ctx == ctx) {
            memmove(&p->taps[i], &p->taps[i + 1], (size_t)(p->ntaps - i - 1) * sizeof p->taps[0]);
            p->ntaps--;
            return;
        }
}

sim_time_t wire_port_tx_free_at(const wire_port *p)
{
    sim_time_t now = sim_now();
    return p->tx_free_at > now ? p->tx_free_at : now;
}

sim_time_t wire_port_send(wire_port *p, const wire_frame *frame, sim_err *err)
{
    if (frame->len == 0 || frame->len > WIRE_MAX_FRAME_BYTES) {
        sim_err_set(err, "wire port '%s': frame of %zu bytes (1..%u without FCS)", p->name,
                    frame->len, WIRE_MAX_FRAME_BYTES);
        return 0;
    }
    sim_time_t start = wire_port_tx_free_at(p);
    sim_time_t end = start + wire_serialize_ps(frame->len + WIRE_FCS_BYTES, p->gbps);
    p->tx_free_at = end;
    p->stats.tx_frames++;
    p->stats.tx_bytes += frame->len;
    for (int i = 0; i < p->ntaps; i++)
        p->taps[i].fn(p->taps[i].ctx, p, start, frame);
    if (p->deliver)
        p->deliver(p->link, p, end, frame);
    else
        p->stats.tx_unconnected++;
    return end;
}

void wire_port_attach_(wire_port *p, wire_deliver_fn fn, void *link)
{
    p->deliver = fn;
    p->link = link;
}

bool wire_port_linked_(const wire_port *p) { return p->link != NULL; }

void wire_port_receive_(wire_port *p, const wire_frame *frame)
{
    p->stats.rx_frames++;
    p->stats.rx_bytes += frame->len;
    if (p->rx)
        p->rx(p->rx_ctx, p, frame);
}

uint32_t wire_crc32(const uint8_t *data, size_t len)
{
    /* reflected CRC-32, generator 0x04C11DB7 (802.3 cl. 3.2.9), computed a nibble at a time */
    static const uint32_t nib[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
        0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
        0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
    };
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        crc = (crc >> 4) ^ nib[crc & 0xF];
        crc = (crc >> 4) ^ nib[crc & 0xF];
    }
    return ~crc;
}
