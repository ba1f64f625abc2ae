/*
 * sms.c - decoding a short message delivered over IMS (3GPP TS 24.341):
 * the MESSAGE body is RP-DATA (TS 24.011 7.3.1.1, network to MS) whose
 * RP-User Data is an SMS-DELIVER TPDU (TS 23.040 9.2.2.1). Every length
 * is checked against what is left, since the bytes come off the air.
 * The user data is handed on as octets: with a 7-bit alphabet (TP-DCS
 * general group, bits 3-2 = 00) TP-UDL counts septets and the octets are
 * the packed septets; a user data header (TP-UDHI) stays in the data.
 */
#include "fw.h"

#define RP_DATA_N_TO_MS 0x01
#define TP_MTI_DELIVER 0x00
#define TP_SCTS_BYTES 7

/* Swapped BCD semi-octets of `digits` digits into dst ("+" first for an
 * international number, type 0x91). */
static void bcd_number(const uint8_t *p, uint32_t digits, uint32_t type,
                       char *dst, uint32_t cap)
{
    uint32_t k = 0;
    if ((type & 0x70) == 0x10 && k + 1 < cap)
        dst[k++] = '+';
    for (uint32_t i = 0; i < digits && k + 1 < cap; i++) {
        uint32_t v = i & 1 ? p[i / 2] >> 4 : p[i / 2] & 0xf;
        dst[k++] = v < 10 ? (char)('0' + v) : '?';
    }
    dst[k] = 0;
}

/* SMS-DELIVER into out; tp has n octets. */
static int deliver(const uint8_t *tp, uint32_t n, FwSms *out)
{
    if (n < 3 || (tp[0] & 3) != TP_MTI_DELIVER)
        return -1;
    uint32_t digits = tp[1], type = tp[2];
    uint32_t i = 3 + (digits + 1) / 2;
    if (digits > 20 || i + 2 + TP_SCTS_BYTES + 1 > n)
        return -1;
    bcd_number(tp + 3, digits, type, out->originator, sizeof out->originator);
    uint32_t dcs = tp[i + 1];
    i += 2 + TP_SCTS_BYTES;
    uint32_t udl = tp[i++];
    int septets = (dcs & 0xc0) == 0 && (dcs & 0x0c) == 0;
    uint32_t octets = septets ? (udl * 7 + 7) / 8 : udl;
    if (octets > SMS_UD_MAX || i + octets > n)
        return -1;
    out->ud = tp + i;
    out->ud_len = octets;
    return 0;
}

int sms_decode(const uint8_t *b, uint32_t n, FwSms *out)
{
    if (n < 5 || b[0] != RP_DATA_N_TO_MS)
        return -1;
    out->mr = b[1];
    uint32_t i = 2;
    i += 1 + b[i]; /* RP-OA: the service centre */
    if (i >= n)
        return -1;
    i += 1 + b[i]; /* RP-DA: empty from the network */
    if (i >= n)
        return -1;
    uint32_t len = b[i++];
    if (i + len > n)
        return -1;
    return deliver(b + i, len, out);
}
