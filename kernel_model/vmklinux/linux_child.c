/* linux_child.c — the logical children vmklinux registers under a PCI function for the Linux
 * drivers bound to it (an uplink for a net_device, an HBA port for a SCSI host): a device on the
 * logical bus, addressed by port under the function, with the identifier the kernel's own
 * driver for that kind claims (reference/vmkapi.md §3, "Logical devices"). */
#include "kernel_model/vmklinux/vmklinux_internal.h"

VMK_ReturnStatus vmklnx_child_register(struct pci_dev *pdev, vmk_Driver drv, vmk_uint32 port,
                                       char *identifier, vmk_DeviceOps *ops, void *driver_data,
                                       void *registration_data, vmk_Device *out)
{
    vmk_Name logical;
    vmk_Memset(&logical, 0, sizeof logical);
    vmk_Memcpy(logical.string, VMK_LOGICAL_BUS_NAME, sizeof VMK_LOGICAL_BUS_NAME);
    vmk_DeviceID id;
    vmk_Memset(&id, 0, sizeof id);
    VMK_ReturnStatus st = vmk_BusTypeFind(&logical, &id.busType);
    if (st != VMK_OK)
        return st;
    vmk_Device parent = vmklnx_pci_of(pdev)->device;
    st = vmk_LogicalCreateBusAddress(drv, parent, port, &id.busAddress, &id.busAddressLen);
    if (st != VMK_OK) {
        vmk_BusTypeRelease(id.busType);
        return st;
    }
    id.busIdentifier = identifier;
    id.busIdentifierLen = (vmk_uint32)vmk_Strnlen(identifier, VMK_MISC_NAME_MAX);
    vmk_DeviceProps props;
    vmk_Memset(&props, 0, sizeof props);
    props.registeringDriver = drv;
    props.deviceID = &id;
    props.deviceOps = ops;
    props.registeringDriverData.ptr = driver_data;
    props.registrationData.ptr = registration_data;
    st = vmk_DeviceRegister(&props, parent, out);
    vmk_LogicalFreeBusAddress(drv, id.busAddress);
    vmk_BusTypeRelease(id.busType);
    return st;
}
