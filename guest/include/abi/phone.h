/*
 * phone.h - the phone app's I/O area, shared by host and guest: the AP
 * side of calls over the baseband mailbox (HS_MMIO_BBIPC, message format
 * in platform.h). The app itself is guest/apps/phone.c.
 *
 * On HS_EV_IRQ with HS_IRQ_BBIPC pending the runtime calls phone_on_irq,
 * which takes every waiting message. RING: counted, the caller's number
 * and call id kept, a HS_LOG_MARK with the call id logged; then, per the
 * host's `answer` mode: PHONE_ANSWER_AT_RING sets the speech path up
 * (audio route `route`, mic capture on, MIC_OPEN) and sends ANSWER at
 * once, PHONE_ANSWER_REJECT sends HANGUP, PHONE_ANSWER_USER only shows
 * the call and waits for the user's tap: HS_EV_CALL with
 * HS_CALL_PHONE_ANSWER (speech path, then ANSWER) or HS_CALL_PHONE_HANGUP
 * (HANGUP: rejects a ringing call, ends an active one, gives up a dial
 * not yet answered), request address PHONE_IO_ADDR. A tap with no call
 * ringing or up returns HS_EAGAIN. HS_CALL_PHONE_DIAL: the user dials the
 * number the host wrote to `dial`: DIAL (payload: the number) to the
 * baseband; HS_EAGAIN while a call is ringing or under way, HS_EINVAL
 * for an empty number. CALL_STATE: kept (DIALING keeps the call id);
 * ACTIVE of a dialled call sets the speech path up (route, capture on,
 * MIC_OPEN); IDLE tears it down (route 0, capture off, MIC_CLOSE). SIGNAL: bars
 * kept. SMS: the notification: counted, the user data's length, the message
 * reference and the originator kept (the text itself stays in `rx` until the
 * next message). Anything else is counted in `other` (a data driver owns
 * DATA_RX when one runs).
 *
 * The app's state lives in the I/O area (PHONE_IO_ADDR), which the host
 * writes (answer, route) and reads (the rest); nothing in globals.
 */
#ifndef GUEST_ABI_PHONE_H
#define GUEST_ABI_PHONE_H

#include <stdint.h>

#include "platform.h"

#define PHONE_IO_ADDR (HS_IO_BASE + 0xf0000)

/* PhoneIo.answer: what the app does with a RING. */
#define PHONE_ANSWER_REJECT 0  /* HANGUP at once */
#define PHONE_ANSWER_AT_RING 1 /* ANSWER at once */
#define PHONE_ANSWER_USER 2    /* ring; the user's tap decides */

typedef struct PhoneIo {
    uint32_t answer;    /* host: PHONE_ANSWER_* */
    uint32_t route;     /* host: HS_AUDIO_ROUTE_* for a call's audio */
    uint32_t rings;     /* RING messages seen */
    uint32_t call;      /* call id of the last RING */
    uint32_t state;     /* last CALL_STATE argument (HS_CALL_ST_*) */
    uint32_t states;    /* CALL_STATE messages seen */
    uint32_t signal;    /* last SIGNAL bars */
    uint32_t messages;  /* messages taken */
    uint32_t other;     /* messages not for the phone */
    uint32_t answered;  /* ANSWER messages sent */
    uint32_t hangups;   /* HANGUP messages sent */
    uint32_t ringing;   /* 1 from RING until the call is answered or idle */
    char caller[32];    /* number of the last RING, NUL-terminated */
    uint32_t sms;       /* SMS messages taken (notifications shown) */
    uint32_t sms_bytes; /* user data octets of the last one */
    uint32_t sms_mr;    /* its message reference (RP-MR) */
    char sms_from[32];  /* its originator, NUL-terminated */
    char dial[32];      /* host: the number the user dials, NUL-terminated */
    uint32_t dials;     /* DIAL messages sent */
    uint32_t dialing;   /* 1 from DIAL until the call is active or idle */
    uint8_t rx[HS_BBMSG_MAX_BYTES];         /* receive buffer */
    uint8_t tx[HS_BBMSG_HEADER_BYTES + 32]; /* send buffer */
} PhoneIo;

#endif /* GUEST_ABI_PHONE_H */
