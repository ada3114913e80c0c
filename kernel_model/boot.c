/* boot.c — booting the simulated VMkernel (kernel.h): the platform's fabric is built, then the
 * PCI bus driver enumerates it (kernel_model/pci/enumerate.c) and keeps the device tree.
 * Each step is logged with sim_log at the simulated time it happens. */
#include <stdlib.h>

#include "kernel_model/dma/dma.h"
#include "kernel_model/hotplug/hotplug.h"
#include "kernel_model/kernel.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/scsi/scsi.h"
#include "kernel_model/uplink/uplink.h"
#include "sim/sim.h"

#define BOOT_LOG "kernel.boot"

int kern_boot(const platform_desc *desc, kern_system **out, sim_err *err)
{
    *out = NULL;
    kern_system *sys = calloc(1, sizeof *sys);
    if (!sys)
        return sim_err_set(err, "kernel: out of memory for the system");
    sys->desc = desc;
    sim_log(SIM_LOG_INFO, BOOT_LOG, "booting: %d CPU(s) at %llu Hz, %d root port(s)", desc->ncpus,
            (unsigned long long)desc->cpu_hz, desc->nroot_ports);
    if (pcie_fabric_build(desc, &sys->fabric, err) < 0) {
        free(sys);
        return -1;
    }
    kern_host_install(sys->fabric);   /* DMA, MSI and INTx from devices reach the kernel */
    sim_log(SIM_LOG_INFO, BOOT_LOG, "PCIe fabric built; enumerating");
    kern_pci_params params = kern_pci_params_default();
    if (kern_pci_enumerate(sys->fabric, &params, &sys->pci, err) < 0) {
        sim_log(SIM_LOG_ERROR, BOOT_LOG, "PCI enumeration failed: %s", err ? err->msg : "");
        kern_host_uninstall(sys->fabric);
        pcie_fabric_free(sys->fabric);
        free(sys);
        return -1;
    }
    sim_log(SIM_LOG_INFO, BOOT_LOG, "PCI: %zu function(s) on buses 00-%02x", kern_pci_count(sys->pci),
            sys->pci->last_bus);
    /* The PCI bus driver registers a device per endpoint function (docs/device-model.md). */
    if (kern_pci_bus_start(sys, err) < 0) {
        sim_log(SIM_LOG_ERROR, BOOT_LOG, "PCI bus driver: %s", err ? err->msg : "");
        kern_pci_bus_stop(sys);
        kern_pci_tree_free(sys->pci);
        kern_host_uninstall(sys->fabric);
        pcie_fabric_free(sys->fabric);
        free(sys);
        return -1;
    }
    /* The uplink layer claims the uplinks NIC drivers register from their scan (docs/uplink.md). */
    if (kern_uplink_layer_init(err) < 0) {
        sim_log(SIM_LOG_ERROR, BOOT_LOG, "uplink layer: %s", err ? err->msg : "");
        kern_shutdown(sys);
        return -1;
    }
    /* The storage layer claims the HBA ports SCSI drivers register from their scan
     * (docs/storage.md). */
    if (kern_scsi_layer_init(err) < 0) {
        sim_log(SIM_LOG_ERROR, BOOT_LOG, "storage layer: %s", err ? err->msg : "");
        kern_shutdown(sys);
        return -1;
    }
    /* One native hot-plug controller per hot-plug capable port (docs/hotplug.md). */
    if (kern_hotplug_start(sys, err) < 0) {
        sim_log(SIM_LOG_ERROR, BOOT_LOG, "hot-plug: %s", err ? err->msg : "");
        kern_shutdown(sys);
        return -1;
    }
    *out = sys;
    return 0;
}

void kern_shutdown(kern_system *sys)
{
    if (!sys)
        return;
    sim_log(SIM_LOG_INFO, BOOT_LOG, "shutdown");
    kern_hotplug_stop(sys);      /* no hot-plug event runs while devices go */
    kern_uplink_layer_reset();   /* uplinks quiesce and detach before their NICs go */
    kern_scsi_layer_reset();     /* adapters too, before their HBAs go */
    kern_pci_bus_stop(sys);   /* drivers let go of every PCI device first */
    kern_pci_tree_free(sys->pci);
    kern_host_uninstall(sys->fabric);
    pcie_fabric_free(sys->fabric);
    free(sys);
}
