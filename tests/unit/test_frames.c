/*
 * test_frames.c - frames.hsf: frames captured from a domain's memory,
 * shown, dropped and read back; a record keeps only the rows a frame
 * changed on the panel; a frame never shown is never written; a
 * corrupt file is refused with the offset of what is wrong; an observer
 * is told what the file gets, with or without a file.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

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

/* Each record keeps only the rows of its band that differ from the panel
 * the records before it leave: a frame that repeats the panel gets an
 * empty record, a frame that changes one row a record of that row.
 * Replayed in order from black they give the panel after every frame,
 * and the stored bytes are compress2's for the rows kept. */
static void test_frames_changed_rows(void **state)
{
    (void)state;
    char path[256], err[256];
    frames_path(path, sizeof path);
    GuestDma dma = {.read = fake_read};
    FrameRecorder *r = frames_open(path, err, sizeof err);
    assert_non_null(r);
    enum { N = 6 };
    /* bands captured, and the rows each record must keep */
    const uint32_t band[N][2] = {{0, 6}, {0, 6}, {0, 6},
                                 {1, 6}, {1, 6}, {1, 6}};
    const uint32_t kept[N][2] = {{0, 6}, {0, 0}, {0, 6},
                                 {1, 6}, {1, 1}, {3, 4}};
    uint32_t want[N][W * H]; /* the panel after each frame */
    uint32_t panel_now[W * H] = {0};
    int keys[N];
    for (int k = 0; k < N; k++) {
        /* frame 1 repeats 0, 4 repeats 3, 5 changes row 3 of 4 */
        int v = k == 1 ? 0 : k == 4 || k == 5 ? 3 : k;
        for (int i = 0; i < W * H; i++)
            fb[i] = 0x00200000u + (uint32_t)(i * v);
        if (k == 5)
            fb[3 * W + 2] = 0x00abcdefu;
        assert_int_equal(frames_capture(r, &keys[k], &dma, 1, "secret", 0x1000,
                                        band[k][0], band[k][1], W, H),
                         0);
        memcpy(&panel_now[band[k][0] * W], &fb[band[k][0] * W],
               (band[k][1] - band[k][0]) * W * 4);
        memcpy(want[k], panel_now, sizeof panel_now);
        frames_shown(r, &keys[k], (hs_time)(k + 1) * HS_MS);
    }
    assert_int_equal(frames_close(r, err, sizeof err), 0);
    FrameFile ff;
    assert_int_equal(frames_load(path, &ff, err, sizeof err), 0);
    assert_int_equal(ff.n, N);
    uint32_t panel[W * H] = {0};
    for (int k = 0; k < N; k++) {
        assert_int_equal(ff.recs[k].y0, kept[k][0]);
        assert_int_equal(ff.recs[k].y1, kept[k][1]);
        assert_int_equal(frames_apply(&ff, (size_t)k, panel), 0);
        assert_memory_equal(panel, want[k], sizeof panel);
        /* the stored bytes are compress2's at the writer's level */
        uLong raw = (kept[k][1] - kept[k][0]) * W * 4;
        unsigned char z[1024];
        uLongf zlen = sizeof z;
        assert_int_equal(compress2(z, &zlen,
                                   (const Bytef *)&want[k][kept[k][0] * W], raw,
                                   FRAMES_ZLEVEL),
                         Z_OK);
        assert_int_equal(ff.recs[k].zlen, zlen);
        assert_memory_equal((const char *)ff.data + ff.recs[k].offset, z, zlen);
    }
    frames_unload(&ff);
    unlink(path);
}

/* Writes a frames file of the given version with one record of rows
 * [y0, y1) (all pixels 0x00123456). */
static void write_file(const char *path, uint32_t version, uint32_t y0,
                       uint32_t y1)
{
    uint32_t px[W * H];
    for (int i = 0; i < W * H; i++)
        px[i] = 0x00123456u;
    unsigned char z[1024];
    uLongf zlen = sizeof z;
    assert_int_equal(
        compress2(z, &zlen, (const Bytef *)px, (y1 - y0) * W * 4, 6), Z_OK);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    unsigned char h[32] = {0};
    uint32_t v[6] = {0, 0, y0, y1, W, H};
    v[0] = (uint32_t)(2 * HS_MS); /* shown, low word */
    memcpy(h, v, sizeof v);
    uint32_t len = (uint32_t)zlen;
    memcpy(h + 24, &len, 4);
    h[28] = 6; /* "secret" */
    fwrite(FRAMES_MAGIC, 1, 8, f);
    fwrite(&version, 4, 1, f);
    fwrite(h, 1, 32, f);
    fwrite("secret", 1, 6, f);
    fwrite(z, 1, zlen, f);
    fclose(f);
}

/* Version 1 files (whole damaged bands) are still read; an empty band is
 * a version 2 record only. */
static void test_frames_versions(void **state)
{
    (void)state;
    char path[256], err[256];
    frames_path(path, sizeof path);
    FrameFile ff;
    uint32_t panel[W * H] = {0};
    write_file(path, 1, 2, 4);
    assert_int_equal(frames_load(path, &ff, err, sizeof err), 0);
    assert_int_equal(ff.n, 1);
    assert_int_equal(frames_apply(&ff, 0, panel), 0);
    assert_int_equal(panel[2 * W], 0x00123456u);
    assert_int_equal(panel[4 * W], 0);
    frames_unload(&ff);
    write_file(path, 2, 3, 3);
    assert_int_equal(frames_load(path, &ff, err, sizeof err), 0);
    uint32_t before[W * H];
    memcpy(before, panel, sizeof panel);
    assert_int_equal(frames_apply(&ff, 0, panel), 0); /* changes nothing */
    assert_memory_equal(panel, before, sizeof panel);
    frames_unload(&ff);
    write_file(path, 1, 3, 3);
    assert_int_equal(frames_load(path, &ff, err, sizeof err), -1);
    assert_non_null(strstr(err, "bad frame rows"));
    write_file(path, 3, 2, 4);
    assert_int_equal(frames_load(path, &ff, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown version"));
    unlink(path);
}

/* What an observer was told: up to 4 frames and their zlib data. */
typedef struct Seen {
    FrameRecord recs[4];
    unsigned char z[4][256];
    size_t n;
} Seen;

static void seen_frame(void *ctx, const FrameRecord *rec, const void *z)
{
    Seen *s = ctx;
    assert_true(s->n < 4 && rec->zlen <= sizeof s->z[0]);
    s->recs[s->n] = *rec;
    memcpy(s->z[s->n++], z, rec->zlen);
}

/* Shows frames a (rows 0-2, noted) and b (rows 3-6) on r, drops c. */
static void show_three(FrameRecorder *r, const GuestDma *dma)
{
    int a = 0, b = 0, c = 0; /* the frames' keys */
    assert_int_equal(
        frames_capture(r, &a, dma, 1, "secret", 0x1000, 0, 2, W, H), 0);
    assert_int_equal(
        frames_capture(r, &b, dma, 1, "unclass", 0x1000, 3, 6, W, H), 0);
    assert_int_equal(
        frames_capture(r, &c, dma, 1, "secret", 0x1000, 1, 2, W, H), 0);
    frames_note(r, &a, "call.notify");
    frames_drop(r, &c);
    frames_shown(r, &a, 3 * HS_MS);
    frames_shown(r, &b, 9 * HS_MS);
    frames_shown(r, &c, 10 * HS_MS);
}

/* The observer (the live view) is told each shown frame as the file gets
 * it; with no path only the observer is told and no file appears. */
static void test_frames_observer(void **state)
{
    (void)state;
    char path[256], err[256];
    frames_path(path, sizeof path);
    GuestDma dma = {.read = fake_read};
    for (int i = 0; i < W * H; i++)
        fb[i] = 0x00200000u + (uint32_t)(i * 7);
    Seen seen = {0}, bare = {0};
    FrameRecorder *r = frames_open(path, err, sizeof err);
    assert_non_null(r);
    frames_set_observer(r, seen_frame, &seen);
    show_three(r, &dma);
    assert_int_equal(frames_close(r, err, sizeof err), 0);
    FrameFile ff;
    assert_int_equal(frames_load(path, &ff, err, sizeof err), 0);
    assert_int_equal(seen.n, ff.n);
    assert_int_equal(ff.n, 2);
    for (size_t i = 0; i < ff.n; i++) {
        assert_int_equal(seen.recs[i].shown, ff.recs[i].shown);
        assert_int_equal(seen.recs[i].y0, ff.recs[i].y0);
        assert_int_equal(seen.recs[i].y1, ff.recs[i].y1);
        assert_int_equal(seen.recs[i].width, ff.recs[i].width);
        assert_int_equal(seen.recs[i].height, ff.recs[i].height);
        assert_string_equal(seen.recs[i].domain, ff.recs[i].domain);
        assert_string_equal(seen.recs[i].notes, ff.recs[i].notes);
        assert_int_equal(seen.recs[i].zlen, ff.recs[i].zlen);
        assert_memory_equal(seen.z[i],
                            (const char *)ff.data + ff.recs[i].offset,
                            ff.recs[i].zlen);
    }
    assert_string_equal(seen.recs[0].notes, "call.notify");
    frames_unload(&ff);
    unlink(path);

    r = frames_open(NULL, err, sizeof err);
    assert_non_null(r);
    frames_set_observer(r, seen_frame, &bare);
    show_three(r, &dma);
    assert_int_equal(frames_count(r), 2);
    assert_int_equal(frames_close(r, err, sizeof err), 0);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(bare.n, 2);
    assert_memory_equal(bare.z[1], seen.z[1], seen.recs[1].zlen);
    r = frames_open(NULL, err, sizeof err); /* aborted: nothing to drop */
    frames_abort(r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_frames_roundtrip),
    cmocka_unit_test(test_frames_changed_rows),
    cmocka_unit_test(test_frames_versions),
    cmocka_unit_test(test_frames_observer),
};

HS_TEST_GROUP(frames, tests)
