/* main.c — the vmksim command: dispatches to one subcommand per job. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
} command;

static const command commands[] = {
    {"run", cmd_run, "run SCENARIO.lua [--seed N] [--out DIR]   run a scenario script"},
    {"lspci", cmd_lspci, "lspci [-t] [-v] [-x|-xxx|-xxxx] [SCENARIO]   boot a platform, list its PCI devices"},
    {"modinfo", cmd_modinfo, "modinfo FILE   print a module's .modinfo and its symbol check"},
    {"modload", cmd_modload, "modload FILE...   load modules (dependencies first), run their init, unload"},
    {"pcie-bw", cmd_pcie_bw, "pcie-bw --gen G --width W --mps M --mrrs R [--addr 32|64] --size S [--json]"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: vmksim COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  vmksim %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "vmksim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
