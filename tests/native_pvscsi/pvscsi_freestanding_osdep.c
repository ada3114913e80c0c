/* pvscsi_freestanding_osdep.c — a minimal osdep glue compiled with the module flags
 * (-ffreestanding -nostdinc, no libc): with the shared PVSCSI layer it links into a -nostdlib
 * shared object with --no-undefined, which proves the layer needs nothing beyond the four hooks
 * of pvscsi_osdep.h and memcpy/memset (what the kernel exports to every module as compiler
 * support, docs/modules.md). */
#include "pvscsi_osdep.h"

typedef struct { volatile pvscsi_u32 *bar; pvscsi_u32 spins_per_us; } fs_os;

pvscsi_u32 pvscsi_osdep_read32(void *os, pvscsi_u32 reg)
{
    return ((fs_os *)os)->bar[reg / 4];
}
void pvscsi_osdep_write32(void *os, pvscsi_u32 reg, pvscsi_u32 value)
{
    ((fs_os *)os)->bar[reg / 4] = value;
}
void pvscsi_osdep_udelay(void *os, pvscsi_u32 usec)
{
    for (volatile pvscsi_u32 i = 0; i < usec * ((fs_os *)os)->spins_per_us; i++)
        ;
}
void pvscsi_osdep_debug(void *os, const char *msg, pvscsi_u32 a, pvscsi_u32 b)
{
    (void)os; (void)msg; (void)a; (void)b;
}

void *memcpy(void *d, const void *s, pvscsi_size n)
{
    for (pvscsi_size i = 0; i < n; i++) ((pvscsi_u8 *)d)[i] = ((const pvscsi_u8 *)s)[i];
    return d;
}
void *memset(void *d, int c, pvscsi_size n)
{
    for (pvscsi_size i = 0; i < n; i++) ((volatile pvscsi_u8 *)d)[i] = (pvscsi_u8)c;
    return d;
}
