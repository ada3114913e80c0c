/* load.c — the storage workload, in the spirit of fio: a sim thread in its own world issues
 * READ/WRITE commands to one disk (rw = read, write, randread, randwrite, randrw with a read
 * percentage), block size, queue depth, a region of the disk, a count or a duration; with verify
 * every written block carries the pattern of pattern.c and every read block is checked against
 * what this run last wrote there. The op stream comes from sim_rng_derive, so the same seed gives
 * the same sequence. Rules: docs/storage.md "Workload". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/scsi/scsi_cdb.h"
#include "kernel_model/scsi/scsi_internal.h"
#include "sim/sim.h"

#define GEN_UNKNOWN UINT64_MAX        /* a write to the block failed: its content is unknown */
#define LOAD_MAX_QD 1024u
#define LOAD_MAX_BS (16u << 20)       /* 16 MiB per I/O */
#define LOAD_MAX_VERIFY_BLOCKS (1ull << 24)   /* generation table: 128 MiB at most */

typedef struct load_io {
    kern_scsi_load *l;
    kern_scsi_req *r;
    uint64_t slot, gen;
    bool write;
    struct load_io *next_free;
} load_io;

struct kern_scsi_load {
    kern_scsi_load_params p;
    char world_name[96];
    kern_tworld *world;
    sim_event *ev;
    result_latency *lat;
    kern_scsi_load_stats st;
    sim_rng rng;
    uint32_t disk_bs, bs_blocks;
    uint64_t region_lba, slots, next_slot, wgen;
    uint64_t *gen;          /* per disk block of the region (verify) */
    uint8_t *busy;          /* per slot: an I/O is in flight on it */
    load_io *ios, *free_ios;
    bool waiting, running, sent_all;
};

static const char *const rw_names[] = { "read", "write", "randread", "randwrite", "randrw" };

const char *kern_scsi_rw_name(kern_scsi_rw rw)
{
    return (unsigned)rw < sizeof rw_names / sizeof rw_names[0] ? rw_names[rw] : "?";
}

int kern_scsi_rw_parse(const char *s, kern_scsi_rw *out)
{
    for (unsigned i = 0; s && i < sizeof rw_names / sizeof rw_names[0]; i++)
        if (!strcmp(s, rw_names[i])) {
            *out = (kern_scsi_rw)i;
            return 0;
        }
    return -1;
}

uint64_t kern_scsi_load_lost(const kern_scsi_load_stats *s)
{
    return s->issued - s->completed - s->failed;
}

static void hash_add(kern_scsi_load *l, uint64_t v)
{
    for (int i = 0; i < 8; i++) {   /* FNV-1a 64 (FNV spec offset basis/prime) */
        l->st.op_hash ^= (uint8_t)(v >> (8 * i));
        l->st.op_hash *= 0x100000001B3ull;
    }
}

static void verify_read(kern_scsi_load *l, load_io *io)
{
    const uint8_t *buf = io->r->data;
    for (uint32_t i = 0; i < l->bs_blocks; i++) {
        uint64_t idx = io->slot * l->bs_blocks + i;
        uint64_t lba = l->region_lba + idx;
        uint64_t expect = l->gen[idx];
        kern_scsi_pattern_check c = kern_scsi_pattern_check_block(
            buf + (size_t)i * l->disk_bs, l->disk_bs, lba, l->p.seed,
            expect == GEN_UNKNOWN ? 0 : expect);
        if (c == KERN_SCSI_PATTERN_OK) {
            l->st.verified_blocks++;
        } else if (c == KERN_SCSI_PATTERN_NONE && (expect == 0 || expect == GEN_UNKNOWN)) {
            l->st.unverified_blocks++;   /* never written with a pattern */
        } else {
            l->st.verify_errors++;
            sim_log(SIM_LOG_WARN, KERN_SCSI_LOG, "%s: verify error at LBA %llu (expected "
                    "generation %llu)", l->world_name, (unsigned long long)lba,
                    (unsigned long long)expect);
        }
    }
}

static void on_done(void *ctx, kern_scsi_req *r, sim_time_t when)
{
    load_io *io = ctx;
    kern_scsi_load *l = io->l;
    bool ok = kern_scsi_req_ok(r) && r->bytes_xferred == (size_t)l->p.block_size;
    l->st.in_flight--;
    if (ok) {
        l->st.completed++;
        result_latency_record(l->lat, when >= r->submit ? when - r->submit : 0);
        if (io->write) {
            l->st.writes++;
            l->st.bytes_written += r->bytes_xferred;
        } else {
            l->st.reads++;
            l->st.bytes_read += r->bytes_xferred;
        }
    } else {
        l->st.failed++;
    }
    if (l->p.verify) {
        if (io->write)
            for (uint32_t i = 0; i < l->bs_blocks; i++)
                l->gen[io->slot * l->bs_blocks + i] = ok ? io->gen : GEN_UNKNOWN;
        else if (ok)
            verify_read(l, io);
    }
    hash_add(l, (uint64_t)io->slot << 8 | (uint64_t)ok << 1 | io->write);
    l->busy[io->slot] = 0;
    io->next_free = l->free_ios;
    l->free_ios = io;
    if (when > l->st.last_end)
        l->st.last_end = when;
    if (l->waiting) {
        sim_time_t now = sim_now();
        sim_event_notify(l->ev, when > now ? when - now : 0);
    }
}

static bool is_write_op(kern_scsi_load *l)
{
    switch (l->p.rw) {
    case KERN_SCSI_RW_WRITE:
    case KERN_SCSI_RW_RANDWRITE:
        return true;
    case KERN_SCSI_RW_RANDRW:
        return sim_rng_below(&l->rng, 100) >= l->p.read_pct;
    default:
        return false;
    }
}

static uint64_t pick_slot(kern_scsi_load *l)
{
    uint64_t s;
    if (l->p.rw == KERN_SCSI_RW_READ || l->p.rw == KERN_SCSI_RW_WRITE)
        s = l->next_slot++ % l->slots;
    else
        s = sim_rng_below(&l->rng, l->slots);
    while (l->busy[s])   /* never overlap an I/O in flight (qd <= slots: one is free) */
        s = (s + 1) % l->slots;
    return s;
}

static void load_thread(void *arg)
{
    kern_scsi_load *l = arg;
    kern_tworld_enter(l->world);
    sim_time_t start = kern_tworld_local_time(l->world);
    for (;;) {
        if (l->p.io_count && l->st.issued >= l->p.io_count)
            break;
        if (l->p.duration && kern_tworld_local_time(l->world) >= start + l->p.duration)
            break;
        while (l->st.in_flight >= l->p.queue_depth) {
            kern_world_sync();
            if (l->st.in_flight < l->p.queue_depth)
                break;
            l->waiting = true;
            kern_world_wait_event(l->ev);
            l->waiting = false;
        }
        if (l->p.duration && kern_tworld_local_time(l->world) >= start + l->p.duration)
            break;
        const kern_scsi_disk *d = kern_scsi_disk_find(l->p.disk);
        load_io *io = l->free_ios;
        l->free_ios = io->next_free;
        io->write = is_write_op(l);
        io->slot = pick_slot(l);
        if (!io->r->data) {   /* a given-up command kept the old buffer */
            io->r->data = calloc(1, l->p.block_size);
            io->r->data_len = io->r->data ? l->p.block_size : 0;
        }
        uint64_t lba = l->region_lba + io->slot * l->bs_blocks;
        if (io->write) {
            io->gen = ++l->wgen;
            if (l->p.verify && io->r->data)
                for (uint32_t i = 0; i < l->bs_blocks; i++)
                    kern_scsi_pattern_fill(io->r->data + (size_t)i * l->disk_bs, l->disk_bs,
                                           lba + i, l->p.seed, io->gen);
        }
        kscsi_cdb_rw(io->r, io->write, lba, l->bs_blocks);
        io->r->timeout_ms = l->p.timeout_ms;
        io->r->done = on_done;
        io->r->ctx = io;
        hash_add(l, lba << 1 | io->write);
        l->busy[io->slot] = 1;
        l->st.in_flight++;
        l->st.issued++;
        sim_time_t submit = kern_tworld_local_time(l->world);
        if (!l->st.first_submit)
            l->st.first_submit = submit;
        VMK_ReturnStatus st = d && io->r->data ? kern_scsi_disk_issue(d, io->r)
                                               : VMK_NOT_FOUND;
        if (st != VMK_OK) {
            /* Refused before it reached the adapter: failed, and the run stops issuing. */
            io->r->status.host = VMK_SCSI_HOST_NO_CONNECT;
            io->r->submit = submit;
            on_done(io, io->r, submit);
            sim_log(SIM_LOG_WARN, KERN_SCSI_LOG, "%s: I/O refused (%s): stopping after %llu "
                    "issued", l->world_name, vmk_StatusToString(st),
                    (unsigned long long)l->st.issued);
            break;
        }
        kern_world_quantum_check();
    }
    kern_world_sync();
    kern_tworld_leave(l->world);
    l->running = false;
    l->sent_all = true;
    sim_log(SIM_LOG_INFO, KERN_SCSI_LOG, "%s: all %llu issued (%llu in flight)", l->world_name,
            (unsigned long long)l->st.issued, (unsigned long long)l->st.in_flight);
}

static int load_check(const kern_scsi_load_params *p, const kern_scsi_disk *d, sim_err *err)
{
    const char *n = p->disk;
    if (!d)
        return sim_err_set(err, "scsi workload: no disk \"%s\"", n);
    if ((unsigned)p->rw > KERN_SCSI_RW_RANDRW)
        return sim_err_set(err, "scsi workload on %s: rw %d unknown", n, (int)p->rw);
    if (p->read_pct > 100)
        return sim_err_set(err, "scsi workload on %s: read_pct %u (expected 0..100)", n,
                           p->read_pct);
    if (p->block_size == 0 || p->block_size % d->block_size || p->block_size > LOAD_MAX_BS)
        return sim_err_set(err, "scsi workload on %s: block_size %u must be a multiple of the "
                           "disk's %u-byte blocks, at most %u", n, p->block_size, d->block_size,
                           LOAD_MAX_BS);
    if (p->queue_depth == 0 || p->queue_depth > LOAD_MAX_QD)
        return sim_err_set(err, "scsi workload on %s: queue_depth %u (expected 1..%u)", n,
                           p->queue_depth, LOAD_MAX_QD);
    uint64_t cap = d->num_blocks * d->block_size;
    if (p->region_offset % p->block_size || p->region_offset >= cap)
        return sim_err_set(err, "scsi workload on %s: region_offset %llu must be a multiple of "
                           "block_size below the capacity (%llu bytes)", n,
                           (unsigned long long)p->region_offset, (unsigned long long)cap);
    uint64_t size = p->region_size ? p->region_size
                                   : (cap - p->region_offset) / p->block_size * p->block_size;
    if (size == 0 || size % p->block_size || p->region_offset + size > cap)
        return sim_err_set(err, "scsi workload on %s: region_size %llu must be a non-zero "
                           "multiple of block_size within the disk (%llu bytes from offset "
                           "%llu)", n, (unsigned long long)size,
                           (unsigned long long)(cap - p->region_offset),
                           (unsigned long long)p->region_offset);
    if (size / p->block_size < p->queue_depth)
        return sim_err_set(err, "scsi workload on %s: the region holds %llu I/Os of %u bytes, "
                           "fewer than queue_depth %u (I/Os in flight never overlap)", n,
                           (unsigned long long)(size / p->block_size), p->block_size,
                           p->queue_depth);
    if (p->io_count == 0 && p->duration == 0)
        return sim_err_set(err, "scsi workload on %s: give io_count or duration", n);
    if (p->verify && size / d->block_size > LOAD_MAX_VERIFY_BLOCKS)
        return sim_err_set(err, "scsi workload on %s: verify tracks at most %llu blocks; the "
                           "region has %llu", n, (unsigned long long)LOAD_MAX_VERIFY_BLOCKS,
                           (unsigned long long)(size / d->block_size));
    if (p->verify && d->block_size < KERN_SCSI_PATTERN_HDR)
        return sim_err_set(err, "scsi workload on %s: verify needs blocks of at least %u bytes",
                           n, KERN_SCSI_PATTERN_HDR);
    return 0;
}

int kern_scsi_load_start(const kern_scsi_load_params *p, kern_scsi_load **out, sim_err *err)
{
    *out = NULL;
    if (!memchr(p->disk, '\0', sizeof p->disk))
        return sim_err_set(err, "scsi workload: disk name too long");
    const kern_scsi_disk *d = kern_scsi_disk_find(p->disk);
    if (load_check(p, d, err) < 0)
        return -1;
    kern_scsi_load *l = calloc(1, sizeof *l);
    if (!l)
        return sim_err_set(err, "scsi workload on %s: out of memory", p->disk);
    l->p = *p;
    l->disk_bs = d->block_size;
    l->bs_blocks = p->block_size / d->block_size;
    l->region_lba = p->region_offset / d->block_size;
    uint64_t cap = d->num_blocks * d->block_size;
    uint64_t size = p->region_size ? p->region_size
                                   : (cap - p->region_offset) / p->block_size * p->block_size;
    l->slots = size / p->block_size;
    snprintf(l->world_name, sizeof l->world_name, "scsiload:%s", p->disk);
    char stream[160];
    snprintf(stream, sizeof stream, "%s:%llu", l->world_name, (unsigned long long)p->seed);
    sim_rng_derive(&l->rng, stream);
    l->st.op_hash = 0xCBF29CE484222325ull;   /* FNV-1a 64 offset basis */
    l->world = kern_tworld_new(l->world_name);
    l->ev = sim_event_new(l->world_name);
    l->lat = result_latency_new();
    l->busy = calloc(l->slots, 1);
    l->gen = p->verify ? calloc(l->slots * l->bs_blocks, sizeof *l->gen) : NULL;
    l->ios = calloc(p->queue_depth, sizeof *l->ios);
    bool ok = l->world && l->ev && l->lat && l->busy && (!p->verify || l->gen) && l->ios;
    for (uint32_t i = 0; ok && i < p->queue_depth; i++) {
        l->ios[i].l = l;
        l->ios[i].r = kern_scsi_req_new(p->block_size);
        ok = l->ios[i].r != NULL;
        l->ios[i].next_free = l->free_ios;
        l->free_ios = &l->ios[i];
    }
    if (!ok) {
        kern_scsi_load_free(l);
        return sim_err_set(err, "scsi workload on %s: out of memory", p->disk);
    }
    l->running = true;
    sim_thread_spawn(l->world_name, load_thread, l);
    *out = l;
    return 0;
}

bool kern_scsi_load_done(const kern_scsi_load *l)
{
    return l->sent_all && l->st.in_flight == 0;
}

void kern_scsi_load_get_stats(const kern_scsi_load *l, kern_scsi_load_stats *out)
{
    *out = l->st;
}

const result_latency *kern_scsi_load_latency(const kern_scsi_load *l)
{
    return l->lat;
}

void kern_scsi_load_free(kern_scsi_load *l)
{
    if (!l)
        return;
    if (l->running || l->st.in_flight) {
        sim_log(SIM_LOG_ERROR, KERN_SCSI_LOG, "%s: freed while it runs or has I/O in flight; "
                "kept", l->world_name);
        return;
    }
    if (l->ios)
        for (uint32_t i = 0; i < l->p.queue_depth; i++)
            kern_scsi_req_free(l->ios[i].r);
    free(l->ios);
    free(l->busy);
    free(l->gen);
    if (l->world)
        kern_tworld_free(l->world);
    if (l->ev)
        sim_event_free(l->ev);
    result_latency_free(l->lat);
    free(l);
}
