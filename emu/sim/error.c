/*
 * error.c - formatted error messages into caller buffers.
 */
#include "sim/error.h"

#include <stdarg.h>
#include <stdio.h>

int hs_errorf(char *err, size_t size, const char *fmt, ...)
{
    if (err && size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, size, fmt, ap);
        va_end(ap);
    }
    return -1;
}
