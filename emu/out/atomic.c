/*
 * atomic.c - temporary file, fsync, rename: see atomic.h.
 */
#include "out/atomic.h"
#include "sim/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct AtomicFile {
    char *path; /* final path (owned) */
    char *tmp;  /* temporary path beside it (owned) */
    FILE *out;  /* stream on the temporary file */
};

static void free_handle(AtomicFile *f)
{
    free(f->path);
    free(f->tmp);
    free(f);
}

AtomicFile *atomic_open(const char *path, char *err, size_t err_size)
{
    AtomicFile *f = calloc(1, sizeof *f);
    size_t len = strlen(path);
    if (!f || !(f->path = strdup(path)) || !(f->tmp = malloc(len + 12))) {
        (void)hs_errorf(err, err_size, "%s: out of memory", path);
        if (f)
            free_handle(f);
        return NULL;
    }
    memcpy(f->tmp, path, len);
    memcpy(f->tmp + len, ".tmp.XXXXXX", 12);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        (void)hs_errorf(err, err_size, "%s: cannot create a file there: %s",
                        path, strerror(errno));
        free_handle(f);
        return NULL;
    }
    /* mkstemp makes 0600; outputs are meant to be read by others. */
    if (fchmod(fd, 0644) != 0 || !(f->out = fdopen(fd, "w"))) {
        (void)hs_errorf(err, err_size, "%s: %s", f->tmp, strerror(errno));
        close(fd);
        unlink(f->tmp);
        free_handle(f);
        return NULL;
    }
    return f;
}

FILE *atomic_stream(AtomicFile *f)
{
    return f->out;
}

void atomic_abort(AtomicFile *f)
{
    if (!f)
        return;
    fclose(f->out);
    unlink(f->tmp);
    free_handle(f);
}

/* fsyncs the directory holding path so the rename is durable. */
static int sync_dir(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    const char *name = ".";
    if (slash == dir)
        name = "/";
    else if (slash) {
        *slash = '\0';
        name = dir;
    }
    int fd = open(name, O_RDONLY | O_DIRECTORY);
    int rc = -1;
    if (fd >= 0) {
        rc = fsync(fd);
        close(fd);
    }
    free(dir);
    return rc;
}

int atomic_commit(AtomicFile *f, char *err, size_t err_size)
{
    int rc = -1;
    if (fflush(f->out) != 0 || ferror(f->out)) {
        (void)hs_errorf(err, err_size, "%s: write failed: %s", f->path,
                        strerror(errno ? errno : EIO));
        atomic_abort(f);
        return -1;
    }
    if (fsync(fileno(f->out)) != 0) {
        (void)hs_errorf(err, err_size, "%s: fsync failed: %s", f->path,
                        strerror(errno));
        atomic_abort(f);
        return -1;
    }
    FILE *out = f->out;
    f->out = NULL;
    if (fclose(out) != 0) {
        (void)hs_errorf(err, err_size, "%s: close failed: %s", f->path,
                        strerror(errno));
    } else if (rename(f->tmp, f->path) != 0) {
        (void)hs_errorf(err, err_size, "%s: rename failed: %s", f->path,
                        strerror(errno));
    } else {
        rc = 0;
        if (sync_dir(f->path) != 0) {
            (void)hs_errorf(err, err_size,
                            "%s: fsync of its directory failed: %s", f->path,
                            strerror(errno));
            rc = -1;
        }
    }
    if (rc != 0)
        unlink(f->tmp);
    free_handle(f);
    return rc;
}

int atomic_write_file(const char *path, AtomicWriteFunc fn, void *ctx,
                      char *err, size_t err_size)
{
    AtomicFile *f = atomic_open(path, err, err_size);
    if (!f)
        return -1;
    if (fn(f->out, ctx, err, err_size) != 0) {
        atomic_abort(f);
        return -1;
    }
    return atomic_commit(f, err, err_size);
}
