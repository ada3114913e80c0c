/* fabric_internal.h — the objects a built fabric is made of, shared by the fabric's own files
 * (root_complex.c, bridge.c, switch.c, endpoint.c): functions with their configuration space,
 * downstream-facing ports with their link and child, switches. Not for use outside devices/pcie. */
#ifndef VMKSIM_PCIE_FABRIC_INTERNAL_H
#define VMKSIM_PCIE_FABRIC_INTERNAL_H

#include "devices/pcie/caps.h"
#include "devices/pcie/config_space.h"
#include "devices/pcie/ep_model.h"
#include "devices/pcie/fabric.h"
#include "devices/pcie/link_timing.h"
#include "devices/pcie/pci_access.h"

/* Root ports sit on bus 0 at devices PCIE_RC_FIRST_DEV.. (device 0 is left to a host bridge, as
 * on PC chipsets), each as function 0 of its own device. */
#define PCIE_RC_FIRST_DEV 1
#define PCIE_RC_MAX_ROOT_PORTS (32 - PCIE_RC_FIRST_DEV)

/* Standard-capability placement shared by all port functions (root, upstream, downstream). */
#define PCIE_PORT_CAP_EXP  0x40   /* PCI Express capability, 0x3C bytes */
#define PCIE_PORT_CAP_PM   0x80
#define PCIE_PORT_CAP_MSI  0x88   /* 64-bit MSI, one vector: hot-plug / PME events */

struct pcie_switch;
struct pcie_slot;

typedef struct pcie_function {
    pcie_fn_kind kind;
    char name[PLATFORM_NAME_LEN + 16];
    pcie_cfg cfg;
    /* endpoint */
    const pcie_ep_model *model;
    void *model_state;
    struct pcie_endpoint *ep;      /* data-path handle (endpoints only, set by the fabric build) */
} pcie_function;

/* Outlives its fabric while simulation callbacks still refer to it: a fabric freed with TLPs in
 * flight (a run stopped early) turns their later events into no-ops instead of use-after-free. */
typedef struct pcie_fabric_life {
    bool alive;
    uint64_t refs;
} pcie_fabric_life;

/* One direction of a link: TLPs are sent one after another (data path, link_occupancy.c). */
typedef enum pcie_dir { PCIE_DIR_DOWN = 0, PCIE_DIR_UP = 1 } pcie_dir;

typedef struct pcie_link_state {
    sim_time_t busy_until[2];      /* indexed by pcie_dir: the transmitter is free from then on */
    uint64_t tlps[2];              /* TLPs sent in each direction */
    uint64_t busy_ps[2];           /* time spent sending them */
} pcie_link_state;

/* A downstream-facing port (root port or switch downstream port) and its link. */
typedef struct pcie_port {
    pcie_function fn;              /* type-1 header */
    int index;                     /* in its parent (root port i, or switch port i) */
    int slot;
    bool hotplug;
    pcie_link_params link;
    bool link_up;
    pcie_link_state occ;           /* the link's two directions (data path) */
    pcie_node_kind child_kind;
    pcie_function *child_ep;       /* child_kind == PCIE_NODE_ENDPOINT */
    struct pcie_switch *child_sw;  /* child_kind == PCIE_NODE_SWITCH */
    struct pcie_slot *hp;          /* hot-plug slot controller (slot.c), NULL if not hot-plug */
} pcie_port;

typedef struct pcie_switch {
    char name[PLATFORM_NAME_LEN];
    bool cut_through;              /* pcie_switch_desc: false = store-and-forward */
    sim_time_t hop_latency_ps;
    pcie_function up;              /* upstream port, type-1 header */
    int nports;
    pcie_port *ports;              /* downstream ports: devices 0..nports-1 on up's secondary bus */
} pcie_switch;

/* The data-path handle of an endpoint (pci_access.h): where it sits and its interrupt state. */
struct pcie_endpoint {
    pcie_fabric *fabric;
    pcie_function *fn;
    int depth;                     /* number of links between the root complex and the function */
    pcie_port **path;              /* path[0] root port ... path[depth-1] the port above fn;
                                    * path[i]->child_sw (i < depth-1) is the switch between */
    bool intx_wire;                /* the model's INTx level */
    bool intx_sent;                /* the level the upstream side last saw (Assert sent) */
    /* MSI-X table and PBA (PCIe Base Spec 6.8.2), served by the fabric from the BARs the
     * capability names; msix_n == 0 when the function has no MSI-X capability. */
    uint8_t msix_cap;
    int msix_n;
    int msix_table_bar, msix_pba_bar;
    uint32_t msix_table_off, msix_pba_off;
    uint8_t *msix_table;           /* msix_n x 16 bytes */
    uint64_t *msix_pba;            /* (msix_n + 63) / 64 words */
    /* Hot-plug (slot.c): a card pulled out is "gone" (its link is down for good, whatever the
     * slot does later); its handle is freed once no TLP of it is in flight (inflight). */
    bool gone;
    uint64_t inflight;
};

/* ---- data path internals ---- */

/* A TLP travelling along an endpoint's path (link_occupancy.c). arrive(arg, true) runs at the
 * simulated time the TLP has been received whole at the far end; arrive(arg, false) runs instead
 * when a link on the way is down as the TLP reaches it (the TLP is lost, the sender learns). */
typedef void (*pcie_tlp_arrive_fn)(void *arg, bool delivered);
/* Sends one TLP from the root complex down to ep (dir DOWN) or from ep up to the root complex
 * (dir UP), entering the first link's transmit queue now. Returns the time the TLP has left the
 * first link's transmitter (the sender is free then); arrive runs when it is received whole at
 * the far end. */
sim_time_t pcie_tlp_send(pcie_endpoint *ep, pcie_dir dir, pcie_tlp_kind kind, uint32_t payload,
                         pcie_tlp_arrive_fn arrive, void *arg);

/* link_occupancy.c: a reference for a pending callback; put returns whether the fabric still
 * exists (and frees the life record after the fabric and its last reference are gone). */
pcie_fabric_life *pcie_fabric_life_get(pcie_fabric *f);
bool pcie_fabric_life_put(pcie_fabric_life *l);

/* msi.c: MSI-X table state, and host MMIO to the table / PBA ranges. serve returns true when the
 * access fell inside the table or PBA (then *val holds a read's value). */
int pcie_msix_attach(pcie_endpoint *ep, sim_err *err);
void pcie_msix_detach(pcie_endpoint *ep);
bool pcie_msix_mmio(pcie_endpoint *ep, int bar, uint64_t off, int size, bool is_write,
                    uint64_t *val);

struct pcie_fabric {
    pcie_fabric_life *life;
    int nroot_ports;
    pcie_port *root_ports;
    /* data path */
    sim_time_t rc_latency_ps;      /* platform_desc.root_complex_latency_ps */
    const pcie_host_ops *host;
    void *host_ctx;
    pcie_fabric_stats stats;
    int neps;
    struct pcie_endpoint **eps;    /* every endpoint, in platform order */
    /* hot-plug (slot.c) */
    int nslots;
    struct pcie_slot **slots;      /* every hot-plug slot, in platform order */
    int nretired;
    struct pcie_endpoint **retired; /* pulled cards waiting for their last TLP (endpoint.c) */
};

/* slot.c: creates the slot controllers of every hot-plug port once the fabric is whole (hooks
 * their Slot Control writes), and frees them (cancelling their pending timers). */
int pcie_fabric_slots_build(pcie_fabric *f, sim_err *err);
void pcie_fabric_slots_free(pcie_fabric *f);

/* endpoint.c: hot-plug. attach_one creates the data-path handle of a card inserted below
 * path[depth-1] and calls its model's attach; retire takes a pulled card's handle off the list of
 * live endpoints (gone: its link is down for good) and frees it, with its function and model
 * state, once no TLP of it is in flight; reap frees the retired handles that are idle now. */
int pcie_endpoint_attach_one(pcie_fabric *f, pcie_port *const *path, int depth, pcie_function *fn,
                             sim_err *err);
void pcie_endpoint_retire(pcie_fabric *f, pcie_endpoint *ep);
void pcie_fabric_reap(pcie_fabric *f, bool all);

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

/* endpoint.c: creates the data-path handles of every endpoint and calls each model's attach. */
int pcie_fabric_attach_endpoints(pcie_fabric *f, sim_err *err);
void pcie_fabric_detach_endpoints(pcie_fabric *f);
/* A configuration write reached an endpoint (root_complex.c): the data path re-evaluates INTx
 * (Command.InterruptDisable) and pending MSI/MSI-X vectors whose masks changed. */
void pcie_endpoint_cfg_written(pcie_function *fn, uint16_t off, int size);

/* Identity of the modelled port functions (PCI ID Repository names). */
#define PCIE_RP_VENDOR 0x8086  /* Intel */
#define PCIE_RP_DEVICE 0x2030  /* Sky Lake-E PCI Express Root Port A */
#define PCIE_SW_VENDOR 0x10B5  /* PLX Technology (Broadcom) */
#define PCIE_SW_DEVICE 0x8796  /* PEX 8796 96-lane Gen3 switch: same ID on up- and downstream ports */

#endif
