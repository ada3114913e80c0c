/* config_space.c — storage and access rules of one function's configuration space: byte-wise
 * write masks (RW) and write-1-to-clear masks (RW1C) per PCIe Base Spec 5.0 §7.4, the common
 * header of §7.5.1.1 and the BAR sizing protocol of §7.5.1.2.1 (writing all ones to a BAR reads
 * back the size mask because only the address bits above the size are writable). */
#include "devices/pcie/config_space.h"

#include <string.h>

#include "devices/pcie/pcie_regs.h"

void pcie_cfg_init(pcie_cfg *c)
{
    memset(c, 0, sizeof *c);
    pcie_cfg_claim(c, 0, 0x40);   /* §7.5.1: the 64-byte type 0/1 header */
}

bool pcie_cfg_claim(pcie_cfg *c, uint16_t off, uint16_t len)
{
    if (len == 0 || (uint32_t)off + len > PCIE_CFG_SPACE_SIZE)
        return false;
    for (uint32_t i = off; i < (uint32_t)off + len; i++)
        if (c->claimed[i / 8] & (1u << (i % 8)))
            return false;
    for (uint32_t i = off; i < (uint32_t)off + len; i++)
        c->claimed[i / 8] |= (uint8_t)(1u << (i % 8));
    return true;
}

uint8_t pcie_cfg_get8(const pcie_cfg *c, uint16_t off)
{
    return c->data[off];
}

uint16_t pcie_cfg_get16(const pcie_cfg *c, uint16_t off)
{
    return (uint16_t)(c->data[off] | c->data[off + 1] << 8);
}

uint32_t pcie_cfg_get32(const pcie_cfg *c, uint16_t off)
{
    return (uint32_t)c->data[off] | (uint32_t)c->data[off + 1] << 8 |
           (uint32_t)c->data[off + 2] << 16 | (uint32_t)c->data[off + 3] << 24;
}

static void put_le(uint8_t *p, uint32_t v, int size)
{
    for (int i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void pcie_cfg_set8(pcie_cfg *c, uint16_t off, uint8_t v) { c->data[off] = v; }
void pcie_cfg_set16(pcie_cfg *c, uint16_t off, uint16_t v) { put_le(&c->data[off], v, 2); }
void pcie_cfg_set32(pcie_cfg *c, uint16_t off, uint32_t v) { put_le(&c->data[off], v, 4); }
void pcie_cfg_set_wmask16(pcie_cfg *c, uint16_t off, uint16_t m) { put_le(&c->wmask[off], m, 2); }
void pcie_cfg_set_wmask32(pcie_cfg *c, uint16_t off, uint32_t m) { put_le(&c->wmask[off], m, 4); }
void pcie_cfg_set_w1c16(pcie_cfg *c, uint16_t off, uint16_t m) { put_le(&c->w1cmask[off], m, 2); }
void pcie_cfg_set_w1c32(pcie_cfg *c, uint16_t off, uint32_t m) { put_le(&c->w1cmask[off], m, 4); }

void pcie_cfg_bits16(pcie_cfg *c, uint16_t off, uint16_t set, uint16_t clear)
{
    pcie_cfg_set16(c, off, (uint16_t)((pcie_cfg_get16(c, off) & ~clear) | set));
}

void pcie_cfg_bits32(pcie_cfg *c, uint16_t off, uint32_t set, uint32_t clear)
{
    pcie_cfg_set32(c, off, (pcie_cfg_get32(c, off) & ~clear) | set);
}

uint32_t pcie_cfg_space_read(const pcie_cfg *c, uint16_t off, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)c->data[off + i] << (8 * i);
    return v;
}

/* PCI PM 1.2 §3.2.4: a write of a PowerState the function does not support (D1/D2 without the
 * PMC support bit) completes but is discarded: the state does not change. */
static void pm_state_fixup(pcie_cfg *c, uint16_t off, int size, uint16_t old_pmcsr)
{
    uint16_t csr = (uint16_t)(c->pm_cap + PCIE_PM_CTRL);
    if (!c->pm_cap || off > csr || off + size <= csr)
        return;
    uint16_t pmc = pcie_cfg_get16(c, (uint16_t)(c->pm_cap + PCIE_PM_PMC));
    uint16_t now = pcie_cfg_get16(c, csr);
    int state = now & PCIE_PM_CTRL_STATE_MASK;
    if ((state == 1 && !(pmc & PCIE_PM_PMC_D1)) || (state == 2 && !(pmc & PCIE_PM_PMC_D2)))
        pcie_cfg_set16(c, csr, (uint16_t)((now & ~PCIE_PM_CTRL_STATE_MASK) |
                                          (old_pmcsr & PCIE_PM_CTRL_STATE_MASK)));
}

void pcie_cfg_space_write(pcie_cfg *c, uint16_t off, int size, uint32_t val)
{
    uint32_t old = pcie_cfg_space_read(c, off, size);
    uint16_t old_pmcsr = c->pm_cap ? pcie_cfg_get16(c, (uint16_t)(c->pm_cap + PCIE_PM_CTRL)) : 0;
    for (int i = 0; i < size; i++) {
        uint8_t b = (uint8_t)(val >> (8 * i));
        uint8_t wm = c->wmask[off + i], w1c = c->w1cmask[off + i];
        uint8_t d = c->data[off + i];
        d = (uint8_t)((d & ~wm) | (b & wm));  /* §7.4: RW bits take the value written */
        d = (uint8_t)(d & ~(b & w1c));        /* §7.4: RW1C bits clear where a 1 is written */
        c->data[off + i] = d;
    }
    pm_state_fixup(c, off, size, old_pmcsr);
    if (c->hook)
        c->hook(c->hook_ctx, c, off, size, old, val);
}

void pcie_cfg_init_common(pcie_cfg *c, uint16_t vendor, uint16_t device, uint8_t revision,
                          uint32_t class_code, uint8_t header_type)
{
    pcie_cfg_set16(c, PCIE_VENDOR_ID, vendor);
    pcie_cfg_set16(c, PCIE_DEVICE_ID, device);
    pcie_cfg_set8(c, PCIE_REVISION_ID, revision);
    pcie_cfg_set8(c, PCIE_CLASS_PROG, (uint8_t)class_code);
    pcie_cfg_set16(c, PCIE_CLASS_PROG + 1, (uint16_t)(class_code >> 8));
    pcie_cfg_set8(c, PCIE_HEADER_TYPE, header_type);
    /* §7.5.1.1.3: the Command bits a PCIe function implements as RW. */
    pcie_cfg_set_wmask16(c, PCIE_COMMAND,
                         PCIE_COMMAND_IO | PCIE_COMMAND_MEMORY | PCIE_COMMAND_MASTER |
                             PCIE_COMMAND_PARITY | PCIE_COMMAND_SERR | PCIE_COMMAND_INTX_DIS);
    /* §7.5.1.1.4: error bits are RW1C; Capabilities List is RO 1 on every PCIe function. */
    pcie_cfg_set16(c, PCIE_STATUS, PCIE_STATUS_CAP_LIST);
    pcie_cfg_set_w1c16(c, PCIE_STATUS, PCIE_STATUS_RW1C);
    /* §7.5.1.1.7 Cache Line Size RW (no effect); §7.5.1.1.13 Interrupt Line RW. */
    c->wmask[PCIE_CACHE_LINE_SIZE] = 0xFF;
    c->wmask[PCIE_INTERRUPT_LINE] = 0xFF;
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

bool pcie_cfg_add_bar(pcie_cfg *c, int idx, pcie_bar_kind kind, bool prefetchable, uint64_t size)
{
    if (idx < 0 || idx >= PCIE_NUM_BARS || kind == PCIE_BAR_NONE || !is_pow2(size))
        return false;
    if (c->bars[idx].kind != PCIE_BAR_NONE || c->bars[idx].upper_half)
        return false;
    uint16_t off = (uint16_t)(PCIE_BASE_ADDRESS_0 + 4 * idx);
    switch (kind) {
    case PCIE_BAR_IO:
        /* §7.5.1.2.1: I/O BARs request at most 256 bytes; bit 0 RO 1, bit 1 reserved. */
        if (size < 4 || size > 256 || prefetchable)
            return false;
        pcie_cfg_set32(c, off, PCIE_BAR_SPACE_IO);
        pcie_cfg_set_wmask32(c, off, ~(uint32_t)(size - 1) & ~(uint32_t)PCIE_BAR_IO_FLAGS);
        break;
    case PCIE_BAR_MEM32:
        /* §7.5.1.2.1: memory BARs are at least 16 bytes; flag bits 3:0 RO. */
        if (size < 16 || size > (1ULL << 31))
            return false;
        pcie_cfg_set32(c, off, prefetchable ? PCIE_BAR_MEM_PREFETCH : 0);
        pcie_cfg_set_wmask32(c, off, ~(uint32_t)(size - 1) & ~(uint32_t)PCIE_BAR_MEM_FLAGS);
        break;
    case PCIE_BAR_MEM64:
        if (idx == PCIE_NUM_BARS - 1 || c->bars[idx + 1].kind != PCIE_BAR_NONE ||
            c->bars[idx + 1].upper_half || size < 16 ||
            size > (1ULL << 62))
            return false;
        pcie_cfg_set32(c, off,
                       PCIE_BAR_MEM_TYPE_64 | (prefetchable ? PCIE_BAR_MEM_PREFETCH : 0));
        uint64_t m = ~(size - 1);
        pcie_cfg_set_wmask32(c, off, (uint32_t)m & ~(uint32_t)PCIE_BAR_MEM_FLAGS);
        pcie_cfg_set_wmask32(c, (uint16_t)(off + 4), (uint32_t)(m >> 32));
        c->bars[idx + 1].upper_half = true;   /* not declarable again */
        break;
    case PCIE_BAR_NONE:
        return false;
    }
    c->bars[idx].kind = kind;
    c->bars[idx].prefetchable = prefetchable;
    c->bars[idx].size = size;
    return true;
}

uint64_t pcie_cfg_bar_address(const pcie_cfg *c, int idx)
{
    if (idx < 0 || idx >= PCIE_NUM_BARS)
        return 0;
    const pcie_bar *b = &c->bars[idx];
    if (b->upper_half)
        return 0;
    uint16_t off = (uint16_t)(PCIE_BASE_ADDRESS_0 + 4 * idx);
    uint32_t lo = pcie_cfg_get32(c, off);
    switch (b->kind) {
    case PCIE_BAR_IO:
        return lo & ~(uint32_t)PCIE_BAR_IO_FLAGS;
    case PCIE_BAR_MEM32:
        return lo & ~(uint32_t)PCIE_BAR_MEM_FLAGS;
    case PCIE_BAR_MEM64:
        return (uint64_t)pcie_cfg_get32(c, (uint16_t)(off + 4)) << 32 |
               (lo & ~(uint32_t)PCIE_BAR_MEM_FLAGS);
    case PCIE_BAR_NONE:
        break;
    }
    return 0;
}
