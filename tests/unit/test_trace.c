/*
 * test_trace.c - trace.json: exact microsecond rendering of picosecond
 * times, a trace with every event kind parsed back by jansson and by jq,
 * escaping, a bad counter value, and no file after an abort.
 */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out/trace.h"
#include "out/trace_read.h"

static void test_format_us(void **state)
{
    (void)state;
    struct {
        hs_time ps;
        const char *want;
    } cases[] = {
        {0, "0"},
        {1, "0.000001"},
        {1500, "0.0015"},
        {HS_US, "1"},
        {HS_US + 1, "1.000001"},
        {2 * HS_S, "2000000"},
        {1280 * HS_MS + 250 * HS_NS, "1280000.25"},
        {24 * HS_HOUR + 7, "86400000000.000007"},
        {HS_TIME_MAX, "18446744073709.551615"},
    };
    char buf[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = trace_format_us(cases[i].ps, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
        assert_int_equal(n, (int)strlen(cases[i].want));
    }
}

static void trace_path(char *buf, size_t size)
{
    const char *base = getenv("TMPDIR");
    snprintf(buf, size, "%s/hs-trace-%ld.json", base ? base : "/tmp",
             (long)getpid());
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

/* Number of events with phase ph in the parsed trace. */
static size_t count_ph(json_t *events, const char *ph)
{
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "ph")), ph) == 0)
            n++;
    }
    return n;
}

static void test_trace_events(void **state)
{
    (void)state;
    char path[256], err[256];
    trace_path(path, sizeof path);
    Trace *t = trace_open(path, err, sizeof err);
    assert_non_null(t);
    assert_int_equal(trace_process_name(t, 1, "SoC cores"), 0);
    assert_int_equal(trace_thread_name(t, 1, 0, "cpu0"), 0);
    assert_int_equal(trace_process_name(t, 2, "domain \"secret\""), 0);
    assert_int_equal(trace_thread_name(t, 2, 0, "secret/vcpu0"), 0);
    json_t *args = json_pack("{s:s,s:i}", "handler", "mail", "insns", 1200);
    assert_int_equal(
        trace_slice(t, 1, 0, "secret", "sched", 1500, HS_MS + 1, args), 0);
    assert_int_equal(
        trace_slice(t, 2, 0, "mail.sync", NULL, 1500, HS_MS + 1, NULL), 0);
    json_decref(args);
    assert_int_equal(trace_counter(t, 3, "rail.cpu", 2 * HS_S, "mw", 412.5), 0);
    assert_int_equal(trace_counter(t, 3, "rrc", 3 * HS_S, "state", 2), 0);
    assert_int_equal(trace_counter(t, 3, "rail.cpu", 4 * HS_S, "mw", NAN), -1);
    assert_non_null(strstr(trace_error(t), "not finite"));
    json_t *flow = json_pack("{s:s,s:s,s:i,s:s}", "from", "mic", "to",
                             "baseband", "bytes", 320, "verdict", "violation");
    assert_int_equal(trace_instant(t, 4, 0, "violation", "flow", 7 * HS_US,
                                   TRACE_SCOPE_GLOBAL, flow),
                     0);
    json_decref(flow);
    assert_int_equal(
        trace_flow(t, TRACE_FLOW_START, 9, 1, 0, "ipc", "ipc", 1500), 0);
    assert_int_equal(
        trace_flow(t, TRACE_FLOW_END, 9, 2, 0, "ipc", "ipc", HS_MS), 0);
    assert_int_equal(trace_events(t), 11);
    assert_int_equal(access(path, F_OK), -1); /* not before close */
    assert_int_equal(trace_close(t, err, sizeof err), 0);

    /* Exact text of the times. */
    char *text = slurp(path);
    assert_non_null(strstr(text, "\"ts\":0.0015,\"dur\":1000.000001"));
    assert_non_null(strstr(text, "\"ts\":2000000,\"args\":{\"mw\":412.5}"));
    assert_non_null(strstr(text, "\"name\":\"domain \\\"secret\\\"\""));
    free(text);

    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        fail_msg("trace.json does not parse: %d:%d: %s", jerr.line, jerr.column,
                 jerr.text);
    assert_string_equal(
        json_string_value(json_object_get(root, "displayTimeUnit")), "ns");
    json_t *events = json_object_get(root, "traceEvents");
    assert_int_equal(json_array_size(events), 11);
    assert_int_equal(count_ph(events, "M"), 4);
    assert_int_equal(count_ph(events, "X"), 2);
    assert_int_equal(count_ph(events, "C"), 2);
    assert_int_equal(count_ph(events, "i"), 1);
    assert_int_equal(count_ph(events, "s"), 1);
    assert_int_equal(count_ph(events, "f"), 1);
    json_t *x = json_array_get(events, 4);
    assert_true(json_number_value(json_object_get(x, "ts")) == 0.0015);
    assert_int_equal(json_integer_value(
                         json_object_get(json_object_get(x, "args"), "insns")),
                     1200);
    json_decref(root);

    /* A real consumer: jq reads it and finds every kind of event. */
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "jq -e '[.traceEvents[].ph] | unique == [\"C\",\"M\",\"X\","
             "\"f\",\"i\",\"s\"]' '%s' >/dev/null",
             path);
    assert_int_equal(system(cmd), 0);
    unlink(path);
}

static void test_trace_empty_and_abort(void **state)
{
    (void)state;
    char path[256], err[256];
    trace_path(path, sizeof path);
    Trace *t = trace_open(path, err, sizeof err);
    assert_non_null(t);
    assert_int_equal(trace_close(t, err, sizeof err), 0);
    json_t *root = json_load_file(path, 0, NULL);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "traceEvents")), 0);
    json_decref(root);
    unlink(path);

    t = trace_open(path, err, sizeof err);
    trace_slice(t, 1, 0, "x", NULL, 0, 1, NULL);
    trace_abort(t);
    assert_int_equal(access(path, F_OK), -1);
    assert_null(trace_open("/proc/hs-trace.json", err, sizeof err));
    assert_non_null(strstr(err, "/proc/hs-trace.json"));
}

/* trace_open_gzip: the same events, gzip-compressed; zcat and jq read
 * it back, and trace_read (plain or gzip) sees every event. */
static int count_event(void *ctx, json_t *ev)
{
    (void)ev;
    (*(int *)ctx)++;
    return 0;
}

static void test_trace_gzip(void **state)
{
    (void)state;
    char path[256], gz[272], err[256];
    trace_path(path, sizeof path);
    snprintf(gz, sizeof gz, "%s.gz", path);
    Trace *t = trace_open_gzip(gz, err, sizeof err);
    assert_non_null(t);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(
            trace_slice(t, 1, 0, "run", "cpu", (hs_time)i * HS_US, HS_US, NULL),
            0);
    assert_int_equal(trace_counter(t, 2, "radio", 0, "mW", 12.5), 0);
    assert_int_equal(trace_close(t, err, sizeof err), 0);
    FILE *f = fopen(gz, "rb");
    assert_non_null(f);
    unsigned char magic[2] = {0};
    assert_int_equal(fread(magic, 1, 2, f), 2);
    fclose(f);
    assert_int_equal(magic[0], 0x1f); /* gzip's magic */
    assert_int_equal(magic[1], 0x8b);
    char cmd[640];
    snprintf(cmd, sizeof cmd,
             "zcat '%s' | jq -e '.traceEvents | length == 1001' >/dev/null",
             gz);
    assert_int_equal(system(cmd), 0);
    int n = 0;
    assert_int_equal(trace_read(gz, NULL, 0, count_event, &n, err, sizeof err),
                     0);
    assert_int_equal(n, 1001);
    static const char *const want[] = {"\"ph\":\"C\""};
    n = 0;
    assert_int_equal(trace_read(gz, want, 1, count_event, &n, err, sizeof err),
                     0);
    assert_int_equal(n, 1);
    unlink(gz);
    /* an aborted gzip trace leaves nothing */
    t = trace_open_gzip(gz, err, sizeof err);
    trace_slice(t, 1, 0, "x", NULL, 0, 1, NULL);
    trace_abort(t);
    assert_int_equal(access(gz, F_OK), -1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_format_us),
    cmocka_unit_test(test_trace_events),
    cmocka_unit_test(test_trace_empty_and_abort),
    cmocka_unit_test(test_trace_gzip),
};

HS_TEST_GROUP(trace, tests)
