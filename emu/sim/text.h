/*
 * text.h - small text helpers shared by every layer (did-you-mean
 * suggestions for keys, names and parameters).
 */
#ifndef HS_SIM_TEXT_H
#define HS_SIM_TEXT_H

#include <stddef.h>

/* Levenshtein distance between a and b; strings longer than 95
 * characters compare as 96 (too far to suggest). */
size_t hs_edit_distance(const char *a, const char *b);

/* The first of names[0..n) nearest to s within edit distance 2 (a
 * did-you-mean suggestion), or NULL. */
const char *hs_nearest(const char *s, const char *const *names, size_t n);

#endif /* HS_SIM_TEXT_H */
