/*
 * gl.c - the 3D app: one frame of its scene per HS_CALL_GL_FRAME
 * (abi/gl.h). The scene is a GPU command list (guest/lib/scene.c); the
 * platform says whether this domain has 3D (HS_GPU_CAPS): if it has, the
 * list runs on the domain's GPU context, if not the app runs it through
 * the reference rasteriser on its own vCPU. The guest code is the same
 * under every approach.
 */
#include "apps/apps.h"
#include "abi/gl.h"
#include "lib/compose.h"
#include "lib/raster.h"
#include "lib/scene.h"
#include "rt/rt.h"

static uint32_t gl_cmds[HS_GL_MAX_TRIANGLES * 7 + 128];
static uint32_t gl_tex[GL_SCENE_TEX_DIM * GL_SCENE_TEX_DIM];
static int gl_tex_ready;

/* 7 words a triangle, a TRIS header per 4096 and 62 more (scene.c) */
_Static_assert(sizeof gl_cmds / 4 >= 7 * HS_GL_MAX_TRIANGLES + 4 * 3 + 62,
               "gl_cmds holds the largest scene");

/* The domain's own memory, addressed directly. */
static uint32_t *self_map(void *ctx, uint64_t addr, uint64_t bytes, int write)
{
    (void)ctx;
    (void)bytes;
    (void)write;
    return (uint32_t *)(uintptr_t)addr;
}

/* Maps the app's buffers into its GPU context once (the GPU MMU): the
 * command list and texture readable, the framebuffer writable, and a
 * target outside the framebuffer when a request names one. */
static void gl_gpu_map(uint64_t fb, uint64_t fb_bytes)
{
    static int mapped;
    if (!mapped && rt_gpu_map(gl_cmds, sizeof gl_cmds, HS_GPU_MAP_READ) == 0 &&
        rt_gpu_map(gl_tex, sizeof gl_tex, HS_GPU_MAP_READ) == 0 &&
        rt_gpu_map((void *)(uintptr_t)HS_FB_BASE, HS_FB_SIZE,
                   HS_GPU_MAP_READ | HS_GPU_MAP_WRITE) == 0)
        mapped = 1;
    if (mapped && (fb < HS_FB_BASE || fb - HS_FB_BASE > HS_FB_SIZE ||
                   fb_bytes > HS_FB_SIZE - (fb - HS_FB_BASE)))
        rt_gpu_map((void *)(uintptr_t)fb, fb_bytes,
                   HS_GPU_MAP_READ | HS_GPU_MAP_WRITE);
}

int64_t gl_call(uint64_t id, uint64_t addr)
{
    (void)id;
    HsGlRequest *req = (HsGlRequest *)(uintptr_t)addr;
    uint32_t stride = req->stride_px ? req->stride_px : req->width;
    uint64_t fb = req->fb_addr ? req->fb_addr : HS_FB_BASE;
    if (req->triangles < 2 || req->triangles > HS_GL_MAX_TRIANGLES ||
        req->width == 0 || req->height == 0 || stride < req->width ||
        (req->fb_addr == 0 &&
         (uint64_t)stride * req->height * 4 > HS_FB_SIZE)) {
        req->status = HS_EINVAL;
        return HS_EINVAL;
    }
    if (!gl_tex_ready) {
        gl_scene_texture(gl_tex);
        gl_tex_ready = 1;
    }
    GlScene sc = {
        .fb_addr = fb,
        .tex_addr = (uintptr_t)gl_tex,
        .width = req->width,
        .height = req->height,
        .stride_px = stride,
        .frame = req->frame,
        .triangles = req->triangles,
    };
    uint32_t n = gl_scene_build(gl_cmds, sizeof gl_cmds / 4, &sc);
    if (n == 0) {
        req->status = HS_EINVAL;
        return HS_EINVAL;
    }
    gl_gpu_map(fb, (uint64_t)stride * req->height * 4);
    int64_t rc = rt_gpu_run(gl_cmds, n * 4);
    req->mode = HS_GL_MODE_GPU;
    if (rc == HS_EPERM) {
        RasterStats st = {0};
        RasterMem mem = {self_map, 0};
        uint32_t at;
        rc = raster_exec(gl_cmds, n, &mem, &st, &at) ? HS_EIO : 0;
        req->mode = HS_GL_MODE_SOFTWARE;
    }
    req->check = 0;
    if (rc == 0 && (req->flags & HS_GL_CHECK))
        req->check = ui_frame_hash((const uint32_t *)(uintptr_t)fb, stride,
                                   req->width, req->height);
    /* A frame is presented even when drawing failed, so whoever waits
     * for it learns (the status says why). */
    if (req->flags & HS_GL_PRESENT)
        rt_display_flip(req->tag);
    req->status = (int32_t)rc;
    return rc;
}
