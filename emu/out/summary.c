/*
 * summary.c - a sweep's statistics over seeds: see summary.h.
 */
#include "out/summary.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/atomic.h"
#include "out/fmt.h"
#include "out/results.h"
#include "out/stats.h"
#include "sim/error.h"

/* A metric path and its values over the group's runs. */
typedef struct Metric {
    char *path;     /* owned */
    double *values; /* one per run with a value */
    size_t n;       /* entries */
} Metric;

typedef struct MetricList {
    Metric *items;
    size_t n, cap;
    size_t max_runs; /* capacity of each values array */
    bool oom;
} MetricList;

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncmp(s + len - n, suffix, n) == 0;
}

/* Unit of one path segment by its name, or NULL. */
static const char *unit_by_name(const char *seg, size_t len)
{
    static const struct {
        const char *suffix, *unit;
    } rules[] = {
        {"bits_per_s", "bit/s"},
        {"bits_per_symbol", "bit/symbol"},
        {"bit_error_rate", "fraction"},
        {"_ms", "ms"},
        {"_mj", "mJ"},
        {"_mw", "mW"},
        {"_pct", "%"},
        {"_h", "h"},
        {"_s", "s"},
        {"_bytes", "bytes"},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (ends_with(seg, len, rules[i].suffix))
            return rules[i].unit;
    return NULL;
}

const char *summary_unit(const char *metric)
{
    /* the last segment's name, else that of an enclosing "by_..." map
     * (energy.by_component_mj.krait.cpu0: component names hold dots),
     * else a count */
    const char *last = metric, *by = NULL;
    size_t last_len = 0, by_len = 0;
    for (const char *p = metric; *p;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        const char *br = memchr(p, '[', len);
        last = p;
        last_len = br ? (size_t)(br - p) : len;
        if (!by && strncmp(p, "by_", 3) == 0) {
            by = p;
            by_len = last_len;
        }
        p += len + (dot ? 1 : 0);
    }
    const char *u = unit_by_name(last, last_len);
    if (!u && by)
        u = unit_by_name(by, by_len);
    return u ? u : "count";
}

static Metric *metric_get(MetricList *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].path, path) == 0)
            return &l->items[i];
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 64;
        Metric *p = realloc(l->items, ncap * sizeof *p);
        if (!p)
            return NULL;
        l->items = p;
        l->cap = ncap;
    }
    Metric *m = &l->items[l->n];
    m->path = strdup(path);
    m->values = calloc(l->max_runs, sizeof *m->values);
    m->n = 0;
    if (!m->path || !m->values) {
        free(m->path);
        free(m->values);
        return NULL;
    }
    l->n++;
    return m;
}

static void collect(MetricList *l, const json_t *v, char *path, size_t len,
                    size_t cap)
{
    if (l->oom || len >= cap - 1)
        return;
    if (json_is_number(v)) {
        Metric *m = metric_get(l, path);
        if (!m) {
            l->oom = true;
            return;
        }
        if (m->n < l->max_runs) /* one value a run: a path is unique */
            m->values[m->n++] = json_number_value(v);
    } else if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach((json_t *)v, key, child)
        {
            int w =
                snprintf(path + len, cap - len, "%s%s", len ? "." : "", key);
            if (w > 0 && (size_t)w < cap - len)
                collect(l, child, path, len + (size_t)w, cap);
            path[len] = '\0';
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child)
        {
            int w = snprintf(path + len, cap - len, "[%zu]", i);
            if (w > 0 && (size_t)w < cap - len)
                collect(l, child, path, len + (size_t)w, cap);
            path[len] = '\0';
        }
    }
}

static void metrics_of_run(MetricList *l, const json_t *run)
{
    static const char *const sections[] = {"sim_time_s", "latency", "energy",
                                           "flows", "counts"};
    char path[1024];
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        const json_t *v = json_object_get(run, sections[s]);
        if (!v)
            continue;
        if (strcmp(sections[s], "flows") == 0) {
            /* the per-transfer list differs in shape between seeds */
            const char *key;
            json_t *child;
            json_object_foreach((json_t *)v, key, child)
            {
                if (strcmp(key, "explicit") == 0)
                    continue;
                int w = snprintf(path, sizeof path, "flows.%s", key);
                if (w > 0 && (size_t)w < sizeof path)
                    collect(l, child, path, (size_t)w, sizeof path);
            }
            continue;
        }
        snprintf(path, sizeof path, "%s", sections[s]);
        collect(l, v, path, strlen(path), sizeof path);
    }
}

static void metrics_free(MetricList *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].path);
        free(l->items[i].values);
    }
    free(l->items);
}

static json_t *real_or_null(double v, bool have)
{
    return have && isfinite(v) ? json_real(v) : json_null();
}

static json_t *group_json(const SummaryGroup *g)
{
    MetricList l = {.max_runs = g->n_runs ? g->n_runs : 1};
    for (size_t r = 0; r < g->n_runs; r++)
        metrics_of_run(&l, g->runs[r]);
    json_t *o = json_object(), *set = json_object(), *seeds = json_array(),
           *ms = json_array();
    bool ok = o && set && seeds && ms && !l.oom;
    for (size_t i = 0; ok && i < g->n_set; i++)
        ok = json_object_set_new(set, g->set_keys[i],
                                 json_string(g->set_values[i])) == 0;
    for (size_t i = 0; ok && i < g->n_runs; i++)
        ok = json_array_append_new(seeds, json_string(g->seeds[i])) == 0;
    for (size_t i = 0; ok && i < l.n; i++) {
        const Metric *m = &l.items[i];
        StatsSummary st = stats_summarise(m->values, m->n);
        bool two = st.n >= 2;
        json_t *e = json_object();
        ok = e && json_object_set_new(e, "metric", json_string(m->path)) == 0 &&
             json_object_set_new(e, "unit",
                                 json_string(summary_unit(m->path))) == 0 &&
             json_object_set_new(e, "n", json_integer((json_int_t)st.n)) == 0 &&
             json_object_set_new(e, "mean", real_or_null(st.mean, st.n > 0)) ==
                 0 &&
             json_object_set_new(e, "sd", real_or_null(st.sd, two)) == 0 &&
             json_object_set_new(
                 e, "ci95_lo", real_or_null(st.mean - st.ci_half, two)) == 0 &&
             json_object_set_new(
                 e, "ci95_hi", real_or_null(st.mean + st.ci_half, two)) == 0 &&
             json_array_append_new(ms, e) == 0;
    }
    metrics_free(&l);
    if (ok)
        ok =
            json_object_set_new(o, "variant", json_string(g->variant)) == 0 &&
            json_object_set_new(o, "approach", json_string(g->approach)) == 0 &&
            json_object_set_new(o, "setpoint", json_string(g->setpoint)) == 0 &&
            json_object_set(o, "set", set) == 0 &&
            json_object_set(o, "seeds", seeds) == 0 &&
            json_object_set(o, "metrics", ms) == 0;
    json_decref(set);
    json_decref(seeds);
    json_decref(ms);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *summary_build(const char *scenario, const SummaryGroup *groups,
                      size_t n)
{
    json_t *root = json_object(), *arr = json_array();
    bool ok =
        root && arr &&
        json_object_set_new(root, "format", json_string("handset-summary/1")) ==
            0 &&
        json_object_set_new(root, "scenario", json_string(scenario)) == 0 &&
        json_object_set_new(root, "confidence", json_real(0.95)) == 0 &&
        json_object_set_new(
            root, "interval",
            json_string("mean +- t(0.975, n-1) sd / sqrt(n), over "
                        "seeds")) == 0;
    for (size_t i = 0; ok && i < n; i++) {
        json_t *g = group_json(&groups[i]);
        ok = g && json_array_append_new(arr, g) == 0;
    }
    ok = ok && json_object_set(root, "groups", arr) == 0;
    json_decref(arr);
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* A number as the CSV keeps it (12 significant digits), "" for null. */
static void num_text(const json_t *v, char *buf, size_t size)
{
    if (json_is_integer(v))
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
    else if (json_is_number(v))
        snprintf(buf, size, "%.12g", json_number_value(v));
    else
        buf[0] = '\0';
}

static int write_csv(FILE *out, void *ctx, char *err, size_t err_size)
{
    const json_t *root = ctx;
    fputs("variant,approach,setpoint,metric,unit,n,mean,sd,ci95_lo,ci95_hi\n",
          out);
    size_t gi, mi;
    json_t *g, *m;
    json_array_foreach(json_object_get(root, "groups"), gi, g)
    {
        json_array_foreach(json_object_get(g, "metrics"), mi, m)
        {
            static const char *const strs[] = {"variant", "approach",
                                               "setpoint"};
            for (size_t i = 0; i < 3; i++) {
                fmt_csv_field(out,
                              json_string_value(json_object_get(g, strs[i])));
                fputc(',', out);
            }
            fmt_csv_field(out, json_string_value(json_object_get(m, "metric")));
            fputc(',', out);
            fmt_csv_field(out, json_string_value(json_object_get(m, "unit")));
            static const char *const nums[] = {"n", "mean", "sd", "ci95_lo",
                                               "ci95_hi"};
            for (size_t i = 0; i < 5; i++) {
                char buf[64];
                num_text(json_object_get(m, nums[i]), buf, sizeof buf);
                fprintf(out, ",%s", buf);
            }
            fputc('\n', out);
        }
    }
    return ferror(out) ? hs_errorf(err, err_size, "write failed") : 0;
}

/* A number rounded for reading, "-" for null. */
static void read_text(const json_t *v, char *buf, size_t size)
{
    if (!json_is_number(v)) {
        snprintf(buf, size, "-");
        return;
    }
    if (json_is_integer(v))
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
    else
        fmt_reading(buf, size, json_number_value(v));
}

static int write_md(FILE *out, void *ctx, char *err, size_t err_size)
{
    const json_t *root = ctx;
    fprintf(out,
            "# Sweep of %s\n\n"
            "Mean over seeds with the 95 %% confidence interval of the mean "
            "(Student t, n - 1 degrees of freedom); n is the number of seeds "
            "with a value.\n",
            json_string_value(json_object_get(root, "scenario")));
    size_t gi, mi;
    json_t *g, *m;
    json_array_foreach(json_object_get(root, "groups"), gi, g)
    {
        fprintf(out, "\n## %s, %s, %s\n\n",
                json_string_value(json_object_get(g, "variant")),
                json_string_value(json_object_get(g, "approach")),
                json_string_value(json_object_get(g, "setpoint")));
        fputs("| metric | unit | n | mean | sd | 95 % CI |\n"
              "|---|---|---:|---:|---:|---|\n",
              out);
        json_array_foreach(json_object_get(g, "metrics"), mi, m)
        {
            char mean[40], sd[40], lo[40], hi[40];
            read_text(json_object_get(m, "mean"), mean, sizeof mean);
            read_text(json_object_get(m, "sd"), sd, sizeof sd);
            read_text(json_object_get(m, "ci95_lo"), lo, sizeof lo);
            read_text(json_object_get(m, "ci95_hi"), hi, sizeof hi);
            fprintf(out, "| %s | %s | %lld | %s | %s | ",
                    json_string_value(json_object_get(m, "metric")),
                    json_string_value(json_object_get(m, "unit")),
                    (long long)json_integer_value(json_object_get(m, "n")),
                    mean, sd);
            if (json_is_number(json_object_get(m, "ci95_lo")))
                fprintf(out, "%s to %s |\n", lo, hi);
            else
                fputs("- |\n", out);
        }
    }
    return ferror(out) ? hs_errorf(err, err_size, "write failed") : 0;
}

int summary_write(const json_t *summary, const char *dir, char *err,
                  size_t err_size)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    if (results_write_json(summary, path, err, err_size) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (atomic_write_file(path, write_csv, (void *)summary, err, err_size) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/summary.md", dir);
    return atomic_write_file(path, write_md, (void *)summary, err, err_size);
}
