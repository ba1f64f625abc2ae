/*
 * outdir.c - output directories: see outdir.h.
 */
#define _GNU_SOURCE /* renameat2 */
#include "out/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/error.h"

int outdir_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char p[PATH_MAX];
        if ((size_t)snprintf(p, sizeof p, "%s/%s", path, de->d_name) >=
            sizeof p) {
            rc = -1;
            continue;
        }
        rc |= outdir_remove_tree(p);
    }
    closedir(d);
    return rmdir(path) < 0 ? -1 : rc;
}

int outdir_make_dirs(const char *path, char *err, size_t err_size)
{
    char buf[PATH_MAX];
    if (!*path)
        return hs_errorf(err, err_size, "an empty directory name");
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return hs_errorf(err, err_size, "%s: path too long", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) < 0 && errno != EEXIST)
            return hs_errorf(err, err_size, "cannot create %s: %s", buf,
                             strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) < 0 && errno != EEXIST)
        return hs_errorf(err, err_size, "cannot create %s: %s", buf,
                         strerror(errno));
    struct stat st;
    if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))
        return hs_errorf(err, err_size, "%s exists and is not a directory",
                         buf);
    return 0;
}

int outdir_commit(const char *from, const char *to, bool replace)
{
    if (!replace)
        return renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
    char old[PATH_MAX];
    if ((size_t)snprintf(old, sizeof old, "%s.old-%ld", to, (long)getpid()) >=
        sizeof old) {
        errno = ENAMETOOLONG;
        return -1;
    }
    bool moved = rename(to, old) == 0;
    if (!moved && errno != ENOENT)
        return -1;
    if (rename(from, to) < 0) {
        int e = errno;
        if (moved)
            rename(old, to);
        errno = e;
        return -1;
    }
    if (moved)
        outdir_remove_tree(old);
    return 0;
}

/* Whether pid is a live process. A zombie is not: a process killed with
 * SIGKILL stays one until its parent or init reaps it, and the rerun
 * that follows at once must not wait for that. */
static bool process_alive(long pid)
{
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return false;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true; /* no /proc: kill said it exists */
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* "PID (COMM) STATE ...": COMM may hold spaces and parentheses */
    const char *close = strrchr(buf, ')');
    return !(close && close[1] == ' ' && (close[2] == 'Z' || close[2] == 'X'));
}

int outdir_clean_stale(const char *target, FILE *log)
{
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", target);
    char *slash = strrchr(parent, '/');
    const char *base = slash ? slash + 1 : target;
    if (slash == parent)
        parent[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(parent, ".");
    DIR *d = opendir(parent);
    if (!d)
        return 0;
    size_t bl = strlen(base);
    int removed = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        if (strncmp(n, base, bl) != 0 || strncmp(n + bl, ".partial-", 9) != 0)
            continue;
        char *end;
        errno = 0;
        long pid = strtol(n + bl + 9, &end, 10);
        if (*end || errno || pid <= 0 || pid == (long)getpid())
            continue;
        if (process_alive(pid))
            continue; /* alive (or not ours to ask about): leave it */
        char p[PATH_MAX];
        if ((size_t)snprintf(p, sizeof p, "%s/%s", parent, n) >= sizeof p)
            continue;
        if (outdir_remove_tree(p) == 0) {
            removed++;
            if (log)
                fprintf(log,
                        "removed %s: left by process %ld, which no longer "
                        "exists\n",
                        p, pid);
        }
    }
    closedir(d);
    return removed;
}
