/* pcie_regs.h — configuration-space register offsets and bits as the device models see them,
 * named after the PCI Express Base Specification 5.0 chapter 7 (section beside each) and the PCI
 * Power Management Interface Specification 1.2; values cross-checked with
 * shared/reference/pcie.md §3. Prefixed PCIE_ so they never collide with the kernel's KPCI_ view. */
#ifndef VMKSIM_PCIE_REGS_H
#define VMKSIM_PCIE_REGS_H

/* ---- common header, type 0 and type 1 (7.5.1.1) ---- */
#define PCIE_VENDOR_ID          0x00    /* 7.5.1.1.1 */
#define PCIE_DEVICE_ID          0x02    /* 7.5.1.1.2 */
#define PCIE_COMMAND            0x04    /* 7.5.1.1.3 */
#define  PCIE_COMMAND_IO        0x0001  /* I/O Space Enable */
#define  PCIE_COMMAND_MEMORY    0x0002  /* Memory Space Enable */
#define  PCIE_COMMAND_MASTER    0x0004  /* Bus Master Enable */
#define  PCIE_COMMAND_PARITY    0x0040  /* Parity Error Response */
#define  PCIE_COMMAND_SERR      0x0100  /* SERR# Enable */
#define  PCIE_COMMAND_INTX_DIS  0x0400  /* Interrupt Disable */
#define PCIE_STATUS             0x06    /* 7.5.1.1.4 */
#define  PCIE_STATUS_INTX       0x0008  /* Interrupt Status (RO) */
#define  PCIE_STATUS_CAP_LIST   0x0010  /* Capabilities List (RO, 1 on PCIe) */
#define  PCIE_STATUS_MDPE       0x0100  /* Master Data Parity Error (RW1C) */
#define  PCIE_STATUS_STA        0x0800  /* Signaled Target Abort (RW1C) */
#define  PCIE_STATUS_RTA        0x1000  /* Received Target Abort (RW1C) */
#define  PCIE_STATUS_RMA        0x2000  /* Received Master Abort (RW1C) */
#define  PCIE_STATUS_SSE        0x4000  /* Signaled System Error (RW1C) */
#define  PCIE_STATUS_DPE        0x8000  /* Detected Parity Error (RW1C) */
#define  PCIE_STATUS_RW1C       0xF900
#define PCIE_REVISION_ID        0x08    /* 7.5.1.1.5 */
#define PCIE_CLASS_PROG         0x09    /* 7.5.1.1.6: prog-if 0x09, sub-class 0x0A, base 0x0B */
#define PCIE_CACHE_LINE_SIZE    0x0C    /* 7.5.1.1.7 (RW, no effect on PCIe) */
#define PCIE_LATENCY_TIMER      0x0D    /* 7.5.1.1.8 (RO 0 on PCIe) */
#define PCIE_HEADER_TYPE        0x0E    /* 7.5.1.1.9 */
#define  PCIE_HEADER_TYPE_NORMAL 0x00
#define  PCIE_HEADER_TYPE_BRIDGE 0x01
#define PCIE_BIST               0x0F    /* 7.5.1.1.10 (not implemented: 0) */
#define PCIE_CAPABILITY_LIST    0x34    /* 7.5.1.1.11 */
#define PCIE_INTERRUPT_LINE     0x3C    /* 7.5.1.1.13 */
#define PCIE_INTERRUPT_PIN      0x3D    /* 7.5.1.1.14 */

/* ---- type 0 (7.5.1.2) ---- */
#define PCIE_BASE_ADDRESS_0     0x10    /* 7.5.1.2.1, six BARs */
#define  PCIE_BAR_SPACE_IO      0x01
#define  PCIE_BAR_MEM_TYPE_64   0x04
#define  PCIE_BAR_MEM_PREFETCH  0x08
#define  PCIE_BAR_IO_FLAGS      0x03    /* low bits of an I/O BAR that are not address */
#define  PCIE_BAR_MEM_FLAGS     0x0F    /* low bits of a memory BAR that are not address */
#define PCIE_SUBSYSTEM_VENDOR_ID 0x2C   /* 7.5.1.2.4 */
#define PCIE_SUBSYSTEM_ID       0x2E
#define PCIE_ROM_ADDRESS        0x30    /* 7.5.1.2.5 (not implemented: 0) */

/* ---- type 1 (7.5.1.3) ---- */
#define PCIE_PRIMARY_BUS        0x18    /* 7.5.1.3.3 */
#define PCIE_SECONDARY_BUS      0x19    /* 7.5.1.3.4 */
#define PCIE_SUBORDINATE_BUS    0x1A    /* 7.5.1.3.5 */
#define PCIE_SEC_LATENCY_TIMER  0x1B    /* 7.5.1.3.6 (RO 0) */
#define PCIE_IO_BASE            0x1C    /* 7.5.1.3.7 */
#define PCIE_IO_LIMIT           0x1D
#define  PCIE_IO_RANGE_TYPE_32  0x01    /* low nibble: 32-bit I/O decode */
#define PCIE_SEC_STATUS         0x1E    /* 7.5.1.3.8 */
#define PCIE_MEMORY_BASE        0x20    /* 7.5.1.3.9 */
#define PCIE_MEMORY_LIMIT       0x22
#define PCIE_PREF_MEMORY_BASE   0x24    /* 7.5.1.3.10 */
#define PCIE_PREF_MEMORY_LIMIT  0x26
#define  PCIE_PREF_RANGE_TYPE_64 0x0001 /* low nibble: 64-bit prefetchable decode */
#define PCIE_PREF_BASE_UPPER32  0x28    /* 7.5.1.3.11 */
#define PCIE_PREF_LIMIT_UPPER32 0x2C
#define PCIE_IO_BASE_UPPER16    0x30    /* 7.5.1.3.12 */
#define PCIE_IO_LIMIT_UPPER16   0x32
#define PCIE_ROM_ADDRESS1       0x38    /* 7.5.1.3.13 (not implemented: 0) */
#define PCIE_BRIDGE_CONTROL     0x3E    /* 7.5.1.3.13 */
#define  PCIE_BRIDGE_CTL_PARITY 0x0001
#define  PCIE_BRIDGE_CTL_SERR   0x0002
#define  PCIE_BRIDGE_CTL_ISA    0x0004
#define  PCIE_BRIDGE_CTL_VGA    0x0008
#define  PCIE_BRIDGE_CTL_VGA16  0x0010
#define  PCIE_BRIDGE_CTL_BUS_RESET 0x0040

/* ---- capability IDs (PCI Code and ID Assignment Spec 1.11, §2) ---- */
#define PCIE_CAP_ID_PM          0x01
#define PCIE_CAP_ID_MSI         0x05
#define PCIE_CAP_ID_EXP         0x10
#define PCIE_CAP_ID_MSIX        0x11
#define PCIE_CAP_LIST_ID        0       /* +0 capability ID */
#define PCIE_CAP_LIST_NEXT      1       /* +1 next pointer */

/* ---- Power Management (PCI PM 1.2 §3.2) ---- */
#define PCIE_PM_PMC             2       /* Power Management Capabilities (RO) */
#define  PCIE_PM_PMC_VERSION_MASK 0x0007
#define  PCIE_PM_PMC_D1         0x0200
#define  PCIE_PM_PMC_D2         0x0400
#define  PCIE_PM_PMC_PME_SHIFT  11      /* PME_Support bits 15:11: D0,D1,D2,D3hot,D3cold */
#define PCIE_PM_CTRL            4       /* PMCSR */
#define  PCIE_PM_CTRL_STATE_MASK 0x0003 /* PowerState (RW) */
#define  PCIE_PM_CTRL_NO_SOFT_RESET 0x0008
#define  PCIE_PM_CTRL_PME_ENABLE 0x0100 /* RW */
#define  PCIE_PM_CTRL_PME_STATUS 0x8000 /* RW1C */
#define PCIE_PM_SIZEOF          8

/* ---- MSI (6.1.4, 7.7.1) ---- */
#define PCIE_MSI_FLAGS          2       /* Message Control */
#define  PCIE_MSI_FLAGS_ENABLE  0x0001
#define  PCIE_MSI_FLAGS_QMASK   0x000E  /* Multiple Message Capable (RO) */
#define  PCIE_MSI_FLAGS_QSIZE   0x0070  /* Multiple Message Enable (RW) */
#define  PCIE_MSI_FLAGS_64BIT   0x0080
#define  PCIE_MSI_FLAGS_MASKBIT 0x0100  /* Per-Vector Masking Capable */
#define PCIE_MSI_ADDRESS_LO     4
#define PCIE_MSI_ADDRESS_HI     8       /* 64-bit form */
#define PCIE_MSI_DATA_32        8
#define PCIE_MSI_DATA_64        12
#define PCIE_MSI_MASK_32        12
#define PCIE_MSI_MASK_64        16
#define PCIE_MSI_PENDING_64     20

/* ---- MSI-X (7.7.2) ---- */
#define PCIE_MSIX_FLAGS         2
#define  PCIE_MSIX_FLAGS_QSIZE  0x07FF  /* Table Size - 1 (RO) */
#define  PCIE_MSIX_FLAGS_MASKALL 0x4000 /* Function Mask (RW) */
#define  PCIE_MSIX_FLAGS_ENABLE 0x8000  /* RW */
#define PCIE_MSIX_TABLE         4       /* Table Offset / BIR */
#define PCIE_MSIX_PBA           8       /* PBA Offset / BIR */
#define  PCIE_MSIX_BIR_MASK     0x00000007
#define PCIE_MSIX_SIZEOF        12
#define PCIE_MSIX_ENTRY_SIZE    16      /* 7.7.2.6: addr lo, addr hi, data, vector control */

/* ---- PCI Express capability (7.5.3) ---- */
#define PCIE_EXP_FLAGS          0x02    /* 7.5.3.2 PCI Express Capabilities */
#define  PCIE_EXP_FLAGS_VERS    0x000F
#define  PCIE_EXP_FLAGS_TYPE    0x00F0
#define  PCIE_EXP_FLAGS_SLOT    0x0100  /* Slot Implemented */
#define  PCIE_EXP_FLAGS_IRQ     0x3E00  /* Interrupt Message Number */
#define  PCIE_EXP_TYPE_ENDPOINT  0x0
#define  PCIE_EXP_TYPE_ROOT_PORT 0x4
#define  PCIE_EXP_TYPE_UPSTREAM  0x5
#define  PCIE_EXP_TYPE_DOWNSTREAM 0x6
#define PCIE_EXP_DEVCAP         0x04    /* 7.5.3.3 */
#define  PCIE_EXP_DEVCAP_PAYLOAD 0x00000007
#define  PCIE_EXP_DEVCAP_EXT_TAG 0x00000020
#define  PCIE_EXP_DEVCAP_L0S_SHIFT 6
#define  PCIE_EXP_DEVCAP_L1_SHIFT 9
#define  PCIE_EXP_DEVCAP_RBER   0x00008000
#define  PCIE_EXP_DEVCAP_PWR_VAL_SHIFT 18
#define  PCIE_EXP_DEVCAP_PWR_SCL_SHIFT 26
#define  PCIE_EXP_DEVCAP_FLR    0x10000000
#define PCIE_EXP_DEVCTL         0x08    /* 7.5.3.4 */
#define  PCIE_EXP_DEVCTL_CERE   0x0001
#define  PCIE_EXP_DEVCTL_NFERE  0x0002
#define  PCIE_EXP_DEVCTL_FERE   0x0004
#define  PCIE_EXP_DEVCTL_URRE   0x0008
#define  PCIE_EXP_DEVCTL_RELAX_EN 0x0010
#define  PCIE_EXP_DEVCTL_PAYLOAD 0x00E0
#define  PCIE_EXP_DEVCTL_PAYLOAD_SHIFT 5
#define  PCIE_EXP_DEVCTL_EXT_TAG 0x0100
#define  PCIE_EXP_DEVCTL_NOSNOOP_EN 0x0800
#define  PCIE_EXP_DEVCTL_READRQ 0x7000
#define  PCIE_EXP_DEVCTL_READRQ_SHIFT 12
#define  PCIE_EXP_DEVCTL_BCR_FLR 0x8000
#define PCIE_EXP_DEVSTA         0x0A    /* 7.5.3.5 */
#define  PCIE_EXP_DEVSTA_RW1C   0x000F  /* CED, NFED, FED, URD */
#define PCIE_EXP_LNKCAP         0x0C    /* 7.5.3.6 */
#define  PCIE_EXP_LNKCAP_SLS    0x0000000F
#define  PCIE_EXP_LNKCAP_MLW    0x000003F0
#define  PCIE_EXP_LNKCAP_MLW_SHIFT 4
#define  PCIE_EXP_LNKCAP_ASPM_L0S_L1 0x00000C00
#define  PCIE_EXP_LNKCAP_L0SEL_SHIFT 12
#define  PCIE_EXP_LNKCAP_L1EL_SHIFT 15
#define  PCIE_EXP_LNKCAP_SDERC  0x00080000  /* Surprise Down Error Reporting Capable */
#define  PCIE_EXP_LNKCAP_DLLLARC 0x00100000 /* DLL Link Active Reporting Capable */
#define  PCIE_EXP_LNKCAP_LBNC   0x00200000  /* Link Bandwidth Notification Capable */
#define  PCIE_EXP_LNKCAP_ASPMOC 0x00400000  /* ASPM Optionality Compliance */
#define  PCIE_EXP_LNKCAP_PN_SHIFT 24
#define PCIE_EXP_LNKCTL         0x10    /* 7.5.3.7 */
#define  PCIE_EXP_LNKCTL_ASPMC  0x0003
#define  PCIE_EXP_LNKCTL_RCB    0x0008
#define  PCIE_EXP_LNKCTL_LD     0x0010  /* Link Disable */
#define  PCIE_EXP_LNKCTL_RL     0x0020  /* Retrain Link */
#define  PCIE_EXP_LNKCTL_CCC    0x0040  /* Common Clock Configuration */
#define  PCIE_EXP_LNKCTL_ES     0x0080  /* Extended Synch */
#define  PCIE_EXP_LNKCTL_LBMIE  0x0400
#define  PCIE_EXP_LNKCTL_LABIE  0x0800
#define PCIE_EXP_LNKSTA         0x12    /* 7.5.3.8 */
#define  PCIE_EXP_LNKSTA_CLS    0x000F
#define  PCIE_EXP_LNKSTA_NLW    0x03F0
#define  PCIE_EXP_LNKSTA_NLW_SHIFT 4
#define  PCIE_EXP_LNKSTA_LT     0x0800
#define  PCIE_EXP_LNKSTA_SLC    0x1000  /* Slot Clock Configuration */
#define  PCIE_EXP_LNKSTA_DLLLA  0x2000  /* Data Link Layer Link Active */
#define  PCIE_EXP_LNKSTA_LBMS   0x4000  /* RW1C */
#define  PCIE_EXP_LNKSTA_LABS   0x8000  /* RW1C */
#define PCIE_EXP_SLTCAP         0x14    /* 7.5.3.9 */
#define  PCIE_EXP_SLTCAP_ABP    0x00000001
#define  PCIE_EXP_SLTCAP_PCP    0x00000002
#define  PCIE_EXP_SLTCAP_MRLSP  0x00000004
#define  PCIE_EXP_SLTCAP_AIP    0x00000008
#define  PCIE_EXP_SLTCAP_PIP    0x00000010
#define  PCIE_EXP_SLTCAP_HPS    0x00000020
#define  PCIE_EXP_SLTCAP_HPC    0x00000040
#define  PCIE_EXP_SLTCAP_SPLV_SHIFT 7   /* Slot Power Limit Value 14:7 */
#define  PCIE_EXP_SLTCAP_SPLS_SHIFT 15  /* Slot Power Limit Scale 16:15 */
#define  PCIE_EXP_SLTCAP_EIP    0x00020000
#define  PCIE_EXP_SLTCAP_NCCS   0x00040000
#define  PCIE_EXP_SLTCAP_PSN_SHIFT 19   /* Physical Slot Number 31:19 */
#define  PCIE_EXP_SLTCAP_PSN_MAX 0x1FFF
#define PCIE_EXP_SLTCTL         0x18    /* 7.5.3.10 */
#define  PCIE_EXP_SLTCTL_ABPE   0x0001
#define  PCIE_EXP_SLTCTL_PFDE   0x0002
#define  PCIE_EXP_SLTCTL_MRLSCE 0x0004
#define  PCIE_EXP_SLTCTL_PDCE   0x0008
#define  PCIE_EXP_SLTCTL_CCIE   0x0010
#define  PCIE_EXP_SLTCTL_HPIE   0x0020
#define  PCIE_EXP_SLTCTL_AIC    0x00C0
#define  PCIE_EXP_SLTCTL_ATTN_IND_ON  0x0040
#define  PCIE_EXP_SLTCTL_ATTN_IND_BLINK 0x0080
#define  PCIE_EXP_SLTCTL_ATTN_IND_OFF 0x00C0
#define  PCIE_EXP_SLTCTL_PIC    0x0300
#define  PCIE_EXP_SLTCTL_PWR_IND_ON  0x0100
#define  PCIE_EXP_SLTCTL_PWR_IND_BLINK 0x0200
#define  PCIE_EXP_SLTCTL_PWR_IND_OFF 0x0300
#define  PCIE_EXP_SLTCTL_PCC    0x0400  /* 1 = power off */
#define  PCIE_EXP_SLTCTL_EIC    0x0800
#define  PCIE_EXP_SLTCTL_DLLSCE 0x1000
#define PCIE_EXP_SLTSTA         0x1A    /* 7.5.3.11 */
#define  PCIE_EXP_SLTSTA_ABP    0x0001
#define  PCIE_EXP_SLTSTA_PFD    0x0002
#define  PCIE_EXP_SLTSTA_MRLSC  0x0004
#define  PCIE_EXP_SLTSTA_PDC    0x0008
#define  PCIE_EXP_SLTSTA_CC     0x0010
#define  PCIE_EXP_SLTSTA_MRLSS  0x0020
#define  PCIE_EXP_SLTSTA_PDS    0x0040
#define  PCIE_EXP_SLTSTA_EIS    0x0080
#define  PCIE_EXP_SLTSTA_DLLSC  0x0100
#define PCIE_EXP_RTCTL          0x1C    /* 7.5.3.12 */
#define  PCIE_EXP_RTCTL_SECEE   0x0001
#define  PCIE_EXP_RTCTL_SENFEE  0x0002
#define  PCIE_EXP_RTCTL_SEFEE   0x0004
#define  PCIE_EXP_RTCTL_PMEIE   0x0008
#define  PCIE_EXP_RTCTL_CRSSVE  0x0010
#define PCIE_EXP_RTCAP          0x1E    /* 7.5.3.13 */
#define  PCIE_EXP_RTCAP_CRSVIS  0x0001
#define PCIE_EXP_RTSTA          0x20    /* 7.5.3.14 */
#define  PCIE_EXP_RTSTA_PME     0x00010000  /* RW1C */
#define  PCIE_EXP_RTSTA_PENDING 0x00020000
#define PCIE_EXP_DEVCAP2        0x24    /* 7.5.3.15 */
#define  PCIE_EXP_DEVCAP2_CTO_RANGES 0x0000000F
#define  PCIE_EXP_DEVCAP2_CTO_DIS 0x00000010
#define  PCIE_EXP_DEVCAP2_ARI   0x00000020
#define PCIE_EXP_DEVCTL2        0x28    /* 7.5.3.16 */
#define  PCIE_EXP_DEVCTL2_CTO_VAL 0x000F
#define  PCIE_EXP_DEVCTL2_CTO_DIS 0x0010
#define  PCIE_EXP_DEVCTL2_ARI   0x0020
#define PCIE_EXP_LNKCAP2        0x2C    /* 7.5.3.18 */
#define  PCIE_EXP_LNKCAP2_SLS_SHIFT 1   /* Supported Link Speeds Vector 7:1 */
#define PCIE_EXP_LNKCTL2        0x30    /* 7.5.3.19 */
#define  PCIE_EXP_LNKCTL2_TLS   0x000F  /* Target Link Speed */
#define PCIE_EXP_LNKSTA2        0x32    /* 7.5.3.20 */
#define PCIE_EXP_SLTCAP2        0x34    /* 7.5.3.21 */
#define PCIE_EXP_SLTCTL2        0x38
#define PCIE_EXP_SLTSTA2        0x3A
#define PCIE_EXP_SIZEOF         0x3C    /* version 2 capability, through SLTSTA2 */

/* ---- extended capabilities (7.6) ---- */
#define PCIE_EXT_CAP_START      0x100   /* 7.6.1: first extended capability header */
#define  PCIE_EXT_CAP_ID(h)     ((h) & 0xFFFF)
#define  PCIE_EXT_CAP_VER(h)    (((h) >> 16) & 0xF)
#define  PCIE_EXT_CAP_NEXT(h)   (((h) >> 20) & 0xFFC)
#define PCIE_EXT_CAP_ID_AER     0x0001
/* Advanced Error Reporting (7.8.4) */
#define PCIE_AER_UNCOR_STATUS   0x04    /* 7.8.4.2 (RW1CS) */
#define PCIE_AER_UNCOR_MASK     0x08    /* 7.8.4.3 (RWS) */
#define PCIE_AER_UNCOR_SEVER    0x0C    /* 7.8.4.4 (RWS) */
#define PCIE_AER_COR_STATUS     0x10    /* 7.8.4.5 (RW1CS) */
#define PCIE_AER_COR_MASK       0x14    /* 7.8.4.6 (RWS) */
#define PCIE_AER_CAP            0x18    /* 7.8.4.7 */
#define PCIE_AER_HEADER_LOG     0x1C    /* 7.8.4.8, 16 bytes */
#define PCIE_AER_ROOT_COMMAND   0x2C    /* 7.8.4.9 (root ports) */
#define PCIE_AER_ROOT_STATUS    0x30    /* 7.8.4.10 */
#define PCIE_AER_ERR_SRC_ID     0x34    /* 7.8.4.11 */
#define PCIE_AER_SIZEOF_ROOT    0x38
#define PCIE_AER_SIZEOF         0x2C

#endif
