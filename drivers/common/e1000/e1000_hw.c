/* e1000_hw.c — the shared 82540EM hardware layer's core: initialisation, status names, EEPROM
 * words through EERD (8254x SDM §13.4.4, EEPROM map §5.6) and PHY registers through MDIC
 * (§13.4.7, IEEE 802.3 cl. 22 register set). Polls with the osdep delay; never spins forever. */
#include "e1000_hw.h"

void e1000_hw_init(e1000_hw *hw, void *os)
{
    e1000_u8 *p = (e1000_u8 *)hw;
    for (e1000_size i = 0; i < sizeof *hw; i++)
        p[i] = 0;
    hw->os = os;
}

const char *e1000_hw_strerror(int status)
{
    switch (status) {
    case E1000_OK: return "ok";
    case E1000_ERR_PARAM: return "invalid parameter";
    case E1000_ERR_TIMEOUT: return "device did not complete in time";
    case E1000_ERR_EEPROM: return "EEPROM checksum mismatch";
    case E1000_ERR_PHY: return "PHY access error";
    case E1000_ERR_RING_FULL: return "descriptor ring full";
    case E1000_ERR_LINK: return "link down";
    default: return "unknown status";
    }
}

/* Polls reg until (value & bit) is set, waiting step_us between reads; *out gets the last value. */
static int poll_set(e1000_hw *hw, e1000_u32 reg, e1000_u32 bit, e1000_u32 step_us,
                    e1000_u32 timeout_us, e1000_u32 *out)
{
    e1000_u32 waited = 0;
    for (;;) {
        e1000_u32 v = e1000_hw_rd(hw, reg);
        if (v & bit) {
            *out = v;
            return E1000_OK;
        }
        if (waited >= timeout_us) {
            *out = v;
            return E1000_ERR_TIMEOUT;
        }
        e1000_osdep_udelay(hw->os, step_us);
        waited += step_us;
    }
}

int e1000_hw_read_eeprom(e1000_hw *hw, e1000_u32 word, e1000_u16 *data)
{
    if (word >= E1000_EEPROM_WORDS || data == NULL)
        return E1000_ERR_PARAM;
    e1000_hw_wr(hw, E1000_EERD, word << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
    e1000_u32 v;
    int st = poll_set(hw, E1000_EERD, E1000_EERD_DONE, E1000_EERD_POLL_US, E1000_EERD_TIMEOUT_US,
                      &v);
    if (st != E1000_OK) {
        e1000_osdep_debug(hw->os, "e1000_hw: EERD timed out (word, EERD)", word, v);
        return st;
    }
    *data = (e1000_u16)(v >> E1000_EERD_DATA_SHIFT);
    return E1000_OK;
}

int e1000_hw_validate_eeprom(e1000_hw *hw)
{
    e1000_u16 sum = 0;
    for (e1000_u32 w = 0; w < E1000_EEPROM_WORDS; w++) {
        e1000_u16 v;
        int st = e1000_hw_read_eeprom(hw, w, &v);
        if (st != E1000_OK)
            return st;
        sum = (e1000_u16)(sum + v);
    }
    if (sum != E1000_EE_CHECKSUM_SUM) {
        e1000_osdep_debug(hw->os, "e1000_hw: EEPROM checksum (sum, expected)", sum,
                          E1000_EE_CHECKSUM_SUM);
        return E1000_ERR_EEPROM;
    }
    return E1000_OK;
}

/* MDIC: one cl. 22 frame to the internal PHY; READY when done, E on error (§13.4.7). */
static int mdic_access(e1000_hw *hw, e1000_u32 op, e1000_u32 reg, e1000_u16 wdata, e1000_u32 *out)
{
    if (reg > 31)
        return E1000_ERR_PARAM;
    e1000_hw_wr(hw, E1000_MDIC, op | E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT |
                                    reg << E1000_MDIC_REG_SHIFT | wdata);
    int st = poll_set(hw, E1000_MDIC, E1000_MDIC_READY, E1000_MDIC_POLL_US, E1000_MDIC_TIMEOUT_US,
                      out);
    if (st != E1000_OK) {
        e1000_osdep_debug(hw->os, "e1000_hw: MDIC timed out (reg, MDIC)", reg, *out);
        return st;
    }
    if (*out & E1000_MDIC_E) {
        e1000_osdep_debug(hw->os, "e1000_hw: MDIC error (reg, MDIC)", reg, *out);
        return E1000_ERR_PHY;
    }
    return E1000_OK;
}

int e1000_hw_phy_read(e1000_hw *hw, e1000_u32 reg, e1000_u16 *value)
{
    if (value == NULL)
        return E1000_ERR_PARAM;
    e1000_u32 v;
    int st = mdic_access(hw, E1000_MDIC_OP_READ, reg, 0, &v);
    if (st == E1000_OK)
        *value = (e1000_u16)(v & E1000_MDIC_DATA_MASK);
    return st;
}

int e1000_hw_phy_write(e1000_hw *hw, e1000_u32 reg, e1000_u16 value)
{
    e1000_u32 v;
    return mdic_access(hw, E1000_MDIC_OP_WRITE, reg, value, &v);
}
