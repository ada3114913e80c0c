/* fabric.h — the PCIe fabric built from a platform description: root complex (ECAM), root ports,
 * switches, endpoints. Configuration requests are routed as on real hardware: bus 0 is the root
 * complex's internal bus; type-1 headers' secondary/subordinate bus numbers route further. */
#ifndef VMKSIM_PCIE_FABRIC_H
#define VMKSIM_PCIE_FABRIC_H

#include <stdint.h>

#include "devices/pcie/platform.h"
#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pcie_fabric pcie_fabric;

int pcie_fabric_build(const platform_desc *desc, pcie_fabric **out, sim_err *err);
void pcie_fabric_free(pcie_fabric *f);

/* Configuration access through ECAM: size 1, 2 or 4, offset naturally aligned, < 4096.
 * A read of an absent function returns all ones; a write to one is dropped. */
uint32_t pcie_cfg_read(pcie_fabric *f, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, int size);
void pcie_cfg_write(pcie_fabric *f, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, int size,
                    uint32_t val);

/* ECAM as memory: offset = bus << 20 | dev << 15 | fn << 12 | reg (PCIe Base Spec 7.2.2). */
uint32_t pcie_ecam_read(pcie_fabric *f, uint64_t ecam_offset, int size);
void pcie_ecam_write(pcie_fabric *f, uint64_t ecam_offset, int size, uint32_t val);

#ifdef __cplusplus
}
#endif
#endif
