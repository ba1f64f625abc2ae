/*
 * error.h - the one way host-side modules report a failure to their
 * caller: a message in a caller-owned buffer and -1 (STYLE.md, errors).
 */
#ifndef HS_SIM_ERROR_H
#define HS_SIM_ERROR_H

#include <stddef.h>

/* Formats a message into err (when err is non-NULL and size > 0, always
 * NUL-terminated, control characters escaped) and returns -1, so callers
 * can `return hs_errorf(...)`. */
int hs_errorf(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Rewrites control characters (bytes below 0x20 and 0x7f) in the
 * NUL-terminated message s, of buffer size `size`, as \n, \t, \r or
 * \xHH, truncating at a character boundary to fit: text echoed from input
 * stays on one line and cannot fake a "FILE:LINE:COL:" line or a
 * terminal escape. hs_errorf and the loaders' messages go through it. */
void hs_escape_controls(char *s, size_t size);

#endif /* HS_SIM_ERROR_H */
