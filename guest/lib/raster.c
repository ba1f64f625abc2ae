/*
 * raster.c - the reference rasteriser (see raster.h, abi/gpu.h).
 *
 * Triangles are rasterised with edge functions at pixel centres in 28.4
 * fixed point, stepped incrementally over the triangle's bounding box
 * clipped to the target. Texel coordinates come from barycentric weights
 * in 0.16 fixed point (one division per weight and pixel), so textured
 * pixels cost more, on a vCPU as on the GPU.
 */
#include "raster.h"

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

/* Floor of v / 2^s for any sign (no reliance on how >> treats
 * negative values). */
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

static int pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

/* Checks a surface bind (words: addr_lo, addr_hi, width, height,
 * stride): a 4-byte aligned address, sizes in range; textures must be
 * powers of two. */
static int check_surface(const uint32_t *a, int texture)
{
    uint32_t w = a[2], h = a[3], stride = a[4];
    if ((a[0] & 3) != 0 || w == 0 || h == 0 || w > HS_GPU_MAX_DIM ||
        h > HS_GPU_MAX_DIM || stride < w || stride > 4 * HS_GPU_MAX_DIM)
        return -HS_GPU_ERR_SURFACE;
    if (texture && (!pow2(w) || !pow2(h)))
        return -HS_GPU_ERR_SURFACE;
    return 0;
}

static int coord_ok(uint32_t v)
{
    int32_t c = (int32_t)v;
    return c >= -HS_GPU_COORD_MAX && c <= HS_GPU_COORD_MAX;
}

int raster_check(const uint32_t *words, uint32_t n_words, uint32_t *at)
{
    int target = 0, texture = 0;
    uint32_t i = 0;
    while (i < n_words) {
        uint32_t hdr = words[i], op = op_of(hdr), len = len_of(hdr);
        *at = i;
        if (len == 0 || len > n_words - i)
            return -HS_GPU_ERR_LENGTH;
        const uint32_t *a = words + i + 1;
        uint32_t want = 0;
        int rc = 0;
        switch (op) {
        case HS_GPU_OP_TARGET:
        case HS_GPU_OP_TEXTURE:
            want = HS_GPU_SURFACE_WORDS;
            if (len == want)
                rc = check_surface(a, op == HS_GPU_OP_TEXTURE);
            if (op == HS_GPU_OP_TARGET)
                target = 1;
            else
                texture = 1;
            break;
        case HS_GPU_OP_CLEAR:
            want = HS_GPU_CLEAR_WORDS;
            break;
        case HS_GPU_OP_BLIT:
        case HS_GPU_OP_COMPOSITE:
            want = op == HS_GPU_OP_BLIT ? HS_GPU_BLIT_WORDS
                                        : HS_GPU_COMPOSITE_WORDS;
            if (len == want && !texture)
                rc = -HS_GPU_ERR_TEXTURE;
            if (len == want && op == HS_GPU_OP_COMPOSITE && a[6] > 256)
                rc = -HS_GPU_ERR_COORD;
            break;
        case HS_GPU_OP_TRIS: {
            if (len < 3)
                return -HS_GPU_ERR_LENGTH;
            int tex = (a[0] & HS_GPU_TRI_TEXTURED) != 0;
            uint32_t per = tex ? HS_GPU_TRI_TEXTURED_WORDS : HS_GPU_TRI_WORDS;
            uint32_t count = a[1];
            if (count > (0xffffu - 3) / per)
                return -HS_GPU_ERR_LENGTH;
            want = 3 + count * per;
            if (len == want && tex && !texture)
                rc = -HS_GPU_ERR_TEXTURE;
            for (uint32_t t = 0; len == want && rc == 0 && t < count; t++)
                for (uint32_t k = 0; k < 6; k++)
                    if (!coord_ok(a[2 + t * per + k]))
                        rc = -HS_GPU_ERR_COORD;
            break;
        }
        default:
            return -HS_GPU_ERR_OPCODE;
        }
        if (len != want)
            return -HS_GPU_ERR_LENGTH;
        if (rc)
            return rc;
        if (op != HS_GPU_OP_TARGET && op != HS_GPU_OP_TEXTURE && !target)
            return -HS_GPU_ERR_NO_TARGET;
        i += len;
    }
    return 0;
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

static void do_clear(Raster *r, const uint32_t *a)
{
    Surface *t = &r->target;
    int64_t x0 = (int32_t)a[1], y0 = (int32_t)a[2];
    uint32_t nx, ny;
    uint32_t cx = clip_span(x0, (int64_t)(int32_t)a[3] - x0, t->w, &nx);
    uint32_t cy = clip_span(y0, (int64_t)(int32_t)a[4] - y0, t->h, &ny);
    for (uint32_t y = 0; y < ny; y++) {
        uint32_t *row = t->px + (uint64_t)(cy + y) * t->stride + cx;
        for (uint32_t x = 0; x < nx; x++)
            row[x] = a[0];
    }
    r->st->fragments += (uint64_t)nx * ny;
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

/* Does edge a->b own the pixels exactly on it? Of the two directions of
 * an edge exactly one does, so neighbours never both draw them. */
static int owns_edge(int64_t dx, int64_t dy)
{
    return dy > 0 || (dy == 0 && dx < 0);
}

typedef struct Vert {
    int64_t x, y; /* 28.4 */
    int64_t u, v; /* 16.16 texel */
} Vert;

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
    /* Edge k is opposite vertex k: e(P) = (b.x-a.x)(P.y-a.y) -
     * (b.y-a.y)(P.x-a.x), positive inside. */
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
    for (int64_t y = y0; y <= y1; y++) {
        int64_t e0 = row[0], e1 = row[1], e2 = row[2];
        uint32_t *dst = t->px + (uint64_t)y * t->stride;
        for (int64_t x = x0; x <= x1; x++) {
            if (e0 + bias[0] >= 0 && e1 + bias[1] >= 0 && e2 + bias[2] >= 0) {
                uint32_t c = colour;
                if (textured) {
                    int64_t b1 = (e1 << 16) / area, b2 = (e2 << 16) / area;
                    int64_t u =
                        p0.u + floor_shift(
                                   (p1.u - p0.u) * b1 + (p2.u - p0.u) * b2, 16);
                    int64_t v =
                        p0.v + floor_shift(
                                   (p1.v - p0.v) * b1 + (p2.v - p0.v) * b2, 16);
                    uint32_t tx = (uint32_t)floor_shift(u, 16) & umask;
                    uint32_t ty = (uint32_t)floor_shift(v, 16) & vmask;
                    c = r->tex.px[(uint64_t)ty * r->tex.stride + tx];
                    r->st->texels++;
                }
                dst[x] = c;
                r->st->fragments++;
            }
            e0 += stepx[0];
            e1 += stepx[1];
            e2 += stepx[2];
        }
        row[0] += stepy[0];
        row[1] += stepy[1];
        row[2] += stepy[2];
    }
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

int raster_exec(const uint32_t *words, uint32_t n_words, const RasterMem *mem,
                RasterStats *st, uint32_t *at)
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
        case HS_GPU_OP_TARGET:
            rc = bind(&r, &r.target, a, 1);
            break;
        case HS_GPU_OP_TEXTURE:
            rc = bind(&r, &r.tex, a, 0);
            break;
        case HS_GPU_OP_CLEAR:
            do_clear(&r, a);
            break;
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
