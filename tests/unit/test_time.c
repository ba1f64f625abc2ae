/*
 * test_time.c - duration parsing and printing.
 */
#include "harness.h"

#include <string.h>

#include "sim/time.h"

static hs_time parse_ok(const char *s)
{
    hs_time t = 0;
    char err[128];
    int rc = sim_parse_duration(s, &t, err, sizeof err);
    if (rc != 0)
        fail_msg("'%s' did not parse: %s", s, err);
    return t;
}

static void parse_bad(const char *s, const char *reason_part)
{
    hs_time t = 12345;
    char err[128] = "";
    assert_int_equal(sim_parse_duration(s, &t, err, sizeof err), -1);
    assert_int_equal(t, 12345); /* untouched on error */
    if (!strstr(err, reason_part))
        fail_msg("'%s': reason '%s' lacks '%s'", s, err, reason_part);
}

static void test_parse_units(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("250us"), 250 * HS_US);
    assert_int_equal(parse_ok("1.28s"), 1280 * HS_MS);
    assert_int_equal(parse_ok("24h"), 24 * HS_HOUR);
    assert_int_equal(parse_ok("1h30m"), 90 * HS_MIN);
    assert_int_equal(parse_ok("20ms"), 20 * HS_MS);
    assert_int_equal(parse_ok("7ps"), 7);
    assert_int_equal(parse_ok("3ns"), 3000);
    assert_int_equal(parse_ok("2d"), 48 * HS_HOUR);
    assert_int_equal(parse_ok("0"), 0);
    assert_int_equal(parse_ok("0.5ns"), 500);
    assert_int_equal(parse_ok("1s500ms"), 1500 * HS_MS);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_bad("", "empty");
    parse_bad("10", "missing unit");
    parse_bad("10 parsecs", "unknown unit");
    parse_bad("5x", "unknown unit");
    parse_bad("-5s", "negative");
    parse_bad("ms", "expected a number");
    parse_bad("1.s", "digits after");
    parse_bad("0.1ps", "finer than 1 ps");
    parse_bad("1.0005ns", "finer than 1 ps");
}

static void test_parse_overflow(void **state)
{
    (void)state;
    /* 2^64 ps is about 213.5 days. */
    assert_int_equal(parse_ok("213d"), 213 * HS_DAY);
    parse_bad("214d", "too large");
    parse_bad("99999999999999999999999s", "too large");
    parse_bad("18446744073709551615ps1ps", "too large");
    assert_int_equal(parse_ok("18446744073709551615ps"), HS_TIME_MAX);
}

static void roundtrip(hs_time t, const char *expect)
{
    char buf[64];
    sim_format_duration(t, buf, sizeof buf);
    assert_string_equal(buf, expect);
    assert_int_equal(parse_ok(buf), t);
}

static void test_format(void **state)
{
    (void)state;
    roundtrip(0, "0");
    roundtrip(24 * HS_HOUR, "24h");
    roundtrip(90 * HS_MIN, "90m");
    roundtrip(1280 * HS_MS, "1.28s");
    roundtrip(250 * HS_US, "250us");
    roundtrip(20 * HS_MS, "20ms");
    roundtrip(1, "1ps");
    roundtrip(1500, "1.5ns");
    roundtrip(HS_S + 1, "1.000000000001s");
    roundtrip(HS_TIME_MAX, "18446744.073709551615s");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_units),
    cmocka_unit_test(test_parse_errors),
    cmocka_unit_test(test_parse_overflow),
    cmocka_unit_test(test_format),
};
HS_TEST_GROUP(sim_time, tests)
