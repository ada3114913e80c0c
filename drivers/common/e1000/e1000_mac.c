/* e1000_mac.c — MAC-level operations of the shared 82540EM hardware layer: reset (CTRL.RST),
 * Ethernet address from the EEPROM, receive address and multicast filters, RCTL/TCTL/TIPG,
 * link (CTRL.SLU, STATUS), interrupt mask and moderation, and the read-to-clear statistics.
 * Register semantics from the 8254x SDM ch. 13; initialisation order from ch. 14. */
#include "e1000_hw.h"

/* ------------------------------------------------------------------------ reset ---- */

int e1000_hw_reset(e1000_hw *hw)
{
    /* Quiesce first: no interrupts, no new DMA (SDM ch. 14 masks IMC and stops RX/TX before
     * a global reset). */
    e1000_hw_wr(hw, E1000_IMC, E1000_IMS_ALL);
    e1000_hw_wr(hw, E1000_RCTL, 0);
    e1000_hw_wr(hw, E1000_TCTL, 0);
    hw->rctl = 0;
    hw->tctl = 0;
    hw->ims = 0;

    e1000_u32 ctrl = e1000_hw_rd(hw, E1000_CTRL);
    e1000_hw_wr(hw, E1000_CTRL, ctrl | E1000_CTRL_RST);
    e1000_osdep_udelay(hw->os, E1000_RESET_DELAY_US);
    e1000_u32 waited = E1000_RESET_DELAY_US;
    while ((ctrl = e1000_hw_rd(hw, E1000_CTRL)) & E1000_CTRL_RST) {
        if (waited >= E1000_RESET_TIMEOUT_US) {
            e1000_osdep_debug(hw->os, "e1000_hw: CTRL.RST did not clear (CTRL, us)", ctrl, waited);
            return E1000_ERR_TIMEOUT;
        }
        e1000_osdep_udelay(hw->os, 10);
        waited += 10;
    }
    /* The reset restores the mask to all-masked; mask again and drop causes raised meanwhile. */
    e1000_hw_wr(hw, E1000_IMC, E1000_IMS_ALL);
    (void)e1000_hw_rd(hw, E1000_ICR);
    return E1000_OK;
}

/* ------------------------------------------------------- addresses and filters ---- */

int e1000_hw_read_mac_addr(e1000_hw *hw)
{
    for (e1000_u32 w = 0; w < 3; w++) {
        e1000_u16 v;
        int st = e1000_hw_read_eeprom(hw, E1000_EE_MAC_WORD0 + w, &v);
        if (st != E1000_OK)
            return st;
        hw->mac_addr[2 * w] = (e1000_u8)(v & 0xFF);      /* low byte first (§5.6.1) */
        hw->mac_addr[2 * w + 1] = (e1000_u8)(v >> 8);
    }
    return E1000_OK;
}

int e1000_hw_set_rar(e1000_hw *hw, e1000_u32 index, const e1000_u8 mac[6], e1000_bool valid)
{
    if (index >= E1000_RAR_ENTRIES || mac == NULL)
        return E1000_ERR_PARAM;
    /* RAL holds address bytes 0-3, RAH bytes 4-5 in bits 15:0; AS (17:16) = 00b destination
     * address; AV (31) enables the entry (§13.5.2-3). AV is written last so a half-written
     * address never matches. */
    e1000_u32 ral = (e1000_u32)mac[0] | (e1000_u32)mac[1] << 8 | (e1000_u32)mac[2] << 16 |
                    (e1000_u32)mac[3] << 24;
    e1000_u32 rah = (e1000_u32)mac[4] | (e1000_u32)mac[5] << 8;
    e1000_hw_wr(hw, E1000_RAH(index), rah);
    e1000_hw_wr(hw, E1000_RAL(index), ral);
    if (valid)
        e1000_hw_wr(hw, E1000_RAH(index), rah | E1000_RAH_AV);
    return E1000_OK;
}

void e1000_hw_clear_mta(e1000_hw *hw)
{
    for (e1000_u32 i = 0; i < E1000_MTA_WORDS; i++)
        e1000_hw_wr(hw, E1000_MTA(i), 0);
}

void e1000_hw_clear_filters(e1000_hw *hw)
{
    for (e1000_u32 i = 1; i < E1000_RAR_ENTRIES; i++) {
        e1000_hw_wr(hw, E1000_RAH(i), 0);
        e1000_hw_wr(hw, E1000_RAL(i), 0);
    }
    e1000_hw_clear_mta(hw);
}

e1000_u32 e1000_hw_mta_hash(const e1000_u8 mac[6])
{
    /* MO = 00b: the 12 bits are destination address bits 47:36 (§13.5.1), i.e. the high
     * nibble of byte 4 and all of byte 5. */
    return ((e1000_u32)mac[4] >> 4 | (e1000_u32)mac[5] << 4) & 0xFFFu;
}

void e1000_hw_mta_add(e1000_hw *hw, const e1000_u8 mac[6])
{
    e1000_u32 h = e1000_hw_mta_hash(mac);
    e1000_u32 reg = E1000_MTA(h >> 5);   /* word: bits 11:5, bit: 4:0 */
    e1000_hw_wr(hw, reg, e1000_hw_rd(hw, reg) | 1u << (h & 31));
}

/* ------------------------------------------------------------------------- link ---- */

void e1000_hw_link_up(e1000_hw *hw)
{
    /* The internal PHY resolves speed and duplex; SLU forces the MAC link up (§13.4.1). */
    e1000_u32 ctrl = e1000_hw_rd(hw, E1000_CTRL);
    ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST);
    ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE | E1000_CTRL_FD;
    e1000_hw_wr(hw, E1000_CTRL, ctrl);
}

void e1000_hw_link_down(e1000_hw *hw)
{
    e1000_hw_wr(hw, E1000_CTRL, e1000_hw_rd(hw, E1000_CTRL) & ~E1000_CTRL_SLU);
}

e1000_link_status e1000_hw_link_status(e1000_hw *hw)
{
    e1000_u32 st = e1000_hw_rd(hw, E1000_STATUS);
    e1000_link_status ls;
    ls.up = (st & E1000_STATUS_LU) != 0;
    ls.full_duplex = (st & E1000_STATUS_FD) != 0;
    switch ((st & E1000_STATUS_SPEED_MASK) >> E1000_STATUS_SPEED_SHIFT) {
    case 0: ls.speed_mbps = 10; break;
    case 1: ls.speed_mbps = 100; break;
    default: ls.speed_mbps = 1000; break;   /* 10b and 11b both mean 1000 Mb/s (§13.4.2) */
    }
    return ls;
}

/* ------------------------------------------------------------- receive/transmit ---- */

/* RCTL.BSIZE/BSEX for a buffer size (§13.4.22); 0 when the size is not one of the seven. */
static e1000_u32 rctl_bsize(e1000_u32 bytes)
{
    switch (bytes) {
    case 2048: return 0u << E1000_RCTL_BSIZE_SHIFT;
    case 1024: return 1u << E1000_RCTL_BSIZE_SHIFT;
    case 512: return 2u << E1000_RCTL_BSIZE_SHIFT;
    case 256: return 3u << E1000_RCTL_BSIZE_SHIFT;
    case 16384: return E1000_RCTL_BSEX | 1u << E1000_RCTL_BSIZE_SHIFT;
    case 8192: return E1000_RCTL_BSEX | 2u << E1000_RCTL_BSIZE_SHIFT;
    case 4096: return E1000_RCTL_BSEX | 3u << E1000_RCTL_BSIZE_SHIFT;
    default: return 0xFFFFFFFFu;
    }
}

int e1000_hw_rx_enable(e1000_hw *hw, const e1000_rx_config *cfg)
{
    if (cfg == NULL)
        return E1000_ERR_PARAM;
    e1000_u32 bsize = rctl_bsize(cfg->buffer_bytes);
    if (bsize == 0xFFFFFFFFu)
        return E1000_ERR_PARAM;
    /* RXDMT0 at half the ring, MO = 00b (matches e1000_hw_mta_hash). */
    e1000_u32 rctl = E1000_RCTL_EN | E1000_RCTL_RDMTS_HALF | bsize;
    if (cfg->strip_crc)
        rctl |= E1000_RCTL_SECRC;
    if (cfg->broadcast)
        rctl |= E1000_RCTL_BAM;
    if (cfg->unicast_promisc)
        rctl |= E1000_RCTL_UPE;
    if (cfg->multicast_promisc)
        rctl |= E1000_RCTL_MPE;
    if (cfg->long_packets)
        rctl |= E1000_RCTL_LPE;
    e1000_hw_wr(hw, E1000_RCTL, rctl);
    hw->rctl = rctl;
    return E1000_OK;
}

void e1000_hw_rx_disable(e1000_hw *hw)
{
    hw->rctl &= ~E1000_RCTL_EN;
    e1000_hw_wr(hw, E1000_RCTL, hw->rctl);
}

void e1000_hw_tx_enable(e1000_hw *hw)
{
    e1000_hw_wr(hw, E1000_TIPG, E1000_TIPG_IPGT_COPPER << E1000_TIPG_IPGT_SHIFT |
                                    E1000_TIPG_IPGR1_COPPER << E1000_TIPG_IPGR1_SHIFT |
                                    E1000_TIPG_IPGR2_COPPER << E1000_TIPG_IPGR2_SHIFT);
    e1000_u32 tctl = E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_RTLC |
                     E1000_TCTL_CT_DEFAULT << E1000_TCTL_CT_SHIFT |
                     E1000_TCTL_COLD_FD << E1000_TCTL_COLD_SHIFT;
    e1000_hw_wr(hw, E1000_TCTL, tctl);
    hw->tctl = tctl;
}

void e1000_hw_tx_disable(e1000_hw *hw)
{
    hw->tctl &= ~E1000_TCTL_EN;
    e1000_hw_wr(hw, E1000_TCTL, hw->tctl);
}

/* ------------------------------------------------------------------- interrupts ---- */

void e1000_hw_irq_enable(e1000_hw *hw, e1000_u32 causes)
{
    hw->ims |= causes;
    e1000_hw_wr(hw, E1000_IMS, causes);
}

void e1000_hw_irq_disable(e1000_hw *hw, e1000_u32 causes)
{
    hw->ims &= ~causes;
    e1000_hw_wr(hw, E1000_IMC, causes);
}

e1000_u32 e1000_hw_irq_mask(e1000_hw *hw)
{
    return e1000_hw_rd(hw, E1000_IMS);
}

e1000_u32 e1000_hw_irq_cause_read(e1000_hw *hw)
{
    return e1000_hw_rd(hw, E1000_ICR);
}

void e1000_hw_irq_cause_set(e1000_hw *hw, e1000_u32 causes)
{
    e1000_hw_wr(hw, E1000_ICS, causes);
}

int e1000_hw_set_itr(e1000_hw *hw, e1000_u32 interval_ns)
{
    e1000_u32 units = interval_ns / E1000_ITR_UNIT_NS;
    if (units > 0xFFFFu)   /* INTERVAL is bits 15:0 (§13.4.18) */
        return E1000_ERR_PARAM;
    e1000_hw_wr(hw, E1000_ITR, units);
    return E1000_OK;
}

int e1000_hw_set_irq_delays(e1000_hw *hw, e1000_u32 rdtr, e1000_u32 radv, e1000_u32 tidv,
                            e1000_u32 tadv)
{
    if (rdtr > 0xFFFFu || radv > 0xFFFFu || tidv > 0xFFFFu || tadv > 0xFFFFu)
        return E1000_ERR_PARAM;   /* each delay field is bits 15:0 */
    e1000_hw_wr(hw, E1000_RDTR, rdtr);
    e1000_hw_wr(hw, E1000_RADV, radv);
    e1000_hw_wr(hw, E1000_TIDV, tidv);
    e1000_hw_wr(hw, E1000_TADV, tadv);
    return E1000_OK;
}

/* ------------------------------------------------------------------- statistics ---- */

#define STAT(reg, field) { reg, __builtin_offsetof(e1000_hw_stats, field) }
static const struct { e1000_u32 reg; e1000_size off; } stats32[] = {
    STAT(E1000_CRCERRS, crcerrs), STAT(E1000_ALGNERRC, algnerrc), STAT(E1000_SYMERRS, symerrs),
    STAT(E1000_RXERRC, rxerrc), STAT(E1000_MPC, mpc), STAT(E1000_SCC, scc),
    STAT(E1000_ECOL, ecol), STAT(E1000_MCC, mcc), STAT(E1000_LATECOL, latecol),
    STAT(E1000_COLC, colc), STAT(E1000_DC, dc), STAT(E1000_TNCRS, tncrs),
    STAT(E1000_CEXTERR, cexterr), STAT(E1000_RLEC, rlec), STAT(E1000_XONRXC, xonrxc),
    STAT(E1000_XONTXC, xontxc), STAT(E1000_XOFFRXC, xoffrxc), STAT(E1000_XOFFTXC, xofftxc),
    STAT(E1000_FCRUC, fcruc), STAT(E1000_PRC64, prc64), STAT(E1000_PRC127, prc127),
    STAT(E1000_PRC255, prc255), STAT(E1000_PRC511, prc511), STAT(E1000_PRC1023, prc1023),
    STAT(E1000_PRC1522, prc1522), STAT(E1000_GPRC, gprc), STAT(E1000_BPRC, bprc),
    STAT(E1000_MPRC, mprc), STAT(E1000_GPTC, gptc), STAT(E1000_RNBC, rnbc),
    STAT(E1000_RUC, ruc), STAT(E1000_RFC, rfc), STAT(E1000_ROC, roc), STAT(E1000_RJC, rjc),
    STAT(E1000_TPR, tpr), STAT(E1000_TPT, tpt), STAT(E1000_PTC64, ptc64),
    STAT(E1000_PTC127, ptc127), STAT(E1000_PTC255, ptc255), STAT(E1000_PTC511, ptc511),
    STAT(E1000_PTC1023, ptc1023), STAT(E1000_PTC1522, ptc1522), STAT(E1000_MPTC, mptc),
    STAT(E1000_BPTC, bptc),
};
/* 64-bit pairs: the register given is the Low half; High is at +4 and clears the pair. */
static const struct { e1000_u32 reg; e1000_size off; } stats64[] = {
    STAT(E1000_GORCL, gorc), STAT(E1000_GOTCL, gotc), STAT(E1000_TORL, tor),
    STAT(E1000_TOTL, tot),
};
#undef STAT

void e1000_hw_stats_update(e1000_hw *hw, e1000_hw_stats *stats)
{
    e1000_u8 *base = (e1000_u8 *)stats;
    for (e1000_size i = 0; i < sizeof stats32 / sizeof stats32[0]; i++)
        *(e1000_u64 *)(base + stats32[i].off) += e1000_hw_rd(hw, stats32[i].reg);
    for (e1000_size i = 0; i < sizeof stats64 / sizeof stats64[0]; i++) {
        e1000_u64 lo = e1000_hw_rd(hw, stats64[i].reg);
        e1000_u64 hi = e1000_hw_rd(hw, stats64[i].reg + 4);
        *(e1000_u64 *)(base + stats64[i].off) += hi << 32 | lo;
    }
}
