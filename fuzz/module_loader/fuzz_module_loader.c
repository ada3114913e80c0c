/* fuzz_module_loader.c — libFuzzer entry: feeds arbitrary bytes to the module loader's parse and
 * check stages exactly as a module file would reach them (kern_mod_image_parse, then
 * kern_mod_check), and to the .modinfo parser on its own. Nothing is dlopen'ed. A finding is any
 * crash, sanitizer report or an accepted image that breaks the image's invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/module/module.h"

static void check_invariants(const kern_mod_image *img)
{
    /* Whatever the input, an accepted image must be well formed. */
    if (!img->info.name[0] || strlen(img->info.name) >= KERN_MOD_NAME_MAX ||
        img->info.n_depends > KERN_MOD_MAX_DEPS)
        abort();
    for (size_t i = 0; i < img->n_undefs; i++)
        if (!img->undefs[i].name || !img->undefs[i].name[0])
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sim_err err;
    kern_modinfo mi;
    kern_modinfo_parse((const char *)data, size, "fuzz.modinfo", &mi, &err);

    kern_mod_image *img = NULL;
    if (kern_mod_image_parse(data, size, "fuzz.so", &img, &err) != 0)
        return 0;
    check_invariants(img);
    kern_mod_binding *b = calloc(img->n_undefs + 1, sizeof *b);
    const kern_mod_image *deps[KERN_MOD_MAX_DEPS] = {0};
    /* Once with no dependency available, once with the image standing in for each of them. */
    kern_mod_check(img, deps, b, &err);
    for (size_t i = 0; i < img->info.n_depends; i++)
        deps[i] = img;
    kern_mod_check(img, deps, b, &err);
    free(b);
    kern_mod_image_free(img);
    return 0;
}
