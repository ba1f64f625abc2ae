/*
 * imap.c - incremental IMAP response scanner (see imap.h).
 *
 * A byte-at-a-time state machine outside literals (so "{12}\r\n" may be
 * split anywhere) and bulk copies inside them. Quoted strings are
 * skipped so that a '{' inside quotes does not start a literal.
 */
#include "imap.h"

#include "gl_util.h"

enum {
    ST_TEXT,     /* ordinary line text */
    ST_QUOTED,   /* inside "..." */
    ST_QESCAPE,  /* after a backslash inside quotes */
    ST_BRACE,    /* after '{', reading digits */
    ST_BRACE_END, /* after "{N}", expecting CR */
    ST_BRACE_CR, /* after "{N}\r", expecting LF */
    ST_CR,       /* after CR, expecting LF */
    ST_LITERAL,  /* inside a literal */
};

#define NUMBER_MAX 0x0fffffffu

void imap_init(ImapParser *p, uint8_t *lit_buf, uint32_t lit_cap,
               ImapLiteralFunc fn, void *ctx)
{
    gl_fill(p, 0, sizeof(*p));
    p->lit_buf = lit_buf;
    p->lit_cap = lit_cap;
    p->fn = fn;
    p->ctx = ctx;
    p->state = ST_TEXT;
}

bool imap_done(const ImapParser *p)
{
    return p->status != IMAP_STATUS_NONE;
}

static void keep(ImapParser *p, uint8_t c)
{
    if (p->line_len < IMAP_LINE_KEEP)
        p->line[p->line_len] = c;
    p->line_len++;
}

static uint32_t kept(const ImapParser *p)
{
    return p->line_len < IMAP_LINE_KEEP ? p->line_len : IMAP_LINE_KEEP;
}

/* Does the kept line contain word w (upper case) at offset at? */
static bool word_at(const ImapParser *p, uint32_t at, const char *w)
{
    uint32_t n = kept(p);
    uint32_t i = 0;
    for (; w[i] != '\0'; i++) {
        if (at + i >= n)
            return false;
        uint8_t c = p->line[at + i];
        if (c >= 'a' && c <= 'z')
            c = (uint8_t)(c - 32);
        if (c != (uint8_t)w[i])
            return false;
    }
    return true;
}

/* "* <seq> FETCH": the sequence number, or 0 when this is not a FETCH. */
static uint32_t fetch_seq(const ImapParser *p)
{
    uint32_t n = kept(p);
    if (n < 3 || p->line[0] != '*' || p->line[1] != ' ')
        return 0;
    uint32_t i = 2, seq = 0;
    while (i < n && p->line[i] >= '0' && p->line[i] <= '9' &&
           seq < NUMBER_MAX / 10) {
        seq = seq * 10 + (uint32_t)(p->line[i] - '0');
        i++;
    }
    if (i == 2 || !word_at(p, i, " FETCH"))
        return 0;
    return seq;
}

static void end_line(ImapParser *p)
{
    uint32_t n = kept(p);
    p->lines++;
    if (fetch_seq(p) != 0) {
        p->fetches++;
    } else if (n > 0 && p->line[0] != '*' && p->line[0] != '+') {
        /* tagged line: "<tag> OK|NO|BAD ..." */
        uint32_t i = 0;
        while (i < n && p->line[i] != ' ')
            i++;
        if (word_at(p, i, " OK"))
            p->status = IMAP_STATUS_OK;
        else if (word_at(p, i, " NO"))
            p->status = IMAP_STATUS_NO;
        else if (word_at(p, i, " BAD"))
            p->status = IMAP_STATUS_BAD;
    }
    p->line_len = 0;
    p->msg_seq = 0;
}

static void deliver(ImapParser *p)
{
    p->literals++;
    if (p->fn)
        p->fn(p->ctx, p->msg_seq, p->lit_buf, p->lit_len);
    p->state = ST_TEXT;
}

int32_t imap_feed(ImapParser *p, const uint8_t *data, uint32_t len)
{
    uint32_t i = 0;
    while (i < len && p->error == 0) {
        if (p->state == ST_LITERAL) {
            uint32_t n = len - i < p->lit_need ? len - i : p->lit_need;
            gl_copy(p->lit_buf + p->lit_len, data + i, n);
            p->lit_len += n;
            p->lit_need -= n;
            i += n;
            if (p->lit_need == 0)
                deliver(p);
            continue;
        }
        uint8_t c = data[i++];
        switch (p->state) {
        case ST_TEXT:
            if (c == '\r') {
                p->state = ST_CR;
                break;
            }
            keep(p, c);
            if (c == '"') {
                p->state = ST_QUOTED;
            } else if (c == '{') {
                p->number = 0;
                p->digits = 0;
                p->state = ST_BRACE;
            }
            break;
        case ST_QUOTED:
            if (c == '\r') {
                p->state = ST_CR; /* unterminated quote: line ends */
                break;
            }
            keep(p, c);
            if (c == '\\')
                p->state = ST_QESCAPE;
            else if (c == '"')
                p->state = ST_TEXT;
            break;
        case ST_QESCAPE:
            keep(p, c);
            p->state = ST_QUOTED;
            break;
        case ST_BRACE:
            if (c >= '0' && c <= '9') {
                keep(p, c);
                if (p->number > NUMBER_MAX / 10) {
                    p->error = IMAP_E_TOOBIG;
                    break;
                }
                p->number = p->number * 10 + (uint32_t)(c - '0');
                p->digits++;
            } else if (c == '}' && p->digits > 0) {
                keep(p, c);
                p->state = ST_BRACE_END;
            } else {
                i--; /* not a literal marker: rescan as text */
                p->state = ST_TEXT;
            }
            break;
        case ST_BRACE_END:
            if (c == '\r') {
                p->state = ST_BRACE_CR;
            } else {
                i--;
                p->state = ST_TEXT;
            }
            break;
        case ST_BRACE_CR:
            if (c != '\n') {
                p->error = IMAP_E_SYNTAX;
                break;
            }
            if (p->number > p->lit_cap) {
                p->error = IMAP_E_TOOBIG;
                break;
            }
            if (p->msg_seq == 0)
                p->msg_seq = fetch_seq(p);
            p->lit_len = 0;
            p->lit_need = p->number;
            p->state = ST_LITERAL;
            if (p->lit_need == 0)
                deliver(p);
            break;
        case ST_CR:
            if (c != '\n') {
                p->error = IMAP_E_SYNTAX;
                break;
            }
            end_line(p);
            p->state = ST_TEXT;
            break;
        default:
            p->error = IMAP_E_SYNTAX;
            break;
        }
    }
    return p->error;
}
