/*
 * test_results.c - the Results model and its writers: the nearest-rank
 * percentile rule on known samples, the JSON written (values, key order,
 * null for missing values), byte-identical output for identical input,
 * flow merging, host.json, and atomic writes that leave no file behind
 * when they fail.
 */
#include "harness.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/vcpu.h"
#include "out/atomic.h"
#include "out/results.h"

/* A fresh empty directory under TMPDIR; rmdir'ed by tmpdir_done. */
static void tmpdir_make(char *buf, size_t size)
{
    const char *base = getenv("TMPDIR");
    snprintf(buf, size, "%s/hs-results-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(buf))
        fail_msg("mkdtemp failed");
}

/* Number of entries in dir other than . and .. */
static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
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
    *len = (size_t)n;
    return buf;
}

static void test_percentiles_nearest_rank(void **state)
{
    (void)state;
    char err[256];
    Results *r = results_new("s", "default", "native", "soc", 1);
    ResultsLatencyStats s;
    /* 1..100 ms added in a scrambled order. */
    for (int i = 0; i < 100; i++) {
        hs_time v = (hs_time)((i * 37) % 100 + 1) * HS_MS;
        assert_int_equal(results_latency_add(r, "a", v, err, sizeof err), 0);
    }
    assert_int_equal(results_latency_stats(r, "a", &s), 0);
    assert_int_equal(s.count, 100);
    assert_int_equal(s.p50, 50 * HS_MS);
    assert_int_equal(s.p95, 95 * HS_MS);
    assert_int_equal(s.p99, 99 * HS_MS);
    assert_int_equal(s.max, 100 * HS_MS);
    /* {1,2,3,4} ps: rank ceil(0.5*4)=2, ceil(0.95*4)=4. */
    for (hs_time v = 4; v >= 1; v--)
        results_latency_add(r, "b", v, err, sizeof err);
    results_latency_stats(r, "b", &s);
    assert_int_equal(s.p50, 2);
    assert_int_equal(s.p95, 4);
    assert_int_equal(s.p99, 4);
    /* One sample: every percentile is that sample. */
    results_latency_add(r, "c", 7, err, sizeof err);
    results_latency_stats(r, "c", &s);
    assert_int_equal(s.p50, 7);
    assert_int_equal(s.p99, 7);
    /* 21 samples 1..21: p50 rank ceil(10.5)=11, p95 ceil(19.95)=20. */
    for (hs_time v = 1; v <= 21; v++)
        results_latency_add(r, "d", v, err, sizeof err);
    results_latency_stats(r, "d", &s);
    assert_int_equal(s.p50, 11);
    assert_int_equal(s.p95, 20);
    assert_int_equal(s.p99, 21);
    assert_int_equal(results_latency_stats(r, "none", &s), -1);
    assert_int_equal(results_latency_add(r, "", 1, err, sizeof err), -1);
    results_free(r);
}

/* A Results with one of everything. */
static Results *sample_results(void)
{
    char err[256];
    Results *r = results_new("email-sync", "new-soc", "hyp-pv", "ref-2024", 7);
    results_set_sim_time(r, 2 * HS_HOUR + 1500);
    /* inserted out of name order: the writer sorts */
    results_latency_add(r, "mail.sync", 1234567890123ULL, err, sizeof err);
    results_latency_add(r, "call.ring", 250 * HS_MS, err, sizeof err);
    results_latency_declare(r, "sms.notify", err, sizeof err);
    ResultsEnergy e = {12345.5, 1.71465277777, INFINITY, 3.25};
    results_set_energy(r, &e);
    results_energy_component(r, "radio", 100.25, err, sizeof err);
    results_energy_component(r, "cpu", 50.5, err, sizeof err);
    results_energy_component(r, "cpu", 0.25, err, sizeof err);
    results_energy_domain(r, "secret", 10, err, sizeof err);
    ResultsFlow f = {"mic", "secret",       "baseband",        "unclassified",
                     100,   "mic>baseband", RESULTS_VIOLATION, 0};
    results_add_flow(r, &f, err, sizeof err);
    results_add_flow(r, &f, err, sizeof err);
    f.verdict = RESULTS_BLOCKED;
    results_add_flow(r, &f, err, sizeof err);
    ResultsCovert c = {"wakelock", "secret", "unclass", 500,
                       10 * HS_MS, 0.125,    0.5,       50};
    results_add_covert(r, &c, err, sizeof err);
    results_count(r, RESULTS_VM_SWITCHES, 3);
    results_count(r, RESULTS_VM_SWITCHES, 4);
    results_count_instructions(r, "unclass", 5, err, sizeof err);
    results_count_instructions(r, "secret", 6, err, sizeof err);
    results_add_tcb(r, "hypervisor", err, sizeof err);
    results_add_tcb(r, "net-vm", err, sizeof err);
    results_add_tcb(r, "hypervisor", err, sizeof err);
    return r;
}

static void test_write_round_trip(void **state)
{
    (void)state;
    char dir[256], path[300], err[256];
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/results.json", dir);
    Results *r = sample_results();
    assert_int_equal(results_write(r, path, err, sizeof err), 0);
    results_free(r);

    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        fail_msg("results.json does not parse: %s", jerr.text);
    assert_string_equal(json_string_value(json_object_get(root, "format")),
                        "handset-results/1");
    assert_string_equal(json_string_value(json_object_get(root, "variant")),
                        "new-soc");
    assert_string_equal(json_string_value(json_object_get(root, "approach")),
                        "hyp-pv");
    assert_int_equal(json_integer_value(json_object_get(root, "seed")), 7);
    json_t *lat = json_object_get(root, "latency");
    json_t *ring = json_object_get(lat, "call.ring");
    assert_non_null(ring);
    assert_int_equal(json_integer_value(json_object_get(ring, "count")), 1);
    assert_true(json_real_value(json_object_get(ring, "p95_ms")) == 250.0);
    /* 1234567890123 ps = 1234.567890123 ms, 12 significant digits */
    json_t *sync = json_object_get(lat, "mail.sync");
    assert_true(json_real_value(json_object_get(sync, "max_ms")) ==
                1234.56789012);
    json_t *sms = json_object_get(lat, "sms.notify");
    assert_int_equal(json_integer_value(json_object_get(sms, "count")), 0);
    assert_true(json_is_null(json_object_get(sms, "p50_ms")));
    /* latency names sorted */
    const char *order[] = {"call.ring", "mail.sync", "sms.notify"};
    size_t i = 0;
    for (void *it = json_object_iter(lat); it;
         it = json_object_iter_next(lat, it))
        assert_string_equal(json_object_iter_key(it), order[i++]);
    assert_int_equal(i, 3);

    json_t *energy = json_object_get(root, "energy");
    assert_true(json_real_value(json_object_get(energy, "total_mj")) ==
                12345.5);
    assert_true(json_is_null(json_object_get(energy, "battery_life_h")));
    json_t *comp = json_object_get(energy, "by_component_mj");
    assert_true(json_real_value(json_object_get(comp, "cpu")) == 50.75);
    assert_string_equal(json_object_iter_key(json_object_iter(comp)), "cpu");

    json_t *flows = json_object_get(root, "flows");
    json_t *ex = json_object_get(flows, "explicit");
    assert_int_equal(json_array_size(ex), 2);
    json_t *f0 = json_array_get(ex, 0);
    assert_int_equal(json_integer_value(json_object_get(f0, "bytes")), 200);
    assert_int_equal(json_integer_value(json_object_get(f0, "transfers")), 2);
    assert_string_equal(json_string_value(json_object_get(f0, "verdict")),
                        "violation");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(ex, 1), "verdict")),
        "blocked");
    assert_int_equal(json_integer_value(json_object_get(flows, "violations")),
                     2);
    json_t *cv = json_array_get(json_object_get(flows, "covert"), 0);
    assert_true(json_real_value(json_object_get(cv, "symbol_period_ms")) ==
                10.0);
    assert_true(json_real_value(json_object_get(cv, "bits_per_s")) == 50.0);

    json_t *counts = json_object_get(root, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "vm_switches")),
                     7);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(counts, "instructions"), "secret")),
                     6);
    assert_int_equal(json_array_size(json_object_get(root, "tcb")), 2);
    json_decref(root);
    unlink(path);
    rmdir(dir);
}

static void test_byte_identical(void **state)
{
    (void)state;
    char dir[256], a[300], b[300], err[256];
    tmpdir_make(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    Results *r1 = sample_results(), *r2 = sample_results();
    assert_int_equal(results_write(r1, a, err, sizeof err), 0);
    assert_int_equal(results_write(r2, b, err, sizeof err), 0);
    size_t la, lb;
    char *ta = slurp(a, &la), *tb = slurp(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(ta, tb, la);
    /* The exact text of a few lines: key order and number format. */
    assert_non_null(strstr(ta, "{\n  \"format\": \"handset-results/1\",\n"
                               "  \"scenario\": \"email-sync\",\n"
                               "  \"variant\": \"new-soc\",\n"));
    assert_non_null(strstr(ta, "\"sim_time_s\": 7200.0,\n"));
    assert_non_null(strstr(ta, "\"p50_ms\": 250.0,"));
    assert_non_null(strstr(ta, "\"avg_power_mw\": 1.71465277777,"));
    assert_int_equal(ta[la - 1], '\n');
    free(ta);
    free(tb);
    results_free(r1);
    results_free(r2);
    unlink(a);
    unlink(b);
    rmdir(dir);
}

static void test_host_json(void **state)
{
    (void)state;
    char dir[256], path[300], err[256];
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/host.json", dir);
    ResultsHost h = {.wall_s = 4.0,
                     .sim_time = 60 * HS_S,
                     .peak_rss_kib = results_peak_rss_kib()};
    assert_true(h.peak_rss_kib > 0);
    assert_int_equal(results_write_host(&h, path, err, sizeof err), 0);
    json_t *root = json_load_file(path, 0, NULL);
    assert_non_null(root);
    assert_true(json_real_value(json_object_get(root, "speedup")) == 15.0);
    assert_true(json_real_value(json_object_get(root, "sim_time_s")) == 60.0);
    char uc[32];
    assert_int_equal(vcpu_unicorn_version(uc, sizeof uc), 0);
    assert_string_equal(json_string_value(json_object_get(root, "unicorn")),
                        uc);
    json_decref(root);
    unlink(path);
    rmdir(dir);
}

static int write_then_fail(FILE *out, void *ctx, char *err, size_t size)
{
    (void)ctx;
    fputs("{\"half\": ", out);
    fflush(out);
    snprintf(err, size, "producer gave up");
    return -1;
}

static int write_new(FILE *out, void *ctx, char *err, size_t size)
{
    (void)err;
    (void)size;
    fputs((const char *)ctx, out);
    return 0;
}

static void test_atomic_failure_leaves_nothing(void **state)
{
    (void)state;
    char dir[256], path[300], err[256] = "";
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.json", dir);
    /* A producer failing half-way: no file, no temporary left. */
    assert_int_equal(
        atomic_write_file(path, write_then_fail, NULL, err, sizeof err), -1);
    assert_string_equal(err, "producer gave up");
    assert_int_equal(dir_entries(dir), 0);
    /* An existing file survives a failed rewrite unchanged. */
    assert_int_equal(
        atomic_write_file(path, write_new, "old\n", err, sizeof err), 0);
    assert_int_equal(
        atomic_write_file(path, write_then_fail, NULL, err, sizeof err), -1);
    size_t len;
    char *text = slurp(path, &len);
    assert_string_equal(text, "old\n");
    free(text);
    assert_int_equal(dir_entries(dir), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    unlink(path);
    /* A directory nobody can create files in (even root: /proc). */
    Results *r = sample_results();
    assert_int_equal(
        results_write(r, "/proc/handset-results.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "/proc/handset-results.json"));
    assert_int_equal(access("/proc/handset-results.json", F_OK), -1);
    /* A missing directory. */
    snprintf(path, sizeof path, "%s/missing/results.json", dir);
    assert_int_equal(results_write(r, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot create"));
    results_free(r);
    assert_int_equal(dir_entries(dir), 0);
    rmdir(dir);
}

static void test_stream_abort(void **state)
{
    (void)state;
    char dir[256], path[300], err[256];
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/trace.json", dir);
    AtomicFile *f = atomic_open(path, err, sizeof err);
    assert_non_null(f);
    fputs("partial", atomic_stream(f));
    assert_int_equal(dir_entries(dir), 1); /* only the temporary */
    assert_int_equal(access(path, F_OK), -1);
    atomic_abort(f);
    assert_int_equal(dir_entries(dir), 0);
    rmdir(dir);
}

/*
 * The runs under tests/data/results/run are this function's output (the
 * check and compare tests read them); the golden test below keeps them
 * byte-identical to what the writer produces today.
 */
static Results *fixture_results(const char *approach, double scale,
                                bool violation)
{
    char err[256];
    Results *r = results_new("incoming-call-secret", "default", approach,
                             "ref-2024", 42);
    results_set_sim_time(r, 600 * HS_S);
    for (int i = 1; i <= 20; i++)
        results_latency_add(r, "call.ring", (hs_time)(i * 50 * scale) * HS_MS,
                            err, sizeof err);
    results_latency_add(r, "call.answer_to_audio", 180 * HS_MS + 250 * HS_US,
                        err, sizeof err);
    results_latency_declare(r, "sms.notify", err, sizeof err);
    ResultsEnergy e = {.total_mj = 150000 * scale,
                       .avg_power_mw = 250 * scale,
                       .battery_life_h = 15.2 / scale,
                       .ap_awake_pct = 12.5 * scale};
    results_set_energy(r, &e);
    results_energy_component(r, "cpu", 90000 * scale, err, sizeof err);
    results_energy_component(r, "radio", 60000 * scale, err, sizeof err);
    results_energy_domain(r, "secret", 100000 * scale, err, sizeof err);
    results_energy_domain(r, "unclass", 50000 * scale, err, sizeof err);
    ResultsFlow f = {"mic",
                     "secret",
                     "baseband",
                     "unclassified",
                     320,
                     "mic>baseband",
                     violation ? RESULTS_VIOLATION : RESULTS_BLOCKED,
                     0};
    for (int i = 0; i < 3; i++)
        results_add_flow(r, &f, err, sizeof err);
    ResultsCovert c = {"wakelock", "secret",     "unclass", 1000,
                       20 * HS_MS, 0.02 * scale, 0.85,      42.5 / scale};
    results_add_covert(r, &c, err, sizeof err);
    results_count_instructions(r, "secret", 123456789, err, sizeof err);
    results_count_instructions(r, "unclass", 98765432, err, sizeof err);
    results_count(r, RESULTS_SYSCALLS, 5000);
    results_count(r, RESULTS_VM_SWITCHES, (uint64_t)(1200 * scale));
    results_add_tcb(r, "kernel", err, sizeof err);
    return r;
}

static void test_golden_fixtures(void **state)
{
    (void)state;
    static const struct {
        const char *approach;
        double scale;
        bool violation;
    } runs[] = {
        {"native", 1.0, true},
        {"hyp-mils", 2.0, false},
        {"hyp-pv", 1.25, false},
    };
    char dir[256], path[300], rel[128], golden[512], err[256];
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/results.json", dir);
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        Results *r =
            fixture_results(runs[i].approach, runs[i].scale, runs[i].violation);
        assert_int_equal(results_write(r, path, err, sizeof err), 0);
        results_free(r);
        snprintf(rel, sizeof rel, "tests/data/results/run/%s/results.json",
                 runs[i].approach);
        size_t la, lb;
        char *a = slurp(path, &la);
        char *b = slurp(hs_test_path(rel, golden, sizeof golden), &lb);
        if (la != lb || memcmp(a, b, la) != 0)
            fail_msg("%s differs from the writer's output", rel);
        free(a);
        free(b);
    }
    /* jq, a real consumer, reads the file back. */
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "jq -e '.approach == \"hyp-pv\" and "
             ".latency[\"call.ring\"].p95_ms == 1187 and "
             ".flows.covert[0].bits_per_s == 34' '%s' >/dev/null",
             path);
    assert_int_equal(system(cmd), 0);
    unlink(path);
    rmdir(dir);
}

/* counts.phone: absent until a key is added; a key added with 0 is
 * there with 0 (a run with calls states that none timed out); adds
 * sum; an empty key is refused. */
static void test_phone_counts(void **state)
{
    (void)state;
    char err[256];
    Results *r = results_new("call", "v", "native", "ref-2024", 1);
    json_t *root = results_to_json(r);
    assert_null(json_object_get(json_object_get(root, "counts"), "phone"));
    json_decref(root);
    assert_int_equal(results_count_phone(r, "timeouts", 0, err, sizeof err), 0);
    assert_int_equal(results_count_phone(r, "answers", 2, err, sizeof err), 0);
    assert_int_equal(results_count_phone(r, "answers", 1, err, sizeof err), 0);
    assert_int_equal(results_count_phone(r, "", 1, err, sizeof err), -1);
    root = results_to_json(r);
    json_t *phone = json_object_get(json_object_get(root, "counts"), "phone");
    assert_non_null(phone);
    assert_int_equal(json_object_size(phone), 2);
    assert_int_equal(json_integer_value(json_object_get(phone, "answers")), 3);
    json_t *t = json_object_get(phone, "timeouts");
    assert_true(json_is_integer(t));
    assert_int_equal(json_integer_value(t), 0);
    json_decref(root);
    results_free(r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_percentiles_nearest_rank),
    cmocka_unit_test(test_write_round_trip),
    cmocka_unit_test(test_byte_identical),
    cmocka_unit_test(test_host_json),
    cmocka_unit_test(test_atomic_failure_leaves_nothing),
    cmocka_unit_test(test_stream_abort),
    cmocka_unit_test(test_golden_fixtures),
    cmocka_unit_test(test_phone_counts),
};

HS_TEST_GROUP(results, tests)
