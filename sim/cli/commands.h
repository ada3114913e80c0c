/* commands.h — the vmksim subcommands; each lives in its own cmd_*.c and returns the exit code. */
#ifndef VMKSIM_CLI_COMMANDS_H
#define VMKSIM_CLI_COMMANDS_H

int cmd_run(int argc, char **argv);      /* vmksim run SCENARIO.lua [--seed N] [--out DIR] */
int cmd_lspci(int argc, char **argv);    /* vmksim lspci [-t] [-v] [-x|-xxx|-xxxx] [SCENARIO] */
int cmd_modinfo(int argc, char **argv);  /* vmksim modinfo FILE */
int cmd_modload(int argc, char **argv);  /* vmksim modload FILE... (load, init, unload) */
int cmd_pcie_bw(int argc, char **argv);  /* vmksim pcie-bw --gen G --width W ... */

#endif
