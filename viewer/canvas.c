/*
 * canvas.c - rectangles, lines and 5x7 text on XRGB pixels (canvas.h).
 */
#include "viewer/canvas.h"

#include "guest/lib/compose.h"

void canvas_fill(Canvas *c, int x, int y, int w, int h, uint32_t rgb)
{
    int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    int x1 = x + w > c->w ? c->w : x + w, y1 = y + h > c->h ? c->h : y + h;
    for (int j = y0; j < y1; j++)
        for (int i = x0; i < x1; i++)
            c->px[(long)j * c->w + i] = rgb;
}

void canvas_vline(Canvas *c, int x, int y0, int y1, uint32_t rgb)
{
    if (y1 < y0) {
        int t = y0;
        y0 = y1;
        y1 = t;
    }
    canvas_fill(c, x, y0, 1, y1 - y0 + 1, rgb);
}

void canvas_hline(Canvas *c, int x0, int x1, int y, uint32_t rgb)
{
    canvas_fill(c, x0, y, x1 - x0 + 1, 1, rgb);
}

int canvas_text(Canvas *c, int x, int y, int scale, uint32_t rgb, const char *s)
{
    for (; *s; s++) {
        /* the guest's font has no '_' or '=': near enough */
        const uint8_t *g = ui_glyph(*s == '_' ? '-' : *s == '=' ? ':' : *s);
        for (int row = 0; g && row < 7; row++)
            for (int col = 0; col < 5; col++)
                if (g[row] & (0x10 >> col))
                    canvas_fill(c, x + col * scale, y + row * scale, scale,
                                scale, rgb);
        x += 6 * scale;
    }
    return x;
}
