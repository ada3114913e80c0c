/* cmd_lspci.c — `vmksim lspci [-t] [-v] [-n] [-x|-xxx|-xxxx] [SCENARIO]`: boots a scenario's
 * platform (or the built-in default platform) and lists its PCI functions like pciutils' lspci;
 * the -x dumps can be read back with `lspci -F FILE`. Formatting: kernel_model/pci/lspci_fmt.c. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "devices/pcie/platform.h"
#include "kernel_model/kernel.h"
#include "kernel_model/pci/pci_tree.h"
#include "sim/scenario/scenario.h"
#include "sim/sim.h"

static void lspci_usage(FILE *f)
{
    fprintf(f,
            "usage: vmksim lspci [-t] [-v] [-n] [-x|-xxx|-xxxx] [SCENARIO.lua]\n"
            "  -t      show a tree of buses, bridges and functions\n"
            "  -v      verbose: BARs, bridge bus numbers and windows, capabilities\n"
            "  -n      numeric IDs and classes only\n"
            "  -x      hex dump of the standard header (64 bytes)\n"
            "  -xxx    hex dump of the PCI configuration space (256 bytes)\n"
            "  -xxxx   hex dump of the extended configuration space (4096 bytes)\n"
            "  SCENARIO.lua  the platform a scenario declares (default: the built-in default platform)\n"
            "The -x dumps are in the format `lspci -F FILE` reads.\n");
}

int cmd_lspci(int argc, char **argv)
{
    kern_lspci_opts o = {0};
    int nx = 0;
    const char *scenario = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            lspci_usage(stdout);
            return 0;
        }
        if (a[0] == '-' && a[1]) {
            for (const char *p = a + 1; *p; p++) {
                switch (*p) {
                case 't': o.tree = true; break;
                case 'v': o.verbose++; break;
                case 'n': o.numeric = true; break;
                case 'x': nx++; break;
                default:
                    fprintf(stderr, "vmksim lspci: unknown option '-%c' in '%s'\n", *p, a);
                    lspci_usage(stderr);
                    return 2;
                }
            }
            continue;
        }
        if (scenario) {
            fprintf(stderr, "vmksim lspci: more than one scenario given ('%s' and '%s')\n",
                    scenario, a);
            lspci_usage(stderr);
            return 2;
        }
        scenario = a;
    }
    /* lspci: -x and -xx show the standard header, -xxx all 256 bytes, -xxxx all 4096. */
    o.dump_bytes = nx >= 4 ? 4096 : nx == 3 ? 256 : nx ? 64 : 0;

    sim_log_set_level(SIM_LOG_WARN);   /* boot chatter stays out of the listing */
    static platform_desc desc;
    sim_err err = {{0}};
    int rc = scenario ? scenario_load_platform(scenario, &desc, &err)
                      : scenario_default_platform(&desc, &err);
    if (rc < 0) {
        fprintf(stderr, "%s\n", err.msg);   /* "file:line: message" */
        platform_desc_free(&desc);
        return 1;
    }
    kern_system *sys = NULL;
    if (kern_boot(&desc, &sys, &err) < 0) {
        fprintf(stderr, "vmksim lspci: %s%s%s\n", scenario ? scenario : "default platform",
                ": boot failed: ", err.msg);
        platform_desc_free(&desc);
        return 1;
    }
    kern_lspci_print(stdout, sys->fabric, sys->pci, &o);
    kern_shutdown(sys);
    platform_desc_free(&desc);
    return fflush(stdout) == 0 ? 0 : 1;
}
