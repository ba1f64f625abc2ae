/*
 * test_pcap.c - the radio.pcap writer: file header, timestamps read back
 * by libpcap equal the simulated times, bad packets refused, atomic
 * rename, write errors reported, identical runs give identical bytes.
 */
#include "harness.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/ip.h"
#include "out/pcap.h"

typedef struct Dir {
    char path[64];
} Dir;

static void dir_make(Dir *d)
{
    snprintf(d->path, sizeof d->path, "/tmp/handset-pcap.XXXXXX");
    assert_non_null(mkdtemp(d->path));
}

static void dir_file(const Dir *d, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", d->path, name);
}

static void dir_remove(const Dir *d, const char *const *names)
{
    char p[128];
    for (; *names; names++) {
        dir_file(d, *names, p, sizeof p);
        unlink(p);
    }
    rmdir(d->path);
}

static int make_packet(uint8_t *pkt, size_t cap, unsigned i)
{
    char text[32];
    int n = snprintf(text, sizeof text, "packet %u", i);
    return ip_build_udp(pkt, cap, (IpEndpoint){IP_PHONE_ADDR, 5060},
                        (IpEndpoint){IP_IMS_ADDR, 5060}, (uint16_t)i, 0,
                        (const uint8_t *)text, (size_t)n, NULL, 0);
}

static const hs_time TIMES[] = {
    0,
    1 * HS_NS,
    1 * HS_S + 250 * HS_US,
    20 * HS_MS + 999, /* 999 ps: truncated to 20 ms */
    3600 * HS_S + 123456789 * HS_NS,
};
#define NTIMES (sizeof TIMES / sizeof TIMES[0])

static void write_file(const char *path, unsigned flags)
{
    char err[256];
    PcapWriter *w = pcap_writer_open(path, flags, err, sizeof err);
    assert_non_null(w);
    for (unsigned i = 0; i < NTIMES; i++) {
        uint8_t pkt[128];
        int n = make_packet(pkt, sizeof pkt, i);
        assert_int_equal(
            pcap_writer_write(w, TIMES[i], pkt, (size_t)n, err, sizeof err), 0);
    }
    assert_int_equal(pcap_writer_packets(w), NTIMES);
    assert_int_equal(pcap_writer_close(w, err, sizeof err), 0);
}

static void test_read_back_with_libpcap(void **state)
{
    (void)state;
    Dir d = {{0}};
    dir_make(&d);
    char path[128], errbuf[PCAP_ERRBUF_SIZE];
    dir_file(&d, "radio.pcap", path, sizeof path);
    write_file(path, 0);

    /* Header bytes: nanosecond magic, version 2.4, LINKTYPE_RAW (101). */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint32_t hdr[6];
    assert_int_equal(fread(hdr, 4, 6, f), 6);
    fclose(f);
    assert_int_equal(hdr[0], 0xa1b23c4d);
    assert_int_equal(hdr[4], PCAP_WRITER_SNAPLEN);
    assert_int_equal(hdr[5], 101);

    pcap_t *p = pcap_open_offline_with_tstamp_precision(
        path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    assert_non_null(p);
    assert_int_equal(pcap_datalink(p), DLT_RAW);
    struct pcap_pkthdr *h;
    const u_char *data;
    for (unsigned i = 0; i < NTIMES; i++) {
        assert_int_equal(pcap_next_ex(p, &h, &data), 1);
        uint64_t ns =
            (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
        assert_int_equal(ns, TIMES[i] / HS_NS);
        uint8_t pkt[128];
        int n = make_packet(pkt, sizeof pkt, i);
        assert_int_equal(h->caplen, n);
        assert_int_equal(h->len, n);
        assert_memory_equal(data, pkt, (size_t)n);
    }
    assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
    pcap_close(p);
    dir_remove(&d, (const char *const[]){"radio.pcap", NULL});
}

static void test_identical_runs_identical_bytes(void **state)
{
    (void)state;
    Dir d = {{0}};
    dir_make(&d);
    char a[128], b[128];
    dir_file(&d, "a.pcap", a, sizeof a);
    dir_file(&d, "b.pcap", b, sizeof b);
    write_file(a, 0);
    write_file(b, PCAP_WRITER_ATOMIC);
    static char ba[4096], bb[4096];
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    assert_non_null(fa);
    assert_non_null(fb);
    size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
    fclose(fa);
    fclose(fb);
    assert_true(na > 24);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    dir_remove(&d, (const char *const[]){"a.pcap", "b.pcap", NULL});
}

static void test_bad_packets_are_refused(void **state)
{
    (void)state;
    Dir d = {{0}};
    dir_make(&d);
    char path[128], err[256];
    dir_file(&d, "r.pcap", path, sizeof path);
    PcapWriter *w = pcap_writer_open(path, 0, err, sizeof err);
    assert_non_null(w);
    uint8_t pkt[128];
    int n = make_packet(pkt, sizeof pkt, 1);
    static uint8_t big[70000];
    err[0] = '\0';
    assert_int_equal(pcap_writer_write(w, 0, pkt, 0, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    assert_int_equal(pcap_writer_write(w, 0, big, sizeof big, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "70000"));
    /* Not IP (an Ethernet header starts with a MAC address). */
    uint8_t eth[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(pcap_writer_write(w, 0, eth, sizeof eth, err, sizeof err),
                     -1);
    /* Truncated: the length field says more. */
    assert_int_equal(
        pcap_writer_write(w, 0, pkt, (size_t)n - 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "length field"));
    /* The writer still works. */
    assert_int_equal(pcap_writer_write(w, 5, pkt, (size_t)n, err, sizeof err),
                     0);
    assert_int_equal(pcap_writer_packets(w), 1);
    assert_int_equal(pcap_writer_close(w, err, sizeof err), 0);
    assert_null(pcap_writer_open("", 0, err, sizeof err));
    assert_null(pcap_writer_open("-", 0, err, sizeof err));
    assert_null(pcap_writer_open(path, 0x80, err, sizeof err));
    dir_remove(&d, (const char *const[]){"r.pcap", NULL});
}

static void test_atomic_rename_and_abort(void **state)
{
    (void)state;
    Dir d = {{0}};
    dir_make(&d);
    char path[128], tmp[128], err[256];
    struct stat st;
    dir_file(&d, "radio.pcap", path, sizeof path);
    dir_file(&d, "radio.pcap.tmp", tmp, sizeof tmp);
    PcapWriter *w = pcap_writer_open(path, PCAP_WRITER_ATOMIC, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(stat(tmp, &st), 0);
    assert_int_equal(pcap_writer_close(w, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 24); /* header only */
    assert_int_equal(stat(tmp, &st), -1);
    /* Abort leaves the earlier complete file untouched. */
    w = pcap_writer_open(path, PCAP_WRITER_ATOMIC, err, sizeof err);
    uint8_t pkt[128];
    int n = make_packet(pkt, sizeof pkt, 3);
    assert_int_equal(pcap_writer_write(w, 0, pkt, (size_t)n, err, sizeof err),
                     0);
    pcap_writer_abort(w);
    assert_int_equal(stat(tmp, &st), -1);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 24);
    dir_remove(&d, (const char *const[]){"radio.pcap", NULL});
}

static void test_write_errors_are_reported(void **state)
{
    (void)state;
    char err[256];
    /* No such directory: the message names the path. */
    assert_null(
        pcap_writer_open("/nonexistent-dir/radio.pcap", 0, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent-dir/radio.pcap"));
    /* A full device: every write "succeeds" into the buffer until a flush
     * fails; the error must come out at the latest on close. */
    if (access("/dev/full", W_OK) != 0)
        return;
    PcapWriter *w = pcap_writer_open("/dev/full", 0, err, sizeof err);
    assert_non_null(w);
    uint8_t pkt[1500];
    static const char fill[1400] = {0};
    int n = ip_build_udp(pkt, sizeof pkt, (IpEndpoint){IP_PHONE_ADDR, 1},
                         (IpEndpoint){IP_WEB_ADDR, 2}, 0, 0,
                         (const uint8_t *)fill, sizeof fill, NULL, 0);
    int failed_at = -1;
    for (int i = 0; i < 100 && failed_at < 0; i++)
        if (pcap_writer_write(w, 0, pkt, (size_t)n, err, sizeof err) < 0)
            failed_at = i;
    assert_true(failed_at >= 0); /* 140 KB cannot all sit in a buffer */
    /* Sticky: later writes and the close fail too. */
    assert_int_equal(pcap_writer_write(w, 0, pkt, (size_t)n, err, sizeof err),
                     -1);
    err[0] = '\0';
    assert_int_equal(pcap_writer_close(w, err, sizeof err), -1);
    assert_non_null(strstr(err, "/dev/full"));
    /* Even a header-only file fails on close. */
    w = pcap_writer_open("/dev/full", 0, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(pcap_writer_close(w, err, sizeof err), -1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_read_back_with_libpcap),
    cmocka_unit_test(test_identical_runs_identical_bytes),
    cmocka_unit_test(test_bad_packets_are_refused),
    cmocka_unit_test(test_atomic_rename_and_abort),
    cmocka_unit_test(test_write_errors_are_reported),
};

HS_TEST_GROUP(pcap, tests)
