/*
 * gl.h - request layout of HS_CALL_GL_FRAME, shared by host and guest:
 * the 3D app (guest/apps/gl.c) draws one frame of its scene, a scrolling
 * map of `triangles` triangles (guest/lib/scene.h), as a GPU command
 * list (abi/gpu.h). When the platform gives the domain 3D
 * (HS_GPU_CAPS & HS_GPU_CAP_3D) the list runs on the domain's GPU
 * context; otherwise the app runs the same list through the reference
 * rasteriser on its own vCPU. Either way the pixels are the same.
 */
#ifndef GUEST_ABI_GL_H
#define GUEST_ABI_GL_H

#include <stdint.h>

#define HS_GL_PRESENT 0x1 /* flags: flip the display after drawing */
#define HS_GL_CHECK 0x2   /* flags: hash the frame into `check` */
#define HS_GL_MAX_TRIANGLES 16384

#define HS_GL_MODE_GPU 1      /* drawn by the GPU */
#define HS_GL_MODE_SOFTWARE 2 /* drawn on the vCPU */

typedef struct HsGlRequest {
    uint64_t fb_addr;   /* in: target, 0 = HS_FB_BASE */
    uint32_t width;     /* in: pixels, 1 .. 4096 */
    uint32_t height;    /* in: pixels, 1 .. 4096 */
    uint32_t stride_px; /* in: pixels per row, 0 = width */
    uint32_t frame;     /* in: frame number (the scene's animation) */
    uint32_t triangles; /* in: triangles, 2 .. HS_GL_MAX_TRIANGLES */
    uint32_t flags;     /* in: HS_GL_PRESENT, HS_GL_CHECK */
    uint32_t tag;       /* in: value written to FLIP */
    uint32_t mode;      /* out: HS_GL_MODE_* */
    uint64_t check;     /* out: FNV-1a of the frame (HS_GL_CHECK) */
    int32_t status;     /* out: 0, HS_EINVAL or HS_EIO */
    uint32_t reserved;  /* zero */
} HsGlRequest;

_Static_assert(sizeof(HsGlRequest) == 56, "HsGlRequest layout");

#endif /* GUEST_ABI_GL_H */
