/*
 * compose.h - software composition of one phone screen frame: a status
 * bar (clock digits, signal bars, battery gauge), a notification card
 * (title and word-wrapped text in a built-in 5x7 bitmap font) and a
 * domain banner coloured by the domain's security level.
 *
 * Pixels are 32-bit XRGB8888, row stride in pixels. Everything is
 * clipped to width x height, so any size from 1x1 works. No division,
 * no floating point, no libc.
 */
#ifndef GL_COMPOSE_H
#define GL_COMPOSE_H

#include <stdint.h>

#define UI_MAX_DIM 1440    /* largest width or height accepted */
#define UI_TEXT_MAX 128    /* longest string drawn (bytes) */
#define UI_STATUS_BAR_PX 24
#define UI_BANNER_PX 32

/* Security level shown by the banner (colour). */
enum {
    UI_LEVEL_UNCLASSIFIED = 0,
    UI_LEVEL_CONFIDENTIAL = 1,
    UI_LEVEL_SECRET = 2,
    UI_LEVEL_TOP_SECRET = 3,
};

/* What to draw. Strings are NUL-terminated or UI_TEXT_MAX bytes long. */
typedef struct UiScene {
    uint32_t width;         /* frame width in pixels (1..UI_MAX_DIM) */
    uint32_t height;        /* frame height in pixels (1..UI_MAX_DIM) */
    uint32_t clock_minutes; /* minutes since midnight, shown as HH:MM */
    uint32_t battery_pct;   /* 0..100 (larger values shown as 100) */
    uint32_t signal_bars;   /* 0..4 */
    uint32_t level;         /* UI_LEVEL_* of the domain */
    const char *title;      /* notification title (may be NULL) */
    const char *text;       /* notification body (may be NULL) */
    const char *banner;     /* banner text, e.g. the domain name */
} UiScene;

/* Composes the scene into fb (stride_px >= width pixels per row, height
 * rows) and returns ui_frame_hash() of the result. */
uint64_t ui_compose(uint32_t *fb, uint32_t stride_px, const UiScene *scene);

/* 64-bit FNV-1a over the visible pixels, row by row, one 32-bit word per
 * pixel (the frame's check value). */
uint64_t ui_frame_hash(const uint32_t *fb, uint32_t stride_px,
                       uint32_t width, uint32_t height);

/* The 5x7 glyph of ASCII character c: 7 rows, bit 4 = leftmost column.
 * Lower case maps to upper case; unknown characters to '?'. */
const uint8_t *ui_glyph(char c);

#endif /* GL_COMPOSE_H */
