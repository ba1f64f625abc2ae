/*
 * sms.c - RP-DATA carrying SMS-DELIVER, the body of a short message
 * delivered over IMS (sms.h).
 */
#include "net/sms.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "sim/error.h"

#define RP_DATA_N_TO_MS 0x01 /* TS 24.011 8.2.2 */
#define TP_DELIVER_MMS 0x04  /* TP-MTI 00, TP-MMS set: no more messages */
#define TP_DCS_8BIT 0x04     /* TS 23.038 4: general, 8-bit data */
#define TON_INTERNATIONAL 0x91

typedef struct Out {
    uint8_t *buf;
    size_t cap, len;
    bool overflow;
} Out;

static void out_byte(Out *o, unsigned v)
{
    if (o->len < o->cap)
        o->buf[o->len++] = (uint8_t)v;
    else
        o->overflow = true;
}

static bool number_ok(const char *n)
{
    if (!n || n[0] != '+')
        return false;
    size_t digits = strlen(n + 1);
    if (digits == 0 || digits > SMS_MAX_DIGITS)
        return false;
    for (const char *p = n + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

/* Swapped semi-octets, 0xF filling an odd last one (TS 23.040 9.1.2.3). */
static void out_bcd(Out *o, const char *digits)
{
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i += 2) {
        unsigned lo = (unsigned)(digits[i] - '0');
        unsigned hi = i + 1 < n ? (unsigned)(digits[i + 1] - '0') : 0xf;
        out_byte(o, hi << 4 | lo);
    }
}

/* RP address: length in octets (type included), type, digits. */
static void out_rp_addr(Out *o, const char *number)
{
    size_t digits = strlen(number + 1);
    out_byte(o, 1 + (unsigned)(digits + 1) / 2);
    out_byte(o, TON_INTERNATIONAL);
    out_bcd(o, number + 1);
}

/* TP address: length in digits, type, digits (TS 23.040 9.1.2.5). */
static void out_tp_addr(Out *o, const char *number)
{
    out_byte(o, (unsigned)strlen(number + 1));
    out_byte(o, TON_INTERNATIONAL);
    out_bcd(o, number + 1);
}

static void out_semi(Out *o, unsigned v)
{
    out_byte(o, (v % 10) << 4 | (v / 10) % 10);
}

/* Days since 1970-01-01 -> civil date (proleptic Gregorian). */
static void civil(long days, int *y, unsigned *m, unsigned *d)
{
    days += 719468;
    long era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Days since 1970-01-01 of a civil date. */
static long days_of(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

/* TP-SCTS: year, month, day, hour, minute, second, zone (UTC: 0). */
static void out_scts(Out *o, hs_time at)
{
    uint64_t s = at / HS_S + SMS_EPOCH_HOUR * 3600ull;
    long days = days_of(SMS_EPOCH_YEAR, SMS_EPOCH_MONTH, SMS_EPOCH_DAY) +
                (long)(s / 86400);
    int y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    unsigned sec = (unsigned)(s % 86400);
    out_semi(o, (unsigned)(y % 100));
    out_semi(o, m);
    out_semi(o, d);
    out_semi(o, sec / 3600);
    out_semi(o, sec / 60 % 60);
    out_semi(o, sec % 60);
    out_byte(o, 0);
}

int sms_rp_data(const SmsDeliver *d, uint8_t *buf, size_t cap, char *err,
                size_t err_size)
{
    if (!number_ok(d->smsc) || !number_ok(d->originator))
        return hs_errorf(err, err_size,
                         "sms: a number is not '+' and 1-20 digits");
    if (d->ud_len == 0 || d->ud_len > SMS_MAX_UD || !d->ud)
        return hs_errorf(err, err_size, "sms: user data must be 1-140 octets");
    uint8_t tpdu[64 + SMS_MAX_UD];
    Out t = {tpdu, sizeof tpdu, 0, false};
    out_byte(&t, TP_DELIVER_MMS);
    out_tp_addr(&t, d->originator);
    out_byte(&t, 0); /* TP-PID: plain short message */
    out_byte(&t, TP_DCS_8BIT);
    out_scts(&t, d->at);
    out_byte(&t, (unsigned)d->ud_len);
    for (size_t i = 0; i < d->ud_len; i++)
        out_byte(&t, d->ud[i]);
    Out o = {buf, cap, 0, t.overflow};
    out_byte(&o, RP_DATA_N_TO_MS);
    out_byte(&o, d->mr);
    out_rp_addr(&o, d->smsc);
    out_byte(&o, 0); /* RP-DA: empty from the network */
    out_byte(&o, (unsigned)t.len);
    for (size_t i = 0; i < t.len; i++)
        out_byte(&o, tpdu[i]);
    if (o.overflow)
        return hs_errorf(err, err_size, "sms: RP-DATA does not fit");
    return (int)o.len;
}
