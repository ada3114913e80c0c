// fabric_test_util.h — platforms built in C for the PCIe configuration tests, and config access
// helpers that speak ECAM like a host would (bus << 20 | dev << 15 | fn << 12 | reg).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

extern "C" {
#include "devices/pcie/fabric.h"
#include "devices/pcie/pcie_regs.h"
}

namespace fabtest {

inline pcie_port_desc *add_root_port(platform_desc *p, int slot, bool hotplug)
{
    pcie_port_desc *rp = &p->root_ports[p->nroot_ports++];
    rp->slot = slot;
    rp->hotplug = hotplug;
    rp->link = pcie_link_params_default();
    rp->kind = PCIE_NODE_EMPTY;
    return rp;
}

inline void put_endpoint(pcie_port_desc *port, const char *model, const char *name)
{
    port->kind = PCIE_NODE_ENDPOINT;
    snprintf(port->endpoint.model, sizeof port->endpoint.model, "%s", model);
    snprintf(port->endpoint.name, sizeof port->endpoint.name, "%s", name);
}

inline pcie_switch_desc *put_switch(pcie_port_desc *port, const char *name, int nports)
{
    port->kind = PCIE_NODE_SWITCH;
    port->sw = static_cast<pcie_switch_desc *>(calloc(1, sizeof(pcie_switch_desc)));
    snprintf(port->sw->name, sizeof port->sw->name, "%s", name);
    port->sw->nports = nports;
    for (int i = 0; i < nports; i++) {
        port->sw->ports[i].link = pcie_link_params_default();
        port->sw->ports[i].kind = PCIE_NODE_EMPTY;
    }
    return port->sw;
}

inline uint64_t ecam(int bus, int dev, int fn, int reg)
{
    return (uint64_t)bus << 20 | (uint64_t)dev << 15 | (uint64_t)fn << 12 | (uint64_t)reg;
}

// A built fabric plus host-side config access through ECAM.
struct Fabric {
    platform_desc desc;
    pcie_fabric *f = nullptr;
    Fabric() { platform_desc_init(&desc); }
    ~Fabric()
    {
        pcie_fabric_free(f);
        platform_desc_free(&desc);
    }
    void build()
    {
        sim_err err{};
        ASSERT_EQ(0, pcie_fabric_build(&desc, &f, &err)) << err.msg;
    }
    uint32_t r32(int b, int d, int fn, int reg) { return pcie_ecam_read(f, ecam(b, d, fn, reg), 4); }
    uint16_t r16(int b, int d, int fn, int reg)
    {
        return (uint16_t)pcie_ecam_read(f, ecam(b, d, fn, reg), 2);
    }
    uint8_t r8(int b, int d, int fn, int reg) { return (uint8_t)pcie_ecam_read(f, ecam(b, d, fn, reg), 1); }
    void w32(int b, int d, int fn, int reg, uint32_t v) { pcie_ecam_write(f, ecam(b, d, fn, reg), 4, v); }
    void w16(int b, int d, int fn, int reg, uint16_t v) { pcie_ecam_write(f, ecam(b, d, fn, reg), 2, v); }
    void w8(int b, int d, int fn, int reg, uint8_t v) { pcie_ecam_write(f, ecam(b, d, fn, reg), 1, v); }
    // Programs a bridge's primary/secondary/subordinate bus numbers as an OS would.
    void set_buses(int b, int d, int pri, int sec, int sub)
    {
        w8(b, d, 0, PCIE_PRIMARY_BUS, (uint8_t)pri);
        w8(b, d, 0, PCIE_SECONDARY_BUS, (uint8_t)sec);
        w8(b, d, 0, PCIE_SUBORDINATE_BUS, (uint8_t)sub);
    }
    // Standard capability IDs in list order; fails the test if the list does not terminate.
    std::vector<int> cap_ids(int b, int d, int fn)
    {
        std::vector<int> ids;
        if (!(r16(b, d, fn, PCIE_STATUS) & PCIE_STATUS_CAP_LIST))
            return ids;
        int p = r8(b, d, fn, PCIE_CAPABILITY_LIST) & 0xFC;
        for (int n = 0; p; n++) {
            if (n >= 48) {
                ADD_FAILURE() << "capability list does not terminate";
                break;
            }
            EXPECT_GE(p, 0x40);
            ids.push_back(r8(b, d, fn, p));
            p = r8(b, d, fn, p + 1) & 0xFC;
        }
        return ids;
    }
    int cap(int b, int d, int fn, int id)
    {
        int p = r8(b, d, fn, PCIE_CAPABILITY_LIST) & 0xFC;
        for (int n = 0; p && n < 48; n++) {
            if (r8(b, d, fn, p) == id)
                return p;
            p = r8(b, d, fn, p + 1) & 0xFC;
        }
        return 0;
    }
};

}  // namespace fabtest
