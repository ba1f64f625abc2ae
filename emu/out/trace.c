/*
 * trace.c - streaming Chrome trace-event JSON writer: see trace.h.
 */
#define _GNU_SOURCE /* fopencookie: the gzip stream */
#include "out/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "out/atomic.h"

#define TRACE_ERR_MAX 256 /* size of Trace.err */

struct Trace {
    AtomicFile *file;        /* temporary file, renamed on close */
    FILE *out;               /* its stream, or the gzip stream over it */
    bool gzip;               /* out is a zlib stream (trace.json.gz) */
    uint64_t n_events;       /* events written */
    bool io_failed;          /* a write failed: the trace is lost */
    char err[TRACE_ERR_MAX]; /* last error, "" if none */
};

static int trace_fail(Trace *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int trace_fail(Trace *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->err, sizeof t->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* A trace with its temporary file, nothing written yet. */
static Trace *trace_new(const char *path, char *err, size_t err_size)
{
    Trace *t = calloc(1, sizeof *t);
    if (!t) {
        if (err && err_size)
            snprintf(err, err_size, "%s: out of memory", path);
        return NULL;
    }
    t->file = atomic_open(path, err, err_size);
    if (!t->file) {
        free(t);
        return NULL;
    }
    return t;
}

Trace *trace_open(const char *path, char *err, size_t err_size)
{
    Trace *t = trace_new(path, err, err_size);
    if (!t)
        return NULL;
    t->out = atomic_stream(t->file);
    fputs("{\"traceEvents\":[\n", t->out);
    return t;
}

/* A stdio stream whose bytes go through zlib's gzip writer. */
static ssize_t gz_cookie_write(void *c, const char *buf, size_t size)
{
    if (size == 0)
        return 0;
    int n = gzwrite((gzFile)c, buf, (unsigned)size);
    return n > 0 ? (ssize_t)n : -1;
}

static int gz_cookie_close(void *c)
{
    return gzclose((gzFile)c) == Z_OK ? 0 : EOF;
}

Trace *trace_open_gzip(const char *path, char *err, size_t err_size)
{
    Trace *t = trace_new(path, err, err_size);
    if (!t)
        return NULL;
    /* zlib writes through its own descriptor onto the temporary file;
     * the atomic stream itself stays empty until commit fsyncs it. */
    int fd = dup(fileno(atomic_stream(t->file)));
    gzFile gz = fd >= 0 ? gzdopen(fd, "wb6") : NULL;
    cookie_io_functions_t io = {.write = gz_cookie_write,
                                .close = gz_cookie_close};
    t->out = gz ? fopencookie(gz, "w", io) : NULL;
    if (!t->out) {
        if (gz)
            gzclose(gz);
        else if (fd >= 0)
            close(fd);
        if (err && err_size)
            snprintf(err, err_size, "%s: cannot start gzip stream", path);
        atomic_abort(t->file);
        free(t);
        return NULL;
    }
    t->gzip = true;
    fputs("{\"traceEvents\":[\n", t->out);
    return t;
}

int trace_format_us(hs_time ps, char *buf, size_t size)
{
    uint64_t us = ps / HS_US, frac = ps % HS_US;
    if (frac == 0)
        return snprintf(buf, size, "%" PRIu64, us);
    int digits = 6;
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    return snprintf(buf, size, "%" PRIu64 ".%0*" PRIu64, us, digits, frac);
}

/* Writes s as a JSON string. */
static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void put_time(FILE *out, const char *key, hs_time ps)
{
    char buf[32];
    trace_format_us(ps, buf, sizeof buf);
    fprintf(out, ",\"%s\":%s", key, buf);
}

/* Starts an event: separator, ph, pid, tid, name. */
static int begin(Trace *t, char ph, uint32_t pid, uint32_t tid,
                 const char *name)
{
    if (t->io_failed)
        return -1;
    if (t->n_events > 0)
        fputs(",\n", t->out);
    fprintf(t->out,
            "{\"ph\":\"%c\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"name\":",
            ph, pid, tid);
    put_string(t->out, name ? name : "");
    return 0;
}

static int put_args(Trace *t, const json_t *args)
{
    if (!args)
        return 0;
    fputs(",\"args\":", t->out);
    return json_dumpf(args, t->out, JSON_COMPACT | JSON_REAL_PRECISION(12));
}

/* Ends an event and notes a write error. */
static int end(Trace *t)
{
    fputc('}', t->out);
    t->n_events++;
    if (ferror(t->out)) {
        t->io_failed = true;
        return trace_fail(t, "trace: write failed");
    }
    return 0;
}

static int metadata(Trace *t, uint32_t pid, uint32_t tid, const char *what,
                    const char *name)
{
    if (begin(t, 'M', pid, tid, what) < 0)
        return -1;
    fputs(",\"args\":{\"name\":", t->out);
    put_string(t->out, name ? name : "");
    fputc('}', t->out);
    return end(t);
}

int trace_process_name(Trace *t, uint32_t pid, const char *name)
{
    return metadata(t, pid, 0, "process_name", name);
}

int trace_thread_name(Trace *t, uint32_t pid, uint32_t tid, const char *name)
{
    return metadata(t, pid, tid, "thread_name", name);
}

int trace_slice(Trace *t, uint32_t pid, uint32_t tid, const char *name,
                const char *cat, hs_time start, hs_time dur, const json_t *args)
{
    if (begin(t, 'X', pid, tid, name) < 0)
        return -1;
    if (cat) {
        fputs(",\"cat\":", t->out);
        put_string(t->out, cat);
    }
    put_time(t->out, "ts", start);
    put_time(t->out, "dur", dur);
    if (put_args(t, args) < 0)
        t->io_failed = true;
    return end(t);
}

int trace_counter(Trace *t, uint32_t pid, const char *name, hs_time ts,
                  const char *series, double value)
{
    if (!isfinite(value))
        return trace_fail(t, "trace: counter %s: value is not finite",
                          name ? name : "");
    if (begin(t, 'C', pid, 0, name) < 0)
        return -1;
    put_time(t->out, "ts", ts);
    fputs(",\"args\":{", t->out);
    put_string(t->out, series ? series : "value");
    fprintf(t->out, ":%.12g}", value);
    return end(t);
}

int trace_instant(Trace *t, uint32_t pid, uint32_t tid, const char *name,
                  const char *cat, hs_time ts, TraceScope scope,
                  const json_t *args)
{
    static const char scopes[] = {[TRACE_SCOPE_THREAD] = 't',
                                  [TRACE_SCOPE_PROCESS] = 'p',
                                  [TRACE_SCOPE_GLOBAL] = 'g'};
    if (scope > TRACE_SCOPE_GLOBAL)
        return trace_fail(t, "trace: instant %s: bad scope", name ? name : "");
    if (begin(t, 'i', pid, tid, name) < 0)
        return -1;
    if (cat) {
        fputs(",\"cat\":", t->out);
        put_string(t->out, cat);
    }
    put_time(t->out, "ts", ts);
    fprintf(t->out, ",\"s\":\"%c\"", scopes[scope]);
    if (put_args(t, args) < 0)
        t->io_failed = true;
    return end(t);
}

int trace_flow(Trace *t, TraceFlowPhase phase, uint64_t id, uint32_t pid,
               uint32_t tid, const char *name, const char *cat, hs_time ts)
{
    if (begin(t, phase == TRACE_FLOW_START ? 's' : 'f', pid, tid, name) < 0)
        return -1;
    fputs(",\"cat\":", t->out);
    put_string(t->out, cat ? cat : "flow");
    put_time(t->out, "ts", ts);
    fprintf(t->out, ",\"id\":%" PRIu64, id);
    if (phase == TRACE_FLOW_END)
        fputs(",\"bp\":\"e\"", t->out);
    return end(t);
}

uint64_t trace_events(const Trace *t)
{
    return t->n_events;
}

const char *trace_error(const Trace *t)
{
    return t->err;
}

void trace_abort(Trace *t)
{
    if (!t)
        return;
    if (t->gzip)
        fclose(t->out);
    atomic_abort(t->file);
    free(t);
}

int trace_close(Trace *t, char *err, size_t err_size)
{
    if (t->io_failed) {
        if (err && err_size)
            snprintf(err, err_size, "%s", t->err);
        trace_abort(t);
        return -1;
    }
    fputs("\n],\"displayTimeUnit\":\"ns\"}\n", t->out);
    if (t->gzip && fclose(t->out) != 0) {
        if (err && err_size)
            snprintf(err, err_size, "trace: gzip stream failed to end");
        atomic_abort(t->file);
        free(t);
        return -1;
    }
    int rc = atomic_commit(t->file, err, err_size);
    free(t);
    return rc;
}
