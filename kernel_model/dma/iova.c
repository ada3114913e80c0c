/* iova.c — the IOVA table (dma.h): device addresses handed out page-granular from a fixed
 * window by next-fit (so the same sequence of map calls gives the same addresses, whatever the
 * process's own pointers are), each mapping bound to one requester, a direction and an exact
 * byte range; and the host side of device DMA, which copies only through mappings and reports
 * everything else as a DMA fault (counted and logged per requester, memory untouched). */
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/pci_access.h"
#include "kernel_model/dma/dma.h"
#include "sim/sim.h"

#define DMA_LOG "kernel.dma"

typedef struct iova_map {
    uint64_t iova;       /* start, page aligned */
    uint64_t span;       /* reserved IOVA bytes (whole pages) */
    size_t len;          /* bytes the device may access: [iova, iova+len) */
    char *va;
    uint16_t requester;
    int dir;
    const void *tag;
} iova_map;

static iova_map *g_maps;   /* sorted by iova, non-overlapping */
static size_t g_n, g_cap;
static uint64_t g_cursor = KERN_IOVA_BASE;
static uint64_t g_faults[65536];   /* per Requester ID (16 bits, PCIe Base Spec 2.2.6.2) */
static uint64_t g_fault_total;
static kern_dma_fault g_last_fault;
static kern_dma_rid_resolver g_resolver;

/* Index of the first mapping with iova > addr. */
static size_t upper(uint64_t addr)
{
    size_t lo = 0, hi = g_n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g_maps[mid].iova <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The mapping containing addr, or NULL. */
static iova_map *containing(uint64_t addr)
{
    size_t i = upper(addr);
    if (i == 0)
        return NULL;
    iova_map *m = &g_maps[i - 1];
    return addr - m->iova < m->span ? m : NULL;
}

/* First free gap of span bytes in [from, end); 0 if none. */
static uint64_t find_gap(uint64_t from, uint64_t end, uint64_t span)
{
    uint64_t at = from;
    size_t i = upper(from);
    if (i > 0 && g_maps[i - 1].iova + g_maps[i - 1].span > at)
        at = g_maps[i - 1].iova + g_maps[i - 1].span;
    for (; at + span <= end; i++) {
        if (i == g_n || at + span <= g_maps[i].iova)
            return at;
        at = g_maps[i].iova + g_maps[i].span;
    }
    return 0;
}

int kern_iova_map(uint16_t requester, const void *tag, void *va, size_t len, int dir,
                  uint64_t limit, uint64_t *iova, sim_err *err)
{
    if (!va || len == 0)
        return sim_err_set(err, "DMA map: empty buffer");
    if (len > KERN_IOVA_LIMIT - KERN_IOVA_BASE)
        return sim_err_set(err, "DMA map: %zu bytes are more than the IOVA space", len);
    if (dir < KERN_DMA_TO_MEMORY || dir > KERN_DMA_BIDIRECTIONAL)
        return sim_err_set(err, "DMA map: bad direction %d", dir);
    uint64_t span = ((uint64_t)len + KERN_IOVA_PAGE - 1) & ~(KERN_IOVA_PAGE - 1);
    uint64_t end = KERN_IOVA_LIMIT;
    if (limit < end - 1)
        end = limit + 1;
    if (end <= KERN_IOVA_BASE || span > end - KERN_IOVA_BASE)
        return sim_err_set(err, "DMA map: %zu bytes do not fit below the device's address limit "
                           "0x%llx", len, (unsigned long long)limit);
    uint64_t from = g_cursor < end ? g_cursor : KERN_IOVA_BASE;
    uint64_t at = find_gap(from, end, span);
    if (!at && from != KERN_IOVA_BASE)
        at = find_gap(KERN_IOVA_BASE, end, span);
    if (!at)
        return sim_err_set(err, "DMA map: IOVA space exhausted (%zu mappings live, %zu bytes "
                           "asked)", g_n, len);
    if (g_n == g_cap) {
        size_t nc = g_cap ? g_cap * 2 : 64;
        iova_map *nm = realloc(g_maps, nc * sizeof *nm);
        if (!nm)
            return sim_err_set(err, "DMA map: out of host memory");
        g_maps = nm;
        g_cap = nc;
    }
    size_t i = upper(at);
    memmove(&g_maps[i + 1], &g_maps[i], (g_n - i) * sizeof *g_maps);
    g_maps[i] = (iova_map){at, span, len, va, requester, dir, tag};
    g_n++;
    g_cursor = at + span;
    *iova = at;
    return 0;
}

int kern_iova_unmap(uint16_t requester, uint64_t iova, size_t len, int dir, sim_err *err)
{
    iova_map *m = containing(iova);
    if (!m || m->iova != iova || m->requester != requester)
        return sim_err_set(err, "DMA unmap: IOVA 0x%llx is not mapped for %02x:%02x.%d",
                           (unsigned long long)iova, requester >> 8, (requester >> 3) & 0x1F,
                           requester & 7);
    if (m->len != len || m->dir != dir)
        return sim_err_set(err, "DMA unmap: IOVA 0x%llx was mapped with %zu bytes direction %d, "
                           "unmapped with %zu bytes direction %d", (unsigned long long)iova,
                           m->len, m->dir, len, dir);
    size_t i = (size_t)(m - g_maps);
    memmove(&g_maps[i], &g_maps[i + 1], (g_n - i - 1) * sizeof *g_maps);
    g_n--;
    return 0;
}

bool kern_iova_lookup(uint16_t requester, uint64_t iova, size_t len, void **va, int *dir)
{
    iova_map *m = containing(iova);
    if (!m || m->requester != requester || iova - m->iova + len > m->len)
        return false;
    if (va)
        *va = m->va + (iova - m->iova);
    if (dir)
        *dir = m->dir;
    return true;
}

size_t kern_iova_count(void)
{
    return g_n;
}

static size_t drop_if(bool by_tag, uint16_t requester, const void *tag)
{
    size_t kept = 0, dropped = 0;
    for (size_t i = 0; i < g_n; i++) {
        if (by_tag ? g_maps[i].tag == tag : g_maps[i].requester == requester)
            dropped++;
        else
            g_maps[kept++] = g_maps[i];
    }
    g_n = kept;
    return dropped;
}

size_t kern_iova_unmap_all(uint16_t requester)
{
    return drop_if(false, requester, NULL);
}

size_t kern_iova_unmap_tag(const void *tag)
{
    return drop_if(true, 0, tag);
}

static void fault(uint16_t requester, uint64_t addr, size_t len, bool is_write, bool wrong_dir)
{
    g_faults[requester]++;
    g_fault_total++;
    g_last_fault = (kern_dma_fault){requester, addr, len, is_write, wrong_dir, sim_now()};
    const char *name = kern_host_device_name(requester);
    sim_log(SIM_LOG_WARN, DMA_LOG,
            "DMA fault: device %02x:%02x.%d%s%s%s %s of %zu byte(s) at IOVA 0x%llx: %s "
            "(fault #%llu of this device); nothing %s", requester >> 8, (requester >> 3) & 0x1F, requester & 7,
            name ? " (" : "", name ? name : "", name ? ")" : "",
            is_write ? "write" : "read", len, (unsigned long long)addr,
            wrong_dir ? (is_write ? "mapped, but not for device writes (TO_MEMORY)"
                                  : "mapped, but not for device reads (FROM_MEMORY)")
                      : "address not mapped for this device",
            (unsigned long long)g_faults[requester], is_write ? "written" : "read");
}

int kern_host_dma(uint16_t requester, uint64_t addr, void *buf, size_t len, bool is_write)
{
    int need = is_write ? KERN_DMA_TO_MEMORY : KERN_DMA_FROM_MEMORY;
    /* Check every byte first (the access may cross from one mapping into the next), copy after:
     * a refused access touches nothing. */
    uint64_t a = addr;
    size_t left = len;
    while (left) {
        iova_map *m = containing(a);
        if (!m || m->requester != requester || a - m->iova >= m->len ||
            a + left < a /* wraps */) {
            fault(requester, addr, len, is_write, false);
            return PCIE_DMA_FAULT;
        }
        if (!(m->dir & need)) {
            fault(requester, addr, len, is_write, true);
            return PCIE_DMA_FAULT;
        }
        size_t chunk = m->len - (size_t)(a - m->iova);
        if (chunk > left)
            chunk = left;
        a += chunk;
        left -= chunk;
    }
    a = addr;
    left = len;
    char *b = buf;
    while (left) {
        iova_map *m = containing(a);
        size_t off = (size_t)(a - m->iova);
        size_t chunk = m->len - off < left ? m->len - off : left;
        if (is_write)
            memcpy(m->va + off, b, chunk);
        else
            memcpy(b, m->va + off, chunk);
        a += chunk;
        b += chunk;
        left -= chunk;
    }
    return PCIE_DMA_OK;
}

uint64_t kern_dma_fault_count(uint16_t requester)
{
    return g_faults[requester];
}

uint64_t kern_dma_fault_total(void)
{
    return g_fault_total;
}

bool kern_dma_last_fault(kern_dma_fault *out)
{
    if (!g_fault_total)
        return false;
    *out = g_last_fault;
    return true;
}

void kern_dma_set_rid_resolver(kern_dma_rid_resolver fn)
{
    g_resolver = fn;
}

int kern_dma_device_rid(void *device, uint16_t *requester)
{
    return g_resolver ? g_resolver(device, requester) : -1;
}

void kern_dma_reset(void)
{
    free(g_maps);
    g_maps = NULL;
    g_n = g_cap = 0;
    g_cursor = KERN_IOVA_BASE;
    memset(g_faults, 0, sizeof g_faults);
    g_fault_total = 0;
    memset(&g_last_fault, 0, sizeof g_last_fault);
}
