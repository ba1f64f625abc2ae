/*
 * rng.h - deterministic, independent random streams.
 *
 * Every component draws from its own stream derived from (run seed,
 * component name): SplitMix64 over the seed and a 64-bit FNV-1a hash of
 * the name seeds a xoshiro256** generator. Streams never share state, so
 * adding a component or drawing more in one does not disturb another.
 * Distributions use only correctly-rounded libm functions (log, sqrt,
 * exp) so results do not depend on the host's trigonometry.
 */
#ifndef HS_SIM_RNG_H
#define HS_SIM_RNG_H

#include <stdint.h>

typedef struct SimRng {
    uint64_t s[4]; /* xoshiro256** state */
} SimRng;

/* Seeds r from the run seed and the component's name. */
void sim_rng_init(SimRng *r, uint64_t seed, const char *name);

static inline uint64_t sim_rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* 64 uniformly random bits (xoshiro256**; here so that callers drawing
 * a byte at a time, the IMAP peer's message bodies, inline it). */
static inline uint64_t sim_rng_u64(SimRng *r)
{
    uint64_t *s = r->s;
    uint64_t result = sim_rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = sim_rng_rotl(s[3], 45);
    return result;
}
/* Uniform double in [0, 1) with 53 random bits. */
double sim_rng_uniform(SimRng *r);
/* Uniform integer in [0, n), unbiased (Lemire); n must be > 0. */
uint64_t sim_rng_below(SimRng *r, uint64_t n);
/* Exponential with the given mean (> 0). */
double sim_rng_exponential(SimRng *r, double mean);
/* Normal with mean mu and standard deviation sigma (Marsaglia polar). */
double sim_rng_normal(SimRng *r, double mu, double sigma);
/* Log-normal: exp(N(mu, sigma)). */
double sim_rng_lognormal(SimRng *r, double mu, double sigma);

/* 64-bit FNV-1a hash of a NUL-terminated string. */
uint64_t sim_hash_name(const char *name);

#endif /* HS_SIM_RNG_H */
