/* pvscsi_pci.c — builds the PVSCSI controller's configuration space (see pvscsi_pci.h): identity,
 * I/O and 64-bit memory BARs, PM, 64-bit MSI with per-vector masking, MSI-X with its table and PBA
 * in the memory BAR, the PCI Express capability and AER; the controller's behaviour is in
 * pvscsi.c and pvscsi_rings.c (per-instance state, MMIO/I-O answers, device threads). */
#include "devices/hba/pvscsi_pci.h"

#include "devices/hba/pvscsi_internal.h"
#include "devices/pcie/caps.h"
#include "devices/pcie/pcie_regs.h"

static int pvscsi_init_config(const pcie_ep_ctx *ctx, pcie_cfg *cfg, void **state, sim_err *err)
{
    *state = NULL;
    pcie_cfg_init_common(cfg, PVSCSI_PCI_VENDOR_ID, PVSCSI_PCI_DEVICE_ID, PVSCSI_PCI_REVISION,
                         PVSCSI_PCI_CLASS, PCIE_HEADER_TYPE_NORMAL);
    pcie_cfg_set16(cfg, PCIE_SUBSYSTEM_VENDOR_ID, PVSCSI_PCI_SUBSYS_VENDOR);
    pcie_cfg_set16(cfg, PCIE_SUBSYSTEM_ID, PVSCSI_PCI_SUBSYS_ID);
    pcie_cfg_set8(cfg, PCIE_INTERRUPT_PIN, 1);   /* INTA for a driver without MSI/MSI-X */
    if (!pcie_cfg_add_bar(cfg, PVSCSI_PCI_BAR_IO, PCIE_BAR_IO, false, PVSCSI_PCI_IO_SIZE) ||
        !pcie_cfg_add_bar(cfg, PVSCSI_PCI_BAR_MEM, PCIE_BAR_MEM64, false, PVSCSI_PCI_MEM_SIZE))
        return sim_err_set(err, "BAR layout rejected");
    if (!pcie_cap_add_pm(cfg, PVSCSI_PCI_CAP_PM, 0))
        return sim_err_set(err, "PM capability at 0x%02x rejected", PVSCSI_PCI_CAP_PM);
    int rc = pcie_ep_add_exp(ctx, cfg, PVSCSI_PCI_CAP_EXP, err);
    if (rc != 0)
        return rc;
    if (!pcie_cap_add_msi(cfg, PVSCSI_PCI_CAP_MSI, 0, true, true))
        return sim_err_set(err, "MSI capability at 0x%02x rejected", PVSCSI_PCI_CAP_MSI);
    if (!pcie_cap_add_msix(cfg, PVSCSI_PCI_CAP_MSIX, PVSCSI_PCI_MSIX_VECTORS, PVSCSI_PCI_BAR_MEM,
                           PVSCSI_PCI_MSIX_TABLE_OFF, PVSCSI_PCI_BAR_MEM, PVSCSI_PCI_MSIX_PBA_OFF))
        return sim_err_set(err, "MSI-X capability at 0x%02x rejected", PVSCSI_PCI_CAP_MSIX);
    *state = pvscsi_state_new(ctx->instance_name);
    if (!*state)
        return sim_err_set(err, "%s: out of memory", ctx->instance_name);
    return 0;
}

const pcie_ep_model pvscsi_pci_model = {
    .name = "pvscsi",
    .description = "VMware PVSCSI SCSI Controller (15ad:07c0)",
    .init_config = pvscsi_init_config,
    .free_state = pvscsi_state_free,
    .io = &pvscsi_io_ops,
    .attach = pvscsi_state_attach,
};
