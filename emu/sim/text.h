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

#endif /* HS_SIM_TEXT_H */
