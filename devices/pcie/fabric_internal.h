/* fabric_internal.h — the objects a built fabric is made of, shared by the fabric's own files
 * (root_complex.c, bridge.c, switch.c, endpoint.c): functions with their configuration space,
 * downstream-facing ports with their link and child, switches. Not for use outside devices/pcie. */
#ifndef VMKSIM_PCIE_FABRIC_INTERNAL_H
#define VMKSIM_PCIE_FABRIC_INTERNAL_H

#include "devices/pcie/caps.h"
#include "devices/pcie/config_space.h"
#include "devices/pcie/ep_model.h"
#include "devices/pcie/fabric.h"

/* Root ports sit on bus 0 at devices PCIE_RC_FIRST_DEV.. (device 0 is left to a host bridge, as
 * on PC chipsets), each as function 0 of its own device. */
#define PCIE_RC_FIRST_DEV 1
#define PCIE_RC_MAX_ROOT_PORTS (32 - PCIE_RC_FIRST_DEV)

/* Standard-capability placement shared by all port functions (root, upstream, downstream). */
#define PCIE_PORT_CAP_EXP  0x40   /* PCI Express capability, 0x3C bytes */
#define PCIE_PORT_CAP_PM   0x80
#define PCIE_PORT_CAP_MSI  0x88   /* 64-bit MSI, one vector: hot-plug / PME events */

struct pcie_switch;

typedef struct pcie_function {
    pcie_fn_kind kind;
    char name[PLATFORM_NAME_LEN + 16];
    pcie_cfg cfg;
    /* endpoint */
    const pcie_ep_model *model;
    void *model_state;
} pcie_function;

/* A downstream-facing port (root port or switch downstream port) and its link. */
typedef struct pcie_port {
    pcie_function fn;              /* type-1 header */
    int index;                     /* in its parent (root port i, or switch port i) */
    int slot;
    bool hotplug;
    pcie_link_params link;
    bool link_up;
    pcie_node_kind child_kind;
    pcie_function *child_ep;       /* child_kind == PCIE_NODE_ENDPOINT */
    struct pcie_switch *child_sw;  /* child_kind == PCIE_NODE_SWITCH */
} pcie_port;

typedef struct pcie_switch {
    char name[PLATFORM_NAME_LEN];
    pcie_function up;              /* upstream port, type-1 header */
    int nports;
    pcie_port *ports;              /* downstream ports: devices 0..nports-1 on up's secondary bus */
} pcie_switch;

struct pcie_fabric {
    int nroot_ports;
    pcie_port *root_ports;
};

/* root_complex.c: the function a configuration request for bus/dev/fn reaches, or NULL. */
pcie_function *pcie_fabric_route(pcie_fabric *f, uint8_t bus, uint8_t dev, uint8_t fn);

/* bridge.c: type-1 header of a port function; routing of a configuration request that a
 * downstream-facing port has claimed (bus within its secondary..subordinate). */
void pcie_bridge_init_header(pcie_cfg *c, uint16_t vendor, uint16_t device);
bool pcie_bridge_claims(const pcie_cfg *c, uint8_t bus);
pcie_function *pcie_port_route(pcie_port *port, uint8_t bus, uint8_t dev, uint8_t fn);
/* A port function's capabilities: PCIe (with slot for root/downstream ports), PM, MSI, AER. */
int pcie_port_add_caps(pcie_cfg *c, const pcie_exp_params *p, sim_err *err);

/* switch.c */
int pcie_switch_build(const pcie_switch_desc *d, const pcie_link_params *uplink, bool link_up,
                      pcie_switch **out, sim_err *err);
void pcie_switch_free(pcie_switch *sw);
pcie_function *pcie_switch_route(pcie_switch *sw, uint8_t bus, uint8_t dev, uint8_t fn);

/* port build shared by root ports and switch downstream ports (bridge.c). */
int pcie_port_build(pcie_port *port, const pcie_port_desc *d, int index, int port_type,
                    const char *parent_name, sim_err *err);
void pcie_port_free(pcie_port *port);

/* endpoint.c */
int pcie_endpoint_build(const pcie_endpoint_desc *d, const pcie_link_params *link, bool link_up,
                        pcie_function **out, sim_err *err);
void pcie_endpoint_free(pcie_function *ep);

/* Identity of the modelled port functions (PCI ID Repository names). */
#define PCIE_RP_VENDOR 0x8086  /* Intel */
#define PCIE_RP_DEVICE 0x2030  /* Sky Lake-E PCI Express Root Port A */
#define PCIE_SW_VENDOR 0x10B5  /* PLX Technology (Broadcom) */
#define PCIE_SW_DEVICE 0x8796  /* PEX 8796 96-lane Gen3 switch: same ID on up- and downstream ports */

#endif
