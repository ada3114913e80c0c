/* pci_access.h — the kernel's configuration accessors: every register the PCI bus driver touches
 * goes through the fabric's ECAM config interface (devices/pcie/fabric.h), as an OS's would. */
#ifndef VMKSIM_KERN_PCI_ACCESS_H
#define VMKSIM_KERN_PCI_ACCESS_H

#include <stdint.h>

#include "devices/pcie/fabric.h"
#include "kernel_model/pci/pci_tree.h"

static inline uint32_t kcfg_rd(pcie_fabric *f, const kern_pci_dev *d, uint16_t off, int size)
{
    return pcie_cfg_read(f, d->bus, d->dev, d->fn, off, size);
}
static inline void kcfg_wr(pcie_fabric *f, const kern_pci_dev *d, uint16_t off, int size, uint32_t v)
{
    pcie_cfg_write(f, d->bus, d->dev, d->fn, off, size, v);
}
static inline uint8_t kcfg_rd8(pcie_fabric *f, const kern_pci_dev *d, uint16_t off)
{
    return (uint8_t)kcfg_rd(f, d, off, 1);
}
static inline uint16_t kcfg_rd16(pcie_fabric *f, const kern_pci_dev *d, uint16_t off)
{
    return (uint16_t)kcfg_rd(f, d, off, 2);
}
static inline uint32_t kcfg_rd32(pcie_fabric *f, const kern_pci_dev *d, uint16_t off)
{
    return kcfg_rd(f, d, off, 4);
}
static inline void kcfg_wr8(pcie_fabric *f, const kern_pci_dev *d, uint16_t off, uint8_t v)
{
    kcfg_wr(f, d, off, 1, v);
}
static inline void kcfg_wr16(pcie_fabric *f, const kern_pci_dev *d, uint16_t off, uint16_t v)
{
    kcfg_wr(f, d, off, 2, v);
}
static inline void kcfg_wr32(pcie_fabric *f, const kern_pci_dev *d, uint16_t off, uint32_t v)
{
    kcfg_wr(f, d, off, 4, v);
}

/* resources.c: sizes every bridge window bottom-up, places them top-down in the platform's
 * windows, programs BARs and bridge windows. */
int kern_pci_assign_resources(pcie_fabric *f, kern_pci_tree *t, sim_err *err);

#define KERN_PCI_LOG "kernel.pci"

#endif
