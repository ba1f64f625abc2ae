/*
 * json.h - the JSON input layer shared by every handset file loader (SoC
 * descriptions, scenarios): parse with jansson, remember where each value
 * sits in the text, and read values through typed getters whose errors
 * name file, line, column and the key path.
 *
 * jansson validates the text and builds the tree but keeps no positions,
 * so json_doc_load_* scans the same (already valid) text once more and
 * records, for every value, its path and the line:column where it starts
 * (and, for object members, where the key starts). Paths are written
 * `clusters[0].opps[2].freq_mhz`; the root's path is "". Keys are used
 * as they are, so a key that itself contains '.' or '[' can make two
 * paths look alike; handset's formats use no such keys.
 *
 * Errors stop at the first: a getter that fails stores one message in the
 * JsonDoc and returns -1; loaders `goto fail` and report that message.
 * The message format is fixed:
 *
 *     FILE:LINE:COLUMN: PATH: MESSAGE
 *
 * where LINE:COLUMN is the start of the offending value (for a missing
 * key, the start of the object that lacks it; for an unknown key, the key
 * itself). Columns count characters from 1, as jansson's do. Nothing here
 * prints or exits.
 */
#ifndef HS_CONFIG_JSON_H
#define HS_CONFIG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/time.h"

#define JSON_ERR_MAX 512  /* size of JsonDoc.err, including the NUL */
#define JSON_PATH_MAX 256 /* longest key path json_path_* build */

/* A place in the text. */
typedef struct JsonLoc {
    uint32_t line;   /* 1-based line */
    uint32_t column; /* 1-based column, in characters */
    size_t offset;   /* byte offset from the start of the text */
} JsonLoc;

/* One indexed value. */
typedef struct JsonIndexEntry {
    char *path;    /* key path, e.g. "clusters[0].opps[2]" (owned) */
    JsonLoc value; /* where the value starts */
    JsonLoc key;   /* where its key starts (== value for non-members) */
} JsonIndexEntry;

/* A parsed file with its position index and the first error met. */
typedef struct JsonDoc {
    char *file;             /* name used in messages (owned) */
    char *text;             /* the text, NUL-terminated (owned) */
    size_t text_len;        /* length of text in bytes */
    json_t *root;           /* parsed tree (one reference, owned) */
    JsonIndexEntry *index;  /* entries sorted by path (owned) */
    size_t n_index;         /* number of entries */
    char err[JSON_ERR_MAX]; /* first error, "" while there is none */
} JsonDoc;

/* A decimal number exactly as written: value = coef * 10^exp10. */
typedef struct JsonDecimal {
    int64_t coef;  /* signed significand, |coef| < 10^18 */
    int32_t exp10; /* power of ten */
} JsonDecimal;

/* Flags for json_get_scaled / json_get_decimal. */
enum {
    JSON_NUM_NONNEGATIVE = 1 << 0, /* reject values < 0 */
    JSON_NUM_POSITIVE = 1 << 1,    /* reject values <= 0 */
    JSON_NUM_EXACT = 1 << 2,       /* reject values that need rounding */
};

/*
 * Reads and parses a file (JSON_REJECT_DUPLICATES) and indexes it. On
 * success returns a new JsonDoc the caller frees with json_doc_free. On
 * failure returns NULL and writes "FILE:LINE:COLUMN: MESSAGE" (or
 * "FILE: MESSAGE" when the file cannot be read) into err.
 */
JsonDoc *json_doc_load_file(const char *path, char *err, size_t err_size);

/* The same from text already in memory; name is used in messages. The
 * text is copied. */
JsonDoc *json_doc_load_text(const char *name, const char *text, size_t len,
                            char *err, size_t err_size);

/* Frees the document, its tree and its index. NULL is allowed. */
void json_doc_free(JsonDoc *doc);

/* The first error stored in doc ("" if none). */
const char *json_doc_error(const JsonDoc *doc);

/* Finds the indexed value at path. Returns NULL if there is none. */
const JsonIndexEntry *json_doc_find(const JsonDoc *doc, const char *path);

/*
 * Stores "FILE:LINE:COLUMN: PATH: MESSAGE" in doc->err, the position being
 * the start of the value at path (or of its nearest indexed ancestor), and
 * returns -1. A second error does not replace the first. When path is ""
 * the "PATH: " part is left out.
 */
int json_fail(JsonDoc *doc, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The name rule every name in handset's files follows (scenario domains,
 * peers and variants, SoC clusters, core types and GPU): 1 to
 * JSON_NAME_MAX characters of a-z, 0-9, '-', '_', starting with a letter
 * or digit, so a name is safe in metric paths, --set keys, file names
 * and messages. Returns 0, or -1 with an error at path (the name quoted,
 * cut at 40 characters). */
#define JSON_NAME_MAX 32
int json_check_name(JsonDoc *doc, const char *path, const char *name);
/* Free text (descriptions, sources): one line, no control character.
 * Returns 0, or -1 with an error at path. */
int json_check_line(JsonDoc *doc, const char *path, const char *text);

/* The loaders keep the strings a model holds in a pool the model frees
 * (char **pool of *n entries): adds a copy of text. Returns the copy, or
 * NULL when memory runs out (the pool is unchanged). */
char *json_pool_add(char ***pool, size_t *n, const char *text);

/* Builds "prefix.key" (or "key" when prefix is "") into buf; returns buf.
 * Truncates to size like snprintf. */
char *json_path_key(char *buf, size_t size, const char *prefix,
                    const char *key);

/* Builds "prefix[i]" into buf; returns buf. */
char *json_path_index(char *buf, size_t size, const char *prefix, size_t i);

/* True if obj is an object holding key. */
bool json_has_key(const json_t *obj, const char *key);

/*
 * Typed getters. Each reads member `key` of object `obj`, whose own path
 * is `prefix` ("" for the root). On success it stores the value and
 * returns 0; on failure it stores an error in doc and returns -1:
 *   missing key  -> at obj:    "PREFIX.KEY: missing"
 *   wrong type   -> at value:  "PREFIX.KEY: expected a number" (etc.)
 *   out of range -> at value:  "PREFIX.KEY: must be at least MIN" (etc.)
 * Returned strings and json_t pointers are owned by doc.
 */

/* Any JSON number, min <= value <= max. */
int json_get_number(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *key, double min, double max, double *out);

/* A JSON integer (no fraction or exponent), min <= value <= max. */
int json_get_integer(JsonDoc *doc, const json_t *obj, const char *prefix,
                     const char *key, int64_t min, int64_t max, int64_t *out);

/* A number read exactly from its text. flags: JSON_NUM_NONNEGATIVE,
 * JSON_NUM_POSITIVE. Errors also when it has more than 18 significant
 * digits or an exponent beyond +-300. */
int json_get_decimal(JsonDoc *doc, const json_t *obj, const char *prefix,
                     const char *key, unsigned flags, JsonDecimal *out);

/*
 * A number times 10^scale_exp10 as an integer: json_get_scaled(..., 3,
 * ...) reads 2265.6 as 2265600 (MHz -> kHz). The conversion is exact
 * decimal arithmetic on the text, rounded once, half away from zero; with
 * JSON_NUM_EXACT a value that would need rounding is an error ("has more
 * than 3 decimal places").
 */
int json_get_scaled(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *key, int scale_exp10, unsigned flags,
                    int64_t *out);

/* A string (any length). */
int json_get_string(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *key, const char **out);

/* true or false. */
int json_get_bool(JsonDoc *doc, const json_t *obj, const char *prefix,
                  const char *key, bool *out);

/* A string from the NULL-terminated list names; stores its index.
 * Error: `expected one of "a", "b" (got "c")`. */
int json_get_enum(JsonDoc *doc, const json_t *obj, const char *prefix,
                  const char *key, const char *const names[], int *out);

/* A duration string read by sim_parse_duration ("250us", "1.28s"). */
int json_get_duration(JsonDoc *doc, const json_t *obj, const char *prefix,
                      const char *key, hs_time *out);

/* An object. */
int json_get_object(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *key, const json_t **out);

/* An array with min_len <= length <= max_len. */
int json_get_array(JsonDoc *doc, const json_t *obj, const char *prefix,
                   const char *key, size_t min_len, size_t max_len,
                   const json_t **out);

/* Checks that the value at path is an object ("expected an object"). */
int json_expect_object(JsonDoc *doc, const json_t *value, const char *path);

/*
 * Checks that every key of obj is in the NULL-terminated list allowed.
 * The first unknown key in text order is reported at the key:
 * "PREFIX.KEY: unknown key (did you mean \"capacity_mah\"?)" when an
 * allowed key is within edit distance 2, else "PREFIX.KEY: unknown key".
 */
int json_check_keys(JsonDoc *doc, const json_t *obj, const char *prefix,
                    const char *const allowed[]);

/*
 * Decimal arithmetic. json_decimal_scale stores d * 10^scale_exp10 rounded
 * half away from zero (exact when *inexact is left false) and returns 0,
 * or -1 if the result does not fit in int64_t. json_decimal_mul_int
 * stores d * k exactly, or returns -1 on overflow.
 */
int json_decimal_scale(JsonDecimal d, int scale_exp10, int64_t *out,
                       bool *inexact);
int json_decimal_mul_int(JsonDecimal d, int64_t k, JsonDecimal *out);

#endif /* HS_CONFIG_JSON_H */
