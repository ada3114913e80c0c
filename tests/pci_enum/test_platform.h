/* test_platform.h — the platform the PCI enumeration and lspci tests boot, built in C:
 * rp1 (slot 1, hot-plug) with an endpoint; rp2 (slot 2, hot-plug) empty; rp3 (slot 3, no
 * hot-plug) with a switch whose downstream ports hold one endpoint each (dp0 slot 10 hot-plug,
 * dp1 slot 11 not). Endpoint models are taken from the model registry in its stable order. */
#ifndef VMKSIM_TEST_PLATFORM_H
#define VMKSIM_TEST_PLATFORM_H

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "devices/pcie/ep_model.h"
#include "devices/pcie/platform.h"

namespace testplat {

inline void set_endpoint(pcie_port_desc *p, size_t model_idx, const char *name)
{
    size_t n = pcie_ep_model_count();
    p->kind = PCIE_NODE_ENDPOINT;
    snprintf(p->endpoint.model, sizeof p->endpoint.model, "%s",
             n ? pcie_ep_model_at(model_idx % n)->name : "none");
    snprintf(p->endpoint.name, sizeof p->endpoint.name, "%s", name);
}

inline void set_port(pcie_port_desc *p, int slot, bool hotplug)
{
    p->slot = slot;
    p->hotplug = hotplug;
    p->link = pcie_link_params_default();
    p->kind = PCIE_NODE_EMPTY;
}

inline pcie_switch_desc *set_switch(pcie_port_desc *p, const char *name, int nports)
{
    p->kind = PCIE_NODE_SWITCH;
    p->sw = static_cast<pcie_switch_desc *>(calloc(1, sizeof *p->sw));
    snprintf(p->sw->name, sizeof p->sw->name, "%s", name);
    p->sw->cut_through = true;
    p->sw->hop_latency_ps = 150 * SIM_NS;
    p->sw->nports = nports;
    for (int i = 0; i < nports; i++)
        set_port(&p->sw->ports[i], 0, false);
    return p->sw;
}

inline void build(platform_desc *pd)
{
    platform_desc_init(pd);
    pd->nroot_ports = 3;
    set_port(&pd->root_ports[0], 1, true);
    set_endpoint(&pd->root_ports[0], 0, "ep0");
    set_port(&pd->root_ports[1], 2, true);
    set_port(&pd->root_ports[2], 3, false);
    pcie_switch_desc *sw = set_switch(&pd->root_ports[2], "sw0", 2);
    set_port(&sw->ports[0], 10, true);
    set_endpoint(&sw->ports[0], 1, "ep1");
    set_port(&sw->ports[1], 11, false);
    set_endpoint(&sw->ports[1], 2, "ep2");
}

}  // namespace testplat
#endif
