/*
 * sha256.c - SHA-256 of buffers and files through Nettle (nettle-dev),
 * printed as the lower-case hex that sha256sum prints.
 */
#include "out/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/error.h"

void hs_sha256_init(Sha256 *s)
{
    nettle_sha256_init(&s->ctx);
}

void hs_sha256_update(Sha256 *s, const void *data, size_t len)
{
    nettle_sha256_update(&s->ctx, len, data);
}

void hs_sha256_final_hex(Sha256 *s, char hex[SHA256_HEX_LEN + 1])
{
    uint8_t digest[SHA256_DIGEST_SIZE];
    nettle_sha256_digest(&s->ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

int hs_sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN + 1],
                       char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return hs_errorf(err, err_size, "%s: %s", path, strerror(errno));
    Sha256 s;
    hs_sha256_init(&s);
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        hs_sha256_update(&s, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return hs_errorf(err, err_size, "%s: read error", path);
    hs_sha256_final_hex(&s, hex);
    return 0;
}
