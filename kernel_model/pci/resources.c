/* resources.c — address assignment after bus numbering: bridge windows are sized bottom-up from
 * the BARs and windows below them (plus hot-plug reservations), then placed top-down in the
 * platform's windows, every BAR naturally aligned. Bridge window encodings: PCIe Base Spec 5.0
 * §7.5.1.3.6 (I/O, 4 KiB), §7.5.1.3.8 (memory, 1 MiB), §7.5.1.3.9-10 (prefetchable, 64-bit). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/pci/pci_access.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/pci/pci_tree.h"
#include "sim/sim.h"

enum { RES_IO, RES_MEM, RES_PREF, RES_N };

static const char *const res_name[RES_N] = {"I/O", "32-bit memory", "64-bit prefetchable memory"};

/* One thing placed inside a window: a BAR of a function, or a child bridge's window. */
typedef struct res_item {
    kern_pci_dev *dev;
    int bar;           /* BAR index, or -1 for the child bridge's window `win` */
    int win;
    uint64_t size, align, offset;
} res_item;

typedef struct res_layout {
    res_item *items;
    size_t n, cap;
    uint64_t size, align;   /* window size (granule-rounded) and alignment; size 0 = closed */
} res_layout;

typedef struct res_ctx {
    pcie_fabric *f;
    kern_pci_tree *t;
    res_layout (*lay)[RES_N];   /* per device index; index ndevs holds the root bus */
    bool reserve;               /* apply the hot-plug reservations */
    sim_err *err;
} res_ctx;

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

static int layout_add(res_ctx *c, res_layout *l, res_item it)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        res_item *n = realloc(l->items, ncap * sizeof *n);
        if (!n)
            return sim_err_set(c->err, "PCI: out of memory while assigning resources");
        l->items = n;
        l->cap = ncap;
    }
    l->items[l->n++] = it;
    return 0;
}

/* A container (a bridge, or the root bus when b is NULL) can hold 64-bit prefetchable ranges
 * if it has a 64-bit prefetchable window; the root bus has the platform's pref64 window. */
static bool pref_capable(const kern_pci_dev *b)
{
    return !b || (b->has_pref_window && b->pref_64bit);
}

static int bar_kind(const kern_pci_bar *bar, const kern_pci_dev *container)
{
    if (bar->type == KERN_BAR_IO)
        return RES_IO;
    /* 32-bit prefetchable BARs cannot live in a window above 4 GiB: they go with the
     * non-prefetchable ones (allowed: prefetchable space may be mapped non-prefetchable). */
    if (bar->type == KERN_BAR_MEM64 && bar->prefetchable && pref_capable(container))
        return RES_PREF;
    return RES_MEM;
}

static int win_kind(int win, const kern_pci_dev *container)
{
    if (win == RES_PREF && !pref_capable(container))
        return RES_MEM;
    return win;
}

/* Places items largest-alignment first (stable, so the result is deterministic) at offsets
 * relative to a base aligned to the largest alignment; returns the end offset. */
static uint64_t layout_pack(res_layout *l)
{
    for (size_t i = 1; i < l->n; i++) {
        res_item it = l->items[i];
        size_t j = i;
        while (j > 0 && l->items[j - 1].align < it.align) {
            l->items[j] = l->items[j - 1];
            j--;
        }
        l->items[j] = it;
    }
    uint64_t off = 0, align = 1;
    for (size_t i = 0; i < l->n; i++) {
        off = align_up(off, l->items[i].align);
        l->items[i].offset = off;
        off += l->items[i].size;
        if (l->items[i].align > align)
            align = l->items[i].align;
    }
    l->align = align;
    return off;
}

/* Collects what sits directly inside container (its children, or the root bus's functions). */
static int gather(res_ctx *c, kern_pci_dev *container, kern_pci_dev *first, res_layout *out)
{
    char bdf[16];
    for (kern_pci_dev *d = first; d; d = d->next_sibling) {
        for (int i = 0; i < d->nbars; i++) {
            kern_pci_bar *bar = &d->bars[i];
            if (bar->type == KERN_BAR_NONE)
                continue;
            int k = bar_kind(bar, container);
            if (k == RES_IO && container && !container->has_io_window)
                return sim_err_set(c->err, "PCI %s: BAR%d is an I/O BAR but its upstream bridge "
                                   "%s has no I/O window", kern_pci_bdf(d, bdf, sizeof bdf), i,
                                   kern_pci_bdf(container, (char[16]){0}, 16));
            res_item it = {.dev = d, .bar = i, .win = -1, .size = bar->size, .align = bar->size};
            if (layout_add(c, &out[k], it) < 0)
                return -1;
        }
        if (d->header_type != KPCI_HEADER_BRIDGE)
            continue;
        for (int w = 0; w < RES_N; w++) {
            res_layout *cl = &c->lay[d->index][w];
            if (cl->size == 0)
                continue;
            int k = win_kind(w, container);
            if (k == RES_IO && container && !container->has_io_window)
                return sim_err_set(c->err, "PCI %s: needs an I/O window but its upstream bridge %s "
                                   "has none", kern_pci_bdf(d, bdf, sizeof bdf),
                                   kern_pci_bdf(container, (char[16]){0}, 16));
            res_item it = {.dev = d, .bar = -1, .win = w, .size = cl->size, .align = cl->align};
            if (layout_add(c, &out[k], it) < 0)
                return -1;
        }
    }
    return 0;
}

/* Bottom-up: sizes bridge b's three windows from its subtree. */
static int size_bridge(res_ctx *c, kern_pci_dev *b)
{
    for (kern_pci_dev *ch = b->first_child; ch; ch = ch->next_sibling)
        if (ch->header_type == KPCI_HEADER_BRIDGE && size_bridge(c, ch) < 0)
            return -1;
    res_layout *l = c->lay[b->index];
    if (gather(c, b, b->first_child, l) < 0)
        return -1;
    const kern_pci_params *p = &c->t->params;
    bool hp = c->reserve && b->hotplug_capable;
    uint64_t reserve[RES_N] = {
        hp && b->has_io_window ? p->hp_io_reserve : 0,
        hp ? p->hp_mem_reserve : 0,
        hp && pref_capable(b) ? p->hp_pref_reserve : 0,
    };
    for (int k = 0; k < RES_N; k++) {
        uint64_t gran = k == RES_IO ? KPCI_BRIDGE_IO_GRAN : KPCI_BRIDGE_MEM_GRAN;
        uint64_t end = layout_pack(&l[k]);
        if (end < reserve[k])
            end = reserve[k];
        l[k].size = end ? align_up(end, gran) : 0;
        if (l[k].align < gran)
            l[k].align = gran;
    }
    return 0;
}

static void log_range(const kern_pci_dev *d, const char *what, int k, uint64_t base, uint64_t size)
{
    char bdf[16];
    sim_log(SIM_LOG_INFO, KERN_PCI_LOG, "%s %s: [%s 0x%" PRIx64 "-0x%" PRIx64 "]",
            kern_pci_bdf(d, bdf, sizeof bdf), what, k == RES_IO ? "io" : k == RES_MEM ? "mem" :
            "mem pref", base, base + size - 1);
}

static void program_bar(res_ctx *c, kern_pci_dev *d, int i, uint64_t addr)
{
    kern_pci_bar *bar = &d->bars[i];
    bar->base = addr;
    uint16_t off = (uint16_t)(KPCI_BASE_ADDRESS_0 + 4 * i);
    kcfg_wr32(c->f, d, off, (uint32_t)addr);   /* type/prefetch bits are read-only */
    if (bar->type == KERN_BAR_MEM64)
        kcfg_wr32(c->f, d, (uint16_t)(off + 4), (uint32_t)(addr >> 32));
    char what[16];
    snprintf(what, sizeof what, "BAR%d", i);
    log_range(d, what, bar->type == KERN_BAR_IO ? RES_IO : bar->prefetchable ? RES_PREF : RES_MEM,
              addr, bar->size);
}

static void program_window(res_ctx *c, kern_pci_dev *b, int w, uint64_t base, uint64_t size)
{
    uint64_t limit = base + size - 1;
    switch (w) {
    case RES_IO:   /* address bits 15:12 in register bits 7:4; upper 16 bits separate */
        b->io.base = base;
        b->io.limit = limit;
        kcfg_wr8(c->f, b, KPCI_IO_BASE, (uint8_t)((base >> 8) & 0xF0));
        kcfg_wr8(c->f, b, KPCI_IO_LIMIT, (uint8_t)((limit >> 8) & 0xF0));
        kcfg_wr16(c->f, b, KPCI_IO_BASE_UPPER16, (uint16_t)(base >> 16));
        kcfg_wr16(c->f, b, KPCI_IO_LIMIT_UPPER16, (uint16_t)(limit >> 16));
        break;
    case RES_MEM:  /* address bits 31:20 in register bits 15:4 */
        b->mem.base = base;
        b->mem.limit = limit;
        kcfg_wr16(c->f, b, KPCI_MEMORY_BASE, (uint16_t)((base >> 16) & 0xFFF0));
        kcfg_wr16(c->f, b, KPCI_MEMORY_LIMIT, (uint16_t)((limit >> 16) & 0xFFF0));
        break;
    default:       /* prefetchable: as memory, plus upper 32 bits when 64-bit */
        b->pref.base = base;
        b->pref.limit = limit;
        kcfg_wr16(c->f, b, KPCI_PREF_MEMORY_BASE, (uint16_t)((base >> 16) & 0xFFF0));
        kcfg_wr16(c->f, b, KPCI_PREF_MEMORY_LIMIT, (uint16_t)((limit >> 16) & 0xFFF0));
        if (b->pref_64bit) {
            kcfg_wr32(c->f, b, KPCI_PREF_BASE_UPPER32, (uint32_t)(base >> 32));
            kcfg_wr32(c->f, b, KPCI_PREF_LIMIT_UPPER32, (uint32_t)(limit >> 32));
        }
        break;
    }
    log_range(b, "bridge window", w, base, size);
}

/* Top-down: gives every item of layout l its address from base. */
static void place(res_ctx *c, const res_layout *l, uint64_t base)
{
    for (size_t i = 0; i < l->n; i++) {
        const res_item *it = &l->items[i];
        uint64_t addr = base + it->offset;
        if (it->bar >= 0) {
            program_bar(c, it->dev, it->bar, addr);
        } else {
            program_window(c, it->dev, it->win, addr, it->size);
            place(c, &c->lay[it->dev->index][it->win], addr);
        }
    }
}

static void layouts_clear(res_ctx *c)
{
    for (size_t i = 0; i <= c->t->ndevs; i++)
        for (int k = 0; k < RES_N; k++) {
            free(c->lay[i][k].items);
            memset(&c->lay[i][k], 0, sizeof c->lay[i][k]);
        }
}

/* Sizes everything; returns 0 if each root layout fits its platform window, 1 if one does not
 * (with err naming the first function that falls outside), -1 on another error. */
static int try_layout(res_ctx *c, uint64_t base_out[RES_N])
{
    layouts_clear(c);
    for (kern_pci_dev *d = c->t->first_root; d; d = d->next_sibling)
        if (d->header_type == KPCI_HEADER_BRIDGE && size_bridge(c, d) < 0)
            return -1;
    res_layout *root = c->lay[c->t->ndevs];
    if (gather(c, NULL, c->t->first_root, root) < 0)
        return -1;
    const kern_pci_params *p = &c->t->params;
    const uint64_t wbase[RES_N] = {p->io_base, p->mem32_base, p->pref64_base};
    const uint64_t wlimit[RES_N] = {p->io_limit, p->mem32_limit, p->pref64_limit};
    for (int k = 0; k < RES_N; k++) {
        uint64_t end = layout_pack(&root[k]);
        base_out[k] = align_up(wbase[k], root[k].align);
        if (end == 0)
            continue;
        for (size_t i = 0; i < root[k].n; i++) {
            const res_item *it = &root[k].items[i];
            uint64_t last = base_out[k] + it->offset + it->size - 1;
            if (base_out[k] < wbase[k] || last > wlimit[k] || last < base_out[k]) {
                char bdf[16];
                char what[32];
                if (it->bar >= 0)
                    snprintf(what, sizeof what, "BAR%d", it->bar);
                else
                    snprintf(what, sizeof what, "%s bridge window",
                             it->win == RES_IO ? "I/O" : it->win == RES_MEM ? "memory" : "prefetchable");
                sim_err_set(c->err, "PCI %s: %s address space exhausted: %s of size 0x%" PRIx64
                            " does not fit in the platform window 0x%" PRIx64 "-0x%" PRIx64,
                            kern_pci_bdf(it->dev, bdf, sizeof bdf), res_name[k], what, it->size,
                            wbase[k], wlimit[k]);
                return 1;
            }
        }
    }
    return 0;
}

int kern_pci_assign_resources(pcie_fabric *f, kern_pci_tree *t, sim_err *err)
{
    res_ctx c = {.f = f, .t = t, .reserve = true, .err = err};
    c.lay = calloc(t->ndevs + 1, sizeof *c.lay);
    if (!c.lay)
        return sim_err_set(err, "PCI: out of memory while assigning resources");
    uint64_t base[RES_N];
    int rc = try_layout(&c, base);
    if (rc == 1) {
        /* As Linux retries without its "add_size" reservations: real BARs before spare room. */
        sim_log(SIM_LOG_WARN, KERN_PCI_LOG, "%s; retrying without hot-plug window reservations",
                err ? err->msg : "address space exhausted");
        c.reserve = false;
        rc = try_layout(&c, base);
        if (rc == 0)
            t->params.hp_io_reserve = t->params.hp_mem_reserve = t->params.hp_pref_reserve = 0;
    }
    if (rc == 0)
        for (int k = 0; k < RES_N; k++)
            place(&c, &c.lay[t->ndevs][k], base[k]);
    layouts_clear(&c);
    free(c.lay);
    return rc == 0 ? 0 : -1;
}

/* Hot-add (kernel_model/hotplug): places what a new card behind port needs inside the windows
 * the port got at boot (its hot-plug reservation), without moving anything else. Nested hot-plug
 * ports get no reservation of their own. */
int kern_pci_assign_below(pcie_fabric *f, kern_pci_tree *t, kern_pci_dev *port, sim_err *err)
{
    res_ctx c = {.f = f, .t = t, .reserve = false, .err = err};
    c.lay = calloc(t->ndevs + 1, sizeof *c.lay);
    if (!c.lay)
        return sim_err_set(err, "PCI: out of memory while assigning resources");
    int rc = 0;
    for (kern_pci_dev *d = port->first_child; d && rc == 0; d = d->next_sibling)
        if (d->header_type == KPCI_HEADER_BRIDGE)
            rc = size_bridge(&c, d);
    res_layout *l = c.lay[t->ndevs];
    if (rc == 0)
        rc = gather(&c, port, port->first_child, l);
    const kern_pci_range *win[RES_N] = {&port->io, &port->mem, &port->pref};
    uint64_t base[RES_N] = {0};
    char bdf[16];
    for (int k = 0; rc == 0 && k < RES_N; k++) {
        uint64_t end = layout_pack(&l[k]);
        if (end == 0)
            continue;
        if (!kern_pci_range_open(win[k])) {
            rc = sim_err_set(err, "PCI %s: the new card needs %s space but the port has no such "
                             "window", kern_pci_bdf(port, bdf, sizeof bdf), res_name[k]);
            break;
        }
        base[k] = align_up(win[k]->base, l[k].align);
        if (base[k] < win[k]->base || base[k] + end - 1 > win[k]->limit || base[k] + end < base[k])
            rc = sim_err_set(err, "PCI %s: the new card needs 0x%" PRIx64 " bytes of %s space "
                             "(aligned 0x%" PRIx64 ") but the port's window is 0x%" PRIx64
                             "-0x%" PRIx64, kern_pci_bdf(port, bdf, sizeof bdf), end,
                             res_name[k], l[k].align, win[k]->base, win[k]->limit);
    }
    for (int k = 0; rc == 0 && k < RES_N; k++)
        place(&c, &l[k], base[k]);
    layouts_clear(&c);
    free(c.lay);
    return rc == 0 ? 0 : -1;
}
