/* root_complex.c — the root complex: builds the fabric from a platform description, holds the
 * root ports on bus 0 (devices 1..N, function 0; device 0 is left to a host bridge as on PC
 * chipsets) and decodes ECAM (PCIe Base Spec 5.0 §7.2.2) into configuration requests routed by bus
 * number. Absent functions read all ones and drop writes (§2.3.2: UR completes a read with ~0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pcie/fabric_internal.h"
#include "devices/pcie/pcie_regs.h"

/* PCIe Base Spec 5.0 §7.5.3.9: a Physical Slot Number must be unique within the chassis. Finds
 * the first port below `ports` that repeats a slot number already in seen[0..*n). */
typedef struct slot_seen {
    int slot;
    const pcie_port_desc *port;
} slot_seen;

static const pcie_port_desc *dup_slot(const pcie_port_desc *ports, int nports, slot_seen **seen,
                                      size_t *n, size_t *cap, const pcie_port_desc **first)
{
    for (int i = 0; i < nports; i++) {
        const pcie_port_desc *p = &ports[i];
        if (p->slot > 0) {
            for (size_t k = 0; k < *n; k++)
                if ((*seen)[k].slot == p->slot) {
                    *first = (*seen)[k].port;
                    return p;
                }
            if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 32;
                slot_seen *g = realloc(*seen, nc * sizeof *g);
                if (!g)
                    return NULL;
                *seen = g;
                *cap = nc;
            }
            (*seen)[(*n)++] = (slot_seen){p->slot, p};
        }
        if (p->kind == PCIE_NODE_SWITCH && p->sw) {
            const pcie_port_desc *d = dup_slot(p->sw->ports, p->sw->nports, seen, n, cap, first);
            if (d)
                return d;
        }
    }
    return NULL;
}

static int check_slots(const platform_desc *desc, sim_err *err)
{
    slot_seen *seen = NULL;
    size_t n = 0, cap = 0;
    const pcie_port_desc *first = NULL;
    const pcie_port_desc *d = dup_slot(desc->root_ports, desc->nroot_ports, &seen, &n, &cap, &first);
    free(seen);
    if (!d)
        return 0;
    if (d->origin.file[0] && first->origin.file[0])
        return sim_err_set(err, "%s:%d: slot %d is already used (%s:%d)", d->origin.file,
                           d->origin.line, d->slot, first->origin.file, first->origin.line);
    return sim_err_set(err, "slot %d is used by two ports", d->slot);
}

int pcie_fabric_build(const platform_desc *desc, pcie_fabric **out, sim_err *err)
{
    *out = NULL;
    if (desc->nroot_ports < 0 || desc->nroot_ports > PCIE_RC_MAX_ROOT_PORTS)
        return sim_err_set(err, "platform: %d root ports; bus 0 holds at most %d (devices %d..31)",
                           desc->nroot_ports, PCIE_RC_MAX_ROOT_PORTS, PCIE_RC_FIRST_DEV);
    if (check_slots(desc, err) != 0)
        return -1;
    pcie_fabric *f = calloc(1, sizeof *f);
    if (f && !(f->life = calloc(1, sizeof *f->life))) {
        free(f);
        f = NULL;
    }
    if (!f)
        return sim_err_set(err, "platform: out of memory");
    f->life->alive = true;
    if (desc->nroot_ports > 0) {
        f->root_ports = calloc((size_t)desc->nroot_ports, sizeof *f->root_ports);
        if (!f->root_ports) {
            free(f);
            return sim_err_set(err, "platform: out of memory");
        }
    }
    for (int i = 0; i < desc->nroot_ports; i++) {
        f->nroot_ports = i + 1;   /* so that a failure frees what was built */
        if (pcie_port_build(&f->root_ports[i], &desc->root_ports[i], i, PCIE_EXP_TYPE_ROOT_PORT,
                            "", err) != 0) {
            pcie_fabric_free(f);
            return -1;
        }
    }
    f->rc_latency_ps = desc->root_complex_latency_ps;
    if (pcie_fabric_attach_endpoints(f, err) != 0 || pcie_fabric_slots_build(f, err) != 0) {
        pcie_fabric_free(f);
        return -1;
    }
    sim_log(SIM_LOG_DEBUG, "pcie", "fabric built: %d root ports", f->nroot_ports);
    *out = f;
    return 0;
}

void pcie_fabric_free(pcie_fabric *f)
{
    if (!f)
        return;
    pcie_fabric_slots_free(f);
    pcie_fabric_detach_endpoints(f);
    pcie_fabric_reap(f, true);   /* pulled cards still waiting for their last TLP */
    if (f->life) {
        f->life->alive = false;
        if (f->life->refs == 0)
            free(f->life);
    }
    for (int i = 0; i < f->nroot_ports; i++)
        pcie_port_free(&f->root_ports[i]);
    free(f->root_ports);
    free(f);
}

/* The function a configuration request for bus/dev/fn reaches, or NULL (nobody claims it). */
pcie_function *pcie_fabric_route(pcie_fabric *f, uint8_t bus, uint8_t dev, uint8_t fn)
{
    if (dev > 31 || fn > 7)
        return NULL;
    if (bus == 0) {
        int i = dev - PCIE_RC_FIRST_DEV;
        if (i >= 0 && i < f->nroot_ports && fn == 0)
            return &f->root_ports[i].fn;
        return NULL;
    }
    for (int i = 0; i < f->nroot_ports; i++)
        if (pcie_bridge_claims(&f->root_ports[i].fn.cfg, bus))
            return pcie_port_route(&f->root_ports[i], bus, dev, fn);
    return NULL;
}

static bool access_ok(uint16_t off, int size)
{
    return (size == 1 || size == 2 || size == 4) && (off & (size - 1)) == 0 &&
           off + size <= PCIE_CFG_SPACE_SIZE;
}

uint32_t pcie_cfg_read(pcie_fabric *f, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, int size)
{
    uint32_t ones = size >= 4 ? 0xFFFFFFFFu : (1u << (8 * (size > 0 ? size : 1))) - 1;
    if (!f || !access_ok(off, size)) {
        sim_log(SIM_LOG_WARN, "pcie", "config read %02x:%02x.%x +0x%03x size %d: malformed",
                bus, dev, fn, off, size);
        return ones;
    }
    pcie_function *p = pcie_fabric_route(f, bus, dev, fn);
    if (!p)
        return ones;
    return pcie_cfg_space_read(&p->cfg, off, size);
}

void pcie_cfg_write(pcie_fabric *f, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, int size,
                    uint32_t val)
{
    if (!f || !access_ok(off, size)) {
        sim_log(SIM_LOG_WARN, "pcie", "config write %02x:%02x.%x +0x%03x size %d: malformed",
                bus, dev, fn, off, size);
        return;
    }
    pcie_function *p = pcie_fabric_route(f, bus, dev, fn);
    if (!p)
        return;
    pcie_cfg_space_write(&p->cfg, off, size, val);
    if (p->kind == PCIE_FN_ENDPOINT)
        pcie_endpoint_cfg_written(p, off, size);
}

/* §7.2.2 Table 7-1: ECAM address bits 27:20 bus, 19:15 device, 14:12 function, 11:0 register. */
static void ecam_decode(uint64_t a, uint8_t *bus, uint8_t *dev, uint8_t *fn, uint16_t *off)
{
    *bus = (uint8_t)(a >> 20);
    *dev = (uint8_t)((a >> 15) & 0x1F);
    *fn = (uint8_t)((a >> 12) & 0x7);
    *off = (uint16_t)(a & 0xFFF);
}

uint32_t pcie_ecam_read(pcie_fabric *f, uint64_t ecam_offset, int size)
{
    uint8_t bus, dev, fn;
    uint16_t off;
    if (ecam_offset >= (1ULL << 28))   /* 256 buses x 1 MB */
        return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * (size > 0 ? size : 1))) - 1;
    ecam_decode(ecam_offset, &bus, &dev, &fn, &off);
    return pcie_cfg_read(f, bus, dev, fn, off, size);
}

void pcie_ecam_write(pcie_fabric *f, uint64_t ecam_offset, int size, uint32_t val)
{
    uint8_t bus, dev, fn;
    uint16_t off;
    if (ecam_offset >= (1ULL << 28))
        return;
    ecam_decode(ecam_offset, &bus, &dev, &fn, &off);
    pcie_cfg_write(f, bus, dev, fn, off, size, val);
}
