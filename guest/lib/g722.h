/*
 * g722.h - ITU-T G.722 wideband speech codec (sub-band ADPCM), 64 kbit/s
 * mode: 16 kHz 16-bit PCM in, one byte per pair of samples out (6 bits of
 * lower-band ADPCM, 2 bits of upper-band ADPCM).
 *
 * Reference: ITU-T Recommendation G.722 (09/2012), "7 kHz audio-coding
 * within 64 kbit/s", blocks 1L-6L/1H-6H and the 24-tap QMF of its §3/§4.
 * Integer arithmetic only (no floating point, no division), so the same
 * source runs on the host, the AArch64 guest and the ARMv7 baseband.
 *
 * A frame is 20 ms: 320 samples -> 160 bytes. The QMF analysis and
 * synthesis filters together delay the decoded signal by 22 samples.
 */
#ifndef GL_G722_H
#define GL_G722_H

#include <stddef.h>
#include <stdint.h>

#define G722_RATE_HZ 16000
#define G722_FRAME_SAMPLES 320
#define G722_FRAME_BYTES 160
#define G722_QMF_DELAY_SAMPLES 22

/* State of one sub-band ADPCM coder (encoder and decoder keep one each
 * per band, updated identically from the transmitted codes). */
typedef struct G722Band {
    int32_t s;     /* signal estimate (PREDIC) */
    int32_t sp;    /* pole-section estimate (FILTEP) */
    int32_t sz;    /* zero-section estimate (FILTEZ) */
    int32_t r[3];  /* reconstructed signal, current and two delays */
    int32_t a[3];  /* pole predictor coefficients a1, a2 (a[0] unused) */
    int32_t ap[3]; /* updated pole coefficients (UPPOL1/UPPOL2) */
    int32_t p[3];  /* partial reconstructed signal and delays (PARREC) */
    int32_t d[7];  /* quantised difference signal and six delays */
    int32_t b[7];  /* zero predictor coefficients b1..b6 (b[0] unused) */
    int32_t bp[7]; /* updated zero coefficients (UPZERO) */
    int32_t nb;    /* log-domain quantiser scale factor (LOGSCL/LOGSCH) */
    int32_t det;   /* linear quantiser scale factor (SCALEL/SCALEH) */
} G722Band;

/* One direction of the codec (an encoder or a decoder). */
typedef struct G722State {
    G722Band band[2]; /* [0] lower 0-4 kHz, [1] upper 4-8 kHz */
    int32_t x[24];    /* QMF delay line */
} G722State;

/* Resets a coder to the G.722 initial state. */
void g722_init(G722State *st);

/* Encodes n_samples (even) 16 kHz samples into n_samples / 2 bytes;
 * returns the number of bytes written. */
size_t g722_encode(G722State *st, const int16_t *pcm, size_t n_samples,
                   uint8_t *out);

/* Decodes n_bytes codes into 2 * n_bytes samples; returns the number of
 * samples written. */
size_t g722_decode(G722State *st, const uint8_t *codes, size_t n_bytes,
                   int16_t *pcm);

#endif /* GL_G722_H */
