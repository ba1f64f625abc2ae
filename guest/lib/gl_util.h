/*
 * gl_util.h - small freestanding helpers shared by every guest/lib
 * algorithm: byte copies, little-endian loads and stores, a 64-bit frame
 * hash, a seeded 32-bit PRNG and a Q15 sine table.
 *
 * guest/lib compiles three ways (host reference with -DHS_HOST_REF=1,
 * aarch64-none-elf guest, armv7a-none-eabi baseband), so nothing here
 * calls libc, divides 64-bit values or uses floating point. The copies
 * are plain loops; the guest runtime also provides memcpy/memset because
 * the compiler may turn such loops into calls.
 */
#ifndef GL_UTIL_H
#define GL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline void gl_copy(void *dst, const void *src, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

static inline void gl_fill(void *dst, uint8_t value, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    for (size_t i = 0; i < n; i++)
        d[i] = value;
}

static inline uint32_t gl_load32le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static inline void gl_store32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void gl_store64le(uint8_t *p, uint64_t v)
{
    gl_store32le(p, (uint32_t)v);
    gl_store32le(p + 4, (uint32_t)(v >> 32));
}

/* ASCII lower-casing for header and keyword matching. */
static inline uint8_t gl_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* ---- 64-bit FNV-1a, used for check values ----------------------------- */
#define GL_HASH_INIT 0xcbf29ce484222325ULL
#define GL_HASH_PRIME 0x100000001b3ULL

static inline uint64_t gl_hash_bytes(uint64_t h, const void *data, size_t n)
{
    const uint8_t *p = (const uint8_t *)data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * GL_HASH_PRIME;
    return h;
}

/* Word-at-a-time variant (one multiply per 32-bit word): the same mixing
 * step applied to whole words, used for framebuffers and sample frames. */
static inline uint64_t gl_hash_u32(uint64_t h, uint32_t w)
{
    return (h ^ w) * GL_HASH_PRIME;
}

static inline uint64_t gl_hash_u64(uint64_t h, uint64_t w)
{
    h = gl_hash_u32(h, (uint32_t)w);
    return gl_hash_u32(h, (uint32_t)(w >> 32));
}

/* ---- xoshiro128** (Blackman & Vigna), 32-bit operations only ---------- */
typedef struct GlRng {
    uint32_t s[4]; /* generator state, never all zero */
} GlRng;

static inline uint32_t gl_rotl32(uint32_t x, int k)
{
    return (x << k) | (x >> (32 - k));
}

/* Seeds the state with splitmix32 steps so that any seed (0 included)
 * gives a well-mixed, non-zero state. */
static inline void gl_rng_seed(GlRng *r, uint64_t seed)
{
    uint32_t z = (uint32_t)seed ^ gl_rotl32((uint32_t)(seed >> 32), 13);
    for (int i = 0; i < 4; i++) {
        z += 0x9e3779b9u;
        uint32_t x = z;
        x = (x ^ (x >> 16)) * 0x85ebca6bu;
        x = (x ^ (x >> 13)) * 0xc2b2ae35u;
        r->s[i] = x ^ (x >> 16);
    }
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1;
}

static inline uint32_t gl_rng_next(GlRng *r)
{
    uint32_t *s = r->s;
    uint32_t result = gl_rotl32(s[1] * 5, 7) * 9;
    uint32_t t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = gl_rotl32(s[3], 11);
    return result;
}

/* Uniform value in [0, bound) for bound <= 2^16 without division: the
 * high half of a 32x16 product (bias below 2^-16, fine for test data). */
static inline uint32_t gl_rng_below(GlRng *r, uint32_t bound)
{
    return (uint32_t)(((uint64_t)(gl_rng_next(r) >> 16) * bound) >> 16);
}

/* Q15 sine of a phase in 1/65536ths of a turn (phase wraps), from a
 * 65-entry quarter-wave table with linear interpolation. */
int32_t gl_sine_q15(uint32_t phase16);

#endif /* GL_UTIL_H */
