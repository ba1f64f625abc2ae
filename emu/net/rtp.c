/*
 * rtp.c - RTP header building and parsing (see rtp.h).
 */
#include "net/rtp.h"

#include <stdio.h>
#include <string.h>
#include "sim/error.h"

int rtp_stream_init(RtpStream *s, SimRng *rng, uint8_t payload_type,
                    uint32_t clock_hz, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    if (payload_type > 127)
        return hs_errorf(err, err_size, "RTP payload type %u is above 127",
                         payload_type);
    if (clock_hz == 0 || clock_hz > RTP_MAX_CLOCK_HZ)
        return hs_errorf(err, err_size, "RTP clock rate %u Hz is out of range",
                         clock_hz);
    s->ssrc = (uint32_t)sim_rng_u64(rng);
    s->seq = (uint16_t)sim_rng_u64(rng);
    s->timestamp = (uint32_t)sim_rng_u64(rng);
    s->payload_type = payload_type;
    s->clock_hz = clock_hz;
    s->marker_next = true;
    return 0;
}

void rtp_talkspurt(RtpStream *s)
{
    s->marker_next = true;
}

int rtp_build(RtpStream *s, const uint8_t *payload, size_t payload_bytes,
              hs_time frame_ps, uint8_t *buf, size_t cap, char *err,
              size_t err_size)
{
    if (payload_bytes == 0)
        return hs_errorf(err, err_size, "RTP packet without payload");
    if (payload_bytes > cap || RTP_HEADER_BYTES > cap - payload_bytes)
        return hs_errorf(
            err, err_size,
            "RTP packet of %zu bytes does not fit the %zu-byte buffer",
            RTP_HEADER_BYTES + payload_bytes, cap);
    /* ticks = frame_ps * clock_hz / 1 s, exactly; split to avoid
     * overflowing 64 bits for long frames. */
    hs_time whole_s = frame_ps / HS_S, rest_ps = frame_ps % HS_S;
    if ((rest_ps * s->clock_hz) % HS_S != 0)
        return hs_errorf(
            err, err_size,
            "frame of %llu ps is not a whole number of %u Hz ticks",
            (unsigned long long)frame_ps, s->clock_hz);
    uint64_t ticks = whole_s * s->clock_hz + rest_ps * s->clock_hz / HS_S;
    buf[0] = RTP_VERSION << 6;
    buf[1] = (uint8_t)((s->marker_next ? 0x80 : 0) | s->payload_type);
    buf[2] = (uint8_t)(s->seq >> 8);
    buf[3] = (uint8_t)s->seq;
    for (int i = 0; i < 4; i++) {
        buf[4 + i] = (uint8_t)(s->timestamp >> (24 - 8 * i));
        buf[8 + i] = (uint8_t)(s->ssrc >> (24 - 8 * i));
    }
    memmove(buf + RTP_HEADER_BYTES, payload, payload_bytes);
    s->seq++;
    s->timestamp += (uint32_t)ticks; /* wraps modulo 2^32 like RTP */
    s->marker_next = false;
    s->packets++;
    s->payload_bytes += payload_bytes;
    return (int)(RTP_HEADER_BYTES + payload_bytes);
}

int rtp_parse(const uint8_t *pkt, size_t len, RtpHeader *h, char *err,
              size_t err_size)
{
    memset(h, 0, sizeof *h);
    if (len < RTP_HEADER_BYTES)
        return hs_errorf(err, err_size,
                         "%zu bytes is shorter than an RTP header", len);
    h->version = pkt[0] >> 6;
    if (h->version != RTP_VERSION)
        return hs_errorf(err, err_size, "RTP version %u, expected 2",
                         h->version);
    h->padding = (pkt[0] & 0x20) != 0;
    h->extension = (pkt[0] & 0x10) != 0;
    h->csrc_count = pkt[0] & 0x0f;
    h->marker = (pkt[1] & 0x80) != 0;
    h->payload_type = pkt[1] & 0x7f;
    h->seq = (uint16_t)((pkt[2] << 8) | pkt[3]);
    h->timestamp = ((uint32_t)pkt[4] << 24) | ((uint32_t)pkt[5] << 16) |
                   ((uint32_t)pkt[6] << 8) | pkt[7];
    h->ssrc = ((uint32_t)pkt[8] << 24) | ((uint32_t)pkt[9] << 16) |
              ((uint32_t)pkt[10] << 8) | pkt[11];
    size_t off = RTP_HEADER_BYTES + 4u * h->csrc_count;
    if (off > len)
        return hs_errorf(err, err_size, "RTP CSRC list runs past the packet");
    if (h->extension) {
        if (off + 4 > len)
            return hs_errorf(err, err_size,
                             "RTP extension runs past the packet");
        size_t words = ((size_t)pkt[off + 2] << 8) | pkt[off + 3];
        off += 4 + 4 * words;
        if (off > len)
            return hs_errorf(err, err_size,
                             "RTP extension runs past the packet");
    }
    size_t end = len;
    if (h->padding) {
        size_t pad = pkt[len - 1];
        if (pad == 0 || pad > len - off)
            return hs_errorf(err, err_size,
                             "RTP padding of %zu bytes is invalid", pad);
        end -= pad;
    }
    h->payload = pkt + off;
    h->payload_bytes = end - off;
    return 0;
}
