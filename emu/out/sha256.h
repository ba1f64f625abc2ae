/*
 * sha256.h - SHA-256 (FIPS 180-4) of files and buffers, for the inputs
 * block of results.json: the identity of what a run read, by content.
 * The digest is Nettle's; this header only adds hex output and files.
 */
#ifndef HS_OUT_SHA256_H
#define HS_OUT_SHA256_H

#include <stddef.h>

#include <nettle/sha2.h>

#define SHA256_HEX_LEN 64 /* hex digits, without the NUL */

typedef struct Sha256 {
    struct sha256_ctx ctx; /* Nettle's running state */
} Sha256;

void hs_sha256_init(Sha256 *s);
void hs_sha256_update(Sha256 *s, const void *data, size_t len);
/* Writes 64 lower-case hex digits and a NUL into hex. */
void hs_sha256_final_hex(Sha256 *s, char hex[SHA256_HEX_LEN + 1]);

/* Hashes the file at path. Returns 0, or -1 with a message naming the
 * path in err. */
int hs_sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN + 1],
                       char *err, size_t err_size);

#endif /* HS_OUT_SHA256_H */
