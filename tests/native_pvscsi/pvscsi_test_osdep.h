/* pvscsi_test_osdep.h — the osdep glue the pvscsi_hw tests give the shared PVSCSI layer: register
 * access is pcie_mmio_read/write at the memory BAR + offset on a booted fabric, delay is sim_wait,
 * debug lines are kept for the test to inspect. Counts what the layer asked for. */
#ifndef VMKSIM_TEST_PVSCSI_OSDEP_H
#define VMKSIM_TEST_PVSCSI_OSDEP_H

#include <stdint.h>

#include "devices/pcie/pci_access.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pvscsi_test_os {
    pcie_fabric *fabric;
    uint64_t bar;
    uint64_t reads, writes;
    uint64_t delayed_us;
    unsigned debug_lines;
    char last_debug[192];
} pvscsi_test_os;

#ifdef __cplusplus
}
#endif
#endif
