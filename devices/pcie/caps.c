/* caps.c — capability builders: reset values, RW and RW1C masks of Power Management (PCI PM 1.2
 * §3.2), MSI (PCIe Base Spec 5.0 §7.7.1), MSI-X (§7.7.2), the PCI Express capability version 2
 * (§7.5.3: device, link, slot and root registers per Device/Port Type) and AER (§7.8.4); the
 * capability-list walkers; the LNKSTA/SLTSTA updates hardware makes when a link or a card changes. */
#include "devices/pcie/caps.h"

#include "devices/pcie/pcie_regs.h"

/* Slot Power Limit advertised by every slot: 25.0 W (value 250, scale 01b = x0.1, §7.5.3.9), the
 * initial power a standard-height x4..x16 add-in card may draw (PCIe CEM 4.0 §4.2). */
#define SLOT_POWER_VALUE 250
#define SLOT_POWER_SCALE 1

static bool link_std_cap(pcie_cfg *c, uint8_t off, uint8_t len, uint8_t id)
{
    if (off < 0x40 || (off & 3) || (unsigned)off + len > PCIE_CFG_COMPAT_SIZE ||
        !pcie_cfg_claim(c, off, len))
        return false;
    pcie_cfg_set8(c, (uint16_t)(off + PCIE_CAP_LIST_ID), id);
    pcie_cfg_set8(c, (uint16_t)(off + PCIE_CAP_LIST_NEXT), 0);
    if (c->last_cap == 0)
        pcie_cfg_set8(c, PCIE_CAPABILITY_LIST, off);
    else
        pcie_cfg_set8(c, (uint16_t)(c->last_cap + PCIE_CAP_LIST_NEXT), off);
    c->last_cap = off;
    /* §7.5.1.1.4: Capabilities List bit is RO 1 on PCIe functions (set by init_common). */
    pcie_cfg_bits16(c, PCIE_STATUS, PCIE_STATUS_CAP_LIST, 0);
    return true;
}

bool pcie_cap_add_pm(pcie_cfg *c, uint8_t off, uint16_t pmc_extra)
{
    if (!link_std_cap(c, off, PCIE_PM_SIZEOF, PCIE_CAP_ID_PM))
        return false;
    /* PCI PM 1.2 §3.2.3: Version 011b = this specification. */
    pcie_cfg_set16(c, (uint16_t)(off + PCIE_PM_PMC),
                   (uint16_t)(3 | (pmc_extra & ~PCIE_PM_PMC_VERSION_MASK)));
    /* §3.2.4 PMCSR: PowerState RW (D0 at reset), No_Soft_Reset RO 1 (a D3hot->D0 transition keeps
     * the function's state, as PCIe Base 5.0 §7.5.2.2 recommends), PME_En RW, PME_Status RW1C. */
    pcie_cfg_set16(c, (uint16_t)(off + PCIE_PM_CTRL), PCIE_PM_CTRL_NO_SOFT_RESET);
    pcie_cfg_set_wmask16(c, (uint16_t)(off + PCIE_PM_CTRL),
                         PCIE_PM_CTRL_STATE_MASK | PCIE_PM_CTRL_PME_ENABLE);
    pcie_cfg_set_w1c16(c, (uint16_t)(off + PCIE_PM_CTRL), PCIE_PM_CTRL_PME_STATUS);
    c->pm_cap = off;
    return true;
}

bool pcie_cap_add_msi(pcie_cfg *c, uint8_t off, int log2_vectors, bool addr64, bool per_vector_mask)
{
    if (log2_vectors < 0 || log2_vectors > 5)   /* §7.7.1.2: at most 32 vectors */
        return false;
    /* §7.7.1: 10 B (32-bit), 14 B (64-bit), +10 B with per-vector masking (mask, pending). */
    uint8_t len = (uint8_t)(addr64 ? (per_vector_mask ? 24 : 14) : (per_vector_mask ? 20 : 10));
    if (!link_std_cap(c, off, (uint8_t)((len + 3) & ~3), PCIE_CAP_ID_MSI))
        return false;
    uint16_t ctl = (uint16_t)(log2_vectors << 1);
    if (addr64)
        ctl |= PCIE_MSI_FLAGS_64BIT;
    if (per_vector_mask)
        ctl |= PCIE_MSI_FLAGS_MASKBIT;
    pcie_cfg_set16(c, (uint16_t)(off + PCIE_MSI_FLAGS), ctl);
    /* §7.7.1.2: Enable and Multiple Message Enable are RW, the rest RO. */
    pcie_cfg_set_wmask16(c, (uint16_t)(off + PCIE_MSI_FLAGS),
                         PCIE_MSI_FLAGS_ENABLE | PCIE_MSI_FLAGS_QSIZE);
    /* §7.7.1.3: address bits 1:0 are RO 0 (dword aligned). */
    pcie_cfg_set_wmask32(c, (uint16_t)(off + PCIE_MSI_ADDRESS_LO), 0xFFFFFFFCu);
    uint16_t data = addr64 ? PCIE_MSI_DATA_64 : PCIE_MSI_DATA_32;
    if (addr64)
        pcie_cfg_set_wmask32(c, (uint16_t)(off + PCIE_MSI_ADDRESS_HI), 0xFFFFFFFFu);
    pcie_cfg_set_wmask16(c, (uint16_t)(off + data), 0xFFFF);   /* §7.7.1.5 Message Data */
    if (per_vector_mask) {
        /* §7.7.1.7: one Mask bit per capable vector is RW; §7.7.1.8 Pending bits are RO. */
        uint16_t mask = addr64 ? PCIE_MSI_MASK_64 : PCIE_MSI_MASK_32;
        uint32_t nvec = 1u << log2_vectors;
        pcie_cfg_set_wmask32(c, (uint16_t)(off + mask),
                             nvec == 32 ? 0xFFFFFFFFu : (1u << nvec) - 1);
    }
    return true;
}

bool pcie_cap_add_msix(pcie_cfg *c, uint8_t off, int table_size, int table_bir, uint32_t table_off,
                       int pba_bir, uint32_t pba_off)
{
    /* §7.7.2.2: Table Size is N-1 in 11 bits; §7.7.2.3/4: BIR names a memory BAR, offsets are
     * 8-byte aligned (low 3 bits hold the BIR). */
    if (table_size < 1 || table_size > 2048 || (table_off & 7) || (pba_off & 7))
        return false;
    const int birs[2] = {table_bir, pba_bir};
    const uint64_t ends[2] = {(uint64_t)table_off + (uint64_t)table_size * PCIE_MSIX_ENTRY_SIZE,
                              (uint64_t)pba_off + ((uint64_t)table_size + 63) / 64 * 8};
    for (int i = 0; i < 2; i++) {
        if (birs[i] < 0 || birs[i] >= PCIE_NUM_BARS)
            return false;
        const pcie_bar *b = &c->bars[birs[i]];
        if (b->upper_half || (b->kind != PCIE_BAR_MEM32 && b->kind != PCIE_BAR_MEM64) ||
            ends[i] > b->size)
            return false;
    }
    if (!link_std_cap(c, off, PCIE_MSIX_SIZEOF, PCIE_CAP_ID_MSIX))
        return false;
    pcie_cfg_set16(c, (uint16_t)(off + PCIE_MSIX_FLAGS), (uint16_t)(table_size - 1));
    pcie_cfg_set_wmask16(c, (uint16_t)(off + PCIE_MSIX_FLAGS),
                         PCIE_MSIX_FLAGS_ENABLE | PCIE_MSIX_FLAGS_MASKALL);
    pcie_cfg_set32(c, (uint16_t)(off + PCIE_MSIX_TABLE), table_off | (uint32_t)table_bir);
    pcie_cfg_set32(c, (uint16_t)(off + PCIE_MSIX_PBA), pba_off | (uint32_t)pba_bir);
    return true;
}

int pcie_size_encode(int bytes)
{
    for (int e = 0; e <= 5; e++)
        if (bytes == 128 << e)
            return e;
    return -1;
}

static bool is_downstream_type(int t)
{
    return t == PCIE_EXP_TYPE_ROOT_PORT || t == PCIE_EXP_TYPE_DOWNSTREAM;
}

static void exp_slot(pcie_cfg *c, uint16_t base, const pcie_exp_params *p)
{
    uint32_t cap = (uint32_t)SLOT_POWER_VALUE << PCIE_EXP_SLTCAP_SPLV_SHIFT |
                   (uint32_t)SLOT_POWER_SCALE << PCIE_EXP_SLTCAP_SPLS_SHIFT |
                   (uint32_t)(p->slot & PCIE_EXP_SLTCAP_PSN_MAX) << PCIE_EXP_SLTCAP_PSN_SHIFT;
    uint16_t ctl = 0, ctl_w = 0, sta = 0, sta_w1c = PCIE_EXP_SLTSTA_PDC | PCIE_EXP_SLTSTA_DLLSC;
    if (p->hotplug) {
        /* A hot-plug slot as the design describes it: attention button, power controller, MRL
         * sensor, attention and power indicators, surprise removal possible, hot-plug capable;
         * no electromechanical interlock (EIP 0, so EIC reads 0 and EIS stays 0, §7.5.3.10-11);
         * command completion is reported (NCCS 0). slot.c gives the bits their behaviour. */
        cap |= PCIE_EXP_SLTCAP_ABP | PCIE_EXP_SLTCAP_PCP | PCIE_EXP_SLTCAP_MRLSP |
               PCIE_EXP_SLTCAP_AIP | PCIE_EXP_SLTCAP_PIP | PCIE_EXP_SLTCAP_HPS |
               PCIE_EXP_SLTCAP_HPC;
        /* §7.5.3.10: every enable of an implemented event, the indicator and power controls. */
        ctl_w = PCIE_EXP_SLTCTL_ABPE | PCIE_EXP_SLTCTL_PFDE | PCIE_EXP_SLTCTL_MRLSCE |
                PCIE_EXP_SLTCTL_PDCE | PCIE_EXP_SLTCTL_CCIE | PCIE_EXP_SLTCTL_HPIE |
                PCIE_EXP_SLTCTL_AIC | PCIE_EXP_SLTCTL_PIC | PCIE_EXP_SLTCTL_PCC |
                PCIE_EXP_SLTCTL_DLLSCE;
        /* Firmware hand-off state: an occupied slot is powered with its power indicator on, an
         * empty one powered off with the indicator off; the attention indicator is off. */
        ctl = PCIE_EXP_SLTCTL_ATTN_IND_OFF |
              (p->occupied ? PCIE_EXP_SLTCTL_PWR_IND_ON
                           : (PCIE_EXP_SLTCTL_PWR_IND_OFF | PCIE_EXP_SLTCTL_PCC));
        sta_w1c |= PCIE_EXP_SLTSTA_ABP | PCIE_EXP_SLTSTA_PFD | PCIE_EXP_SLTSTA_MRLSC |
                   PCIE_EXP_SLTSTA_CC;
    } else {
        /* A fixed slot: presence and DLL-state events may still be enabled (§7.5.3.10). */
        ctl_w = PCIE_EXP_SLTCTL_PDCE | PCIE_EXP_SLTCTL_DLLSCE;
    }
    if (p->occupied)
        sta |= PCIE_EXP_SLTSTA_PDS;   /* MRLSS 0: MRL closed */
    pcie_cfg_set32(c, (uint16_t)(base + PCIE_EXP_SLTCAP), cap);
    pcie_cfg_set16(c, (uint16_t)(base + PCIE_EXP_SLTCTL), ctl);
    pcie_cfg_set_wmask16(c, (uint16_t)(base + PCIE_EXP_SLTCTL), ctl_w);
    pcie_cfg_set16(c, (uint16_t)(base + PCIE_EXP_SLTSTA), sta);
    pcie_cfg_set_w1c16(c, (uint16_t)(base + PCIE_EXP_SLTSTA), sta_w1c);
}

bool pcie_cap_add_exp(pcie_cfg *c, uint8_t off, const pcie_exp_params *p)
{
    int mps = pcie_size_encode(p->link.mps), mrrs = pcie_size_encode(p->link.mrrs);
    int t = p->port_type;
    bool down = is_downstream_type(t), ep = t == PCIE_EXP_TYPE_ENDPOINT;
    if (mps < 0 || mrrs < 0 || p->link.gen < 1 || p->link.gen > 5 || p->link.width < 1 ||
        p->link.width > 32 || (p->slot_implemented && !down) || p->slot < 0 ||
        p->slot > PCIE_EXP_SLTCAP_PSN_MAX)
        return false;
    if (!link_std_cap(c, off, PCIE_EXP_SIZEOF, PCIE_CAP_ID_EXP))
        return false;
    uint16_t b = off;
    /* §7.5.3.2: capability version 2, Device/Port Type, Slot Implemented. */
    pcie_cfg_set16(c, (uint16_t)(b + PCIE_EXP_FLAGS),
                   (uint16_t)(2 | t << 4 | (p->slot_implemented ? PCIE_EXP_FLAGS_SLOT : 0)));

    /* §7.5.3.3 DEVCAP: Max_Payload_Size Supported is the platform's MPS for this link;
     * Role-Based Error Reporting is mandatory since 1.1; endpoints accept any L0s/L1 exit latency
     * (111b = no limit) and support 8-bit tags. */
    uint32_t devcap = (uint32_t)mps | PCIE_EXP_DEVCAP_RBER;
    if (ep)
        devcap |= PCIE_EXP_DEVCAP_EXT_TAG | 7u << PCIE_EXP_DEVCAP_L0S_SHIFT |
                  7u << PCIE_EXP_DEVCAP_L1_SHIFT;
    if (t == PCIE_EXP_TYPE_ENDPOINT || t == PCIE_EXP_TYPE_UPSTREAM)  /* Captured Slot Power */
        devcap |= (uint32_t)SLOT_POWER_VALUE << PCIE_EXP_DEVCAP_PWR_VAL_SHIFT |
                  (uint32_t)SLOT_POWER_SCALE << PCIE_EXP_DEVCAP_PWR_SCL_SHIFT;
    pcie_cfg_set32(c, (uint16_t)(b + PCIE_EXP_DEVCAP), devcap);

    /* §7.5.3.4 DEVCTL: Relaxed Ordering and No Snoop enabled at reset (spec defaults); MPS and
     * MRRS hold the platform's link values, as platform firmware programs them before the OS
     * runs (the spec's reset values 128/512 B are what firmware overwrites). */
    pcie_cfg_set16(c, (uint16_t)(b + PCIE_EXP_DEVCTL),
                   (uint16_t)(PCIE_EXP_DEVCTL_RELAX_EN | PCIE_EXP_DEVCTL_NOSNOOP_EN |
                              mps << PCIE_EXP_DEVCTL_PAYLOAD_SHIFT |
                              mrrs << PCIE_EXP_DEVCTL_READRQ_SHIFT));
    pcie_cfg_set_wmask16(c, (uint16_t)(b + PCIE_EXP_DEVCTL),
                         PCIE_EXP_DEVCTL_CERE | PCIE_EXP_DEVCTL_NFERE | PCIE_EXP_DEVCTL_FERE |
                             PCIE_EXP_DEVCTL_URRE | PCIE_EXP_DEVCTL_RELAX_EN |
                             PCIE_EXP_DEVCTL_PAYLOAD | PCIE_EXP_DEVCTL_NOSNOOP_EN |
                             PCIE_EXP_DEVCTL_READRQ |
                             (ep ? PCIE_EXP_DEVCTL_EXT_TAG : 0));
    pcie_cfg_set_w1c16(c, (uint16_t)(b + PCIE_EXP_DEVSTA), PCIE_EXP_DEVSTA_RW1C); /* §7.5.3.5 */

    /* §7.5.3.6 LNKCAP: speed and width of the link; no ASPM (00b); ASPM Optionality Compliance
     * set (required from 3.0). Downstream-facing ports: DLL Link Active Reporting, Link
     * Bandwidth Notification, and Surprise Down reporting when the slot is hot-plug capable. */
    uint32_t lnkcap = (uint32_t)p->link.gen | (uint32_t)p->link.width << PCIE_EXP_LNKCAP_MLW_SHIFT |
                      PCIE_EXP_LNKCAP_ASPMOC |
                      (uint32_t)(p->port_number & 0xFF) << PCIE_EXP_LNKCAP_PN_SHIFT;
    if (down)
        lnkcap |= PCIE_EXP_LNKCAP_DLLLARC | PCIE_EXP_LNKCAP_LBNC |
                  (p->hotplug ? PCIE_EXP_LNKCAP_SDERC : 0);
    pcie_cfg_set32(c, (uint16_t)(b + PCIE_EXP_LNKCAP), lnkcap);

    /* §7.5.3.7 LNKCTL writable bits per port type. Retrain Link always reads 0 (the modelled
     * link is trained at once), so it is not stored. RCB: a root port reports 64 B (0), the RCB
     * the timing model uses; an endpoint's RCB is RW. */
    uint16_t lnkctl_w = PCIE_EXP_LNKCTL_ASPMC | PCIE_EXP_LNKCTL_CCC | PCIE_EXP_LNKCTL_ES;
    if (down)
        lnkctl_w |= PCIE_EXP_LNKCTL_LD | PCIE_EXP_LNKCTL_LBMIE | PCIE_EXP_LNKCTL_LABIE;
    if (ep)
        lnkctl_w |= PCIE_EXP_LNKCTL_RCB;
    pcie_cfg_set_wmask16(c, (uint16_t)(b + PCIE_EXP_LNKCTL), lnkctl_w);
    if (down)
        pcie_cfg_set_w1c16(c, (uint16_t)(b + PCIE_EXP_LNKSTA),
                           PCIE_EXP_LNKSTA_LBMS | PCIE_EXP_LNKSTA_LABS);
    pcie_cap_exp_set_link(c, &p->link, p->link_up);

    if (p->slot_implemented)
        exp_slot(c, b, p);
    else if (down)
        /* §7.5.3.11: a downstream port without a slot hardwires Presence Detect State to 1. */
        pcie_cfg_set16(c, (uint16_t)(b + PCIE_EXP_SLTSTA), PCIE_EXP_SLTSTA_PDS);

    if (t == PCIE_EXP_TYPE_ROOT_PORT) {
        /* §7.5.3.12-14: error and PME interrupt enables RW; no CRS Software Visibility;
         * PME Status RW1C. */
        pcie_cfg_set_wmask16(c, (uint16_t)(b + PCIE_EXP_RTCTL),
                             PCIE_EXP_RTCTL_SECEE | PCIE_EXP_RTCTL_SENFEE |
                                 PCIE_EXP_RTCTL_SEFEE | PCIE_EXP_RTCTL_PMEIE);
        pcie_cfg_set_w1c32(c, (uint16_t)(b + PCIE_EXP_RTSTA), PCIE_EXP_RTSTA_PME);
    }

    /* §7.5.3.15/16: endpoints support completion-timeout ranges A and B and disabling it. */
    if (ep) {
        pcie_cfg_set32(c, (uint16_t)(b + PCIE_EXP_DEVCAP2), 0x3 | PCIE_EXP_DEVCAP2_CTO_DIS);
        pcie_cfg_set_wmask16(c, (uint16_t)(b + PCIE_EXP_DEVCTL2),
                             PCIE_EXP_DEVCTL2_CTO_VAL | PCIE_EXP_DEVCTL2_CTO_DIS);
    }
    /* §7.5.3.18/19: Supported Link Speeds Vector holds every speed up to the link's; the Target
     * Link Speed starts at the highest. */
    pcie_cfg_set32(c, (uint16_t)(b + PCIE_EXP_LNKCAP2),
                   ((1u << p->link.gen) - 1) << PCIE_EXP_LNKCAP2_SLS_SHIFT);
    pcie_cfg_set16(c, (uint16_t)(b + PCIE_EXP_LNKCTL2), (uint16_t)p->link.gen);
    pcie_cfg_set_wmask16(c, (uint16_t)(b + PCIE_EXP_LNKCTL2), PCIE_EXP_LNKCTL2_TLS);
    return true;
}

void pcie_cap_exp_set_link(pcie_cfg *c, const pcie_link_params *link, bool up)
{
    uint8_t b = pcie_cap_find(c, PCIE_CAP_ID_EXP);
    if (!b)
        return;
    int t = (pcie_cfg_get16(c, (uint16_t)(b + PCIE_EXP_FLAGS)) & PCIE_EXP_FLAGS_TYPE) >> 4;
    /* §7.5.3.8: the trained speed and width; the reference clock comes from the slot/platform
     * (Slot Clock Configuration 1). With the link down the width is 0 and the speed field keeps
     * the 2.5 GT/s value of a link that has not trained. DLLLA is reported by downstream-facing
     * ports (the ones with DLL Link Active Reporting Capable). */
    uint16_t sta = pcie_cfg_get16(c, (uint16_t)(b + PCIE_EXP_LNKSTA)) &
                   (PCIE_EXP_LNKSTA_LBMS | PCIE_EXP_LNKSTA_LABS);
    sta |= PCIE_EXP_LNKSTA_SLC;
    if (up) {
        sta |= (uint16_t)(link->gen | link->width << PCIE_EXP_LNKSTA_NLW_SHIFT);
        if (is_downstream_type(t))
            sta |= PCIE_EXP_LNKSTA_DLLLA;
    } else {
        sta |= 1;
    }
    pcie_cfg_set16(c, (uint16_t)(b + PCIE_EXP_LNKSTA), sta);
}

void pcie_cap_exp_set_presence(pcie_cfg *c, bool present)
{
    uint8_t b = pcie_cap_find(c, PCIE_CAP_ID_EXP);
    if (!b || !(pcie_cfg_get16(c, (uint16_t)(b + PCIE_EXP_FLAGS)) & PCIE_EXP_FLAGS_SLOT))
        return;
    pcie_cfg_bits16(c, (uint16_t)(b + PCIE_EXP_SLTSTA), present ? PCIE_EXP_SLTSTA_PDS : 0,
                    present ? 0 : PCIE_EXP_SLTSTA_PDS);
}

bool pcie_ecap_add_aer(pcie_cfg *c, uint16_t off, bool root_port)
{
    uint16_t len = root_port ? PCIE_AER_SIZEOF_ROOT : PCIE_AER_SIZEOF;
    if (off < PCIE_EXT_CAP_START || (off & 3) || !pcie_cfg_claim(c, off, len))
        return false;
    /* §7.6.3 header: ID, capability version 2 (§7.8.4.1), next 0 (the end of the list). */
    pcie_cfg_set32(c, off, PCIE_EXT_CAP_ID_AER | 2u << 16);
    if (c->last_ext_cap)
        pcie_cfg_bits32(c, c->last_ext_cap, (uint32_t)off << 20, 0xFFF00000u);
    c->last_ext_cap = off;
    /* §7.8.4.2-4: the uncorrectable errors a function logs (Data Link Protocol, Surprise Down,
     * Poisoned TLP, Flow Control Protocol, Completion Timeout, Completer Abort, Unexpected
     * Completion, Receiver Overflow, Malformed TLP, ECRC, Unsupported Request): status RW1C,
     * mask and severity RW; the severity defaults are the spec's (DLP, SDES, FCP, RO, MTLP fatal). */
    const uint32_t ue = 0x001FF030u;
    pcie_cfg_set_w1c32(c, (uint16_t)(off + PCIE_AER_UNCOR_STATUS), ue);
    pcie_cfg_set_wmask32(c, (uint16_t)(off + PCIE_AER_UNCOR_MASK), ue);
    pcie_cfg_set_wmask32(c, (uint16_t)(off + PCIE_AER_UNCOR_SEVER), ue);
    pcie_cfg_set32(c, (uint16_t)(off + PCIE_AER_UNCOR_SEVER), 0x00062030u);
    /* §7.8.4.5/6: correctable errors (Receiver Error, Bad TLP, Bad DLLP, REPLAY_NUM Rollover,
     * Replay Timer Timeout, Advisory Non-Fatal); Advisory Non-Fatal masked by default. */
    const uint32_t ce = 0x000031C1u;
    pcie_cfg_set_w1c32(c, (uint16_t)(off + PCIE_AER_COR_STATUS), ce);
    pcie_cfg_set_wmask32(c, (uint16_t)(off + PCIE_AER_COR_MASK), ce);
    pcie_cfg_set32(c, (uint16_t)(off + PCIE_AER_COR_MASK), 0x00002000u);
    if (root_port) {
        /* §7.8.4.9/10: error reporting enables RW; the Root Error Status event bits RW1C. */
        pcie_cfg_set_wmask32(c, (uint16_t)(off + PCIE_AER_ROOT_COMMAND), 0x7);
        pcie_cfg_set_w1c32(c, (uint16_t)(off + PCIE_AER_ROOT_STATUS), 0x7F);
    }
    return true;
}

uint8_t pcie_cap_find(const pcie_cfg *c, uint8_t id)
{
    if (!(pcie_cfg_get16(c, PCIE_STATUS) & PCIE_STATUS_CAP_LIST))
        return 0;
    uint8_t p = pcie_cfg_get8(c, PCIE_CAPABILITY_LIST) & 0xFC;
    for (int n = 0; p >= 0x40 && n < 48; n++) {   /* 48 = (256-64)/4: at most that many caps */
        if (pcie_cfg_get8(c, p) == id)
            return p;
        p = pcie_cfg_get8(c, (uint16_t)(p + 1)) & 0xFC;
    }
    return 0;
}

uint16_t pcie_ecap_find(const pcie_cfg *c, uint16_t id)
{
    uint16_t p = PCIE_EXT_CAP_START;
    for (int n = 0; p >= PCIE_EXT_CAP_START && n < 960; n++) {   /* (4096-256)/4 headers max */
        uint32_t h = pcie_cfg_get32(c, p);
        if (h == 0)
            return 0;
        if (PCIE_EXT_CAP_ID(h) == id)
            return p;
        p = (uint16_t)PCIE_EXT_CAP_NEXT(h);
    }
    return 0;
}
