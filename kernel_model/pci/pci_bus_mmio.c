/* pci_bus_mmio.c — BAR mappings and the MMIO they carry (vmkapi v2.3 vmk_PCIMapIOResource,
 * vmkapi_mmio.h). A mapping is a kernel-chosen virtual range in an ioremap-like area, never the
 * BAR's bus address; vmk_MMIORead/Write* translate an address inside a live mapping to the BAR's
 * bus address, sync the calling world with global time (docs/timing.md) and send the access through
 * the fabric (pcie_mmio_read/write). Ranges are never reused, so an address from a removed
 * mapping hits nothing: it reads all ones, drops the write, and is counted. */
#include <stdlib.h>

#include "devices/pcie/pci_access.h"
#include "kernel_model/pci/pci_bus.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/world/world.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi_mmio.h"

/* Where mappings start: the bottom of x86-64 Linux's vmalloc/ioremap area (kernel
 * Documentation/arch/x86/x86_64/mm.rst, 4-level paging), a range no host pointer uses. */
#define KPCI_IOREMAP_BASE 0xffffc90000000000ULL
#define KPCI_PAGE 4096ULL
/* One unmapped guard page between mappings, so that running off one faults instead of hitting
 * the next. */
#define KPCI_GUARD KPCI_PAGE

typedef struct mapping {
    uint64_t va, size, bus_addr;
    struct vmkPCIDevice *h;
    int bar;
    struct mapping *next;
} mapping;

static mapping *maps;
static uint64_t next_va = KPCI_IOREMAP_BASE;

static mapping *find(uint64_t va, int size)
{
    for (mapping *m = maps; m; m = m->next)
        if (va >= m->va && va - m->va < m->size && m->size - (va - m->va) >= (uint64_t)size)
            return m;
    return NULL;
}

static void unmap(struct vmkPCIDevice *h, int bar)
{
    for (mapping **p = &maps; *p; p = &(*p)->next) {
        mapping *m = *p;
        if (m->h == h && m->bar == bar) {
            *p = m->next;
            free(m);
            kpci_stats()->mappings_live--;
            break;
        }
    }
    h->map_va[bar] = 0;
    h->map_module[bar] = 0;
}

VMK_ReturnStatus vmk_PCIMapIOResource(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                      vmk_uint8 pciBar, vmk_IOReservation *reservation,
                                      vmk_VA *mappedAddress)
{
    struct vmkPCIDevice *h = kpci_handle_check(device);
    if (!h || !mappedAddress || pciBar >= VMK_PCI_NUM_BARS || pciBar >= h->pdev->nbars)
        return VMK_BAD_PARAM;
    if (!kpci_may_write(h, moduleID))
        return VMK_NO_PERMISSION;
    const kern_pci_bar *b = &h->pdev->bars[pciBar];
    if (b->type == KERN_BAR_NONE || b->size == 0)
        return VMK_BAD_PARAM;   /* unimplemented, or the upper half of a 64-bit BAR */
    if (b->type == KERN_BAR_IO) {
        /* Port I/O is not modelled on the host side: the reservation has nothing to carry. */
        if (!reservation)
            return VMK_BAD_PARAM;
        return VMK_NOT_SUPPORTED;
    }
    if (h->map_va[pciBar])
        return VMK_EXISTS;
    mapping *m = calloc(1, sizeof *m);
    if (!m)
        return VMK_NO_MEMORY;
    m->size = b->size;
    m->bus_addr = b->base;
    m->h = h;
    m->bar = pciBar;
    m->va = next_va;
    next_va += (b->size + KPCI_PAGE - 1) / KPCI_PAGE * KPCI_PAGE + KPCI_GUARD;
    m->next = maps;
    maps = m;
    h->map_va[pciBar] = (vmk_VA)m->va;
    h->map_module[pciBar] = moduleID;
    kpci_stats()->mappings_live++;
    sim_log(SIM_LOG_DEBUG, KPCI_BUS_LOG, "%s: BAR%d [0x%llx, +0x%llx) mapped at 0x%llx for module "
            "%d", h->addr, pciBar, (unsigned long long)m->bus_addr, (unsigned long long)m->size,
            (unsigned long long)m->va, (int)moduleID);
    *mappedAddress = (vmk_VA)m->va;
    return VMK_OK;
}

VMK_ReturnStatus vmk_PCIUnmapIOResource(vmk_ModuleID moduleID, vmk_PCIDevice device,
                                        vmk_uint8 pciBar)
{
    struct vmkPCIDevice *h = kpci_handle_check(device);
    if (!h || pciBar >= VMK_PCI_NUM_BARS || !h->map_va[pciBar])
        return VMK_BAD_PARAM;
    if (moduleID != h->map_module[pciBar] && moduleID != VMK_KERNEL_MODULE_ID)
        return VMK_NO_PERMISSION;
    unmap(h, pciBar);
    return VMK_OK;
}

void kpci_mmio_release(struct vmkPCIDevice *h, int module, bool leak)
{
    uint64_t n = 0;
    for (int bar = 0; bar < VMK_PCI_NUM_BARS; bar++) {
        if (!h->map_va[bar] || (module >= 0 && h->map_module[bar] != module))
            continue;
        if (leak)
            sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "%s: module %d left BAR%d mapped at 0x%llx: "
                    "leak, unmapped by the kernel", h->addr, h->map_module[bar], bar,
                    (unsigned long long)h->map_va[bar]);
        unmap(h, bar);
        n++;
    }
    if (leak)
        kpci_stats_leak(n, 0);
}

/* ---- the accessors ---- */

static uint64_t all_ones(int size)
{
    return size == 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1;
}

typedef struct mmio_rd {
    pcie_fabric *fabric;
    uint64_t addr, val;
    int size;
} mmio_rd;

static void mmio_rd_run(void *arg)
{
    mmio_rd *r = arg;
    r->val = pcie_mmio_read(r->fabric, r->addr, r->size);
}

uint64_t kpci_mmio_read_bus(pcie_fabric *f, uint64_t bus_addr, int size)
{
    /* The read waits for its completion: this thread's stacks go with it (world.h). */
    mmio_rd r = {f, bus_addr, 0, size};
    kern_block_call(mmio_rd_run, &r);
    return r.val;
}

static uint64_t mmio_read(volatile void *addr, int size)
{
    uint64_t va = (uint64_t)(uintptr_t)addr;
    mapping *m = find(va, size);
    if (!m) {
        kpci_stats()->mmio_unmapped_reads++;
        sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "MMIO read%d at 0x%llx: no live mapping (unmapped "
                "or never mapped): reads all ones", 8 * size, (unsigned long long)va);
        return all_ones(size);
    }
    kpci_stats()->mmio_reads++;
    kern_world_sync();
    return kpci_mmio_read_bus(m->h->fabric, m->bus_addr + (va - m->va), size);
}

static void mmio_write(volatile void *addr, int size, uint64_t val)
{
    uint64_t va = (uint64_t)(uintptr_t)addr;
    mapping *m = find(va, size);
    if (!m) {
        kpci_stats()->mmio_unmapped_writes++;
        sim_log(SIM_LOG_WARN, KPCI_BUS_LOG, "MMIO write%d at 0x%llx: no live mapping (unmapped "
                "or never mapped): dropped", 8 * size, (unsigned long long)va);
        return;
    }
    kpci_stats()->mmio_writes++;
    kern_world_sync();
    pcie_mmio_write(m->h->fabric, m->bus_addr + (va - m->va), size, val);
}

vmk_uint8 vmk_MMIORead8(volatile void *addr) { return (vmk_uint8)mmio_read(addr, 1); }
vmk_uint16 vmk_MMIORead16(volatile void *addr) { return (vmk_uint16)mmio_read(addr, 2); }
vmk_uint32 vmk_MMIORead32(volatile void *addr) { return (vmk_uint32)mmio_read(addr, 4); }
vmk_uint64 vmk_MMIORead64(volatile void *addr) { return mmio_read(addr, 8); }
void vmk_MMIOWrite8(volatile void *addr, vmk_uint8 value) { mmio_write(addr, 1, value); }
void vmk_MMIOWrite16(volatile void *addr, vmk_uint16 value) { mmio_write(addr, 2, value); }
void vmk_MMIOWrite32(volatile void *addr, vmk_uint32 value) { mmio_write(addr, 4, value); }
void vmk_MMIOWrite64(volatile void *addr, vmk_uint64 value) { mmio_write(addr, 8, value); }
