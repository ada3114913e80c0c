/* linux_irq.c — Linux interrupts on kernel interrupt cookies. An IRQ number is the cookie of a
 * PCI function's vector (pdev->irq: INTx from probe on, MSI after pci_enable_msi). request_irq
 * registers vmklinux's own generic handler with vmk_IntrRegister under vmklinux's module ID; at
 * interrupt level that handler calls the driver's handler as the driver's module (reference/
 * vmkapi.md §3 "Interrupts": Linux_IRQHandler). */
#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/interrupt.h>
#include <linux/pci.h>

typedef struct irq_action {
    unsigned int irq;
    irq_handler_t handler;
    void *dev_id;
    unsigned long flags;
    const char *name;
    vmklnx_module *mod;
    struct pci_dev *pdev;
    struct irq_action *next;
} irq_action;

static irq_action *actions;

static struct pci_dev *pdev_of_irq(unsigned int irq)
{
    if (irq == VMK_INVALID_INTRCOOKIE)
        return NULL;
    for (struct pci_dev *p = vmklnx_pci_first(); p; p = vmklnx_pci_of(p)->next)
        if (vmklnx_pci_of(p)->cookie == irq)
            return p;
    return NULL;
}

/* The generic handler the kernel calls (as vmklinux): the driver's handler runs as the driver. */
static void linux_irq_handler(void *data, vmk_IntrCookie cookie)
{
    irq_action *a = data;
    (void)cookie;
    irqreturn_t ret;
    VMKAPI_MODULE_CALL(a->mod->id, ret, a->handler, (int)a->irq, a->dev_id);
    (void)ret;   /* IRQ_NONE on a shared INTx line: another function's interrupt */
}

VMK_ReturnStatus vmklnx_irq_alloc_cookie(struct pci_dev *pdev, vmk_PCIInterruptType type)
{
    vmklnx_pci *v = vmklnx_pci_of(pdev);
    vmk_IntrCookie c = VMK_INVALID_INTRCOOKIE;
    vmk_uint32 n = 0;
    VMK_ReturnStatus st = vmk_PCIAllocIntrCookie(vmklnx_id, v->vmk_pci, type, 1, 1, NULL, &c, &n);
    if (st == VMK_OK && n != 1) {
        vmk_PCIFreeIntrCookie(vmklnx_id, v->vmk_pci);
        st = VMK_NO_RESOURCES;
    }
    if (st != VMK_OK) {
        vmk_WarningMessage("vmklinux: %s: no %s interrupt: %s", pci_name(pdev),
                           type == VMK_PCI_INTERRUPT_TYPE_MSI ? "MSI" : "INTx",
                           vmk_StatusToString(st));
        return st;
    }
    v->cookie = c;
    v->intr_type = type;
    pdev->irq = c;
    pdev->msi_enabled = type == VMK_PCI_INTERRUPT_TYPE_MSI;
    return VMK_OK;
}

void vmklnx_irq_free_cookie(struct pci_dev *pdev)
{
    vmklnx_pci *v = vmklnx_pci_of(pdev);
    if (v->cookie == VMK_INVALID_INTRCOOKIE)
        return;
    vmk_PCIFreeIntrCookie(vmklnx_id, v->vmk_pci);
    v->cookie = VMK_INVALID_INTRCOOKIE;
    pdev->irq = 0;
    pdev->msi_enabled = 0;
}

static void action_unlink(irq_action *a)
{
    for (irq_action **pp = &actions; *pp; pp = &(*pp)->next) {
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    }
}

int vmklnx_irq_release_all(struct pci_dev *pdev)
{
    int n = 0;
    irq_action *a = actions;
    while (a) {
        irq_action *next = a->next;
        if (a->pdev == pdev) {
            vmk_IntrUnregister(vmklnx_id, a->irq, a);
            action_unlink(a);
            vmklnx_free(a);
            n++;
        }
        a = next;
    }
    return n;
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
                void *dev_id)
{
    struct pci_dev *p = pdev_of_irq(irq);
    if (!p || !handler)
        return -EINVAL;
    vmklnx_module *m = vmklnx_module_current("request_irq");
    if (!m)
        return -EPERM;
    for (irq_action *o = actions; o; o = o->next)
        if (o->irq == irq && (!(o->flags & IRQF_SHARED) || !(flags & IRQF_SHARED)))
            return -EBUSY;
    irq_action *a = vmklnx_zalloc(sizeof *a);
    if (!a)
        return -ENOMEM;
    *a = (irq_action){.irq = irq, .handler = handler, .dev_id = dev_id, .flags = flags,
                      .name = name, .mod = m, .pdev = p};
    vmk_IntrProps props;
    vmk_Memset(&props, 0, sizeof props);
    props.device = vmklnx_pci_of(p)->device;
    if (name)
        vmk_Memcpy(props.deviceName.string, name,
                   vmk_Strnlen(name, VMK_MISC_NAME_MAX - 1));
    props.handler = linux_irq_handler;
    props.handlerData = a;
    VMK_ReturnStatus st = vmk_IntrRegister(vmklnx_id, irq, &props);
    if (st != VMK_OK) {
        vmklnx_free(a);
        return vmklnx_status_to_errno(st);
    }
    a->next = actions;
    actions = a;
    vmk_IntrEnable(irq);
    return 0;
}

const void *free_irq(unsigned int irq, void *dev_id)
{
    for (irq_action *a = actions; a; a = a->next) {
        if (a->irq != irq || a->dev_id != dev_id)
            continue;
        const char *name = a->name;
        vmk_IntrUnregister(vmklnx_id, irq, a);
        action_unlink(a);
        vmklnx_free(a);
        return name;
    }
    vmk_WarningMessage("vmklinux: free_irq(%u): no such handler", irq);
    return NULL;
}

void disable_irq_nosync(unsigned int irq)
{
    vmk_IntrDisable(irq);
}

void disable_irq(unsigned int irq)
{
    vmk_IntrDisable(irq);
    vmk_IntrSync(irq);
}

void enable_irq(unsigned int irq)
{
    vmk_IntrEnable(irq);
}

void synchronize_irq(unsigned int irq)
{
    vmk_IntrSync(irq);
}

/* Replaces the function's INTx cookie with one MSI vector; pdev->irq follows. */
int pci_enable_msi(struct pci_dev *dev)
{
    if (dev->msi_enabled)
        return -EINVAL;
    for (irq_action *a = actions; a; a = a->next)
        if (a->pdev == dev)
            return -EBUSY;   /* Linux: free_irq before switching interrupt mode */
    vmklnx_irq_free_cookie(dev);
    VMK_ReturnStatus st = vmklnx_irq_alloc_cookie(dev, VMK_PCI_INTERRUPT_TYPE_MSI);
    if (st != VMK_OK) {
        if (dev->pin)
            vmklnx_irq_alloc_cookie(dev, VMK_PCI_INTERRUPT_TYPE_LEGACY);
        return vmklnx_status_to_errno(st);
    }
    return 0;
}

void pci_disable_msi(struct pci_dev *dev)
{
    if (!dev->msi_enabled)
        return;
    int n = vmklnx_irq_release_all(dev);
    if (n)
        vmk_WarningMessage("vmklinux: %s: pci_disable_msi with %d handler(s) registered: freed",
                           pci_name(dev), n);
    vmklnx_irq_free_cookie(dev);
    if (dev->pin)
        vmklnx_irq_alloc_cookie(dev, VMK_PCI_INTERRUPT_TYPE_LEGACY);
}
