/*
 * test_guestlib_ui.c - frame composition of guest/lib/compose: what is
 * drawn where, clipping at any size (with exact-size buffers, so ASan
 * catches a stray write), stride handling, and the frame hash.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "abi/ui.h"
#include "guest/lib/compose.h"

#define W 360
#define H 640

static UiScene scene(void)
{
    UiScene s = {
        .width = W,
        .height = H,
        .clock_minutes = 9 * 60 + 41,
        .battery_pct = 80,
        .signal_bars = 3,
        .level = UI_LEVEL_SECRET,
        .title = "New message",
        .text = "Alice: the review moved to 10:30 in room 4.2.",
        .banner = "SECRET",
    };
    return s;
}

static int count_colour(const uint32_t *fb, uint32_t stride, int x0, int y0,
                        int x1, int y1, uint32_t colour)
{
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += fb[y * stride + (uint32_t)x] == colour;
    return n;
}

static void test_ui_layout(void **state)
{
    (void)state;
    uint32_t *fb = malloc(W * H * 4);
    assert_non_null(fb);
    UiScene s = scene();
    uint64_t h = ui_compose(fb, W, &s);
    assert_true(h == ui_frame_hash(fb, W, W, H));
    assert_int_equal(fb[0], 0x00101418u);           /* status bar */
    assert_int_equal(fb[(H - 1) * W], 0x00c02020u); /* secret banner */
    /* clock digits (white) in the status bar's left part */
    assert_true(count_colour(fb, W, 6, 5, 66, 19, 0x00f0f0f0u) > 40);
    /* card text (ink) inside the card */
    assert_true(count_colour(fb, W, 16, 40, W - 16, 140, 0x00202428u) > 200);
    /* banner text (white) on the banner */
    assert_true(count_colour(fb, W, 0, H - 32, W, H, 0x00f0f0f0u) > 100);

    /* same scene, same hash; another minute changes only the status bar */
    uint32_t *fb2 = malloc(W * H * 4);
    assert_non_null(fb2);
    assert_true(ui_compose(fb2, W, &s) == h);
    s.clock_minutes++;
    assert_true(ui_compose(fb2, W, &s) != h);
    assert_memory_not_equal(fb, fb2, UI_STATUS_BAR_PX * W * 4);
    assert_memory_equal(fb + UI_STATUS_BAR_PX * W, fb2 + UI_STATUS_BAR_PX * W,
                        (H - UI_STATUS_BAR_PX) * W * 4);
    free(fb);
    free(fb2);
}

/* Every size from tiny to odd shapes stays inside its buffer. */
static void test_ui_clipping(void **state)
{
    (void)state;
    static const uint32_t sizes[][2] = {
        {1, 1}, {7, 3}, {16, 16}, {40, 90}, {359, 641}, {1440, 200},
    };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint32_t w = sizes[i][0], h = sizes[i][1];
        uint32_t *fb = malloc((size_t)w * h * 4);
        assert_non_null(fb);
        UiScene s = scene();
        s.width = w;
        s.height = h;
        uint64_t c = ui_compose(fb, w, &s);
        assert_true(c == ui_frame_hash(fb, w, w, h));
        free(fb);
    }
}

/* With stride > width the pixels right of the frame are not touched. */
static void test_ui_stride(void **state)
{
    (void)state;
    const uint32_t w = 100, h = 120, stride = 128;
    uint32_t *fb = malloc(stride * h * 4);
    assert_non_null(fb);
    for (uint32_t i = 0; i < stride * h; i++)
        fb[i] = 0xdeadbeefu;
    UiScene s = scene();
    s.width = w;
    s.height = h;
    ui_compose(fb, stride, &s);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = w; x < stride; x++)
            assert_int_equal(fb[y * stride + x], 0xdeadbeefu);
    free(fb);
}

static void test_ui_font(void **state)
{
    (void)state;
    assert_ptr_equal(ui_glyph('a'), ui_glyph('A'));
    assert_ptr_equal(ui_glyph('~'), ui_glyph('?'));
    assert_ptr_equal(ui_glyph('\t'), ui_glyph('?'));
    const uint8_t *zero = ui_glyph('0');
    const uint8_t *eight = ui_glyph('8');
    assert_memory_not_equal(zero, eight, 7);
    int lit = 0;
    for (int r = 0; r < 7; r++)
        lit += __builtin_popcount(ui_glyph('H')[r]);
    assert_int_equal(lit, 17); /* two 7-pixel columns and a 3-pixel bar */
    assert_int_equal(sizeof(HsUiRequest), 248);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ui_layout),
    cmocka_unit_test(test_ui_clipping),
    cmocka_unit_test(test_ui_stride),
    cmocka_unit_test(test_ui_font),
};

HS_TEST_GROUP(guestlib_ui, tests)
