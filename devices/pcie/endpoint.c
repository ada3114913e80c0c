/* endpoint.c — an endpoint function (type-0 header, PCIe Base Spec 5.0 §7.5.1.2) built by the
 * device model the platform names: the model declares its identity, BARs and capabilities; the
 * fabric checks the model exists and that what it built is a well-formed PCIe endpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/pcie_regs.h"

int pcie_endpoint_build(const pcie_endpoint_desc *d, const pcie_link_params *link, bool link_up,
                        pcie_function **out, sim_err *err)
{
    *out = NULL;
    const pcie_ep_model *m = pcie_ep_model_find(d->model);
    if (!m) {
        char names[256];
        return sim_err_set(err, "endpoint '%s': unknown model '%s' (known: %s)", d->name,
                           d->model, pcie_ep_model_names(names, sizeof names));
    }
    pcie_function *ep = calloc(1, sizeof *ep);
    if (!ep)
        return sim_err_set(err, "endpoint '%s': out of memory", d->name);
    ep->kind = PCIE_FN_ENDPOINT;
    ep->model = m;
    snprintf(ep->name, sizeof ep->name, "%s", d->name);
    pcie_cfg_init(&ep->cfg);
    pcie_ep_ctx ctx = {.instance_name = ep->name, .link = *link, .link_up = link_up};
    sim_err e;
    if (m->init_config(&ctx, &ep->cfg, &ep->model_state, &e) != 0) {
        sim_err_set(err, "endpoint '%s' (model %s): %s", d->name, m->name, e.msg);
        pcie_endpoint_free(ep);
        return -1;
    }
    /* What every PCIe endpoint must have: a type-0 header, a vendor ID, and the PCI Express
     * capability with Device/Port Type "PCI Express Endpoint" (§7.5.3.2). */
    uint8_t exp = pcie_cap_find(&ep->cfg, PCIE_CAP_ID_EXP);
    uint16_t vendor = pcie_cfg_get16(&ep->cfg, PCIE_VENDOR_ID);
    if ((pcie_cfg_get8(&ep->cfg, PCIE_HEADER_TYPE) & 0x7F) != PCIE_HEADER_TYPE_NORMAL ||
        vendor == 0 || vendor == 0xFFFF || !exp ||
        ((pcie_cfg_get16(&ep->cfg, (uint16_t)(exp + PCIE_EXP_FLAGS)) & PCIE_EXP_FLAGS_TYPE) >> 4) !=
            PCIE_EXP_TYPE_ENDPOINT) {
        sim_err_set(err, "endpoint '%s' (model %s): model built no valid PCIe endpoint header",
                    d->name, m->name);
        pcie_endpoint_free(ep);
        return -1;
    }
    *out = ep;
    return 0;
}

void pcie_endpoint_free(pcie_function *ep)
{
    if (!ep)
        return;
    if (ep->model && ep->model->free_state && ep->model_state)
        ep->model->free_state(ep->model_state);
    free(ep);
}

int pcie_ep_add_exp(const pcie_ep_ctx *ctx, pcie_cfg *cfg, uint8_t exp_off, sim_err *err)
{
    pcie_exp_params p = {
        .port_type = PCIE_EXP_TYPE_ENDPOINT,
        .link = ctx->link,
        .link_up = ctx->link_up,
        .port_number = 0,
    };
    if (!pcie_cap_add_exp(cfg, exp_off, &p))
        return sim_err_set(err, "PCI Express capability at 0x%02x: overlaps or bad link", exp_off);
    if (!pcie_ecap_add_aer(cfg, PCIE_EXT_CAP_START, false))
        return sim_err_set(err, "AER capability at 0x%03x overlaps", PCIE_EXT_CAP_START);
    return 0;
}

/* ---- data-path handles (pci_access.h) ---- */

typedef struct attach_walk {
    pcie_fabric *f;
    pcie_port **stack;     /* ports from the root complex down to the current one */
    int depth, cap;
    sim_err *err;
} attach_walk;

static int attach_ports(attach_walk *w, pcie_port *ports, int nports);

static int attach_port(attach_walk *w, pcie_port *port)
{
    if (w->depth == w->cap) {
        int nc = w->cap ? w->cap * 2 : 8;
        pcie_port **g = realloc(w->stack, (size_t)nc * sizeof *g);
        if (!g)
            return sim_err_set(w->err, "data path: out of memory");
        w->stack = g;
        w->cap = nc;
    }
    w->stack[w->depth++] = port;
    int rc = 0;
    if (port->child_kind == PCIE_NODE_SWITCH && port->child_sw) {
        rc = attach_ports(w, port->child_sw->ports, port->child_sw->nports);
    } else if (port->child_kind == PCIE_NODE_ENDPOINT && port->child_ep) {
        pcie_endpoint *ep = calloc(1, sizeof *ep);
        pcie_endpoint **eps = realloc(w->f->eps, (size_t)(w->f->neps + 1) * sizeof *eps);
        pcie_port **path = calloc((size_t)w->depth, sizeof *path);
        if (eps)
            w->f->eps = eps;
        if (!ep || !eps || !path) {
            free(ep);
            free(path);
            rc = sim_err_set(w->err, "endpoint '%s': out of memory", port->child_ep->name);
        } else {
            memcpy(path, w->stack, (size_t)w->depth * sizeof *path);
            ep->fabric = w->f;
            ep->fn = port->child_ep;
            ep->depth = w->depth;
            ep->path = path;
            port->child_ep->ep = ep;
            w->f->eps[w->f->neps++] = ep;
            if (pcie_msix_attach(ep, w->err) != 0)
                rc = -1;
        }
    }
    w->depth--;
    return rc;
}

static int attach_ports(attach_walk *w, pcie_port *ports, int nports)
{
    for (int i = 0; i < nports; i++)
        if (attach_port(w, &ports[i]) != 0)
            return -1;
    return 0;
}

int pcie_fabric_attach_endpoints(pcie_fabric *f, sim_err *err)
{
    attach_walk w = {.f = f, .err = err};
    int rc = attach_ports(&w, f->root_ports, f->nroot_ports);
    free(w.stack);
    if (rc != 0)
        return -1;
    /* Models learn their handle only once every handle exists and the fabric is whole. */
    for (int i = 0; i < f->neps; i++) {
        pcie_function *fn = f->eps[i]->fn;
        if (fn->model->attach)
            fn->model->attach(fn->model_state, f->eps[i]);
    }
    return 0;
}

int pcie_endpoint_attach_one(pcie_fabric *f, pcie_port *const *path, int depth, pcie_function *fn,
                             sim_err *err)
{
    pcie_endpoint *ep = calloc(1, sizeof *ep);
    pcie_port **p = calloc((size_t)depth, sizeof *p);
    pcie_endpoint **eps = realloc(f->eps, (size_t)(f->neps + 1) * sizeof *eps);
    if (eps)
        f->eps = eps;
    if (!ep || !p || !eps) {
        free(ep);
        free(p);
        return sim_err_set(err, "endpoint '%s': out of memory", fn->name);
    }
    memcpy(p, path, (size_t)depth * sizeof *p);
    ep->fabric = f;
    ep->fn = fn;
    ep->depth = depth;
    ep->path = p;
    if (pcie_msix_attach(ep, err) != 0) {
        pcie_msix_detach(ep);
        free(p);
        free(ep);
        return -1;
    }
    fn->ep = ep;
    f->eps[f->neps++] = ep;
    if (fn->model->attach)
        fn->model->attach(fn->model_state, ep);
    return 0;
}

static void endpoint_handle_free(pcie_endpoint *ep)
{
    pcie_msix_detach(ep);
    ep->fn->ep = NULL;
    pcie_endpoint_free(ep->fn);   /* the model's free_state cancels its own timers and threads */
    free(ep->path);
    free(ep);
}

void pcie_endpoint_retire(pcie_fabric *f, pcie_endpoint *ep)
{
    for (int i = 0; i < f->neps; i++)
        if (f->eps[i] == ep) {
            memmove(&f->eps[i], &f->eps[i + 1], (size_t)(f->neps - i - 1) * sizeof *f->eps);
            f->neps--;
            break;
        }
    ep->gone = true;
    pcie_endpoint **r = realloc(f->retired, (size_t)(f->nretired + 1) * sizeof *r);
    if (!r) {
        /* Cannot wait for its TLPs: keep it allocated (a leak, never a use-after-free). */
        sim_log(SIM_LOG_ERROR, "pcie", "%s: out of memory retiring a pulled card", ep->fn->name);
        return;
    }
    f->retired = r;
    f->retired[f->nretired++] = ep;
    pcie_fabric_reap(f, false);
}

void pcie_fabric_reap(pcie_fabric *f, bool all)
{
    int k = 0;
    for (int i = 0; i < f->nretired; i++) {
        pcie_endpoint *ep = f->retired[i];
        if (all || ep->inflight == 0)
            endpoint_handle_free(ep);
        else
            f->retired[k++] = ep;
    }
    f->nretired = k;
    if (k == 0) {
        free(f->retired);
        f->retired = NULL;
    }
}

void pcie_fabric_detach_endpoints(pcie_fabric *f)
{
    for (int i = 0; i < f->neps; i++) {
        pcie_endpoint *ep = f->eps[i];
        pcie_msix_detach(ep);
        ep->fn->ep = NULL;
        free(ep->path);
        free(ep);
    }
    free(f->eps);
    f->eps = NULL;
    f->neps = 0;
}

pcie_endpoint *pcie_fabric_find_endpoint(pcie_fabric *f, const char *name)
{
    if (!f || !name)
        return NULL;
    for (int i = 0; i < f->neps; i++)
        if (strcmp(f->eps[i]->fn->name, name) == 0)
            return f->eps[i];
    return NULL;
}

void *pcie_endpoint_state(pcie_endpoint *ep)
{
    return ep ? ep->fn->model_state : NULL;
}

const char *pcie_endpoint_name(const pcie_endpoint *ep)
{
    return ep ? ep->fn->name : NULL;
}

pcie_fabric *pcie_endpoint_fabric(pcie_endpoint *ep)
{
    return ep ? ep->fabric : NULL;
}

uint16_t pcie_dev_requester_id(const pcie_endpoint *ep)
{
    /* §2.2.6.2: the Requester ID is the function's bus/device/function. An endpoint captures
     * its bus and device number from the type-0 configuration writes that reach it; here the
     * bus is the secondary bus of the port above, where only device 0 exists (§7.3.1). */
    pcie_port *above = ep->path[ep->depth - 1];
    uint8_t bus = pcie_cfg_get8(&above->fn.cfg, PCIE_SECONDARY_BUS);
    return (uint16_t)(bus << 8);
}

bool pcie_dev_link_up(const pcie_endpoint *ep)
{
    if (ep->gone)
        return false;
    for (int i = 0; i < ep->depth; i++)
        if (!ep->path[i]->link_up)
            return false;
    return true;
}
