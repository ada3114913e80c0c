/* scn_internal.h — what the scenario layer's files share: the per-script state, the platform
 * objects a script declares (ports, endpoints, switches) and the helpers that check a value where
 * the script states it and raise "file:line: message". The Lua API is documented in
 * docs/scenarios.md; this header is private to sim/scenario/. */
#ifndef VMKSIM_SCN_INTERNAL_H
#define VMKSIM_SCN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "devices/pcie/platform.h"
#include "kernel_model/kernel.h"
#include "sim/err.h"
#include "sim/sim.h"

/* PCI has 256 bus numbers (PCIe Base Spec 7.2.2: 8-bit bus field of an ECAM address). */
#define SCN_PCI_BUSES 256

typedef enum scn_mode {
    SCN_MODE_RUN,        /* vmksim run: boot, run and expect act */
    SCN_MODE_PLATFORM,   /* platform only: the script stops at boot(); nothing is simulated */
} scn_mode;

typedef enum scn_dev_kind { SCN_DEV_ENDPOINT, SCN_DEV_SWITCH } scn_dev_kind;

/* First field of every object's userdata, so a declared object is recognised without Lua calls. */
enum { SCN_TAG_PORT = 0x504f5254, SCN_TAG_DEV = 0x44455643 };  /* "PORT", "DEVC" */

typedef struct scn_port scn_port;
typedef struct scn_dev scn_dev;

/* A device a script declared: endpoint{...} or switch{...}. Lives in a Lua userdata. */
struct scn_dev {
    int tag;                               /* SCN_TAG_DEV */
    scn_dev_kind kind;
    int line;                              /* where endpoint{}/switch{} was called */
    char name[PLATFORM_NAME_LEN];
    char model[PLATFORM_NAME_LEN];         /* endpoint */
    char driver[16];                       /* endpoint: "native", "vmklinux" or "" */
    bool cut_through;                      /* switch */
    sim_time_t latency_ps;                 /* switch: per-hop forwarding latency */
    int nports;                            /* switch: downstream ports */
    scn_port *ports[PLATFORM_MAX_SWITCH_PORTS];
    scn_port *parent;                      /* the port it sits in; NULL while unattached */
};

/* A downstream-facing port a script declared: port{...}. Lives in a Lua userdata. */
struct scn_port {
    int tag;                               /* SCN_TAG_PORT */
    int line;                              /* where port{} was called */
    int slot;                              /* 0: no physical slot */
    bool hotplug;
    pcie_link_params link;
    scn_dev *device;                       /* NULL: empty */
    int device_line;                       /* where the device was put in */
    scn_dev *owner;                        /* the switch it belongs to, NULL otherwise */
    bool is_root;                          /* listed in platform{ root_ports = ... } */
};

/* Execution limits of a platform-only load (fuzzing, lspci): 0 means unlimited. */
typedef struct scn_limits {
    uint64_t max_instructions;
    size_t max_bytes;
} scn_limits;

typedef struct scn_state {
    const char *path;                      /* file name as errors show it */
    char short_src[LUA_IDSIZE];            /* Lua's own (possibly shortened) name for the chunk */
    scn_mode mode;

    /* limits (platform-only loads) */
    scn_limits limits;
    uint64_t instructions;                 /* counted in steps of the hook interval */
    size_t bytes;                          /* allocated by the Lua state now */
    bool over_budget;

    /* the platform as declared */
    bool platform_declared;
    int platform_line;
    int ncpus;
    uint64_t cpu_hz;
    sim_time_t rc_latency_ps;
    int nroot;
    scn_port *root[PLATFORM_MAX_ROOT_PORTS];
    int buses_needed;                      /* 1 (bus 0) + one per bridge declared */

    /* run state */
    bool booted;
    int boot_line;
    bool stopped_at_boot;                  /* platform-only mode reached boot() */
    platform_desc *desc;                   /* filled at boot (or at the end of a platform load) */
    kern_system *sys;                      /* SCN_MODE_RUN after boot */
    sim_rng rng;                           /* math.random */

    /* measured runs (scn_workload.c) */
    const char *out_dir;                   /* --out DIR, NULL if none (captures go there) */
    struct vmk_result *result;             /* the run's result.json; NULL in platform mode */
    struct scn_net *net;                   /* drivers loaded, cables, captures */
} scn_state;

/* The state behind a lua_State (kept in its extra space). */
scn_state *scn_get(lua_State *L);

/* ---- errors (scn_error.c) ---- */
/* Line of the innermost Lua function on the stack, 0 if none. */
int scn_current_line(lua_State *L);
/* Raises "path:line: message" (the calling script line). Never returns. */
void scn_error(lua_State *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* Message handler for lua_pcall: gives every error a "path:line:" prefix. */
int scn_msgh(lua_State *L);
/* The sentinel error a platform-only load raises at boot() to stop the script. */
void scn_push_stop(lua_State *L);
bool scn_is_stop(lua_State *L, int idx);
/* Turns a final error message into one line starting with "path:" (full path), into err. */
void scn_final_message(const scn_state *s, const char *msg, sim_err *err);

/* ---- values (scn_values.c): checks a table's fields where the script states them ---- */
/* Pushes t[k] for the table at idx without metamethods (a script's __index must not run in
 * the middle of a declaration); returns its type. */
static inline int scn_rawfield(lua_State *L, int idx, const char *k)
{
    idx = lua_absindex(L, idx);
    lua_pushstring(L, k);
    return lua_rawget(L, idx);
}
void scn_check_keys(lua_State *L, int idx, const char *what, const char *sub,
                    const char *const *known);
bool scn_opt_int(lua_State *L, int idx, const char *what, const char *field, lua_Integer *out);
bool scn_opt_bool(lua_State *L, int idx, const char *what, const char *field, bool *out);
const char *scn_opt_string(lua_State *L, int idx, const char *what, const char *field);
bool scn_opt_time(lua_State *L, int idx, const char *what, const char *field, sim_time_t *out);
/* A time argument (string like "10ms" or integer picoseconds) at stack index arg. */
sim_time_t scn_check_time(lua_State *L, int arg, const char *what);
/* Parses "10ms", "2.5us", "140ns"... exactly; 0 or -1 with a reason in why. */
int scn_parse_time(const char *s, sim_time_t *out, char *why, size_t whylen);
/* Parses "2.4GHz", "800MHz", "100kHz", "50Hz" exactly; 0 or -1 with a reason. */
int scn_parse_hz(const char *s, uint64_t *out, char *why, size_t whylen);
/* Copies a name ([A-Za-z0-9_.-], 1..PLATFORM_NAME_LEN-1 chars) or raises. */
void scn_check_name(lua_State *L, const char *what, const char *field, const char *v, char *dst,
                    size_t dstlen);
/* Validates link = {...} (table at idx) over defaults; raises naming the field. */
void scn_read_link(lua_State *L, int idx, const char *what, pcie_link_params *link);
void scn_register_time_helpers(lua_State *L);

/* ---- objects (scn_objects.c): port{}, endpoint{}, switch{}, attach(), slot() ---- */
void scn_register_objects(lua_State *L);
scn_port *scn_to_port(lua_State *L, int idx);   /* NULL if not a port */
/* Validates a port table at idx as port{} would and pushes the new port (errors name `what`). */
scn_port *scn_new_port(lua_State *L, int idx, const char *what);
scn_dev *scn_to_dev(lua_State *L, int idx);     /* NULL if not a device */
/* Puts dev into port (both already validated to be objects); raises on a taken port etc. */
void scn_place(lua_State *L, const char *what, scn_port *port, scn_dev *dev, int line);
/* Adds n bridges to the bus budget; raises when the platform would need > 256 buses. */
void scn_need_buses(lua_State *L, const char *what, int n);
const char *scn_dev_kind_name(const scn_dev *d);
/* Calls fn on every declared object, in declaration order. */
typedef void (*scn_obj_fn)(void *ctx, scn_port *port, scn_dev *dev);
void scn_each_object(lua_State *L, scn_obj_fn fn, void *ctx);

/* ---- platform (scn_platform.c): platform{} and its translation to platform_desc ---- */
void scn_register_platform(lua_State *L);
/* Builds out from the declared objects; 0, or -1 with a message (no Lua error raised). */
int scn_build_desc(lua_State *L, platform_desc *out, char *why, size_t whylen);

/* ---- runtime (scn_runtime.c): boot, run, expect, log, now, pci_devices ---- */
void scn_register_runtime(lua_State *L);

/* ---- workloads (scn_workload.c): driver{}, wire{}, tx{}, rx{} (docs/scenarios.md) ---- */
void scn_register_workload(lua_State *L);
/* Ends what the workload verbs set up (cables, loaded drivers) before the kernel shuts down. */
void scn_workload_shutdown(scn_state *s);

/* ---- sandbox (scn_sandbox.c): safe libraries, deterministic math.random, limits ---- */
/* Opens the libraries a scenario may use; run inside lua_pcall (may raise on memory). */
int scn_open_sandbox(lua_State *L);
void *scn_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
void scn_install_limits(lua_State *L);

#endif
