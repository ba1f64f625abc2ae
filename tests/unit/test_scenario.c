/*
 * test_scenario.c - the scenario loader: every shipped scenario loads;
 * a small fixture loads with exactly the values it states (times in ps,
 * references resolved to indices, settings as text); event rules give
 * the right occurrence times; every malformed fixture under
 * tests/data/scenario/ fails with the exact file:line:column, key and
 * reason; --set assignments are checked and override the file.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/scenario.h"

/* Shipped SoC names resolve through the data directory; the test binary
 * lives in build/tests/, not in the source tree, so each test points
 * HANDSET_DATA at the source tree and restores it afterwards. */
typedef struct DataEnv {
    bool had;         /* HANDSET_DATA was set before */
    char saved[4096]; /* its old value */
} DataEnv;

static int data_setup(void **state)
{
    DataEnv *env = calloc(1, sizeof *env);
    if (!env)
        return -1;
    const char *old = getenv("HANDSET_DATA");
    env->had = old != NULL;
    if (old)
        snprintf(env->saved, sizeof env->saved, "%s", old);
    char data[512];
    setenv("HANDSET_DATA", hs_test_path("", data, sizeof data), 1);
    *state = env;
    return 0;
}

static int data_teardown(void **state)
{
    DataEnv *env = *state;
    if (env->had)
        setenv("HANDSET_DATA", env->saved, 1);
    else
        unsetenv("HANDSET_DATA");
    free(env);
    return 0;
}

static Scenario *load_ok(const char *relative)
{
    char path[512], err[JSON_ERR_MAX] = "";
    Scenario *s = scenario_load(hs_test_path(relative, path, sizeof path), err,
                                sizeof err);
    if (!s)
        fail_msg("%s did not load: %s", relative, err);
    return s;
}

static void test_shipped_scenarios_load(void **state)
{
    (void)state;
    static const char *const names[] = {
        "incoming-call-secret",   "email-sync",   "standby-24h",
        "covert-wakelock",        "covert-radio", "baseband-mic-attack",
        "download-store-display", "sms-at-work",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "scenarios/%s.json", names[i]);
        Scenario *s = load_ok(rel);
        assert_string_equal(s->name, names[i]);
        assert_true(strlen(s->description) > 20);
        assert_true(s->n_expects > 0);
        scenario_free(s);
    }
}

static void test_good_fixture_values(void **state)
{
    (void)state;
    Scenario *s = load_ok("tests/data/scenario/good.json");
    assert_string_equal(s->name, "good");
    assert_string_equal(s->soc, "ref-2013");
    assert_non_null(strstr(s->soc_path, "soc_models/ref-2013.json"));
    assert_int_equal(s->duration_ps, 3 * HS_MIN);
    assert_int_equal(s->seed, 7);
    assert_int_equal(s->quantum_ps, HS_MS);

    assert_int_equal(s->n_domains, 2);
    assert_string_equal(s->domains[0].name, "secret");
    assert_int_equal(s->domains[0].level, SCENARIO_LABEL_SECRET);
    assert_int_equal(s->domains[1].level, SCENARIO_LABEL_UNCLASSIFIED);
    assert_int_equal(scenario_find_domain(s, "unclass"), 1);
    assert_int_equal(scenario_find_domain(s, "nobody"), SCENARIO_NONE);

    const ScenarioApp *ui = scenario_domain_app(s, 0, SCENARIO_APP_UI);
    assert_non_null(ui);
    assert_int_equal(ui->ui.brightness_permille, 500);
    assert_int_equal(ui->ui.frame_rate_hz, 0);
    const ScenarioApp *voice = scenario_domain_app(s, 1, SCENARIO_APP_VOICE);
    assert_non_null(voice);
    assert_int_equal(voice->voice.codec, SCENARIO_CODEC_G722);
    assert_int_equal(voice->voice.bitrate_bps, 64000);
    const ScenarioApp *tx = scenario_domain_app(s, 0, SCENARIO_APP_COVERT_TX);
    assert_int_equal(tx->covert.channel, SCENARIO_COVERT_WAKELOCK);
    assert_int_equal(tx->covert.symbol_period_ps, 50 * HS_MS);
    assert_int_equal(tx->covert.symbols, 100);
    assert_int_equal(tx->covert.wakelock_id, 1);
    const ScenarioApp *rx = scenario_domain_app(s, 1, SCENARIO_APP_COVERT_RX);
    assert_int_equal(rx->covert.threshold_ps, 5 * HS_MS);
    assert_null(scenario_domain_app(s, 1, SCENARIO_APP_MAIL));

    assert_int_equal(s->n_ambient, 2);
    assert_int_equal(scenario_ambient_at(s, 0), SCENARIO_LABEL_SECRET);
    assert_int_equal(scenario_ambient_at(s, HS_MIN - 1), SCENARIO_LABEL_SECRET);
    assert_int_equal(scenario_ambient_at(s, HS_MIN),
                     SCENARIO_LABEL_CONFIDENTIAL);
    assert_int_equal(scenario_ambient_at(s, 2 * HS_MIN),
                     SCENARIO_LABEL_UNCLASSIFIED);

    assert_int_equal(s->user.foreground, 0);
    assert_true(s->user.answer_delay.present);
    assert_int_equal(s->user.answer_delay.kind, SCENARIO_DIST_LOGNORMAL);
    assert_int_equal(s->user.answer_delay.a, 4 * HS_S);
    assert_int_equal(s->user.answer_delay.sigma_ppm, 500000);
    assert_false(s->user.read_time.present);

    assert_int_equal(s->n_peers, 1);
    assert_int_equal(s->peers[0].kind, SCENARIO_PEER_IMS);
    assert_int_equal(s->peers[0].rtt.kind, SCENARIO_DIST_FIXED);
    assert_int_equal(s->peers[0].rtt.a, 70 * HS_MS);
    assert_int_equal(s->peers[0].down.a, 12740);
    assert_int_equal(s->peers[0].up.a, 5640);

    assert_int_equal(s->n_events, 3);
    const ScenarioEvent *call = &s->events[0];
    assert_int_equal(call->action, SCENARIO_ACTION_INCOMING_CALL);
    assert_int_equal(call->at_ps, 20 * HS_S);
    assert_int_equal(call->every_ps, 0);
    assert_int_equal(call->domain, 1);
    assert_int_equal(call->peer, 0); /* the only ims peer */
    assert_int_equal(call->ring_timeout_ps, 20 * HS_S);
    assert_int_equal(call->talk_ps, 30 * HS_S);
    const ScenarioEvent *sms = &s->events[1];
    assert_int_equal(sms->every_ps, HS_MIN);
    assert_int_equal(sms->jitter_ps, 5 * HS_S);
    assert_int_equal(sms->bytes, 140);
    assert_int_equal(sms->until_ps, 3 * HS_MIN);
    assert_int_equal(s->events[2].action, SCENARIO_ACTION_SWITCH_DOMAIN);
    assert_int_equal(s->events[2].domain, 1);
    assert_int_equal(s->call_policy, SCENARIO_CALL_SWITCH_AND_ANSWER);

    assert_true(s->approaches[SCENARIO_APPROACH_NATIVE]);
    assert_true(s->approaches[SCENARIO_APPROACH_HYP_PV]);
    assert_false(s->approaches[SCENARIO_APPROACH_TRUSTZONE]);
    assert_false(s->approaches[SCENARIO_APPROACH_CONTAINERS]);

    assert_int_equal(s->n_settings, 2);
    assert_string_equal(s->settings[0].key, "virt.hyp-mils.slice");
    assert_string_equal(s->settings[0].value, "10ms");
    assert_string_equal(s->settings[1].value, "376");
    assert_non_null(strstr(s->settings[1].origin, "good.json:47:"));

    assert_int_equal(s->n_variants, 1);
    assert_string_equal(s->variants[0].name, "default");
    assert_int_equal(s->variants[0].mic_wiring, SCENARIO_NONE);

    assert_int_equal(s->n_expects, 2);
    const ScenarioExpect *abs = &s->expects[0];
    assert_false(abs->relative);
    assert_int_equal(abs->approach, SCENARIO_APPROACH_HYP_MILS);
    assert_int_equal(abs->op, SCENARIO_OP_LT);
    assert_true(abs->value == 2000.0);
    assert_int_equal(abs->variant, SCENARIO_NONE);
    const ScenarioExpect *rel = &s->expects[1];
    assert_true(rel->relative);
    assert_string_equal(rel->metric, "flows.covert[0].bits_per_s");
    assert_string_equal(rel->than_metric, rel->metric);
    assert_int_equal(rel->approach, SCENARIO_APPROACH_HYP_PV);
    assert_int_equal(rel->than_approach, SCENARIO_APPROACH_HYP_MILS);
    assert_true(rel->factor == 10.0);
    assert_string_equal(scenario_op_name(rel->op), ">");
    assert_non_null(strstr(rel->where, "good.json:50:"));
    scenario_free(s);
}

static void test_event_rules(void **state)
{
    (void)state;
    hs_time t = 0;
    ScenarioEvent once = {.at_ps = 5 * HS_S, .until_ps = HS_MIN};
    assert_int_equal(scenario_event_count(&once, HS_MIN), 1);
    assert_int_equal(scenario_event_time(&once, HS_MIN, 0, &t), 0);
    assert_int_equal(t, 5 * HS_S);
    assert_int_equal(scenario_event_time(&once, HS_MIN, 1, &t), -1);

    /* every 15 min from 0 for 2 h: 0, 15m, ..., 1h45m (8; 2h excluded) */
    ScenarioEvent sync = {.every_ps = 15 * HS_MIN, .until_ps = 2 * HS_HOUR};
    assert_int_equal(scenario_event_count(&sync, 2 * HS_HOUR), 8);
    assert_int_equal(scenario_event_time(&sync, 2 * HS_HOUR, 7, &t), 0);
    assert_int_equal(t, 105 * HS_MIN);
    assert_int_equal(scenario_event_time(&sync, 2 * HS_HOUR, 8, &t), -1);

    /* count stops the series first; until stops it otherwise */
    sync.count = 3;
    assert_int_equal(scenario_event_count(&sync, 2 * HS_HOUR), 3);
    assert_int_equal(scenario_event_time(&sync, 2 * HS_HOUR, 3, &t), -1);
    sync.count = 0;
    sync.at_ps = 20 * HS_S;
    sync.until_ps = 31 * HS_MIN;
    assert_int_equal(scenario_event_count(&sync, 2 * HS_HOUR), 3);

    /* The paging-sized series of a day costs nothing to describe. */
    ScenarioEvent tick = {.every_ps = 1280 * HS_MS, .until_ps = HS_DAY};
    assert_int_equal(scenario_event_count(&tick, HS_DAY), 67500);
}

static void test_shipped_relations(void **state)
{
    (void)state;
    Scenario *s = load_ok("scenarios/baseband-mic-attack.json");
    assert_int_equal(s->n_variants, 2);
    assert_string_equal(s->variants[0].name, "baseband-direct");
    assert_int_equal(s->variants[0].mic_wiring, SOC_MIC_BASEBAND_DIRECT);
    assert_int_equal(s->variants[1].mic_wiring, SOC_MIC_AP_CODEC);
    assert_int_equal(s->expects[0].variant, 0);
    assert_int_equal(s->expects[1].variant, 1);
    assert_int_equal(s->expects[1].op, SCENARIO_OP_EQ);
    scenario_free(s);

    s = load_ok("scenarios/standby-24h.json");
    assert_int_equal(s->duration_ps, HS_DAY);
    assert_true(s->expects[0].relative);
    assert_int_equal(s->expects[0].approach, SCENARIO_APPROACH_HYP_MILS);
    assert_int_equal(s->expects[0].than_approach, SCENARIO_NONE);
    assert_int_equal(s->expects[0].op, SCENARIO_OP_LT);
    for (int a = 0; a < SCENARIO_APPROACH_COUNT; a++)
        assert_true(s->approaches[a]); /* default: all six */
    assert_int_equal(scenario_event_count(&s->events[0], s->duration_ps), 96);
    scenario_free(s);

    s = load_ok("scenarios/covert-wakelock.json");
    assert_int_equal(s->expects[0].than_approach, SCENARIO_APPROACH_HYP_MILS);
    assert_true(s->expects[0].factor == 10.0);
    scenario_free(s);
}

/* Loads a fixture and checks the whole error message. */
static void expect_error(const char *fixture, const char *where_and_why)
{
    char rel[256], path[512], want[1024], err[JSON_ERR_MAX] = "";
    snprintf(rel, sizeof rel, "tests/data/scenario/%s", fixture);
    hs_test_path(rel, path, sizeof path);
    snprintf(want, sizeof want, "%s:%s", path, where_and_why);
    Scenario *s = scenario_load(path, err, sizeof err);
    if (s) {
        scenario_free(s);
        fail_msg("%s loaded but should not", fixture);
    }
    if (strcmp(err, want) != 0)
        fail_msg("%s\n  got:    '%s'\n  wanted: '%s'", fixture, err, want);
}

static void test_malformed_fixtures(void **state)
{
    (void)state;
    expect_error("bad-json.json",
                 "7:13: invalid JSON: string or '}' expected near ','");
    expect_error("unknown-key.json",
                 "6:3: duraton: unknown key (did you mean \"duration\"?)");
    expect_error("wrong-type.json", "7:11: seed: expected an integer");
    expect_error("unknown-approach.json",
                 "46:55: approaches[3]: unknown approach \"hyp-pvv\" (did "
                 "you mean \"hyp-pv\"?)");
    expect_error("unknown-app.json",
                 "22:17: domains[1].apps[0].app: unknown app \"vioce\" (did "
                 "you mean \"voice\"?)");
    expect_error("negative-duration.json",
                 "6:15: duration: invalid duration \"-3m\": durations "
                 "cannot be negative");
    expect_error("event-after-end.json",
                 "43:12: events[2].at: 4m is not before the end of the "
                 "scenario (3m)");
    expect_error("unknown-domain.json",
                 "42:88: events[1].params.domain: unknown domain \"unclas\" "
                 "(did you mean \"unclass\"?)");
    expect_error("overlapping-ambient.json",
                 "29:14: ambient[1].from: overlaps ambient[0] (0 to 1m)");
    expect_error("expect-unknown-approach.json",
                 "49:56: expect[0].approach: unknown approach \"hyp-mil\" "
                 "(did you mean \"hyp-mils\"?)");
    expect_error("expect-approach-not-run.json",
                 "49:56: expect[0].approach: approach \"trustzone\" is not "
                 "among the scenario's approaches");
    expect_error("every-zero.json",
                 "42:28: events[1].every: must be greater than 0");
    expect_error("jitter-too-long.json",
                 "42:44: events[1].jitter: must be shorter than every");
    expect_error("bad-set-key.json",
                 "47:26: set.virt..slice: a key is section.name or "
                 "section.name.sub, each part starting with a letter or "
                 "digit");
    expect_error("unknown-param.json",
                 "23:89: domains[1].apps[1].params.symbol: unknown key (did "
                 "you mean \"symbols\"?)");
    expect_error("covert-unpaired.json",
                 "23:9: domains[1].apps[1]: no covert-tx in another domain "
                 "on channel \"wakelock\" with the same symbol_period, "
                 "symbols and start");
    expect_error("unknown-level.json",
                 "20:16: domains[1].level: unknown level \"restricted\" "
                 "(expected one of \"unclassified\", \"confidential\", "
                 "\"secret\", \"top-secret\")");
    expect_error("duplicate-domain.json",
                 "19:15: domains[1].name: duplicate domain name \"secret\" "
                 "(also domains[0])");
    expect_error("missing-call-policy.json",
                 "1:1: call_policy: missing (the scenario has incoming-call "
                 "events)");
    expect_error("app-needs-voice.json",
                 "41:67: events[0].params.domain: domain \"secret\" runs no "
                 "voice app");
    expect_error("hang-up-without-call.json",
                 "41:29: events[0].action: hang-up needs an incoming-call "
                 "or dial event in the scenario");
    expect_error("bad-variant.json",
                 "48:85: variants[1].mic_wiring: unknown microphone wiring "
                 "\"bluetooth\" (expected one of \"baseband-direct\", "
                 "\"ap-codec\")");
    expect_error("bad-dist.json",
                 "33:73: user.answer_delay.mean: unknown key (did you mean "
                 "\"median\"?)");
    expect_error("value-and-than.json",
                 "51:14: expect[1].than: give either \"value\" or "
                 "\"than\", not both");
    expect_error("relative-star.json",
                 "50:58: expect[1].approach: a comparison with \"than\" "
                 "needs one approach on its left (\"*\" is allowed in "
                 "than.approach)");
}

static void test_unknown_soc(void **state)
{
    (void)state;
    char path[512], err[JSON_ERR_MAX] = "";
    hs_test_path("tests/data/scenario/unknown-soc.json", path, sizeof path);
    Scenario *s = scenario_load(path, err, sizeof err);
    assert_null(s);
    assert_non_null(strstr(err, "unknown-soc.json:5:10: soc: no shipped SoC "
                                "named \"ref-2031\""));
}

static void test_set_assignments(void **state)
{
    (void)state;
    char err[256] = "", why[160];
    Scenario *s = load_ok("tests/data/scenario/good.json");

    /* The command line replaces a key the file sets, and adds new ones. */
    assert_int_equal(
        scenario_apply_set(s, "virt.hyp-mils.slice=20ms", err, sizeof err), 0);
    assert_int_equal(s->n_settings, 2);
    const ScenarioSetting *slice = scenario_setting(s, "virt.hyp-mils.slice");
    assert_string_equal(slice->value, "20ms");
    assert_string_equal(slice->origin, "--set");
    assert_int_equal(
        scenario_apply_set(s, "power.battery_mah=2000", err, sizeof err), 0);
    assert_int_equal(s->n_settings, 3);
    assert_string_equal(scenario_setting(s, "power.battery_mah")->value,
                        "2000");
    /* VALUE may itself hold '='. */
    assert_int_equal(scenario_apply_set(s, "out.note=a=b", err, sizeof err), 0);
    assert_string_equal(scenario_setting(s, "out.note")->value, "a=b");
    assert_null(scenario_setting(s, "virt.none"));

    assert_int_equal(scenario_apply_set(s, "virt.slice", err, sizeof err), -1);
    assert_string_equal(err, "--set virt.slice: expected KEY=VALUE");
    assert_int_equal(scenario_apply_set(s, "virt.slice=", err, sizeof err), -1);
    assert_string_equal(err, "--set virt.slice=: VALUE must not be empty");
    assert_int_equal(scenario_apply_set(s, "slice=1", err, sizeof err), -1);
    assert_string_equal(err, "--set slice=1: a key is section.name or "
                             "section.name.sub, each part starting with a "
                             "letter or digit");
    assert_int_equal(scenario_apply_set(s, "Virt.x=1", err, sizeof err), -1);
    assert_non_null(strstr(err, "character 'V' is not allowed"));
    assert_int_equal(scenario_apply_set(s, "=1", err, sizeof err), -1);
    assert_int_equal(s->n_settings, 4);

    assert_int_equal(scenario_check_set_key("a.b", why, sizeof why), 0);
    assert_int_equal(
        scenario_check_set_key("virt.hyp-pv.hypercall_cycles", why, sizeof why),
        0);
    assert_int_equal(scenario_check_set_key("a.b.c.d", why, sizeof why), -1);
    assert_int_equal(scenario_check_set_key("a.-b", why, sizeof why), -1);
    assert_int_equal(scenario_check_set_key("a.b.", why, sizeof why), -1);
    assert_int_equal(scenario_check_set_key(".a.b", why, sizeof why), -1);
    assert_int_equal(scenario_check_set_key("a b.c", why, sizeof why), -1);
    scenario_free(s);
}

static void test_text_errors(void **state)
{
    (void)state;
    /* Errors found without a file: scenario_from_doc on text. */
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"[]", "t.json:1:1: expected an object at the top level"},
        {"{\"format\": \"handset-soc/1\"}",
         "t.json:1:12: format: expected \"handset-scenario/1\" (got "
         "\"handset-soc/1\")"},
        {"{\"format\": \"handset-scenario/1\"}", "t.json:1:1: name: missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[JSON_ERR_MAX];
        JsonDoc *doc = json_doc_load_text(
            "t.json", cases[i].text, strlen(cases[i].text), err, sizeof err);
        assert_non_null(doc);
        Scenario *s = scenario_from_doc(doc);
        assert_null(s);
        assert_string_equal(json_doc_error(doc), cases[i].want);
        json_doc_free(doc);
    }
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(scenario_name_find(scenario_approach_names, "hyp-pv"),
                     SCENARIO_APPROACH_HYP_PV);
    assert_int_equal(scenario_name_find(scenario_approach_names, "xen"), -1);
    for (int i = 0; i < SCENARIO_APPROACH_COUNT; i++)
        assert_non_null(scenario_approach_descriptions[i]);
    assert_null(scenario_approach_names[SCENARIO_APPROACH_COUNT]);
    assert_int_equal(scenario_name_find(scenario_label_names, "top-secret"),
                     SCENARIO_LABEL_TOP_SECRET);
    assert_true(SCENARIO_LABEL_SECRET > SCENARIO_LABEL_CONFIDENTIAL);
    assert_int_equal(scenario_name_find(scenario_action_names, "download"),
                     SCENARIO_ACTION_DOWNLOAD);
    assert_null(scenario_action_names[SCENARIO_ACTION_COUNT]);
    assert_null(scenario_app_names[SCENARIO_APP_COUNT]);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_shipped_scenarios_load, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_good_fixture_values, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_event_rules, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_shipped_relations, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_malformed_fixtures, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_unknown_soc, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_set_assignments, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_text_errors, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_names, data_setup, data_teardown),
};

HS_TEST_GROUP(scenario, tests)
