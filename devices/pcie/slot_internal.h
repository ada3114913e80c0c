/* slot_internal.h — the hot-plug slot controller's state, shared by slot.c (registers, power,
 * link, commands, cards) and slot_irq.c (the hot-plug interrupt a port signals, PCIe Base Spec
 * 5.0 §6.7.3.4). Not for use outside devices/pcie. */
#ifndef VMKSIM_PCIE_SLOT_INTERNAL_H
#define VMKSIM_PCIE_SLOT_INTERNAL_H

#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/slot.h"

struct pcie_slot {
    pcie_fabric *f;
    pcie_port *port;
    pcie_port **path;          /* root port .. this port */
    int depth;                 /* entries in path */
    int slot_no;
    uint16_t exp;              /* PCI Express capability offset in the port's config space */
    uint32_t cap;              /* Slot Capabilities (read-only) */
    pcie_slot_timing tm;
    bool cf118;
    char card_model[PLATFORM_NAME_LEN], card_name[PLATFORM_NAME_LEN + 16];  /* as pcie_function.name */
    bool card_stale;           /* the card lost power: it is rebuilt when power returns */
    bool mrl_open, fault, link_failed, powered;
    bool training;             /* power is on, the link comes up at train_due */
    sim_time_t train_due;
    bool cc_pending;           /* a command completes at cc_due */
    sim_time_t cc_due;
    uint16_t ctl_shadow;       /* Slot Control after the last command */
    /* interrupts (slot_irq.c) */
    bool irq_cond;             /* the §6.7.3.4 condition at the last evaluation */
    bool intx_sent;            /* the INTx level the root complex last saw */
    pcie_endpoint up;          /* pseudo handle: the port's own messages up the links above it */
    uint64_t commands, interrupts;
};

uint16_t pcie_slot_ctl(const pcie_slot *s);
uint16_t pcie_slot_sta(const pcie_slot *s);

/* slot_irq.c */
void pcie_slot_irq_init(pcie_slot *s);
/* Re-evaluates the hot-plug interrupt condition after any change of Slot Status, Slot Control,
 * Command or the MSI capability: an MSI on a false-to-true edge, or the INTx level. */
void pcie_slot_irq_eval(pcie_slot *s);

#endif
