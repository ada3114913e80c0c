/* pvscsi_osdep.h — the contract between the OS-independent PVSCSI hardware layer (pvscsi_hw.h,
 * pvscsi_ring.h) and the OS glue of each driver that carries it (native vmkapi, Linux-style on
 * vmklinux, tests): basic types from compiler built-ins (no libc header), barriers, byte order,
 * and four hooks the glue defines. Same "shared code + osdep" split as drivers/common/e1000. */
#ifndef PVSCSI_OSDEP_H
#define PVSCSI_OSDEP_H

/* ---- types: compiler predefined macros only, so -ffreestanding -nostdinc builds work ---- */
typedef __UINT8_TYPE__ pvscsi_u8;
typedef __UINT16_TYPE__ pvscsi_u16;
typedef __UINT32_TYPE__ pvscsi_u32;
typedef __UINT64_TYPE__ pvscsi_u64;
typedef __INT32_TYPE__ pvscsi_s32;
typedef __SIZE_TYPE__ pvscsi_size;
#ifdef __cplusplus
typedef bool pvscsi_bool;
#else
typedef _Bool pvscsi_bool;
#endif

/* A bus (DMA) address as the device sees it: 64 bits on every OS (the interface's PPNs and
 * s/g addresses are 64-bit). */
typedef pvscsi_u64 pvscsi_dma_addr;

#ifndef NULL
#define NULL ((void *)0)
#endif

/* Hidden visibility for everything the layer defines and for the hooks: compiled into a driver
 * module nothing is exported, so two drivers carrying the layer never clash in the loader's
 * export table (docs/modules.md, binding rule 5). */
#define PVSCSI_HW_API __attribute__((visibility("hidden")))

/* ---- barriers (compiler built-ins) ----
 * wmb: a request descriptor (and its s/g list) is visible before reqProdIdx moves.
 * rmb: after cmpProdIdx/msgProdIdx is seen to move, the descriptors are read afterwards. */
#define pvscsi_osdep_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define pvscsi_osdep_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

/* ---- byte order: every ring field is little-endian in host memory ---- */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define pvscsi_cpu_to_le16(x) __builtin_bswap16(x)
#define pvscsi_cpu_to_le32(x) __builtin_bswap32(x)
#define pvscsi_cpu_to_le64(x) __builtin_bswap64(x)
#else
#define pvscsi_cpu_to_le16(x) ((pvscsi_u16)(x))
#define pvscsi_cpu_to_le32(x) ((pvscsi_u32)(x))
#define pvscsi_cpu_to_le64(x) ((pvscsi_u64)(x))
#endif
#define pvscsi_le16_to_cpu(x) pvscsi_cpu_to_le16(x)
#define pvscsi_le32_to_cpu(x) pvscsi_cpu_to_le32(x)
#define pvscsi_le64_to_cpu(x) pvscsi_cpu_to_le64(x)

/* ---- the hooks each OS glue DEFINES (exactly once per driver image) ----
 * `os` is the opaque pointer the glue gave pvscsi_hw_init (its adapter / Scsi_Host private).
 *
 * pvscsi_osdep_read32 / pvscsi_osdep_write32: one 32-bit access to the memory-mapped register
 *   BAR (BAR1) at byte offset `reg` (PVSCSI_REG_OFFSET_*). Uncached, in program order; a write
 *   is posted. A read is a non-posted round trip (it may block the caller).
 * pvscsi_osdep_udelay: wait at least `usec` microseconds (set-up paths only).
 * pvscsi_osdep_debug: a diagnostic line: a fixed message plus two values; e.g. "%s 0x%x 0x%x".
 *
 * Memory: the layer never allocates. The glue hands it DMA-coherent, page-aligned memory (CPU
 * address + bus address) for the rings state page, the three rings and each request's s/g
 * list (pvscsi_hw_ring_mem, pvscsi_hw_sg_area). */
#ifdef __cplusplus
extern "C" {
#endif
PVSCSI_HW_API pvscsi_u32 pvscsi_osdep_read32(void *os, pvscsi_u32 reg);
PVSCSI_HW_API void pvscsi_osdep_write32(void *os, pvscsi_u32 reg, pvscsi_u32 value);
PVSCSI_HW_API void pvscsi_osdep_udelay(void *os, pvscsi_u32 usec);
PVSCSI_HW_API void pvscsi_osdep_debug(void *os, const char *msg, pvscsi_u32 a, pvscsi_u32 b);
#ifdef __cplusplus
}
#endif

#endif
