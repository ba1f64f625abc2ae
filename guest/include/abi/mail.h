/*
 * mail.h - request layout of HS_CALL_MAIL_PARSE, shared by host and
 * guest: an IMAP FETCH response (RFC 3501) is fed to the incremental
 * parser in chunks of `chunk` bytes (as network reads would deliver it);
 * every literal is parsed as a MIME message (RFC 2045/2046) and each
 * decoded body is appended to the out buffer, described in part[], and,
 * with HS_MAIL_STORE, written to storage from block store_lba on (each
 * body starting on a new HS_STORAGE_BLOCK).
 */
#ifndef GUEST_ABI_MAIL_H
#define GUEST_ABI_MAIL_H

#include <stdint.h>

#include "platform.h"

#define HS_MAIL_MAX_PARTS 8 /* parts described in the request */
#define HS_MAIL_TYPE_BYTES 32
#define HS_MAIL_STORE 0x1 /* flags: hand bodies to storage */

typedef struct HsMailPart {
    uint32_t offset;   /* decoded body: offset in the out buffer */
    uint32_t len;      /* its length in bytes */
    uint32_t encoding; /* 0 identity, 1 base64, 2 quoted-printable */
    uint32_t msg_seq;  /* FETCH sequence number it came from */
    char type[HS_MAIL_TYPE_BYTES]; /* media type, NUL-padded, truncated */
} HsMailPart;

typedef struct HsMailRequest {
    uint64_t in_addr;        /* in: the response bytes */
    uint64_t lit_addr;       /* in: buffer collecting one literal */
    uint64_t out_addr;       /* in: buffer for the decoded bodies */
    uint64_t store_lba;      /* in: first storage block (HS_MAIL_STORE) */
    uint32_t in_len;         /* in: bytes at in_addr */
    uint32_t chunk;          /* in: bytes per feed, 0 = all at once */
    uint32_t lit_cap;        /* in: size of the literal buffer */
    uint32_t out_cap;        /* in: size of the out buffer */
    uint32_t flags;          /* in: HS_MAIL_STORE */
    uint32_t literals;       /* out: literals (messages) seen */
    uint32_t fetches;        /* out: untagged FETCH responses */
    uint32_t imap_status;    /* out: tagged result, 0 none 1 OK 2 NO 3 BAD */
    uint32_t parts;          /* out: decoded parts (may exceed MAX_PARTS) */
    uint32_t out_len;        /* out: bytes used in the out buffer */
    uint32_t blocks_written; /* out: storage blocks written */
    int32_t status;          /* out: 0, HS_EINVAL (parse error), HS_EIO */
    HsMailPart part[HS_MAIL_MAX_PARTS]; /* out: the first parts */
} HsMailRequest;

_Static_assert(sizeof(HsMailPart) == 48, "HsMailPart layout");
_Static_assert(sizeof(HsMailRequest) == 80 + 48 * HS_MAIL_MAX_PARTS,
               "HsMailRequest layout");

/*
 * HS_CALL_MAIL_SYNC: one IMAP sync over socket HS_SOCK_MAIL (platform.h),
 * driven by events. The call connects to peer `peer` and returns; each
 * HS_IRQ_SOCK for the socket then moves the sync on: the greeting,
 * "a1 LOGIN user password", "a2 SELECT INBOX", "a3 FETCH 1:N BODY[]"
 * (N = messages), each literal parsed as it arrives (guest/lib/imap) and
 * MIME-decoded (guest/lib/mime) into the out buffer; after the tagged
 * FETCH result the app writes HS_SOCK_MARK (0 when every message was
 * parsed, else HS_EIO), sends "a4 LOGOUT" and closes the socket when it
 * is answered. The state lives in HsMailSyncIo at HS_MAIL_SYNC_IO_ADDR,
 * the only request address the call accepts: one sync per domain at a
 * time, and one vCPU serving the socket's events.
 *
 * A literal is collected whole before it is parsed, so a message may be
 * at most HS_MAIL_SYNC_LIT_CAP bytes (imap reports it as too big).
 */
#define HS_MAIL_SYNC_IO_ADDR (HS_IO_BASE + 0xe0000)
#define HS_MAIL_SYNC_LIT_ADDR (HS_RAM_BASE + 0x800000) /* above the image */
#define HS_MAIL_SYNC_LIT_CAP 0x200000u                 /* 2 MiB */
#define HS_MAIL_SYNC_OUT_ADDR (HS_RAM_BASE + 0xa00000)
#define HS_MAIL_SYNC_OUT_CAP 0x200000u
#define HS_MAIL_SYNC_RX_BYTES 4096 /* one socket read */
#define HS_MAIL_SYNC_PARSER_BYTES 256

/* Phases of a sync (HsMailSyncIo.phase). */
#define HS_MAIL_PH_IDLE 0
#define HS_MAIL_PH_CONNECTING 1
#define HS_MAIL_PH_GREETING 2
#define HS_MAIL_PH_LOGIN 3
#define HS_MAIL_PH_SELECT 4
#define HS_MAIL_PH_FETCH 5
#define HS_MAIL_PH_LOGOUT 6
#define HS_MAIL_PH_DONE 7
#define HS_MAIL_PH_FAILED 8

typedef struct HsMailSyncIo {
    uint32_t peer;          /* in: network peer (a mail server) */
    uint32_t messages;      /* in: messages to fetch, >= 1 */
    char user[32];          /* in: login, NUL-terminated */
    char password[32];      /* in: password, NUL-terminated */
    uint32_t phase;         /* HS_MAIL_PH_* */
    int32_t status;         /* out: 0, or HS_E* of a failed sync */
    uint32_t literals;      /* out: messages parsed this sync */
    uint32_t parts;         /* out: MIME parts decoded this sync */
    uint64_t bytes_in;      /* out: bytes read from the socket */
    uint64_t decoded_bytes; /* out: bytes of decoded bodies */
    uint32_t syncs;         /* out: syncs completed (marked) */
    uint32_t imap_status;   /* out: last tagged result (lib/imap.h) */
    uint8_t parser[HS_MAIL_SYNC_PARSER_BYTES]; /* the parser between events */
    uint8_t rx[HS_MAIL_SYNC_RX_BYTES];         /* socket reads */
    char cmd[128];                             /* the command being sent */
} HsMailSyncIo;

_Static_assert(sizeof(HsMailSyncIo) == 112 + HS_MAIL_SYNC_PARSER_BYTES +
                                           HS_MAIL_SYNC_RX_BYTES + 128,
               "HsMailSyncIo layout");

#endif /* GUEST_ABI_MAIL_H */
