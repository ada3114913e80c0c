/* check.c — the binding rules: what a module may bind to, given its api and its declared
 * dependencies (docs/modules.md, "Binding rules"). Pure: works on parsed images, loads nothing,
 * so `vmksim modinfo`, the loader and the fuzz target share it. */
#include <stdio.h>
#include <string.h>

#include "kernel_model/module/module.h"

static bool depends_on(const kern_modinfo *mi, const char *name)
{
    for (size_t i = 0; i < mi->n_depends; i++)
        if (!strcmp(mi->depends[i], name))
            return true;
    return false;
}

static void bind_all(const kern_mod_image *img, const kern_mod_image *const *deps,
                     kern_mod_binding *b)
{
    for (size_t u = 0; u < img->n_undefs; u++) {
        const char *sym = img->undefs[u].name;
        b[u] = (kern_mod_binding){.symbol = sym, .kind = KERN_BIND_UNRESOLVED};
        const kern_export *e = kern_export_find(sym);
        if (e) {
            bool wrong = img->info.api == KERN_MOD_API_VMKLINUX && e->cls == KERN_EXPORT_VMKAPI;
            b[u].kind = wrong ? KERN_BIND_WRONG_API : KERN_BIND_KERNEL;
            b[u].provider = "kernel";
            continue;
        }
        for (size_t d = 0; d < img->info.n_depends; d++) {
            if (deps[d] && kern_mod_image_exports(deps[d], sym)) {
                b[u].kind = KERN_BIND_MODULE;
                b[u].provider = deps[d]->info.name;
                break;
            }
        }
    }
}

static int check_deps(const kern_mod_image *img, const kern_mod_image *const *deps,
                      const char *who, sim_err *err)
{
    const kern_modinfo *mi = &img->info;
    bool linux_api = mi->api == KERN_MOD_API_VMKLINUX;
    if (!strcmp(mi->name, KERN_MOD_SHIM_NAME) && linux_api)
        return sim_err_set(err, "%s: api mismatch: the %s shim itself must have api=vmkapi", who,
                           KERN_MOD_SHIM_NAME);
    if (linux_api && !depends_on(mi, KERN_MOD_SHIM_NAME))
        return sim_err_set(err,
                           "%s: api mismatch: api=vmklinux but '%s' (the shim) is not in depends",
                           who, KERN_MOD_SHIM_NAME);
    for (size_t i = 0; i < mi->n_depends; i++) {
        const char *dn = mi->depends[i];
        const kern_mod_image *d = deps[i];
        if (!d)
            return sim_err_set(err, "%s: dependency '%s' is not loaded", who, dn);
        if (strcmp(d->info.name, dn))
            return sim_err_set(err, "%s: dependency '%s' was given as module '%s'", who, dn,
                               d->info.name);
        bool shim = !strcmp(dn, KERN_MOD_SHIM_NAME);
        if (!linux_api && d->info.api != KERN_MOD_API_VMKAPI)
            return sim_err_set(err,
                               "%s: api mismatch: depends on '%s' (api=%s); an api=vmkapi module "
                               "may depend only on api=vmkapi modules",
                               who, dn, kern_mod_api_name(d->info.api));
        if (linux_api && !shim && d->info.api != KERN_MOD_API_VMKLINUX)
            return sim_err_set(err,
                               "%s: api mismatch: depends on '%s' (api=vmkapi), which is not the "
                               "%s shim; an api=vmklinux module reaches vmkapi code only through "
                               "the shim",
                               who, dn, KERN_MOD_SHIM_NAME);
    }
    return 0;
}

int kern_mod_check(const kern_mod_image *img, const kern_mod_image *const *deps,
                   kern_mod_binding *bindings, sim_err *err)
{
    char who[KERN_MOD_NAME_MAX + 1100];
    kern_mod_image_who(img, who, sizeof who);
    kern_mod_binding local[64];
    kern_mod_binding *b = bindings;
    if (!b && img->n_undefs <= sizeof local / sizeof local[0])
        b = local;
    if (b)
        bind_all(img, deps, b);

    if (!img->has_init)
        return sim_err_set(err, "%s: no init_module function", who);
    if (img->n_needed)
        return sim_err_set(err,
                           "%s: links against shared library '%s' (DT_NEEDED); a module binds "
                           "only to kernel exports and its declared dependencies",
                           who, img->needed[0]);
    if (check_deps(img, deps, who, err) != 0)
        return -1;
    for (size_t i = 0; i < img->n_exports; i++)
        if (kern_export_find(img->exports[i]))
            return sim_err_set(err, "%s: exports '%s', which the kernel already exports", who,
                               img->exports[i]);
    for (size_t u = 0; u < img->n_undefs; u++) {
        kern_bind_kind kind;
        if (b) {
            kind = b[u].kind;
        } else {   /* more symbols than the local table holds and no caller table: bind one */
            kern_mod_binding one;
            const kern_mod_image fake = {.info = img->info, .undefs = img->undefs + u,
                                         .n_undefs = 1};
            bind_all(&fake, deps, &one);
            kind = one.kind;
        }
        const char *sym = img->undefs[u].name;
        if (kind == KERN_BIND_UNRESOLVED)
            return sim_err_set(err, "%s: unresolved symbol '%s'", who, sym);
        if (kind == KERN_BIND_WRONG_API)
            return sim_err_set(err,
                               "%s: api mismatch: symbol '%s' is a vmkapi kernel export; an "
                               "api=vmklinux module reaches the kernel only through the %s shim",
                               who, sym, KERN_MOD_SHIM_NAME);
    }
    return 0;
}
