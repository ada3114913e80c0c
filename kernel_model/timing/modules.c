/* modules.c — the code ranges whose instructions are counted and who owns them. A range is
 * registered by the module loader; the loaded object's program headers (dl_iterate_phdr) give its
 * readable segments and its .eh_frame_hdr, whose sorted table of FDE start addresses (LSB 5.0
 * "Exception Frames", .eh_frame_hdr) tells where each function begins. */
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "kernel_model/timing/timing_internal.h"

#define DW_EH_PE_udata4 0x03        /* DWARF 5, 7.7.1 pointer encodings as used by LSB */
#define DW_EH_PE_sdata4 0x0b
#define DW_EH_PE_pcrel 0x10
#define DW_EH_PE_datarel 0x30

static kern_tmodule g_mods[KERN_TIMING_MAX_MODULES];

const kern_tmodule *kern_tmodule_find(uintptr_t pc)
{
    for (int i = 0; i < KERN_TIMING_MAX_MODULES; i++)
        if (g_mods[i].used && pc >= g_mods[i].start && pc < g_mods[i].end)
            return &g_mods[i];
    return NULL;
}

int kern_timing_owner_of(uintptr_t pc)
{
    const kern_tmodule *m = kern_tmodule_find(pc);
    return m ? m->owner : -1;
}

bool kern_tmodule_readable(const kern_tmodule *m, uintptr_t addr, size_t len)
{
    if (addr + len < addr)
        return false;
    if (addr >= m->start && addr + len <= m->end)
        return true;
    for (int i = 0; i < m->nsegs; i++)
        if (addr >= m->segs[i].lo && addr + len <= m->segs[i].hi)
            return true;
    return false;
}

void kern_tmodule_set_hook_stub(const kern_tmodule *m, uintptr_t stub)
{
    ((kern_tmodule *)m)->hook_stub = stub;   /* a cache inside our own table */
}

static uintptr_t fde_start(const kern_tmodule *m, uint32_t i)
{
    int32_t rel;
    memcpy(&rel, m->fde_table + (size_t)i * 8, sizeof rel);
    return (uintptr_t)m->eh_hdr + (intptr_t)rel;
}

uintptr_t kern_tmodule_function_start(const kern_tmodule *m, uintptr_t pc)
{
    if (!m->fde_table || m->fde_count == 0 || pc < fde_start(m, 0))
        return 0;
    uint32_t lo = 0, hi = m->fde_count;   /* largest i with start(i) <= pc */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (fde_start(m, mid) <= pc)
            lo = mid;
        else
            hi = mid;
    }
    return fde_start(m, lo);
}

/* Reads the .eh_frame_hdr header: version 1, then eh_frame_ptr, fde_count and the table. Only the
 * layout GNU ld and lld write is used (sdata4 pointers, udata4 count, datarel sdata4 table);
 * anything else leaves the module without function starts (no prologue counting). */
static void parse_eh_hdr(kern_tmodule *m, const uint8_t *hdr)
{
    if (hdr[0] != 1 || (hdr[1] & 0x0f) != DW_EH_PE_sdata4 || hdr[2] != DW_EH_PE_udata4 ||
        hdr[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
        return;
    uint32_t count;
    memcpy(&count, hdr + 8, sizeof count);
    m->eh_hdr = hdr;
    m->fde_table = hdr + 12;
    m->fde_count = count;
}

typedef struct phdr_query {
    uintptr_t addr;       /* an address inside the wanted object */
    bool found;
    uintptr_t text_lo, text_hi;   /* its executable segment containing addr */
    char path[256];
    kern_tseg segs[KERN_TMOD_MAX_SEGS];
    int nsegs;
    const uint8_t *eh_hdr;
} phdr_query;

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    phdr_query *q = arg;
    bool mine = false;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (ph->p_type == PT_LOAD && q->addr >= lo && q->addr < hi)
            mine = true;
    }
    if (!mine)
        return 0;
    q->found = true;
    snprintf(q->path, sizeof q->path, "%s", info->dlpi_name ? info->dlpi_name : "");
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_R) && q->nsegs < KERN_TMOD_MAX_SEGS)
            q->segs[q->nsegs++] = (kern_tseg){lo, lo + ph->p_memsz};
        if (ph->p_type == PT_GNU_EH_FRAME)
            q->eh_hdr = (const uint8_t *)lo;
        /* The executable segment: the one holding addr, else the object's first one. */
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) &&
            (!q->text_hi || (q->addr >= lo && q->addr < lo + ph->p_memsz))) {
            q->text_lo = lo;
            q->text_hi = lo + ph->p_memsz;
        }
    }
    return 1;
}

static void query_object(uintptr_t addr, phdr_query *q)
{
    memset(q, 0, sizeof *q);
    q->addr = addr;
    dl_iterate_phdr(phdr_cb, q);
}

int kern_timing_register_module(int owner_id, const char *name, uintptr_t text_start,
                                uintptr_t text_end, sim_err *err)
{
    if (!name || !*name || strlen(name) >= KERN_TMOD_NAME_MAX)
        return sim_err_set(err, "timing: module name '%s' must be 1..%d characters",
                           name ? name : "(null)", KERN_TMOD_NAME_MAX - 1);
    if (owner_id < 0 || owner_id >= KERN_TIMING_MAX_OWNERS)
        return sim_err_set(err, "timing: module %s: owner %d out of range 0..%d", name, owner_id,
                           KERN_TIMING_MAX_OWNERS - 1);
    if (text_start == 0 || text_end <= text_start)
        return sim_err_set(err, "timing: module %s: empty or invalid code range [%#lx, %#lx)",
                           name, (unsigned long)text_start, (unsigned long)text_end);
    kern_tmodule *slot = NULL;
    for (int i = 0; i < KERN_TIMING_MAX_MODULES; i++) {
        kern_tmodule *m = &g_mods[i];
        if (!m->used) {
            if (!slot)
                slot = m;
            continue;
        }
        if (strcmp(m->name, name) == 0)
            return sim_err_set(err, "timing: module %s is already registered", name);
        if (text_start < m->end && m->start < text_end)
            return sim_err_set(err, "timing: module %s: code range [%#lx, %#lx) overlaps module %s",
                               name, (unsigned long)text_start, (unsigned long)text_end, m->name);
    }
    if (!slot)
        return sim_err_set(err, "timing: module %s: more than %d modules registered", name,
                           KERN_TIMING_MAX_MODULES);
    phdr_query q;
    query_object(text_start, &q);
    memset(slot, 0, sizeof *slot);
    snprintf(slot->name, sizeof slot->name, "%s", name);
    slot->owner = owner_id;
    slot->start = text_start;
    slot->end = text_end;
    if (q.found) {
        memcpy(slot->segs, q.segs, sizeof q.segs);
        slot->nsegs = q.nsegs;
        if (q.eh_hdr)
            parse_eh_hdr(slot, q.eh_hdr);
    }
    slot->used = true;
    kern_tcache_purge(text_start, text_end);   /* sites seen before as "not counted" */
    sim_log(SIM_LOG_DEBUG, "timing", "counting module %s (owner %d): code [%#lx, %#lx)%s", name,
            owner_id, (unsigned long)text_start, (unsigned long)text_end,
            slot->fde_table ? "" : ", no function table: prologues not counted");
    return 0;
}

int kern_timing_register_loaded(int owner_id, const char *name, const void *any_symbol_in_it,
                                sim_err *err)
{
    phdr_query q;
    query_object((uintptr_t)any_symbol_in_it, &q);
    if (!q.found || !q.text_hi)
        return sim_err_set(err, "timing: module %s: address %p is not in any loaded object "
                           "with executable code", name ? name : "(null)", any_symbol_in_it);
    return kern_timing_register_module(owner_id, name, q.text_lo, q.text_hi, err);
}

int kern_timing_unregister_module(const char *name, sim_err *err)
{
    for (int i = 0; i < KERN_TIMING_MAX_MODULES; i++) {
        kern_tmodule *m = &g_mods[i];
        if (m->used && name && strcmp(m->name, name) == 0) {
            kern_timing_flush();   /* settle tails that still refer to this code */
            m->used = false;
            kern_tcache_purge(m->start, m->end);
            return 0;
        }
    }
    return sim_err_set(err, "timing: module %s is not registered", name ? name : "(null)");
}
