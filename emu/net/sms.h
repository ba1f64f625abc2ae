/*
 * sms.h - a short message as the network delivers it over IMS (3GPP TS
 * 24.341): the body of the SIP MESSAGE, Content-Type
 * application/vnd.3gpp.sms, is an RP-DATA message (TS 24.011 7.3.1.1,
 * network to MS) carrying an SMS-DELIVER TPDU (TS 23.040 9.2.2.1).
 *
 * RP-DATA: message type 1, the message reference RP-MR, the service
 * centre's address as RP-OA, an empty RP-DA, then the TPDU as RP-User
 * Data. SMS-DELIVER: first octet 0x04 (TP-MTI 00, TP-MMS: no more
 * messages), the originator TP-OA, TP-PID 0, TP-DCS 0x04 (8-bit data:
 * TP-UDL counts octets, so a 140-octet message is 140 octets of user
 * data), the centre's time stamp TP-SCTS, TP-UDL, TP-UD. Addresses are
 * international numbers (type 0x91) in swapped BCD semi-octets.
 */
#ifndef HS_NET_SMS_H
#define HS_NET_SMS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

#define SMS_MAX_UD 140    /* TS 23.040: 140 octets of user data */
#define SMS_MAX_DIGITS 20 /* TS 24.011: RP address values up to 10 octets */
#define SMS_RP_MAX_BYTES (64 + SMS_MAX_UD) /* headers: under 64 octets */
#define SMS_CONTENT_TYPE "application/vnd.3gpp.sms"

typedef struct SmsDeliver {
    uint8_t mr;             /* RP-MR */
    const char *smsc;       /* RP-OA: "+" and digits */
    const char *originator; /* TP-OA: "+" and digits */
    hs_time at;             /* TP-SCTS: simulated time of the centre */
    const uint8_t *ud;      /* TP-UD */
    size_t ud_len;          /* octets, 1 .. SMS_MAX_UD */
} SmsDeliver;

/* Encodes RP-DATA(SMS-DELIVER) into buf (cap bytes). TP-SCTS is
 * SMS_EPOCH plus `at`, in UTC. Returns its length, or -1 with a reason
 * (a number that is not "+" and 1 .. SMS_MAX_DIGITS digits, user data
 * empty or too long, no room). */
int sms_rp_data(const SmsDeliver *d, uint8_t *buf, size_t cap, char *err,
                size_t err_size);

/* The simulated clock's zero as a civil date for TP-SCTS: a Monday
 * morning (the date is arbitrary; only its encoding matters). */
#define SMS_EPOCH_YEAR 2014
#define SMS_EPOCH_MONTH 1
#define SMS_EPOCH_DAY 6
#define SMS_EPOCH_HOUR 9

#endif /* HS_NET_SMS_H */
