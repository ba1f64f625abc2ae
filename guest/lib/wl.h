/*
 * wl.h - the guest workloads run by HS_EV_WORKLOAD and `handset guest`:
 * deterministic driver loops over inputs generated from a fixed seed,
 * each returning a 64-bit check value. The guest and the host reference
 * (libguestref.a) run this same code, so their check values must match.
 *
 * Work per iteration (the unit the instruction counts are per):
 *   wl_crypto  seal one 1,400-byte packet with ChaCha20-Poly1305 (8-byte
 *              AAD, nonce = iteration), chained: the ciphertext is the
 *              next plaintext
 *   wl_voice   generate one 20 ms frame (320 samples: two tones plus
 *              noise), G.722-encode it to 160 bytes and decode it back
 *   wl_mail    build one ~8 KiB IMAP FETCH response holding a MIME
 *              message with 2-3 parts (quoted-printable text, a base64
 *              attachment, sometimes a plain signature), feed it to the
 *              IMAP parser in seeded network-sized chunks and decode
 *              every part (generation is about a third of the work)
 *   wl_ui      compose one WL_UI_WIDTH x WL_UI_HEIGHT frame and hash it
 *   wl_gl      draw one WL_UI_WIDTH x WL_UI_HEIGHT frame of the 3D app's
 *              scene (WL_GL_TRIANGLES triangles, scene.h) with the
 *              reference rasteriser and hash it: the guest's software
 *              path, checked against the same code built for the host
 *
 * Every iteration costs the same modulo small data-dependent branches, so
 * the work is proportional to n. Scratch must be 16-byte aligned, of the
 * size given below, contents irrelevant (overwritten).
 */
#ifndef GL_WL_H
#define GL_WL_H

#include <stdint.h>

#define WL_SEED 0x68616e64736574ULL /* "handset": the inputs' fixed seed */

#define WL_CRYPTO_PACKET_BYTES 1400
#define WL_CRYPTO_SCRATCH_BYTES (2 * WL_CRYPTO_PACKET_BYTES + 64)

#define WL_VOICE_SCRATCH_BYTES 4096

#define WL_MAIL_BUF_BYTES 10240 /* response, literal and decoded buffers */
#define WL_MAIL_SCRATCH_BYTES (3 * WL_MAIL_BUF_BYTES)

#define WL_UI_WIDTH 360
#define WL_UI_HEIGHT 640
#define WL_UI_FB_BYTES (WL_UI_WIDTH * WL_UI_HEIGHT * 4)

/* gl: the frame, the scene's texture, then its command list. */
#define WL_GL_TRIANGLES 2000
#define WL_GL_SCRATCH_BYTES                                                    \
    (WL_UI_FB_BYTES + 64 * 64 * 4 + (7 * WL_GL_TRIANGLES + 128) * 4)

uint64_t wl_crypto(uint32_t n, void *scratch);
uint64_t wl_voice(uint32_t n, void *scratch);
uint64_t wl_mail(uint32_t n, void *scratch);
/* fb: WL_UI_FB_BYTES, rows of WL_UI_WIDTH pixels. */
uint64_t wl_ui(uint32_t n, void *fb);
uint64_t wl_gl(uint32_t n, void *scratch);

/* Builds mail workload message number `seq` (1-based) as a complete
 * FETCH response into out (WL_MAIL_BUF_BYTES), using tmp (2 *
 * WL_MAIL_BUF_BYTES) as working space; returns the response length.
 * Exposed so tests can parse exactly what the workload parses. */
uint32_t wl_mail_response(uint32_t seq, uint8_t *out, uint8_t *tmp);

#endif /* GL_WL_H */
