/*
 * rtp.h - RTP (RFC 3550) headers for the call's voice frames.
 *
 * One RtpStream per direction of a call. Version 2, no padding, no
 * extension, no CSRCs: a 12-byte header before each codec frame. The
 * SSRC and the initial sequence number and timestamp are drawn from a
 * seeded stream, as RFC 3550 asks them to be random, so the same seed
 * gives the same capture. The timestamp advances by the frame's duration
 * at the payload format's RTP clock rate: G.722 (static payload type 9)
 * samples at 16 kHz but is clocked at 8000 Hz (RFC 3551 section 4.5.2),
 * so a 20 ms frame of 320 samples steps the timestamp by 160.
 */
#ifndef HS_NET_RTP_H
#define HS_NET_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/rng.h"
#include "sim/time.h"

#define RTP_VERSION 2
#define RTP_HEADER_BYTES 12
#define RTP_PT_G722 9             /* RFC 3551 static payload type */
#define RTP_G722_CLOCK_HZ 8000    /* RFC 3551: 8000 although 16 kHz audio */
#define RTP_G722_FRAME_BYTES 160  /* 20 ms at 64 kbit/s */
#define RTP_FRAME_PS (20 * HS_MS) /* VoLTE frame: 20 ms */
#define RTP_MAX_CLOCK_HZ 10000000 /* keeps tick arithmetic in 64 bits */

typedef struct RtpStream {
    uint32_t ssrc;          /* synchronisation source */
    uint16_t seq;           /* sequence number of the next packet */
    uint32_t timestamp;     /* RTP timestamp of the next packet */
    uint8_t payload_type;   /* 0 .. 127 */
    uint32_t clock_hz;      /* RTP clock rate of the payload format */
    bool marker_next;       /* next packet starts a talkspurt */
    uint64_t packets;       /* packets built */
    uint64_t payload_bytes; /* their payload bytes */
} RtpStream;

/* A parsed RTP header. */
typedef struct RtpHeader {
    uint8_t version, payload_type; /* fields */
    bool marker, padding, extension;
    uint8_t csrc_count;
    uint16_t seq;
    uint32_t timestamp, ssrc;
    const uint8_t *payload; /* view into the packet */
    size_t payload_bytes;
} RtpHeader;

/*
 * Starts a stream: SSRC, first sequence number and first timestamp from
 * rng; the first packet carries the marker bit (start of a talkspurt).
 * Returns 0, or -1 with a reason if payload_type > 127 or clock_hz is 0
 * or above RTP_MAX_CLOCK_HZ.
 */
int rtp_stream_init(RtpStream *s, SimRng *rng, uint8_t payload_type,
                    uint32_t clock_hz, char *err, size_t err_size);

/*
 * Writes the next packet (header + payload) into buf for a frame lasting
 * frame_ps, then advances the sequence number by one and the timestamp
 * by frame_ps at the stream's clock rate (which must be a whole number
 * of ticks). Returns the packet length, or -1 with a reason (buffer too
 * small, payload empty, duration not whole ticks).
 */
int rtp_build(RtpStream *s, const uint8_t *payload, size_t payload_bytes,
              hs_time frame_ps, uint8_t *buf, size_t cap, char *err,
              size_t err_size);

/* Marks the next packet as the start of a talkspurt (after silence). */
void rtp_talkspurt(RtpStream *s);

/* Parses an RTP packet (the UDP payload). Returns 0, or -1 with a reason
 * if it is too short, not version 2 or its CSRC list, extension or
 * padding run past its end. */
int rtp_parse(const uint8_t *pkt, size_t len, RtpHeader *h, char *err,
              size_t err_size);

#endif /* HS_NET_RTP_H */
