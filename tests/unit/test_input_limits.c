/*
 * test_input_limits.c - the input gaps fuzzing looks for: control
 * characters in echoed input are escaped, jansson's columns start at 1,
 * names follow the one name rule in SoC and scenario files, a short ELF
 * file names its cause, and time and cycle arithmetic saturates instead
 * of wrapping.
 */
#include "harness.h"

#include <stdint.h>
#include <string.h>

#include "cpu/elf_load.h"
#include "config/json.h"
#include "config/soc.h"
#include "sim/error.h"
#include "sim/time.h"

static void assert_one_line(const char *msg)
{
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            fail_msg("control character 0x%02x in '%s'", *p, msg);
}

static void test_errors_escape_controls(void **state)
{
    (void)state;
    char err[64];
    hs_errorf(err, sizeof err, "x: \"%s\"", "a\nf.json:1:1: b\t\x1b[2J");
    assert_string_equal(err, "x: \"a\\nf.json:1:1: b\\t\\x1b[2J\"");
    /* what no longer fits is cut at a character, never mid-escape */
    char small[8];
    hs_errorf(small, sizeof small, "ab\x01z");
    assert_string_equal(small, "ab\\x01z");
    hs_errorf(small, sizeof small, "abcd\x01z");
    assert_string_equal(small, "abcd");
    char plain[16];
    hs_errorf(plain, sizeof plain, "no controls");
    assert_string_equal(plain, "no controls");
}

static void test_json_errors_escape_and_start_at_column_1(void **state)
{
    (void)state;
    char err[JSON_ERR_MAX];
    /* jansson says column 0 at the start of a line: it is column 1 */
    assert_null(json_doc_load_text("t.json", "{\n", 2, err, sizeof err));
    assert_non_null(strstr(err, "t.json:2:1: invalid JSON"));
    assert_null(json_doc_load_text("t.json", "", 0, err, sizeof err));
    assert_non_null(strstr(err, "t.json:1:1: invalid JSON"));
    /* a key with a newline cannot fake a second FILE:LINE:COL line */
    const char *t = "{\"a\\nt.json:9:9: fake\": 1}";
    JsonDoc *doc = json_doc_load_text("t.json", t, strlen(t), err, sizeof err);
    assert_non_null(doc);
    static const char *const keys[] = {"b", NULL};
    assert_int_equal(json_check_keys(doc, doc->root, "", keys), -1);
    assert_one_line(json_doc_error(doc));
    assert_non_null(strstr(json_doc_error(doc), "a\\nt.json:9:9: fake"));
    json_doc_free(doc);
}

static void test_name_rule(void **state)
{
    (void)state;
    static const char *const good[] = {"ref-2013", "a", "0x", "big_2",
                                       "abcdefghijklmnopqrstuvwxyz012345"};
    static const char *const bad[] = {
        "",    "-a",   "_a",  "A",
        "a b", "a\nb", "a.b", "abcdefghijklmnopqrstuvwxyz0123456"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        JsonDoc *doc = json_doc_load_text("t.json", "{}", 2, NULL, 0);
        assert_non_null(doc);
        assert_int_equal(json_check_name(doc, "name", good[i]), 0);
        json_doc_free(doc);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        JsonDoc *doc = json_doc_load_text("t.json", "{}", 2, NULL, 0);
        assert_non_null(doc);
        assert_int_equal(json_check_name(doc, "name", bad[i]), -1);
        assert_non_null(strstr(json_doc_error(doc), "is not a valid name"));
        assert_one_line(json_doc_error(doc));
        json_doc_free(doc);
    }
    JsonDoc *doc = json_doc_load_text("t.json", "{}", 2, NULL, 0);
    assert_int_equal(json_check_line(doc, "description", "one\ttwo"), -1);
    assert_non_null(strstr(json_doc_error(doc), "control character 0x09"));
    json_doc_free(doc);
}

static void test_soc_name_rule(void **state)
{
    (void)state;
    char err[JSON_ERR_MAX];
    SocModel *m = soc_load("tests/data/soc/bad-name.json", err, sizeof err);
    assert_null(m);
    assert_one_line(err);
    assert_non_null(strstr(err, "tests/data/soc/bad-name.json:3:11: name: "
                                "\"ref\\n2013: fake\" is not a valid name"));
}

static void test_short_elf_names_its_cause(void **state)
{
    (void)state;
    uint8_t file[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    uint8_t ram[4096];
    GuestRegion r = {"ram", 0x40000000u, sizeof ram, ram};
    ElfImage img;
    char err[256];
    assert_int_equal(elf_load_mem(file, 16, "f.elf", ELF_MACHINE_AARCH64, &r, 1,
                                  &img, err, sizeof err),
                     -1);
    assert_string_equal(err, "f.elf: truncated: 16 bytes, shorter than an "
                             "ELF header (64)");
    assert_int_equal(elf_load_mem(file, 3, "f.elf", ELF_MACHINE_AARCH64, &r, 1,
                                  &img, err, sizeof err),
                     -1);
    assert_string_equal(err, "f.elf: not an ELF file (no ELF magic)");
    /* a whole header of zeros: whatever libelf says, a cause is named */
    assert_int_equal(elf_load_mem(file, sizeof file, "f.elf",
                                  ELF_MACHINE_AARCH64, &r, 1, &img, err,
                                  sizeof err),
                     -1);
    assert_null(strstr(err, "no error"));
    assert_true(strlen(err) > strlen("f.elf: "));
}

static void test_time_saturates(void **state)
{
    (void)state;
    assert_int_equal(hs_add_sat(1, 2), 3);
    assert_true(hs_add_sat(UINT64_MAX - 1, 2) == UINT64_MAX);
    assert_int_equal(hs_mul_sat(3, 5), 15);
    assert_true(hs_mul_sat(UINT64_MAX / 2, 3) == UINT64_MAX);
    assert_int_equal(hs_mul_sat(0, UINT64_MAX), 0);
    /* cycles_to_ps's form: 1000 cycles at 1 GHz are 1 us */
    assert_int_equal(hs_muldiv_sat(1000, 1000000000u, 1000000), 1000000);
    /* 2^64-1 cycles at 1 GHz: the 128-bit product is 1.8e28 ps, far past
     * HS_TIME_MAX, and stays there instead of wrapping */
    assert_true(hs_muldiv_sat(UINT64_MAX, 1000000000u, 1000000) == HS_TIME_MAX);
    assert_int_equal(hs_muldiv_sat(5, 5, 0), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_errors_escape_controls),
    cmocka_unit_test(test_json_errors_escape_and_start_at_column_1),
    cmocka_unit_test(test_name_rule),
    cmocka_unit_test(test_soc_name_rule),
    cmocka_unit_test(test_short_elf_names_its_cause),
    cmocka_unit_test(test_time_saturates),
};

HS_TEST_GROUP(input_limits, tests)
