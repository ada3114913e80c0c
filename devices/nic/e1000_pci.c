/* e1000_pci.c — the 82540EM as a PCIe endpoint model: its configuration space (8254x SDM §4.1,
 * see e1000_pci.h: identity, BARs, PM and 64-bit single-vector MSI, plus the PCI Express
 * capability and AER every function on a PCIe link has here) and the hooks that connect the
 * device model (e1000.c) to the data path: BAR MMIO, and the endpoint handle for DMA/MSI/INTx. */
#include "devices/nic/e1000_pci.h"

#include "devices/nic/e1000_internal.h"
#include "devices/pcie/caps.h"
#include "devices/pcie/pcie_regs.h"

static int e1000_init_config(const pcie_ep_ctx *ctx, pcie_cfg *cfg, void **state, sim_err *err)
{
    *state = NULL;
    pcie_cfg_init_common(cfg, E1000_PCI_VENDOR_ID, E1000_PCI_DEVICE_ID, E1000_PCI_REVISION,
                         E1000_PCI_CLASS, PCIE_HEADER_TYPE_NORMAL);
    pcie_cfg_set16(cfg, PCIE_SUBSYSTEM_VENDOR_ID, E1000_PCI_SUBSYS_VENDOR);
    pcie_cfg_set16(cfg, PCIE_SUBSYSTEM_ID, E1000_PCI_SUBSYS_ID);
    pcie_cfg_set8(cfg, PCIE_INTERRUPT_PIN, 1);   /* SDM §4.1: INTA# */
    if (!pcie_cfg_add_bar(cfg, E1000_PCI_BAR_MMIO, PCIE_BAR_MEM32, false, E1000_PCI_MMIO_SIZE) ||
        !pcie_cfg_add_bar(cfg, E1000_PCI_BAR_IO, PCIE_BAR_IO, false, E1000_PCI_IO_SIZE))
        return sim_err_set(err, "BAR layout rejected");
    /* SDM §4.1 PMC: PME# from D0, D3hot and D3cold (auxiliary power on the adapter). */
    if (!pcie_cap_add_pm(cfg, E1000_PCI_CAP_PM,
                         (uint16_t)((1u | 1u << 3 | 1u << 4) << PCIE_PM_PMC_PME_SHIFT)))
        return sim_err_set(err, "PM capability at 0x%02x rejected", E1000_PCI_CAP_PM);
    /* One vector, 64-bit message address, no per-vector masking. */
    if (!pcie_cap_add_msi(cfg, E1000_PCI_CAP_MSI, 0, true, false))
        return sim_err_set(err, "MSI capability at 0x%02x rejected", E1000_PCI_CAP_MSI);
    if (pcie_ep_add_exp(ctx, cfg, E1000_PCI_CAP_EXP, err) < 0)
        return -1;
    e1000 *s;
    if (e1000_new(ctx->instance_name, &s, err) < 0)
        return -1;
    *state = s;
    return 0;
}

static void e1000_free_state(void *state) { e1000_free(state); }
static void e1000_attach_ep(void *state, pcie_endpoint *ep) { e1000_attach(state, ep); }

const pcie_ep_model e1000_pci_model = {
    .name = "e1000",
    .description = "Intel 82540EM Gigabit Ethernet Controller (8086:100e)",
    .init_config = e1000_init_config,
    .free_state = e1000_free_state,
    .io = &e1000_io_ops,
    .attach = e1000_attach_ep,
};
