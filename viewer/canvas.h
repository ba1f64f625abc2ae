/*
 * canvas.h - the viewer's drawing surface: XRGB8888 pixels in host
 * memory, filled rectangles, lines and text in the guest's own 5x7 font
 * (guest/lib/compose.h, built for the host). Drawing is plain C so the
 * window and a headless screenshot show the same pixels; SDL only puts
 * them on screen or reads them back.
 */
#ifndef HS_VIEWER_CANVAS_H
#define HS_VIEWER_CANVAS_H

#include <stdint.h>

typedef struct Canvas {
    uint32_t *px; /* w x h, row-major, 0x00RRGGBB */
    int w, h;
} Canvas;

void canvas_fill(Canvas *c, int x, int y, int w, int h, uint32_t rgb);
void canvas_vline(Canvas *c, int x, int y0, int y1, uint32_t rgb);
void canvas_hline(Canvas *c, int x0, int x1, int y, uint32_t rgb);
/* Text at (x, y) (top-left), each font pixel scale x scale. Returns the
 * x after the last character. */
int canvas_text(Canvas *c, int x, int y, int scale, uint32_t rgb,
                const char *s);

#endif /* HS_VIEWER_CANVAS_H */
