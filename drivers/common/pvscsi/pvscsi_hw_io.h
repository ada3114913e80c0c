/* pvscsi_hw_io.h — private helpers of the shared PVSCSI layer: little-endian field access at byte
 * offsets in ring memory (the descriptors are defined as offsets, not packed structs), and the
 * rings-state index fields, which the device writes by DMA and so are read through volatile. */
#ifndef PVSCSI_HW_IO_H
#define PVSCSI_HW_IO_H

#include "pvscsi_hw.h"

static inline void pvscsi_put16(void *base, pvscsi_u32 off, pvscsi_u16 v)
{
    v = pvscsi_cpu_to_le16(v);
    __builtin_memcpy((pvscsi_u8 *)base + off, &v, sizeof v);
}
static inline void pvscsi_put32(void *base, pvscsi_u32 off, pvscsi_u32 v)
{
    v = pvscsi_cpu_to_le32(v);
    __builtin_memcpy((pvscsi_u8 *)base + off, &v, sizeof v);
}
static inline void pvscsi_put64(void *base, pvscsi_u32 off, pvscsi_u64 v)
{
    v = pvscsi_cpu_to_le64(v);
    __builtin_memcpy((pvscsi_u8 *)base + off, &v, sizeof v);
}
static inline pvscsi_u16 pvscsi_get16(const void *base, pvscsi_u32 off)
{
    pvscsi_u16 v;
    __builtin_memcpy(&v, (const pvscsi_u8 *)base + off, sizeof v);
    return pvscsi_le16_to_cpu(v);
}
static inline pvscsi_u32 pvscsi_get32(const void *base, pvscsi_u32 off)
{
    pvscsi_u32 v;
    __builtin_memcpy(&v, (const pvscsi_u8 *)base + off, sizeof v);
    return pvscsi_le32_to_cpu(v);
}
static inline pvscsi_u64 pvscsi_get64(const void *base, pvscsi_u32 off)
{
    pvscsi_u64 v;
    __builtin_memcpy(&v, (const pvscsi_u8 *)base + off, sizeof v);
    return pvscsi_le64_to_cpu(v);
}

/* Rings state page fields: 4-byte aligned, updated by the device behind the compiler's back. */
static inline pvscsi_u32 pvscsi_rs_read(const pvscsi_hw *hw, pvscsi_u32 off)
{
    const volatile pvscsi_u32 *p =
        (const volatile pvscsi_u32 *)((const pvscsi_u8 *)hw->mem.rings_state.va + off);
    return pvscsi_le32_to_cpu(*p);
}
static inline void pvscsi_rs_write(pvscsi_hw *hw, pvscsi_u32 off, pvscsi_u32 v)
{
    volatile pvscsi_u32 *p = (volatile pvscsi_u32 *)((pvscsi_u8 *)hw->mem.rings_state.va + off);
    *p = pvscsi_cpu_to_le32(v);
}

static inline void pvscsi_zero(void *p, pvscsi_size n)
{
    __builtin_memset(p, 0, n);
}

#endif
