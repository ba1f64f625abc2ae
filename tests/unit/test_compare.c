/*
 * test_compare.c - the side-by-side table from the fixture runs: rows and
 * cells, terminal alignment, and the CSV and Markdown files.
 */
#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out/compare.h"

/* native, hyp-mils, hyp-pv from tests/data/results/run (column order). */
static CompareTable *fixture_table(json_t *roots[3])
{
    static const char *const names[] = {"native", "hyp-mils", "hyp-pv"};
    char rel[128], path[512], err[256];
    for (int i = 0; i < 3; i++) {
        snprintf(rel, sizeof rel, "tests/data/results/run/%s/results.json",
                 names[i]);
        roots[i] =
            json_load_file(hs_test_path(rel, path, sizeof path), 0, NULL);
        assert_non_null(roots[i]);
    }
    CompareTable *t =
        compare_build((const json_t *const *)roots, 3, err, sizeof err);
    if (!t)
        fail_msg("compare_build: %s", err);
    return t;
}

static size_t find_row(const CompareTable *t, const char *metric)
{
    for (size_t r = 0; r < compare_rows(t); r++)
        if (strcmp(compare_row_metric(t, r), metric) == 0)
            return r;
    fail_msg("no row %s", metric);
    return 0;
}

static void test_rows_and_cells(void **state)
{
    (void)state;
    json_t *roots[3];
    CompareTable *t = fixture_table(roots);
    assert_int_equal(compare_columns(t), 3);
    size_t r = find_row(t, "latency.call.ring.p95_ms");
    assert_string_equal(compare_row_label(t, r), "call.ring p95 (ms)");
    assert_string_equal(compare_cell(t, r, 0), "950.0");
    assert_string_equal(compare_cell(t, r, 1), "1900.0");
    r = find_row(t, "energy.battery_life_h");
    assert_string_equal(compare_cell(t, r, 0), "15.20");
    assert_string_equal(compare_cell(t, r, 2), "12.16");
    r = find_row(t, "energy.total_mj");
    assert_string_equal(compare_cell(t, r, 1), "300000");
    r = find_row(t, "flows.violations");
    assert_string_equal(compare_cell(t, r, 0), "3");
    assert_string_equal(compare_cell(t, r, 1), "0");
    r = find_row(t, "flows.covert[0].bits_per_s");
    assert_string_equal(compare_row_label(t, r), "covert wakelock (bits/s)");
    assert_string_equal(compare_cell(t, r, 2), "34.00");
    assert_string_equal(compare_cell(t, r, 1), "21.25");
    r = find_row(t, "flows.covert[0].bit_error_rate");
    assert_string_equal(compare_cell(t, r, 0), "0.02");
    r = find_row(t, "counts.instructions");
    assert_string_equal(compare_cell(t, r, 0), "222222221");
    r = find_row(t, "tcb");
    assert_string_equal(compare_cell(t, r, 0), "1");
    /* sms.notify has no sample anywhere: no percentile rows, and its
     * sample count says why */
    for (size_t i = 0; i < compare_rows(t); i++)
        assert_null(strstr(compare_row_metric(t, i), "sms.notify.p"));
    r = find_row(t, "latency.sms.notify.count");
    assert_string_equal(compare_row_label(t, r), "sms.notify samples (count)");
    assert_string_equal(compare_cell(t, r, 0), "0");
    r = find_row(t, "latency.call.ring.count");
    assert_string_equal(compare_row_label(t, r), "call.ring samples (count)");
    /* every row names its unit */
    for (size_t i = 0; i < compare_rows(t); i++) {
        const char *label = compare_row_label(t, i);
        size_t n = strlen(label);
        if (n < 3 || label[n - 1] != ')' || !strchr(label, '('))
            fail_msg("row '%s' has no unit", label);
    }
    compare_free(t);
    for (int i = 0; i < 3; i++)
        json_decref(roots[i]);
}

static bool has_row(const CompareTable *t, const char *metric)
{
    for (size_t r = 0; r < compare_rows(t); r++)
        if (strcmp(compare_row_metric(t, r), metric) == 0)
            return true;
    return false;
}

/* flows.blocked is in every run: its row appears only where some run
 * blocked something; counts.phone rows only where a run has them. */
static void test_quiet_and_call_rows(void **state)
{
    (void)state;
    char err[256];
    json_t *a = json_pack("{s:s,s:{s:i,s:i,s:i}}", "approach", "a", "flows",
                          "violations", 0, "blocked", 0, "declassified", 0);
    json_t *b = json_pack("{s:s,s:{s:i,s:i,s:i}}", "approach", "b", "flows",
                          "violations", 0, "blocked", 0, "declassified", 0);
    const json_t *roots[] = {a, b};
    CompareTable *t = compare_build(roots, 2, err, sizeof err);
    assert_non_null(t);
    assert_true(has_row(t, "flows.violations"));
    assert_false(has_row(t, "flows.blocked"));
    assert_false(has_row(t, "counts.phone.answers"));
    compare_free(t);
    json_object_set_new(json_object_get(b, "flows"), "blocked",
                        json_integer(7));
    json_object_set_new(
        b, "counts",
        json_pack("{s:{s:i,s:i}}", "phone", "answers", 1, "timeouts", 0));
    t = compare_build(roots, 2, err, sizeof err);
    assert_non_null(t);
    size_t r = find_row(t, "flows.blocked");
    assert_string_equal(compare_row_label(t, r), "flows blocked (count)");
    assert_string_equal(compare_cell(t, r, 0), "0");
    assert_string_equal(compare_cell(t, r, 1), "7");
    assert_false(has_row(t, "flows.declassified"));
    r = find_row(t, "counts.phone.answers");
    assert_string_equal(compare_row_label(t, r), "calls answered (count)");
    assert_string_equal(compare_cell(t, r, 0), "-");
    assert_string_equal(compare_cell(t, r, 1), "1");
    assert_true(has_row(t, "counts.phone.timeouts"));
    compare_free(t);
    json_decref(a);
    json_decref(b);
}

static void test_missing_values_and_bad_input(void **state)
{
    (void)state;
    char err[256];
    json_t *a = json_pack("{s:s,s:{s:{s:f}}}", "approach", "a", "latency", "x",
                          "p50_ms", 1.5);
    json_t *b = json_pack("{s:s}", "approach", "b");
    const json_t *roots[] = {a, b};
    CompareTable *t = compare_build(roots, 2, err, sizeof err);
    assert_non_null(t);
    size_t r = find_row(t, "latency.x.p50_ms");
    assert_string_equal(compare_cell(t, r, 0), "1.50");
    assert_string_equal(compare_cell(t, r, 1), "-");
    compare_free(t);
    json_t *c = json_pack("{s:i}", "seed", 1);
    const json_t *bad[] = {a, c};
    assert_null(compare_build(bad, 2, err, sizeof err));
    assert_string_equal(err, "compare: results 2 has no \"approach\"");
    assert_null(compare_build(bad, 0, err, sizeof err));
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

static void test_print_aligned(void **state)
{
    (void)state;
    json_t *roots[3];
    CompareTable *t = fixture_table(roots);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    assert_int_equal(compare_print(t, out), 0);
    fclose(out);
    /* Header, rule, one line per row; every line the same width, the
     * columns right-aligned under their headers. */
    size_t lines = 0, width = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (lines == 0)
            width = strlen(line);
        if (strlen(line) != width)
            fail_msg("line %zu is %zu wide, not %zu: '%s'", lines, strlen(line),
                     width, line);
        lines++;
    }
    assert_int_equal(lines, compare_rows(t) + 2);
    free(text);
    out = open_memstream(&text, &len);
    compare_print(t, out);
    fclose(out);
    /* the label column is as wide as the longest label, "covert
     * wakelock bit error rate (fraction)" */
    assert_non_null(strstr(text, "metric                                       "
                                 " native   hyp-mils     hyp-pv\n"
                                 "-----------------------------------------  "
                                 "---------  ---------  ---------\n"));
    assert_non_null(strstr(text, "\ncall.ring p95 (ms)                         "
                                 "    950.0     1900.0     1187.0\n"));
    assert_non_null(strstr(text, "\nflow violations (count)                    "
                                 "        3          0          0\n"));
    free(text);
    compare_free(t);
    for (int i = 0; i < 3; i++)
        json_decref(roots[i]);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_csv_and_markdown(void **state)
{
    (void)state;
    json_t *roots[3];
    CompareTable *t = fixture_table(roots);
    char csv[256], md[256], err[256];
    const char *base = getenv("TMPDIR");
    snprintf(csv, sizeof csv, "%s/hs-compare-%ld.csv", base ? base : "/tmp",
             (long)getpid());
    snprintf(md, sizeof md, "%s/hs-compare-%ld.md", base ? base : "/tmp",
             (long)getpid());
    assert_int_equal(compare_write_csv(t, csv, err, sizeof err), 0);
    assert_int_equal(compare_write_md(t, md, err, sizeof err), 0);
    char *text = slurp(csv);
    assert_true(strncmp(text, "metric,label,native,hyp-mils,hyp-pv\n", 36) ==
                0);
    assert_non_null(strstr(text, "\nlatency.call.ring.p95_ms,call.ring p95 "
                                 "(ms),950,1900,1187\n"));
    assert_non_null(strstr(text, "\nenergy.battery_life_h,battery life (h),"
                                 "15.2,7.6,12.16\n"));
    /* one line per row plus the header */
    size_t lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, compare_rows(t) + 1);
    free(text);
    text = slurp(md);
    assert_true(strncmp(text,
                        "| metric | native | hyp-mils | hyp-pv |\n"
                        "|---|---:|---:|---:|\n",
                        60) == 0);
    assert_non_null(
        strstr(text, "\n| flow violations (count) | 3 | 0 | 0 |\n"));
    free(text);
    unlink(csv);
    unlink(md);
    compare_free(t);
    for (int i = 0; i < 3; i++)
        json_decref(roots[i]);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rows_and_cells),
    cmocka_unit_test(test_missing_values_and_bad_input),
    cmocka_unit_test(test_quiet_and_call_rows),
    cmocka_unit_test(test_print_aligned),
    cmocka_unit_test(test_csv_and_markdown),
};

HS_TEST_GROUP(compare, tests)
