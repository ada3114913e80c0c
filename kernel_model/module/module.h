/* module.h — the simulated kernel's module loader: reading an ELF driver module (.modinfo,
 * dynamic symbols), checking what it binds to against the kernel's exports and its declared
 * dependencies, and loading it (dlopen, init_module / cleanup_module, module list, current-module
 * stack). The rules are documented in docs/modules.md. */
#ifndef VMKSIM_KERN_MODULE_H
#define VMKSIM_KERN_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KERN_MOD_NAME_MAX 64     /* bytes incl. NUL; = VMK_MODULE_NAME_MAX */
#define KERN_MOD_FIELD_MAX 128   /* version and license values, bytes incl. NUL */
#define KERN_MOD_MAX_DEPS 16     /* entries in depends= */
#define KERN_MOD_SHIM_NAME "vmklinux"

typedef enum kern_mod_api { KERN_MOD_API_VMKAPI, KERN_MOD_API_VMKLINUX } kern_mod_api;
const char *kern_mod_api_name(kern_mod_api api);

/* The parsed .modinfo section. */
typedef struct kern_modinfo {
    char name[KERN_MOD_NAME_MAX];
    char version[KERN_MOD_FIELD_MAX];
    char license[KERN_MOD_FIELD_MAX];
    kern_mod_api api;
    char depends[KERN_MOD_MAX_DEPS][KERN_MOD_NAME_MAX];
    size_t n_depends;
} kern_modinfo;

/* Parses a .modinfo section (NUL-separated "key=value" strings). path names the module file in
 * messages (with the module name when name= is readable). Refuses: a section not ending in NUL, an entry without '=', an unknown key, an empty
 * value (except depends), a duplicate key, a missing required key, an api other than
 * vmkapi/vmklinux, a bad module name or dependency list. */
int kern_modinfo_parse(const char *data, size_t size, const char *path, kern_modinfo *out,
                       sim_err *err);

/* One undefined dynamic symbol of a module. */
typedef struct kern_mod_undef {
    char *name;
    bool weak;
} kern_mod_undef;

/* What the loader reads from a module file before anything runs. */
typedef struct kern_mod_image {
    char *path;                 /* as given (or resolved by the caller) */
    kern_modinfo info;
    kern_mod_undef *undefs;     /* undefined dynamic symbols, in .dynsym order */
    size_t n_undefs;
    char **exports;             /* defined global dynamic symbols, minus the module glue */
    size_t n_exports;
    char **needed;              /* DT_NEEDED entries (a module may have none) */
    size_t n_needed;
    bool has_init;              /* defines init_module */
    bool has_cleanup;           /* defines cleanup_module */
} kern_mod_image;

/* Parses a module held in memory (the loader always works on a private copy of the file, so a
 * file that changes underneath cannot trip libelf). Checks ELF class, byte order, machine,
 * type ET_DYN and every section bound it uses. */
int kern_mod_image_parse(const void *data, size_t size, const char *path, kern_mod_image **out,
                         sim_err *err);
/* Reads the file into memory and parses it. */
int kern_mod_image_read(const char *path, kern_mod_image **out, sim_err *err);
void kern_mod_image_free(kern_mod_image *img);
/* "module NAME (PATH)" — how every message names a module. */
const char *kern_mod_image_who(const kern_mod_image *img, char *buf, size_t len);
bool kern_mod_image_exports(const kern_mod_image *img, const char *symbol);

/* Where one undefined symbol binds. */
typedef enum kern_bind_kind {
    KERN_BIND_UNRESOLVED,
    KERN_BIND_KERNEL,
    KERN_BIND_MODULE,
    KERN_BIND_WRONG_API,   /* a vmkapi kernel export used by an api=vmklinux module */
} kern_bind_kind;

typedef struct kern_mod_binding {
    const char *symbol;         /* points into the image */
    kern_bind_kind kind;
    const char *provider;       /* "kernel" or the providing module's name */
} kern_mod_binding;

/* Checks a module against the binding rules (docs/modules.md): its api and dependencies, its
 * entry points, exports that clash with the kernel's, and each undefined symbol against the
 * kernel exports and the exports of deps. deps[i] is the image of img->info.depends[i], or NULL
 * if that dependency is not available (refused: "dependency 'X' is not loaded"). Fills
 * bindings[0..n_undefs) (may be NULL) for every symbol, then returns -1 with the first refusal,
 * or 0 if the module may be loaded. */
int kern_mod_check(const kern_mod_image *img, const kern_mod_image *const *deps,
                   kern_mod_binding *bindings, sim_err *err);

/* ---- loaded modules ---- */
typedef struct kern_module {
    int id;                     /* vmk_ModuleID: 1, 2, ... in load order */
    char name[KERN_MOD_NAME_MAX];
    kern_mod_api api;
    char *path;                 /* absolute path of the file */
    uintptr_t base;             /* load address (link map l_addr) */
    int refcount;               /* loaded modules that depend on this one */
    kern_mod_image *img;
    struct kern_module *deps[KERN_MOD_MAX_DEPS];
    size_t n_deps;
    void *handle;               /* dlopen handle */
    void *global_handle;        /* second handle that made it RTLD_GLOBAL for dependents */
    void (*cleanup)(void);
    bool timed;                 /* its code is registered with the timing model (owner = id) */
} kern_module;

/* Reads, checks and loads a module, then runs its init_module with its ID on the module stack.
 * Every dependency must be loaded already. On refusal or init failure nothing stays loaded. */
int kern_module_load(const char *path, kern_module **out, sim_err *err);
/* Runs cleanup_module and unloads; refused while other loaded modules depend on it. */
int kern_module_unload(const char *name, sim_err *err);
/* Unloads everything, dependents first (kernel shutdown). */
void kern_module_unload_all(void);
kern_module *kern_module_find(const char *name);
kern_module *kern_module_by_id(int id);
size_t kern_module_count(void);
kern_module *kern_module_at(size_t i);   /* in load order */

/* The module currently loading (inside its init_module), or NULL. */
kern_module *kern_module_initializing(void);

/* ---- the current-module stack (VMKAPI_MODULE_CALL) ---- */
#define KERN_MOD_STACK_DEPTH 64
int kern_module_push(int id, sim_err *err);   /* -1 on overflow or unknown id */
int kern_module_pop(sim_err *err);            /* -1 when empty */
int kern_module_current(void);                /* top of the stack; 0 (kernel) when empty */
/* Bytes copied through vmk_Memcpy since start (charged as KERN_COST_MEMCOPY); runs take deltas. */
uint64_t kern_copied_bytes(void);
size_t kern_module_stack_depth(void);
/* The stack belongs to whatever runs now. A sim thread that blocks takes its stack away (leaving
 * it empty for the threads that run meanwhile) and gives it back when it resumes; the timing
 * layer does this around every world wait (kernel_model/timing/decouple.c). */
typedef struct kern_module_stack_saved {
    int ids[KERN_MOD_STACK_DEPTH];
    size_t depth;
} kern_module_stack_saved;
void kern_module_stack_take(kern_module_stack_saved *s);
void kern_module_stack_give(const kern_module_stack_saved *s);

/* ---- the kernel export table (exports.c) ---- */
typedef enum kern_export_class {
    KERN_EXPORT_VMKAPI,     /* the native API: vmkapi modules only */
    KERN_EXPORT_COMPILER,   /* memcpy & co. the compiler may emit calls to: every module */
} kern_export_class;

typedef struct kern_export {
    const char *name;
    void *addr;
    kern_export_class cls;
} kern_export;

const kern_export *kern_export_find(const char *name);
size_t kern_export_count(void);
const kern_export *kern_export_at(size_t i);

#ifdef __cplusplus
}
#endif
#endif
