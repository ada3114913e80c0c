/* lspci_names.h — names lspci prints for the vendors, devices and classes the simulator's models
 * use (a small built-in subset of the PCI ID Repository, pci-ids.ucw.cz, and of the PCI Code and
 * ID Assignment Specification's class codes); anything else is shown by number as lspci does. */
#ifndef VMKSIM_KERN_LSPCI_NAMES_H
#define VMKSIM_KERN_LSPCI_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* "PCI bridge", or "Class 0604" when unknown (class16 = base << 8 | sub). */
const char *kern_pci_class_name(uint16_t class16, char *buf, size_t len);
/* "Red Hat, Inc. QEMU PCIe Root port", "Red Hat, Inc. Device 000c" or "Device 1234:5678". */
const char *kern_pci_device_name(uint16_t vendor, uint16_t device, char *buf, size_t len);
/* Programming interface name (e.g. "Normal decode" for a PCI bridge), or NULL. */
const char *kern_pci_progif_name(uint16_t class16, uint8_t progif);

#endif
