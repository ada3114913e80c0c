/* e1000_internal.h — the 82540EM model's state, shared by its register file (e1000.c),
 * interrupt logic (e1000_irq.c), transmit (e1000_tx.c) and receive (e1000_rx.c) paths. */
#ifndef VMKSIM_E1000_INTERNAL_H
#define VMKSIM_E1000_INTERNAL_H

#include "devices/nic/e1000.h"
#include "devices/nic/e1000_regs.h"
#include "devices/pcie/pci_access.h"

#define E1000_REG_SPACE   0x6000u                 /* registers live below 0x6000 in BAR0 */
#define E1000_REG_WORDS   (E1000_REG_SPACE / 4u)
#define E1000_REG(s, off) ((s)->regs[(off) >> 2])
#define E1000_PHY_REGS    32u
#define E1000_TX_BUF_MAX  (WIRE_MAX_FRAME_BYTES + WIRE_FCS_BYTES)

typedef struct e1000_rx_entry {
    struct e1000_rx_entry *next;
    size_t len;                 /* bytes without FCS */
    bool rnbc_counted;          /* RNBC already counted for this frame */
    uint8_t data[];
} e1000_rx_entry;

/* A pair of interrupt delay timers: relative (restarted per event) and absolute (armed by the
 * first event); either expiring raises cause (SDM §3.2.7, §3.3.8). */
typedef struct e1000_delay {
    struct e1000 *s;
    sim_event *rel, *abs;
    bool armed;                 /* absolute timer running */
    bool pending;               /* an event waits for either timer */
    uint32_t cause;
} e1000_delay;

struct e1000 {
    char name[48];
    pcie_endpoint *ep;
    wire_port *port;
    e1000_timing t;
    e1000_counters c;

    uint32_t regs[E1000_REG_WORDS];
    uint16_t eeprom[E1000_EEPROM_WORDS];
    uint16_t phy[E1000_PHY_REGS];
    uint8_t mac_addr[6];
    uint32_t ioaddr;            /* IOADDR of the I/O window (§13.2.2) */

    sim_event *eerd_ev, *mdic_ev;

    /* interrupts */
    sim_event *irq_ev;
    bool irq_kick;
    bool irq_signalled;         /* the current (ICR & IMS) != 0 episode has been signalled */
    bool intx_asserted;
    bool irq_ever;
    sim_time_t irq_last;

    /* transmit */
    sim_event *tx_ev;
    bool tx_kick;
    uint8_t *tx_buf;
    size_t tx_len;
    bool tx_overflow;
    e1000_delay tx_delay;

    /* receive */
    sim_event *rx_ev;
    bool rx_kick;
    e1000_rx_entry *rx_head, *rx_tail;
    size_t rx_fifo_used;        /* bytes (with FCS) of frames not yet in host memory */
    uint64_t rx_gen;            /* bumped when the FIFO is flushed */
    uint8_t *rx_buf;
    e1000_delay rx_delay;
    bool rxdmt_low;             /* below the RDMTS threshold already signalled */

    bool threads_started;
};

/* e1000.c */
extern const pcie_ep_io_ops e1000_io_ops;
int e1000_new(const char *name, e1000 **out, sim_err *err);
void e1000_free(e1000 *s);
void e1000_attach(e1000 *s, pcie_endpoint *ep);
void e1000_reset(e1000 *s);
uint32_t e1000_ring_count(const e1000 *s, uint32_t len_reg);
void e1000_stat_inc(e1000 *s, uint32_t off, uint32_t n);
void e1000_stat_add64(e1000 *s, uint32_t off_low, uint64_t n);
bool e1000_link_up(const e1000 *s);

/* e1000_irq.c */
void e1000_irq_init(e1000 *s);
void e1000_irq_free(e1000 *s);
void e1000_irq_set(e1000 *s, uint32_t causes);       /* ICR |= causes, re-evaluate */
void e1000_irq_update(e1000 *s);                     /* after ICR/IMS changes */
void e1000_delay_init(e1000_delay *d, e1000 *s, uint32_t cause, const char *name);
void e1000_delay_free(e1000_delay *d);
/* An event for cause with relative delay rel_units and absolute delay abs_units (1.024 us). */
void e1000_delay_event(e1000_delay *d, uint32_t rel_units, uint32_t abs_units);
void e1000_delay_flush(e1000_delay *d);     /* fire now if pending */
void e1000_delay_cancel(e1000_delay *d);
void e1000_irq_thread(void *arg);

/* e1000_tx.c */
void e1000_tx_init(e1000 *s);
void e1000_tx_free(e1000 *s);
void e1000_tx_kick(e1000 *s);
void e1000_tx_thread(void *arg);

/* e1000_rx.c */
void e1000_rx_init(e1000 *s);
void e1000_rx_free(e1000 *s);
void e1000_rx_kick(e1000 *s);
void e1000_rx_thread(void *arg);
void e1000_rx_flush_fifo(e1000 *s);
bool e1000_rx_filter(const e1000 *s, const uint8_t *dst);
void e1000_wire_rx(void *ctx, wire_port *port, const wire_frame *frame);

/* little-endian helpers for descriptors in host memory */
static inline uint16_t e1000_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t e1000_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t e1000_le64(const uint8_t *p)
{
    return (uint64_t)e1000_le32(p) | (uint64_t)e1000_le32(p + 4) << 32;
}
static inline void e1000_put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void e1000_put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

#endif
