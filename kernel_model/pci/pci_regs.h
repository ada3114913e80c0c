/* pci_regs.h — the configuration-space registers the kernel's PCI bus driver reads and writes,
 * as offsets and bit masks named after the PCI Express Base Specification (section beside each,
 * numbering of PCIe Base Spec 5.0 chapter 7; values cross-checked with shared/reference/pcie.md §3).
 * Prefixed KPCI_ so that this kernel-side view never collides with a device model's own header. */
#ifndef VMKSIM_KERN_PCI_REGS_H
#define VMKSIM_KERN_PCI_REGS_H

#include <stdint.h>

/* ---- common header, type 0 and type 1 (7.5.1.1) ---- */
#define KPCI_VENDOR_ID          0x00    /* 7.5.1.1.1; 0xFFFF = no function (absent reads all ones) */
#define KPCI_DEVICE_ID          0x02    /* 7.5.1.1.2 */
#define KPCI_COMMAND            0x04    /* 7.5.1.1.3 */
#define  KPCI_COMMAND_IO        0x0001  /* I/O Space Enable */
#define  KPCI_COMMAND_MEMORY    0x0002  /* Memory Space Enable */
#define  KPCI_COMMAND_MASTER    0x0004  /* Bus Master Enable */
#define KPCI_STATUS             0x06    /* 7.5.1.1.4 */
#define  KPCI_STATUS_CAP_LIST   0x0010  /* Capabilities List */
#define KPCI_REVISION_ID        0x08    /* 7.5.1.1.5 */
#define KPCI_CLASS_PROG         0x09    /* 7.5.1.1.6: prog-if, sub-class, base class at 0x09..0x0B */
#define KPCI_CLASS_DEVICE       0x0A
#define KPCI_HEADER_TYPE        0x0E    /* 7.5.1.1.9 */
#define  KPCI_HEADER_TYPE_MASK  0x7F
#define  KPCI_HEADER_MULTIFUNC  0x80
#define  KPCI_HEADER_NORMAL     0       /* type 0: endpoint */
#define  KPCI_HEADER_BRIDGE     1       /* type 1: PCI-PCI bridge (root port, switch port) */
#define KPCI_CAPABILITY_LIST    0x34    /* 7.5.1.1.11; low two bits reserved */
#define KPCI_INTERRUPT_LINE     0x3C    /* 7.5.1.1.13 */
#define KPCI_INTERRUPT_PIN      0x3D    /* 7.5.1.1.14 */

/* ---- Base Address Registers (7.5.1.2.1) ---- */
#define KPCI_BASE_ADDRESS_0     0x10
#define KPCI_NUM_BARS_NORMAL    6       /* type 0: 0x10..0x24 */
#define KPCI_NUM_BARS_BRIDGE    2       /* type 1: 0x10..0x14 (7.5.1.3.1) */
#define  KPCI_BAR_SPACE_IO      0x01    /* bit 0: 1 = I/O space */
#define  KPCI_BAR_MEM_TYPE_MASK 0x06    /* bits 2:1: 00 = 32-bit, 10 = 64-bit */
#define  KPCI_BAR_MEM_TYPE_64   0x04
#define  KPCI_BAR_MEM_PREFETCH  0x08    /* bit 3 */
#define  KPCI_BAR_MEM_MASK      ((uint64_t)~0x0FULL)
#define  KPCI_BAR_IO_MASK       ((uint64_t)~0x03ULL)

/* ---- type 0 only (7.5.1.2) ---- */
#define KPCI_SUBSYSTEM_VENDOR_ID 0x2C   /* 7.5.1.2.4 */
#define KPCI_SUBSYSTEM_ID       0x2E    /* 7.5.1.2.5 */

/* ---- type 1 only (7.5.1.3) ---- */
#define KPCI_PRIMARY_BUS        0x18    /* 7.5.1.3.2 */
#define KPCI_SECONDARY_BUS      0x19    /* 7.5.1.3.3 */
#define KPCI_SUBORDINATE_BUS    0x1A    /* 7.5.1.3.4 */
#define KPCI_IO_BASE            0x1C    /* 7.5.1.3.6: address bits 15:12 in bits 7:4 */
#define KPCI_IO_LIMIT           0x1D
#define  KPCI_IO_RANGE_TYPE_MASK 0x0F   /* 0 = 16-bit, 1 = 32-bit I/O addressing */
#define  KPCI_IO_RANGE_32       0x01
#define KPCI_MEMORY_BASE        0x20    /* 7.5.1.3.8: address bits 31:20 in bits 15:4 */
#define KPCI_MEMORY_LIMIT       0x22
#define KPCI_PREF_MEMORY_BASE   0x24    /* 7.5.1.3.9 */
#define KPCI_PREF_MEMORY_LIMIT  0x26
#define  KPCI_PREF_RANGE_TYPE_MASK 0x0F /* 0 = 32-bit, 1 = 64-bit prefetchable window */
#define  KPCI_PREF_RANGE_64     0x01
#define KPCI_PREF_BASE_UPPER32  0x28    /* 7.5.1.3.10 */
#define KPCI_PREF_LIMIT_UPPER32 0x2C
#define KPCI_IO_BASE_UPPER16    0x30    /* 7.5.1.3.11 */
#define KPCI_IO_LIMIT_UPPER16   0x32
#define KPCI_BRIDGE_CONTROL     0x3E    /* 7.5.1.3.13 */

/* Bridge window granularity (7.5.1.3.6, 7.5.1.3.8): I/O 4 KiB, memory 1 MiB. */
#define KPCI_BRIDGE_IO_GRAN     0x1000ULL
#define KPCI_BRIDGE_MEM_GRAN    0x100000ULL

/* ---- capability IDs (PCI Code and ID Assignment Spec, ch. 2) ---- */
#define KPCI_CAP_ID_PM          0x01
#define KPCI_CAP_ID_MSI         0x05
#define KPCI_CAP_ID_VNDR        0x09
#define KPCI_CAP_ID_EXP         0x10
#define KPCI_CAP_ID_MSIX        0x11
#define KPCI_EXT_CAP_START      0x100   /* 7.6.3: extended capabilities start at 0x100 */

/* ---- PCI Express capability (7.5.3) ---- */
#define KPCI_EXP_FLAGS          0x02    /* 7.5.3.2 */
#define  KPCI_EXP_FLAGS_VERS    0x000F
#define  KPCI_EXP_FLAGS_TYPE    0x00F0  /* Device/Port Type, shift 4 */
#define  KPCI_EXP_FLAGS_SLOT    0x0100  /* Slot Implemented */
#define   KPCI_EXP_TYPE_ENDPOINT   0x0
#define   KPCI_EXP_TYPE_LEG_END    0x1
#define   KPCI_EXP_TYPE_ROOT_PORT  0x4
#define   KPCI_EXP_TYPE_UPSTREAM   0x5
#define   KPCI_EXP_TYPE_DOWNSTREAM 0x6
#define   KPCI_EXP_TYPE_PCI_BRIDGE 0x7
#define   KPCI_EXP_TYPE_PCIE_BRIDGE 0x8
#define   KPCI_EXP_TYPE_RC_END     0x9
#define   KPCI_EXP_TYPE_RC_EC      0xA
#define KPCI_EXP_DEVCAP         0x04    /* 7.5.3.3 */
#define  KPCI_EXP_DEVCAP_PAYLOAD 0x0007 /* Max_Payload_Size Supported: 128 << n */
#define KPCI_EXP_DEVCTL         0x08    /* 7.5.3.4 */
#define  KPCI_EXP_DEVCTL_PAYLOAD 0x00E0 /* Max_Payload_Size, shift 5 */
#define  KPCI_EXP_DEVCTL_READRQ 0x7000  /* Max_Read_Request_Size, shift 12 */
#define KPCI_EXP_LNKCAP         0x0C    /* 7.5.3.6 */
#define  KPCI_EXP_LNKCAP_SLS    0x0000000F  /* Max Link Speed */
#define  KPCI_EXP_LNKCAP_MLW    0x000003F0  /* Maximum Link Width, shift 4 */
#define KPCI_EXP_LNKSTA         0x12    /* 7.5.3.8 */
#define  KPCI_EXP_LNKSTA_CLS    0x000F
#define  KPCI_EXP_LNKSTA_NLW    0x03F0
#define KPCI_EXP_SLTCAP         0x14    /* 7.5.3.9 */
#define  KPCI_EXP_SLTCAP_HPC    0x00000040  /* Hot-Plug Capable */
#define  KPCI_EXP_SLTCAP_PSN    0xFFF80000  /* Physical Slot Number, shift 19 */
#define  KPCI_EXP_SLTCAP_PSN_SHIFT 19
#define KPCI_EXP_SLTSTA         0x1A    /* 7.5.3.11 */
#define  KPCI_EXP_SLTSTA_PDS    0x0040  /* Presence Detect State */

/* Max_Payload_Size / Max_Read_Request_Size encodings: 000b = 128 B ... 101b = 4096 B (7.5.3.4). */
#define KPCI_EXP_SIZE_ENC_MAX   5

#endif
