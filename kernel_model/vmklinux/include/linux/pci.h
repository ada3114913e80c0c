/* linux/pci.h — PCI drivers as Linux writes them: struct pci_dev, pci_device_id tables,
 * pci_register_driver with probe/remove, enable/bus-master, BAR resources and mapping, MSI,
 * configuration access. Mirrors Linux's include/linux/pci.h, mod_devicetable.h and
 * uapi/linux/pci_regs.h by name. vmklinux is one native driver ("vmklinux"); its attach builds a
 * pci_dev from the vmk_PCIQuery* calls and it probes Linux drivers against the pci_devs it
 * holds (linux_pci.c; reference/vmkapi.md §3). */
#ifndef _VMKLNX_LINUX_PCI_H
#define _VMKLNX_LINUX_PCI_H

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/types.h>

#define PCI_ANY_ID (~0u)

struct pci_device_id {
    u32 vendor, device;          /* or PCI_ANY_ID */
    u32 subvendor, subdevice;    /* or PCI_ANY_ID */
    u32 class, class_mask;       /* (class ^ dev->class) & class_mask == 0 */
    unsigned long driver_data;
};

#define PCI_DEVICE(vend, dev) \
    .vendor = (vend), .device = (dev), .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID
#define PCI_VDEVICE(vend, dev) \
    .vendor = PCI_VENDOR_ID_##vend, .device = (dev), .subvendor = PCI_ANY_ID, \
    .subdevice = PCI_ANY_ID, .class = 0, .class_mask = 0

#define PCI_VENDOR_ID_INTEL 0x8086

/* Resource flags (Linux ioport.h). */
#define IORESOURCE_IO 0x00000100ul
#define IORESOURCE_MEM 0x00000200ul
#define IORESOURCE_PREFETCH 0x00002000ul
#define IORESOURCE_MEM_64 0x00100000ul

struct resource {
    resource_size_t start, end;   /* inclusive bounds; both 0 (and flags 0) when absent */
    const char *name;
    unsigned long flags;
};

#define PCI_STD_NUM_BARS 6   /* type 0 header (PCIe Base Spec 5.0 §7.5.1.2.1) */
#define DEVICE_COUNT_RESOURCE PCI_STD_NUM_BARS

struct pci_bus {
    unsigned char number;
};

struct pci_driver;

struct pci_dev {
    struct pci_bus *bus;
    unsigned int devfn;                   /* device << 3 | function */
    unsigned short vendor, device;
    unsigned short subsystem_vendor, subsystem_device;
    unsigned int class;                   /* base << 16 | sub << 8 | prog-if */
    u8 revision;
    u8 pin;                               /* Interrupt Pin: 0 none, 1..4 INTA..INTD */
    unsigned int irq;                     /* the IRQ request_irq takes (INTx or MSI) */
    unsigned int msi_enabled : 1;
    unsigned int is_busmaster : 1;
    struct resource resource[DEVICE_COUNT_RESOURCE];
    struct device dev;
    struct pci_driver *driver;            /* bound driver, or NULL */
    struct pci_bus bus_storage;
    char name_storage[16];
    void *vmklnx;                         /* vmklinux-private */
};

#define PCI_DEVFN(slot, func) ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn) & 0x07)

struct pci_driver {
    const char *name;
    const struct pci_device_id *id_table;   /* ends with an all-zero entry */
    int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
    void (*remove)(struct pci_dev *dev);
    void (*shutdown)(struct pci_dev *dev);
    void *vmklnx;                           /* vmklinux-private: the owning module */
};

#define to_pci_dev(d) container_of(d, struct pci_dev, dev)

int pci_register_driver(struct pci_driver *drv);
void pci_unregister_driver(struct pci_driver *drv);

int pci_enable_device(struct pci_dev *dev);
void pci_disable_device(struct pci_dev *dev);
void pci_set_master(struct pci_dev *dev);
void pci_clear_master(struct pci_dev *dev);
int pci_request_regions(struct pci_dev *dev, const char *name);
void pci_release_regions(struct pci_dev *dev);

/* Maps up to maxlen bytes (0 = the whole BAR) of BAR bar. */
void __iomem *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen);
void pci_iounmap(struct pci_dev *dev, void __iomem *addr);

int pci_enable_msi(struct pci_dev *dev);
void pci_disable_msi(struct pci_dev *dev);

int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *dev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val);

#define PCIBIOS_SUCCESSFUL 0x00
#define PCIBIOS_BAD_REGISTER_NUMBER 0x87
#define PCIBIOS_DEVICE_NOT_FOUND 0x86

static inline resource_size_t pci_resource_start(const struct pci_dev *dev, int bar)
{
    return dev->resource[bar].start;
}
static inline resource_size_t pci_resource_end(const struct pci_dev *dev, int bar)
{
    return dev->resource[bar].end;
}
static inline unsigned long pci_resource_flags(const struct pci_dev *dev, int bar)
{
    return dev->resource[bar].flags;
}
static inline resource_size_t pci_resource_len(const struct pci_dev *dev, int bar)
{
    const struct resource *r = &dev->resource[bar];
    return r->flags ? r->end - r->start + 1 : 0;
}

static inline void *pci_get_drvdata(struct pci_dev *dev) { return dev_get_drvdata(&dev->dev); }
static inline void pci_set_drvdata(struct pci_dev *dev, void *data)
{
    dev_set_drvdata(&dev->dev, data);
}
static inline const char *pci_name(const struct pci_dev *dev) { return dev_name(&dev->dev); }

/* Configuration space registers (PCI Local Bus Spec 3.0 §6.1; Linux uapi/linux/pci_regs.h). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d


#endif
