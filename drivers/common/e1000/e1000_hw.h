/* e1000_hw.h — the OS-independent hardware layer for the Intel 82540EM, shared by the native
 * (vmkapi) and the Linux-style (vmklinux) drivers: reset, EEPROM (EERD), PHY (MDIC), receive
 * address and multicast filters, RCTL/TCTL/TIPG, link, interrupt mask and moderation, and the
 * read-to-clear statistics. Follows the 8254x SDM (ch. 13, 14); reaches the device only through
 * e1000_osdep.h. Descriptor rings: e1000_ring.h. */
#ifndef E1000_HW_H
#define E1000_HW_H

#include "e1000_osdep.h"
#include "e1000_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: 0 is success, failures are negative. */
enum {
    E1000_OK = 0,
    E1000_ERR_PARAM = -1,     /* an argument outside what the hardware accepts */
    E1000_ERR_TIMEOUT = -2,   /* the device did not finish (reset, EERD, MDIC) in time */
    E1000_ERR_EEPROM = -3,    /* EEPROM checksum does not sum to BABAh */
    E1000_ERR_PHY = -4,       /* MDIC reported an error (no PHY at that address) */
    E1000_ERR_RING_FULL = -5, /* no free descriptor */
    E1000_ERR_LINK = -6,      /* link did not come up */
};
E1000_HW_API const char *e1000_hw_strerror(int status);

/* Polling limits of the set-up paths, in microseconds of osdep delay. */
#define E1000_RESET_DELAY_US    1u      /* wait before the first poll of CTRL.RST (SDM ch. 14) */
#define E1000_RESET_TIMEOUT_US  10000u
#define E1000_EERD_POLL_US      5u
#define E1000_EERD_TIMEOUT_US   10000u  /* a Microwire word takes ~26 us; allow far more */
#define E1000_MDIC_POLL_US      10u
#define E1000_MDIC_TIMEOUT_US   10000u  /* one MDIO frame is ~26 us at 2.5 MHz MDC */

typedef struct e1000_hw {
    void *os;                      /* handed to every osdep hook */
    e1000_u8 mac_addr[6];          /* from the EEPROM (e1000_hw_read_mac_addr) */
    e1000_u32 rctl;                /* last value written to RCTL */
    e1000_u32 tctl;                /* last value written to TCTL */
    e1000_u32 ims;                 /* causes currently unmasked (software copy of IMS) */
} e1000_hw;

typedef struct e1000_link_status {
    e1000_bool up;                 /* STATUS.LU */
    e1000_bool full_duplex;        /* STATUS.FD */
    e1000_u32 speed_mbps;          /* 10, 100 or 1000 from STATUS.SPEED */
} e1000_link_status;

/* Receive configuration for e1000_hw_rx_enable. */
typedef struct e1000_rx_config {
    e1000_u32 buffer_bytes;        /* 256, 512, 1024, 2048, 4096, 8192 or 16384 (RCTL.BSIZE/BSEX) */
    e1000_bool strip_crc;          /* RCTL.SECRC */
    e1000_bool broadcast;          /* RCTL.BAM */
    e1000_bool unicast_promisc;    /* RCTL.UPE */
    e1000_bool multicast_promisc;  /* RCTL.MPE */
    e1000_bool long_packets;       /* RCTL.LPE: frames above 1522 B */
} e1000_rx_config;

/* Statistics (SDM §13.7), accumulated in software across the read-to-clear registers. */
typedef struct e1000_hw_stats {
    e1000_u64 crcerrs, algnerrc, symerrs, rxerrc, mpc, scc, ecol, mcc, latecol, colc, dc, tncrs;
    e1000_u64 cexterr, rlec, xonrxc, xontxc, xoffrxc, xofftxc, fcruc;
    e1000_u64 prc64, prc127, prc255, prc511, prc1023, prc1522;
    e1000_u64 gprc, bprc, mprc, gptc, gorc, gotc;
    e1000_u64 rnbc, ruc, rfc, roc, rjc, tor, tot, tpr, tpt;
    e1000_u64 ptc64, ptc127, ptc255, ptc511, ptc1023, ptc1522, mptc, bptc;
} e1000_hw_stats;

/* ---- set-up ---- */
/* Zeroes hw and records the glue's context; no device access. */
E1000_HW_API void e1000_hw_init(e1000_hw *hw, void *os);
/* Masks every interrupt, stops RX and TX, issues CTRL.RST (SDM §13.4.1) and polls until it
 * self-clears, then masks again and clears pending causes (the order of SDM ch. 14). */
E1000_HW_API int e1000_hw_reset(e1000_hw *hw);
/* One EEPROM word through EERD (SDM §13.4.4). */
E1000_HW_API int e1000_hw_read_eeprom(e1000_hw *hw, e1000_u32 word, e1000_u16 *data);
/* Sums words 00h-3Fh; E1000_ERR_EEPROM unless they give BABAh (SDM §5.6.20). */
E1000_HW_API int e1000_hw_validate_eeprom(e1000_hw *hw);
/* Reads the Ethernet address (EEPROM words 0-2, SDM §5.6.1) into hw->mac_addr. */
E1000_HW_API int e1000_hw_read_mac_addr(e1000_hw *hw);
/* Programs RAL/RAH[index] (SDM §13.5.2-3); valid=0 clears AV. */
E1000_HW_API int e1000_hw_set_rar(e1000_hw *hw, e1000_u32 index, const e1000_u8 mac[6],
                                  e1000_bool valid);
/* Clears RAR[1..15] and the 128-word multicast table. */
E1000_HW_API void e1000_hw_clear_filters(e1000_hw *hw);
E1000_HW_API void e1000_hw_clear_mta(e1000_hw *hw);
/* The MTA bit index for a multicast address with RCTL.MO = 00b (bits 47:36, SDM §13.5.1). */
E1000_HW_API e1000_u32 e1000_hw_mta_hash(const e1000_u8 mac[6]);
E1000_HW_API void e1000_hw_mta_add(e1000_hw *hw, const e1000_u8 mac[6]);

/* ---- PHY (MDIC, SDM §13.4.7) ---- */
E1000_HW_API int e1000_hw_phy_read(e1000_hw *hw, e1000_u32 reg, e1000_u16 *value);
E1000_HW_API int e1000_hw_phy_write(e1000_hw *hw, e1000_u32 reg, e1000_u16 value);

/* ---- link (CTRL.SLU, CTRL.FD/ASDE §13.4.1; STATUS §13.4.2) ---- */
/* Sets CTRL.SLU (with auto speed detection and full duplex), clears link and PHY reset. */
E1000_HW_API void e1000_hw_link_up(e1000_hw *hw);
/* Clears CTRL.SLU. */
E1000_HW_API void e1000_hw_link_down(e1000_hw *hw);
E1000_HW_API e1000_link_status e1000_hw_link_status(e1000_hw *hw);

/* ---- receive / transmit control ---- */
E1000_HW_API int e1000_hw_rx_enable(e1000_hw *hw, const e1000_rx_config *cfg);
E1000_HW_API void e1000_hw_rx_disable(e1000_hw *hw);
/* TIPG with the copper values, TCTL with EN, PSP, CT 0Fh, COLD 40h (full duplex). */
E1000_HW_API void e1000_hw_tx_enable(e1000_hw *hw);
E1000_HW_API void e1000_hw_tx_disable(e1000_hw *hw);

/* ---- interrupts (SDM §13.4.17-21) ---- */
E1000_HW_API void e1000_hw_irq_enable(e1000_hw *hw, e1000_u32 causes);   /* IMS */
E1000_HW_API void e1000_hw_irq_disable(e1000_hw *hw, e1000_u32 causes);  /* IMC */
E1000_HW_API e1000_u32 e1000_hw_irq_mask(e1000_hw *hw);                   /* reads IMS */
E1000_HW_API e1000_u32 e1000_hw_irq_cause_read(e1000_hw *hw);             /* ICR: read clears */
E1000_HW_API void e1000_hw_irq_cause_set(e1000_hw *hw, e1000_u32 causes); /* ICS */
/* Minimum interval between interrupts, rounded down to 256 ns units (0: no throttling);
 * E1000_ERR_PARAM above the 16-bit field (SDM §13.4.18). */
E1000_HW_API int e1000_hw_set_itr(e1000_hw *hw, e1000_u32 interval_ns);
/* Interrupt delay timers in 1.024 us units (RDTR, RADV, TIDV, TADV; SDM §13.4.30-31, 41, 44);
 * each value must fit 16 bits. */
E1000_HW_API int e1000_hw_set_irq_delays(e1000_hw *hw, e1000_u32 rdtr, e1000_u32 radv,
                                         e1000_u32 tidv, e1000_u32 tadv);

/* ---- statistics ---- */
/* Reads every statistics register once and adds it to *stats (registers clear on read, so the
 * sum over calls is the total since reset). 64-bit pairs are read low half first. */
E1000_HW_API void e1000_hw_stats_update(e1000_hw *hw, e1000_hw_stats *stats);

/* Raw register access through the osdep hooks (for the OS glue's fast paths). */
static inline e1000_u32 e1000_hw_rd(e1000_hw *hw, e1000_u32 reg)
{
    return e1000_osdep_read32(hw->os, reg);
}
static inline void e1000_hw_wr(e1000_hw *hw, e1000_u32 reg, e1000_u32 value)
{
    e1000_osdep_write32(hw->os, reg, value);
}

#ifdef __cplusplus
}
#endif
#endif
