/* hotplug.h — the kernel's native PCIe hot-plug handler (in the manner of Linux pciehp), one
 * controller per hot-plug capable root or switch downstream port found at boot. It drives the
 * slot only through configuration accesses (Slot Control/Status, Link Status, the port's MSI)
 * and follows PCIe Base Spec 5.0 §6.7: attention button with a 5 s abort window, power and link
 * sequencing, 100 ms before the first configuration request, surprise removal, power fault, MRL.
 * Removal and addition go through the device layer's native lifecycle; after every removal the
 * resources of the removed device's drivers are checked. docs/hotplug.md. */
#ifndef VMKSIM_KERN_HOTPLUG_H
#define VMKSIM_KERN_HOTPLUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel_model/kernel.h"
#include "sim/err.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KERN_HP_LOG "kernel.hotplug"

/* Where a slot's controller is (the states of pciehp_ctrl.c, our own names). */
typedef enum kern_hp_state {
    KERN_HP_OFF,            /* no power (empty, or a card waiting to be switched on) */
    KERN_HP_BLINK_ON,       /* button pressed while off: 5 s to abort, then power on */
    KERN_HP_POWERING_ON,    /* power, link, 100 ms, enumeration, binding */
    KERN_HP_ON,             /* powered, functions enumerated */
    KERN_HP_BLINK_OFF,      /* button pressed while on: 5 s to abort, then orderly removal */
    KERN_HP_POWERING_OFF,   /* removal in progress */
} kern_hp_state;
const char *kern_hp_state_name(kern_hp_state s);

#define KERN_HP_MAX_STEPS 40
#define KERN_HP_MAX_LEAKS 8
#define KERN_HP_NAME_LEN 80

typedef struct kern_hp_step {
    char name[KERN_HP_NAME_LEN];
    sim_time_t at_ps;
} kern_hp_step;

/* A resource the removed device's driver module did not give back (see docs/hotplug.md). */
typedef struct kern_hp_leak {
    char owner[64];         /* module name ("kernel" for the kernel's own) */
    char what[24];          /* heap_bytes, heap_allocs, packets, interrupt_vectors, ... */
    uint64_t amount;
} kern_hp_leak;

/* One hot-plug event: what the handler did about one hardware event, from start to end. */
typedef struct kern_hp_event {
    uint64_t seq;                        /* 1, 2, ... per boot */
    int slot_no;
    char slot[16];                       /* "slot1" */
    char kind[24];                       /* attention-button, insertion, surprise-removal, ... */
    kern_hp_step steps[KERN_HP_MAX_STEPS];
    int nsteps;
    int steps_dropped;                   /* steps beyond KERN_HP_MAX_STEPS (logged anyway) */
    char outcome[24];                    /* removed, added, bound, cancelled, refused, ... */
    char reason[160];                    /* why, for refused/failed outcomes */
    uint64_t issued, completed, failed;  /* packets/IOs in flight when it began, and their end */
    kern_hp_leak leaks[KERN_HP_MAX_LEAKS];
    int nleaks;
    sim_time_t begin_ps, end_ps;
} kern_hp_event;

/* Boot: one controller per hot-plug capable port of sys's tree (kern_boot calls it after the
 * PCI bus driver started). Each controller initialises the port from its own thread: MSI and
 * Bus Master Enable, then Slot Control (event enables, HPIE, CCIE). Shutdown stops them. */
int kern_hotplug_start(kern_system *sys, sim_err *err);
void kern_hotplug_stop(kern_system *sys);

/* Told at the end of every event (copy the event if it is kept), and after the functions of a
 * new card were enumerated, before any driver is offered them (phase "enumerated"): the scenario
 * layer refreshes what it holds on the card there (e.g. re-cables a NIC's wire). NULL removes. */
typedef void (*kern_hp_listener_fn)(void *ctx, const char *phase, const kern_hp_event *ev);
void kern_hotplug_set_listener(kern_hp_listener_fn fn, void *ctx);

/* ---- queries ---- */
typedef struct kern_hp_slot_info {
    int slot_no;
    char slot[16];
    char port_bdf[8];
    kern_hp_state state;
    bool ready;              /* the controller finished initialising the port */
    bool busy;               /* an event is being handled */
    size_t functions;        /* functions enumerated below the port */
    bool legacy_orphan;      /* a vmklinux-bound device was surprise-removed and stays */
} kern_hp_slot_info;
size_t kern_hotplug_slot_count(void);
int kern_hotplug_slot_info(int slot_no, kern_hp_slot_info *out);   /* -1: no such slot */
int kern_hotplug_slot_at(size_t i, kern_hp_slot_info *out);         /* -1: i >= count */

typedef struct kern_hp_stats {
    uint64_t events, interrupts, commands, command_timeouts;
    uint64_t removals, additions, cancelled, refused, failed;
    uint64_t leak_checks, leaks;          /* leaks: leak records found */
    uint64_t legacy_orphans;
} kern_hp_stats;
void kern_hotplug_get_stats(kern_hp_stats *out);

/* The last events (up to KERN_HP_KEEP_EVENTS are kept; older ones only counted). i = 0 is the
 * oldest kept. */
#define KERN_HP_KEEP_EVENTS 64
size_t kern_hotplug_event_count(void);
const kern_hp_event *kern_hotplug_event_at(size_t i);

#ifdef __cplusplus
}
#endif
#endif
