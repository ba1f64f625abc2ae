/*
 * report.c - report.html with gnuplot plots (report.h).
 */
#include "out/report.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "out/atomic.h"
#include "out/trace_read.h"

#define REPORT_MAX_RUNS 64
#define REPORT_MAX_PLOTS 64
#define REPORT_MAX_SWEEP_PLOTS 16

typedef struct ReportRun {
    char label[600]; /* "hyp-mils", "ap-codec/native" */
    char dir[3072];
    json_t *res; /* results.json */
    bool has_trace;
} ReportRun;

typedef struct ReportPlot {
    char name[96];   /* file stem in report/ */
    char title[256]; /* section heading */
    char section[32];
} ReportPlot;

typedef struct Report {
    const char *dir;
    char out[1100]; /* DIR/report */
    ReportRun runs[REPORT_MAX_RUNS];
    size_t n_runs;
    json_t *summary; /* summary.json, or NULL */
    ReportPlot plots[REPORT_MAX_PLOTS];
    size_t n_plots;
    char *err;
    size_t err_size;
} Report;

static int rfail(Report *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int rfail(Report *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->err_size, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- finding runs -------------------------------------------------------- */

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int add_run(Report *r, const char *dir, const char *label)
{
    if (r->n_runs == REPORT_MAX_RUNS)
        return rfail(r, 2, "%s: more than %d runs", r->dir, REPORT_MAX_RUNS);
    char path[4096];
    snprintf(path, sizeof path, "%s/results.json", dir);
    json_error_t je;
    json_t *res = json_load_file(path, 0, &je);
    if (!res || !json_is_object(res)) {
        json_decref(res);
        return rfail(r, 2, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    }
    ReportRun *run = &r->runs[r->n_runs++];
    snprintf(run->label, sizeof run->label, "%s", label);
    snprintf(run->dir, sizeof run->dir, "%s", dir);
    run->res = res;
    char tp[4096];
    run->has_trace = trace_find(dir, tp, sizeof tp) == 0;
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted subdirectory names of dir (caller frees). */
static char **subdirs(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "report") == 0)
            continue;
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[(*n)++] = strdup(de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, name_cmp);
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int find_runs(Report *r)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/results.json", r->dir);
    if (is_file(p)) {
        int rc = add_run(r, r->dir, "run");
        if (rc == 0) {
            const char *ap =
                json_string_value(json_object_get(r->runs[0].res, "approach"));
            snprintf(r->runs[0].label, sizeof r->runs[0].label, "%s",
                     ap ? ap : "run");
        }
        return rc;
    }
    size_t n;
    char **names = subdirs(r->dir, &n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char sub[2048];
        snprintf(sub, sizeof sub, "%s/%s", r->dir, names[i]);
        snprintf(p, sizeof p, "%s/results.json", sub);
        if (is_file(p)) {
            rc = add_run(r, sub, names[i]);
            continue;
        }
        size_t m;
        char **inner = subdirs(sub, &m);
        for (size_t j = 0; j < m && rc == 0; j++) {
            char sub2[3072], label[600];
            snprintf(sub2, sizeof sub2, "%s/%s", sub, inner[j]);
            snprintf(p, sizeof p, "%s/results.json", sub2);
            snprintf(label, sizeof label, "%s/%s", names[i], inner[j]);
            if (is_file(p))
                rc = add_run(r, sub2, label);
        }
        free_names(inner, m);
    }
    free_names(names, n);
    return rc;
}

/* ---- writing data and scripts -------------------------------------------- */

static FILE *out_file(Report *r, const char *name, const char *ext)
{
    char p[1300];
    snprintf(p, sizeof p, "%s/%s.%s", r->out, name, ext);
    return fopen(p, "w");
}

/* gnuplot's quoting: a single-quoted string doubles its quotes. */
static void gp_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static FILE *gp_begin(Report *r, const char *name, const char *title,
                      const char *xlabel, const char *ylabel)
{
    FILE *f = out_file(r, name, "gp");
    if (!f)
        return NULL;
    fprintf(f, "# %s: edit and run `gnuplot %s.gp` here to redraw %s.svg\n",
            title, name, name);
    fprintf(f, "set terminal svg size 860,380 dynamic noenhanced "
               "font 'sans,11' background rgb 'white'\n");
    fprintf(f, "set output '%s.svg'\n", name);
    fprintf(f, "set title ");
    gp_str(f, title);
    fprintf(f, "\nset xlabel ");
    gp_str(f, xlabel);
    fprintf(f, "\nset ylabel ");
    gp_str(f, ylabel);
    fprintf(f, "\nset grid\nset key outside right top\n"
               "set datafile missing '-'\n");
    return f;
}

static int add_plot(Report *r, const char *name, const char *title,
                    const char *section)
{
    if (r->n_plots == REPORT_MAX_PLOTS)
        return 0;
    ReportPlot *p = &r->plots[r->n_plots++];
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->title, sizeof p->title, "%s", title);
    snprintf(p->section, sizeof p->section, "%s", section);
    return 0;
}

/* ---- power over time ----------------------------------------------------- */

typedef struct PowerScan {
    hs_time duration;
    char rails[32][48];
    double mw[32];
    size_t n_rails;
    hs_time last;               /* time of the last change applied */
    double total;               /* current sum of rails, mW */
    double bin_mj[REPORT_BINS]; /* mW x s per bin */
} PowerScan;

/* Adds total from the last change up to t into the bins. */
static void power_advance(PowerScan *s, hs_time t)
{
    if (t > s->duration)
        t = s->duration;
    while (s->last < t) {
        hs_time bin_ps = s->duration / REPORT_BINS;
        size_t b = (size_t)(s->last / bin_ps);
        if (b >= REPORT_BINS)
            b = REPORT_BINS - 1;
        hs_time end = (hs_time)(b + 1) * bin_ps;
        if (end > t || b == REPORT_BINS - 1)
            end = t;
        s->bin_mj[b] += s->total * (double)(end - s->last) / 1e12;
        s->last = end;
    }
}

static int power_event(void *ctx, json_t *ev)
{
    PowerScan *s = ctx;
    const char *name = json_string_value(json_object_get(ev, "name"));
    if (!name || json_integer_value(json_object_get(ev, "pid")) != 2 ||
        !json_object_get(json_object_get(ev, "args"), "mW"))
        return 0;
    double v =
        json_number_value(json_object_get(json_object_get(ev, "args"), "mW"));
    hs_time t = trace_event_ps(ev);
    size_t i = 0;
    while (i < s->n_rails && strcmp(s->rails[i], name) != 0)
        i++;
    if (i == s->n_rails) {
        if (s->n_rails == 32)
            return 0;
        snprintf(s->rails[s->n_rails++], sizeof s->rails[0], "%s", name);
    }
    /* changes come in time order but for vCPU-local stamps, which may
     * trail by a quantum: they are applied from the last time on */
    if (t > s->last)
        power_advance(s, t);
    s->total += v - s->mw[i];
    s->mw[i] = v;
    return 0;
}

static int plot_power(Report *r)
{
    size_t n_with = 0;
    for (size_t i = 0; i < r->n_runs; i++)
        n_with += r->runs[i].has_trace;
    if (n_with == 0)
        return 0;
    double *bins = calloc(r->n_runs * REPORT_BINS, sizeof *bins);
    if (!bins)
        return rfail(r, 1, "out of memory");
    double dur_s = 0;
    for (size_t i = 0; i < r->n_runs; i++) {
        ReportRun *run = &r->runs[i];
        double s = json_number_value(json_object_get(run->res, "sim_time_s"));
        if (s > dur_s)
            dur_s = s;
        if (!run->has_trace || s <= 0)
            continue;
        PowerScan *ps = calloc(1, sizeof *ps);
        if (!ps) {
            free(bins);
            return rfail(r, 1, "out of memory");
        }
        ps->duration = (hs_time)(s * 1e12 + 0.5);
        char tp[4096];
        trace_find(run->dir, tp, sizeof tp);
        static const char *const want[] = {"\"ph\":\"C\""};
        if (trace_read(tp, want, 1, power_event, ps, r->err, r->err_size) < 0) {
            free(ps);
            free(bins);
            return 2;
        }
        power_advance(ps, ps->duration);
        double bin_s = s / REPORT_BINS;
        for (size_t b = 0; b < REPORT_BINS; b++)
            bins[i * REPORT_BINS + b] = ps->bin_mj[b] / bin_s;
        free(ps);
    }
    FILE *d = out_file(r, "power", "dat");
    FILE *g = gp_begin(r, "power",
                       "Power over time (sum of every rail's power state)",
                       "simulated time (s)", "average power (mW)");
    if (!d || !g) {
        if (d)
            fclose(d);
        if (g)
            fclose(g);
        free(bins);
        return rfail(r, 1, "%s: cannot write the power plot", r->out);
    }
    fprintf(d, "# time_s");
    for (size_t i = 0; i < r->n_runs; i++)
        fprintf(d, " %s", r->runs[i].label);
    fprintf(d, "\n# mW averaged over %d bins of the run\n", REPORT_BINS);
    for (size_t b = 0; b < REPORT_BINS; b++) {
        fprintf(d, "%.9g", (b + 0.5) * dur_s / REPORT_BINS);
        for (size_t i = 0; i < r->n_runs; i++)
            if (r->runs[i].has_trace)
                fprintf(d, " %.9g", bins[i * REPORT_BINS + b]);
            else
                fprintf(d, " -");
        fputc('\n', d);
    }
    /* dashes tell apart runs that draw the same power */
    fprintf(g, "set xrange [0:%.9g]\nplot ", dur_s);
    size_t k = 0;
    for (size_t i = 0; i < r->n_runs; i++) {
        if (!r->runs[i].has_trace)
            continue;
        fprintf(g, "%s'power.dat' using 1:%zu with lines lw 2 dt %zu title ",
                k ? ", \\\n     " : "", i + 2, k + 1);
        k++;
        gp_str(g, r->runs[i].label);
    }
    fputc('\n', g);
    fclose(d);
    fclose(g);
    free(bins);
    return add_plot(r, "power", "Power over time", "power");
}

/* ---- latency CDFs -------------------------------------------------------- */

typedef struct LatScan {
    const char *metric;
    double *ms;
    size_t n, cap;
} LatScan;

static int lat_event(void *ctx, json_t *ev)
{
    LatScan *s = ctx;
    const char *name = json_string_value(json_object_get(ev, "name"));
    const char *cat = json_string_value(json_object_get(ev, "cat"));
    if (!name || !cat || strcmp(cat, "latency") || strcmp(name, s->metric))
        return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        double *nm = realloc(s->ms, s->cap * sizeof *nm);
        if (!nm)
            return -1;
        s->ms = nm;
    }
    s->ms[s->n++] =
        json_number_value(json_object_get(json_object_get(ev, "args"), "ms"));
    return 0;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void file_stem(char *buf, size_t size, const char *prefix,
                      const char *metric)
{
    size_t len = (size_t)snprintf(buf, size, "%s", prefix);
    for (const char *p = metric; *p && len + 1 < size; p++)
        buf[len++] =
            (char)((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p
                                                                        : '_');
    buf[len] = '\0';
}

static int plot_latency(Report *r, const char *metric)
{
    char stem[96], title[160];
    file_stem(stem, sizeof stem, "latency_", metric);
    snprintf(title, sizeof title, "%s: distribution (CDF)", metric);
    FILE *d = out_file(r, stem, "dat");
    FILE *g = gp_begin(r, stem, title, "latency (ms)", "fraction of samples");
    if (!d || !g) {
        if (d)
            fclose(d);
        if (g)
            fclose(g);
        return rfail(r, 1, "%s: cannot write %s", r->out, stem);
    }
    fprintf(g, "set yrange [0:1.02]\nset key outside right top\nplot ");
    size_t block = 0;
    for (size_t i = 0; i < r->n_runs; i++) {
        ReportRun *run = &r->runs[i];
        json_t *lat =
            json_object_get(json_object_get(run->res, "latency"), metric);
        if (!lat || json_integer_value(json_object_get(lat, "count")) == 0)
            continue;
        fprintf(d, "# %s\n", run->label);
        bool from_trace = false;
        if (run->has_trace) {
            LatScan s = {.metric = metric};
            char tp[4096];
            trace_find(run->dir, tp, sizeof tp);
            static const char *const want[] = {"\"cat\":\"latency\""};
            if (trace_read(tp, want, 1, lat_event, &s, r->err, r->err_size) <
                0) {
                free(s.ms);
                fclose(d);
                fclose(g);
                return 2;
            }
            if (s.n) {
                qsort(s.ms, s.n, sizeof *s.ms, dbl_cmp);
                fprintf(d, "%.9g 0\n", s.ms[0]); /* the step up from 0 */
                for (size_t k = 0; k < s.n; k++)
                    fprintf(d, "%.9g %.9g\n", s.ms[k], (double)(k + 1) / s.n);
                from_trace = true;
            }
            free(s.ms);
        }
        if (!from_trace) { /* the percentiles results.json keeps */
            static const char *const keys[] = {"p50_ms", "p95_ms", "p99_ms",
                                               "max_ms"};
            static const double fr[] = {0.5, 0.95, 0.99, 1.0};
            for (size_t k = 0; k < 4; k++)
                fprintf(d, "%.9g %.9g\n",
                        json_number_value(json_object_get(lat, keys[k])),
                        fr[k]);
        }
        fprintf(d, "\n\n");
        char t[700];
        snprintf(t, sizeof t, "%s%s", run->label,
                 from_trace ? "" : " (percentiles)");
        fprintf(g, "%s'%s.dat' index %zu using 1:2 with %s title ",
                block ? ", \\\n     " : "", stem, block,
                from_trace ? "steps lw 1.5" : "linespoints pt 7");
        gp_str(g, t);
        block++;
    }
    fputc('\n', g);
    fclose(d);
    fclose(g);
    if (block == 0)
        return 0;
    return add_plot(r, stem, title, "latency");
}

static int plot_latencies(Report *r)
{
    /* every latency name with samples in some run, in name order */
    json_t *names = json_object();
    for (size_t i = 0; i < r->n_runs; i++) {
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(r->runs[i].res, "latency"), k, v)
        {
            if (json_integer_value(json_object_get(v, "count")) > 0)
                json_object_set_new(names, k, json_true());
        }
    }
    const char **keys = calloc(json_object_size(names) + 1, sizeof *keys);
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(names, k, v)
    {
        keys[n++] = k;
    }
    qsort(keys, n, sizeof *keys, name_cmp);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = plot_latency(r, keys[i]);
    free(keys);
    json_decref(names);
    return rc;
}

/* ---- energy bars --------------------------------------------------------- */

static int plot_energy(Report *r, const char *key, const char *stem,
                       const char *title)
{
    json_t *names = json_object();
    for (size_t i = 0; i < r->n_runs; i++) {
        const char *k;
        json_t *v;
        json_t *by =
            json_object_get(json_object_get(r->runs[i].res, "energy"), key);
        json_object_foreach(by, k, v)
        {
            json_object_set_new(names, k, json_true());
        }
    }
    size_t n = json_object_size(names);
    if (n == 0) {
        json_decref(names);
        return 0;
    }
    const char **keys = calloc(n, sizeof *keys);
    size_t m = 0;
    const char *k;
    json_t *v;
    json_object_foreach(names, k, v)
    {
        keys[m++] = k;
    }
    qsort(keys, m, sizeof *keys, name_cmp);
    FILE *d = out_file(r, stem, "dat");
    FILE *g = gp_begin(r, stem, title, "", "energy (mJ)");
    if (!d || !g) {
        if (d)
            fclose(d);
        if (g)
            fclose(g);
        free(keys);
        json_decref(names);
        return rfail(r, 1, "%s: cannot write %s", r->out, stem);
    }
    fprintf(d, "# what");
    for (size_t i = 0; i < r->n_runs; i++)
        fprintf(d, " %s", r->runs[i].label);
    fputc('\n', d);
    for (size_t j = 0; j < m; j++) {
        fprintf(d, "\"%s\"", keys[j]);
        for (size_t i = 0; i < r->n_runs; i++) {
            json_t *x = json_object_get(
                json_object_get(json_object_get(r->runs[i].res, "energy"), key),
                keys[j]);
            if (json_is_number(x))
                fprintf(d, " %.9g", json_number_value(x));
            else
                fprintf(d, " -");
        }
        fputc('\n', d);
    }
    fprintf(g, "set style data histograms\nset style histogram clustered "
               "gap 1\nset style fill solid 0.85 border -1\nset boxwidth "
               "0.9\nset xtics rotate by -30\nset yrange [0:*]\nplot ");
    for (size_t i = 0; i < r->n_runs; i++) {
        fprintf(g, "%s'%s.dat' using %zu%s title ", i ? ", \\\n     " : "",
                stem, i + 2, i ? "" : ":xtic(1)");
        gp_str(g, r->runs[i].label);
    }
    fputc('\n', g);
    fclose(d);
    fclose(g);
    free(keys);
    json_decref(names);
    return add_plot(r, stem, title, "energy");
}

/* ---- sweep: means with confidence intervals ------------------------------ */

static bool sweep_metric_wanted(const char *m)
{
    size_t len = strlen(m);
    return (strncmp(m, "latency.", 8) == 0 && len > 7 &&
            strcmp(m + len - 7, ".p95_ms") == 0) ||
           strcmp(m, "energy.avg_power_mw") == 0 ||
           strcmp(m, "energy.battery_life_h") == 0 ||
           strcmp(m, "flows.violations") == 0 || strstr(m, "bits_per_s");
}

static json_t *group_metric(json_t *group, const char *metric)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(group, "metrics"), i, e)
    {
        const char *name = json_string_value(json_object_get(e, "metric"));
        if (name && strcmp(name, metric) == 0)
            return e;
    }
    return NULL;
}

static void group_series(json_t *group, char *buf, size_t size)
{
    const char *v = json_string_value(json_object_get(group, "variant"));
    const char *a = json_string_value(json_object_get(group, "approach"));
    if (v && strcmp(v, "default") != 0)
        snprintf(buf, size, "%s/%s", v, a ? a : "?");
    else
        snprintf(buf, size, "%s", a ? a : "?");
}

static bool has_string(const json_t *arr, const char *s)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (strcmp(json_string_value(json_array_get(arr, i)), s) == 0)
            return true;
    return false;
}

static int plot_sweep(Report *r)
{
    json_t *groups = json_object_get(r->summary, "groups");
    if (!json_is_array(groups))
        return rfail(r, 2, "%s/summary.json: no \"groups\" list", r->dir);
    /* series (variant/approach) and set-points, in order of appearance */
    json_t *series = json_array(), *points = json_array(),
           *metrics = json_array();
    size_t i;
    json_t *gr;
    json_array_foreach(groups, i, gr)
    {
        char s[128];
        group_series(gr, s, sizeof s);
        const char *p = json_string_value(json_object_get(gr, "setpoint"));
        if (!has_string(series, s))
            json_array_append_new(series, json_string(s));
        if (!has_string(points, p ? p : "base"))
            json_array_append_new(points, json_string(p ? p : "base"));
        size_t j;
        json_t *e;
        json_array_foreach(json_object_get(gr, "metrics"), j, e)
        {
            const char *m = json_string_value(json_object_get(e, "metric"));
            if (!m || !sweep_metric_wanted(m))
                continue;
            if (!has_string(metrics, m) &&
                json_array_size(metrics) < REPORT_MAX_SWEEP_PLOTS)
                json_array_append_new(metrics, json_string(m));
        }
    }
    int rc = 0;
    size_t mi;
    json_t *mv;
    json_array_foreach(metrics, mi, mv)
    {
        const char *metric = json_string_value(mv);
        char stem[96], title[200];
        file_stem(stem, sizeof stem, "sweep_", metric);
        snprintf(title, sizeof title, "%s: mean and 95%% CI over seeds",
                 metric);
        FILE *d = out_file(r, stem, "dat");
        FILE *g = gp_begin(r, stem, title, "set-point", metric);
        if (!d || !g) {
            if (d)
                fclose(d);
            if (g)
                fclose(g);
            rc = rfail(r, 1, "%s: cannot write %s", r->out, stem);
            break;
        }
        fprintf(d, "# setpoint, then per series: mean ci95_lo ci95_hi n\n");
        size_t pi;
        json_t *pv;
        json_array_foreach(points, pi, pv)
        {
            fprintf(d, "\"%s\"", json_string_value(pv));
            size_t si;
            json_t *sv;
            json_array_foreach(series, si, sv)
            {
                json_t *e = NULL;
                size_t gi;
                json_t *g2;
                json_array_foreach(groups, gi, g2)
                {
                    char s[128];
                    group_series(g2, s, sizeof s);
                    const char *p =
                        json_string_value(json_object_get(g2, "setpoint"));
                    if (!strcmp(s, json_string_value(sv)) &&
                        !strcmp(p ? p : "base", json_string_value(pv)))
                        e = group_metric(g2, metric);
                }
                json_t *mean = json_object_get(e, "mean");
                json_t *lo = json_object_get(e, "ci95_lo");
                json_t *hi = json_object_get(e, "ci95_hi");
                if (json_is_number(mean))
                    fprintf(
                        d, " %.9g %.9g %.9g %lld", json_number_value(mean),
                        json_is_number(lo) ? json_number_value(lo)
                                           : json_number_value(mean),
                        json_is_number(hi) ? json_number_value(hi)
                                           : json_number_value(mean),
                        (long long)json_integer_value(json_object_get(e, "n")));
                else
                    fprintf(d, " - - - 0");
            }
            fputc('\n', d);
        }
        fprintf(g, "set style data histograms\nset style histogram errorbars "
                   "gap 1 lw 1\nset style fill solid 0.8 border -1\n"
                   "set boxwidth 0.9\nset xtics rotate by -30\nplot ");
        size_t si;
        json_t *sv;
        json_array_foreach(series, si, sv)
        {
            size_t c = 2 + 4 * si;
            fprintf(g, "%s'%s.dat' using %zu:%zu:%zu%s title ",
                    si ? ", \\\n     " : "", stem, c, c + 1, c + 2,
                    si ? "" : ":xtic(1)");
            gp_str(g, json_string_value(sv));
        }
        fputc('\n', g);
        fclose(d);
        fclose(g);
        add_plot(r, stem, title, "sweep");
    }
    json_decref(series);
    json_decref(points);
    json_decref(metrics);
    return rc;
}

/* ---- gnuplot ------------------------------------------------------------- */

static int run_gnuplot(Report *r, const char *stem)
{
    pid_t pid = fork();
    if (pid < 0)
        return rfail(r, 1, "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(r->out) < 0)
            _exit(126);
        char script[128];
        snprintf(script, sizeof script, "%s.gp", stem);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return rfail(r, 1, "gnuplot: %s", strerror(errno));
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return rfail(r, 1,
                     "gnuplot is not installed (Debian: apt-get install "
                     "gnuplot-nox; ./configure --install-deps)");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return rfail(r, 1, "gnuplot failed on %s/%s.gp", r->out, stem);
    return 0;
}

/* ---- the page ------------------------------------------------------------ */

static void html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

/* The SVG inlined: no XML prolog or DOCTYPE, no namespace URLs (an HTML
 * page's inline <svg> needs none), xlink:href as plain href. */
static int inline_svg(FILE *out, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[size] = '\0';
    char *p = strstr(buf, "<svg");
    if (!p) {
        free(buf);
        return -1;
    }
    static const char *const drop[] = {
        " xmlns=\"http://www.w3.org/2000/svg\"",
        " xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
        "\n xmlns=\"http://www.w3.org/2000/svg\"",
        "\n xmlns:xlink=\"http://www.w3.org/1999/xlink\""};
    while (*p) {
        bool skipped = false;
        for (size_t k = 0; k < sizeof drop / sizeof drop[0]; k++) {
            size_t len = strlen(drop[k]);
            if (strncmp(p, drop[k], len) == 0) {
                p += len;
                skipped = true;
                break;
            }
        }
        if (skipped)
            continue;
        if (strncmp(p, "xlink:href", 10) == 0) {
            fputs("href", out);
            p += 10;
            continue;
        }
        fputc(*p++, out);
    }
    free(buf);
    return 0;
}

static void table_flows(FILE *f, Report *r)
{
    fputs("<h2 id=\"flows\">Information flows</h2>\n<p>Every transfer across "
          "a boundary, merged by source, label, sink, clearance, path and "
          "verdict (results.json <code>flows.explicit</code>). A violation "
          "is a transfer from a higher label to a lower sink that the "
          "approach's policy let through.</p>\n",
          f);
    fputs("<table><tr><th>run</th><th>from</th><th>label</th><th>to</th>"
          "<th>clearance</th><th>bytes</th><th>transfers</th><th>path</th>"
          "<th>verdict</th></tr>\n",
          f);
    for (size_t i = 0; i < r->n_runs; i++) {
        size_t k;
        json_t *e;
        json_array_foreach(
            json_object_get(json_object_get(r->runs[i].res, "flows"),
                            "explicit"),
            k, e)
        {
            const char *verdict =
                json_string_value(json_object_get(e, "verdict"));
            fprintf(f, "<tr%s><td>",
                    verdict && !strcmp(verdict, "violation")
                        ? " class=\"violation\""
                        : "");
            html_text(f, r->runs[i].label);
            static const char *const keys[] = {"from", "label", "to",
                                               "clearance"};
            for (size_t c = 0; c < 4; c++) {
                fputs("</td><td>", f);
                html_text(f, json_string_value(json_object_get(e, keys[c])));
            }
            fprintf(
                f,
                "</td><td class=\"n\">%lld</td><td class=\"n\">%lld"
                "</td><td>",
                (long long)json_integer_value(json_object_get(e, "bytes")),
                (long long)json_integer_value(json_object_get(e, "transfers")));
            html_text(f, json_string_value(json_object_get(e, "path")));
            fputs("</td><td>", f);
            html_text(f, verdict);
            fputs("</td></tr>\n", f);
        }
    }
    fputs("</table>\n", f);
}

static void table_covert(FILE *f, Report *r)
{
    fputs("<h2 id=\"covert\">Covert channels</h2>\n<p>Measured from what "
          "the receiving guest code decoded (results.json "
          "<code>flows.covert</code>).</p>\n",
          f);
    size_t rows = 0;
    for (size_t i = 0; i < r->n_runs; i++) {
        size_t k;
        json_t *e;
        json_array_foreach(
            json_object_get(json_object_get(r->runs[i].res, "flows"), "covert"),
            k, e)
        {
            if (rows++ == 0)
                fputs("<table><tr><th>run</th><th>channel</th><th>sender"
                      "</th><th>receiver</th><th>symbols</th><th>bit error "
                      "rate</th><th>bits per symbol</th><th>bits/s</th>"
                      "</tr>\n",
                      f);
            fputs("<tr><td>", f);
            html_text(f, r->runs[i].label);
            static const char *const keys[] = {"channel", "sender", "receiver"};
            for (size_t c = 0; c < 3; c++) {
                fputs("</td><td>", f);
                html_text(f, json_string_value(json_object_get(e, keys[c])));
            }
            fprintf(
                f,
                "</td><td class=\"n\">%lld</td><td class=\"n\">%.4g</td>"
                "<td class=\"n\">%.4g</td><td class=\"n\">%.4g</td></tr>\n",
                (long long)json_integer_value(json_object_get(e, "symbols")),
                json_number_value(json_object_get(e, "bit_error_rate")),
                json_number_value(
                    json_object_get(e, "mutual_info_bits_per_symbol")),
                json_number_value(json_object_get(e, "bits_per_s")));
        }
    }
    fputs(rows ? "</table>\n" : "<p>No covert channel in these runs.</p>\n", f);
}

static int write_page(FILE *f, void *ctx, char *err, size_t err_size)
{
    Report *r = ctx;
    const char *scen =
        r->n_runs
            ? json_string_value(json_object_get(r->runs[0].res, "scenario"))
            : json_string_value(json_object_get(r->summary, "scenario"));
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
          "'none'; style-src 'unsafe-inline'\">\n<title>handset report: ",
          f);
    html_text(f, scen ? scen : "?");
    fputs("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:"
          "70em;color:#222}table{border-collapse:collapse;margin:1em 0}"
          "td,th{border:1px solid #ccc;padding:2px 8px;font-size:90%}"
          "td.n{text-align:right}tr.violation td{background:#fdd}"
          "svg{max-width:100%;height:auto;display:block;margin:1em 0}"
          "code{background:#f4f4f4}</style></head><body>\n<h1>handset "
          "report: ",
          f);
    html_text(f, scen ? scen : "?");
    fputs("</h1>\n<p>Runs: ", f);
    for (size_t i = 0; i < r->n_runs; i++) {
        if (i)
            fputs(", ", f);
        html_text(f, r->runs[i].label);
        if (!r->runs[i].has_trace)
            fputs(" (no trace: power over time not drawn, latency "
                  "percentiles only)",
                  f);
    }
    if (r->summary)
        fputs(r->n_runs ? "; and a sweep summary (summary.json)"
                        : "a sweep summary (summary.json)",
              f);
    fputs(". Every plot's data (<code>.dat</code>) and gnuplot script "
          "(<code>.gp</code>) are in <code>report/</code> beside this "
          "page.</p>\n",
          f);
    static const char *const sections[][2] = {
        {"sweep", "Sweep: means with 95% confidence intervals"},
        {"power", "Power over time"},
        {"latency", "Latency distributions"},
        {"energy", "Energy"}};
    for (size_t s = 0; s < 4; s++) {
        bool any = false;
        for (size_t i = 0; i < r->n_plots; i++) {
            ReportPlot *p = &r->plots[i];
            if (strcmp(p->section, sections[s][0]) != 0)
                continue;
            if (!any)
                fprintf(f, "<h2 id=\"%s\">%s</h2>\n", sections[s][0],
                        sections[s][1]);
            any = true;
            char path[1300];
            snprintf(path, sizeof path, "%s/%s.svg", r->out, p->name);
            fprintf(f, "<figure id=\"%s\">\n", p->name);
            if (inline_svg(f, path) < 0) {
                snprintf(err, err_size, "%s: cannot read", path);
                return -1;
            }
            fprintf(f,
                    "<figcaption>report/%s.svg (data %s.dat, script "
                    "%s.gp)</figcaption></figure>\n",
                    p->name, p->name, p->name);
        }
    }
    if (r->n_runs) {
        table_flows(f, r);
        table_covert(f, r);
    }
    fputs("</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}

int report_write(const char *dir, char *err, size_t err_size)
{
    Report *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, err_size, "out of memory");
        return 1;
    }
    r->dir = dir;
    r->err = err;
    r->err_size = err_size;
    *err = '\0';
    int rc = find_runs(r);
    char p[4096];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    if (rc == 0 && is_file(p)) {
        json_error_t je;
        r->summary = json_load_file(p, 0, &je);
        if (!r->summary)
            rc = rfail(r, 2, "%s:%d:%d: %s", p, je.line, je.column, je.text);
    }
    if (rc == 0 && r->n_runs == 0 && !r->summary)
        rc = rfail(r, 2,
                   "%s: no run here (no results.json in it or its "
                   "subdirectories) and no summary.json",
                   dir);
    snprintf(r->out, sizeof r->out, "%s/report", dir);
    if (rc == 0 && mkdir(r->out, 0777) < 0 && errno != EEXIST)
        rc = rfail(r, 1, "cannot create %s: %s", r->out, strerror(errno));
    if (rc == 0 && r->summary)
        rc = plot_sweep(r);
    if (rc == 0 && r->n_runs) {
        rc = plot_power(r);
        if (rc == 0)
            rc = plot_latencies(r);
        if (rc == 0)
            rc = plot_energy(r, "by_component_mj", "energy_component",
                             "Energy by component");
        if (rc == 0)
            rc = plot_energy(r, "by_domain_mj", "energy_domain",
                             "Energy by domain (who caused it)");
    }
    for (size_t i = 0; rc == 0 && i < r->n_plots; i++)
        rc = run_gnuplot(r, r->plots[i].name);
    if (rc == 0) {
        snprintf(p, sizeof p, "%s/report.html", dir);
        if (atomic_write_file(p, write_page, r, err, err_size) < 0)
            rc = 1;
    }
    for (size_t i = 0; i < r->n_runs; i++)
        json_decref(r->runs[i].res);
    json_decref(r->summary);
    free(r);
    return rc;
}
