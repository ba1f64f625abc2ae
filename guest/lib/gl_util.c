/*
 * gl_util.c - the Q15 quarter-wave sine table behind gl_sine_q15(), used
 * to make test tones without libm (the guest has none).
 */
#include "gl_util.h"

/* round(32767 * sin(2 * pi * i / 256)) for i = 0 .. 64. */
static const int16_t gl_quarter_sine[65] = {
    0,     804,   1608,  2410,  3212,  4011,  4808,  5602,  6393,  7179,
    7962,  8739,  9512,  10278, 11039, 11793, 12539, 13279, 14010, 14732,
    15446, 16151, 16846, 17530, 18204, 18868, 19519, 20159, 20787, 21403,
    22005, 22594, 23170, 23731, 24279, 24811, 25329, 25832, 26319, 26790,
    27245, 27683, 28105, 28510, 28898, 29268, 29621, 29956, 30273, 30571,
    30852, 31113, 31356, 31580, 31785, 31971, 32137, 32285, 32412, 32521,
    32609, 32678, 32728, 32757, 32767,
};

int32_t gl_sine_q15(uint32_t phase16)
{
    uint32_t p = phase16 & 0xffffu;
    uint32_t quadrant = p >> 14;          /* 0..3 */
    uint32_t within = p & 0x3fffu;        /* position in the quadrant */
    if (quadrant & 1)
        within = 0x4000u - within;        /* mirror: falling quarter */
    uint32_t idx = within >> 8;           /* 0..64 */
    uint32_t frac = within & 0xffu;       /* 1/256ths between entries */
    int32_t a = gl_quarter_sine[idx];
    int32_t b = gl_quarter_sine[idx < 64 ? idx + 1 : 64];
    int32_t v = a + (((b - a) * (int32_t)frac) >> 8);
    return (quadrant & 2) ? -v : v;
}
