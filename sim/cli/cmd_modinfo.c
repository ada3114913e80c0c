/* cmd_modinfo.c — `vmksim modinfo FILE`: prints a driver module's .modinfo and its symbol check
 * (where each undefined symbol binds: kernel, module X, UNRESOLVED). Dependencies are looked up
 * as DEP.so beside FILE (the layout vmksim_add_module produces) and checked the same way.
 * Exit 0 if the module could be loaded, 1 if the loader would refuse it (docs/modules.md). */
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "kernel_model/module/module.h"

typedef struct dep_tree {
    kern_mod_image *img;
    kern_mod_image *deps[KERN_MOD_MAX_DEPS];   /* owned; NULL if not found or refused */
    char why[KERN_MOD_MAX_DEPS][sizeof(sim_err)];
} dep_tree;

static void tree_free(dep_tree *t)
{
    for (size_t i = 0; i < KERN_MOD_MAX_DEPS; i++)
        kern_mod_image_free(t->deps[i]);
    kern_mod_image_free(t->img);
}

/* Reads DIR/NAME.so and checks it (and, recursively, its own dependencies) as the loader would;
 * fills *out only for a dependency that would load. depth bounds dependency cycles. */
static int check_dep(const char *dir, const char *name, int depth, kern_mod_image **out,
                     sim_err *err)
{
    *out = NULL;
    if (depth > KERN_MOD_MAX_DEPS)
        return sim_err_set(err, "dependency chain deeper than %d (a cycle?)", KERN_MOD_MAX_DEPS);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.so", dir, name);
    kern_mod_image *img;
    if (kern_mod_image_read(path, &img, err) != 0)
        return -1;
    kern_mod_image *sub[KERN_MOD_MAX_DEPS] = {0};
    int rc = 0;
    for (size_t i = 0; i < img->info.n_depends && rc == 0; i++)
        rc = check_dep(dir, img->info.depends[i], depth + 1, &sub[i], err);
    if (rc == 0)
        rc = kern_mod_check(img, (const kern_mod_image *const *)sub, NULL, err);
    for (size_t i = 0; i < KERN_MOD_MAX_DEPS; i++)
        kern_mod_image_free(sub[i]);
    if (rc != 0) {
        kern_mod_image_free(img);
        return -1;
    }
    *out = img;
    return 0;
}

static const char *bind_text(const kern_mod_binding *b, char *buf, size_t len)
{
    switch (b->kind) {
    case KERN_BIND_KERNEL: return "kernel";
    case KERN_BIND_MODULE: snprintf(buf, len, "module %s", b->provider); return buf;
    case KERN_BIND_WRONG_API: return "kernel (vmkapi export: api mismatch)";
    case KERN_BIND_UNRESOLVED: break;
    }
    return "UNRESOLVED";
}

static void print_info(const dep_tree *t, const kern_mod_binding *b)
{
    const kern_modinfo *mi = &t->img->info;
    printf("name:     %s\n", mi->name);
    printf("version:  %s\n", mi->version);
    printf("license:  %s\n", mi->license);
    printf("api:      %s\n", kern_mod_api_name(mi->api));
    printf("depends:  ");
    if (!mi->n_depends)
        printf("(none)");
    for (size_t i = 0; i < mi->n_depends; i++)
        printf("%s%s", i ? "," : "", mi->depends[i]);
    printf("\nfile:     %s\n", t->img->path);
    printf("init:     %s\n", t->img->has_init ? "init_module" : "(missing)");
    printf("cleanup:  %s\n", t->img->has_cleanup ? "cleanup_module" : "(none)");
    printf("symbols:  %zu undefined\n", t->img->n_undefs);
    for (size_t u = 0; u < t->img->n_undefs; u++) {
        char buf[KERN_MOD_NAME_MAX + 16];
        printf("  %-32s %s%s\n", b[u].symbol, bind_text(&b[u], buf, sizeof buf),
               t->img->undefs[u].weak ? " (weak)" : "");
    }
    printf("exports:  %zu\n", t->img->n_exports);
    for (size_t e = 0; e < t->img->n_exports; e++)
        printf("  %s\n", t->img->exports[e]);
}

int cmd_modinfo(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: vmksim modinfo FILE\n");
        return 2;
    }
    const char *path = argv[1];
    dep_tree t = {0};
    sim_err err;
    if (kern_mod_image_read(path, &t.img, &err) != 0) {
        fprintf(stderr, "vmksim modinfo: refused: %s\n", err.msg);
        return 1;
    }
    char *pcopy = strdup(path);
    if (!pcopy)
        abort();
    const char *dir = dirname(pcopy);
    sim_err dep_err = {{0}};
    for (size_t i = 0; i < t.img->info.n_depends; i++) {
        sim_err e;
        if (check_dep(dir, t.img->info.depends[i], 1, &t.deps[i], &e) != 0 && !dep_err.msg[0])
            sim_err_set(&dep_err, "module %s (%s): dependency '%s' cannot be loaded: %s",
                        t.img->info.name, path, t.img->info.depends[i], e.msg);
    }
    free(pcopy);

    kern_mod_binding *b = calloc(t.img->n_undefs ? t.img->n_undefs : 1, sizeof *b);
    if (!b)
        abort();
    int rc = kern_mod_check(t.img, (const kern_mod_image *const *)t.deps, b, &err);
    print_info(&t, b);
    bool dep_failed = dep_err.msg[0] != '\0';
    printf("loadable: %s\n", rc == 0 && !dep_failed ? "yes" : "no");
    /* A dependency's own reason says more than this module's "dependency 'X' is not loaded". */
    if (dep_failed)
        fprintf(stderr, "vmksim modinfo: refused: %s\n", dep_err.msg);
    if (rc != 0 && !(dep_failed && strstr(err.msg, "is not loaded")))
        fprintf(stderr, "vmksim modinfo: refused: %s\n", err.msg);
    rc = rc != 0 || dep_failed ? -1 : 0;
    free(b);
    tree_free(&t);
    return rc == 0 ? 0 : 1;
}
