/* pcap_reader.c — reads classic pcap files (pcap-savefile(5)): microsecond and nanosecond magics,
 * either byte order, LINKTYPE_ETHERNET only; and replays a capture into a wire port at its recorded
 * times or at a given rate. Every malformation is an error naming the file, record and offset. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/wire/pcap.h"

struct wire_pcap_reader {
    FILE *f;
    char path[512];
    bool swapped, nanos;
    uint32_t snaplen;
    uint64_t offset;        /* of the next record header */
    uint64_t index;         /* records returned so far */
    uint8_t *buf;
    size_t bufcap;
};

static uint32_t rd32(const uint8_t *b, bool swapped)
{
    uint32_t v;
    memcpy(&v, b, 4);
    return swapped ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const uint8_t *b, bool swapped)
{
    uint16_t v;
    memcpy(&v, b, 2);
    return swapped ? __builtin_bswap16(v) : v;
}

int wire_pcap_reader_open(const char *path, wire_pcap_reader **out, sim_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return sim_err_set(err, "%s: cannot open pcap file: %s", path, strerror(errno));
    uint8_t h[WIRE_PCAP_FILE_HDR];
    size_t n = fread(h, 1, sizeof h, f);
    if (n < sizeof h) {
        fclose(f);
        return sim_err_set(err, "%s: truncated pcap file header: %zu of %u bytes at offset 0", path,
                           n, WIRE_PCAP_FILE_HDR);
    }
    uint32_t magic;
    memcpy(&magic, h, 4);
    bool swapped = false, nanos = false;
    if (magic == WIRE_PCAP_MAGIC_US || magic == WIRE_PCAP_MAGIC_NS)
        nanos = magic == WIRE_PCAP_MAGIC_NS;
    else if (__builtin_bswap32(magic) == WIRE_PCAP_MAGIC_US ||
             __builtin_bswap32(magic) == WIRE_PCAP_MAGIC_NS) {
        swapped = true;
        nanos = __builtin_bswap32(magic) == WIRE_PCAP_MAGIC_NS;
    } else {
        fclose(f);
        return sim_err_set(err, "%s: offset 0: bad magic 0x%08x: not a classic pcap file "
                           "(pcapng is not supported)", path, magic);
    }
    uint16_t major = rd16(h + 4, swapped);
    uint32_t snaplen = rd32(h + 16, swapped);
    uint32_t linktype = rd32(h + 20, swapped) & 0x0FFFFFFFu;  /* upper bits: FCS-length flags */
    const char *why = NULL;
    char buf[128];
    if (major != 2) {
        snprintf(buf, sizeof buf, "offset 4: version %u.%u (expected 2.x)", major,
                 rd16(h + 6, swapped));
        why = buf;
    } else if (linktype != WIRE_PCAP_LINKTYPE_ETHERNET) {
        snprintf(buf, sizeof buf, "offset 20: link type %u (only 1, ETHERNET, can be replayed)",
                 linktype);
        why = buf;
    } else if (snaplen == 0 || snaplen > WIRE_PCAP_MAX_CAPLEN) {
        snprintf(buf, sizeof buf, "offset 16: snaplen %u (expected 1..%u)", snaplen,
                 WIRE_PCAP_MAX_CAPLEN);
        why = buf;
    }
    if (why) {
        fclose(f);
        return sim_err_set(err, "%s: %s", path, why);
    }
    wire_pcap_reader *r = calloc(1, sizeof *r);
    if (!r) {
        fclose(f);
        return sim_err_set(err, "%s: out of memory", path);
    }
    r->f = f;
    snprintf(r->path, sizeof r->path, "%s", path);
    r->swapped = swapped;
    r->nanos = nanos;
    r->snaplen = snaplen;
    r->offset = WIRE_PCAP_FILE_HDR;
    *out = r;
    return 0;
}

int wire_pcap_reader_next(wire_pcap_reader *r, wire_pcap_record *rec, sim_err *err)
{
    uint8_t h[WIRE_PCAP_REC_HDR];
    uint64_t recno = r->index + 1;
    size_t n = fread(h, 1, sizeof h, r->f);
    if (n == 0 && feof(r->f))
        return 0;
    if (n < sizeof h)
        return sim_err_set(err, "%s: record %llu at offset %llu: truncated record header (%zu of %u "
                           "bytes)", r->path, (unsigned long long)recno,
                           (unsigned long long)r->offset, n, WIRE_PCAP_REC_HDR);
    uint32_t sec = rd32(h, r->swapped), frac = rd32(h + 4, r->swapped);
    uint32_t caplen = rd32(h + 8, r->swapped), origlen = rd32(h + 12, r->swapped);
    uint32_t frac_max = r->nanos ? 1000000000u : 1000000u;
    if (caplen > r->snaplen || caplen > WIRE_PCAP_MAX_CAPLEN)
        return sim_err_set(err, "%s: record %llu at offset %llu: captured length %u exceeds the "
                           "snaplen %u", r->path, (unsigned long long)recno,
                           (unsigned long long)r->offset, caplen, r->snaplen);
    if (caplen > origlen)
        return sim_err_set(err, "%s: record %llu at offset %llu: captured length %u exceeds the "
                           "original length %u", r->path, (unsigned long long)recno,
                           (unsigned long long)r->offset, caplen, origlen);
    if (frac >= frac_max)
        return sim_err_set(err, "%s: record %llu at offset %llu: timestamp fraction %u out of range "
                           "(< %u)", r->path, (unsigned long long)recno,
                           (unsigned long long)r->offset, frac, frac_max);
    if (caplen > r->bufcap) {
        uint8_t *nb = realloc(r->buf, caplen);
        if (!nb)
            return sim_err_set(err, "%s: record %llu: out of memory", r->path,
                               (unsigned long long)recno);
        r->buf = nb;
        r->bufcap = caplen;
    }
    n = fread(r->buf, 1, caplen, r->f);
    if (n < caplen)
        return sim_err_set(err, "%s: record %llu at offset %llu: truncated packet data (%zu of %u "
                           "bytes)", r->path, (unsigned long long)recno,
                           (unsigned long long)r->offset, n, caplen);
    rec->index = recno;
    rec->offset = r->offset;
    rec->ts = (sim_time_t)sec * SIM_SEC +
              (sim_time_t)frac * (r->nanos ? SIM_NS : SIM_US);
    rec->caplen = caplen;
    rec->origlen = origlen;
    rec->data = r->buf;
    r->index = recno;
    r->offset += WIRE_PCAP_REC_HDR + caplen;
    return 1;
}

bool wire_pcap_reader_nanosecond(const wire_pcap_reader *r) { return r->nanos; }
bool wire_pcap_reader_swapped(const wire_pcap_reader *r) { return r->swapped; }

void wire_pcap_reader_close(wire_pcap_reader *r)
{
    if (!r)
        return;
    fclose(r->f);
    free(r->buf);
    free(r);
}

/* ---- replay ---- */

struct wire_replay {
    wire_pcap_reader *r;
    wire_port *port;
    wire_replay_mode mode;
    uint64_t frames_per_s;
    wire_replay_stats stats;
    sim_err err;
};

static void wire_replay_fail(wire_replay *rp)
{
    rp->stats.failed = true;
    sim_log(SIM_LOG_ERROR, wire_port_name(rp->port), "pcap replay stopped: %s", rp->err.msg);
}

static void wire_replay_thread(void *arg)
{
    wire_replay *rp = arg;
    sim_time_t start = sim_now(), first_ts = 0;
    bool have_first = false;
    wire_pcap_record rec;
    int rc;
    while ((rc = wire_pcap_reader_next(rp->r, &rec, &rp->err)) == 1) {
        if (rec.caplen < rec.origlen || rec.caplen == 0) {
            rp->stats.skipped_truncated++;
            sim_log(SIM_LOG_WARN, wire_port_name(rp->port),
                    "pcap record %llu: %u of %u bytes captured; not replayed",
                    (unsigned long long)rec.index, rec.caplen, rec.origlen);
            continue;
        }
        if (rec.caplen > WIRE_MAX_FRAME_BYTES) {
            sim_err_set(&rp->err, "%s: record %llu at offset %llu: frame of %u bytes exceeds %u", rp->r->path,
                        (unsigned long long)rec.index, (unsigned long long)rec.offset, rec.caplen,
                        WIRE_MAX_FRAME_BYTES);
            wire_replay_fail(rp);
            break;
        }
        sim_time_t due;
        if (rp->mode == WIRE_REPLAY_RECORDED) {
            if (!have_first) {
                first_ts = rec.ts;
                have_first = true;
            }
            due = start + (rec.ts >= first_ts ? rec.ts - first_ts : 0);
        } else {
            due = rp->frames_per_s ? start + rp->stats.sent * (SIM_SEC / rp->frames_per_s) : 0;
        }
        sim_time_t free_at = wire_port_tx_free_at(rp->port);
        if (due < free_at)
            due = free_at;       /* a frame cannot start before the previous one has left */
        if (due > sim_now())
            sim_wait(due - sim_now());
        wire_frame fr = { rec.data, rec.caplen, true };
        if (wire_port_send(rp->port, &fr, &rp->err) == 0) {
            wire_replay_fail(rp);
            break;
        }
        rp->stats.sent++;
    }
    if (rc < 0)
        wire_replay_fail(rp);
    rp->stats.done = true;
}

int wire_replay_start(wire_pcap_reader *r, wire_port *p, wire_replay_mode mode,
                      uint64_t frames_per_s, wire_replay **out, sim_err *err)
{
    *out = NULL;
    if (mode == WIRE_REPLAY_RATE && frames_per_s > SIM_SEC)
        return sim_err_set(err, "%s: replay rate %llu frames/s above 1e12", r->path,
                           (unsigned long long)frames_per_s);
    wire_replay *rp = calloc(1, sizeof *rp);
    if (!rp)
        return sim_err_set(err, "%s: out of memory", r->path);
    rp->r = r;
    rp->port = p;
    rp->mode = mode;
    rp->frames_per_s = frames_per_s;
    sim_thread_spawn("wire.pcap_replay", wire_replay_thread, rp);
    *out = rp;
    return 0;
}

wire_replay_stats wire_replay_get_stats(const wire_replay *rp) { return rp->stats; }
const char *wire_replay_error(const wire_replay *rp) { return rp->stats.failed ? rp->err.msg : ""; }

void wire_replay_free(wire_replay *rp)
{
    if (!rp)
        return;
    sim_cancel_owner(rp);
    wire_pcap_reader_close(rp->r);
    free(rp);
}
