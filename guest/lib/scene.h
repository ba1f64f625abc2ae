/*
 * scene.h - the 3D app's scene as a GPU command list (abi/gpu.h): a map
 * seen from above, a grid of flat-shaded triangles whose heights roll
 * with the frame number, with a textured compass rose on top. The host
 * builds the same lists in tests, so a frame can be drawn by the GPU
 * device and by the reference rasteriser and compared.
 */
#ifndef GL_SCENE_H
#define GL_SCENE_H

#include <stdint.h>

#define GL_SCENE_TEX_DIM 64 /* the compass texture is 64 x 64 */

typedef struct GlScene {
    uint64_t fb_addr;  /* target surface (guest address) */
    uint64_t tex_addr; /* GL_SCENE_TEX_DIM^2 pixels (gl_scene_texture) */
    uint32_t width;    /* target pixels */
    uint32_t height;
    uint32_t stride_px; /* >= width */
    uint32_t frame;     /* animation phase */
    uint32_t triangles; /* grid triangles, >= 2 */
} GlScene;

/* Words gl_scene_build writes for n triangles. */
uint32_t gl_scene_words(uint32_t triangles);

/* Writes the frame's command list into words (cap words). Returns the
 * words written, or 0 when cap is too small or the scene is invalid. */
uint32_t gl_scene_build(uint32_t *words, uint32_t cap, const GlScene *sc);

/* Fills the compass texture (GL_SCENE_TEX_DIM^2 XRGB pixels). */
void gl_scene_texture(uint32_t *tex);

#endif /* GL_SCENE_H */
