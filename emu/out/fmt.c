/*
 * fmt.c - CSV fields and numbers for reading: see fmt.h.
 */
#include "out/fmt.h"

#include <math.h>
#include <string.h>

void fmt_csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void fmt_reading(char *buf, size_t size, double v)
{
    double a = fabs(v);
    if (a >= 1e5)
        snprintf(buf, size, "%.0f", v);
    else if (a >= 100)
        snprintf(buf, size, "%.1f", v);
    else if (a >= 1)
        snprintf(buf, size, "%.2f", v);
    else if (a == 0)
        snprintf(buf, size, "0");
    else
        snprintf(buf, size, "%.3g", v);
}
