/*
 * compose.c - frame composition for the ui app (see compose.h).
 *
 * Drawing is plain rectangle fills and glyph blits, the work a simple
 * software compositor does per frame; the frame hash makes the result
 * checkable against the host reference.
 */
#include "compose.h"

#include "gl_util.h"

#define G(c) [(c) - 32]
/* 5x7 font for ASCII 32..95 (rows top to bottom, bit 4 leftmost). */
static const uint8_t font5x7[64][7] = {
    G(' ') = {0, 0, 0, 0, 0, 0, 0},
    G('!') = {0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04},
    G('\'') = {0x0c, 0x04, 0x08, 0, 0, 0, 0},
    G('(') = {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02},
    G(')') = {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08},
    G('+') = {0, 0x04, 0x04, 0x1f, 0x04, 0x04, 0},
    G(',') = {0, 0, 0, 0, 0x0c, 0x04, 0x08},
    G('-') = {0, 0, 0, 0x1f, 0, 0, 0},
    G('.') = {0, 0, 0, 0, 0, 0x0c, 0x0c},
    G('/') = {0, 0x01, 0x02, 0x04, 0x08, 0x10, 0},
    G('%') = {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03},
    G('0') = {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e},
    G('1') = {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e},
    G('2') = {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f},
    G('3') = {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e},
    G('4') = {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02},
    G('5') = {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e},
    G('6') = {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e},
    G('7') = {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},
    G('8') = {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e},
    G('9') = {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c},
    G(':') = {0, 0x0c, 0x0c, 0, 0x0c, 0x0c, 0},
    G('?') = {0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04},
    G('@') = {0x0e, 0x11, 0x01, 0x0d, 0x15, 0x15, 0x0e},
    G('A') = {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11},
    G('B') = {0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e},
    G('C') = {0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e},
    G('D') = {0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c},
    G('E') = {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f},
    G('F') = {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10},
    G('G') = {0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f},
    G('H') = {0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11},
    G('I') = {0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e},
    G('J') = {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c},
    G('K') = {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11},
    G('L') = {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f},
    G('M') = {0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11},
    G('N') = {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11},
    G('O') = {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e},
    G('P') = {0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10},
    G('Q') = {0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d},
    G('R') = {0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11},
    G('S') = {0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e},
    G('T') = {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04},
    G('U') = {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e},
    G('V') = {0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04},
    G('W') = {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a},
    G('X') = {0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11},
    G('Y') = {0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04},
    G('Z') = {0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f},
};
#undef G

/* Glyphs that are drawn; everything else shows as '?'. */
static int has_glyph(uint8_t c)
{
    static const char known[] = " !'()+,-./%0123456789:?@";
    if (c >= 'A' && c <= 'Z')
        return 1;
    for (const char *k = known; *k != '\0'; k++)
        if ((uint8_t)*k == c)
            return 1;
    return 0;
}

const uint8_t *ui_glyph(char ch)
{
    uint8_t c = (uint8_t)ch;
    if (c >= 'a' && c <= 'z')
        c = (uint8_t)(c - 32);
    if (!has_glyph(c))
        c = '?';
    return font5x7[c - 32];
}

/* Colours (XRGB8888). */
#define COL_BAR 0x00101418u
#define COL_TEXT 0x00f0f0f0u
#define COL_DIM 0x00808890u
#define COL_CARD 0x00f4f4f8u
#define COL_CARD_EDGE 0x00c0c4ccu
#define COL_INK 0x00202428u
#define COL_BATT 0x0040c060u
#define COL_BATT_LOW 0x00e04030u

static const uint32_t level_colour[4] = {
    0x00208040u, /* unclassified: green */
    0x002050c0u, /* confidential: blue */
    0x00c02020u, /* secret: red */
    0x00e08000u, /* top secret: orange */
};

typedef struct Canvas {
    uint32_t *fb;     /* first pixel */
    uint32_t stride;  /* pixels per row */
    int32_t w;        /* visible width */
    int32_t h;        /* visible height */
} Canvas;

static void fill(const Canvas *cv, int32_t x, int32_t y, int32_t w,
                 int32_t h, uint32_t colour)
{
    int32_t x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    int32_t x1 = x + w > cv->w ? cv->w : x + w;
    int32_t y1 = y + h > cv->h ? cv->h : y + h;
    for (int32_t yy = y0; yy < y1; yy++) {
        uint32_t *row = cv->fb + (uint32_t)yy * cv->stride;
        for (int32_t xx = x0; xx < x1; xx++)
            row[xx] = colour;
    }
}

static void glyph(const Canvas *cv, int32_t x, int32_t y, int32_t scale,
                  char c, uint32_t colour)
{
    const uint8_t *g = ui_glyph(c);
    for (int32_t r = 0; r < 7; r++)
        for (int32_t col = 0; col < 5; col++)
            if (g[r] & (0x10 >> col))
                fill(cv, x + col * scale, y + r * scale, scale, scale,
                     colour);
}

static uint32_t text_len(const char *s)
{
    uint32_t n = 0;
    while (s != 0 && n < UI_TEXT_MAX && s[n] != '\0')
        n++;
    return n;
}

/* Draws s from (x, y), wrapping at right; returns the y below the last
 * line. */
static int32_t text(const Canvas *cv, int32_t x, int32_t y, int32_t right,
                    int32_t scale, const char *s, uint32_t colour)
{
    uint32_t n = text_len(s);
    int32_t cx = x;
    int32_t adv = 6 * scale, line = 9 * scale;
    for (uint32_t i = 0; i < n; i++) {
        if (cx + 5 * scale > right && cx > x) {
            cx = x;
            y += line;
            if (s[i] == ' ')
                continue;
        }
        glyph(cv, cx, y, scale, s[i], colour);
        cx += adv;
    }
    return y + line;
}

/* Height of text wrapped as text() would, without drawing. */
static int32_t text_height(int32_t x, int32_t right, int32_t scale,
                           const char *s)
{
    uint32_t n = text_len(s);
    int32_t cx = x, lines = 1;
    for (uint32_t i = 0; i < n; i++) {
        if (cx + 5 * scale > right && cx > x) {
            cx = x;
            lines++;
            if (s[i] == ' ')
                continue;
        }
        cx += 6 * scale;
    }
    return lines * 9 * scale;
}

static void status_bar(const Canvas *cv, const UiScene *s)
{
    fill(cv, 0, 0, cv->w, UI_STATUS_BAR_PX, COL_BAR);
    /* clock HH:MM, at scale 2 */
    uint32_t m = s->clock_minutes;
    uint32_t hours = 0;
    while (m >= 60 && hours < 23) { /* no division: at most 23 steps */
        m -= 60;
        hours++;
    }
    if (m > 59)
        m = 59;
    char clock[5] = {(char)('0' + (hours >= 20 ? 2 : hours >= 10 ? 1 : 0)),
                     0, ':', 0, 0};
    clock[1] = (char)('0' + hours - 10 * (uint32_t)(clock[0] - '0'));
    uint32_t tens = 0;
    while (m >= 10) {
        m -= 10;
        tens++;
    }
    clock[3] = (char)('0' + tens);
    clock[4] = (char)('0' + m);
    for (int32_t i = 0; i < 5; i++)
        glyph(cv, 6 + i * 12, 5, 2, clock[i], COL_TEXT);

    /* signal bars */
    uint32_t bars = s->signal_bars > 4 ? 4 : s->signal_bars;
    for (int32_t i = 0; i < 4; i++) {
        int32_t bh = 4 + 3 * i;
        fill(cv, cv->w - 80 + 5 * i, 19 - bh, 3, bh,
             (uint32_t)i < bars ? COL_TEXT : COL_DIM);
    }
    /* battery: outline 24x12, fill proportional to the charge */
    uint32_t pct = s->battery_pct > 100 ? 100 : s->battery_pct;
    int32_t bx = cv->w - 40, by = 6;
    fill(cv, bx, by, 24, 12, COL_TEXT);
    fill(cv, bx + 1, by + 1, 22, 10, COL_BAR);
    fill(cv, bx + 24, by + 3, 2, 6, COL_TEXT);
    int32_t level_px = (int32_t)((pct * 20 * 41) >> 12); /* ~ pct / 5 */
    fill(cv, bx + 2, by + 2, level_px, 8,
         pct < 15 ? COL_BATT_LOW : COL_BATT);
}

uint64_t ui_compose(uint32_t *fb, uint32_t stride_px, const UiScene *s)
{
    Canvas cv = {
        .fb = fb,
        .stride = stride_px,
        .w = (int32_t)(s->width > UI_MAX_DIM ? UI_MAX_DIM : s->width),
        .h = (int32_t)(s->height > UI_MAX_DIM ? UI_MAX_DIM : s->height),
    };
    /* wallpaper: a vertical gradient, one shade step every 8 rows */
    for (int32_t y = 0; y < cv.h; y++) {
        uint32_t shade = ((uint32_t)y >> 3) & 0x3f;
        uint32_t colour = (0x18u + shade) << 16 | (0x20u + shade) << 8 |
                          (0x40u + (shade << 1));
        fill(&cv, 0, y, cv.w, 1, colour);
    }
    status_bar(&cv, s);

    /* notification card */
    int32_t cx = 8, cy = UI_STATUS_BAR_PX + 12, cw = cv.w - 16;
    int32_t inner_l = cx + 8, inner_r = cx + cw - 8;
    int32_t th = s->title ? text_height(inner_l, inner_r, 2, s->title) : 0;
    int32_t bh = s->text ? text_height(inner_l, inner_r, 1, s->text) : 0;
    int32_t ch = 16 + th + 4 + bh;
    fill(&cv, cx, cy, cw, ch, COL_CARD_EDGE);
    fill(&cv, cx + 1, cy + 1, cw - 2, ch - 2, COL_CARD);
    fill(&cv, cx + 1, cy + 1, 4, ch - 2, level_colour[s->level & 3]);
    int32_t y = cy + 8;
    if (s->title)
        y = text(&cv, inner_l, y, inner_r, 2, s->title, COL_INK) + 4;
    if (s->text)
        text(&cv, inner_l, y, inner_r, 1, s->text, COL_INK);

    /* domain banner, text centred */
    int32_t by = cv.h - UI_BANNER_PX;
    fill(&cv, 0, by, cv.w, UI_BANNER_PX, level_colour[s->level & 3]);
    if (s->banner) {
        int32_t tw = (int32_t)text_len(s->banner) * 12 - 2;
        int32_t tx = (cv.w - tw) / 2;
        text(&cv, tx < 4 ? 4 : tx, by + 9, cv.w - 4, 2, s->banner,
             COL_TEXT);
    }
    return ui_frame_hash(fb, stride_px, (uint32_t)cv.w, (uint32_t)cv.h);
}

uint64_t ui_frame_hash(const uint32_t *fb, uint32_t stride_px,
                       uint32_t width, uint32_t height)
{
    uint64_t h = GL_HASH_INIT;
    for (uint32_t y = 0; y < height; y++) {
        const uint32_t *row = fb + y * stride_px;
        for (uint32_t x = 0; x < width; x++)
            h = gl_hash_u32(h, row[x]);
    }
    return h;
}
