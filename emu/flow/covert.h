/*
 * covert.h - the covert-channel estimator.
 *
 * Capacity is measured, never declared: a sender app sends a seeded
 * symbol stream by modulating a shared resource and a receiver app in
 * another domain decodes what its own code can observe. The runner pairs
 * each sent symbol with what the receiver decoded for the same slot and
 * feeds the pairs here; the estimator builds their empirical joint
 * distribution and reports the bit error rate, the mutual information
 * per symbol and, with the symbol period, bits per second:
 *
 *   I(X;Y) = sum_{x,y} p(x,y) log2( p(x,y) / (p(x) p(y)) )
 *   bits/s = I(X;Y) / symbol period
 *
 * A slot the receiver did not decode is an erasure: it counts as an
 * output symbol of its own in the joint distribution (it carries no
 * information) and as every bit wrong in the bit error rate. The plug-in
 * estimate of I is biased upwards by about (|X|-1)(|Y|-1) / (2 n ln 2)
 * bits for n samples; with the thousands of symbols scenarios send this is
 * far below the differences between approaches, and it is reported so a
 * reader can judge (covert_estimate's mi_bias_bits).
 */
#ifndef HS_FLOW_COVERT_H
#define HS_FLOW_COVERT_H

#include <stdint.h>

#include "sim/time.h"

#define COVERT_MAX_ALPHABET 16     /* symbols: 2, 4, 8 or 16 */
#define COVERT_ERASURE 0xffffffffu /* decoded value for "not decoded" */

typedef struct CovertChannel {
    unsigned alphabet;        /* symbols per slot (a power of two) */
    unsigned bits_per_symbol; /* log2(alphabet) */
    hs_time period_ps;        /* symbol period */
    uint64_t joint[COVERT_MAX_ALPHABET][COVERT_MAX_ALPHABET + 1];
    uint64_t n;          /* pairs added */
    uint64_t bit_errors; /* differing bits, erasures count all */
} CovertChannel;

typedef struct CovertEstimate {
    uint64_t symbols;                   /* pairs measured */
    double bit_error_rate;              /* bit errors / bits sent */
    double mutual_info_bits_per_symbol; /* plug-in estimate of I(X;Y) */
    double mi_bias_bits;                /* its expected upward bias */
    double bits_per_s;                  /* I(X;Y) / symbol period */
} CovertEstimate;

/* alphabet must be 2, 4, 8 or 16 and period_ps > 0; returns 0 or -1. */
int covert_init(CovertChannel *c, unsigned alphabet, hs_time period_ps);
/* Adds one slot: the symbol sent and the symbol decoded (or
 * COVERT_ERASURE). Returns 0, or -1 if a symbol is out of the alphabet. */
int covert_add(CovertChannel *c, unsigned sent, unsigned decoded);
/* The estimate over every pair added (zeros if none). */
CovertEstimate covert_estimate(const CovertChannel *c);

#endif /* HS_FLOW_COVERT_H */
