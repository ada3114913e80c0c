/* hp_internal.h — what the hot-plug handler's files share: the slot register bits it uses
 * (PCIe Base Spec 5.0 §7.5.3.8-11), the per-slot controller, and the helpers of handler.c
 * (interrupts, commands, the event record), sequences.c (power on/off, removal), leaks.c and
 * inflight.c. Not for use outside kernel_model/hotplug. */
#ifndef VMKSIM_KERN_HP_INTERNAL_H
#define VMKSIM_KERN_HP_INTERNAL_H

#include "kernel_model/device/device.h"
#include "kernel_model/hotplug/hotplug.h"
#include "kernel_model/pci/pci_tree.h"
#include "kernel_model/scsi/scsi.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/uplink/uplink.h"

/* §7.5.3.10 Slot Control offset in the PCI Express capability (pci_regs.h has the others) */
#define KPCI_EXP_SLTCTL 0x18
/* §7.5.3.8 Link Status */
#define HP_LNKSTA_DLLLA 0x2000
/* §7.5.3.9 Slot Capabilities */
#define HP_SLTCAP_ABP 0x00000001u
#define HP_SLTCAP_PCP 0x00000002u
#define HP_SLTCAP_MRLSP 0x00000004u
#define HP_SLTCAP_AIP 0x00000008u
#define HP_SLTCAP_PIP 0x00000010u
#define HP_SLTCAP_NCCS 0x00040000u
/* §7.5.3.10 Slot Control */
#define HP_SLTCTL_ABPE 0x0001
#define HP_SLTCTL_PFDE 0x0002
#define HP_SLTCTL_MRLSCE 0x0004
#define HP_SLTCTL_PDCE 0x0008
#define HP_SLTCTL_CCIE 0x0010
#define HP_SLTCTL_HPIE 0x0020
#define HP_SLTCTL_AIC 0x00C0
#define HP_SLTCTL_PIC 0x0300
#define HP_SLTCTL_PCC 0x0400   /* 1 = power off */
#define HP_SLTCTL_DLLSCE 0x1000
#define HP_IND_ON 1            /* indicator field values: 01b on, 10b blink, 11b off */
#define HP_IND_BLINK 2
#define HP_IND_OFF 3
#define HP_AIC_SHIFT 6
#define HP_PIC_SHIFT 8
/* §7.5.3.11 Slot Status */
#define HP_SLTSTA_ABP 0x0001
#define HP_SLTSTA_PFD 0x0002
#define HP_SLTSTA_MRLSC 0x0004
#define HP_SLTSTA_PDC 0x0008
#define HP_SLTSTA_CC 0x0010
#define HP_SLTSTA_MRLSS 0x0020
#define HP_SLTSTA_PDS 0x0040
#define HP_SLTSTA_DLLSC 0x0100
#define HP_SLTSTA_EVENTS (HP_SLTSTA_ABP | HP_SLTSTA_PFD | HP_SLTSTA_MRLSC | HP_SLTSTA_PDC | \
                          HP_SLTSTA_DLLSC)
/* §7.7.1 MSI capability */
#define HP_MSI_CTRL 2
#define HP_MSI_ENABLE 0x0001
#define HP_MSI_QSIZE 0x0070
#define HP_MSI_64BIT 0x0080
#define HP_MSI_ADDR_LO 4
#define HP_MSI_ADDR_HI 8
#define HP_MSI_DATA_32 8
#define HP_MSI_DATA_64 12

/* Timing the handler keeps (sources in docs/hotplug.md). */
#define HP_ABORT_WINDOW_PS (5 * SIM_SEC)      /* §6.7.1.5: 5 s to cancel a button press */
#define HP_CMD_TIMEOUT_PS (1 * SIM_SEC)       /* Linux pciehp waits 1 s for Command Completed */
#define HP_LINK_TIMEOUT_PS (1 * SIM_SEC)      /* Linux: 20 ms + up to 1 s polling DLLLA */
#define HP_CONFIG_DELAY_PS (100 * SIM_MS)     /* §6.6.1: 100 ms after link up before config */

typedef struct hp_slot {
    kern_system *sys;
    kern_pci_dev *port;
    int slot_no;
    char name[16];
    char bdf[8];
    uint16_t exp;               /* PCI Express capability offset */
    uint32_t sltcap;
    int vector;                 /* the port's MSI vector, -1 until set */
    kern_hp_state state;
    bool ready;
    bool stopping;
    bool in_world;              /* the slot's thread is inside its world (may be blocked there) */
    bool legacy_orphan;         /* vmklinux-bound function surprise-removed: kept as it was */
    uint16_t pending;           /* Slot Status events the interrupt collected, not handled yet */
    bool cmd_done;              /* Command Completed seen since the last command */
    sim_event *work, *cmd_ev;
    kern_tworld *world;
    kern_hp_event *ev;          /* the event being handled, NULL between events */
    kern_hp_event ev_buf;       /* ... which lives here */
    kern_pkt_watch watch;       /* packets in flight when the event began (inflight.c) */
    kern_scsi_watch io_watch;   /* storage commands in flight when it began (inflight.c) */
    /* leaks.c: the functions a removal takes away, noted before it */
    struct hp_gone {
        vmk_Device dev;
        char addr[16];
        uint16_t rid;
        int module;                 /* driver module, 0 if none */
        bool have_base;
        uint64_t heap_bytes, heap_allocs, pkts, vectors;   /* module's holdings before attach */
    } gone[8];
    int ngone;
    uint64_t leaked_mappings0, leaked_vectors0;
} hp_slot;

/* handler.c */
uint16_t hp_rd16(hp_slot *s, uint16_t off);   /* port config at exp + off */
void hp_wr16(hp_slot *s, uint16_t off, uint16_t v);
/* A Slot Control command: bits in mask take value; waits for Command Completed (1 s at most). */
void hp_command(hp_slot *s, uint16_t mask, uint16_t value, const char *what);
void hp_set_indicators(hp_slot *s, int power_ind, int attn_ind, const char *what);
/* Waits up to timeout for new Slot Status events; returns the events (0 on timeout). */
uint16_t hp_wait_events(hp_slot *s, uint16_t want, sim_time_t timeout);
kern_hp_event *hp_event_begin(hp_slot *s, const char *kind);
void hp_step(hp_slot *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hp_event_end(hp_slot *s, const char *outcome, const char *reason_fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hp_notify(hp_slot *s, const char *phase);
kern_hp_stats *hp_stats(void);

/* sequences.c */
void hp_power_on(hp_slot *s);                       /* ... enumerate and bind */
void hp_remove(hp_slot *s, kern_remove_mode mode);  /* removal of everything below the port */
bool hp_legacy_bound(hp_slot *s, char *who, size_t len);   /* a function bound to vmklinux */
void hp_power_off(hp_slot *s);

/* inflight.c: what is in flight on the devices below a port when an event begins (packets and
 * storage commands), and how it ended. For a function left to its vmklinux driver by a surprise
 * removal, hp_inflight_end first waits (bounded by the storage layer's escalation) for its
 * commands to end, with steps saying so. */
void hp_inflight_begin(hp_slot *s);
void hp_inflight_end(hp_slot *s);

/* leaks.c */
void hp_leaks_install(void);
void hp_leaks_uninstall(void);
/* Notes what the drivers of the functions below the port hold before they let go. */
void hp_leaks_before_removal(hp_slot *s);
/* After the removal: compares, records leaks in the event, counts and logs them. */
void hp_leaks_check(hp_slot *s);

#endif
