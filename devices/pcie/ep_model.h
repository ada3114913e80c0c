/* ep_model.h — the registry of endpoint device models a platform may name ("e1000", "pvscsi").
 * A model declares its function's configuration-space identity (IDs, class, BARs, capabilities)
 * through init_config and may keep per-instance state; later device behaviour (MMIO, DMA,
 * interrupts) hangs off the same struct. The scenario layer validates model names with it. */
#ifndef VMKSIM_PCIE_EP_MODEL_H
#define VMKSIM_PCIE_EP_MODEL_H

#include <stddef.h>

#include "devices/pcie/config_space.h"
#include "devices/pcie/platform.h"
#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Defined in pci_access.h (the data path): the handle through which a model issues DMA, MSI and
 * INTx, and the ops through which it answers MMIO to its BARs. */
typedef struct pcie_endpoint pcie_endpoint;
struct pcie_ep_io_ops;

/* What a model is told about the function it builds. */
typedef struct pcie_ep_ctx {
    const char *instance_name;     /* pcie_endpoint_desc.name */
    pcie_link_params link;         /* the link the endpoint sits on */
    bool link_up;
} pcie_ep_ctx;

typedef struct pcie_ep_model {
    const char *name;              /* as a scenario names it */
    const char *description;       /* one line, for listings */
    /* Fills cfg (already pcie_cfg_init'ed) with the model's identity and capabilities (use
     * pcie_ep_add_exp for the PCI Express capability and AER) and may allocate *state.
     * Returns 0, or -1 with err filled. */
    int (*init_config)(const pcie_ep_ctx *ctx, pcie_cfg *cfg, void **state, sim_err *err);
    void (*free_state)(void *state);   /* may be NULL */
    /* Data path (pci_access.h); both may be NULL. io answers host MMIO to the function's BARs
     * (without io, reads of a decoded BAR return all ones and writes are dropped). attach is
     * called once, when the fabric is built, with the instance's state and the endpoint handle
     * the model uses for pcie_dev_* calls; the handle lives as long as the fabric. */
    const struct pcie_ep_io_ops *io;
    void (*attach)(void *state, pcie_endpoint *ep);
} pcie_ep_model;

/* The model with this name, or NULL. */
const pcie_ep_model *pcie_ep_model_find(const char *name);
/* Number of models and the i-th (0 <= i < count), in a stable order; for listings and
 * "unknown model 'x' (known: e1000, pvscsi)" messages. */
size_t pcie_ep_model_count(void);
const pcie_ep_model *pcie_ep_model_at(size_t i);
/* Adds a model to the registry at run time (tests: a small model of their own). The model must
 * outlive every fabric built with it. Returns 0, or -1 with err filled when the name is taken or
 * the registry is full. Not thread-safe: call before building fabrics. */
int pcie_ep_model_register(const pcie_ep_model *m, sim_err *err);
/* Comma-separated list of the known names into buf ("e1000, pvscsi"); returns buf. */
const char *pcie_ep_model_names(char *buf, size_t len);

/* Helper for models: adds the PCI Express capability (Device/Port Type endpoint, link fields
 * from ctx) at exp_off and an AER extended capability at 0x100. */
int pcie_ep_add_exp(const pcie_ep_ctx *ctx, pcie_cfg *cfg, uint8_t exp_off, sim_err *err);

#ifdef __cplusplus
}
#endif
#endif
