/* e1000_regs.h — the driver's view of the Intel 82540EM: register offsets in BAR0, register
 * fields and the legacy descriptor formats, named and sectioned as in Intel's PCI/PCI-X Family of
 * Gigabit Ethernet Controllers Software Developer's Manual (8254x SDM): registers ch. 13, receive
 * descriptors §3.2, transmit descriptors §3.3, EEPROM map §5.6. Drivers use only this header. */
#ifndef E1000_DRV_REGS_H
#define E1000_DRV_REGS_H

#include "e1000_osdep.h"

/* ---- PCI identity (SDM §5.6.8-5.6.12, table 5-1 defaults) ---- */
#define E1000_VENDOR_ID_INTEL    0x8086u
#define E1000_DEV_ID_82540EM     0x100Eu

/* ---- general registers (SDM §13.4.1-13.4.7) ---- */
#define E1000_CTRL      0x00000u  /* Device Control, §13.4.1 */
#define E1000_STATUS    0x00008u  /* Device Status, §13.4.2 */
#define E1000_EECD      0x00010u  /* EEPROM/Flash Control/Data, §13.4.3 */
#define E1000_EERD      0x00014u  /* EEPROM Read, §13.4.4 */
#define E1000_CTRL_EXT  0x00018u  /* Extended Device Control, §13.4.6 */
#define E1000_MDIC      0x00020u  /* MDI Control, §13.4.7 */

/* ---- interrupt registers (SDM §13.4.17-13.4.21) ---- */
#define E1000_ICR       0x000C0u  /* Interrupt Cause Read: reading clears, §13.4.17 */
#define E1000_ITR       0x000C4u  /* Interrupt Throttling, §13.4.18 */
#define E1000_ICS       0x000C8u  /* Interrupt Cause Set, §13.4.19 */
#define E1000_IMS       0x000D0u  /* Interrupt Mask Set/Read, §13.4.20 */
#define E1000_IMC       0x000D8u  /* Interrupt Mask Clear, §13.4.21 */

/* ---- receive registers (SDM §13.4.22-13.4.31) ---- */
#define E1000_RCTL      0x00100u  /* Receive Control, §13.4.22 */
#define E1000_RDBAL     0x02800u  /* Receive Descriptor Base Address Low, §13.4.25 */
#define E1000_RDBAH     0x02804u  /* Receive Descriptor Base Address High, §13.4.26 */
#define E1000_RDLEN     0x02808u  /* Receive Descriptor Length (bytes), §13.4.27 */
#define E1000_RDH       0x02810u  /* Receive Descriptor Head, §13.4.28 */
#define E1000_RDT       0x02818u  /* Receive Descriptor Tail, §13.4.29 */
#define E1000_RDTR      0x02820u  /* Receive Delay Timer, §13.4.30 */
#define E1000_RADV      0x0282Cu  /* Receive Interrupt Absolute Delay Timer, §13.4.31 */

/* ---- transmit registers (SDM §13.4.33-13.4.44) ---- */
#define E1000_TCTL      0x00400u  /* Transmit Control, §13.4.33 */
#define E1000_TIPG      0x00410u  /* Transmit Inter Packet Gap, §13.4.34 */
#define E1000_TDBAL     0x03800u  /* Transmit Descriptor Base Address Low, §13.4.36 */
#define E1000_TDBAH     0x03804u  /* Transmit Descriptor Base Address High, §13.4.37 */
#define E1000_TDLEN     0x03808u  /* Transmit Descriptor Length (bytes), §13.4.38 */
#define E1000_TDH       0x03810u  /* Transmit Descriptor Head, §13.4.39 */
#define E1000_TDT       0x03818u  /* Transmit Descriptor Tail, §13.4.40 */
#define E1000_TIDV      0x03820u  /* Transmit Interrupt Delay Value, §13.4.41 */
#define E1000_TADV      0x0382Cu  /* Transmit Absolute Interrupt Delay Value, §13.4.44 */

/* ---- filter registers (SDM §13.5) ---- */
#define E1000_MTA(n)    (0x05200u + 4u * (n))  /* Multicast Table Array, §13.5.1 */
#define E1000_MTA_WORDS 128u                   /* 4096 hash bits */
#define E1000_RAL(n)    (0x05400u + 8u * (n))  /* Receive Address Low, §13.5.2 */
#define E1000_RAH(n)    (0x05404u + 8u * (n))  /* Receive Address High, §13.5.3 */
#define E1000_RAR_ENTRIES 16u

/* ---- statistics registers (SDM §13.7): every counter clears when read; a 64-bit counter
 * is a Low/High pair that clears when its High half is read, so read Low first ---- */
#define E1000_CRCERRS   0x04000u  /* CRC Error Count, §13.7.1 */
#define E1000_ALGNERRC  0x04004u  /* Alignment Error Count, §13.7.2 */
#define E1000_SYMERRS   0x04008u  /* Symbol Error Count, §13.7.3 */
#define E1000_RXERRC    0x0400Cu  /* RX Error Count, §13.7.4 */
#define E1000_MPC       0x04010u  /* Missed Packets Count, §13.7.5 */
#define E1000_SCC       0x04014u  /* Single Collision Count, §13.7.6 */
#define E1000_ECOL      0x04018u  /* Excessive Collisions Count, §13.7.7 */
#define E1000_MCC       0x0401Cu  /* Multiple Collision Count, §13.7.8 */
#define E1000_LATECOL   0x04020u  /* Late Collisions Count, §13.7.9 */
#define E1000_COLC      0x04028u  /* Collision Count, §13.7.10 */
#define E1000_DC        0x04030u  /* Defer Count, §13.7.11 */
#define E1000_TNCRS     0x04034u  /* Transmit with No CRS, §13.7.12 */
#define E1000_CEXTERR   0x0403Cu  /* Carrier Extension Error Count, §13.7.14 */
#define E1000_RLEC      0x04040u  /* Receive Length Error Count, §13.7.15 */
#define E1000_XONRXC    0x04048u  /* XON Received Count, §13.7.16 */
#define E1000_XONTXC    0x0404Cu  /* XON Transmitted Count, §13.7.17 */
#define E1000_XOFFRXC   0x04050u  /* XOFF Received Count, §13.7.18 */
#define E1000_XOFFTXC   0x04054u  /* XOFF Transmitted Count, §13.7.19 */
#define E1000_FCRUC     0x04058u  /* FC Received Unsupported Count, §13.7.20 */
#define E1000_PRC64     0x0405Cu  /* Packets Received (64 Bytes), §13.7.21 */
#define E1000_PRC127    0x04060u  /* Packets Received (65-127 Bytes), §13.7.22 */
#define E1000_PRC255    0x04064u  /* (128-255), §13.7.23 */
#define E1000_PRC511    0x04068u  /* (256-511), §13.7.24 */
#define E1000_PRC1023   0x0406Cu  /* (512-1023), §13.7.25 */
#define E1000_PRC1522   0x04070u  /* (1024-Max), §13.7.26 */
#define E1000_GPRC      0x04074u  /* Good Packets Received Count, §13.7.27 */
#define E1000_BPRC      0x04078u  /* Broadcast Packets Received Count, §13.7.28 */
#define E1000_MPRC      0x0407Cu  /* Multicast Packets Received Count, §13.7.29 */
#define E1000_GPTC      0x04080u  /* Good Packets Transmitted Count, §13.7.30 */
#define E1000_GORCL     0x04088u  /* Good Octets Received Count (Low/High), §13.7.31 */
#define E1000_GORCH     0x0408Cu
#define E1000_GOTCL     0x04090u  /* Good Octets Transmitted Count (Low/High), §13.7.32 */
#define E1000_GOTCH     0x04094u
#define E1000_RNBC      0x040A0u  /* Receive No Buffers Count, §13.7.33 */
#define E1000_RUC       0x040A4u  /* Receive Undersize Count, §13.7.34 */
#define E1000_RFC       0x040A8u  /* Receive Fragment Count, §13.7.35 */
#define E1000_ROC       0x040ACu  /* Receive Oversize Count, §13.7.36 */
#define E1000_RJC       0x040B0u  /* Receive Jabber Count, §13.7.37 */
#define E1000_TORL      0x040C0u  /* Total Octets Received (Low/High), §13.7.41 */
#define E1000_TORH      0x040C4u
#define E1000_TOTL      0x040C8u  /* Total Octets Transmitted (Low/High), §13.7.42 */
#define E1000_TOTH      0x040CCu
#define E1000_TPR       0x040D0u  /* Total Packets Received, §13.7.43 */
#define E1000_TPT       0x040D4u  /* Total Packets Transmitted, §13.7.44 */
#define E1000_PTC64     0x040D8u  /* Packets Transmitted (64 Bytes), §13.7.45 */
#define E1000_PTC127    0x040DCu
#define E1000_PTC255    0x040E0u
#define E1000_PTC511    0x040E4u
#define E1000_PTC1023   0x040E8u
#define E1000_PTC1522   0x040ECu  /* (1024-Max), §13.7.50 */
#define E1000_MPTC      0x040F0u  /* Multicast Packets Transmitted Count, §13.7.51 */
#define E1000_BPTC      0x040F4u  /* Broadcast Packets Transmitted Count, §13.7.52 */

/* ---- CTRL fields (§13.4.1) ---- */
#define E1000_CTRL_FD       (1u << 0)   /* full duplex */
#define E1000_CTRL_LRST     (1u << 3)   /* link reset */
#define E1000_CTRL_ASDE     (1u << 5)   /* auto-speed detection enable */
#define E1000_CTRL_SLU      (1u << 6)   /* set link up */
#define E1000_CTRL_RST      (1u << 26)  /* device reset; self-clearing */
#define E1000_CTRL_PHY_RST  (1u << 31)  /* PHY reset */

/* ---- STATUS fields (§13.4.2) ---- */
#define E1000_STATUS_FD           (1u << 0)
#define E1000_STATUS_LU           (1u << 1)
#define E1000_STATUS_SPEED_SHIFT  6u      /* 00b 10, 01b 100, 10b/11b 1000 Mb/s */
#define E1000_STATUS_SPEED_MASK   (3u << 6)

/* ---- EERD fields, 82540EP/EM layout (§13.4.4) ---- */
#define E1000_EERD_START       (1u << 0)
#define E1000_EERD_DONE        (1u << 4)
#define E1000_EERD_ADDR_SHIFT  8u        /* bits 15:8 */
#define E1000_EERD_DATA_SHIFT  16u       /* bits 31:16 */

/* ---- EEPROM map (§5.6, table 5-2) ---- */
#define E1000_EEPROM_WORDS      64u      /* 1 Kbit Microwire part of the 82540EM */
#define E1000_EE_MAC_WORD0      0x00u    /* Ethernet address: words 00h-02h, low byte first */
#define E1000_EE_CHECKSUM_WORD  0x3Fu
#define E1000_EE_CHECKSUM_SUM   0xBABAu  /* words 00h..3Fh sum to BABAh (§5.6.20) */

/* ---- MDIC fields (§13.4.7) ---- */
#define E1000_MDIC_DATA_MASK   0xFFFFu
#define E1000_MDIC_REG_SHIFT   16u
#define E1000_MDIC_PHY_SHIFT   21u
#define E1000_MDIC_OP_WRITE    (1u << 26)
#define E1000_MDIC_OP_READ     (2u << 26)
#define E1000_MDIC_READY       (1u << 28)
#define E1000_MDIC_I           (1u << 29)
#define E1000_MDIC_E           (1u << 30)
#define E1000_PHY_ADDR         1u        /* the 82540EM's internal PHY (§13.4.7) */
/* PHY registers (IEEE 802.3 cl. 22.2.4) */
#define E1000_PHY_CTRL         0u
#define E1000_PHY_STATUS       1u
#define E1000_PHY_ID1          2u
#define E1000_PHY_ID2          3u
#define E1000_PHY_STATUS_LINK  (1u << 2)

/* ---- interrupt causes, common to ICR/ICS/IMS/IMC (§13.4.17) ---- */
#define E1000_ICR_TXDW    (1u << 0)   /* transmit descriptor written back */
#define E1000_ICR_TXQE    (1u << 1)   /* transmit queue empty */
#define E1000_ICR_LSC     (1u << 2)   /* link status change */
#define E1000_ICR_RXSEQ   (1u << 3)   /* receive sequence error */
#define E1000_ICR_RXDMT0  (1u << 4)   /* receive descriptor minimum threshold */
#define E1000_ICR_RXO     (1u << 6)   /* receiver overrun */
#define E1000_ICR_RXT0    (1u << 7)   /* receiver timer interrupt */
#define E1000_ICR_MDAC    (1u << 9)   /* MDI/O access complete */
#define E1000_ICR_TXD_LOW (1u << 15)  /* transmit descriptor low threshold */
#define E1000_ICR_SRPD    (1u << 16)  /* small receive packet detected */
#define E1000_IMS_ALL     0xFFFFFFFFu /* IMC: every cause */
/* The causes a NIC driver normally services: TX done, link change, RX timer/threshold/overrun. */
#define E1000_IMS_DEFAULT (E1000_ICR_TXDW | E1000_ICR_LSC | E1000_ICR_RXSEQ | E1000_ICR_RXDMT0 | \
                           E1000_ICR_RXO | E1000_ICR_RXT0)

/* ---- RCTL fields (§13.4.22) ---- */
#define E1000_RCTL_EN          (1u << 1)
#define E1000_RCTL_SBP         (1u << 2)   /* store bad packets */
#define E1000_RCTL_UPE         (1u << 3)   /* unicast promiscuous */
#define E1000_RCTL_MPE         (1u << 4)   /* multicast promiscuous */
#define E1000_RCTL_LPE         (1u << 5)   /* long packets (> 1522 B) */
#define E1000_RCTL_RDMTS_HALF  (0u << 8)   /* RXDMT0 when free descriptors fall to 1/2 RDLEN */
#define E1000_RCTL_RDMTS_QUARTER (1u << 8)
#define E1000_RCTL_RDMTS_EIGHTH  (2u << 8)
#define E1000_RCTL_MO_SHIFT    12u         /* multicast offset: 00b = address bits 47:36 */
#define E1000_RCTL_BAM         (1u << 15)  /* accept broadcast */
#define E1000_RCTL_BSIZE_SHIFT 16u         /* BSEX=0: 00b 2048, 01b 1024, 10b 512, 11b 256 */
#define E1000_RCTL_BSEX        (1u << 25)  /* BSEX=1: 01b 16384, 10b 8192, 11b 4096 */
#define E1000_RCTL_SECRC       (1u << 26)  /* strip the Ethernet CRC */

/* ---- TCTL fields (§13.4.33) ---- */
#define E1000_TCTL_EN          (1u << 1)
#define E1000_TCTL_PSP         (1u << 3)   /* pad short packets */
#define E1000_TCTL_CT_SHIFT    4u          /* collision threshold */
#define E1000_TCTL_COLD_SHIFT  12u         /* collision distance */
#define E1000_TCTL_RTLC        (1u << 24)  /* retransmit on late collision */
#define E1000_TCTL_CT_DEFAULT  0x0Fu       /* §13.4.33: 16 attempts, the IEEE 802.3 value */
#define E1000_TCTL_COLD_FD     0x40u       /* §13.4.33: 64 byte times, full duplex */

/* ---- TIPG fields (§13.4.34) ---- */
#define E1000_TIPG_IPGT_SHIFT  0u          /* back-to-back gap, bits 9:0 */
#define E1000_TIPG_IPGR1_SHIFT 10u         /* bits 19:10 */
#define E1000_TIPG_IPGR2_SHIFT 20u         /* bits 29:20 */
/* IEEE 802.3's 96-bit-time gap for the copper parts (§13.4.34, table "TIPG"): IPGT 10,
 * IPGR1 8 (two thirds of IPGR2 plus margin), IPGR2 6. The device adds its own fixed offset. */
#define E1000_TIPG_IPGT_COPPER  10u
#define E1000_TIPG_IPGR1_COPPER 8u
#define E1000_TIPG_IPGR2_COPPER 6u

/* ---- RAH fields (§13.5.3) ---- */
#define E1000_RAH_AV           (1u << 31)  /* address valid */

/* ---- timer units ---- */
#define E1000_ITR_UNIT_NS      256u        /* ITR interval unit, §13.4.18 */
#define E1000_DELAY_UNIT_NS    1024u       /* RDTR/RADV/TIDV/TADV unit, §13.4.30 */
#define E1000_RDTR_FPD         (1u << 31)  /* flush partial descriptor block, §13.4.30 */

/* ---- legacy transmit descriptor (§3.3.3): 16 bytes, little-endian ---- */
struct e1000_hw_txd {
    e1000_u64 buffer_addr;     /* bus address of the data */
    e1000_u16 length;          /* bytes in this buffer */
    e1000_u8 cso;              /* checksum offset */
    e1000_u8 cmd;              /* command, E1000_TXD_CMD_* */
    e1000_u8 status;           /* STA in bits 3:0, written back by the device */
    e1000_u8 css;              /* checksum start */
    e1000_u16 special;
};
#define E1000_TXD_CMD_EOP   (1u << 0)  /* end of packet */
#define E1000_TXD_CMD_IFCS  (1u << 1)  /* insert FCS */
#define E1000_TXD_CMD_IC    (1u << 2)  /* insert checksum */
#define E1000_TXD_CMD_RS    (1u << 3)  /* report status: write DD back */
#define E1000_TXD_CMD_DEXT  (1u << 5)  /* descriptor extension (not legacy) */
#define E1000_TXD_CMD_VLE   (1u << 6)  /* VLAN tag insertion */
#define E1000_TXD_CMD_IDE   (1u << 7)  /* interrupt delay enable (TIDV) */
#define E1000_TXD_STA_DD    (1u << 0)  /* descriptor done */
#define E1000_TXD_STA_EC    (1u << 1)  /* excess collisions */
#define E1000_TXD_STA_LC    (1u << 2)  /* late collision */
#define E1000_TXD_STA_TU    (1u << 3)  /* transmit underrun */

/* ---- receive descriptor (§3.2.3): 16 bytes, little-endian ---- */
struct e1000_hw_rxd {
    e1000_u64 buffer_addr;     /* bus address of the receive buffer */
    e1000_u16 length;          /* bytes the device stored (written back) */
    e1000_u16 csum;            /* packet checksum */
    e1000_u8 status;           /* E1000_RXD_STA_* */
    e1000_u8 errors;           /* E1000_RXD_ERR_* */
    e1000_u16 special;
};
#define E1000_RXD_STA_DD    (1u << 0)  /* descriptor done */
#define E1000_RXD_STA_EOP   (1u << 1)  /* end of packet */
#define E1000_RXD_STA_IXSM  (1u << 2)  /* ignore checksum indication */
#define E1000_RXD_STA_VP    (1u << 3)  /* 802.1Q packet */
#define E1000_RXD_STA_TCPCS (1u << 5)  /* TCP checksum calculated */
#define E1000_RXD_STA_IPCS  (1u << 6)  /* IP checksum calculated */
#define E1000_RXD_ERR_CE    (1u << 0)  /* CRC or alignment error */
#define E1000_RXD_ERR_SE    (1u << 1)  /* symbol error */
#define E1000_RXD_ERR_SEQ   (1u << 2)  /* sequence error */
#define E1000_RXD_ERR_CXE   (1u << 4)  /* carrier extension error */
#define E1000_RXD_ERR_TCPE  (1u << 5)  /* TCP/UDP checksum error */
#define E1000_RXD_ERR_IPE   (1u << 6)  /* IP checksum error */
#define E1000_RXD_ERR_RXE   (1u << 7)  /* RX data error */
/* Errors that make the frame unusable (checksum errors only flag the checksum). */
#define E1000_RXD_ERR_FRAME (E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | E1000_RXD_ERR_SEQ | \
                             E1000_RXD_ERR_CXE | E1000_RXD_ERR_RXE)

#define E1000_DESC_BYTES    16u
#define E1000_RING_ALIGN    128u   /* RDLEN/TDLEN: multiples of 128 bytes (§13.4.27, §13.4.38) */
#define E1000_RING_MIN_DESC (E1000_RING_ALIGN / E1000_DESC_BYTES)        /* 8 */
#define E1000_RING_MAX_DESC 65528u /* LEN bits 19:7: at most FFF80h bytes of descriptors */

#endif
