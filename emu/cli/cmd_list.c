/*
 * cmd_list.c - `handset list`: list approaches, shipped scenarios or SoC
 * models. Shipped files are found through the data directory
 * (config/datadir.h).
 */
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "config/datadir.h"
#include "config/scenario.h"
#include "config/soc.h"
#include "machine/host.h"
#include "virt/virt.h"

static int list_main(int argc, char **argv);

const CliCommand cli_cmd_list = {
    .name = "list",
    .summary = "list approaches, shipped scenarios or SoC models",
    .usage = "Usage: handset list [--json] approaches|scenarios|socs|params\n"
             "\n"
             "  socs        name and description of each shipped SoC file\n"
             "  approaches  the virtualisation approaches\n"
             "  scenarios   the shipped scenario files\n"
             "  params      every --set key: default, unit and source (the\n"
             "              tables the approaches and the machine run with)\n"
             "\n"
             "  --json      one JSON array on stdout instead of lines\n"
             "\n"
             "Shipped files come from $HANDSET_DATA, else the source tree\n"
             "handset was built in, else the install prefix.\n",
    .main = list_main,
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the *.json names in dir, sorted bytewise (not by locale, so
 * the listing is the same everywhere). Returns the count or -1. */
static int json_files(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char **grown = realloc(names, (size_t)(n + 1) * sizeof *names);
        char *copy = grown ? strdup(e->d_name) : NULL;
        if (grown)
            names = grown;
        if (!copy) {
            for (int i = 0; i < n; i++)
                free(names[i]);
            free(names);
            closedir(d);
            return -1;
        }
        names[n++] = copy;
    }
    closedir(d);
    if (n > 0)
        qsort(names, (size_t)n, sizeof *names, by_name);
    *out = names;
    return n;
}

/* Prints one shipped file's name and description; returns 0, or -1 with
 * the loader's message in err. */
typedef int (*ListPrintFunc)(const char *path, json_t *arr, char *err,
                             size_t err_size);

/* One name and description: a line, or an object of arr when given. */
static void put_item(json_t *arr, int width, const char *name,
                     const char *description)
{
    if (arr)
        json_array_append_new(arr, json_pack("{s:s,s:s}", "name", name,
                                             "description", description));
    else
        printf("%-*s %s\n", width, name, description);
}

static int print_soc(const char *path, json_t *arr, char *err, size_t err_size)
{
    SocModel *soc = soc_load(path, err, err_size);
    if (!soc)
        return -1;
    put_item(arr, 10, soc->name, soc->description);
    soc_free(soc);
    return 0;
}

static int print_scenario(const char *path, json_t *arr, char *err,
                          size_t err_size)
{
    Scenario *s = scenario_load(path, err, err_size);
    if (!s)
        return -1;
    put_item(arr, 24, s->name, s->description);
    scenario_free(s);
    return 0;
}

/* Name and description of every shipped file in DATADIR/subdir, in
 * file-name order. A shipped file that does not validate is reported and
 * makes the exit 2. */
static int list_shipped(const char *subdir, const char *what,
                        ListPrintFunc print, json_t *arr)
{
    char dir[PATH_MAX], err[JSON_ERR_MAX];
    char **names = NULL;
    if (datadir_path(subdir, dir, sizeof dir, err, sizeof err) < 0) {
        fprintf(stderr, "handset list: %s\n", err);
        return HS_EXIT_USAGE;
    }
    int n = json_files(dir, &names);
    if (n < 0) {
        fprintf(stderr, "handset list: cannot read %s\n", dir);
        return HS_EXIT_USAGE;
    }
    if (n == 0) {
        fprintf(stderr, "handset list: no %s files in %s\n", what, dir);
        free(names);
        return HS_EXIT_USAGE;
    }
    int rc = HS_EXIT_OK;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX + NAME_MAX + 2];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (print(path, arr, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            rc = HS_EXIT_USAGE;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Every approach with its one-line description; an approach whose
 * mechanisms are not implemented says so (a run of it is refused). */
static int list_approaches(json_t *arr)
{
    size_t n;
    const ApproachOps *const *all = virt_approaches(&n);
    for (size_t i = 0; i < n; i++) {
        const ApproachOps *o = all[i];
        const char *name = approach_name(o);
        const char *description = scenario_approach_descriptions[o->id];
        if (arr)
            json_array_append_new(arr, json_pack("{s:s,s:s,s:b}", "name", name,
                                                 "description", description,
                                                 "built", o->built));
        else
            printf("%-12s %s%s\n", name, description,
                   o->built ? "" : " (not built yet)");
    }
    return HS_EXIT_OK;
}

/* One table of parameters under a key prefix. */
static void list_table(json_t *arr, const char *prefix, const VirtParam *p,
                       size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char key[160];
        snprintf(key, sizeof key, "%s.%s", prefix, p[i].key);
        if (arr)
            json_array_append_new(
                arr, json_pack("{s:s,s:I,s:s,s:s}", "key", key, "default",
                               (json_int_t)p[i].value, "unit", p[i].unit,
                               "source", p[i].source));
        else
            printf("%-40s %12" PRIu64 " %-12s %s\n", key, p[i].value, p[i].unit,
                   p[i].source);
    }
}

/* Every --set key: the machine's table, then each approach's, in the
 * order they are listed (virt.h). */
static int list_params(json_t *arr)
{
    if (!arr)
        printf("%-40s %12s %-12s %s\n", "key", "default", "unit", "source");
    size_t n;
    const VirtParam *mp = machine_params_table(&n);
    list_table(arr, "machine", mp, n);
    size_t n_approaches;
    const ApproachOps *const *all = virt_approaches(&n_approaches);
    for (size_t i = 0; i < n_approaches; i++) {
        const ApproachOps *o = all[i];
        char prefix[64];
        snprintf(prefix, sizeof prefix, "virt.%s", approach_name(o));
        list_table(arr, prefix, o->params, o->n_params);
    }
    return HS_EXIT_OK;
}

static int list_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'J'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool as_json = false;
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'J')
            as_json = true;
        else if (c == 'h')
            return cli_print_help(&cli_cmd_list);
        else
            return cli_usage_error(&cli_cmd_list, "unknown option '%s'",
                                   argv[optind - 1]);
    }
    if (argc - optind != 1)
        return cli_usage_error(&cli_cmd_list, "expected one of approaches, "
                                              "scenarios, socs, params");
    const char *what = argv[optind];
    json_t *arr = as_json ? json_array() : NULL;
    int rc;
    if (strcmp(what, "socs") == 0)
        rc = list_shipped("soc_models", "SoC", print_soc, arr);
    else if (strcmp(what, "approaches") == 0)
        rc = list_approaches(arr);
    else if (strcmp(what, "scenarios") == 0)
        rc = list_shipped("scenarios", "scenario", print_scenario, arr);
    else if (strcmp(what, "params") == 0)
        rc = list_params(arr);
    else
        rc = cli_usage_error(&cli_cmd_list,
                             "unknown list '%s' (expected approaches, "
                             "scenarios, socs or params)",
                             what);
    if (arr && rc == HS_EXIT_OK) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
    }
    json_decref(arr);
    return rc;
}
