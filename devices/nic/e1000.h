/* e1000.h — the Intel 82540EM device model (8254x SDM ch. 3, 5, 13): what scenarios and tests
 * see of an "e1000" endpoint's state — its wire port, MAC address, timing parameters and the
 * model's own counters. Register behaviour is reached only through BAR MMIO (pci_access.h). */
#ifndef VMKSIM_E1000_H
#define VMKSIM_E1000_H

#include <stdint.h>

#include "devices/wire/wire.h"
#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct e1000 e1000;

/* Device-internal timing and sizing. Every field is settable before traffic starts; defaults
 * and their rationale are in e1000_timing_default() and docs/nic.md. */
typedef struct e1000_timing {
    int wire_gbps;                 /* wire speed of the port: 1/10/25/40/100 */
    unsigned tx_desc_batch;        /* TX descriptors fetched per DMA read (1..64) */
    sim_time_t tx_desc_proc_ps;    /* per TX descriptor: decode before its buffer is fetched */
    sim_time_t rx_frame_proc_ps;   /* per RX frame: FIFO to start of descriptor fetch */
    sim_time_t eeprom_word_ps;     /* EERD: one 16-bit word from the serial EEPROM */
    sim_time_t mdic_ps;            /* MDIC: one PHY register access over MDIO */
} e1000_timing;

e1000_timing e1000_timing_default(void);

/* The model's own counters (beyond the SDM statistics registers, which read-to-clear). */
typedef struct e1000_counters {
    uint64_t irq_msi;              /* MSI messages sent */
    uint64_t irq_intx_asserts;     /* INTx assertions */
    uint64_t irq_throttled;        /* assertions ITR deferred */
    uint64_t tx_frames, tx_bytes;  /* frames handed to the wire (bytes without FCS) */
    uint64_t tx_dropped;           /* frames dropped by the transmitter (too long, DMA fault) */
    uint64_t rx_frames, rx_bytes;  /* frames written to host buffers */
    uint64_t rx_disabled;          /* frames arriving while RCTL.EN was clear */
    uint64_t rx_filtered;          /* frames the address filter rejected */
    uint64_t rx_errors;            /* frames dropped for CRC, length */
    uint64_t rx_missed;            /* frames dropped for lack of FIFO space (MPC) */
    uint64_t dma_errors;           /* DMA requests the host refused */
    uint64_t desc_errors;          /* descriptors the model could not process (DEXT, ring bounds) */
} e1000_counters;

/* From a pcie_endpoint_state() of an "e1000" endpoint. */
wire_port *e1000_port(e1000 *s);
void e1000_mac_address(const e1000 *s, uint8_t mac[6]);
e1000_timing *e1000_timing_params(e1000 *s);   /* modifiable; speed: use e1000_set_wire_speed */
int e1000_set_wire_speed(e1000 *s, int gbps, sim_err *err);
e1000_counters e1000_get_counters(const e1000 *s);

/* The per-instance MAC address: locally administered (02:...), from FNV-1a-64 of the name. */
void e1000_mac_from_name(const char *name, uint8_t mac[6]);

#ifdef __cplusplus
}
#endif
#endif
