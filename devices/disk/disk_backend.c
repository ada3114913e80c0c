/* disk_backend.c — RAM and raw-image-file block stores (disk_backend.h). The RAM store keeps a
 * table of 64 KiB chunks allocated on first write, so a large, mostly unwritten disk costs little
 * host memory; reads of untouched chunks return zeros, like a freshly created sparse image. */
#include "devices/disk/disk_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum { BACKEND_RAM, BACKEND_FILE } backend_kind;

struct disk_backend {
    backend_kind kind;
    uint64_t size;
    bool read_only;
    /* RAM */
    uint8_t **chunks;
    size_t nchunks;
    /* file */
    int fd;
    char *path;
};

int disk_backend_ram(uint64_t size, disk_backend **out, sim_err *err)
{
    *out = NULL;
    if (size == 0)
        return sim_err_set(err, "ram disk: size must be greater than 0");
    if (size > DISK_RAM_MAX_BYTES)
        return sim_err_set(err, "ram disk: size %llu bytes exceeds the %llu-byte limit",
                           (unsigned long long)size, (unsigned long long)DISK_RAM_MAX_BYTES);
    disk_backend *b = calloc(1, sizeof *b);
    if (!b)
        return sim_err_set(err, "ram disk: out of memory");
    b->kind = BACKEND_RAM;
    b->size = size;
    b->fd = -1;
    b->nchunks = (size_t)((size + DISK_RAM_CHUNK - 1) / DISK_RAM_CHUNK);
    b->chunks = calloc(b->nchunks, sizeof *b->chunks);
    if (!b->chunks) {
        size_t n = b->nchunks;
        free(b);
        return sim_err_set(err, "ram disk: out of memory for %zu chunks", n);
    }
    *out = b;
    return 0;
}

int disk_backend_file(const char *path, uint32_t block_size, bool read_only, disk_backend **out,
                      sim_err *err)
{
    *out = NULL;
    if (!path || !*path)
        return sim_err_set(err, "disk image: no file name given");
    if (block_size == 0)
        return sim_err_set(err, "disk image '%s': block size 0", path);
    int fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return sim_err_set(err, "disk image '%s': cannot open %s: %s", path,
                           read_only ? "for reading" : "for reading and writing",
                           strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return sim_err_set(err, "disk image '%s': cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        close(fd);
        return sim_err_set(err, "disk image '%s': not a regular file", path);
    }
    uint64_t size = (uint64_t)st.st_size;
    if (size == 0 || size % block_size != 0) {
        close(fd);
        return sim_err_set(err, "disk image '%s': size %llu bytes is not a non-zero multiple of "
                           "the %u-byte block size", path, (unsigned long long)size, block_size);
    }
    /* Prove it is readable now rather than at the first READ in the middle of a run. */
    uint8_t probe[512];
    ssize_t n = pread(fd, probe, sizeof probe < size ? sizeof probe : (size_t)size, 0);
    if (n < 0) {
        int e = errno;
        close(fd);
        return sim_err_set(err, "disk image '%s': cannot read: %s", path, strerror(e));
    }
    disk_backend *b = calloc(1, sizeof *b);
    char *p = strdup(path);
    if (!b || !p) {
        free(b);
        free(p);
        close(fd);
        return sim_err_set(err, "disk image '%s': out of memory", path);
    }
    b->kind = BACKEND_FILE;
    b->size = size;
    b->read_only = read_only;
    b->fd = fd;
    b->path = p;
    *out = b;
    return 0;
}

void disk_backend_free(disk_backend *b)
{
    if (!b)
        return;
    if (b->chunks) {
        for (size_t i = 0; i < b->nchunks; i++)
            free(b->chunks[i]);
        free(b->chunks);
    }
    if (b->fd >= 0)
        close(b->fd);
    free(b->path);
    free(b);
}

uint64_t disk_backend_size(const disk_backend *b) { return b->size; }
bool disk_backend_read_only(const disk_backend *b) { return b->read_only; }
const char *disk_backend_describe(const disk_backend *b)
{
    return b->kind == BACKEND_FILE ? b->path : "ram";
}

static int check_range(const disk_backend *b, uint64_t off, size_t len, sim_err *err)
{
    if (off > b->size || len > b->size - off)
        return sim_err_set(err, "%s: access [%llu, +%zu) beyond the end (%llu bytes)",
                           disk_backend_describe(b), (unsigned long long)off, len,
                           (unsigned long long)b->size);
    return 0;
}

static int ram_rw(disk_backend *b, uint64_t off, void *buf, size_t len, bool is_write,
                  sim_err *err)
{
    uint8_t *p = buf;
    while (len > 0) {
        size_t ci = (size_t)(off / DISK_RAM_CHUNK);
        size_t co = (size_t)(off % DISK_RAM_CHUNK);
        size_t n = DISK_RAM_CHUNK - co;
        if (n > len)
            n = len;
        if (is_write) {
            if (!b->chunks[ci]) {
                b->chunks[ci] = calloc(1, DISK_RAM_CHUNK);
                if (!b->chunks[ci])
                    return sim_err_set(err, "ram disk: out of memory at offset %llu",
                                       (unsigned long long)off);
            }
            memcpy(b->chunks[ci] + co, p, n);
        } else if (b->chunks[ci]) {
            memcpy(p, b->chunks[ci] + co, n);
        } else {
            memset(p, 0, n);
        }
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

static int file_rw(disk_backend *b, uint64_t off, void *buf, size_t len, bool is_write,
                   sim_err *err)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = is_write ? pwrite(b->fd, p, len, (off_t)off) : pread(b->fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return sim_err_set(err, "disk image '%s': %s at offset %llu: %s", b->path,
                               is_write ? "write" : "read", (unsigned long long)off,
                               n < 0 ? strerror(errno) : "unexpected end of file");
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int disk_backend_read(disk_backend *b, uint64_t off, void *buf, size_t len, sim_err *err)
{
    if (check_range(b, off, len, err) != 0)
        return -1;
    return b->kind == BACKEND_RAM ? ram_rw(b, off, buf, len, false, err)
                                  : file_rw(b, off, buf, len, false, err);
}

int disk_backend_write(disk_backend *b, uint64_t off, const void *buf, size_t len, sim_err *err)
{
    if (b->read_only)
        return sim_err_set(err, "%s: write to a read-only disk", disk_backend_describe(b));
    if (check_range(b, off, len, err) != 0)
        return -1;
    return b->kind == BACKEND_RAM ? ram_rw(b, off, (void *)buf, len, true, err)
                                  : file_rw(b, off, (void *)buf, len, true, err);
}

int disk_backend_flush(disk_backend *b, sim_err *err)
{
    if (b->kind == BACKEND_FILE && !b->read_only && fdatasync(b->fd) != 0)
        return sim_err_set(err, "disk image '%s': fdatasync: %s", b->path, strerror(errno));
    return 0;
}
