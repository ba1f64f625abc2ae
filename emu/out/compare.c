/*
 * compare.c - the side-by-side table: see compare.h.
 */
#include "out/compare.h"
#include "sim/error.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "out/atomic.h"
#include "out/check.h"
#include "out/fmt.h"
#include "out/stats.h"

#define CELL_MAX                                                               \
    72 /* longest cell text ("MEAN ± HALF (n=N)"), with its NUL               \
        */

/* One value of one approach. */
typedef struct Cell {
    bool present;            /* has a number */
    bool integer;            /* written as an integer */
    double value;            /* the number */
    char text[CELL_MAX];     /* display text ("-" when absent) */
    char exact[CELL_MAX];    /* CSV text ("" when absent) */
    size_t n;                /* seeds with a value (several seeds) */
    double ci_half;          /* half-width of the mean's 95 % CI (n >= 2) */
    char ci_exact[CELL_MAX]; /* CSV text of ci_half ("" when none) */
} Cell;

/* One metric across the approaches. */
typedef struct Row {
    char *metric; /* metric path (owned) */
    char *label;  /* what the terminal shows (owned) */
    Cell *cells;  /* one per column (owned) */
} Row;

struct CompareTable {
    char **approaches; /* column names (owned) */
    size_t n_cols;     /* number of columns */
    size_t per_col;    /* results per column: seeds (1: one run) */
    Row *rows;         /* rows (owned) */
    size_t n_rows;     /* used */
    size_t cap_rows;   /* allocated */
};

static void format_cell(Cell *c, size_t per_col)
{
    c->ci_exact[0] = '\0';
    if (!c->present) {
        strcpy(c->text, "-");
        c->exact[0] = '\0';
        return;
    }
    double v = c->value;
    if (per_col > 1) {
        /* mean +- half-width of the 95 % CI, and the seeds it is over */
        char m[24], h[24];
        fmt_reading(m, sizeof m, v);
        if (c->n >= 2) {
            fmt_reading(h, sizeof h, c->ci_half);
            snprintf(c->text, CELL_MAX, "%s ± %s (n=%zu)", m, h, c->n);
            snprintf(c->ci_exact, CELL_MAX, "%.12g", c->ci_half);
        } else {
            snprintf(c->text, CELL_MAX, "%s (n=%zu)", m, c->n);
        }
        snprintf(c->exact, CELL_MAX, "%.12g", v);
        return;
    }
    if (c->integer) {
        snprintf(c->text, CELL_MAX, "%.0f", v);
        snprintf(c->exact, CELL_MAX, "%.0f", v);
        return;
    }
    fmt_reading(c->text, CELL_MAX, v);
    snprintf(c->exact, CELL_MAX, "%.12g", v);
}

/* One cell's value from one results tree. */
static bool value_in(const json_t *res, const char *metric,
                     bool (*value_of)(const json_t *, double *, bool *),
                     double *value, bool *integer)
{
    if (value_of)
        return value_of(res, value, integer);
    const json_t *v;
    if (check_resolve(res, metric, &v, NULL, 0) == 0 && json_is_number(v)) {
        *integer = json_is_integer(v);
        *value = json_number_value(v);
        return true;
    }
    return false;
}

/* Adds a row whose cells come from resolving metric in each tree (or
 * from value_of when given). Rows with no value anywhere are dropped. */
static int add_row(CompareTable *t, const json_t *const res[],
                   const char *metric, const char *label,
                   bool (*value_of)(const json_t *, double *, bool *))
{
    Cell *cells = calloc(t->n_cols, sizeof *cells);
    if (!cells)
        return -1;
    bool any = false;
    size_t k = t->per_col;
    double *vals = calloc(k, sizeof *vals);
    if (!vals) {
        free(cells);
        return -1;
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        Cell *c = &cells[i];
        size_t m = 0;
        for (size_t s = 0; s < k; s++)
            if (value_in(res[i * k + s], metric, value_of, &vals[m],
                         &c->integer))
                m++;
        if (m > 0) {
            StatsSummary st = stats_summarise(vals, m);
            c->present = true;
            c->value = k > 1 ? st.mean : vals[0];
            c->n = m;
            c->ci_half = st.ci_half;
        }
        any = any || c->present;
        format_cell(c, k);
    }
    free(vals);
    if (!any) {
        free(cells);
        return 0;
    }
    if (t->n_rows == t->cap_rows) {
        size_t ncap = t->cap_rows ? t->cap_rows * 2 : 32;
        Row *p = realloc(t->rows, ncap * sizeof *p);
        if (!p) {
            free(cells);
            return -1;
        }
        t->rows = p;
        t->cap_rows = ncap;
    }
    Row *r = &t->rows[t->n_rows];
    r->metric = strdup(metric);
    r->label = strdup(label);
    r->cells = cells;
    t->n_rows++;
    return r->metric && r->label ? 0 : -1;
}

static bool instructions_of(const json_t *root, double *out, bool *integer)
{
    const json_t *o =
        json_object_get(json_object_get(root, "counts"), "instructions");
    const char *key;
    const json_t *v;
    double sum = 0;
    bool any = false;
    if (!json_is_object(o))
        return false;
    json_object_foreach((json_t *)o, key, v)
    {
        if (json_is_number(v)) {
            sum += json_number_value(v);
            any = true;
        }
    }
    *out = sum;
    *integer = true;
    return any;
}

static bool tcb_of(const json_t *root, double *out, bool *integer)
{
    const json_t *a = json_object_get(root, "tcb");
    if (!json_is_array(a))
        return false;
    *out = (double)json_array_size(a);
    *integer = true;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted union of latency names; *n_out set. */
static const char **latency_names(const json_t *const res[], size_t n,
                                  size_t *n_out)
{
    size_t cap = 0, cnt = 0;
    const char **names = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *key;
        const json_t *v;
        json_t *lat = json_object_get(res[i], "latency");
        json_object_foreach(lat, key, v)
        {
            bool seen = false;
            for (size_t j = 0; j < cnt && !seen; j++)
                seen = strcmp(names[j], key) == 0;
            if (seen)
                continue;
            if (cnt == cap) {
                cap = cap ? cap * 2 : 16;
                const char **p = realloc(names, cap * sizeof *p);
                if (!p) {
                    free(names);
                    return NULL;
                }
                names = p;
            }
            names[cnt++] = key;
        }
    }
    if (cnt > 1)
        qsort(names, cnt, sizeof *names, cmp_str);
    *n_out = cnt;
    return names ? names : calloc(1, sizeof *names);
}

/* Whether some tree has a number other than 0 at metric. */
static bool any_nonzero(const CompareTable *t, const json_t *const res[],
                        const char *metric)
{
    for (size_t i = 0; i < t->n_cols * t->per_col; i++) {
        double v;
        bool integer;
        if (value_in(res[i], metric, NULL, &v, &integer) && v != 0)
            return true;
    }
    return false;
}

/* A row whose cells are one metric of each run. */
typedef struct RowSpec {
    const char *metric, *label;
} RowSpec;

static const RowSpec fixed_rows[] = {
    {"energy.total_mj", "energy (mJ)"},
    {"energy.avg_power_mw", "average power (mW)"},
    {"energy.battery_life_h", "battery life (h)"},
    {"energy.ap_awake_pct", "AP awake (%)"},
    {"flows.violations", "flow violations (count)"},
};

/* In every run, but shown only where some run has one other than 0:
 * what the microphone policy stopped or let go, and the voice path. */
static const RowSpec quiet_rows[] = {
    {"flows.blocked", "flows blocked (count)"},
    {"flows.declassified", "flows declassified (count)"},
    {"counts.voice_up_frames", "voice frames up (count)"},
    {"counts.voice_down_frames", "voice frames down (count)"},
};

static const RowSpec count_rows[] = {
    {"counts.syscalls", "syscalls (count)"},
    {"counts.hypercalls", "hypercalls (count)"},
    {"counts.smcs", "SMCs (count)"},
    {"counts.mmio_traps", "MMIO traps (count)"},
    {"counts.vm_switches", "VM switches (count)"},
    {"counts.world_switches", "world switches (count)"},
    {"counts.copies_bytes", "copied (bytes)"},
    {"counts.task_switches", "task switches (count)"},
    /* only in runs with calls or messages (counts.phone) */
    {"counts.phone.answers", "calls answered (count)"},
    {"counts.phone.timeouts", "calls timed out (count)"},
    {"counts.phone.dials_given_up", "dials given up (count)"},
    {"counts.phone.voice_dropped", "voice frames dropped (count)"},
};

/* Adds n rows; with only_nonzero, a row only where some run has a value
 * other than 0. */
static int add_rows(CompareTable *t, const json_t *const res[],
                    const RowSpec *rows, size_t n, bool only_nonzero)
{
    for (size_t i = 0; i < n; i++) {
        if (only_nonzero && !any_nonzero(t, res, rows[i].metric))
            continue;
        if (add_row(t, res, rows[i].metric, rows[i].label, NULL) < 0)
            return -1;
    }
    return 0;
}

static int build_rows(CompareTable *t, const json_t *const res[])
{
    char metric[512], label[512];
    size_t n_names;
    const char **names = latency_names(res, t->n_cols * t->per_col, &n_names);
    if (!names)
        return -1;
    for (size_t i = 0; i < n_names; i++) {
        static const char *const stats[] = {"p50", "p95"};
        for (size_t s = 0; s < 2; s++) {
            snprintf(metric, sizeof metric, "latency.%s.%s_ms", names[i],
                     stats[s]);
            snprintf(label, sizeof label, "%s %s (ms)", names[i], stats[s]);
            if (add_row(t, res, metric, label, NULL) < 0) {
                free(names);
                return -1;
            }
        }
        /* how many samples the percentiles come from */
        snprintf(metric, sizeof metric, "latency.%s.count", names[i]);
        snprintf(label, sizeof label, "%s samples (count)", names[i]);
        if (add_row(t, res, metric, label, NULL) < 0) {
            free(names);
            return -1;
        }
    }
    free(names);
    if (add_rows(t, res, fixed_rows, sizeof fixed_rows / sizeof fixed_rows[0],
                 false) < 0 ||
        add_rows(t, res, quiet_rows, sizeof quiet_rows / sizeof quiet_rows[0],
                 true) < 0)
        return -1;
    size_t n_covert = 0;
    for (size_t i = 0; i < t->n_cols; i++) {
        size_t n = json_array_size(
            json_object_get(json_object_get(res[i], "flows"), "covert"));
        n_covert = n > n_covert ? n : n_covert;
    }
    for (size_t k = 0; k < n_covert; k++) {
        const char *channel = NULL;
        for (size_t i = 0; i < t->n_cols && !channel; i++)
            channel = json_string_value(json_object_get(
                json_array_get(
                    json_object_get(json_object_get(res[i], "flows"), "covert"),
                    k),
                "channel"));
        snprintf(metric, sizeof metric, "flows.covert[%zu].bits_per_s", k);
        snprintf(label, sizeof label, "covert %s (bits/s)",
                 channel ? channel : "?");
        if (add_row(t, res, metric, label, NULL) < 0)
            return -1;
        snprintf(metric, sizeof metric, "flows.covert[%zu].bit_error_rate", k);
        snprintf(label, sizeof label, "covert %s bit error rate (fraction)",
                 channel ? channel : "?");
        if (add_row(t, res, metric, label, NULL) < 0)
            return -1;
    }
    if (add_rows(t, res, count_rows, sizeof count_rows / sizeof count_rows[0],
                 false) < 0)
        return -1;
    if (add_row(t, res, "counts.instructions",
                "instructions, domains and VMs (count)", instructions_of) < 0 ||
        add_row(t, res, "tcb", "TCB components (count)", tcb_of) < 0)
        return -1;
    return 0;
}

CompareTable *compare_build(const json_t *const results[], size_t n, char *err,
                            size_t err_size)
{
    return compare_build_seeds(results, n, 1, err, err_size);
}

CompareTable *compare_build_seeds(const json_t *const results[], size_t n,
                                  size_t per_col, char *err, size_t err_size)
{
    if (n == 0 || per_col == 0) {
        hs_errorf(err, err_size, "compare: no results");
        return NULL;
    }
    CompareTable *t = calloc(1, sizeof *t);
    if (!t || !(t->approaches = calloc(n, sizeof *t->approaches)))
        goto oom;
    t->n_cols = n;
    t->per_col = per_col;
    for (size_t i = 0; i < n; i++) {
        const char *a = json_string_value(
            json_object_get(results[i * per_col], "approach"));
        if (!json_is_object(results[i * per_col]) || !a) {
            hs_errorf(err, err_size, "compare: results %zu has no \"approach\"",
                      i + 1);
            compare_free(t);
            return NULL;
        }
        if (!(t->approaches[i] = strdup(a)))
            goto oom;
    }
    if (build_rows(t, results) < 0)
        goto oom;
    return t;
oom:
    hs_errorf(err, err_size, "compare: out of memory");
    compare_free(t);
    return NULL;
}

void compare_free(CompareTable *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->approaches && i < t->n_cols; i++)
        free(t->approaches[i]);
    free(t->approaches);
    for (size_t i = 0; i < t->n_rows; i++) {
        free(t->rows[i].metric);
        free(t->rows[i].label);
        free(t->rows[i].cells);
    }
    free(t->rows);
    free(t);
}

size_t compare_rows(const CompareTable *t)
{
    return t->n_rows;
}

size_t compare_columns(const CompareTable *t)
{
    return t->n_cols;
}

const char *compare_row_metric(const CompareTable *t, size_t row)
{
    return t->rows[row].metric;
}

const char *compare_row_label(const CompareTable *t, size_t row)
{
    return t->rows[row].label;
}

const char *compare_cell(const CompareTable *t, size_t row, size_t col)
{
    return t->rows[row].cells[col].text;
}

/* Width of the label column and of column col. */
static size_t label_width(const CompareTable *t)
{
    size_t w = strlen("metric");
    for (size_t r = 0; r < t->n_rows; r++)
        if (strlen(t->rows[r].label) > w)
            w = strlen(t->rows[r].label);
    return w;
}

static size_t col_width(const CompareTable *t, size_t col)
{
    size_t w = strlen(t->approaches[col]);
    for (size_t r = 0; r < t->n_rows; r++)
        if (strlen(t->rows[r].cells[col].text) > w)
            w = strlen(t->rows[r].cells[col].text);
    return w;
}

int compare_print(const CompareTable *t, FILE *out)
{
    int lw = (int)label_width(t);
    fprintf(out, "%-*s", lw, "metric");
    for (size_t c = 0; c < t->n_cols; c++)
        fprintf(out, "  %*s", (int)col_width(t, c), t->approaches[c]);
    fputc('\n', out);
    for (int i = 0; i < lw; i++)
        fputc('-', out);
    for (size_t c = 0; c < t->n_cols; c++) {
        fputs("  ", out);
        for (size_t i = 0; i < col_width(t, c); i++)
            fputc('-', out);
    }
    fputc('\n', out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fprintf(out, "%-*s", lw, t->rows[r].label);
        for (size_t c = 0; c < t->n_cols; c++)
            fprintf(out, "  %*s", (int)col_width(t, c),
                    t->rows[r].cells[c].text);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}

static int write_csv(FILE *out, void *ctx, char *err, size_t err_size)
{
    const CompareTable *t = ctx;
    fputs("metric,label", out);
    for (size_t c = 0; c < t->n_cols; c++) {
        fputc(',', out);
        fmt_csv_field(out, t->approaches[c]);
        if (t->per_col > 1) {
            /* the mean's 95 % CI half-width and the seeds it is over */
            fputc(',', out);
            fmt_csv_field(out, t->approaches[c]);
            fputs(" ci95,", out);
            fmt_csv_field(out, t->approaches[c]);
            fputs(" n", out);
        }
    }
    fputc('\n', out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fmt_csv_field(out, t->rows[r].metric);
        fputc(',', out);
        fmt_csv_field(out, t->rows[r].label);
        for (size_t c = 0; c < t->n_cols; c++) {
            const Cell *cell = &t->rows[r].cells[c];
            fputc(',', out);
            fputs(cell->exact, out);
            if (t->per_col > 1)
                fprintf(out, ",%s,%zu", cell->ci_exact, cell->n);
        }
        fputc('\n', out);
    }
    return ferror(out) ? hs_errorf(err, err_size, "write failed") : 0;
}

/* A Markdown cell: '|' escaped. */
static void md_field(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', out);
        fputc(*s, out);
    }
}

static int write_md(FILE *out, void *ctx, char *err, size_t err_size)
{
    const CompareTable *t = ctx;
    fputs("| metric |", out);
    for (size_t c = 0; c < t->n_cols; c++) {
        fputc(' ', out);
        md_field(out, t->approaches[c]);
        fputs(" |", out);
    }
    fputs("\n|---|", out);
    for (size_t c = 0; c < t->n_cols; c++)
        fputs("---:|", out);
    fputc('\n', out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs("| ", out);
        md_field(out, t->rows[r].label);
        fputs(" |", out);
        for (size_t c = 0; c < t->n_cols; c++) {
            fputc(' ', out);
            md_field(out, t->rows[r].cells[c].text);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
    return ferror(out) ? hs_errorf(err, err_size, "write failed") : 0;
}

int compare_write_csv(const CompareTable *t, const char *path, char *err,
                      size_t err_size)
{
    return atomic_write_file(path, write_csv, (void *)t, err, err_size);
}

int compare_write_md(const CompareTable *t, const char *path, char *err,
                     size_t err_size)
{
    return atomic_write_file(path, write_md, (void *)t, err, err_size);
}
