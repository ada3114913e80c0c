/* vmkapi_libc.h — the few libc-like helpers the kernel exports to modules. Names follow vmkapi
 * v2.3 (base/vmkapi_libc.h). memcpy/memset/memmove/memcmp are exported too (declared here)
 * because the compiler may emit calls to them even in freestanding code (GCC manual, "C
 * Language": a freestanding environment must provide memcpy, memmove, memset and memcmp). */
#ifndef VMKAPI_LIBC_H
#define VMKAPI_LIBC_H

#include "vmkapi/vmkapi_types.h"

void *vmk_Memcpy(void *dst, const void *src, vmk_ByteCount len);
void *vmk_Memset(void *dst, int byte, vmk_ByteCount len);
int vmk_Memcmp(const void *a, const void *b, vmk_ByteCount len);
vmk_ByteCount vmk_Strnlen(const char *s, vmk_ByteCount maxlen);

#ifdef VMK_BUILDING_MODULE
void *memcpy(void *dst, const void *src, vmk_ByteCount len);
void *memmove(void *dst, const void *src, vmk_ByteCount len);
void *memset(void *dst, int byte, vmk_ByteCount len);
int memcmp(const void *a, const void *b, vmk_ByteCount len);
#endif

#endif
