/* scsi_disk_info.c — what a logical unit says about itself: standard INQUIRY data (SPC-4 6.6.2),
 * the VPD pages Supported VPD Pages 00h (7.8.16), Unit Serial Number 80h (7.8.17) and Device
 * Identification 83h (7.8.6), and MODE SENSE (6)/(10) (6.11, 6.12) with the block descriptor
 * and the Caching (SBC-3 6.4.5) and Control (SPC-4 7.5.8) mode pages. */
#include "devices/disk/scsi_disk_internal.h"

#include <string.h>

/* Left-aligned, space-padded ASCII field (SPC-4 4.4.1). */
static void put_ascii(uint8_t *dst, const char *s, size_t width)
{
    size_t n = strlen(s);
    memset(dst, ' ', width);
    memcpy(dst, s, n < width ? n : width);
}

size_t scsi_inquiry_std(const scsi_disk *d, uint8_t *r)
{
    memset(r, 0, SCSI_INQ_STD_FULL_LEN);
    r[0] = d ? SCSI_PERIPH_DISK : (uint8_t)(SCSI_PERIPH_QUAL_NOT_CAPABLE << 5 |
                                            SCSI_PERIPH_TYPE_UNKNOWN);
    r[1] = 0x00;                              /* RMB 0: not removable */
    r[2] = SCSI_VERSION_SPC4;
    r[3] = 0x10 | 0x02;                       /* HISUP 1, RESPONSE DATA FORMAT 2 */
    r[4] = SCSI_INQ_STD_FULL_LEN - 5;         /* ADDITIONAL LENGTH: bytes after byte 4 */
    r[7] = 0x02;                              /* CMDQUE 1: full task management model */
    put_ascii(r + 8, d ? d->vendor : "VMKSIM", 8);
    put_ascii(r + 16, d ? d->product : "No LU", 16);
    put_ascii(r + 32, d ? d->revision : "", 4);
    /* VERSION DESCRIPTORS, bytes 58..73 (table 150) */
    scsi_put_be16(r + 58, SCSI_VD_SAM5);
    scsi_put_be16(r + 60, SCSI_VD_SPC4);
    scsi_put_be16(r + 62, SCSI_VD_SBC3);
    return SCSI_INQ_STD_FULL_LEN;
}

/* Device Identification designators (SPC-4 7.8.6.1 table 460): a 4-byte header, then the id. */
static size_t put_designator(uint8_t *p, uint8_t code_set, uint8_t type, const void *id,
                             size_t len)
{
    p[0] = code_set;                          /* PROTOCOL IDENTIFIER 0 (PIV 0) */
    p[1] = type;                              /* PIV 0, ASSOCIATION 00b: the logical unit */
    p[2] = 0;
    p[3] = (uint8_t)len;
    memcpy(p + 4, id, len);
    return 4 + len;
}

static size_t vpd_device_id(const scsi_disk *d, uint8_t *r)
{
    size_t n = 4;
    /* NAA (type 3h), binary code set (1h): NAA 3h locally assigned, 8 bytes (7.8.6.6). */
    uint8_t naa[8];
    scsi_put_be64(naa, d->naa_id);
    n += put_designator(r + n, 0x1, 0x3, naa, sizeof naa);
    /* T10 vendor ID based (type 1h), ASCII (2h): vendor (8 bytes) + product + serial (7.8.6.4). */
    uint8_t t10[8 + 16 + 32];
    put_ascii(t10, d->vendor, 8);
    size_t tl = 8;
    memcpy(t10 + tl, d->product, strlen(d->product));
    tl += strlen(d->product);
    memcpy(t10 + tl, d->serial, strlen(d->serial));
    tl += strlen(d->serial);
    n += put_designator(r + n, 0x2, 0x1, t10, tl);
    r[1] = SCSI_VPD_DEVICE_ID;
    scsi_put_be16(r + 2, (uint32_t)(n - 4));  /* PAGE LENGTH */
    return n;
}

void scsi_disk_inquiry(scsi_disk *d, const uint8_t *cdb, void *buf, size_t buf_len,
                       scsi_result *res)
{
    uint8_t r[256];
    size_t n;
    bool evpd = cdb[1] & 0x01;
    /* SPC-4 6.6.1: CMDDT (bit 1) is obsolete and EVPD 0 with a non-zero PAGE CODE is an error:
     * ILLEGAL REQUEST, INVALID FIELD IN CDB. */
    if ((cdb[1] & 0x02) || (!evpd && cdb[2] != 0)) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    if (!evpd) {
        n = scsi_inquiry_std(d, r);
    } else {
        memset(r, 0, sizeof r);
        r[0] = SCSI_PERIPH_DISK;
        switch (cdb[2]) {
        case SCSI_VPD_SUPPORTED_PAGES:        /* ascending list of supported pages */
            r[1] = SCSI_VPD_SUPPORTED_PAGES;
            r[4] = SCSI_VPD_SUPPORTED_PAGES;
            r[5] = SCSI_VPD_UNIT_SERIAL;
            r[6] = SCSI_VPD_DEVICE_ID;
            scsi_put_be16(r + 2, 3);
            n = 7;
            break;
        case SCSI_VPD_UNIT_SERIAL: {
            size_t sl = strlen(d->serial);
            r[1] = SCSI_VPD_UNIT_SERIAL;
            scsi_put_be16(r + 2, (uint32_t)sl);
            memcpy(r + 4, d->serial, sl);
            n = 4 + sl;
            break;
        }
        case SCSI_VPD_DEVICE_ID:
            n = vpd_device_id(d, r);
            break;
        default:                              /* 6.6.1: unsupported VPD page */
            scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
            return;
        }
    }
    size_t alloc = scsi_be16(cdb + 3);
    scsi_put_data(res, buf, buf_len < alloc ? buf_len : alloc, r, n);
    if (res->want_len > alloc)
        res->want_len = alloc;                /* the allocation length caps the transfer */
}

/* Mode pages; pc = page control (0 current, 1 changeable, 2 default). */
static size_t mode_page(uint8_t page, uint8_t pc, uint8_t *p)
{
    if (page == SCSI_MODE_PAGE_CACHING) {      /* SBC-3 6.4.5 table 156: 20 bytes */
        memset(p, 0, 20);
        p[0] = SCSI_MODE_PAGE_CACHING;
        p[1] = 0x12;
        /* byte 2: WCE 0 (writes go through to the medium), RCD 0. Nothing is changeable. */
        (void)pc;
        return 20;
    }
    if (page == SCSI_MODE_PAGE_CONTROL) {      /* SPC-4 7.5.8 table 457: 12 bytes */
        memset(p, 0, 12);
        p[0] = SCSI_MODE_PAGE_CONTROL;
        p[1] = 0x0A;
        if (pc != 1) {
            /* byte 2: D_SENSE 0 -> fixed-format sense; byte 3: QUEUE ALGORITHM MODIFIER 1
             * (unrestricted reordering); bytes 8..9 BUSY TIMEOUT PERIOD FFFFh (unlimited). */
            p[3] = 0x10;
            p[8] = 0xFF;
            p[9] = 0xFF;
        }
        return 12;
    }
    return 0;
}

void scsi_disk_mode_sense(scsi_disk *d, const uint8_t *cdb, bool ten, void *buf, size_t buf_len,
                          scsi_result *res)
{
    bool dbd = cdb[1] & 0x08;
    bool llbaa = ten && (cdb[1] & 0x10);
    uint8_t pc = cdb[2] >> 6, page = cdb[2] & 0x3F, subpage = cdb[3];
    if (pc == 3) {                             /* saved values: none are kept */
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_SAVING_NOT_SUPPORTED);
        return;
    }
    bool all = page == SCSI_MODE_PAGE_ALL;
    if ((!all && page != SCSI_MODE_PAGE_CACHING && page != SCSI_MODE_PAGE_CONTROL) ||
        (subpage != 0 && !(all && subpage == 0xFF))) {
        scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    uint8_t r[128] = {0};
    size_t hdr = ten ? 8 : 4;
    size_t n = hdr;
    /* Block descriptor (SBC-3 6.4.2): short LBA (8 bytes) or, with LLBAA, long LBA (16 bytes). */
    size_t bdl = dbd ? 0 : llbaa ? 16 : 8;
    if (bdl == 8) {
        uint64_t nb = d->num_blocks;
        scsi_put_be32(r + n, nb > 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)nb);
        scsi_put_be32(r + n + 4, d->block_size & 0x00FFFFFF);   /* byte 4 reserved */
    } else if (bdl == 16) {
        scsi_put_be64(r + n, d->num_blocks);
        scsi_put_be32(r + n + 12, d->block_size);
    }
    n += bdl;
    if (all || page == SCSI_MODE_PAGE_CACHING)
        n += mode_page(SCSI_MODE_PAGE_CACHING, pc, r + n);
    if (all || page == SCSI_MODE_PAGE_CONTROL)
        n += mode_page(SCSI_MODE_PAGE_CONTROL, pc, r + n);
    /* DEVICE-SPECIFIC PARAMETER (SBC-3 6.4.1 table 152): WP bit 7, DPOFUA bit 4. */
    uint8_t dsp = (uint8_t)((d->read_only ? 0x80 : 0) | 0x10);
    if (ten) {                                 /* SPC-4 7.5.4 table 441 */
        scsi_put_be16(r, (uint32_t)(n - 2));   /* MODE DATA LENGTH excludes itself */
        r[3] = dsp;
        r[4] = llbaa && bdl ? 0x01 : 0x00;     /* LONGLBA */
        scsi_put_be16(r + 6, (uint32_t)bdl);
    } else {                                   /* table 440 */
        r[0] = (uint8_t)(n - 1);
        r[2] = dsp;
        r[3] = (uint8_t)bdl;
    }
    size_t alloc = ten ? scsi_be16(cdb + 7) : cdb[4];
    scsi_put_data(res, buf, buf_len < alloc ? buf_len : alloc, r, n);
    if (res->want_len > alloc)
        res->want_len = alloc;
}
