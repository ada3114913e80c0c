/* dma_engine.h — kernel-side creation of a DMA engine for a known Requester ID (tests, kernel
 * services that DMA on a device's behalf); modules use vmk_DMAEngineCreate (vmkapi_dma.h). */
#ifndef VMKSIM_KERN_DMA_ENGINE_H
#define VMKSIM_KERN_DMA_ENGINE_H

#include <stdint.h>

#include "sim/err.h"
#include "vmkapi/vmkapi.h"   /* wraps the family headers in extern "C" */

#ifdef __cplusplus
extern "C" {
#endif

vmk_DMAEngine kern_dma_engine_create(int owner, const char *name, uint16_t requester,
                                     const vmk_DMAConstraints *c, sim_err *err);
uint16_t kern_dma_engine_requester(vmk_DMAEngine e);

#ifdef __cplusplus
}
#endif
#endif
