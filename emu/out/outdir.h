/*
 * outdir.h - output directories: creating them, removing them, moving a
 * finished one into place without replacing another process's result,
 * and cleaning up after processes that died mid-run.
 *
 * A run writes into "TARGET.partial-PID" and renames it to TARGET when
 * complete (run.h). A process killed with SIGKILL cannot remove its
 * partial directory; the next run into the same place does, once no
 * process with that PID exists (outdir_clean_stale).
 */
#ifndef HS_OUT_OUTDIR_H
#define HS_OUT_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Removes path and everything under it (symbolic links are removed, not
 * followed). A missing path is not an error. Returns 0 or -1. */
int outdir_remove_tree(const char *path);

/* mkdir -p. Returns 0, or -1 with a message naming the part in err. */
int outdir_make_dirs(const char *path, char *err, size_t err_size);

/* Renames the directory from to `to`. Without replace, fails when `to`
 * exists (errno EEXIST) even if another process creates it at the same
 * moment (renameat2 RENAME_NOREPLACE); with replace, a previous `to` is
 * moved aside and removed. Returns 0, or -1 with errno set. */
int outdir_commit(const char *from, const char *to, bool replace);

/* Removes every "TARGET.partial-PID" beside target whose PID is not a
 * live process (no such process, or a zombie not yet reaped), saying so
 * on log (one line each). Returns the number removed. */
int outdir_clean_stale(const char *target, FILE *log);

#endif /* HS_OUT_OUTDIR_H */
