/* scn_storage.c — the scenario verbs of storage HBAs (docs/scenarios.md, "Storage workloads"):
 * driver{} on a "pvscsi" endpoint binds its driver (native vmk_pvscsi, or vmw_pvscsi on the
 * vmklinux shim) and waits for the storage layer's discovery; disk{} attaches a SCSI disk (RAM or
 * raw image, media preset, stall) as a target of the HBA, before or after the driver (then the
 * controller's DEV_ADDED notice makes the driver rescan). The measured run io{} is scn_io.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/device/device.h"
#include "kernel_model/pci/pci_bus.h"
#include "sim/scenario/scn_storage.h"

/* Discovery of 64 targets (two commands each for an absent one) takes well under a
 * millisecond; a disk behind the nvme or hdd preset answers within tens of milliseconds. */
#define SCN_SCAN_TIMEOUT_PS (1 * SIM_SEC)
#define SCN_STORAGE_REG "vmksim.storage"

typedef struct scn_storage {
    int nhbas;
    scn_hba hbas[SCN_HBA_MAX];
} scn_storage;

/* Per-script state, a userdata in the registry: Lua frees it with the state (nothing in it owns
 * memory: disks belong to their controller once attached). */
static scn_storage *storage_of(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, SCN_STORAGE_REG) == LUA_TUSERDATA) {
        scn_storage *st = lua_touserdata(L, -1);
        lua_pop(L, 1);
        return st;
    }
    lua_pop(L, 1);
    scn_storage *st = lua_newuserdatauv(L, sizeof *st, 0);
    memset(st, 0, sizeof *st);
    lua_setfield(L, LUA_REGISTRYINDEX, SCN_STORAGE_REG);
    return st;
}

scn_hba *scn_storage_hba(lua_State *L, const char *what, const char *name)
{
    scn_state *s = scn_get(L);
    if (!s->booted || s->mode != SCN_MODE_RUN || !s->sys)
        scn_error(L, "%s: called before boot()", what);
    scn_storage *st = storage_of(L);
    for (int i = 0; i < st->nhbas; i++)
        if (!strcmp(st->hbas[i].name, name))
            return &st->hbas[i];
    pcie_endpoint *ep = pcie_fabric_find_endpoint(s->sys->fabric, name);
    if (!ep)
        scn_error(L, "%s: device = '%s': no endpoint of that name in the platform", what, name);
    pvscsi *dev = pvscsi_of(ep);
    if (!dev)
        scn_error(L, "%s: device = '%s' is not a storage HBA (the HBA model is \"pvscsi\")", what,
                  name);
    uint16_t rid = pcie_dev_requester_id(ep);
    kern_pci_dev *pdev = kern_pci_find(s->sys->pci, rid >> 8, (rid >> 3) & 31, rid & 7);
    if (!pdev)
        scn_error(L, "%s: device = '%s' was not enumerated at boot()", what, name);
    if (st->nhbas == SCN_HBA_MAX)
        scn_error(L, "%s: more than %d HBAs used in one scenario", what, SCN_HBA_MAX);
    scn_hba *h = &st->hbas[st->nhbas++];
    memset(h, 0, sizeof *h);
    snprintf(h->name, sizeof h->name, "%s", name);
    h->dev = dev;
    h->pdev = pdev;
    return h;
}

kern_scsi_adapter *scn_storage_adapter(const scn_hba *h)
{
    vmk_Device pci = kern_pci_bus_device(h->pdev);
    for (size_t i = 0; i < kern_scsi_adapter_count(); i++) {
        kern_scsi_adapter *a = kern_scsi_adapter_at(i);
        vmk_Device d = kern_scsi_adapter_device(a);
        if (d != VMK_DEVICE_NONE && kern_device_parent(d) == pci)
            return a;
    }
    return NULL;
}

static bool scanned(void *arg)
{
    return kern_scsi_adapter_scanned(arg);
}

bool scn_storage_wait_scanned(kern_scsi_adapter *a, sim_time_t timeout)
{
    scn_net_run_until(scanned, a, sim_now() + timeout);
    return kern_scsi_adapter_scanned(a);
}

uint64_t scn_storage_bytes(lua_State *L, int idx, const char *what, const char *field,
                           bool *present)
{
    int t = scn_rawfield(L, idx, field);
    *present = t != LUA_TNIL;
    uint64_t v = 0;
    if (t == LUA_TNUMBER && lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 0) {
        v = (uint64_t)lua_tointeger(L, -1);
    } else if (t == LUA_TSTRING) {
        const char *s = lua_tostring(L, -1);
        char *end = NULL;
        unsigned long long n = strtoull(s, &end, 10);
        static const struct { const char *sfx; unsigned shift; } units[] = {
            {"", 0}, {"B", 0}, {"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40},
        };
        bool ok = end != s && *s >= '0' && *s <= '9';
        unsigned shift = 64;
        for (size_t i = 0; ok && i < sizeof units / sizeof units[0]; i++)
            if (!strcmp(end, units[i].sfx))
                shift = units[i].shift;
        if (!ok || shift == 64 || (shift && n > (~0ull >> shift)))
            scn_error(L, "%s: %s = '%s' is not a size (bytes, or a number with KiB, MiB, GiB, "
                      "TiB)", what, field, s);
        v = (uint64_t)n << shift;
    } else if (t != LUA_TNIL) {
        scn_error(L, "%s: field '%s' must be a size (\"64MiB\" or bytes), got %s", what, field,
                  luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return v;
}

/* ---- driver { device = "hba0", style = "native" | "vmklinux" } ---- */

/* A driver{} of another style for an HBA that has a driver replaces it: the module is unloaded
 * (every HBA it drove loses it; a Linux driver takes the shim along when nothing else needs
 * it), so the driver map can give the function to the new one. */
static void replace_driver(lua_State *L, scn_hba *h)
{
    char name[KERN_MOD_NAME_MAX];
    snprintf(name, sizeof name, "%s", h->mod->name);
    const kern_module *gone = h->mod;   /* freed by the unload: compared, never read */
    result_style old = h->style;
    sim_err err = {{0}};
    if (scn_driver_unload(L, name, &err) < 0)
        scn_error(L, "driver: unbinding '%s' from '%s': %s", name, h->name, err.msg);
    scn_storage *st = storage_of(L);
    for (int i = 0; i < st->nhbas; i++)
        if (st->hbas[i].mod == gone)
            st->hbas[i].mod = NULL;
    if (old == RESULT_STYLE_VMKLINUX && kern_module_find("vmklinux") &&
        scn_driver_unload(L, "vmklinux", &err) < 0)
        sim_log(SIM_LOG_INFO, SCN_STORAGE_LOG, "%s: vmklinux stays loaded: %s", h->name, err.msg);
    sim_log(SIM_LOG_INFO, SCN_STORAGE_LOG, "%s: driver %s unbound", h->name, name);
}

int scn_storage_driver(lua_State *L, const char *dev, result_style style, const char *modname)
{
    scn_hba *h = scn_storage_hba(L, "driver", dev);
    if (h->mod && h->style == style)
        scn_error(L, "driver: device '%s' already has driver '%s'", dev, h->mod->name);
    if (h->mod)
        replace_driver(L, h);
    kern_module *mod = scn_driver_bind(L, "driver", dev, h->pdev, style, modname);
    kern_scsi_adapter *a = scn_storage_adapter(h);
    if (!a)
        scn_error(L, "driver: module '%s' claimed '%s' but registered no SCSI adapter", modname,
                  dev);
    if (!scn_storage_wait_scanned(a, SCN_SCAN_TIMEOUT_PS))
        scn_error(L, "driver: discovery on %s (%s) did not finish within 1 s of simulated time",
                  kern_scsi_adapter_name(a), dev);
    h->mod = mod;
    h->style = style;
    size_t disks = 0;
    for (size_t i = 0; i < kern_scsi_disk_count(); i++)
        disks += kern_scsi_disk_at(i)->adapter == a;
    sim_log(SIM_LOG_INFO, SCN_STORAGE_LOG, "%s: driver %s (module id %d, %s), adapter %s, %zu "
            "disk(s)", dev, modname, mod->id, result_style_name(style),
            kern_scsi_adapter_name(a), disks);
    lua_pushstring(L, kern_scsi_adapter_name(a));
    return 1;
}

/* ---- disk { device = "hba0", target = 0, size = "64MiB" | image = "x.img", preset = ... } ---- */

typedef struct disk_find {
    char name[KERN_SCSI_DISK_NAME_MAX];
    bool want_present;
} disk_find;

static bool disk_settled(void *arg)
{
    disk_find *f = arg;
    return (kern_scsi_disk_find(f->name) != NULL) == f->want_present;
}

/* "nvme" and "disk" are the media model's presets; "hdd" names the disk-class one too. */
static const char *media_preset(lua_State *L, const char *p)
{
    if (!p)
        return "ideal";
    if (!strcmp(p, "hdd"))
        return "disk";
    if (strcmp(p, "nvme") && strcmp(p, "disk") && strcmp(p, "ideal"))
        scn_error(L, "disk: preset = '%s' is not a media preset (\"nvme\", \"hdd\" or \"ideal\")",
                  p);
    return p;
}

static int l_disk(lua_State *L)
{
    static const char *const keys[] = {"device", "target", "size", "image", "preset",
                                       "block_size", "read_only", "stall", "name", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "disk: expected a table, e.g. disk { device = \"hba0\", target = 0, size = "
                  "\"64MiB\" }, got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "disk", NULL, keys);
    const char *dev = scn_opt_string(L, 1, "disk", "device");
    if (!dev)
        scn_error(L, "disk: missing field 'device'");
    lua_Integer target = 0;
    scn_opt_int(L, 1, "disk", "target", &target);
    if (target < 0 || target >= PVSCSI_MAX_TARGETS)
        scn_error(L, "disk: target = %lld is outside 0-%d", (long long)target,
                  PVSCSI_MAX_TARGETS - 1);
    bool has_size = false;
    uint64_t size = scn_storage_bytes(L, 1, "disk", "size", &has_size);
    const char *image = scn_opt_string(L, 1, "disk", "image");
    bool stall = false, has_stall = scn_opt_bool(L, 1, "disk", "stall", &stall);
    scn_hba *h = scn_storage_hba(L, "disk", dev);

    if (!has_size && !image) {
        /* an existing disk: only its stall changes */
        if (!h->disks[target] || !pvscsi_target(h->dev, (unsigned)target))
            scn_error(L, "disk: target %lld of '%s' has no disk; give 'size' or 'image'",
                      (long long)target, dev);
        if (!has_stall)
            scn_error(L, "disk: missing field 'size' or 'image'");
        scsi_disk_set_stall(h->disks[target], stall);
        sim_log(SIM_LOG_INFO, SCN_STORAGE_LOG, "%s: target %lld %s", dev, (long long)target,
                stall ? "stalls" : "no longer stalls");
        return 0;
    }
    if (has_size && image)
        scn_error(L, "disk: give either 'size' (a RAM disk) or 'image' (a raw file), not both");
    if (pvscsi_target(h->dev, (unsigned)target))
        scn_error(L, "disk: target %lld of '%s' is taken", (long long)target, dev);
    lua_Integer bs = 512;
    if (scn_opt_int(L, 1, "disk", "block_size", &bs) && bs != 512 && bs != 4096)
        scn_error(L, "disk: block_size = %lld is not 512 or 4096", (long long)bs);
    bool ro = false;
    scn_opt_bool(L, 1, "disk", "read_only", &ro);
    char dname[PLATFORM_NAME_LEN + 8];
    const char *given = scn_opt_string(L, 1, "disk", "name");
    if (given)
        scn_check_name(L, "disk", "name", given, dname, sizeof dname);
    else
        snprintf(dname, sizeof dname, "%s.t%lld", dev, (long long)target);

    scsi_disk_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.name = dname;
    cfg.block_size = (uint32_t)bs;
    cfg.image = image;
    cfg.size_bytes = size;
    cfg.read_only = ro;
    cfg.media = media_preset(L, scn_opt_string(L, 1, "disk", "preset"));
    sim_err err = {{0}};
    scsi_disk *d = NULL;
    if (scsi_disk_new(&cfg, &d, &err) < 0)
        scn_error(L, "disk: %s", err.msg);
    scsi_target *t = scsi_target_new();
    if (!t || scsi_target_add_lun(t, 0, d, &err) < 0) {
        if (t)
            scsi_target_free(t);
        else
            scsi_disk_free(d);
        scn_error(L, "disk: %s", t ? err.msg : "out of memory");
    }
    if (pvscsi_attach_target(h->dev, (unsigned)target, t, &err) < 0) {
        scsi_target_free(t);
        scn_error(L, "disk: %s", err.msg);
    }
    scsi_disk_set_stall(d, stall);
    h->disks[target] = d;
    sim_log(SIM_LOG_INFO, SCN_STORAGE_LOG, "%s: target %lld: %s (%llu blocks of %u bytes, %s)",
            dev, (long long)target, image ? image : "RAM disk",
            (unsigned long long)scsi_disk_num_blocks(d), scsi_disk_block_size(d), cfg.media);

    /* With a driver bound, the controller's DEV_ADDED notice makes it rescan: wait for the disk
     * (a stalled disk never answers discovery, so it is not waited for). */
    kern_scsi_adapter *a = h->mod ? scn_storage_adapter(h) : NULL;
    if (!a) {
        lua_pushnil(L);
        return 1;
    }
    disk_find f = {.want_present = true};
    snprintf(f.name, sizeof f.name, "%s:C0:T%lld:L0", kern_scsi_adapter_name(a),
             (long long)target);
    if (!stall) {
        scn_net_run_until(disk_settled, &f, sim_now() + SCN_SCAN_TIMEOUT_PS);
        scn_storage_wait_scanned(a, SCN_SCAN_TIMEOUT_PS);
        if (!kern_scsi_disk_find(f.name))
            scn_error(L, "disk: target %lld of '%s' did not appear as %s within 1 s (does the "
                      "driver handle target notices?)", (long long)target, dev, f.name);
    }
    lua_pushstring(L, f.name);
    return 1;
}

void scn_register_storage(lua_State *L)
{
    static const luaL_Reg fns[] = {{"disk", l_disk}, {NULL, NULL}};
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
    scn_register_io(L);
}
