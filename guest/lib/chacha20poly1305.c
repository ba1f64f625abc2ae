/*
 * chacha20poly1305.c - RFC 8439 ChaCha20, Poly1305 and their AEAD.
 *
 * Poly1305 keeps the accumulator in five 26-bit limbs so every product
 * is 32x32->64 bits (the well-known "donna" 32-bit layout); the final
 * reduction mod 2^130-5 is branch-free.
 */
#include "chacha20poly1305.h"

#include "gl_util.h"

#define QR(a, b, c, d)                                                       \
    do {                                                                     \
        a += b;                                                              \
        d = gl_rotl32(d ^ a, 16);                                            \
        c += d;                                                              \
        b = gl_rotl32(b ^ c, 12);                                            \
        a += b;                                                              \
        d = gl_rotl32(d ^ a, 8);                                             \
        c += d;                                                              \
        b = gl_rotl32(b ^ c, 7);                                             \
    } while (0)

static void chacha20_words(const uint8_t key[32], uint32_t counter,
                           const uint8_t nonce[12], uint32_t out[16])
{
    uint32_t in[16];
    in[0] = 0x61707865u; /* "expand 32-byte k" */
    in[1] = 0x3320646eu;
    in[2] = 0x79622d32u;
    in[3] = 0x6b206574u;
    for (int i = 0; i < 8; i++)
        in[4 + i] = gl_load32le(key + 4 * i);
    in[12] = counter;
    for (int i = 0; i < 3; i++)
        in[13 + i] = gl_load32le(nonce + 4 * i);
    uint32_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = in[i];
    for (int round = 0; round < 10; round++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        out[i] = x[i] + in[i];
}

void chacha20_block(const uint8_t key[32], uint32_t counter,
                    const uint8_t nonce[12], uint8_t out[64])
{
    uint32_t w[16];
    chacha20_words(key, counter, nonce, w);
    for (int i = 0; i < 16; i++)
        gl_store32le(out + 4 * i, w[i]);
}

void chacha20_xor(const uint8_t key[32], uint32_t counter,
                  const uint8_t nonce[12], const uint8_t *in, uint8_t *out,
                  size_t len)
{
    uint8_t ks[64];
    while (len > 0) {
        chacha20_block(key, counter++, nonce, ks);
        size_t n = len < 64 ? len : 64;
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] ^ ks[i];
        in += n;
        out += n;
        len -= n;
    }
}

/* ---- Poly1305 ----------------------------------------------------------- */
#define M26 0x3ffffffu

void poly1305_init(Poly1305 *p, const uint8_t key[32])
{
    /* r is clamped as RFC 8439 §2.5 requires, then split in 26-bit limbs */
    p->r[0] = gl_load32le(key + 0) & 0x3ffffffu;
    p->r[1] = (gl_load32le(key + 3) >> 2) & 0x3ffff03u;
    p->r[2] = (gl_load32le(key + 6) >> 4) & 0x3ffc0ffu;
    p->r[3] = (gl_load32le(key + 9) >> 6) & 0x3f03fffu;
    p->r[4] = (gl_load32le(key + 12) >> 8) & 0x00fffffu;
    for (int i = 0; i < 5; i++)
        p->h[i] = 0;
    for (int i = 0; i < 4; i++)
        p->pad[i] = gl_load32le(key + 16 + 4 * i);
    p->buf_len = 0;
}

/* Absorbs one 16-byte block; hibit is 2^128 for full blocks, 0 for the
 * padded last block (which carries its own 0x01 byte). */
static void poly1305_block(Poly1305 *p, const uint8_t m[16], uint32_t hibit)
{
    uint32_t r0 = p->r[0], r1 = p->r[1], r2 = p->r[2], r3 = p->r[3],
             r4 = p->r[4];
    uint32_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
    uint32_t h0 = p->h[0], h1 = p->h[1], h2 = p->h[2], h3 = p->h[3],
             h4 = p->h[4];

    h0 += gl_load32le(m + 0) & M26;
    h1 += (gl_load32le(m + 3) >> 2) & M26;
    h2 += (gl_load32le(m + 6) >> 4) & M26;
    h3 += (gl_load32le(m + 9) >> 6) & M26;
    h4 += (gl_load32le(m + 12) >> 8) | hibit;

    uint64_t d0 = (uint64_t)h0 * r0 + (uint64_t)h1 * s4 +
                  (uint64_t)h2 * s3 + (uint64_t)h3 * s2 + (uint64_t)h4 * s1;
    uint64_t d1 = (uint64_t)h0 * r1 + (uint64_t)h1 * r0 +
                  (uint64_t)h2 * s4 + (uint64_t)h3 * s3 + (uint64_t)h4 * s2;
    uint64_t d2 = (uint64_t)h0 * r2 + (uint64_t)h1 * r1 +
                  (uint64_t)h2 * r0 + (uint64_t)h3 * s4 + (uint64_t)h4 * s3;
    uint64_t d3 = (uint64_t)h0 * r3 + (uint64_t)h1 * r2 +
                  (uint64_t)h2 * r1 + (uint64_t)h3 * r0 + (uint64_t)h4 * s4;
    uint64_t d4 = (uint64_t)h0 * r4 + (uint64_t)h1 * r3 +
                  (uint64_t)h2 * r2 + (uint64_t)h3 * r1 + (uint64_t)h4 * r0;

    uint32_t c = (uint32_t)(d0 >> 26);
    h0 = (uint32_t)d0 & M26;
    d1 += c;
    c = (uint32_t)(d1 >> 26);
    h1 = (uint32_t)d1 & M26;
    d2 += c;
    c = (uint32_t)(d2 >> 26);
    h2 = (uint32_t)d2 & M26;
    d3 += c;
    c = (uint32_t)(d3 >> 26);
    h3 = (uint32_t)d3 & M26;
    d4 += c;
    c = (uint32_t)(d4 >> 26);
    h4 = (uint32_t)d4 & M26;
    h0 += c * 5;
    c = h0 >> 26;
    h0 &= M26;
    h1 += c;

    p->h[0] = h0;
    p->h[1] = h1;
    p->h[2] = h2;
    p->h[3] = h3;
    p->h[4] = h4;
}

void poly1305_update(Poly1305 *p, const uint8_t *msg, size_t len)
{
    if (p->buf_len > 0) {
        while (len > 0 && p->buf_len < 16) {
            p->buf[p->buf_len++] = *msg++;
            len--;
        }
        if (p->buf_len < 16)
            return;
        poly1305_block(p, p->buf, 1u << 24);
        p->buf_len = 0;
    }
    while (len >= 16) {
        poly1305_block(p, msg, 1u << 24);
        msg += 16;
        len -= 16;
    }
    while (len > 0) {
        p->buf[p->buf_len++] = *msg++;
        len--;
    }
}

void poly1305_final(Poly1305 *p, uint8_t tag[16])
{
    if (p->buf_len > 0) {
        p->buf[p->buf_len] = 1;
        for (uint32_t i = p->buf_len + 1; i < 16; i++)
            p->buf[i] = 0;
        poly1305_block(p, p->buf, 0);
    }
    uint32_t h0 = p->h[0], h1 = p->h[1], h2 = p->h[2], h3 = p->h[3],
             h4 = p->h[4];
    /* full carry */
    uint32_t c = h1 >> 26;
    h1 &= M26;
    h2 += c;
    c = h2 >> 26;
    h2 &= M26;
    h3 += c;
    c = h3 >> 26;
    h3 &= M26;
    h4 += c;
    c = h4 >> 26;
    h4 &= M26;
    h0 += c * 5;
    c = h0 >> 26;
    h0 &= M26;
    h1 += c;

    /* g = h + 5 - 2^130; use g when it did not borrow (h >= p) */
    uint32_t g0 = h0 + 5;
    c = g0 >> 26;
    g0 &= M26;
    uint32_t g1 = h1 + c;
    c = g1 >> 26;
    g1 &= M26;
    uint32_t g2 = h2 + c;
    c = g2 >> 26;
    g2 &= M26;
    uint32_t g3 = h3 + c;
    c = g3 >> 26;
    g3 &= M26;
    uint32_t g4 = h4 + c - (1u << 26);

    uint32_t mask = (g4 >> 31) - 1; /* all ones when g4 did not borrow */
    g0 &= mask;
    g1 &= mask;
    g2 &= mask;
    g3 &= mask;
    g4 &= mask;
    mask = ~mask;
    h0 = (h0 & mask) | g0;
    h1 = (h1 & mask) | g1;
    h2 = (h2 & mask) | g2;
    h3 = (h3 & mask) | g3;
    h4 = (h4 & mask) | g4;

    /* to 4 x 32 bits, then add s mod 2^128 */
    uint32_t w0 = h0 | (h1 << 26);
    uint32_t w1 = (h1 >> 6) | (h2 << 20);
    uint32_t w2 = (h2 >> 12) | (h3 << 14);
    uint32_t w3 = (h3 >> 18) | (h4 << 8);
    uint64_t f = (uint64_t)w0 + p->pad[0];
    gl_store32le(tag + 0, (uint32_t)f);
    f = (uint64_t)w1 + p->pad[1] + (f >> 32);
    gl_store32le(tag + 4, (uint32_t)f);
    f = (uint64_t)w2 + p->pad[2] + (f >> 32);
    gl_store32le(tag + 8, (uint32_t)f);
    f = (uint64_t)w3 + p->pad[3] + (f >> 32);
    gl_store32le(tag + 12, (uint32_t)f);
}

void poly1305_mac(const uint8_t key[32], const uint8_t *msg, size_t len,
                  uint8_t tag[16])
{
    Poly1305 p;
    poly1305_init(&p, key);
    poly1305_update(&p, msg, len);
    poly1305_final(&p, tag);
}

/* ---- AEAD ---------------------------------------------------------------- */

/* Tag over aad || pad16 || ct || pad16 || le64(aad_len) || le64(len). */
static void aead_tag(const uint8_t key[32], const uint8_t nonce[12],
                     const uint8_t *aad, size_t aad_len, const uint8_t *ct,
                     size_t len, uint8_t tag[16])
{
    static const uint8_t zeros[16] = {0};
    uint8_t otk[64];
    chacha20_block(key, 0, nonce, otk);
    Poly1305 p;
    poly1305_init(&p, otk);
    poly1305_update(&p, aad, aad_len);
    poly1305_update(&p, zeros, (16 - (aad_len & 15)) & 15);
    poly1305_update(&p, ct, len);
    poly1305_update(&p, zeros, (16 - (len & 15)) & 15);
    uint8_t lens[16];
    gl_store64le(lens, (uint64_t)aad_len);
    gl_store64le(lens + 8, (uint64_t)len);
    poly1305_update(&p, lens, 16);
    poly1305_final(&p, tag);
}

void aead_seal(const uint8_t key[32], const uint8_t nonce[12],
               const uint8_t *aad, size_t aad_len, const uint8_t *pt,
               size_t len, uint8_t *ct, uint8_t tag[16])
{
    chacha20_xor(key, 1, nonce, pt, ct, len);
    aead_tag(key, nonce, aad, aad_len, ct, len, tag);
}

int aead_open(const uint8_t key[32], const uint8_t nonce[12],
              const uint8_t *aad, size_t aad_len, const uint8_t *ct,
              size_t len, const uint8_t tag[16], uint8_t *pt)
{
    uint8_t expect[16];
    aead_tag(key, nonce, aad, aad_len, ct, len, expect);
    uint32_t diff = 0;
    for (int i = 0; i < 16; i++)
        diff |= (uint32_t)(expect[i] ^ tag[i]);
    if (diff != 0)
        return -1;
    chacha20_xor(key, 1, nonce, ct, pt, len);
    return 0;
}
