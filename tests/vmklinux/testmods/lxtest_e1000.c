/* lxtest_e1000.c — a small Linux-style PCI driver for the e1000 identity (8086:100e), written as a
 * Linux driver is and built against vmklinux's Linux headers only: module_init registers the
 * pci_driver; probe enables the function, sets bus mastering, maps BAR0, reads STATUS (82540EM
 * SDM §13.4.2, offset 0x8), takes the IRQ (MSI when built with LXTEST_MSI, else INTx), allocates
 * its private data and a coherent DMA buffer; the interrupt handler reads ICR (§13.4.17, read
 * clears) and counts; remove frees everything. Globals are read by the test (dlsym). */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#define E1000_STATUS 0x00008   /* 82540EM SDM §13.4.2 */
#define E1000_ICR 0x000C0      /* §13.4.17, read clears */
#define E1000_IMS 0x000D0      /* §13.4.20 */
#define E1000_IMC 0x000D8      /* §13.4.21 */
#define LXTEST_RING_BYTES 4096

struct lxtest_adapter {
    struct pci_dev *pdev;
    void __iomem *hw;
    spinlock_t lock;
    void *ring;
    dma_addr_t ring_dma;
    void *rx_buf;
    struct kmem_cache *desc_cache;
    void *desc[3];
    dma_addr_t rx_dma;
    struct timer_list watchdog;
    struct work_struct reset_task;
    char name[32];
};

/* Read by the test. */
int lxtest_probes, lxtest_removes, lxtest_inits, lxtest_exits;
unsigned int lxtest_vendor, lxtest_device, lxtest_class;
unsigned long lxtest_id_data;
u32 lxtest_status;
unsigned int lxtest_irq;
int lxtest_msi;
int lxtest_irq_count, lxtest_irq_none;
u32 lxtest_last_icr;
int lxtest_timer_runs, lxtest_work_runs;
unsigned long long lxtest_ring_dma, lxtest_rx_dma;
u16 lxtest_command;
char lxtest_name[32];
void *lxtest_irq_kmalloc;
int lxtest_regions_again;   /* a second pci_request_regions: -EBUSY */
char lxtest_fmt[128];       /* vmklinux's snprintf, compared with the host's by the test */
int lxtest_fmt_len;
int lxtest_ctor_runs;       /* kmem_cache constructor calls */   /* a kmalloc made inside the interrupt handler (then freed) */

static irqreturn_t lxtest_intr(int irq, void *data)
{
    struct lxtest_adapter *a = data;
    u32 icr = readl(a->hw + E1000_ICR);
    if (!icr) {
        lxtest_irq_none++;
        return IRQ_NONE;
    }
    unsigned long flags;
    spin_lock_irqsave(&a->lock, flags);
    lxtest_irq_count++;
    lxtest_last_icr = icr;
    spin_unlock_irqrestore(&a->lock, flags);
    /* An allocation at interrupt level lands on this module's heap only if vmklinux runs the
     * handler as this module. */
    void *p = kmalloc(24, GFP_ATOMIC);
    lxtest_irq_kmalloc = p;
    kfree(p);
    schedule_work(&a->reset_task);
    (void)irq;
    return IRQ_HANDLED;
}

static void lxtest_watchdog(struct timer_list *t)
{
    struct lxtest_adapter *a = from_timer(a, t, watchdog);
    lxtest_timer_runs++;
    lxtest_status = readl(a->hw + E1000_STATUS);
}

static void lxtest_reset_task(struct work_struct *work)
{
    struct lxtest_adapter *a = container_of(work, struct lxtest_adapter, reset_task);
    (void)a;
    lxtest_work_runs++;
}

static void lxtest_desc_ctor(void *obj)
{
    lxtest_ctor_runs++;
    memset(obj, 0xA5, 8);
}

static int lxtest_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
    int err;
    lxtest_probes++;
    lxtest_vendor = pdev->vendor;
    lxtest_device = pdev->device;
    lxtest_class = pdev->class;
    lxtest_id_data = ent->driver_data;
    err = pci_enable_device(pdev);
    if (err)
        return err;
    pci_set_master(pdev);
    err = pci_request_regions(pdev, "lxtest_e1000");
    if (err)
        goto err_disable;
    lxtest_regions_again = pci_request_regions(pdev, "lxtest_e1000");
    pci_read_config_word(pdev, PCI_COMMAND, &lxtest_command);
    err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
    if (err)
        goto err_disable;
    struct lxtest_adapter *a = kzalloc(sizeof *a, GFP_KERNEL);
    if (!a) {
        err = -ENOMEM;
        goto err_disable;
    }
    a->pdev = pdev;
    spin_lock_init(&a->lock);
    timer_setup(&a->watchdog, lxtest_watchdog, 0);
    INIT_WORK(&a->reset_task, lxtest_reset_task);
    snprintf(a->name, sizeof a->name, "lxtest-%s", pci_name(pdev));
    strscpy(lxtest_name, a->name, sizeof lxtest_name);
    a->hw = ioremap(pci_resource_start(pdev, 0), pci_resource_len(pdev, 0));
    if (!a->hw) {
        err = -EIO;
        goto err_free;
    }
    lxtest_status = readl(a->hw + E1000_STATUS);
    a->ring = dma_alloc_coherent(&pdev->dev, LXTEST_RING_BYTES, &a->ring_dma, GFP_KERNEL);
    if (!a->ring) {
        err = -ENOMEM;
        goto err_unmap;
    }
    lxtest_ring_dma = a->ring_dma;
    a->rx_buf = kmalloc(2048, GFP_KERNEL);
    if (!a->rx_buf) {
        err = -ENOMEM;
        goto err_ring;
    }
    a->rx_dma = dma_map_single(&pdev->dev, a->rx_buf, 2048, DMA_FROM_DEVICE);
    if (dma_mapping_error(&pdev->dev, a->rx_dma)) {
        err = -ENOMEM;
        goto err_buf;
    }
    lxtest_rx_dma = a->rx_dma;
    a->desc_cache = kmem_cache_create("lxtest_desc", 200, 0, SLAB_HWCACHE_ALIGN, lxtest_desc_ctor);
    if (!a->desc_cache) {
        err = -ENOMEM;
        goto err_dma;
    }
    for (int i = 0; i < 3; i++)
        a->desc[i] = kmem_cache_alloc(a->desc_cache, GFP_KERNEL);
    kmem_cache_free(a->desc_cache, a->desc[0]);   /* back to the cache; its reuse is no ctor */
    a->desc[0] = kmem_cache_zalloc(a->desc_cache, GFP_KERNEL);
#ifdef LXTEST_MSI
    err = pci_enable_msi(pdev);
    if (err)
        goto err_cache;
    lxtest_msi = 1;
#endif
    lxtest_irq = pdev->irq;
    err = request_irq(pdev->irq, lxtest_intr, IRQF_SHARED, a->name, a);
    if (err)
        goto err_msi;
    pci_set_drvdata(pdev, a);
    writel(0xFFFFFFFFu, a->hw + E1000_IMS);   /* unmask every cause */
    mod_timer(&a->watchdog, jiffies + msecs_to_jiffies(2));
    dev_info(&pdev->dev, "lxtest: STATUS 0x%08x irq %u%s\n", lxtest_status, pdev->irq,
             lxtest_msi ? " (MSI)" : "");
    return 0;

err_msi:
#ifdef LXTEST_MSI
    pci_disable_msi(pdev);
err_cache:
#endif
    for (int i = 0; i < 3; i++)
        kmem_cache_free(a->desc_cache, a->desc[i]);
    kmem_cache_destroy(a->desc_cache);
err_dma:
    dma_unmap_single(&pdev->dev, a->rx_dma, 2048, DMA_FROM_DEVICE);
err_buf:
    kfree(a->rx_buf);
err_ring:
    dma_free_coherent(&pdev->dev, LXTEST_RING_BYTES, a->ring, a->ring_dma);
err_unmap:
    iounmap(a->hw);
err_free:
    kfree(a);
err_disable:
    pci_release_regions(pdev);
    pci_disable_device(pdev);
    return err;
}

static void lxtest_remove(struct pci_dev *pdev)
{
    struct lxtest_adapter *a = pci_get_drvdata(pdev);
    lxtest_removes++;
    writel(0xFFFFFFFFu, a->hw + E1000_IMC);   /* mask everything */
    free_irq(pdev->irq, a);
    if (lxtest_msi)
        pci_disable_msi(pdev);
    del_timer_sync(&a->watchdog);
    cancel_work_sync(&a->reset_task);
    for (int i = 0; i < 3; i++)
        kmem_cache_free(a->desc_cache, a->desc[i]);
    kmem_cache_destroy(a->desc_cache);
    dma_unmap_single(&pdev->dev, a->rx_dma, 2048, DMA_FROM_DEVICE);
    kfree(a->rx_buf);
    dma_free_coherent(&pdev->dev, LXTEST_RING_BYTES, a->ring, a->ring_dma);
    iounmap(a->hw);
    kfree(a);
    pci_release_regions(pdev);
    pci_disable_device(pdev);
}

static const struct pci_device_id lxtest_ids[] = {
    {PCI_DEVICE(0x8086, 0x100F), .driver_data = 1},   /* 82545EM: not on the platform */
    {PCI_DEVICE(0x8086, 0x100E), .driver_data = 7},   /* 82540EM */
    {0},
};
MODULE_DEVICE_TABLE(pci, lxtest_ids);

static struct pci_driver lxtest_driver = {
    .name = "lxtest_e1000",
    .id_table = lxtest_ids,
    .probe = lxtest_probe,
    .remove = lxtest_remove,
};

static int __init lxtest_init(void)
{
    lxtest_inits++;
    lxtest_fmt_len = snprintf(lxtest_fmt, sizeof lxtest_fmt,
                              "%d|%5s|%-4u|%#x|%08lx|%c|%lld|%zu|%.2s|%+d|%o|%X|%%|%p",
                              -42, "ab", 7u, 255, 0xbeefUL, 'Z', -9000000000LL, (size_t)12,
                              "xyz", 5, 8, 0xabcu, (void *)0x1234);
    printk(KERN_INFO "lxtest: init, %d byte adapter\n", (int)sizeof(struct lxtest_adapter));
    return pci_register_driver(&lxtest_driver);
}

static void __exit lxtest_exit(void)
{
    lxtest_exits++;
    pci_unregister_driver(&lxtest_driver);
}

module_init(lxtest_init);
module_exit(lxtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmklinux test driver for the e1000 identity");
