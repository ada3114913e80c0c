/* table.c — the compact stdout table of a result (issue 3 item 7): one row per run with device,
 * style, workload, ops, cycles per op (total and shim), p50/p99 latency, throughput and lost I/O.
 * Column widths follow the longest cell; text is left-aligned, numbers right-aligned. */
#include "sim/result/result_internal.h"

#include <stdlib.h>
#include <string.h>

enum { COL_DEVICE, COL_STYLE, COL_WORKLOAD, COL_OPS, COL_CYC, COL_SHIM, COL_P50, COL_P99,
       COL_OPS_S, COL_GBPS, COL_FAILED, COL_LOST, COL_COUNT };

static const struct { const char *title; bool right; } cols[COL_COUNT] = {
    [COL_DEVICE] = {"device", false},   [COL_STYLE] = {"style", false},
    [COL_WORKLOAD] = {"workload", false}, [COL_OPS] = {"ops", true},
    [COL_CYC] = {"cyc/op", true},       [COL_SHIM] = {"shim/op", true},
    [COL_P50] = {"p50 ns", true},       [COL_P99] = {"p99 ns", true},
    [COL_OPS_S] = {"ops/s", true},      [COL_GBPS] = {"Gbit/s", true},
    [COL_FAILED] = {"failed", true},    [COL_LOST] = {"lost", true},
};

/* The workload column is capped so one long label cannot push the numbers off screen. */
#define TABLE_WORKLOAD_MAX 32

typedef struct cell { char text[TABLE_WORKLOAD_MAX + 8]; } cell;

static void cell_set(cell *c, const char *s)
{
    size_t n = strlen(s);
    if (n > TABLE_WORKLOAD_MAX) {
        memcpy(c->text, s, TABLE_WORKLOAD_MAX - 3);
        memcpy(c->text + TABLE_WORKLOAD_MAX - 3, "...", 4);
    } else {
        memcpy(c->text, s, n + 1);
    }
}

/* Default workload text: the workload's values, space separated (a label replaces it). */
static void workload_text(const result_run *run, cell *c)
{
    if (run->label) {
        cell_set(c, run->label);
        return;
    }
    char buf[TABLE_WORKLOAD_MAX + 2] = "";
    size_t n = 0;
    for (size_t i = 0; i < run->nwl && n <= TABLE_WORKLOAD_MAX; i++) {
        const result_kv *kv = &run->wl[i];
        char num[RESULT_NUM_MAX];
        const char *v = num;
        if (kv->kind == RESULT_KV_STR)
            v = kv->str;
        else if (kv->kind == RESULT_KV_INT)
            result_fmt_i64(num, kv->i);
        else
            v = kv->b ? kv->key : "";   /* a true flag shows as its name */
        if (!*v)
            continue;
        int w = snprintf(buf + n, sizeof buf - n, "%s%s", n ? " " : "", v);
        if (w < 0)
            break;
        n += (size_t)w;
        if (n >= sizeof buf)          /* truncated: cell_set below marks it with "..." */
            n = sizeof buf - 1;
    }
    cell_set(c, n ? buf : "-");
}

static void num_or_dash(cell *c, bool defined, const char *num)
{
    cell_set(c, defined ? num : "-");
}

static void fill_row(const result_run *run, cell row[COL_COUNT])
{
    char t[RESULT_NUM_MAX];
    cell_set(&row[COL_DEVICE], run->device);
    cell_set(&row[COL_STYLE], result_style_name(run->style));
    workload_text(run, &row[COL_WORKLOAD]);
    result_fmt_u64(t, run->ops);
    cell_set(&row[COL_OPS], t);
    num_or_dash(&row[COL_CYC], result_run_cycles_per_op(run, -1, 1, t), t);
    num_or_dash(&row[COL_SHIM], result_run_cycles_per_op(run, RESULT_OWNER_SHIM, 1, t), t);
    num_or_dash(&row[COL_P50], result_run_latency_ns(run, RESULT_P50, 1, t), t);
    num_or_dash(&row[COL_P99], result_run_latency_ns(run, RESULT_P99, 1, t), t);
    num_or_dash(&row[COL_OPS_S], result_run_ops_per_s(run, 0, t), t);
    num_or_dash(&row[COL_GBPS], result_run_gbps(run, 3, t), t);
    result_fmt_u64(t, run->failed_ops);
    cell_set(&row[COL_FAILED], t);
    result_fmt_u64(t, run->lost_ops);
    cell_set(&row[COL_LOST], t);
}

static void print_row(FILE *out, const size_t width[COL_COUNT], const char *const text[COL_COUNT])
{
    for (int c = 0; c < COL_COUNT; c++) {
        int w = (int)width[c];
        const char *sep = c ? "  " : "";
        if (cols[c].right)
            fprintf(out, "%s%*s", sep, w, text[c]);
        else if (c == COL_COUNT - 1)
            fprintf(out, "%s%s", sep, text[c]);
        else
            fprintf(out, "%s%-*s", sep, w, text[c]);
    }
    fputc('\n', out);
}

void result_print_table(const vmk_result *res, FILE *out)
{
    size_t n = result_run_count(res);
    cell *cells = n ? calloc(n * COL_COUNT, sizeof *cells) : NULL;
    if (n && !cells) {
        fputs("result: out of memory for the table\n", out);
        return;
    }
    size_t width[COL_COUNT];
    for (int c = 0; c < COL_COUNT; c++)
        width[c] = strlen(cols[c].title);
    for (size_t r = 0; r < n; r++) {
        fill_row(res->runs[r], &cells[r * COL_COUNT]);
        for (int c = 0; c < COL_COUNT; c++) {
            size_t l = strlen(cells[r * COL_COUNT + c].text);
            if (l > width[c])
                width[c] = l;
        }
    }
    const char *text[COL_COUNT];
    for (int c = 0; c < COL_COUNT; c++)
        text[c] = cols[c].title;
    print_row(out, width, text);
    for (size_t r = 0; r < n; r++) {
        for (int c = 0; c < COL_COUNT; c++)
            text[c] = cells[r * COL_COUNT + c].text;
        print_row(out, width, text);
    }
    free(cells);
}
