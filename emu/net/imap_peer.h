/*
 * imap_peer.h - the mail server a mail-sync scenario talks to: the server
 * side of an IMAP4rev1 (RFC 3501) session.
 *
 * The peer consumes the client's bytes (as they arrive over the TCP flow
 * model, in any split) and appends its responses to an output buffer the
 * caller sends back: the greeting, CAPABILITY, NOOP, LOGIN, SELECT INBOX,
 * FETCH (FLAGS, UID, RFC822.SIZE, BODY[] / BODY.PEEK[] / RFC822 as a
 * literal), LOGOUT; anything else gets a tagged BAD or NO. The mailbox
 * holds messages of the configured sizes; each is a MIME message
 * (multipart/mixed: a text part and, from 4 KiB up, a base64 attachment)
 * generated from the seed and its index alone, exactly the configured
 * number of bytes, so the same seed and sizes give the same bytes
 * whatever the client asks for and in which order.
 */
#ifndef HS_NET_IMAP_PEER_H
#define HS_NET_IMAP_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMAP_MAX_MESSAGES 64
#define IMAP_MIN_MESSAGE_BYTES 600         /* room for the MIME headers */
#define IMAP_MAX_MESSAGE_BYTES (16u << 20) /* 16 MiB */
#define IMAP_MAX_LINE_BYTES 1000           /* longest client command */

/* Messages generated once and kept across sessions: a mailbox is synced
 * many times a day and its messages do not change. Owned by the caller,
 * zeroed to start, released with imap_cache_free; it must outlive the
 * sessions that use it. A hit gives the same bytes imap_message would. */
typedef struct ImapMessageCache {
    uint64_t seed[IMAP_MAX_MESSAGES];  /* the seed each entry was made for */
    uint32_t bytes[IMAP_MAX_MESSAGES]; /* and its size */
    char *text[IMAP_MAX_MESSAGES];     /* the message, or NULL */
} ImapMessageCache;

void imap_cache_free(ImapMessageCache *c);

typedef struct ImapPeerConfig {
    uint64_t seed;        /* run seed: message contents derive from it */
    const char *user;     /* accepted login, 1 .. 63 chars */
    const char *password; /* accepted password, 1 .. 63 chars */
    unsigned messages;    /* messages in INBOX, 0 .. IMAP_MAX_MESSAGES */
    const uint32_t *message_bytes; /* size of each, in the limits above */
    ImapMessageCache *cache;       /* optional: keep generated messages */
} ImapPeerConfig;

typedef enum ImapState {
    IMAP_NOT_AUTHENTICATED,
    IMAP_AUTHENTICATED,
    IMAP_SELECTED,
    IMAP_LOGGED_OUT,
} ImapState;

typedef struct ImapPeer {
    uint64_t seed;                             /* from the config */
    char user[64], password[64];               /* credentials */
    unsigned messages;                         /* INBOX size */
    uint32_t message_bytes[IMAP_MAX_MESSAGES]; /* sizes */
    uint32_t uid_validity;                     /* from the seed */
    ImapState state;                           /* session state */
    char line[IMAP_MAX_LINE_BYTES + 2];        /* command being assembled */
    size_t line_len;                           /* its length */
    bool line_too_long;                        /* discard to the next CRLF */
    uint8_t *out;                              /* responses not yet taken */
    size_t out_len, out_cap;                   /* its fill and capacity */
    uint64_t commands;                         /* commands handled */
    ImapMessageCache *cache;                   /* from the config, or NULL */
} ImapPeer;

/* Starts a session and queues the greeting. Returns 0, or -1 with a
 * reason for a bad config or no memory. Release with imap_peer_free. */
int imap_peer_init(ImapPeer *p, const ImapPeerConfig *cfg, char *err,
                   size_t err_size);
void imap_peer_free(ImapPeer *p);

/* Feeds len bytes from the client; each complete command line is
 * answered into the output. Returns 0, or -1 with a reason if memory
 * runs out (a protocol error is answered, not returned). */
int imap_peer_input(ImapPeer *p, const uint8_t *data, size_t len, char *err,
                    size_t err_size);

/* Responses queued so far (valid until the next call on p), and taking
 * them: imap_peer_take(p, n) drops the first n bytes. */
const uint8_t *imap_peer_output(const ImapPeer *p, size_t *len);
void imap_peer_take(ImapPeer *p, size_t n);

/*
 * Writes message index (0-based) of a mailbox generated from seed, of
 * exactly size bytes, into a new buffer *text (caller frees). Returns 0,
 * or -1 with a reason if size is out of range or memory runs out.
 */
int imap_message(uint64_t seed, unsigned index, uint32_t size, char **text,
                 char *err, size_t err_size);

#endif /* HS_NET_IMAP_PEER_H */
