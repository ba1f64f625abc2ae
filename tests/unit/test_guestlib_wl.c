/*
 * test_guestlib_wl.c - the workload drivers of guest/lib/wl.c as the
 * host reference runs them: deterministic (same n, same check; scratch
 * contents do not matter), sensitive to n, the crypto check traceable to
 * the AEAD it claims to run, and the covert symbol stream.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "abi/covert.h"
#include "guest/lib/chacha20poly1305.h"
#include "guest/lib/covert_bits.h"
#include "guest/lib/gl_util.h"
#include "guest/lib/wl.h"

typedef uint64_t (*WlFunc)(uint32_t n, void *scratch);

static const struct {
    const char *name;
    WlFunc fn;
    size_t scratch;
    uint32_t n;
} workloads[] = {
    {"crypto", wl_crypto, WL_CRYPTO_SCRATCH_BYTES, 5},
    {"voice", wl_voice, WL_VOICE_SCRATCH_BYTES, 5},
    {"mail", wl_mail, WL_MAIL_SCRATCH_BYTES, 3},
    {"ui", wl_ui, WL_UI_FB_BYTES, 2},
    {"gl", wl_gl, WL_GL_SCRATCH_BYTES, 2},
};

static void *scratch_filled(size_t size, int fill)
{
    void *p = aligned_alloc(16, (size + 15) & ~(size_t)15);
    assert_non_null(p);
    memset(p, fill, size);
    return p;
}

static void test_wl_deterministic(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
        void *a = scratch_filled(workloads[i].scratch, 0x00);
        void *b = scratch_filled(workloads[i].scratch, 0xa5);
        uint32_t n = workloads[i].n;
        uint64_t c1 = workloads[i].fn(n, a);
        uint64_t c2 = workloads[i].fn(n, b);
        uint64_t c3 = workloads[i].fn(n + 1, a);
        uint64_t c0 = workloads[i].fn(0, a);
        print_message("wl_%s(%u) = %016llx\n", workloads[i].name, n,
                      (unsigned long long)c1);
        assert_true(c1 == c2);
        assert_true(c1 != c3);
        assert_true(c0 == GL_HASH_INIT); /* no work, nothing hashed */
        free(a);
        free(b);
    }
}

/* wl_crypto(1) is the FNV-1a hash of the tag of sealing 1,400 zero bytes
 * with the documented key, nonce and AAD. */
static void test_wl_crypto_traceable(void **state)
{
    (void)state;
    GlRng rng;
    gl_rng_seed(&rng, WL_SEED ^ 1);
    uint8_t key[32];
    for (int i = 0; i < 8; i++)
        gl_store32le(key + 4 * i, gl_rng_next(&rng));
    static uint8_t pt[WL_CRYPTO_PACKET_BYTES], ct[WL_CRYPTO_PACKET_BYTES];
    uint8_t nonce[12] = {0}, aad[8] = {1}, tag[16];
    aead_seal(key, nonce, aad, 8, pt, sizeof(pt), ct, tag);
    uint64_t expect = gl_hash_bytes(GL_HASH_INIT, tag, 16);
    void *s = scratch_filled(WL_CRYPTO_SCRATCH_BYTES, 0x5a);
    assert_true(wl_crypto(1, s) == expect);
    free(s);
}

static void test_wl_covert_stream(void **state)
{
    (void)state;
    CovertStream a, b, c;
    covert_stream_init(&a, HS_COVERT_WL_SEED);
    covert_stream_init(&b, HS_COVERT_WL_SEED);
    covert_stream_init(&c, HS_COVERT_WL_SEED + 1);
    uint32_t ones = 0, differ = 0;
    for (int i = 0; i < 4096; i++) {
        uint32_t x = covert_stream_bit(&a);
        assert_true(x <= 1);
        assert_int_equal(x, covert_stream_bit(&b));
        differ += x != covert_stream_bit(&c);
        ones += x;
    }
    /* a fair stream: 4096 bits, mean 2048, sd 32; allow 6 sd */
    assert_in_range(ones, 2048 - 192, 2048 + 192);
    assert_in_range(differ, 2048 - 192, 2048 + 192);
    assert_int_equal(covert_decide(5, 5, 0), 1);
    assert_int_equal(covert_decide(4, 5, 0), 0);
    assert_int_equal(covert_decide(4, 5, 1), 1);
    assert_int_equal(sizeof(HsCovertRequest), 96);
}

static void test_wl_sine_table(void **state)
{
    (void)state;
    assert_int_equal(gl_sine_q15(0), 0);
    assert_int_equal(gl_sine_q15(0x4000), 32767);
    assert_int_equal(gl_sine_q15(0x8000), 0);
    assert_int_equal(gl_sine_q15(0xc000), -32767);
    assert_int_equal(gl_sine_q15(0x2000), 23170);  /* sin(pi/4) */
    assert_int_equal(gl_sine_q15(0x12000), 23170); /* wraps */
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_wl_deterministic),
    cmocka_unit_test(test_wl_crypto_traceable),
    cmocka_unit_test(test_wl_covert_stream),
    cmocka_unit_test(test_wl_sine_table),
};

HS_TEST_GROUP(guestlib_wl, tests)
