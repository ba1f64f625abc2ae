/*
 * voice.h - request layout of HS_CALL_VOICE_ENCODE / HS_CALL_VOICE_DECODE
 * (ITU-T G.722 at 64 kbit/s, 20 ms frames of 320 samples <-> 160 bytes),
 * shared by host and guest. The codec state travels in the request, so
 * a caller keeps one request per stream and calls it frame after frame.
 */
#ifndef GUEST_ABI_VOICE_H
#define GUEST_ABI_VOICE_H

#include <stdint.h>

#define HS_VOICE_FRAME_SAMPLES 320 /* 20 ms at 16 kHz */
#define HS_VOICE_FRAME_BYTES 160   /* G.722 64 kbit/s */
#define HS_VOICE_MAX_FRAMES 50     /* one second per call at most */
#define HS_VOICE_STATE_BYTES 512   /* opaque codec state (G722State) */
#define HS_VOICE_RESET 0x1         /* flags: start a new stream */
/* flags (encode): send each frame to the baseband as HS_BBMSG_VOICE_UP,
 * arg = tag + its index, call = call */
#define HS_VOICE_TO_RIL 0x2
/* flags (decode): hand each frame to the speaker (HS_AUDIO_PLAY, tag + its
 * index) */
#define HS_VOICE_TO_SPEAKER 0x4

/* Where the host puts a call's uplink request and its buffers in the
 * called domain (ap-codec wiring): the request, then the PCM of one
 * frame, then its codes. */
#define HS_VOICE_IO_ADDR (HS_IO_BASE + 0xd0000)
#define HS_VOICE_PCM_ADDR (HS_VOICE_IO_ADDR + 0x400)
#define HS_VOICE_CODES_ADDR (HS_VOICE_PCM_ADDR + 2 * HS_VOICE_FRAME_SAMPLES)
/* ... and its downlink request: the request, the codes, the PCM. */
#define HS_VOICE_DL_IO_ADDR (HS_VOICE_IO_ADDR + 0x800)
#define HS_VOICE_DL_CODES_ADDR (HS_VOICE_DL_IO_ADDR + 0x400)
#define HS_VOICE_DL_PCM_ADDR (HS_VOICE_DL_CODES_ADDR + HS_VOICE_FRAME_BYTES)

typedef struct HsVoiceRequest {
    uint64_t in_addr;  /* in: encode: int16 PCM; decode: G.722 bytes */
    uint64_t out_addr; /* in: encode: G.722 bytes; decode: int16 PCM */
    uint32_t frames;   /* in: frames to process (<= HS_VOICE_MAX_FRAMES) */
    uint32_t flags;    /* in: HS_VOICE_RESET */
    uint32_t out_len;  /* out: bytes (encode) or samples (decode) */
    int32_t status;    /* out: 0 or HS_EINVAL */
    uint32_t tag;      /* in: HS_VOICE_TO_RIL: arg of the first message */
    uint32_t call;     /* in: HS_VOICE_TO_RIL: the call's id */
    uint8_t state[HS_VOICE_STATE_BYTES]; /* in/out: codec state */
} HsVoiceRequest;

_Static_assert(sizeof(HsVoiceRequest) == 40 + HS_VOICE_STATE_BYTES,
               "HsVoiceRequest layout");

#endif /* GUEST_ABI_VOICE_H */
