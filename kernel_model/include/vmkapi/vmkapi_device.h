/* vmkapi_device.h — devices in the kernel's device tree: identity (bus type, bus address, bus
 * identifier), registration of logical children from a driver's scan callback, registration and
 * attached-driver data. Names follow vmkapi v2.3 (core/vmkapi_device.h); the lifecycle rules are
 * /work/shared/reference/vmkapi.md §1 and docs/device-model.md. */
#ifndef VMKAPI_DEVICE_H
#define VMKAPI_DEVICE_H

#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

/* Opaque handles: a device in the tree, a registered driver, a bus type. */
typedef struct vmkDevice *vmk_Device;
typedef struct vmkDriver *vmk_Driver;
typedef struct vmkBusType *vmk_BusType;

#define VMK_DEVICE_NONE ((vmk_Device)0)
#define VMK_DRIVER_NONE ((vmk_Driver)0)

/* Bus type names. */
#define VMK_PCI_BUS_NAME "pci"
#define VMK_LOGICAL_BUS_NAME "logical"

/* Limits of a device identity (including the NUL). A '#' is allowed only in a logical bus
 * address. */
#define VMK_DEVICE_MAX_BUS_ADDRESS 512
#define VMK_DEVICE_MAX_BUS_IDENTIFIER 64

/* Well-known bus identifiers of logical children. */
#define VMK_UPLINK_DEVICE_IDENTIFIER "com.vmware.uplink"
#define VMK_SCSI_PSA_DRIVER_BUS_ID "com.vmware.HBAPort"

typedef struct vmk_DeviceID {
    vmk_BusType busType;
    char *busAddress;            /* NUL-terminated; busAddressLen = strlen */
    vmk_uint32 busAddressLen;
    char *busIdentifier;         /* NUL-terminated; busIdentifierLen = strlen */
    vmk_uint32 busIdentifierLen;
} vmk_DeviceID;

/* Called by the device layer on an unclaimed child the driver registered (no driver attached):
 * the driver must vmk_DeviceUnregister it, and may free its data only after that succeeded. */
typedef VMK_ReturnStatus (*vmk_DeviceRemove)(vmk_Device device);

typedef struct vmk_DeviceOps {
    vmk_DeviceRemove removeDevice;
} vmk_DeviceOps;

typedef struct vmk_DeviceProps {
    vmk_Driver registeringDriver;         /* the driver whose scan registers the child */
    vmk_DeviceID *deviceID;
    vmk_DeviceOps *deviceOps;
    vmk_AddrCookie registeringDriverData; /* the registering driver's own data */
    vmk_AddrCookie registrationData;      /* handed to the attaching driver (e.g. uplink data) */
} vmk_DeviceProps;

/* Registers a child of parent. Allowed only from the registering driver's scanDevice callback on
 * parent (VMK_NOT_SUPPORTED elsewhere). The identity is copied. The new device is offered to the
 * drivers that match its bus identifier after the scan returns. */
VMK_ReturnStatus vmk_DeviceRegister(vmk_DeviceProps *deviceProps, vmk_Device parent,
                                    vmk_Device *newDevice);
/* Unregisters a device that has no attached driver and no children (from removeDevice). */
VMK_ReturnStatus vmk_DeviceUnregister(vmk_Device device);

VMK_ReturnStatus vmk_DeviceGetRegistrationData(vmk_Device device, vmk_AddrCookie *data);
VMK_ReturnStatus vmk_DeviceGetRegisteringDriverData(vmk_Device device, vmk_AddrCookie *data);
/* Only the attached driver may set or read its data. */
VMK_ReturnStatus vmk_DeviceSetAttachedDriverData(vmk_Device device, vmk_AddrCookie data);
VMK_ReturnStatus vmk_DeviceGetAttachedDriverData(vmk_Device device, vmk_AddrCookie *data);

/* Bus types: "pci", "logical". A found bus type is released with vmk_BusTypeRelease. */
VMK_ReturnStatus vmk_BusTypeFind(vmk_Name *busName, vmk_BusType *busType);
VMK_ReturnStatus vmk_BusTypeRelease(vmk_BusType busType);

/* A locally unique, persistent bus address for a logical child of parentDevice at logicalPort:
 * "<parent bus>#<parent address>#<port>". The string is allocated for driverHandle and freed
 * with vmk_LogicalFreeBusAddress. */
VMK_ReturnStatus vmk_LogicalCreateBusAddress(vmk_Driver driverHandle, vmk_Device parentDevice,
                                             vmk_uint32 logicalPort, char **busAddress,
                                             vmk_uint32 *busAddressLen);
VMK_ReturnStatus vmk_LogicalFreeBusAddress(vmk_Driver driverHandle, char *busAddress);

#endif
