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
    unsigned char *z; /* compressed rows */
    uLongf zlen;
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
    /* Kept across frames, so a frame costs no fresh pages: the rows read
     * (raw), the previous frame's rows (last) and compressed rows
     * (last_z), and the compressor's output buffer. A frame whose rows
     * are the previous frame's takes its compressed rows as they are
     * (the compressor gives the same bytes for the same rows): a panel that
     * did not change costs a comparison, not a deflate. */
    unsigned char *raw, *last, *zbuf, *last_z;
    size_t raw_cap, last_cap, last_len;
    uLongf zbuf_cap, last_zlen;
    /* The compressor, reset per frame instead of set up and torn down
     * (compress2 allocates and clears its 256 KiB of state each time):
     * the same level and stream format, so the same bytes. */
    z_stream zs;
    bool zs_ready;
};

/* compress2(dst, dlen, src, len, FRAMES_ZLEVEL) with the kept stream. */
#define FRAMES_ZLEVEL 6

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
    free(r->raw);
    free(r->last);
    free(r->zbuf);
    free(r->last_z);
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

static void forget(PendingFrame *p)
{
    free(p->z);
    memset(p, 0, sizeof *p);
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
    if (y1 <= y0 || y1 > height || width == 0)
        return rec_fail(r, "frame rows out of range"), -1;
    size_t raw = (size_t)(y1 - y0) * width * 4;
    if (reserve(&r->raw, &r->raw_cap, raw) < 0) {
        forget(p);
        return rec_fail(r, "out of memory"), -1;
    }
    if (dma->read(dma->ctx, domain, fb_addr + (uint64_t)y0 * width * 4, r->raw,
                  raw) < 0) {
        forget(p);
        return rec_fail(r, "framebuffer outside the domain's memory"), -1;
    }
    if (!r->last_z || r->last_len != raw || memcmp(r->raw, r->last, raw)) {
        size_t zcap = compressBound((uLong)raw);
        size_t zbuf_cap = r->zbuf_cap;
        if (reserve(&r->zbuf, &zbuf_cap, zcap) < 0) {
            forget(p);
            return rec_fail(r, "out of memory"), -1;
        }
        r->zbuf_cap = (uLongf)zbuf_cap;
        uLongf zlen = r->zbuf_cap;
        if (frame_deflate(r, r->zbuf, &zlen, r->raw, raw) < 0) {
            forget(p);
            return rec_fail(r, "zlib compress failed"), -1;
        }
        unsigned char *z = realloc(r->last_z, zlen ? zlen : 1);
        if (!z) {
            forget(p);
            return rec_fail(r, "out of memory"), -1;
        }
        memcpy(z, r->zbuf, zlen);
        r->last_z = z;
        r->last_zlen = zlen;
        /* these rows become the previous frame's */
        unsigned char *t = r->last;
        size_t tc = r->last_cap;
        r->last = r->raw;
        r->last_cap = r->raw_cap;
        r->raw = t;
        r->raw_cap = tc;
        r->last_len = raw;
    }
    p->z = malloc(r->last_zlen ? r->last_zlen : 1);
    if (!p->z) {
        forget(p);
        return rec_fail(r, "out of memory"), -1;
    }
    memcpy(p->z, r->last_z, r->last_zlen);
    p->zlen = r->last_zlen;
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

void frames_shown(FrameRecorder *r, const void *key, hs_time when)
{
    PendingFrame *p = r ? find(r, key) : NULL;
    if (!p)
        return;
    if (r->observe) {
        FrameRecord rec = {.shown = when,
                           .y0 = p->y0,
                           .y1 = p->y1,
                           .width = p->width,
                           .height = p->height,
                           .zlen = (uint32_t)p->zlen};
        snprintf(rec.domain, sizeof rec.domain, "%s", p->domain);
        snprintf(rec.notes, sizeof rec.notes, "%s", p->notes);
        r->observe(r->observe_ctx, &rec, p->z);
    }
    FILE *f = r->out;
    if (!f) {
        r->written++;
        forget(p);
        return;
    }
    size_t nl = strlen(p->domain), tl = strlen(p->notes);
    put_u64(f, when);
    put_u32(f, p->y0);
    put_u32(f, p->y1);
    put_u32(f, p->width);
    put_u32(f, p->height);
    put_u32(f, (uint32_t)p->zlen);
    put_u16(f, (uint32_t)nl);
    put_u16(f, (uint32_t)tl);
    fwrite(p->domain, 1, nl, f);
    fwrite(p->notes, 1, tl, f);
    fwrite(p->z, 1, p->zlen, f);
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
    for (size_t i = 0; i < FRAMES_PENDING; i++)
        free(r->pending[i].z);
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
    for (size_t i = 0; i < FRAMES_PENDING; i++)
        free(r->pending[i].z);
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
    if (get_u32(buf + 8) != FRAMES_VERSION)
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
        if (rec.y1 <= rec.y0 || rec.y1 > rec.height || rec.width == 0 ||
            rec.width > 8192 || rec.height > 8192)
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
