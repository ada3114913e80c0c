// boot_one.h — the platform most kernel and driver tests start from: one endpoint of a model
// under a root port with the default link (optionally a hot-plug slot), booted by kern_boot,
// with the endpoint and its enumerated PCI function found. Fatal gtest failures on any step
// (call it under ASSERT_NO_FATAL_FAILURE).
#ifndef VMKSIM_TESTS_BOOT_ONE_H
#define VMKSIM_TESTS_BOOT_ONE_H

#include <gtest/gtest.h>

#include <cstdio>

#include "devices/pcie/pci_access.h"
#include "kernel_model/kernel.h"
#include "kernel_model/pci/pci_tree.h"

namespace vmksim_test {

struct OneEndpoint {
    kern_system *sys = nullptr;
    pcie_endpoint *ep = nullptr;
    kern_pci_dev *pdev = nullptr;
};

// pd is initialised here and must be freed by the caller (platform_desc_free) after
// kern_shutdown. slot > 0 gives the root port a physical slot, hot-plug capable if hotplug.
inline void boot_one_endpoint(platform_desc *pd, const char *model, const char *name, OneEndpoint *out,
                     int slot = 0, bool hotplug = false)
{
    platform_desc_init(pd);
    pd->nroot_ports = 1;
    pd->root_ports[0].slot = slot;
    pd->root_ports[0].hotplug = hotplug;
    pd->root_ports[0].link = pcie_link_params_default();
    pd->root_ports[0].kind = PCIE_NODE_ENDPOINT;
    snprintf(pd->root_ports[0].endpoint.model, sizeof pd->root_ports[0].endpoint.model, "%s",
             model);
    snprintf(pd->root_ports[0].endpoint.name, sizeof pd->root_ports[0].endpoint.name, "%s", name);
    sim_err err{};
    ASSERT_EQ(kern_boot(pd, &out->sys, &err), 0) << err.msg;
    out->ep = pcie_fabric_find_endpoint(out->sys->fabric, name);
    ASSERT_NE(out->ep, nullptr);
    uint16_t rid = pcie_dev_requester_id(out->ep);
    out->pdev = kern_pci_find(out->sys->pci, rid >> 8, (rid >> 3) & 31, rid & 7);
    ASSERT_NE(out->pdev, nullptr);
}

}  // namespace vmksim_test

#endif
