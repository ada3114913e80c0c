/* leaks.c — the resource check after every hot-plug removal (docs/hotplug.md "Leak check"): what
 * binding each removed function added to its driver module's holdings (heap and slab bytes and
 * allocations, coherent DMA, packets, interrupt vectors) must come back, so the module may hold
 * no more than before the removal less that share once the function is gone; DMA mappings left for the function's Requester ID, BAR mappings and
 * interrupt cookies the kernel had to reclaim, and bus numbers or windows still used below the
 * port are leaks too. Each is logged, counted and put in the event, by owner. */
#include <stdio.h>
#include <string.h>

#include "kernel_model/dma/dma.h"
#include "kernel_model/hotplug/hp_internal.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/mem/mem.h"
#include "kernel_model/module/module.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_regs.h"

/* What binding each PCI device added to its driver module's holdings (attach, start and scan,
 * with the children scan registered): its share, which its removal must give back. One per
 * device; a re-attach replaces it. */
#define HP_MAX_BASES 128
typedef struct hp_base {
    vmk_Device dev;
    int module;
    uint64_t heap_bytes, heap_allocs, pkts, vectors;   /* before attach; once bound: share */
    bool bound;
} hp_base;
static hp_base bases[HP_MAX_BASES];
static int nbases;

static uint64_t vectors_of(int module)
{
    uint64_t n = 0;
    for (int v = KERN_INTR_VEC_FIRST; v <= KERN_INTR_VEC_LAST; v++)
        if (kern_intr_owner(v) == module)
            n++;
    return n;
}

static void holdings(int module, uint64_t *bytes, uint64_t *allocs, uint64_t *pkts,
                     uint64_t *vectors)
{
    kern_mem_usage mu;
    kern_mem_report(module, &mu);
    kern_pkt_usage pu;
    kern_pkt_usage_get(module, &pu);
    *bytes = mu.live_bytes;
    *allocs = mu.live_count;
    *pkts = pu.live;
    *vectors = vectors_of(module);
}

static hp_base *base_of(vmk_Device dev)
{
    for (int i = 0; i < nbases; i++)
        if (bases[i].dev == dev)
            return &bases[i];
    return NULL;
}

static void on_attach(void *ctx, vmk_Device dev, vmk_Driver drv, bool bound)
{
    (void)ctx;
    int module = kern_driver_module(drv);
    if (module <= 0 || strcmp(kern_device_bus_type(dev), VMK_PCI_BUS_NAME))
        return;
    hp_base *b = base_of(dev);
    if (bound) {
        /* what binding this device added to its module's holdings: its share */
        if (!b || b->module != module)
            return;
        uint64_t h[4];
        holdings(module, &h[0], &h[1], &h[2], &h[3]);
        b->heap_bytes = h[0] > b->heap_bytes ? h[0] - b->heap_bytes : 0;
        b->heap_allocs = h[1] > b->heap_allocs ? h[1] - b->heap_allocs : 0;
        b->pkts = h[2] > b->pkts ? h[2] - b->pkts : 0;
        b->vectors = h[3] > b->vectors ? h[3] - b->vectors : 0;
        b->bound = true;
        return;
    }
    if (!b) {
        if (nbases == HP_MAX_BASES)
            return;   /* no share known: that device's heap is not compared (logged at check) */
        b = &bases[nbases++];
    }
    b->dev = dev;
    b->module = module;
    b->bound = false;
    holdings(module, &b->heap_bytes, &b->heap_allocs, &b->pkts, &b->vectors);
}

void hp_leaks_install(void)
{
    nbases = 0;
    kern_device_set_attach_hook(on_attach, NULL);
}

void hp_leaks_uninstall(void)
{
    kern_device_set_attach_hook(NULL, NULL);
    nbases = 0;
}

void hp_leaks_before_removal(hp_slot *s)
{
    s->ngone = 0;
    kern_pci_tree *t = s->sys->pci;
    for (size_t i = 0; i < kern_pci_count(t) && s->ngone < (int)(sizeof s->gone /
                                                                   sizeof s->gone[0]); i++) {
        kern_pci_dev *d = kern_pci_at(t, i);
        bool below = false;
        for (kern_pci_dev *p = d->parent; p && !below; p = p->parent)
            below = p == s->port;
        if (!below || d->header_type != KPCI_HEADER_NORMAL)
            continue;
        struct hp_gone *g = &s->gone[s->ngone++];
        memset(g, 0, sizeof *g);
        g->dev = kern_pci_bus_device(d);
        kern_pci_bus_address(d, g->addr, sizeof g->addr);
        g->rid = (uint16_t)(d->bus << 8 | d->dev << 3 | d->fn);
        vmk_Driver drv = g->dev ? kern_device_driver(g->dev) : NULL;
        g->module = drv ? kern_driver_module(drv) : 0;
        hp_base *b = g->dev ? base_of(g->dev) : NULL;
        if (b && b->bound && b->module == g->module && g->module > 0) {
            /* the module should end up holding what it holds now less the device's share */
            uint64_t h[4];
            holdings(g->module, &h[0], &h[1], &h[2], &h[3]);
            g->have_base = true;
            g->heap_bytes = h[0] > b->heap_bytes ? h[0] - b->heap_bytes : 0;
            g->heap_allocs = h[1] > b->heap_allocs ? h[1] - b->heap_allocs : 0;
            g->pkts = h[2] > b->pkts ? h[2] - b->pkts : 0;
            g->vectors = h[3] > b->vectors ? h[3] - b->vectors : 0;
        }
    }
    kern_pci_bus_stats st;
    kern_pci_bus_get_stats(&st);
    s->leaked_mappings0 = st.leaked_mappings;
    s->leaked_vectors0 = st.leaked_vectors;
}

static const char *owner_name(int module, char *buf, size_t len)
{
    kern_module *m = module > 0 ? kern_module_by_id(module) : NULL;
    if (m)
        snprintf(buf, len, "%s", m->name);
    else if (module > 0)
        snprintf(buf, len, "module %d", module);
    else
        snprintf(buf, len, "kernel");
    return buf;
}

static void leak(hp_slot *s, int module, const char *what, uint64_t amount, const char *addr)
{
    char owner[sizeof ((kern_hp_leak *)0)->owner];
    owner_name(module, owner, sizeof owner);
    hp_stats()->leaks++;
    sim_log(SIM_LOG_WARN, KERN_HP_LOG, "%s: leak after removal of %s: %s did not return %llu %s",
            s->name, addr, owner, (unsigned long long)amount, what);
    kern_hp_event *ev = s->ev;
    if (!ev || ev->nleaks == KERN_HP_MAX_LEAKS)
        return;
    kern_hp_leak *l = &ev->leaks[ev->nleaks++];
    snprintf(l->owner, sizeof l->owner, "%s", owner);
    snprintf(l->what, sizeof l->what, "%s", what);
    l->amount = amount;
}

static bool in_range(uint64_t a, const kern_pci_range *r)
{
    return kern_pci_range_open(r) && a >= r->base && a <= r->limit;
}

void hp_leaks_check(hp_slot *s)
{
    hp_stats()->leak_checks++;
    uint64_t total_before = hp_stats()->leaks;
    for (int i = 0; i < s->ngone; i++) {
        struct hp_gone *g = &s->gone[i];
        size_t maps = kern_iova_unmap_all(g->rid);   /* reclaimed: the function is gone */
        if (maps)
            leak(s, g->module, "dma_mappings", maps, g->addr);
        for (int k = 0; k < nbases; k++)
            if (bases[k].dev == g->dev)
                bases[k] = bases[--nbases];
        if (!g->module)
            continue;
        if (!g->have_base) {
            sim_log(SIM_LOG_INFO, KERN_HP_LOG, "%s: %s: share of module %d unknown (not bound "
                    "through the driver map); its heap is not compared", s->name, g->addr, g->module);
            continue;
        }
        uint64_t bytes, allocs, pkts, vecs;
        holdings(g->module, &bytes, &allocs, &pkts, &vecs);
        if (bytes > g->heap_bytes)
            leak(s, g->module, "heap_bytes", bytes - g->heap_bytes, g->addr);
        if (allocs > g->heap_allocs)
            leak(s, g->module, "heap_allocs", allocs - g->heap_allocs, g->addr);
        if (pkts > g->pkts)
            leak(s, g->module, "packets", pkts - g->pkts, g->addr);
        if (vecs > g->vectors)
            leak(s, g->module, "interrupt_vectors", vecs - g->vectors, g->addr);
    }
    kern_pci_bus_stats st;
    kern_pci_bus_get_stats(&st);
    int mod0 = s->ngone ? s->gone[0].module : 0;
    const char *addr0 = s->ngone ? s->gone[0].addr : s->bdf;
    if (st.leaked_mappings > s->leaked_mappings0)
        leak(s, mod0, "bar_mappings", st.leaked_mappings - s->leaked_mappings0, addr0);
    if (st.leaked_vectors > s->leaked_vectors0)
        leak(s, mod0, "interrupt_cookies", st.leaked_vectors - s->leaked_vectors0, addr0);
    /* bus numbers and windows behind the port: nothing may still use them */
    kern_pci_tree *t = s->sys->pci;
    uint64_t buses = 0, windows = 0;
    for (size_t i = 0; i < kern_pci_count(t); i++) {
        const kern_pci_dev *d = kern_pci_at(t, i);
        if (d == s->port)
            continue;
        if (d->bus >= s->port->secondary && d->bus <= s->port->subordinate)
            buses++;
        for (int b = 0; b < d->nbars; b++) {
            const kern_pci_bar *bar = &d->bars[b];
            if (bar->type != KERN_BAR_NONE && bar->size &&
                (in_range(bar->base, &s->port->io) || in_range(bar->base, &s->port->mem) ||
                 in_range(bar->base, &s->port->pref)))
                windows++;
        }
    }
    if (buses)
        leak(s, 0, "bus_numbers", buses, s->bdf);
    if (windows)
        leak(s, 0, "bar_windows", windows, s->bdf);
    hp_step(s, "leak check: %llu leak(s)",
            (unsigned long long)(hp_stats()->leaks - total_before));
}
