/*
 * scenario.c - the handset-scenario/1 loader: reads a scenario through
 * the typed getters of json.h, checks every rule scenarios/README.md
 * states and fills a Scenario. This file holds the loader's helpers, the
 * header, network, domains, ambient and user groups, the entry points and
 * the queries; the events are read by scenario_events.c, the approaches,
 * --set and variants by scenario_set.c, the assertions by
 * scenario_expect.c (scenario_int.h).
 *
 * Groups are read in dependency order (peers before the domains and
 * events that name them, domains before ambient, user and events,
 * approaches and variants before the assertions that name them), so a
 * reference can always be checked, with a did-you-mean, where it is
 * written. Each object's keys are checked before its values; the first
 * error stops the load.
 */
#include "config/scenario_int.h"
#include "sim/text.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const scenario_op_names[] = {
    "<", "<=", ">", ">=", "==", "!=", NULL};

static const char *const covert_channel_names[] = {
    [SCENARIO_COVERT_WAKELOCK] = "wakelock", [SCENARIO_COVERT_CPU] = "cpu",
    [SCENARIO_COVERT_RADIO] = "radio",       [SCENARIO_COVERT_GPU] = "gpu",
    [SCENARIO_COVERT_DVFS] = "dvfs",         NULL,
};

static const char *const dist_names[] = {
    [SCENARIO_DIST_FIXED] = "fixed",
    [SCENARIO_DIST_UNIFORM] = "uniform",
    [SCENARIO_DIST_EXPONENTIAL] = "exponential",
    [SCENARIO_DIST_LOGNORMAL] = "lognormal",
    NULL,
};

const char *scenario_op_name(ScenarioOp op)
{
    return op <= SCENARIO_OP_NE ? scenario_op_names[op] : "?";
}

void scenario_free(Scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_owned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->ambient);
    free(s->peers);
    free(s->events);
    free(s->settings);
    free(s->variants);
    free(s->expects);
    free(s);
}

/* Copies str into s; NULL when out of memory. */
const char *scenario_own(Scenario *s, const char *str)
{
    return json_pool_add(&s->owned, &s->n_owned, str);
}

static const char *keep(ScenarioLoader *L, const char *path, const char *str)
{
    const char *copy = scenario_own(L->s, str);
    if (!copy)
        json_fail(L->doc, path, "out of memory");
    return copy;
}

/* Grows an array of n elements of size bytes to n + 1; NULL on failure. */
void *scenario_grow(void *array, size_t n, size_t size)
{
    return realloc(array, (n + 1) * size);
}

/* "FILE:LINE:COLUMN" of the value at path, kept in the scenario. */
const char *scenario_where(ScenarioLoader *L, const char *path)
{
    char buf[JSON_ERR_MAX];
    const JsonIndexEntry *e = json_doc_find(L->doc, path);
    snprintf(buf, sizeof buf, "%s:%" PRIu32 ":%" PRIu32, L->doc->file,
             e ? e->value.line : 1, e ? e->value.column : 1);
    return keep(L, path, buf);
}

/* A non-empty string member, copied into the scenario. */
int scenario_get_text(ScenarioLoader *L, const json_t *obj, const char *prefix,
                      const char *key, const char **out)
{
    char path[JSON_PATH_MAX];
    const char *str;
    json_path_key(path, sizeof path, prefix, key);
    if (json_get_string(L->doc, obj, prefix, key, &str) < 0)
        return -1;
    if (str[0] == '\0')
        return json_fail(L->doc, path, "must not be empty");
    if (json_check_line(L->doc, path, str) < 0)
        return -1;
    *out = keep(L, path, str);
    return *out ? 0 : -1;
}

/* The optional "source" string of apps, peers, user, ambient periods,
 * events and assertions: where their figures or claims come from. */
int scenario_check_source(ScenarioLoader *L, const json_t *obj,
                          const char *prefix)
{
    char path[JSON_PATH_MAX];
    const char *str;
    if (!json_has_key(obj, "source"))
        return 0;
    if (json_get_string(L->doc, obj, prefix, "source", &str) < 0)
        return -1;
    if (str[0] == '\0')
        return json_fail(L->doc,
                         json_path_key(path, sizeof path, prefix, "source"),
                         "must not be empty");
    return json_check_line(
        L->doc, json_path_key(path, sizeof path, prefix, "source"), str);
}

/* Names of domains, peers and variants: [a-z0-9][a-z0-9_-]*, so they can
 * appear in metric paths and --set keys. */
static int check_name(ScenarioLoader *L, const char *path, const char *name)
{
    return json_check_name(L->doc, path, name);
}

/* A name checked by check_name, copied into the scenario. */
int scenario_get_name(ScenarioLoader *L, const json_t *obj, const char *prefix,
                      const char *key, const char **out)
{
    char path[JSON_PATH_MAX];
    const char *str;
    json_path_key(path, sizeof path, prefix, key);
    if (json_get_string(L->doc, obj, prefix, key, &str) < 0 ||
        check_name(L, path, str) < 0)
        return -1;
    *out = keep(L, path, str);
    return *out ? 0 : -1;
}

/* Writes ` (did you mean "X"?)` into buf when a name in names[0..n) is
 * within edit distance 2 of s, else an empty string. */
static void suggest(char *buf, size_t size, const char *s,
                    const char *const *names, size_t n)
{
    const char *best = hs_nearest(s, names, n);
    if (best)
        snprintf(buf, size, " (did you mean \"%s\"?)", best);
    else
        buf[0] = '\0';
}

/* Writes `"a", "b", "c"` into buf. */
static void name_list(char *buf, size_t size, const char *const *names,
                      size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s\"%s\"",
                                 i ? ", " : "", names[i]);
}

/* Looks str up in names[0..n); on failure reports `unknown WHAT "str"`
 * with a suggestion or the list of names at path. */
int scenario_lookup(ScenarioLoader *L, const char *path, const char *what,
                    const char *str, const char *const *names, size_t n,
                    int *out)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], str) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    char hint[128], list[256];
    suggest(hint, sizeof hint, str, names, n);
    if (hint[0])
        return json_fail(L->doc, path, "unknown %s \"%s\"%s", what, str, hint);
    if (n == 0)
        return json_fail(L->doc, path, "unknown %s \"%s\" (there are none)",
                         what, str);
    name_list(list, sizeof list, names, n);
    return json_fail(L->doc, path, "unknown %s \"%s\" (expected one of %s)",
                     what, str, list);
}

/* A string member looked up in a NULL-terminated table. */
int scenario_get_choice(ScenarioLoader *L, const json_t *obj,
                        const char *prefix, const char *key, const char *what,
                        const char *const names[], int *out)
{
    char path[JSON_PATH_MAX];
    const char *str;
    size_t n = 0;
    while (names[n])
        n++;
    json_path_key(path, sizeof path, prefix, key);
    if (json_get_string(L->doc, obj, prefix, key, &str) < 0)
        return -1;
    return scenario_lookup(L, path, what, str, names, n, out);
}

/* A domain named by member key. */
int scenario_get_domain_ref(ScenarioLoader *L, const json_t *obj,
                            const char *prefix, const char *key, int *out)
{
    const char *names[SCENARIO_MAX_DOMAINS];
    for (size_t i = 0; i < L->s->n_domains; i++)
        names[i] = L->s->domains[i].name;
    char path[JSON_PATH_MAX];
    const char *str;
    json_path_key(path, sizeof path, prefix, key);
    if (json_get_string(L->doc, obj, prefix, key, &str) < 0)
        return -1;
    return scenario_lookup(L, path, "domain", str, names, L->s->n_domains, out);
}

/*
 * The network peer named by member key, which must be of kind `kind`
 * (SCENARIO_NONE: any). When the member is absent and kind is given, the
 * only peer of that kind is taken.
 */
int scenario_get_peer_ref(ScenarioLoader *L, const json_t *obj,
                          const char *prefix, const char *key, int kind,
                          int *out)
{
    const Scenario *s = L->s;
    char path[JSON_PATH_MAX];
    json_path_key(path, sizeof path, prefix, key);
    if (!json_has_key(obj, key)) {
        const char *absent;
        if (kind == SCENARIO_NONE) /* reports "PATH: missing" */
            return json_get_string(L->doc, obj, prefix, key, &absent);
        int found = SCENARIO_NONE, n = 0;
        for (size_t i = 0; i < s->n_peers; i++) {
            if ((int)s->peers[i].kind == kind) {
                found = (int)i;
                n++;
            }
        }
        if (n == 1) {
            *out = found;
            return 0;
        }
        if (n == 0)
            return json_fail(L->doc, prefix,
                             "needs a network peer of kind \"%s\" "
                             "(network.peers has none)",
                             scenario_peer_kind_names[kind]);
        return json_fail(L->doc, prefix,
                         "there are %d peers of kind \"%s\": name one with "
                         "\"%s\"",
                         n, scenario_peer_kind_names[kind], key);
    }
    const char *str;
    if (json_get_string(L->doc, obj, prefix, key, &str) < 0)
        return -1;
    const char **names = malloc((s->n_peers + 1) * sizeof *names);
    if (!names)
        return json_fail(L->doc, path, "out of memory");
    for (size_t i = 0; i < s->n_peers; i++)
        names[i] = s->peers[i].name;
    int rc =
        scenario_lookup(L, path, "network peer", str, names, s->n_peers, out);
    free(names);
    if (rc < 0)
        return -1;
    if (kind != SCENARIO_NONE && (int)s->peers[*out].kind != kind)
        return json_fail(L->doc, path, "peer \"%s\" is a %s, not a %s", str,
                         scenario_peer_kind_names[s->peers[*out].kind],
                         scenario_peer_kind_names[kind]);
    return 0;
}

/* A duration member that must be longer than zero. */
int scenario_get_period(ScenarioLoader *L, const json_t *obj,
                        const char *prefix, const char *key, hs_time *out)
{
    char path[JSON_PATH_MAX];
    if (json_get_duration(L->doc, obj, prefix, key, out) < 0)
        return -1;
    if (*out == 0)
        return json_fail(L->doc, json_path_key(path, sizeof path, prefix, key),
                         "must be greater than 0");
    return 0;
}

/* An optional duration member: *out is left alone when absent. */
int scenario_get_time_opt(ScenarioLoader *L, const json_t *obj,
                          const char *prefix, const char *key, hs_time *out)
{
    if (!json_has_key(obj, key))
        return 0;
    return json_get_duration(L->doc, obj, prefix, key, out);
}

/* An object member whose keys are checked against allowed. */
int scenario_get_group(ScenarioLoader *L, const json_t *obj, const char *prefix,
                       const char *key, const char *const allowed[],
                       const json_t **out, char *path)
{
    json_path_key(path, JSON_PATH_MAX, prefix, key);
    if (json_get_object(L->doc, obj, prefix, key, out) < 0)
        return -1;
    return json_check_keys(L->doc, *out, path, allowed);
}

/* An optional "params" object; *out is NULL when absent. */
int scenario_get_params(ScenarioLoader *L, const json_t *obj,
                        const char *prefix, const char *const allowed[],
                        const json_t **out, char *path)
{
    json_path_key(path, JSON_PATH_MAX, prefix, "params");
    if (!json_has_key(obj, "params")) {
        *out = NULL;
        return 0;
    }
    return scenario_get_group(L, obj, prefix, "params", allowed, out, path);
}

/* ---- distributions -------------------------------------------------- */

typedef enum DistUnit {
    DIST_TIME, /* durations, stored in ps */
    DIST_KBPS, /* numbers in kbit/s, stored as integers */
} DistUnit;

/* One figure of a distribution. */
static int get_dist_value(ScenarioLoader *L, const json_t *obj,
                          const char *prefix, const char *key, DistUnit unit,
                          int64_t *out)
{
    if (unit == DIST_TIME) {
        hs_time t;
        if (json_get_duration(L->doc, obj, prefix, key, &t) < 0)
            return -1;
        if (t > (hs_time)INT64_MAX) {
            char path[JSON_PATH_MAX];
            return json_fail(L->doc,
                             json_path_key(path, sizeof path, prefix, key),
                             "is too large");
        }
        *out = (int64_t)t;
        return 0;
    }
    return json_get_scaled(L->doc, obj, prefix, key, 0, JSON_NUM_POSITIVE, out);
}

/*
 * A distribution member: a plain duration string (DIST_TIME) or number
 * (DIST_KBPS) is a fixed value; otherwise an object {"dist": KIND, ...}
 * with the figures of that kind.
 */
static int get_dist(ScenarioLoader *L, const json_t *obj, const char *prefix,
                    const char *key, DistUnit unit, ScenarioDist *out)
{
    static const char *const keys[][4] = {
        [SCENARIO_DIST_FIXED] = {"dist", "value", NULL},
        [SCENARIO_DIST_UNIFORM] = {"dist", "min", "max", NULL},
        [SCENARIO_DIST_EXPONENTIAL] = {"dist", "mean", NULL},
        [SCENARIO_DIST_LOGNORMAL] = {"dist", "median", "sigma", NULL},
    };
    char path[JSON_PATH_MAX];
    json_path_key(path, sizeof path, prefix, key);
    const json_t *v = json_object_get(obj, key);
    *out = (ScenarioDist){.kind = SCENARIO_DIST_FIXED, .present = true};
    if (v && !json_is_object(v)) {
        if (unit == DIST_TIME && !json_is_string(v))
            return json_fail(L->doc, path,
                             "expected a duration such as \"4s\" or an "
                             "object {\"dist\": ...}");
        if (unit == DIST_KBPS && !json_is_number(v))
            return json_fail(L->doc, path,
                             "expected a number (kbit/s) or an object "
                             "{\"dist\": ...}");
        return get_dist_value(L, obj, prefix, key, unit, &out->a);
    }
    const json_t *o;
    int kind = 0;
    if (json_get_object(L->doc, obj, prefix, key, &o) < 0 ||
        scenario_get_choice(L, o, path, "dist", "distribution", dist_names,
                            &kind) < 0 ||
        json_check_keys(L->doc, o, path, keys[kind]) < 0)
        return -1;
    out->kind = (ScenarioDistKind)kind;
    switch (out->kind) {
    case SCENARIO_DIST_FIXED:
        return get_dist_value(L, o, path, "value", unit, &out->a);
    case SCENARIO_DIST_UNIFORM:
        if (get_dist_value(L, o, path, "min", unit, &out->a) < 0 ||
            get_dist_value(L, o, path, "max", unit, &out->b) < 0)
            return -1;
        if (out->b < out->a) {
            char p[JSON_PATH_MAX];
            return json_fail(L->doc, json_path_key(p, sizeof p, path, "max"),
                             "must not be less than min");
        }
        return 0;
    case SCENARIO_DIST_EXPONENTIAL:
        return get_dist_value(L, o, path, "mean", unit, &out->a);
    case SCENARIO_DIST_LOGNORMAL:
        if (get_dist_value(L, o, path, "median", unit, &out->a) < 0 ||
            json_get_scaled(L->doc, o, path, "sigma", 6, JSON_NUM_NONNEGATIVE,
                            &out->sigma_ppm) < 0)
            return -1;
        if (out->sigma_ppm > 5000000) {
            char p[JSON_PATH_MAX];
            return json_fail(L->doc, json_path_key(p, sizeof p, path, "sigma"),
                             "must be at most 5");
        }
        return 0;
    }
    return -1;
}

/* An optional distribution: present stays false when absent. */
static int get_dist_opt(ScenarioLoader *L, const json_t *obj,
                        const char *prefix, const char *key, DistUnit unit,
                        ScenarioDist *out)
{
    if (!json_has_key(obj, key)) {
        *out = (ScenarioDist){.present = false};
        return 0;
    }
    return get_dist(L, obj, prefix, key, unit, out);
}

/* ---- top-level figures ---------------------------------------------- */

int scenario_load_soc_ref(ScenarioLoader *L, const char *path, const char *soc,
                          const char **out_path)
{
    char file[PATH_MAX], err[JSON_ERR_MAX];
    if (soc_resolve_path(soc, file, sizeof file, err, sizeof err) < 0)
        return json_fail(L->doc, path, "%s", err);
    SocModel *m = soc_load(file, err, sizeof err);
    if (!m)
        return json_fail(L->doc, path, "SoC \"%s\" does not load: %s", soc,
                         err);
    soc_free(m);
    *out_path = keep(L, path, file);
    return *out_path ? 0 : -1;
}

static int load_header(ScenarioLoader *L, const json_t *root)
{
    Scenario *s = L->s;
    int64_t seed;
    if (scenario_get_name(L, root, "", "name", &s->name) < 0 ||
        scenario_get_text(L, root, "", "description", &s->description) < 0 ||
        scenario_get_text(L, root, "", "soc", &s->soc) < 0 ||
        scenario_load_soc_ref(L, "soc", s->soc, &s->soc_path) < 0 ||
        scenario_get_period(L, root, "", "duration", &s->duration_ps) < 0 ||
        json_get_integer(L->doc, root, "", "seed", 0, INT64_MAX, &seed) < 0 ||
        scenario_get_period(L, root, "", "quantum", &s->quantum_ps) < 0)
        return -1;
    s->seed = (uint64_t)seed;
    if (s->quantum_ps > s->duration_ps)
        return json_fail(L->doc, "quantum", "must not be longer than duration");
    return 0;
}

/* ---- network -------------------------------------------------------- */

static int load_network(ScenarioLoader *L, const json_t *root)
{
    static const char *const keys[] = {"peers", NULL};
    static const char *const peer_keys[] = {
        "name", "kind", "rtt", "down_kbps", "up_kbps", "source", NULL};
    Scenario *s = L->s;
    const json_t *o, *arr;
    char p[JSON_PATH_MAX];
    if (!json_has_key(root, "network"))
        return 0;
    if (scenario_get_group(L, root, "", "network", keys, &o, p) < 0 ||
        json_get_array(L->doc, o, p, "peers", 0, SCENARIO_MAX_ENTRIES, &arr) <
            0)
        return -1;
    s->peers = calloc(json_array_size(arr) + 1, sizeof *s->peers);
    if (!s->peers)
        return json_fail(L->doc, "network", "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char ep[JSON_PATH_MAX];
        snprintf(ep, sizeof ep, "network.peers[%zu]", i);
        const json_t *e = json_array_get(arr, i);
        ScenarioPeer *peer = &s->peers[i];
        int kind = 0;
        if (json_expect_object(L->doc, e, ep) < 0 ||
            json_check_keys(L->doc, e, ep, peer_keys) < 0 ||
            scenario_check_source(L, e, ep) < 0 ||
            scenario_get_name(L, e, ep, "name", &peer->name) < 0 ||
            scenario_get_choice(L, e, ep, "kind", "peer kind",
                                scenario_peer_kind_names, &kind) < 0 ||
            get_dist(L, e, ep, "rtt", DIST_TIME, &peer->rtt) < 0 ||
            get_dist(L, e, ep, "down_kbps", DIST_KBPS, &peer->down) < 0 ||
            get_dist(L, e, ep, "up_kbps", DIST_KBPS, &peer->up) < 0)
            return -1;
        peer->kind = (ScenarioPeerKind)kind;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(s->peers[j].name, peer->name) == 0) {
                char np[JSON_PATH_MAX];
                return json_fail(L->doc,
                                 json_path_key(np, sizeof np, ep, "name"),
                                 "duplicate peer name \"%s\" (also "
                                 "network.peers[%zu])",
                                 peer->name, j);
            }
        }
        s->n_peers = i + 1;
    }
    return 0;
}

/* ---- domains and apps ----------------------------------------------- */

static int load_mail(ScenarioLoader *L, const json_t *app, const char *ap,
                     ScenarioMailParams *m)
{
    static const char *const keys[] = {"server", "messages", "message_bytes",
                                       "sync_interval", NULL};
    const json_t *o;
    char pp[JSON_PATH_MAX];
    int64_t n, bytes;
    if (scenario_get_params(L, app, ap, keys, &o, pp) < 0)
        return -1;
    if (!o)
        return json_fail(L->doc, ap,
                         "params: missing (mail needs messages "
                         "and message_bytes)");
    if (scenario_get_peer_ref(L, o, pp, "server", SCENARIO_PEER_MAIL_SERVER,
                              &m->server) < 0 ||
        json_get_integer(L->doc, o, pp, "messages", 0, 100000, &n) < 0 ||
        json_get_integer(L->doc, o, pp, "message_bytes", 1, 64 << 20, &bytes) <
            0)
        return -1;
    m->messages = (uint32_t)n;
    m->message_bytes = (uint64_t)bytes;
    m->sync_interval_ps = 0;
    if (json_has_key(o, "sync_interval"))
        return scenario_get_period(L, o, pp, "sync_interval",
                                   &m->sync_interval_ps);
    return 0;
}

static int load_voice(ScenarioLoader *L, const json_t *app, const char *ap,
                      ScenarioVoiceParams *v)
{
    static const char *const keys[] = {"codec", NULL};
    static const char *const codecs[] = {[SCENARIO_CODEC_G722] = "g722", NULL};
    const json_t *o;
    char pp[JSON_PATH_MAX];
    int codec = SCENARIO_CODEC_G722;
    if (scenario_get_params(L, app, ap, keys, &o, pp) < 0)
        return -1;
    if (o && json_has_key(o, "codec") &&
        scenario_get_choice(L, o, pp, "codec", "codec", codecs, &codec) < 0)
        return -1;
    /* The one codec the guest's voice app implements: G.722 at 64 kbit/s
     * (guest/include/abi/voice.h). */
    v->codec = (ScenarioVoiceCodec)codec;
    v->bitrate_bps = 64000;
    return 0;
}

static int load_ui(ScenarioLoader *L, const json_t *app, const char *ap,
                   ScenarioUiParams *u)
{
    static const char *const keys[] = {"brightness", "frame_rate_hz", NULL};
    const json_t *o;
    char pp[JSON_PATH_MAX], path[JSON_PATH_MAX];
    int64_t permille, fps = 0;
    if (scenario_get_params(L, app, ap, keys, &o, pp) < 0)
        return -1;
    if (!o)
        return json_fail(L->doc, ap, "params: missing (ui needs brightness)");
    if (json_get_scaled(L->doc, o, pp, "brightness", 3, JSON_NUM_NONNEGATIVE,
                        &permille) < 0)
        return -1;
    if (permille > 1000)
        return json_fail(L->doc,
                         json_path_key(path, sizeof path, pp, "brightness"),
                         "must be at most 1");
    if (json_has_key(o, "frame_rate_hz") &&
        json_get_integer(L->doc, o, pp, "frame_rate_hz", 1, 240, &fps) < 0)
        return -1;
    u->brightness_permille = (uint32_t)permille;
    u->frame_rate_hz = (uint32_t)fps;
    return 0;
}

/* estimate: phone map and game apps draw at 30 frames a second when
 * animating (60 on faster phones); the scenario may set its own. */
#define GL_DEFAULT_FPS 30
/* estimate: a map view of a few thousand triangles (the "a few
 * thousand triangles per frame"). */
#define GL_DEFAULT_TRIANGLES 3000

static int load_gl(ScenarioLoader *L, const json_t *app, const char *ap,
                   ScenarioGlParams *g)
{
    static const char *const keys[] = {"frame_rate_hz", "triangles", NULL};
    const json_t *o;
    char pp[JSON_PATH_MAX];
    int64_t fps = GL_DEFAULT_FPS, tris = GL_DEFAULT_TRIANGLES;
    if (scenario_get_params(L, app, ap, keys, &o, pp) < 0)
        return -1;
    if (o && json_has_key(o, "frame_rate_hz") &&
        json_get_integer(L->doc, o, pp, "frame_rate_hz", 1, 240, &fps) < 0)
        return -1;
    /* 2 .. HS_GL_MAX_TRIANGLES (guest/include/abi/gl.h) */
    if (o && json_has_key(o, "triangles") &&
        json_get_integer(L->doc, o, pp, "triangles", 2, 16384, &tris) < 0)
        return -1;
    g->frame_rate_hz = (uint32_t)fps;
    g->triangles = (uint32_t)tris;
    return 0;
}

static int load_covert(ScenarioLoader *L, const json_t *app, const char *ap,
                       bool tx, ScenarioCovertParams *c)
{
    static const char *const tx_keys[] = {"channel", "symbol_period", "symbols",
                                          "start",   "wakelock_id",   "peer",
                                          NULL};
    static const char *const rx_keys[] = {"channel", "symbol_period", "symbols",
                                          "start",   "threshold",     "peer",
                                          NULL};
    const json_t *o;
    char pp[JSON_PATH_MAX], path[JSON_PATH_MAX];
    int channel = 0;
    int64_t symbols, wl = 1;
    if (scenario_get_params(L, app, ap, tx ? tx_keys : rx_keys, &o, pp) < 0)
        return -1;
    if (!o)
        return json_fail(L->doc, ap,
                         "params: missing (covert apps need channel, "
                         "symbol_period and symbols)");
    if (scenario_get_choice(L, o, pp, "channel", "covert channel",
                            covert_channel_names, &channel) < 0 ||
        scenario_get_period(L, o, pp, "symbol_period", &c->symbol_period_ps) <
            0 ||
        json_get_integer(L->doc, o, pp, "symbols", 1, 1000000, &symbols) < 0)
        return -1;
    c->channel = (ScenarioCovertChannel)channel;
    c->symbols = (uint32_t)symbols;
    c->start_ps = 0;
    c->threshold_ps = 0;
    c->peer = SCENARIO_NONE;
    c->wakelock_id = 0;
    if (scenario_get_time_opt(L, o, pp, "start", &c->start_ps) < 0)
        return -1;
    if (!tx) {
        if (scenario_get_period(L, o, pp, "threshold", &c->threshold_ps) < 0)
            return -1;
        if (c->threshold_ps >= c->symbol_period_ps)
            return json_fail(L->doc,
                             json_path_key(path, sizeof path, pp, "threshold"),
                             "must be shorter than symbol_period");
    }
    if (json_has_key(o, "wakelock_id")) {
        if (c->channel != SCENARIO_COVERT_WAKELOCK)
            return json_fail(
                L->doc, json_path_key(path, sizeof path, pp, "wakelock_id"),
                "only for the wakelock channel");
        if (json_get_integer(L->doc, o, pp, "wakelock_id", 0, 63, &wl) < 0)
            return -1;
    }
    /* Default id 1: the guest covert workload's own default
     * (guest/include/abi/covert.h, HS_COVERT_WL_WAKELOCK). */
    if (tx && c->channel == SCENARIO_COVERT_WAKELOCK)
        c->wakelock_id = (uint32_t)wl;
    if (c->channel == SCENARIO_COVERT_RADIO) {
        if (scenario_get_peer_ref(L, o, pp, "peer", SCENARIO_NONE, &c->peer) <
            0)
            return -1;
    } else if (json_has_key(o, "peer")) {
        return json_fail(L->doc, json_path_key(path, sizeof path, pp, "peer"),
                         "only for the radio channel");
    }
    /* The last symbol must end inside the run. */
    unsigned __int128 end =
        (unsigned __int128)c->symbol_period_ps * symbols + c->start_ps;
    if (end > L->s->duration_ps) {
        char d[32];
        sim_format_duration(L->s->duration_ps, d, sizeof d);
        return json_fail(L->doc,
                         json_path_key(path, sizeof path, pp, "symbols"),
                         "start + symbols x symbol_period ends after the "
                         "scenario's duration (%s)",
                         d);
    }
    return 0;
}

static int load_app(ScenarioLoader *L, const json_t *e, const char *ap,
                    ScenarioApp *app)
{
    static const char *const keys[] = {"app", "params", "source", NULL};
    int kind = 0;
    if (json_expect_object(L->doc, e, ap) < 0 ||
        json_check_keys(L->doc, e, ap, keys) < 0 ||
        scenario_check_source(L, e, ap) < 0 ||
        scenario_get_choice(L, e, ap, "app", "app", scenario_app_names, &kind) <
            0)
        return -1;
    app->kind = (ScenarioAppKind)kind;
    switch (app->kind) {
    case SCENARIO_APP_MAIL:
        return load_mail(L, e, ap, &app->mail);
    case SCENARIO_APP_VOICE:
        return load_voice(L, e, ap, &app->voice);
    case SCENARIO_APP_UI:
        return load_ui(L, e, ap, &app->ui);
    case SCENARIO_APP_GL:
        return load_gl(L, e, ap, &app->gl);
    case SCENARIO_APP_COVERT_TX:
    case SCENARIO_APP_COVERT_RX:
        return load_covert(L, e, ap, app->kind == SCENARIO_APP_COVERT_TX,
                           &app->covert);
    case SCENARIO_APP_CRYPTO: {
        static const char *const none[] = {NULL};
        const json_t *o;
        char pp[JSON_PATH_MAX];
        return scenario_get_params(L, e, ap, none, &o, pp);
    }
    case SCENARIO_APP_COUNT:
        break;
    }
    return -1;
}

static int load_domain(ScenarioLoader *L, const json_t *e, const char *dp,
                       ScenarioDomain *d)
{
    static const char *const keys[] = {"name", "level", "apps", NULL};
    const json_t *apps;
    int level = 0;
    if (json_expect_object(L->doc, e, dp) < 0 ||
        json_check_keys(L->doc, e, dp, keys) < 0 ||
        scenario_get_name(L, e, dp, "name", &d->name) < 0 ||
        scenario_get_choice(L, e, dp, "level", "level", scenario_label_names,
                            &level) < 0 ||
        json_get_array(L->doc, e, dp, "apps", 0, SCENARIO_MAX_APPS, &apps) < 0)
        return -1;
    d->level = (ScenarioLabel)level;
    for (size_t i = 0; i < json_array_size(apps); i++) {
        char ap[JSON_PATH_MAX], list[JSON_PATH_MAX];
        json_path_key(list, sizeof list, dp, "apps");
        json_path_index(ap, sizeof ap, list, i);
        if (load_app(L, json_array_get(apps, i), ap, &d->apps[i]) < 0)
            return -1;
        for (size_t j = 0; j < i; j++) {
            if (d->apps[j].kind == d->apps[i].kind) {
                char p[JSON_PATH_MAX];
                return json_fail(L->doc, json_path_key(p, sizeof p, ap, "app"),
                                 "domain \"%s\" already runs %s", d->name,
                                 scenario_app_names[d->apps[i].kind]);
            }
        }
        d->n_apps = i + 1;
    }
    /* The 3D app shows its frames on the domain's screen, whose panel
     * brightness is the ui app's. */
    bool ui = false, gl = false;
    size_t gl_at = 0;
    for (size_t i = 0; i < d->n_apps; i++) {
        ui |= d->apps[i].kind == SCENARIO_APP_UI;
        if (d->apps[i].kind == SCENARIO_APP_GL) {
            gl = true;
            gl_at = i;
        }
    }
    if (gl && !ui) {
        char list[JSON_PATH_MAX], ap[JSON_PATH_MAX];
        json_path_key(list, sizeof list, dp, "apps");
        json_path_index(ap, sizeof ap, list, gl_at);
        return json_fail(L->doc, ap,
                         "domain \"%s\" runs gl without ui (gl shows its "
                         "frames on the ui app's screen)",
                         d->name);
    }
    return 0;
}

/* Every covert-rx needs a covert-tx in another domain on the same
 * channel and time grid: the two ends agree on when symbols start. */
static int check_covert_pairs(ScenarioLoader *L)
{
    const Scenario *s = L->s;
    for (size_t d = 0; d < s->n_domains; d++) {
        for (size_t a = 0; a < s->domains[d].n_apps; a++) {
            const ScenarioApp *rx = &s->domains[d].apps[a];
            if (rx->kind != SCENARIO_APP_COVERT_RX)
                continue;
            bool found = false;
            for (size_t e = 0; e < s->n_domains && !found; e++) {
                const ScenarioApp *tx =
                    scenario_domain_app(s, (int)e, SCENARIO_APP_COVERT_TX);
                found = e != d && tx &&
                        tx->covert.channel == rx->covert.channel &&
                        tx->covert.symbol_period_ps ==
                            rx->covert.symbol_period_ps &&
                        tx->covert.symbols == rx->covert.symbols &&
                        tx->covert.start_ps == rx->covert.start_ps;
            }
            if (!found) {
                char p[JSON_PATH_MAX];
                snprintf(p, sizeof p, "domains[%zu].apps[%zu]", d, a);
                return json_fail(L->doc, p,
                                 "no covert-tx in another domain on channel "
                                 "\"%s\" with the same symbol_period, "
                                 "symbols and start",
                                 covert_channel_names[rx->covert.channel]);
            }
        }
    }
    return 0;
}

static int load_domains(ScenarioLoader *L, const json_t *root)
{
    Scenario *s = L->s;
    const json_t *arr;
    if (json_get_array(L->doc, root, "", "domains", 1, SCENARIO_MAX_DOMAINS,
                       &arr) < 0)
        return -1;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char dp[JSON_PATH_MAX];
        json_path_index(dp, sizeof dp, "domains", i);
        ScenarioDomain *d = &s->domains[i];
        if (load_domain(L, json_array_get(arr, i), dp, d) < 0)
            return -1;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(s->domains[j].name, d->name) == 0) {
                char p[JSON_PATH_MAX];
                return json_fail(L->doc, json_path_key(p, sizeof p, dp, "name"),
                                 "duplicate domain name \"%s\" (also "
                                 "domains[%zu])",
                                 d->name, j);
            }
        }
        s->n_domains = i + 1;
    }
    return check_covert_pairs(L);
}

/* ---- ambient -------------------------------------------------------- */

static int load_ambient(ScenarioLoader *L, const json_t *root)
{
    static const char *const keys[] = {"from", "to", "label", "source", NULL};
    Scenario *s = L->s;
    const json_t *arr;
    if (!json_has_key(root, "ambient"))
        return 0;
    if (json_get_array(L->doc, root, "", "ambient", 0, SCENARIO_MAX_ENTRIES,
                       &arr) < 0)
        return -1;
    s->ambient = calloc(json_array_size(arr) + 1, sizeof *s->ambient);
    if (!s->ambient)
        return json_fail(L->doc, "ambient", "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char ep[JSON_PATH_MAX], p[JSON_PATH_MAX], a[32], b[32];
        json_path_index(ep, sizeof ep, "ambient", i);
        const json_t *e = json_array_get(arr, i);
        ScenarioAmbient *am = &s->ambient[i];
        int label = 0;
        if (json_expect_object(L->doc, e, ep) < 0 ||
            json_check_keys(L->doc, e, ep, keys) < 0 ||
            scenario_check_source(L, e, ep) < 0 ||
            json_get_duration(L->doc, e, ep, "from", &am->from_ps) < 0 ||
            json_get_duration(L->doc, e, ep, "to", &am->to_ps) < 0 ||
            scenario_get_choice(L, e, ep, "label", "label",
                                scenario_label_names, &label) < 0)
            return -1;
        am->label = (ScenarioLabel)label;
        if (am->to_ps <= am->from_ps)
            return json_fail(L->doc, json_path_key(p, sizeof p, ep, "to"),
                             "must be later than from");
        if (am->to_ps > s->duration_ps) {
            sim_format_duration(s->duration_ps, a, sizeof a);
            return json_fail(L->doc, json_path_key(p, sizeof p, ep, "to"),
                             "is after the end of the scenario (%s)", a);
        }
        if (i > 0 && am->from_ps < s->ambient[i - 1].to_ps) {
            const ScenarioAmbient *prev = &s->ambient[i - 1];
            sim_format_duration(prev->from_ps, a, sizeof a);
            sim_format_duration(prev->to_ps, b, sizeof b);
            if (am->from_ps >= prev->from_ps)
                return json_fail(L->doc, json_path_key(p, sizeof p, ep, "from"),
                                 "overlaps ambient[%zu] (%s to %s)", i - 1, a,
                                 b);
            return json_fail(L->doc, json_path_key(p, sizeof p, ep, "from"),
                             "starts before ambient[%zu] (%s to %s): list "
                             "periods in time order",
                             i - 1, a, b);
        }
        s->n_ambient = i + 1;
    }
    return 0;
}

/* ---- user and call policy ------------------------------------------- */

bool scenario_has_action(const json_t *root, ScenarioAction action)
{
    const json_t *arr = json_object_get(root, "events");
    for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
        const json_t *a = json_object_get(json_array_get(arr, i), "action");
        if (json_is_string(a) &&
            strcmp(json_string_value(a), scenario_action_names[action]) == 0)
            return true;
    }
    return false;
}

static int load_user(ScenarioLoader *L, const json_t *root)
{
    static const char *const keys[] = {
        "foreground", "answer_delay", "consent_delay",
        "read_time",  "keystroke",    "source",
        NULL};
    Scenario *s = L->s;
    const json_t *o;
    char p[JSON_PATH_MAX];
    if (scenario_get_group(L, root, "", "user", keys, &o, p) < 0 ||
        scenario_check_source(L, o, p) < 0 ||
        scenario_get_domain_ref(L, o, p, "foreground", &s->user.foreground) <
            0 ||
        get_dist_opt(L, o, p, "answer_delay", DIST_TIME,
                     &s->user.answer_delay) < 0 ||
        get_dist_opt(L, o, p, "consent_delay", DIST_TIME,
                     &s->user.consent_delay) < 0 ||
        get_dist_opt(L, o, p, "read_time", DIST_TIME, &s->user.read_time) < 0 ||
        get_dist_opt(L, o, p, "keystroke", DIST_TIME, &s->user.keystroke) < 0)
        return -1;
    return 0;
}

static int load_call_policy(ScenarioLoader *L, const json_t *root)
{
    Scenario *s = L->s;
    s->call_policy = SCENARIO_NONE;
    bool calls = scenario_has_action(root, SCENARIO_ACTION_INCOMING_CALL);
    if (!json_has_key(root, "call_policy")) {
        if (calls)
            return json_fail(L->doc, "call_policy",
                             "missing (the scenario has incoming-call "
                             "events)");
        return 0;
    }
    if (scenario_get_choice(L, root, "", "call_policy", "call policy",
                            scenario_call_policy_names, &s->call_policy) < 0)
        return -1;
    if (calls && s->call_policy != SCENARIO_CALL_REJECT &&
        !s->user.answer_delay.present)
        return json_fail(L->doc, "user",
                         "user.answer_delay: missing (needed to answer "
                         "incoming calls under call_policy \"%s\")",
                         scenario_call_policy_names[s->call_policy]);
    return 0;
}

static int load_mic_policy(ScenarioLoader *L, const json_t *root)
{
    Scenario *s = L->s;
    s->mic_policy = SCENARIO_MIC_ALLOW;
    if (!json_has_key(root, "mic_policy"))
        return 0;
    if (scenario_get_choice(L, root, "", "mic_policy", "microphone policy",
                            scenario_mic_policy_names, &s->mic_policy) < 0)
        return -1;
    if (s->mic_policy == SCENARIO_MIC_CONSENT && !s->user.consent_delay.present)
        return json_fail(L->doc, "mic_policy",
                         "mic_policy \"consent\" needs user.consent_delay "
                         "(the time the user takes to confirm the prompt)");
    return 0;
}

/* ---- entry points --------------------------------------------------- */

Scenario *scenario_from_doc(JsonDoc *doc)
{
    static const char *const keys[] = {
        "format",  "name",     "description", "soc",        "duration",
        "seed",    "quantum",  "domains",     "ambient",    "user",
        "network", "events",   "call_policy", "mic_policy", "approaches",
        "set",     "variants", "expect",      NULL};
    ScenarioLoader L = {.doc = doc, .s = calloc(1, sizeof(Scenario))};
    const json_t *root = doc->root;
    const char *format;
    if (!L.s) {
        json_fail(doc, "", "out of memory");
        return NULL;
    }
    if (!json_is_object(root)) {
        json_fail(doc, "", "expected an object at the top level");
        goto fail;
    }
    if (json_check_keys(doc, root, "", keys) < 0 ||
        json_get_string(doc, root, "", "format", &format) < 0)
        goto fail;
    if (strcmp(format, SCENARIO_FORMAT) != 0) {
        json_fail(doc, "format", "expected \"%s\" (got \"%s\")",
                  SCENARIO_FORMAT, format);
        goto fail;
    }
    L.s->file = keep(&L, "", doc->file);
    if (!L.s->file || load_header(&L, root) < 0 || load_network(&L, root) < 0 ||
        load_domains(&L, root) < 0 || load_ambient(&L, root) < 0 ||
        load_user(&L, root) < 0 || load_call_policy(&L, root) < 0 ||
        load_mic_policy(&L, root) < 0 || scenario_load_events(&L, root) < 0 ||
        scenario_load_approaches(&L, root) < 0 ||
        scenario_load_set(&L, root) < 0 ||
        scenario_load_variants(&L, root) < 0 ||
        scenario_load_expects(&L, root) < 0)
        goto fail;
    return L.s;

fail:
    scenario_free(L.s);
    return NULL;
}

Scenario *scenario_load(const char *path, char *err, size_t err_size)
{
    JsonDoc *doc = json_doc_load_file(path, err, err_size);
    if (!doc)
        return NULL;
    Scenario *s = scenario_from_doc(doc);
    if (!s)
        snprintf(err, err_size, "%s", json_doc_error(doc));
    json_doc_free(doc);
    return s;
}

/* ---- queries -------------------------------------------------------- */

int scenario_event_time(const ScenarioEvent *ev, hs_time duration_ps,
                        uint64_t k, hs_time *out)
{
    hs_time until = ev->until_ps < duration_ps ? ev->until_ps : duration_ps;
    if (ev->every_ps == 0) {
        if (k > 0 || ev->at_ps >= until)
            return -1;
        *out = ev->at_ps;
        return 0;
    }
    if (ev->count && k >= ev->count)
        return -1;
    hs_time t;
    if (__builtin_mul_overflow(k, ev->every_ps, &t) ||
        __builtin_add_overflow(t, ev->at_ps, &t) || t >= until)
        return -1;
    *out = t;
    return 0;
}

uint64_t scenario_event_count(const ScenarioEvent *ev, hs_time duration_ps)
{
    hs_time until = ev->until_ps < duration_ps ? ev->until_ps : duration_ps;
    if (ev->at_ps >= until)
        return 0;
    if (ev->every_ps == 0)
        return 1;
    uint64_t n = (until - ev->at_ps - 1) / ev->every_ps + 1;
    return ev->count && ev->count < n ? ev->count : n;
}

int scenario_find_domain(const Scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_domains; i++)
        if (strcmp(s->domains[i].name, name) == 0)
            return (int)i;
    return SCENARIO_NONE;
}

const ScenarioApp *scenario_domain_app(const Scenario *s, int d,
                                       ScenarioAppKind kind)
{
    if (d < 0 || (size_t)d >= s->n_domains)
        return NULL;
    for (size_t i = 0; i < s->domains[d].n_apps; i++)
        if (s->domains[d].apps[i].kind == kind)
            return &s->domains[d].apps[i];
    return NULL;
}

ScenarioLabel scenario_ambient_at(const Scenario *s, hs_time t)
{
    for (size_t i = 0; i < s->n_ambient; i++)
        if (t >= s->ambient[i].from_ps && t < s->ambient[i].to_ps)
            return s->ambient[i].label;
    return SCENARIO_LABEL_UNCLASSIFIED;
}
