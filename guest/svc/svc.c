/*
 * svc.c - the service image every driver and service VM runs
 * (build/guest/service.elf): requests from its ring (guest/include/abi/
 * svc.h), the hop's work on the bytes, a completion back.
 *
 * Copy (net driver): the bytes move from the shared window into the
 * device buffer. Seal (crypto VM): ChaCha20-Poly1305 from guest/lib over
 * the bytes, a nonce per request. Compose (gfx driver): the bytes are
 * blended as pixels over the VM's screen buffer. Move (storage driver):
 * the bytes are copied in 4 KiB blocks into the VM's block buffer. A request
 * longer than the window is done window by window, so the instructions grow
 * with its length. The image keeps no state between requests but the screen
 * buffer and the key, and makes no platform call.
 */
#include <stddef.h>
#include <stdint.h>

#include "abi/svc.h"
#include "lib/chacha20poly1305.h"

extern char __image_start[];

/* The crypto VM's key (a fixed key: the VM's work, not its secrecy, is
 * what the run measures; the tunnel's real keys are the host's). */
static const uint8_t svc_key[CHACHA20_KEY_BYTES] = {
    0x73, 0x76, 0x63, 0x2d, 0x6b, 0x65, 0x79, 0x01, 0x02, 0x03, 0x04,
    0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19};

static void op_copy(uint8_t *out, const uint8_t *in, size_t n)
{
    uint64_t *d = (uint64_t *)(void *)out;
    const uint64_t *s = (const uint64_t *)(const void *)in;
    size_t w = n / 8;
    for (size_t i = 0; i < w; i++)
        d[i] = s[i];
    for (size_t i = w * 8; i < n; i++)
        out[i] = in[i];
}

static void op_seal(uint8_t *out, const uint8_t *in, size_t n, uint64_t seq,
                    uint64_t part)
{
    uint8_t nonce[CHACHA20_NONCE_BYTES] = {0};
    uint8_t tag[POLY1305_TAG_BYTES];
    for (int i = 0; i < 8; i++)
        nonce[i] = (uint8_t)(seq >> (8 * i));
    nonce[8] = (uint8_t)part;
    nonce[9] = (uint8_t)(part >> 8);
    aead_seal(svc_key, nonce, NULL, 0, in, n, out, tag);
}

/* Source-over blend of n/4 premultiplied pixels onto the screen. */
static void op_compose(uint8_t *screen, const uint8_t *in, size_t n)
{
    uint32_t *dst = (uint32_t *)(void *)screen;
    const uint32_t *src = (const uint32_t *)(const void *)in;
    for (size_t i = 0; i < n / 4; i++) {
        uint32_t s = src[i], d = dst[i];
        uint32_t inv = 255u - (s >> 24);
        uint32_t rb = (((d & 0x00ff00ffu) * inv) >> 8) & 0x00ff00ffu;
        uint32_t g = (((d & 0x0000ff00u) * inv) >> 8) & 0x0000ff00u;
        dst[i] = s + rb + g + ((inv * (d >> 24)) >> 8 << 24);
    }
}

/* Block by block: each 4 KiB block a copy of its own, as a block
 * driver's request queue moves a bio's segments. */
static void op_move(uint8_t *out, const uint8_t *in, size_t n)
{
    for (size_t off = 0; off < n; off += HS_SVC_BLOCK) {
        size_t b = n - off < HS_SVC_BLOCK ? n - off : (size_t)HS_SVC_BLOCK;
        op_copy(out + off, in + off, b);
    }
}

static uint64_t serve(uint64_t slot)
{
    if (slot >= HS_SVC_RING_SLOTS)
        return (uint64_t)(int64_t)HS_EINVAL;
    volatile HsSvcReq *r =
        (volatile HsSvcReq *)(uintptr_t)HS_SVC_RING_BASE + slot;
    const uint8_t *in = (const uint8_t *)(uintptr_t)HS_SVC_WINDOW_BASE;
    uint8_t *out = (uint8_t *)(uintptr_t)HS_SVC_OUT_BASE;
    uint32_t op = r->op;
    uint64_t left = r->bytes, seq = r->seq, done = 0, part = 0;
    if (op != HS_SVC_OP_COPY && op != HS_SVC_OP_SEAL &&
        op != HS_SVC_OP_COMPOSE && op != HS_SVC_OP_MOVE) {
        r->status = HS_SVC_BAD;
        return (uint64_t)(int64_t)HS_EINVAL;
    }
    while (left > 0) {
        size_t n = left < HS_SVC_WINDOW ? (size_t)left : (size_t)HS_SVC_WINDOW;
        if (op == HS_SVC_OP_COPY)
            op_copy(out, in, n);
        else if (op == HS_SVC_OP_SEAL)
            op_seal(out, in, n, seq, part);
        else if (op == HS_SVC_OP_MOVE)
            op_move(out, in, n);
        else
            op_compose(out, in, n);
        left -= n;
        done += n;
        part++;
    }
    r->done = done;
    r->status = HS_SVC_DONE;
    return done;
}

uint64_t hs_entry(uint64_t event, uint64_t a0, uint64_t a1)
{
    (void)a1;
    switch (event) {
    case HS_EV_BOOT:
        if ((uintptr_t)__image_start != HS_RAM_BASE)
            return (uint64_t)(int64_t)HS_EINVAL;
        return 0;
    case HS_SVC_EV_REQUEST:
        return serve(a0);
    default:
        return (uint64_t)(int64_t)HS_EINVAL;
    }
}

/* Freestanding memory functions the library may call. */
void *memcpy(void *dst, const void *src, size_t n)
{
    op_copy((uint8_t *)dst, (const uint8_t *)src, n);
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    for (size_t i = 0; i < n; i++)
        d[i] = (uint8_t)c;
    return dst;
}
