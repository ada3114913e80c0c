/* lspci_names.c — the small name tables behind lspci_names.h. Class names follow the PCI Code
 * and ID Assignment Specification rev 1.11 §1 (as worded in the PCI ID Repository); vendor and
 * device names are those of the PCI ID Repository for the IDs our device models carry. */
#include "kernel_model/pci/lspci_names.h"

#include <stdio.h>

typedef struct class_name { uint16_t class16; const char *name; } class_name;
static const class_name classes[] = {
    {0x0100, "SCSI storage controller"},
    {0x0101, "IDE interface"},
    {0x0104, "RAID bus controller"},
    {0x0106, "SATA controller"},
    {0x0107, "Serial Attached SCSI controller"},
    {0x0108, "Non-Volatile memory controller"},
    {0x0180, "Mass storage controller"},
    {0x0200, "Ethernet controller"},
    {0x0207, "Infiniband controller"},
    {0x0280, "Network controller"},
    {0x0300, "VGA compatible controller"},
    {0x0600, "Host bridge"},
    {0x0601, "ISA bridge"},
    {0x0604, "PCI bridge"},
    {0x0880, "System peripheral"},
    {0x0c04, "Fibre Channel"},
    {0x0c03, "USB controller"},
    {0xff00, "Unassigned class"},
};

typedef struct vendor_name { uint16_t vendor; const char *name; } vendor_name;
static const vendor_name vendors[] = {
    {0x10b5, "PLX Technology, Inc."},   /* fabric switches */
    {0x15ad, "VMware"},                 /* pvscsi */
    {0x8086, "Intel Corporation"},      /* root ports, e1000 */
};

/* Only IDs with an entry in the PCI ID Repository; the PEX 8796 switch has none, so lspci and
 * we both show "PLX Technology, Inc. Device 8796". */
typedef struct device_name { uint16_t vendor, device; const char *name; } device_name;
static const device_name devices[] = {
    {0x8086, 0x2030, "Sky Lake-E PCI Express Root Port A"},
    {0x8086, 0x100e, "82540EM Gigabit Ethernet Controller"},
    {0x15ad, 0x07c0, "PVSCSI SCSI Controller"},
};

const char *kern_pci_class_name(uint16_t class16, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (classes[i].class16 == class16)
            return classes[i].name;
    snprintf(buf, len, "Class %04x", class16);
    return buf;
}

const char *kern_pci_device_name(uint16_t vendor, uint16_t device, char *buf, size_t len)
{
    const char *vn = NULL;
    for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++)
        if (vendors[i].vendor == vendor)
            vn = vendors[i].name;
    if (!vn) {
        snprintf(buf, len, "Device %04x:%04x", vendor, device);
        return buf;
    }
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
        if (devices[i].vendor == vendor && devices[i].device == device) {
            snprintf(buf, len, "%s %s", vn, devices[i].name);
            return buf;
        }
    snprintf(buf, len, "%s Device %04x", vn, device);
    return buf;
}

const char *kern_pci_progif_name(uint16_t class16, uint8_t progif)
{
    if (class16 == 0x0604 && progif == 0x00)
        return "Normal decode";
    if (class16 == 0x0604 && progif == 0x01)
        return "Subtractive decode";
    if (class16 == 0x0108 && progif == 0x02)
        return "NVM Express";
    return NULL;
}
