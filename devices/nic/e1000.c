/* e1000.c — the 82540EM's register file (8254x SDM ch. 13): a table indexed by register offset
 * gives each register its read and write behaviour (plain storage, read-only, read-to-clear,
 * or a handler); reset, the EEPROM (§5) behind EERD, the PHY behind MDIC, and the I/O window. */
#include <stdlib.h>
#include <string.h>

#include "devices/nic/e1000_internal.h"
#include "devices/nic/e1000_pci.h"

typedef uint32_t (*e1000_rd_fn)(e1000 *s, uint32_t off);
typedef void (*e1000_wr_fn)(e1000 *s, uint32_t off, uint32_t val);

/* One entry per 32-bit register; a NULL read means "not implemented" (reads 0, writes dropped). */
typedef struct e1000_reg {
    e1000_rd_fn read;
    e1000_wr_fn write;
    uint32_t wmask;    /* writable bits for wr_store */
} e1000_reg;

static e1000_reg regtab[E1000_REG_WORDS];

/* ---- generic behaviours ---- */
static uint32_t rd_store(e1000 *s, uint32_t off) { return E1000_REG(s, off); }
static uint32_t rd_zero(e1000 *s, uint32_t off) { (void)s; (void)off; return 0; }
static void wr_store(e1000 *s, uint32_t off, uint32_t v)
{
    E1000_REG(s, off) = v & regtab[off >> 2].wmask;
}
static void wr_ignore(e1000 *s, uint32_t off, uint32_t v) { (void)s; (void)off; (void)v; }

/* Statistics clear when read (§13.7); a 64-bit pair clears when its high half is read. */
static uint32_t rd_stat(e1000 *s, uint32_t off)
{
    uint32_t v = E1000_REG(s, off);
    E1000_REG(s, off) = 0;
    return v;
}
static uint32_t rd_stat_low(e1000 *s, uint32_t off) { return E1000_REG(s, off); }
static uint32_t rd_stat_high(e1000 *s, uint32_t off)
{
    uint32_t v = E1000_REG(s, off);
    E1000_REG(s, off) = 0;
    E1000_REG(s, off - 4) = 0;
    return v;
}

void e1000_stat_inc(e1000 *s, uint32_t off, uint32_t n)
{
    uint32_t *r = &E1000_REG(s, off);
    *r = (*r > UINT32_MAX - n) ? UINT32_MAX : *r + n;   /* counters stick at their maximum */
}

void e1000_stat_add64(e1000 *s, uint32_t off_low, uint64_t n)
{
    uint64_t v = (uint64_t)E1000_REG(s, off_low) | (uint64_t)E1000_REG(s, off_low + 4) << 32;
    v = (v > UINT64_MAX - n) ? UINT64_MAX : v + n;
    E1000_REG(s, off_low) = (uint32_t)v;
    E1000_REG(s, off_low + 4) = (uint32_t)(v >> 32);
}

/* ---- general registers ---- */
bool e1000_link_up(const e1000 *s)
{
    /* The link is up when software set SLU (§13.4.1; the PHY auto-negotiates at once) and a
     * cable (a wire link) is attached to the port. */
    return (E1000_REG(s, E1000_CTRL) & E1000_CTRL_SLU) && s->port && wire_port_linked_(s->port);
}

static void wr_ctrl(e1000 *s, uint32_t off, uint32_t v)
{
    (void)off;
    if (v & E1000_CTRL_RST) {           /* device reset; the bit self-clears (§13.4.1) */
        sim_log(SIM_LOG_DEBUG, s->name, "CTRL.RST: device reset");
        e1000_reset(s);
        return;
    }
    bool was_up = e1000_link_up(s);
    E1000_REG(s, E1000_CTRL) = v & ~(E1000_CTRL_RST | E1000_CTRL_PHY_RST | E1000_CTRL_LRST);
    if (e1000_link_up(s) != was_up)
        e1000_irq_set(s, E1000_ICR_LSC);
}

static uint32_t rd_status(e1000 *s, uint32_t off)
{
    (void)off;
    /* Full duplex at 1000 Mb/s, the fastest the STATUS.SPEED field encodes; the wire may be
     * faster (e1000_timing.wire_gbps). */
    uint32_t v = E1000_STATUS_FD | E1000_STATUS_SPEED_1000;
    if (e1000_link_up(s))
        v |= E1000_STATUS_LU;
    return v;
}

static uint32_t rd_eecd(e1000 *s, uint32_t off)
{
    (void)off;
    uint32_t v = E1000_REG(s, E1000_EECD) | E1000_EECD_PRES;
    if (v & E1000_EECD_REQ)
        v |= E1000_EECD_GNT;   /* no hardware EEPROM access ever holds the grant back */
    else
        v &= ~E1000_EECD_GNT;
    return v;
}

static void eerd_done(void *arg)
{
    e1000 *s = arg;
    uint32_t v = E1000_REG(s, E1000_EERD);
    /* a 64-word Microwire EEPROM decodes 6 address bits: higher addresses wrap */
    uint32_t addr = (v >> E1000_EERD_ADDR_SHIFT) & 0xFFu;
    uint16_t data = s->eeprom[addr % E1000_EEPROM_WORDS];
    E1000_REG(s, E1000_EERD) = (v & 0xFF00u) | E1000_EERD_DONE | (uint32_t)data << E1000_EERD_DATA_SHIFT;
}

static void wr_eerd(e1000 *s, uint32_t off, uint32_t v)
{
    (void)off;
    if (!(v & E1000_EERD_START))
        return;
    E1000_REG(s, E1000_EERD) = (v & 0xFF00u) | E1000_EERD_START;   /* DONE clear while reading */
    sim_event_notify(s->eerd_ev, s->t.eeprom_word_ps);
}

/* MDIC (§13.4.7): DATA 15:0, REGADD 20:16, PHYADD 25:21, OP 27:26 (01 write, 10 read),
 * R 28 ready, I 29 interrupt on completion, E 30 error. The internal PHY answers address 1. */
#define MDIC_OP_WRITE 1u
#define MDIC_OP_READ  2u
#define MDIC_READY    (1u << 28)
#define MDIC_INT      (1u << 29)
#define MDIC_ERROR    (1u << 30)
#define MDIC_PHY_ADDR 1u

static void mdic_done(void *arg)
{
    e1000 *s = arg;
    uint32_t v = E1000_REG(s, E1000_MDIC);
    uint32_t reg = (v >> 16) & 0x1Fu, phy = (v >> 21) & 0x1Fu, op = (v >> 26) & 3u;
    if (phy != MDIC_PHY_ADDR || (op != MDIC_OP_READ && op != MDIC_OP_WRITE)) {
        v |= MDIC_ERROR;
    } else if (op == MDIC_OP_READ) {
        uint16_t d = s->phy[reg];
        if (reg == 1 && e1000_link_up(s))
            d |= 1u << 2;       /* PHY status: link status (IEEE 802.3 cl. 22.2.4.2) */
        v = (v & ~0xFFFFu) | d;
    } else if (reg != 1 && reg != 2 && reg != 3) {
        s->phy[reg] = (uint16_t)v;   /* status and identifier registers are read-only */
    }
    E1000_REG(s, E1000_MDIC) = v | MDIC_READY;
    if (v & MDIC_INT)
        e1000_irq_set(s, E1000_ICR_MDAC);
}

static void wr_mdic(e1000 *s, uint32_t off, uint32_t v)
{
    (void)off;
    E1000_REG(s, E1000_MDIC) = v & ~(MDIC_READY | MDIC_ERROR);
    sim_event_notify(s->mdic_ev, s->t.mdic_ps);
}

/* ---- interrupt registers (§13.4.17-21) ---- */
static uint32_t rd_icr(e1000 *s, uint32_t off)
{
    (void)off;
    uint32_t v = E1000_REG(s, E1000_ICR);
    E1000_REG(s, E1000_ICR) = 0;      /* read clears every cause */
    e1000_irq_update(s);
    return v;
}
static void wr_icr(e1000 *s, uint32_t off, uint32_t v)
{
    (void)off;
    E1000_REG(s, E1000_ICR) &= ~v;    /* writing 1b clears the cause */
    e1000_irq_update(s);
}
static void wr_ics(e1000 *s, uint32_t off, uint32_t v) { (void)off; e1000_irq_set(s, v & E1000_ICR_VALID); }
static void wr_ims(e1000 *s, uint32_t off, uint32_t v)
{
    (void)off;
    E1000_REG(s, E1000_IMS) |= v & E1000_ICR_VALID;
    e1000_irq_update(s);
}
static void wr_imc(e1000 *s, uint32_t off, uint32_t v)
{
    (void)off;
    E1000_REG(s, E1000_IMS) &= ~v;
    e1000_irq_update(s);
}

/* ---- receive and transmit control ---- */
static void wr_rctl(e1000 *s, uint32_t off, uint32_t v)
{
    wr_store(s, off, v);
    if (v & E1000_RCTL_EN)
        e1000_rx_kick(s);
    else
        e1000_rx_flush_fifo(s);   /* disabling the receiver discards what it held */
}
static void wr_rdt(e1000 *s, uint32_t off, uint32_t v) { wr_store(s, off, v); e1000_rx_kick(s); }
static void wr_rdtr(e1000 *s, uint32_t off, uint32_t v)
{
    wr_store(s, off, v & ~E1000_RDTR_FPD);
    if (v & E1000_RDTR_FPD)            /* flush: the pending receive interrupt fires now */
        e1000_delay_flush(&s->rx_delay);
}
static void wr_tctl(e1000 *s, uint32_t off, uint32_t v) { wr_store(s, off, v); e1000_tx_kick(s); }
static void wr_tdt(e1000 *s, uint32_t off, uint32_t v) { wr_store(s, off, v); e1000_tx_kick(s); }
static void wr_pba(e1000 *s, uint32_t off, uint32_t v) { wr_store(s, off, v); }

/* ---- the table ---- */
static void reg(uint32_t off, e1000_rd_fn r, e1000_wr_fn w, uint32_t wmask)
{
    regtab[off >> 2] = (e1000_reg){ r, w, wmask };
}

static void regtab_init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    const uint32_t all = 0xFFFFFFFFu;
    reg(E1000_CTRL, rd_store, wr_ctrl, all);
    reg(E1000_STATUS, rd_status, wr_ignore, 0);
    reg(E1000_EECD, rd_eecd, wr_store, E1000_EECD_SK | E1000_EECD_CS | E1000_EECD_DI |
                                       E1000_EECD_REQ | (3u << 4) /* FWE */);
    reg(E1000_EERD, rd_store, wr_eerd, 0);
    reg(E1000_CTRL_EXT, rd_store, wr_store, all);
    reg(E1000_MDIC, rd_store, wr_mdic, 0);
    reg(E1000_FCAL, rd_store, wr_store, all);
    reg(E1000_FCAH, rd_store, wr_store, 0xFFFFu);
    reg(E1000_FCT, rd_store, wr_store, 0xFFFFu);
    reg(E1000_VET, rd_store, wr_store, 0xFFFFu);
    reg(E1000_FCTTV, rd_store, wr_store, 0xFFFFu);
    reg(E1000_TXCW, rd_store, wr_store, all);
    reg(E1000_RXCW, rd_store, wr_ignore, 0);
    reg(E1000_LEDCTL, rd_store, wr_store, all);
    reg(E1000_PBA, rd_store, wr_pba, 0xFFFFu);
    reg(E1000_ICR, rd_icr, wr_icr, 0);
    reg(E1000_ITR, rd_store, wr_store, 0xFFFFu);
    reg(E1000_ICS, rd_zero, wr_ics, 0);
    reg(E1000_IMS, rd_store, wr_ims, 0);
    reg(E1000_IMC, rd_zero, wr_imc, 0);
    reg(E1000_RCTL, rd_store, wr_rctl, 0x07FFFFFEu & ~(1u << 21) & ~(1u << 24));
    reg(E1000_FCRTL, rd_store, wr_store, 0x8000FFF8u);
    reg(E1000_FCRTH, rd_store, wr_store, 0x0000FFF8u);
    reg(E1000_RDBAL, rd_store, wr_store, 0xFFFFFFF0u);   /* 16-byte aligned (§13.4.25) */
    reg(E1000_RDBAH, rd_store, wr_store, all);
    reg(E1000_RDLEN, rd_store, wr_store, 0x000FFF80u);   /* bits 19:7 (§13.4.27) */
    reg(E1000_RDH, rd_store, wr_store, 0xFFFFu);
    reg(E1000_RDT, rd_store, wr_rdt, 0xFFFFu);
    reg(E1000_RDTR, rd_store, wr_rdtr, 0xFFFFu);
    reg(E1000_RADV, rd_store, wr_store, 0xFFFFu);
    reg(E1000_RSRPD, rd_store, wr_store, 0xFFFu);
    reg(E1000_RXDCTL, rd_store, wr_store, all);
    reg(E1000_RXCSUM, rd_store, wr_store, 0x7FFu);
    reg(E1000_TCTL, rd_store, wr_tctl, 0x03FFFFFAu);
    reg(E1000_TIPG, rd_store, wr_store, 0x3FFFFFFFu);
    reg(E1000_TDBAL, rd_store, wr_store, 0xFFFFFFF0u);
    reg(E1000_TDBAH, rd_store, wr_store, all);
    reg(E1000_TDLEN, rd_store, wr_store, 0x000FFF80u);
    reg(E1000_TDH, rd_store, wr_store, 0xFFFFu);
    reg(E1000_TDT, rd_store, wr_tdt, 0xFFFFu);
    reg(E1000_TIDV, rd_store, wr_store, 0xFFFFu);
    reg(E1000_TXDCTL, rd_store, wr_store, all);
    reg(E1000_TADV, rd_store, wr_store, 0xFFFFu);
    reg(E1000_WUC, rd_store, wr_store, all);
    reg(E1000_WUFC, rd_store, wr_store, all);
    reg(E1000_WUS, rd_store, wr_store, all);
    for (uint32_t i = 0; i < E1000_MTA_WORDS; i++)
        reg(E1000_MTA + 4 * i, rd_store, wr_store, all);
    for (uint32_t i = 0; i < E1000_VFTA_WORDS; i++)
        reg(E1000_VFTA + 4 * i, rd_store, wr_store, all);
    for (uint32_t i = 0; i < E1000_RAR_ENTRIES; i++) {
        reg(E1000_RAL(i), rd_store, wr_store, all);
        reg(E1000_RAH(i), rd_store, wr_store, E1000_RAH_AV | 3u << E1000_RAH_AS_SHIFT | 0xFFFFu);
    }
    for (uint32_t off = E1000_STATS_FIRST; off <= E1000_STATS_LAST; off += 4)
        reg(off, rd_stat, wr_ignore, 0);
    static const uint32_t pairs[] = { E1000_GORCL, E1000_GOTCL, E1000_TORL, E1000_TOTL };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        reg(pairs[i], rd_stat_low, wr_ignore, 0);
        reg(pairs[i] + 4, rd_stat_high, wr_ignore, 0);
    }
}

/* ---- EEPROM image (§5.6): MAC, IDs, checksum ---- */
void e1000_mac_from_name(const char *name, uint8_t mac[6])
{
    uint64_t h = 0xcbf29ce484222325ull;      /* FNV-1a-64 offset basis */
    for (const char *p = name; *p; p++) {
        h ^= (uint8_t)*p;
        h *= 0x100000001b3ull;               /* FNV-1a-64 prime */
    }
    mac[0] = 0x02;                           /* locally administered, unicast (IEEE 802 §8.2) */
    for (int i = 1; i < 6; i++)
        mac[i] = (uint8_t)(h >> (8 * i));
}

static void eeprom_build(e1000 *s)
{
    uint16_t *w = s->eeprom;
    memset(w, 0, sizeof s->eeprom);
    for (int i = 0; i < 3; i++)
        w[E1000_EE_MAC_WORD0 + i] = (uint16_t)(s->mac_addr[2 * i] | s->mac_addr[2 * i + 1] << 8);
    w[E1000_EE_SUBSYS_ID] = E1000_PCI_SUBSYS_ID;
    w[E1000_EE_SUBSYS_VENDOR] = E1000_PCI_SUBSYS_VENDOR;
    w[E1000_EE_DEVICE_ID] = E1000_PCI_DEVICE_ID;
    w[E1000_EE_VENDOR_ID] = E1000_PCI_VENDOR_ID;
    uint16_t sum = 0;
    for (unsigned i = 0; i < E1000_EE_CHECKSUM_WORD; i++)
        sum = (uint16_t)(sum + w[i]);
    w[E1000_EE_CHECKSUM_WORD] = (uint16_t)(E1000_EE_CHECKSUM_SUM - sum);
}

/* Registers after a reset (§13.4, "Initial Value" columns); RAR[0] is loaded from the EEPROM. */
void e1000_reset(e1000 *s)
{
    memset(s->regs, 0, sizeof s->regs);
    E1000_REG(s, E1000_EECD) = E1000_EECD_PRES;
    E1000_REG(s, E1000_PBA) = 0x0030;         /* 48 KB receive, 16 KB transmit (§13.4.16) */
    E1000_REG(s, E1000_RAL(0)) = (uint32_t)s->mac_addr[0] | (uint32_t)s->mac_addr[1] << 8 |
                                 (uint32_t)s->mac_addr[2] << 16 | (uint32_t)s->mac_addr[3] << 24;
    E1000_REG(s, E1000_RAH(0)) = (uint32_t)s->mac_addr[4] | (uint32_t)s->mac_addr[5] << 8 | E1000_RAH_AV;
    /* PHY (M88E1011-class, IEEE 802.3 cl. 22): control: autoneg on, 1000 Mb/s full duplex;
     * status: autoneg complete and capable, 10/100 abilities, extended status; IDs. */
    memset(s->phy, 0, sizeof s->phy);
    s->phy[0] = 0x1140;
    s->phy[1] = 0x796D & ~(1u << 2);   /* link bit computed when read */
    s->phy[2] = 0x0141;
    s->phy[3] = 0x0C20;
    sim_event_cancel(s->eerd_ev);
    sim_event_cancel(s->mdic_ev);
    e1000_rx_flush_fifo(s);
    s->tx_len = 0;
    s->tx_overflow = false;
    s->rxdmt_low = false;
    e1000_delay_cancel(&s->rx_delay);
    e1000_delay_cancel(&s->tx_delay);
    e1000_irq_update(s);
}

uint32_t e1000_ring_count(const e1000 *s, uint32_t len_reg)
{
    return E1000_REG(s, len_reg) / E1000_DESC_BYTES;
}

/* ---- BAR access ---- */
static uint32_t reg_read(e1000 *s, uint32_t off)
{
    if (off >= E1000_REG_SPACE || !regtab[off >> 2].read) {
        sim_log(SIM_LOG_DEBUG, s->name, "read of unimplemented register 0x%05x", off);
        return 0;
    }
    return regtab[off >> 2].read(s, off);
}

static void reg_write(e1000 *s, uint32_t off, uint32_t v)
{
    if (off >= E1000_REG_SPACE || !regtab[off >> 2].write) {
        sim_log(SIM_LOG_DEBUG, s->name, "write 0x%08x to unimplemented register 0x%05x dropped", v, off);
        return;
    }
    regtab[off >> 2].write(s, off, v);
}

/* Sub-dword accesses read the dword (with its side effects) and select the bytes; a partial
 * write merges into the current value of plain registers. */
static uint64_t e1000_mmio_read(void *state, int bar, uint64_t offset, int size)
{
    e1000 *s = state;
    if (bar == E1000_PCI_BAR_IO) {             /* IOADDR at 0, IODATA at 4 (§13.2.2) */
        if (offset < 4)
            return s->ioaddr;
        return reg_read(s, s->ioaddr & ~3u);
    }
    if (size == 8)
        return reg_read(s, (uint32_t)offset) | (uint64_t)reg_read(s, (uint32_t)offset + 4) << 32;
    uint32_t v = reg_read(s, (uint32_t)offset & ~3u);
    unsigned shift = (unsigned)(offset & 3u) * 8u;
    uint32_t mask = size >= 4 ? 0xFFFFFFFFu : ((1u << (8 * size)) - 1u);
    return (v >> shift) & mask;
}

static void e1000_mmio_write(void *state, int bar, uint64_t offset, int size, uint64_t val)
{
    e1000 *s = state;
    if (bar == E1000_PCI_BAR_IO) {
        if (offset < 4)
            s->ioaddr = (uint32_t)val & 0x1FFFCu;
        else
            reg_write(s, s->ioaddr & ~3u, (uint32_t)val);
        return;
    }
    if (size == 8) {
        reg_write(s, (uint32_t)offset, (uint32_t)val);
        reg_write(s, (uint32_t)offset + 4, (uint32_t)(val >> 32));
        return;
    }
    uint32_t off = (uint32_t)offset & ~3u;
    uint32_t v = (uint32_t)val;
    if (size < 4) {
        unsigned shift = (unsigned)(offset & 3u) * 8u;
        uint32_t mask = ((1u << (8 * size)) - 1u) << shift;
        uint32_t cur = off < E1000_REG_SPACE ? E1000_REG(s, off) : 0;
        v = (cur & ~mask) | ((v << shift) & mask);
    }
    reg_write(s, off, v);
}

const pcie_ep_io_ops e1000_io_ops = { e1000_mmio_read, e1000_mmio_write };

/* ---- lifecycle ---- */
e1000_timing e1000_timing_default(void)
{
    e1000_timing t = {
        .wire_gbps = 10,                  /* the standard scenario's wire (issue 3) */
        .tx_desc_batch = 8,               /* 8 x 16 B = one 128-byte line per fetch */
        .tx_desc_proc_ps = 32 * SIM_NS,   /* 4 cycles of the 125 MHz MAC clock (estimate) */
        .rx_frame_proc_ps = 32 * SIM_NS,  /* same estimate for the receive side */
        .eeprom_word_ps = 26 * SIM_US,    /* ~26 Microwire SK cycles at 1 MHz (93C46-class) */
        .mdic_ps = 64 * 400 * SIM_NS,     /* 64 MDC cycles at 2.5 MHz (IEEE 802.3 cl. 22.2.2.11) */
    };
    return t;
}

int e1000_new(const char *name, e1000 **out, sim_err *err)
{
    *out = NULL;
    regtab_init();
    e1000 *s = calloc(1, sizeof *s);
    if (!s)
        return sim_err_set(err, "e1000 '%s': out of memory", name);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->t = e1000_timing_default();
    if (wire_port_new(name, s->t.wire_gbps, &s->port, err) < 0) {
        free(s);
        return -1;
    }
    wire_port_set_rx(s->port, e1000_wire_rx, s);
    e1000_mac_from_name(name, s->mac_addr);
    eeprom_build(s);
    s->eerd_ev = sim_event_new("e1000.eerd");
    sim_event_on(s->eerd_ev, eerd_done, s);
    s->mdic_ev = sim_event_new("e1000.mdic");
    sim_event_on(s->mdic_ev, mdic_done, s);
    e1000_irq_init(s);
    e1000_tx_init(s);
    e1000_rx_init(s);
    e1000_reset(s);
    *out = s;
    return 0;
}

void e1000_free(e1000 *s)
{
    if (!s)
        return;
    sim_cancel_owner(s); /* its threads may not have started yet, or wait on its events */
    e1000_rx_free(s);
    e1000_tx_free(s);
    e1000_irq_free(s);
    sim_event_free(s->eerd_ev);
    sim_event_free(s->mdic_ev);
    wire_port_free(s->port);
    free(s);
}

void e1000_attach(e1000 *s, pcie_endpoint *ep)
{
    s->ep = ep;
    if (!s->threads_started) {
        s->threads_started = true;
        sim_thread_spawn("e1000.irq", e1000_irq_thread, s);
        sim_thread_spawn("e1000.tx", e1000_tx_thread, s);
        sim_thread_spawn("e1000.rx", e1000_rx_thread, s);
    }
}

wire_port *e1000_port(e1000 *s) { return s->port; }
void e1000_mac_address(const e1000 *s, uint8_t mac[6]) { memcpy(mac, s->mac_addr, 6); }
e1000_timing *e1000_timing_params(e1000 *s) { return &s->t; }
e1000_counters e1000_get_counters(const e1000 *s) { return s->c; }

int e1000_set_wire_speed(e1000 *s, int gbps, sim_err *err)
{
    if (wire_port_set_speed(s->port, gbps, err) < 0)
        return -1;
    s->t.wire_gbps = gbps;
    return 0;
}
