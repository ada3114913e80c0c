/* ep_models.c — the registry of endpoint device models (ep_model.h): one table, in a stable order,
 * of every model a platform may name. A new model adds its pcie_ep_model here. */
#include <stdio.h>
#include <string.h>

#include "devices/hba/pvscsi_pci.h"
#include "devices/nic/e1000_pci.h"
#include "devices/pcie/ep_model.h"

static const pcie_ep_model *const models[] = {
    &e1000_pci_model,
    &pvscsi_pci_model,
};

size_t pcie_ep_model_count(void)
{
    return sizeof models / sizeof models[0];
}

const pcie_ep_model *pcie_ep_model_at(size_t i)
{
    return i < pcie_ep_model_count() ? models[i] : NULL;
}

const pcie_ep_model *pcie_ep_model_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < pcie_ep_model_count(); i++)
        if (strcmp(models[i]->name, name) == 0)
            return models[i];
    return NULL;
}

const char *pcie_ep_model_names(char *buf, size_t len)
{
    if (!buf || len == 0)
        return buf;
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < pcie_ep_model_count() && used < len; i++) {
        int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", models[i]->name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}
