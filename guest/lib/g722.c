/*
 * g722.c - ITU-T G.722 sub-band ADPCM at 64 kbit/s (see g722.h).
 *
 * Structure follows the Recommendation's block diagram: the transmit QMF
 * splits two input samples into a lower and an upper band sample; the
 * lower band is coded with a 6-bit adaptive quantiser (QUANTL) whose
 * inverse uses only the 4 most significant bits in the predictor loop
 * (INVQAL), the upper band with a 2-bit quantiser (QUANTH); both bands
 * adapt their scale factor in the log domain (LOGSCL/LOGSCH, SCALEL/
 * SCALEH) and share the pole-zero predictor of block 4 (two poles, six
 * zeros, sign-sign adaptation). The decoder runs the same predictor from
 * the received codes and recombines the bands with the receive QMF.
 *
 * Table values are those of the Recommendation (Tables 6-17 there).
 * Arithmetic right shifts of negative values are relied on (two's
 * complement targets only), as in the Recommendation's fixed-point text.
 */
#include "g722.h"

/* QMF coefficients h0..h11 (the 24-tap filter is symmetric). */
static const int32_t qmf_coeffs[12] = {3,    -11, 12,   32,  -210, 951,
                                       3876, -805, 362, -156, 53,   -11};
/* QUANTL decision levels (lower band, 6 bits), Q12 of det. */
static const int32_t q6[32] = {
    0,   35,  72,  110, 150, 190, 233, 276,  323,  370,  422,
    473, 530, 587, 650, 714, 786, 858, 940,  1023, 1121, 1219,
    1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 0,    0};
/* QUANTL output codes for negative and positive differences. */
static const int32_t iln[32] = {0,  63, 62, 31, 30, 29, 28, 27, 26, 25, 24,
                                23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13,
                                12, 11, 10, 9,  8,  7,  6,  5,  4,  0};
static const int32_t ilp[32] = {0,  61, 60, 59, 58, 57, 56, 55, 54, 53, 52,
                                51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41,
                                40, 39, 38, 37, 36, 35, 34, 33, 32, 0};
/* LOGSCL: scale factor multipliers by 4-bit magnitude class. */
static const int32_t wl[8] = {-60, -30, 58, 172, 334, 538, 1198, 3042};
static const int32_t rl42[16] = {0, 7, 6, 5, 4, 3, 2, 1,
                                 7, 6, 5, 4, 3, 2, 1, 0};
/* SCALEL/SCALEH: antilog table. */
static const int32_t ilb[32] = {
    2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543,
    2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025, 3091, 3158, 3228,
    3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008};
/* INVQAL: 4-bit inverse quantiser (predictor loop). */
static const int32_t qm4[16] = {0,     -20456, -12896, -8968, -6288, -4240,
                                -2584, -1200,  20456,  12896, 8968,  6288,
                                4240,  2584,   1200,   0};
/* INVQBL: 6-bit inverse quantiser (decoder output). */
static const int32_t qm6[64] = {
    -136,   -136,   -136,   -136,   -24808, -21904, -19008, -16704,
    -14984, -13512, -12280, -11192, -10232, -9360,  -8576,  -7856,
    -7192,  -6576,  -6000,  -5456,  -4944,  -4464,  -4008,  -3576,
    -3168,  -2776,  -2400,  -2032,  -1688,  -1360,  -1040,  -728,
    24808,  21904,  19008,  16704,  14984,  13512,  12280,  11192,
    10232,  9360,   8576,   7856,   7192,   6576,   6000,   5456,
    4944,   4464,   4008,   3576,   3168,   2776,   2400,   2032,
    1688,   1360,   1040,   728,    432,    136,    -432,   -136};
/* Upper band: QUANTH codes, INVQAH, LOGSCH. */
static const int32_t ihn[3] = {0, 1, 0};
static const int32_t ihp[3] = {0, 3, 2};
static const int32_t qm2[4] = {-7408, -1616, 7408, 1616};
static const int32_t wh[3] = {0, -214, 798};
static const int32_t rh2[4] = {2, 1, 2, 1};

static int32_t sat16(int32_t v)
{
    if (v > 32767)
        return 32767;
    if (v < -32768)
        return -32768;
    return v;
}

static int32_t clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

void g722_init(G722State *st)
{
    int32_t *w = (int32_t *)st;
    for (size_t i = 0; i < sizeof(*st) / sizeof(int32_t); i++)
        w[i] = 0;
    st->band[0].det = 32;
    st->band[1].det = 8;
}

/* Block 4: reconstruction, pole/zero predictor adaptation and the next
 * signal estimate, given the quantised difference d. */
static void band_predict(G722Band *b, int32_t d)
{
    int32_t sg[7];

    /* RECONS, PARREC */
    b->d[0] = d;
    b->r[0] = sat16(b->s + d);
    b->p[0] = sat16(b->sz + d);

    /* UPPOL2 */
    for (int i = 0; i < 3; i++)
        sg[i] = b->p[i] >> 15;
    int32_t wd1 = sat16(b->a[1] * 4);
    int32_t wd2 = (sg[0] == sg[1]) ? -wd1 : wd1;
    if (wd2 > 32767)
        wd2 = 32767;
    int32_t wd3 = (wd2 >> 7) + ((sg[0] == sg[2]) ? 128 : -128);
    wd3 += (b->a[2] * 32512) >> 15;
    b->ap[2] = clamp(wd3, -12288, 12288);

    /* UPPOL1 */
    wd1 = (sg[0] == sg[1]) ? 192 : -192;
    wd2 = (b->a[1] * 32640) >> 15;
    b->ap[1] = sat16(wd1 + wd2);
    wd3 = sat16(15360 - b->ap[2]);
    b->ap[1] = clamp(b->ap[1], -wd3, wd3);

    /* UPZERO */
    wd1 = (d == 0) ? 0 : 128;
    sg[0] = d >> 15;
    for (int i = 1; i < 7; i++) {
        sg[i] = b->d[i] >> 15;
        wd2 = (sg[i] == sg[0]) ? wd1 : -wd1;
        wd3 = (b->b[i] * 32640) >> 15;
        b->bp[i] = sat16(wd2 + wd3);
    }

    /* DELAYA */
    for (int i = 6; i > 0; i--) {
        b->d[i] = b->d[i - 1];
        b->b[i] = b->bp[i];
    }
    for (int i = 2; i > 0; i--) {
        b->r[i] = b->r[i - 1];
        b->p[i] = b->p[i - 1];
        b->a[i] = b->ap[i];
    }

    /* FILTEP */
    wd1 = sat16(b->r[1] + b->r[1]);
    wd1 = (b->a[1] * wd1) >> 15;
    wd2 = sat16(b->r[2] + b->r[2]);
    wd2 = (b->a[2] * wd2) >> 15;
    b->sp = sat16(wd1 + wd2);

    /* FILTEZ */
    int32_t sz = 0;
    for (int i = 6; i > 0; i--) {
        wd1 = sat16(b->d[i] + b->d[i]);
        sz += (b->b[i] * wd1) >> 15;
    }
    b->sz = sat16(sz);

    /* PREDIC */
    b->s = sat16(b->sp + b->sz);
}

/* SCALEL / SCALEH: det = 4 * antilog(nb), with `bias` = 8 (lower band)
 * or 10 (upper band). */
static int32_t scale_factor(int32_t nb, int32_t bias)
{
    int32_t wd1 = (nb >> 6) & 31;
    int32_t wd2 = bias - (nb >> 11);
    int32_t wd3 = (wd2 < 0) ? (ilb[wd1] << -wd2) : (ilb[wd1] >> wd2);
    return wd3 << 2;
}

/* LOGSCL: lower-band log scale factor update from the 4-bit code. */
static void lower_adapt(G722Band *b, int32_t ril)
{
    int32_t nb = ((b->nb * 127) >> 7) + wl[rl42[ril]];
    b->nb = clamp(nb, 0, 18432);
    b->det = scale_factor(b->nb, 8);
}

/* LOGSCH: upper-band log scale factor update from the 2-bit code. */
static void upper_adapt(G722Band *b, int32_t ih)
{
    int32_t nb = ((b->nb * 127) >> 7) + wh[rh2[ih]];
    b->nb = clamp(nb, 0, 22528);
    b->det = scale_factor(b->nb, 10);
}

size_t g722_encode(G722State *st, const int16_t *pcm, size_t n_samples,
                   uint8_t *out)
{
    size_t n_out = 0;
    for (size_t j = 0; j + 1 < n_samples; j += 2) {
        /* Transmit QMF: shift two samples in, keep every other output. */
        for (int i = 0; i < 22; i++)
            st->x[i] = st->x[i + 2];
        st->x[22] = pcm[j];
        st->x[23] = pcm[j + 1];
        int32_t sumeven = 0, sumodd = 0;
        for (int i = 0; i < 12; i++) {
            sumodd += st->x[2 * i] * qmf_coeffs[i];
            sumeven += st->x[2 * i + 1] * qmf_coeffs[11 - i];
        }
        /* The bands are carried at half scale (the Recommendation's 15-bit
         * band signals): the QMF gain is 2^13, so shift by 14 here and
         * by 11 after the receive QMF to restore unity overall gain. */
        int32_t xlow = (sumeven + sumodd) >> 14;
        int32_t xhigh = (sumeven - sumodd) >> 14;

        /* Lower band: SUBTRA, QUANTL */
        G722Band *lo = &st->band[0];
        int32_t el = sat16(xlow - lo->s);
        int32_t wd = (el >= 0) ? el : -(el + 1);
        int i;
        for (i = 1; i < 30; i++) {
            if (wd < ((q6[i] * lo->det) >> 12))
                break;
        }
        int32_t ilow = (el < 0) ? iln[i] : ilp[i];
        /* INVQAL with the 4 most significant bits, then adapt */
        int32_t ril = ilow >> 2;
        int32_t dlow = (lo->det * qm4[ril]) >> 15;
        lower_adapt(lo, ril);
        band_predict(lo, dlow);

        /* Upper band: SUBTRA, QUANTH, INVQAH */
        G722Band *hi = &st->band[1];
        int32_t eh = sat16(xhigh - hi->s);
        wd = (eh >= 0) ? eh : -(eh + 1);
        int32_t mih = (wd >= ((564 * hi->det) >> 12)) ? 2 : 1;
        int32_t ihigh = (eh < 0) ? ihn[mih] : ihp[mih];
        int32_t dhigh = (hi->det * qm2[ihigh]) >> 15;
        upper_adapt(hi, ihigh);
        band_predict(hi, dhigh);

        out[n_out++] = (uint8_t)((ihigh << 6) | ilow);
    }
    return n_out;
}

size_t g722_decode(G722State *st, const uint8_t *codes, size_t n_bytes,
                   int16_t *pcm)
{
    size_t n_out = 0;
    for (size_t j = 0; j < n_bytes; j++) {
        int32_t ilow = codes[j] & 0x3f;
        int32_t ihigh = (codes[j] >> 6) & 0x03;

        /* Lower band: INVQBL (6 bits) for the output, INVQAL (4 bits)
         * for the predictor loop */
        G722Band *lo = &st->band[0];
        int32_t rlow = clamp(lo->s + ((lo->det * qm6[ilow]) >> 15), -16384,
                             16383);
        int32_t ril = ilow >> 2;
        int32_t dlow = (lo->det * qm4[ril]) >> 15;
        lower_adapt(lo, ril);
        band_predict(lo, dlow);

        /* Upper band */
        G722Band *hi = &st->band[1];
        int32_t dhigh = (hi->det * qm2[ihigh]) >> 15;
        int32_t rhigh = clamp(dhigh + hi->s, -16384, 16383);
        upper_adapt(hi, ihigh);
        band_predict(hi, dhigh);

        /* Receive QMF */
        for (int i = 0; i < 22; i++)
            st->x[i] = st->x[i + 2];
        st->x[22] = rlow + rhigh;
        st->x[23] = rlow - rhigh;
        int32_t xout1 = 0, xout2 = 0;
        for (int i = 0; i < 12; i++) {
            xout2 += st->x[2 * i] * qmf_coeffs[i];
            xout1 += st->x[2 * i + 1] * qmf_coeffs[11 - i];
        }
        pcm[n_out++] = (int16_t)sat16(xout1 >> 11);
        pcm[n_out++] = (int16_t)sat16(xout2 >> 11);
    }
    return n_out;
}
