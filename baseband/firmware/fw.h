/*
 * fw.h - internals shared by the baseband firmware's files: register
 * access, the mailbox driver, IPv4/UDP framing, call control, short
 * messages and media.
 *
 * Freestanding ARMv7 code: no libc (fw_lib.c supplies memcpy and
 * friends for the compiler), no floating point, no 64-bit division.
 * All state lives in .bss of the file that owns it and persists between
 * entries, since the host keeps the firmware's RAM.
 */
#ifndef FW_H
#define FW_H

#include <stddef.h>
#include <stdint.h>

#include "bb_abi.h"
#include "platform.h"

static inline uint32_t fw_rd(uint32_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void fw_wr(uint32_t addr, uint32_t v)
{
    /* device registers read the buffers the firmware just wrote (DMA):
     * no store may be moved past a register write */
    __asm__ volatile("" ::: "memory");
    *(volatile uint32_t *)(uintptr_t)addr = v;
}

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int fw_memcmp(const void *a, const void *b, size_t n);
size_t fw_strlen(const char *s);

/* Little/big-endian field access in byte buffers. */
uint32_t fw_le32(const uint8_t *p);
void fw_put_le16(uint8_t *p, uint16_t v);
void fw_put_le32(uint8_t *p, uint32_t v);
void fw_put_be16(uint8_t *p, uint16_t v);
void fw_put_be32(uint8_t *p, uint32_t v);
uint16_t fw_be16(const uint8_t *p);
uint32_t fw_be32(const uint8_t *p);

/* The configuration the host left at BB_CONFIG (checked at boot). */
const BbConfigBlock *fw_config(void);
uint64_t fw_now_ns(void);
void fw_log(uint32_t value);

/* ---- mailbox (mbox.c) ---- */
/* Sends one message to the AP. Returns 0, or -1 if it does not fit. */
int mbox_send(uint16_t type, uint32_t call, uint32_t arg, const void *payload,
              uint32_t payload_bytes);
/* Takes the next message from the AP into buf (HS_BBMSG_MAX_BYTES).
 * Returns its length, or 0 if none is waiting. */
uint32_t mbox_recv(uint8_t *buf);

/* ---- IPv4/UDP (net.c) ---- */
#define FW_IP_HDR 20
#define FW_UDP_HDR 8
/* Builds an IPv4/UDP packet around payload (already placed at
 * pkt + FW_IP_HDR + FW_UDP_HDR) and sends it on the radio. */
void net_send_udp(uint8_t *pkt, uint32_t src, uint16_t sport, uint32_t dst,
                  uint16_t dport, uint8_t dscp, uint32_t payload_bytes);
/* Sends a whole IPv4 packet on the radio (tag: the AP's DATA_TX tag,
 * 0 for the baseband's own traffic). */
void net_send_raw(const uint8_t *pkt, uint32_t len, uint32_t tag);

/* ---- media (media.c) ---- */
void media_boot(void);
void media_mic_open(void);
void media_mic_close(void);
/* The hostile capture on (1) or off (0). */
void media_hostile(int on);
void media_on_mic(void);
/* Starts/stops the call's RTP streams to addr:port. */
void media_call_start(uint32_t remote_addr, uint16_t remote_port,
                      uint16_t local_port);
void media_call_stop(void);
/* A downlink RTP packet for the call's port. */
void media_on_rtp(const uint8_t *payload, uint32_t len);
/* ap-codec: one G.722 frame the AP encoded, sent as RTP. */
void media_voice_up(const uint8_t *codes, uint32_t len);

/* ---- short messages (sms.c) ---- */
#define SMS_CONTENT "application/vnd.3gpp.sms"
#define SMS_UD_MAX 140
typedef struct FwSms {
    uint32_t mr;         /* RP-MR */
    char originator[24]; /* TP-OA: "+" and digits for international */
    const uint8_t *ud;   /* TP-UD (inside the decoded body) */
    uint32_t ud_len;     /* its octets */
} FwSms;
/* Decodes RP-DATA (network to MS) carrying SMS-DELIVER. Returns 0, or -1
 * if it is anything else or runs past n. */
int sms_decode(const uint8_t *b, uint32_t n, FwSms *out);

/* ---- call control (call.c) ---- */
void call_on_ap_message(const uint8_t *msg, uint32_t len);
void call_on_page(uint32_t call_id);
/* Returns 1 if the downlink packet was for call control or media. */
int call_on_packet(const uint8_t *pkt, uint32_t len);

#endif /* FW_H */
