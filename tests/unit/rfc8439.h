/*
 * rfc8439.h - RFC 8439 test vectors shared by the host and in-guest
 * ChaCha20-Poly1305 tests.
 */
#ifndef HS_TESTS_RFC8439_H
#define HS_TESTS_RFC8439_H

#include <stddef.h>
#include <stdint.h>

/* Parses hex digits (other characters ignored) into out; returns bytes. */
size_t test_unhex(const char *s, uint8_t *out);

/* The 114-byte plaintext of RFC 8439 sections 2.4.2 and 2.8.2. */
extern const char rfc8439_sunscreen[];

/* RFC 8439 section 2.8.2: AEAD_CHACHA20_POLY1305 example. */
typedef struct Rfc8439Aead {
    uint8_t key[32]; /* 80 81 .. 9f */
    uint8_t nonce[12];
    uint8_t aad[12];
    uint8_t ct[114]; /* ciphertext of rfc8439_sunscreen */
    uint8_t tag[16];
} Rfc8439Aead;

void rfc8439_2_8_2(Rfc8439Aead *v);

#endif
