/*
 * error.h - the one way host-side modules report a failure to their
 * caller: a message in a caller-owned buffer and -1 (STYLE.md, errors).
 */
#ifndef HS_SIM_ERROR_H
#define HS_SIM_ERROR_H

#include <stddef.h>

/* Formats a message into err (when err is non-NULL and size > 0, always
 * NUL-terminated) and returns -1, so callers can `return hs_errorf(...)`. */
int hs_errorf(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* HS_SIM_ERROR_H */
