/*
 * check.c - metric paths, expect assertions and baseline comparison over
 * results.json files: see check.h.
 */
#include "out/check.h"
#include "sim/error.h"

#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "out/results.h"
#include "config/json.h"

#define PATH_BUF 1024 /* longest metric path reported */

/* ---- sets of results files ---------------------------------------------- */

void check_set_init(CheckSet *s)
{
    memset(s, 0, sizeof *s);
}

void check_set_free(CheckSet *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->runs[i].file);
        free(s->runs[i].variant);
        free(s->runs[i].approach);
        json_decref(s->runs[i].root);
    }
    free(s->runs);
    check_set_init(s);
}

const CheckRun *check_set_find(const CheckSet *s, const char *variant,
                               const char *approach)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->runs[i].variant, variant) == 0 &&
            strcmp(s->runs[i].approach, approach) == 0)
            return &s->runs[i];
    return NULL;
}

/* A run as outcome lines name it: "approach", or "variant/approach" for a
 * variant other than the default one. */
static const char *run_label(const CheckRun *r, char *buf, size_t size)
{
    if (strcmp(r->variant, CHECK_DEFAULT_VARIANT) == 0)
        snprintf(buf, size, "%s", r->approach);
    else
        snprintf(buf, size, "%s/%s", r->variant, r->approach);
    return buf;
}

static int load_file(CheckSet *s, const char *file, char *err, size_t err_size)
{
    JsonDoc *doc = json_doc_load_file(file, err, err_size);
    if (!doc)
        return -1;
    const char *format, *approach, *variant = CHECK_DEFAULT_VARIANT;
    if (json_expect_object(doc, doc->root, "") < 0 ||
        json_get_string(doc, doc->root, "", "format", &format) < 0)
        goto fail;
    if (strcmp(format, RESULTS_FORMAT) != 0) {
        json_fail(doc, "format", "expected \"%s\" (got \"%s\")", RESULTS_FORMAT,
                  format);
        goto fail;
    }
    if (json_get_string(doc, doc->root, "", "approach", &approach) < 0)
        goto fail;
    if (!*approach) {
        json_fail(doc, "approach", "must not be empty");
        goto fail;
    }
    /* Files written before results named their variant are of the
     * scenario's only one. */
    if (json_has_key(doc->root, "variant") &&
        json_get_string(doc, doc->root, "", "variant", &variant) < 0)
        goto fail;
    if (!*variant) {
        json_fail(doc, "variant", "must not be empty");
        goto fail;
    }
    const CheckRun *dup = check_set_find(s, variant, approach);
    if (dup) {
        json_fail(doc, "approach",
                  "variant \"%s\", approach \"%s\" is already given by %s",
                  variant, approach, dup->file);
        goto fail;
    }
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 8;
        CheckRun *p = realloc(s->runs, ncap * sizeof *p);
        if (!p)
            goto oom;
        s->runs = p;
        s->cap = ncap;
    }
    CheckRun *r = &s->runs[s->n];
    r->file = strdup(file);
    r->variant = strdup(variant);
    r->approach = strdup(approach);
    if (!r->file || !r->variant || !r->approach) {
        free(r->file);
        free(r->variant);
        free(r->approach);
        goto oom;
    }
    r->root = json_incref(doc->root);
    s->n++;
    json_doc_free(doc);
    return 0;
oom:
    json_doc_free(doc);
    return hs_errorf(err, err_size, "%s: out of memory", file);
fail:
    hs_errorf(err, err_size, "%s", json_doc_error(doc));
    json_doc_free(doc);
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A growing list of paths. */
typedef struct PathList {
    char **items; /* (owned) */
    size_t n;     /* used */
    size_t cap;   /* allocated */
} PathList;

static void path_list_free(PathList *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int path_list_add(PathList *l, const char *path)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        char **p = realloc(l->items, ncap * sizeof *p);
        if (!p)
            return -1;
        l->items = p;
        l->cap = ncap;
    }
    if (!(l->items[l->n] = strdup(path)))
        return -1;
    l->n++;
    return 0;
}

/* The subdirectories of dir (not hidden), full paths in name order. */
static int subdirs(const char *dir, PathList *out, char *err, size_t err_size)
{
    DIR *d = opendir(dir);
    if (!d)
        return hs_errorf(err, err_size, "%s: %s", dir, strerror(errno));
    char buf[4096];
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int len = snprintf(buf, sizeof buf, "%s/%s", dir, e->d_name);
        if (len < 0 || (size_t)len >= sizeof buf || stat(buf, &st) != 0 ||
            !S_ISDIR(st.st_mode))
            continue;
        if (path_list_add(out, buf) < 0) {
            closedir(d);
            return hs_errorf(err, err_size, "%s: out of memory", dir);
        }
    }
    closedir(d);
    if (out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, cmp_str);
    return 0;
}

/* Adds dir/results.json if there is one and returns 1, else 0. */
static int add_own(CheckSet *s, const char *dir, char *err, size_t err_size)
{
    char buf[4096];
    int len = snprintf(buf, sizeof buf, "%s/results.json", dir);
    if (len < 0 || (size_t)len >= sizeof buf || !is_file(buf))
        return 0;
    return load_file(s, buf, err, err_size) < 0 ? -1 : 1;
}

/* Adds dir/results.json, then for each subdirectory in name order its
 * results.json, or when it has none those of its own subdirectories:
 * run/compare write DIR/<approach>/ for one variant and
 * DIR/<variant>/<approach>/ for several. */
static int load_dir(CheckSet *s, const char *dir, char *err, size_t err_size)
{
    PathList subs = {0};
    size_t before = s->n;
    int rc = add_own(s, dir, err, err_size);
    if (rc >= 0)
        rc = subdirs(dir, &subs, err, err_size);
    for (size_t i = 0; rc >= 0 && i < subs.n; i++) {
        rc = add_own(s, subs.items[i], err, err_size);
        if (rc != 0)
            continue;
        PathList inner = {0};
        rc = subdirs(subs.items[i], &inner, err, err_size);
        for (size_t j = 0; rc >= 0 && j < inner.n; j++)
            rc = add_own(s, inner.items[j], err, err_size);
        path_list_free(&inner);
    }
    path_list_free(&subs);
    if (rc < 0)
        return -1;
    if (s->n == before)
        return hs_errorf(err, err_size,
                         "%s: no results.json in it or in its "
                         "subdirectories (one or two levels down)",
                         dir);
    return 0;
}

int check_set_add(CheckSet *s, const char *path, char *err, size_t err_size)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return hs_errorf(err, err_size, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return load_dir(s, path, err, err_size);
    return load_file(s, path, err, err_size);
}

/* ---- metric paths ---------------------------------------------------------
 */

static const char *const latency_stat_keys[] = {
    "count", "p50_ms", "p95_ms", "p99_ms", "max_ms", NULL,
};
static const char *const energy_keys[] = {
    "total_mj", "avg_power_mw", "battery_life_h", "ap_awake_pct", NULL,
};
static const char *const count_keys[] = {
    "syscalls",        "hypercalls",        "smcs",         "mmio_traps",
    "vm_switches",     "world_switches",    "copies_bytes", "task_switches",
    "voice_up_frames", "voice_down_frames", NULL,
};
static const char *const explicit_keys[] = {"bytes", "transfers", NULL};
static const char *const covert_keys[] = {
    "symbols",        "symbol_period_ms",
    "bit_error_rate", "mutual_info_bits_per_symbol",
    "bits_per_s",     NULL,
};

static bool in_list(const char *s, const char *const list[])
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* "a, b or c" into buf. */
static const char *list_text(const char *const list[], char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; list[i]; i++) {
        const char *sep = i == 0 ? "" : list[i + 1] ? ", " : " or ";
        int n = snprintf(buf + used, size - used, "%s%s", sep, list[i]);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "[N].key" after a list name: checks the index and key. */
static int check_indexed(const char *metric, const char *rest, const char *list,
                         const char *const keys[], char *err, size_t err_size)
{
    char names[256];
    const char *p = rest;
    if (*p != '[' || p[1] < '0' || p[1] > '9')
        return hs_errorf(err, err_size,
                         "unknown metric \"%s\": %s needs an index, e.g. "
                         "%s[0].%s",
                         metric, list, list, keys[0]);
    p++;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p[0] != ']' || p[1] != '.' || !in_list(p + 2, keys))
        return hs_errorf(err, err_size,
                         "unknown metric \"%s\": an element of %s has %s",
                         metric, list, list_text(keys, names, sizeof names));
    return 0;
}

int check_metric_valid(const char *metric, char *err, size_t err_size)
{
    char names[256];
    if (strcmp(metric, "sim_time_s") == 0 || strcmp(metric, "seed") == 0)
        return 0;
    if (has_prefix(metric, "latency.")) {
        const char *rest = metric + 8;
        const char *dot = strrchr(rest, '.');
        if (!dot || dot == rest)
            return hs_errorf(err, err_size,
                             "unknown metric \"%s\": expected "
                             "latency.<name>.<statistic>, e.g. "
                             "latency.call.ring.p95_ms",
                             metric);
        if (!in_list(dot + 1, latency_stat_keys))
            return hs_errorf(err, err_size,
                             "unknown metric \"%s\": a latency statistic is "
                             "%s",
                             metric,
                             list_text(latency_stat_keys, names, sizeof names));
        return 0;
    }
    if (has_prefix(metric, "energy.")) {
        const char *rest = metric + 7;
        if (in_list(rest, energy_keys))
            return 0;
        if ((has_prefix(rest, "by_component_mj.") && rest[16]) ||
            (has_prefix(rest, "by_domain_mj.") && rest[13]))
            return 0;
        return hs_errorf(err, err_size,
                         "unknown metric \"%s\": energy has %s, "
                         "by_component_mj.<component> or "
                         "by_domain_mj.<domain>",
                         metric, list_text(energy_keys, names, sizeof names));
    }
    if (has_prefix(metric, "counts.")) {
        const char *rest = metric + 7;
        if (in_list(rest, count_keys) ||
            (has_prefix(rest, "instructions.") && rest[13]) ||
            (has_prefix(rest, "gpu_units.") && rest[10]) ||
            (has_prefix(rest, "phone.") && rest[6]))
            return 0;
        return hs_errorf(err, err_size,
                         "unknown metric \"%s\": counts has %s, "
                         "instructions.<domain>, gpu_units.<domain> or "
                         "phone.<outcome>",
                         metric, list_text(count_keys, names, sizeof names));
    }
    if (has_prefix(metric, "flows.")) {
        const char *rest = metric + 6;
        if (strcmp(rest, "violations") == 0 || strcmp(rest, "blocked") == 0 ||
            strcmp(rest, "declassified") == 0)
            return 0;
        if (has_prefix(rest, "explicit"))
            return check_indexed(metric, rest + 8, "flows.explicit",
                                 explicit_keys, err, err_size);
        if (has_prefix(rest, "covert"))
            return check_indexed(metric, rest + 6, "flows.covert", covert_keys,
                                 err, err_size);
        return hs_errorf(
            err, err_size,
            "unknown metric \"%s\": flows has violations, "
            "blocked, declassified, explicit[N].<field> or covert[N].<field>",
            metric);
    }
    return hs_errorf(err, err_size,
                     "unknown metric \"%s\": a metric starts with sim_time_s, "
                     "seed, latency., energy., flows. or counts.",
                     metric);
}

int check_resolve(const json_t *root, const char *metric, const json_t **out,
                  char *err, size_t err_size)
{
    const json_t *cur = root;
    const char *p = metric;
    size_t done = 0; /* length of the part of metric already matched */
    while (*p) {
        if (json_is_array(cur)) {
            char *end;
            if (*p != '[' || p[1] < '0' || p[1] > '9')
                return hs_errorf(err, err_size,
                                 "%.*s is a list: expected [N] after it",
                                 (int)done, metric);
            unsigned long long i = strtoull(p + 1, &end, 10);
            if (*end != ']')
                return hs_errorf(err, err_size, "%s: bad index", metric);
            if (i >= json_array_size(cur))
                return hs_errorf(err, err_size,
                                 "%.*s has %zu element(s), no [%llu]",
                                 (int)done, metric, json_array_size(cur), i);
            cur = json_array_get(cur, (size_t)i);
            p = end + 1;
        } else if (json_is_object(cur)) {
            const char *key, *best = NULL;
            const json_t *value, *best_value = NULL;
            size_t best_len = 0;
            json_object_foreach((json_t *)cur, key, value)
            {
                /* p[len] is read only once p is known to be that long */
                size_t len = strlen(key);
                if (len > best_len && strncmp(p, key, len) == 0 &&
                    (p[len] == '\0' || p[len] == '.' || p[len] == '['))
                    best = key, best_len = len, best_value = value;
            }
            if (!best && done == 0)
                return hs_errorf(err, err_size, "no \"%s\" in the file", p);
            if (!best)
                return hs_errorf(err, err_size, "no \"%s\" under %.*s", p,
                                 (int)done, metric);
            cur = best_value;
            p += best_len;
        } else {
            return hs_errorf(err, err_size, "%.*s is not an object or list",
                             (int)done, metric);
        }
        done = (size_t)(p - metric);
        if (*p == '.') {
            p++;
            if (!*p)
                return hs_errorf(err, err_size, "%s: ends with '.'", metric);
        }
    }
    *out = cur;
    return 0;
}

/* ---- reports ---------------------------------------------------------------
 */

void check_report_init(CheckReport *r)
{
    memset(r, 0, sizeof *r);
}

void check_report_free(CheckReport *r)
{
    free(r->text);
    check_report_init(r);
}

static int report_line(CheckReport *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends one formatted line (a newline is added). */
static int report_line(CheckReport *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    size_t need = r->len + (size_t)n + 2;
    if (need > r->cap) {
        size_t ncap = r->cap ? r->cap : 256;
        while (ncap < need)
            ncap *= 2;
        char *p = realloc(r->text, ncap);
        if (!p)
            return -1;
        r->text = p;
        r->cap = ncap;
    }
    va_start(ap, fmt);
    vsnprintf(r->text + r->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->len += (size_t)n;
    r->text[r->len++] = '\n';
    r->text[r->len] = '\0';
    return 0;
}

/* A number as messages show it. */
static const char *num(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.12g", v);
    return buf;
}

/* ---- expect -----------------------------------------------------------------
 */

static const char *const op_names[] = {"<", "<=", ">", ">=", "==", "!=", NULL};

const char *check_op_name(CheckOp op)
{
    return op <= CHECK_NE ? op_names[op] : "?";
}

void check_expect_list_init(CheckExpectList *l)
{
    memset(l, 0, sizeof *l);
}

static void expect_free(CheckExpect *e)
{
    free((char *)e->where);
    free((char *)e->metric);
    free((char *)e->approach);
    free((char *)e->variant);
    free((char *)e->than_metric);
    free((char *)e->than_approach);
    free((char *)e->than_variant);
}

void check_expect_list_free(CheckExpectList *l)
{
    for (size_t i = 0; i < l->n; i++)
        expect_free(&l->items[i]);
    free(l->items);
    check_expect_list_init(l);
}

/* strdup that keeps NULL; sets *oom when a copy fails. */
static const char *dup_opt(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

int check_expect_add(CheckExpectList *l, const CheckExpect *e)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        CheckExpect *p = realloc(l->items, ncap * sizeof *p);
        if (!p)
            return -1;
        l->items = p;
        l->cap = ncap;
    }
    bool oom = false;
    CheckExpect c = *e;
    c.where = dup_opt(e->where ? e->where : "?", &oom);
    c.metric = dup_opt(e->metric, &oom);
    c.approach = dup_opt(e->approach ? e->approach : CHECK_ANY, &oom);
    c.variant = dup_opt(e->variant, &oom);
    c.than_metric = dup_opt(e->than_metric ? e->than_metric : e->metric, &oom);
    c.than_approach = dup_opt(e->than_approach, &oom);
    c.than_variant = dup_opt(e->than_variant, &oom);
    if (oom || !c.metric || (c.relative && !c.than_approach)) {
        expect_free(&c);
        return -1;
    }
    l->items[l->n++] = c;
    return 0;
}

static bool compare(double a, CheckOp op, double b)
{
    switch (op) {
    case CHECK_LT:
        return a < b;
    case CHECK_LE:
        return a <= b;
    case CHECK_GT:
        return a > b;
    case CHECK_GE:
        return a >= b;
    case CHECK_EQ:
        return a == b;
    case CHECK_NE:
        return a != b;
    }
    return false;
}

/* Reads metric from run as a number; on failure says why in why. */
static int number_of(const CheckRun *run, const char *metric, double *out,
                     char *why, size_t why_size)
{
    const json_t *v;
    char err[CHECK_ERR_MAX];
    if (check_resolve(run->root, metric, &v, err, sizeof err) < 0)
        return hs_errorf(why, why_size, "not in %s (%s)", run->file, err);
    if (json_is_null(v))
        return hs_errorf(why, why_size, "has no value (null) in %s", run->file);
    if (!json_is_number(v))
        return hs_errorf(why, why_size, "is not a number in %s", run->file);
    *out = json_number_value(v);
    return 0;
}

/* Evaluates e on run, against other for the relative form (NULL for the
 * absolute one): one outcome line. */
static int eval_one(const CheckExpect *e, const CheckRun *run,
                    const CheckRun *other, CheckReport *rep)
{
    char why[CHECK_ERR_MAX], a[32], b[32], f[32], bound_text[400];
    char left[128], right[128];
    double value, bound;
    const char *op = check_op_name(e->op);
    run_label(run, left, sizeof left);
    if (number_of(run, e->metric, &value, why, sizeof why) < 0) {
        rep->failed++;
        return report_line(rep, "FAIL  %s  %s %s  [%s]", left, e->metric, why,
                           e->where);
    }
    if (other) {
        double base;
        run_label(other, right, sizeof right);
        if (number_of(other, e->than_metric, &base, why, sizeof why) < 0) {
            rep->failed++;
            return report_line(rep, "FAIL  %s  %s of %s %s  [%s]", left,
                               e->than_metric, right, why, e->where);
        }
        bound = e->factor * base;
        /* The right side's metric is named only when it differs. */
        bool same = strcmp(e->than_metric, e->metric) == 0;
        snprintf(bound_text, sizeof bound_text, "%s x %s%s%s %s = %s",
                 num(e->factor, f, sizeof f), right, same ? "" : " ",
                 same ? "" : e->than_metric, num(base, a, sizeof a),
                 num(bound, b, sizeof b));
    } else {
        bound = e->value;
        num(bound, bound_text, sizeof bound_text);
    }
    if (compare(value, e->op, bound)) {
        rep->passed++;
        return report_line(rep, "PASS  %s  %s = %s (%s %s)", left, e->metric,
                           num(value, a, sizeof a), op, bound_text);
    }
    rep->failed++;
    return report_line(rep, "FAIL  %s  %s = %s, expected %s %s  [%s]", left,
                       e->metric, num(value, a, sizeof a), op, bound_text,
                       e->where);
}

static bool is_any(const char *approach)
{
    return strcmp(approach, CHECK_ANY) == 0;
}

/* Whether run is on the left side of e. */
static bool left_match(const CheckExpect *e, const CheckRun *run)
{
    if (e->variant && strcmp(run->variant, e->variant) != 0)
        return false;
    if (!is_any(e->approach))
        return strcmp(run->approach, e->approach) == 0;
    /* "*" against a named approach: every one but that one */
    return !e->relative || is_any(e->than_approach) ||
           strcmp(run->approach, e->than_approach) != 0;
}

/* Whether other is a right side of e for the left run. */
static bool right_match(const CheckExpect *e, const CheckRun *run,
                        const CheckRun *other)
{
    const char *variant = e->than_variant ? e->than_variant : run->variant;
    if (strcmp(other->variant, variant) != 0)
        return false;
    if (is_any(e->than_approach))
        return strcmp(other->approach, run->approach) != 0;
    return strcmp(other->approach, e->than_approach) == 0;
}

/* "approach A in variant V": what a side of e asks for, for messages. */
static const char *side_text(const char *approach, const char *variant,
                             char *buf, size_t size)
{
    int n =
        snprintf(buf, size, "%s", is_any(approach) ? "any approach" : approach);
    if (variant && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " in variant %s", variant);
    return buf;
}

/* Evaluates a relative e for the left run against each right side; a
 * left run with none fails. */
static int eval_relative(const CheckRun *run, const CheckSet *runs,
                         const CheckExpect *e, CheckReport *rep)
{
    size_t done = 0;
    for (size_t j = 0; j < runs->n; j++) {
        if (!right_match(e, run, &runs->runs[j]))
            continue;
        if (eval_one(e, run, &runs->runs[j], rep) < 0)
            return -1;
        done++;
    }
    if (done > 0)
        return 0;
    char left[128], want[256];
    rep->failed++;
    return report_line(
        rep, "FAIL  %s  %s: no results for %s to compare with  [%s]",
        run_label(run, left, sizeof left), e->metric,
        side_text(e->than_approach,
                  e->than_variant ? e->than_variant : run->variant, want,
                  sizeof want),
        e->where);
}

/* Evaluates one assertion on every run of its left side. */
static int eval_expect(const CheckSet *runs, const CheckExpect *e,
                       CheckReport *rep)
{
    size_t done = 0;
    for (size_t j = 0; j < runs->n; j++) {
        const CheckRun *run = &runs->runs[j];
        if (!left_match(e, run))
            continue;
        int rc = e->relative ? eval_relative(run, runs, e, rep)
                             : eval_one(e, run, NULL, rep);
        if (rc < 0)
            return -1;
        done++;
    }
    if (done > 0)
        return 0;
    char want[256];
    rep->failed++;
    return report_line(
        rep, "FAIL  %s  %s: no results for %s  [%s]", e->approach, e->metric,
        side_text(e->approach, e->variant, want, sizeof want), e->where);
}

int check_expect_eval(const CheckSet *runs, const CheckExpectList *l,
                      CheckReport *rep)
{
    for (size_t i = 0; i < l->n; i++)
        if (eval_expect(runs, &l->items[i], rep) < 0)
            return -1;
    return 0;
}

/* ---- baseline ------------------------------------------------------------ */

/* State of one baseline walk. */
typedef struct Diff {
    CheckReport *rep;     /* where lines go */
    const char *run;      /* label of the run being compared */
    double tolerance_pct; /* allowed relative change, percent */
    unsigned failed;      /* failures in this run */
    unsigned passed;      /* leaves within tolerance */
    bool oom;             /* a line could not be added */
} Diff;

static void diff_line(Diff *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void diff_line(Diff *d, const char *path, const char *fmt, ...)
{
    char msg[CHECK_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->failed++;
    if (report_line(d->rep, "FAIL  %s  %s: %s", d->run,
                    *path ? path : "(top level)", msg) < 0)
        d->oom = true;
}

/* A short text of a value for messages. */
static const char *value_text(const json_t *v, char *buf, size_t size)
{
    if (json_is_number(v))
        return num(json_number_value(v), buf, size);
    if (json_is_string(v)) {
        snprintf(buf, size, "\"%s\"", json_string_value(v));
        return buf;
    }
    if (json_is_true(v))
        return "true";
    if (json_is_false(v))
        return "false";
    if (json_is_null(v))
        return "null";
    return json_is_array(v) ? "a list" : "an object";
}

static void diff_leaf(Diff *d, const char *path, const json_t *old,
                      const json_t *now)
{
    char a[CHECK_ERR_MAX / 4], b[CHECK_ERR_MAX / 4];
    if (json_is_number(old) && json_is_number(now)) {
        double x = json_number_value(old), y = json_number_value(now);
        double allowed = d->tolerance_pct / 100.0 * fabs(x);
        if (fabs(y - x) <= allowed) {
            d->passed++;
            return;
        }
        if (x != 0)
            diff_line(d, path, "baseline %s, now %s (%+.2f%%, tolerance %s%%)",
                      num(x, a, sizeof a), num(y, b, sizeof b),
                      (y - x) / fabs(x) * 100.0,
                      num(d->tolerance_pct, (char[32]){0}, 32));
        else
            diff_line(d, path, "baseline 0, now %s", num(y, b, sizeof b));
        return;
    }
    if (json_equal((json_t *)old, (json_t *)now)) {
        d->passed++;
        return;
    }
    diff_line(d, path, "baseline %s, now %s", value_text(old, a, sizeof a),
              value_text(now, b, sizeof b));
}

static void diff_node(Diff *d, char *path, size_t len, const json_t *old,
                      const json_t *now)
{
    char a[CHECK_ERR_MAX / 4];
    if (json_is_object(old) && json_is_object(now)) {
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)old, key, v)
        {
            snprintf(path + len, PATH_BUF - len, "%s%s", len ? "." : "", key);
            size_t l2 = strlen(path);
            const json_t *w = json_object_get(now, key);
            if (!w)
                diff_line(d, path,
                          "missing from the new results "
                          "(baseline %s)",
                          value_text(v, a, sizeof a));
            else
                diff_node(d, path, l2, v, w);
        }
        json_object_foreach((json_t *)now, key, v)
        {
            if (json_object_get(old, key))
                continue;
            snprintf(path + len, PATH_BUF - len, "%s%s", len ? "." : "", key);
            diff_line(d, path, "not in the baseline (now %s)",
                      value_text(v, a, sizeof a));
        }
        path[len] = '\0';
        return;
    }
    if (json_is_array(old) && json_is_array(now)) {
        size_t n_old = json_array_size(old), n_now = json_array_size(now);
        size_t n = n_old > n_now ? n_old : n_now;
        for (size_t i = 0; i < n; i++) {
            snprintf(path + len, PATH_BUF - len, "[%zu]", i);
            size_t l2 = strlen(path);
            if (i >= n_now)
                diff_line(d, path,
                          "missing from the new results "
                          "(baseline %s)",
                          value_text(json_array_get(old, i), a, sizeof a));
            else if (i >= n_old)
                diff_line(d, path, "not in the baseline (now %s)",
                          value_text(json_array_get(now, i), a, sizeof a));
            else
                diff_node(d, path, l2, json_array_get(old, i),
                          json_array_get(now, i));
        }
        path[len] = '\0';
        return;
    }
    diff_leaf(d, path, old, now);
}

int check_baseline(const CheckSet *base, const CheckSet *cur,
                   double tolerance_pct, CheckReport *rep)
{
    for (size_t i = 0; i < base->n; i++) {
        const CheckRun *old = &base->runs[i];
        const CheckRun *now = check_set_find(cur, old->variant, old->approach);
        char label[128];
        run_label(old, label, sizeof label);
        if (!now) {
            rep->failed++;
            if (report_line(rep,
                            "FAIL  %s  no new results to compare with "
                            "baseline %s",
                            label, old->file) < 0)
                return -1;
            continue;
        }
        char path[PATH_BUF] = "";
        Diff d = {.rep = rep, .run = label, .tolerance_pct = tolerance_pct};
        diff_node(&d, path, 0, old->root, now->root);
        if (d.oom)
            return -1;
        rep->passed += d.passed;
        rep->failed += d.failed;
        char t[32];
        if (report_line(rep,
                        "%s  %s  baseline %s: %u of %u values within "
                        "%s%%",
                        d.failed ? "FAIL" : "PASS", label, old->file, d.passed,
                        d.passed + d.failed,
                        num(tolerance_pct, t, sizeof t)) < 0)
            return -1;
    }
    return 0;
}
