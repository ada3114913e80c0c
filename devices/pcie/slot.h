/* slot.h — the hot-plug slot controller of a root port or switch downstream port (PCIe Base Spec
 * 5.0 §6.7 "PCI Express Hot-Plug Support", registers §7.5.3.9-11, DLL Link Active §7.5.3.8): what
 * the scenario and hot-plug layers do to a slot physically (insert or pull a card, press the
 * attention button, open the MRL, cause a power fault or a link failure) and what they may ask of
 * it. Software drives the slot through its configuration registers only. docs/hotplug-slots.md. */
#ifndef VMKSIM_PCIE_SLOT_H
#define VMKSIM_PCIE_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pcie/fabric.h"
#include "sim/err.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pcie_slot pcie_slot;

/* Timing parameters of a slot (docs/hotplug-slots.md gives each one's source). */
typedef struct pcie_slot_timing {
    sim_time_t cmd_complete_ps;    /* Slot Control write -> Command Completed */
    sim_time_t power_stable_ps;    /* main power on -> PERST# released (CEM T_PVPERL) */
    sim_time_t detect_ps;          /* PERST# released -> LTSSM in Detect (Base §6.6.1) */
    sim_time_t train_ps;           /* Detect -> DL_Active: Polling + Configuration */
} pcie_slot_timing;

pcie_slot_timing pcie_slot_timing_default(void);

/* The slot with this Physical Slot Number (> 0) among the fabric's hot-plug capable ports, or
 * NULL. pcie_slot_find_port finds one by its port's name ("rp0", "sw0.dp2"). */
pcie_slot *pcie_slot_find(pcie_fabric *f, int slot_no);
pcie_slot *pcie_slot_find_port(pcie_fabric *f, const char *port_name);
/* Every hot-plug slot of the fabric in platform order: count, and the i-th. */
int pcie_slot_count(const pcie_fabric *f);
pcie_slot *pcie_slot_at(pcie_fabric *f, int i);

void pcie_slot_set_timing(pcie_slot *s, const pcie_slot_timing *t);
/* Intel erratum CF118 behaviour (off by default, i.e. as the spec says): a Slot Control write
 * that changes none of AIC, PIC, PCC and EIC does not signal Command Completed. */
void pcie_slot_set_cf118(pcie_slot *s, bool on);

/* ---- physical events (scenario / hot-plug layers); each returns 0 or -1 with err ---- */

/* A card of a registered endpoint model is pushed in: Presence Detect State set, Presence Detect
 * Changed; the function exists behind the port but is reachable only once the slot is powered and
 * the link has trained. Fails if the slot is occupied, the model unknown or its config bad. */
int pcie_slot_insert(pcie_slot *s, const char *model, const char *instance_name, sim_err *err);
/* The card is pulled out, powered or not: presence and link drop at once (a surprise removal if
 * the slot was powered). Fails if the slot is empty. */
int pcie_slot_remove_surprise(pcie_slot *s, sim_err *err);
/* The attention button is pressed: Attention Button Pressed is set. */
int pcie_slot_press_button(pcie_slot *s, sim_err *err);
/* The manually operated retention latch is opened (true) or closed: MRL Sensor State follows,
 * MRL Sensor Changed is set; an open MRL removes slot power (§6.7.1.3). */
int pcie_slot_set_mrl(pcie_slot *s, bool open, sim_err *err);
/* The power controller detects a fault: Power Fault Detected set, slot power removed until
 * software clears PFD and commands power on again. */
int pcie_slot_power_fault(pcie_slot *s, sim_err *err);
/* The link fails while the card stays in and powered: DLL Link Active clears, DLLSC set. The link
 * stays down until the slot is power-cycled (PCC off then on) or the card is re-inserted. */
int pcie_slot_link_down(pcie_slot *s, sim_err *err);

/* ---- state queries ---- */
typedef struct pcie_slot_state {
    int slot_no;
    const char *port_name;
    bool card_present;        /* a card is physically in the slot */
    const char *card_name;    /* its instance name, NULL when empty */
    bool mrl_open;
    bool powered;             /* main power is applied to the slot */
    bool link_active;         /* DLL Link Active */
    bool link_training;       /* power is on and the link is on its way up */
    bool power_fault;         /* the fault latch is set */
    bool interlock_engaged;   /* Electromechanical Interlock (Slot Status EIS) */
    int attention_ind;        /* Slot Control AIC field: 1 on, 2 blink, 3 off */
    int power_ind;            /* Slot Control PIC field */
    uint16_t sltctl, sltsta;  /* the registers as software reads them */
    uint64_t commands;        /* Slot Control writes seen */
    uint64_t interrupts;      /* hot-plug interrupts signalled (MSI, MSI-X or INTx assert) */
} pcie_slot_state;

void pcie_slot_get_state(const pcie_slot *s, pcie_slot_state *out);
/* The endpoint in the slot (data-path handle), or NULL when empty. */
struct pcie_endpoint *pcie_slot_endpoint(pcie_slot *s);

#ifdef __cplusplus
}
#endif
#endif
