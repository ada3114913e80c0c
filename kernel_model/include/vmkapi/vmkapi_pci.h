/* vmkapi_pci.h — the PCI bus as a native driver sees it: a vmk_PCIDevice handle is the
 * registration data of every device on bus "pci"; queries (IDs, address, BARs), configuration
 * access, capabilities, BAR mapping to kernel virtual addresses, and interrupt vectors (INTx, MSI,
 * MSI-X) whose address/data the kernel programs into the function's capability. Enumeration
 * leaves Memory/IO Space and Bus Master enabled (docs/lspci.md); a driver may change Command with
 * vmk_PCIWriteConfig.
 * Names and semantics follow vmkapi v2.3 (device/vmkapi_pci.h); see docs/device-model.md. */
#ifndef VMKAPI_PCI_H
#define VMKAPI_PCI_H

#include "vmkapi/vmkapi_device.h"
#include "vmkapi/vmkapi_intr.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

typedef struct vmkPCIDevice *vmk_PCIDevice;
/* An I/O-port BAR's reservation (vmk_PCIMapIOResource); memory BARs need none. */
typedef struct vmkIOReservation *vmk_IOReservation;

#define VMK_PCI_NUM_BARS 6          /* type 0 header (PCIe Base Spec 5.0 §7.5.1.2.1) */
#define VMK_PCI_NUM_BARS_BRIDGE 2   /* type 1 header (§7.5.1.3) */

typedef enum vmk_PCIBARFlags {
    VMK_PCI_BAR_FLAGS_IO = 0x1,                 /* BAR bit 0 */
    VMK_PCI_BAR_FLAGS_MEM_64_BITS = 0x4,        /* BAR bits 2:1 = 10b */
    VMK_PCI_BAR_FLAGS_MEM_PREFETCHABLE = 0x8,   /* BAR bit 3 */
    VMK_PCI_BAR_FLAGS_IO_MASK = 0x3,
    VMK_PCI_BAR_FLAGS_MEM_MASK = 0xF,
} vmk_PCIBARFlags;

typedef struct vmk_PCIDeviceID {
    vmk_uint16 vendorID;
    vmk_uint16 deviceID;
    vmk_uint16 subVendorID;
    vmk_uint16 subDeviceID;
    vmk_uint16 classCode;      /* base class << 8 | sub-class */
    vmk_uint16 progIFRevID;    /* prog-if << 8 | revision */
} vmk_PCIDeviceID;

typedef struct vmk_PCIDeviceAddr {
    vmk_uint16 seg;
    vmk_uint8 bus;
    vmk_uint8 dev : 5;
    vmk_uint8 fn : 3;
} vmk_PCIDeviceAddr;

typedef struct vmk_PCIResource {
    vmk_MA start;              /* the BAR's assigned bus address; 0 size = not implemented */
    vmk_ByteCount size;
    vmk_uint64 flags;          /* vmk_PCIBARFlags */
} vmk_PCIResource;

typedef enum vmk_PCIConfigAccess {
    VMK_PCI_CONFIG_ACCESS_8 = 1,
    VMK_PCI_CONFIG_ACCESS_16 = 2,
    VMK_PCI_CONFIG_ACCESS_32 = 4,
} vmk_PCIConfigAccess;

typedef enum vmk_PCIInterruptType {
    VMK_PCI_INTERRUPT_TYPE_LEGACY = 0,
    VMK_PCI_INTERRUPT_TYPE_MSI = 1,
    VMK_PCI_INTERRUPT_TYPE_MSIX = 2,
} vmk_PCIInterruptType;

VMK_ReturnStatus vmk_PCIQueryDeviceID(vmk_PCIDevice pciDevice, vmk_PCIDeviceID *devID);
VMK_ReturnStatus vmk_PCIQueryDeviceAddr(vmk_PCIDevice pciDevice, vmk_PCIDeviceAddr *sbdf);
/* BARs [0, numBars); numBars <= VMK_PCI_NUM_BARS. */
VMK_ReturnStatus vmk_PCIQueryIOResources(vmk_PCIDevice pciDevice, vmk_uint8 numBars,
                                         vmk_PCIResource resources[]);
/* Offset of the capability capID in the standard list; VMK_NOT_FOUND if absent. */
VMK_ReturnStatus vmk_PCIFindCapability(vmk_PCIDevice device, vmk_uint8 capID,
                                       vmk_uint16 *capOffset);

/* Configuration access through the fabric (offset aligned to the size, < 4096). Writes need the
 * module to be the device's attached driver (VMK_NO_PERMISSION otherwise); reads are free. */
VMK_ReturnStatus vmk_PCIReadConfig(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                   vmk_PCIConfigAccess accessType, vmk_uint16 offset,
                                   vmk_uint32 *data);
VMK_ReturnStatus vmk_PCIWriteConfig(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                    vmk_PCIConfigAccess accessType, vmk_uint16 offset,
                                    vmk_uint32 data);

/* Maps a memory BAR to a kernel-chosen virtual address range (never the bus address) for use
 * with vmk_MMIORead/Write*; reservation is required for an I/O BAR. One mapping per BAR. */
VMK_ReturnStatus vmk_PCIMapIOResource(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                      vmk_uint8 pciBar, vmk_IOReservation *reservation,
                                      vmk_VA *mappedAddress);
VMK_ReturnStatus vmk_PCIUnmapIOResource(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                        vmk_uint8 pciBar);

/* Allocates interrupt vectors and programs the function: LEGACY and MSI take exactly one
 * (desired = required = 1); MSI-X gives up to numIntrsDesired and fails (nothing allocated) with
 * fewer than numIntrsRequired. indexArray (may be NULL) names the MSI-X table entries. Enables
 * MSI/MSI-X in the capability (MSI-X entries unmasked); VMK_NOT_SUPPORTED without it. */
VMK_ReturnStatus vmk_PCIAllocIntrCookie(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                        vmk_PCIInterruptType type, vmk_uint32 numIntrsDesired,
                                        vmk_uint32 numIntrsRequired, vmk_uint16 *indexArray,
                                        vmk_IntrCookie *intrArray, vmk_uint32 *numIntrsAlloced);
/* Disables MSI/MSI-X in the capability and frees every vector allocated for the device. */
VMK_ReturnStatus vmk_PCIFreeIntrCookie(vmk_ModuleID moduleID, vmk_PCIDevice device);

#endif
