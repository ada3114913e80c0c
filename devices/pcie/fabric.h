/* fabric.h — the PCIe fabric built from a platform description: root complex (ECAM), root ports,
 * switches, endpoints. Configuration requests are routed as on real hardware: bus 0 is the root
 * complex's internal bus; type-1 headers' secondary/subordinate bus numbers route further. */
#ifndef VMKSIM_PCIE_FABRIC_H
#define VMKSIM_PCIE_FABRIC_H

#include <stdint.h>

#include "devices/pcie/ep_model.h"
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

/* ---- topology walk (tests, tools; the kernel finds devices by enumeration instead) ----
 * Root ports are bus 0 devices 1..N (device 0 is left to a host bridge), function 0 each; below a
 * root or downstream port only device 0 exists; a switch's downstream ports are devices 0..n-1 on
 * its upstream port's secondary bus. */
typedef enum pcie_fn_kind {
    PCIE_FN_ROOT_PORT,
    PCIE_FN_SWITCH_UP,
    PCIE_FN_SWITCH_DOWN,
    PCIE_FN_ENDPOINT,
} pcie_fn_kind;

typedef struct pcie_topo_node {
    pcie_fn_kind kind;
    int depth;                   /* 0 for root ports, +1 per level below */
    const char *name;            /* instance name (root ports: "rp<i>", switch ports "<sw>.up/.dp<i>") */
    const char *model;           /* endpoint model name, NULL for ports */
    int slot;                    /* root/downstream ports: physical slot number (0 = none) */
    bool hotplug;
    pcie_link_params link;       /* ports: the link below; endpoints/upstream ports: the link above */
    bool link_up;
    bool reachable;              /* a configuration request reaches it with today's bus numbers */
    uint8_t bus, dev, fn;        /* where, when reachable */
} pcie_topo_node;

typedef void (*pcie_topo_visit_fn)(void *ctx, const pcie_topo_node *node);
/* Visits every function depth-first in platform order (a port before what is below it). */
void pcie_fabric_walk(pcie_fabric *f, pcie_topo_visit_fn visit, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
