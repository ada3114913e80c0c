/* linux_scsi_port.c — how a Linux SCSI host is published to the storage layer: as a native driver
 * publishes its adapter, a logical child of the PCI function with bus identifier
 * "com.vmware.HBAPort" and the vmk_ScsiAdapter as registration data (docs/storage.md
 * "Adapters"). vmk_DeviceRegister is allowed only in the function's scan, so scsi_add_host marks
 * the host and vmklinux's scan registers the child (a Linux driver loaded after the function was
 * scanned is published by the next scan, as an administrator's rescan after loading a driver).
 * A child goes only with its parent's removal: a host removed before that (its driver unloaded)
 * has its paths deleted and leaves the port to the next host of the function. */
#include "kernel_model/vmklinux/linux_scsi_internal.h"

#define SCSI_PORT_BASE 0x100u   /* logical ports of HBA children, apart from uplinks' 0.. */

static vmklnx_scsi_port *ports;
static vmk_DeviceOps child_ops;

static void port_free(vmklnx_scsi_port *pt)
{
    for (vmklnx_scsi_port **pp = &ports; *pp; pp = &(*pp)->next) {
        if (*pp == pt) {
            *pp = pt->next;
            break;
        }
    }
    vmk_ScsiFreeAdapter(pt->adapter);
    vmklnx_free(pt);
}

vmklnx_scsi_port *vmklnx_scsi_port_take(vmklnx_shost *h)
{
    for (vmklnx_scsi_port *pt = ports; pt; pt = pt->next) {
        if (pt->pdev == h->pdev && !pt->h) {
            pt->h = h;
            return pt;
        }
    }
    vmklnx_scsi_port *pt = vmklnx_zalloc(sizeof *pt);
    if (!pt)
        return NULL;
    if (!(pt->adapter = vmk_ScsiAllocateAdapter())) {
        vmklnx_free(pt);
        return NULL;
    }
    pt->pdev = h->pdev;
    pt->h = h;
    pt->child = VMK_DEVICE_NONE;
    pt->next = ports;
    ports = pt;
    return pt;
}

/* The host is being removed: while the child stays, its paths (and disks) go. */
void vmklnx_scsi_port_unpublish(vmklnx_scsi_port *pt)
{
    if (pt->child == VMK_DEVICE_NONE)
        return;
    VMK_ReturnStatus st = vmk_ScsiScanDeleteAdapterPath(&pt->adapter->name,
                                                        VMK_SCSI_PATH_ANY_CHANNEL,
                                                        VMK_SCSI_PATH_ANY_TARGET,
                                                        VMK_SCSI_PATH_ANY_LUN);
    if (st != VMK_OK)
        vmk_WarningMessage("vmklinux: adapter %s: deleting its paths: %s",
                           pt->adapter->name.string, vmk_StatusToString(st));
}

/* The host is freed: the port keeps no engine (the function's goes with its driver). */
void vmklnx_scsi_port_drop(vmklnx_scsi_port *pt)
{
    pt->h = NULL;
    pt->adapter->engine = VMK_DMA_ENGINE_INVALID;
    if (pt->child == VMK_DEVICE_NONE)
        port_free(pt);
}

static VMK_ReturnStatus child_remove(vmk_Device child)
{
    vmk_AddrCookie c;
    VMK_ReturnStatus st = vmk_DeviceGetRegisteringDriverData(child, &c);
    if (st != VMK_OK)
        return st;
    vmklnx_scsi_port *pt = c.ptr;
    if ((st = vmk_DeviceUnregister(child)) != VMK_OK)
        return st;
    pt->child = VMK_DEVICE_NONE;
    if (!pt->h)
        port_free(pt);
    return VMK_OK;
}

static VMK_ReturnStatus child_register(vmklnx_scsi_port *pt, vmk_Driver drv, vmk_uint32 port)
{
    static char ident[] = VMK_SCSI_PSA_DRIVER_BUS_ID;
    child_ops.removeDevice = child_remove;
    return vmklnx_child_register(pt->pdev, drv, port, ident, &child_ops, pt, pt->adapter,
                                 &pt->child);
}

/* The function's scan (linux_pci.c): each added host without its child gets one; a host that
 * took over a published port has its paths discovered again. */
void vmklnx_scsi_scan(struct pci_dev *p, vmk_Driver drv)
{
    vmk_uint32 n = 0;
    for (vmklnx_scsi_port *pt = ports; pt; pt = pt->next) {
        if (pt->pdev != p)
            continue;
        vmk_uint32 port = SCSI_PORT_BASE + n++;
        vmklnx_shost *h = pt->h;
        if (!h || !h->added || h->removing || pt->child != VMK_DEVICE_NONE)
            continue;
        VMK_ReturnStatus st = child_register(pt, drv, port);
        if (st != VMK_OK)
            vmk_WarningMessage("vmklinux: %s: HBA port of scsi host%u: %s", pci_name(p),
                               h->shost->host_no, vmk_StatusToString(st));
    }
}
