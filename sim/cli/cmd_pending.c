/* TEMPORARY during the foundation build-out: weak fallbacks so vmksim links while each command
 * is being written. Removed before the foundation lands. */
#include <stdio.h>

#include "commands.h"

static int pending(const char *what)
{
    fprintf(stderr, "vmksim: '%s' is not built yet\n", what);
    return 2;
}
__attribute__((weak)) int cmd_run(int argc, char **argv) { return pending("run"); }
__attribute__((weak)) int cmd_lspci(int argc, char **argv) { return pending("lspci"); }
__attribute__((weak)) int cmd_modinfo(int argc, char **argv) { return pending("modinfo"); }
__attribute__((weak)) int cmd_modload(int argc, char **argv) { return pending("modload"); }
__attribute__((weak)) int cmd_pcie_bw(int argc, char **argv) { return pending("pcie-bw"); }
