/* switch.c — a PCIe switch (PCIe Base Spec 5.0 §1.3.3): an upstream port (type-1 header, Device/
 * Port Type 5) whose secondary bus is the switch's internal bus, holding the downstream ports
 * (type 1, Port Type 6) as devices 0..n-1, each with the link to its child. Configuration
 * requests are routed by the upstream port's and then each downstream port's bus ranges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/pcie_regs.h"

int pcie_switch_build(const pcie_switch_desc *d, const pcie_link_params *uplink, bool link_up,
                      pcie_switch **out, sim_err *err)
{
    *out = NULL;
    /* The internal bus has 32 device numbers (§7.2.2). */
    if (d->nports < 1 || d->nports > 32 || d->nports > PLATFORM_MAX_SWITCH_PORTS)
        return sim_err_set(err, "switch '%s': %d downstream ports (1..%d)", d->name, d->nports,
                           PLATFORM_MAX_SWITCH_PORTS < 32 ? PLATFORM_MAX_SWITCH_PORTS : 32);
    pcie_switch *sw = calloc(1, sizeof *sw);
    if (!sw)
        return sim_err_set(err, "switch '%s': out of memory", d->name);
    sw->ports = calloc((size_t)d->nports, sizeof *sw->ports);
    if (!sw->ports) {
        free(sw);
        return sim_err_set(err, "switch '%s': out of memory", d->name);
    }
    snprintf(sw->name, sizeof sw->name, "%s", d->name);
    sw->cut_through = d->cut_through;
    sw->hop_latency_ps = d->hop_latency_ps;
    sw->up.kind = PCIE_FN_SWITCH_UP;
    snprintf(sw->up.name, sizeof sw->up.name, "%s.up", d->name);
    pcie_cfg_init(&sw->up.cfg);
    pcie_bridge_init_header(&sw->up.cfg, PCIE_SW_VENDOR, PCIE_SW_DEVICE);
    pcie_exp_params p = {
        .port_type = PCIE_EXP_TYPE_UPSTREAM,
        .link = *uplink,
        .link_up = link_up,
        .port_number = 0,
    };
    if (pcie_port_add_caps(&sw->up.cfg, &p, err) != 0) {
        pcie_switch_free(sw);
        return -1;
    }
    for (int i = 0; i < d->nports; i++) {
        sw->nports = i + 1;   /* so that a failure frees what was built */
        if (pcie_port_build(&sw->ports[i], &d->ports[i], i, PCIE_EXP_TYPE_DOWNSTREAM, d->name,
                            err) != 0) {
            pcie_switch_free(sw);
            return -1;
        }
    }
    *out = sw;
    return 0;
}

void pcie_switch_free(pcie_switch *sw)
{
    if (!sw)
        return;
    for (int i = 0; i < sw->nports; i++)
        pcie_port_free(&sw->ports[i]);
    free(sw->ports);
    free(sw);
}

pcie_function *pcie_switch_route(pcie_switch *sw, uint8_t bus, uint8_t dev, uint8_t fn)
{
    /* A type-1 request arrived at the upstream port: it is claimed only inside the upstream
     * port's secondary..subordinate range (§7.3.1). */
    if (!pcie_bridge_claims(&sw->up.cfg, bus))
        return NULL;
    if (bus == pcie_cfg_get8(&sw->up.cfg, PCIE_SECONDARY_BUS)) {
        /* The internal bus: downstream port i is device i, single-function. */
        if (dev < sw->nports && fn == 0)
            return &sw->ports[dev].fn;
        return NULL;
    }
    for (int i = 0; i < sw->nports; i++)
        if (pcie_bridge_claims(&sw->ports[i].fn.cfg, bus))
            return pcie_port_route(&sw->ports[i], bus, dev, fn);
    return NULL;
}
