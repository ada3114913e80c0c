/* scn_workload.c — the scenario verbs that prepare a NIC for measured runs (docs/scenarios.md,
 * "NIC workloads"): driver{} loads a driver module from the build's modules folder and binds it
 * through the kernel's driver map (docs/device-model.md, "Binding"); wire{} cables the NIC's port
 * (docs/nic.md, "Wire"). Also the end of a scenario: cables freed, modules unloaded from a sim
 * thread before the kernel shuts down. The measured runs are scn_netrun.c. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel_model/device/device.h"
#include "kernel_model/pci/pci_bus.h"
#include "sim/scenario/scn_net.h"

#define SCN_NET_LOG "scenario.net"
/* Step of scn_net_run_until: short against a run (tens of µs to ms), long against an event. */
#define SCN_NET_STEP_PS (10 * SIM_US)
/* How long loading a module (init, attach, start, scan with their MMIO waits) may take in
 * simulated time before the scenario gives up: far above the ~ms an EEPROM read sequence takes. */
#define SCN_LOAD_TIMEOUT_PS (1 * SIM_SEC)

static struct scn_net *net_of(lua_State *L)
{
    scn_state *s = scn_get(L);
    if (!s->net) {
        s->net = calloc(1, sizeof *s->net);
        if (!s->net)
            scn_error(L, "out of memory");
    }
    return s->net;
}

/* The model of the endpoint named name in the booted platform, NULL if there is none. */
static const char *model_of(const pcie_port_desc *ports, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        const pcie_port_desc *p = &ports[i];
        if (p->kind == PCIE_NODE_ENDPOINT && !strcmp(p->endpoint.name, name))
            return p->endpoint.model;
        if (p->kind == PCIE_NODE_SWITCH) {
            const char *m = model_of(p->sw->ports, p->sw->nports, name);
            if (m)
                return m;
        }
    }
    return NULL;
}

scn_nic *scn_net_nic(lua_State *L, const char *what, const char *name)
{
    scn_state *s = scn_get(L);
    if (!s->booted)
        scn_error(L, "%s: called before boot()", what);
    if (s->mode != SCN_MODE_RUN || !s->sys)
        scn_error(L, "%s: no booted system", what);
    struct scn_net *net = net_of(L);
    for (int i = 0; i < net->nnics; i++)
        if (!strcmp(net->nics[i].name, name))
            return &net->nics[i];
    const char *model = model_of(s->desc->root_ports, s->desc->nroot_ports, name);
    if (!model)
        scn_error(L, "%s: device = '%s': no endpoint of that name in the platform", what, name);
    if (strcmp(model, "e1000"))
        scn_error(L, "%s: device = '%s' is a '%s', not a NIC (the NIC model is \"e1000\")", what,
                  name, model);
    pcie_endpoint *ep = pcie_fabric_find_endpoint(s->sys->fabric, name);
    uint16_t rid = ep ? pcie_dev_requester_id(ep) : 0;
    kern_pci_dev *pdev = ep ? kern_pci_find(s->sys->pci, rid >> 8, (rid >> 3) & 31, rid & 7) : NULL;
    if (!pdev)
        scn_error(L, "%s: device = '%s' was not enumerated at boot()", what, name);
    if (net->nnics == SCN_NET_MAX)
        scn_error(L, "%s: more than %d NICs used in one scenario", what, SCN_NET_MAX);
    scn_nic *n = &net->nics[net->nnics++];
    memset(n, 0, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
    n->dev = pcie_endpoint_state(ep);
    n->pdev = pdev;
    return n;
}

vmk_Uplink scn_net_uplink(const scn_nic *n)
{
    vmk_Device pci = kern_pci_bus_device(n->pdev);
    for (size_t i = 0; i < kern_uplink_count(); i++) {
        vmk_Uplink u = kern_uplink_at(i);
        if (kern_device_parent(kern_uplink_device(u)) == pci)
            return u;
    }
    return NULL;
}

void scn_net_run_until(bool (*done)(void *ctx), void *ctx, sim_time_t deadline)
{
    while (!done(ctx) && sim_now() < deadline) {
        sim_time_t next = sim_now() + SCN_NET_STEP_PS;
        sim_run_until(next < deadline ? next : deadline);
    }
}

/* ---- driver { device = "nic0", style = "native", module = "vmk_e1000" } ---- */

/* The folder modules are loaded from: $VMKSIM_MODULE_DIR, else <dir of the vmksim binary>/modules
 * (where vmksim_add_module puts them, docs/modules.md). */
static int module_dir(char *out, size_t len, char *why, size_t whylen)
{
    const char *env = getenv(SCN_MODULE_DIR_ENV);
    if (env && *env) {
        if ((size_t)snprintf(out, len, "%s", env) >= len)
            return snprintf(why, whylen, "%s is too long", SCN_MODULE_DIR_ENV), -1;
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return snprintf(why, whylen, "cannot find the vmksim binary (/proc/self/exe: %s); set %s",
                        strerror(errno), SCN_MODULE_DIR_ENV), -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    if ((size_t)snprintf(out, len, "%s/modules", exe) >= len)
        return snprintf(why, whylen, "module folder path too long"), -1;
    return 0;
}

typedef struct load_job {
    const char *path;   /* NULL: the module is loaded; offer it the unclaimed devices */
    vmk_Device rescan;  /* set: scan this device again instead (path NULL) */
    const char *unload; /* set: unload this module instead */
    kern_module *mod;
    int rc;
    bool done;
    sim_err err;
} load_job;

static void load_thread(void *arg)
{
    load_job *j = arg;
    if (j->unload)
        j->rc = kern_module_unload(j->unload, &j->err);
    else if (j->rescan)
        kern_device_scan(j->rescan, &j->err);
    else if (j->path)
        j->rc = kern_module_load(j->path, &j->mod, &j->err);
    else
        kern_device_bind_all();
    j->done = true;
}

static bool load_done(void *arg)
{
    return ((load_job *)arg)->done;
}

/* The driver modules of each device model, by style. The Linux drivers carry their Linux names
 * ("e1000", "vmw_pvscsi"); under vmklinux the kernel's driver map binds the device to the shim,
 * which probes the Linux driver (docs/vmklinux.md). */
static const struct model_drivers {
    const char *model;
    const char *native;
    const char *linux_name;
} MODEL_DRIVERS[] = {
    {"e1000", "vmk_e1000", "e1000"},
    {"pvscsi", "vmk_pvscsi", "vmw_pvscsi"},
};

static const struct model_drivers *drivers_of(const char *model)
{
    for (size_t i = 0; i < sizeof MODEL_DRIVERS / sizeof MODEL_DRIVERS[0]; i++)
        if (!strcmp(MODEL_DRIVERS[i].model, model))
            return &MODEL_DRIVERS[i];
    return NULL;
}

/* Loads module modname (from the modules folder) unless it is loaded, from a sim thread: the
 * module becomes ready and is offered unclaimed devices at once, and its attach waits for MMIO
 * round trips. A module already loaded is offered the unclaimed devices instead. */
static kern_module *load_module(lua_State *L, const char *what, const char *modname)
{
    char dir[PATH_MAX], why[512], path[PATH_MAX + 80];
    if (module_dir(dir, sizeof dir, why, sizeof why) < 0)
        scn_error(L, "%s: %s", what, why);
    kern_module *mod = kern_module_find(modname);
    load_job job = {.path = NULL};
    if (!mod) {
        snprintf(path, sizeof path, "%s/%s.so", dir, modname);
        if (access(path, R_OK) < 0)
            scn_error(L, "%s: module '%s': cannot read %s: %s (modules are looked for in %s; "
                      "set %s to change that)", what, modname, path, strerror(errno), dir,
                      SCN_MODULE_DIR_ENV);
        job.path = path;
    }
    sim_thread_spawn(mod ? "scenario:bind" : "scenario:modload", load_thread, &job);
    scn_net_run_until(load_done, &job, sim_now() + SCN_LOAD_TIMEOUT_PS);
    if (!job.done)
        scn_error(L, "%s: %s '%s' did not finish within 1 s of simulated time", what,
                  mod ? "binding devices to" : "loading", modname);
    if (mod)
        return mod;
    if (job.rc < 0)
        scn_error(L, "%s: %s", what, job.err.msg);
    struct scn_net *net = net_of(L);
    if (net->nmods == SCN_NET_MAX)
        scn_error(L, "%s: more than %d modules loaded by one scenario", what, SCN_NET_MAX);
    snprintf(net->mods[net->nmods++], KERN_MOD_NAME_MAX, "%s", modname);
    return job.mod;
}

kern_module *scn_driver_bind(lua_State *L, const char *what, const char *dev, kern_pci_dev *pdev,
                             result_style style, const char *modname)
{
    sim_err err = {{0}};
    vmk_Device pci = kern_pci_bus_device(pdev);
    /* Native: the map names the driver. vmklinux: the map names the shim, which claims the
     * device and probes whichever registered Linux driver's id table matches it. */
    const char *bound_to = style == RESULT_STYLE_NATIVE ? modname : "vmklinux";
    if (kern_driver_map_add_pci(pdev->vendor_id, pdev->device_id, bound_to, &err) < 0)
        scn_error(L, "%s: %s", what, err.msg);
    kern_module *owner = load_module(L, what, bound_to);
    kern_module *mod = style == RESULT_STYLE_NATIVE ? owner : load_module(L, what, modname);
    if (style == RESULT_STYLE_VMKLINUX) {
        /* vmklinux registers a Linux driver's uplink (or adapter) as a logical child at the
         * function's scan, the only place vmkapi allows it; the function was scanned when the
         * shim attached, before the Linux driver probed it: scan it again, as an administrator
         * rescans after loading a driver. */
        load_job job = {.rescan = pci};
        sim_thread_spawn("scenario:rescan", load_thread, &job);
        scn_net_run_until(load_done, &job, sim_now() + SCN_LOAD_TIMEOUT_PS);
        if (!job.done)
            scn_error(L, "%s: rescanning '%s' did not finish within 1 s of simulated time",
                      what, dev);
    }
    vmk_Driver drv = kern_device_driver(pci);
    if (!drv || kern_driver_module(drv) != owner->id)
        scn_error(L, "%s: module '%s' is loaded but did not claim '%s' (%04x:%04x); see the "
                  "log", what, bound_to, dev, pdev->vendor_id, pdev->device_id);
    return mod;
}

int scn_driver_unload(lua_State *L, const char *name, sim_err *err)
{
    struct scn_net *net = net_of(L);
    load_job job = {.unload = name};
    sim_thread_spawn("scenario:unload", load_thread, &job);
    scn_net_run_until(load_done, &job, sim_now() + SCN_LOAD_TIMEOUT_PS);
    if (!job.done)
        return snprintf(err->msg, sizeof err->msg, "unloading '%s' did not finish within 1 s of "
                        "simulated time", name), -1;
    if (job.rc < 0) {
        *err = job.err;
        return -1;
    }
    for (int i = 0; i < net->nmods; i++) {
        if (!strcmp(net->mods[i], name)) {
            memmove(net->mods[i], net->mods[i + 1],
                    (size_t)(net->nmods - i - 1) * KERN_MOD_NAME_MAX);
            net->nmods--;
            break;
        }
    }
    return 0;
}

/* driver { device = "nic0", style = "none" }: the NIC's driver module is unloaded (and, for a
 * Linux driver, the shim too when nothing else uses it), so the NIC can be bound again, in
 * either style. A module that drives another NIC of the scenario is not unloaded. */
static int driver_unbind(lua_State *L, const char *dev)
{
    scn_nic *n = scn_net_nic(L, "driver", dev);
    if (!n->mod)
        scn_error(L, "driver: device '%s' has no driver to unbind", dev);
    struct scn_net *net = net_of(L);
    for (int i = 0; i < net->nnics; i++)
        if (&net->nics[i] != n && net->nics[i].mod == n->mod)
            scn_error(L, "driver: module '%s' also drives '%s': unbind that device first",
                      n->mod->name, net->nics[i].name);
    char name[KERN_MOD_NAME_MAX];
    snprintf(name, sizeof name, "%s", n->mod->name);
    result_style style = n->style;
    sim_err err = {{0}};
    if (scn_driver_unload(L, name, &err) < 0)
        scn_error(L, "driver: unbinding '%s': %s", dev, err.msg);
    n->mod = NULL;
    if (style == RESULT_STYLE_VMKLINUX && kern_module_find("vmklinux")) {
        bool shared = false;
        for (int i = 0; i < net->nnics; i++)
            shared = shared || (net->nics[i].mod && net->nics[i].style == RESULT_STYLE_VMKLINUX);
        /* Refused while another Linux driver (e.g. a storage one) depends on the shim: then the
         * function stays the shim's, driverless, and can take a Linux driver again. */
        if (!shared && scn_driver_unload(L, "vmklinux", &err) < 0)
            sim_log(SIM_LOG_INFO, SCN_NET_LOG, "%s: vmklinux stays loaded: %s", dev, err.msg);
    }
    sim_log(SIM_LOG_INFO, SCN_NET_LOG, "%s: driver %s unbound", dev, name);
    return 0;
}

static int l_driver(lua_State *L)
{
    static const char *const keys[] = {"device", "style", "module", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "driver: expected a table, e.g. driver { device = \"nic0\", style = "
                  "\"native\" }, got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "driver", NULL, keys);
    const char *dev = scn_opt_string(L, 1, "driver", "device");
    if (!dev)
        scn_error(L, "driver: missing field 'device'");
    const char *style_s = scn_opt_string(L, 1, "driver", "style");
    result_style style = RESULT_STYLE_NATIVE;
    bool unbind = style_s && !strcmp(style_s, "none");
    if (style_s && !strcmp(style_s, "vmklinux"))
        style = RESULT_STYLE_VMKLINUX;
    else if (style_s && strcmp(style_s, "native") && !unbind)
        scn_error(L, "driver: style = '%s' is not a driver style (\"native\", \"vmklinux\" or "
                  "\"none\")", style_s);
    scn_state *s = scn_get(L);
    if (!s->booted || !s->sys)
        scn_error(L, "driver: called before boot()");
    const char *model = model_of(s->desc->root_ports, s->desc->nroot_ports, dev);
    if (!model)
        scn_error(L, "driver: device = '%s': no endpoint of that name in the platform", dev);
    const struct model_drivers *md = drivers_of(model);
    if (!md)
        scn_error(L, "driver: device = '%s' is a '%s', which has no driver", dev, model);
    if (unbind) {
        if (strcmp(model, "e1000"))
            scn_error(L, "driver: style = \"none\" unbinds NICs only; '%s' is a '%s'", dev, model);
        if (scn_opt_string(L, 1, "driver", "module"))
            scn_error(L, "driver: style = \"none\" takes no 'module'");
        return driver_unbind(L, dev);
    }
    const char *modname = scn_opt_string(L, 1, "driver", "module");
    if (!modname)
        modname = style == RESULT_STYLE_NATIVE ? md->native : md->linux_name;
    if (!*modname || strlen(modname) >= KERN_MOD_NAME_MAX || strchr(modname, '/'))
        scn_error(L, "driver: module = '%s' is not a module name (1-%d characters, no '/')",
                  modname, KERN_MOD_NAME_MAX - 1);
    if (strcmp(model, "e1000"))
        return scn_storage_driver(L, dev, style, modname);

    scn_nic *n = scn_net_nic(L, "driver", dev);
    if (n->mod && n->style == style)
        scn_error(L, "driver: device '%s' already has driver '%s'", dev, n->mod->name);
    if (n->mod)   /* the other style: replaced, as for an HBA (unbound first) */
        driver_unbind(L, dev);
    kern_module *mod = scn_driver_bind(L, "driver", dev, n->pdev, style, modname);
    vmk_Uplink u = scn_net_uplink(n);
    if (!u)
        scn_error(L, "driver: module '%s' claimed '%s' but registered no uplink", modname, dev);
    n->mod = mod;
    n->style = style;
    sim_log(SIM_LOG_INFO, SCN_NET_LOG, "%s: driver %s (module id %d, %s), uplink %s", dev,
            modname, mod->id, result_style_name(style), kern_uplink_name(u));
    lua_pushstring(L, kern_uplink_name(u));
    return 1;
}

/* ---- wire { device = "nic0", backend = "loopback" | "peer" | "generator", peer = "nic1" } ---- */

static void uncable(scn_nic *n)
{
    if (n->cable == SCN_CABLE_NONE)
        return;
    if (n->link)   /* a peer cable is one link: freed once, from either end */
        wire_link_free(n->link);
    if (n->gen)
        wire_port_free(n->gen);
    scn_nic *p = n->cable == SCN_CABLE_PEER ? n->peer : NULL;
    n->link = NULL;
    n->link_owner = false;
    n->gen = NULL;
    n->peer = NULL;
    n->cable = SCN_CABLE_NONE;
    if (p && p != n) {
        p->link = NULL;
        p->link_owner = false;
        p->peer = NULL;
        p->cable = SCN_CABLE_NONE;
    }
}

static int l_wire(lua_State *L)
{
    static const char *const keys[] = {"device", "backend", "peer", "propagation", NULL};
    if (!lua_istable(L, 1))
        scn_error(L, "wire: expected a table, e.g. wire { device = \"nic0\", backend = "
                  "\"loopback\" }, got %s", luaL_typename(L, 1));
    scn_check_keys(L, 1, "wire", NULL, keys);
    const char *dev = scn_opt_string(L, 1, "wire", "device");
    if (!dev)
        scn_error(L, "wire: missing field 'device'");
    const char *backend = scn_opt_string(L, 1, "wire", "backend");
    if (!backend)
        scn_error(L, "wire: missing field 'backend' (\"loopback\", \"peer\" or \"generator\")");
    scn_cable_kind kind;
    if (!strcmp(backend, "loopback"))
        kind = SCN_CABLE_LOOPBACK;
    else if (!strcmp(backend, "peer"))
        kind = SCN_CABLE_PEER;
    else if (!strcmp(backend, "generator"))
        kind = SCN_CABLE_GENERATOR;
    else
        scn_error(L, "wire: backend = '%s' is not a wire backend (\"loopback\", \"peer\" or "
                  "\"generator\")", backend);
    const char *peer = scn_opt_string(L, 1, "wire", "peer");
    if (kind == SCN_CABLE_PEER && !peer)
        scn_error(L, "wire: backend \"peer\" needs field 'peer' (the other NIC's name)");
    if (kind != SCN_CABLE_PEER && peer)
        scn_error(L, "wire: field 'peer' is only for backend \"peer\"");
    sim_time_t prop = 0;
    scn_opt_time(L, 1, "wire", "propagation", &prop);
    scn_nic *n = scn_net_nic(L, "wire", dev);
    scn_nic *p = peer ? scn_net_nic(L, "wire", peer) : NULL;
    if (p == n)
        scn_error(L, "wire: peer = '%s' is the device itself; use backend = \"loopback\"", peer);

    uncable(n);
    if (p)
        uncable(p);
    sim_err err = {{0}};
    wire_port *np = e1000_port(n->dev);
    int rc = 0;
    if (kind == SCN_CABLE_LOOPBACK) {
        rc = wire_link_new(np, np, prop, &n->link, &err);
    } else if (kind == SCN_CABLE_PEER) {
        rc = wire_link_new(np, e1000_port(p->dev), prop, &n->link, &err);
        if (rc == 0) {
            p->link = n->link;
            p->peer = n;
            p->cable = SCN_CABLE_PEER;
            n->peer = p;
        }
    } else {
        char gname[PLATFORM_NAME_LEN + 8];
        snprintf(gname, sizeof gname, "%s.gen", n->name);
        rc = wire_port_new(gname, wire_port_speed(np), &n->gen, &err);
        if (rc == 0 && (rc = wire_link_new(n->gen, np, prop, &n->link, &err)) < 0) {
            wire_port_free(n->gen);
            n->gen = NULL;
        }
    }
    if (rc < 0)
        scn_error(L, "wire: %s", err.msg);
    n->link_owner = true;
    n->cable = kind;
    n->prop_ps = prop;
    if (p)
        p->prop_ps = prop;
    sim_log(SIM_LOG_INFO, SCN_NET_LOG, "%s: wire %s%s%s", n->name, backend, p ? " to " : "",
            p ? p->name : "");
    return 0;
}

/* ---- end of the scenario ---- */

typedef struct unload_job {
    struct scn_net *net;
    bool done;
} unload_job;

static void unload_thread(void *arg)
{
    unload_job *j = arg;
    for (int i = j->net->nmods - 1; i >= 0; i--) {
        sim_err err = {{0}};
        if (kern_module_find(j->net->mods[i]) && kern_module_unload(j->net->mods[i], &err) < 0)
            sim_log(SIM_LOG_ERROR, SCN_NET_LOG, "unload %s: %s", j->net->mods[i], err.msg);
    }
    j->done = true;
}

static bool unload_done(void *arg)
{
    return ((unload_job *)arg)->done;
}

void scn_workload_shutdown(scn_state *s)
{
    struct scn_net *net = s->net;
    if (!net)
        return;
    if (net->nmods > 0 && s->sys) {
        /* a driver's quiesce and detach touch the hardware: from a thread */
        unload_job j = {.net = net};
        sim_thread_spawn("scenario:unload", unload_thread, &j);
        scn_net_run_until(unload_done, &j, sim_now() + SCN_LOAD_TIMEOUT_PS);
        if (!j.done)
            sim_log(SIM_LOG_ERROR, SCN_NET_LOG, "driver unload did not finish within 1 s");
    }
    for (int i = 0; i < net->nnics; i++)
        uncable(&net->nics[i]);
    free(net);   /* the driver-map entries stay: the map is the kernel's, like driver.map.d */
    s->net = NULL;
}

void scn_register_workload(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"driver", l_driver}, {"wire", l_wire}, {NULL, NULL},
    };
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
    scn_register_netrun(L);
    scn_register_identify(L);
}
