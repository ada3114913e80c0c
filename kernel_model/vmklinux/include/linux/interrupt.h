/* linux/interrupt.h — request_irq/free_irq, irqreturn_t, enable/disable/synchronize_irq.
 * Mirrors Linux's include/linux/interrupt.h and irqreturn.h by name. An IRQ number is a kernel
 * interrupt cookie of a PCI function vmklinux drives (pdev->irq: INTx, or MSI after
 * pci_enable_msi). vmklinux registers its own generic handler with vmk_IntrRegister; that handler
 * calls the driver's as the driver's module (linux_irq.c). */
#ifndef _VMKLNX_LINUX_INTERRUPT_H
#define _VMKLNX_LINUX_INTERRUPT_H

#include <linux/types.h>

typedef enum irqreturn {
    IRQ_NONE = 0,
    IRQ_HANDLED = 1,
    IRQ_WAKE_THREAD = 2,
} irqreturn_t;

typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define IRQF_SHARED 0x80u   /* Linux interrupt.h */

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
                void *dev_id);
/* Returns the name given to request_irq (Linux returns the devname). */
const void *free_irq(unsigned int irq, void *dev_id);
void disable_irq(unsigned int irq);
void disable_irq_nosync(unsigned int irq);
void enable_irq(unsigned int irq);
void synchronize_irq(unsigned int irq);

#endif
