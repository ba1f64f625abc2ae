/*
 * results.c - the Results model and its JSON writers: see results.h.
 */
#include "out/results.h"

#ifndef HS_COMMIT
#define HS_COMMIT ""
#endif
#include "sim/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cpu/vcpu.h"
#include "out/atomic.h"

/* Samples of one latency name. */
typedef struct Latency {
    char *name;       /* e.g. "call.ring" (owned) */
    hs_time *samples; /* recorded samples, ps (owned) */
    size_t n;         /* samples recorded */
    size_t cap;       /* allocated slots */
    bool sorted;      /* samples are in ascending order */
} Latency;

/* A name with a number (energy by component/domain, instructions). */
typedef struct Named {
    char *name; /* key (owned) */
    double mj;  /* energy, mJ (energy maps) */
    uint64_t n; /* count (instructions) */
} Named;

/* A growable array of Named. */
typedef struct NamedList {
    Named *items; /* entries (owned) */
    size_t n;     /* used */
    size_t cap;   /* allocated */
} NamedList;

/* One merged explicit-flow entry. */
typedef struct Flow {
    char *from;             /* source (owned) */
    char *label;            /* data label (owned) */
    char *to;               /* sink (owned) */
    char *clearance;        /* sink clearance (owned) */
    char *path;             /* hops (owned) */
    ResultsVerdict verdict; /* policy outcome */
    uint64_t bytes;         /* bytes summed over transfers */
    uint64_t transfers;     /* transfers merged */
} Flow;

/* One covert channel entry (strings owned). */
typedef struct Covert {
    ResultsCovert c; /* figures; its strings are owned copies */
} Covert;

struct Results {
    char *scenario;                    /* scenario name (owned) */
    char *variant;                     /* variant name (owned) */
    char *approach;                    /* approach name (owned) */
    char *soc;                         /* SoC name (owned) */
    uint64_t seed;                     /* scenario seed */
    json_t *inputs;                    /* provenance block, or NULL */
    hs_time sim_time;                  /* simulated time covered, ps */
    Latency *lat;                      /* latency names (owned) */
    size_t n_lat;                      /* used */
    size_t cap_lat;                    /* allocated */
    ResultsEnergy energy;              /* totals (NAN: not set) */
    NamedList by_component;            /* energy by component */
    NamedList by_domain;               /* energy by domain */
    Flow *flows;                       /* merged explicit flows (owned) */
    size_t n_flows;                    /* used */
    size_t cap_flows;                  /* allocated */
    uint64_t violations;               /* transfers with RESULTS_VIOLATION */
    uint64_t blocked;                  /* ... RESULTS_BLOCKED */
    uint64_t declassified;             /* ... RESULTS_DECLASSIFIED */
    Covert *covert;                    /* covert channels (owned) */
    size_t n_covert;                   /* used */
    size_t cap_covert;                 /* allocated */
    uint64_t counts[RESULTS_N_COUNTS]; /* counters */
    NamedList instructions;            /* instructions by domain */
    NamedList gpu_units;               /* GPU work units by domain */
    NamedList dropped;                 /* bounded queues' overflows */
    NamedList retransmits;             /* TCP segments sent again */
    NamedList phone;                   /* what calls and messages did */
    char **tcb;                        /* trusted components (owned) */
    size_t n_tcb;                      /* used */
    size_t cap_tcb;                    /* allocated */
    char **faults;                     /* fault lines (owned) */
    size_t n_faults;                   /* used */
    size_t cap_faults;                 /* allocated */
};

static const char *const count_names[RESULTS_N_COUNTS] = {
    [RESULTS_SYSCALLS] = "syscalls",
    [RESULTS_HYPERCALLS] = "hypercalls",
    [RESULTS_SMCS] = "smcs",
    [RESULTS_MMIO_TRAPS] = "mmio_traps",
    [RESULTS_VM_SWITCHES] = "vm_switches",
    [RESULTS_WORLD_SWITCHES] = "world_switches",
    [RESULTS_COPIES_BYTES] = "copies_bytes",
    [RESULTS_TASK_SWITCHES] = "task_switches",
    [RESULTS_VOICE_UP_FRAMES] = "voice_up_frames",
    [RESULTS_VOICE_DOWN_FRAMES] = "voice_down_frames",
};

static const char *const verdict_names[] = {
    [RESULTS_ALLOWED] = "allowed",
    [RESULTS_BLOCKED] = "blocked",
    [RESULTS_VIOLATION] = "violation",
    [RESULTS_DECLASSIFIED] = "declassified",
};

/* Makes room for one more element of size elem in *items. */
static int grow(void **items, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = realloc(*items, ncap * elem);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

Results *results_new(const char *scenario, const char *variant,
                     const char *approach, const char *soc, uint64_t seed)
{
    Results *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->scenario = dup_or_empty(scenario);
    r->variant = dup_or_empty(variant);
    r->approach = dup_or_empty(approach);
    r->soc = dup_or_empty(soc);
    r->seed = seed;
    r->energy.total_mj = NAN;
    r->energy.avg_power_mw = NAN;
    r->energy.battery_life_h = NAN;
    r->energy.ap_awake_pct = NAN;
    if (!r->scenario || !r->variant || !r->approach || !r->soc) {
        results_free(r);
        return NULL;
    }
    return r;
}

void results_set_inputs(Results *r, json_t *inputs)
{
    json_decref(r->inputs);
    r->inputs = json_incref(inputs);
}

static void named_free(NamedList *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].name);
    free(l->items);
}

void results_free(Results *r)
{
    if (!r)
        return;
    free(r->scenario);
    free(r->variant);
    free(r->approach);
    free(r->soc);
    json_decref(r->inputs);
    for (size_t i = 0; i < r->n_lat; i++) {
        free(r->lat[i].name);
        free(r->lat[i].samples);
    }
    free(r->lat);
    named_free(&r->by_component);
    named_free(&r->by_domain);
    named_free(&r->instructions);
    named_free(&r->gpu_units);
    named_free(&r->dropped);
    named_free(&r->retransmits);
    named_free(&r->phone);
    for (size_t i = 0; i < r->n_flows; i++) {
        Flow *f = &r->flows[i];
        free(f->from);
        free(f->label);
        free(f->to);
        free(f->clearance);
        free(f->path);
    }
    free(r->flows);
    for (size_t i = 0; i < r->n_covert; i++) {
        free((char *)r->covert[i].c.channel);
        free((char *)r->covert[i].c.sender);
        free((char *)r->covert[i].c.receiver);
    }
    free(r->covert);
    for (size_t i = 0; i < r->n_tcb; i++)
        free(r->tcb[i]);
    free(r->tcb);
    for (size_t i = 0; i < r->n_faults; i++)
        free(r->faults[i]);
    free(r->faults);
    free(r);
}

void results_set_sim_time(Results *r, hs_time t)
{
    r->sim_time = t;
}

static Latency *latency_find(Results *r, const char *name)
{
    for (size_t i = 0; i < r->n_lat; i++)
        if (strcmp(r->lat[i].name, name) == 0)
            return &r->lat[i];
    return NULL;
}

static Latency *latency_get(Results *r, const char *name, char *err,
                            size_t err_size)
{
    if (!name || !*name) {
        hs_errorf(err, err_size, "latency name is empty");
        return NULL;
    }
    Latency *l = latency_find(r, name);
    if (l)
        return l;
    if (grow((void **)&r->lat, &r->cap_lat, r->n_lat, sizeof *r->lat) != 0)
        goto oom;
    l = &r->lat[r->n_lat];
    memset(l, 0, sizeof *l);
    if (!(l->name = strdup(name)))
        goto oom;
    l->sorted = true;
    r->n_lat++;
    return l;
oom:
    hs_errorf(err, err_size, "latency %s: out of memory", name);
    return NULL;
}

int results_latency_declare(Results *r, const char *name, char *err,
                            size_t err_size)
{
    return latency_get(r, name, err, err_size) ? 0 : -1;
}

int results_latency_add(Results *r, const char *name, hs_time sample, char *err,
                        size_t err_size)
{
    Latency *l = latency_get(r, name, err, err_size);
    if (!l)
        return -1;
    if (grow((void **)&l->samples, &l->cap, l->n, sizeof *l->samples) != 0)
        return hs_errorf(err, err_size, "latency %s: out of memory", name);
    if (l->n > 0 && sample < l->samples[l->n - 1])
        l->sorted = false;
    l->samples[l->n++] = sample;
    return 0;
}

static int cmp_time(const void *a, const void *b)
{
    hs_time x = *(const hs_time *)a, y = *(const hs_time *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the sample of 1-based rank ceil(pct * n / 100). */
static hs_time nearest_rank(const hs_time *sorted, size_t n, unsigned pct)
{
    uint64_t rank = ((uint64_t)pct * n + 99) / 100;
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

static void latency_stats(Latency *l, ResultsLatencyStats *out)
{
    memset(out, 0, sizeof *out);
    out->count = l->n;
    if (l->n == 0)
        return;
    if (!l->sorted) {
        qsort(l->samples, l->n, sizeof *l->samples, cmp_time);
        l->sorted = true;
    }
    out->p50 = nearest_rank(l->samples, l->n, 50);
    out->p95 = nearest_rank(l->samples, l->n, 95);
    out->p99 = nearest_rank(l->samples, l->n, 99);
    out->max = l->samples[l->n - 1];
}

int results_latency_stats(Results *r, const char *name,
                          ResultsLatencyStats *out)
{
    Latency *l = latency_find(r, name);
    if (!l)
        return -1;
    latency_stats(l, out);
    return 0;
}

void results_set_energy(Results *r, const ResultsEnergy *e)
{
    r->energy = *e;
}

static Named *named_get(NamedList *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    if (grow((void **)&l->items, &l->cap, l->n, sizeof *l->items) != 0)
        return NULL;
    Named *e = &l->items[l->n];
    memset(e, 0, sizeof *e);
    if (!(e->name = strdup(name)))
        return NULL;
    l->n++;
    return e;
}

static int named_add(NamedList *l, const char *what, const char *name,
                     double mj, uint64_t n, char *err, size_t err_size)
{
    if (!name || !*name)
        return hs_errorf(err, err_size, "%s: empty name", what);
    Named *e = named_get(l, name);
    if (!e)
        return hs_errorf(err, err_size, "%s %s: out of memory", what, name);
    e->mj += mj;
    e->n += n;
    return 0;
}

int results_energy_component(Results *r, const char *component, double mj,
                             char *err, size_t err_size)
{
    return named_add(&r->by_component, "energy component", component, mj, 0,
                     err, err_size);
}

int results_energy_domain(Results *r, const char *domain, double mj, char *err,
                          size_t err_size)
{
    return named_add(&r->by_domain, "energy domain", domain, mj, 0, err,
                     err_size);
}

int results_count_instructions(Results *r, const char *domain, uint64_t n,
                               char *err, size_t err_size)
{
    return named_add(&r->instructions, "instructions domain", domain, 0, n, err,
                     err_size);
}

int results_count_gpu_units(Results *r, const char *domain, uint64_t n,
                            char *err, size_t err_size)
{
    if (n == 0)
        return 0;
    return named_add(&r->gpu_units, "gpu units domain", domain, 0, n, err,
                     err_size);
}

int results_count_dropped(Results *r, const char *what, uint64_t n, char *err,
                          size_t err_size)
{
    if (n == 0)
        return 0;
    return named_add(&r->dropped, "dropped", what, 0, n, err, err_size);
}

int results_count_retransmits(Results *r, const char *what, uint64_t n,
                              char *err, size_t err_size)
{
    if (n == 0)
        return 0;
    return named_add(&r->retransmits, "retransmits", what, 0, n, err, err_size);
}

int results_count_phone(Results *r, const char *what, uint64_t n, char *err,
                        size_t err_size)
{
    return named_add(&r->phone, "phone", what, 0, n, err, err_size);
}

void results_count(Results *r, ResultsCount which, uint64_t n)
{
    if (which < RESULTS_N_COUNTS)
        r->counts[which] += n;
}

static bool same(const char *owned, const char *given)
{
    return strcmp(owned, given ? given : "") == 0;
}

int results_add_flow(Results *r, const ResultsFlow *f, char *err,
                     size_t err_size)
{
    if (f->verdict > RESULTS_DECLASSIFIED)
        return hs_errorf(err, err_size, "flow: invalid verdict %d",
                         (int)f->verdict);
    Flow *e = NULL;
    for (size_t i = 0; i < r->n_flows && !e; i++) {
        Flow *x = &r->flows[i];
        if (x->verdict == f->verdict && same(x->from, f->from) &&
            same(x->label, f->label) && same(x->to, f->to) &&
            same(x->clearance, f->clearance) && same(x->path, f->path))
            e = x;
    }
    if (!e) {
        if (grow((void **)&r->flows, &r->cap_flows, r->n_flows,
                 sizeof *r->flows) != 0)
            return hs_errorf(err, err_size, "flow: out of memory");
        e = &r->flows[r->n_flows];
        memset(e, 0, sizeof *e);
        e->verdict = f->verdict;
        e->from = dup_or_empty(f->from);
        e->label = dup_or_empty(f->label);
        e->to = dup_or_empty(f->to);
        e->clearance = dup_or_empty(f->clearance);
        e->path = dup_or_empty(f->path);
        r->n_flows++;
        if (!e->from || !e->label || !e->to || !e->clearance || !e->path)
            return hs_errorf(err, err_size, "flow: out of memory");
    }
    uint64_t n = f->transfers ? f->transfers : 1;
    e->bytes += f->bytes;
    e->transfers += n;
    if (f->verdict == RESULTS_VIOLATION)
        r->violations += n;
    else if (f->verdict == RESULTS_BLOCKED)
        r->blocked += n;
    else if (f->verdict == RESULTS_DECLASSIFIED)
        r->declassified += n;
    return 0;
}

int results_add_covert(Results *r, const ResultsCovert *c, char *err,
                       size_t err_size)
{
    if (grow((void **)&r->covert, &r->cap_covert, r->n_covert,
             sizeof *r->covert) != 0)
        return hs_errorf(err, err_size, "covert channel: out of memory");
    Covert *e = &r->covert[r->n_covert];
    e->c = *c;
    e->c.channel = dup_or_empty(c->channel);
    e->c.sender = dup_or_empty(c->sender);
    e->c.receiver = dup_or_empty(c->receiver);
    r->n_covert++;
    if (!e->c.channel || !e->c.sender || !e->c.receiver)
        return hs_errorf(err, err_size, "covert channel: out of memory");
    return 0;
}

int results_add_fault(Results *r, const char *line, char *err, size_t err_size)
{
    if (grow((void **)&r->faults, &r->cap_faults, r->n_faults,
             sizeof *r->faults) != 0 ||
        !(r->faults[r->n_faults] = strdup(line ? line : "")))
        return hs_errorf(err, err_size, "faults: out of memory");
    r->n_faults++;
    return 0;
}

int results_add_tcb(Results *r, const char *component, char *err,
                    size_t err_size)
{
    if (!component || !*component)
        return hs_errorf(err, err_size, "tcb: empty name");
    for (size_t i = 0; i < r->n_tcb; i++)
        if (strcmp(r->tcb[i], component) == 0)
            return 0;
    if (grow((void **)&r->tcb, &r->cap_tcb, r->n_tcb, sizeof *r->tcb) != 0 ||
        !(r->tcb[r->n_tcb] = strdup(component)))
        return hs_errorf(err, err_size, "tcb: out of memory");
    r->n_tcb++;
    return 0;
}

/* ---- JSON ---------------------------------------------------------------- */

/* A real, or null when it has no finite value (JSON has no inf/NaN). */
static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *ms_of(hs_time t)
{
    return json_real(sim_time_to_ms(t));
}

/* Sets key to value in obj, stealing the reference; remembers failure. */
static void put(json_t *obj, const char *key, json_t *value, bool *ok)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        *ok = false;
}

static void append(json_t *arr, json_t *value, bool *ok)
{
    if (!value || json_array_append_new(arr, value) != 0)
        *ok = false;
}

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const Named *)a)->name, ((const Named *)b)->name);
}

static int cmp_latency(const void *a, const void *b)
{
    return strcmp(((const Latency *)a)->name, ((const Latency *)b)->name);
}

/* A map of names sorted by name: energy (mJ) or counts. */
static json_t *named_json(NamedList *l, bool energy, bool *ok)
{
    json_t *o = json_object();
    if (!o) {
        *ok = false;
        return NULL;
    }
    if (l->n > 1)
        qsort(l->items, l->n, sizeof *l->items, cmp_named);
    for (size_t i = 0; i < l->n; i++)
        put(o, l->items[i].name,
            energy ? real_or_null(l->items[i].mj)
                   : json_integer((json_int_t)l->items[i].n),
            ok);
    return o;
}

static json_t *latency_json(Results *r, bool *ok)
{
    json_t *o = json_object();
    if (!o) {
        *ok = false;
        return NULL;
    }
    if (r->n_lat > 1)
        qsort(r->lat, r->n_lat, sizeof *r->lat, cmp_latency);
    for (size_t i = 0; i < r->n_lat; i++) {
        ResultsLatencyStats s;
        latency_stats(&r->lat[i], &s);
        json_t *e = json_object();
        bool any = s.count > 0;
        put(e, "count", json_integer((json_int_t)s.count), ok);
        put(e, "p50_ms", any ? ms_of(s.p50) : json_null(), ok);
        put(e, "p95_ms", any ? ms_of(s.p95) : json_null(), ok);
        put(e, "p99_ms", any ? ms_of(s.p99) : json_null(), ok);
        put(e, "max_ms", any ? ms_of(s.max) : json_null(), ok);
        put(o, r->lat[i].name, e, ok);
    }
    return o;
}

static json_t *energy_json(Results *r, bool *ok)
{
    json_t *o = json_object();
    if (!o) {
        *ok = false;
        return NULL;
    }
    put(o, "total_mj", real_or_null(r->energy.total_mj), ok);
    put(o, "avg_power_mw", real_or_null(r->energy.avg_power_mw), ok);
    put(o, "battery_life_h", real_or_null(r->energy.battery_life_h), ok);
    put(o, "ap_awake_pct", real_or_null(r->energy.ap_awake_pct), ok);
    put(o, "by_component_mj", named_json(&r->by_component, true, ok), ok);
    put(o, "by_domain_mj", named_json(&r->by_domain, true, ok), ok);
    return o;
}

static json_t *flows_json(Results *r, bool *ok)
{
    json_t *o = json_object(), *ex = json_array(), *cv = json_array();
    if (!o || !ex || !cv) {
        json_decref(o);
        json_decref(ex);
        json_decref(cv);
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < r->n_flows; i++) {
        const Flow *f = &r->flows[i];
        json_t *e = json_object();
        put(e, "from", json_string(f->from), ok);
        put(e, "label", json_string(f->label), ok);
        put(e, "to", json_string(f->to), ok);
        put(e, "clearance", json_string(f->clearance), ok);
        put(e, "bytes", json_integer((json_int_t)f->bytes), ok);
        put(e, "transfers", json_integer((json_int_t)f->transfers), ok);
        put(e, "path", json_string(f->path), ok);
        put(e, "verdict", json_string(verdict_names[f->verdict]), ok);
        append(ex, e, ok);
    }
    for (size_t i = 0; i < r->n_covert; i++) {
        const ResultsCovert *c = &r->covert[i].c;
        json_t *e = json_object();
        put(e, "channel", json_string(c->channel), ok);
        put(e, "sender", json_string(c->sender), ok);
        put(e, "receiver", json_string(c->receiver), ok);
        put(e, "symbols", json_integer((json_int_t)c->symbols), ok);
        put(e, "symbol_period_ms", ms_of(c->symbol_period), ok);
        put(e, "bit_error_rate", real_or_null(c->bit_error_rate), ok);
        put(e, "mutual_info_bits_per_symbol", real_or_null(c->mutual_info_bits),
            ok);
        put(e, "bits_per_s", real_or_null(c->bits_per_s), ok);
        append(cv, e, ok);
    }
    put(o, "explicit", ex, ok);
    put(o, "violations", json_integer((json_int_t)r->violations), ok);
    put(o, "blocked", json_integer((json_int_t)r->blocked), ok);
    put(o, "declassified", json_integer((json_int_t)r->declassified), ok);
    put(o, "covert", cv, ok);
    return o;
}

static json_t *counts_json(Results *r, bool *ok)
{
    json_t *o = json_object();
    if (!o) {
        *ok = false;
        return NULL;
    }
    put(o, "instructions", named_json(&r->instructions, false, ok), ok);
    for (int i = 0; i < RESULTS_N_COUNTS; i++)
        put(o, count_names[i], json_integer((json_int_t)r->counts[i]), ok);
    /* only when something overflowed, so runs that lose nothing keep
     * the schema's fixed keys */
    if (r->dropped.n > 0)
        put(o, "dropped", named_json(&r->dropped, false, ok), ok);
    if (r->gpu_units.n > 0)
        put(o, "gpu_units", named_json(&r->gpu_units, false, ok), ok);
    if (r->retransmits.n > 0)
        put(o, "retransmits", named_json(&r->retransmits, false, ok), ok);
    if (r->phone.n > 0)
        put(o, "phone", named_json(&r->phone, false, ok), ok);
    return o;
}

json_t *results_to_json(Results *r)
{
    bool ok = true;
    json_t *root = json_object();
    if (!root)
        return NULL;
    put(root, "format", json_string(RESULTS_FORMAT), &ok);
    put(root, "scenario", json_string(r->scenario), &ok);
    put(root, "variant", json_string(r->variant), &ok);
    put(root, "approach", json_string(r->approach), &ok);
    put(root, "soc", json_string(r->soc), &ok);
    /* Seeds are 64-bit; JSON integers above 2^63 would wrap, and JSON
     * readers lose precision above 2^53, so a seed that large is kept
     * exact as a string. */
    put(root, "seed",
        r->seed <= (1ULL << 53)
            ? json_integer((json_int_t)r->seed)
            : json_sprintf("%llu", (unsigned long long)r->seed),
        &ok);
    if (r->inputs)
        put(root, "inputs", json_incref(r->inputs), &ok);
    put(root, "sim_time_s", json_real(sim_time_to_s(r->sim_time)), &ok);
    put(root, "latency", latency_json(r, &ok), &ok);
    put(root, "energy", energy_json(r, &ok), &ok);
    put(root, "flows", flows_json(r, &ok), &ok);
    put(root, "counts", counts_json(r, &ok), &ok);
    json_t *tcb = json_array();
    for (size_t i = 0; tcb && i < r->n_tcb; i++)
        append(tcb, json_string(r->tcb[i]), &ok);
    put(root, "tcb", tcb, &ok);
    json_t *faults = json_array();
    for (size_t i = 0; faults && i < r->n_faults; i++)
        append(faults, json_string(r->faults[i]), &ok);
    put(root, "faults", faults, &ok);
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Context of dump_tree. */
typedef struct DumpCtx {
    const json_t *tree; /* tree to write */
} DumpCtx;

static int dump_tree(FILE *out, void *ctx, char *err, size_t err_size)
{
    const DumpCtx *d = ctx;
    if (json_dumpf(d->tree, out, RESULTS_DUMP_FLAGS) != 0 ||
        fputc('\n', out) == EOF)
        return hs_errorf(err, err_size, "cannot write JSON");
    return 0;
}

int results_write_json(const json_t *tree, const char *path, char *err,
                       size_t err_size)
{
    DumpCtx d = {.tree = tree};
    return atomic_write_file(path, dump_tree, &d, err, err_size);
}

int results_write(Results *r, const char *path, char *err, size_t err_size)
{
    json_t *tree = results_to_json(r);
    if (!tree)
        return hs_errorf(err, err_size, "%s: out of memory", path);
    int rc = results_write_json(tree, path, err, err_size);
    json_decref(tree);
    return rc;
}

int results_write_host(const ResultsHost *h, const char *path, char *err,
                       size_t err_size)
{
    bool ok = true;
    json_t *root = json_object();
    if (!root)
        return hs_errorf(err, err_size, "%s: out of memory", path);
    double sim_s = sim_time_to_s(h->sim_time);
    put(root, "format", json_string("handset-host/1"), &ok);
    put(root, "wall_s", real_or_null(h->wall_s), &ok);
    put(root, "sim_time_s", json_real(sim_s), &ok);
    put(root, "speedup",
        h->wall_s > 0 ? real_or_null(sim_s / h->wall_s) : json_null(), &ok);
    put(root, "peak_rss_kib", json_integer((json_int_t)h->peak_rss_kib), &ok);
    char uc[32];
    put(root, "unicorn",
        vcpu_unicorn_version(uc, sizeof uc) == 0 ? json_string(uc)
                                                 : json_null(),
        &ok);
    /* the build's source commit, when it was built from a git checkout
     * ("-dirty": with uncommitted changes) */
    put(root, "commit", HS_COMMIT[0] ? json_string(HS_COMMIT) : json_null(),
        &ok);
    put(root, "handset_version", json_string(HS_VERSION), &ok);
    int rc = ok ? results_write_json(root, path, err, err_size)
                : hs_errorf(err, err_size, "%s: out of memory", path);
    json_decref(root);
    return rc;
}

uint64_t results_peak_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0 || ru.ru_maxrss < 0)
        return 0;
    return (uint64_t)ru.ru_maxrss; /* Linux reports KiB */
}
