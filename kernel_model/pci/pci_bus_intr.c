/* pci_bus_intr.c — interrupt cookies for PCI functions (vmkapi v2.3 vmk_PCIAllocIntrCookie /
 * vmk_PCIFreeIntrCookie): vectors come from the interrupt core (kernel_model/intr/intr.h; a
 * vmk_IntrCookie is a vector number) and their MSI address/data are programmed into the function:
 * the MSI capability in configuration space (PCIe Base Spec 5.0 §7.7.1), or the MSI-X table in
 * the BAR the capability names, written through the fabric (§7.7.2, §6.1.4.5 programming order:
 * function mask set while the table is written). Legacy INTx uses the function's Interrupt Pin,
 * swizzled up to the root (PCI-to-PCI Bridge Spec 1.2 §9.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/pci_access.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/pci/pci_access.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/timing/timing.h"
#include "sim/sim.h"

/* MSI capability (§7.7.1) */
#define KPCI_MSI_FLAGS          0x02    /* Message Control */
#define  KPCI_MSI_FLAGS_ENABLE  0x0001
#define  KPCI_MSI_FLAGS_QSIZE   0x0070  /* Multiple Message Enable: 000b = 1 vector */
#define  KPCI_MSI_FLAGS_64BIT   0x0080
#define  KPCI_MSI_FLAGS_MASKBIT 0x0100  /* Per-Vector Masking Capable */
#define KPCI_MSI_ADDRESS_LO     0x04
#define KPCI_MSI_ADDRESS_HI     0x08    /* 64-bit form */
#define KPCI_MSI_DATA_32        0x08
#define KPCI_MSI_DATA_64        0x0C
#define KPCI_MSI_MASK_32        0x0C
#define KPCI_MSI_MASK_64        0x10
/* MSI-X capability (§7.7.2) */
#define KPCI_MSIX_FLAGS         0x02
#define  KPCI_MSIX_FLAGS_QSIZE  0x07FF  /* Table Size - 1 */
#define  KPCI_MSIX_FLAGS_MASKALL 0x4000 /* Function Mask */
#define  KPCI_MSIX_FLAGS_ENABLE 0x8000
#define KPCI_MSIX_TABLE         0x04    /* Table Offset / BIR */
#define  KPCI_MSIX_BIR_MASK     0x7
#define KPCI_MSIX_ENTRY_SIZE    16      /* §7.7.2.6: addr lo, addr hi, data, vector control */
#define  KPCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

static uint16_t find_cap(struct vmkPCIDevice *h, uint8_t id)
{
    vmk_uint16 off = 0;
    return vmk_PCIFindCapability(h, id, &off) == VMK_OK ? off : 0;
}

/* Bus address of MSI-X table entry idx, or 0 if the table's BAR is not a memory BAR. */
static uint64_t msix_entry_addr(struct vmkPCIDevice *h, uint16_t cap, unsigned idx)
{
    uint32_t t = kcfg_rd32(h->fabric, h->pdev, (uint16_t)(cap + KPCI_MSIX_TABLE));
    int bir = (int)(t & KPCI_MSIX_BIR_MASK);
    if (bir >= h->pdev->nbars)
        return 0;
    const kern_pci_bar *b = &h->pdev->bars[bir];
    if (b->type != KERN_BAR_MEM32 && b->type != KERN_BAR_MEM64)
        return 0;
    return b->base + (t & ~(uint32_t)KPCI_MSIX_BIR_MASK) + (uint64_t)idx * KPCI_MSIX_ENTRY_SIZE;
}

static void free_vectors(struct vmkPCIDevice *h)
{
    if (h->intr_type != VMK_PCI_INTERRUPT_TYPE_LEGACY)
        for (vmk_uint32 i = 0; i < h->intr_n; i++)
            kern_intr_vector_free(h->intr_vectors[i]);
    /* An INTx vector is the shared line's: it stays with the interrupt core. */
    kpci_stats()->vectors_live -= h->intr_n;
    free(h->intr_vectors);
    free(h->intr_index);
    h->intr_vectors = NULL;
    h->intr_index = NULL;
    h->intr_n = 0;
    h->intr_type = -1;
}

static void program_msi(struct vmkPCIDevice *h, uint16_t cap, uint64_t addr, uint32_t data)
{
    pcie_fabric *f = h->fabric;
    uint16_t ctrl = kcfg_rd16(f, h->pdev, (uint16_t)(cap + KPCI_MSI_FLAGS));
    bool is64 = ctrl & KPCI_MSI_FLAGS_64BIT;
    kcfg_wr32(f, h->pdev, (uint16_t)(cap + KPCI_MSI_ADDRESS_LO), (uint32_t)addr & ~3u);
    if (is64)
        kcfg_wr32(f, h->pdev, (uint16_t)(cap + KPCI_MSI_ADDRESS_HI), (uint32_t)(addr >> 32));
    kcfg_wr16(f, h->pdev, (uint16_t)(cap + (is64 ? KPCI_MSI_DATA_64 : KPCI_MSI_DATA_32)),
              (uint16_t)data);
    if (ctrl & KPCI_MSI_FLAGS_MASKBIT) {
        uint16_t mo = (uint16_t)(cap + (is64 ? KPCI_MSI_MASK_64 : KPCI_MSI_MASK_32));
        kcfg_wr32(f, h->pdev, mo, kcfg_rd32(f, h->pdev, mo) & ~1u);
    }
    ctrl = (uint16_t)((ctrl & ~KPCI_MSI_FLAGS_QSIZE) | KPCI_MSI_FLAGS_ENABLE);
    kcfg_wr16(f, h->pdev, (uint16_t)(cap + KPCI_MSI_FLAGS), ctrl);
}

static void msix_ctrl(struct vmkPCIDevice *h, uint16_t cap, uint16_t set, uint16_t clear)
{
    uint16_t off = (uint16_t)(cap + KPCI_MSIX_FLAGS);
    uint16_t c = kcfg_rd16(h->fabric, h->pdev, off);
    kcfg_wr16(h->fabric, h->pdev, off, (uint16_t)((c | set) & ~clear));
}

static VMK_ReturnStatus alloc_msix(struct vmkPCIDevice *h, vmk_ModuleID module, uint16_t cap,
                                   vmk_uint32 desired, vmk_uint32 required, vmk_uint16 *index,
                                   vmk_IntrCookie *cookies, vmk_uint32 *nalloc)
{
    unsigned table = (kcfg_rd16(h->fabric, h->pdev, (uint16_t)(cap + KPCI_MSIX_FLAGS)) &
                      KPCI_MSIX_FLAGS_QSIZE) + 1u;
    if (required > table) {
        sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "%s: MSI-X: %u vectors required, the table has %u",
                h->addr, required, table);
        return VMK_NO_RESOURCES;
    }
    vmk_uint32 n = desired < table ? desired : table;
    for (vmk_uint32 i = 0; index && i < n; i++)
        if (index[i] >= table)
            return VMK_BAD_PARAM;
    if (!msix_entry_addr(h, cap, 0))
        return VMK_NOT_SUPPORTED;
    h->intr_vectors = calloc(n, sizeof *h->intr_vectors);
    h->intr_index = calloc(n, sizeof *h->intr_index);
    if (!h->intr_vectors || !h->intr_index) {
        free_vectors(h);
        return VMK_NO_MEMORY;
    }
    uint64_t addr[n ? n : 1];
    uint32_t data[n ? n : 1];
    for (vmk_uint32 i = 0; i < n; i++) {
        char name[48];
        snprintf(name, sizeof name, "%s-msix%u", h->addr, (unsigned)i);
        sim_err err = {0};
        int v = kern_intr_vector_alloc(module, name, &addr[i], &data[i], &err);
        if (v < 0)
            break;
        h->intr_vectors[i] = v;
        h->intr_index[i] = index ? index[i] : (vmk_uint16)i;
        h->intr_n++;
        kpci_stats()->vectors_live++;
    }
    h->intr_type = VMK_PCI_INTERRUPT_TYPE_MSIX;
    if (h->intr_n < required) {
        sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "%s: MSI-X: only %u vector(s) free, %u required",
                h->addr, (unsigned)h->intr_n, (unsigned)required);
        free_vectors(h);
        return VMK_NO_RESOURCES;
    }
    /* §6.1.4.5: enable with the function masked, write the entries, then unmask. */
    kern_world_sync();
    msix_ctrl(h, cap, KPCI_MSIX_FLAGS_ENABLE | KPCI_MSIX_FLAGS_MASKALL, 0);
    uint64_t last = 0;
    for (vmk_uint32 i = 0; i < h->intr_n; i++) {
        uint64_t e = msix_entry_addr(h, cap, h->intr_index[i]);
        pcie_mmio_write(h->fabric, e + 0, 4, (uint32_t)addr[i]);
        pcie_mmio_write(h->fabric, e + 4, 4, (uint32_t)(addr[i] >> 32));
        pcie_mmio_write(h->fabric, e + 8, 4, data[i]);
        pcie_mmio_write(h->fabric, e + 12, 4, 0);   /* vector control: unmasked */
        last = e;
    }
    /* A read cannot pass the posted writes before it (§2.4.1): once it completes, the table is
     * written, and the function may be unmasked. */
    (void)kpci_mmio_read_bus(h->fabric, last + 12, 4);
    msix_ctrl(h, cap, 0, KPCI_MSIX_FLAGS_MASKALL);
    for (vmk_uint32 i = 0; i < h->intr_n; i++)
        cookies[i] = (vmk_IntrCookie)h->intr_vectors[i];
    *nalloc = h->intr_n;
    return VMK_OK;
}

VMK_ReturnStatus vmk_PCIAllocIntrCookie(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                        vmk_PCIInterruptType type, vmk_uint32 numIntrsDesired,
                                        vmk_uint32 numIntrsRequired, vmk_uint16 *indexArray,
                                        vmk_IntrCookie *intrArray, vmk_uint32 *numIntrsAlloced)
{
    struct vmkPCIDevice *h = kpci_handle_check(device);
    if (!h || !intrArray || !numIntrsAlloced || numIntrsRequired == 0 ||
        numIntrsRequired > numIntrsDesired)
        return VMK_BAD_PARAM;
    if (!kpci_may_write(h, moduleID))
        return VMK_NO_PERMISSION;
    if (h->intr_type >= 0)
        return VMK_BUSY;   /* one allocation at a time: free it first */
    *numIntrsAlloced = 0;
    if (type == VMK_PCI_INTERRUPT_TYPE_MSIX) {
        uint16_t cap = find_cap(h, KPCI_CAP_ID_MSIX);
        if (!cap)
            return VMK_NOT_SUPPORTED;
        VMK_ReturnStatus st = alloc_msix(h, moduleID, cap, numIntrsDesired, numIntrsRequired,
                                         indexArray, intrArray, numIntrsAlloced);
        if (st == VMK_OK)
            h->intr_module = moduleID;
        return st;
    }
    if (type != VMK_PCI_INTERRUPT_TYPE_MSI && type != VMK_PCI_INTERRUPT_TYPE_LEGACY)
        return VMK_BAD_PARAM;
    if (numIntrsDesired != 1 || numIntrsRequired != 1)
        return VMK_BAD_PARAM;   /* vmkapi: LEGACY and MSI take exactly one */
    char name[48];
    sim_err err = {0};
    int v;
    if (type == VMK_PCI_INTERRUPT_TYPE_MSI) {
        uint16_t cap = find_cap(h, KPCI_CAP_ID_MSI);
        if (!cap)
            return VMK_NOT_SUPPORTED;
        snprintf(name, sizeof name, "%s-msi", h->addr);
        uint64_t addr;
        uint32_t data;
        if ((v = kern_intr_vector_alloc(moduleID, name, &addr, &data, &err)) < 0) {
            sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "%s: MSI: %s", h->addr, err.msg);
            return VMK_NO_RESOURCES;
        }
        kern_world_sync();
        program_msi(h, cap, addr, data);
    } else {
        kern_world_sync();
        int pin = kcfg_rd8(h->fabric, h->pdev, KPCI_INTERRUPT_PIN);
        if (pin < 1 || pin > 4)
            return VMK_NOT_SUPPORTED;   /* §7.5.1.1.14: 0 = no INTx */
        int p = pin - 1;
        for (const kern_pci_dev *x = h->pdev; x->parent; x = x->parent)
            p += x->dev;
        uint16_t rid = (uint16_t)(h->pdev->bus << 8 | h->pdev->dev << 3 | h->pdev->fn);
        snprintf(name, sizeof name, "%s-intx", h->addr);
        if ((v = kern_intr_intx_vector(moduleID, name, rid, p % 4 + 1, &err)) < 0) {
            sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "%s: INTx: %s", h->addr, err.msg);
            return VMK_NO_RESOURCES;
        }
    }
    h->intr_vectors = malloc(sizeof *h->intr_vectors);
    if (!h->intr_vectors) {
        if (type == VMK_PCI_INTERRUPT_TYPE_MSI)
            kern_intr_vector_free(v);
        return VMK_NO_MEMORY;
    }
    h->intr_vectors[0] = v;
    h->intr_n = 1;
    h->intr_type = (int)type;
    h->intr_module = moduleID;
    kpci_stats()->vectors_live++;
    intrArray[0] = (vmk_IntrCookie)v;
    *numIntrsAlloced = 1;
    return VMK_OK;
}

/* Turns MSI/MSI-X off in the function, then gives the vectors back. */
static void disable_and_free(struct vmkPCIDevice *h)
{
    kern_world_sync();
    if (h->intr_type == VMK_PCI_INTERRUPT_TYPE_MSI) {
        uint16_t cap = find_cap(h, KPCI_CAP_ID_MSI);
        if (cap) {
            uint16_t off = (uint16_t)(cap + KPCI_MSI_FLAGS);
            kcfg_wr16(h->fabric, h->pdev, off,
                      (uint16_t)(kcfg_rd16(h->fabric, h->pdev, off) & ~KPCI_MSI_FLAGS_ENABLE));
        }
    } else if (h->intr_type == VMK_PCI_INTERRUPT_TYPE_MSIX) {
        uint16_t cap = find_cap(h, KPCI_CAP_ID_MSIX);
        if (cap) {
            for (vmk_uint32 i = 0; i < h->intr_n; i++)
                pcie_mmio_write(h->fabric, msix_entry_addr(h, cap, h->intr_index[i]) + 12, 4,
                                KPCI_MSIX_ENTRY_CTRL_MASKBIT);
            msix_ctrl(h, cap, KPCI_MSIX_FLAGS_MASKALL, KPCI_MSIX_FLAGS_ENABLE);
        }
    }
    free_vectors(h);
}

VMK_ReturnStatus vmk_PCIFreeIntrCookie(vmk_ModuleID moduleID, vmk_PCIDevice device)
{
    struct vmkPCIDevice *h = kpci_handle_check(device);
    if (!h || h->intr_type < 0)
        return VMK_BAD_PARAM;
    if (moduleID != h->intr_module && moduleID != VMK_KERNEL_MODULE_ID)
        return VMK_NO_PERMISSION;
    disable_and_free(h);
    return VMK_OK;
}

void kpci_intr_release(struct vmkPCIDevice *h, int module, bool leak)
{
    if (h->intr_type < 0 || (module >= 0 && h->intr_module != module))
        return;
    if (leak) {
        sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "%s: module %d left %u interrupt vector(s) "
                "allocated: leak, freed by the kernel", h->addr, h->intr_module,
                (unsigned)h->intr_n);
        kpci_stats_leak(0, h->intr_n);
    }
    disable_and_free(h);
}
