/*
 * mime.h - MIME message parsing (RFC 2045/2046): header fields with
 * folding, multipart bodies split on their boundary (nested up to
 * MIME_MAX_DEPTH), and base64 / quoted-printable transfer decoding.
 * Also the matching encoders, used to generate workload inputs.
 *
 * Works on a whole message in memory (the IMAP layer collects literals);
 * decoded bodies are written one after another into a caller buffer and
 * handed to a callback. No allocation, no libc.
 */
#ifndef GL_MIME_H
#define GL_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIME_MAX_DEPTH 4

/* Content-Transfer-Encoding of a part. */
enum {
    MIME_ENC_IDENTITY = 0, /* 7bit, 8bit, binary or absent */
    MIME_ENC_BASE64 = 1,
    MIME_ENC_QP = 2,
};

/* Errors (negative returns). */
#define MIME_E_SPACE (-1)    /* decoded bodies do not fit the out buffer */
#define MIME_E_BASE64 (-2)   /* invalid character in a base64 body */
#define MIME_E_BOUNDARY (-3) /* multipart without boundary or delimiter */

/* One decoded leaf part, valid during the callback. */
typedef struct MimePart {
    uint32_t index;       /* 0-based leaf index in message order */
    uint32_t depth;       /* nesting depth (0 = the message itself) */
    const uint8_t *type;  /* media type, e.g. "text/plain" (not NUL-ended) */
    uint32_t type_len;    /* bytes in type */
    uint32_t encoding;    /* MIME_ENC_* it was decoded from */
    const uint8_t *data;  /* decoded body, inside the caller's out buffer */
    uint32_t len;         /* bytes in data */
} MimePart;

typedef void (*MimePartFunc)(void *ctx, const MimePart *part);

/* Parses msg[0..len) and decodes every leaf part into out (out_cap bytes;
 * out_cap >= len always suffices since decoding never grows a body),
 * calling fn (may be NULL) per part. Returns the number of leaf parts or
 * a MIME_E_* error. */
int32_t mime_parse(const uint8_t *msg, uint32_t len, uint8_t *out,
                   uint32_t out_cap, MimePartFunc fn, void *ctx);

/* base64 (RFC 2045 §6.8): skips CR, LF, space and tab, stops at '='.
 * Returns bytes written to out (at most 3/4 of len) or MIME_E_BASE64. */
int32_t mime_base64_decode(const uint8_t *in, uint32_t len, uint8_t *out);

/* quoted-printable (RFC 2045 §6.7): "=XX" escapes, soft line breaks
 * ("=" CRLF or "=" LF); malformed escapes are kept literally. Returns
 * bytes written (at most len). */
uint32_t mime_qp_decode(const uint8_t *in, uint32_t len, uint8_t *out);

/* base64 with CRLF after every 76 output characters (and at the end).
 * out needs mime_base64_encoded_len(len) bytes; returns bytes written. */
uint32_t mime_base64_encoded_len(uint32_t len);
uint32_t mime_base64_encode(const uint8_t *in, uint32_t len, uint8_t *out);

/* quoted-printable with soft breaks before 76 columns; out needs
 * 3 * len + 3 * (len / 25) + 2 bytes at most; returns bytes written. */
uint32_t mime_qp_encode(const uint8_t *in, uint32_t len, uint8_t *out);

#endif /* GL_MIME_H */
