/*
 * test_guestlib_mail.c - the IMAP FETCH parser and MIME decoders of
 * guest/lib against fixtures in tests/data/mail/: whole responses, the
 * same responses split at every byte position and fed byte by byte,
 * several FETCHes in one response, error cases, and encoder/decoder
 * round trips.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/lib/gl_util.h"
#include "guest/lib/imap.h"
#include "guest/lib/mime.h"
#include "guest/lib/wl.h"

#define MAX_FILE 16384
#define MAX_PARTS 8

typedef struct Parsed {
    uint32_t n;                    /* parts seen */
    uint32_t seq[MAX_PARTS];       /* FETCH sequence number per part */
    char type[MAX_PARTS][40];      /* media types */
    uint8_t body[MAX_PARTS][4096]; /* decoded bodies */
    uint32_t len[MAX_PARTS];       /* their lengths */
    uint32_t cur_seq;              /* seq of the literal being parsed */
    int32_t mime_rc;               /* last mime_parse() result */
    uint8_t out[MAX_FILE];         /* decode buffer */
} Parsed;

static void on_part(void *ctx, const MimePart *p)
{
    Parsed *r = (Parsed *)ctx;
    assert_true(r->n < MAX_PARTS);
    assert_true(p->len <= sizeof(r->body[0]));
    assert_true(p->type_len < sizeof(r->type[0]));
    memcpy(r->type[r->n], p->type, p->type_len);
    r->type[r->n][p->type_len] = '\0';
    memcpy(r->body[r->n], p->data, p->len);
    r->len[r->n] = p->len;
    r->seq[r->n] = r->cur_seq;
    r->n++;
}

static void on_literal(void *ctx, uint32_t seq, const uint8_t *data,
                       uint32_t len)
{
    Parsed *r = (Parsed *)ctx;
    r->cur_seq = seq;
    r->mime_rc = mime_parse(data, len, r->out, sizeof(r->out), on_part, r);
}

static size_t load(const char *rel, uint8_t *buf, size_t cap)
{
    char path[512];
    hs_test_path(rel, (char *)path, sizeof(path));
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    assert_true(n < cap);
    return n;
}

static uint8_t resp[MAX_FILE], lit[MAX_FILE], expect[MAX_FILE];

/* Feeds resp[0..len) in pieces: cuts[] are increasing split offsets. */
static void parse_cuts(Parsed *r, ImapParser *p, size_t len,
                       const size_t *cuts, size_t ncuts)
{
    memset(r, 0, sizeof(*r));
    imap_init(p, lit, sizeof(lit), on_literal, r);
    size_t off = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        assert_int_equal(imap_feed(p, resp + off, (uint32_t)(end - off)), 0);
        off = end;
    }
}

static void check_body(const Parsed *r, uint32_t i, const char *rel)
{
    size_t n = load(rel, expect, sizeof(expect));
    assert_int_equal(r->len[i], n);
    assert_memory_equal(r->body[i], expect, n);
}

static void check_multipart(const Parsed *r, const ImapParser *p)
{
    assert_int_equal(p->error, 0);
    assert_true(imap_done(p));
    assert_int_equal(p->status, IMAP_STATUS_OK);
    assert_int_equal(p->fetches, 1);
    assert_int_equal(p->literals, 1);
    assert_int_equal(r->mime_rc, 3);
    assert_int_equal(r->n, 3);
    assert_string_equal(r->type[0], "text/plain");
    assert_string_equal(r->type[1], "TEXT/HTML");
    assert_string_equal(r->type[2], "application/pdf");
    for (int i = 0; i < 3; i++)
        assert_int_equal(r->seq[i], 12);
    check_body(r, 0, "tests/data/mail/fetch_multipart.part0.txt");
    check_body(r, 1, "tests/data/mail/fetch_multipart.part1.html");
    check_body(r, 2, "tests/data/mail/fetch_multipart.part2.bin");
}

static Parsed parsed;

static void test_mail_multipart_whole(void **state)
{
    (void)state;
    size_t len = load("tests/data/mail/fetch_multipart.txt", resp,
                      sizeof(resp));
    ImapParser p;
    parse_cuts(&parsed, &p, len, NULL, 0);
    check_multipart(&parsed, &p);
}

/* Two reads split at every possible position (inside the "{2495}"
 * marker, its CRLF, the literal, the closing line) give the same
 * result; so does byte-at-a-time feeding. */
static void test_mail_multipart_every_split(void **state)
{
    (void)state;
    size_t len = load("tests/data/mail/fetch_multipart.txt", resp,
                      sizeof(resp));
    ImapParser p;
    for (size_t s = 1; s < len; s++) {
        parse_cuts(&parsed, &p, len, &s, 1);
        check_multipart(&parsed, &p);
    }
    static size_t cuts[MAX_FILE];
    for (size_t i = 0; i + 1 < len; i++)
        cuts[i] = i + 1;
    parse_cuts(&parsed, &p, len, cuts, len - 1);
    check_multipart(&parsed, &p);
}

/* Three cuts at seeded positions, many times. */
static void test_mail_multipart_random_chunks(void **state)
{
    (void)state;
    size_t len = load("tests/data/mail/fetch_multipart.txt", resp,
                      sizeof(resp));
    GlRng rng;
    gl_rng_seed(&rng, 42);
    ImapParser p;
    for (int round = 0; round < 300; round++) {
        size_t cuts[3];
        for (int i = 0; i < 3; i++)
            cuts[i] = gl_rng_next(&rng) % (len - 1) + 1;
        for (int i = 0; i < 3; i++) /* sort */
            for (int j = i + 1; j < 3; j++)
                if (cuts[j] < cuts[i]) {
                    size_t t = cuts[i];
                    cuts[i] = cuts[j];
                    cuts[j] = t;
                }
        parse_cuts(&parsed, &p, len, cuts, 3);
        check_multipart(&parsed, &p);
    }
}

/* Several FETCHes; a '{5}' inside a quoted string is not a literal; a
 * FETCH without a literal is counted too. Every split point again. */
static void test_mail_two_fetches(void **state)
{
    (void)state;
    size_t len = load("tests/data/mail/fetch_two.txt", resp, sizeof(resp));
    ImapParser p;
    for (size_t s = 0; s < len; s++) {
        parse_cuts(&parsed, &p, len, &s, s == 0 ? 0 : 1);
        assert_int_equal(p.error, 0);
        assert_int_equal(p.status, IMAP_STATUS_OK);
        assert_int_equal(p.fetches, 3);
        assert_int_equal(p.literals, 2);
        assert_int_equal(parsed.n, 2);
        assert_int_equal(parsed.seq[0], 3);
        assert_int_equal(parsed.seq[1], 4);
        assert_string_equal(parsed.type[0], "text/plain");
        check_body(&parsed, 0, "tests/data/mail/fetch_two.part0.txt");
        check_body(&parsed, 1, "tests/data/mail/fetch_two.part1.txt");
    }
}

static void test_mail_errors(void **state)
{
    (void)state;
    ImapParser p;
    uint8_t small[8];
    const char *big = "* 1 FETCH (BODY[] {9}\r\n123456789)\r\n";
    imap_init(&p, small, sizeof(small), NULL, NULL);
    assert_int_equal(imap_feed(&p, (const uint8_t *)big, (uint32_t)strlen(big)),
                     IMAP_E_TOOBIG);
    /* sticky */
    assert_int_equal(imap_feed(&p, (const uint8_t *)"A1 OK\r\n", 7),
                     IMAP_E_TOOBIG);
    assert_false(imap_done(&p));

    const char *bad = "* 1 FETCH (FLAGS ())\rX\n";
    imap_init(&p, small, sizeof(small), NULL, NULL);
    assert_int_equal(imap_feed(&p, (const uint8_t *)bad, (uint32_t)strlen(bad)),
                     IMAP_E_SYNTAX);

    const char *no = "A9 NO [TRYCREATE] no such mailbox\r\n";
    imap_init(&p, small, sizeof(small), NULL, NULL);
    assert_int_equal(imap_feed(&p, (const uint8_t *)no, (uint32_t)strlen(no)),
                     0);
    assert_int_equal(p.status, IMAP_STATUS_NO);

    /* MIME: multipart without its closing delimiter, bad base64 */
    const char *open_mp = "Content-Type: multipart/mixed; boundary=x\r\n\r\n"
                          "--x\r\n\r\nbody\r\n";
    uint8_t out[128];
    assert_int_equal(mime_parse((const uint8_t *)open_mp,
                                (uint32_t)strlen(open_mp), out, sizeof(out),
                                NULL, NULL),
                     MIME_E_BOUNDARY);
    const char *bad64 = "Content-Transfer-Encoding: base64\r\n\r\nQUJD*\r\n";
    assert_int_equal(mime_parse((const uint8_t *)bad64,
                                (uint32_t)strlen(bad64), out, sizeof(out),
                                NULL, NULL),
                     MIME_E_BASE64);
    assert_int_equal(mime_parse((const uint8_t *)bad64,
                                (uint32_t)strlen(bad64), out, 2, NULL, NULL),
                     MIME_E_SPACE);
}

/* Our encoders and decoders invert each other on seeded binary data of
 * every length up to 300, and base64 matches a known value. */
static void test_mail_codecs_round_trip(void **state)
{
    (void)state;
    static uint8_t in[300], enc[2048], dec[2048];
    GlRng rng;
    gl_rng_seed(&rng, 9);
    for (uint32_t len = 0; len <= 300; len++) {
        for (uint32_t i = 0; i < len; i++)
            in[i] = (uint8_t)gl_rng_next(&rng);
        uint32_t n = mime_base64_encode(in, len, enc);
        assert_int_equal(n, mime_base64_encoded_len(len));
        assert_int_equal(mime_base64_decode(enc, n, dec), (int32_t)len);
        assert_memory_equal(dec, in, len);
        n = mime_qp_encode(in, len, enc);
        for (uint32_t i = 0, col = 0; i < n; i++) { /* lines <= 76 */
            col = enc[i] == '\n' ? 0 : col + 1;
            assert_true(col <= 77);
        }
        assert_int_equal(mime_qp_decode(enc, n, dec), len);
        assert_memory_equal(dec, in, len);
    }
    uint8_t b[16];
    assert_int_equal(mime_base64_encode((const uint8_t *)"handset", 7, b), 14);
    assert_memory_equal(b, "aGFuZHNldA==\r\n", 14);
}

/* The mail workload's generated responses parse into 2 or 3 parts of the
 * expected types, are about 8 KiB, and the attachment is 4,000 bytes. */
static void test_mail_workload_response(void **state)
{
    (void)state;
    static uint8_t tmp[2 * WL_MAIL_BUF_BYTES];
    ImapParser p;
    for (uint32_t seq = 1; seq <= 8; seq++) {
        uint32_t len = wl_mail_response(seq, resp, tmp);
        assert_true(len > 7000 && len < WL_MAIL_BUF_BYTES);
        parse_cuts(&parsed, &p, len, NULL, 0);
        assert_int_equal(p.error, 0);
        assert_int_equal(p.status, IMAP_STATUS_OK);
        assert_true(parsed.n == 2 || parsed.n == 3);
        assert_int_equal(parsed.seq[0], seq);
        assert_string_equal(parsed.type[0], "text/plain");
        assert_true(parsed.len[0] >= 1600);
        assert_string_equal(parsed.type[1], "application/octet-stream");
        assert_int_equal(parsed.len[1], 4000);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_mail_multipart_whole),
    cmocka_unit_test(test_mail_multipart_every_split),
    cmocka_unit_test(test_mail_multipart_random_chunks),
    cmocka_unit_test(test_mail_two_fetches),
    cmocka_unit_test(test_mail_errors),
    cmocka_unit_test(test_mail_codecs_round_trip),
    cmocka_unit_test(test_mail_workload_response),
};

HS_TEST_GROUP(guestlib_mail, tests)
