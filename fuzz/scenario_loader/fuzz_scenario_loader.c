/* fuzz_scenario_loader.c — libFuzzer target: any bytes as a scenario, loaded platform-only with a
 * small instruction budget and memory cap (scenario_load_platform_buffer_limited). Besides
 * crashes, hangs and leaks, it checks the loader's promises: every error is one line that starts
 * with the file name, and every accepted platform holds only values docs/scenarios.md allows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/scenario.h"
#include "sim/sim.h"

/* Enough for any hand-written platform (the default needs ~2,000 instructions and ~100 KiB),
 * small enough that each input finishes in milliseconds. */
#define FUZZ_MAX_INSTRUCTIONS 200000
#define FUZZ_MAX_BYTES (8u << 20)

static int link_ok(const pcie_link_params *l)
{
    return l->gen >= 1 && l->gen <= 5 &&
           (l->width == 1 || l->width == 2 || l->width == 4 || l->width == 8 || l->width == 16) &&
           l->mps >= 128 && l->mps <= 4096 && !(l->mps & (l->mps - 1)) &&
           l->mrrs >= 128 && l->mrrs <= 4096 && !(l->mrrs & (l->mrrs - 1));
}

static void check_ports(const pcie_port_desc *p, int n, int depth)
{
    if (depth > 256)
        abort();
    for (int i = 0; i < n; i++) {
        if (!link_ok(&p[i].link) || p[i].slot < 0 || p[i].slot > 8191 ||
            (p[i].hotplug && !p[i].slot) || p[i].origin.line < 1)
            abort();
        if (p[i].kind == PCIE_NODE_SWITCH) {
            if (!p[i].sw || p[i].sw->nports < 1 || p[i].sw->nports > PLATFORM_MAX_SWITCH_PORTS)
                abort();
            check_ports(p[i].sw->ports, p[i].sw->nports, depth + 1);
        } else if (p[i].kind == PCIE_NODE_ENDPOINT) {
            if (!p[i].endpoint.model[0] || !p[i].endpoint.name[0])
                abort();
        }
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sim_log_set_file(NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    platform_desc d;
    sim_err err;
    memset(&err, 0, sizeof err);
    int rc = scenario_load_platform_buffer_limited((const char *)data, size, "fuzz.lua",
                                                   FUZZ_MAX_INSTRUCTIONS, FUZZ_MAX_BYTES, &d, &err);
    if (rc == 0) {
        if (d.ncpus < 1 || d.nroot_ports < 0 || d.nroot_ports > PLATFORM_MAX_ROOT_PORTS)
            abort();
        check_ports(d.root_ports, d.nroot_ports, 0);
    } else if (strncmp(err.msg, "fuzz.lua", 8) || strchr(err.msg, '\n')) {
        abort();  /* every error is one line naming the file */
    }
    platform_desc_free(&d);
    return 0;
}
