/* vmkapi_types.h — the native API's basic types (vmk_uint32, vmk_Bool, vmk_ByteCount, ...).
 * Names follow VMware's public vmkapi v2.3 headers (base/vmkapi_types.h). Built only on the
 * compiler's predefined macros, so driver modules compile with -nostdinc (no libc headers). */
#ifndef VMKAPI_TYPES_H
#define VMKAPI_TYPES_H

typedef __INT8_TYPE__ vmk_int8;
typedef __UINT8_TYPE__ vmk_uint8;
typedef __INT16_TYPE__ vmk_int16;
typedef __UINT16_TYPE__ vmk_uint16;
typedef __INT32_TYPE__ vmk_int32;
typedef __UINT32_TYPE__ vmk_uint32;
typedef __INT64_TYPE__ vmk_int64;
typedef __UINT64_TYPE__ vmk_uint64;
typedef __UINTPTR_TYPE__ vmk_uintptr_t;
typedef __SIZE_TYPE__ vmk_ByteCount;
typedef __builtin_va_list vmk_va_list;

typedef enum { VMK_FALSE = 0, VMK_TRUE = 1 } vmk_Bool;

#ifndef NULL
#define NULL ((void *)0)
#endif

/* An opaque word a driver hands the kernel and gets back (private data, registration data). */
typedef union {
    void *ptr;
    vmk_uintptr_t addr;
} vmk_AddrCookie;

/* A short name (heaps, drivers, bus types, devices): NUL-terminated, VMK_MISC_NAME_MAX bytes. */
#define VMK_MISC_NAME_MAX 32
typedef struct {
    char string[VMK_MISC_NAME_MAX];
} vmk_Name;

/* A kernel virtual address (e.g. of a BAR mapping, vmk_PCIMapIOResource) and a machine address. */
typedef vmk_uintptr_t vmk_VA;
typedef vmk_uint64 vmk_MA;

#define vmk_va_start(ap, last) __builtin_va_start(ap, last)
#define vmk_va_end(ap) __builtin_va_end(ap)
#define vmk_va_arg(ap, type) __builtin_va_arg(ap, type)

#define VMK_ATTRIBUTE_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))

#endif
