/*
 * test_guestlib_voice.c - the G.722 codec of guest/lib: round trips of a
 * 1 kHz tone and of seeded white noise keep their SNR above stated
 * thresholds, frames are the right size, and the codec is deterministic.
 */
#include "harness.h"

#include "audio_util.h"

#include <math.h>
#include <string.h>

#include "guest/lib/g722.h"
#include "guest/lib/gl_util.h"

#define SECONDS 1
#define N (G722_RATE_HZ * SECONDS)

/* Encodes and decodes x frame by frame into y. */
static void round_trip(const int16_t *x, int16_t *y, uint8_t *codes)
{
    G722State enc, dec;
    g722_init(&enc);
    g722_init(&dec);
    for (int f = 0; f < N / G722_FRAME_SAMPLES; f++) {
        size_t nb =
            g722_encode(&enc, x + f * G722_FRAME_SAMPLES, G722_FRAME_SAMPLES,
                        codes + f * G722_FRAME_BYTES);
        assert_int_equal(nb, G722_FRAME_BYTES);
        size_t ns = g722_decode(&dec, codes + f * G722_FRAME_BYTES,
                                G722_FRAME_BYTES, y + f * G722_FRAME_SAMPLES);
        assert_int_equal(ns, G722_FRAME_SAMPLES);
    }
}

/* SNR in dB of y against x delayed by `delay` samples. */

/* The delay that maximises the SNR: it must be the QMF delay (the
 * analysis and synthesis filters are 24 taps each: 22 samples at 16 kHz).
 * Only meaningful for aperiodic input (a tone repeats every period). */
static int best_delay(const int16_t *x, const int16_t *y)
{
    int best = 0;
    double best_snr = -1e9;
    for (int d = 0; d < 64; d++) {
        double s = audio_snr_db(x, y, N, d);
        if (s > best_snr) {
            best_snr = s;
            best = d;
        }
    }
    return best;
}

static int16_t x[N], y[N];
static uint8_t codes[N / 2];

/* A 1 kHz tone at -2.5 dBFS (made from the integer sine table the guest
 * uses). Threshold 35 dB: the tone lies in the lower band, coded with a
 * 6-bit adaptive quantiser; 6 bits of a well-adapted ADPCM quantiser give
 * roughly 6 dB per bit, so a correct codec lands near 40-48 dB (we see
 * ~47), while a wrong table, scale or alignment drops it below 15 dB. */
static void test_g722_tone_snr(void **state)
{
    (void)state;
    for (int i = 0; i < N; i++)
        x[i] = (int16_t)(gl_sine_q15((uint32_t)i * 4096u) * 3 / 4);
    round_trip(x, y, codes);
    double snr = audio_snr_db(x, y, N, G722_QMF_DELAY_SAMPLES);
    print_message("g722 1 kHz tone: SNR %.1f dB\n", snr);
    assert_true(snr > 35.0);
}

/* Seeded white noise at about -12 dBFS. Threshold 8 dB: half of white
 * noise's energy lies in the 4-8 kHz band, which G.722 codes with only
 * 2 bits (about 5-7 dB SNR there), so the whole-band SNR is bounded near
 * 10-12 dB (we see ~11.6); a broken upper band or QMF gives < 3 dB. */
static void test_g722_noise_snr(void **state)
{
    (void)state;
    GlRng r;
    gl_rng_seed(&r, 7);
    for (int i = 0; i < N; i++)
        x[i] = (int16_t)(((int32_t)(gl_rng_next(&r) >> 16) - 32768) / 4);
    round_trip(x, y, codes);
    /* noise is aperiodic, so the best alignment is unambiguous */
    assert_int_equal(best_delay(x, y), G722_QMF_DELAY_SAMPLES);
    double snr = audio_snr_db(x, y, N, G722_QMF_DELAY_SAMPLES);
    print_message("g722 white noise: SNR %.1f dB\n", snr);
    assert_true(snr > 8.0);
}

/* Silence stays (near) silent and the same input gives the same codes. */
static void test_g722_deterministic(void **state)
{
    (void)state;
    static uint8_t codes2[N / 2];
    for (int i = 0; i < N; i++)
        x[i] = (int16_t)(gl_sine_q15((uint32_t)i * 1802u) / 3);
    round_trip(x, y, codes);
    round_trip(x, y, codes2);
    assert_memory_equal(codes, codes2, sizeof(codes));

    memset(x, 0, sizeof(x));
    round_trip(x, y, codes);
    for (int i = AUDIO_SETTLE_SAMPLES; i < N; i++)
        assert_true(y[i] >= -16 && y[i] <= 16);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_g722_tone_snr),
    cmocka_unit_test(test_g722_noise_snr),
    cmocka_unit_test(test_g722_deterministic),
};

HS_TEST_GROUP(guestlib_voice, tests)
