/* kernel.h — booting the simulated VMkernel on a platform: build the fabric, enumerate it the way
 * an OS does (kernel_model/pci/), and keep the resulting device tree. */
#ifndef VMKSIM_KERNEL_H
#define VMKSIM_KERNEL_H

#include "devices/pcie/fabric.h"
#include "devices/pcie/platform.h"
#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kern_pci_tree kern_pci_tree;   /* kernel_model/pci/pci_tree.h */

typedef struct kern_system {
    const platform_desc *desc;  /* what was booted; the caller keeps it alive until shutdown */
    pcie_fabric *fabric;
    kern_pci_tree *pci;
} kern_system;

/* Builds the fabric and enumerates it; logs each step at its simulated time. */
int kern_boot(const platform_desc *desc, kern_system **out, sim_err *err);
void kern_shutdown(kern_system *sys);

#ifdef __cplusplus
}
#endif
#endif
