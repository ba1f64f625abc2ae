/*
 * voice.c - the voice app: G.722 encode or decode of whole 20 ms frames,
 * with the codec state carried in the request; with HS_VOICE_TO_RIL each
 * encoded frame goes on to the baseband through the RIL mailbox (a call's
 * uplink under the ap-codec wiring); with HS_VOICE_TO_SPEAKER each
 * decoded frame is handed to the speaker (the downlink).
 */
#include "apps/apps.h"
#include "abi/voice.h"
#include "lib/g722.h"
#include "platform.h"
#include "rt/rt.h"

/* One uplink frame as a RIL message to the baseband. */
static uint8_t msg[HS_BBMSG_HEADER_BYTES + G722_FRAME_BYTES];

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void to_ril(const uint8_t *codes, uint32_t call, uint32_t tag)
{
    for (int i = 0; i < HS_BBMSG_HEADER_BYTES; i++)
        msg[i] = 0;
    msg[HS_BBMSG_OFF_TYPE] = (uint8_t)HS_BBMSG_VOICE_UP;
    msg[HS_BBMSG_OFF_TYPE + 1] = (uint8_t)(HS_BBMSG_VOICE_UP >> 8);
    put_le32(msg + HS_BBMSG_OFF_CALL, call);
    put_le32(msg + HS_BBMSG_OFF_ARG, tag);
    put_le32(msg + HS_BBMSG_OFF_PAYLOAD, G722_FRAME_BYTES);
    for (int i = 0; i < G722_FRAME_BYTES; i++)
        msg[HS_BBMSG_HEADER_BYTES + i] = codes[i];
    /* the message must be in memory before the doorbell */
    __asm__ volatile("" ::: "memory");
    rt_mmio_write64(HS_MMIO_BBIPC + HS_BBIPC_TX_ADDR, (uintptr_t)msg);
    rt_mmio_write32(HS_MMIO_BBIPC + HS_BBIPC_TX_LEN, sizeof msg);
}

_Static_assert(sizeof(G722State) <= HS_VOICE_STATE_BYTES,
               "HS_VOICE_STATE_BYTES too small for G722State");
_Static_assert(HS_VOICE_FRAME_SAMPLES == G722_FRAME_SAMPLES &&
                   HS_VOICE_FRAME_BYTES == G722_FRAME_BYTES,
               "voice frame sizes");

int64_t voice_call(uint64_t id, uint64_t addr)
{
    HsVoiceRequest *req = (HsVoiceRequest *)(uintptr_t)addr;
    if (req->frames > HS_VOICE_MAX_FRAMES ||
        (req->frames > 0 && (req->in_addr == 0 || req->out_addr == 0))) {
        req->status = HS_EINVAL;
        return HS_EINVAL;
    }
    G722State *st = (G722State *)(void *)req->state;
    if (req->flags & HS_VOICE_RESET) {
        g722_init(st);
        req->flags &= ~(uint32_t)HS_VOICE_RESET;
    }
    uint32_t n = 0;
    for (uint32_t f = 0; f < req->frames; f++) {
        if (id == HS_CALL_VOICE_ENCODE) {
            const int16_t *pcm = (const int16_t *)(uintptr_t)req->in_addr;
            uint8_t *codes = (uint8_t *)(uintptr_t)req->out_addr;
            n += (uint32_t)g722_encode(st, pcm + f * G722_FRAME_SAMPLES,
                                       G722_FRAME_SAMPLES,
                                       codes + f * G722_FRAME_BYTES);
            if (req->flags & HS_VOICE_TO_RIL)
                to_ril(codes + f * G722_FRAME_BYTES, req->call, req->tag + f);
        } else {
            const uint8_t *codes = (const uint8_t *)(uintptr_t)req->in_addr;
            int16_t *pcm = (int16_t *)(uintptr_t)req->out_addr;
            n += (uint32_t)g722_decode(st, codes + f * G722_FRAME_BYTES,
                                       G722_FRAME_BYTES,
                                       pcm + f * G722_FRAME_SAMPLES);
            if (req->flags & HS_VOICE_TO_SPEAKER) {
                __asm__ volatile("" ::: "memory");
                rt_mmio_write32(HS_MMIO_AUDIO + HS_AUDIO_PLAY, req->tag + f);
            }
        }
    }
    req->out_len = n;
    req->status = 0;
    return 0;
}
