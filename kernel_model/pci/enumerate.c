/* enumerate.c — boot-time PCI enumeration as an OS does it: depth-first bus numbering from bus 0
 * (primary/secondary/subordinate programmed on the way down, subordinate fixed on the way back),
 * function discovery, BAR sizing with the all-ones protocol, capability walk, spare bus numbers
 * behind hot-plug ports, MPS/MRRS. Registers: PCIe Base Spec 5.0 §7.5 (see pci_regs.h). */
#include <stdlib.h>
#include <string.h>

#include "kernel_model/pci/pci_access.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/pci/pci_tree.h"
#include "sim/sim.h"

#define MAX_BUS 255          /* bus numbers are 8 bits (7.5.1.3.3) */
#define MAX_DEV 32           /* device numbers are 5 bits (7.2.2) */
#define MAX_FN 8             /* function numbers are 3 bits (7.2.2) */
#define MAX_CAPS 48          /* (256 - 64) / 4: a longer capability list must loop */

kern_pci_params kern_pci_params_default(void)
{
    kern_pci_params p = {
        /* The platform's address map (docs/lspci.md): 32-bit MMIO below the x86 APIC/flash hole
         * at 0xFEC00000, a 64-bit prefetchable window of 64 GiB starting at 64 GiB, and the I/O
         * ports above the legacy ISA range 0x0000-0x0FFF. */
        .mem32_base = 0xC0000000ULL, .mem32_limit = 0xFEBFFFFFULL,
        .pref64_base = 0x1000000000ULL, .pref64_limit = 0x1FFFFFFFFFULL,
        .io_base = 0x1000, .io_limit = 0xFFFF,
        /* Hot-plug reservations (docs/lspci.md). Linux's defaults (drivers/pci/pci.c
         * DEFAULT_HOTPLUG_BUS_SIZE 1, _MMIO_SIZE 2 MiB, _MMIO_PREF_SIZE 2 MiB, _IO_SIZE 256 B;
         * pci=hpbussize=,hpmemsize=,hpmmioprefsize=,hpiosize=) only fit a single small endpoint;
         * these fit a hot-added switch (upstream bus + internal bus + up to 6 downstream ports)
         * and a NIC or HBA with a large prefetchable BAR. */
        .hp_bus_reserve = 8,
        .hp_mem_reserve = 32ULL << 20,
        .hp_pref_reserve = 256ULL << 20,
        .hp_io_reserve = 0x1000,   /* one bridge I/O granule (7.5.1.3.6) */
    };
    return p;
}

const char *kern_pci_bdf(const kern_pci_dev *d, char *buf, size_t len)
{
    snprintf(buf, len, "%02x:%02x.%x", d->bus, d->dev, d->fn);
    return buf;
}

const char *kern_pcie_port_type_name(int t)
{
    switch (t) {   /* 7.5.3.2 Device/Port Type */
    case KPCI_EXP_TYPE_ENDPOINT: return "Endpoint";
    case KPCI_EXP_TYPE_LEG_END: return "Legacy Endpoint";
    case KPCI_EXP_TYPE_ROOT_PORT: return "Root Port";
    case KPCI_EXP_TYPE_UPSTREAM: return "Upstream Port";
    case KPCI_EXP_TYPE_DOWNSTREAM: return "Downstream Port";
    case KPCI_EXP_TYPE_PCI_BRIDGE: return "PCI-Express to PCI/PCI-X Bridge";
    case KPCI_EXP_TYPE_PCIE_BRIDGE: return "PCI/PCI-X to PCI-Express Bridge";
    case KPCI_EXP_TYPE_RC_END: return "Root Complex Integrated Endpoint";
    case KPCI_EXP_TYPE_RC_EC: return "Root Complex Event Collector";
    default: return t < 0 ? "conventional PCI" : "Unknown type";
    }
}

kern_pci_dev *kern_pci_find(const kern_pci_tree *t, uint8_t bus, uint8_t dev, uint8_t fn)
{
    for (size_t i = 0; i < t->ndevs; i++) {
        kern_pci_dev *d = t->devs[i];
        if (d->bus == bus && d->dev == dev && d->fn == fn)
            return d;
    }
    return NULL;
}

size_t kern_pci_count(const kern_pci_tree *t) { return t ? t->ndevs : 0; }

kern_pci_dev *kern_pci_at(const kern_pci_tree *t, size_t i)
{
    return (t && i < t->ndevs) ? t->devs[i] : NULL;
}

void kern_pci_tree_free(kern_pci_tree *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ndevs; i++)
        free(t->devs[i]);
    free(t->devs);
    free(t);
}

typedef struct enum_ctx {
    pcie_fabric *f;
    kern_pci_tree *t;
    size_t cap;
    int hp_bus_reserve;
    bool out_of_buses;
    sim_err *err;
} enum_ctx;

static int tree_add(enum_ctx *c, kern_pci_dev *d)
{
    if (c->t->ndevs == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        kern_pci_dev **n = realloc(c->t->devs, ncap * sizeof *n);
        if (!n)
            return sim_err_set(c->err, "PCI: out of memory for the device tree");
        c->t->devs = n;
        c->cap = ncap;
    }
    d->index = c->t->ndevs;
    c->t->devs[c->t->ndevs++] = d;
    return 0;
}

/* All-ones sizing of one BAR (7.5.1.2.1): decode is off while the BAR holds all ones. */
static int size_bar(enum_ctx *c, kern_pci_dev *d, int i)
{
    char bdf[16];
    uint16_t off = (uint16_t)(KPCI_BASE_ADDRESS_0 + 4 * i);
    uint32_t orig = kcfg_rd32(c->f, d, off);
    kcfg_wr32(c->f, d, off, 0xFFFFFFFFu);
    uint32_t lo = kcfg_rd32(c->f, d, off);
    kcfg_wr32(c->f, d, off, orig);
    kern_pci_bar *b = &d->bars[i];
    memset(b, 0, sizeof *b);
    if (lo == 0)
        return 0;   /* not implemented */
    uint64_t mask;
    if (lo & KPCI_BAR_SPACE_IO) {
        uint32_t m = lo & (uint32_t)KPCI_BAR_IO_MASK;
        if (!(m & 0xFFFF0000u))
            m |= 0xFFFF0000u;   /* a 16-bit I/O decoder hardwires the upper half to 0 */
        mask = 0xFFFFFFFF00000000ULL | m;
        b->type = KERN_BAR_IO;
    } else if ((lo & KPCI_BAR_MEM_TYPE_MASK) == KPCI_BAR_MEM_TYPE_64) {
        if (i + 1 >= d->nbars)
            return sim_err_set(c->err, "PCI %s: BAR%d is 64-bit but is the last BAR",
                               kern_pci_bdf(d, bdf, sizeof bdf), i);
        uint32_t orig_hi = kcfg_rd32(c->f, d, (uint16_t)(off + 4));
        kcfg_wr32(c->f, d, (uint16_t)(off + 4), 0xFFFFFFFFu);
        uint32_t hi = kcfg_rd32(c->f, d, (uint16_t)(off + 4));
        kcfg_wr32(c->f, d, (uint16_t)(off + 4), orig_hi);
        mask = ((uint64_t)hi << 32) | (lo & (uint32_t)KPCI_BAR_MEM_MASK);
        b->type = KERN_BAR_MEM64;
    } else if ((lo & KPCI_BAR_MEM_TYPE_MASK) == 0) {
        mask = 0xFFFFFFFF00000000ULL | (lo & (uint32_t)KPCI_BAR_MEM_MASK);
        b->type = KERN_BAR_MEM32;
    } else {
        return sim_err_set(c->err, "PCI %s: BAR%d has reserved memory type %u",
                           kern_pci_bdf(d, bdf, sizeof bdf), i, (lo >> 1) & 3);
    }
    if (b->type != KERN_BAR_IO)
        b->prefetchable = (lo & KPCI_BAR_MEM_PREFETCH) != 0;
    uint64_t size = ~mask + 1;
    if (size == 0 || (size & (size - 1)))
        return sim_err_set(c->err, "PCI %s: BAR%d sizing read back 0x%08x: size is not a power of two",
                           kern_pci_bdf(d, bdf, sizeof bdf), i, lo);
    b->size = size;
    return 0;
}

static void walk_caps(enum_ctx *c, kern_pci_dev *d)
{
    if (!(kcfg_rd16(c->f, d, KPCI_STATUS) & KPCI_STATUS_CAP_LIST))
        return;
    uint8_t pos = kcfg_rd8(c->f, d, KPCI_CAPABILITY_LIST) & 0xFC;
    for (int n = 0; pos >= 0x40 && n < MAX_CAPS; n++) {
        uint8_t id = kcfg_rd8(c->f, d, pos);
        switch (id) {
        case KPCI_CAP_ID_PM: if (!d->cap_pm) d->cap_pm = pos; break;
        case KPCI_CAP_ID_MSI: if (!d->cap_msi) d->cap_msi = pos; break;
        case KPCI_CAP_ID_MSIX: if (!d->cap_msix) d->cap_msix = pos; break;
        case KPCI_CAP_ID_EXP: if (!d->cap_exp) d->cap_exp = pos; break;
        default: break;
        }
        pos = kcfg_rd8(c->f, d, (uint16_t)(pos + 1)) & 0xFC;
    }
}

static void read_pcie(enum_ctx *c, kern_pci_dev *d)
{
    d->port_type = -1;
    if (!d->cap_exp)
        return;
    uint16_t e = d->cap_exp;
    uint16_t flags = kcfg_rd16(c->f, d, (uint16_t)(e + KPCI_EXP_FLAGS));
    d->is_pcie = true;
    d->port_type = (flags & KPCI_EXP_FLAGS_TYPE) >> 4;
    d->mps_supported = 128 << (kcfg_rd32(c->f, d, (uint16_t)(e + KPCI_EXP_DEVCAP)) &
                               KPCI_EXP_DEVCAP_PAYLOAD);
    uint16_t devctl = kcfg_rd16(c->f, d, (uint16_t)(e + KPCI_EXP_DEVCTL));
    d->mps = 128 << ((devctl & KPCI_EXP_DEVCTL_PAYLOAD) >> 5);
    d->mrrs = 128 << ((devctl & KPCI_EXP_DEVCTL_READRQ) >> 12);
    /* Slot registers are valid only on a downstream port with Slot Implemented (7.5.3.2). */
    bool dsp = d->port_type == KPCI_EXP_TYPE_ROOT_PORT || d->port_type == KPCI_EXP_TYPE_DOWNSTREAM;
    if (dsp && (flags & KPCI_EXP_FLAGS_SLOT)) {
        uint32_t sltcap = kcfg_rd32(c->f, d, (uint16_t)(e + KPCI_EXP_SLTCAP));
        d->slot_implemented = true;
        d->slot = (int)((sltcap & KPCI_EXP_SLTCAP_PSN) >> KPCI_EXP_SLTCAP_PSN_SHIFT);
        d->hotplug_capable = (sltcap & KPCI_EXP_SLTCAP_HPC) != 0;
        d->slot_occupied = (kcfg_rd16(c->f, d, (uint16_t)(e + KPCI_EXP_SLTSTA)) &
                            KPCI_EXP_SLTSTA_PDS) != 0;
    }
}

/* A type 1 header: find which optional windows exist (7.5.1.3.6, 7.5.1.3.9: an unimplemented
 * window's base/limit registers are read-only zero), then clear bus numbers and close windows
 * until this bridge's turn comes. */
static void probe_bridge(enum_ctx *c, kern_pci_dev *d)
{
    kcfg_wr8(c->f, d, KPCI_IO_BASE, 0xF0);
    d->has_io_window = kcfg_rd8(c->f, d, KPCI_IO_BASE) != 0;
    kcfg_wr16(c->f, d, KPCI_PREF_MEMORY_BASE, 0xFFF0);
    uint16_t pb = kcfg_rd16(c->f, d, KPCI_PREF_MEMORY_BASE);
    d->has_pref_window = pb != 0;
    d->pref_64bit = (pb & KPCI_PREF_RANGE_TYPE_MASK) == KPCI_PREF_RANGE_64;

    kcfg_wr8(c->f, d, KPCI_PRIMARY_BUS, 0);
    kcfg_wr8(c->f, d, KPCI_SECONDARY_BUS, 0);
    kcfg_wr8(c->f, d, KPCI_SUBORDINATE_BUS, 0);
    /* closed windows: base above limit */
    kcfg_wr8(c->f, d, KPCI_IO_BASE, 0xF0);
    kcfg_wr8(c->f, d, KPCI_IO_LIMIT, 0x00);
    kcfg_wr16(c->f, d, KPCI_MEMORY_BASE, 0xFFF0);
    kcfg_wr16(c->f, d, KPCI_MEMORY_LIMIT, 0x0000);
    kcfg_wr16(c->f, d, KPCI_PREF_MEMORY_BASE, 0xFFF0);
    kcfg_wr16(c->f, d, KPCI_PREF_MEMORY_LIMIT, 0x0000);
    if (d->pref_64bit) {
        kcfg_wr32(c->f, d, KPCI_PREF_BASE_UPPER32, 0);
        kcfg_wr32(c->f, d, KPCI_PREF_LIMIT_UPPER32, 0);
    }
    d->io.base = d->mem.base = d->pref.base = 1;
    d->io.limit = d->mem.limit = d->pref.limit = 0;
}

static kern_pci_dev *probe_function(enum_ctx *c, uint8_t bus, uint8_t dev, uint8_t fn,
                                    kern_pci_dev *parent)
{
    kern_pci_dev *d = calloc(1, sizeof *d);
    if (!d) {
        sim_err_set(c->err, "PCI: out of memory for the device tree");
        return NULL;
    }
    d->bus = bus;
    d->dev = dev;
    d->fn = fn;
    d->parent = parent;
    d->vendor_id = kcfg_rd16(c->f, d, KPCI_VENDOR_ID);
    d->device_id = kcfg_rd16(c->f, d, KPCI_DEVICE_ID);
    d->revision = kcfg_rd8(c->f, d, KPCI_REVISION_ID);
    d->class_code = kcfg_rd32(c->f, d, KPCI_REVISION_ID) >> 8;
    uint8_t ht = kcfg_rd8(c->f, d, KPCI_HEADER_TYPE);
    d->header_type = ht & KPCI_HEADER_TYPE_MASK;
    d->multifunction = (ht & KPCI_HEADER_MULTIFUNC) != 0;
    char bdf[16];
    if (d->header_type != KPCI_HEADER_NORMAL && d->header_type != KPCI_HEADER_BRIDGE) {
        sim_err_set(c->err, "PCI %s [%04x:%04x]: unsupported header type %u",
                    kern_pci_bdf(d, bdf, sizeof bdf), d->vendor_id, d->device_id, d->header_type);
        free(d);
        return NULL;
    }
    if (tree_add(c, d) < 0) {
        free(d);
        return NULL;
    }
    /* Decode off while BARs hold sizing patterns (7.5.1.2.1 implementation note). */
    uint16_t cmd = kcfg_rd16(c->f, d, KPCI_COMMAND);
    kcfg_wr16(c->f, d, KPCI_COMMAND,
              (uint16_t)(cmd & ~(KPCI_COMMAND_IO | KPCI_COMMAND_MEMORY)));
    d->nbars = d->header_type == KPCI_HEADER_BRIDGE ? KPCI_NUM_BARS_BRIDGE : KPCI_NUM_BARS_NORMAL;
    for (int i = 0; i < d->nbars; i++) {
        if (size_bar(c, d, i) < 0)
            return NULL;
        if (d->bars[i].type == KERN_BAR_MEM64)
            i++;   /* the upper half stays KERN_BAR_NONE */
    }
    if (d->header_type == KPCI_HEADER_NORMAL) {
        d->subsys_vendor_id = kcfg_rd16(c->f, d, KPCI_SUBSYSTEM_VENDOR_ID);
        d->subsys_id = kcfg_rd16(c->f, d, KPCI_SUBSYSTEM_ID);
    } else {
        probe_bridge(c, d);
    }
    walk_caps(c, d);
    read_pcie(c, d);
    sim_log(SIM_LOG_INFO, KERN_PCI_LOG, "%s [%04x:%04x] type %02x class 0x%06x %s%s",
            kern_pci_bdf(d, bdf, sizeof bdf), d->vendor_id, d->device_id, d->header_type,
            d->class_code, d->is_pcie ? "PCIe " : "", kern_pcie_port_type_name(d->port_type));
    for (int i = 0; i < d->nbars; i++)
        if (d->bars[i].type != KERN_BAR_NONE)
            sim_log(SIM_LOG_DEBUG, KERN_PCI_LOG, "%s BAR%d: %s%s size 0x%llx", bdf, i,
                    d->bars[i].type == KERN_BAR_IO ? "io" :
                    d->bars[i].type == KERN_BAR_MEM64 ? "mem64" : "mem32",
                    d->bars[i].prefetchable ? " pref" : "", (unsigned long long)d->bars[i].size);
    return d;
}

static void link_child(kern_pci_tree *t, kern_pci_dev *parent, kern_pci_dev *d)
{
    kern_pci_dev **pp = parent ? &parent->first_child : &t->first_root;
    while (*pp)
        pp = &(*pp)->next_sibling;
    *pp = d;
}

static int scan_bus(enum_ctx *c, uint8_t bus, kern_pci_dev *parent, int *max_bus);

/* Gives a bridge its bus numbers and scans behind it (depth first). */
static int scan_bridge(enum_ctx *c, kern_pci_dev *b, int *max_bus)
{
    char bdf[16];
    kern_pci_bdf(b, bdf, sizeof bdf);
    if (*max_bus >= MAX_BUS) {
        c->out_of_buses = true;
        return sim_err_set(c->err, "PCI %s: too many buses: no bus number left for its secondary bus",
                           bdf);
    }
    int sec = *max_bus + 1;
    b->primary = b->bus;
    b->secondary = (uint8_t)sec;
    /* Subordinate 0xFF while scanning, so type 1 config requests for any bus number below
     * reach the hierarchy (7.5.1.3.4); fixed on the way back. */
    kcfg_wr8(c->f, b, KPCI_PRIMARY_BUS, b->primary);
    kcfg_wr8(c->f, b, KPCI_SECONDARY_BUS, b->secondary);
    kcfg_wr8(c->f, b, KPCI_SUBORDINATE_BUS, MAX_BUS);
    *max_bus = sec;
    if (scan_bus(c, (uint8_t)sec, b, max_bus) < 0)
        return -1;
    if (b->hotplug_capable && c->hp_bus_reserve > 0) {
        int want = sec + c->hp_bus_reserve - 1;
        if (want > MAX_BUS) {
            c->out_of_buses = true;
            return sim_err_set(c->err, "PCI %s: too many buses: hot-plug reserve of %d buses "
                               "from bus %02x passes bus ff", bdf, c->hp_bus_reserve, sec);
        }
        if (want > *max_bus)
            *max_bus = want;
    }
    b->subordinate = (uint8_t)*max_bus;
    kcfg_wr8(c->f, b, KPCI_SUBORDINATE_BUS, b->subordinate);
    sim_log(SIM_LOG_INFO, KERN_PCI_LOG, "%s bridge to [bus %02x-%02x]%s", bdf, b->secondary,
            b->subordinate, b->hotplug_capable ? " (hot-plug slot)" : "");
    return 0;
}

static int scan_bus(enum_ctx *c, uint8_t bus, kern_pci_dev *parent, int *max_bus)
{
    /* Below a PCIe root or downstream port only device 0 can exist (7.3.1, no ARI here),
     * so an OS scans only device 0 there (Linux: only_one_child()). */
    int ndev = (parent && (parent->port_type == KPCI_EXP_TYPE_ROOT_PORT ||
                           parent->port_type == KPCI_EXP_TYPE_DOWNSTREAM)) ? 1 : MAX_DEV;
    size_t first = c->t->ndevs;
    for (int dev = 0; dev < ndev; dev++) {
        int nfn = 1;
        for (int fn = 0; fn < nfn; fn++) {
            if (pcie_cfg_read(c->f, bus, (uint8_t)dev, (uint8_t)fn, KPCI_VENDOR_ID, 2) == 0xFFFF)
                continue;
            kern_pci_dev *d = probe_function(c, bus, (uint8_t)dev, (uint8_t)fn, parent);
            if (!d)
                return -1;
            link_child(c->t, parent, d);
            if (fn == 0 && d->multifunction)
                nfn = MAX_FN;
        }
    }
    /* Bridges after the whole bus is known, in devfn order: depth-first numbering. */
    size_t last = c->t->ndevs;
    for (size_t i = first; i < last; i++) {
        kern_pci_dev *d = c->t->devs[i];
        if (d->bus == bus && d->parent == parent && d->header_type == KPCI_HEADER_BRIDGE)
            if (scan_bridge(c, d, max_bus) < 0)
                return -1;
    }
    return 0;
}

/* MPS (7.5.3.4): a transmitter must not exceed its receiver's MPS, so every function under a
 * root port gets the smallest Max_Payload_Size Supported of that hierarchy (Linux's
 * pci=pcie_bus_safe policy). MRRS only bounds the requests a function issues (completions are
 * split by the completer's MPS), so no receiver constrains it: it stays as the platform set it. */
static int min_mps(const kern_pci_dev *d, int cur)
{
    if (d->is_pcie && d->mps_supported < cur)
        cur = d->mps_supported;
    for (const kern_pci_dev *ch = d->first_child; ch; ch = ch->next_sibling)
        cur = min_mps(ch, cur);
    return cur;
}

static int enc_size(int bytes)
{
    int e = 0;
    while ((128 << e) < bytes && e < KPCI_EXP_SIZE_ENC_MAX)
        e++;
    return e;
}

static void set_mps(enum_ctx *c, kern_pci_dev *d, int mps)
{
    if (d->is_pcie) {
        uint16_t off = (uint16_t)(d->cap_exp + KPCI_EXP_DEVCTL);
        uint16_t ctl = kcfg_rd16(c->f, d, off);
        ctl = (uint16_t)((ctl & ~KPCI_EXP_DEVCTL_PAYLOAD) | (enc_size(mps) << 5));
        kcfg_wr16(c->f, d, off, ctl);
        ctl = kcfg_rd16(c->f, d, off);
        d->mps = 128 << ((ctl & KPCI_EXP_DEVCTL_PAYLOAD) >> 5);
        d->mrrs = 128 << ((ctl & KPCI_EXP_DEVCTL_READRQ) >> 12);
    }
    for (kern_pci_dev *ch = d->first_child; ch; ch = ch->next_sibling)
        set_mps(c, ch, mps);
}

/* Command (7.5.1.1.3): decode what was assigned, and let every function master. */
static void enable_command(enum_ctx *c, kern_pci_dev *d)
{
    uint16_t cmd = kcfg_rd16(c->f, d, KPCI_COMMAND) | KPCI_COMMAND_MASTER;
    bool io = false, mem = false;
    for (int i = 0; i < d->nbars; i++) {
        if (d->bars[i].type == KERN_BAR_IO)
            io = true;
        else if (d->bars[i].type != KERN_BAR_NONE)
            mem = true;
    }
    if (d->header_type == KPCI_HEADER_BRIDGE) {
        mem = true;   /* forward memory transactions through the windows */
        io = io || kern_pci_range_open(&d->io);
    }
    if (io)
        cmd |= KPCI_COMMAND_IO;
    if (mem)
        cmd |= KPCI_COMMAND_MEMORY;
    kcfg_wr16(c->f, d, KPCI_COMMAND, cmd);
}

static int enumerate_once(enum_ctx *c)
{
    int max_bus = 0;
    c->out_of_buses = false;
    if (scan_bus(c, 0, NULL, &max_bus) < 0)
        return -1;
    c->t->last_bus = (uint8_t)max_bus;
    return 0;
}

static void tree_reset(kern_pci_tree *t)
{
    for (size_t i = 0; i < t->ndevs; i++)
        free(t->devs[i]);
    t->ndevs = 0;
    t->first_root = NULL;
}

int kern_pci_enumerate(pcie_fabric *f, const kern_pci_params *params, kern_pci_tree **out,
                       sim_err *err)
{
    *out = NULL;
    kern_pci_tree *t = calloc(1, sizeof *t);
    if (!t)
        return sim_err_set(err, "PCI: out of memory for the device tree");
    t->params = params ? *params : kern_pci_params_default();
    if (t->params.hp_bus_reserve < 0 || t->params.hp_bus_reserve > MAX_BUS) {
        sim_err_set(err, "PCI: hot-plug bus reserve %d is outside 0..%d", t->params.hp_bus_reserve,
                    MAX_BUS);
        free(t);
        return -1;
    }
    enum_ctx c = {.f = f, .t = t, .hp_bus_reserve = t->params.hp_bus_reserve, .err = err};
    sim_log(SIM_LOG_INFO, KERN_PCI_LOG, "scanning bus 00 (hot-plug reserve %d buses)",
            c.hp_bus_reserve);
    int rc = enumerate_once(&c);
    if (rc < 0 && c.out_of_buses && c.hp_bus_reserve > 1) {
        /* As Linux does when the reserve cannot be met: keep one spare bus per hot-plug port. */
        sim_log(SIM_LOG_WARN, KERN_PCI_LOG, "%s; rescanning with 1 bus per hot-plug port",
                err ? err->msg : "out of bus numbers");
        tree_reset(t);
        c.cap = 0;
        free(t->devs);
        t->devs = NULL;
        c.hp_bus_reserve = 1;
        rc = enumerate_once(&c);
    }
    if (rc < 0) {
        kern_pci_tree_free(t);
        return -1;
    }
    t->params.hp_bus_reserve = c.hp_bus_reserve;
    for (kern_pci_dev *r = t->first_root; r; r = r->next_sibling)
        if (r->is_pcie)
            set_mps(&c, r, min_mps(r, 4096));
    if (kern_pci_assign_resources(f, t, err) < 0) {
        kern_pci_tree_free(t);
        return -1;
    }
    for (size_t i = 0; i < t->ndevs; i++)
        enable_command(&c, t->devs[i]);
    sim_log(SIM_LOG_INFO, KERN_PCI_LOG, "enumeration done: %zu functions, buses 00-%02x",
            t->ndevs, t->last_bus);
    *out = t;
    return 0;
}

/* ---- hot-plug (kernel_model/hotplug): a port's secondary bus scanned after a card came up,
 * and the functions below a port forgotten after it went. Bus numbers stay inside the port's
 * secondary..subordinate range that boot enumeration reserved. ---- */

static bool below(const kern_pci_dev *d, const kern_pci_dev *port)
{
    for (const kern_pci_dev *p = d->parent; p; p = p->parent)
        if (p == port)
            return true;
    return false;
}

/* Moves devs[first..ndevs) to just after the port's last descendant already in the array, so the
 * array keeps depth-first (B:D.F) order, and renumbers every index. */
static int tree_place_new(kern_pci_tree *t, const kern_pci_dev *port, size_t first)
{
    size_t at = port->index + 1;
    while (at < first && below(t->devs[at], port))
        at++;
    kern_pci_dev **n = malloc(t->ndevs * sizeof *n);
    if (!n)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < at; i++)
        n[k++] = t->devs[i];
    for (size_t i = first; i < t->ndevs; i++)
        n[k++] = t->devs[i];
    for (size_t i = at; i < first; i++)
        n[k++] = t->devs[i];
    memcpy(t->devs, n, t->ndevs * sizeof *n);
    free(n);
    for (size_t i = 0; i < t->ndevs; i++)
        t->devs[i]->index = i;
    return 0;
}

int kern_pci_hotplug_scan(pcie_fabric *f, kern_pci_tree *t, kern_pci_dev *port, size_t *nadded,
                          sim_err *err)
{
    char bdf[16];
    *nadded = 0;
    kern_pci_bdf(port, bdf, sizeof bdf);
    if (port->header_type != KPCI_HEADER_BRIDGE || port->secondary == 0)
        return sim_err_set(err, "PCI %s: not a bridge with a secondary bus", bdf);
    if (port->first_child)
        return sim_err_set(err, "PCI %s: bus %02x still lists functions", bdf, port->secondary);
    /* Hot-plug ports inside the new hierarchy get no reserve of their own: the outer port's
     * range is all there is. */
    enum_ctx c = {.f = f, .t = t, .cap = t->ndevs, .hp_bus_reserve = 0, .err = err};
    size_t first = t->ndevs;
    int max_bus = port->secondary;
    sim_log(SIM_LOG_INFO, KERN_PCI_LOG, "%s: scanning bus %02x (buses %02x-%02x reserved)", bdf,
            port->secondary, port->secondary, port->subordinate);
    int rc = scan_bus(&c, port->secondary, port, &max_bus);
    if (rc == 0 && max_bus > port->subordinate)
        rc = sim_err_set(err, "PCI %s: the new hierarchy needs buses %02x-%02x but the port has "
                         "%02x-%02x", bdf, port->secondary, max_bus, port->secondary,
                         port->subordinate);
    if (rc == 0 && first < t->ndevs && tree_place_new(t, port, first) < 0)
        rc = sim_err_set(err, "PCI: out of memory for the device tree");
    if (rc == 0) {
        int mps = min_mps(port, port->mps);
        if (mps < port->mps)
            sim_log(SIM_LOG_WARN, KERN_PCI_LOG, "%s: the new card supports MPS %d, below the "
                    "port's %d", bdf, mps, port->mps);
        for (kern_pci_dev *ch = port->first_child; ch; ch = ch->next_sibling)
            set_mps(&c, ch, mps);
        rc = kern_pci_assign_below(f, t, port, err);
    }
    if (rc < 0) {
        kern_pci_hotplug_forget(t, port);
        return -1;
    }
    for (size_t i = 0; i < t->ndevs; i++)
        if (below(t->devs[i], port)) {
            enable_command(&c, t->devs[i]);
            (*nadded)++;
        }
    if ((uint8_t)max_bus > t->last_bus)
        t->last_bus = (uint8_t)max_bus;
    return 0;
}

/* Unlinks and frees every function below port; returns how many went. */
size_t kern_pci_hotplug_forget(kern_pci_tree *t, kern_pci_dev *port)
{
    size_t w = 0, gone = 0;
    kern_pci_dev **dead = malloc((t->ndevs ? t->ndevs : 1) * sizeof *dead);
    if (!dead)
        return 0;   /* nothing freed: the functions stay listed */
    /* below() walks parents, so everything is freed only after the whole scan */
    for (size_t i = 0; i < t->ndevs; i++) {
        kern_pci_dev *d = t->devs[i];
        if (below(d, port))
            dead[gone++] = d;
        else
            t->devs[w++] = d;
    }
    for (size_t i = 0; i < gone; i++)
        free(dead[i]);
    free(dead);
    port->first_child = NULL;
    t->ndevs = w;
    for (size_t i = 0; i < t->ndevs; i++)
        t->devs[i]->index = i;
    return gone;
}
