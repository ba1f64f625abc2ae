/*
 * phone.c - the phone app: RING, ANSWER/HANGUP, the call's speech path,
 * the user's answer and hang-up taps, short messages (phone.h).
 */
#include "apps/phone.h"

#include "rt/rt.h"

static PhoneIo *io(void)
{
    return (PhoneIo *)(uintptr_t)PHONE_IO_ADDR;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Sends type with n bytes of payload already in tx after the header. */
static void send_payload(PhoneIo *s, uint16_t type, uint32_t call, uint32_t n)
{
    for (int i = 0; i < HS_BBMSG_HEADER_BYTES; i++)
        s->tx[i] = 0;
    s->tx[HS_BBMSG_OFF_TYPE] = (uint8_t)type;
    s->tx[HS_BBMSG_OFF_TYPE + 1] = (uint8_t)(type >> 8);
    put_le32(s->tx + HS_BBMSG_OFF_CALL, call);
    put_le32(s->tx + HS_BBMSG_OFF_PAYLOAD, n);
    /* the message must be in memory before the doorbell: keep the
     * compiler from sinking the stores past the MMIO write */
    __asm__ volatile("" ::: "memory");
    rt_mmio_write64(HS_MMIO_BBIPC + HS_BBIPC_TX_ADDR, (uintptr_t)s->tx);
    rt_mmio_write32(HS_MMIO_BBIPC + HS_BBIPC_TX_LEN, HS_BBMSG_HEADER_BYTES + n);
}

static void send(PhoneIo *s, uint16_t type, uint32_t call)
{
    send_payload(s, type, call, 0);
}

/* DIAL with the number the host left in s->dial. */
static int64_t dial(PhoneIo *s)
{
    if (s->ringing || s->dialing || s->state == HS_CALL_ST_ACTIVE)
        return HS_EAGAIN;
    uint32_t n = 0;
    while (n < sizeof s->dial - 1 && s->dial[n]) {
        s->tx[HS_BBMSG_HEADER_BYTES + n] = (uint8_t)s->dial[n];
        n++;
    }
    if (n == 0)
        return HS_EINVAL;
    s->dialing = 1;
    s->dials++;
    send_payload(s, HS_BBMSG_DIAL, 0, n);
    return 0;
}

static void speech_path(PhoneIo *s, uint32_t call, int on)
{
    rt_mmio_write32(HS_MMIO_AUDIO + HS_AUDIO_ROUTE, on ? s->route : 0);
    rt_mic_capture(on);
    send(s, on ? HS_BBMSG_MIC_OPEN : HS_BBMSG_MIC_CLOSE, call);
}

static void answer(PhoneIo *s)
{
    s->ringing = 0;
    speech_path(s, s->call, 1);
    send(s, HS_BBMSG_ANSWER, s->call);
    s->answered++;
}

static void on_ring(PhoneIo *s, const uint8_t *m, uint32_t len)
{
    uint32_t call = le32(m + HS_BBMSG_OFF_CALL);
    uint32_t n = le32(m + HS_BBMSG_OFF_PAYLOAD);
    if (n > len - HS_BBMSG_HEADER_BYTES)
        n = len - HS_BBMSG_HEADER_BYTES;
    if (n > sizeof s->caller - 1)
        n = sizeof s->caller - 1;
    for (uint32_t i = 0; i < n; i++)
        s->caller[i] = (char)m[HS_BBMSG_HEADER_BYTES + i];
    s->caller[n] = 0;
    s->rings++;
    s->call = call;
    s->ringing = 1;
    rt_pc_log(HS_LOG_MARK, call);
    if (s->answer == PHONE_ANSWER_AT_RING) {
        answer(s);
    } else if (s->answer == PHONE_ANSWER_REJECT) {
        s->ringing = 0;
        s->hangups++;
        send(s, HS_BBMSG_HANGUP, call);
    }
    /* PHONE_ANSWER_USER: the call rings until the user taps */
}

/* Length of the NUL-terminated string at p, or n if there is none. */
static uint32_t zlen(const uint8_t *p, uint32_t n)
{
    uint32_t i = 0;
    while (i < n && p[i])
        i++;
    return i;
}

/* SMS: originator NUL addressee NUL user data (platform.h). */
static void on_sms(PhoneIo *s, const uint8_t *m, uint32_t len)
{
    uint32_t n = le32(m + HS_BBMSG_OFF_PAYLOAD);
    if (n > len - HS_BBMSG_HEADER_BYTES)
        n = len - HS_BBMSG_HEADER_BYTES;
    const uint8_t *p = m + HS_BBMSG_HEADER_BYTES;
    uint32_t from = zlen(p, n);
    uint32_t to = from < n ? zlen(p + from + 1, n - from - 1) : 0;
    uint32_t head = from + to + 2;
    uint32_t k = from < sizeof s->sms_from - 1 ? from : sizeof s->sms_from - 1;
    for (uint32_t i = 0; i < k; i++)
        s->sms_from[i] = (char)p[i];
    s->sms_from[k] = 0;
    s->sms_bytes = head <= n ? n - head : 0;
    s->sms_mr = le32(m + HS_BBMSG_OFF_ARG);
    s->sms++;
}

int64_t phone_call(uint64_t id, uint64_t req)
{
    PhoneIo *s = io();
    if (req != PHONE_IO_ADDR)
        return HS_EINVAL;
    if (id == HS_CALL_PHONE_ANSWER) {
        if (!s->ringing)
            return HS_EAGAIN;
        answer(s);
        return 0;
    }
    if (id == HS_CALL_PHONE_DIAL)
        return dial(s);
    if (!s->ringing && !s->dialing && s->state != HS_CALL_ST_ACTIVE)
        return HS_EAGAIN;
    s->ringing = 0;
    s->hangups++;
    send(s, HS_BBMSG_HANGUP, s->call);
    return 0;
}

uint64_t phone_on_irq(void)
{
    PhoneIo *s = io();
    uint64_t taken = 0;
    while (rt_mmio_read32(HS_MMIO_BBIPC + HS_BBIPC_RX_PENDING) > 0) {
        rt_mmio_write64(HS_MMIO_BBIPC + HS_BBIPC_RX_ADDR, (uintptr_t)s->rx);
        rt_mmio_write32(HS_MMIO_BBIPC + HS_BBIPC_RX_POP, 1);
        uint32_t len = rt_mmio_read32(HS_MMIO_BBIPC + HS_BBIPC_RX_POP);
        if (len < HS_BBMSG_HEADER_BYTES)
            break;
        taken++;
        s->messages++;
        const uint8_t *m = s->rx;
        uint32_t type = m[HS_BBMSG_OFF_TYPE] | (uint32_t)m[1] << 8;
        uint32_t arg = le32(m + HS_BBMSG_OFF_ARG);
        switch (type) {
        case HS_BBMSG_RING:
            on_ring(s, m, len);
            break;
        case HS_BBMSG_CALL_STATE:
            s->state = arg;
            s->states++;
            if (arg == HS_CALL_ST_DIALING) {
                s->call = le32(m + HS_BBMSG_OFF_CALL);
            } else if (arg == HS_CALL_ST_ACTIVE && s->dialing) {
                s->dialing = 0;
                speech_path(s, s->call, 1);
            } else if (arg == HS_CALL_ST_IDLE || arg == HS_CALL_ST_FAILED) {
                s->ringing = 0;
                s->dialing = 0;
                speech_path(s, le32(m + HS_BBMSG_OFF_CALL), 0);
            }
            break;
        case HS_BBMSG_SIGNAL:
            s->signal = arg;
            break;
        case HS_BBMSG_SMS:
            on_sms(s, m, len);
            break;
        default:
            s->other++;
            break;
        }
    }
    return taken;
}
