/*
 * time.c - duration parsing and printing with exact integer arithmetic.
 *
 * Parsing never goes through floating point: "1.28s" is 1 s plus 28/100
 * of a second computed in integers, so every value a user writes maps to
 * exactly one hs_time, and overflow is detected rather than wrapped.
 */
#include "sim/time.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct DurationUnit {
    const char *name;
    hs_time ps;
} DurationUnit;

/* Longest names first so "ms" is not read as "m" followed by "s". */
static const DurationUnit units[] = {
    {"ps", HS_PS},        {"ns", HS_NS},  {"us", HS_US},
    {"\xc2\xb5s", HS_US}, {"ms", HS_MS},  {"s", HS_S},
    {"m", HS_MIN},        {"h", HS_HOUR}, {"d", HS_DAY},
};

static void set_err(char *err, size_t size, const char *msg)
{
    if (err && size)
        snprintf(err, size, "%s", msg);
}

static const DurationUnit *match_unit(const char *p, size_t *len)
{
    const DurationUnit *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = strlen(units[i].name);
        if (n > best_len && strncmp(p, units[i].name, n) == 0) {
            best = &units[i];
            best_len = n;
        }
    }
    *len = best_len;
    return best;
}

int sim_parse_duration(const char *text, hs_time *out, char *err,
                       size_t err_size)
{
    if (!text || !*text) {
        set_err(err, err_size, "empty duration");
        return -1;
    }
    if (strcmp(text, "0") == 0) {
        *out = 0;
        return 0;
    }
    hs_time total = 0;
    const char *p = text;
    while (*p) {
        if (*p < '0' || *p > '9') {
            set_err(err, err_size,
                    *p == '-' ? "durations cannot be negative"
                              : "expected a number, e.g. \"250us\"");
            return -1;
        }
        uint64_t whole = 0;
        while (*p >= '0' && *p <= '9') {
            if (__builtin_mul_overflow(whole, 10, &whole) ||
                __builtin_add_overflow(whole, (uint64_t)(*p - '0'), &whole)) {
                set_err(err, err_size, "duration too large");
                return -1;
            }
            p++;
        }
        uint64_t frac = 0, frac_scale = 1;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9') {
                set_err(err, err_size, "expected digits after '.'");
                return -1;
            }
            while (*p >= '0' && *p <= '9') {
                if (frac_scale >= 1000000000000000000ULL) {
                    set_err(err, err_size, "too many decimal digits");
                    return -1;
                }
                frac = frac * 10 + (uint64_t)(*p - '0');
                frac_scale *= 10;
                p++;
            }
        }
        size_t ulen;
        const DurationUnit *u = match_unit(p, &ulen);
        if (!u) {
            set_err(err, err_size,
                    *p ? "unknown unit (use ps, ns, us, ms, s, m, h or d)"
                       : "missing unit (use ps, ns, us, ms, s, m, h or d)");
            return -1;
        }
        p += ulen;
        hs_time term;
        if (__builtin_mul_overflow(whole, u->ps, &term)) {
            set_err(err, err_size, "duration too large");
            return -1;
        }
        if (frac) {
            /* frac / frac_scale of a unit must be a whole number of ps. */
            unsigned __int128 f = (unsigned __int128)frac * u->ps;
            if (f % frac_scale) {
                set_err(err, err_size, "duration is finer than 1 ps");
                return -1;
            }
            f /= frac_scale;
            if (__builtin_add_overflow(term, (hs_time)f, &term)) {
                set_err(err, err_size, "duration too large");
                return -1;
            }
        }
        if (__builtin_add_overflow(total, term, &total)) {
            set_err(err, err_size, "duration too large");
            return -1;
        }
    }
    *out = total;
    return 0;
}

int sim_format_duration(hs_time t, char *buf, size_t size)
{
    if (t == 0)
        return snprintf(buf, size, "0");
    if (t % HS_HOUR == 0)
        return snprintf(buf, size, "%lluh", (unsigned long long)(t / HS_HOUR));
    if (t >= HS_MIN && t % HS_MIN == 0)
        return snprintf(buf, size, "%llum", (unsigned long long)(t / HS_MIN));
    static const DurationUnit decimal[] = {
        {"s", HS_S}, {"ms", HS_MS}, {"us", HS_US}, {"ns", HS_NS}};
    for (size_t i = 0; i < sizeof decimal / sizeof decimal[0]; i++) {
        hs_time u = decimal[i].ps;
        if (t < u)
            continue;
        unsigned long long whole = t / u, rest = t % u;
        if (!rest)
            return snprintf(buf, size, "%llu%s", whole, decimal[i].name);
        /* Exact decimal fraction: as many digits as the unit has, trimmed. */
        int digits = 0;
        for (hs_time v = u; v > 1; v /= 10)
            digits++;
        while (rest % 10 == 0) {
            rest /= 10;
            digits--;
        }
        return snprintf(buf, size, "%llu.%0*llu%s", whole, digits, rest,
                        decimal[i].name);
    }
    return snprintf(buf, size, "%llups", (unsigned long long)t);
}
