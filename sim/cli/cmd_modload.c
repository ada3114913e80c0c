/* cmd_modload.c — `vmksim modload FILE...`: loads the given driver modules into the simulated
 * kernel, dependencies first (whatever the order on the command line), runs each init_module,
 * lists the loaded modules, then unloads them in reverse order. Non-zero exit on any refusal.
 * Under gdb this is the way to break in module code (docs/modules.md, "Debugging"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"

/* Index of the given file whose module is called name, or -1. */
static int given(kern_mod_image **imgs, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(imgs[i]->info.name, name))
            return i;
    return -1;
}

/* Orders the files so each module comes after those of its dependencies that are among them
 * (stable: otherwise command-line order). A dependency not given is left to the loader, which
 * refuses it by name. Returns -1 on a dependency cycle. */
static int load_order(kern_mod_image **imgs, int n, int *order, sim_err *err)
{
    char *placed = calloc((size_t)n, 1);
    if (!placed)
        abort();
    int done = 0;
    while (done < n) {
        int pick = -1;
        for (int i = 0; i < n && pick < 0; i++) {
            if (placed[i])
                continue;
            bool ready = true;
            for (size_t d = 0; d < imgs[i]->info.n_depends; d++) {
                int j = given(imgs, n, imgs[i]->info.depends[d]);
                ready &= j < 0 || placed[j];
            }
            if (ready)
                pick = i;
        }
        if (pick < 0) {
            for (int i = 0; i < n; i++)
                if (!placed[i]) {
                    sim_err_set(err, "module %s (%s): dependency cycle among the given modules",
                                imgs[i]->info.name, imgs[i]->path);
                    break;
                }
            free(placed);
            return -1;
        }
        placed[pick] = 1;
        order[done++] = pick;
    }
    free(placed);
    return 0;
}

int cmd_modload(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: vmksim modload FILE...\n");
        return 2;
    }
    int n = argc - 1, rc = 0;
    kern_mod_image **imgs = calloc((size_t)n, sizeof *imgs);
    int *order = calloc((size_t)n, sizeof *order);
    if (!imgs || !order)
        abort();
    sim_err err;
    for (int i = 0; i < n && rc == 0; i++) {
        if (kern_mod_image_read(argv[i + 1], &imgs[i], &err) != 0)
            rc = 1;
        else if (given(imgs, i, imgs[i]->info.name) >= 0)
            rc = sim_err_set(&err, "module %s (%s): given twice", imgs[i]->info.name,
                             argv[i + 1]) != 0;
    }
    if (rc == 0 && load_order(imgs, n, order, &err) != 0)
        rc = 1;
    for (int k = 0; k < n && rc == 0; k++) {
        kern_module *m;
        if (kern_module_load(argv[order[k] + 1], &m, &err) != 0)
            rc = 1;
        else
            printf("loaded   %-24s id %d api %-8s version %s base 0x%lx init %llu instructions\n",
                   m->name, m->id, kern_mod_api_name(m->api), m->img->info.version,
                   (unsigned long)m->base,
                   (unsigned long long)kern_timing_owner_insns(m->id));
    }
    if (rc != 0)
        fprintf(stderr, "vmksim modload: refused: %s\n", err.msg);
    /* Reverse load order: dependents go before what they depend on. */
    while (kern_module_count() > 0) {
        kern_module *m = kern_module_at(kern_module_count() - 1);
        char name[KERN_MOD_NAME_MAX];
        int id = m->id;
        memcpy(name, m->name, sizeof name);
        if (kern_module_unload(name, &err) != 0) {
            fprintf(stderr, "vmksim modload: %s\n", err.msg);
            rc = 1;
            break;
        }
        printf("unloaded %-24s id %d (%llu instructions counted in all)\n", name, id,
               (unsigned long long)kern_timing_owner_insns(id));
    }
    for (int i = 0; i < n; i++)
        kern_mod_image_free(imgs[i]);
    free(imgs);
    free(order);
    return rc;
}
