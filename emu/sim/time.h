/*
 * time.h - simulated time for handset.
 *
 * Simulated time is an integer count of picoseconds (hs_time, uint64_t):
 * about 213 days of range, exact arithmetic, no floating-point drift, so
 * the same inputs give byte-identical results on any host. This file also
 * parses and prints durations written the way people write them in
 * scenario files ("250us", "1.28s", "24h", "1h30m").
 */
#ifndef HS_SIM_TIME_H
#define HS_SIM_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t hs_time; /* picoseconds */

#define HS_PS ((hs_time)1)
#define HS_NS ((hs_time)1000)
#define HS_US ((hs_time)1000000)
#define HS_MS ((hs_time)1000000000)
#define HS_S ((hs_time)1000000000000ULL)
#define HS_MIN (60 * HS_S)
#define HS_HOUR (3600 * HS_S)
#define HS_DAY (24 * HS_HOUR)
#define HS_TIME_MAX UINT64_MAX

/* Saturating arithmetic for times and cycle counts: a result past
 * 2^64-1 (a parameter at its extreme, --set ...=18446744073709551615)
 * stays at HS_TIME_MAX instead of wrapping to a small value. */
static inline uint64_t hs_add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
static inline uint64_t hs_mul_sat(uint64_t a, uint64_t b)
{
    return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}
/* a * b / c with a 128-bit product, saturated; c == 0 gives 0. */
static inline uint64_t hs_muldiv_sat(uint64_t a, uint64_t b, uint64_t c)
{
    if (c == 0)
        return 0;
    unsigned __int128 q = (unsigned __int128)a * b / c;
    return q > UINT64_MAX ? UINT64_MAX : (uint64_t)q;
}

/*
 * Parses a duration: one or more <number><unit> terms, e.g. "20ms",
 * "1.28s", "1h30m", "0". Units: ps, ns, us (or µs), ms, s, m (minutes),
 * h, d. A number may have a decimal fraction as long as the result is a
 * whole number of picoseconds. On success stores the value in *out and
 * returns 0. On error (empty, unknown unit, missing unit, fraction finer
 * than 1 ps, overflow past HS_TIME_MAX) returns -1 and, if err is not
 * NULL, writes a one-line reason (without the input) into err.
 */
int sim_parse_duration(const char *text, hs_time *out, char *err,
                       size_t err_size);

/*
 * Writes t in the shortest exact form sim_parse_duration reads back:
 * "24h", "90m", "1.28s", "250us", "0". Returns the length snprintf would
 * have written (truncating like snprintf when buf is too small).
 */
int sim_format_duration(hs_time t, char *buf, size_t size);

/* Seconds and milliseconds as doubles, for reporting only. */
static inline double sim_time_to_s(hs_time t)
{
    return (double)t / (double)HS_S;
}
static inline double sim_time_to_ms(hs_time t)
{
    return (double)t / (double)HS_MS;
}

#endif /* HS_SIM_TIME_H */
