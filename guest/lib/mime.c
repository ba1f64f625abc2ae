/*
 * mime.c - MIME parsing and transfer encodings (see mime.h).
 *
 * A message is parsed recursively: header block, then either a multipart
 * body (split on "--boundary" lines; the CRLF before a delimiter belongs
 * to the delimiter, RFC 2046 §5.1.1) or a leaf body decoded into the
 * output buffer. Header lines may be folded; only Content-Type (media
 * type and boundary parameter) and Content-Transfer-Encoding matter here.
 */
#include "mime.h"

#include "gl_util.h"

/* ---- small scanning helpers --------------------------------------------- */

/* Case-insensitive comparison of p[0..n) with the lower-case word w. */
static bool ieq(const uint8_t *p, uint32_t n, const char *w)
{
    uint32_t i = 0;
    for (; i < n && w[i] != '\0'; i++)
        if (gl_lower(p[i]) != (uint8_t)w[i])
            return false;
    return i == n && w[i] == '\0';
}

/* Index of the first occurrence of lower-case word w in p[0..n) compared
 * case-insensitively, or n. */
static uint32_t ifind(const uint8_t *p, uint32_t n, const char *w)
{
    uint32_t wl = 0;
    while (w[wl] != '\0')
        wl++;
    for (uint32_t i = 0; i + wl <= n; i++) {
        uint32_t k = 0;
        while (k < wl && gl_lower(p[i + k]) == (uint8_t)w[k])
            k++;
        if (k == wl)
            return i;
    }
    return n;
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* End of the line starting at i (index of its LF, or n). */
static uint32_t line_end(const uint8_t *p, uint32_t n, uint32_t i)
{
    while (i < n && p[i] != '\n')
        i++;
    return i;
}

/* ---- headers ---------------------------------------------------------- */

typedef struct Headers {
    const uint8_t *type;     /* Content-Type value (raw, may be folded) */
    uint32_t type_len;       /* bytes in it */
    uint32_t encoding;       /* MIME_ENC_* */
    uint32_t body;           /* offset of the body in the entity */
} Headers;

static void parse_headers(const uint8_t *p, uint32_t n, Headers *h)
{
    h->type = 0;
    h->type_len = 0;
    h->encoding = MIME_ENC_IDENTITY;
    uint32_t i = 0;
    while (i < n) {
        uint32_t e = line_end(p, n, i);
        uint32_t len = e - i;
        if (len > 0 && p[i + len - 1] == '\r')
            len--;
        if (len == 0) { /* blank line: body follows */
            h->body = e < n ? e + 1 : n;
            return;
        }
        /* field = this line plus continuation lines */
        uint32_t field_end = e;
        while (field_end + 1 < n && (p[field_end + 1] == ' ' ||
                                     p[field_end + 1] == '\t'))
            field_end = line_end(p, n, field_end + 1);
        uint32_t colon = i;
        while (colon < e && p[colon] != ':')
            colon++;
        if (colon < e) {
            const uint8_t *val = p + colon + 1;
            uint32_t val_len = field_end - colon - 1;
            while (val_len > 0 && is_space(val[0])) {
                val++;
                val_len--;
            }
            while (val_len > 0 && is_space(val[val_len - 1]))
                val_len--;
            if (ieq(p + i, colon - i, "content-type")) {
                h->type = val;
                h->type_len = val_len;
            } else if (ieq(p + i, colon - i, "content-transfer-encoding")) {
                uint32_t t = 0;
                while (t < val_len && val[t] != ';' && !is_space(val[t]))
                    t++;
                if (ieq(val, t, "base64"))
                    h->encoding = MIME_ENC_BASE64;
                else if (ieq(val, t, "quoted-printable"))
                    h->encoding = MIME_ENC_QP;
            }
        }
        i = field_end < n ? field_end + 1 : n;
    }
    h->body = n; /* headers only, empty body */
}

/* Media type token of a Content-Type value ("text/plain" if absent, as
 * RFC 2045 §5.2 says). */
static void media_type(const Headers *h, const uint8_t **type,
                       uint32_t *len)
{
    static const uint8_t dflt[] = "text/plain";
    if (h->type == 0) {
        *type = dflt;
        *len = sizeof(dflt) - 1;
        return;
    }
    uint32_t t = 0;
    while (t < h->type_len && h->type[t] != ';' && !is_space(h->type[t]))
        t++;
    *type = h->type;
    *len = t;
}

/* The boundary parameter of a Content-Type value, quoted or token. */
static bool boundary_param(const Headers *h, const uint8_t **b, uint32_t *n)
{
    uint32_t at = ifind(h->type, h->type_len, "boundary=");
    if (at == h->type_len)
        return false;
    const uint8_t *v = h->type + at + 9;
    uint32_t left = h->type_len - at - 9;
    uint32_t k = 0;
    if (left > 0 && v[0] == '"') {
        v++;
        left--;
        while (k < left && v[k] != '"')
            k++;
    } else {
        while (k < left && v[k] != ';' && !is_space(v[k]))
            k++;
    }
    if (k == 0 || k > 70) /* RFC 2046: 1..70 characters */
        return false;
    *b = v;
    *n = k;
    return true;
}

/* ---- recursive entity parser ------------------------------------------- */

typedef struct Parse {
    uint8_t *out;        /* decoded bodies */
    uint32_t out_cap;    /* its size */
    uint32_t out_len;    /* bytes used */
    uint32_t parts;      /* leaf parts so far */
    MimePartFunc fn;     /* per-part callback (may be NULL) */
    void *ctx;           /* its context */
} Parse;

/* Does a delimiter line "--boundary" start at p[i]? */
static bool at_delimiter(const uint8_t *p, uint32_t n, uint32_t i,
                         const uint8_t *b, uint32_t bn)
{
    if (i + 2 + bn > n || p[i] != '-' || p[i + 1] != '-')
        return false;
    for (uint32_t k = 0; k < bn; k++)
        if (p[i + 2 + k] != b[k])
            return false;
    return true;
}

static int32_t parse_entity(Parse *ps, const uint8_t *p, uint32_t n,
                            uint32_t depth);

static int32_t parse_multipart(Parse *ps, const uint8_t *p, uint32_t n,
                               const uint8_t *b, uint32_t bn, uint32_t depth)
{
    /* find the first delimiter (preamble before it is ignored) */
    uint32_t i = 0;
    while (i < n && !at_delimiter(p, n, i, b, bn))
        i = line_end(p, n, i) + 1;
    if (i >= n)
        return MIME_E_BOUNDARY;
    for (;;) {
        /* i is at "--boundary"; a closing delimiter ends the body */
        uint32_t after = i + 2 + bn;
        if (after + 2 <= n && p[after] == '-' &&
            p[after + 1] == '-')
            return 0;
        uint32_t start = line_end(p, n, after) + 1;
        if (start > n)
            return MIME_E_BOUNDARY; /* no closing delimiter */
        /* the part runs to the line break before the next delimiter */
        uint32_t j = start;
        while (j < n && !at_delimiter(p, n, j, b, bn))
            j = line_end(p, n, j) + 1;
        if (j >= n)
            return MIME_E_BOUNDARY;
        uint32_t end = j;
        if (end > start && p[end - 1] == '\n')
            end--;
        if (end > start && p[end - 1] == '\r')
            end--;
        int32_t rc = parse_entity(ps, p + start, end - start, depth + 1);
        if (rc < 0)
            return rc;
        i = j;
    }
}

static int32_t parse_entity(Parse *ps, const uint8_t *p, uint32_t n,
                            uint32_t depth)
{
    Headers h;
    parse_headers(p, n, &h);
    const uint8_t *type;
    uint32_t type_len;
    media_type(&h, &type, &type_len);
    const uint8_t *b;
    uint32_t bn;
    if (type_len >= 10 && ieq(type, 10, "multipart/") &&
        depth < MIME_MAX_DEPTH) {
        if (!boundary_param(&h, &b, &bn))
            return MIME_E_BOUNDARY;
        return parse_multipart(ps, p + h.body, n - h.body, b, bn, depth);
    }
    const uint8_t *body = p + h.body;
    uint32_t body_len = n - h.body;
    if (ps->out_cap - ps->out_len < body_len)
        return MIME_E_SPACE;
    uint8_t *dst = ps->out + ps->out_len;
    int32_t got;
    if (h.encoding == MIME_ENC_BASE64) {
        got = mime_base64_decode(body, body_len, dst);
        if (got < 0)
            return got;
    } else if (h.encoding == MIME_ENC_QP) {
        got = (int32_t)mime_qp_decode(body, body_len, dst);
    } else {
        gl_copy(dst, body, body_len);
        got = (int32_t)body_len;
    }
    MimePart part = {
        .index = ps->parts,
        .depth = depth,
        .type = type,
        .type_len = type_len,
        .encoding = h.encoding,
        .data = dst,
        .len = (uint32_t)got,
    };
    ps->out_len += (uint32_t)got;
    ps->parts++;
    if (ps->fn)
        ps->fn(ps->ctx, &part);
    return 0;
}

int32_t mime_parse(const uint8_t *msg, uint32_t len, uint8_t *out,
                   uint32_t out_cap, MimePartFunc fn, void *ctx)
{
    Parse ps = {
        .out = out, .out_cap = out_cap, .out_len = 0, .parts = 0,
        .fn = fn, .ctx = ctx,
    };
    int32_t rc = parse_entity(&ps, msg, len, 0);
    return rc < 0 ? rc : (int32_t)ps.parts;
}

/* ---- base64 ----------------------------------------------------------- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int32_t b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int32_t mime_base64_decode(const uint8_t *in, uint32_t len, uint8_t *out)
{
    uint32_t acc = 0, bits = 0, n = 0;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
            continue;
        if (c == '=')
            break;
        int32_t v = b64_value(c);
        if (v < 0)
            return MIME_E_BASE64;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return (int32_t)n;
}

uint32_t mime_base64_encoded_len(uint32_t len)
{
    uint32_t chars = ((len + 2) / 3) * 4;
    return chars + 2 * ((chars + 75) / 76);
}

uint32_t mime_base64_encode(const uint8_t *in, uint32_t len, uint8_t *out)
{
    uint32_t n = 0, col = 0;
    for (uint32_t i = 0; i < len; i += 3) {
        uint32_t left = len - i;
        uint32_t v = (uint32_t)in[i] << 16;
        if (left > 1)
            v |= (uint32_t)in[i + 1] << 8;
        if (left > 2)
            v |= in[i + 2];
        out[n++] = (uint8_t)b64_alphabet[(v >> 18) & 63];
        out[n++] = (uint8_t)b64_alphabet[(v >> 12) & 63];
        out[n++] = left > 1 ? (uint8_t)b64_alphabet[(v >> 6) & 63] : '=';
        out[n++] = left > 2 ? (uint8_t)b64_alphabet[v & 63] : '=';
        col += 4;
        if (col == 76) {
            out[n++] = '\r';
            out[n++] = '\n';
            col = 0;
        }
    }
    if (col > 0) {
        out[n++] = '\r';
        out[n++] = '\n';
    }
    return n;
}

/* ---- quoted-printable ---------------------------------------------------- */

static int32_t hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = gl_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

uint32_t mime_qp_decode(const uint8_t *in, uint32_t len, uint8_t *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (c != '=') {
            out[n++] = c;
            continue;
        }
        if (i + 1 < len && in[i + 1] == '\n') { /* soft break, bare LF */
            i += 1;
            continue;
        }
        if (i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n') {
            i += 2;
            continue;
        }
        int32_t hi = i + 1 < len ? hex_value(in[i + 1]) : -1;
        int32_t lo = i + 2 < len ? hex_value(in[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            out[n++] = c; /* malformed: keep the '=' (RFC 2045 note 1) */
            continue;
        }
        out[n++] = (uint8_t)((hi << 4) | lo);
        i += 2;
    }
    return n;
}

uint32_t mime_qp_encode(const uint8_t *in, uint32_t len, uint8_t *out)
{
    static const char hex[] = "0123456789ABCDEF";
    uint32_t n = 0, col = 0;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (c == '\r' && i + 1 < len && in[i + 1] == '\n') {
            out[n++] = '\r';
            out[n++] = '\n';
            i++;
            col = 0;
            continue;
        }
        bool plain = (c >= 33 && c <= 126 && c != '=') ||
                     ((c == ' ' || c == '\t') && i + 1 < len &&
                      in[i + 1] != '\r');
        uint32_t w = plain ? 1 : 3;
        if (col + w > 75) {
            out[n++] = '=';
            out[n++] = '\r';
            out[n++] = '\n';
            col = 0;
        }
        if (plain) {
            out[n++] = c;
        } else {
            out[n++] = '=';
            out[n++] = (uint8_t)hex[c >> 4];
            out[n++] = (uint8_t)hex[c & 15];
        }
        col += w;
    }
    return n;
}
