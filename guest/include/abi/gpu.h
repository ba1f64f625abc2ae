/*
 * gpu.h - the GPU command set and ring entry, shared by the guest (which
 * writes command lists and, without 3D acceleration, executes them itself
 * with guest/lib/raster.c) and the host's GPU device (which executes the
 * same lists with the same code).
 *
 * A command list is a sequence of little-endian uint32 words. Every
 * command starts with a header word: bits 0..7 the opcode (HS_GPU_OP_*),
 * bits 16..31 the command's length in words, header included. A length
 * that does not match the opcode's layout below, an unknown opcode or a
 * list that ends inside a command is an error (HS_GPU_ERR_*) found
 * before anything is drawn: the whole list is rejected. A surface the
 * GPU cannot read (outside the domain's memory, or partly overlapping
 * another surface of the same list) fails the list at its bind, and the
 * GPU then writes nothing back. On the GPU the list and every surface
 * must also lie in buffers mapped into the context (HS_GPU_MAP_*,
 * platform.h; the target writable), else the list fails with
 * HS_GPU_ERR_FAULT.
 *
 * Surfaces are XRGB8888 (one uint32 per pixel, 0x00RRGGBB), addressed by
 * a 4-byte aligned guest address in the submitting domain's memory,
 * `stride` pixels per row (width <= stride <= 16384). Coordinates of
 * CLEAR, BLIT and COMPOSITE are whole pixels; every rectangle is clipped
 * to its surfaces. Triangle vertices are signed 28.4 fixed point pixels
 * (x * 16), within +-HS_GPU_COORD_MAX.
 *
 *   TARGET    [hdr, addr_lo, addr_hi, width, height, stride]       6 words
 *             binds the destination surface (width, height 1..4096).
 *   TEXTURE   [hdr, addr_lo, addr_hi, width, height, stride]       6 words
 *             binds the source surface of textured triangles, BLIT and
 *             COMPOSITE (width and height powers of two, 1..4096).
 *   CLEAR     [hdr, colour, x0, y0, x1, y1]                        6 words
 *             fills [x0, x1) x [y0, y1) of the target with colour.
 *   TRIS      [hdr, flags, count, count x triangle]   3 + count x N words
 *             a triangle is x0, y0, x1, y1, x2, y2, colour (N = 7) or,
 *             with HS_GPU_TRI_TEXTURED, those plus u0, v0, u1, v1, u2, v2
 *             (N = 13): texel coordinates in 16.16 fixed point, wrapped
 *             to the texture (nearest sample; the texel replaces the
 *             colour). A pixel is covered when its centre is inside the
 *             triangle; a centre exactly on an edge is drawn by one of
 *             the two triangles that share the edge, never both (a
 *             tie-break like D3D/GL's top-left rule); either winding is
 *             drawn.
 *   BLIT      [hdr, sx, sy, w, h, dx, dy]                          7 words
 *             copies w x h texture pixels at (sx, sy) to the target at
 *             (dx, dy).
 *   COMPOSITE [hdr, sx, sy, w, h, dx, dy, alpha]                   8 words
 *             blends them over the target: each channel becomes
 *             (src x alpha + dst x (256 - alpha)) >> 8, alpha 0..256.
 *
 * The ring: each domain's GPU context has a ring of HsGpuRingEntry in its
 * memory (HS_GPU_RING_* registers, platform.h). The guest fills entries
 * and advances RING_TAIL; the GPU takes entries in order, executes each
 * list as one job and advances RING_HEAD when the job's pixels are in
 * memory (and pulses HS_IRQ_GPU).
 */
#ifndef GUEST_ABI_GPU_H
#define GUEST_ABI_GPU_H

#include <stdint.h>

#define HS_GPU_OP_TARGET 1
#define HS_GPU_OP_TEXTURE 2
#define HS_GPU_OP_CLEAR 3
#define HS_GPU_OP_TRIS 4
#define HS_GPU_OP_BLIT 5
#define HS_GPU_OP_COMPOSITE 6

#define HS_GPU_HDR(op, words) ((uint32_t)(op) | ((uint32_t)(words) << 16))
#define HS_GPU_SURFACE_WORDS 6
#define HS_GPU_CLEAR_WORDS 6
#define HS_GPU_BLIT_WORDS 7
#define HS_GPU_COMPOSITE_WORDS 8
#define HS_GPU_TRI_WORDS 7           /* per flat triangle */
#define HS_GPU_TRI_TEXTURED_WORDS 13 /* per textured triangle */
#define HS_GPU_TRI_TEXTURED 0x1      /* TRIS flags */

#define HS_GPU_MAX_DIM 4096
#define HS_GPU_COORD_MAX (1 << 20) /* 28.4: +-65536 pixels */

/* Errors (HS_GPU_STATUS, and raster_exec's result negated). */
#define HS_GPU_ERR_NONE 0
#define HS_GPU_ERR_OPCODE 1    /* unknown opcode */
#define HS_GPU_ERR_LENGTH 2    /* length field wrong, or list truncated */
#define HS_GPU_ERR_SURFACE 3   /* bad surface size or unreadable memory */
#define HS_GPU_ERR_NO_TARGET 4 /* drawing with no target bound */
#define HS_GPU_ERR_TEXTURE 5   /* textured draw with no texture bound */
#define HS_GPU_ERR_COORD 6     /* vertex beyond +-COORD_MAX, alpha > 256 */
#define HS_GPU_ERR_RING 7      /* ring entry unreadable or list too long */
#define HS_GPU_ERR_DENIED 8    /* this domain has no GPU context */
#define HS_GPU_ERR_FAULT 9     /* outside the context's mapped buffers */

/* One ring entry: a command list. */
typedef struct HsGpuRingEntry {
    uint64_t cmd_addr; /* guest address of the list */
    uint32_t cmd_len;  /* bytes, a multiple of 4 */
    uint32_t reserved; /* zero */
} HsGpuRingEntry;

_Static_assert(sizeof(HsGpuRingEntry) == 16, "HsGpuRingEntry layout");

#define HS_GPU_RING_MAX 256 /* entries in a ring, a power of two */

#endif /* GUEST_ABI_GPU_H */
