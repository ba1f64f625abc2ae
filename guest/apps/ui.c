/*
 * ui.c - the ui app: compose one frame as the request describes, hash
 * it, and optionally present it on the display.
 */
#include "apps/apps.h"
#include "apps/ui.h"
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

int64_t ui_call(uint64_t id, uint64_t addr)
{
    (void)id;
    HsUiRequest *req = (HsUiRequest *)(uintptr_t)addr;
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
        rt_display_flip();
    req->status = 0;
    return 0;
}
