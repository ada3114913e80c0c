/* freestanding_osdep.c — a minimal osdep glue compiled with the module flags (-ffreestanding
 * -nostdinc, no libc): with the hardware layer it links into a -nostdlib shared object with
 * --no-undefined, which proves the layer needs nothing beyond the four hooks of e1000_osdep.h
 * and the four functions a freestanding C environment must provide (GCC manual, "Standards"). */
#include "e1000_osdep.h"

typedef struct { volatile e1000_u32 *bar0; e1000_u32 spins_per_us; } fs_os;

e1000_u32 e1000_osdep_read32(void *os, e1000_u32 reg)
{
    return ((fs_os *)os)->bar0[reg / 4];
}
void e1000_osdep_write32(void *os, e1000_u32 reg, e1000_u32 value)
{
    ((fs_os *)os)->bar0[reg / 4] = value;
}
void e1000_osdep_udelay(void *os, e1000_u32 usec)
{
    for (volatile e1000_u32 i = 0; i < usec * ((fs_os *)os)->spins_per_us; i++)
        ;
}
void e1000_osdep_debug(void *os, const char *msg, e1000_u32 a, e1000_u32 b)
{
    (void)os; (void)msg; (void)a; (void)b;
}

/* What the kernel exports to every module as "compiler support" (docs/modules.md). */
void *memcpy(void *d, const void *s, e1000_size n)
{
    for (e1000_size i = 0; i < n; i++) ((e1000_u8 *)d)[i] = ((const e1000_u8 *)s)[i];
    return d;
}
void *memset(void *d, int c, e1000_size n)
{
    for (e1000_size i = 0; i < n; i++) ((volatile e1000_u8 *)d)[i] = (e1000_u8)c;
    return d;
}
