/* linux/types.h — the Linux kernel's basic types (u8..u64, dma_addr_t, gfp_t, bool, ...) for
 * drivers built against vmklinux. Mirrors Linux's include/linux/types.h by name; built only on
 * compiler-predefined macros because modules compile with -nostdinc (docs/modules.md). */
#ifndef _VMKLNX_LINUX_TYPES_H
#define _VMKLNX_LINUX_TYPES_H

typedef __INT8_TYPE__ s8;
typedef __UINT8_TYPE__ u8;
typedef __INT16_TYPE__ s16;
typedef __UINT16_TYPE__ u16;
typedef __INT32_TYPE__ s32;
typedef __UINT32_TYPE__ u32;
typedef __INT64_TYPE__ s64;
typedef __UINT64_TYPE__ u64;
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;

#ifndef _VMKLNX_SIZE_T
#define _VMKLNX_SIZE_T
typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ssize_t;
#endif
typedef __UINTPTR_TYPE__ uintptr_t;

#ifndef __cplusplus
typedef _Bool bool;
#define true 1
#define false 0
#endif

#ifndef NULL
#define NULL ((void *)0)
#endif

typedef u64 dma_addr_t;         /* a device-visible (IO) address */
typedef u64 phys_addr_t;        /* a bus address (BAR start) */
typedef u64 resource_size_t;
typedef unsigned int gfp_t;     /* allocation flags (linux/slab.h) */

/* Sparse annotations: no meaning to the compiler. */
#define __iomem
#define __user
#define __force
#define __must_check __attribute__((warn_unused_result))
#define __always_unused __attribute__((unused))
#define __maybe_unused __attribute__((unused))

#define offsetof(type, member) __builtin_offsetof(type, member)
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define BIT(n) (1UL << (n))

#endif
