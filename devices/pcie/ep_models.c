/* ep_models.c — the registry of endpoint device models (ep_model.h): one table, in a stable order,
 * of every model a platform may name. A new model adds its pcie_ep_model here. */
#include <stdio.h>
#include <string.h>

#include "devices/hba/pvscsi_pci.h"
#include "devices/nic/e1000_pci.h"
#include "devices/pcie/ep_model.h"

static const pcie_ep_model *const builtin[] = {
    &e1000_pci_model,
    &pvscsi_pci_model,
};
#define NBUILTIN (sizeof builtin / sizeof builtin[0])

/* Models added at run time (pcie_ep_model_register), after the built-in ones. */
#define MAX_EXTRA_MODELS 16
static const pcie_ep_model *extra[MAX_EXTRA_MODELS];
static size_t nextra;

size_t pcie_ep_model_count(void)
{
    return NBUILTIN + nextra;
}

const pcie_ep_model *pcie_ep_model_at(size_t i)
{
    if (i < NBUILTIN)
        return builtin[i];
    return i < pcie_ep_model_count() ? extra[i - NBUILTIN] : NULL;
}

const pcie_ep_model *pcie_ep_model_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < pcie_ep_model_count(); i++)
        if (strcmp(pcie_ep_model_at(i)->name, name) == 0)
            return pcie_ep_model_at(i);
    return NULL;
}

int pcie_ep_model_register(const pcie_ep_model *m, sim_err *err)
{
    if (!m || !m->name || !m->init_config)
        return sim_err_set(err, "model registration: a model needs a name and init_config");
    if (pcie_ep_model_find(m->name) == m)
        return 0;   /* registering the same model twice is harmless */
    if (pcie_ep_model_find(m->name))
        return sim_err_set(err, "model registration: name '%s' is already taken", m->name);
    if (nextra == MAX_EXTRA_MODELS)
        return sim_err_set(err, "model registration: '%s': registry full (%d extra models)",
                           m->name, MAX_EXTRA_MODELS);
    extra[nextra++] = m;
    return 0;
}

const char *pcie_ep_model_names(char *buf, size_t len)
{
    if (!buf || len == 0)
        return buf;
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < pcie_ep_model_count() && used < len; i++) {
        int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", pcie_ep_model_at(i)->name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}
