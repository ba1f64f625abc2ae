/*
 * test_check.c - metric paths (schema and resolution, names with dots),
 * expect assertions (every operator both ways, "*", the relative form,
 * missing approaches and values), parse errors with positions, loading
 * run directories, and baseline comparison within a tolerance.
 */
#include "harness.h"

#include <string.h>

#include "out/check.h"

/* Two runs built in memory, "a" and "b". */
static void two_runs(CheckSet *s)
{
    static const char *const texts[] = {
        "{\"format\": \"handset-results/1\", \"approach\": \"a\","
        " \"latency\": {\"call.ring\": {\"p95_ms\": 100.5},"
        "               \"call\": {\"p95_ms\": 1}},"
        " \"energy\": {\"battery_life_h\": null},"
        " \"flows\": {\"violations\": 0, \"covert\": [{\"bits_per_s\": 40}]},"
        " \"counts\": {\"vm_switches\": 10}}",
        "{\"format\": \"handset-results/1\", \"approach\": \"b\","
        " \"latency\": {\"call.ring\": {\"p95_ms\": 300}},"
        " \"energy\": {\"battery_life_h\": 20},"
        " \"flows\": {\"violations\": 2, \"covert\": [{\"bits_per_s\": 2}]},"
        " \"counts\": {\"vm_switches\": 10}}",
    };
    check_set_init(s);
    for (size_t i = 0; i < 2; i++) {
        s->runs = realloc(s->runs, (i + 1) * sizeof *s->runs);
        assert_non_null(s->runs);
        s->runs[i].file = strdup(i ? "b.json" : "a.json");
        s->runs[i].approach = strdup(i ? "b" : "a");
        s->runs[i].root = json_loads(texts[i], 0, NULL);
        assert_non_null(s->runs[i].root);
        s->n = s->cap = i + 1;
    }
}

static void test_metric_valid(void **state)
{
    (void)state;
    char err[CHECK_ERR_MAX];
    const char *good[] = {
        "latency.call.ring.p95_ms",
        "latency.x.count",
        "energy.total_mj",
        "energy.battery_life_h",
        "energy.by_domain_mj.secret",
        "flows.violations",
        "flows.covert[0].bits_per_s",
        "flows.explicit[12].bytes",
        "counts.vm_switches",
        "counts.instructions.unclass",
        "sim_time_s",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (check_metric_valid(good[i], err, sizeof err) != 0)
            fail_msg("%s rejected: %s", good[i], err);
    const char *bad[] = {
        "latency.call.ring.p96_ms",
        "latency.p95_ms",
        "energy.total",
        "flows.covert.bits_per_s",
        "flows.covert[0].bps",
        "counts.vmswitch",
        "power.total_mj",
        "energy.by_domain_mj.",
        "flows.covert[x].symbols",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (check_metric_valid(bad[i], err, sizeof err) != -1)
            fail_msg("%s accepted", bad[i]);
    check_metric_valid("counts.vmswitch", err, sizeof err);
    assert_non_null(strstr(err, "vm_switches"));
}

static void test_resolve(void **state)
{
    (void)state;
    CheckSet s;
    two_runs(&s);
    const json_t *v;
    char err[CHECK_ERR_MAX];
    json_t *root = s.runs[0].root;
    /* The longest key wins: "call.ring", not "call". */
    assert_int_equal(
        check_resolve(root, "latency.call.ring.p95_ms", &v, err, sizeof err),
        0);
    assert_true(json_number_value(v) == 100.5);
    assert_int_equal(
        check_resolve(root, "latency.call.p95_ms", &v, err, sizeof err), 0);
    assert_true(json_number_value(v) == 1);
    assert_int_equal(
        check_resolve(root, "flows.covert[0].bits_per_s", &v, err, sizeof err),
        0);
    assert_true(json_number_value(v) == 40);
    assert_int_equal(
        check_resolve(root, "flows.covert[1].bits_per_s", &v, err, sizeof err),
        -1);
    assert_string_equal(err, "flows.covert has 1 element(s), no [1]");
    assert_int_equal(
        check_resolve(root, "latency.sms.notify.p50_ms", &v, err, sizeof err),
        -1);
    assert_string_equal(err, "no \"sms.notify.p50_ms\" under latency");
    check_set_free(&s);
}

/* Parses expect items from text; returns the doc (caller frees). */
static JsonDoc *parse(const char *text, CheckExpectList *l, int want)
{
    char err[JSON_ERR_MAX];
    JsonDoc *doc =
        json_doc_load_text("s.json", text, strlen(text), err, sizeof err);
    assert_non_null(doc);
    const json_t *arr = json_object_get(doc->root, "expect");
    int rc = check_expect_parse(doc, arr, "expect", l);
    if (rc != want)
        fail_msg("parse returned %d: %s", rc, json_doc_error(doc));
    return doc;
}

/* Evaluates one assertion over two_runs; returns passed*10 + failed. */
static unsigned eval(const char *item, char **text)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "{\"expect\": [%s]}", item);
    CheckExpectList l;
    JsonDoc *doc = parse(buf, &l, 0);
    CheckSet s;
    two_runs(&s);
    CheckReport rep;
    check_report_init(&rep);
    assert_int_equal(check_expect_eval(&s, &l, &rep), 0);
    unsigned r = rep.passed * 10 + rep.failed;
    if (text)
        *text = strdup(rep.text ? rep.text : "");
    check_report_free(&rep);
    check_set_free(&s);
    check_expect_list_free(&l);
    json_doc_free(doc);
    return r;
}

#define ITEM(metric, appr, op, value)                                          \
    "{\"metric\": \"" metric "\", \"approach\": \"" appr "\", \"op\": \"" op   \
    "\", \"value\": " value "}"

static void test_expect_ops(void **state)
{
    (void)state;
    const char *m = "latency.call.ring.p95_ms"; /* a: 100.5 */
    (void)m;
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", "<", "101"), NULL), 10);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", "<", "100.5"), NULL), 1);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", "<=", "100.5"), NULL), 10);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", "<=", "100"), NULL), 1);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", ">", "100"), NULL), 10);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", ">", "100.5"), NULL), 1);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", ">=", "100.5"), NULL), 10);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", ">=", "101"), NULL), 1);
    assert_int_equal(eval(ITEM("flows.violations", "a", "==", "0"), NULL), 10);
    assert_int_equal(eval(ITEM("flows.violations", "b", "==", "0"), NULL), 1);
    assert_int_equal(eval(ITEM("flows.violations", "b", "!=", "0"), NULL), 10);
    assert_int_equal(eval(ITEM("flows.violations", "a", "!=", "0"), NULL), 1);
}

static void test_expect_star_relative_missing(void **state)
{
    (void)state;
    char *text;
    /* "*": one outcome per approach. */
    assert_int_equal(eval(ITEM("counts.vm_switches", "*", "==", "10"), NULL),
                     20);
    assert_int_equal(eval(ITEM("flows.violations", "*", "<", "1"), &text), 11);
    assert_non_null(strstr(text, "PASS  a  flows.violations = 0 (< 1)"));
    assert_non_null(strstr(text, "FAIL  b  flows.violations = 2, expected "
                                 "< 1  [s.json:1:13]"));
    free(text);
    /* Relative: 40 > 10 x 2 holds, 40 > 25 x 2 does not. */
    assert_int_equal(eval("{\"metric\": \"flows.covert[0].bits_per_s\", "
                          "\"approach\": \"a\", \"op\": \">\", \"than\": "
                          "{\"approach\": \"b\", \"factor\": 10}}",
                          NULL),
                     10);
    assert_int_equal(eval("{\"metric\": \"flows.covert[0].bits_per_s\", "
                          "\"approach\": \"a\", \"op\": \">\", \"than\": "
                          "{\"approach\": \"b\", \"factor\": 25}}",
                          &text),
                     1);
    assert_non_null(strstr(text, "= 40, expected > 25 x b 2 = 50"));
    free(text);
    /* "*" with than: every approach except than's. */
    assert_int_equal(eval("{\"metric\": \"counts.vm_switches\", "
                          "\"approach\": \"*\", \"op\": \"<=\", \"than\": "
                          "{\"approach\": \"b\", \"factor\": 1}}",
                          NULL),
                     10);
    /* No results for an approach, a missing value, a null: failures. */
    assert_int_equal(
        eval(ITEM("flows.violations", "trustzone", "==", "0"), &text), 1);
    assert_non_null(strstr(text, "no results for trustzone"));
    free(text);
    assert_int_equal(eval(ITEM("latency.sms.p50_ms", "a", "<", "1"), &text), 1);
    assert_non_null(strstr(text, "not in a.json"));
    free(text);
    assert_int_equal(eval(ITEM("energy.battery_life_h", "a", ">", "1"), &text),
                     1);
    assert_non_null(strstr(text, "has no value (null)"));
    free(text);
}

static void test_expect_parse_errors(void **state)
{
    (void)state;
    CheckExpectList l;
    struct {
        const char *text;
        const char *err;
    } cases[] = {
        {"{\"expect\": [\n {\"metric\": \"latency.x.p96_ms\", \"approach\": "
         "\"a\", \"op\": \"<\", \"value\": 1}]}",
         "s.json:2:13: expect[0].metric: unknown metric \"latency.x.p96_ms\""},
        {"{\"expect\": [{\"metric\": \"flows.violations\", \"approach\": "
         "\"a\", \"op\": \"=<\", \"value\": 1}]}",
         "s.json:1:67: expect[0].op: expected one of"},
        {"{\"expect\": [{\"metric\": \"flows.violations\", \"approach\": "
         "\"a\", \"op\": \"<\"}]}",
         "s.json:1:13: expect[0]: missing value (or than)"},
        {"{\"expect\": [{\"metric\": \"flows.violations\", \"approach\": "
         "\"a\", \"op\": \"<\", \"value\": \"1\"}]}",
         "s.json:1:81: expect[0].value: expected a number"},
        {"{\"expect\": [{\"metric\": \"flows.violations\", \"aproach\": "
         "\"a\", \"op\": \"<\", \"value\": 1}]}",
         "s.json:1:44: expect[0].aproach: unknown key (did you mean "
         "\"approach\"?)"},
        {"{\"expect\": [{\"metric\": \"flows.violations\", \"approach\": "
         "\"a\", \"op\": \"<\", \"than\": {\"approach\": \"a\", "
         "\"factor\": 1}}]}",
         "expect[0].than.approach: compares \"a\" with itself"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        JsonDoc *doc = parse(cases[i].text, &l, -1);
        if (!strstr(json_doc_error(doc), cases[i].err))
            fail_msg("case %zu: got '%s', wanted '%s'", i, json_doc_error(doc),
                     cases[i].err);
        assert_null(l.items);
        json_doc_free(doc);
    }
}

static void test_load_run_dir(void **state)
{
    (void)state;
    char dir[512], file[600], err[CHECK_ERR_MAX];
    CheckSet s;
    check_set_init(&s);
    hs_test_path("tests/data/results/run", dir, sizeof dir);
    assert_int_equal(check_set_add(&s, dir, err, sizeof err), 0);
    assert_int_equal(s.n, 3);
    /* subdirectories in name order */
    assert_string_equal(s.runs[0].approach, "hyp-mils");
    assert_string_equal(s.runs[1].approach, "hyp-pv");
    assert_string_equal(s.runs[2].approach, "native");
    /* the same approach twice is bad input */
    snprintf(file, sizeof file, "%s/native/results.json", dir);
    assert_int_equal(check_set_add(&s, file, err, sizeof err), -1);
    assert_non_null(strstr(err, "approach \"native\" is already given by"));
    check_set_free(&s);
    hs_test_path("tests/data/results/not-results.json", file, sizeof file);
    assert_int_equal(check_set_add(&s, file, err, sizeof err), -1);
    assert_non_null(strstr(err, ":2:13: format: expected "
                                "\"handset-results/1\""));
    check_set_free(&s);
}

static void test_baseline(void **state)
{
    (void)state;
    CheckSet base, cur;
    CheckReport rep;
    two_runs(&base);
    two_runs(&cur);
    check_report_init(&rep);
    assert_int_equal(check_baseline(&base, &cur, 5, &rep), 0);
    assert_int_equal(rep.failed, 0);
    assert_true(rep.passed > 10);
    check_report_free(&rep);

    /* 100.5 -> 104 is +3.48%: within 5%, outside 3%. */
    json_t *p95 = json_object_get(
        json_object_get(json_object_get(cur.runs[0].root, "latency"),
                        "call.ring"),
        "p95_ms");
    json_real_set(p95, 104);
    check_report_init(&rep);
    check_baseline(&base, &cur, 5, &rep);
    assert_int_equal(rep.failed, 0);
    check_report_free(&rep);
    check_report_init(&rep);
    check_baseline(&base, &cur, 3, &rep);
    assert_int_equal(rep.failed, 1);
    assert_non_null(strstr(rep.text, "FAIL  a  latency.call.ring.p95_ms: "
                                     "baseline 100.5, now 104 (+3.48%, "
                                     "tolerance 3%)"));
    check_report_free(&rep);

    /* A baseline 0 must stay 0; missing and extra keys fail. */
    json_t *flows = json_object_get(cur.runs[0].root, "flows");
    json_object_set_new(flows, "violations", json_integer(1));
    json_object_del(json_object_get(cur.runs[1].root, "counts"), "vm_switches");
    json_object_set_new(cur.runs[1].root, "extra", json_true());
    check_report_init(&rep);
    check_baseline(&base, &cur, 5, &rep);
    assert_int_equal(rep.failed, 3);
    assert_non_null(strstr(rep.text, "a  flows.violations: baseline 0, "
                                     "now 1"));
    assert_non_null(strstr(rep.text, "b  counts.vm_switches: missing from "
                                     "the new results (baseline 10)"));
    assert_non_null(strstr(rep.text, "b  extra: not in the baseline"));
    check_report_free(&rep);

    /* A baseline approach without new results fails. */
    free(cur.runs[1].approach);
    cur.runs[1].approach = strdup("c");
    check_report_init(&rep);
    check_baseline(&base, &cur, 5, &rep);
    assert_non_null(strstr(rep.text, "FAIL  b  no new results"));
    check_report_free(&rep);
    check_set_free(&base);
    check_set_free(&cur);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_metric_valid),
    cmocka_unit_test(test_resolve),
    cmocka_unit_test(test_expect_ops),
    cmocka_unit_test(test_expect_star_relative_missing),
    cmocka_unit_test(test_expect_parse_errors),
    cmocka_unit_test(test_load_run_dir),
    cmocka_unit_test(test_baseline),
};

HS_TEST_GROUP(check, tests)
