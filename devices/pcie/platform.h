/* platform.h — the declarative description of a simulated machine's PCIe platform, as a scenario
 * declares it: CPUs, root ports with their slots and links, switches, endpoints. The scenario layer
 * fills it (and validates each value where the script states it); the fabric is built from it
 * (pcie_fabric_build) and the kernel enumerates that fabric. */
#ifndef VMKSIM_PCIE_PLATFORM_H
#define VMKSIM_PCIE_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PLATFORM_MAX_ROOT_PORTS 32
#define PLATFORM_MAX_SWITCH_PORTS 32
#define PLATFORM_NAME_LEN 48

/* One PCIe link: generation 1-5, width x1/x2/x4/x8/x16, Max Payload Size and Max Read Request
 * Size in bytes (powers of two, 128-4096), 64-bit addressing for DMA TLPs. */
typedef struct pcie_link_params {
    int gen;
    int width;
    int mps;
    int mrrs;
    bool addr64;
} pcie_link_params;

typedef enum pcie_node_kind {
    PCIE_NODE_EMPTY,      /* an empty slot (a card may be hot-added later) */
    PCIE_NODE_ENDPOINT,
    PCIE_NODE_SWITCH,
} pcie_node_kind;

/* Where a declaration came from, for file:line messages reported after the script ran. */
typedef struct platform_origin {
    char file[256];
    int line;
} platform_origin;

typedef struct pcie_endpoint_desc {
    char model[PLATFORM_NAME_LEN];   /* a name pcie_ep_model_find() knows */
    char name[PLATFORM_NAME_LEN];    /* instance name, unique in the platform */
    char driver_style[16];           /* "native", "vmklinux" or "" (no driver yet) */
} pcie_endpoint_desc;

struct pcie_switch_desc;

/* A downstream-facing port: a root port or a switch downstream port, with the link to its child. */
typedef struct pcie_port_desc {
    int slot;                        /* physical slot number (unique in the platform), 0 = none */
    bool hotplug;                    /* slot is hot-plug capable */
    pcie_link_params link;           /* link between this port and its child */
    pcie_node_kind kind;
    pcie_endpoint_desc endpoint;     /* kind == PCIE_NODE_ENDPOINT */
    struct pcie_switch_desc *sw;     /* kind == PCIE_NODE_SWITCH (owned) */
    platform_origin origin;
} pcie_port_desc;

typedef struct pcie_switch_desc {
    char name[PLATFORM_NAME_LEN];
    bool cut_through;                /* false: store-and-forward */
    sim_time_t hop_latency_ps;       /* per-hop forwarding latency */
    int nports;
    pcie_port_desc ports[PLATFORM_MAX_SWITCH_PORTS];  /* downstream ports */
} pcie_switch_desc;

typedef struct platform_desc {
    int ncpus;
    uint64_t cpu_hz;
    sim_time_t root_complex_latency_ps;  /* root complex to memory and back, per request */
    int nroot_ports;
    pcie_port_desc root_ports[PLATFORM_MAX_ROOT_PORTS];
} platform_desc;

void platform_desc_init(platform_desc *p);      /* empty platform with documented defaults */
void platform_desc_free(platform_desc *p);      /* frees owned switches */
pcie_link_params pcie_link_params_default(void);

#ifdef __cplusplus
}
#endif
#endif
