/* cmd_pcie_bw.c — `vmksim pcie-bw`: the PCIe link timing model as a calculator. Prints the
 * effective DMA write, read and read+write bandwidth of a link for one transfer size, from
 * devices/pcie/link_timing.h (the pcie-bench model; docs/pcie-timing.md). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "devices/pcie/link_timing.h"
#include "sim/err.h"

#define CMD "vmksim pcie-bw"
/* Largest transfer accepted: 1 TiB (the cost is computed per page shape, so any size is cheap;
 * the bound keeps byte counts far from overflow). */
#define MAX_SIZE (1ULL << 40)

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmksim pcie-bw --gen G --width W --mps M --mrrs R [--addr 32|64] [--rcb 64|128]\n"
            "                      --size S [--json]\n"
            "  --gen    PCIe generation 1-5\n"
            "  --width  lanes: 1, 2, 4, 8, 16\n"
            "  --mps    Max Payload Size: 128, 256, 512, 1024, 2048, 4096\n"
            "  --mrrs   Max Read Request Size: 128 ... 4096\n"
            "  --addr   address width of DMA requests (default 64)\n"
            "  --rcb    completions split at this Read Completion Boundary instead of MPS\n"
            "  --size   transfer size in bytes (1 ... 2^40)\n"
            "  --json   print one JSON object\n");
}

/* Parses a whole decimal number; on failure prints the message and returns -1. */
static int parse_u64(const char *flag, const char *s, uint64_t max, uint64_t *out)
{
    if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ') {
        fprintf(stderr, CMD ": %s: '%s' is not a number\n", flag, s);
        return -1;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0') {
        fprintf(stderr, CMD ": %s: '%s' is not a number\n", flag, s);
        return -1;
    }
    if (errno == ERANGE || v > max) {
        fprintf(stderr, CMD ": %s: %s is larger than %" PRIu64 "\n", flag, s, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_int(const char *flag, const char *s, int *out)
{
    uint64_t v;
    /* Any bound above the largest legal value (4096) works; the model then names the valid set. */
    if (parse_u64(flag, s, 1000000, &v) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

typedef struct bw_args {
    pcie_link_params link;
    bool have_gen, have_width, have_mps, have_mrrs, have_size, json, have_rcb;
    int addr, rcb;
    uint64_t size;
} bw_args;

/* Returns 0 on success, 1 after printing help, -1 after printing an error. */
static int parse_args(int argc, char **argv, bw_args *a)
{
    memset(a, 0, sizeof *a);
    a->addr = 64;  /* pcie-bench pcie_bw.py default */
    a->rcb = 64;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            usage(stdout);
            return 1;
        }
        if (!strcmp(arg, "--json")) {
            a->json = true;
            continue;
        }
        /* --flag VALUE or --flag=VALUE */
        char flag[32];
        const char *val = NULL;
        const char *eq = strchr(arg, '=');
        if (eq && (size_t)(eq - arg) < sizeof flag) {
            memcpy(flag, arg, (size_t)(eq - arg));
            flag[eq - arg] = '\0';
            val = eq + 1;
        } else {
            snprintf(flag, sizeof flag, "%s", arg);
        }
        static const char *const valued[] = {"--gen", "--width", "--mps", "--mrrs",
                                             "--addr", "--rcb", "--size"};
        bool known = false;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++)
            known |= !strcmp(flag, valued[k]);
        if (!known) {
            fprintf(stderr, CMD ": unknown option '%s' (see vmksim pcie-bw --help)\n", arg);
            return -1;
        }
        if (!val) {
            if (i + 1 >= argc) {
                fprintf(stderr, CMD ": %s needs a value\n", flag);
                return -1;
            }
            val = argv[++i];
        }
        int rc = 0;
        if (!strcmp(flag, "--gen")) {
            rc = parse_int(flag, val, &a->link.gen);
            a->have_gen = true;
        } else if (!strcmp(flag, "--width")) {
            rc = parse_int(flag, val, &a->link.width);
            a->have_width = true;
        } else if (!strcmp(flag, "--mps")) {
            rc = parse_int(flag, val, &a->link.mps);
            a->have_mps = true;
        } else if (!strcmp(flag, "--mrrs")) {
            rc = parse_int(flag, val, &a->link.mrrs);
            a->have_mrrs = true;
        } else if (!strcmp(flag, "--addr")) {
            rc = parse_int(flag, val, &a->addr);
            if (rc == 0 && a->addr != 32 && a->addr != 64) {
                fprintf(stderr, CMD ": --addr: %d is not one of 32, 64\n", a->addr);
                rc = -1;
            }
        } else if (!strcmp(flag, "--rcb")) {
            rc = parse_int(flag, val, &a->rcb);
            a->have_rcb = true;
        } else {
            rc = parse_u64(flag, val, MAX_SIZE, &a->size);
            if (rc == 0 && a->size == 0) {
                fprintf(stderr, CMD ": --size: 0 is not in 1 ... %llu\n", MAX_SIZE);
                rc = -1;
            }
            a->have_size = true;
        }
        if (rc < 0)
            return -1;
    }
    static const char *const names[] = {"--gen", "--width", "--mps", "--mrrs", "--size"};
    const bool have[] = {a->have_gen, a->have_width, a->have_mps, a->have_mrrs, a->have_size};
    for (size_t k = 0; k < sizeof have / sizeof have[0]; k++) {
        if (!have[k]) {
            fprintf(stderr, CMD ": %s is required (see vmksim pcie-bw --help)\n", names[k]);
            return -1;
        }
    }
    a->link.addr64 = a->addr == 64;
    sim_err err;
    if (pcie_link_validate(&a->link, &err) < 0 || pcie_rcb_validate(a->rcb, &err) < 0) {
        fprintf(stderr, CMD ": --%s\n", err.msg);
        return -1;
    }
    return 0;
}

static void print_json(const bw_args *a, const pcie_bw_result *r)
{
    printf("{\"gen\": %d, \"width\": %d, \"mps\": %d, \"mrrs\": %d, \"addr\": %d, ",
           a->link.gen, a->link.width, a->link.mps, a->link.mrrs, a->addr);
    if (a->have_rcb)
        printf("\"rcb\": %d, \"completion_split\": \"rcb\", ", a->rcb);
    else
        printf("\"rcb\": null, \"completion_split\": \"mps\", ");
    printf("\"size\": %" PRIu64 ", \"raw_gbps\": %.6f, \"tlp_gbps\": %.6f, "
           "\"write_gbps\": %.6f, \"read_gbps\": %.6f, \"rw_gbps\": %.6f, "
           "\"tlps\": {\"mwr\": %" PRIu64 ", \"mrd\": %" PRIu64 ", \"cpld\": %" PRIu64 "}}\n",
           a->size, r->raw_gbps, r->tlp_gbps, r->write_gbps, r->read_gbps, r->rw_gbps,
           r->write.mwr, r->read.mrd, r->read.cpld);
}

static void print_text(const bw_args *a, const pcie_bw_result *r)
{
    printf("PCIe gen%d x%d, MPS %d, MRRS %d, %d-bit addresses, completions split by ",
           a->link.gen, a->link.width, a->link.mps, a->link.mrrs, a->addr);
    if (a->have_rcb)
        printf("RCB %d\n", a->rcb);
    else
        printf("MPS\n");
    printf("link: raw %.2f Gb/s, TLP layer %.2f Gb/s (after Ack/FC DLLPs and SKIP ordered sets)\n",
           r->raw_gbps, r->tlp_gbps);
    printf("transfer size %" PRIu64 " B:\n", a->size);
    printf("  DMA write       %8.2f Gb/s  (%" PRIu64 " MWr)\n", r->write_gbps, r->write.mwr);
    printf("  DMA read        %8.2f Gb/s  (%" PRIu64 " MRd, %" PRIu64 " CplD)\n", r->read_gbps,
           r->read.mrd, r->read.cpld);
    printf("  DMA read+write  %8.2f Gb/s  (each direction of data)\n", r->rw_gbps);
}

int cmd_pcie_bw(int argc, char **argv)
{
    bw_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc > 0 ? 0 : 2;

    /* The calculator follows the pcie-bench convention: payload bytes as given, transfers
     * starting at an aligned address (docs/pcie-timing.md). */
    pcie_dma_opts o = pcie_dma_opts_default();
    o.rcb = (uint32_t)a.rcb;
    o.rcb_chunks = a.have_rcb;
    o.pad_to_dw = false;
    pcie_bw_result r;
    sim_err err;
    if (pcie_bw_compute(&a.link, &o, a.size, &r, &err) < 0) {
        fprintf(stderr, CMD ": --%s\n", err.msg);
        return 2;
    }
    if (a.json)
        print_json(&a, &r);
    else
        print_text(&a, &r);
    return 0;
}
