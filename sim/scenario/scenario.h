/* scenario.h — running Lua 5.4 scenario scripts (docs/scenarios.md). */
#ifndef VMKSIM_SCENARIO_H
#define VMKSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/pcie/platform.h"
#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct scenario_opts {
    uint64_t seed;
    const char *out_dir;      /* NULL: no result files; else DIR/vmksim.log + DIR/summary.txt */
    FILE *summary;            /* NULL, or where the summary.txt text is also written */
} scenario_opts;

/* The name errors in the built-in default platform carry (its source file in the tree). */
#define SCENARIO_DEFAULT_NAME "scenarios/default.lua"

/* Runs a whole scenario (declare, boot, run, assert). 0 on success; -1 with "file:line: message". */
int scenario_run_file(const char *path, const scenario_opts *opts, sim_err *err);

/* Runs only the platform declarations of a scenario (for `vmksim lspci SCENARIO`): the script
 * runs up to its boot() (which stops it; nothing is simulated), bounded in instructions and
 * memory, and *out is filled. On failure *out is an empty platform. The caller frees *out with
 * platform_desc_free. */
int scenario_load_platform(const char *path, platform_desc *out, sim_err *err);

/* The built-in default platform: scenarios/default.lua, compiled into the binary. */
int scenario_default_platform(platform_desc *out, sim_err *err);

/* Same as scenario_load_platform, from a buffer (fuzzing, tests); chunkname names it in errors. */
int scenario_load_platform_buffer(const char *buf, size_t len, const char *chunkname,
                                  platform_desc *out, sim_err *err);
/* Same with explicit limits (0 = unlimited): Lua instructions executed and bytes allocated. */
int scenario_load_platform_buffer_limited(const char *buf, size_t len, const char *chunkname,
                                          uint64_t max_instructions, size_t max_bytes,
                                          platform_desc *out, sim_err *err);

#ifdef __cplusplus
}
#endif
#endif
