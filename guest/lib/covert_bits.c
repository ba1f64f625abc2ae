/*
 * covert_bits.c - seeded covert-channel symbol stream (see covert_bits.h).
 */
#include "covert_bits.h"

void covert_stream_init(CovertStream *s, uint64_t seed)
{
    gl_rng_seed(&s->rng, seed ^ 0x636f76657274ULL); /* "covert" */
    s->word = 0;
    s->left = 0;
}

uint32_t covert_stream_bit(CovertStream *s)
{
    if (s->left == 0) {
        s->word = gl_rng_next(&s->rng);
        s->left = 32;
    }
    uint32_t bit = s->word & 1;
    s->word >>= 1;
    s->left--;
    return bit;
}

uint32_t covert_decide(uint64_t observed, uint64_t threshold,
                       uint32_t invert)
{
    uint32_t bit = observed >= threshold ? 1 : 0;
    return invert ? bit ^ 1 : bit;
}
