/* disk_backend.h — where a disk's blocks live: a RAM backend (sparse, zero-filled until written)
 * or a raw image file read and written with pread/pwrite. The SCSI layer above addresses bytes;
 * the backend only stores them. A missing, unreadable or badly sized image is refused at open
 * with a message naming the file, so a run never starts against a bad image. */
#ifndef VMKSIM_DISK_BACKEND_H
#define VMKSIM_DISK_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct disk_backend disk_backend;

/* Largest RAM disk: the chunk table costs 8 bytes per 64 KiB chunk (8 MiB of table at 64 GiB);
 * chunks never written cost nothing. */
#define DISK_RAM_MAX_BYTES  (64ull << 30)
#define DISK_RAM_CHUNK      (64u * 1024u)

/* A RAM disk of size bytes (a multiple of block_size). */
int disk_backend_ram(uint64_t size, disk_backend **out, sim_err *err);
/* A raw image file. The size is the file's; it must be a non-zero multiple of block_size.
 * read_only opens O_RDONLY (writes then fail with DATA PROTECT at the SCSI layer). */
int disk_backend_file(const char *path, uint32_t block_size, bool read_only, disk_backend **out,
                      sim_err *err);
void disk_backend_free(disk_backend *b);

uint64_t disk_backend_size(const disk_backend *b);
bool disk_backend_read_only(const disk_backend *b);
const char *disk_backend_describe(const disk_backend *b);   /* "ram" or the image path */

/* Byte-addressed transfers inside [0, size). Return 0, or -1 with err filled (an I/O error of
 * the image file, which the SCSI layer reports as MEDIUM ERROR). */
int disk_backend_read(disk_backend *b, uint64_t off, void *buf, size_t len, sim_err *err);
int disk_backend_write(disk_backend *b, uint64_t off, const void *buf, size_t len, sim_err *err);
/* Makes written data durable (fdatasync for a file; nothing for RAM). */
int disk_backend_flush(disk_backend *b, sim_err *err);

#ifdef __cplusplus
}
#endif
#endif
