/*
 * test_frames.c - frames.hsf: frames captured from a domain's memory,
 * shown, dropped and read back; a frame never shown is never written; a
 * corrupt file is refused with the offset of what is wrong.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out/frames.h"

#define W 8
#define H 6

static uint32_t fb[W * H]; /* a domain's framebuffer */

static int fake_read(void *ctx, int domain, uint64_t addr, void *buf,
                     size_t len)
{
    (void)ctx;
    if (domain != 1 || addr < 0x1000 || addr + len > 0x1000 + sizeof fb)
        return -1;
    memcpy(buf, (const char *)fb + (addr - 0x1000), len);
    return 0;
}

static void frames_path(char *buf, size_t size)
{
    const char *base = getenv("TMPDIR");
    snprintf(buf, size, "%s/hs-frames-%ld.hsf", base ? base : "/tmp",
             (long)getpid());
}

static void test_frames_roundtrip(void **state)
{
    (void)state;
    char path[256], err[256];
    frames_path(path, sizeof path);
    GuestDma dma = {.read = fake_read};
    for (int i = 0; i < W * H; i++)
        fb[i] = 0x00100000u + (uint32_t)i;
    FrameRecorder *r = frames_open(path, err, sizeof err);
    assert_non_null(r);
    int a, b, c; /* three frames' keys */
    assert_int_equal(
        frames_capture(r, &a, &dma, 1, "secret", 0x1000, 0, 2, W, H), 0);
    /* the guest draws over rows 0-1 after the flip: the capture keeps
     * what left the domain */
    fb[0] = 0x00ffffffu;
    assert_int_equal(
        frames_capture(r, &b, &dma, 1, "unclass", 0x1000, 4, 6, W, H), 0);
    assert_int_equal(
        frames_capture(r, &c, &dma, 1, "secret", 0x1000, 2, 3, W, H), 0);
    frames_drop(r, &c); /* refused on the way: never shown */
    frames_note(r, &b, "call.notify");
    frames_shown(r, &a, 5 * HS_MS);
    frames_shown(r, &b, 7 * HS_MS);
    frames_shown(r, &c, 8 * HS_MS); /* dropped: nothing */
    assert_int_equal(frames_count(r), 2);
    assert_int_equal(frames_close(r, err, sizeof err), 0);

    FrameFile ff;
    assert_int_equal(frames_load(path, &ff, err, sizeof err), 0);
    assert_int_equal(ff.n, 2);
    assert_int_equal(ff.recs[0].shown, 5 * HS_MS);
    assert_string_equal(ff.recs[0].domain, "secret");
    assert_string_equal(ff.recs[0].notes, "");
    assert_string_equal(ff.recs[1].domain, "unclass");
    assert_string_equal(ff.recs[1].notes, "call.notify");
    uint32_t panel[W * H] = {0};
    assert_int_equal(frames_apply(&ff, 0, panel), 0);
    assert_int_equal(frames_apply(&ff, 1, panel), 0);
    assert_int_equal(panel[0], 0x00100000u); /* as captured */
    assert_int_equal(panel[W + 3], 0x00100000u + W + 3);
    assert_int_equal(panel[2 * W], 0); /* rows 2-3 never shown */
    assert_int_equal(panel[4 * W + 1], 0x00100000u + 4 * W + 1);
    frames_unload(&ff);

    /* a cut file: refused, naming the offset */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), 40), 0);
    fclose(f);
    assert_int_equal(frames_load(path, &ff, err, sizeof err), -1);
    assert_non_null(strstr(err, "byte 12"));
    unlink(path);

    /* rows outside the framebuffer fail the recorder, and no file stays */
    r = frames_open(path, err, sizeof err);
    assert_int_equal(
        frames_capture(r, &a, &dma, 1, "secret", 0x1000, 0, H + 1, W, H), -1);
    assert_int_equal(frames_close(r, err, sizeof err), -1);
    assert_int_equal(access(path, F_OK), -1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_frames_roundtrip),
};

HS_TEST_GROUP(frames, tests)
