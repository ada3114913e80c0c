/* pcap.h — classic libpcap capture files for the wire (the format of tcpdump/Wireshark's
 * pcap-savefile(5)): a writer that records every frame a port transmits with nanosecond simulated
 * timestamps (magic 0xa1b23c4d, LINKTYPE_ETHERNET 1), and a reader for both microsecond (0xa1b2c3d4)
 * and nanosecond magics in either byte order that replays a capture into a port. */
#ifndef VMKSIM_WIRE_PCAP_H
#define VMKSIM_WIRE_PCAP_H

#include <stdint.h>

#include "devices/wire/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WIRE_PCAP_MAGIC_US   0xa1b2c3d4u   /* pcap-savefile(5): microsecond timestamps */
#define WIRE_PCAP_MAGIC_NS   0xa1b23c4du   /* nanosecond timestamps */
#define WIRE_PCAP_LINKTYPE_ETHERNET 1u     /* tcpdump.org link-layer header types */
#define WIRE_PCAP_SNAPLEN    65535u        /* what the writer declares */
#define WIRE_PCAP_MAX_CAPLEN 262144u       /* the largest snaplen libpcap itself accepts */
#define WIRE_PCAP_FILE_HDR   24u
#define WIRE_PCAP_REC_HDR    16u

/* ---- writer ---- */
typedef struct wire_pcap_writer wire_pcap_writer;
int wire_pcap_writer_open(const char *path, wire_pcap_writer **out, sim_err *err);
/* Records every frame p transmits (a tap), at the time its first bit goes on the wire. */
int wire_pcap_writer_attach(wire_pcap_writer *w, wire_port *p, sim_err *err);
void wire_pcap_writer_detach(wire_pcap_writer *w, wire_port *p);
/* One record; ts is simulated time (ps), written as seconds + nanoseconds. */
int wire_pcap_writer_write(wire_pcap_writer *w, sim_time_t ts, const uint8_t *data, size_t len,
                           sim_err *err);
uint64_t wire_pcap_writer_frames(const wire_pcap_writer *w);
/* Flushes and closes; returns -1 with err naming the file if any write failed. Frees w. */
int wire_pcap_writer_close(wire_pcap_writer *w, sim_err *err);

/* ---- reader ---- */
typedef struct wire_pcap_reader wire_pcap_reader;
typedef struct wire_pcap_record {
    uint64_t index;        /* 1-based record number */
    uint64_t offset;       /* byte offset of the record header in the file */
    sim_time_t ts;         /* timestamp in ps */
    uint32_t caplen, origlen;
    const uint8_t *data;   /* caplen bytes, valid until the next call */
} wire_pcap_record;

/* Opens and validates the file header (magic, version 2.x, snaplen, linktype ETHERNET). */
int wire_pcap_reader_open(const char *path, wire_pcap_reader **out, sim_err *err);
/* 1 with rec filled, 0 at a clean end of file, -1 with err naming the file, the record number
 * and the byte offset (truncated header or data, caplen above snaplen or 262144, caplen > origlen). */
int wire_pcap_reader_next(wire_pcap_reader *r, wire_pcap_record *rec, sim_err *err);
bool wire_pcap_reader_nanosecond(const wire_pcap_reader *r);
bool wire_pcap_reader_swapped(const wire_pcap_reader *r);
void wire_pcap_reader_close(wire_pcap_reader *r);

/* ---- replay: a sim thread feeds a capture into port p (which sends it to its peer) ---- */
typedef enum wire_replay_mode {
    WIRE_REPLAY_RECORDED,  /* at the recorded times, relative to the first record, from the start */
    WIRE_REPLAY_RATE,      /* at frames_per_s (0: back to back at wire speed) */
} wire_replay_mode;

typedef struct wire_replay wire_replay;
typedef struct wire_replay_stats {
    uint64_t sent;               /* frames handed to the port */
    uint64_t skipped_truncated;  /* records with caplen < origlen (snaplen cut): not replayable */
    bool done;                   /* reached the end of the file or an error */
    bool failed;                 /* stopped on an error (message in wire_replay_error) */
} wire_replay_stats;

/* Takes ownership of r. Starts a sim thread at the current simulated time. */
int wire_replay_start(wire_pcap_reader *r, wire_port *p, wire_replay_mode mode,
                      uint64_t frames_per_s, wire_replay **out, sim_err *err);
wire_replay_stats wire_replay_get_stats(const wire_replay *rp);
const char *wire_replay_error(const wire_replay *rp);   /* "" if none */
/* Only once the replay is done (or the simulation will not run again). */
void wire_replay_free(wire_replay *rp);

#ifdef __cplusplus
}
#endif
#endif
