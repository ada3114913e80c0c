/* caps.h — builders for the capability structures a function declares (PCIe Base Spec 5.0 §7.5.3
 * PCI Express capability, §7.7.1 MSI, §7.7.2 MSI-X, §7.8.4 AER; PCI PM 1.2 §3 Power Management),
 * each with its reset values and write masks, linked into the function's capability lists; plus
 * the hardware-side updates of link and slot state and the list walkers. */
#ifndef VMKSIM_PCIE_CAPS_H
#define VMKSIM_PCIE_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pcie/config_space.h"
#include "devices/pcie/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Each builder claims the bytes at off (dword aligned, inside the PCI-compatible region for the
 * standard list, >= 0x100 for the extended list), links the capability after the last one added
 * and returns false if it cannot (overlap, out of range, bad parameter). */

/* Power Management, version 3 (PCI PM 1.2). pmc_extra: D1/D2 support and PME_Support bits. */
bool pcie_cap_add_pm(pcie_cfg *c, uint8_t off, uint16_t pmc_extra);

/* MSI: 2^log2_vectors vectors capable (0..5), 32- or 64-bit address, optional per-vector masks. */
bool pcie_cap_add_msi(pcie_cfg *c, uint8_t off, int log2_vectors, bool addr64, bool per_vector_mask);

/* MSI-X: table_size entries; table and PBA each in a declared memory BAR at a given offset
 * (8-byte aligned, inside the BAR). */
bool pcie_cap_add_msix(pcie_cfg *c, uint8_t off, int table_size, int table_bir, uint32_t table_off,
                       int pba_bir, uint32_t pba_off);

/* The PCI Express capability's function-specific facts. */
typedef struct pcie_exp_params {
    int port_type;                /* PCIE_EXP_TYPE_* */
    pcie_link_params link;        /* the link this function's port sits on */
    bool link_up;
    int port_number;              /* LNKCAP Port Number */
    bool slot_implemented;        /* root / downstream port with a slot */
    int slot;                     /* Physical Slot Number */
    bool hotplug;                 /* slot is hot-plug capable */
    bool occupied;                /* a card is present in the slot (or below a slotless port) */
} pcie_exp_params;

bool pcie_cap_add_exp(pcie_cfg *c, uint8_t off, const pcie_exp_params *p);

/* Advanced Error Reporting (root ports carry the Root Error registers too). */
bool pcie_ecap_add_aer(pcie_cfg *c, uint16_t off, bool root_port);

/* Encodings of §7.5.3.3/7.5.3.4: 128 B -> 0 ... 4096 B -> 5; -1 if not a power of two in range. */
int pcie_size_encode(int bytes);

/* Walkers: offset of the first capability with this ID, 0 if none. They stop on loops. */
uint8_t pcie_cap_find(const pcie_cfg *c, uint8_t id);
uint16_t pcie_ecap_find(const pcie_cfg *c, uint16_t id);

/* Hardware-side state changes (no software write): the link's trained speed/width and DLL
 * state (LNKSTA, §7.5.3.8) and the slot's Presence Detect State (SLTSTA, §7.5.3.11). */
void pcie_cap_exp_set_link(pcie_cfg *c, const pcie_link_params *link, bool up);
void pcie_cap_exp_set_presence(pcie_cfg *c, bool present);

#ifdef __cplusplus
}
#endif
#endif
