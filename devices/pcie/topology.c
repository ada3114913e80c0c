/* topology.c — walks a built fabric depth-first for tests and tools, telling for each function
 * what it is and where a configuration request reaches it with the bus numbers programmed now
 * (found by routing a request to the candidate address, exactly as hardware would). */
#include <string.h>

#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/pcie_regs.h"

typedef struct walk {
    pcie_fabric *f;
    pcie_topo_visit_fn visit;
    void *ctx;
} walk;

static void emit(walk *w, pcie_function *fn, int depth, const pcie_port *port,
                 const pcie_link_params *link, bool link_up, bool parent_ok, uint8_t bus,
                 uint8_t dev)
{
    pcie_topo_node n;
    memset(&n, 0, sizeof n);
    n.kind = fn->kind;
    n.depth = depth;
    n.name = fn->name;
    n.model = fn->model ? fn->model->name : NULL;
    if (port) {
        n.slot = port->slot;
        n.hotplug = port->hotplug;
    }
    n.link = *link;
    n.link_up = link_up;
    /* Reachable when a request for (bus, dev, 0) is routed to this very function. */
    if (parent_ok && pcie_fabric_route(w->f, bus, dev, 0) == fn) {
        n.reachable = true;
        n.bus = bus;
        n.dev = dev;
    }
    w->visit(w->ctx, &n);
}

static void walk_port(walk *w, pcie_port *port, int depth, bool reachable, uint8_t bus, uint8_t dev);

static void walk_switch(walk *w, pcie_switch *sw, int depth, const pcie_link_params *uplink,
                        bool link_up, bool reachable, uint8_t bus)
{
    emit(w, &sw->up, depth, NULL, uplink, link_up, reachable, bus, 0);
    uint8_t sec = pcie_cfg_get8(&sw->up.cfg, PCIE_SECONDARY_BUS);
    for (int i = 0; i < sw->nports; i++)
        walk_port(w, &sw->ports[i], depth + 1, reachable && sec != 0, sec, (uint8_t)i);
}

static void walk_port(walk *w, pcie_port *port, int depth, bool reachable, uint8_t bus, uint8_t dev)
{
    emit(w, &port->fn, depth, port, &port->link, port->link_up, reachable, bus, dev);
    uint8_t sec = pcie_cfg_get8(&port->fn.cfg, PCIE_SECONDARY_BUS);
    bool below = reachable && sec != 0;
    if (port->child_kind == PCIE_NODE_ENDPOINT && port->child_ep)
        emit(w, port->child_ep, depth + 1, NULL, &port->link, port->link_up, below, sec, 0);
    else if (port->child_kind == PCIE_NODE_SWITCH && port->child_sw)
        walk_switch(w, port->child_sw, depth + 1, &port->link, port->link_up, below, sec);
}

void pcie_fabric_walk(pcie_fabric *f, pcie_topo_visit_fn visit, void *ctx)
{
    walk w = {f, visit, ctx};
    for (int i = 0; i < f->nroot_ports; i++)
        walk_port(&w, &f->root_ports[i], 0, true, 0, (uint8_t)(PCIE_RC_FIRST_DEV + i));
}
