/*
 * fmt.h - how handset's tables write numbers and fields: CSV quoting and
 * numbers rounded for reading (compare tables, sweep summaries).
 */
#ifndef HS_OUT_FMT_H
#define HS_OUT_FMT_H

#include <stddef.h>
#include <stdio.h>

/* Writes s as one CSV field, quoted when it holds a comma, quote or line
 * break (RFC 4180). */
void fmt_csv_field(FILE *out, const char *s);

/* v rounded for reading: >= 1e5 no decimals; >= 100 one; >= 1 two;
 * smaller, 3 significant digits; 0 as "0". */
void fmt_reading(char *buf, size_t size, double v);

#endif
