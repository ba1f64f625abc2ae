/*
 * ui.h - request layout of HS_CALL_UI_COMPOSE, shared by host and guest:
 * compose a status bar, a notification card and a domain banner into a
 * width x height XRGB8888 framebuffer (guest/lib/compose.h) and return
 * the frame's 64-bit FNV-1a hash as the check value (with
 * HS_UI_PRESENT the flip writes `tag`, so whoever carries frames to the
 * panel can tell them apart); and of
 * HS_CALL_UI_DOCUMENT: store a document through the storage driver, or
 * read one back and compose its first page.
 */
#ifndef GUEST_ABI_UI_H
#define GUEST_ABI_UI_H

#include <stdint.h>

#define HS_UI_PRESENT 0x1 /* flags: flip the display after composing */
#define HS_UI_TITLE_BYTES 32
#define HS_UI_TEXT_BYTES 128
#define HS_UI_BANNER_BYTES 32

typedef struct HsUiRequest {
    uint64_t fb_addr;                /* in: framebuffer, 0 = HS_FB_BASE */
    uint32_t width;                  /* in: pixels, 1 .. 1440 */
    uint32_t height;                 /* in: pixels, 1 .. 1440 */
    uint32_t stride_px;              /* in: pixels per row, 0 = width */
    uint32_t clock_minutes;          /* in: minutes since midnight (HH:MM) */
    uint32_t battery_pct;            /* in: 0 .. 100 */
    uint32_t signal_bars;            /* in: 0 .. 4 */
    uint32_t level;                  /* in: 0 unclassified .. 3 top secret */
    uint32_t flags;                  /* in: HS_UI_PRESENT */
    char title[HS_UI_TITLE_BYTES];   /* in: notification title */
    char text[HS_UI_TEXT_BYTES];     /* in: notification text */
    char banner[HS_UI_BANNER_BYTES]; /* in: banner (domain name) */
    uint64_t check;                  /* out: frame hash */
    int32_t status;                  /* out: 0 or HS_EINVAL */
    uint32_t tag;                    /* in: value written to FLIP */
} HsUiRequest;

_Static_assert(sizeof(HsUiRequest) == 248, "HsUiRequest layout");

/* HS_CALL_UI_DOCUMENT operations. */
#define HS_UI_DOC_STORE 1 /* write the document from the buffer */
#define HS_UI_DOC_SHOW 2  /* read it back, hash it, compose its page */

/* A document is `bytes` at block `lba` of the storage device, moved in
 * transfers of at most buf_bytes through the buffer at buf_addr. STORE
 * writes the buffer's content once per transfer (the buffer holds what
 * is to be written; a document larger than it is written in pieces from
 * the same buffer). SHOW reads every transfer back, hashes the bytes
 * (FNV-1a, `check`), takes the first bytes of the document as the
 * page's text and composes `page` (its height may exceed UI_MAX_DIM: the
 * page is drawn in stacked bands) and presents it when page.flags says
 * HS_UI_PRESENT. */
typedef struct HsUiDocRequest {
    uint64_t buf_addr;  /* in: transfer buffer (guest address) */
    uint64_t lba;       /* in: first 4 KiB block of the document */
    uint64_t bytes;     /* in: document size, > 0 */
    uint32_t buf_bytes; /* in: buffer size, a multiple of 4 KiB, > 0 */
    uint32_t op;        /* in: HS_UI_DOC_* */
    uint64_t check;     /* out: FNV-1a of the bytes read (SHOW) */
    HsUiRequest page;   /* in (SHOW): the page; text is filled in */
    int32_t status;     /* out: 0, HS_EINVAL or HS_EIO */
    uint32_t reserved;  /* zero */
} HsUiDocRequest;

_Static_assert(sizeof(HsUiDocRequest) == 296, "HsUiDocRequest layout");

#endif /* GUEST_ABI_UI_H */
