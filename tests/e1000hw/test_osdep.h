/* test_osdep.h — the osdep glue the e1000hw tests give the shared hardware layer: register access
 * is pcie_mmio_read/write at BAR0 + offset on a booted fabric, delay is sim_wait, debug lines are
 * kept for the test to inspect. Counts what the layer asked for. */
#ifndef VMKSIM_TEST_E1000_OSDEP_H
#define VMKSIM_TEST_E1000_OSDEP_H

#include <stdint.h>

#include "devices/pcie/pci_access.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct e1000_test_os {
    pcie_fabric *fabric;
    uint64_t bar0;
    uint64_t reads, writes;   /* MMIO accesses made by the layer */
    uint64_t delayed_us;      /* sum of udelay requests */
    unsigned debug_lines;
    char last_debug[192];
} e1000_test_os;

#ifdef __cplusplus
}
#endif
#endif
