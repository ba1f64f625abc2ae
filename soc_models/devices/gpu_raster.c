/*
 * gpu_raster.c - the GPU device's rasteriser (see gpu_raster.h). Every
 * rule (fixed point, edge ownership, clipping, texel addressing, the
 * blend, what is counted) is the reference's (guest/lib/raster.c); only
 * the loops differ.
 */
#include "soc_models/devices/gpu_raster.h"

#include <stdbool.h>
#include <string.h>

#include "abi/gpu.h"

typedef struct Surface {
    uint32_t *px;    /* NULL when unbound */
    uint32_t w, h;   /* pixels */
    uint32_t stride; /* pixels per row */
} Surface;

typedef struct Raster {
    const RasterMem *mem;
    RasterStats *st;
    Surface target;
    Surface tex;
} Raster;

/* Floor of v / 2^s for any sign (as the reference). */
static int64_t floor_shift(int64_t v, unsigned s)
{
    if (v >= 0)
        return v >> s;
    return -(int64_t)((uint64_t)(-(v + 1)) >> s) - 1;
}

static int64_t min3(int64_t a, int64_t b, int64_t c)
{
    int64_t m = a < b ? a : b;
    return m < c ? m : c;
}

static int64_t max3(int64_t a, int64_t b, int64_t c)
{
    int64_t m = a > b ? a : b;
    return m > c ? m : c;
}

static uint32_t op_of(uint32_t hdr)
{
    return hdr & 0xffu;
}

static uint32_t len_of(uint32_t hdr)
{
    return hdr >> 16;
}

static int bind(Raster *r, Surface *s, const uint32_t *a, int write)
{
    uint64_t addr = (uint64_t)a[0] | (uint64_t)a[1] << 32;
    uint64_t bytes = ((uint64_t)(a[3] - 1) * a[4] + a[2]) * 4;
    uint32_t *px = r->mem->map(r->mem->ctx, addr, bytes, write);
    if (!px)
        return -HS_GPU_ERR_SURFACE;
    *s = (Surface){px, a[2], a[3], a[4]};
    return 0;
}

/* Clips [x, x + w) to [0, limit): returns the first pixel and sets *n. */
static uint32_t clip_span(int64_t x, int64_t w, uint32_t limit, uint32_t *n)
{
    int64_t x0 = x < 0 ? 0 : x, x1 = x + w;
    if (x1 > limit)
        x1 = limit;
    *n = x1 > x0 ? (uint32_t)(x1 - x0) : 0;
    return (uint32_t)x0;
}

/* Four pixels a store (a GNU C vector; the memcpy becomes one move). */
typedef uint32_t Px4 __attribute__((vector_size(16)));

static void fill(uint32_t *p, uint32_t v, uint32_t n)
{
    uint32_t i = 0;
    if (n >= 4) {
        Px4 q = {v, v, v, v};
        for (; i + 4 <= n; i += 4)
            memcpy(p + i, &q, sizeof q);
    }
    for (; i < n; i++)
        p[i] = v;
}

/* A CLEAR's rectangle clipped to the target. */
typedef struct Rect {
    uint32_t x, y, nx, ny;
} Rect;

static Rect clear_rect(const Surface *t, const uint32_t *a)
{
    Rect c;
    int64_t x0 = (int32_t)a[1], y0 = (int32_t)a[2];
    c.x = clip_span(x0, (int64_t)(int32_t)a[3] - x0, t->w, &c.nx);
    c.y = clip_span(y0, (int64_t)(int32_t)a[4] - y0, t->h, &c.ny);
    return c;
}

/* Whether rectangle o holds every pixel of c. */
static bool covers(Rect o, Rect c)
{
    return c.nx == 0 || c.ny == 0 ||
           (o.x <= c.x && c.x + c.nx <= o.x + o.nx && o.y <= c.y &&
            c.y + c.ny <= o.y + o.ny);
}

/* CLEAR; next is the list's following command (NULL at its end). A clear
 * whose every pixel the next command clears again is counted but not
 * drawn: nothing reads those pixels in between. */
static void do_clear(Raster *r, const uint32_t *a, const uint32_t *next)
{
    Surface *t = &r->target;
    Rect c = clear_rect(t, a);
    r->st->fragments += (uint64_t)c.nx * c.ny;
    if (c.nx == 0 || c.ny == 0 ||
        (next && op_of(next[0]) == HS_GPU_OP_CLEAR &&
         covers(clear_rect(t, next + 1), c)))
        return;
    /* the first row pixel by pixel, the others copied from it (rows never
     * overlap: stride >= width) */
    uint32_t *first = t->px + (uint64_t)c.y * t->stride + c.x;
    fill(first, a[0], c.nx);
    for (uint32_t y = 1; y < c.ny; y++)
        memcpy(first + (uint64_t)y * t->stride, first, (size_t)c.nx * 4);
}

/* Whether command next, right after the TARGET bind a, clears every byte
 * of that surface (no gap between rows). */
static bool cleared_whole(const uint32_t *a, const uint32_t *next)
{
    if (op_of(next[0]) != HS_GPU_OP_CLEAR || a[4] != a[2])
        return false;
    Surface t = {NULL, a[2], a[3], a[4]};
    Rect c = clear_rect(&t, next + 1);
    return c.x == 0 && c.y == 0 && c.nx == t.w && c.ny == t.h;
}

/* Whether [a, a + n) and [b, b + n) share a pixel. */
static bool overlap(const uint32_t *a, const uint32_t *b, int64_t n)
{
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b, bytes = (uintptr_t)n * 4;
    return pa < pb + bytes && pb < pa + bytes;
}

/* BLIT (alpha 256) and COMPOSITE. */
static void do_copy(Raster *r, const uint32_t *a, uint32_t alpha)
{
    Surface *t = &r->target, *s = &r->tex;
    int64_t sx = (int32_t)a[0], sy = (int32_t)a[1];
    int64_t w = (int32_t)a[2], h = (int32_t)a[3];
    int64_t dx = (int32_t)a[4], dy = (int32_t)a[5];
    /* clip to the source, then the target, moving both origins */
    if (sx < 0) {
        w += sx;
        dx -= sx;
        sx = 0;
    }
    if (sy < 0) {
        h += sy;
        dy -= sy;
        sy = 0;
    }
    if (dx < 0) {
        w += dx;
        sx -= dx;
        dx = 0;
    }
    if (dy < 0) {
        h += dy;
        sy -= dy;
        dy = 0;
    }
    if (w > (int64_t)s->w - sx)
        w = (int64_t)s->w - sx;
    if (h > (int64_t)s->h - sy)
        h = (int64_t)s->h - sy;
    if (w > (int64_t)t->w - dx)
        w = (int64_t)t->w - dx;
    if (h > (int64_t)t->h - dy)
        h = (int64_t)t->h - dy;
    if (w <= 0 || h <= 0)
        return;
    for (int64_t y = 0; y < h; y++) {
        const uint32_t *src = s->px + (uint64_t)(sy + y) * s->stride + sx;
        uint32_t *dst = t->px + (uint64_t)(dy + y) * t->stride + dx;
        if (alpha == 256 && !overlap(src, dst, w)) {
            memcpy(dst, src, (size_t)w * 4);
            continue;
        }
        /* blended, or source and target rows overlap (one surface):
         * pixel by pixel in the reference's order */
        for (int64_t x = 0; x < w; x++) {
            uint32_t c = src[x];
            if (alpha < 256) {
                uint32_t d = dst[x], o = 0;
                for (unsigned sh = 0; sh < 24; sh += 8) {
                    uint32_t cs = (c >> sh) & 0xffu, cd = (d >> sh) & 0xffu;
                    o |= (((cs * alpha + cd * (256 - alpha)) >> 8) & 0xffu)
                         << sh;
                }
                c = o;
            }
            dst[x] = c;
        }
    }
    r->st->fragments += (uint64_t)w * (uint64_t)h;
    r->st->texels += (uint64_t)w * (uint64_t)h;
}

/* Does edge a->b own the pixels exactly on it? (as the reference) */
static int owns_edge(int64_t dx, int64_t dy)
{
    return dy > 0 || (dy == 0 && dx < 0);
}

typedef struct Vert {
    int64_t x, y; /* 28.4 */
    int64_t u, v; /* 16.16 texel */
} Vert;

/* Narrows [*lo, *hi] to the steps i where a + i * s >= 0 (one edge
 * function along a row). Returns false when no step is left. */
static bool edge_span(int64_t a, int64_t s, int64_t *lo, int64_t *hi)
{
    if (s == 0)
        return a >= 0;
    if (s > 0) {
        if (a < 0) {
            int64_t m = (-a + s - 1) / s; /* ceil(-a / s) */
            if (m > *lo)
                *lo = m;
        }
    } else {
        if (a < 0)
            return false;
        int64_t m = a / -s; /* floor(a / -s) */
        if (m < *hi)
            *hi = m;
    }
    return *lo <= *hi;
}

static void draw_tri(Raster *r, Vert p0, Vert p1, Vert p2, uint32_t colour,
                     int textured)
{
    Surface *t = &r->target;
    r->st->triangles++;
    int64_t area =
        (p1.x - p0.x) * (p2.y - p0.y) - (p1.y - p0.y) * (p2.x - p0.x);
    if (area == 0)
        return;
    if (area < 0) {
        Vert tmp = p1;
        p1 = p2;
        p2 = tmp;
        area = -area;
    }
    int64_t minx = min3(p0.x, p1.x, p2.x), maxx = max3(p0.x, p1.x, p2.x);
    int64_t miny = min3(p0.y, p1.y, p2.y), maxy = max3(p0.y, p1.y, p2.y);
    if (maxx < 0 || maxy < 0)
        return;
    int64_t x0 = minx < 0 ? 0 : floor_shift(minx, 4);
    int64_t y0 = miny < 0 ? 0 : floor_shift(miny, 4);
    int64_t x1 = floor_shift(maxx, 4), y1 = floor_shift(maxy, 4);
    if (x1 > (int64_t)t->w - 1)
        x1 = (int64_t)t->w - 1;
    if (y1 > (int64_t)t->h - 1)
        y1 = (int64_t)t->h - 1;
    if (x0 > x1 || y0 > y1)
        return;
    /* Edge k is opposite vertex k (as the reference); the pixel at step
     * i of a row is inside when row[k] + bias[k] + i * stepx[k] >= 0 for
     * every k, which holds on one contiguous run of steps. */
    const Vert *va[3] = {&p1, &p2, &p0}, *vb[3] = {&p2, &p0, &p1};
    int64_t row[3], stepx[3], stepy[3], bias[3];
    int64_t px = x0 * 16 + 8, py = y0 * 16 + 8;
    for (int k = 0; k < 3; k++) {
        int64_t dx = vb[k]->x - va[k]->x, dy = vb[k]->y - va[k]->y;
        row[k] = dx * (py - va[k]->y) - dy * (px - va[k]->x);
        stepx[k] = -dy * 16;
        stepy[k] = dx * 16;
        bias[k] = owns_edge(dx, dy) ? 0 : -1;
    }
    uint32_t umask = r->tex.w - 1, vmask = r->tex.h - 1;
    uint64_t fragments = 0, texels = 0;
    for (int64_t y = y0; y <= y1; y++) {
        int64_t lo = 0, hi = x1 - x0;
        if (edge_span(row[0] + bias[0], stepx[0], &lo, &hi) &&
            edge_span(row[1] + bias[1], stepx[1], &lo, &hi) &&
            edge_span(row[2] + bias[2], stepx[2], &lo, &hi)) {
            uint32_t *dst = t->px + (uint64_t)y * t->stride + (uint64_t)x0;
            uint32_t n = (uint32_t)(hi - lo + 1);
            if (!textured) {
                fill(dst + lo, colour, n);
            } else {
                const uint32_t *tex = r->tex.px;
                uint32_t tstride = r->tex.stride;
                for (int64_t i = lo; i <= hi; i++) {
                    int64_t e1 = row[1] + i * stepx[1];
                    int64_t e2 = row[2] + i * stepx[2];
                    int64_t b1 = (e1 << 16) / area, b2 = (e2 << 16) / area;
                    int64_t u =
                        p0.u + floor_shift(
                                   (p1.u - p0.u) * b1 + (p2.u - p0.u) * b2, 16);
                    int64_t v =
                        p0.v + floor_shift(
                                   (p1.v - p0.v) * b1 + (p2.v - p0.v) * b2, 16);
                    uint32_t tx = (uint32_t)floor_shift(u, 16) & umask;
                    uint32_t ty = (uint32_t)floor_shift(v, 16) & vmask;
                    dst[i] = tex[(uint64_t)ty * tstride + tx];
                }
                texels += n;
            }
            fragments += n;
        }
        row[0] += stepy[0];
        row[1] += stepy[1];
        row[2] += stepy[2];
    }
    r->st->fragments += fragments;
    r->st->texels += texels;
}

static void do_tris(Raster *r, const uint32_t *a)
{
    int textured = (a[0] & HS_GPU_TRI_TEXTURED) != 0;
    uint32_t per = textured ? HS_GPU_TRI_TEXTURED_WORDS : HS_GPU_TRI_WORDS;
    for (uint32_t i = 0; i < a[1]; i++) {
        const uint32_t *t = a + 2 + i * per;
        Vert v[3];
        for (int k = 0; k < 3; k++) {
            v[k].x = (int32_t)t[2 * k];
            v[k].y = (int32_t)t[2 * k + 1];
            v[k].u = textured ? (int32_t)t[7 + 2 * k] : 0;
            v[k].v = textured ? (int32_t)t[8 + 2 * k] : 0;
        }
        draw_tri(r, v[0], v[1], v[2], t[6], textured);
    }
}

int gpu_raster_exec(const uint32_t *words, uint32_t n_words,
                    const RasterMem *mem, RasterStats *st, uint32_t *at)
{
    int rc = raster_check(words, n_words, at);
    if (rc)
        return rc;
    Raster r = {.mem = mem, .st = st};
    for (uint32_t i = 0; i < n_words; i += len_of(words[i])) {
        const uint32_t *a = words + i + 1;
        *at = i;
        st->commands++;
        switch (op_of(words[i])) {
        case HS_GPU_OP_TARGET: {
            uint32_t j = i + len_of(words[i]);
            rc = bind(&r, &r.target, a,
                      j < n_words && cleared_whole(a, words + j)
                          ? GPU_RASTER_OVERWRITE
                          : 1);
            break;
        }
        case HS_GPU_OP_TEXTURE:
            rc = bind(&r, &r.tex, a, 0);
            break;
        case HS_GPU_OP_CLEAR: {
            uint32_t j = i + len_of(words[i]);
            do_clear(&r, a, j < n_words ? words + j : NULL);
            break;
        }
        case HS_GPU_OP_TRIS:
            do_tris(&r, a);
            break;
        case HS_GPU_OP_BLIT:
            do_copy(&r, a, 256);
            break;
        default: /* HS_GPU_OP_COMPOSITE: raster_check let nothing else by */
            do_copy(&r, a, a[6]);
            break;
        }
        if (rc)
            return rc;
    }
    return 0;
}
