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
        free(s->runs[i].approach);
        json_decref(s->runs[i].root);
    }
    free(s->runs);
    check_set_init(s);
}

const CheckRun *check_set_find(const CheckSet *s, const char *approach)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->runs[i].approach, approach) == 0)
            return &s->runs[i];
    return NULL;
}

static int load_file(CheckSet *s, const char *file, char *err, size_t err_size)
{
    JsonDoc *doc = json_doc_load_file(file, err, err_size);
    if (!doc)
        return -1;
    const char *format, *approach;
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
    const CheckRun *dup = check_set_find(s, approach);
    if (dup) {
        json_fail(doc, "approach", "approach \"%s\" is already given by %s",
                  approach, dup->file);
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
    r->approach = strdup(approach);
    if (!r->file || !r->approach) {
        free(r->file);
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

/* Adds dir/results.json and dir/<sub>/results.json in name order. */
static int load_dir(CheckSet *s, const char *dir, char *err, size_t err_size)
{
    DIR *d = opendir(dir);
    if (!d)
        return hs_errorf(err, err_size, "%s: %s", dir, strerror(errno));
    char **files = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/results.json", dir);
    bool own = is_file(buf);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int len =
            snprintf(buf, sizeof buf, "%s/%s/results.json", dir, e->d_name);
        if (len < 0 || (size_t)len >= sizeof buf || !is_file(buf))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            char **p = realloc(files, ncap * sizeof *p);
            if (!p)
                goto oom;
            files = p;
            cap = ncap;
        }
        if (!(files[n] = strdup(buf)))
            goto oom;
        n++;
    }
    if (!own && n == 0) {
        hs_errorf(err, err_size,
                  "%s: no results.json in it or in its subdirectories", dir);
        goto done;
    }
    if (n > 1)
        qsort(files, n, sizeof *files, cmp_str);
    if (own) {
        snprintf(buf, sizeof buf, "%s/results.json", dir);
        if (load_file(s, buf, err, err_size) < 0)
            goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (load_file(s, files[i], err, err_size) < 0)
            goto done;
    rc = 0;
    goto done;
oom:
    hs_errorf(err, err_size, "%s: out of memory", dir);
done:
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    closedir(d);
    return rc;
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
    "syscalls",    "hypercalls",     "smcs",         "mmio_traps",
    "vm_switches", "world_switches", "copies_bytes", NULL,
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
            (has_prefix(rest, "instructions.") && rest[13]))
            return 0;
        return hs_errorf(err, err_size,
                         "unknown metric \"%s\": counts has %s or "
                         "instructions.<domain>",
                         metric, list_text(count_keys, names, sizeof names));
    }
    if (has_prefix(metric, "flows.")) {
        const char *rest = metric + 6;
        if (strcmp(rest, "violations") == 0)
            return 0;
        if (has_prefix(rest, "explicit"))
            return check_indexed(metric, rest + 8, "flows.explicit",
                                 explicit_keys, err, err_size);
        if (has_prefix(rest, "covert"))
            return check_indexed(metric, rest + 6, "flows.covert", covert_keys,
                                 err, err_size);
        return hs_errorf(err, err_size,
                         "unknown metric \"%s\": flows has violations, "
                         "explicit[N].<field> or covert[N].<field>",
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

void check_expect_list_free(CheckExpectList *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].where);
        free(l->items[i].metric);
        free(l->items[i].approach);
        free(l->items[i].than_approach);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static int parse_one(JsonDoc *doc, const json_t *item, const char *ip,
                     CheckExpect *e)
{
    /* "source" documents the claim (scenarios/README.md); nothing to
     * evaluate. */
    static const char *const keys[] = {"metric", "approach", "op", "value",
                                       "than",   "source",   NULL};
    static const char *const than_keys[] = {"approach", "factor", NULL};
    const char *metric, *approach;
    int op;
    char err[CHECK_ERR_MAX], path[JSON_PATH_MAX];
    if (json_expect_object(doc, item, ip) < 0 ||
        json_check_keys(doc, item, ip, keys) < 0 ||
        json_get_string(doc, item, ip, "metric", &metric) < 0 ||
        json_get_string(doc, item, ip, "approach", &approach) < 0 ||
        json_get_enum(doc, item, ip, "op", op_names, &op) < 0)
        return -1;
    if (check_metric_valid(metric, err, sizeof err) < 0)
        return json_fail(doc, json_path_key(path, sizeof path, ip, "metric"),
                         "%s", err);
    if (!*approach)
        return json_fail(doc, json_path_key(path, sizeof path, ip, "approach"),
                         "must not be empty");
    bool has_value = json_has_key(item, "value");
    bool has_than = json_has_key(item, "than");
    if (has_value == has_than)
        return json_fail(doc, ip, "%s",
                         has_value ? "give value or than, not both"
                                   : "missing value (or than)");
    e->op = (CheckOp)op;
    e->relative = has_than;
    if (has_value) {
        if (json_get_number(doc, item, ip, "value", -DBL_MAX, DBL_MAX,
                            &e->value) < 0)
            return -1;
    } else {
        const json_t *than;
        const char *other;
        char tp[JSON_PATH_MAX];
        json_path_key(tp, sizeof tp, ip, "than");
        if (json_get_object(doc, item, ip, "than", &than) < 0 ||
            json_check_keys(doc, than, tp, than_keys) < 0 ||
            json_get_string(doc, than, tp, "approach", &other) < 0 ||
            json_get_number(doc, than, tp, "factor", -DBL_MAX, DBL_MAX,
                            &e->factor) < 0)
            return -1;
        if (!*other || strcmp(other, "*") == 0)
            return json_fail(doc,
                             json_path_key(path, sizeof path, tp, "approach"),
                             "must name one approach");
        if (strcmp(other, approach) == 0)
            return json_fail(doc,
                             json_path_key(path, sizeof path, tp, "approach"),
                             "compares \"%s\" with itself", other);
        if (!(e->than_approach = strdup(other)))
            return json_fail(doc, ip, "out of memory");
    }
    const JsonIndexEntry *at = json_doc_find(doc, ip);
    char where[JSON_ERR_MAX];
    snprintf(where, sizeof where, "%s:%u:%u", doc->file,
             at ? at->value.line : 0, at ? at->value.column : 0);
    e->where = strdup(where);
    e->metric = strdup(metric);
    e->approach = strdup(approach);
    if (!e->where || !e->metric || !e->approach)
        return json_fail(doc, ip, "out of memory");
    return 0;
}

int check_expect_parse(JsonDoc *doc, const json_t *arr, const char *path,
                       CheckExpectList *out)
{
    out->items = NULL;
    out->n = 0;
    if (!json_is_array(arr))
        return json_fail(doc, path, "expected an array");
    size_t n = json_array_size(arr);
    if (n == 0)
        return 0;
    out->items = calloc(n, sizeof *out->items);
    if (!out->items)
        return json_fail(doc, path, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char ip[JSON_PATH_MAX];
        json_path_index(ip, sizeof ip, path, i);
        out->n = i + 1; /* so a failed item's strings are freed too */
        if (parse_one(doc, json_array_get(arr, i), ip, &out->items[i]) < 0) {
            check_expect_list_free(out);
            return -1;
        }
    }
    return 0;
}

int check_expect_load(const char *scenario_file, CheckExpectList *out,
                      char *err, size_t err_size)
{
    out->items = NULL;
    out->n = 0;
    JsonDoc *doc = json_doc_load_file(scenario_file, err, err_size);
    if (!doc)
        return -1;
    const json_t *arr;
    int rc = -1;
    if (json_expect_object(doc, doc->root, "") < 0)
        goto done;
    if (!json_has_key(doc->root, "expect")) {
        rc = 0;
        goto done;
    }
    if (json_get_array(doc, doc->root, "", "expect", 0, SIZE_MAX, &arr) < 0 ||
        check_expect_parse(doc, arr, "expect", out) < 0)
        goto done;
    rc = 0;
done:
    if (rc < 0)
        hs_errorf(err, err_size, "%s", json_doc_error(doc));
    json_doc_free(doc);
    return rc;
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

static int eval_one(const CheckExpect *e, const CheckRun *run,
                    const CheckRun *other, CheckReport *rep)
{
    char why[CHECK_ERR_MAX], a[32], b[32], f[32], bound_text[160];
    double value, bound;
    const char *op = check_op_name(e->op);
    if (number_of(run, e->metric, &value, why, sizeof why) < 0) {
        rep->failed++;
        return report_line(rep, "FAIL  %s  %s %s  [%s]", run->approach,
                           e->metric, why, e->where);
    }
    if (e->relative) {
        double base;
        if (number_of(other, e->metric, &base, why, sizeof why) < 0) {
            rep->failed++;
            return report_line(rep, "FAIL  %s  %s of %s %s  [%s]",
                               run->approach, e->metric, other->approach, why,
                               e->where);
        }
        bound = e->factor * base;
        snprintf(bound_text, sizeof bound_text, "%s x %s %s = %s",
                 num(e->factor, f, sizeof f), other->approach,
                 num(base, a, sizeof a), num(bound, b, sizeof b));
    } else {
        bound = e->value;
        num(bound, bound_text, sizeof bound_text);
    }
    if (compare(value, e->op, bound)) {
        rep->passed++;
        return report_line(rep, "PASS  %s  %s = %s (%s %s)", run->approach,
                           e->metric, num(value, a, sizeof a), op, bound_text);
    }
    rep->failed++;
    return report_line(rep, "FAIL  %s  %s = %s, expected %s %s  [%s]",
                       run->approach, e->metric, num(value, a, sizeof a), op,
                       bound_text, e->where);
}

int check_expect_eval(const CheckSet *runs, const CheckExpectList *l,
                      CheckReport *rep)
{
    for (size_t i = 0; i < l->n; i++) {
        const CheckExpect *e = &l->items[i];
        const CheckRun *other = NULL;
        if (e->relative) {
            other = check_set_find(runs, e->than_approach);
            if (!other) {
                rep->failed++;
                if (report_line(rep,
                                "FAIL  %s  %s: no results for %s to "
                                "compare with  [%s]",
                                e->approach, e->metric, e->than_approach,
                                e->where) < 0)
                    return -1;
                continue;
            }
        }
        if (strcmp(e->approach, "*") != 0) {
            const CheckRun *run = check_set_find(runs, e->approach);
            int rc = 0;
            if (!run) {
                rep->failed++;
                rc = report_line(rep, "FAIL  %s  %s: no results for %s  [%s]",
                                 e->approach, e->metric, e->approach, e->where);
            } else {
                rc = eval_one(e, run, other, rep);
            }
            if (rc < 0)
                return -1;
            continue;
        }
        size_t done = 0;
        for (size_t j = 0; j < runs->n; j++) {
            if (&runs->runs[j] == other)
                continue;
            if (eval_one(e, &runs->runs[j], other, rep) < 0)
                return -1;
            done++;
        }
        if (done == 0) {
            rep->failed++;
            if (report_line(rep, "FAIL  *  %s: no results to check  [%s]",
                            e->metric, e->where) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- baseline ------------------------------------------------------------ */

/* State of one baseline walk. */
typedef struct Diff {
    CheckReport *rep;     /* where lines go */
    const char *approach; /* run being compared */
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
    if (report_line(d->rep, "FAIL  %s  %s: %s", d->approach,
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
        const CheckRun *now = check_set_find(cur, old->approach);
        if (!now) {
            rep->failed++;
            if (report_line(rep,
                            "FAIL  %s  no new results to compare with "
                            "baseline %s",
                            old->approach, old->file) < 0)
                return -1;
            continue;
        }
        char path[PATH_BUF] = "";
        Diff d = {.rep = rep,
                  .approach = old->approach,
                  .tolerance_pct = tolerance_pct};
        diff_node(&d, path, 0, old->root, now->root);
        if (d.oom)
            return -1;
        rep->passed += d.passed;
        rep->failed += d.failed;
        char t[32];
        if (report_line(rep,
                        "%s  %s  baseline %s: %u of %u values within "
                        "%s%%",
                        d.failed ? "FAIL" : "PASS", old->approach, old->file,
                        d.passed, d.passed + d.failed,
                        num(tolerance_pct, t, sizeof t)) < 0)
            return -1;
    }
    return 0;
}
