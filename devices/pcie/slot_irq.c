/* slot_irq.c — the hot-plug interrupt a root port or switch downstream port signals itself (PCIe
 * Base Spec 5.0 §6.7.3.4): the condition "HPIE set and at least one Slot Status event bit set
 * with its enable" is re-evaluated after every change; MSI (the port's own capability, §7.7.1,
 * vector = the PCI Express Capabilities' Interrupt Message Number) is sent on each false-to-true
 * transition, INTx (§2.2.8.1) follows the condition as a level when MSI is off. */
#include <stdlib.h>

#include "devices/pcie/pcie_regs.h"
#include "devices/pcie/slot_internal.h"

#define MSI_ADDR_BASE 0xFEE00000ULL  /* Intel SDM vol. 3 §11.11.1: MSI address window */
#define MSI_ADDR_MASK 0xFFF00000ULL

void pcie_slot_irq_init(pcie_slot *s)
{
    /* The port's messages cross the links above it: path[0 .. depth-2] (none for a root port,
     * whose messages stay inside the root complex). */
    s->up.fabric = s->f;
    s->up.fn = &s->port->fn;
    s->up.depth = s->depth - 1;
    s->up.path = s->path;
}

/* §2.2.6.2: the port's own Requester ID: a root port is bus 0 device PCIE_RC_FIRST_DEV + i; a
 * switch downstream port i is device i on the switch's internal bus. */
static uint16_t port_rid(const pcie_slot *s)
{
    if (s->depth == 1)
        return (uint16_t)((PCIE_RC_FIRST_DEV + s->port->index) << 3);
    const pcie_switch *sw = s->path[s->depth - 2]->child_sw;
    uint8_t bus = pcie_cfg_get8(&sw->up.cfg, PCIE_SECONDARY_BUS);
    return (uint16_t)(bus << 8 | s->port->index << 3);
}

typedef struct port_msg {
    pcie_fabric *f;
    pcie_fabric_life *life;   /* root ports: held until the zero-delay delivery runs */
    uint16_t rid;
    bool is_msi;
    uint64_t addr;
    uint32_t data;
    int pin;
    bool asserted;
} port_msg;

static void deliver(port_msg *m)
{
    const pcie_host_ops *h = m->f->host;
    if (!h)
        return;
    if (!m->is_msi) {
        if (h->intx)
            h->intx(m->f->host_ctx, m->rid, m->pin, m->asserted);
        return;
    }
    if ((m->addr & MSI_ADDR_MASK) == MSI_ADDR_BASE) {
        if (h->msi)
            h->msi(m->f->host_ctx, m->rid, m->addr, m->data);
    } else if (h->dma) {
        /* An address outside the interrupt window is an ordinary memory write (§6.1.4). */
        uint8_t le[4] = {(uint8_t)m->data, (uint8_t)(m->data >> 8), (uint8_t)(m->data >> 16),
                         (uint8_t)(m->data >> 24)};
        if (h->dma(m->f->host_ctx, m->rid, m->addr, le, 4, true) != PCIE_DMA_OK)
            m->f->stats.dma_faults++;
    }
}

static void arrived(void *arg, bool delivered)
{
    port_msg *m = arg;
    if (delivered)
        deliver(m);
    free(m);
}

static void root_deliver(void *arg)
{
    port_msg *m = arg;
    if (pcie_fabric_life_put(m->life))
        deliver(m);
    free(m);
}

static void send(pcie_slot *s, port_msg *m)
{
    m->f = s->f;
    m->rid = port_rid(s);
    if (s->up.depth == 0) {
        m->life = pcie_fabric_life_get(s->f);
        sim_call_after(0, root_deliver, m);
        return;
    }
    pcie_tlp_send(&s->up, PCIE_DIR_UP, m->is_msi ? PCIE_TLP_MSI : PCIE_TLP_MSG, m->is_msi ? 4 : 0,
                  arrived, m);
}

static bool path_up(const pcie_slot *s)
{
    for (int i = 0; i < s->up.depth; i++)
        if (!s->path[i]->link_up)
            return false;
    return true;
}

static void send_msi(pcie_slot *s, uint8_t cap, uint16_t ctrl)
{
    const pcie_cfg *c = &s->port->fn.cfg;
    /* §7.5.1.1.3: with Bus Master Enable clear a port sends no MSI (they are memory writes). */
    if (!(pcie_cfg_get16(c, PCIE_COMMAND) & PCIE_COMMAND_MASTER)) {
        sim_log(SIM_LOG_WARN, "pcie.slot", "slot %d: hot-plug MSI with Bus Master Enable clear: "
                "not sent", s->slot_no);
        return;
    }
    if (!path_up(s))
        return;
    port_msg *m = calloc(1, sizeof *m);
    if (!m)
        return;
    bool is64 = ctrl & PCIE_MSI_FLAGS_64BIT;
    m->is_msi = true;
    m->addr = pcie_cfg_get32(c, (uint16_t)(cap + PCIE_MSI_ADDRESS_LO));
    uint16_t data;
    if (is64) {
        m->addr |= (uint64_t)pcie_cfg_get32(c, (uint16_t)(cap + PCIE_MSI_ADDRESS_HI)) << 32;
        data = pcie_cfg_get16(c, (uint16_t)(cap + PCIE_MSI_DATA_64));
    } else {
        data = pcie_cfg_get16(c, (uint16_t)(cap + PCIE_MSI_DATA_32));
    }
    /* §7.5.3.2: hot-plug events use the vector the Interrupt Message Number names; §6.1.4.2:
     * with several vectors enabled the function puts it in the low bits of Message Data. */
    unsigned mme = (ctrl & PCIE_MSI_FLAGS_QSIZE) >> 4, mmc = (ctrl & PCIE_MSI_FLAGS_QMASK) >> 1;
    unsigned n = 1u << (mme < mmc ? mme : mmc);
    unsigned imn = (pcie_cfg_get16(c, (uint16_t)(s->exp + PCIE_EXP_FLAGS)) & PCIE_EXP_FLAGS_IRQ) >> 9;
    m->data = (uint16_t)((data & ~(n - 1)) | (imn & (n - 1)));
    s->interrupts++;
    s->f->stats.msi_sent++;
    sim_log(SIM_LOG_DEBUG, "pcie.slot", "slot %d: hot-plug MSI addr 0x%llx data 0x%x", s->slot_no,
            (unsigned long long)m->addr, (unsigned)m->data);
    send(s, m);
}

/* PCI-to-PCI Bridge Spec 1.2 §9.1: INTx is swizzled by the device number at each bridge it
 * crosses going up: a switch downstream port i is device i on its switch's internal bus. */
static int swizzle(const pcie_slot *s, int pin)
{
    int p = pin - 1;
    for (int i = 1; i < s->depth; i++)
        p += s->path[i]->index;
    return p % 4 + 1;
}

void pcie_slot_irq_eval(pcie_slot *s)
{
    pcie_cfg *c = &s->port->fn.cfg;
    uint16_t ctl = pcie_slot_ctl(s), sta = pcie_slot_sta(s);
    /* §6.7.3.4: ABP&ABPE, PFD&PFDE, MRLSC&MRLSCE, PDC&PDCE, CC&CCIE (status bits 4:0 match the
     * enable bits 4:0) and DLLSC&DLLSCE. */
    uint16_t en = (uint16_t)(ctl & 0x1F);
    if (ctl & PCIE_EXP_SLTCTL_DLLSCE)
        en |= PCIE_EXP_SLTSTA_DLLSC;
    bool cond = (ctl & PCIE_EXP_SLTCTL_HPIE) && (sta & en);
    bool rise = cond && !s->irq_cond;
    s->irq_cond = cond;

    uint8_t cap = pcie_cap_find(c, PCIE_CAP_ID_MSI);
    uint16_t ctrl = cap ? pcie_cfg_get16(c, (uint16_t)(cap + PCIE_MSI_FLAGS)) : 0;
    bool msi_on = ctrl & PCIE_MSI_FLAGS_ENABLE;
    if (msi_on && rise)
        send_msi(s, cap, ctrl);
    /* INTx: a level while MSI is off. §7.5.1.1.4: Interrupt Status follows it even with
     * Interrupt Disable set; §7.5.1.1.3: Interrupt Disable stops (and deasserts) the message. */
    bool pending = cond && !msi_on;
    pcie_cfg_bits16(c, PCIE_STATUS, pending ? PCIE_STATUS_INTX : 0, pending ? 0 : PCIE_STATUS_INTX);
    int pin = pcie_cfg_get8(c, PCIE_INTERRUPT_PIN);
    bool level = pending && !(pcie_cfg_get16(c, PCIE_COMMAND) & PCIE_COMMAND_INTX_DIS) &&
                 pin >= 1 && pin <= 4;
    if (level == s->intx_sent || !path_up(s))
        return;
    port_msg *m = calloc(1, sizeof *m);
    if (!m)
        return;
    s->intx_sent = level;
    if (level)
        s->interrupts++;
    s->f->stats.intx_msgs++;
    m->pin = swizzle(s, pin);
    m->asserted = level;
    send(s, m);
}
