/* scn_netrun.c — measured NIC runs from a scenario (docs/scenarios.md "NIC workloads",
 * docs/results.md "Reading a NIC run"): tx{} pushes the uplink layer's TX workload through the
 * NIC's driver and verifies every frame where the cable delivers it; rx{} sends a seeded traffic
 * stream from a generator port into the NIC and verifies what the driver delivers. Each run adds
 * one run to the scenario's result (sim/result/result.h) with cycles from the timing model
 * (kernel_model/timing/timing.h), the fabric's MMIO/DMA counters, interrupts and allocations. */
#include <stdlib.h>
#include <string.h>

#include "devices/wire/pcap.h"
#include "devices/wire/traffic.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/timing/timing.h"
#include "sim/scenario/scn_net.h"

#define SCN_RUN_LOG "scenario.net"
/* After the last frame left the sender, how long the receiver may go without delivering a frame
 * before the missing ones count as lost: far above a NetPoll period under interrupt moderation
 * (ITR 16 µs) and a full 256-entry ring's DMA on a Gen1 x1 link. While frames keep arriving
 * (a receive FIFO backed up behind a slow link drains for a millisecond or more), it restarts. */
#define SCN_DRAIN_PS (1 * SIM_MS)
/* Source MAC of the frames a run sends: locally administered (IEEE 802 bit 1 of octet 0). */
static const uint8_t scn_src_mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};

typedef enum { RUN_TX, RUN_RX } run_kind;

/* A run's parameters, all checked before anything is set up. */
typedef struct run_args {
    run_kind kind;
    scn_nic *nic;
    size_t frame_size;        /* RFC 2544 §9: Ethernet frame incl. FCS, 64..1518 */
    uint64_t count;
    uint64_t rate_bps;        /* 0: back to back */
    int wire_gbps;
    uint32_t window, batch;   /* tx */
    const char *pcap;         /* capture name, or NULL */
    sim_time_t timeout_ps;
} run_args;

static uint64_t allocs_now(const scn_nic *n)
{
    kern_pkt_usage k, d;
    kern_pkt_usage_get(0, &k);
    kern_pkt_usage_get(n->mod ? n->mod->id : 0, &d);
    return k.allocs + (n->mod ? d.allocs : 0);
}

void scn_run_snap(scn_state *s, const scn_nic *n, scn_run_counters *c)
{
    scn_run_counters_take(s, allocs_now(n), c);
}

void scn_run_counters_take(scn_state *s, uint64_t allocs, scn_run_counters *c)
{
    pcie_fabric_get_stats(s->sys->fabric, &c->fab);
    c->intr = kern_intr_total();
    c->allocs = allocs;
    c->copied = kern_copied_bytes();
}

void scn_run_set_counters(result_run *r, const scn_run_counters *c0, const scn_run_counters *c1)
{
    result_run_set_counter(r, RESULT_MMIO_READS, c1->fab.mmio_reads - c0->fab.mmio_reads);
    result_run_set_counter(r, RESULT_MMIO_WRITES, c1->fab.mmio_writes - c0->fab.mmio_writes);
    result_run_set_counter(r, RESULT_DMA_BYTES,
                           (c1->fab.dma_bytes_read - c0->fab.dma_bytes_read) +
                               (c1->fab.dma_bytes_written - c0->fab.dma_bytes_written));
    result_run_set_counter(r, RESULT_INTERRUPTS, c1->intr - c0->intr);
    result_run_set_counter(r, RESULT_ALLOCATIONS, c1->allocs - c0->allocs);
    result_run_set_counter(r, RESULT_COPIED_BYTES, c1->copied - c0->copied);
}

static void read_args(lua_State *L, run_kind kind, run_args *a)
{
    const char *what = kind == RUN_TX ? "tx" : "rx";
    static const char *const tx_keys[] = {"device", "frame_size", "count", "rate", "wire_speed",
                                          "window", "batch", "pcap", "timeout", NULL};
    static const char *const rx_keys[] = {"device", "frame_size", "count", "rate", "wire_speed",
                                          "timeout", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "%s: expected a table, e.g. %s { device = \"nic0\", frame_size = 64, "
                  "count = 1000 }, got %s", what, what, luaL_typename(L, 1));
    scn_check_keys(L, 1, what, NULL, kind == RUN_TX ? tx_keys : rx_keys);
    memset(a, 0, sizeof *a);
    a->kind = kind;
    const char *dev = scn_opt_string(L, 1, what, "device");
    if (!dev)
        scn_error(L, "%s: missing field 'device'", what);
    lua_Integer v;
    if (!scn_opt_int(L, 1, what, "frame_size", &v))
        scn_error(L, "%s: missing field 'frame_size' (bytes with FCS, 64-1518)", what);
    /* 64: IEEE 802.3 minimum frame; 1518: 1500-byte MTU + 14 B header + 4 B FCS (cl. 3.1.1). */
    if (v < 64 || v > 1518)
        scn_error(L, "%s: frame_size = %lld is outside 64-1518 (an Ethernet frame with FCS, "
                  "RFC 2544 §9)", what, (long long)v);
    a->frame_size = (size_t)v;
    if (!scn_opt_int(L, 1, what, "count", &v))
        scn_error(L, "%s: missing field 'count'", what);
    if (v < 1 || v > 100000000)
        scn_error(L, "%s: count = %lld is outside 1-100000000", what, (long long)v);
    a->count = (uint64_t)v;
    a->wire_gbps = 0;
    if (scn_opt_int(L, 1, what, "wire_speed", &v)) {
        if (v < 1 || v > 400 || !wire_speed_valid((int)v))
            scn_error(L, "%s: wire_speed = %lld is not a wire speed (Gbit/s: 1, 10, 25, 40, 100)",
                      what, (long long)v);
        a->wire_gbps = (int)v;
    }
    /* rate: Gbit/s on the wire (framing overhead included), or "line" for back to back */
    int t = scn_rawfield(L, 1, "rate");
    if (t == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "line")) {
        a->rate_bps = 0;
    } else if (t == LUA_TNUMBER) {
        lua_Number g = lua_tonumber(L, -1);
        if (!(g > 0) || g > 400)
            scn_error(L, "%s: rate = %g Gbit/s is outside (0, 400]", what, (double)g);
        a->rate_bps = (uint64_t)(g * 1e9 + 0.5);
    } else if (t != LUA_TNIL) {
        scn_error(L, "%s: field 'rate' must be Gbit/s (a number) or \"line\", got %s", what,
                  t == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    } else {
        a->rate_bps = 0;
    }
    lua_pop(L, 1);
    a->window = 64;
    a->batch = 16;
    if (kind == RUN_TX) {
        if (scn_opt_int(L, 1, what, "window", &v)) {
            if (v < 1 || v > 65536)
                scn_error(L, "%s: window = %lld is outside 1-65536", what, (long long)v);
            a->window = (uint32_t)v;
        }
        if (scn_opt_int(L, 1, what, "batch", &v)) {
            if (v < 1 || v > 4096)
                scn_error(L, "%s: batch = %lld is outside 1-4096", what, (long long)v);
            a->batch = (uint32_t)v;
        }
        a->pcap = scn_opt_string(L, 1, what, "pcap");
        if (a->pcap) {
            char tmp[PLATFORM_NAME_LEN];
            scn_check_name(L, what, "pcap", a->pcap, tmp, sizeof tmp);
        }
    }
    a->timeout_ps = 1 * SIM_SEC;
    scn_opt_time(L, 1, what, "timeout", &a->timeout_ps);
    if (a->timeout_ps == 0)
        scn_error(L, "%s: timeout must be above 0", what);

    a->nic = scn_net_nic(L, what, dev);
    scn_nic *n = a->nic;
    if (!n->mod)
        scn_error(L, "%s: device '%s' has no driver; bind one first with driver { device = "
                  "\"%s\" }", what, dev, dev);
    if (!scn_net_uplink(n))
        scn_error(L, "%s: device '%s' has no uplink (its driver let go of it)", what, dev);
    if (vmk_UplinkLinkStatusGet(scn_net_uplink(n)).state != VMK_LINK_STATE_UP)
        scn_error(L, "%s: the link of '%s' (%s) is down: connect its wire { ... } before "
                  "driver { ... } (the driver reads the link when it starts)", what, dev,
                  kern_uplink_name(scn_net_uplink(n)));
    int speed = a->wire_gbps ? a->wire_gbps : wire_port_speed(e1000_port(n->dev));
    if (a->rate_bps > (uint64_t)speed * 1000000000ull)
        scn_error(L, "%s: rate %llu bit/s is above the wire speed %d Gbit/s", what,
                  (unsigned long long)a->rate_bps, speed);
    if (kind == RUN_TX) {
        if (n->cable != SCN_CABLE_LOOPBACK && n->cable != SCN_CABLE_PEER)
            scn_error(L, "tx: device '%s' needs a cable to a receiver: wire { device = \"%s\", "
                      "backend = \"loopback\" } (or \"peer\")", dev, dev);
        if (n->cable == SCN_CABLE_PEER && (!n->peer->mod || !scn_net_uplink(n->peer)))
            scn_error(L, "tx: the peer '%s' has no driver to receive the frames", n->peer->name);
    } else if (n->cable != SCN_CABLE_GENERATOR) {
        scn_error(L, "rx: device '%s' needs a traffic generator on its wire: wire { device = "
                  "\"%s\", backend = \"generator\" }", dev, dev);
    }
}

static wire_traffic_params traffic_of(const run_args *a, const scn_nic *rx_nic, uint32_t stream)
{
    wire_traffic_params t;
    memset(&t, 0, sizeof t);
    e1000_mac_address(rx_nic->dev, t.dst);   /* passes the receiver's exact-address filter */
    memcpy(t.src, scn_src_mac, 6);
    t.stream_id = stream;
    t.frame_len = a->frame_size - WIRE_FCS_BYTES;
    t.count = a->count;
    /* frames per second at rate_bps on the wire, counting preamble, IFG and FCS */
    t.frames_per_s = a->rate_bps ? a->rate_bps / (wire_bytes_on_wire(t.frame_len) * 8) : 0;
    if (a->rate_bps && t.frames_per_s == 0)
        t.frames_per_s = 1;
    t.seed = sim_seed();
    return t;
}

/* ---- the measured part ---- */

typedef struct tx_ctx {
    kern_txload *load;
    kern_rxsink *sink;
    sim_time_t drained_by;     /* 0 until the workload is done */
    uint64_t seen;             /* deliveries at the last check */
} tx_ctx;

bool scn_drain_over(sim_time_t *drained_by, uint64_t *seen, uint64_t delivered)
{
    if (!*drained_by || delivered != *seen) {
        *seen = delivered;
        *drained_by = sim_now() + SCN_DRAIN_PS;
    }
    return sim_now() >= *drained_by;
}

static bool tx_finished(void *arg)
{
    tx_ctx *c = arg;
    if (!kern_txload_done(c->load))
        return false;
    kern_txload_stats st;
    kern_txload_get_stats(c->load, &st);
    kern_rxsink_stats rs;
    kern_rxsink_get_stats(c->sink, &rs);
    if (rs.delivered >= st.completed)
        return true;
    return scn_drain_over(&c->drained_by, &c->seen, rs.delivered);
}

typedef struct rx_ctx {
    wire_traffic_source *src;
    kern_rxsink *sink;
    uint64_t count;
    sim_time_t *arrive;        /* per sequence: last bit on the NIC's side of the wire */
    sim_time_t first_start, last_delivery;
    bool started;
    int gbps;
    sim_time_t prop;
    sim_time_t drained_by;
    uint64_t seen;
} rx_ctx;

static void rx_tap(void *arg, wire_port *port, sim_time_t start, const wire_frame *f)
{
    (void)port;
    rx_ctx *c = arg;
    if (!c->started) {
        c->first_start = start;
        c->started = true;
    }
    if (f->len < WIRE_TRAFFIC_HDR_BYTES)
        return;
    uint64_t seq = 0;
    for (int i = 0; i < 8; i++)
        seq = seq << 8 | f->data[22 + i];   /* traffic.h frame layout: sequence at offset 22 */
    if (seq < c->count)
        c->arrive[seq] = scn_wire_arrival(start, f->len, c->gbps, c->prop);
}

sim_time_t scn_wire_arrival(sim_time_t start, size_t len, int gbps, sim_time_t prop)
{
    /* the last bit reaches the NIC after preamble, frame and FCS (the serialisation time less
     * the inter-frame gap that follows it) plus the cable's delay */
    sim_time_t ifg_ps = (sim_time_t)WIRE_IFG_BYTES * 8 * SIM_NS / (sim_time_t)gbps;
    return start + wire_serialize_ps(len + WIRE_FCS_BYTES, gbps) - ifg_ps + prop;
}

static sim_time_t rx_arrival(void *arg, uint64_t seq)
{
    rx_ctx *c = arg;
    c->last_delivery = sim_now();
    return seq < c->count ? c->arrive[seq] : 0;
}

static bool rx_finished(void *arg)
{
    rx_ctx *c = arg;
    if (!wire_traffic_source_done(c->src))
        return false;
    kern_rxsink_stats rs;
    kern_rxsink_get_stats(c->sink, &rs);
    if (rs.delivered >= c->count)
        return true;
    return scn_drain_over(&c->drained_by, &c->seen, rs.delivered);
}

/* Frames the receiving NIC itself dropped and counted (docs/nic.md "Statistics"): receiver
 * disabled, address filter, CRC/length errors, receive FIFO full (MPC). A dropped frame ended,
 * counted; it is failed, not lost. */
uint64_t scn_nic_rx_drops(e1000 *dev)
{
    e1000_counters c = e1000_get_counters(dev);
    return c.rx_disabled + c.rx_filtered + c.rx_errors + c.rx_missed;
}

void scn_run_push(lua_State *L, const scn_run_out *o)
{
    lua_createtable(L, 0, 10);
#define SET_INT(k, v) (lua_pushinteger(L, (lua_Integer)(v)), lua_setfield(L, -2, k))
    SET_INT("ops", o->ops);
    SET_INT("bytes", o->bytes);
    SET_INT("failed_ops", o->failed);
    SET_INT("lost_ops", o->lost);
    SET_INT("sent", o->sent);
    SET_INT("verified", o->verified);
    SET_INT("dropped", o->dropped);
    SET_INT("duration_ps", o->duration);
#undef SET_INT
    double ops = o->ops ? (double)o->ops : 1.0;
    lua_pushnumber(L, (double)o->drv_mcyc / 1000.0 / ops);
    lua_setfield(L, -2, "driver_cycles_per_op");
    lua_pushnumber(L, (double)o->shim_mcyc / 1000.0 / ops);
    lua_setfield(L, -2, "shim_cycles_per_op");
    lua_pushnumber(L, (double)o->kern_mcyc / 1000.0 / ops);
    lua_setfield(L, -2, "kernel_cycles_per_op");
}

void scn_run_take_cycles(const scn_nic *n, scn_run_out *o)
{
    scn_run_cycles(n->mod, &o->drv_mcyc, &o->shim_mcyc, &o->kern_mcyc);
}

void scn_run_cycles(const kern_module *drv, uint64_t *drv_mcyc, uint64_t *shim_mcyc,
                    uint64_t *kern_mcyc)
{
    kern_timing_flush();
    *drv_mcyc = kern_timing_owner_mcycles(drv->id);
    kern_module *shim = kern_module_find("vmklinux");
    *shim_mcyc = shim && shim != drv ? kern_timing_owner_mcycles(shim->id) : 0;
    *kern_mcyc = kern_timing_owner_mcycles(0);
}

static void fill_result(scn_state *s, const run_args *a, const scn_run_out *o,
                        const scn_run_counters *c0, const result_latency *lat)
{
    scn_nic *n = a->nic;
    result_run *r = result_run_add(s->result, n->name, n->mod->name, n->style);
    result_run_set_workload_str(r, "kind", a->kind == RUN_TX ? "tx" : "rx");
    result_run_set_workload_int(r, "frame_size", (int64_t)a->frame_size);
    result_run_set_workload_int(r, "count", (int64_t)a->count);
    result_run_set_workload_int(r, "rate_bps", (int64_t)a->rate_bps);
    result_run_set_workload_int(r, "wire_gbps", wire_port_speed(e1000_port(n->dev)));
    result_run_set_workload_bool(r, "verify", true);
    result_run_set_workload_bool(r, "timing", kern_timing_enabled());
    char label[64];
    if (a->rate_bps)
        snprintf(label, sizeof label, "%s %zuB %gG", a->kind == RUN_TX ? "tx" : "rx",
                 a->frame_size, (double)a->rate_bps / 1e9);
    else
        snprintf(label, sizeof label, "%s %zuB line", a->kind == RUN_TX ? "tx" : "rx",
                 a->frame_size);
    result_run_set_label(r, label);
    scn_run_fill_figures(s, n, r, o, c0, lat);
}

void scn_run_fill_figures(scn_state *s, const scn_nic *n, result_run *r, const scn_run_out *o,
                          const scn_run_counters *c0, const result_latency *lat)
{
    result_run_set_ops(r, o->ops);
    result_run_set_bytes(r, o->bytes);
    result_run_set_duration(r, o->duration);
    result_run_set_mcycles(r, o->drv_mcyc, o->shim_mcyc, o->kern_mcyc);
    scn_run_counters c1;
    scn_run_snap(s, n, &c1);
    scn_run_set_counters(r, c0, &c1);
    result_run_set_failed_ops(r, o->failed);
    result_run_set_lost_ops(r, o->lost);
    if (lat)
        result_run_merge_latency(r, lat);
}

/* Opens OUT/<name>.pcap on the NIC's port; NULL (logged) without --out. */
static wire_pcap_writer *open_capture(scn_state *s, const run_args *a, sim_err *err, int *rc)
{
    *rc = 0;
    if (!a->pcap)
        return NULL;
    if (!s->out_dir) {
        sim_log(SIM_LOG_INFO, SCN_RUN_LOG, "capture '%s' not written: no --out directory",
                a->pcap);
        return NULL;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.pcap", s->out_dir, a->pcap);
    wire_pcap_writer *w = NULL;
    if (wire_pcap_writer_open(path, &w, err) < 0) {
        *rc = -1;
        return NULL;
    }
    if (wire_pcap_writer_attach(w, e1000_port(a->nic->dev), err) < 0) {
        sim_err ignore;
        wire_pcap_writer_close(w, &ignore);
        *rc = -1;
        return NULL;
    }
    return w;
}

static int l_tx(lua_State *L)
{
    scn_state *s = scn_get(L);
    run_args a;
    read_args(L, RUN_TX, &a);
    scn_nic *n = a.nic;
    scn_nic *rxn = n->cable == SCN_CABLE_PEER ? n->peer : n;
    sim_err err = {{0}};
    if (a.wire_gbps && e1000_set_wire_speed(n->dev, a.wire_gbps, &err) < 0)
        scn_error(L, "tx: %s", err.msg);
    if (a.wire_gbps && rxn != n && e1000_set_wire_speed(rxn->dev, a.wire_gbps, &err) < 0)
        scn_error(L, "tx: %s", err.msg);
    uint32_t stream = (uint32_t)++s->net->runs;
    wire_traffic_params tp = traffic_of(&a, rxn, stream);

    int rc;
    wire_pcap_writer *cap = open_capture(s, &a, &err, &rc);
    if (rc < 0)
        scn_error(L, "tx: %s", err.msg);
    kern_rxsink_params rp = {.traffic = tp};
    kern_rxsink *sink = NULL;
    if (kern_rxsink_new(&rp, &sink, &err) < 0) {
        if (cap)
            wire_pcap_writer_close(cap, &err);
        scn_error(L, "tx: %s", err.msg);
    }
    kern_rxsink_attach(sink, scn_net_uplink(rxn));
    kern_txload_params p;
    memset(&p, 0, sizeof p);
    snprintf(p.uplink, sizeof p.uplink, "%s", kern_uplink_name(scn_net_uplink(n)));
    p.traffic = tp;
    p.window = a.window;
    p.batch = a.batch;

    scn_run_counters c0;
    scn_run_snap(s, n, &c0);
    uint64_t drops0 = scn_nic_rx_drops(rxn->dev);
    kern_timing_reset_counters();   /* this run's cycles only */
    kern_txload *load = NULL;
    if (kern_txload_start(&p, &load, &err) < 0) {
        kern_rxsink_free(sink);
        if (cap)
            wire_pcap_writer_close(cap, &err);
        scn_error(L, "tx: %s", err.msg);
    }
    tx_ctx c = {.load = load, .sink = sink};
    scn_net_run_until(tx_finished, &c, sim_now() + a.timeout_ps);

    scn_run_out o;
    memset(&o, 0, sizeof o);
    scn_run_take_cycles(n, &o);
    kern_txload_stats st;
    kern_txload_get_stats(load, &st);
    kern_rxsink_stats rs;
    kern_rxsink_get_stats(sink, &rs);
    o.sent = st.issued;
    o.ops = st.completed + st.failed + st.dropped;
    o.bytes = st.completed * a.frame_size;
    o.verified = rs.verify.good;
    /* completed frames the receiver never verified: those its NIC dropped and counted are
     * failed; the rest, with frames that never ended at the sender, are lost */
    uint64_t unverified = st.completed > rs.verify.good + rs.verify.corrupt
                              ? st.completed - rs.verify.good - rs.verify.corrupt : 0;
    uint64_t drops = scn_nic_rx_drops(rxn->dev) - drops0;
    o.dropped = drops < unverified ? drops : unverified;
    o.failed = st.failed + st.dropped + rs.verify.corrupt + o.dropped;
    o.lost = kern_txload_lost(&st) + (a.count - st.issued) + unverified - o.dropped;
    o.duration = st.last_end > st.first_submit ? st.last_end - st.first_submit : 0;
    fill_result(s, &a, &o, &c0, kern_txload_latency(load));
    sim_log(SIM_LOG_INFO, SCN_RUN_LOG,
            "tx %s %zuB x%llu: completed %llu (last at %llu ps), delivered %llu, verified %llu, "
            "failed %llu, lost %llu", n->name,
            a.frame_size, (unsigned long long)a.count, (unsigned long long)st.completed,
            (unsigned long long)st.last_end, (unsigned long long)rs.delivered,
            (unsigned long long)o.verified, (unsigned long long)o.failed,
            (unsigned long long)o.lost);

    e1000_counters ec = e1000_get_counters(rxn->dev);
    sim_log(SIM_LOG_INFO, SCN_RUN_LOG,
            "%s (receiver) so far: rx %llu frames, missed %llu (FIFO full), errors %llu, "
            "filtered %llu", rxn->name, (unsigned long long)ec.rx_frames,
            (unsigned long long)ec.rx_missed, (unsigned long long)ec.rx_errors,
            (unsigned long long)ec.rx_filtered);
    kern_rxsink_free(sink);
    bool running = !kern_txload_done(load) && st.issued < a.count;
    if (!running)
        kern_txload_free(load);   /* a workload still issuing at the timeout stays (logged) */
    int crc = 0;
    uint64_t frames = 0;
    if (cap) {
        wire_pcap_writer_detach(cap, e1000_port(n->dev));
        frames = wire_pcap_writer_frames(cap);
        crc = wire_pcap_writer_close(cap, &err);
    }
    if (crc < 0)
        scn_error(L, "tx: %s", err.msg);
    scn_run_push(L, &o);
    lua_pushinteger(L, (lua_Integer)frames);
    lua_setfield(L, -2, "captured");
    return 1;
}

static int l_rx(lua_State *L)
{
    scn_state *s = scn_get(L);
    run_args a;
    read_args(L, RUN_RX, &a);
    scn_nic *n = a.nic;
    sim_err err = {{0}};
    if (a.wire_gbps && (e1000_set_wire_speed(n->dev, a.wire_gbps, &err) < 0 ||
                        wire_port_set_speed(n->gen, a.wire_gbps, &err) < 0))
        scn_error(L, "rx: %s", err.msg);
    uint32_t stream = (uint32_t)++s->net->runs;
    wire_traffic_params tp = traffic_of(&a, n, stream);
    rx_ctx c;
    memset(&c, 0, sizeof c);
    c.count = a.count;
    c.gbps = wire_port_speed(n->gen);
    c.prop = n->prop_ps;
    c.arrive = calloc(a.count, sizeof *c.arrive);
    if (!c.arrive)
        scn_error(L, "rx: out of memory for %llu arrival times", (unsigned long long)a.count);
    kern_rxsink_params rp = {.traffic = tp, .arrival = rx_arrival, .arrival_ctx = &c};
    if (kern_rxsink_new(&rp, &c.sink, &err) < 0 ||
        wire_port_add_tap(n->gen, rx_tap, &c, &err) < 0) {
        kern_rxsink_free(c.sink);
        free(c.arrive);
        scn_error(L, "rx: %s", err.msg);
    }
    kern_rxsink_attach(c.sink, scn_net_uplink(n));

    scn_run_counters c0;
    scn_run_snap(s, n, &c0);
    uint64_t drops0 = scn_nic_rx_drops(n->dev);
    kern_timing_reset_counters();
    if (wire_traffic_source_start(&tp, n->gen, &c.src, &err) < 0) {
        wire_port_remove_tap(n->gen, rx_tap, &c);
        kern_rxsink_free(c.sink);
        free(c.arrive);
        scn_error(L, "rx: %s", err.msg);
    }
    scn_net_run_until(rx_finished, &c, sim_now() + a.timeout_ps);

    scn_run_out o;
    memset(&o, 0, sizeof o);
    scn_run_take_cycles(n, &o);
    kern_rxsink_stats rs;
    kern_rxsink_get_stats(c.sink, &rs);
    o.sent = wire_traffic_source_sent(c.src);
    o.verified = rs.verify.good;
    o.ops = rs.delivered;
    o.bytes = rs.verify.good * a.frame_size;
    /* every frame sent ends verified, corrupt (failed), dropped by the NIC and counted (failed)
     * or lost */
    uint64_t unverified = o.sent > rs.verify.good + rs.verify.corrupt
                              ? o.sent - rs.verify.good - rs.verify.corrupt : 0;
    uint64_t drops = scn_nic_rx_drops(n->dev) - drops0;
    o.dropped = drops < unverified ? drops : unverified;
    o.failed = rs.delivered - rs.verify.good + o.dropped;
    o.lost = (a.count - o.sent) + unverified - o.dropped;
    o.duration = c.last_delivery > c.first_start ? c.last_delivery - c.first_start : 0;
    fill_result(s, &a, &o, &c0, kern_rxsink_latency(c.sink));
    sim_log(SIM_LOG_INFO, SCN_RUN_LOG,
            "rx %s %zuB x%llu: delivered %llu, verified %llu, dropped by the NIC %llu, lost %llu",
            n->name, a.frame_size, (unsigned long long)a.count, (unsigned long long)rs.delivered,
            (unsigned long long)o.verified, (unsigned long long)o.dropped,
            (unsigned long long)o.lost);

    wire_port_remove_tap(n->gen, rx_tap, &c);
    kern_rxsink_free(c.sink);
    if (wire_traffic_source_done(c.src))
        wire_traffic_source_free(c.src);
    free(c.arrive);
    scn_run_push(L, &o);
    return 1;
}

void scn_register_netrun(lua_State *L)
{
    static const luaL_Reg fns[] = {{"tx", l_tx}, {"rx", l_rx}, {NULL, NULL}};
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
    scn_register_replay(L);
}
