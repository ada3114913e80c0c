/* pcap_writer.c — writes the frames a wire port transmits to a classic pcap file
 * (pcap-savefile(5)) with nanosecond timestamps (magic 0xa1b23c4d), LINKTYPE_ETHERNET, frames
 * without FCS, in the host's byte order as libpcap writes them. Plain stdio. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/wire/pcap.h"

struct wire_pcap_writer {
    FILE *f;
    char path[512];
    uint64_t frames;
    bool failed;
    int saved_errno;
};

static bool put32(FILE *f, uint32_t v) { return fwrite(&v, 4, 1, f) == 1; }
static bool put16(FILE *f, uint16_t v) { return fwrite(&v, 2, 1, f) == 1; }

int wire_pcap_writer_open(const char *path, wire_pcap_writer **out, sim_err *err)
{
    *out = NULL;
    wire_pcap_writer *w = calloc(1, sizeof *w);
    if (!w)
        return sim_err_set(err, "%s: out of memory", path);
    snprintf(w->path, sizeof w->path, "%s", path);
    w->f = fopen(path, "wb");
    if (!w->f) {
        int e = errno;
        free(w);
        return sim_err_set(err, "%s: cannot create pcap file: %s", path, strerror(e));
    }
    /* pcap-savefile(5) file header: magic, version 2.4, thiszone, sigfigs, snaplen, linktype */
    bool ok = put32(w->f, WIRE_PCAP_MAGIC_NS) && put16(w->f, 2) && put16(w->f, 4) &&
              put32(w->f, 0) && put32(w->f, 0) && put32(w->f, WIRE_PCAP_SNAPLEN) &&
              put32(w->f, WIRE_PCAP_LINKTYPE_ETHERNET);
    if (!ok) {
        int e = errno;
        fclose(w->f);
        free(w);
        return sim_err_set(err, "%s: cannot write pcap header: %s", path, strerror(e));
    }
    *out = w;
    return 0;
}

int wire_pcap_writer_write(wire_pcap_writer *w, sim_time_t ts, const uint8_t *data, size_t len,
                           sim_err *err)
{
    if (w->failed)
        return sim_err_set(err, "%s: earlier write failed: %s", w->path, strerror(w->saved_errno));
    uint32_t caplen = len > WIRE_PCAP_SNAPLEN ? WIRE_PCAP_SNAPLEN : (uint32_t)len;
    uint64_t ns = ts / SIM_NS;
    bool ok = put32(w->f, (uint32_t)(ns / 1000000000u)) &&
              put32(w->f, (uint32_t)(ns % 1000000000u)) && put32(w->f, caplen) &&
              put32(w->f, (uint32_t)len) && fwrite(data, 1, caplen, w->f) == caplen;
    if (!ok) {
        w->failed = true;
        w->saved_errno = errno;
        return sim_err_set(err, "%s: write of record %llu failed: %s", w->path,
                           (unsigned long long)w->frames + 1, strerror(errno));
    }
    w->frames++;
    return 0;
}

static void wire_pcap_tap(void *ctx, wire_port *p, sim_time_t start, const wire_frame *frame)
{
    wire_pcap_writer *w = ctx;
    sim_err err;
    if (wire_pcap_writer_write(w, start, frame->data, frame->len, &err) < 0 && w->frames == 0)
        sim_log(SIM_LOG_ERROR, wire_port_name(p), "%s", err.msg);
}

int wire_pcap_writer_attach(wire_pcap_writer *w, wire_port *p, sim_err *err)
{
    return wire_port_add_tap(p, wire_pcap_tap, w, err);
}

void wire_pcap_writer_detach(wire_pcap_writer *w, wire_port *p)
{
    wire_port_remove_tap(p, wire_pcap_tap, w);
}

uint64_t wire_pcap_writer_frames(const wire_pcap_writer *w) { return w->frames; }

int wire_pcap_writer_close(wire_pcap_writer *w, sim_err *err)
{
    if (!w)
        return 0;
    int rc = 0;
    if (w->failed)
        rc = sim_err_set(err, "%s: pcap write failed: %s", w->path, strerror(w->saved_errno));
    if (fclose(w->f) != 0 && rc == 0)
        rc = sim_err_set(err, "%s: closing pcap file failed: %s", w->path, strerror(errno));
    free(w);
    return rc;
}
