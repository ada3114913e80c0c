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
