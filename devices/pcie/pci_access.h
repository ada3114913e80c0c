/* pci_access.h — the PCI access interface between the fabric and its two sides (design.md):
 *  - the host side (the kernel model) accesses MMIO through the root complex and answers the
 *    fabric's upstream requests (DMA to host memory, MSI writes, INTx) through pcie_host_ops;
 *  - the device side (an endpoint model) answers MMIO to its BARs through pcie_ep_io_ops and
 *    issues DMA, MSI/MSI-X and INTx through the pcie_dev_* calls.
 * Every request is timed TLP by TLP on every link it crosses (link_timing.h) plus per-hop
 * latency; blocking calls must be made from a sim thread (sim/sim.h). */
#ifndef VMKSIM_PCIE_PCI_ACCESS_H
#define VMKSIM_PCIE_PCI_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "devices/pcie/fabric.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- host side ---- */

typedef enum pcie_dma_status {
    PCIE_DMA_OK = 0,
    PCIE_DMA_FAULT = -1,     /* the host refused the access (address not mapped for the device) */
    PCIE_DMA_NO_LINK = -2,   /* the device's link is down (removed, powered off): nothing sent */
} pcie_dma_status;

/* What the fabric asks of the host (implemented by the kernel model; the fabric never calls the
 * kernel otherwise). requester is the device's Requester ID (bus << 8 | dev << 3 | fn). */
typedef struct pcie_host_ops {
    /* A memory read/write arriving at the root complex from a device. Return PCIE_DMA_OK after
     * copying, or PCIE_DMA_FAULT (nothing copied) for an access the host does not allow. */
    int (*dma)(void *ctx, uint16_t requester, uint64_t addr, void *buf, size_t len, bool is_write);
    /* A memory write to the MSI address range (0xFEEx_xxxx, Intel SDM vol. 3 §11.11). */
    void (*msi)(void *ctx, uint16_t requester, uint64_t addr, uint32_t data);
    /* A legacy INTx Assert/Deassert message (pin 1..4 = INTA..INTD, after swizzling). */
    void (*intx)(void *ctx, uint16_t requester, int pin, bool asserted);
} pcie_host_ops;

void pcie_fabric_set_host(pcie_fabric *f, const pcie_host_ops *ops, void *ctx);

/* What the data path counted since the fabric was built (tests, results). */
typedef struct pcie_fabric_stats {
    uint64_t mmio_reads, mmio_writes;          /* host MMIO requests decoded by some BAR */
    uint64_t mmio_ur_reads, mmio_ur_writes;    /* nothing decoded the address (read all ones) */
    uint64_t mmio_no_link;                     /* decoded by a window but the link below is down */
    uint64_t dma_reads, dma_writes;            /* device DMA requests issued */
    uint64_t dma_faults, dma_no_link;          /* ... refused by the host / link down */
    uint64_t dma_bytes_read, dma_bytes_written;
    uint64_t tlps;                             /* TLP transmissions, one per link crossed */
    uint64_t msi_sent, msi_pended;             /* MSI/MSI-X writes delivered; vectors pended */
    uint64_t intx_msgs;                        /* Assert_INTx / Deassert_INTx messages */
} pcie_fabric_stats;

void pcie_fabric_get_stats(const pcie_fabric *f, pcie_fabric_stats *out);

/* CPU access to MMIO through the root complex: routed by the bridges' memory windows to the BAR
 * that decodes addr. A read is non-posted: the calling sim thread waits the round trip (request
 * down, completion up, every hop). A write is posted: the caller continues after the root complex
 * has sent it; it reaches the device when the TLP arrives. An address nothing decodes reads all
 * ones (an Unsupported Request) and the write is dropped; both are counted. size 1, 2, 4 or 8. */
uint64_t pcie_mmio_read(pcie_fabric *f, uint64_t addr, int size);
void pcie_mmio_write(pcie_fabric *f, uint64_t addr, int size, uint64_t val);

/* ---- device side ---- */

typedef struct pcie_endpoint pcie_endpoint;

/* How a model answers accesses to its BARs (offset is relative to the BAR's base). Called in the
 * simulation at the time the request TLP arrives at the device. */
typedef struct pcie_ep_io_ops {
    uint64_t (*read)(void *state, int bar, uint64_t offset, int size);
    void (*write)(void *state, int bar, uint64_t offset, int size, uint64_t val);
} pcie_ep_io_ops;

/* Finding endpoints (tests, tools): the endpoint whose platform instance name is name, or NULL;
 * the model state its init_config allocated; the name. */
pcie_endpoint *pcie_fabric_find_endpoint(pcie_fabric *f, const char *name);
void *pcie_endpoint_state(pcie_endpoint *ep);
const char *pcie_endpoint_name(const pcie_endpoint *ep);
pcie_fabric *pcie_endpoint_fabric(pcie_endpoint *ep);

/* DMA from the device to host memory: split into TLPs by MPS/MRRS/RCB and 4 KiB boundaries, timed
 * on every link up to the root complex. Read: the calling thread waits until the last completion
 * arrives. Write: posted — the thread waits until the last TLP has left the device's link; the
 * data reaches host memory when the TLPs arrive. Returns a pcie_dma_status. Sim thread only. */
int pcie_dev_dma_read(pcie_endpoint *ep, uint64_t addr, void *buf, size_t len);
int pcie_dev_dma_write(pcie_endpoint *ep, uint64_t addr, const void *buf, size_t len);

/* Signals vector through the function's enabled MSI-X (else MSI) capability, honouring the
 * enable, function-mask and per-vector mask bits (a masked vector sets its pending bit and is sent
 * when unmasked). Returns 0 if sent or pended, -1 if neither MSI nor MSI-X is enabled. */
int pcie_dev_msi(pcie_endpoint *ep, unsigned vector);
/* Level-triggered INTx (the pin the model declared in its Interrupt Pin register); honours
 * Command.InterruptDisable and reflects Status.InterruptStatus. */
void pcie_dev_intx(pcie_endpoint *ep, bool asserted);

/* The endpoint's Requester ID as enumeration left it, and whether its link is up. */
uint16_t pcie_dev_requester_id(const pcie_endpoint *ep);
bool pcie_dev_link_up(const pcie_endpoint *ep);

#ifdef __cplusplus
}
#endif
#endif
