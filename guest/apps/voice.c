/*
 * voice.c - the voice app: G.722 encode or decode of whole 20 ms frames,
 * with the codec state carried in the request.
 */
#include "apps/apps.h"
#include "abi/voice.h"
#include "lib/g722.h"
#include "platform.h"

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
        } else {
            const uint8_t *codes = (const uint8_t *)(uintptr_t)req->in_addr;
            int16_t *pcm = (int16_t *)(uintptr_t)req->out_addr;
            n += (uint32_t)g722_decode(st, codes + f * G722_FRAME_BYTES,
                                       G722_FRAME_BYTES,
                                       pcm + f * G722_FRAME_SAMPLES);
        }
    }
    req->out_len = n;
    req->status = 0;
    return 0;
}
