/* loader.c — loads checked driver modules into the simulator process: dlopen (so gdb sees every
 * module and its debug info), the module's ID stored in its vmk_ModuleCurrentID, init_module run
 * with the module on the current-module stack, the module list with IDs and refcounts, and
 * cleanup_module at unload. Follows the binding rules of docs/modules.md (checked in check.c). */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/device/device.h"
#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"

static kern_module **mods;   /* in load order */
static size_t n_mods, cap_mods;
static int next_id = 1;
static kern_module *initializing;

kern_module *kern_module_find(const char *name)
{
    for (size_t i = 0; i < n_mods; i++)
        if (!strcmp(mods[i]->name, name))
            return mods[i];
    return NULL;
}

kern_module *kern_module_by_id(int id)
{
    for (size_t i = 0; i < n_mods; i++)
        if (mods[i]->id == id)
            return mods[i];
    return NULL;
}

size_t kern_module_count(void)
{
    return n_mods;
}

kern_module *kern_module_at(size_t i)
{
    return i < n_mods ? mods[i] : NULL;
}

kern_module *kern_module_initializing(void)
{
    return initializing;
}

static void list_remove(kern_module *m)
{
    for (size_t i = 0; i < n_mods; i++) {
        if (mods[i] == m) {
            memmove(&mods[i], &mods[i + 1], (n_mods - i - 1) * sizeof *mods);
            n_mods--;
            return;
        }
    }
}

static void list_add(kern_module *m)
{
    if (n_mods == cap_mods) {
        cap_mods = cap_mods ? 2 * cap_mods : 8;
        mods = realloc(mods, cap_mods * sizeof *mods);
        if (!mods)
            abort();
    }
    mods[n_mods++] = m;
}

static void module_free(kern_module *m)
{
    if (m->timed) {
        sim_err err;
        if (kern_timing_unregister_module(m->name, &err) != 0)
            sim_log(SIM_LOG_ERROR, "modules", "%s", err.msg);
    }
    if (m->handle)
        dlclose(m->handle);
    if (m->global_handle)
        dlclose(m->global_handle);
    kern_mod_image_free(m->img);
    free(m->path);
    free(m);
}

/* Runs fn with the module on top of the current-module stack; a module that leaves the stack
 * unbalanced is reported and the stack restored. */
static int call_in_module(kern_module *m, int (*init)(void), void (*fini)(void))
{
    size_t depth = kern_module_stack_depth();
    sim_err err;
    if (kern_module_push(m->id, &err) != 0) {
        sim_log(SIM_LOG_ERROR, "modules", "%s", err.msg);
        return VMK_LIMIT_EXCEEDED;
    }
    int rc = VMK_OK;
    if (init)
        rc = init();
    else
        fini();
    if (kern_module_stack_depth() != depth + 1)
        sim_log(SIM_LOG_ERROR, "modules", "module %s left the module stack at depth %zu "
                "(expected %zu): unbalanced vmk_ModulePushId/PopId", m->name,
                kern_module_stack_depth(), depth + 1);
    while (kern_module_stack_depth() > depth)
        kern_module_pop(NULL);
    return rc;
}

/* Makes a loaded dependency's exports visible to modules loaded after it (RTLD_GLOBAL); before
 * that, every module is RTLD_LOCAL so nothing binds to it by accident. */
static int make_global(kern_module *d, sim_err *err)
{
    if (d->global_handle)
        return 0;
    d->global_handle = dlopen(d->path, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
    if (!d->global_handle)
        return sim_err_set(err, "module %s (%s): cannot export its symbols: %s", d->name, d->path,
                           dlerror());
    return 0;
}

/* Checks what the file binds to against the kernel and the loaded modules. */
static int check_against_loaded(kern_mod_image *img, const char *who, kern_module **deps,
                                sim_err *err)
{
    kern_module *same = kern_module_find(img->info.name);
    if (same)
        return sim_err_set(err, "%s: a module named '%s' is already loaded (from %s)", who,
                           img->info.name, same->path);
    const kern_mod_image *dimg[KERN_MOD_MAX_DEPS] = {0};
    for (size_t i = 0; i < img->info.n_depends; i++) {
        deps[i] = kern_module_find(img->info.depends[i]);
        dimg[i] = deps[i] ? deps[i]->img : NULL;
    }
    if (kern_mod_check(img, dimg, NULL, err) != 0)
        return -1;
    for (size_t e = 0; e < img->n_exports; e++)
        for (size_t i = 0; i < n_mods; i++)
            if (kern_mod_image_exports(mods[i]->img, img->exports[e]))
                return sim_err_set(err, "%s: exports '%s', which module '%s' already exports", who,
                                   img->exports[e], mods[i]->name);
    return 0;
}

int kern_module_load(const char *path, kern_module **out, sim_err *err)
{
    if (out)
        *out = NULL;
    kern_mod_image *img;
    if (kern_mod_image_read(path, &img, err) != 0)
        return -1;
    char who[KERN_MOD_NAME_MAX + 1100];
    kern_mod_image_who(img, who, sizeof who);
    kern_module *deps[KERN_MOD_MAX_DEPS] = {0};
    if (check_against_loaded(img, who, deps, err) != 0) {
        kern_mod_image_free(img);
        return -1;
    }
    kern_module *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    m->img = img;
    /* dlopen searches the library path for a name without '/'; an absolute path never does. */
    m->path = realpath(path, NULL);
    if (!m->path) {
        sim_err_set(err, "%s: cannot resolve path: %s", who, strerror(errno));
        module_free(m);
        return -1;
    }
    memcpy(m->name, img->info.name, sizeof m->name);
    m->api = img->info.api;
    m->n_deps = img->info.n_depends;
    memcpy(m->deps, deps, sizeof deps);
    for (size_t i = 0; i < m->n_deps; i++)
        if (make_global(m->deps[i], err) != 0) {
            module_free(m);
            return -1;
        }

    dlerror();
    m->handle = dlopen(m->path, RTLD_NOW | RTLD_LOCAL);
    if (!m->handle) {
        sim_err_set(err, "%s: dlopen failed: %s", who, dlerror());
        module_free(m);
        return -1;
    }
    struct link_map *lm = NULL;
    if (dlinfo(m->handle, RTLD_DI_LINKMAP, &lm) == 0 && lm)
        m->base = (uintptr_t)lm->l_addr;
    /* POSIX dlsym returns void *; converting it to a function pointer is what dlsym is for. */
    int (*init)(void) = (int (*)(void))dlsym(m->handle, "init_module");
    if (img->has_cleanup)
        m->cleanup = (void (*)(void))dlsym(m->handle, "cleanup_module");
    if (!init || (img->has_cleanup && !m->cleanup)) {
        sim_err_set(err, "%s: entry point not found after dlopen: %s", who, dlerror());
        module_free(m);
        return -1;
    }
    m->id = next_id++;
    /* Its code is counted and attributed to it (docs/timing.md): the module ID is the owner. */
    if (m->id >= KERN_TIMING_MAX_OWNERS) {
        sim_err_set(err, "%s: module ID %d exceeds the timing model's %d attribution owners", who,
                    m->id, KERN_TIMING_MAX_OWNERS);
        module_free(m);
        return -1;
    }
    if (kern_timing_register_loaded(m->id, m->name, (const void *)init, err) != 0) {
        module_free(m);
        return -1;
    }
    m->timed = true;
    vmk_ModuleID *cur = dlsym(m->handle, "vmk_ModuleCurrentID");
    if (cur)
        *cur = m->id;
    list_add(m);
    for (size_t i = 0; i < m->n_deps; i++)
        m->deps[i]->refcount++;
    sim_log(SIM_LOG_INFO, "modules", "loaded module %s (id %d, api %s, version %s) from %s at 0x%lx",
            m->name, m->id, kern_mod_api_name(m->api), img->info.version, m->path,
            (unsigned long)m->base);

    kern_module *outer = initializing;
    initializing = m;
    int rc = call_in_module(m, init, NULL);
    initializing = outer;
    kern_device_module_init_done(m->id, rc == VMK_OK);   /* its drivers get their devices */
    if (rc != VMK_OK) {
        sim_err_set(err, "%s: init_module failed: %s (0x%x)", who, vmk_StatusToString(rc),
                    (unsigned)rc);
        sim_log(SIM_LOG_WARN, "modules", "%s", err->msg);
        for (size_t i = 0; i < m->n_deps; i++)
            m->deps[i]->refcount--;
        list_remove(m);
        module_free(m);
        return -1;
    }
    if (out)
        *out = m;
    return 0;
}

int kern_module_unload(const char *name, sim_err *err)
{
    kern_module *m = kern_module_find(name);
    if (!m)
        return sim_err_set(err, "module %s: not loaded", name);
    if (m->refcount > 0) {
        for (size_t i = 0; i < n_mods; i++)
            for (size_t d = 0; d < mods[i]->n_deps; d++)
                if (mods[i]->deps[d] == m)
                    return sim_err_set(err, "module %s (%s): in use by module %s", m->name,
                                       m->path, mods[i]->name);
    }
    if (m->cleanup)
        call_in_module(m, NULL, m->cleanup);
    kern_device_module_unloading(m->id);   /* drivers it left registered are detached */
    for (size_t i = 0; i < m->n_deps; i++)
        m->deps[i]->refcount--;
    list_remove(m);
    sim_log(SIM_LOG_INFO, "modules", "unloaded module %s (id %d)", m->name, m->id);
    module_free(m);
    if (n_mods == 0) {
        free(mods);
        mods = NULL;
        cap_mods = 0;
    }
    return 0;
}

void kern_module_unload_all(void)
{
    /* Dependencies load before their dependents, so reverse load order is always allowed. */
    while (n_mods > 0) {
        sim_err err;
        if (kern_module_unload(mods[n_mods - 1]->name, &err) != 0) {
            sim_log(SIM_LOG_ERROR, "modules", "%s", err.msg);   /* cannot happen: see above */
            break;
        }
    }
}
