/*
 * json.c - jansson parsing, the position index and the typed getters.
 *
 * The index is built by a second, small scanner that walks the text
 * jansson has just accepted. Because the text is known to be valid JSON
 * the scanner only tracks structure, line and column and decodes object
 * keys (escapes included) so that its paths match the keys jansson
 * stores. Numbers are re-read from their text for exact decimal
 * conversions, so a figure such as 2265.6 never goes through binary
 * floating point on its way to an integer.
 */
#include "config/json.h"
#include "sim/error.h"
#include "sim/text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_FILE_BYTES (64u << 20) /* refuse larger input files */
#define JSON_MAX_DIGITS 18              /* significant digits in a decimal */
#define JSON_MAX_EXP10 300              /* largest |exponent| accepted */

static const int64_t pow10_table[JSON_MAX_DIGITS + 1] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

/* ---- growable byte buffer ------------------------------------------- */

typedef struct StrBuf {
    char *data; /* NUL-terminated contents (owned) */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
} StrBuf;

static int strbuf_reserve(StrBuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static int strbuf_append(StrBuf *b, const char *s, size_t n)
{
    if (strbuf_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

/* ---- the position scanner ------------------------------------------- */

typedef struct Scan {
    const char *text;        /* the text jansson accepted */
    size_t len;              /* its length */
    size_t pos;              /* next byte to read */
    uint32_t line;           /* line of text[pos] */
    uint32_t col;            /* column of text[pos] */
    JsonIndexEntry *entries; /* index being built (owned until handed) */
    size_t n, cap;           /* entries used and allocated */
    StrBuf path;             /* path of the value being scanned */
    StrBuf key;              /* scratch for decoded keys */
    bool failed;             /* out of memory or unexpected text */
} Scan;

static JsonLoc scan_loc(const Scan *s)
{
    return (JsonLoc){.line = s->line, .column = s->col, .offset = s->pos};
}

static int scan_peek(const Scan *s)
{
    return s->pos < s->len ? (unsigned char)s->text[s->pos] : -1;
}

static void scan_advance(Scan *s)
{
    if (s->pos >= s->len)
        return;
    unsigned char c = (unsigned char)s->text[s->pos++];
    if (c == '\n') {
        s->line++;
        s->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        /* Count characters, not bytes: UTF-8 continuation bytes do not
         * start a column (jansson counts the same way). */
        s->col++;
    }
}

static void scan_ws(Scan *s)
{
    for (;;) {
        int c = scan_peek(s);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        scan_advance(s);
    }
}

static void scan_expect(Scan *s, int c)
{
    if (scan_peek(s) != c) {
        s->failed = true;
        return;
    }
    scan_advance(s);
}

static void scan_record(Scan *s, JsonLoc key, JsonLoc value)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        JsonIndexEntry *e = realloc(s->entries, cap * sizeof *e);
        if (!e) {
            s->failed = true;
            return;
        }
        s->entries = e;
        s->cap = cap;
    }
    char *path = strdup(s->path.data ? s->path.data : "");
    if (!path) {
        s->failed = true;
        return;
    }
    s->entries[s->n++] =
        (JsonIndexEntry){.path = path, .value = value, .key = key};
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static uint32_t scan_hex4(Scan *s)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(scan_peek(s));
        if (h < 0) {
            s->failed = true;
            return 0;
        }
        v = v * 16 + (uint32_t)h;
        scan_advance(s);
    }
    return v;
}

static void put_utf8(StrBuf *b, uint32_t cp, Scan *s)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    if (strbuf_append(b, u, n) < 0)
        s->failed = true;
}

/* Reads a string token; decodes it into out when out is not NULL. */
static void scan_string(Scan *s, StrBuf *out)
{
    if (out) {
        out->len = 0;
        if (strbuf_append(out, "", 0) < 0)
            s->failed = true;
    }
    scan_expect(s, '"');
    while (!s->failed) {
        int c = scan_peek(s);
        if (c < 0) {
            s->failed = true;
            return;
        }
        if (c == '"') {
            scan_advance(s);
            return;
        }
        if (c != '\\') {
            if (out) {
                char ch = (char)c;
                if (strbuf_append(out, &ch, 1) < 0)
                    s->failed = true;
            }
            scan_advance(s);
            continue;
        }
        scan_advance(s);
        int e = scan_peek(s);
        scan_advance(s);
        uint32_t cp;
        switch (e) {
        case 'b':
            cp = '\b';
            break;
        case 'f':
            cp = '\f';
            break;
        case 'n':
            cp = '\n';
            break;
        case 'r':
            cp = '\r';
            break;
        case 't':
            cp = '\t';
            break;
        case 'u':
            cp = scan_hex4(s);
            if (cp >= 0xD800 && cp <= 0xDBFF && scan_peek(s) == '\\') {
                /* A surrogate pair encodes one code point. */
                scan_advance(s);
                scan_expect(s, 'u');
                uint32_t lo = scan_hex4(s);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            break;
        default:
            cp = (uint32_t)e;
            break; /* '"', '\\', '/' */
        }
        if (out)
            put_utf8(out, cp, s);
    }
}

static void scan_value(Scan *s, const JsonLoc *key);

static void scan_object(Scan *s)
{
    scan_expect(s, '{');
    scan_ws(s);
    if (scan_peek(s) == '}') {
        scan_advance(s);
        return;
    }
    size_t base = s->path.len;
    while (!s->failed) {
        scan_ws(s);
        JsonLoc key = scan_loc(s);
        scan_string(s, &s->key);
        if (s->failed)
            return;
        if ((base > 0 && strbuf_append(&s->path, ".", 1) < 0) ||
            strbuf_append(&s->path, s->key.data, s->key.len) < 0) {
            s->failed = true;
            return;
        }
        scan_ws(s);
        scan_expect(s, ':');
        scan_value(s, &key);
        s->path.len = base;
        s->path.data[base] = '\0';
        scan_ws(s);
        if (scan_peek(s) == ',') {
            scan_advance(s);
            continue;
        }
        scan_expect(s, '}');
        return;
    }
}

static void scan_array(Scan *s)
{
    scan_expect(s, '[');
    scan_ws(s);
    if (scan_peek(s) == ']') {
        scan_advance(s);
        return;
    }
    size_t base = s->path.len;
    for (size_t i = 0; !s->failed; i++) {
        char idx[32];
        int n = snprintf(idx, sizeof idx, "[%zu]", i);
        if (strbuf_append(&s->path, idx, (size_t)n) < 0) {
            s->failed = true;
            return;
        }
        scan_value(s, NULL);
        s->path.len = base;
        s->path.data[base] = '\0';
        scan_ws(s);
        if (scan_peek(s) == ',') {
            scan_advance(s);
            continue;
        }
        scan_expect(s, ']');
        return;
    }
}

static void scan_value(Scan *s, const JsonLoc *key)
{
    scan_ws(s);
    JsonLoc at = scan_loc(s);
    scan_record(s, key ? *key : at, at);
    switch (scan_peek(s)) {
    case '{':
        scan_object(s);
        break;
    case '[':
        scan_array(s);
        break;
    case '"':
        scan_string(s, NULL);
        break;
    case -1:
        s->failed = true;
        break;
    default:
        /* number, true, false or null: runs to the next delimiter */
        for (;;) {
            int c = scan_peek(s);
            if (c < 0 || c == ',' || c == ']' || c == '}' || c == ' ' ||
                c == '\t' || c == '\n' || c == '\r')
                break;
            scan_advance(s);
        }
        break;
    }
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const JsonIndexEntry *)a)->path,
                  ((const JsonIndexEntry *)b)->path);
}

static int build_index(JsonDoc *doc)
{
    Scan s = {.text = doc->text, .len = doc->text_len, .line = 1, .col = 1};
    if (strbuf_append(&s.path, "", 0) < 0)
        s.failed = true;
    else
        scan_value(&s, NULL);
    free(s.path.data);
    free(s.key.data);
    doc->index = s.entries;
    doc->n_index = s.n;
    if (s.failed)
        return -1;
    qsort(doc->index, doc->n_index, sizeof doc->index[0], entry_cmp);
    return 0;
}

/* ---- documents ------------------------------------------------------ */

void json_doc_free(JsonDoc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->n_index; i++)
        free(doc->index[i].path);
    free(doc->index);
    json_decref(doc->root);
    free(doc->text);
    free(doc->file);
    free(doc);
}

JsonDoc *json_doc_load_text(const char *name, const char *text, size_t len,
                            char *err, size_t err_size)
{
    JsonDoc *doc = calloc(1, sizeof *doc);
    if (!doc)
        goto nomem;
    doc->file = strdup(name);
    doc->text = malloc(len + 1);
    if (!doc->file || !doc->text)
        goto nomem;
    memcpy(doc->text, text, len);
    doc->text[len] = '\0';
    doc->text_len = len;

    json_error_t jerr;
    doc->root = json_loadb(doc->text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc->root) {
        /* jansson's column is that of the last character it read: 0
         * when it stopped at the start of a line (an end of file after a
         * newline, an empty file), where the next character would be
         * column 1 */
        if (jerr.line > 0)
            hs_errorf(err, err_size, "%s:%d:%d: invalid JSON: %s", name,
                      jerr.line, jerr.column > 0 ? jerr.column : 1, jerr.text);
        else
            hs_errorf(err, err_size, "%s: invalid JSON: %s", name, jerr.text);
        goto fail;
    }
    if (build_index(doc) < 0) {
        hs_errorf(err, err_size, "%s: out of memory while indexing", name);
        goto fail;
    }
    return doc;

nomem:
    hs_errorf(err, err_size, "%s: out of memory", name);
fail:
    json_doc_free(doc);
    return NULL;
}

JsonDoc *json_doc_load_file(const char *path, char *err, size_t err_size)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    JsonDoc *doc = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        hs_errorf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 16384;
            if (cap > JSON_MAX_FILE_BYTES) {
                hs_errorf(err, err_size, "%s: file is larger than %u bytes",
                          path, JSON_MAX_FILE_BYTES);
                goto fail;
            }
            char *p = realloc(buf, cap);
            if (!p) {
                hs_errorf(err, err_size, "%s: out of memory", path);
                goto fail;
            }
            buf = p;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        hs_errorf(err, err_size, "%s: read error: %s", path, strerror(errno));
        goto fail;
    }
    doc = json_doc_load_text(path, buf ? buf : "", len, err, err_size);
fail:
    fclose(f);
    free(buf);
    return doc;
}

const char *json_doc_error(const JsonDoc *doc)
{
    return doc->err;
}

const JsonIndexEntry *json_doc_find(const JsonDoc *doc, const char *path)
{
    JsonIndexEntry key = {.path = (char *)path};
    return bsearch(&key, doc->index, doc->n_index, sizeof doc->index[0],
                   entry_cmp);
}

/* The entry for path, or for its nearest indexed ancestor. */
static const JsonIndexEntry *find_nearest(const JsonDoc *doc, const char *path)
{
    char buf[JSON_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (;;) {
        const JsonIndexEntry *e = json_doc_find(doc, buf);
        if (e || buf[0] == '\0')
            return e;
        char *dot = strrchr(buf, '.');
        char *br = strrchr(buf, '[');
        char *cut = dot > br ? dot : br;
        if (cut)
            *cut = '\0';
        else
            buf[0] = '\0';
    }
}

static int fail_at(JsonDoc *doc, const JsonLoc *loc, const char *path,
                   const char *fmt, va_list ap)
{
    if (doc->err[0])
        return -1; /* keep the first error */
    /* "FILE:LINE:COLUMN: " then "PATH: " then the message, each piece
     * truncated to what is left of the buffer. */
    uint32_t line = loc ? loc->line : 1, col = loc ? loc->column : 1;
    size_t size = sizeof doc->err;
    int n = snprintf(doc->err, size, "%s:%" PRIu32 ":%" PRIu32 ": ", doc->file,
                     line, col);
    if (n > 0 && (size_t)n < size && path[0])
        n += snprintf(doc->err + n, size - (size_t)n, "%s: ", path);
    if (n > 0 && (size_t)n < size)
        vsnprintf(doc->err + n, size - (size_t)n, fmt, ap);
    hs_escape_controls(doc->err, size);
    return -1;
}

static int fail_in_loc(JsonDoc *doc, const JsonLoc *loc, const char *path,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_in_loc(JsonDoc *doc, const JsonLoc *loc, const char *path,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_at(doc, loc, path, fmt, ap);
    va_end(ap);
    return -1;
}

int json_fail(JsonDoc *doc, const char *path, const char *fmt, ...)
{
    const JsonIndexEntry *e = find_nearest(doc, path);
    va_list ap;
    va_start(ap, fmt);
    fail_at(doc, e ? &e->value : NULL, path, fmt, ap);
    va_end(ap);
    return -1;
}

int json_check_name(JsonDoc *doc, const char *path, const char *name)
{
    bool ok = name[0] != '\0' && name[0] != '-' && name[0] != '_';
    size_t n = 0;
    for (const char *p = name; ok && *p; p++, n++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
             *p == '-' || *p == '_';
    if (!ok || n > JSON_NAME_MAX)
        return json_fail(doc, path,
                         "\"%.40s%s\" is not a valid name (1-%d characters "
                         "of a-z, 0-9, '-', '_', starting with a letter or "
                         "digit)",
                         name, strlen(name) > 40 ? "..." : "", JSON_NAME_MAX);
    return 0;
}

int json_check_line(JsonDoc *doc, const char *path, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return json_fail(doc, path,
                             "control character 0x%02x at character %zu: "
                             "text is one line of printable characters",
                             *p, (size_t)(p - (const unsigned char *)text) + 1);
    return 0;
}

/* An error placed at the object `at_path` but naming `path`. */
static int fail_in(JsonDoc *doc, const char *at_path, const char *path,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail_in(JsonDoc *doc, const char *at_path, const char *path,
                   const char *fmt, ...)
{
    const JsonIndexEntry *e = find_nearest(doc, at_path);
    va_list ap;
    va_start(ap, fmt);
    fail_at(doc, e ? &e->value : NULL, path, fmt, ap);
    va_end(ap);
    return -1;
}

char *json_path_key(char *buf, size_t size, const char *prefix, const char *key)
{
    if (prefix[0])
        snprintf(buf, size, "%s.%s", prefix, key);
    else
        snprintf(buf, size, "%s", key);
    return buf;
}

char *json_path_index(char *buf, size_t size, const char *prefix, size_t i)
{
    snprintf(buf, size, "%s[%zu]", prefix, i);
    return buf;
}

bool json_has_key(const json_t *obj, const char *key)
{
    return json_is_object(obj) && json_object_get(obj, key) != NULL;
}

/* Finds member key; on absence stores "PATH: missing" at the object. */
static const json_t *member(JsonDoc *doc, const json_t *obj, const char *prefix,
                            const char *key, char *path)
{
    json_path_key(path, JSON_PATH_MAX, prefix, key);
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!v)
        fail_in(doc, prefix, path, "missing");
    return v;
}

/* ---- decimals ------------------------------------------------------- */

/* Parses the JSON number at p exactly. Returns 0, -1 for too many
 * significant digits, -2 for an exponent out of range. */
static int parse_decimal(const char *p, JsonDecimal *out)
{
    bool neg = false;
    int64_t coef = 0;
    int digits = 0;
    int64_t exp10 = 0;
    if (*p == '-') {
        neg = true;
        p++;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        if (coef == 0 && *p == '0')
            continue;
        if (digits == JSON_MAX_DIGITS)
            return -1;
        coef = coef * 10 + (*p - '0');
        digits++;
    }
    if (*p == '.') {
        p++;
        const char *end = p;
        while (*end >= '0' && *end <= '9')
            end++;
        const char *last = end; /* trailing zeros carry no value */
        while (last > p && last[-1] == '0')
            last--;
        for (; p < last; p++) {
            exp10--;
            if (coef == 0 && *p == '0')
                continue;
            if (digits == JSON_MAX_DIGITS)
                return -1;
            coef = coef * 10 + (*p - '0');
            digits++;
        }
        p = end;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        bool eneg = false;
        if (*p == '+' || *p == '-')
            eneg = *p++ == '-';
        int64_t e = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            if (e < 100000)
                e = e * 10 + (*p - '0');
        exp10 += eneg ? -e : e;
    }
    if (coef == 0)
        exp10 = 0;
    if (exp10 > JSON_MAX_EXP10 || exp10 < -JSON_MAX_EXP10)
        return -2;
    out->coef = neg ? -coef : coef;
    out->exp10 = (int32_t)exp10;
    return 0;
}

int json_decimal_scale(JsonDecimal d, int scale_exp10, int64_t *out,
                       bool *inexact)
{
    int64_t e = (int64_t)d.exp10 + scale_exp10;
    if (inexact)
        *inexact = false;
    if (d.coef == 0) {
        *out = 0;
        return 0;
    }
    if (e >= 0) {
        if (e > JSON_MAX_DIGITS)
            return -1;
        int64_t m = pow10_table[e];
        int64_t r;
        if (__builtin_mul_overflow(d.coef, m, &r))
            return -1;
        *out = r;
        return 0;
    }
    int64_t mag = d.coef < 0 ? -d.coef : d.coef;
    int64_t q, rem;
    if (-e > JSON_MAX_DIGITS) {
        q = 0; /* |coef| < 10^18 <= divisor / 10: rounds to zero */
        rem = mag;
    } else {
        int64_t div = pow10_table[-e];
        q = mag / div;
        rem = mag % div;
        if (rem != 0 && rem >= div - rem)
            q++; /* half away from zero */
    }
    if (rem != 0 && inexact)
        *inexact = true;
    *out = d.coef < 0 ? -q : q;
    return 0;
}

int json_decimal_mul_int(JsonDecimal d, int64_t k, JsonDecimal *out)
{
    int64_t r;
    if (__builtin_mul_overflow(d.coef, k, &r))
        return -1;
    out->coef = r;
    out->exp10 = d.exp10;
    return 0;
}

/* ---- getters -------------------------------------------------------- */

int json_get_number(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *key, double min, double max, double *out)
{
    char path[JSON_PATH_MAX];
    const json_t *v = member(doc, obj, prefix, key, path);
    if (!v)
        return -1;
    if (!json_is_number(v))
        return json_fail(doc, path, "expected a number");
    double x = json_number_value(v);
    if (x < min)
        return json_fail(doc, path, "must be at least %g", min);
    if (x > max)
        return json_fail(doc, path, "must be at most %g", max);
    *out = x;
    return 0;
}

int json_get_integer(JsonDoc *doc, const json_t *obj, const char *prefix,
                     const char *key, int64_t min, int64_t max, int64_t *out)
{
    char path[JSON_PATH_MAX];
    const json_t *v = member(doc, obj, prefix, key, path);
    if (!v)
        return -1;
    if (!json_is_integer(v))
        return json_fail(doc, path, "expected an integer");
    int64_t x = (int64_t)json_integer_value(v);
    if (x < min)
        return json_fail(doc, path, "must be at least %" PRId64, min);
    if (x > max)
        return json_fail(doc, path, "must be at most %" PRId64, max);
    *out = x;
    return 0;
}

int json_get_decimal(JsonDoc *doc, const json_t *obj, const char *prefix,
                     const char *key, unsigned flags, JsonDecimal *out)
{
    char path[JSON_PATH_MAX];
    const json_t *v = member(doc, obj, prefix, key, path);
    if (!v)
        return -1;
    if (!json_is_number(v))
        return json_fail(doc, path, "expected a number");
    const JsonIndexEntry *e = json_doc_find(doc, path);
    if (!e)
        return json_fail(doc, path, "not found in the position index");
    JsonDecimal d;
    int rc = parse_decimal(doc->text + e->value.offset, &d);
    if (rc == -1)
        return json_fail(doc, path, "has more than %d significant digits",
                         JSON_MAX_DIGITS);
    if (rc == -2)
        return json_fail(doc, path, "exponent is out of range");
    if ((flags & JSON_NUM_POSITIVE) && d.coef <= 0)
        return json_fail(doc, path, "must be greater than 0");
    if ((flags & JSON_NUM_NONNEGATIVE) && d.coef < 0)
        return json_fail(doc, path, "must not be negative");
    *out = d;
    return 0;
}

int json_get_scaled(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *key, int scale_exp10, unsigned flags,
                    int64_t *out)
{
    JsonDecimal d;
    if (json_get_decimal(doc, obj, prefix, key, flags, &d) < 0)
        return -1;
    char path[JSON_PATH_MAX];
    json_path_key(path, sizeof path, prefix, key);
    int64_t x;
    bool inexact;
    if (json_decimal_scale(d, scale_exp10, &x, &inexact) < 0)
        return json_fail(doc, path, "is too large");
    if (inexact && (flags & JSON_NUM_EXACT))
        return json_fail(doc, path, "has more than %d decimal places",
                         scale_exp10 > 0 ? scale_exp10 : 0);
    if ((flags & JSON_NUM_POSITIVE) && x == 0)
        return json_fail(doc, path, "is too small (rounds to 0)");
    *out = x;
    return 0;
}

int json_get_string(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *key, const char **out)
{
    char path[JSON_PATH_MAX];
    const json_t *v = member(doc, obj, prefix, key, path);
    if (!v)
        return -1;
    if (!json_is_string(v))
        return json_fail(doc, path, "expected a string");
    *out = json_string_value(v);
    return 0;
}

int json_get_bool(JsonDoc *doc, const json_t *obj, const char *prefix,
                  const char *key, bool *out)
{
    char path[JSON_PATH_MAX];
    const json_t *v = member(doc, obj, prefix, key, path);
    if (!v)
        return -1;
    if (!json_is_boolean(v))
        return json_fail(doc, path, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

int json_get_enum(JsonDoc *doc, const json_t *obj, const char *prefix,
                  const char *key, const char *const names[], int *out)
{
    const char *s = NULL;
    if (json_get_string(doc, obj, prefix, key, &s) < 0)
        return -1;
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], s) == 0) {
            *out = i;
            return 0;
        }
    }
    char list[JSON_ERR_MAX / 2] = "";
    size_t n = 0;
    for (int i = 0; names[i] && n < sizeof list; i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s\"%s\"",
                              i ? ", " : "", names[i]);
    char path[JSON_PATH_MAX];
    json_path_key(path, sizeof path, prefix, key);
    return json_fail(doc, path, "expected one of %s (got \"%s\")", list, s);
}

int json_get_duration(JsonDoc *doc, const json_t *obj, const char *prefix,
                      const char *key, hs_time *out)
{
    char path[JSON_PATH_MAX];
    const json_t *v = member(doc, obj, prefix, key, path);
    if (!v)
        return -1;
    if (!json_is_string(v))
        return json_fail(doc, path,
                         "expected a duration string such as \"250ms\"");
    char why[128];
    if (sim_parse_duration(json_string_value(v), out, why, sizeof why) < 0)
        return json_fail(doc, path, "invalid duration \"%s\": %s",
                         json_string_value(v), why);
    return 0;
}

int json_get_object(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *key, const json_t **out)
{
    char path[JSON_PATH_MAX];
    const json_t *v = member(doc, obj, prefix, key, path);
    if (!v)
        return -1;
    if (!json_is_object(v))
        return json_fail(doc, path, "expected an object");
    *out = v;
    return 0;
}

int json_get_array(JsonDoc *doc, const json_t *obj, const char *prefix,
                   const char *key, size_t min_len, size_t max_len,
                   const json_t **out)
{
    char path[JSON_PATH_MAX];
    const json_t *v = member(doc, obj, prefix, key, path);
    if (!v)
        return -1;
    if (!json_is_array(v))
        return json_fail(doc, path, "expected an array");
    size_t n = json_array_size(v);
    if (n < min_len)
        return json_fail(doc, path, "must have at least %zu element%s", min_len,
                         min_len == 1 ? "" : "s");
    if (n > max_len)
        return json_fail(doc, path, "must have at most %zu element%s", max_len,
                         max_len == 1 ? "" : "s");
    *out = v;
    return 0;
}

int json_expect_object(JsonDoc *doc, const json_t *value, const char *path)
{
    if (json_is_object(value))
        return 0;
    return json_fail(doc, path, "expected an object");
}

int json_check_keys(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *const allowed[])
{
    const char *key;
    const json_t *v;
    const JsonIndexEntry *first = NULL;
    const char *first_key = NULL;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool known = false;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (known)
            continue;
        char path[JSON_PATH_MAX];
        json_path_key(path, sizeof path, prefix, key);
        const JsonIndexEntry *e = json_doc_find(doc, path);
        /* Report the unknown key met first in the text, whatever order
         * jansson iterates in. */
        if (!first_key || (e && first && e->key.offset < first->key.offset)) {
            first = e;
            first_key = key;
        }
    }
    (void)v;
    if (!first_key)
        return 0;

    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; allowed[i]; i++) {
        size_t d = hs_edit_distance(first_key, allowed[i]);
        if (d < best_d) {
            best_d = d;
            best = allowed[i];
        }
    }
    char path[JSON_PATH_MAX];
    json_path_key(path, sizeof path, prefix, first_key);
    const JsonIndexEntry *at = first ? first : find_nearest(doc, prefix);
    const JsonLoc *loc = first ? &at->key : (at ? &at->value : NULL);
    if (best)
        return fail_in_loc(doc, loc, path, "unknown key (did you mean \"%s\"?)",
                           best);
    return fail_in_loc(doc, loc, path, "unknown key");
}

char *json_pool_add(char ***pool, size_t *n, const char *text)
{
    char *copy = strdup(text);
    char **grown = copy ? realloc(*pool, (*n + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(copy);
        return NULL;
    }
    *pool = grown;
    grown[(*n)++] = copy;
    return copy;
}
