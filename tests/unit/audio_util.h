/*
 * audio_util.h - signal measurements shared by the codec tests.
 */
#ifndef HS_TESTS_AUDIO_UTIL_H
#define HS_TESTS_AUDIO_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Samples skipped at the start of a comparison: the first 100 ms at
 * 16 kHz, while G.722's adaptive quantisers settle. */
#define AUDIO_SETTLE_SAMPLES 1600

/* SNR in dB of y against x delayed by `delay` samples, over samples
 * AUDIO_SETTLE_SAMPLES .. n - 1. Returns -1 if the reference is silent
 * (no SNR exists), which every caller's threshold rejects. */
double audio_snr_db(const int16_t *x, const int16_t *y, size_t n, int delay);

#endif
