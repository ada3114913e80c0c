/* mmio.c — host MMIO through the root complex (pci_access.h): an address is claimed by the root
 * port, then switch ports, whose memory or prefetchable window holds it and whose Memory Space
 * Enable is set (PCI-to-PCI Bridge Spec 1.2 §4.2; PCIe Base Spec 5.0 §7.5.1.3.9-11), down to the
 * endpoint BAR that decodes it (§7.5.1.2.1). Reads are non-posted (MRd down, CplD up); writes are
 * posted MWr. Nothing claims an address: Unsupported Request, read as all ones (§2.3.2). */
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/pcie_regs.h"

void pcie_fabric_set_host(pcie_fabric *f, const pcie_host_ops *ops, void *ctx)
{
    f->host = ops;
    f->host_ctx = ctx;
}

void pcie_fabric_get_stats(const pcie_fabric *f, pcie_fabric_stats *out)
{
    *out = f->stats;
}

static uint64_t ones(int size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1;
}

static bool in_range(uint64_t a, int size, uint64_t base, uint64_t limit)
{
    return base <= limit && a >= base && a + (uint64_t)size - 1 <= limit && a + (uint64_t)size > a;
}

/* Does a type-1 function forward this memory request from its primary to its secondary side? */
static bool window_claims(const pcie_cfg *c, uint64_t a, int size)
{
    if (!(pcie_cfg_get16(c, PCIE_COMMAND) & PCIE_COMMAND_MEMORY))
        return false;
    /* §7.5.1.3.9: Memory Base/Limit bits 15:4 are address bits 31:20; the limit's low 20 bits
     * are all ones. */
    uint64_t mb = pcie_cfg_get16(c, PCIE_MEMORY_BASE) & 0xFFF0u;
    uint64_t ml = pcie_cfg_get16(c, PCIE_MEMORY_LIMIT) & 0xFFF0u;
    if (in_range(a, size, mb << 16, (ml << 16) | 0xFFFFF))
        return true;
    /* §7.5.1.3.10/11: the prefetchable window, 64-bit with the Upper 32 Bits registers. */
    uint64_t pb = (pcie_cfg_get16(c, PCIE_PREF_MEMORY_BASE) & 0xFFF0u) << 16 |
                  (uint64_t)pcie_cfg_get32(c, PCIE_PREF_BASE_UPPER32) << 32;
    uint64_t pl = ((pcie_cfg_get16(c, PCIE_PREF_MEMORY_LIMIT) & 0xFFF0u) << 16 | 0xFFFFF) |
                  (uint64_t)pcie_cfg_get32(c, PCIE_PREF_LIMIT_UPPER32) << 32;
    return in_range(a, size, pb, pl);
}

/* The BAR of an endpoint that decodes [a, a+size), or -1. */
static int bar_decode(const pcie_cfg *c, uint64_t a, int size, uint64_t *off)
{
    if (!(pcie_cfg_get16(c, PCIE_COMMAND) & PCIE_COMMAND_MEMORY))
        return -1;
    for (int i = 0; i < PCIE_NUM_BARS; i++) {
        const pcie_bar *b = &c->bars[i];
        if (b->upper_half || (b->kind != PCIE_BAR_MEM32 && b->kind != PCIE_BAR_MEM64))
            continue;
        uint64_t base = pcie_cfg_bar_address(c, i);
        if (base == 0)
            continue;   /* not assigned by enumeration */
        if (in_range(a, size, base, base + b->size - 1)) {
            *off = a - base;
            return i;
        }
    }
    return -1;
}

typedef struct mmio_target {
    pcie_endpoint *ep;
    int bar;
    uint64_t off;
    bool no_link;      /* a window claimed it but the link below is down / the slot is empty */
} mmio_target;

static bool route_ports(pcie_port *ports, int nports, uint64_t a, int size, mmio_target *t);

static bool route_port(pcie_port *port, uint64_t a, int size, mmio_target *t)
{
    if (!window_claims(&port->fn.cfg, a, size))
        return false;
    if (!port->link_up || port->child_kind == PCIE_NODE_EMPTY) {
        t->no_link = true;
        return true;   /* claimed; the port completes with UR itself */
    }
    if (port->child_kind == PCIE_NODE_ENDPOINT) {
        t->bar = bar_decode(&port->child_ep->cfg, a, size, &t->off);
        if (t->bar >= 0)
            t->ep = port->child_ep->ep;
        return true;
    }
    pcie_switch *sw = port->child_sw;
    if (window_claims(&sw->up.cfg, a, size))
        route_ports(sw->ports, sw->nports, a, size, t);
    return true;
}

static bool route_ports(pcie_port *ports, int nports, uint64_t a, int size, mmio_target *t)
{
    for (int i = 0; i < nports; i++)
        if (route_port(&ports[i], a, size, t))
            return true;
    return false;
}

static bool size_ok(uint64_t addr, int size)
{
    return (size == 1 || size == 2 || size == 4 || size == 8) && (addr & (uint64_t)(size - 1)) == 0;
}

/* The device side of an MMIO request that reached the endpoint. */
static uint64_t serve_read(pcie_endpoint *ep, int bar, uint64_t off, int size)
{
    uint64_t v;
    if (pcie_msix_mmio(ep, bar, off, size, false, &v))
        return v;
    const pcie_ep_io_ops *io = ep->fn->model->io;
    if (!io || !io->read)
        return ones(size);
    return io->read(ep->fn->model_state, bar, off, size) & ones(size);
}

static void serve_write(pcie_endpoint *ep, int bar, uint64_t off, int size, uint64_t val)
{
    val &= ones(size);
    if (pcie_msix_mmio(ep, bar, off, size, true, &val))
        return;
    const pcie_ep_io_ops *io = ep->fn->model->io;
    if (io && io->write)
        io->write(ep->fn->model_state, bar, off, size, val);
}

static bool route(pcie_fabric *f, uint64_t addr, int size, bool is_write, mmio_target *t)
{
    memset(t, 0, sizeof *t);
    t->bar = -1;
    if (!size_ok(addr, size)) {
        sim_log(SIM_LOG_WARN, "pcie", "MMIO %s 0x%llx size %d: malformed (size 1, 2, 4 or 8, "
                "naturally aligned)", is_write ? "write" : "read", (unsigned long long)addr, size);
    } else {
        route_ports(f->root_ports, f->nroot_ports, addr, size, t);
    }
    if (t->ep)
        return true;
    if (t->no_link)
        f->stats.mmio_no_link++;
    if (is_write)
        f->stats.mmio_ur_writes++;
    else
        f->stats.mmio_ur_reads++;
    sim_log(SIM_LOG_DEBUG, "pcie", "MMIO %s 0x%llx size %d: unsupported request%s",
            is_write ? "write" : "read", (unsigned long long)addr, size,
            t->no_link ? " (link down)" : "");
    return false;
}

/* ---- reads: MRd down, the device answers when it arrives, CplD up ---- */

typedef struct mmio_read_req {
    mmio_target t;
    int size;
    uint64_t val;
    bool done;
    sim_event *ev;
} mmio_read_req;

static void read_cpl_arrived(void *arg, bool delivered)
{
    mmio_read_req *r = arg;
    if (!delivered)
        r->val = ones(r->size);   /* the completion was lost: the root complex times out */
    r->done = true;
    sim_event_notify(r->ev, 0);
}

static void read_req_arrived(void *arg, bool delivered)
{
    mmio_read_req *r = arg;
    if (!delivered) {
        read_cpl_arrived(r, false);
        return;
    }
    r->val = serve_read(r->t.ep, r->t.bar, r->t.off, r->size);
    pcie_tlp_send(r->t.ep, PCIE_DIR_UP, PCIE_TLP_CPLD, (uint32_t)r->size, read_cpl_arrived, r);
}

uint64_t pcie_mmio_read(pcie_fabric *f, uint64_t addr, int size)
{
    mmio_read_req r = {.size = size};
    if (!f || !route(f, addr, size, false, &r.t))
        return ones(size > 0 && size <= 8 ? size : 8);
    f->stats.mmio_reads++;
    if (!sim_in_thread()) {
        /* Only a sim thread can wait for the completion: outside one the access is untimed. */
        sim_log(SIM_LOG_WARN, "pcie", "MMIO read 0x%llx outside a sim thread: not timed",
                (unsigned long long)addr);
        return serve_read(r.t.ep, r.t.bar, r.t.off, size);
    }
    r.ev = sim_event_new("pcie.mmio_read");
    pcie_tlp_send(r.t.ep, PCIE_DIR_DOWN, PCIE_TLP_MRD, 0, read_req_arrived, &r);
    while (!r.done)
        sim_wait_event(r.ev);
    sim_event_free(r.ev);
    return r.val;
}

/* ---- writes: posted MWr down, the device sees it when it arrives ---- */

typedef struct mmio_write_req {
    mmio_target t;
    int size;
    uint64_t val;
} mmio_write_req;

static void write_arrived(void *arg, bool delivered)
{
    mmio_write_req *w = arg;
    if (delivered)
        serve_write(w->t.ep, w->t.bar, w->t.off, w->size, w->val);
    free(w);
}

void pcie_mmio_write(pcie_fabric *f, uint64_t addr, int size, uint64_t val)
{
    mmio_target t;
    if (!f || !route(f, addr, size, true, &t))
        return;
    f->stats.mmio_writes++;
    mmio_write_req *w = malloc(sizeof *w);
    if (!w) {
        sim_log(SIM_LOG_ERROR, "pcie", "MMIO write 0x%llx: out of memory, dropped",
                (unsigned long long)addr);
        return;
    }
    w->t = t;
    w->size = size;
    w->val = val;
    pcie_tlp_send(t.ep, PCIE_DIR_DOWN, PCIE_TLP_MWR, (uint32_t)size, write_arrived, w);
}
