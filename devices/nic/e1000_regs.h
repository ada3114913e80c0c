/* e1000_regs.h — register offsets, bit fields and descriptor layouts of the Intel 82540EM, named
 * as in Intel's PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual
 * (8254x SDM): register summary in §13.1 (table 13-2), fields in §13.3-13.7, descriptors in §3.2
 * (receive) and §3.3 (transmit). Offsets are byte offsets into BAR0. */
#ifndef VMKSIM_E1000_REGS_H
#define VMKSIM_E1000_REGS_H

#include <stdint.h>

/* ---- general (SDM §13.4.1-13.4.6) ---- */
#define E1000_CTRL      0x00000u  /* Device Control, §13.4.1 */
#define E1000_STATUS    0x00008u  /* Device Status, §13.4.2 (RO) */
#define E1000_EECD      0x00010u  /* EEPROM/Flash Control/Data, §13.4.3 */
#define E1000_EERD      0x00014u  /* EEPROM Read, §13.4.4 */
#define E1000_CTRL_EXT  0x00018u  /* Extended Device Control, §13.4.6 */
#define E1000_MDIC      0x00020u  /* MDI Control, §13.4.7 */
#define E1000_FCAL      0x00028u  /* Flow Control Address Low, §13.4.8 */
#define E1000_FCAH      0x0002Cu  /* Flow Control Address High */
#define E1000_FCT       0x00030u  /* Flow Control Type, §13.4.9 */
#define E1000_VET       0x00038u  /* VLAN Ether Type, §13.4.10 */
#define E1000_FCTTV     0x00170u  /* Flow Control Transmit Timer Value, §13.4.12 */
#define E1000_TXCW      0x00178u  /* Transmit Configuration Word, §13.4.13 */
#define E1000_RXCW      0x00180u  /* Receive Configuration Word, §13.4.14 */
#define E1000_LEDCTL    0x00E00u  /* LED Control, §13.4.15 */
#define E1000_PBA       0x01000u  /* Packet Buffer Allocation, §13.4.16 */

/* ---- interrupts (SDM §13.4.17-13.4.21) ---- */
#define E1000_ICR       0x000C0u  /* Interrupt Cause Read (read clears), §13.4.17 */
#define E1000_ITR       0x000C4u  /* Interrupt Throttling, §13.4.18 */
#define E1000_ICS       0x000C8u  /* Interrupt Cause Set (WO), §13.4.19 */
#define E1000_IMS       0x000D0u  /* Interrupt Mask Set/Read, §13.4.20 */
#define E1000_IMC       0x000D8u  /* Interrupt Mask Clear (WO), §13.4.21 */

/* ---- receive (SDM §13.4.22-13.4.32) ---- */
#define E1000_RCTL      0x00100u  /* Receive Control, §13.4.22 */
#define E1000_FCRTL     0x02160u  /* Flow Control Receive Threshold Low, §13.4.23 */
#define E1000_FCRTH     0x02168u  /* Flow Control Receive Threshold High, §13.4.24 */
#define E1000_RDBAL     0x02800u  /* Receive Descriptor Base Address Low, §13.4.25 */
#define E1000_RDBAH     0x02804u  /* Receive Descriptor Base Address High, §13.4.26 */
#define E1000_RDLEN     0x02808u  /* Receive Descriptor Length, §13.4.27 */
#define E1000_RDH       0x02810u  /* Receive Descriptor Head, §13.4.28 */
#define E1000_RDT       0x02818u  /* Receive Descriptor Tail, §13.4.29 */
#define E1000_RDTR      0x02820u  /* Receive Delay Timer, §13.4.30 */
#define E1000_RADV      0x0282Cu  /* Receive Interrupt Absolute Delay Timer, §13.4.31 */
#define E1000_RSRPD     0x02C00u  /* Receive Small Packet Detect Interrupt, §13.4.32 */
#define E1000_RXDCTL    0x02828u  /* Receive Descriptor Control */
#define E1000_RXCSUM    0x05000u  /* Receive Checksum Control */

/* ---- transmit (SDM §13.4.33-13.4.41) ---- */
#define E1000_TCTL      0x00400u  /* Transmit Control, §13.4.33 */
#define E1000_TIPG      0x00410u  /* Transmit IPG, §13.4.34 */
#define E1000_TDBAL     0x03800u  /* Transmit Descriptor Base Address Low, §13.4.36 */
#define E1000_TDBAH     0x03804u  /* Transmit Descriptor Base Address High, §13.4.37 */
#define E1000_TDLEN     0x03808u  /* Transmit Descriptor Length, §13.4.38 */
#define E1000_TDH       0x03810u  /* Transmit Descriptor Head, §13.4.39 */
#define E1000_TDT       0x03818u  /* Transmit Descriptor Tail, §13.4.40 */
#define E1000_TIDV      0x03820u  /* Transmit Interrupt Delay Value, §13.4.41 */
#define E1000_TXDCTL    0x03828u  /* Transmit Descriptor Control */
#define E1000_TADV      0x0382Cu  /* Transmit Absolute Interrupt Delay Value */

/* ---- filters (SDM §13.5) ---- */
#define E1000_MTA       0x05200u  /* Multicast Table Array, 128 x 32 bits, §13.5.1 */
#define E1000_MTA_WORDS 128u
#define E1000_RAL(n)    (0x05400u + 8u * (n))  /* Receive Address Low, §13.5.2 */
#define E1000_RAH(n)    (0x05404u + 8u * (n))  /* Receive Address High, §13.5.3 */
#define E1000_RAR_ENTRIES 16u
#define E1000_VFTA      0x05600u  /* VLAN Filter Table Array, 128 x 32 bits, §13.5.4 */
#define E1000_VFTA_WORDS 128u
#define E1000_WUC       0x05800u  /* Wakeup Control, §13.6.1 */
#define E1000_WUFC      0x05808u  /* Wakeup Filter Control, §13.6.2 */
#define E1000_WUS       0x05810u  /* Wakeup Status, §13.6.3 */

/* ---- statistics (SDM §13.7; every one clears when read, 64-bit pairs when the high half is) ---- */
#define E1000_CRCERRS   0x04000u  /* CRC Error Count, §13.7.1 */
#define E1000_ALGNERRC  0x04004u  /* Alignment Error Count */
#define E1000_SYMERRS   0x04008u  /* Symbol Error Count */
#define E1000_RXERRC    0x0400Cu  /* RX Error Count */
#define E1000_MPC       0x04010u  /* Missed Packets Count, §13.7.5 */
#define E1000_SCC       0x04014u  /* Single Collision Count */
#define E1000_ECOL      0x04018u  /* Excessive Collisions Count */
#define E1000_MCC       0x0401Cu  /* Multiple Collision Count */
#define E1000_LATECOL   0x04020u  /* Late Collisions Count */
#define E1000_COLC      0x04028u  /* Collision Count */
#define E1000_DC        0x04030u  /* Defer Count */
#define E1000_TNCRS     0x04034u  /* Transmit with No CRS */
#define E1000_SEC       0x04038u  /* Sequence Error Count */
#define E1000_CEXTERR   0x0403Cu  /* Carrier Extension Error Count */
#define E1000_RLEC      0x04040u  /* Receive Length Error Count */
#define E1000_XONRXC    0x04048u  /* XON Received Count */
#define E1000_XONTXC    0x0404Cu  /* XON Transmitted Count */
#define E1000_XOFFRXC   0x04050u  /* XOFF Received Count */
#define E1000_XOFFTXC   0x04054u  /* XOFF Transmitted Count */
#define E1000_FCRUC     0x04058u  /* FC Received Unsupported Count */
#define E1000_PRC64     0x0405Cu  /* Packets Received (64 Bytes) Count, §13.7.21 */
#define E1000_PRC127    0x04060u
#define E1000_PRC255    0x04064u
#define E1000_PRC511    0x04068u
#define E1000_PRC1023   0x0406Cu
#define E1000_PRC1522   0x04070u  /* Packets Received (1024-1522 Bytes) */
#define E1000_GPRC      0x04074u  /* Good Packets Received Count, §13.7.27 */
#define E1000_BPRC      0x04078u  /* Broadcast Packets Received Count, §13.7.28 */
#define E1000_MPRC      0x0407Cu  /* Multicast Packets Received Count, §13.7.29 */
#define E1000_GPTC      0x04080u  /* Good Packets Transmitted Count, §13.7.30 */
#define E1000_GORCL     0x04088u  /* Good Octets Received Count Low, §13.7.31 */
#define E1000_GORCH     0x0408Cu  /* ... High (reading it clears the pair) */
#define E1000_GOTCL     0x04090u  /* Good Octets Transmitted Count Low, §13.7.32 */
#define E1000_GOTCH     0x04094u
#define E1000_RNBC      0x040A0u  /* Receive No Buffers Count, §13.7.33 */
#define E1000_RUC       0x040A4u  /* Receive Undersize Count */
#define E1000_RFC       0x040A8u  /* Receive Fragment Count */
#define E1000_ROC       0x040ACu  /* Receive Oversize Count */
#define E1000_RJC       0x040B0u  /* Receive Jabber Count */
#define E1000_MGTPRC    0x040B4u  /* Management Packets Received */
#define E1000_MGTPDC    0x040B8u  /* Management Packets Dropped */
#define E1000_MGTPTC    0x040BCu  /* Management Packets Transmitted */
#define E1000_TORL      0x040C0u  /* Total Octets Received Low, §13.7.42 */
#define E1000_TORH      0x040C4u
#define E1000_TOTL      0x040C8u  /* Total Octets Transmitted Low, §13.7.43 */
#define E1000_TOTH      0x040CCu
#define E1000_TPR       0x040D0u  /* Total Packets Received, §13.7.44 */
#define E1000_TPT       0x040D4u  /* Total Packets Transmitted, §13.7.45 */
#define E1000_PTC64     0x040D8u  /* Packets Transmitted (64 Bytes) Count, §13.7.46 */
#define E1000_PTC127    0x040DCu
#define E1000_PTC255    0x040E0u
#define E1000_PTC511    0x040E4u
#define E1000_PTC1023   0x040E8u
#define E1000_PTC1522   0x040ECu
#define E1000_MPTC      0x040F0u  /* Multicast Packets Transmitted Count, §13.7.52 */
#define E1000_BPTC      0x040F4u  /* Broadcast Packets Transmitted Count, §13.7.53 */
#define E1000_TSCTC     0x040F8u  /* TCP Segmentation Context Transmitted Count */
#define E1000_TSCTFC    0x040FCu  /* TCP Segmentation Context Tx Fail Count */
#define E1000_STATS_FIRST E1000_CRCERRS
#define E1000_STATS_LAST  E1000_TSCTFC

/* ---- CTRL fields (§13.4.1) ---- */
#define E1000_CTRL_FD       (1u << 0)   /* full duplex */
#define E1000_CTRL_LRST     (1u << 3)   /* link reset */
#define E1000_CTRL_ASDE     (1u << 5)   /* auto-speed detection enable */
#define E1000_CTRL_SLU      (1u << 6)   /* set link up */
#define E1000_CTRL_ILOS     (1u << 7)   /* invert loss-of-signal */
#define E1000_CTRL_SPEED_SHIFT 8        /* 00 10, 01 100, 10 1000 Mb/s */
#define E1000_CTRL_FRCSPD   (1u << 11)
#define E1000_CTRL_FRCDPLX  (1u << 12)
#define E1000_CTRL_RST      (1u << 26)  /* device reset, self-clearing */
#define E1000_CTRL_RFCE     (1u << 27)
#define E1000_CTRL_TFCE     (1u << 28)
#define E1000_CTRL_VME      (1u << 30)
#define E1000_CTRL_PHY_RST  (1u << 31)

/* ---- STATUS fields (§13.4.2) ---- */
#define E1000_STATUS_FD         (1u << 0)
#define E1000_STATUS_LU         (1u << 1)
#define E1000_STATUS_TXOFF      (1u << 4)
#define E1000_STATUS_SPEED_SHIFT 6      /* 00 10, 01 100, 10/11 1000 Mb/s */
#define E1000_STATUS_SPEED_1000 (2u << 6)
#define E1000_STATUS_ASDV_SHIFT 8
#define E1000_STATUS_PCI66      (1u << 11)
#define E1000_STATUS_BUS64      (1u << 12)

/* ---- EECD fields (§13.4.3) ---- */
#define E1000_EECD_SK       (1u << 0)
#define E1000_EECD_CS       (1u << 1)
#define E1000_EECD_DI       (1u << 2)
#define E1000_EECD_DO       (1u << 3)
#define E1000_EECD_REQ      (1u << 6)   /* EE_REQ: software requests direct access */
#define E1000_EECD_GNT      (1u << 7)   /* EE_GNT: access granted */
#define E1000_EECD_PRES     (1u << 8)   /* EE_PRES: EEPROM present */
#define E1000_EECD_SIZE     (1u << 9)   /* EE_SIZE: 0 = 64 words (1 Kbit, 82540EM default) */

/* ---- EERD fields (§13.4.4, 82540EP/EM layout) ---- */
#define E1000_EERD_START      (1u << 0)
#define E1000_EERD_DONE       (1u << 4)
#define E1000_EERD_ADDR_SHIFT 8          /* bits 15:8 */
#define E1000_EERD_DATA_SHIFT 16         /* bits 31:16 */

/* ---- EEPROM map (SDM §5.6, table 5-2) ---- */
#define E1000_EEPROM_WORDS        64u
#define E1000_EE_MAC_WORD0        0x00u  /* Ethernet address bytes 1:0, 3:2, 5:4 */
#define E1000_EE_INIT_CTRL1       0x0Au
#define E1000_EE_SUBSYS_ID        0x0Bu
#define E1000_EE_SUBSYS_VENDOR    0x0Cu
#define E1000_EE_DEVICE_ID        0x0Du
#define E1000_EE_VENDOR_ID        0x0Eu
#define E1000_EE_INIT_CTRL2       0x0Fu
#define E1000_EE_CHECKSUM_WORD    0x3Fu
#define E1000_EE_CHECKSUM_SUM     0xBABAu  /* words 00h-3Fh sum to BABAh (§5.6.20) */

/* ---- interrupt causes, ICR/ICS/IMS/IMC (§13.4.17) ---- */
#define E1000_ICR_TXDW    (1u << 0)   /* transmit descriptor written back */
#define E1000_ICR_TXQE    (1u << 1)   /* transmit queue empty */
#define E1000_ICR_LSC     (1u << 2)   /* link status change */
#define E1000_ICR_RXSEQ   (1u << 3)   /* receive sequence error */
#define E1000_ICR_RXDMT0  (1u << 4)   /* receive descriptor minimum threshold reached */
#define E1000_ICR_RXO     (1u << 6)   /* receiver overrun */
#define E1000_ICR_RXT0    (1u << 7)   /* receiver timer interrupt */
#define E1000_ICR_MDAC    (1u << 9)   /* MDI/O access complete */
#define E1000_ICR_RXCFG   (1u << 10)
#define E1000_ICR_PHYINT  (1u << 12)
#define E1000_ICR_GPI_SDP6 (1u << 13)
#define E1000_ICR_GPI_SDP7 (1u << 14)
#define E1000_ICR_TXD_LOW (1u << 15)
#define E1000_ICR_SRPD    (1u << 16)  /* small receive packet detected */
#define E1000_ICR_VALID   0x0001F6DFu /* the causes the register implements */

/* ---- RCTL fields (§13.4.22) ---- */
#define E1000_RCTL_EN       (1u << 1)
#define E1000_RCTL_SBP      (1u << 2)   /* store bad packets */
#define E1000_RCTL_UPE      (1u << 3)   /* unicast promiscuous */
#define E1000_RCTL_MPE      (1u << 4)   /* multicast promiscuous */
#define E1000_RCTL_LPE      (1u << 5)   /* long packet enable (> 1522 B) */
#define E1000_RCTL_LBM_SHIFT 6
#define E1000_RCTL_RDMTS_SHIFT 8        /* 00 1/2, 01 1/4, 10 1/8 of RDLEN */
#define E1000_RCTL_MO_SHIFT 12          /* multicast offset: which 12 address bits index MTA */
#define E1000_RCTL_BAM      (1u << 15)  /* broadcast accept mode */
#define E1000_RCTL_BSIZE_SHIFT 16       /* with BSEX: 2048/1024/512/256 or -/16384/8192/4096 */
#define E1000_RCTL_VFE      (1u << 18)
#define E1000_RCTL_DPF      (1u << 22)
#define E1000_RCTL_PMCF     (1u << 23)
#define E1000_RCTL_BSEX     (1u << 25)
#define E1000_RCTL_SECRC    (1u << 26)  /* strip Ethernet CRC */

/* ---- TCTL fields (§13.4.33) ---- */
#define E1000_TCTL_EN       (1u << 1)
#define E1000_TCTL_PSP      (1u << 3)   /* pad short packets to 64 B incl. CRC */
#define E1000_TCTL_CT_SHIFT 4
#define E1000_TCTL_COLD_SHIFT 12
#define E1000_TCTL_SWXOFF   (1u << 22)
#define E1000_TCTL_RTLC     (1u << 24)

/* ---- RAH fields (§13.5.3) ---- */
#define E1000_RAH_AV        (1u << 31)  /* address valid */
#define E1000_RAH_AS_SHIFT  16

/* ---- delay timers: units (§13.4.30, §13.4.41) ---- */
#define E1000_RDTR_FPD      (1u << 31)  /* flush partial descriptor block */
#define E1000_ITR_UNIT_NS   256u        /* §13.4.18 */
#define E1000_DELAY_UNIT_NS 1024u       /* RDTR/RADV/TIDV/TADV: 1.024 us */

/* ---- legacy transmit descriptor (§3.3.3, 16 bytes) ---- */
typedef struct e1000_tx_desc {
    uint64_t buffer_addr;
    uint16_t length;
    uint8_t cso;        /* checksum offset */
    uint8_t cmd;
    uint8_t status;     /* STA in bits 3:0, reserved 7:4 */
    uint8_t css;        /* checksum start */
    uint16_t special;
} e1000_tx_desc;
#define E1000_TXD_CMD_EOP   (1u << 0)   /* end of packet */
#define E1000_TXD_CMD_IFCS  (1u << 1)   /* insert FCS */
#define E1000_TXD_CMD_IC    (1u << 2)   /* insert checksum */
#define E1000_TXD_CMD_RS    (1u << 3)   /* report status */
#define E1000_TXD_CMD_RPS   (1u << 4)   /* report packet sent (82544 only; reserved here) */
#define E1000_TXD_CMD_DEXT  (1u << 5)   /* extension: not a legacy descriptor */
#define E1000_TXD_CMD_VLE   (1u << 6)   /* VLAN packet enable */
#define E1000_TXD_CMD_IDE   (1u << 7)   /* interrupt delay enable */
#define E1000_TXD_STA_DD    (1u << 0)   /* descriptor done */
#define E1000_TXD_STA_EC    (1u << 1)   /* excess collisions */
#define E1000_TXD_STA_LC    (1u << 2)   /* late collision */
#define E1000_TXD_STA_TU    (1u << 3)   /* transmit underrun */

/* ---- receive descriptor (§3.2.3, 16 bytes) ---- */
typedef struct e1000_rx_desc {
    uint64_t buffer_addr;
    uint16_t length;
    uint16_t csum;      /* packet checksum */
    uint8_t status;
    uint8_t errors;
    uint16_t special;
} e1000_rx_desc;
#define E1000_RXD_STA_DD    (1u << 0)
#define E1000_RXD_STA_EOP   (1u << 1)
#define E1000_RXD_STA_IXSM  (1u << 2)   /* ignore checksum indication */
#define E1000_RXD_STA_VP    (1u << 3)
#define E1000_RXD_STA_TCPCS (1u << 5)
#define E1000_RXD_STA_IPCS  (1u << 6)
#define E1000_RXD_STA_PIF   (1u << 7)
#define E1000_RXD_ERR_CE    (1u << 0)   /* CRC or alignment error */
#define E1000_RXD_ERR_SE    (1u << 1)
#define E1000_RXD_ERR_SEQ   (1u << 2)
#define E1000_RXD_ERR_CXE   (1u << 4)
#define E1000_RXD_ERR_TCPE  (1u << 5)
#define E1000_RXD_ERR_IPE   (1u << 6)
#define E1000_RXD_ERR_RXE   (1u << 7)

#define E1000_DESC_BYTES    16u
#define E1000_RING_ALIGN    128u        /* RDLEN/TDLEN are multiples of 128 B (§13.4.27) */

#endif
