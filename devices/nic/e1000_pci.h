/* e1000_pci.h — configuration-space identity of the Intel 82540EM Gigabit Ethernet Controller,
 * from the PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual (8254x
 * SDM) §4.1: IDs, class, BARs and capability placement. Device behaviour comes in later issues. */
#ifndef VMKSIM_E1000_PCI_H
#define VMKSIM_E1000_PCI_H

#include "devices/pcie/ep_model.h"

#define E1000_PCI_VENDOR_ID      0x8086  /* Intel */
#define E1000_PCI_DEVICE_ID      0x100E  /* 82540EM, desktop */
#define E1000_PCI_REVISION       0x02
#define E1000_PCI_CLASS          0x020000 /* network controller, Ethernet */
#define E1000_PCI_SUBSYS_VENDOR  0x8086
#define E1000_PCI_SUBSYS_ID      0x001E  /* PRO/1000 MT Desktop Adapter */

/* 8254x SDM §4.1 (Base Address Registers): memory register space 128 KB, 32-bit,
 * non-prefetchable (BAR0); the Flash BAR (BAR1) is not implemented on a board without Flash; the
 * I/O register window (IOADDR/IODATA, §13.2.2) is 8 bytes in BAR2. */
#define E1000_PCI_BAR_MMIO       0
#define E1000_PCI_MMIO_SIZE      0x20000u
#define E1000_PCI_BAR_IO         2
#define E1000_PCI_IO_SIZE        8u

/* Capability placement: PM at DCh and MSI at E4h as in the 8254x SDM configuration map; the PCI
 * Express capability (which the PCI part lacks; here the function sits on a PCIe link) at A0h. */
#define E1000_PCI_CAP_PM         0xDC
#define E1000_PCI_CAP_MSI        0xE4
#define E1000_PCI_CAP_EXP        0xA0

extern const pcie_ep_model e1000_pci_model;

#endif
