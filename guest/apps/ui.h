/*
 * ui.h - request layout of HS_CALL_UI_COMPOSE, shared by host and guest:
 * compose a status bar, a notification card and a domain banner into a
 * width x height XRGB8888 framebuffer (guest/lib/compose.h) and return
 * the frame's 64-bit FNV-1a hash as the check value.
 */
#ifndef GUEST_APPS_UI_H
#define GUEST_APPS_UI_H

#include <stdint.h>

#define HS_UI_PRESENT 0x1 /* flags: flip the display after composing */
#define HS_UI_TITLE_BYTES 32
#define HS_UI_TEXT_BYTES 128
#define HS_UI_BANNER_BYTES 32

typedef struct HsUiRequest {
    uint64_t fb_addr;       /* in: framebuffer, 0 = HS_FB_BASE */
    uint32_t width;         /* in: pixels, 1 .. 1440 */
    uint32_t height;        /* in: pixels, 1 .. 1440 */
    uint32_t stride_px;     /* in: pixels per row, 0 = width */
    uint32_t clock_minutes; /* in: minutes since midnight (HH:MM) */
    uint32_t battery_pct;   /* in: 0 .. 100 */
    uint32_t signal_bars;   /* in: 0 .. 4 */
    uint32_t level;         /* in: 0 unclassified .. 3 top secret */
    uint32_t flags;         /* in: HS_UI_PRESENT */
    char title[HS_UI_TITLE_BYTES];   /* in: notification title */
    char text[HS_UI_TEXT_BYTES];     /* in: notification text */
    char banner[HS_UI_BANNER_BYTES]; /* in: banner (domain name) */
    uint64_t check;         /* out: frame hash */
    int32_t status;         /* out: 0 or HS_EINVAL */
    uint32_t reserved;      /* zero */
} HsUiRequest;

_Static_assert(sizeof(HsUiRequest) == 248, "HsUiRequest layout");

#endif /* GUEST_APPS_UI_H */
