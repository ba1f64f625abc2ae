/*
 * imap_peer.c - the IMAP server side of a mail sync (see imap_peer.h).
 */
#include "net/imap_peer.h"

#include <stdarg.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/rng.h"
#include "sim/error.h"

#define SERVER_NAME "mail.example.net"

/* ---- generated messages ------------------------------------------------- */

typedef struct Buf {
    char *data;
    size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
    /* Sized exactly by the caller: never grows. */
    if (b->len + n <= b->cap) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
    }
}

static void buf_fmt(Buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void buf_fmt(Buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static const char *const WORDS[] = {
    "the",     "battery", "report", "meeting", "signal", "draft",  "phone",
    "network", "figures", "review", "budget",  "notes",  "agenda", "call",
    "minutes", "update",  "week",   "project", "travel", "plan",   "data",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

/* Writes exactly n bytes of text: words, lines of at most 72 characters
 * ended by CRLF. */
static void filler_text(Buf *b, SimRng *r, size_t n)
{
    size_t col = 0;
    while (n > 0) {
        const char *w = WORDS[sim_rng_below(r, NWORDS)];
        size_t wl = strlen(w);
        if (col > 0 && col + 1 + wl > 72 && n >= 2) {
            buf_add(b, "\r\n", 2);
            n -= 2;
            col = 0;
            continue;
        }
        if (col > 0) {
            buf_add(b, " ", 1);
            n--;
            col++;
        }
        if (wl > n)
            wl = n;
        buf_add(b, w, wl);
        n -= wl;
        col += wl;
    }
}

static size_t base64_bytes(size_t raw)
{
    size_t chars = (raw + 2) / 3 * 4;
    return chars + (chars + 75) / 76 * 2; /* CRLF per 76-char line */
}

static void base64_lines(Buf *b, SimRng *r, size_t raw)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;
    for (size_t i = 0; i < raw; i += 3) {
        uint8_t in[3] = {0, 0, 0};
        size_t n = raw - i < 3 ? raw - i : 3;
        for (size_t k = 0; k < n; k++)
            in[k] = (uint8_t)sim_rng_u64(r);
        char q[4] = {tab[in[0] >> 2], tab[((in[0] & 3) << 4) | (in[1] >> 4)],
                     tab[((in[1] & 15) << 2) | (in[2] >> 6)], tab[in[2] & 63]};
        if (n < 3)
            q[3] = '=';
        if (n < 2)
            q[2] = '=';
        buf_add(b, q, 4);
        col += 4;
        if (col == 76 || i + 3 >= raw) {
            buf_add(b, "\r\n", 2);
            col = 0;
        }
    }
}

int imap_message(uint64_t seed, unsigned index, uint32_t size, char **text,
                 char *err, size_t err_size)
{
    *text = NULL;
    if (size < IMAP_MIN_MESSAGE_BYTES || size > IMAP_MAX_MESSAGE_BYTES)
        return hs_errorf(err, err_size,
                         "IMAP message size %u is outside %u .. %u bytes", size,
                         IMAP_MIN_MESSAGE_BYTES, IMAP_MAX_MESSAGE_BYTES);
    char name[32];
    snprintf(name, sizeof name, "imap-message-%u", index);
    SimRng r;
    sim_rng_init(&r, seed, name);
    char boundary[24], msgid[20];
    snprintf(boundary, sizeof boundary, "=_%016llx",
             (unsigned long long)sim_rng_u64(&r));
    snprintf(msgid, sizeof msgid, "%016llx",
             (unsigned long long)sim_rng_u64(&r));
    /* A fixed, seeded date in January 2023: no wall clock. */
    unsigned day = 2 + (unsigned)sim_rng_below(&r, 27);
    unsigned minute = (unsigned)sim_rng_below(&r, 24 * 60);
    static const char *const dow[] = {"Sun", "Mon", "Tue", "Wed",
                                      "Thu", "Fri", "Sat"};
    size_t attach_raw = size >= 4096 ? (size / 2) / 57 * 57 : 0;

    /* Headers and part headers, measured into a scratch buffer first. */
    char head[1024], mid[512], tail[64];
    Buf h = {head, 0, sizeof head}, m = {mid, 0, sizeof mid};
    Buf t = {tail, 0, sizeof tail};
    buf_fmt(&h, "Return-Path: <sender%u@example.org>\r\n", index + 1);
    buf_fmt(&h, "Message-ID: <%s@" SERVER_NAME ">\r\n", msgid);
    /* 1 January 2023 was a Sunday. */
    buf_fmt(&h, "Date: %s, %02u Jan 2023 %02u:%02u:00 +0000\r\n",
            dow[(day - 1) % 7], day, minute / 60, minute % 60);
    buf_fmt(&h, "From: Sender %u <sender%u@example.org>\r\n", index + 1,
            index + 1);
    buf_fmt(&h, "To: <user@example.net>\r\n");
    buf_fmt(&h, "Subject: Report %u\r\n", index + 1);
    buf_fmt(&h, "MIME-Version: 1.0\r\n");
    buf_fmt(&h, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n",
            boundary);
    buf_fmt(&h, "This is a multi-part message in MIME format.\r\n\r\n");
    buf_fmt(&h, "--%s\r\n", boundary);
    buf_fmt(&h, "Content-Type: text/plain; charset=us-ascii\r\n");
    buf_fmt(&h, "Content-Transfer-Encoding: 7bit\r\n\r\n");
    if (attach_raw > 0) {
        buf_fmt(&m, "\r\n--%s\r\n", boundary);
        buf_fmt(&m,
                "Content-Type: application/octet-stream; "
                "name=\"data-%u.bin\"\r\n",
                index + 1);
        buf_fmt(&m, "Content-Transfer-Encoding: base64\r\n");
        buf_fmt(&m,
                "Content-Disposition: attachment; "
                "filename=\"data-%u.bin\"\r\n\r\n",
                index + 1);
    } else {
        buf_fmt(&m, "\r\n");
    }
    buf_fmt(&t, "--%s--\r\n", boundary);
    size_t fixed = h.len + m.len + base64_bytes(attach_raw) + t.len;
    if (attach_raw == 0)
        fixed -= base64_bytes(0);
    if (fixed + 16 > size)
        return hs_errorf(err, err_size, "IMAP message size %u is too small",
                         size);
    char *out = malloc(size + 1);
    if (out == NULL)
        return hs_errorf(err, err_size, "out of memory");
    Buf b = {out, 0, size};
    buf_add(&b, head, h.len);
    filler_text(&b, &r, size - fixed);
    buf_add(&b, mid, m.len);
    if (attach_raw > 0)
        base64_lines(&b, &r, attach_raw);
    buf_add(&b, tail, t.len);
    if (b.len != size) {
        free(out);
        return hs_errorf(err, err_size,
                         "IMAP message came out %zu bytes, not %u", b.len,
                         size);
    }
    out[size] = '\0';
    *text = out;
    return 0;
}

void imap_cache_free(ImapMessageCache *c)
{
    for (unsigned i = 0; i < IMAP_MAX_MESSAGES; i++) {
        free(c->text[i]);
        c->text[i] = NULL;
    }
}

/* Message index of the peer's mailbox: from its cache when it has one
 * (then *owned is false), else generated for the caller to free. */
static const char *message_text(ImapPeer *p, unsigned index, bool *owned)
{
    uint32_t bytes = p->message_bytes[index];
    ImapMessageCache *c = p->cache;
    *owned = false;
    if (c && c->text[index] && c->seed[index] == p->seed &&
        c->bytes[index] == bytes)
        return c->text[index];
    char *text;
    if (imap_message(p->seed, index, bytes, &text, NULL, 0) < 0)
        return NULL;
    if (!c) {
        *owned = true;
        return text;
    }
    free(c->text[index]);
    c->text[index] = text;
    c->seed[index] = p->seed;
    c->bytes[index] = bytes;
    return text;
}

/* ---- the session -------------------------------------------------------- */

static int out_add(ImapPeer *p, const void *data, size_t n)
{
    if (p->out_len + n > p->out_cap) {
        size_t cap = p->out_cap ? p->out_cap : 1024;
        while (cap < p->out_len + n)
            cap *= 2;
        uint8_t *d = realloc(p->out, cap);
        if (d == NULL)
            return -1;
        p->out = d;
        p->out_cap = cap;
    }
    memcpy(p->out + p->out_len, data, n);
    p->out_len += n;
    return 0;
}

static int out_fmt(ImapPeer *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int out_fmt(ImapPeer *p, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    return out_add(p, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

int imap_peer_init(ImapPeer *p, const ImapPeerConfig *cfg, char *err,
                   size_t err_size)
{
    memset(p, 0, sizeof *p);
    if (cfg->user == NULL || cfg->user[0] == '\0' ||
        strlen(cfg->user) >= sizeof p->user || strpbrk(cfg->user, " \"\r\n"))
        return hs_errorf(err, err_size,
                         "IMAP user is empty, too long or invalid");
    if (cfg->password == NULL || cfg->password[0] == '\0' ||
        strlen(cfg->password) >= sizeof p->password ||
        strpbrk(cfg->password, " \"\r\n"))
        return hs_errorf(err, err_size,
                         "IMAP password is empty, too long or invalid");
    if (cfg->messages > IMAP_MAX_MESSAGES)
        return hs_errorf(err, err_size, "IMAP mailbox of %u messages (max %d)",
                         cfg->messages, IMAP_MAX_MESSAGES);
    for (unsigned i = 0; i < cfg->messages; i++) {
        uint32_t s = cfg->message_bytes[i];
        if (s < IMAP_MIN_MESSAGE_BYTES || s > IMAP_MAX_MESSAGE_BYTES)
            return hs_errorf(err, err_size,
                             "IMAP message %u: size %u outside %u .. %u bytes",
                             i + 1, s, IMAP_MIN_MESSAGE_BYTES,
                             IMAP_MAX_MESSAGE_BYTES);
        p->message_bytes[i] = s;
    }
    strcpy(p->user, cfg->user);
    strcpy(p->password, cfg->password);
    p->seed = cfg->seed;
    p->messages = cfg->messages;
    p->cache = cfg->cache;
    SimRng r;
    sim_rng_init(&r, cfg->seed, "imap-uidvalidity");
    p->uid_validity = 1 + (uint32_t)sim_rng_below(&r, 0x7ffffffe);
    if (out_fmt(p, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] " SERVER_NAME
                   " IMAP4rev1 server ready\r\n") < 0) {
        imap_peer_free(p);
        return hs_errorf(err, err_size, "out of memory");
    }
    return 0;
}

void imap_peer_free(ImapPeer *p)
{
    free(p->out);
    p->out = NULL;
    p->out_len = p->out_cap = 0;
}

const uint8_t *imap_peer_output(const ImapPeer *p, size_t *len)
{
    *len = p->out_len;
    return p->out;
}

void imap_peer_take(ImapPeer *p, size_t n)
{
    if (n > p->out_len)
        n = p->out_len;
    memmove(p->out, p->out + n, p->out_len - n);
    p->out_len -= n;
}

/* Next space-separated token (a "quoted string" keeps its spaces). */
static char *next_token(char **s)
{
    char *p = *s;
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return NULL;
    char *start = p;
    if (*p == '"') {
        start = ++p;
        while (*p && *p != '"')
            p++;
        if (*p != '"')
            return NULL;
        *p++ = '\0';
    } else {
        while (*p && *p != ' ')
            p++;
        if (*p)
            *p++ = '\0';
    }
    *s = p;
    return start;
}

/* Parses a sequence set of one number or a range "a:b" ("*" = last). */
static int parse_set(const char *s, unsigned last, unsigned *lo, unsigned *hi)
{
    char *end;
    unsigned long a, b;
    if (s[0] == '*') {
        a = last;
        end = (char *)s + 1;
    } else {
        a = strtoul(s, &end, 10);
    }
    b = a;
    if (*end == ':') {
        if (end[1] == '*') {
            b = last;
            end += 2;
        } else {
            b = strtoul(end + 1, &end, 10);
        }
    }
    if (*end != '\0' || a == 0 || b == 0)
        return -1;
    if (a > b) {
        unsigned long t = a;
        a = b;
        b = t;
    }
    if (b > last)
        return -1;
    *lo = (unsigned)a;
    *hi = (unsigned)b;
    return 0;
}

static int fetch(ImapPeer *p, const char *tag, char *args)
{
    char *set = next_token(&args);
    if (set == NULL || *args == '\0')
        return out_fmt(p, "%s BAD FETCH needs a sequence set and items\r\n",
                       tag);
    unsigned lo, hi;
    if (parse_set(set, p->messages, &lo, &hi) < 0)
        return out_fmt(p, "%s BAD Invalid message sequence number\r\n", tag);
    /* The item list, upper-cased for matching. */
    char items[IMAP_MAX_LINE_BYTES + 2];
    size_t n = 0;
    for (const char *s = args; *s && n + 1 < sizeof items; s++)
        items[n++] = (char)toupper((unsigned char)*s);
    items[n] = '\0';
    bool body = strstr(items, "BODY[]") || strstr(items, "BODY.PEEK[]") ||
                (strstr(items, "RFC822") &&
                 strstr(items, "RFC822") != strstr(items, "RFC822.SIZE"));
    bool size = strstr(items, "RFC822.SIZE") != NULL;
    bool flags = strstr(items, "FLAGS") != NULL;
    bool uid = strstr(items, "UID") != NULL;
    if (!body && !size && !flags && !uid)
        return out_fmt(p, "%s BAD Unsupported FETCH items\r\n", tag);
    for (unsigned i = lo; i <= hi; i++) {
        if (out_fmt(p, "* %u FETCH (", i) < 0)
            return -1;
        const char *sep = "";
        if (uid) {
            if (out_fmt(p, "UID %u", i) < 0)
                return -1;
            sep = " ";
        }
        if (size) {
            if (out_fmt(p, "%sRFC822.SIZE %u", sep, p->message_bytes[i - 1]) <
                0)
                return -1;
            sep = " ";
        }
        if (flags) {
            if (out_fmt(p, "%sFLAGS (%s)", sep,
                        strstr(items, "PEEK") ? "" : "\\Seen") < 0)
                return -1;
            sep = " ";
        }
        if (body) {
            bool owned;
            const char *text = message_text(p, i - 1, &owned);
            if (!text)
                return -1;
            /* The literal: {octets} CRLF, then exactly that many. */
            int rc =
                out_fmt(p, "%sBODY[] {%u}\r\n", sep, p->message_bytes[i - 1]);
            if (rc == 0)
                rc = out_add(p, text, p->message_bytes[i - 1]);
            if (owned)
                free((char *)text);
            if (rc < 0)
                return -1;
        }
        if (out_fmt(p, ")\r\n") < 0)
            return -1;
    }
    return out_fmt(p, "%s OK FETCH completed\r\n", tag);
}

static int command(ImapPeer *p, char *line)
{
    p->commands++;
    char *rest = line;
    char *tag = next_token(&rest);
    char *cmd = tag ? next_token(&rest) : NULL;
    if (tag == NULL || cmd == NULL)
        return out_fmt(p, "* BAD Missing tag or command\r\n");
    if (strlen(tag) > 32)
        return out_fmt(p, "* BAD Tag too long\r\n");
    if (p->state == IMAP_LOGGED_OUT)
        return out_fmt(p, "%s BAD Session is logged out\r\n", tag);
    if (rest[0] != '\0' && rest[strlen(rest) - 1] == '}')
        return out_fmt(p, "%s BAD Client literals are not supported\r\n", tag);
    if (strcasecmp(cmd, "CAPABILITY") == 0)
        return out_fmt(p,
                       "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"
                       "%s OK CAPABILITY completed\r\n",
                       tag);
    if (strcasecmp(cmd, "NOOP") == 0)
        return out_fmt(p, "%s OK NOOP completed\r\n", tag);
    if (strcasecmp(cmd, "LOGOUT") == 0) {
        p->state = IMAP_LOGGED_OUT;
        return out_fmt(p,
                       "* BYE " SERVER_NAME " logging out\r\n"
                       "%s OK LOGOUT completed\r\n",
                       tag);
    }
    if (strcasecmp(cmd, "LOGIN") == 0) {
        if (p->state != IMAP_NOT_AUTHENTICATED)
            return out_fmt(p, "%s BAD Already logged in\r\n", tag);
        char *u = next_token(&rest);
        char *pw = u ? next_token(&rest) : NULL;
        if (pw == NULL)
            return out_fmt(p, "%s BAD LOGIN needs a user and a password\r\n",
                           tag);
        if (strcmp(u, p->user) != 0 || strcmp(pw, p->password) != 0)
            return out_fmt(p,
                           "%s NO [AUTHENTICATIONFAILED] Invalid "
                           "credentials\r\n",
                           tag);
        p->state = IMAP_AUTHENTICATED;
        return out_fmt(p, "%s OK [CAPABILITY IMAP4rev1] Logged in\r\n", tag);
    }
    if (strcasecmp(cmd, "SELECT") == 0 || strcasecmp(cmd, "EXAMINE") == 0) {
        if (p->state == IMAP_NOT_AUTHENTICATED)
            return out_fmt(p, "%s NO Not logged in\r\n", tag);
        char *box = next_token(&rest);
        if (box == NULL || strcasecmp(box, "INBOX") != 0) {
            p->state = IMAP_AUTHENTICATED;
            return out_fmt(p, "%s NO Mailbox does not exist\r\n", tag);
        }
        p->state = IMAP_SELECTED;
        return out_fmt(
            p,
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            "* OK [PERMANENTFLAGS (\\Seen)] Limited\r\n"
            "* %u EXISTS\r\n"
            "* 0 RECENT\r\n"
            "* OK [UIDVALIDITY %u] UIDs valid\r\n"
            "* OK [UIDNEXT %u] Predicted next UID\r\n"
            "%s OK [%s] %s completed\r\n",
            p->messages, p->uid_validity, p->messages + 1, tag,
            strcasecmp(cmd, "SELECT") == 0 ? "READ-WRITE" : "READ-ONLY",
            strcasecmp(cmd, "SELECT") == 0 ? "SELECT" : "EXAMINE");
    }
    if (strcasecmp(cmd, "FETCH") == 0) {
        if (p->state != IMAP_SELECTED)
            return out_fmt(p, "%s BAD No mailbox selected\r\n", tag);
        return fetch(p, tag, rest);
    }
    return out_fmt(p, "%s BAD Unknown command\r\n", tag);
}

int imap_peer_input(ImapPeer *p, const uint8_t *data, size_t len, char *err,
                    size_t err_size)
{
    for (size_t i = 0; i < len; i++) {
        char c = (char)data[i];
        if (c == '\n') {
            bool too_long = p->line_too_long;
            size_t n = p->line_len;
            if (n > 0 && p->line[n - 1] == '\r')
                n--;
            p->line[n] = '\0';
            p->line_len = 0;
            p->line_too_long = false;
            int rc = too_long ? out_fmt(p, "* BAD Command line too long\r\n")
                              : command(p, p->line);
            if (rc < 0)
                return hs_errorf(err, err_size, "IMAP peer: out of memory");
            continue;
        }
        if (p->line_len >= IMAP_MAX_LINE_BYTES + 1)
            p->line_too_long = true;
        else
            p->line[p->line_len++] = c;
    }
    return 0;
}
