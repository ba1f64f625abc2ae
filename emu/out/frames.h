/*
 * frames.h - frames.hsf: the frames a run's panel showed, for `handset
 * view` to replay and screenshot.
 *
 * Only what changed is kept: each record is one shown frame's rows that
 * differ from the panel before it (the part of its damaged band the
 * frame changed, possibly none), the pixels exactly as the domain's guest
 * code composed them (read from its framebuffer when its flip left the
 * domain, so a later compose into the same rows cannot change them),
 * zlib-compressed, written when the vsync put it on the panel. Frames
 * refused on the way (the flow policy, a containers background phone) are
 * never recorded. Replaying the records in order from a black panel gives
 * the panel at any time.
 *
 * File (all integers little-endian; results/README.md documents it):
 *   header   "HSFRAMES" (8 bytes), u32 version (2)
 *   record   u64 shown_ps     the vsync that showed it
 *            u32 y0, y1       changed rows [y0, y1); y0 == y1: none
 *                             (version 1, still read, kept the whole
 *                             damaged band and never an empty one)
 *            u32 width        panel width in pixels (row stride)
 *            u32 height       panel height in pixels
 *            u32 zlen         compressed pixel bytes
 *            u16 name_len     its domain's name, then
 *            u16 notes_len    the latencies it completed, comma-separated
 *                             ("call.notify"), then
 *            name, notes, zlen bytes of zlib (compress2) data that
 *            inflates to (y1 - y0) x width x 4 bytes of XRGB8888 pixels
 *            (u32 little-endian words 0x00RRGGBB)
 * The file is written atomically (out/atomic.h). The recorder is an
 * observer: nothing it does changes the run.
 */
#ifndef HS_OUT_FRAMES_H
#define HS_OUT_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus/dma.h"
#include "sim/time.h"

#define FRAMES_FILE "frames.hsf"
#define FRAMES_MAGIC "HSFRAMES"
#define FRAMES_VERSION 2u
#define FRAMES_ZLEVEL 3       /* the writer's zlib level (frames.c says why) */
#define FRAMES_MAX_SIDE 8192u /* pixels, either side of the panel */

typedef struct FrameRecorder FrameRecorder;

/* Opens path for writing (appears on frames_close). path NULL keeps no
 * file: the frames only go to the observer (frames_set_observer), as for
 * `handset run --view --no-frames`. NULL + err. */
FrameRecorder *frames_open(const char *path, char *err, size_t err_size);

/* A frame left its domain: copies rows [y0, y1) of the width x height
 * framebuffer at fb_addr (row 0) of domain through dma, kept under key
 * until it is shown or dropped. r NULL does nothing. Returns 0 or -1
 * (out of memory, rows out of range; the recorder then fails at close). */
int frames_capture(FrameRecorder *r, const void *key, const GuestDma *dma,
                   int domain, const char *domain_name, uint64_t fb_addr,
                   uint32_t y0, uint32_t y1, uint32_t width, uint32_t height);

/* The frame under key is on the panel at when: writes its record. */
void frames_shown(FrameRecorder *r, const void *key, hs_time when);
/* Adds a latency name to the frame under key (before it is shown). */
void frames_note(FrameRecorder *r, const void *key, const char *note);
/* The frame under key will never be shown (or was): forget it. */
void frames_drop(FrameRecorder *r, const void *key);

/* Told of each frame as it is shown, with the record the file gets
 * (offset 0) and its zlib data (zlen bytes, valid during the call only):
 * the live view (`handset run --view`). One observer; fn NULL removes
 * it. It reads; nothing it does changes the run. */
struct FrameRecord;
typedef void (*FramesObserverFunc)(void *ctx, const struct FrameRecord *rec,
                                   const void *z);
void frames_set_observer(FrameRecorder *r, FramesObserverFunc fn, void *ctx);

/* Frames written so far. */
uint64_t frames_count(const FrameRecorder *r);

/* Writes and renames into place; frees r. 0 or -1 (no file left). */
int frames_close(FrameRecorder *r, char *err, size_t err_size);
/* Drops the file and frees r. NULL is allowed. */
void frames_abort(FrameRecorder *r);

/* ---- reading ------------------------------------------------------------- */

typedef struct FrameRecord {
    hs_time shown;   /* when the panel showed it */
    uint32_t y0, y1; /* rows */
    uint32_t width;  /* panel width */
    uint32_t height; /* panel height */
    char domain[64]; /* domain name */
    char notes[256]; /* comma-separated latency names, "" for none */
    uint64_t offset; /* of the zlib data in the file */
    uint32_t zlen;   /* its length */
} FrameRecord;

typedef struct FrameFile {
    FrameRecord *recs; /* in file (= time) order */
    size_t n;
    void *data; /* the whole file */
    size_t size;
} FrameFile;

/* Reads a frames file's index. Returns 0, or -1 with err naming the
 * path and the byte offset of what is wrong. */
int frames_load(const char *path, FrameFile *ff, char *err, size_t err_size);
void frames_unload(FrameFile *ff);

/* Inflates record i's pixels into panel (width x height XRGB words) at
 * its rows. Returns 0 or -1 (corrupt data). */
int frames_apply(const FrameFile *ff, size_t i, uint32_t *panel);

#endif /* HS_OUT_FRAMES_H */
