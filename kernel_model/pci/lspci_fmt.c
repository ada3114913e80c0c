/* lspci_fmt.c — prints a booted PCI tree the way pciutils' lspci does: one line per function,
 * -v details, -t tree, and -x/-xxx/-xxxx hex dumps in the format `lspci -F FILE` reads back
 * ("BB:DD.F text" header, "OO: xx xx ..." rows of 16 bytes, blank line between functions).
 * Everything shown is read from configuration space through the fabric, as lspci reads it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/pci/lspci_names.h"
#include "kernel_model/pci/pci_access.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/pci/pci_tree.h"

#define TREE_LINE_MAX 1024

static int cmp_bdf(const void *a, const void *b)
{
    const kern_pci_dev *x = *(kern_pci_dev *const *)a, *y = *(kern_pci_dev *const *)b;
    unsigned kx = (unsigned)x->bus << 8 | (unsigned)x->dev << 3 | x->fn;
    unsigned ky = (unsigned)y->bus << 8 | (unsigned)y->dev << 3 | y->fn;
    return kx < ky ? -1 : kx > ky;
}

/* " [size=128K]": the largest binary unit that divides the size (as lspci shows sizes). */
static void size_str(uint64_t x, char *buf, size_t len)
{
    static const char *const unit[] = {"", "K", "M", "G", "T"};
    int u = 0;
    while (u < 4 && x && x % 1024 == 0) {
        x /= 1024;
        u++;
    }
    snprintf(buf, len, " [size=%" PRIu64 "%s]", x, unit[u]);
}

static void device_line(FILE *out, pcie_fabric *f, const kern_pci_dev *d, const kern_lspci_opts *o)
{
    char bdf[16], cbuf[64], dbuf[160];
    uint16_t class16 = (uint16_t)(d->class_code >> 8);
    uint8_t progif = (uint8_t)d->class_code;
    uint8_t rev = kcfg_rd8(f, d, KPCI_REVISION_ID);
    kern_pci_bdf(d, bdf, sizeof bdf);
    if (o->numeric)
        fprintf(out, "%s %04x: %04x:%04x", bdf, class16, d->vendor_id, d->device_id);
    else
        fprintf(out, "%s %s: %s", bdf, kern_pci_class_name(class16, cbuf, sizeof cbuf),
                kern_pci_device_name(d->vendor_id, d->device_id, dbuf, sizeof dbuf));
    if (rev)
        fprintf(out, " (rev %02x)", rev);
    if (o->verbose) {
        const char *pn = kern_pci_progif_name(class16, progif);
        if (progif || pn) {
            fprintf(out, " (prog-if %02x", progif);
            if (pn)
                fprintf(out, " [%s]", pn);
            fputc(')', out);
        }
    }
    fputc('\n', out);
}

static void show_bars(FILE *out, pcie_fabric *f, const kern_pci_dev *d)
{
    uint16_t cmd = kcfg_rd16(f, d, KPCI_COMMAND);
    for (int i = 0; i < d->nbars; i++) {
        const kern_pci_bar *b = &d->bars[i];
        if (b->type == KERN_BAR_NONE)
            continue;
        uint16_t off = (uint16_t)(KPCI_BASE_ADDRESS_0 + 4 * i);
        uint64_t v = kcfg_rd32(f, d, off);
        char sz[32];
        size_str(b->size, sz, sizeof sz);
        if (b->type == KERN_BAR_IO) {
            fprintf(out, "\tI/O ports at %04" PRIx64 "%s%s\n", v & KPCI_BAR_IO_MASK,
                    (cmd & KPCI_COMMAND_IO) ? "" : " [disabled]", sz);
            continue;
        }
        if (b->type == KERN_BAR_MEM64)
            v |= (uint64_t)kcfg_rd32(f, d, (uint16_t)(off + 4)) << 32;
        fprintf(out, "\tMemory at %08" PRIx64 " (%s, %sprefetchable)%s%s\n", v & KPCI_BAR_MEM_MASK,
                b->type == KERN_BAR_MEM64 ? "64-bit" : "32-bit", b->prefetchable ? "" : "non-",
                (cmd & KPCI_COMMAND_MEMORY) ? "" : " [disabled]", sz);
    }
}

/* Bridge bus numbers and windows as the registers hold them (7.5.1.3.2-11). */
static void show_bridge(FILE *out, pcie_fabric *f, const kern_pci_dev *d)
{
    char sz[32];
    fprintf(out, "\tBus: primary=%02x, secondary=%02x, subordinate=%02x, sec-latency=%u\n",
            kcfg_rd8(f, d, KPCI_PRIMARY_BUS), kcfg_rd8(f, d, KPCI_SECONDARY_BUS),
            kcfg_rd8(f, d, KPCI_SUBORDINATE_BUS), kcfg_rd8(f, d, 0x1B) /* 7.5.1.3.5 */);
    uint8_t iob = kcfg_rd8(f, d, KPCI_IO_BASE), iol = kcfg_rd8(f, d, KPCI_IO_LIMIT);
    uint64_t io_base = (uint64_t)(iob & 0xF0) << 8, io_lim = ((uint64_t)(iol & 0xF0) << 8) | 0xFFF;
    if ((iob & KPCI_IO_RANGE_TYPE_MASK) == KPCI_IO_RANGE_32) {
        io_base |= (uint64_t)kcfg_rd16(f, d, KPCI_IO_BASE_UPPER16) << 16;
        io_lim |= (uint64_t)kcfg_rd16(f, d, KPCI_IO_LIMIT_UPPER16) << 16;
    }
    if (d->has_io_window && io_base <= io_lim) {
        size_str(io_lim - io_base + 1, sz, sizeof sz);
        fprintf(out, "\tI/O behind bridge: %04" PRIx64 "-%04" PRIx64 "%s\n", io_base, io_lim, sz);
    }
    uint64_t mb = (uint64_t)(kcfg_rd16(f, d, KPCI_MEMORY_BASE) & 0xFFF0) << 16;
    uint64_t ml = ((uint64_t)(kcfg_rd16(f, d, KPCI_MEMORY_LIMIT) & 0xFFF0) << 16) | 0xFFFFF;
    if (mb <= ml) {
        size_str(ml - mb + 1, sz, sizeof sz);
        fprintf(out, "\tMemory behind bridge: %08" PRIx64 "-%08" PRIx64 "%s\n", mb, ml, sz);
    }
    uint16_t pbr = kcfg_rd16(f, d, KPCI_PREF_MEMORY_BASE);
    uint64_t pb = (uint64_t)(pbr & 0xFFF0) << 16;
    uint64_t pl = ((uint64_t)(kcfg_rd16(f, d, KPCI_PREF_MEMORY_LIMIT) & 0xFFF0) << 16) | 0xFFFFF;
    bool p64 = (pbr & KPCI_PREF_RANGE_TYPE_MASK) == KPCI_PREF_RANGE_64;
    if (p64) {
        pb |= (uint64_t)kcfg_rd32(f, d, KPCI_PREF_BASE_UPPER32) << 32;
        pl |= (uint64_t)kcfg_rd32(f, d, KPCI_PREF_LIMIT_UPPER32) << 32;
    }
    if (d->has_pref_window && pb <= pl) {
        size_str(pl - pb + 1, sz, sizeof sz);
        if (p64)
            fprintf(out, "\tPrefetchable memory behind bridge: %016" PRIx64 "-%016" PRIx64 "%s\n",
                    pb, pl, sz);
        else
            fprintf(out, "\tPrefetchable memory behind bridge: %08" PRIx64 "-%08" PRIx64 "%s\n",
                    pb, pl, sz);
    }
}

static const char *link_speed(unsigned s)
{
    static const char *const gt[] = {"unknown", "2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s"};
    return s < sizeof gt / sizeof gt[0] ? gt[s] : "unknown";
}

static void show_exp(FILE *out, pcie_fabric *f, const kern_pci_dev *d, uint8_t pos)
{
    uint16_t flags = kcfg_rd16(f, d, (uint16_t)(pos + KPCI_EXP_FLAGS));
    int type = (flags & KPCI_EXP_FLAGS_TYPE) >> 4;
    bool dsp = type == KPCI_EXP_TYPE_ROOT_PORT || type == KPCI_EXP_TYPE_DOWNSTREAM;
    fprintf(out, "Express (v%u) %s", flags & KPCI_EXP_FLAGS_VERS, kern_pcie_port_type_name(type));
    if (dsp)
        fprintf(out, " (Slot%c)", (flags & KPCI_EXP_FLAGS_SLOT) ? '+' : '-');
    fprintf(out, ", MSI %02x\n", (flags >> 9) & 0x1F);   /* Interrupt Message Number, 7.5.3.2 */
    uint32_t devcap = kcfg_rd32(f, d, (uint16_t)(pos + KPCI_EXP_DEVCAP));
    uint16_t devctl = kcfg_rd16(f, d, (uint16_t)(pos + KPCI_EXP_DEVCTL));
    fprintf(out, "\t\tDevCap: MaxPayload %d bytes\n", 128 << (devcap & KPCI_EXP_DEVCAP_PAYLOAD));
    fprintf(out, "\t\tDevCtl: MaxPayload %d bytes, MaxReadReq %d bytes\n",
            128 << ((devctl & KPCI_EXP_DEVCTL_PAYLOAD) >> 5),
            128 << ((devctl & KPCI_EXP_DEVCTL_READRQ) >> 12));
    uint32_t lnkcap = kcfg_rd32(f, d, (uint16_t)(pos + KPCI_EXP_LNKCAP));
    uint16_t lnksta = kcfg_rd16(f, d, (uint16_t)(pos + KPCI_EXP_LNKSTA));
    fprintf(out, "\t\tLnkCap: Speed %s, Width x%u\n", link_speed(lnkcap & KPCI_EXP_LNKCAP_SLS),
            (lnkcap & KPCI_EXP_LNKCAP_MLW) >> 4);
    fprintf(out, "\t\tLnkSta: Speed %s, Width x%u\n", link_speed(lnksta & KPCI_EXP_LNKSTA_CLS),
            (lnksta & KPCI_EXP_LNKSTA_NLW) >> 4);
    if (dsp && (flags & KPCI_EXP_FLAGS_SLOT)) {
        uint32_t sltcap = kcfg_rd32(f, d, (uint16_t)(pos + KPCI_EXP_SLTCAP));
        uint16_t sltsta = kcfg_rd16(f, d, (uint16_t)(pos + KPCI_EXP_SLTSTA));
        fprintf(out, "\t\tSltCap: HotPlug%c Slot #%u\n", (sltcap & KPCI_EXP_SLTCAP_HPC) ? '+' : '-',
                (sltcap & KPCI_EXP_SLTCAP_PSN) >> KPCI_EXP_SLTCAP_PSN_SHIFT);
        fprintf(out, "\t\tSltSta: PresDet%c\n", (sltsta & KPCI_EXP_SLTSTA_PDS) ? '+' : '-');
    }
}

static void show_caps(FILE *out, pcie_fabric *f, const kern_pci_dev *d)
{
    if (kcfg_rd16(f, d, KPCI_STATUS) & KPCI_STATUS_CAP_LIST) {
        uint8_t pos = kcfg_rd8(f, d, KPCI_CAPABILITY_LIST) & 0xFC;
        for (int n = 0; pos >= 0x40 && n < 48; n++) {   /* 48: at most (256-64)/4 entries */
            uint8_t id = kcfg_rd8(f, d, pos);
            uint16_t ctl = kcfg_rd16(f, d, (uint16_t)(pos + 2));
            fprintf(out, "\tCapabilities: [%02x] ", pos);
            switch (id) {
            case KPCI_CAP_ID_PM:   /* PM Capabilities version, PCI PM 1.2 §3.2.3 */
                fprintf(out, "Power Management version %u\n", ctl & 7);
                break;
            case KPCI_CAP_ID_MSI:  /* Message Control, 7.7.1.2 */
                fprintf(out, "MSI: Enable%c Count=%u/%u Maskable%c 64bit%c\n", (ctl & 1) ? '+' : '-',
                        1u << ((ctl >> 4) & 7), 1u << ((ctl >> 1) & 7), (ctl & 0x100) ? '+' : '-',
                        (ctl & 0x80) ? '+' : '-');
                break;
            case KPCI_CAP_ID_MSIX: {  /* 7.7.2.2-4 */
                uint32_t tbl = kcfg_rd32(f, d, (uint16_t)(pos + 4));
                uint32_t pba = kcfg_rd32(f, d, (uint16_t)(pos + 8));
                fprintf(out, "MSI-X: Enable%c Count=%u Masked%c\n", (ctl & 0x8000) ? '+' : '-',
                        (ctl & 0x7FF) + 1u, (ctl & 0x4000) ? '+' : '-');
                fprintf(out, "\t\tVector table: BAR=%u offset=%08x\n", tbl & 7, tbl & ~7u);
                fprintf(out, "\t\tPBA: BAR=%u offset=%08x\n", pba & 7, pba & ~7u);
                break;
            }
            case KPCI_CAP_ID_EXP:
                show_exp(out, f, d, pos);
                break;
            case KPCI_CAP_ID_VNDR:
                fprintf(out, "Vendor Specific Information: Len=%02x\n", kcfg_rd8(f, d, (uint16_t)(pos + 2)));
                break;
            default:
                fprintf(out, "Capability ID 0x%02x\n", id);
                break;
            }
            pos = kcfg_rd8(f, d, (uint16_t)(pos + 1)) & 0xFC;
        }
    }
    if (!d->is_pcie)
        return;
    /* Extended capabilities (7.6.3): ID 15:0, version 19:16, next 31:20. */
    uint16_t pos = KPCI_EXT_CAP_START;
    for (int n = 0; pos >= KPCI_EXT_CAP_START && n < 960; n++) {   /* 960 = (4096-256)/4 */
        uint32_t h = kcfg_rd32(f, d, pos);
        if (h == 0 || h == 0xFFFFFFFFu)
            break;
        unsigned id = h & 0xFFFF;
        static const struct { unsigned id; const char *name; } ext[] = {
            {0x0001, "Advanced Error Reporting"}, {0x0002, "Virtual Channel"},
            {0x0003, "Device Serial Number"}, {0x000B, "Vendor Specific Information"},
            {0x000E, "Alternative Routing-ID Interpretation (ARI)"},
            {0x0010, "Single Root I/O Virtualization (SR-IOV)"}, {0x0018, "Latency Tolerance Reporting"},
            {0x0019, "Secondary PCI Express"}, {0x0025, "Data Link Feature"},
            {0x0026, "Physical Layer 16.0 GT/s"},
        };
        const char *name = NULL;
        for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
            if (ext[i].id == id)
                name = ext[i].name;
        if (name)
            fprintf(out, "\tCapabilities: [%03x v%u] %s\n", pos, (h >> 16) & 0xF, name);
        else
            fprintf(out, "\tCapabilities: [%03x v%u] Extended Capability ID %#x\n", pos,
                    (h >> 16) & 0xF, id);
        pos = (uint16_t)((h >> 20) & 0xFFC);
    }
}

static void show_verbose(FILE *out, pcie_fabric *f, const kern_pci_dev *d)
{
    if (d->header_type == KPCI_HEADER_NORMAL && d->subsys_vendor_id && d->subsys_vendor_id != 0xFFFF) {
        char nb[160];
        fprintf(out, "\tSubsystem: %s\n",
                kern_pci_device_name(d->subsys_vendor_id, d->subsys_id, nb, sizeof nb));
    }
    if (d->slot_implemented)
        fprintf(out, "\tPhysical Slot: %d%s\n", d->slot, d->hotplug_capable ? " (hot-plug)" : "");
    uint16_t cmd = kcfg_rd16(f, d, KPCI_COMMAND);
    uint8_t pin = kcfg_rd8(f, d, KPCI_INTERRUPT_PIN);
    fprintf(out, "\tControl: I/O%c Mem%c BusMaster%c\n", (cmd & KPCI_COMMAND_IO) ? '+' : '-',
            (cmd & KPCI_COMMAND_MEMORY) ? '+' : '-', (cmd & KPCI_COMMAND_MASTER) ? '+' : '-');
    if (pin >= 1 && pin <= 4)   /* 7.5.1.1.14: 1-4 = INTA-INTD */
        fprintf(out, "\tInterrupt: pin %c\n", 'A' + pin - 1);
    show_bars(out, f, d);
    if (d->header_type == KPCI_HEADER_BRIDGE)
        show_bridge(out, f, d);
    show_caps(out, f, d);
}

/* Rows of 16 bytes: "OO: xx xx ..."; offsets >= 0x100 take three digits, as lspci writes and
 * pciutils' dump reader (lib/dump.c) accepts. */
static void show_dump(FILE *out, pcie_fabric *f, const kern_pci_dev *d, int bytes)
{
    for (int off = 0; off < bytes; off += 16) {
        fprintf(out, "%02x:", off);
        for (int i = 0; i < 16; i += 4) {
            uint32_t v = kcfg_rd32(f, d, (uint16_t)(off + i));
            for (int b = 0; b < 4; b++)
                fprintf(out, " %02x", (v >> (8 * b)) & 0xFF);
        }
        fputc('\n', out);
    }
}

/* ---- -t: the bus tree, drawn as lspci -t draws it ---- */

typedef struct tree_line {
    char buf[TREE_LINE_MAX];
} tree_line;

/* Prints the line, then turns it into the prefix of the next one: branch marks become '|',
 * everything else blank. */
static void tree_emit(FILE *out, tree_line *l, size_t end)
{
    l->buf[end] = 0;
    fprintf(out, "%s\n", l->buf);
    for (size_t i = 0; i < end; i++)
        l->buf[i] = (l->buf[i] == '+' || l->buf[i] == '|') ? '|' : ' ';
}

static size_t tree_put(tree_line *l, size_t at, const char *s)
{
    size_t n = strlen(s);
    if (at + n >= TREE_LINE_MAX - 1)
        n = TREE_LINE_MAX - 2 - at;   /* deeper than any 8-bit bus hierarchy can draw */
    memcpy(l->buf + at, s, n);
    return at + n;
}

static void tree_bus(FILE *out, pcie_fabric *f, const kern_lspci_opts *o, kern_pci_dev *first,
                     tree_line *l, size_t at);

static void tree_dev(FILE *out, pcie_fabric *f, const kern_lspci_opts *o, kern_pci_dev *d,
                     tree_line *l, size_t at)
{
    char s[160];
    snprintf(s, sizeof s, "%02x.%x", d->dev, d->fn);
    at = tree_put(l, at, s);
    if (d->header_type == KPCI_HEADER_BRIDGE) {
        uint8_t sec = kcfg_rd8(f, d, KPCI_SECONDARY_BUS), sub = kcfg_rd8(f, d, KPCI_SUBORDINATE_BUS);
        if (sec == sub)
            snprintf(s, sizeof s, "-[%02x]--", sec);
        else
            snprintf(s, sizeof s, "-[%02x-%02x]--", sec, sub);
        at = tree_put(l, at, s);
        tree_bus(out, f, o, d->first_child, l, at);
        return;
    }
    if (o->verbose) {
        char nb[160];
        snprintf(s, sizeof s, "  %s", kern_pci_device_name(d->vendor_id, d->device_id, nb, sizeof nb));
        at = tree_put(l, at, s);
    }
    tree_emit(out, l, at);
}

static void tree_bus(FILE *out, pcie_fabric *f, const kern_lspci_opts *o, kern_pci_dev *first,
                     tree_line *l, size_t at)
{
    if (!first) {
        tree_emit(out, l, at);
        return;
    }
    if (!first->next_sibling) {
        tree_dev(out, f, o, first, l, tree_put(l, at, "--"));
        return;
    }
    for (kern_pci_dev *d = first; d; d = d->next_sibling)
        tree_dev(out, f, o, d, l, tree_put(l, at, d->next_sibling ? "+-" : "\\-"));
}

void kern_lspci_print(FILE *out, pcie_fabric *f, const kern_pci_tree *t, const kern_lspci_opts *o)
{
    if (o->tree) {
        tree_line l;
        tree_bus(out, f, o, t->first_root, &l, tree_put(&l, 0, "-[0000:00]-"));
        return;
    }
    kern_pci_dev **sorted = malloc((t->ndevs ? t->ndevs : 1) * sizeof *sorted);
    if (!sorted)
        return;
    if (t->ndevs)
        memcpy(sorted, t->devs, t->ndevs * sizeof *sorted);
    qsort(sorted, t->ndevs, sizeof *sorted, cmp_bdf);
    for (size_t i = 0; i < t->ndevs; i++) {
        const kern_pci_dev *d = sorted[i];
        device_line(out, f, d, o);
        if (o->verbose)
            show_verbose(out, f, d);
        if (o->dump_bytes)
            show_dump(out, f, d, o->dump_bytes);
        if (o->verbose || o->dump_bytes)
            fputc('\n', out);
    }
    free(sorted);
}
