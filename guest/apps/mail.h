/*
 * mail.h - request layout of HS_CALL_MAIL_PARSE, shared by host and
 * guest: an IMAP FETCH response (RFC 3501) is fed to the incremental
 * parser in chunks of `chunk` bytes (as network reads would deliver it);
 * every literal is parsed as a MIME message (RFC 2045/2046) and each
 * decoded body is appended to the out buffer, described in part[], and,
 * with HS_MAIL_STORE, written to storage from block store_lba on (each
 * body starting on a new HS_STORAGE_BLOCK).
 */
#ifndef GUEST_APPS_MAIL_H
#define GUEST_APPS_MAIL_H

#include <stdint.h>

#define HS_MAIL_MAX_PARTS 8  /* parts described in the request */
#define HS_MAIL_TYPE_BYTES 32
#define HS_MAIL_STORE 0x1    /* flags: hand bodies to storage */

typedef struct HsMailPart {
    uint32_t offset;   /* decoded body: offset in the out buffer */
    uint32_t len;      /* its length in bytes */
    uint32_t encoding; /* 0 identity, 1 base64, 2 quoted-printable */
    uint32_t msg_seq;  /* FETCH sequence number it came from */
    char type[HS_MAIL_TYPE_BYTES]; /* media type, NUL-padded, truncated */
} HsMailPart;

typedef struct HsMailRequest {
    uint64_t in_addr;      /* in: the response bytes */
    uint64_t lit_addr;     /* in: buffer collecting one literal */
    uint64_t out_addr;     /* in: buffer for the decoded bodies */
    uint64_t store_lba;    /* in: first storage block (HS_MAIL_STORE) */
    uint32_t in_len;       /* in: bytes at in_addr */
    uint32_t chunk;        /* in: bytes per feed, 0 = all at once */
    uint32_t lit_cap;      /* in: size of the literal buffer */
    uint32_t out_cap;      /* in: size of the out buffer */
    uint32_t flags;        /* in: HS_MAIL_STORE */
    uint32_t literals;     /* out: literals (messages) seen */
    uint32_t fetches;      /* out: untagged FETCH responses */
    uint32_t imap_status;  /* out: tagged result, 0 none 1 OK 2 NO 3 BAD */
    uint32_t parts;        /* out: decoded parts (may exceed MAX_PARTS) */
    uint32_t out_len;      /* out: bytes used in the out buffer */
    uint32_t blocks_written; /* out: storage blocks written */
    int32_t status;        /* out: 0, HS_EINVAL (parse error), HS_EIO */
    HsMailPart part[HS_MAIL_MAX_PARTS]; /* out: the first parts */
} HsMailRequest;

_Static_assert(sizeof(HsMailPart) == 48, "HsMailPart layout");
_Static_assert(sizeof(HsMailRequest) == 80 + 48 * HS_MAIL_MAX_PARTS,
               "HsMailRequest layout");

#endif /* GUEST_APPS_MAIL_H */
