/* pattern.c — the verify pattern every block written by the workload carries (docs/storage.md
 * "Verify"): a 32-byte header {magic "VSBK", checksum, LBA, seed, generation} and a payload
 * generated from (seed, LBA, generation), so a read checks that the block holds what was written
 * there, at that position, by that run, at that generation. The checksum is FNV-1a-32 over the
 * block with the checksum field taken as zero. */
#include <string.h>

#include "kernel_model/scsi/scsi.h"

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }   /* host order: a private format */
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit word per step */
static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t checksum(const uint8_t *blk, size_t len)
{
    uint32_t h = 2166136261u;   /* FNV-1a 32-bit offset basis and prime (FNV spec) */
    for (size_t i = 0; i < len; i++) {
        uint8_t b = (i >= 4 && i < 8) ? 0 : blk[i];
        h = (h ^ b) * 16777619u;
    }
    return h;
}

void kern_scsi_pattern_fill(uint8_t *blk, size_t len, uint64_t lba, uint64_t seed, uint64_t gen)
{
    uint64_t s = seed ^ (lba * 0xD1B54A32D192ED03ull) ^ (gen * 0xABC98388FB8FAC03ull);
    for (size_t off = KERN_SCSI_PATTERN_HDR; off < len; off += 8) {
        uint64_t w = splitmix(&s);
        memcpy(blk + off, &w, len - off < 8 ? len - off : 8);
    }
    put32(blk, KERN_SCSI_PATTERN_MAGIC);
    put32(blk + 4, 0);
    put64(blk + 8, lba);
    put64(blk + 16, seed);
    put64(blk + 24, gen);
    put32(blk + 4, checksum(blk, len));
}

kern_scsi_pattern_check kern_scsi_pattern_check_block(const uint8_t *blk, size_t len, uint64_t lba,
                                                      uint64_t seed, uint64_t expect_gen)
{
    if (len < KERN_SCSI_PATTERN_HDR || get32(blk) != KERN_SCSI_PATTERN_MAGIC) {
        for (size_t i = 0; i < len; i++)
            if (blk[i])
                return KERN_SCSI_PATTERN_BAD;   /* neither ours nor blank: garbage */
        return KERN_SCSI_PATTERN_NONE;
    }
    if (get64(blk + 8) != lba || get64(blk + 16) != seed)
        return KERN_SCSI_PATTERN_BAD;
    uint64_t gen = get64(blk + 24);
    if (expect_gen && gen != expect_gen)
        return KERN_SCSI_PATTERN_BAD;
    if (get32(blk + 4) != checksum(blk, len))
        return KERN_SCSI_PATTERN_BAD;
    /* The payload is a function of the header: regenerate and compare. */
    uint64_t s = seed ^ (lba * 0xD1B54A32D192ED03ull) ^ (gen * 0xABC98388FB8FAC03ull);
    for (size_t off = KERN_SCSI_PATTERN_HDR; off < len; off += 8) {
        uint64_t w = splitmix(&s);
        if (memcmp(blk + off, &w, len - off < 8 ? len - off : 8))
            return KERN_SCSI_PATTERN_BAD;
    }
    return KERN_SCSI_PATTERN_OK;
}
