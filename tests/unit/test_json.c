/*
 * test_json.c - the JSON input layer: the position index (nesting,
 * escapes, unicode, several lines), exact decimal conversion, and the
 * exact error message of every getter.
 */
#include "harness.h"

#include <string.h>

#include "config/json.h"
#include "sim/text.h"

static JsonDoc *load(const char *text)
{
    char err[JSON_ERR_MAX] = "";
    JsonDoc *doc =
        json_doc_load_text("t.json", text, strlen(text), err, sizeof err);
    if (!doc)
        fail_msg("did not load: %s", err);
    return doc;
}

static void assert_at(const JsonDoc *doc, const char *path, uint32_t line,
                      uint32_t col)
{
    const JsonIndexEntry *e = json_doc_find(doc, path);
    if (!e)
        fail_msg("path '%s' is not indexed", path);
    if (e->value.line != line || e->value.column != col)
        fail_msg("'%s' at %u:%u, wanted %u:%u", path, e->value.line,
                 e->value.column, line, col);
}

static void assert_err(const JsonDoc *doc, const char *want)
{
    if (strcmp(json_doc_error(doc), want) != 0)
        fail_msg("error\n  got:    '%s'\n  wanted: '%s'", json_doc_error(doc),
                 want);
}

static void test_index_nested(void **state)
{
    (void)state;
    JsonDoc *doc = load("\n"
                        "{\n"
                        "  \"a\": [1, [2, 3], {\"b\": true}],\n"
                        "  \"o\": {\"p\": {\"q\": [null, {}]}},\n"
                        "  \"e\": [], \"f\": {}\n"
                        "}\n");
    assert_at(doc, "", 2, 1);
    assert_at(doc, "a", 3, 8);
    assert_at(doc, "a[0]", 3, 9);
    assert_at(doc, "a[1]", 3, 12);
    assert_at(doc, "a[1][1]", 3, 16);
    assert_at(doc, "a[2]", 3, 20);
    assert_at(doc, "a[2].b", 3, 26);
    assert_at(doc, "o.p.q[0]", 4, 21);
    assert_at(doc, "o.p.q[1]", 4, 27);
    assert_at(doc, "e", 5, 8);
    assert_at(doc, "f", 5, 17);
    const JsonIndexEntry *e = json_doc_find(doc, "a[2].b");
    assert_int_equal(e->key.line, 3);
    assert_int_equal(e->key.column, 21);
    assert_null(json_doc_find(doc, "a[3]"));
    assert_null(json_doc_find(doc, "o.p.r"));
    assert_int_equal(doc->n_index, 15);
    json_doc_free(doc);
}

static void test_index_strings_and_unicode(void **state)
{
    (void)state;
    /* Escaped quotes and brackets inside strings must not confuse the
     * scanner; keys are decoded; columns count characters, not bytes. */
    JsonDoc *doc = load("{\"s\": \"x\\\"]}[{y\\\\\", \"n\": 1,\n"
                        " \"h\\u00e9\": \"h\xc3\xa9llo\", \"u\": 5,\n"
                        " \"\xc3\xa9t\xc3\xa9\": {\"k\": 2},\n"
                        " \"\\ud83d\\ude00\": 3, \"t\\tab\\/\": 4}");
    assert_at(doc, "s", 1, 7);
    assert_at(doc, "n", 1, 26);
    assert_at(doc, "h\xc3\xa9", 2, 13);
    assert_at(doc, "u", 2, 27);
    assert_at(doc, "\xc3\xa9t\xc3\xa9.k", 3, 15);
    assert_at(doc, "\xf0\x9f\x98\x80", 4, 18);
    assert_at(doc, "t\tab/", 4, 32);
    /* The tree and the index agree on the decoded key. */
    assert_non_null(json_object_get(doc->root, "t\tab/"));
    json_doc_free(doc);
}

static void test_index_crlf_and_root_array(void **state)
{
    (void)state;
    JsonDoc *doc = load("[\r\n  {\"a\": 1},\r\n  [true]\r\n]");
    assert_at(doc, "", 1, 1);
    assert_at(doc, "[0].a", 2, 9);
    assert_at(doc, "[1][0]", 3, 4);
    json_doc_free(doc);
}

static void test_load_errors(void **state)
{
    (void)state;
    char err[JSON_ERR_MAX];
    const char *bad = "{\n  \"a\": 1,\n}";
    assert_null(
        json_doc_load_text("t.json", bad, strlen(bad), err, sizeof err));
    assert_string_equal(err, "t.json:3:1: invalid JSON: string or '}' "
                             "expected near '}'");
    const char *dup = "{\"a\": 1, \"a\": 2}";
    assert_null(
        json_doc_load_text("t.json", dup, strlen(dup), err, sizeof err));
    assert_non_null(strstr(err, "t.json:1:"));
    assert_non_null(strstr(err, "duplicate object key"));
    assert_null(json_doc_load_file("tests/data/soc/no-such-file.json", err,
                                   sizeof err));
    assert_string_equal(err, "tests/data/soc/no-such-file.json: cannot "
                             "open: No such file or directory");
}

static const char *const getter_text = "{\n"
                                       "  \"obj\": {\n"
                                       "    \"num\": \"12\",\n"
                                       "    \"real\": 1.5,\n"
                                       "    \"int\": 7,\n"
                                       "    \"neg\": -2.5,\n"
                                       "    \"big\": 2265.6505,\n"
                                       "    \"s\": 5,\n"
                                       "    \"wiring\": \"baseband\",\n"
                                       "    \"dur\": \"10 seconds\",\n"
                                       "    \"dnum\": 10,\n"
                                       "    \"arr\": [1],\n"
                                       "    \"flag\": \"yes\",\n"
                                       "    \"capacity_mha\": 1,\n"
                                       "    \"zzz\": 2\n"
                                       "  }\n"
                                       "}\n";

/* Runs one failing getter on a fresh document and checks the message. */
#define EXPECT_FAIL(call, want)                                                \
    do {                                                                       \
        JsonDoc *doc = load(getter_text);                                      \
        const json_t *obj = json_object_get(doc->root, "obj");                 \
        (void)obj;                                                             \
        assert_int_equal((call), -1);                                          \
        assert_err(doc, (want));                                               \
        json_doc_free(doc);                                                    \
    } while (0)

static void test_getter_errors(void **state)
{
    (void)state;
    double d;
    int64_t i;
    const char *s;
    bool b;
    int e;
    hs_time t;
    const json_t *j;
    JsonDecimal dec;
    static const char *const wirings[] = {"baseband-direct", "ap-codec", NULL};
    static const char *const allowed[] = {
        "num", "real", "int", "neg",  "big",          "s", "wiring",
        "dur", "dnum", "arr", "flag", "capacity_mha", NULL};

    EXPECT_FAIL(json_get_number(doc, obj, "obj", "num", 0, 10, &d),
                "t.json:3:12: obj.num: expected a number");
    EXPECT_FAIL(json_get_number(doc, obj, "obj", "missing", 0, 10, &d),
                "t.json:2:10: obj.missing: missing");
    EXPECT_FAIL(json_get_number(doc, obj, "obj", "real", 2, 10, &d),
                "t.json:4:13: obj.real: must be at least 2");
    EXPECT_FAIL(json_get_number(doc, obj, "obj", "real", 0, 1, &d),
                "t.json:4:13: obj.real: must be at most 1");
    EXPECT_FAIL(json_get_integer(doc, obj, "obj", "real", 0, 10, &i),
                "t.json:4:13: obj.real: expected an integer");
    EXPECT_FAIL(json_get_integer(doc, obj, "obj", "int", 8, 10, &i),
                "t.json:5:12: obj.int: must be at least 8");
    EXPECT_FAIL(json_get_integer(doc, obj, "obj", "int", 0, 6, &i),
                "t.json:5:12: obj.int: must be at most 6");
    EXPECT_FAIL(
        json_get_decimal(doc, obj, "obj", "neg", JSON_NUM_NONNEGATIVE, &dec),
        "t.json:6:12: obj.neg: must not be negative");
    EXPECT_FAIL(
        json_get_scaled(doc, obj, "obj", "neg", 3, JSON_NUM_POSITIVE, &i),
        "t.json:6:12: obj.neg: must be greater than 0");
    EXPECT_FAIL(json_get_scaled(doc, obj, "obj", "big", 3, JSON_NUM_EXACT, &i),
                "t.json:7:12: obj.big: has more than 3 decimal places");
    EXPECT_FAIL(json_get_scaled(doc, obj, "obj", "num", 3, 0, &i),
                "t.json:3:12: obj.num: expected a number");
    EXPECT_FAIL(json_get_string(doc, obj, "obj", "s", &s),
                "t.json:8:10: obj.s: expected a string");
    EXPECT_FAIL(json_get_enum(doc, obj, "obj", "wiring", wirings, &e),
                "t.json:9:15: obj.wiring: expected one of "
                "\"baseband-direct\", \"ap-codec\" (got \"baseband\")");
    EXPECT_FAIL(json_get_duration(doc, obj, "obj", "dur", &t),
                "t.json:10:12: obj.dur: invalid duration \"10 seconds\": "
                "unknown unit (use ps, ns, us, ms, s, m, h or d)");
    EXPECT_FAIL(json_get_duration(doc, obj, "obj", "dnum", &t),
                "t.json:11:13: obj.dnum: expected a duration string such "
                "as \"250ms\"");
    EXPECT_FAIL(json_get_array(doc, obj, "obj", "arr", 2, 4, &j),
                "t.json:12:12: obj.arr: must have at least 2 elements");
    EXPECT_FAIL(json_get_array(doc, obj, "obj", "arr", 0, 0, &j),
                "t.json:12:12: obj.arr: must have at most 0 elements");
    EXPECT_FAIL(json_get_array(doc, obj, "obj", "int", 0, 4, &j),
                "t.json:5:12: obj.int: expected an array");
    EXPECT_FAIL(json_get_object(doc, obj, "obj", "arr", &j),
                "t.json:12:12: obj.arr: expected an object");
    EXPECT_FAIL(json_get_bool(doc, obj, "obj", "flag", &b),
                "t.json:13:13: obj.flag: expected true or false");
    EXPECT_FAIL(json_check_keys(doc, obj, "obj", allowed),
                "t.json:15:5: obj.zzz: unknown key");
    EXPECT_FAIL(json_check_keys(doc, obj, "obj", allowed + 1),
                "t.json:3:5: obj.num: unknown key (did you mean \"dnum\"?)");
    EXPECT_FAIL(json_expect_object(doc, json_object_get(obj, "int"), "obj.int"),
                "t.json:5:12: obj.int: expected an object");
    EXPECT_FAIL(json_fail(doc, "", "bad root"), "t.json:1:1: bad root");
}

static void test_unknown_key_suggestion(void **state)
{
    (void)state;
    static const char *const allowed[] = {"capacity_mah", "voltage_v", "source",
                                          NULL};
    JsonDoc *doc = load("{\"b\": {\"voltage_v\": 3.8,\n"
                        "       \"capacity_mha\": 1, \"sorce\": \"x\"}}");
    const json_t *b = json_object_get(doc->root, "b");
    assert_int_equal(json_check_keys(doc, b, "b", allowed), -1);
    assert_err(doc, "t.json:2:8: b.capacity_mha: unknown key (did you mean "
                    "\"capacity_mah\"?)");
    json_doc_free(doc);
}

static void test_first_error_kept(void **state)
{
    (void)state;
    JsonDoc *doc = load("{\"a\": \"x\", \"b\": 1}");
    double d;
    const char *s;
    assert_int_equal(json_get_number(doc, doc->root, "", "a", 0, 1, &d), -1);
    assert_int_equal(json_get_string(doc, doc->root, "", "b", &s), -1);
    assert_err(doc, "t.json:1:7: a: expected a number");
    json_doc_free(doc);
}

static void test_getters_ok(void **state)
{
    (void)state;
    JsonDoc *doc = load("{\"f\": 2265.6, \"g\": 181.0, \"h\": 1e3,\n"
                        " \"r1\": 0.0005, \"r2\": -0.0005, \"r3\": 0.00049,\n"
                        " \"i\": -42, \"d\": \"1.28s\", \"b\": false,\n"
                        " \"w\": \"ap-codec\", \"t\": \"txt\", \"z\": 0.000}");
    const json_t *r = doc->root;
    int64_t v;
    JsonDecimal dec;
    static const char *const wirings[] = {"baseband-direct", "ap-codec", NULL};
    assert_int_equal(json_get_scaled(doc, r, "", "f", 3, JSON_NUM_EXACT, &v),
                     0);
    assert_int_equal(v, 2265600);
    assert_int_equal(json_get_scaled(doc, r, "", "g", 0, JSON_NUM_EXACT, &v),
                     0);
    assert_int_equal(v, 181);
    assert_int_equal(json_get_scaled(doc, r, "", "h", 3, 0, &v), 0);
    assert_int_equal(v, 1000000);
    /* Rounded once, half away from zero. */
    assert_int_equal(json_get_scaled(doc, r, "", "r1", 3, 0, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(json_get_scaled(doc, r, "", "r2", 3, 0, &v), 0);
    assert_int_equal(v, -1);
    assert_int_equal(json_get_scaled(doc, r, "", "r3", 3, 0, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(
        json_get_decimal(doc, r, "", "z", JSON_NUM_NONNEGATIVE, &dec), 0);
    assert_int_equal(dec.coef, 0);
    /* 17.4 mA at 3800 mV is exactly 66120 uW: no binary rounding. */
    JsonDecimal ma = {.coef = 174, .exp10 = -1};
    assert_int_equal(json_decimal_mul_int(ma, 3800, &dec), 0);
    assert_int_equal(json_decimal_scale(dec, 0, &v, NULL), 0);
    assert_int_equal(v, 66120);

    int64_t i;
    hs_time t;
    bool b = true;
    int e;
    const char *s;
    assert_int_equal(json_get_integer(doc, r, "", "i", -100, 0, &i), 0);
    assert_int_equal(i, -42);
    assert_int_equal(json_get_duration(doc, r, "", "d", &t), 0);
    assert_int_equal(t, 1280 * HS_MS);
    assert_int_equal(json_get_bool(doc, r, "", "b", &b), 0);
    assert_false(b);
    assert_int_equal(json_get_enum(doc, r, "", "w", wirings, &e), 0);
    assert_int_equal(e, 1);
    assert_int_equal(json_get_string(doc, r, "", "t", &s), 0);
    assert_string_equal(s, "txt");
    assert_string_equal(json_doc_error(doc), "");
    json_doc_free(doc);
}

static void test_edit_distance_and_paths(void **state)
{
    (void)state;
    char buf[JSON_PATH_MAX];
    assert_int_equal(hs_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(hs_edit_distance("", "abc"), 3);
    assert_int_equal(hs_edit_distance("same", "same"), 0);
    assert_int_equal(hs_edit_distance("capacity_mha", "capacity_mah"), 2);
    assert_string_equal(json_path_key(buf, sizeof buf, "", "a"), "a");
    assert_string_equal(json_path_key(buf, sizeof buf, "a[1]", "b"), "a[1].b");
    assert_string_equal(json_path_index(buf, sizeof buf, "opps", 2), "opps[2]");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_index_nested),
    cmocka_unit_test(test_index_strings_and_unicode),
    cmocka_unit_test(test_index_crlf_and_root_array),
    cmocka_unit_test(test_load_errors),
    cmocka_unit_test(test_getter_errors),
    cmocka_unit_test(test_unknown_key_suggestion),
    cmocka_unit_test(test_first_error_kept),
    cmocka_unit_test(test_getters_ok),
    cmocka_unit_test(test_edit_distance_and_paths),
};

HS_TEST_GROUP(json, tests)
