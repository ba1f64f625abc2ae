/*
 * trace_read.c - trace.json(.gz) read back line by line (trace_read.h).
 */
#include "out/trace_read.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

static bool wanted(const char *line, const char *const *want, size_t n)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (strstr(line, want[i]))
            return true;
    return false;
}

int trace_read(const char *path, const char *const *want, size_t n_want,
               TraceReadFunc fn, void *ctx, char *err, size_t err_size)
{
    gzFile gz = gzopen(path, "rb"); /* reads plain files as they are */
    if (!gz) {
        snprintf(err, err_size, "%s: cannot open", path);
        return -1;
    }
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    unsigned long lineno = 0;
    int rc = line ? 0 : -1;
    if (!line)
        snprintf(err, err_size, "%s: out of memory", path);
    while (rc == 0) {
        size_t len = 0;
        line[0] = '\0';
        while (gzgets(gz, line + len, (int)(cap - len))) { /* a whole line */
            len += strlen(line + len);
            if (len && line[len - 1] == '\n')
                break;
            if (cap - len < 2) {
                char *nl = realloc(line, cap * 2);
                if (!nl) {
                    snprintf(err, err_size, "%s: out of memory", path);
                    rc = -1;
                    break;
                }
                line = nl;
                cap *= 2;
            }
        }
        if (rc < 0 || len == 0)
            break;
        lineno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == ','))
            line[--len] = '\0';
        if (line[0] != '{' || strncmp(line, "{\"traceEvents\"", 14) == 0 ||
            !wanted(line, want, n_want))
            continue;
        json_error_t je;
        json_t *ev = json_loads(line, 0, &je);
        if (!ev) {
            snprintf(err, err_size, "%s:%lu:%d: %s", path, lineno, je.column,
                     je.text);
            rc = -1;
            break;
        }
        if (fn(ctx, ev) < 0) {
            snprintf(err, err_size, "%s:%lu: out of memory", path, lineno);
            rc = -1;
        }
        json_decref(ev);
    }
    free(line);
    gzclose(gz);
    return rc;
}

int trace_find(const char *dir, char *buf, size_t size)
{
    struct stat st;
    snprintf(buf, size, "%s/trace.json", dir);
    if (stat(buf, &st) == 0)
        return 0;
    snprintf(buf, size, "%s/trace.json.gz", dir);
    return stat(buf, &st) == 0 ? 0 : -1;
}

hs_time trace_event_ps(const json_t *event)
{
    double us = json_number_value(json_object_get(event, "ts"));
    return us > 0 ? (hs_time)(us * 1e6 + 0.5) : 0;
}
