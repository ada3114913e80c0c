/* bridge.c — downstream-facing ports (root ports and switch downstream ports): the type-1 header
 * of PCIe Base Spec 5.0 §7.5.1.3, the port's capabilities (§7.5.3 with the slot registers, PCI PM,
 * MSI, AER) and the routing of configuration requests by bus number (§7.3.1, §2.2.7): a request for
 * the secondary bus becomes a type-0 request on the link, where only device 0 exists; one for a bus
 * in (secondary, subordinate] is forwarded as type 1. */
#include <stdio.h>
#include <string.h>

#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/link_timing.h"
#include "devices/pcie/pcie_regs.h"

void pcie_bridge_init_header(pcie_cfg *c, uint16_t vendor, uint16_t device)
{
    /* Class 06h/04h/00h: PCI-to-PCI bridge (PCI Code and ID Assignment Spec §1.7). */
    pcie_cfg_init_common(c, vendor, device, 0, 0x060400, PCIE_HEADER_TYPE_BRIDGE);
    /* §7.5.1.3.3-5: Primary, Secondary and Subordinate Bus Numbers are RW, 0 at reset. */
    c->wmask[PCIE_PRIMARY_BUS] = 0xFF;
    c->wmask[PCIE_SECONDARY_BUS] = 0xFF;
    c->wmask[PCIE_SUBORDINATE_BUS] = 0xFF;
    /* §7.5.1.3.7: I/O Base/Limit bits 7:4 RW, addressing capability 3:0 RO 0 (16-bit I/O; the
     * I/O Base/Limit Upper 16 Bits registers then stay RO 0). */
    c->wmask[PCIE_IO_BASE] = 0xF0;
    c->wmask[PCIE_IO_LIMIT] = 0xF0;
    /* §7.5.1.3.8: Secondary Status error bits RW1C. */
    pcie_cfg_set_w1c16(c, PCIE_SEC_STATUS, PCIE_STATUS_RW1C);
    /* §7.5.1.3.9: Memory Base/Limit bits 15:4 RW (1 MB granularity), 3:0 RO 0. */
    pcie_cfg_set_wmask16(c, PCIE_MEMORY_BASE, 0xFFF0);
    pcie_cfg_set_wmask16(c, PCIE_MEMORY_LIMIT, 0xFFF0);
    /* §7.5.1.3.10/11: Prefetchable Base/Limit bits 15:4 RW, 3:0 RO 1 (64-bit decode), with the
     * Upper 32 Bits registers RW. */
    pcie_cfg_set16(c, PCIE_PREF_MEMORY_BASE, PCIE_PREF_RANGE_TYPE_64);
    pcie_cfg_set16(c, PCIE_PREF_MEMORY_LIMIT, PCIE_PREF_RANGE_TYPE_64);
    pcie_cfg_set_wmask16(c, PCIE_PREF_MEMORY_BASE, 0xFFF0);
    pcie_cfg_set_wmask16(c, PCIE_PREF_MEMORY_LIMIT, 0xFFF0);
    pcie_cfg_set_wmask32(c, PCIE_PREF_BASE_UPPER32, 0xFFFFFFFFu);
    pcie_cfg_set_wmask32(c, PCIE_PREF_LIMIT_UPPER32, 0xFFFFFFFFu);
    /* §7.5.1.3.13 Bridge Control: Parity Error Response, SERR# Enable, ISA Enable, VGA Enable,
     * VGA 16-bit Decode, Secondary Bus Reset RW; Master Abort Mode and the timers RO 0 on PCIe. */
    pcie_cfg_set_wmask16(c, PCIE_BRIDGE_CONTROL,
                         PCIE_BRIDGE_CTL_PARITY | PCIE_BRIDGE_CTL_SERR | PCIE_BRIDGE_CTL_ISA |
                             PCIE_BRIDGE_CTL_VGA | PCIE_BRIDGE_CTL_VGA16 |
                             PCIE_BRIDGE_CTL_BUS_RESET);
}

bool pcie_bridge_claims(const pcie_cfg *c, uint8_t bus)
{
    uint8_t sec = pcie_cfg_get8(c, PCIE_SECONDARY_BUS), sub = pcie_cfg_get8(c, PCIE_SUBORDINATE_BUS);
    /* Bus 0 is the root complex's own bus: a secondary bus number of 0 is unprogrammed. */
    return sec != 0 && bus >= sec && bus <= sub;
}

pcie_function *pcie_port_route(pcie_port *port, uint8_t bus, uint8_t dev, uint8_t fn)
{
    if (!port->link_up || port->child_kind == PCIE_NODE_EMPTY)
        return NULL;   /* nothing answers: the port completes with UR, software reads all ones */
    uint8_t sec = pcie_cfg_get8(&port->fn.cfg, PCIE_SECONDARY_BUS);
    if (bus == sec) {
        /* §7.3.1: a downstream port turns the request into type 0 and (ARI Forwarding off)
         * answers Unsupported Request for any device number but 0. Children are single-function
         * (Multi-Function Device bit 0), so only function 0 exists. */
        if (dev != 0 || fn != 0)
            return NULL;
        if (port->child_kind == PCIE_NODE_ENDPOINT)
            return port->child_ep;
        return &port->child_sw->up;
    }
    if (port->child_kind == PCIE_NODE_SWITCH)
        return pcie_switch_route(port->child_sw, bus, dev, fn);
    return NULL;   /* an endpoint does not forward type-1 requests */
}

int pcie_port_add_caps(pcie_cfg *c, const pcie_exp_params *p, sim_err *err)
{
    bool downstream = p->port_type != PCIE_EXP_TYPE_UPSTREAM;
    if (!pcie_cap_add_exp(c, PCIE_PORT_CAP_EXP, p))
        return sim_err_set(err, "PCI Express capability: bad link or slot parameters");
    /* PCI PM 1.2: ports support D0/D3hot and signal PME from D0 and D3hot (PME_Support bits 0, 3)
     * so that hot-plug events can wake the system. */
    if (!pcie_cap_add_pm(c, PCIE_PORT_CAP_PM, (uint16_t)((1u | 1u << 3) << PCIE_PM_PMC_PME_SHIFT)))
        return sim_err_set(err, "power management capability does not fit");
    /* A downstream-facing port signals hot-plug and PME events with one 64-bit MSI vector
     * (PCIe Base Spec 5.0 §6.7.3.4). */
    if (downstream && !pcie_cap_add_msi(c, PCIE_PORT_CAP_MSI, 0, true, false))
        return sim_err_set(err, "MSI capability does not fit");
    if (downstream)
        pcie_cfg_set8(c, PCIE_INTERRUPT_PIN, 1);   /* INTA for software without MSI */
    if (!pcie_ecap_add_aer(c, PCIE_EXT_CAP_START, p->port_type == PCIE_EXP_TYPE_ROOT_PORT))
        return sim_err_set(err, "AER capability does not fit");
    return 0;
}

static int prefixed(sim_err *err, const platform_origin *o, const char *what, const sim_err *inner)
{
    if (o && o->file[0])
        return sim_err_set(err, "%s:%d: %s: %s", o->file, o->line, what, inner->msg);
    return sim_err_set(err, "%s: %s", what, inner->msg);
}

int pcie_port_build(pcie_port *port, const pcie_port_desc *d, int index, int port_type,
                    const char *parent_name, sim_err *err)
{
    sim_err e;
    char what[PLATFORM_NAME_LEN + 64];
    memset(port, 0, sizeof *port);
    port->fn.kind = port_type == PCIE_EXP_TYPE_ROOT_PORT ? PCIE_FN_ROOT_PORT : PCIE_FN_SWITCH_DOWN;
    if (port_type == PCIE_EXP_TYPE_ROOT_PORT) {
        snprintf(port->fn.name, sizeof port->fn.name, "rp%d", index);
        snprintf(what, sizeof what, "root port %d", index);
    } else {
        snprintf(port->fn.name, sizeof port->fn.name, "%s.dp%d", parent_name, index);
        snprintf(what, sizeof what, "switch '%s' port %d", parent_name, index);
    }
    port->index = index;
    port->slot = d->slot;
    port->hotplug = d->hotplug;
    port->link = d->link;
    port->child_kind = d->kind;

    if (pcie_link_validate(&d->link, &e) != 0)
        return prefixed(err, &d->origin, what, &e);
    if (d->slot < 0 || d->slot > PCIE_EXP_SLTCAP_PSN_MAX) {
        sim_err_set(&e, "slot: %d is not a physical slot number (0..%d)", d->slot,
                    PCIE_EXP_SLTCAP_PSN_MAX);
        return prefixed(err, &d->origin, what, &e);
    }
    /* A card is present and its link trained at power-on (hot-add comes later). */
    port->link_up = d->kind != PCIE_NODE_EMPTY;

    pcie_cfg *c = &port->fn.cfg;
    pcie_cfg_init(c);
    if (port_type == PCIE_EXP_TYPE_ROOT_PORT)
        pcie_bridge_init_header(c, PCIE_RP_VENDOR, PCIE_RP_DEVICE);
    else
        pcie_bridge_init_header(c, PCIE_SW_VENDOR, PCIE_SW_DEVICE);
    pcie_exp_params p = {
        .port_type = port_type,
        .link = d->link,
        .link_up = port->link_up,
        /* LNKCAP Port Number: root ports count from 1; a switch's upstream port is port 0 and
         * its downstream ports 1..n. */
        .port_number = index + 1,
        .slot_implemented = d->slot > 0 || d->hotplug,
        .slot = d->slot,
        .hotplug = d->hotplug,
        .occupied = d->kind != PCIE_NODE_EMPTY,
    };
    if (pcie_port_add_caps(c, &p, &e) != 0)
        return prefixed(err, &d->origin, what, &e);

    if (d->kind == PCIE_NODE_ENDPOINT) {
        if (pcie_endpoint_build(&d->endpoint, &d->link, port->link_up, &port->child_ep, &e) != 0)
            return prefixed(err, &d->origin, what, &e);
    } else if (d->kind == PCIE_NODE_SWITCH) {
        if (!d->sw) {
            sim_err_set(&e, "switch declared without a description");
            return prefixed(err, &d->origin, what, &e);
        }
        if (pcie_switch_build(d->sw, &d->link, port->link_up, &port->child_sw, &e) != 0)
            return prefixed(err, &d->origin, what, &e);
    }
    return 0;
}

void pcie_port_free(pcie_port *port)
{
    if (port->child_ep)
        pcie_endpoint_free(port->child_ep);
    if (port->child_sw)
        pcie_switch_free(port->child_sw);
    port->child_ep = NULL;
    port->child_sw = NULL;
}
