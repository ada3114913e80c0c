/* scn_replay.c — replay{}: a pcap capture fed back into a NIC from the far end of its wire
 * (docs/scenarios.md "Replaying a capture"). The frames go through the NIC model and its driver
 * like any received traffic; each delivered frame is checked byte for byte against the capture,
 * in capture order, so "received intact" means exactly the captured bytes. Any capture will do:
 * one a tx{} run wrote (replay { pcap = "tx64" } reads OUT/tx64.pcap) or one taken elsewhere. */
#include <stdlib.h>
#include <string.h>

#include "devices/wire/pcap.h"
#include "kernel_model/timing/timing.h"
#include "sim/scenario/scn_net.h"

#define SCN_REPLAY_LOG "scenario.net"

/* One capture record that replay sends (records cut by a snaplen are not replayable). */
typedef struct rec {
    uint8_t *data;
    size_t len;
} rec;

typedef struct replay_ctx {
    rec *recs;
    size_t nrecs;
    size_t skipped;            /* truncated records the replay skips */
    size_t next;               /* first record not matched yet */
    uint64_t delivered, verified, corrupt;
    sim_time_t *arrive;        /* per record sent, in order: its last bit at the NIC */
    size_t ntapped;
    int gbps;
    sim_time_t prop;
    result_latency *lat;
    sim_time_t first_start, last_delivery;
    wire_replay *rp;
    sim_time_t drained_by;
    uint64_t seen;
} replay_ctx;

/* Reads every record of path into c (the replay reopens the file to send it). */
static int load_capture(const char *path, replay_ctx *c, sim_err *err)
{
    wire_pcap_reader *r = NULL;
    if (wire_pcap_reader_open(path, &r, err) < 0)
        return -1;
    wire_pcap_record pr;
    int rc;
    size_t cap = 0;
    while ((rc = wire_pcap_reader_next(r, &pr, err)) == 1) {
        if (pr.caplen < pr.origlen) {
            c->skipped++;
            continue;
        }
        if (c->nrecs == cap) {
            cap = cap ? cap * 2 : 256;
            rec *n = realloc(c->recs, cap * sizeof *n);
            if (!n) {
                rc = sim_err_set(err, "%s: out of memory", path);
                break;
            }
            c->recs = n;
        }
        rec *d = &c->recs[c->nrecs];
        d->data = malloc(pr.caplen ? pr.caplen : 1);
        if (!d->data) {
            rc = sim_err_set(err, "%s: out of memory", path);
            break;
        }
        memcpy(d->data, pr.data, pr.caplen);
        d->len = pr.caplen;
        c->nrecs++;
    }
    wire_pcap_reader_close(r);
    return rc < 0 ? -1 : 0;
}

static void free_ctx(replay_ctx *c)
{
    for (size_t i = 0; i < c->nrecs; i++)
        free(c->recs[i].data);
    free(c->recs);
    free(c->arrive);
    result_latency_free(c->lat);
}

static void replay_tap(void *arg, wire_port *port, sim_time_t start, const wire_frame *f)
{
    (void)port;
    replay_ctx *c = arg;
    if (c->ntapped == 0)
        c->first_start = start;
    if (c->ntapped < c->nrecs)
        c->arrive[c->ntapped++] = scn_wire_arrival(start, f->len, c->gbps, c->prop);
}

/* A delivered frame matches the first record from c->next on with the same bytes; a driver that
 * keeps the FCS (RCTL.SECRC clear) delivers 4 more bytes, which are not compared. Records
 * passed over were not received (dropped by the NIC, counted there, or lost). */
static void on_rx(void *arg, vmk_Uplink u, vmk_PktHandle *pkt, sim_time_t when)
{
    (void)u;
    replay_ctx *c = arg;
    c->delivered++;
    c->last_delivery = when;
    const uint8_t *data = vmk_PktFrameMappedPointerGet(pkt);
    size_t len = vmk_PktFrameLenGet(pkt);
    for (size_t i = c->next; i < c->nrecs; i++) {
        const rec *r = &c->recs[i];
        if ((len == r->len || len == r->len + WIRE_FCS_BYTES) && !memcmp(data, r->data, r->len)) {
            c->verified++;
            c->next = i + 1;
            if (i < c->ntapped)
                result_latency_record(c->lat, when >= c->arrive[i] ? when - c->arrive[i] : 0);
            vmk_PktRelease(pkt);
            return;
        }
    }
    c->corrupt++;
    vmk_PktRelease(pkt);
}

static bool replay_finished(void *arg)
{
    replay_ctx *c = arg;
    if (!wire_replay_get_stats(c->rp).done)
        return false;
    if (c->delivered >= wire_replay_get_stats(c->rp).sent)
        return true;
    return scn_drain_over(&c->drained_by, &c->seen, c->delivered);
}

/* pcap = "NAME" (no '/' and no '.'): the capture OUT/NAME.pcap a tx{} run wrote; else a path. */
static void capture_path(lua_State *L, scn_state *s, const char *pcap, char *out, size_t len)
{
    if (strchr(pcap, '/') || strchr(pcap, '.')) {
        snprintf(out, len, "%s", pcap);
        return;
    }
    if (!s->out_dir)
        scn_error(L, "replay: pcap = '%s' names a capture under the --out folder, and this run "
                  "has none (give --out DIR, or a path to the .pcap file)", pcap);
    snprintf(out, len, "%s/%s.pcap", s->out_dir, pcap);
}

static int l_replay(lua_State *L)
{
    static const char *const keys[] = {"device", "pcap", "rate", "timeout", NULL};
    scn_state *s = scn_get(L);
    if (!lua_istable(L, 1))
        scn_error(L, "replay: expected a table, e.g. replay { device = \"nic0\", pcap = "
                  "\"tx64\" }, got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "replay", NULL, keys);
    const char *dev = scn_opt_string(L, 1, "replay", "device");
    if (!dev)
        scn_error(L, "replay: missing field 'device'");
    const char *pcap = scn_opt_string(L, 1, "replay", "pcap");
    if (!pcap || !*pcap)
        scn_error(L, "replay: missing field 'pcap' (a capture name under --out, or a file)");
    /* rate: "recorded" (the capture's own timing, the default), "line", or Gbit/s on the wire */
    wire_replay_mode mode = WIRE_REPLAY_RECORDED;
    double gbit = 0;
    int t = scn_rawfield(L, 1, "rate");
    if (t == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "line")) {
        mode = WIRE_REPLAY_RATE;
    } else if (t == LUA_TNUMBER) {
        gbit = lua_tonumber(L, -1);
        if (!(gbit > 0) || gbit > 400)
            scn_error(L, "replay: rate = %g Gbit/s is outside (0, 400]", gbit);
        mode = WIRE_REPLAY_RATE;
    } else if (!(t == LUA_TNIL || (t == LUA_TSTRING && !strcmp(lua_tostring(L, -1),
                                                                 "recorded")))) {
        scn_error(L, "replay: field 'rate' must be \"recorded\", \"line\" or Gbit/s (a number), "
                  "got %s", t == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    sim_time_t timeout = 1 * SIM_SEC;
    scn_opt_time(L, 1, "replay", "timeout", &timeout);
    if (timeout == 0)
        scn_error(L, "replay: timeout must be above 0");
    scn_nic *n = scn_net_nic(L, "replay", dev);
    if (!n->mod || !scn_net_uplink(n))
        scn_error(L, "replay: device '%s' has no driver; bind one first with driver { device = "
                  "\"%s\" }", dev, dev);
    if (n->cable != SCN_CABLE_GENERATOR)
        scn_error(L, "replay: device '%s' needs a sender on its wire: wire { device = \"%s\", "
                  "backend = \"generator\" }", dev, dev);

    char path[4200];
    capture_path(L, s, pcap, path, sizeof path);
    replay_ctx c;
    memset(&c, 0, sizeof c);
    sim_err err = {{0}};
    if (load_capture(path, &c, &err) < 0) {
        free_ctx(&c);
        scn_error(L, "replay: %s", err.msg);
    }
    if (c.nrecs == 0) {
        free_ctx(&c);
        scn_error(L, "replay: %s holds no replayable frame", path);
    }
    uint64_t fps = 0;
    if (gbit > 0) {   /* the capture's mean frame, on the wire with preamble, IFG and FCS */
        uint64_t bytes = 0;
        for (size_t i = 0; i < c.nrecs; i++)
            bytes += wire_bytes_on_wire(c.recs[i].len);
        fps = (uint64_t)(gbit * 1e9 / (8.0 * (double)bytes / (double)c.nrecs));
        fps = fps ? fps : 1;
    }
    c.gbps = wire_port_speed(n->gen);
    c.prop = n->prop_ps;
    c.arrive = calloc(c.nrecs, sizeof *c.arrive);
    c.lat = result_latency_new();
    wire_pcap_reader *r = NULL;
    if (!c.arrive || !c.lat || wire_pcap_reader_open(path, &r, &err) < 0 ||
        wire_port_add_tap(n->gen, replay_tap, &c, &err) < 0) {
        if (r)
            wire_pcap_reader_close(r);
        free_ctx(&c);
        scn_error(L, "replay: %s", err.msg[0] ? err.msg : "out of memory");
    }
    vmk_Uplink u = scn_net_uplink(n);
    kern_uplink_set_rx(u, on_rx, &c);

    scn_run_counters c0;
    scn_run_snap(s, n, &c0);
    uint64_t drops0 = scn_nic_rx_drops(n->dev);
    kern_timing_reset_counters();
    if (wire_replay_start(r, n->gen, mode, fps, &c.rp, &err) < 0) {
        kern_uplink_set_rx(u, NULL, NULL);
        wire_port_remove_tap(n->gen, replay_tap, &c);
        free_ctx(&c);
        scn_error(L, "replay: %s", err.msg);
    }
    sim_time_t deadline = sim_now() + timeout;
    scn_net_run_until(replay_finished, &c, deadline);

    wire_replay_stats rs = wire_replay_get_stats(c.rp);
    scn_run_out o;
    memset(&o, 0, sizeof o);
    scn_run_take_cycles(n, &o);
    o.sent = rs.sent;
    o.ops = c.delivered;
    o.verified = c.verified;
    for (size_t i = 0; i < c.nrecs; i++)
        o.bytes += i < c.next ? c.recs[i].len : 0;
    uint64_t unverified = o.sent > c.verified + c.corrupt ? o.sent - c.verified - c.corrupt : 0;
    uint64_t drops = scn_nic_rx_drops(n->dev) - drops0;
    o.dropped = drops < unverified ? drops : unverified;
    o.failed = c.corrupt + o.dropped;
    o.lost = (c.nrecs - o.sent) + unverified - o.dropped;
    o.duration = c.last_delivery > c.first_start ? c.last_delivery - c.first_start : 0;

    result_run *res = result_run_add(s->result, n->name, n->mod->name, n->style);
    result_run_set_workload_str(res, "kind", "replay");
    result_run_set_workload_str(res, "pcap", pcap);
    result_run_set_workload_int(res, "count", (int64_t)c.nrecs);
    result_run_set_workload_str(res, "rate", mode == WIRE_REPLAY_RECORDED ? "recorded"
                                             : gbit > 0 ? "gbps" : "line");
    result_run_set_workload_int(res, "rate_bps", (int64_t)(gbit * 1e9 + 0.5));
    result_run_set_workload_int(res, "wire_gbps", c.gbps);
    result_run_set_workload_bool(res, "verify", true);
    result_run_set_workload_bool(res, "timing", kern_timing_enabled());
    char label[64];
    snprintf(label, sizeof label, "replay %.40s", pcap);
    result_run_set_label(res, label);
    scn_run_fill_figures(s, n, res, &o, &c0, c.lat);
    sim_log(SIM_LOG_INFO, SCN_REPLAY_LOG,
            "replay %s into %s: %zu frames (%zu truncated skipped), sent %llu, delivered %llu, "
            "intact %llu, dropped by the NIC %llu, lost %llu", path, n->name, c.nrecs, c.skipped,
            (unsigned long long)o.sent, (unsigned long long)c.delivered,
            (unsigned long long)c.verified, (unsigned long long)o.dropped,
            (unsigned long long)o.lost);

    kern_uplink_set_rx(u, NULL, NULL);
    wire_port_remove_tap(n->gen, replay_tap, &c);
    const char *failure = rs.failed ? wire_replay_error(c.rp) : NULL;
    char why[512] = "";
    if (failure)
        snprintf(why, sizeof why, "%s", failure);
    bool done = rs.done;
    if (done)
        wire_replay_free(c.rp);   /* one still sending at the timeout stays (logged) */
    else
        sim_log(SIM_LOG_ERROR, SCN_REPLAY_LOG, "replay %s: still sending at the timeout", path);
    free_ctx(&c);
    if (why[0])
        scn_error(L, "replay: %s", why);
    scn_run_push(L, &o);
    lua_pushinteger(L, (lua_Integer)(o.sent));
    lua_setfield(L, -2, "replayed");
    return 1;
}

void scn_register_replay(lua_State *L)
{
    static const luaL_Reg fns[] = {{"replay", l_replay}, {NULL, NULL}};
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}
