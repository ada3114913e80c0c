/* link_occupancy.c — TLPs travelling over the links of a fabric path: each direction of a link
 * sends one TLP after another (a transmitter is busy until its last TLP has left), a TLP takes
 * pcie_link_tlp_ps() on each link and each switch adds pcie_hop_ps() (link_timing.h). Queueing and
 * bandwidth sharing follow from the per-direction "busy until" times; one event per TLP per link. */
#include <stdlib.h>

#include "devices/pcie/fabric_internal.h"

typedef struct tlp_flight {
    pcie_fabric_life *life;
    pcie_endpoint *ep;
    pcie_dir dir;
    pcie_tlp_kind kind;
    uint32_t payload;
    int hop;                   /* links crossed so far */
    sim_time_t in_end;         /* received whole on the previous link (0 on the first) */
    sim_time_t in_latency;     /* the latency of the switch between previous link and this one */
    pcie_tlp_arrive_fn arrive;
    void *arg;
} tlp_flight;

/* The port whose link the hop-th crossing uses: down from the root port, up from the endpoint. */
static pcie_port *hop_port(const tlp_flight *t)
{
    int i = t->dir == PCIE_DIR_DOWN ? t->hop : t->ep->depth - 1 - t->hop;
    return t->ep->path[i];
}

/* The switch a TLP crosses after its hop-th link (hop < depth - 1). */
static pcie_switch *hop_switch(const tlp_flight *t)
{
    int i = t->dir == PCIE_DIR_DOWN ? t->hop : t->ep->depth - 2 - t->hop;
    return t->ep->path[i]->child_sw;
}

pcie_fabric_life *pcie_fabric_life_get(pcie_fabric *f)
{
    f->life->refs++;
    return f->life;
}

bool pcie_fabric_life_put(pcie_fabric_life *l)
{
    bool alive = l->alive;
    if (--l->refs == 0 && !alive)
        free(l);
    return alive;
}

static void finish(tlp_flight *t, bool delivered)
{
    /* The fabric was freed while the TLP travelled: nobody is left to tell. */
    if (pcie_fabric_life_put(t->life)) {
        t->ep->inflight--;   /* a pulled card's handle is freed once this reaches 0 (slot.c) */
        t->arrive(t->arg, delivered);
    }
    free(t);
}

static void delivered_cb(void *arg)
{
    finish(arg, true);
}

static void lost_cb(void *arg)
{
    finish(arg, false);
}

static sim_time_t step(tlp_flight *t);

static void step_cb(void *arg)
{
    tlp_flight *t = arg;
    if (!t->life->alive) {
        pcie_fabric_life_put(t->life);
        free(t);
        return;
    }
    step(t);
}

/* The TLP is at the transmitter of its hop-th link now. Returns when it leaves that transmitter. */
static sim_time_t step(tlp_flight *t)
{
    sim_time_t now = sim_now();
    pcie_port *port = hop_port(t);
    if (!port->link_up || t->ep->gone) {
        /* A link that is down drops what reaches it (surprise removal, powered-off slot); so
         * does the path of a card that was pulled, even once another card sits there. */
        sim_call_after(0, lost_cb, t);
        return now;
    }
    pcie_link_state *ls = &port->occ;
    sim_time_t tlp = pcie_link_tlp_ps(&port->link, t->kind, t->payload);
    sim_time_t start = now > ls->busy_until[t->dir] ? now : ls->busy_until[t->dir];
    /* A cut-through switch cannot finish sending before it has finished receiving: on a faster
     * egress link the transmission starts late enough to end after the ingress end + latency. */
    if (t->hop > 0 && t->in_end + t->in_latency > tlp && start < t->in_end + t->in_latency - tlp)
        start = t->in_end + t->in_latency - tlp;
    sim_time_t end = start + tlp;
    ls->busy_until[t->dir] = end;
    ls->tlps[t->dir]++;
    ls->busy_ps[t->dir] += tlp;
    t->ep->fabric->stats.tlps++;

    if (t->hop == t->ep->depth - 1) {
        sim_call_after(end - now, delivered_cb, t);
        return end;
    }
    /* pcie_hop_ps counts from the moment the TLP's head reaches the switch, i.e. the start of its
     * transmission on the ingress link (store-and-forward includes the ingress serialisation). */
    pcie_switch *sw = hop_switch(t);
    sim_time_t ready = start + pcie_hop_ps(&port->link, sw->cut_through, sw->hop_latency_ps,
                                           t->kind, t->payload);
    t->in_end = end;
    t->in_latency = sw->hop_latency_ps;
    t->hop++;
    sim_call_after(ready - now, step_cb, t);
    return end;
}

sim_time_t pcie_tlp_send(pcie_endpoint *ep, pcie_dir dir, pcie_tlp_kind kind, uint32_t payload,
                         pcie_tlp_arrive_fn arrive, void *arg)
{
    tlp_flight *t = calloc(1, sizeof *t);
    if (!t) {
        /* Out of memory: the TLP is lost and the sender learns it, as with a link that is down. */
        arrive(arg, false);
        return sim_now();
    }
    t->life = pcie_fabric_life_get(ep->fabric);
    t->ep = ep;
    ep->inflight++;
    t->dir = dir;
    t->kind = kind;
    t->payload = payload;
    t->arrive = arrive;
    t->arg = arg;
    return step(t);
}
