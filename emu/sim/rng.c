/*
 * rng.c - SplitMix64-seeded xoshiro256** streams and distributions.
 *
 * xoshiro256** and SplitMix64 follow Blackman and Vigna's reference code
 * (prng.di.unimi.it); the bounded draw follows Lemire, "Fast Random
 * Integer Generation in an Interval" (TOMACS 2019).
 */
#include "sim/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t sim_hash_name(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void sim_rng_init(SimRng *r, uint64_t seed, const char *name)
{
    uint64_t x = seed;
    uint64_t mixed = splitmix64(&x) ^ sim_hash_name(name ? name : "");
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&mixed);
    /* xoshiro must not start all-zero; SplitMix64 output never is four
     * zeros in a row, but keep the guarantee explicit. */
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

double sim_rng_uniform(SimRng *r)
{
    return (double)(sim_rng_u64(r) >> 11) * 0x1.0p-53;
}

uint64_t sim_rng_below(SimRng *r, uint64_t n)
{
    unsigned __int128 m = (unsigned __int128)sim_rng_u64(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = -n % n;
        while (low < threshold) {
            m = (unsigned __int128)sim_rng_u64(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double sim_rng_exponential(SimRng *r, double mean)
{
    /* 1 - u lies in (0, 1], so the log is finite. */
    return -mean * log(1.0 - sim_rng_uniform(r));
}

double sim_rng_normal(SimRng *r, double mu, double sigma)
{
    double u, v, s;
    do {
        u = 2.0 * sim_rng_uniform(r) - 1.0;
        v = 2.0 * sim_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    /* The polar method yields two deviates; using one keeps the stream's
     * consumption independent of call history. */
    return mu + sigma * u * sqrt(-2.0 * log(s) / s);
}

double sim_rng_lognormal(SimRng *r, double mu, double sigma)
{
    return exp(sim_rng_normal(r, mu, sigma));
}
