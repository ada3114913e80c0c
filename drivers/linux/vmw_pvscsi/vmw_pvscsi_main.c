/* vmw_pvscsi_main.c — module and PCI side of the Linux PVSCSI driver: pci_driver registration,
 * probe (enable, regions, bus mastering, DMA mask, the memory BAR, adapter reset, rings and s/g
 * pages in coherent DMA memory, MSI or shared INTx, the SCSI host) and remove in reverse. Written
 * for vmklinux (docs/vmklinux.md), from the PVSCSI interface (docs/hba.md). */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vmw_pvscsi.h"

#define PVSCSI_PCI_VENDOR_VMWARE 0x15ad
#define PVSCSI_PCI_DEVICE_PVSCSI 0x07c0

static void *coherent(struct pvscsi_adapter *a, u32 pages, dma_addr_t *pa)
{
    return dma_alloc_coherent(&a->dev->dev, (size_t)pages * PVSCSI_PAGE_SIZE, pa, GFP_KERNEL);
}

static void uncoherent(struct pvscsi_adapter *a, void *va, u32 pages, dma_addr_t pa)
{
    if (va)
        dma_free_coherent(&a->dev->dev, (size_t)pages * PVSCSI_PAGE_SIZE, va, pa);
}

static int ring_mem(struct pvscsi_adapter *a, pvscsi_hw_mem *m, u32 pages)
{
    dma_addr_t pa = 0;
    m->va = coherent(a, pages, &pa);
    m->pa = pa;
    m->pages = pages;
    return m->va ? 0 : -ENOMEM;
}

static void release_memory(struct pvscsi_adapter *a)
{
    pvscsi_hw_mem *ms[4] = {&a->rings.rings_state, &a->rings.req, &a->rings.cmp, &a->rings.msg};
    for (int i = 0; i < 4; i++) {
        uncoherent(a, ms[i]->va, ms[i]->pages, ms[i]->pa);
        ms[i]->va = NULL;
    }
    uncoherent(a, a->sg_pages, PVSCSI_LX_SLOTS * PVSCSI_LX_SG_PAGES, a->sg_pages_pa);
    a->sg_pages = NULL;
    if (a->sense)
        dma_free_coherent(&a->dev->dev, PVSCSI_LX_SLOTS * SCSI_SENSE_BUFFERSIZE, a->sense,
                          a->sense_pa);
    a->sense = NULL;
}

static int allocate_memory(struct pvscsi_adapter *a)
{
    if (ring_mem(a, &a->rings.rings_state, 1) || ring_mem(a, &a->rings.req, PVSCSI_LX_REQ_PAGES) ||
        ring_mem(a, &a->rings.cmp, PVSCSI_LX_CMP_PAGES) ||
        ring_mem(a, &a->rings.msg, PVSCSI_LX_MSG_PAGES))
        return -ENOMEM;
    a->sg_pages = coherent(a, PVSCSI_LX_SLOTS * PVSCSI_LX_SG_PAGES, &a->sg_pages_pa);
    a->sense = dma_alloc_coherent(&a->dev->dev, PVSCSI_LX_SLOTS * SCSI_SENSE_BUFFERSIZE,
                                  &a->sense_pa, GFP_KERNEL);
    return a->sg_pages && a->sense ? 0 : -ENOMEM;
}

/* The interface's registers are in the first memory BAR (BAR1; BAR0 is the I/O window). */
static int find_mmio_bar(struct pci_dev *pdev)
{
    for (int i = 0; i < PCI_STD_NUM_BARS; i++)
        if ((pci_resource_flags(pdev, i) & IORESOURCE_MEM) &&
            pci_resource_len(pdev, i) >= 8 * PVSCSI_PAGE_SIZE)
            return i;
    return -1;
}

static int setup_irq(struct pvscsi_adapter *a)
{
    struct pci_dev *pdev = a->dev;
    /* vmklinux offers no MSI-X: MSI when the function has it, else the shared INTx line. */
    a->use_msi = pci_enable_msi(pdev) == 0;
    a->irq = pdev->irq;
    int err = request_irq(a->irq, pvscsi_isr, a->use_msi ? 0 : IRQF_SHARED, PVSCSI_DRIVER_NAME,
                          a);
    if (err) {
        if (a->use_msi)
            pci_disable_msi(pdev);
        a->use_msi = 0;
        return err;
    }
    a->irq_requested = 1;
    return 0;
}

static void teardown_irq(struct pvscsi_adapter *a)
{
    if (a->irq_requested)
        free_irq(a->irq, a);
    a->irq_requested = 0;
    if (a->use_msi)
        pci_disable_msi(a->dev);
    a->use_msi = 0;
}

static void release_hw(struct pvscsi_adapter *a)
{
    if (a->mmio_base) {
        pvscsi_hw_intr_disable(&a->hw);
        teardown_irq(a);
        cancel_work_sync(&a->msg_work);
        pvscsi_hw_adapter_reset(&a->hw);
    }
    /* The reset dropped what the device held: those commands end here. */
    unsigned long flags;
    spin_lock_irqsave(&a->hw_lock, flags);
    pvscsi_flush_outstanding(a, DID_NO_CONNECT);
    spin_unlock_irqrestore(&a->hw_lock, flags);
    release_memory(a);
    if (a->mmio_base)
        pci_iounmap(a->dev, a->mmio_base);
    a->mmio_base = NULL;
}

static int pvscsi_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
    (void)id;
    int err = pci_enable_device(pdev);
    if (err)
        return err;
    if ((err = pci_request_regions(pdev, PVSCSI_DRIVER_NAME)))
        goto out_disable;
    pci_set_master(pdev);
    if (dma_set_mask(&pdev->dev, DMA_BIT_MASK(64)) && dma_set_mask(&pdev->dev, DMA_BIT_MASK(32))) {
        err = -EIO;
        goto out_regions;
    }
    dma_set_coherent_mask(&pdev->dev, DMA_BIT_MASK(64));
    struct Scsi_Host *host = scsi_host_alloc(&pvscsi_template, sizeof(struct pvscsi_adapter));
    if (!host) {
        err = -ENOMEM;
        goto out_regions;
    }
    struct pvscsi_adapter *a = shost_priv(host);
    a->dev = pdev;
    a->host = host;
    spin_lock_init(&a->hw_lock);
    INIT_WORK(&a->msg_work, pvscsi_msg_work);
    pci_set_drvdata(pdev, host);
    a->mmio_bar = find_mmio_bar(pdev);
    if (a->mmio_bar < 0 || !(a->mmio_base = pci_iomap(pdev, a->mmio_bar, 0))) {
        dev_err(&pdev->dev, "no memory-mapped register BAR\n");
        err = -ENODEV;
        goto out_host;
    }
    pvscsi_hw_init(&a->hw, a);
    if (pvscsi_hw_adapter_reset(&a->hw) < 0) {
        err = -EIO;
        goto out_hw;
    }
    if ((err = allocate_memory(a)))
        goto out_hw;
    pvscsi_slots_init(a);
    int rc = pvscsi_hw_setup_rings(&a->hw, &a->rings);
    if (rc < 0) {
        dev_err(&pdev->dev, "ring set-up: %s\n", pvscsi_hw_strerror(rc));
        err = -EIO;
        goto out_hw;
    }
    if ((err = setup_irq(a)))
        goto out_hw;
    host->max_channel = 0;
    host->max_id = PVSCSI_LX_MAX_TARGETS;
    host->max_lun = PVSCSI_LX_MAX_LUNS;
    host->max_cmd_len = 16;
    host->unique_id = (pdev->bus->number << 8) | pdev->devfn;
    host->irq = a->irq;
    pvscsi_hw_intr_enable(&a->hw);
    if ((err = scsi_add_host(host, &pdev->dev)))
        goto out_hw;
    dev_info(&pdev->dev, "VMware PVSCSI: %u request slots, %s, message ring %s\n",
             PVSCSI_LX_SLOTS, a->use_msi ? "MSI" : "INTx", a->hw.msg_ok ? "on" : "off");
    scsi_scan_host(host);
    return 0;

out_hw:
    release_hw(a);
out_host:
    scsi_host_put(host);
out_regions:
    pci_release_regions(pdev);
out_disable:
    pci_disable_device(pdev);
    return err;
}

static void pvscsi_remove(struct pci_dev *pdev)
{
    struct Scsi_Host *host = pci_get_drvdata(pdev);
    struct pvscsi_adapter *a = shost_priv(host);
    scsi_remove_host(host);
    release_hw(a);
    dev_info(&pdev->dev, "removed: %llu commands, %llu completions, %llu interrupts, %llu busy, "
             "%llu aborts, %llu device / %llu bus / %llu host resets, %llu flushed\n",
             a->stats.commands, a->stats.completions, a->stats.interrupts, a->stats.busy,
             a->stats.aborts, a->stats.device_resets, a->stats.bus_resets, a->stats.host_resets,
             a->stats.flushed);
    scsi_host_put(host);
    pci_release_regions(pdev);
    pci_disable_device(pdev);
}

static const struct pci_device_id pvscsi_pci_tbl[] = {
    {PCI_DEVICE(PVSCSI_PCI_VENDOR_VMWARE, PVSCSI_PCI_DEVICE_PVSCSI)},
    {0},
};
MODULE_DEVICE_TABLE(pci, pvscsi_pci_tbl);

static struct pci_driver pvscsi_pci_driver = {
    .name = PVSCSI_DRIVER_NAME,
    .id_table = pvscsi_pci_tbl,
    .probe = pvscsi_probe,
    .remove = pvscsi_remove,
};

static int __init pvscsi_init(void)
{
    return pci_register_driver(&pvscsi_pci_driver);
}

static void __exit pvscsi_exit(void)
{
    pci_unregister_driver(&pvscsi_pci_driver);
}

module_init(pvscsi_init);
module_exit(pvscsi_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VMware PVSCSI driver (Linux style, on vmklinux)");
