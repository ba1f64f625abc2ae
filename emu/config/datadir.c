/*
 * datadir.c - locating shipped data: $HANDSET_DATA, the build's source
 * tree, then the install prefix.
 */
#include "config/datadir.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HS_DATADIR
#define HS_DATADIR "/usr/local/share/handset"
#endif

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* True if dir/soc_models is a directory. */
static bool has_data(const char *dir)
{
    char probe[PATH_MAX];
    int n = snprintf(probe, sizeof probe, "%s/soc_models", dir);
    return n > 0 && (size_t)n < sizeof probe && is_dir(probe);
}

static int copy_out(const char *dir, char *buf, size_t size, char *err,
                    size_t err_size)
{
    int n = snprintf(buf, size, "%s", dir);
    if (n < 0 || (size_t)n >= size) {
        snprintf(err, err_size, "data directory path is too long");
        return -1;
    }
    return 0;
}

/* The parent of the executable's directory, if it holds soc_models/. */
static bool from_executable(char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return false;
        *slash = '\0';
    }
    if (exe[0] == '\0' || !has_data(exe))
        return false;
    int m = snprintf(out, size, "%s", exe);
    return m > 0 && (size_t)m < size;
}

int datadir_locate(char *buf, size_t size, char *err, size_t err_size)
{
    const char *env = getenv("HANDSET_DATA");
    if (env && env[0]) {
        if (!is_dir(env)) {
            snprintf(err, err_size, "HANDSET_DATA=%s: not a directory", env);
            return -1;
        }
        return copy_out(env, buf, size, err, err_size);
    }
    char tree[PATH_MAX];
    if (from_executable(tree, sizeof tree))
        return copy_out(tree, buf, size, err, err_size);
    if (has_data(HS_DATADIR))
        return copy_out(HS_DATADIR, buf, size, err, err_size);
    snprintf(err, err_size,
             "no shipped data found: set HANDSET_DATA, run from the source "
             "tree, or install with 'make install' (looked in %s)",
             HS_DATADIR);
    return -1;
}

int datadir_path(const char *relative, char *buf, size_t size, char *err,
                 size_t err_size)
{
    char dir[PATH_MAX];
    if (datadir_locate(dir, sizeof dir, err, err_size) < 0)
        return -1;
    int n = snprintf(buf, size, "%s/%s", dir, relative);
    if (n < 0 || (size_t)n >= size) {
        snprintf(err, err_size, "data path is too long");
        return -1;
    }
    return 0;
}
