/* vmkapi_driver.h — native drivers: registration from module init and the lifecycle callbacks the
 * device layer makes (attach, start, scan, quiesce, detach, forget). Names follow vmkapi v2.3
 * (core/vmkapi_driver.h); the rules are /work/shared/reference/vmkapi.md §1 and
 * docs/device-model.md. */
#ifndef VMKAPI_DRIVER_H
#define VMKAPI_DRIVER_H

#include "vmkapi/vmkapi_device.h"
#include "vmkapi/vmkapi_module.h"
#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

/* Offered an unclaimed device: claim it (VMK_OK) and take its resources, or leave it as found
 * and fail. Afterwards the device is quiescent. */
typedef VMK_ReturnStatus (*vmk_DriverAttachDevice)(vmk_Device device);
/* Register children (vmk_DeviceRegister is allowed only here). Runs after attach + start. */
typedef VMK_ReturnStatus (*vmk_DriverScanDevice)(vmk_Device device);
/* Undo attach; called only on a quiesced device whose children are gone. */
typedef VMK_ReturnStatus (*vmk_DriverDetachDevice)(vmk_Device device);
/* Stop all IO; afterwards nothing flows in either direction. */
typedef VMK_ReturnStatus (*vmk_DriverQuiesceDevice)(vmk_Device device);
/* Make the device IO-able. */
typedef VMK_ReturnStatus (*vmk_DriverStartDevice)(vmk_Device device);
/* The device is gone (surprise removal): may come at any time; quiesce and detach that follow
 * must return quickly without touching the hardware. */
typedef void (*vmk_DriverForgetDevice)(vmk_Device device);

typedef struct vmk_DriverOps {
    vmk_DriverAttachDevice attachDevice;
    vmk_DriverScanDevice scanDevice;
    vmk_DriverDetachDevice detachDevice;
    vmk_DriverQuiesceDevice quiesceDevice;
    vmk_DriverStartDevice startDevice;
    vmk_DriverForgetDevice forgetDevice;
} vmk_DriverOps;

typedef struct vmk_DriverProps {
    vmk_ModuleID moduleID;      /* the registering module (vmk_ModuleCurrentID) */
    vmk_Name name;              /* the name the driver map binds devices to */
    vmk_DriverOps *ops;         /* every callback is required except forgetDevice */
    vmk_AddrCookie privateData;
} vmk_DriverProps;

/* Allowed only inside the module's own init_module (VMK_NOT_SUPPORTED elsewhere). Devices are
 * offered to the driver once init_module has returned VMK_OK. */
VMK_ReturnStatus vmk_DriverRegister(vmk_DriverProps *driverProps, vmk_Driver *driver);
/* Detaches the driver from every device it drives (children first), then unregisters it. */
VMK_ReturnStatus vmk_DriverUnregister(vmk_Driver driver);
VMK_ReturnStatus vmk_DriverGetPrivateData(vmk_Driver driver, vmk_AddrCookie *data);

#endif
