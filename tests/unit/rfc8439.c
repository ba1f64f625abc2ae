/*
 * rfc8439.c - RFC 8439 test vectors shared by the crypto tests.
 */
#include "rfc8439.h"

size_t test_unhex(const char *s, uint8_t *out)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        int v;
        if (*s >= '0' && *s <= '9')
            v = *s - '0';
        else if (*s >= 'a' && *s <= 'f')
            v = *s - 'a' + 10;
        else
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

const char rfc8439_sunscreen[] =
    "Ladies and Gentlemen of the class of '99: If I could offer you only "
    "one tip for the future, sunscreen would be it.";

void rfc8439_2_8_2(Rfc8439Aead *v)
{
    for (int i = 0; i < 32; i++)
        v->key[i] = (uint8_t)(0x80 + i);
    test_unhex("07 00 00 00 40 41 42 43 44 45 46 47", v->nonce);
    test_unhex("50 51 52 53 c0 c1 c2 c3 c4 c5 c6 c7", v->aad);
    test_unhex("d3 1a 8d 34 64 8e 60 db 7b 86 af bc 53 ef 7e c2"
               "a4 ad ed 51 29 6e 08 fe a9 e2 b5 a7 36 ee 62 d6"
               "3d be a4 5e 8c a9 67 12 82 fa fb 69 da 92 72 8b"
               "1a 71 de 0a 9e 06 0b 29 05 d6 a5 b6 7e cd 3b 36"
               "92 dd bd 7f 2d 77 8b 8c 98 03 ae e3 28 09 1b 58"
               "fa b3 24 e4 fa d6 75 94 55 85 80 8b 48 31 d7 bc"
               "3f f4 de f0 8e 4b 7a 9d e5 76 d2 65 86 ce c6 4b"
               "61 16",
               v->ct);
    test_unhex("1a:e1:0b:59:4f:09:e2:6a:7e:90:2e:cb:d0:60:06:91", v->tag);
}
