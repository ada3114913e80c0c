/* host.c — the kernel's side of the PCI access interface (pci_access.h pcie_host_ops): device
 * memory requests go through the IOVA table (iova.c), MSI writes and INTx messages to the
 * interrupt core (intr.c). kern_boot installs it on the fabric it builds. */
#include "devices/pcie/pci_access.h"
#include "kernel_model/dma/dma.h"
#include "kernel_model/intr/intr.h"

static int host_dma(void *ctx, uint16_t requester, uint64_t addr, void *buf, size_t len,
                    bool is_write)
{
    (void)ctx;
    return kern_host_dma(requester, addr, buf, len, is_write);
}

static void host_msi(void *ctx, uint16_t requester, uint64_t addr, uint32_t data)
{
    (void)ctx;
    kern_intr_msi_arrived(requester, addr, data);
}

static void host_intx(void *ctx, uint16_t requester, int pin, bool asserted)
{
    (void)ctx;
    kern_intr_intx_arrived(requester, pin, asserted);
}

static const pcie_host_ops k_host_ops = {host_dma, host_msi, host_intx};
static pcie_fabric *g_fabric;   /* the fabric the ops are installed on (for device names) */

void kern_host_install(pcie_fabric *f)
{
    g_fabric = f;
    pcie_fabric_set_host(f, &k_host_ops, NULL);
}

void kern_host_uninstall(pcie_fabric *f)
{
    if (g_fabric == f)
        g_fabric = NULL;
}

typedef struct name_find { uint16_t rid; const char *name; } name_find;

static void find_rid(void *ctx, const pcie_topo_node *n)
{
    name_find *q = ctx;
    if (n->kind == PCIE_FN_ENDPOINT && n->reachable &&
        (uint16_t)(n->bus << 8 | n->dev << 3 | n->fn) == q->rid)
        q->name = n->name;
}

const char *kern_host_device_name(uint16_t requester)
{
    name_find q = {requester, NULL};
    if (g_fabric)
        pcie_fabric_walk(g_fabric, find_rid, &q);
    return q.name;
}
