/* costs.h — the one cost table of kernel services: what a service costs the CPU that calls it,
 * base cycles plus cycles per byte, each entry with its source (docs/timing.md "Cost table").
 * The same table is used for both driver styles; measured driver and shim code is not here. */
#ifndef VMKSIM_KERN_COSTS_H
#define VMKSIM_KERN_COSTS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kern_cost_id {
    KERN_COST_SPINLOCK,          /* lock + unlock of an uncontended spinlock */
    KERN_COST_IRQ_SAVE_RESTORE,  /* save + restore of the local interrupt flag */
    KERN_COST_BH_DISABLE_ENABLE, /* bottom-half (softirq) disable + enable */
    KERN_COST_SEMAPHORE,         /* down + up of an uncontended semaphore */
    KERN_COST_HEAP_ALLOC,        /* heap allocation, per call */
    KERN_COST_HEAP_FREE,         /* heap free, per call */
    KERN_COST_PKT_ALLOC,         /* packet-handle allocation, per packet */
    KERN_COST_PKT_FREE,          /* packet-handle release, per packet */
    KERN_COST_DMA_MAP,           /* map one buffer (or one SG element) for device access */
    KERN_COST_DMA_UNMAP,         /* unmap one buffer (or one SG element) */
    KERN_COST_MEMCOPY,           /* kernel copy of data (bytes = length) */
    KERN_COST_TIMER_ARM,         /* schedule a timer */
    KERN_COST_TIMER_CANCEL,      /* cancel a timer */
    KERN_COST_WORLD_SWITCH,      /* switch the CPU from one world to another */
    KERN_COST_INTR_DISPATCH,     /* interrupt entry, vector lookup, handler call, EOI, exit */
    KERN_COST_BH_SCHEDULE,       /* schedule deferred work (net poll, worldlet, helper) */
    KERN_COST_MODULE_ID_SWITCH,  /* push + pop of the current-module identity */
    KERN_COST_LOG,               /* one log message (bytes = formatted length) */
    KERN_COST_COUNT
} kern_cost_id;

typedef struct kern_cost_entry {
    const char *name;            /* snake_case key, as in scenarios and docs */
    uint64_t base_mcycles;       /* per call, 1/1000 cycles */
    uint64_t per_byte_mcycles;   /* per byte, 1/1000 cycles */
    const char *rationale;       /* why this figure, and its source */
} kern_cost_entry;

/* The table (indexed by kern_cost_id), as currently set. */
const kern_cost_entry *kern_cost_get(kern_cost_id id);
/* Cycles (1/1000) that a call with `bytes` bytes costs. */
uint64_t kern_cost_mcycles(kern_cost_id id, size_t bytes);
/* Charges the service to the current world, attributed to the kernel (owner 0). Nothing when
 * timing is off. */
void kern_cost_charge(kern_cost_id id, size_t bytes);
/* Looks an entry up by its name; -1 if unknown. */
int kern_cost_find(const char *name);
/* Overrides an entry (a scenario's platform parameter); the rationale becomes "set by <origin>". */
int kern_cost_set(const char *name, uint64_t base_mcycles, uint64_t per_byte_mcycles,
                  const char *origin, sim_err *err);
/* Restores the documented defaults. */
void kern_cost_reset(void);

#ifdef __cplusplus
}
#endif
#endif
