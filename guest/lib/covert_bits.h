/*
 * covert_bits.h - the seeded symbol stream a covert-channel sender
 * modulates and the estimator compares against, plus the receiver's
 * threshold decision. Pure: the timing side lives in guest/apps/covert.c.
 */
#ifndef GL_COVERT_BITS_H
#define GL_COVERT_BITS_H

#include <stdint.h>

#include "gl_util.h"

typedef struct CovertStream {
    GlRng rng;     /* xoshiro128** seeded from the channel seed */
    uint32_t word; /* current 32 random bits */
    uint32_t left; /* bits of word not yet used */
} CovertStream;

/* Starts the stream of `seed`; the same seed gives the same bits on the
 * host (estimator, tests) and in the guest. */
void covert_stream_init(CovertStream *s, uint64_t seed);

/* The next symbol, 0 or 1 (least significant bit of each word first). */
uint32_t covert_stream_bit(CovertStream *s);

/* Receiver decision: 1 when the observation reaches the threshold, else
 * 0; `invert` flips it (for observables where a 1 shortens the delay). */
uint32_t covert_decide(uint64_t observed, uint64_t threshold,
                       uint32_t invert);

#endif /* GL_COVERT_BITS_H */
