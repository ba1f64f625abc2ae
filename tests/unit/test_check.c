/*
 * test_check.c - metric paths (schema and resolution, names with dots),
 * expect assertions (every operator both ways, "*", the relative form,
 * missing approaches and values; variants, than.metric, than.variant),
 * loading run directories one and two levels deep, and baseline
 * comparison within a tolerance.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        s->runs[i].variant = strdup("default");
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
        "counts.phone.timeouts",
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
        "counts.phone.",
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

/* Evaluates assertion e over runs; returns passed*10 + failed and the
 * report text in *text when text is not NULL (caller frees). */
static unsigned eval_on(const CheckSet *runs, const CheckExpect *e, char **text)
{
    CheckExpectList l;
    CheckReport rep;
    check_expect_list_init(&l);
    check_report_init(&rep);
    assert_int_equal(check_expect_add(&l, e), 0);
    assert_int_equal(check_expect_eval(runs, &l, &rep), 0);
    unsigned r = rep.passed * 10 + rep.failed;
    if (text)
        *text = strdup(rep.text ? rep.text : "");
    check_report_free(&rep);
    check_expect_list_free(&l);
    return r;
}

/* Evaluates e over two_runs. */
static unsigned eval(CheckExpect e, char **text)
{
    CheckSet s;
    two_runs(&s);
    e.where = "s.json:1:13";
    unsigned r = eval_on(&s, &e, text);
    check_set_free(&s);
    return r;
}

static CheckExpect item(const char *metric, const char *approach, CheckOp op,
                        double value)
{
    return (CheckExpect){
        .metric = metric, .approach = approach, .op = op, .value = value};
}

static CheckExpect rel(const char *metric, const char *approach, CheckOp op,
                       const char *than, double factor)
{
    return (CheckExpect){.metric = metric,
                         .approach = approach,
                         .op = op,
                         .relative = true,
                         .than_approach = than,
                         .factor = factor};
}

#define ITEM(metric, appr, op, value) item(metric, appr, CHECK_##op, value)

static void test_expect_ops(void **state)
{
    (void)state;
    const char *m = "latency.call.ring.p95_ms"; /* a: 100.5 */
    (void)m;
    assert_int_equal(eval(ITEM("latency.call.ring.p95_ms", "a", LT, 101), NULL),
                     10);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", LT, 100.5), NULL), 1);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", LE, 100.5), NULL), 10);
    assert_int_equal(eval(ITEM("latency.call.ring.p95_ms", "a", LE, 100), NULL),
                     1);
    assert_int_equal(eval(ITEM("latency.call.ring.p95_ms", "a", GT, 100), NULL),
                     10);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", GT, 100.5), NULL), 1);
    assert_int_equal(
        eval(ITEM("latency.call.ring.p95_ms", "a", GE, 100.5), NULL), 10);
    assert_int_equal(eval(ITEM("latency.call.ring.p95_ms", "a", GE, 101), NULL),
                     1);
    assert_int_equal(eval(ITEM("flows.violations", "a", EQ, 0), NULL), 10);
    assert_int_equal(eval(ITEM("flows.violations", "b", EQ, 0), NULL), 1);
    assert_int_equal(eval(ITEM("flows.violations", "b", NE, 0), NULL), 10);
    assert_int_equal(eval(ITEM("flows.violations", "a", NE, 0), NULL), 1);
}

static void test_expect_star_relative_missing(void **state)
{
    (void)state;
    char *text;
    /* "*": one outcome per approach. */
    assert_int_equal(eval(ITEM("counts.vm_switches", "*", EQ, 10), NULL), 20);
    assert_int_equal(eval(ITEM("flows.violations", "*", LT, 1), &text), 11);
    assert_non_null(strstr(text, "PASS  a  flows.violations = 0 (< 1)"));
    assert_non_null(strstr(text, "FAIL  b  flows.violations = 2, expected "
                                 "< 1  [s.json:1:13]"));
    free(text);
    /* Relative: 40 > 10 x 2 holds, 40 > 25 x 2 does not. */
    assert_int_equal(
        eval(rel("flows.covert[0].bits_per_s", "a", CHECK_GT, "b", 10), NULL),
        10);
    assert_int_equal(
        eval(rel("flows.covert[0].bits_per_s", "a", CHECK_GT, "b", 25), &text),
        1);
    assert_non_null(strstr(text, "= 40, expected > 25 x b 2 = 50"));
    free(text);
    /* "*" with than: every approach except than's. */
    assert_int_equal(
        eval(rel("counts.vm_switches", "*", CHECK_LE, "b", 1), &text), 10);
    assert_non_null(strstr(text, "PASS  a  counts.vm_switches = 10 (<= 1 x b "
                                 "10 = 10)"));
    free(text);
    /* than "*": each other approach in turn, never the run itself. */
    assert_int_equal(
        eval(rel("counts.vm_switches", "*", CHECK_EQ, "*", 1), &text), 20);
    assert_non_null(strstr(text, "PASS  b  counts.vm_switches = 10 (== 1 x a"));
    free(text);
    /* A named than approach with no results fails. */
    assert_int_equal(
        eval(rel("counts.vm_switches", "a", CHECK_EQ, "hyp-pv", 1), &text), 1);
    assert_non_null(strstr(text, "FAIL  a  counts.vm_switches: no results for "
                                 "hyp-pv in variant default to compare with  "
                                 "[s.json:1:13]"));
    free(text);
    /* No results for an approach, a missing value, a null: failures. */
    assert_int_equal(eval(ITEM("flows.violations", "trustzone", EQ, 0), &text),
                     1);
    assert_non_null(strstr(text, "FAIL  trustzone  flows.violations: no "
                                 "results for trustzone  [s.json:1:13]"));
    free(text);
    assert_int_equal(eval(ITEM("latency.sms.p50_ms", "a", LT, 1), &text), 1);
    assert_non_null(strstr(text, "not in a.json"));
    free(text);
    assert_int_equal(eval(ITEM("energy.battery_life_h", "a", GT, 1), &text), 1);
    assert_non_null(strstr(text, "has no value (null)"));
    free(text);
}

/* Runs of variants "v1" and "v2" for approaches "a" and "b": a's energy
 * is 100 in v1 and 300 in v2, b's 200 in both; a's battery life is 9. */
static void variant_runs(CheckSet *s)
{
    static const struct {
        const char *variant, *approach;
        int energy;
    } runs[] = {
        {"v1", "a", 100},
        {"v1", "b", 200},
        {"v2", "a", 300},
        {"v2", "b", 200},
    };
    check_set_init(s);
    s->runs = calloc(4, sizeof *s->runs);
    assert_non_null(s->runs);
    for (size_t i = 0; i < 4; i++) {
        char file[32];
        snprintf(file, sizeof file, "%s-%s.json", runs[i].variant,
                 runs[i].approach);
        s->runs[i].file = strdup(file);
        s->runs[i].variant = strdup(runs[i].variant);
        s->runs[i].approach = strdup(runs[i].approach);
        s->runs[i].root = json_pack("{s:{s:i, s:i}}", "energy", "total_mj",
                                    runs[i].energy, "battery_life_h", 9);
        assert_non_null(s->runs[i].root);
    }
    s->n = s->cap = 4;
}

static void test_expect_variants(void **state)
{
    (void)state;
    CheckSet s;
    char *text;
    variant_runs(&s);
    CheckExpect e = ITEM("energy.total_mj", "a", LT, 250);
    e.where = "v.json:2:5";
    /* No variant: every variant, each named in its line. */
    assert_int_equal(eval_on(&s, &e, &text), 11);
    assert_non_null(strstr(text, "PASS  v1/a  energy.total_mj = 100 (< 250)"));
    assert_non_null(strstr(text, "FAIL  v2/a  energy.total_mj = 300, "
                                 "expected < 250  [v.json:2:5]"));
    free(text);
    /* A named variant: only its runs. */
    e.variant = "v1";
    assert_int_equal(eval_on(&s, &e, NULL), 10);
    e.variant = "v2";
    assert_int_equal(eval_on(&s, &e, NULL), 1);
    /* A variant with no results fails. */
    e.variant = "v3";
    assert_int_equal(eval_on(&s, &e, &text), 1);
    assert_non_null(strstr(text, "FAIL  a  energy.total_mj: no results for a "
                                 "in variant v3  [v.json:2:5]"));
    free(text);
    /* "*" in one variant: each approach of that variant. */
    e = ITEM("energy.total_mj", "*", GE, 200);
    e.variant = "v2";
    assert_int_equal(eval_on(&s, &e, NULL), 20);
    e.variant = NULL;
    assert_int_equal(eval_on(&s, &e, NULL), 31);
    check_set_free(&s);
}

static void test_expect_than_variant_metric(void **state)
{
    (void)state;
    CheckSet s;
    char *text;
    variant_runs(&s);
    /* than.variant defaults to the left run's own: a < b holds in v1
     * (100 < 200), fails in v2 (300 < 200). */
    CheckExpect e = rel("energy.total_mj", "a", CHECK_LT, "b", 1);
    e.where = "v.json:3:5";
    assert_int_equal(eval_on(&s, &e, &text), 11);
    assert_non_null(strstr(text, "PASS  v1/a  energy.total_mj = 100 (< 1 x "
                                 "v1/b 200 = 200)"));
    assert_non_null(strstr(text, "FAIL  v2/a  energy.total_mj = 300, expected "
                                 "< 1 x v2/b 200 = 200  [v.json:3:5]"));
    free(text);
    /* A named than.variant: the same approach across variants. */
    e = rel("energy.total_mj", "a", CHECK_GT, "a", 2.5);
    e.variant = "v2";
    e.than_variant = "v1";
    assert_int_equal(eval_on(&s, &e, &text), 10);
    assert_non_null(strstr(text, "PASS  v2/a  energy.total_mj = 300 (> 2.5 x "
                                 "v1/a 100 = 250)"));
    free(text);
    e.than_variant = "v9";
    assert_int_equal(eval_on(&s, &e, &text), 1);
    assert_non_null(strstr(text, "no results for a in variant v9 to compare"));
    free(text);
    /* than.metric: another metric on the right, named in the line. */
    e = rel("energy.total_mj", "a", CHECK_GT, "b", 10);
    e.variant = "v1";
    e.than_metric = "energy.battery_life_h";
    assert_int_equal(eval_on(&s, &e, &text), 10);
    assert_non_null(strstr(text, "PASS  v1/a  energy.total_mj = 100 (> 10 x "
                                 "v1/b energy.battery_life_h 9 = 90)"));
    free(text);
    /* The same run on both sides with two metrics is allowed. */
    e.than_approach = "a";
    assert_int_equal(eval_on(&s, &e, NULL), 10);
    e.than_metric = "energy.by_domain_mj.secret";
    assert_int_equal(eval_on(&s, &e, &text), 1);
    assert_non_null(strstr(text, "energy.by_domain_mj.secret of v1/a not in "
                                 "v1-a.json"));
    free(text);
    check_set_free(&s);
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
    assert_string_equal(s.runs[0].variant, "default");
    check_set_free(&s);
    hs_test_path("tests/data/results/not-results.json", file, sizeof file);
    assert_int_equal(check_set_add(&s, file, err, sizeof err), -1);
    assert_non_null(strstr(err, ":2:13: format: expected "
                                "\"handset-results/1\""));
    check_set_free(&s);
}

/* Writes a minimal results.json of variant (NULL: no key) and approach
 * to dir/sub/results.json, making the directories. */
static void put_results(const char *dir, const char *sub, const char *variant,
                        const char *approach)
{
    char path[600], part[600];
    snprintf(path, sizeof path, "%s/%s/results.json", dir, sub);
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            snprintf(part, sizeof part, "%.*s", (int)(p - path), path);
            mkdir(part, 0700);
        }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "{\"format\": \"handset-results/1\",");
    if (variant)
        fprintf(f, " \"variant\": \"%s\",", variant);
    fprintf(f, " \"approach\": \"%s\"}\n", approach);
    fclose(f);
}

static void test_load_variant_dir(void **state)
{
    (void)state;
    char dir[256], err[CHECK_ERR_MAX], cmd[300];
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/hs-check-XXXXXX", base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    /* DIR/<variant>/<approach>/ as run writes several variants */
    put_results(dir, "v2/b", "v2", "b");
    put_results(dir, "v1/a", "v1", "a");
    put_results(dir, "v1/b", "v1", "b");
    CheckSet s;
    check_set_init(&s);
    assert_int_equal(check_set_add(&s, dir, err, sizeof err), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.runs[0].variant, "v1");
    assert_string_equal(s.runs[0].approach, "a");
    assert_string_equal(s.runs[2].variant, "v2");
    assert_non_null(check_set_find(&s, "v1", "b"));
    assert_null(check_set_find(&s, "v2", "a"));
    check_set_free(&s);
    /* A file without "variant" is of variant "default"; the same
     * variant and approach twice is bad input, in another variant not. */
    put_results(dir, "old", NULL, "a");
    check_set_init(&s);
    snprintf(cmd, sizeof cmd, "%s/old", dir);
    assert_int_equal(check_set_add(&s, cmd, err, sizeof err), 0);
    assert_string_equal(s.runs[0].variant, "default");
    assert_non_null(check_set_find(&s, "default", "a"));
    snprintf(cmd, sizeof cmd, "%s/v1", dir);
    assert_int_equal(check_set_add(&s, cmd, err, sizeof err), 0);
    assert_int_equal(check_set_add(&s, cmd, err, sizeof err), -1);
    assert_non_null(strstr(err, "variant \"v1\", approach \"a\" is already "
                                "given by"));
    check_set_free(&s);
    /* Three levels down is not a run directory. */
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(dir, sizeof dir, "%s/hs-check-XXXXXX", base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    put_results(dir, "x/y/z", "v", "a");
    check_set_init(&s);
    assert_int_equal(check_set_add(&s, dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "no results.json in it"));
    check_set_free(&s);
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    assert_int_equal(system(cmd), 0);
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
    cmocka_unit_test(test_expect_variants),
    cmocka_unit_test(test_expect_than_variant_metric),
    cmocka_unit_test(test_load_variant_dir),
    cmocka_unit_test(test_load_run_dir),
    cmocka_unit_test(test_baseline),
};

HS_TEST_GROUP(check, tests)
