/*
 * covert.c - empirical joint distribution of sent and decoded symbols.
 */
#include "flow/covert.h"

#include <math.h>
#include <string.h>

int covert_init(CovertChannel *c, unsigned alphabet, hs_time period_ps)
{
    unsigned bits = 0;
    while ((1u << bits) < alphabet)
        bits++;
    if (alphabet < 2 || alphabet > COVERT_MAX_ALPHABET ||
        (1u << bits) != alphabet || period_ps == 0)
        return -1;
    memset(c, 0, sizeof *c);
    c->alphabet = alphabet;
    c->bits_per_symbol = bits;
    c->period_ps = period_ps;
    return 0;
}

int covert_add(CovertChannel *c, unsigned sent, unsigned decoded)
{
    if (sent >= c->alphabet ||
        (decoded >= c->alphabet && decoded != COVERT_ERASURE))
        return -1;
    unsigned col = decoded == COVERT_ERASURE ? c->alphabet : decoded;
    c->joint[sent][col]++;
    c->n++;
    c->bit_errors += decoded == COVERT_ERASURE
                         ? c->bits_per_symbol
                         : (unsigned)__builtin_popcount(sent ^ decoded);
    return 0;
}

CovertEstimate covert_estimate(const CovertChannel *c)
{
    CovertEstimate e = {.symbols = c->n};
    if (c->n == 0)
        return e;
    unsigned cols = c->alphabet + 1;
    double n = (double)c->n;
    double px[COVERT_MAX_ALPHABET] = {0}, py[COVERT_MAX_ALPHABET + 1] = {0};
    for (unsigned x = 0; x < c->alphabet; x++)
        for (unsigned y = 0; y < cols; y++) {
            px[x] += (double)c->joint[x][y] / n;
            py[y] += (double)c->joint[x][y] / n;
        }
    double mi = 0;
    unsigned used_x = 0, used_y = 0;
    for (unsigned x = 0; x < c->alphabet; x++) {
        used_x += px[x] > 0;
        for (unsigned y = 0; y < cols; y++) {
            if (!c->joint[x][y])
                continue;
            double pxy = (double)c->joint[x][y] / n;
            mi += pxy * log2(pxy / (px[x] * py[y]));
        }
    }
    for (unsigned y = 0; y < cols; y++)
        used_y += py[y] > 0;
    /* Rounding can leave a tiny negative sum for independent symbols. */
    e.mutual_info_bits_per_symbol = mi > 0 ? mi : 0;
    e.mi_bias_bits =
        used_x && used_y
            ? (double)(used_x - 1) * (double)(used_y - 1) / (2.0 * n * log(2.0))
            : 0;
    e.bit_error_rate = (double)c->bit_errors / (n * (double)c->bits_per_symbol);
    e.bits_per_s = e.mutual_info_bits_per_symbol / sim_time_to_s(c->period_ps);
    return e;
}
