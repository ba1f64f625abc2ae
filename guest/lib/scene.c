/*
 * scene.c - the 3D app's scene (see scene.h).
 */
#include "scene.h"

#include "abi/gpu.h"
#include "gl_util.h"

/* Words besides the grid: TARGET, CLEAR, TEXTURE, the compass's TRIS (2
 * textured), BLIT and COMPOSITE. */
#define SCENE_FIXED_WORDS                                                      \
    (HS_GPU_SURFACE_WORDS + HS_GPU_CLEAR_WORDS + HS_GPU_SURFACE_WORDS + 3 +    \
     2 * HS_GPU_TRI_TEXTURED_WORDS + HS_GPU_BLIT_WORDS +                       \
     HS_GPU_COMPOSITE_WORDS)
/* Grid triangles per TRIS command (its length must fit 16 bits). */
#define SCENE_TRIS_BATCH 4096u

uint32_t gl_scene_words(uint32_t triangles)
{
    uint32_t batches = (triangles + SCENE_TRIS_BATCH - 1) / SCENE_TRIS_BATCH;
    return SCENE_FIXED_WORDS + batches * 3 + triangles * HS_GPU_TRI_WORDS;
}

static uint32_t isqrt(uint32_t v)
{
    uint32_t lo = 0, hi = 65536;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if ((uint64_t)mid * mid <= v)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

typedef struct Out {
    uint32_t *w;
    uint32_t n;
} Out;

static void put(Out *o, uint32_t v)
{
    o->w[o->n++] = v;
}

static void surface(Out *o, uint32_t op, uint64_t addr, uint32_t w, uint32_t h,
                    uint32_t stride)
{
    put(o, HS_GPU_HDR(op, HS_GPU_SURFACE_WORDS));
    put(o, (uint32_t)addr);
    put(o, (uint32_t)(addr >> 32));
    put(o, w);
    put(o, h);
    put(o, stride);
}

/* A grid vertex, 28.4: rows roll with the frame like terrain seen from
 * a moving viewpoint. */
static void vertex(uint32_t c, uint32_t r, uint32_t cw, uint32_t ch,
                   uint32_t frame, int32_t *x, int32_t *y)
{
    int64_t sy = gl_sine_q15(c * 2731u + r * 1999u + frame * 700u);
    int64_t sx = gl_sine_q15(c * 1543u + r * 3011u + frame * 450u);
    *x = (int32_t)(c * cw) + (int32_t)((sx * (int64_t)(cw / 4)) / 32768);
    *y = (int32_t)(r * ch) + (int32_t)((sy * (int64_t)(ch / 3)) / 32768);
}

static uint32_t shade(uint32_t c, uint32_t r, uint32_t frame, uint32_t half)
{
    uint32_t k = (r * 7u + c * 3u + half * 5u + frame / 4u) & 63u;
    uint32_t g = 96u + k * 2u, b = 40u + (k & 15u) * 6u, red = 24u + k;
    return (red << 16) | (g << 8) | b;
}

uint32_t gl_scene_build(uint32_t *words, uint32_t cap, const GlScene *sc)
{
    uint32_t t = sc->triangles;
    if (t < 2 || sc->width == 0 || sc->height == 0 ||
        sc->width > HS_GPU_MAX_DIM || sc->height > HS_GPU_MAX_DIM ||
        sc->stride_px < sc->width || t > 0x1000000u || cap < gl_scene_words(t))
        return 0;
    Out o = {words, 0};
    surface(&o, HS_GPU_OP_TARGET, sc->fb_addr, sc->width, sc->height,
            sc->stride_px);
    put(&o, HS_GPU_HDR(HS_GPU_OP_CLEAR, HS_GPU_CLEAR_WORDS));
    put(&o, 0x00102030u);
    put(&o, 0);
    put(&o, 0);
    put(&o, sc->width);
    put(&o, sc->height);
    /* the grid: quads of two triangles, about square cells */
    uint32_t quads = (t + 1) / 2;
    uint32_t cols = isqrt((uint32_t)((uint64_t)quads * sc->width / sc->height));
    if (cols == 0)
        cols = 1;
    if (cols > quads)
        cols = quads;
    uint32_t rows = (quads + cols - 1) / cols;
    uint32_t cw = sc->width * 16u / cols, ch = sc->height * 16u / rows;
    for (uint32_t i = 0; i < t; i++) {
        if (i % SCENE_TRIS_BATCH == 0) {
            uint32_t n = t - i < SCENE_TRIS_BATCH ? t - i : SCENE_TRIS_BATCH;
            put(&o, HS_GPU_HDR(HS_GPU_OP_TRIS, 3 + n * HS_GPU_TRI_WORDS));
            put(&o, 0);
            put(&o, n);
        }
        uint32_t q = i / 2, half = i % 2;
        uint32_t c = q % cols, r = q / cols;
        int32_t x[4], y[4];
        vertex(c, r, cw, ch, sc->frame, &x[0], &y[0]);
        vertex(c + 1, r, cw, ch, sc->frame, &x[1], &y[1]);
        vertex(c + 1, r + 1, cw, ch, sc->frame, &x[2], &y[2]);
        vertex(c, r + 1, cw, ch, sc->frame, &x[3], &y[3]);
        static const int corner[2][3] = {{0, 1, 2}, {0, 2, 3}};
        for (int k = 0; k < 3; k++) {
            put(&o, (uint32_t)x[corner[half][k]]);
            put(&o, (uint32_t)y[corner[half][k]]);
        }
        put(&o, shade(c, r, sc->frame, half));
    }
    /* the compass: a textured square turning with the frame */
    surface(&o, HS_GPU_OP_TEXTURE, sc->tex_addr, GL_SCENE_TEX_DIM,
            GL_SCENE_TEX_DIM, GL_SCENE_TEX_DIM);
    int32_t cx = (int32_t)(sc->width * 16u) - 96 * 16, cy = 96 * 16;
    int64_t s = gl_sine_q15(sc->frame * 300u);
    int64_t co = gl_sine_q15(sc->frame * 300u + 16384u);
    static const int32_t cu[4] = {-1, 1, 1, -1}, cv[4] = {-1, -1, 1, 1};
    int32_t px[4], py[4];
    for (int k = 0; k < 4; k++) {
        int64_t ux = cu[k] * 64 * 16, vy = cv[k] * 64 * 16;
        px[k] = cx + (int32_t)((ux * co - vy * s) / 32768);
        py[k] = cy + (int32_t)((ux * s + vy * co) / 32768);
    }
    put(&o, HS_GPU_HDR(HS_GPU_OP_TRIS, 3 + 2 * HS_GPU_TRI_TEXTURED_WORDS));
    put(&o, HS_GPU_TRI_TEXTURED);
    put(&o, 2);
    static const int tri[2][3] = {{0, 1, 2}, {0, 2, 3}};
    for (int h = 0; h < 2; h++) {
        for (int k = 0; k < 3; k++) {
            put(&o, (uint32_t)px[tri[h][k]]);
            put(&o, (uint32_t)py[tri[h][k]]);
        }
        put(&o, 0);
        for (int k = 0; k < 3; k++) {
            int v = tri[h][k];
            put(&o, cu[v] > 0 ? (uint32_t)GL_SCENE_TEX_DIM << 16 : 0);
            put(&o, cv[v] > 0 ? (uint32_t)GL_SCENE_TEX_DIM << 16 : 0);
        }
    }
    /* the compass again, copied and blended into the top-left corner */
    put(&o, HS_GPU_HDR(HS_GPU_OP_BLIT, HS_GPU_BLIT_WORDS));
    put(&o, 0);
    put(&o, 0);
    put(&o, GL_SCENE_TEX_DIM);
    put(&o, GL_SCENE_TEX_DIM);
    put(&o, 16);
    put(&o, 16);
    put(&o, HS_GPU_HDR(HS_GPU_OP_COMPOSITE, HS_GPU_COMPOSITE_WORDS));
    put(&o, 0);
    put(&o, 0);
    put(&o, GL_SCENE_TEX_DIM);
    put(&o, GL_SCENE_TEX_DIM);
    put(&o, 16 + GL_SCENE_TEX_DIM + 16);
    put(&o, 16);
    put(&o, 128);
    return o.n;
}

void gl_scene_texture(uint32_t *tex)
{
    for (int32_t y = 0; y < GL_SCENE_TEX_DIM; y++)
        for (int32_t x = 0; x < GL_SCENE_TEX_DIM; x++) {
            int32_t dx = x - GL_SCENE_TEX_DIM / 2,
                    dy = y - GL_SCENE_TEX_DIM / 2;
            int32_t d2 = dx * dx + dy * dy;
            uint32_t c = 0x00203060u; /* outside: dark blue */
            if (d2 < 30 * 30)
                c = 0x00d0d0d0u; /* the dial */
            if (d2 < 30 * 30 && d2 > 26 * 26)
                c = 0x00404040u; /* its rim */
            if (dx > -4 && dx < 4 && dy < 0 && dy > -26)
                c = 0x00e02020u; /* the needle, north */
            tex[y * GL_SCENE_TEX_DIM + x] = c;
        }
}
