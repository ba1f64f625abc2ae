/*
 * chacha20poly1305.h - ChaCha20, Poly1305 and the ChaCha20-Poly1305 AEAD
 * construction of RFC 8439 (96-bit nonce, 32-bit block counter).
 *
 * Pure, freestanding and constant-time with respect to key and data (no
 * secret-dependent branches or table lookups); 32-bit arithmetic with
 * 32x32->64 products only, so it also builds for ARMv7 without helpers.
 */
#ifndef GL_CHACHA20POLY1305_H
#define GL_CHACHA20POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_BYTES 32
#define CHACHA20_NONCE_BYTES 12
#define CHACHA20_BLOCK_BYTES 64
#define POLY1305_KEY_BYTES 32
#define POLY1305_TAG_BYTES 16

/* One 64-byte ChaCha20 keystream block (RFC 8439 §2.3). */
void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES],
                    uint8_t out[CHACHA20_BLOCK_BYTES]);

/* XORs len bytes of keystream, starting at block `counter`, into in and
 * writes out (in == out is allowed) (RFC 8439 §2.4). */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_BYTES], const uint8_t *in,
                  uint8_t *out, size_t len);

/* Incremental Poly1305 (RFC 8439 §2.5): 26-bit limbs. */
typedef struct Poly1305 {
    uint32_t r[5];     /* clamped key half r, 26-bit limbs */
    uint32_t h[5];     /* accumulator, 26-bit limbs */
    uint32_t pad[4];   /* key half s, added at the end */
    uint8_t buf[16];   /* partial block not yet absorbed */
    uint32_t buf_len;  /* bytes in buf */
} Poly1305;

void poly1305_init(Poly1305 *p, const uint8_t key[POLY1305_KEY_BYTES]);
void poly1305_update(Poly1305 *p, const uint8_t *msg, size_t len);
void poly1305_final(Poly1305 *p, uint8_t tag[POLY1305_TAG_BYTES]);
/* One-shot MAC. */
void poly1305_mac(const uint8_t key[POLY1305_KEY_BYTES], const uint8_t *msg,
                  size_t len, uint8_t tag[POLY1305_TAG_BYTES]);

/* AEAD seal (RFC 8439 §2.8): encrypts len bytes of pt into ct (may be
 * the same buffer) and writes the 16-byte tag over aad and ct. */
void aead_seal(const uint8_t key[CHACHA20_KEY_BYTES],
               const uint8_t nonce[CHACHA20_NONCE_BYTES], const uint8_t *aad,
               size_t aad_len, const uint8_t *pt, size_t len, uint8_t *ct,
               uint8_t tag[POLY1305_TAG_BYTES]);

/* AEAD open: checks the tag in constant time before decrypting. Returns
 * 0 and writes pt, or -1 (pt untouched) when the tag does not match. */
int aead_open(const uint8_t key[CHACHA20_KEY_BYTES],
              const uint8_t nonce[CHACHA20_NONCE_BYTES], const uint8_t *aad,
              size_t aad_len, const uint8_t *ct, size_t len,
              const uint8_t tag[POLY1305_TAG_BYTES], uint8_t *pt);

#endif /* GL_CHACHA20POLY1305_H */
