/* linux/byteorder.h — host <-> network (big-endian) and little-endian conversions: htons/ntohs,
 * htonl/ntohl, cpu_to_le16/32/64 and back. Mirrors what Linux's asm/byteorder.h and
 * linux/byteorder/generic.h provide by name; built on compiler built-ins only. */
#ifndef _VMKLNX_LINUX_BYTEORDER_H
#define _VMKLNX_LINUX_BYTEORDER_H

#include <linux/types.h>

typedef u16 __be16;   /* sparse annotations in Linux: plain integers here */
typedef u32 __be32;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define cpu_to_be16(x) ((__be16)(x))
#define cpu_to_be32(x) ((__be32)(x))
#define cpu_to_le16(x) ((__le16)__builtin_bswap16(x))
#define cpu_to_le32(x) ((__le32)__builtin_bswap32(x))
#define cpu_to_le64(x) ((__le64)__builtin_bswap64(x))
#else
#define cpu_to_be16(x) ((__be16)__builtin_bswap16(x))
#define cpu_to_be32(x) ((__be32)__builtin_bswap32(x))
#define cpu_to_le16(x) ((__le16)(x))
#define cpu_to_le32(x) ((__le32)(x))
#define cpu_to_le64(x) ((__le64)(x))
#endif
#define be16_to_cpu(x) cpu_to_be16(x)
#define be32_to_cpu(x) cpu_to_be32(x)
#define le16_to_cpu(x) cpu_to_le16(x)
#define le32_to_cpu(x) cpu_to_le32(x)
#define le64_to_cpu(x) cpu_to_le64(x)

#define htons(x) cpu_to_be16(x)
#define ntohs(x) be16_to_cpu(x)
#define htonl(x) cpu_to_be32(x)
#define ntohl(x) be32_to_cpu(x)

#endif
