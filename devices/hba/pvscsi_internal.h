/* pvscsi_internal.h — PVSCSI controller state shared by pvscsi.c (registers, commands,
 * interrupts, model glue) and pvscsi_rings.c (the device threads that work the rings). */
#ifndef VMKSIM_PVSCSI_INTERNAL_H
#define VMKSIM_PVSCSI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/hba/pvscsi.h"
#include "devices/hba/pvscsi_regs.h"

typedef struct pvscsi_sge { uint64_t addr; uint32_t len; } pvscsi_sge;

typedef enum { REQ_OK, REQ_ABORTED, REQ_RESET, REQ_GONE, REQ_FAILED } req_fate;

typedef struct pvscsi_req {
    struct pvscsi_req *next;
    uint64_t seq;                   /* arrival order: ties in ready time resolve by it */
    uint64_t context;
    unsigned target;
    int lun;
    uint8_t cdb[16], cdb_len;
    uint64_t data_len, sense_addr;
    uint32_t sense_len;
    pvscsi_sge *sg;
    unsigned nsg;
    uint8_t *buf;                   /* bounce buffer: data-out fetched, or data-in to deliver */
    scsi_plan plan;
    sim_time_t ready;               /* media done; SIM_TIME_MAX while the disk stalls */
    req_fate fate;
    uint16_t host_status;           /* for REQ_FAILED */
} pvscsi_req;

struct pvscsi {
    char name[64];
    pcie_endpoint *ep;
    pvscsi_timing t;
    pvscsi_stats st;
    scsi_target *targets[PVSCSI_MAX_TARGETS];

    /* command register state */
    uint32_t cmd;                   /* command collecting data, or PVSCSI_CMD_FIRST for none */
    uint32_t cmd_words, cmd_have;
    uint32_t cmd_data[PVSCSI_SETUP_RINGS_WORDS];
    uint32_t cmd_status;
    uint32_t io_index;              /* BAR0 I/O window register select */
    uint32_t intr_status, intr_mask;

    /* rings (from SETUP_RINGS / SETUP_MSG_RING) */
    bool rings_ok, msg_ok;
    bool rs_init_pending, msg_init_pending;
    uint64_t rs_addr;
    uint32_t req_pages, cmp_pages, msg_pages;
    uint64_t req_ppn[PVSCSI_SETUP_RINGS_MAX_NUM_PAGES], cmp_ppn[PVSCSI_SETUP_RINGS_MAX_NUM_PAGES];
    uint64_t msg_ppn[PVSCSI_SETUP_MSG_RING_MAX_NUM_PAGES];
    uint32_t req_cons, cmp_prod, msg_prod;  /* the device's own indices */
    uint32_t gen;                   /* bumped by ADAPTER_RESET: work begun before is dropped */

    /* pending target notices: type << 8 | target, in order */
    uint32_t msgq[2 * PVSCSI_MAX_TARGETS];
    unsigned msgq_n;

    /* requests in flight, sorted by (ready, seq) */
    pvscsi_req *inflight;
    unsigned ninflight;
    uint64_t seq;

    sim_event *kick_ev;             /* wakes the request thread */
    bool kick_pending;              /* a kick or notice since the request thread last looked: an
                                     * event notified while the thread is inside a DMA wait is
                                     * otherwise lost (SystemC semantics), stranding a request */
    sim_event *cmp_ev;              /* wakes the completion thread */
    bool threads_started;
};

/* pvscsi.c */
void pvscsi_raise(pvscsi *h, uint32_t bits);
extern const pcie_ep_io_ops pvscsi_io_ops;
void *pvscsi_state_new(const char *instance);
void pvscsi_state_free(void *state);
void pvscsi_state_attach(void *state, pcie_endpoint *ep);
/* pvscsi_rings.c */
void pvscsi_threads_start(pvscsi *h);
void pvscsi_req_free(pvscsi_req *r);
void pvscsi_inflight_insert(pvscsi *h, pvscsi_req *r);
/* Marks every request in flight matching (target < 0: all) with fate and wakes the completer. */
unsigned pvscsi_end_inflight(pvscsi *h, int target, uint64_t context, bool by_context,
                             req_fate fate);
void pvscsi_queue_msg(pvscsi *h, uint32_t type, unsigned target);

#endif
