/*
 * audio_util.c - signal measurements shared by the codec tests.
 */
#include "audio_util.h"

#include <math.h>

double audio_snr_db(const int16_t *x, const int16_t *y, size_t n, int delay)
{
    double sig = 0, err = 0;
    for (size_t i = AUDIO_SETTLE_SAMPLES; i + (size_t)delay < n; i++) {
        double a = x[i], e = a - y[i + (size_t)delay];
        sig += a * a;
        err += e * e;
    }
    if (sig <= 0)
        return -1;
    return 10.0 * log10(sig / (err > 0 ? err : 1e-9));
}
