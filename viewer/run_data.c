/*
 * run_data.c - a run directory read for the viewer (run_data.h).
 */
#include "viewer/run_data.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "out/trace_read.h"

static int series_add(ViewSeries *s, hs_time t, double v, hs_time bucket)
{
    if (bucket && s->n >= VIEW_EXACT_POINTS &&
        s->t[s->n - 1] / bucket == t / bucket && t >= s->t[s->n - 1]) {
        size_t n = s->n;
        if (v > s->max)
            s->max = v;
        if (n >= 2 && s->t[n - 2] / bucket == t / bucket) {
            /* the bucket's two points: the first keeps the highest */
            if (s->v[n - 1] > s->v[n - 2])
                s->v[n - 2] = s->v[n - 1];
            s->t[n - 1] = t;
            s->v[n - 1] = v;
            return 0;
        }
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        hs_time *nt = realloc(s->t, cap * sizeof *nt);
        if (!nt)
            return -1;
        s->t = nt;
        double *nv = realloc(s->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        s->v = nv;
        s->cap = cap;
    }
    /* in time order: a point from the past moves in behind later ones */
    size_t i = s->n++;
    for (; i > 0 && s->t[i - 1] > t; i--) {
        s->t[i] = s->t[i - 1];
        s->v[i] = s->v[i - 1];
    }
    s->t[i] = t;
    s->v[i] = v;
    if (v > s->max)
        s->max = v;
    return 0;
}

double view_series_at(const ViewSeries *s, hs_time t)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) { /* first point after t */
        size_t mid = (lo + hi) / 2;
        if (s->t[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? s->v[lo - 1] : 0;
}

static int mark_add(RunData *d, hs_time t, const char *name, int kind)
{
    if (d->n_marks == d->cap_marks) {
        size_t cap = d->cap_marks ? d->cap_marks * 2 : 256;
        ViewMark *nm = realloc(d->marks, cap * sizeof *nm);
        if (!nm)
            return -1;
        d->marks = nm;
        d->cap_marks = cap;
    }
    /* in time order: one from the past moves in behind later ones */
    size_t i = d->n_marks++;
    for (; i > 0 && d->marks[i - 1].t > t; i--)
        d->marks[i] = d->marks[i - 1];
    ViewMark *m = &d->marks[i];
    m->t = t;
    m->kind = kind;
    snprintf(m->name, sizeof m->name, "%s", name);
    return 0;
}

static int mark_cmp(const void *a, const void *b)
{
    const ViewMark *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t;
}

static ViewSeries *rail(RunData *d, const char *name)
{
    for (size_t i = 0; i < d->n_rails; i++)
        if (strcmp(d->rails[i].name, name) == 0)
            return &d->rails[i];
    if (d->n_rails == VIEW_MAX_SERIES)
        return NULL;
    ViewSeries *s = &d->rails[d->n_rails++];
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

int run_data_counter(RunData *d, const char *name, hs_time t, double v)
{
    bool fg = strcmp(name, "foreground") == 0;
    ViewSeries *s = strcmp(name, "battery") == 0     ? &d->battery
                    : strcmp(name, "RRC state") == 0 ? &d->rrc
                    : fg                             ? &d->foreground
                                                     : rail(d, name);
    /* the domain in front is an index, never a highest: all kept */
    return s ? series_add(s, t, v, fg ? 0 : d->bucket) : 0;
}

int run_data_mark(RunData *d, hs_time t, const char *name, int kind)
{
    if (d->bucket) {
        size_t i = 0;
        for (; i < d->n_mark_names; i++)
            if (d->mark_kinds[i] == kind &&
                strncmp(d->mark_names[i], name, sizeof d->mark_names[i] - 1) ==
                    0)
                break;
        if (i < d->n_mark_names && d->mark_buckets[i] == t / d->bucket)
            return 0;
        if (i == d->n_mark_names && i < VIEW_MARK_NAMES) {
            snprintf(d->mark_names[i], sizeof d->mark_names[i], "%s", name);
            d->mark_kinds[i] = kind;
            d->n_mark_names++;
        }
        if (i < d->n_mark_names)
            d->mark_buckets[i] = t / d->bucket;
    }
    return mark_add(d, t, name, kind);
}

int run_data_frame(RunData *d, const FrameRecord *rec, const void *z)
{
    FrameFile *ff = &d->frames;
    if (ff->n == d->cap_recs) {
        size_t cap = d->cap_recs ? d->cap_recs * 2 : 256;
        FrameRecord *nr = realloc(ff->recs, cap * sizeof *nr);
        if (!nr)
            return -1;
        ff->recs = nr;
        d->cap_recs = cap;
    }
    if (ff->size + rec->zlen > d->cap_data) {
        size_t cap = d->cap_data ? d->cap_data : 1 << 20;
        while (cap < ff->size + rec->zlen)
            cap *= 2;
        void *nd = realloc(ff->data, cap);
        if (!nd)
            return -1;
        ff->data = nd;
        d->cap_data = cap;
    }
    FrameRecord *r = &ff->recs[ff->n++];
    *r = *rec;
    r->offset = ff->size;
    memcpy((unsigned char *)ff->data + ff->size, z, rec->zlen);
    ff->size += rec->zlen;
    d->has_frames = 1;
    return 0;
}

/* One trace event the viewer uses; others are skipped. */
static int take_event(void *ctx, json_t *ev)
{
    RunData *d = ctx;
    const char *ph = json_string_value(json_object_get(ev, "ph"));
    const char *name = json_string_value(json_object_get(ev, "name"));
    const char *cat = json_string_value(json_object_get(ev, "cat"));
    json_int_t pid = json_integer_value(json_object_get(ev, "pid"));
    if (!ph || !name)
        return 0;
    hs_time t = trace_event_ps(ev);
    if (*ph == 'M' && strcmp(name, "process_name") == 0 && pid >= 10 &&
        pid < 10 + VIEW_MAX_DOMAINS) {
        const char *pn = json_string_value(
            json_object_get(json_object_get(ev, "args"), "name"));
        if (pn && strncmp(pn, "domain ", 7) == 0)
            snprintf(d->domains[pid - 10], sizeof d->domains[0], "%s", pn + 7);
        return 0;
    }
    if (*ph == 'C') {
        json_t *args = json_object_get(ev, "args");
        const char *key;
        json_t *val;
        double v = 0;
        json_object_foreach(args, key, val) v = json_number_value(val);
        return run_data_counter(d, name, t, v);
    }
    if (*ph == 'i' && cat && strcmp(cat, "latency") == 0)
        return mark_add(d, t, name, VIEW_MARK_EVENT);
    if (*ph == 'i' && cat && strcmp(cat, "rrc") == 0)
        return mark_add(d, t, name, VIEW_MARK_RRC);
    if (*ph == 'X' && cat && strcmp(cat, "flow") == 0)
        return mark_add(d, t, name,
                        strcmp(name, "violation") == 0 ? VIEW_MARK_VIOLATION
                        : strcmp(name, "blocked") == 0 ? VIEW_MARK_BLOCKED
                                                       : VIEW_MARK_FLOW);
    return 0;
}

void run_data_init(RunData *d, const char *dir, hs_time duration)
{
    memset(d, 0, sizeof *d);
    snprintf(d->dir, sizeof d->dir, "%s", dir);
    snprintf(d->battery.name, sizeof d->battery.name, "battery");
    snprintf(d->rrc.name, sizeof d->rrc.name, "RRC state");
    snprintf(d->foreground.name, sizeof d->foreground.name, "foreground");
    d->duration = duration > 0 ? duration : HS_S;
    d->bucket = duration / VIEW_BUCKETS;
}

int run_data_load(const char *dir, RunData *d, char *err, size_t err_size)
{
    run_data_init(d, dir, 0);
    d->bucket = 0; /* a finished run: every point of its trace */
    char path[1200];
    snprintf(path, sizeof path, "%s/results.json", dir);
    json_error_t je;
    json_t *res = json_load_file(path, 0, &je);
    if (!res) {
        snprintf(err, err_size, "%s: %s (is %s a run directory?)", path,
                 je.text, dir);
        return -1;
    }
    snprintf(d->scenario, sizeof d->scenario, "%s",
             json_string_value(json_object_get(res, "scenario"))
                 ? json_string_value(json_object_get(res, "scenario"))
                 : "?");
    snprintf(d->approach, sizeof d->approach, "%s",
             json_string_value(json_object_get(res, "approach"))
                 ? json_string_value(json_object_get(res, "approach"))
                 : "?");
    double s = json_number_value(json_object_get(res, "sim_time_s"));
    d->duration = s > 0 ? (hs_time)(s * 1e12 + 0.5) : HS_S;
    json_decref(res);
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, FRAMES_FILE);
    if (stat(path, &st) == 0) {
        if (frames_load(path, &d->frames, err, err_size) < 0)
            return -1;
        d->has_frames = 1;
    }
    /* only these events matter: the rest are skipped unparsed */
    static const char *const want[] = {"\"ph\":\"C\"", "\"ph\":\"M\"",
                                       "\"cat\":\"latency\"", "\"cat\":\"rrc\"",
                                       "\"cat\":\"flow\""};
    if (trace_find(dir, path, sizeof path) == 0) {
        if (trace_read(path, want, sizeof want / sizeof want[0], take_event, d,
                       err, err_size) < 0) {
            run_data_free(d);
            return -1;
        }
        d->has_trace = 1;
    }
    if (d->n_marks)
        qsort(d->marks, d->n_marks, sizeof *d->marks, mark_cmp);
    return 0;
}

static void series_free(ViewSeries *s)
{
    free(s->t);
    free(s->v);
}

void run_data_free(RunData *d)
{
    frames_unload(&d->frames);
    for (size_t i = 0; i < d->n_rails; i++)
        series_free(&d->rails[i]);
    series_free(&d->battery);
    series_free(&d->rrc);
    series_free(&d->foreground);
    free(d->marks);
    memset(d, 0, sizeof *d);
}
