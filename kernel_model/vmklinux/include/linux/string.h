/* linux/string.h — the string and memory helpers a driver uses. memcpy/memset/memmove/memcmp
 * bind to the kernel's compiler-support exports (docs/modules.md). The str* helpers are inline
 * here: libc's names come first in a module's lookup scope, so vmklinux must not export them. */
#ifndef _VMKLNX_LINUX_STRING_H
#define _VMKLNX_LINUX_STRING_H

#include <linux/types.h>

void *memcpy(void *dst, const void *src, size_t len);
void *memmove(void *dst, const void *src, size_t len);
void *memset(void *dst, int byte, size_t len);
int memcmp(const void *a, const void *b, size_t len);

static inline size_t vmklnx_strnlen(const char *s, size_t maxlen)
{
    size_t n = 0;
    while (n < maxlen && s[n])
        n++;
    return n;
}

static inline int vmklnx_strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
        if (!a[i])
            return 0;
    }
    return 0;
}

/* Copies at most size - 1 bytes and terminates; -E2BIG (as ssize_t) if src was truncated. */
static inline ssize_t vmklnx_strscpy(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    if (!size)
        return -7;   /* -E2BIG */
    for (; i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = 0;
    return src[i] ? -7 : (ssize_t)i;
}

#define strnlen vmklnx_strnlen
#define strlen(s) vmklnx_strnlen((s), (size_t)-1)
#define strncmp vmklnx_strncmp
#define strcmp(a, b) vmklnx_strncmp((a), (b), (size_t)-1)
#define strscpy vmklnx_strscpy

#endif
