/*
 * test_guestlib_crypto.c - ChaCha20, Poly1305 and the AEAD of guest/lib
 * against the RFC 8439 test vectors (§2.4.2, §2.5.2, §2.8.2), plus tag
 * rejection, incremental MAC feeding and the guest request layout.
 */
#include "harness.h"

#include "rfc8439.h"

#include <string.h>

#include "abi/crypto.h"
#include "guest/lib/chacha20poly1305.h"

/* RFC 8439 §2.4.2: ChaCha20 encryption, counter 1. */
static void test_chacha20_rfc_2_4_2(void **state)
{
    (void)state;
    uint8_t key[32], nonce[12], expect[114], out[114];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    test_unhex("000000000000004a00000000", nonce);
    size_t n = test_unhex("6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81"
                          "e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b"
                          "f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57"
                          "16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8"
                          "07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e"
                          "52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36"
                          "5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42"
                          "87 4d",
                          expect);
    assert_int_equal(n, 114);
    assert_int_equal(strlen(rfc8439_sunscreen), 114);
    chacha20_xor(key, 1, nonce, (const uint8_t *)rfc8439_sunscreen, out, 114);
    assert_memory_equal(out, expect, 114);
    chacha20_xor(key, 1, nonce, out, out, 114); /* in place, back again */
    assert_memory_equal(out, rfc8439_sunscreen, 114);
}

/* RFC 8439 §2.5.2: Poly1305 over "Cryptographic Forum Research Group". */
static void test_poly1305_rfc_2_5_2(void **state)
{
    (void)state;
    uint8_t key[32], expect[16], tag[16];
    test_unhex(
        "85:d6:be:78:57:55:6d:33:7f:44:52:fe:42:d5:06:a8:01:03:80:8a:fb:0d:"
        "b2:fd:4a:bf:f6:af:41:49:f5:1b",
        key);
    test_unhex("a8:06:1d:c1:30:51:36:c6:c2:2b:8b:af:0c:01:27:a9", expect);
    const char *msg = "Cryptographic Forum Research Group";
    poly1305_mac(key, (const uint8_t *)msg, strlen(msg), tag);
    assert_memory_equal(tag, expect, 16);

    /* the same tag however the message is split into updates */
    for (size_t split = 0; split <= strlen(msg); split++) {
        Poly1305 p;
        poly1305_init(&p, key);
        poly1305_update(&p, (const uint8_t *)msg, split);
        poly1305_update(&p, (const uint8_t *)msg + split, strlen(msg) - split);
        poly1305_final(&p, tag);
        assert_memory_equal(tag, expect, 16);
    }
}

/* RFC 8439 §2.8.2: AEAD seal gives the ciphertext and tag exactly. */
static void test_aead_seal_rfc_2_8_2(void **state)
{
    (void)state;
    Rfc8439Aead v;
    rfc8439_2_8_2(&v);
    uint8_t ct[114], tag[16];
    aead_seal(v.key, v.nonce, v.aad, sizeof(v.aad),
              (const uint8_t *)rfc8439_sunscreen, 114, ct, tag);
    assert_memory_equal(ct, v.ct, 114);
    assert_memory_equal(tag, v.tag, 16);
}

/* open() decrypts the vector and rejects any flipped tag, ciphertext or
 * AAD bit, leaving the output untouched. */
static void test_aead_open_rejects_tampering(void **state)
{
    (void)state;
    Rfc8439Aead v;
    rfc8439_2_8_2(&v);
    uint8_t pt[114];
    assert_int_equal(aead_open(v.key, v.nonce, v.aad, 12, v.ct, 114, v.tag, pt),
                     0);
    assert_memory_equal(pt, rfc8439_sunscreen, 114);

    for (int bit = 0; bit < 128; bit += 7) {
        uint8_t tag[16];
        memcpy(tag, v.tag, 16);
        tag[bit >> 3] ^= (uint8_t)(1u << (bit & 7));
        memset(pt, 0xee, sizeof(pt));
        assert_int_equal(
            aead_open(v.key, v.nonce, v.aad, 12, v.ct, 114, tag, pt), -1);
        for (int i = 0; i < 114; i++)
            assert_int_equal(pt[i], 0xee);
    }
    v.ct[50] ^= 1;
    assert_int_equal(aead_open(v.key, v.nonce, v.aad, 12, v.ct, 114, v.tag, pt),
                     -1);
    v.ct[50] ^= 1;
    v.aad[0] ^= 0x80;
    assert_int_equal(aead_open(v.key, v.nonce, v.aad, 12, v.ct, 114, v.tag, pt),
                     -1);
}

/* Empty plaintext and AAD still produce a tag that open() accepts. */
static void test_aead_empty(void **state)
{
    (void)state;
    uint8_t key[32] = {1}, nonce[12] = {2}, tag[16], tag2[16];
    aead_seal(key, nonce, NULL, 0, NULL, 0, NULL, tag);
    assert_int_equal(aead_open(key, nonce, NULL, 0, NULL, 0, tag, NULL), 0);
    nonce[0] ^= 1;
    aead_seal(key, nonce, NULL, 0, NULL, 0, NULL, tag2);
    assert_memory_not_equal(tag, tag2, 16);
}

/* The request struct has the same layout for host and guest. */
static void test_aead_request_layout(void **state)
{
    (void)state;
    assert_int_equal(offsetof(HsAeadRequest, aad_addr), 48);
    assert_int_equal(offsetof(HsAeadRequest, len), 72);
    assert_int_equal(offsetof(HsAeadRequest, tag), 80);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_chacha20_rfc_2_4_2),
    cmocka_unit_test(test_poly1305_rfc_2_5_2),
    cmocka_unit_test(test_aead_seal_rfc_2_8_2),
    cmocka_unit_test(test_aead_open_rejects_tampering),
    cmocka_unit_test(test_aead_empty),
    cmocka_unit_test(test_aead_request_layout),
};

HS_TEST_GROUP(guestlib_crypto, tests)
