/*
 * test_imap.c - the IMAP server peer: generated MIME messages are exactly
 * the requested size and deterministic; the session answers LOGIN,
 * SELECT and FETCH (with a literal of exactly the message) whatever way
 * the client's bytes are split, and refuses what it should.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/imap_peer.h"

static void test_message_sizes_and_mime(void **state)
{
    (void)state;
    const uint32_t sizes[] = {600, 601, 1000, 4095, 4096, 5000, 65536, 300001};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *a, *b, err[128];
        assert_int_equal(
            imap_message(7, (unsigned)i, sizes[i], &a, err, sizeof err), 0);
        assert_int_equal(strlen(a), sizes[i]);
        assert_int_equal(imap_message(7, (unsigned)i, sizes[i], &b, NULL, 0),
                         0);
        assert_string_equal(a, b);
        free(b);
        assert_non_null(strstr(a, "MIME-Version: 1.0\r\n"));
        char *bd = strstr(a, "boundary=\"");
        assert_non_null(bd);
        char boundary[40], close[48];
        assert_int_equal(sscanf(bd, "boundary=\"%39[^\"]\"", boundary), 1);
        snprintf(close, sizeof close, "\r\n--%s--\r\n", boundary);
        assert_int_equal(strcmp(a + sizes[i] - strlen(close), close), 0);
        assert_int_equal(strstr(a, "base64") != NULL, sizes[i] >= 4096);
        /* RFC 5322: lines at most 998 characters, CRLF only. */
        size_t col = 0;
        for (uint32_t k = 0; k < sizes[i]; k++) {
            if (a[k] == '\n') {
                assert_true(k > 0 && a[k - 1] == '\r');
                col = 0;
            } else {
                assert_true(++col <= 998);
            }
        }
        free(a);
    }
    char *x, *y, err[128];
    /* The smallest size fits the headers of every message index. */
    for (unsigned i = 0; i < IMAP_MAX_MESSAGES; i++) {
        assert_int_equal(
            imap_message(99, i, IMAP_MIN_MESSAGE_BYTES, &x, err, sizeof err),
            0);
        free(x);
    }
    assert_int_equal(imap_message(7, 0, 5000, &x, NULL, 0), 0);
    assert_int_equal(imap_message(7, 1, 5000, &y, NULL, 0), 0);
    assert_string_not_equal(x, y);
    free(x);
    free(y);
    assert_int_equal(imap_message(7, 0, 599, &x, err, sizeof err), -1);
    assert_null(x);
}

typedef struct Session {
    ImapPeer p;
    char out[200000];
    size_t len;
} Session;

/* Feeds text in pieces of `split` bytes and collects the output. */
static void say(Session *s, const char *text, size_t split)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i += split) {
        size_t k = n - i < split ? n - i : split;
        assert_int_equal(
            imap_peer_input(&s->p, (const uint8_t *)text + i, k, NULL, 0), 0);
    }
    size_t len;
    const uint8_t *o = imap_peer_output(&s->p, &len);
    assert_true(len < sizeof s->out);
    memcpy(s->out, o, len);
    s->out[len] = '\0';
    s->len = len;
    imap_peer_take(&s->p, len);
}

static void test_session(void **state)
{
    (void)state;
    static Session s;
    const uint32_t sizes[] = {1800, 24000};
    ImapPeerConfig cfg = {42, "user", "secret", 2, sizes, NULL};
    char err[128];
    assert_int_equal(imap_peer_init(&s.p, &cfg, err, sizeof err), 0);
    say(&s, "", 1);
    assert_int_equal(strncmp(s.out, "* OK [CAPABILITY IMAP4rev1", 26), 0);

    say(&s, "a1 SELECT INBOX\r\n", 100);
    assert_string_equal(s.out, "a1 NO Not logged in\r\n");
    say(&s, "a2 LOGIN user wrong\r\n", 3);
    assert_non_null(strstr(s.out, "a2 NO [AUTHENTICATIONFAILED]"));
    say(&s, "a3 LOGIN \"user\" secret\r\n", 1);
    assert_non_null(strstr(s.out, "a3 OK"));
    say(&s, "a4 FETCH 1 BODY[]\r\n", 100);
    assert_string_equal(s.out, "a4 BAD No mailbox selected\r\n");
    say(&s, "a5 SELECT INBOX\r\n", 5);
    assert_non_null(strstr(s.out, "* 2 EXISTS\r\n"));
    assert_non_null(strstr(s.out, "a5 OK [READ-WRITE] SELECT completed\r\n"));

    say(&s, "a6 FETCH 2 (RFC822.SIZE BODY.PEEK[])\r\n", 7);
    const char *head = "* 2 FETCH (RFC822.SIZE 24000 BODY[] {24000}\r\n";
    assert_int_equal(strncmp(s.out, head, strlen(head)), 0);
    char *msg;
    assert_int_equal(imap_message(42, 1, 24000, &msg, NULL, 0), 0);
    assert_memory_equal(s.out + strlen(head), msg, 24000);
    free(msg);
    assert_string_equal(s.out + strlen(head) + 24000,
                        ")\r\na6 OK FETCH completed\r\n");

    say(&s, "a7 FETCH 1:* (UID FLAGS)\r\n", 100);
    assert_string_equal(s.out, "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"
                               "* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n"
                               "a7 OK FETCH completed\r\n");
    say(&s, "a8 FETCH 3 BODY[]\r\n", 100);
    assert_non_null(strstr(s.out, "a8 BAD"));
    say(&s, "a9 FROB\r\n", 100);
    assert_string_equal(s.out, "a9 BAD Unknown command\r\n");
    char longline[1200];
    memset(longline, 'x', sizeof longline);
    memcpy(longline + sizeof longline - 3, "\r\n", 3);
    say(&s, longline, 300);
    assert_string_equal(s.out, "* BAD Command line too long\r\n");
    say(&s, "b1 LOGOUT\r\nb2 NOOP\r\n", 100);
    assert_string_equal(s.out, "* BYE mail.example.net logging out\r\n"
                               "b1 OK LOGOUT completed\r\n"
                               "b2 BAD Session is logged out\r\n");
    imap_peer_free(&s.p);
}

static void test_bad_config(void **state)
{
    (void)state;
    ImapPeer p;
    char err[128];
    const uint32_t small[] = {100};
    ImapPeerConfig cfg = {1, "user", "pw", 1, small, NULL};
    assert_int_equal(imap_peer_init(&p, &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "size 100"));
    cfg.messages = 0;
    cfg.user = "with space";
    assert_int_equal(imap_peer_init(&p, &cfg, err, sizeof err), -1);
    cfg.user = "user";
    cfg.messages = IMAP_MAX_MESSAGES + 1;
    assert_int_equal(imap_peer_init(&p, &cfg, err, sizeof err), -1);
}

/* Sessions sharing a cache send the bytes imap_message makes; an entry
 * made for another seed or size is made again, not reused. */
static void test_cache(void **state)
{
    (void)state;
    static Session s;
    static ImapMessageCache cache;
    uint32_t sizes[] = {1800, 24000};
    char err[128], *want;
    const char *made = NULL;
    for (int round = 0; round < 4; round++) {
        uint64_t seed = round < 2 ? 42 : 43;
        if (round == 3)
            sizes[1] = 24001;
        ImapPeerConfig cfg = {seed, "user", "secret", 2, sizes, &cache};
        assert_int_equal(imap_peer_init(&s.p, &cfg, err, sizeof err), 0);
        say(&s, "a1 LOGIN user secret\r\na2 SELECT INBOX\r\n", 100);
        say(&s, "a3 FETCH 2 BODY[]\r\n", 100);
        char h[64];
        snprintf(h, sizeof h, "* 2 FETCH (BODY[] {%u}\r\n", sizes[1]);
        assert_int_equal(strncmp(s.out, h, strlen(h)), 0);
        assert_int_equal(imap_message(seed, 1, sizes[1], &want, NULL, 0), 0);
        assert_memory_equal(s.out + strlen(h), want, sizes[1]);
        free(want);
        assert_non_null(cache.text[1]);
        assert_true(cache.seed[1] == seed && cache.bytes[1] == sizes[1]);
        assert_null(cache.text[0]); /* only what was fetched */
        if (round == 1)
            assert_ptr_equal(cache.text[1], made); /* kept, not made again */
        made = cache.text[1];
        imap_peer_free(&s.p);
    }
    imap_cache_free(&cache);
    assert_null(cache.text[1]);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_message_sizes_and_mime),
    cmocka_unit_test(test_session),
    cmocka_unit_test(test_bad_config),
    cmocka_unit_test(test_cache),
};

HS_TEST_GROUP(imap, tests)
