/*
 * ui.c - the ui app: compose one frame as the request describes, hash
 * it, and optionally present it on the display; store a document
 * through the storage driver, or read one back and compose its page.
 */
#include "apps/apps.h"
#include "abi/ui.h"
#include "lib/compose.h"
#include "lib/gl_util.h"
#include "rt/rt.h"

/* Copies a fixed-size request string into a NUL-terminated buffer. */
static void copy_str(char *dst, const char *src, uint32_t size)
{
    uint32_t i = 0;
    for (; i < size && src[i] != '\0'; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

static int64_t ui_band(HsUiRequest *req);

/* A request taller than UI_MAX_DIM rows (a whole tall screen, as after a
 * switch between domains) is composed in stacked bands, each a band
 * request; only the last one presents. */
int64_t ui_call(uint64_t id, uint64_t addr)
{
    (void)id;
    HsUiRequest *req = (HsUiRequest *)(uintptr_t)addr;
    uint32_t stride = req->stride_px ? req->stride_px : req->width;
    uint64_t fb = req->fb_addr ? req->fb_addr : HS_FB_BASE;
    if (req->height <= UI_MAX_DIM || stride == 0 ||
        (uint64_t)stride * req->height * 4 > HS_FB_SIZE)
        return ui_band(req);
    uint32_t bands = (req->height + UI_MAX_DIM - 1) / UI_MAX_DIM;
    uint32_t band_h = (req->height + bands - 1) / bands;
    uint64_t h = 0;
    for (uint32_t k = 0; k < bands; k++) {
        HsUiRequest band = *req;
        uint32_t top = k * band_h;
        band.fb_addr = fb + (uint64_t)top * stride * 4;
        band.stride_px = stride;
        band.height = req->height - top < band_h ? req->height - top : band_h;
        if (k + 1 < bands)
            band.flags &= ~(uint32_t)HS_UI_PRESENT;
        int64_t rc = ui_band(&band);
        if (rc < 0) {
            req->status = band.status;
            return rc;
        }
        h = gl_hash_u64(h, band.check);
    }
    req->check = h;
    req->status = 0;
    return 0;
}

static int64_t ui_band(HsUiRequest *req)
{
    uint32_t stride = req->stride_px ? req->stride_px : req->width;
    uint64_t fb = req->fb_addr ? req->fb_addr : HS_FB_BASE;
    if (req->width == 0 || req->height == 0 || req->width > UI_MAX_DIM ||
        req->height > UI_MAX_DIM || stride < req->width ||
        (req->fb_addr == 0 &&
         (uint64_t)stride * req->height * 4 > HS_FB_SIZE)) {
        req->status = HS_EINVAL;
        return HS_EINVAL;
    }
    char title[HS_UI_TITLE_BYTES + 1];
    char text[HS_UI_TEXT_BYTES + 1];
    char banner[HS_UI_BANNER_BYTES + 1];
    copy_str(title, req->title, HS_UI_TITLE_BYTES);
    copy_str(text, req->text, HS_UI_TEXT_BYTES);
    copy_str(banner, req->banner, HS_UI_BANNER_BYTES);
    UiScene scene = {
        .width = req->width,
        .height = req->height,
        .clock_minutes = req->clock_minutes,
        .battery_pct = req->battery_pct,
        .signal_bars = req->signal_bars,
        .level = req->level,
        .title = title,
        .text = text,
        .banner = banner,
    };
    req->check = ui_compose((uint32_t *)(uintptr_t)fb, stride, &scene);
    if (req->flags & HS_UI_PRESENT)
        rt_display_flip(req->tag);
    req->status = 0;
    return 0;
}

/* The document's first bytes as page text: printable ASCII kept, the
 * rest shown as spaces (a page of binary or never-written blocks). */
static void doc_text(char *text, const uint8_t *doc, uint64_t bytes)
{
    for (uint32_t i = 0; i < HS_UI_TEXT_BYTES; i++) {
        uint8_t c = i < bytes ? doc[i] : 0;
        text[i] = (c >= 0x20 && c < 0x7f) ? (char)c : ' ';
    }
}

/* Moves the document through the buffer, one transfer at a time; SHOW
 * hashes what it reads and keeps the first bytes as the page text. */
static int64_t doc_transfer(HsUiDocRequest *req)
{
    uint8_t *buf = (uint8_t *)(uintptr_t)req->buf_addr;
    uint32_t cmd =
        req->op == HS_UI_DOC_STORE ? HS_STORAGE_CMD_WRITE : HS_STORAGE_CMD_READ;
    uint64_t h = GL_HASH_INIT;
    for (uint64_t off = 0; off < req->bytes; off += req->buf_bytes) {
        uint64_t left = req->bytes - off;
        uint32_t n = left < req->buf_bytes ? (uint32_t)left : req->buf_bytes;
        int64_t rc =
            rt_storage_io(cmd, req->lba + off / HS_STORAGE_BLOCK, buf, n);
        if (rc < 0)
            return rc;
        if (cmd == HS_STORAGE_CMD_READ) {
            if (off == 0)
                doc_text(req->page.text, buf, n);
            h = gl_hash_bytes(h, buf, n);
        }
    }
    req->check = h;
    return 0;
}

/* Composes the page in stacked bands of at most UI_MAX_DIM rows, each a
 * ui_call on a copy of the page request; only the last one presents. */
static int64_t doc_compose(HsUiDocRequest *req)
{
    HsUiRequest *pg = &req->page;
    uint32_t stride = pg->stride_px ? pg->stride_px : pg->width;
    uint64_t fb = pg->fb_addr ? pg->fb_addr : HS_FB_BASE;
    if (pg->height == 0 || stride == 0 ||
        (pg->fb_addr == 0 && (uint64_t)stride * pg->height * 4 > HS_FB_SIZE))
        return HS_EINVAL;
    uint32_t bands = (pg->height + UI_MAX_DIM - 1) / UI_MAX_DIM;
    uint32_t band_h = (pg->height + bands - 1) / bands;
    uint64_t h = req->check;
    for (uint32_t k = 0; k < bands; k++) {
        HsUiRequest band = *pg;
        uint32_t top = k * band_h;
        band.fb_addr = fb + (uint64_t)top * stride * 4;
        band.stride_px = stride;
        band.height = pg->height - top < band_h ? pg->height - top : band_h;
        if (k + 1 < bands)
            band.flags &= ~(uint32_t)HS_UI_PRESENT;
        int64_t rc = ui_call(HS_CALL_UI_COMPOSE, (uint64_t)(uintptr_t)&band);
        if (rc < 0)
            return rc;
        h = gl_hash_u64(h, band.check);
    }
    pg->check = h;
    pg->status = 0;
    return 0;
}

int64_t ui_document_call(uint64_t id, uint64_t addr)
{
    (void)id;
    HsUiDocRequest *req = (HsUiDocRequest *)(uintptr_t)addr;
    int64_t rc = HS_EINVAL;
    if (req->bytes != 0 && req->buf_bytes != 0 && req->buf_addr != 0 &&
        req->buf_bytes % HS_STORAGE_BLOCK == 0 &&
        (req->op == HS_UI_DOC_STORE || req->op == HS_UI_DOC_SHOW)) {
        rc = doc_transfer(req);
        if (rc == 0 && req->op == HS_UI_DOC_SHOW)
            rc = doc_compose(req);
    }
    req->status = (int32_t)rc;
    return rc;
}
