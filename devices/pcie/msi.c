/* msi.c — interrupts from endpoints (pci_access.h): MSI (PCIe Base Spec 5.0 §6.1.4, §7.7.1) and
 * MSI-X (§6.1.4, §7.7.2: table and Pending Bit Array in the BARs the capability names, served by
 * the fabric) as one-DW memory writes up to the root complex, with function and per-vector
 * masking and pending bits; legacy INTx (§2.2.8.1) as Assert/Deassert messages honouring
 * Command.Interrupt Disable and reflected in Status.Interrupt Status. */
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/pcie_regs.h"

#define MSI_PENDING_32 16            /* §7.7.1.8: Pending Bits, 32-bit address form */
#define MSIX_CTRL_MASKBIT 0x1u       /* §7.7.2.5 Vector Control bit 0: Mask Bit */
#define MSI_ADDR_BASE 0xFEE00000ULL  /* Intel SDM vol. 3 §11.11.1: MSI address window */
#define MSI_ADDR_MASK 0xFFF00000ULL

/* ---- delivery: a 4-byte MWr up to the root complex ---- */

typedef struct msi_msg {
    pcie_endpoint *ep;
    uint64_t addr;
    uint32_t data;
} msi_msg;

static void msi_arrived(void *arg, bool delivered)
{
    msi_msg *m = arg;
    pcie_fabric *f = m->ep->fabric;
    if (delivered && f->host) {
        uint16_t rid = pcie_dev_requester_id(m->ep);
        if ((m->addr & MSI_ADDR_MASK) == MSI_ADDR_BASE) {
            if (f->host->msi)
                f->host->msi(f->host_ctx, rid, m->addr, m->data);
        } else if (f->host->dma) {
            /* An address outside the interrupt window is an ordinary memory write (§6.1.4). */
            uint8_t le[4] = {(uint8_t)m->data, (uint8_t)(m->data >> 8), (uint8_t)(m->data >> 16),
                             (uint8_t)(m->data >> 24)};
            if (f->host->dma(f->host_ctx, rid, m->addr, le, 4, true) != PCIE_DMA_OK)
                f->stats.dma_faults++;
        }
    }
    free(m);
}

static int send_msg(pcie_endpoint *ep, uint64_t addr, uint32_t data)
{
    /* §7.5.1.1.3: Bus Master Enable clear also stops MSI/MSI-X (they are memory writes). */
    if (!(pcie_cfg_get16(&ep->fn->cfg, PCIE_COMMAND) & PCIE_COMMAND_MASTER)) {
        sim_log(SIM_LOG_WARN, "pcie", "%s: MSI with Bus Master Enable clear: not sent",
                ep->fn->name);
        return -1;
    }
    if (!pcie_dev_link_up(ep))
        return -1;
    msi_msg *m = malloc(sizeof *m);
    if (!m)
        return -1;
    m->ep = ep;
    m->addr = addr;
    m->data = data;
    ep->fabric->stats.msi_sent++;
    pcie_tlp_send(ep, PCIE_DIR_UP, PCIE_TLP_MSI, 4, msi_arrived, m);
    return 0;
}

/* ---- MSI-X table and PBA ---- */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int pcie_msix_attach(pcie_endpoint *ep, sim_err *err)
{
    const pcie_cfg *c = &ep->fn->cfg;
    uint8_t cap = pcie_cap_find(c, PCIE_CAP_ID_MSIX);
    if (!cap)
        return 0;
    uint32_t t = pcie_cfg_get32(c, (uint16_t)(cap + PCIE_MSIX_TABLE));
    uint32_t p = pcie_cfg_get32(c, (uint16_t)(cap + PCIE_MSIX_PBA));
    ep->msix_cap = cap;
    ep->msix_n = (pcie_cfg_get16(c, (uint16_t)(cap + PCIE_MSIX_FLAGS)) & PCIE_MSIX_FLAGS_QSIZE) + 1;
    ep->msix_table_bar = (int)(t & PCIE_MSIX_BIR_MASK);
    ep->msix_table_off = t & ~PCIE_MSIX_BIR_MASK;
    ep->msix_pba_bar = (int)(p & PCIE_MSIX_BIR_MASK);
    ep->msix_pba_off = p & ~PCIE_MSIX_BIR_MASK;
    ep->msix_table = calloc((size_t)ep->msix_n, PCIE_MSIX_ENTRY_SIZE);
    ep->msix_pba = calloc((size_t)(ep->msix_n + 63) / 64, sizeof *ep->msix_pba);
    if (!ep->msix_table || !ep->msix_pba)
        return sim_err_set(err, "endpoint '%s': MSI-X table: out of memory", ep->fn->name);
    /* §7.7.2.5: every vector's Mask Bit is set at reset. */
    for (int i = 0; i < ep->msix_n; i++)
        ep->msix_table[i * PCIE_MSIX_ENTRY_SIZE + 12] = MSIX_CTRL_MASKBIT;
    return 0;
}

void pcie_msix_detach(pcie_endpoint *ep)
{
    free(ep->msix_table);
    free(ep->msix_pba);
    ep->msix_table = NULL;
    ep->msix_pba = NULL;
    ep->msix_n = 0;
}

static uint16_t msix_ctrl(const pcie_endpoint *ep)
{
    return pcie_cfg_get16(&ep->fn->cfg, (uint16_t)(ep->msix_cap + PCIE_MSIX_FLAGS));
}

static bool msix_enabled(const pcie_endpoint *ep)
{
    return ep->msix_n > 0 && (msix_ctrl(ep) & PCIE_MSIX_FLAGS_ENABLE);
}

static bool pba_test(const pcie_endpoint *ep, int v)
{
    return ep->msix_pba[v / 64] >> (v % 64) & 1;
}

static void pba_set(pcie_endpoint *ep, int v, bool on)
{
    if (on)
        ep->msix_pba[v / 64] |= 1ULL << (v % 64);
    else
        ep->msix_pba[v / 64] &= ~(1ULL << (v % 64));
}

static bool msix_vector_masked(const pcie_endpoint *ep, int v)
{
    return (msix_ctrl(ep) & PCIE_MSIX_FLAGS_MASKALL) ||
           (le32(ep->msix_table + v * PCIE_MSIX_ENTRY_SIZE + 12) & MSIX_CTRL_MASKBIT);
}

static int msix_send(pcie_endpoint *ep, int v)
{
    const uint8_t *e = ep->msix_table + v * PCIE_MSIX_ENTRY_SIZE;
    uint64_t addr = (uint64_t)le32(e) | (uint64_t)le32(e + 4) << 32;
    return send_msg(ep, addr, le32(e + 8));
}

/* §6.1.4.5 (MSI-X): a pending vector whose masks are all clear is sent, and its bit cleared. */
static void msix_flush(pcie_endpoint *ep)
{
    if (!msix_enabled(ep))
        return;
    for (int v = 0; v < ep->msix_n; v++)
        if (pba_test(ep, v) && !msix_vector_masked(ep, v) && msix_send(ep, v) == 0)
            pba_set(ep, v, false);
}

bool pcie_msix_mmio(pcie_endpoint *ep, int bar, uint64_t off, int size, bool is_write,
                    uint64_t *val)
{
    if (ep->msix_n == 0)
        return false;
    uint64_t tsz = (uint64_t)ep->msix_n * PCIE_MSIX_ENTRY_SIZE;
    uint64_t psz = (uint64_t)(ep->msix_n + 63) / 64 * 8;
    bool in_table = bar == ep->msix_table_bar && off >= ep->msix_table_off &&
                    off + (uint64_t)size <= ep->msix_table_off + tsz;
    bool in_pba = bar == ep->msix_pba_bar && off >= ep->msix_pba_off &&
                  off + (uint64_t)size <= ep->msix_pba_off + psz;
    if (!in_table && !in_pba)
        return false;
    uint8_t *base = in_table ? ep->msix_table + (off - ep->msix_table_off)
                             : (uint8_t *)0;
    if (!is_write) {
        uint64_t v = 0;
        for (int i = 0; i < size; i++) {
            uint8_t b;
            if (in_table) {
                b = base[i];
            } else {
                uint64_t byte = off - ep->msix_pba_off + (uint64_t)i;
                b = (uint8_t)(ep->msix_pba[byte / 8] >> (8 * (byte % 8)));
            }
            v |= (uint64_t)b << (8 * i);
        }
        *val = v;
        return true;
    }
    if (in_pba)
        return true;   /* §7.7.2.10: the PBA is read-only */
    for (int i = 0; i < size; i++)
        base[i] = (uint8_t)(*val >> (8 * i));
    /* An unmask of a pending vector sends it now. */
    msix_flush(ep);
    return true;
}

/* ---- MSI ---- */

typedef struct msi_regs {
    uint8_t cap;
    uint16_t ctrl;
    bool is64, maskable;
    uint16_t mask_off, pend_off;
} msi_regs;

static bool msi_find(const pcie_endpoint *ep, msi_regs *r)
{
    r->cap = pcie_cap_find(&ep->fn->cfg, PCIE_CAP_ID_MSI);
    if (!r->cap)
        return false;
    r->ctrl = pcie_cfg_get16(&ep->fn->cfg, (uint16_t)(r->cap + PCIE_MSI_FLAGS));
    r->is64 = r->ctrl & PCIE_MSI_FLAGS_64BIT;
    r->maskable = r->ctrl & PCIE_MSI_FLAGS_MASKBIT;
    r->mask_off = (uint16_t)(r->cap + (r->is64 ? PCIE_MSI_MASK_64 : PCIE_MSI_MASK_32));
    r->pend_off = (uint16_t)(r->cap + (r->is64 ? PCIE_MSI_PENDING_64 : MSI_PENDING_32));
    return true;
}

static unsigned msi_nvec(const msi_regs *r)
{
    /* §7.7.1.2: Multiple Message Enable, log2 of the vectors allocated (at most the capable). */
    unsigned mme = (r->ctrl & PCIE_MSI_FLAGS_QSIZE) >> 4, mmc = (r->ctrl & PCIE_MSI_FLAGS_QMASK) >> 1;
    return 1u << (mme < mmc ? mme : mmc);
}

static int msi_send(pcie_endpoint *ep, const msi_regs *r, unsigned v)
{
    const pcie_cfg *c = &ep->fn->cfg;
    uint64_t addr = pcie_cfg_get32(c, (uint16_t)(r->cap + PCIE_MSI_ADDRESS_LO));
    uint16_t data;
    if (r->is64) {
        addr |= (uint64_t)pcie_cfg_get32(c, (uint16_t)(r->cap + PCIE_MSI_ADDRESS_HI)) << 32;
        data = pcie_cfg_get16(c, (uint16_t)(r->cap + PCIE_MSI_DATA_64));
    } else {
        data = pcie_cfg_get16(c, (uint16_t)(r->cap + PCIE_MSI_DATA_32));
    }
    /* §6.1.4.2: with several vectors, the function modifies the low bits of Message Data. */
    unsigned n = msi_nvec(r);
    data = (uint16_t)((data & ~(n - 1)) | v);
    return send_msg(ep, addr, data);
}

static void msi_flush(pcie_endpoint *ep)
{
    msi_regs r;
    if (!msi_find(ep, &r) || !(r.ctrl & PCIE_MSI_FLAGS_ENABLE) || !r.maskable || msix_enabled(ep))
        return;
    pcie_cfg *c = &ep->fn->cfg;
    uint32_t pend = pcie_cfg_get32(c, r.pend_off), mask = pcie_cfg_get32(c, r.mask_off);
    for (unsigned v = 0; v < msi_nvec(&r); v++)
        if ((pend >> v & 1) && !(mask >> v & 1) && msi_send(ep, &r, v) == 0)
            pcie_cfg_bits32(c, r.pend_off, 0, 1u << v);
}

int pcie_dev_msi(pcie_endpoint *ep, unsigned vector)
{
    if (!ep)
        return -1;
    if (msix_enabled(ep)) {
        if (vector >= (unsigned)ep->msix_n) {
            sim_log(SIM_LOG_WARN, "pcie", "%s: MSI-X vector %u: table has %d entries",
                    ep->fn->name, vector, ep->msix_n);
            return -1;
        }
        if (msix_vector_masked(ep, (int)vector)) {
            pba_set(ep, (int)vector, true);
            ep->fabric->stats.msi_pended++;
            return 0;
        }
        return msix_send(ep, (int)vector);
    }
    msi_regs r;
    if (!msi_find(ep, &r) || !(r.ctrl & PCIE_MSI_FLAGS_ENABLE))
        return -1;
    if (vector >= msi_nvec(&r)) {
        sim_log(SIM_LOG_WARN, "pcie", "%s: MSI vector %u: %u enabled", ep->fn->name, vector,
                msi_nvec(&r));
        return -1;
    }
    if (r.maskable && (pcie_cfg_get32(&ep->fn->cfg, r.mask_off) >> vector & 1)) {
        pcie_cfg_bits32(&ep->fn->cfg, r.pend_off, 1u << vector, 0);
        ep->fabric->stats.msi_pended++;
        return 0;
    }
    return msi_send(ep, &r, vector);
}

/* ---- INTx ---- */

typedef struct intx_msg {
    pcie_endpoint *ep;
    int pin;
    bool asserted;
} intx_msg;

static void intx_arrived(void *arg, bool delivered)
{
    intx_msg *m = arg;
    pcie_fabric *f = m->ep->fabric;
    if (delivered && f->host && f->host->intx)
        f->host->intx(f->host_ctx, pcie_dev_requester_id(m->ep), m->pin, m->asserted);
    free(m);
}

/* PCI-to-PCI Bridge Spec 1.2 §9.1 (and PCIe Base Spec §2.2.8.1): going up through a bridge, INTx
 * of the device with number d on its secondary bus becomes INT((pin - 1 + d) mod 4). Below a root
 * or downstream port the device is number 0; a switch's downstream port i is device i. */
static int swizzle(const pcie_endpoint *ep, int pin)
{
    int p = pin - 1;
    for (int i = 1; i < ep->depth; i++)
        p += ep->path[i]->index;
    return p % 4 + 1;
}

static void intx_update(pcie_endpoint *ep)
{
    pcie_cfg *c = &ep->fn->cfg;
    int pin = pcie_cfg_get8(c, PCIE_INTERRUPT_PIN);
    /* §7.5.1.1.4: Interrupt Status follows the function's interrupt, Interrupt Disable or not. */
    pcie_cfg_bits16(c, PCIE_STATUS, ep->intx_wire ? PCIE_STATUS_INTX : 0,
                    ep->intx_wire ? 0 : PCIE_STATUS_INTX);
    msi_regs r;
    bool msi_on = msix_enabled(ep) || (msi_find(ep, &r) && (r.ctrl & PCIE_MSI_FLAGS_ENABLE));
    /* §7.5.1.1.3: Interrupt Disable set (or MSI/MSI-X enabled, §6.1.4) stops INTx; an asserted
     * INTx is deasserted then. */
    bool level = ep->intx_wire && pin >= 1 && pin <= 4 &&
                 !(pcie_cfg_get16(c, PCIE_COMMAND) & PCIE_COMMAND_INTX_DIS) && !msi_on;
    if (level == ep->intx_sent || pin < 1 || pin > 4 || !pcie_dev_link_up(ep))
        return;
    intx_msg *m = malloc(sizeof *m);
    if (!m)
        return;
    ep->intx_sent = level;
    m->ep = ep;
    m->pin = swizzle(ep, pin);
    m->asserted = level;
    ep->fabric->stats.intx_msgs++;
    pcie_tlp_send(ep, PCIE_DIR_UP, PCIE_TLP_MSG, 0, intx_arrived, m);
}

void pcie_dev_intx(pcie_endpoint *ep, bool asserted)
{
    if (!ep)
        return;
    ep->intx_wire = asserted;
    intx_update(ep);
}

/* ---- configuration writes that change what may be signalled ---- */

static bool overlaps(uint16_t off, int size, uint16_t reg, int len)
{
    return off < reg + len && reg < off + size;
}

void pcie_endpoint_cfg_written(pcie_function *fn, uint16_t off, int size)
{
    pcie_endpoint *ep = fn->ep;
    if (!ep)
        return;
    msi_regs r;
    bool has_msi = msi_find(ep, &r);
    if (ep->msix_n > 0 && overlaps(off, size, (uint16_t)(ep->msix_cap + PCIE_MSIX_FLAGS), 2))
        msix_flush(ep);
    if (has_msi && overlaps(off, size, r.cap, r.pend_off + 4 - r.cap))
        msi_flush(ep);
    if (overlaps(off, size, PCIE_COMMAND, 2) ||
        (has_msi && overlaps(off, size, (uint16_t)(r.cap + PCIE_MSI_FLAGS), 2)) ||
        (ep->msix_n > 0 && overlaps(off, size, (uint16_t)(ep->msix_cap + PCIE_MSIX_FLAGS), 2)))
        intx_update(ep);
}
