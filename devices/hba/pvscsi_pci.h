/* pvscsi_pci.h — configuration-space identity of the VMware PVSCSI paravirtual SCSI controller.
 * Layout facts from Linux drivers/scsi/vmw_pvscsi.h: two 32-bit I/O registers
 * (PVSCSI_NUM_IO_REGS), a memory space of 8 pages (PVSCSI_MEM_SPACE_NUM_PAGES: command, interrupt
 * status, misc x2, kick I/O x2, MSI-X x2) with the MSI-X table in page 6 and the PBA in page 7,
 * and up to 24 interrupt vectors (PVSCSI_MAX_INTRS). Device behaviour comes in later issues. */
#ifndef VMKSIM_PVSCSI_PCI_H
#define VMKSIM_PVSCSI_PCI_H

#include "devices/pcie/ep_model.h"

#define PVSCSI_PCI_VENDOR_ID     0x15AD  /* VMware */
#define PVSCSI_PCI_DEVICE_ID     0x07C0  /* PVSCSI SCSI Controller */
#define PVSCSI_PCI_REVISION      0x02
#define PVSCSI_PCI_CLASS         0x010700 /* mass storage, Serial Attached SCSI */
#define PVSCSI_PCI_SUBSYS_VENDOR 0x15AD
#define PVSCSI_PCI_SUBSYS_ID     0x07C0

#define PVSCSI_PCI_PAGE_SIZE     4096u
/* BAR0: the I/O window of PVSCSI_NUM_IO_REGS (2) 32-bit registers. */
#define PVSCSI_PCI_BAR_IO        0
#define PVSCSI_PCI_IO_SIZE       (2u * 4u)
/* BAR1 (+BAR2, 64-bit, non-prefetchable): PVSCSI_MEM_SPACE_SIZE = 8 pages. The Linux driver picks
 * the first memory BAR at least this large. */
#define PVSCSI_PCI_BAR_MEM       1
#define PVSCSI_PCI_MEM_SIZE      (8u * PVSCSI_PCI_PAGE_SIZE)
#define PVSCSI_PCI_MSIX_TABLE_OFF (6u * PVSCSI_PCI_PAGE_SIZE)  /* PVSCSI_MEM_SPACE_MSIX_TABLE_PAGE */
#define PVSCSI_PCI_MSIX_PBA_OFF  (7u * PVSCSI_PCI_PAGE_SIZE)   /* PVSCSI_MEM_SPACE_MSIX_PBA_PAGE */
#define PVSCSI_PCI_MSIX_VECTORS  24                            /* PVSCSI_MAX_INTRS */

/* Capability placement (the order VMware's virtual PCIe devices use: PM, Express, MSI, MSI-X). */
#define PVSCSI_PCI_CAP_PM        0x40
#define PVSCSI_PCI_CAP_EXP       0x48
#define PVSCSI_PCI_CAP_MSI       0x84
#define PVSCSI_PCI_CAP_MSIX      0x9C

extern const pcie_ep_model pvscsi_pci_model;

#endif
