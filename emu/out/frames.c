/*
 * frames.c - the panel's frames, recorded and read back (frames.h).
 */
#include "out/frames.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "out/atomic.h"

/* Frames between leaving their domain and the panel at once (the
 * display path holds at most its GPU queue's worth). */
#define FRAMES_PENDING 64

typedef struct PendingFrame {
    const void *key; /* the display path's frame, NULL: free slot */
    char domain[64]; /* its domain's name */
    char notes[256]; /* latencies it completes */
    uint32_t y0, y1, width, height;
    unsigned char *raw; /* its rows as read, kept for the slot's next frame */
    size_t raw_cap;
} PendingFrame;

struct FrameRecorder {
    AtomicFile *file; /* NULL: no file, the observer only */
    FILE *out;
    FramesObserverFunc observe;
    void *observe_ctx;
    uint64_t written;
    bool failed;
    char err[256];
    PendingFrame pending[FRAMES_PENDING];
    /* The panel as the records written so far leave it (what a reader
     * replaying them from black has): a shown frame's record holds only
     * the rows of its band that differ from it. */
    unsigned char *panel;
    uint32_t panel_w, panel_h;
    /* Kept across frames, so a frame costs no fresh pages: the
     * compressor's output buffer and the compressor itself, reset per
     * frame instead of set up and torn down (compress2 allocates and
     * clears its 256 KiB of state each time): the same level and stream
     * format, so the same bytes as compress2. */
    unsigned char *zbuf;
    size_t zbuf_cap;
    z_stream zs;
    bool zs_ready;
};

/* compress2(dst, dlen, src, len, FRAMES_ZLEVEL) with the kept stream.
 * Level 3: on gpu-3d's frames (755 MB of changed rows) it deflates in a
 * third of level 6's time for files 23 % larger (27.8 against 22.5 MB;
 * the version 1 file, whole bands at level 6, was 45 MB); on the call
 * scenario's 0.66 against 0.41 MB (FRAMES_ZLEVEL, frames.h). */

static int frame_deflate(FrameRecorder *r, unsigned char *dst, uLongf *dlen,
                         const unsigned char *src, size_t len)
{
    if (!r->zs_ready) {
        memset(&r->zs, 0, sizeof r->zs);
        if (deflateInit(&r->zs, FRAMES_ZLEVEL) != Z_OK)
            return -1;
        r->zs_ready = true;
    } else if (deflateReset(&r->zs) != Z_OK) {
        return -1;
    }
    r->zs.next_in = (Bytef *)(uintptr_t)src;
    r->zs.avail_in = (uInt)len;
    r->zs.next_out = dst;
    r->zs.avail_out = (uInt)*dlen;
    if (len > UINT32_MAX || *dlen > UINT32_MAX ||
        deflate(&r->zs, Z_FINISH) != Z_STREAM_END)
        return -1;
    *dlen = r->zs.total_out;
    return 0;
}

static void free_buffers(FrameRecorder *r)
{
    if (r->zs_ready)
        deflateEnd(&r->zs);
    for (size_t i = 0; i < FRAMES_PENDING; i++)
        free(r->pending[i].raw);
    free(r->panel);
    free(r->zbuf);
}

/* Grows *buf to at least n bytes; -1 on out of memory (buf kept). */
static int reserve(unsigned char **buf, size_t *cap, size_t n)
{
    if (*cap >= n)
        return 0;
    unsigned char *b = realloc(*buf, n);
    if (!b)
        return -1;
    *buf = b;
    *cap = n;
    return 0;
}

static void rec_fail(FrameRecorder *r, const char *what)
{
    if (!r->failed)
        snprintf(r->err, sizeof r->err, "%s: %s", FRAMES_FILE, what);
    r->failed = true;
}

static void put_u16(FILE *f, uint32_t v)
{
    fputc((int)(v & 0xff), f);
    fputc((int)((v >> 8) & 0xff), f);
}

static void put_u32(FILE *f, uint32_t v)
{
    put_u16(f, v & 0xffff);
    put_u16(f, v >> 16);
}

static void put_u64(FILE *f, uint64_t v)
{
    put_u32(f, (uint32_t)v);
    put_u32(f, (uint32_t)(v >> 32));
}

FrameRecorder *frames_open(const char *path, char *err, size_t err_size)
{
    FrameRecorder *r = calloc(1, sizeof *r);
    if (!r) {
        if (err && err_size)
            snprintf(err, err_size, "%s: out of memory",
                     path ? path : FRAMES_FILE);
        return NULL;
    }
    if (!path)
        return r;
    r->file = atomic_open(path, err, err_size);
    if (!r->file) {
        free(r);
        return NULL;
    }
    r->out = atomic_stream(r->file);
    fwrite(FRAMES_MAGIC, 1, 8, r->out);
    put_u32(r->out, FRAMES_VERSION);
    return r;
}

static PendingFrame *find(FrameRecorder *r, const void *key)
{
    for (size_t i = 0; i < FRAMES_PENDING; i++)
        if (r->pending[i].key == key)
            return &r->pending[i];
    return NULL;
}

/* Frees the slot; its row buffer stays for the next frame. */
static void forget(PendingFrame *p)
{
    unsigned char *raw = p->raw;
    size_t cap = p->raw_cap;
    memset(p, 0, sizeof *p);
    p->raw = raw;
    p->raw_cap = cap;
}

int frames_capture(FrameRecorder *r, const void *key, const GuestDma *dma,
                   int domain, const char *domain_name, uint64_t fb_addr,
                   uint32_t y0, uint32_t y1, uint32_t width, uint32_t height)
{
    if (!r || r->failed)
        return r ? -1 : 0;
    PendingFrame *p = find(r, key);
    if (p)
        forget(p); /* the slot's previous frame was never shown */
    else if (!(p = find(r, NULL)))
        return rec_fail(r, "too many frames in flight"), -1;
    if (y1 <= y0 || y1 > height || width == 0 || width > FRAMES_MAX_SIDE ||
        height > FRAMES_MAX_SIDE)
        return rec_fail(r, "frame rows out of range"), -1;
    size_t raw = (size_t)(y1 - y0) * width * 4;
    if (reserve(&p->raw, &p->raw_cap, raw) < 0)
        return rec_fail(r, "out of memory"), -1;
    if (dma->read(dma->ctx, domain, fb_addr + (uint64_t)y0 * width * 4, p->raw,
                  raw) < 0)
        return rec_fail(r, "framebuffer outside the domain's memory"), -1;
    p->key = key;
    snprintf(p->domain, sizeof p->domain, "%s", domain_name);
    p->y0 = y0;
    p->y1 = y1;
    p->width = width;
    p->height = height;
    return 0;
}

void frames_note(FrameRecorder *r, const void *key, const char *note)
{
    PendingFrame *p = r && note ? find(r, key) : NULL;
    if (!p)
        return;
    size_t len = strlen(p->notes);
    snprintf(p->notes + len, sizeof p->notes - len, "%s%s", len ? "," : "",
             note);
}

/* Narrows p's band to the rows that differ from the panel the records
 * so far leave, [*y0, *y1) (empty at p->y0 when nothing changed), and
 * puts those rows on it. -1: out of memory. */
static int changed_rows(FrameRecorder *r, const PendingFrame *p, uint32_t *y0,
                        uint32_t *y1)
{
    size_t stride = (size_t)p->width * 4;
    if (r->panel_w != p->width || r->panel_h != p->height) {
        /* a reader starts from a black panel of the record's size */
        unsigned char *panel = calloc(stride * p->height, 1);
        if (!panel)
            return -1;
        free(r->panel);
        r->panel = panel;
        r->panel_w = p->width;
        r->panel_h = p->height;
    }
    uint32_t a = p->y0, b = p->y1;
    while (a < b && memcmp(r->panel + (size_t)a * stride,
                           p->raw + (size_t)(a - p->y0) * stride, stride) == 0)
        a++;
    while (b > a &&
           memcmp(r->panel + (size_t)(b - 1) * stride,
                  p->raw + (size_t)(b - 1 - p->y0) * stride, stride) == 0)
        b--;
    if (a == b)
        a = b = p->y0;
    else
        memcpy(r->panel + (size_t)a * stride,
               p->raw + (size_t)(a - p->y0) * stride, (size_t)(b - a) * stride);
    *y0 = a;
    *y1 = b;
    return 0;
}

void frames_shown(FrameRecorder *r, const void *key, hs_time when)
{
    PendingFrame *p = r ? find(r, key) : NULL;
    if (!p)
        return;
    if (r->failed) {
        forget(p);
        return;
    }
    uint32_t y0, y1;
    if (changed_rows(r, p, &y0, &y1) < 0) {
        forget(p);
        return rec_fail(r, "out of memory");
    }
    size_t stride = (size_t)p->width * 4, raw = (size_t)(y1 - y0) * stride;
    size_t zcap = compressBound((uLong)raw);
    if (reserve(&r->zbuf, &r->zbuf_cap, zcap) < 0) {
        forget(p);
        return rec_fail(r, "out of memory");
    }
    uLongf zlen = (uLongf)r->zbuf_cap;
    if (frame_deflate(r, r->zbuf, &zlen, p->raw + (y0 - p->y0) * stride, raw) <
        0) {
        forget(p);
        return rec_fail(r, "zlib compress failed");
    }
    if (r->observe) {
        FrameRecord rec = {.shown = when,
                           .y0 = y0,
                           .y1 = y1,
                           .width = p->width,
                           .height = p->height,
                           .zlen = (uint32_t)zlen};
        snprintf(rec.domain, sizeof rec.domain, "%s", p->domain);
        snprintf(rec.notes, sizeof rec.notes, "%s", p->notes);
        r->observe(r->observe_ctx, &rec, r->zbuf);
    }
    FILE *f = r->out;
    if (!f) {
        r->written++;
        forget(p);
        return;
    }
    size_t nl = strlen(p->domain), tl = strlen(p->notes);
    put_u64(f, when);
    put_u32(f, y0);
    put_u32(f, y1);
    put_u32(f, p->width);
    put_u32(f, p->height);
    put_u32(f, (uint32_t)zlen);
    put_u16(f, (uint32_t)nl);
    put_u16(f, (uint32_t)tl);
    fwrite(p->domain, 1, nl, f);
    fwrite(p->notes, 1, tl, f);
    fwrite(r->zbuf, 1, zlen, f);
    if (ferror(f))
        rec_fail(r, "write failed");
    r->written++;
    forget(p);
}

void frames_drop(FrameRecorder *r, const void *key)
{
    PendingFrame *p = r ? find(r, key) : NULL;
    if (p)
        forget(p);
}

void frames_set_observer(FrameRecorder *r, FramesObserverFunc fn, void *ctx)
{
    r->observe = fn;
    r->observe_ctx = ctx;
}

uint64_t frames_count(const FrameRecorder *r)
{
    return r->written;
}

void frames_abort(FrameRecorder *r)
{
    if (!r)
        return;
    free_buffers(r);
    atomic_abort(r->file);
    free(r);
}

int frames_close(FrameRecorder *r, char *err, size_t err_size)
{
    if (r->failed) {
        if (err && err_size)
            snprintf(err, err_size, "%s", r->err);
        frames_abort(r);
        return -1;
    }
    free_buffers(r);
    int rc = r->file ? atomic_commit(r->file, err, err_size) : 0;
    free(r);
    return rc;
}

/* ---- reading ------------------------------------------------------------- */

static uint32_t get_u16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get_u32(const unsigned char *p)
{
    return get_u16(p) | get_u16(p + 2) << 16;
}

static int load_fail(FrameFile *ff, char *err, size_t err_size,
                     const char *path, size_t off, const char *what)
{
    if (err && err_size)
        snprintf(err, err_size, "%s: byte %zu: %s", path, off, what);
    frames_unload(ff);
    return -1;
}

int frames_load(const char *path, FrameFile *ff, char *err, size_t err_size)
{
    memset(ff, 0, sizeof *ff);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && err_size)
            snprintf(err, err_size, "%s: cannot open", path);
        return -1;
    }
    size_t cap = 1 << 20;
    unsigned char *buf = malloc(cap);
    size_t n = 0, got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return load_fail(ff, err, err_size, path, 0, "out of memory");
    ff->data = buf;
    ff->size = n;
    if (n < 12 || memcmp(buf, FRAMES_MAGIC, 8) != 0)
        return load_fail(ff, err, err_size, path, 0,
                         "not a frames file (no HSFRAMES header)");
    uint32_t version = get_u32(buf + 8);
    if (version != 1 && version != FRAMES_VERSION)
        return load_fail(ff, err, err_size, path, 8, "unknown version");
    size_t off = 12, cap_recs = 0;
    while (off < n) {
        if (n - off < 32)
            return load_fail(ff, err, err_size, path, off, "truncated record");
        const unsigned char *p = buf + off;
        FrameRecord rec = {0};
        rec.shown = (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
        rec.y0 = get_u32(p + 8);
        rec.y1 = get_u32(p + 12);
        rec.width = get_u32(p + 16);
        rec.height = get_u32(p + 20);
        rec.zlen = get_u32(p + 24);
        uint32_t nl = get_u16(p + 28), tl = get_u16(p + 30);
        /* version 1 kept whole damaged bands: never an empty one */
        if (rec.y1 < rec.y0 || (version == 1 && rec.y1 == rec.y0) ||
            rec.y1 > rec.height || rec.width == 0 ||
            rec.width > FRAMES_MAX_SIDE || rec.height > FRAMES_MAX_SIDE)
            return load_fail(ff, err, err_size, path, off, "bad frame rows");
        if ((uint64_t)n - off - 32 < (uint64_t)nl + tl + rec.zlen)
            return load_fail(ff, err, err_size, path, off, "truncated record");
        snprintf(rec.domain, sizeof rec.domain, "%.*s",
                 (int)(nl < 63 ? nl : 63), (const char *)p + 32);
        snprintf(rec.notes, sizeof rec.notes, "%.*s",
                 (int)(tl < 255 ? tl : 255), (const char *)p + 32 + nl);
        rec.offset = off + 32 + nl + tl;
        off = rec.offset + rec.zlen;
        if (ff->n == cap_recs) {
            cap_recs = cap_recs ? cap_recs * 2 : 256;
            FrameRecord *nr = realloc(ff->recs, cap_recs * sizeof *nr);
            if (!nr)
                return load_fail(ff, err, err_size, path, off, "out of memory");
            ff->recs = nr;
        }
        ff->recs[ff->n++] = rec;
    }
    return 0;
}

void frames_unload(FrameFile *ff)
{
    free(ff->recs);
    free(ff->data);
    memset(ff, 0, sizeof *ff);
}

int frames_apply(const FrameFile *ff, size_t i, uint32_t *panel)
{
    const FrameRecord *r = &ff->recs[i];
    if (r->y1 == r->y0)
        return 0; /* nothing changed on the panel */
    uLongf raw = (uLongf)(r->y1 - r->y0) * r->width * 4;
    unsigned char *px = malloc(raw);
    if (!px)
        return -1;
    uLongf got = raw;
    int zrc = uncompress(px, &got, (const unsigned char *)ff->data + r->offset,
                         r->zlen);
    if (zrc != Z_OK || got != raw) {
        free(px);
        return -1;
    }
    uint32_t *dst = panel + (size_t)r->y0 * r->width;
    for (size_t k = 0; k < (size_t)(r->y1 - r->y0) * r->width; k++)
        dst[k] = get_u32(px + 4 * k);
    free(px);
    return 0;
}
