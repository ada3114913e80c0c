/* pci_tree.h — the simulated kernel's PCI device tree: what boot-time enumeration
 * (kernel_model/pci/enumerate.c) found and programmed, one kern_pci_dev per function, with the
 * address-space and bus-number policy in kern_pci_params (documented in docs/lspci.md). */
#ifndef VMKSIM_KERN_PCI_TREE_H
#define VMKSIM_KERN_PCI_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/pcie/fabric.h"
#include "kernel_model/kernel.h"
#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the platform decodes PCI addresses and how much a hot-plug port keeps in reserve. */
typedef struct kern_pci_params {
    uint64_t mem32_base, mem32_limit;  /* 32-bit non-prefetchable MMIO window (limit inclusive) */
    uint64_t pref64_base, pref64_limit;/* 64-bit prefetchable MMIO window above 4 GiB */
    uint64_t io_base, io_limit;        /* I/O port window */
    int hp_bus_reserve;                /* buses (secondary..subordinate) behind a hot-plug port */
    uint64_t hp_mem_reserve;           /* non-prefetchable window behind a hot-plug port */
    uint64_t hp_pref_reserve;          /* prefetchable window behind a hot-plug port */
    uint64_t hp_io_reserve;            /* I/O window behind a hot-plug port */
} kern_pci_params;

kern_pci_params kern_pci_params_default(void);

typedef enum kern_bar_type {
    KERN_BAR_NONE,   /* not implemented (sizing read back 0) or upper half of a 64-bit BAR */
    KERN_BAR_IO,
    KERN_BAR_MEM32,
    KERN_BAR_MEM64,
} kern_bar_type;

typedef struct kern_pci_bar {
    kern_bar_type type;
    bool prefetchable;
    uint64_t base;   /* assigned bus address */
    uint64_t size;   /* from the all-ones sizing protocol (7.5.1.2.1) */
} kern_pci_bar;

/* A bridge forwarding window; closed when base > limit (as the hardware encodes it). */
typedef struct kern_pci_range {
    uint64_t base, limit;  /* limit inclusive */
} kern_pci_range;

static inline bool kern_pci_range_open(const kern_pci_range *r) { return r->base <= r->limit; }

typedef struct kern_pci_dev kern_pci_dev;
struct kern_pci_dev {
    size_t index;                           /* position in kern_pci_tree.devs */
    uint8_t bus, dev, fn;
    uint16_t vendor_id, device_id;
    uint16_t subsys_vendor_id, subsys_id;   /* type 0 only; 0 otherwise */
    uint8_t revision;
    uint32_t class_code;                    /* base << 16 | sub << 8 | prog-if */
    uint8_t header_type;                    /* 0 or 1 (multi-function bit stripped) */
    bool multifunction;
    int nbars;                              /* 6 (type 0) or 2 (type 1) */
    kern_pci_bar bars[6];

    /* type 1 (bridges): bus numbers and forwarding windows as programmed */
    uint8_t primary, secondary, subordinate;
    kern_pci_range io, mem, pref;
    bool has_io_window, has_pref_window, pref_64bit;

    /* capabilities (offsets, 0 = absent) */
    uint8_t cap_pm, cap_msi, cap_msix, cap_exp;
    bool is_pcie;
    int port_type;                 /* KPCI_EXP_TYPE_* from the PCI Express capability, -1 if none */
    bool slot_implemented;
    int slot;                      /* Physical Slot Number from SLTCAP, 0 if none */
    bool hotplug_capable;          /* SLTCAP.HPC */
    bool slot_occupied;            /* SLTSTA.PDS at enumeration */
    int mps, mrrs;                 /* bytes, as programmed in DEVCTL (0 if not PCIe) */
    int mps_supported;             /* DEVCAP Max_Payload_Size Supported, bytes */

    kern_pci_dev *parent;          /* upstream bridge; NULL on bus 0 */
    kern_pci_dev *first_child;     /* functions on this bridge's secondary bus, by devfn */
    kern_pci_dev *next_sibling;
};

/* The tree: every function in depth-first discovery order (which is also B:D.F order). */
struct kern_pci_tree {
    kern_pci_params params;
    size_t ndevs;
    kern_pci_dev **devs;
    kern_pci_dev *first_root;      /* functions on bus 0 */
    uint8_t last_bus;              /* highest bus number assigned (including reservations) */
};

/* Enumerates the fabric the way an OS does at boot: numbers buses depth first, sizes and assigns
 * BARs, programs bridge windows (with hot-plug reservations), MPS/MRRS and Command. */
int kern_pci_enumerate(pcie_fabric *f, const kern_pci_params *params, kern_pci_tree **out,
                       sim_err *err);
void kern_pci_tree_free(kern_pci_tree *t);

kern_pci_dev *kern_pci_find(const kern_pci_tree *t, uint8_t bus, uint8_t dev, uint8_t fn);
size_t kern_pci_count(const kern_pci_tree *t);
kern_pci_dev *kern_pci_at(const kern_pci_tree *t, size_t i);   /* NULL when i >= count */

/* "BB:DD.F" into buf (>= 8 bytes); returns buf. */
const char *kern_pci_bdf(const kern_pci_dev *d, char *buf, size_t len);
const char *kern_pcie_port_type_name(int port_type);

/* ---- hot-plug (kernel_model/hotplug) ---- */
/* Scans port's secondary bus after a card behind it came up: new functions join the tree in
 * B:D.F order, get bus numbers inside port's secondary..subordinate, MPS, BARs and bridge windows
 * inside port's windows, and Command. On error nothing new stays. *nadded: functions found. */
int kern_pci_hotplug_scan(pcie_fabric *f, kern_pci_tree *t, kern_pci_dev *port, size_t *nadded,
                          sim_err *err);
/* Drops every function below port from the tree (its card is gone); returns how many. The port
 * keeps its bus numbers and windows for the next card. */
size_t kern_pci_hotplug_forget(kern_pci_tree *t, kern_pci_dev *port);
/* resources.c: places the BARs and windows below port inside port's own windows. */
int kern_pci_assign_below(pcie_fabric *f, kern_pci_tree *t, kern_pci_dev *port, sim_err *err);

/* ---- lspci_fmt.c: pciutils-style output of a booted tree ---- */
typedef struct kern_lspci_opts {
    bool tree;          /* -t */
    int verbose;        /* -v count */
    bool numeric;       /* -n */
    int dump_bytes;     /* 0, 64, 256 or 4096 (-x, -xxx, -xxxx) */
} kern_lspci_opts;

void kern_lspci_print(FILE *out, pcie_fabric *f, const kern_pci_tree *t, const kern_lspci_opts *o);

#ifdef __cplusplus
}
#endif
#endif
