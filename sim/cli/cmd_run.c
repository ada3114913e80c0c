/* cmd_run.c — `vmksim run SCENARIO.lua [--seed N] [--out DIR] [--timing=on|off]`: runs a Lua
 * scenario (docs/scenarios.md); --timing=off is the functional mode of docs/timing.md. Exit 0 on success, 1 when the scenario fails (one "file:line: message"
 * line on stderr), 2 on bad arguments. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "kernel_model/timing/timing.h"
#include "sim/scenario/scenario.h"

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vmksim run: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nusage: vmksim run SCENARIO.lua [--seed N] [--out DIR] [--timing=on|off]\n");
    return 2;
}

/* A seed: decimal or 0x-hexadecimal, 0 .. 2^64-1. */
static int parse_seed(const char *s, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int cmd_run(int argc, char **argv)
{
    const char *script = NULL;
    bool timing = true;
    scenario_opts opts = {.seed = 1, .out_dir = NULL, .summary = stdout};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("usage: vmksim run SCENARIO.lua [--seed N] [--out DIR] [--timing=on|off]\n"
                   "  --seed N        run seed (default 1): same scenario + seed = same run\n"
                   "  --out DIR       write DIR/vmksim.log, DIR/summary.txt, DIR/result.json and\n"
                   "                  the captures the scenario asks for (DIR is created)\n"
                   "  --timing=off    functional mode: no instruction counting or cost charges\n"
                   "                  (cycles read 0); default on\n");
            return 0;
        }
        if (!strcmp(a, "--timing") || !strncmp(a, "--timing=", 9)) {
            const char *t = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (!t)
                return usage_error("%s needs a value (on or off)", a);
            if (!strcmp(t, "on"))
                timing = true;
            else if (!strcmp(t, "off"))
                timing = false;
            else
                return usage_error("--timing '%s' is not 'on' or 'off'", t);
            continue;
        }
        if (!strcmp(a, "--seed") || !strcmp(a, "--out")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            val = argv[++i];
        } else if (!strncmp(a, "--seed=", 7) || !strncmp(a, "--out=", 6)) {
            val = strchr(a, '=') + 1;
        }
        if (val) {
            if (!strncmp(a, "--seed", 6)) {
                if (parse_seed(val, &opts.seed) < 0)
                    return usage_error("--seed '%s' is not an unsigned 64-bit integer", val);
            } else {
                if (!*val)
                    return usage_error("%s--out needs a directory", "");
                opts.out_dir = val;
            }
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (script) {
            return usage_error("more than one scenario given ('%s')", a);
        } else {
            script = a;
        }
    }
    if (!script)
        return usage_error("%sno scenario given", "");

    kern_timing_set_enabled(timing);
    sim_err err = {{0}};
    if (scenario_run_file(script, &opts, &err) < 0) {
        fflush(stdout);
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    return 0;
}
