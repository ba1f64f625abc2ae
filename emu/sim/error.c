/*
 * error.c - formatted error messages into caller buffers.
 */
#include "sim/error.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int hs_errorf(char *err, size_t size, const char *fmt, ...)
{
    if (err && size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, size, fmt, ap);
        va_end(ap);
        hs_escape_controls(err, size);
    }
    return -1;
}

void hs_escape_controls(char *s, size_t size)
{
    if (!s || size == 0)
        return;
    size_t len = strnlen(s, size - 1), extra = 0;
    s[len] = '\0';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            extra += c == '\n' || c == '\t' || c == '\r' ? 1 : 3;
    }
    if (extra == 0)
        return;
    /* Rewrite through a copy; what no longer fits is cut off. */
    char out[1024];
    char *buf = size <= sizeof out ? out : malloc(size);
    if (!buf) {
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                s[i] = '?';
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[5];
        size_t n = 1;
        if (c == '\n' || c == '\t' || c == '\r') {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
            n = 2;
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            n = 4;
        } else {
            esc[0] = (char)c;
        }
        if (o + n >= size)
            break;
        memcpy(buf + o, esc, n);
        o += n;
    }
    buf[o] = '\0';
    memcpy(s, buf, o + 1);
    if (buf != out)
        free(buf);
}
