/* scn_hotplug.h — the hot-plug half of the scenario API (docs/scenarios.md "Hot-plug"), shared by
 * scn_hotplug.c (the physical verbs: button, insert, pull, MRL, power fault, link down, now or at
 * a simulated time) and scn_hotplug_obs.c (wait_for, slot_status, hotplug_events, leaks,
 * expect_no_leaks, lspci, and the handler's events into result.json). Private to sim/scenario/. */
#ifndef VMKSIM_SCN_HOTPLUG_H
#define VMKSIM_SCN_HOTPLUG_H

#include "kernel_model/hotplug/hotplug.h"
#include "sim/scenario/scn_net.h"

/* What scn_hotplug*.c keep for the scenario being run (one at a time). */
typedef struct scn_hp_card {
    char name[PLATFORM_NAME_LEN];
    char model[PLATFORM_NAME_LEN];
    kern_module *mod;          /* driver module a style asked for, NULL if none */
    result_style style;
    scn_cable_kind wire;       /* a cable to plug into the NIC as it comes up (slot_insert wire) */
} scn_hp_card;

#define SCN_HP_MAX_CARDS 32

typedef struct scn_hp {
    scn_state *s;
    struct scn_hp_action *actions;   /* scheduled, not yet done */
    char deferred_error[1536];       /* the first scheduled action that failed, with its line */
    scn_hp_card cards[SCN_HP_MAX_CARDS];
    int ncards;
    uint64_t leaks_seen;             /* leak records in events reported so far */
    struct scn_hp_seen {             /* where each card was last enumerated (wait_for) */
        char name[PLATFORM_NAME_LEN];
        uint8_t bus, dev, fn;
    } seen[SCN_HP_MAX_CARDS];
    int nseen;
    bool waiting;                    /* a wait_for runs: each event's end stops the engine */
    char mapped[SCN_HP_MAX_CARDS][KERN_MOD_NAME_MAX + PLATFORM_NAME_LEN];   /* model/driver */
    int nmapped;                     /* driver-map entries this scenario added */
} scn_hp;

scn_hp *scn_hp_get(void);
/* Raises the error of a scheduled action that failed, if any ("path:line: verb: ..."). */
void scn_hp_check_deferred(lua_State *L);
/* The booted fabric's slot named by field `slot` (a number or a port name); raises otherwise. */
struct pcie_slot *scn_hp_slot_arg(lua_State *L, const char *what, int idx);
/* The card a slot_insert declared with this name, NULL if none. */
scn_hp_card *scn_hp_card_find(const char *name);

/* scn_hotplug_obs.c */
/* Runs the simulation until done(ctx) or deadline, looking again at the end of every hot-plug
 * event and at least every 100 ms of simulated time. */
void scn_hp_run_until(bool (*done)(void *ctx), void *ctx, sim_time_t deadline);
/* Notes the bus address of the card in slot (if enumerated), before something happens to it. */
void scn_hp_remember_slot(scn_state *s, struct pcie_slot *slot);
/* Drops the model handles of NICs the kernel no longer has: the slot is about to change and may
 * free their card. */
void scn_hp_forget_cards(scn_state *s);
void scn_register_hotplug_obs(lua_State *L);
/* The handler's listener: result events, NIC handles refreshed, cables re-plugged. */
void scn_hp_listener(void *ctx, const char *phase, const kern_hp_event *ev);

/* scn_hotplug.c */
void scn_register_hotplug(lua_State *L);
/* End of the scenario: scheduled actions dropped, listener removed (before the kernel goes). */
void scn_hotplug_shutdown(scn_state *s);

#endif
