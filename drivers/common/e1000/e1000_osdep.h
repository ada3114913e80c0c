/* e1000_osdep.h — the contract between the OS-independent 82540EM hardware layer (e1000_hw.h,
 * e1000_ring.h) and the OS glue of each driver that uses it (native vmkapi, vmklinux, tests):
 * basic types from compiler built-ins (no libc header), barriers, and four hooks the glue
 * defines. The shape follows the "shared code + osdep" split of Intel's driver family. */
#ifndef E1000_OSDEP_H
#define E1000_OSDEP_H

/* ---- types: compiler predefined macros only, so -ffreestanding -nostdinc builds work ---- */
typedef __UINT8_TYPE__ e1000_u8;
typedef __UINT16_TYPE__ e1000_u16;
typedef __UINT32_TYPE__ e1000_u32;
typedef __UINT64_TYPE__ e1000_u64;
typedef __INT32_TYPE__ e1000_s32;
typedef __SIZE_TYPE__ e1000_size;
#ifdef __cplusplus
typedef bool e1000_bool;   /* same size and ABI as C's _Bool */
#else
typedef _Bool e1000_bool;
#endif

/* A bus (DMA) address as the device sees it: what goes into a descriptor's buffer address and
 * into RDBAL/RDBAH, TDBAL/TDBAH. 64 bits wide on every OS (8254x SDM §3.2.3, §3.3.3). */
typedef e1000_u64 e1000_dma_addr;

#ifndef NULL
#define NULL ((void *)0)
#endif

/* Every hardware-layer function and every osdep hook has hidden visibility: compiled into a
 * driver module they are never exported, so two drivers that both carry the layer cannot clash
 * in the module loader's export table (docs/modules.md, binding rule 5). */
#define E1000_HW_API __attribute__((visibility("hidden")))

/* ---- barriers (compiler built-ins; the OS needs to supply nothing) ----
 * wmb: descriptor stores become visible before the tail doorbell that hands them to the device.
 * rmb: after a descriptor's DD bit is seen, its other fields are read afterwards. */
#define e1000_osdep_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define e1000_osdep_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

/* ---- descriptor byte order: descriptors are little-endian in host memory (SDM §3.2.3) ---- */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define e1000_cpu_to_le16(x) __builtin_bswap16(x)
#define e1000_cpu_to_le32(x) __builtin_bswap32(x)
#define e1000_cpu_to_le64(x) __builtin_bswap64(x)
#else
#define e1000_cpu_to_le16(x) ((e1000_u16)(x))
#define e1000_cpu_to_le32(x) ((e1000_u32)(x))
#define e1000_cpu_to_le64(x) ((e1000_u64)(x))
#endif
#define e1000_le16_to_cpu(x) e1000_cpu_to_le16(x)
#define e1000_le32_to_cpu(x) e1000_cpu_to_le32(x)
#define e1000_le64_to_cpu(x) e1000_cpu_to_le64(x)

/* ---- the hooks each OS glue DEFINES (exactly once per driver image) ----
 * `os` is the opaque pointer the glue stored in e1000_hw.os (its adapter, BAR mapping, ...).
 *
 * e1000_osdep_read32 / e1000_osdep_write32: one 32-bit MMIO access to BAR0 at byte offset
 *   `reg` (a register offset from e1000_regs.h). Uncached, not merged, in program order; a
 *   write is posted (the glue does not read back).
 * e1000_osdep_udelay: wait at least `usec` microseconds; it may sleep (it is only called from
 *   set-up paths: reset, EEPROM and PHY polling), never from the TX/RX fast paths.
 * e1000_osdep_debug: a diagnostic line: a fixed message plus two values the layer wants shown
 *   (register contents, indices). The glue formats it, e.g. "%s 0x%x 0x%x"; it may drop it. */
#ifdef __cplusplus
extern "C" {
#endif
E1000_HW_API e1000_u32 e1000_osdep_read32(void *os, e1000_u32 reg);
E1000_HW_API void e1000_osdep_write32(void *os, e1000_u32 reg, e1000_u32 value);
E1000_HW_API void e1000_osdep_udelay(void *os, e1000_u32 usec);
E1000_HW_API void e1000_osdep_debug(void *os, const char *msg, e1000_u32 a, e1000_u32 b);
#ifdef __cplusplus
}
#endif

#endif
