/*
 * atomic.h - atomic file writes for every handset output (results.json,
 * host.json, trace.json, compare.csv, ...).
 *
 * A reader of PATH sees either the old file (or none) or the complete new
 * one, never a half-written file: the data goes to a temporary file in
 * the same directory ("PATH.tmp.XXXXXX"), which is flushed, fsync'ed and
 * renamed over PATH; the directory is then fsync'ed so the rename itself
 * survives a crash. On any failure the temporary file is removed and PATH
 * is left as it was. New files get mode 0644.
 *
 * Two forms: atomic_write_file for a writer that produces the whole file
 * in one call, and atomic_open/atomic_commit/atomic_abort for streams
 * written over time (the trace). Nothing here prints or exits; errors
 * return -1 with a one-line message naming the path.
 */
#ifndef HS_OUT_ATOMIC_H
#define HS_OUT_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

/* A file being written; PATH appears only on atomic_commit. */
typedef struct AtomicFile AtomicFile;

/* Writes the file's content to out; returns 0, or -1 after writing a
 * reason into err (err_size bytes, may be 0) to abandon the file. */
typedef int (*AtomicWriteFunc)(FILE *out, void *ctx, char *err,
                               size_t err_size);

/*
 * Creates the temporary file beside path. Returns the handle, or NULL
 * with a message in err (directory missing or not writable, ...).
 */
AtomicFile *atomic_open(const char *path, char *err, size_t err_size);

/* The stream to write to (owned by the handle; do not fclose it). */
FILE *atomic_stream(AtomicFile *f);

/*
 * Flushes, fsyncs and renames the temporary file over its path, then
 * frees the handle (whatever the outcome). Returns 0, or -1 with a
 * message in err when a write error was seen on the stream or any step
 * fails; then the temporary file is removed and the path left as it was.
 */
int atomic_commit(AtomicFile *f, char *err, size_t err_size);

/* Removes the temporary file and frees the handle. NULL is allowed. */
void atomic_abort(AtomicFile *f);

/*
 * atomic_open + fn(stream, ctx) + atomic_commit. When fn returns -1 the
 * file is abandoned and fn's message returned in err. Returns 0 or -1.
 */
int atomic_write_file(const char *path, AtomicWriteFunc fn, void *ctx,
                      char *err, size_t err_size);

#endif /* HS_OUT_ATOMIC_H */
