/*
 * imap.h - incremental parser for IMAP server responses (RFC 3501 §7),
 * aimed at FETCH responses that carry message bodies as literals
 * ("{N}" CRLF followed by exactly N octets, §4.3).
 *
 * Bytes are fed in arbitrary chunks as they arrive from the network; a
 * literal (or its "{N}" marker, or a CRLF) may be split across any two
 * reads. Each complete literal is collected into a caller buffer and
 * handed to a callback together with the message sequence number of the
 * FETCH it belongs to. The tagged status line ("A1 OK ...") ends the
 * response. No allocation, no libc.
 */
#ifndef GL_IMAP_H
#define GL_IMAP_H

#include <stdbool.h>
#include <stdint.h>

#define IMAP_LINE_KEEP 64 /* leading bytes of each line kept for parsing */

/* Errors (negative, sticky: once set, feeding stops). */
#define IMAP_E_SYNTAX (-1) /* CR not followed by LF outside a literal */
#define IMAP_E_TOOBIG (-2) /* a literal larger than the caller's buffer */

/* Tagged completion results. */
enum {
    IMAP_STATUS_NONE = 0, /* no tagged line yet */
    IMAP_STATUS_OK = 1,
    IMAP_STATUS_NO = 2,
    IMAP_STATUS_BAD = 3,
};

/* Called once per complete literal; data points into the caller's
 * literal buffer and is valid during the call. */
typedef void (*ImapLiteralFunc)(void *ctx, uint32_t msg_seq,
                                const uint8_t *data, uint32_t len);

typedef struct ImapParser {
    uint8_t *lit_buf;      /* caller buffer that collects a literal */
    uint32_t lit_cap;      /* its size in bytes */
    uint32_t lit_len;      /* bytes of the current literal so far */
    uint32_t lit_need;     /* bytes of the current literal still to come */
    ImapLiteralFunc fn;    /* literal callback (may be NULL) */
    void *ctx;             /* its context */
    uint32_t state;        /* scanner state (imap.c) */
    uint32_t number;       /* value of a "{N}" being read */
    uint32_t digits;       /* digits read of it */
    uint8_t line[IMAP_LINE_KEEP]; /* start of the current line */
    uint32_t line_len;     /* bytes of the line seen (may exceed KEEP) */
    uint32_t msg_seq;      /* sequence number of the current "* N FETCH" */
    uint32_t fetches;      /* untagged FETCH responses completed */
    uint32_t literals;     /* literals delivered */
    uint32_t lines;        /* response lines completed */
    uint32_t status;       /* IMAP_STATUS_* of the tagged line */
    int32_t error;         /* 0 or IMAP_E_* (sticky) */
} ImapParser;

/* Prepares a parser; lit_buf (lit_cap bytes) is borrowed until the last
 * imap_feed() call. */
void imap_init(ImapParser *p, uint8_t *lit_buf, uint32_t lit_cap,
               ImapLiteralFunc fn, void *ctx);

/* Consumes len bytes. Returns 0, or the sticky error. */
int32_t imap_feed(ImapParser *p, const uint8_t *data, uint32_t len);

/* True once the tagged status line has been parsed. */
bool imap_done(const ImapParser *p);

#endif /* GL_IMAP_H */
