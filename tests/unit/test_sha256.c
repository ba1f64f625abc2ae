/*
 * test_sha256.c - SHA-256 against the FIPS 180-2 appendix B examples and
 * a million-'a' message split across blocks (out/sha256.h).
 */
#include <string.h>

#include "harness.h"
#include "out/sha256.h"

static void hex_of(const char *msg, size_t len, char *hex)
{
    Sha256 s;
    hs_sha256_init(&s);
    hs_sha256_update(&s, msg, len);
    hs_sha256_final_hex(&s, hex);
}

static void test_vectors(void **state)
{
    (void)state;
    char hex[SHA256_HEX_LEN + 1];
    hex_of("abc", 3, hex);
    assert_string_equal(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hex_of("", 0, hex);
    assert_string_equal(
        hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two, strlen(two), hex);
    assert_string_equal(
        hex,
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 s;
    hs_sha256_init(&s);
    char a[1001];
    memset(a, 'a', sizeof a);
    for (int i = 0; i < 1000; i++)
        hs_sha256_update(&s, a, i % 2 ? 999 : 1001);
    hs_sha256_final_hex(&s, hex);
    assert_string_equal(
        hex,
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_vectors),
};
HS_TEST_GROUP(out_sha256, tests)
