/*
 * scenario_events.c - the "events" group of a scenario: each rule's
 * action, its timing and its parameters (scenario_int.h).
 */
#include "config/scenario_int.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Figures with a source (scenarios/README.md repeats them). */
#define RING_TIMEOUT_DEFAULT_PS (20 * HS_S) /* Android no-reply timer */
#define SMS_MAX_BYTES 140  /* 3GPP TS 23.040: 140 octets of user data */
#define DIAL_MAX_DIGITS 15 /* ITU-T E.164: at most 15 digits */

static const char *const hang_up_by_names[] = {
    [SCENARIO_HANG_UP_USER] = "user",
    [SCENARIO_HANG_UP_REMOTE] = "remote",
    NULL,
};

/* ---- events --------------------------------------------------------- */

/* The domain named by params.KEY, which must run app (SCENARIO_NONE:
 * any). */
static int get_domain_with(ScenarioLoader *L, const json_t *o, const char *pp,
                           const char *key, int app, int *out)
{
    char path[JSON_PATH_MAX];
    if (scenario_get_domain_ref(L, o, pp, key, out) < 0)
        return -1;
    if (app != SCENARIO_NONE &&
        !scenario_domain_app(L->s, *out, (ScenarioAppKind)app))
        return json_fail(L->doc, json_path_key(path, sizeof path, pp, key),
                         "domain \"%s\" runs no %s app",
                         L->s->domains[*out].name, scenario_app_names[app]);
    return 0;
}

static int get_bytes(ScenarioLoader *L, const json_t *o, const char *pp,
                     int64_t max, uint64_t *out)
{
    int64_t n;
    if (json_get_integer(L->doc, o, pp, "bytes", 1, max, &n) < 0)
        return -1;
    *out = (uint64_t)n;
    return 0;
}

/* dial: the voice domain, the IMS peer, the number, and when the far
 * end answers; talk and cancel_after optional. */
static int load_dial(ScenarioLoader *L, const json_t *o, const char *pp,
                     ScenarioEvent *ev)
{
    char path[JSON_PATH_MAX];
    const char *num;
    if (get_domain_with(L, o, pp, "domain", SCENARIO_APP_VOICE, &ev->domain) <
            0 ||
        scenario_get_peer_ref(L, o, pp, "peer", SCENARIO_PEER_IMS, &ev->peer) <
            0 ||
        json_get_string(L->doc, o, pp, "callee", &num) < 0)
        return -1;
    size_t n = strlen(num);
    bool ok = n >= 2 && n <= DIAL_MAX_DIGITS + 1 && num[0] == '+';
    for (size_t i = 1; ok && i < n; i++)
        ok = num[i] >= '0' && num[i] <= '9';
    if (!ok)
        return json_fail(L->doc, json_path_key(path, sizeof path, pp, "callee"),
                         "\"%s\" is not a number in international format "
                         "(\"+\" and 1 to %d digits, ITU-T E.164)",
                         num, DIAL_MAX_DIGITS);
    ev->callee = scenario_own(L->s, num);
    if (!ev->callee)
        return json_fail(L->doc, pp, "out of memory");
    if (!json_has_key(o, "answer_after"))
        return json_fail(L->doc, pp,
                         "answer_after: missing (when the far end picks up; "
                         "\"0s\" for never)");
    if (scenario_get_time_opt(L, o, pp, "answer_after", &ev->answer_after_ps) <
            0 ||
        (json_has_key(o, "talk") &&
         scenario_get_period(L, o, pp, "talk", &ev->talk_ps) < 0) ||
        (json_has_key(o, "cancel_after") &&
         scenario_get_period(L, o, pp, "cancel_after", &ev->cancel_after_ps) <
             0))
        return -1;
    return 0;
}

static int load_event_params(ScenarioLoader *L, const json_t *e, const char *ep,
                             ScenarioEvent *ev)
{
    static const char *const keys[][7] = {
        [SCENARIO_ACTION_INCOMING_CALL] = {"domain", "peer", "ring_timeout",
                                           "talk", "cancel_after", NULL},
        [SCENARIO_ACTION_HANG_UP] = {"by", NULL},
        [SCENARIO_ACTION_SMS] = {"domain", "peer", "bytes", NULL},
        [SCENARIO_ACTION_MAIL_SYNC] = {"domain", "show", NULL},
        [SCENARIO_ACTION_SWITCH_DOMAIN] = {"to", NULL},
        [SCENARIO_ACTION_HOSTILE_MIC_OPEN] = {"peer", NULL},
        [SCENARIO_ACTION_HOSTILE_MIC_CLOSE] = {NULL},
        [SCENARIO_ACTION_DOWNLOAD] = {"domain", "peer", "bytes", "store", NULL},
        [SCENARIO_ACTION_DISPLAY_DOCUMENT] = {"domain", "bytes", NULL},
        [SCENARIO_ACTION_DIAL] = {"domain", "peer", "callee", "answer_after",
                                  "talk", "cancel_after", NULL},
    };
    const json_t *o;
    char pp[JSON_PATH_MAX];
    int by = 0;
    if (scenario_get_params(L, e, ep, keys[ev->action], &o, pp) < 0)
        return -1;
    if (!o) {
        /* Only the hostile-mic actions can do without params. */
        if (ev->action == SCENARIO_ACTION_HOSTILE_MIC_OPEN ||
            ev->action == SCENARIO_ACTION_HOSTILE_MIC_CLOSE)
            return 0;
        return json_fail(L->doc, ep, "params: missing (%s needs \"%s\")",
                         scenario_action_names[ev->action],
                         keys[ev->action][0]);
    }
    switch (ev->action) {
    case SCENARIO_ACTION_INCOMING_CALL:
        ev->ring_timeout_ps = RING_TIMEOUT_DEFAULT_PS;
        if (get_domain_with(L, o, pp, "domain", SCENARIO_APP_VOICE,
                            &ev->domain) < 0 ||
            scenario_get_peer_ref(L, o, pp, "peer", SCENARIO_PEER_IMS,
                                  &ev->peer) < 0)
            return -1;
        if (json_has_key(o, "ring_timeout") &&
            scenario_get_period(L, o, pp, "ring_timeout",
                                &ev->ring_timeout_ps) < 0)
            return -1;
        if (json_has_key(o, "talk") &&
            scenario_get_period(L, o, pp, "talk", &ev->talk_ps) < 0)
            return -1;
        if (json_has_key(o, "cancel_after") &&
            scenario_get_period(L, o, pp, "cancel_after",
                                &ev->cancel_after_ps) < 0)
            return -1;
        return 0;
    case SCENARIO_ACTION_DIAL:
        return load_dial(L, o, pp, ev);
    case SCENARIO_ACTION_HANG_UP:
        if (scenario_get_choice(L, o, pp, "by", "hang-up side",
                                hang_up_by_names, &by) < 0)
            return -1;
        ev->by = (ScenarioHangUpBy)by;
        if (!scenario_has_action(L->doc->root, SCENARIO_ACTION_INCOMING_CALL) &&
            !scenario_has_action(L->doc->root, SCENARIO_ACTION_DIAL))
            return json_fail(L->doc, json_path_key(pp, sizeof pp, ep, "action"),
                             "hang-up needs an incoming-call or dial event "
                             "in the scenario");
        return 0;
    case SCENARIO_ACTION_SMS:
        return get_domain_with(L, o, pp, "domain", SCENARIO_NONE, &ev->domain) <
                           0 ||
                       scenario_get_peer_ref(L, o, pp, "peer",
                                             SCENARIO_PEER_IMS,
                                             &ev->peer) < 0 ||
                       get_bytes(L, o, pp, SMS_MAX_BYTES, &ev->bytes) < 0
                   ? -1
                   : 0;
    case SCENARIO_ACTION_MAIL_SYNC:
        if (get_domain_with(L, o, pp, "domain", SCENARIO_APP_MAIL,
                            &ev->domain) < 0)
            return -1;
        if (json_has_key(o, "show") &&
            (json_get_bool(L->doc, o, pp, "show", &ev->show) < 0 ||
             (ev->show && get_domain_with(L, o, pp, "domain", SCENARIO_APP_UI,
                                          &ev->domain) < 0)))
            return -1;
        return 0;
    case SCENARIO_ACTION_SWITCH_DOMAIN:
        /* the new foreground's ui draws its first frame */
        return get_domain_with(L, o, pp, "to", SCENARIO_APP_UI, &ev->domain);
    case SCENARIO_ACTION_HOSTILE_MIC_OPEN:
        if (json_has_key(o, "peer"))
            return scenario_get_peer_ref(L, o, pp, "peer", SCENARIO_NONE,
                                         &ev->peer);
        return 0;
    case SCENARIO_ACTION_HOSTILE_MIC_CLOSE:
        return 0;
    case SCENARIO_ACTION_DOWNLOAD:
        ev->store = true;
        if (get_domain_with(L, o, pp, "domain", SCENARIO_NONE, &ev->domain) <
                0 ||
            scenario_get_peer_ref(L, o, pp, "peer", SCENARIO_PEER_WEB_SERVER,
                                  &ev->peer) < 0 ||
            get_bytes(L, o, pp, (int64_t)1 << 32, &ev->bytes) < 0)
            return -1;
        if (json_has_key(o, "store") &&
            json_get_bool(L->doc, o, pp, "store", &ev->store) < 0)
            return -1;
        return 0;
    case SCENARIO_ACTION_DISPLAY_DOCUMENT:
        return get_domain_with(L, o, pp, "domain", SCENARIO_APP_UI,
                               &ev->domain) < 0 ||
                       get_bytes(L, o, pp, (int64_t)1 << 32, &ev->bytes) < 0
                   ? -1
                   : 0;
    case SCENARIO_ACTION_COUNT:
        break;
    }
    return -1;
}

static int load_event(ScenarioLoader *L, const json_t *e, const char *ep,
                      ScenarioEvent *ev)
{
    static const char *const keys[] = {"at",     "every",  "jitter",
                                       "count",  "until",  "action",
                                       "params", "source", NULL};
    const Scenario *s = L->s;
    char p[JSON_PATH_MAX], a[32], b[32];
    int action = 0;
    *ev = (ScenarioEvent){.domain = SCENARIO_NONE,
                          .peer = SCENARIO_NONE,
                          .until_ps = s->duration_ps};
    if (json_expect_object(L->doc, e, ep) < 0 ||
        json_check_keys(L->doc, e, ep, keys) < 0 ||
        scenario_check_source(L, e, ep) < 0 ||
        scenario_get_choice(L, e, ep, "action", "action", scenario_action_names,
                            &action) < 0)
        return -1;
    ev->action = (ScenarioAction)action;
    bool periodic = json_has_key(e, "every");
    if (!periodic && !json_has_key(e, "at"))
        return json_fail(L->doc, ep, "needs \"at\" or \"every\"");
    if (scenario_get_time_opt(L, e, ep, "at", &ev->at_ps) < 0)
        return -1;
    sim_format_duration(s->duration_ps, b, sizeof b);
    if (ev->at_ps >= s->duration_ps) {
        sim_format_duration(ev->at_ps, a, sizeof a);
        return json_fail(L->doc, json_path_key(p, sizeof p, ep, "at"),
                         "%s is not before the end of the scenario (%s)", a, b);
    }
    if (!periodic) {
        static const char *const only[] = {"jitter", "count", "until", NULL};
        for (size_t i = 0; only[i]; i++)
            if (json_has_key(e, only[i]))
                return json_fail(L->doc,
                                 json_path_key(p, sizeof p, ep, only[i]),
                                 "only allowed with \"every\"");
        return load_event_params(L, e, ep, ev);
    }
    int64_t count = 0;
    if (scenario_get_period(L, e, ep, "every", &ev->every_ps) < 0 ||
        scenario_get_time_opt(L, e, ep, "jitter", &ev->jitter_ps) < 0 ||
        scenario_get_time_opt(L, e, ep, "until", &ev->until_ps) < 0)
        return -1;
    if (json_has_key(e, "count") &&
        json_get_integer(L->doc, e, ep, "count", 1, INT64_MAX, &count) < 0)
        return -1;
    ev->count = (uint64_t)count;
    if (ev->jitter_ps >= ev->every_ps)
        return json_fail(L->doc, json_path_key(p, sizeof p, ep, "jitter"),
                         "must be shorter than every");
    if (ev->until_ps > s->duration_ps) {
        sim_format_duration(ev->until_ps, a, sizeof a);
        return json_fail(L->doc, json_path_key(p, sizeof p, ep, "until"),
                         "%s is after the end of the scenario (%s)", a, b);
    }
    if (ev->until_ps <= ev->at_ps)
        return json_fail(L->doc, json_path_key(p, sizeof p, ep, "until"),
                         "must be later than at");
    return load_event_params(L, e, ep, ev);
}

/* A switch to the domain already in front is an error where the
 * foreground timeline is known before the run: every switch-domain
 * event happens once and no call policy switches domains. (Otherwise
 * such a switch is counted at run time, display.h.) */
static int check_switches(ScenarioLoader *L)
{
    const Scenario *s = L->s;
    if (s->call_policy == SCENARIO_CALL_SWITCH_AND_ANSWER)
        return 0;
    for (size_t i = 0; i < s->n_events; i++)
        if (s->events[i].action == SCENARIO_ACTION_SWITCH_DOMAIN &&
            s->events[i].every_ps)
            return 0;
    int fg = s->user.foreground;
    bool done[SCENARIO_MAX_ENTRIES] = {false};
    for (;;) {
        size_t next = s->n_events;
        for (size_t i = 0; i < s->n_events; i++)
            if (!done[i] &&
                s->events[i].action == SCENARIO_ACTION_SWITCH_DOMAIN &&
                (next == s->n_events ||
                 s->events[i].at_ps < s->events[next].at_ps))
                next = i;
        if (next == s->n_events)
            return 0;
        const ScenarioEvent *ev = &s->events[next];
        done[next] = true;
        char ep[JSON_PATH_MAX], pp[JSON_PATH_MAX], p[JSON_PATH_MAX];
        json_path_index(ep, sizeof ep, "events", next);
        json_path_key(pp, sizeof pp, ep, "params");
        if (ev->domain == fg)
            return json_fail(L->doc, json_path_key(p, sizeof p, pp, "to"),
                             "domain \"%s\" is already in front then (a "
                             "switch to it does nothing)",
                             s->domains[fg].name);
        fg = ev->domain;
    }
}

int scenario_load_events(ScenarioLoader *L, const json_t *root)
{
    Scenario *s = L->s;
    const json_t *arr;
    if (!json_has_key(root, "events"))
        return 0;
    if (json_get_array(L->doc, root, "", "events", 0, SCENARIO_MAX_ENTRIES,
                       &arr) < 0)
        return -1;
    s->events = calloc(json_array_size(arr) + 1, sizeof *s->events);
    if (!s->events)
        return json_fail(L->doc, "events", "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char ep[JSON_PATH_MAX];
        json_path_index(ep, sizeof ep, "events", i);
        if (load_event(L, json_array_get(arr, i), ep, &s->events[i]) < 0)
            return -1;
        s->n_events = i + 1;
    }
    return check_switches(L);
}
