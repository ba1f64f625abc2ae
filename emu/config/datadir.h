/*
 * datadir.h - where handset finds its shipped data (soc_models/,
 * scenarios/, guest images).
 *
 * Search order, first match wins:
 *   1. $HANDSET_DATA, when set and not empty (an error if it is not a
 *      directory: a user who sets it means it);
 *   2. the source tree the running executable was built in: the parent of
 *      the directory holding /proc/self/exe (build/handset -> .), when it
 *      holds soc_models/;
 *   3. HS_DATADIR, the install location ($(PREFIX)/share/handset).
 */
#ifndef HS_CONFIG_DATADIR_H
#define HS_CONFIG_DATADIR_H

#include <stddef.h>

/*
 * Writes the data directory into buf. Returns 0, or -1 with a one-line
 * reason in err (HANDSET_DATA not a directory, nothing found, or the path
 * does not fit in buf).
 */
int datadir_locate(char *buf, size_t size, char *err, size_t err_size);

/*
 * Writes DATADIR/relative into buf (e.g. relative "soc_models"). Returns
 * 0, or -1 with a reason in err.
 */
int datadir_path(const char *relative, char *buf, size_t size, char *err,
                 size_t err_size);

#endif /* HS_CONFIG_DATADIR_H */
