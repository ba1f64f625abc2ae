/*
 * cmd_list.c - `handset list`: list approaches, shipped scenarios or SoC
 * models. Shipped files are found through the data directory
 * (config/datadir.h).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/datadir.h"
#include "config/scenario.h"
#include "config/soc.h"
#include "virt/virt.h"

static int list_main(int argc, char **argv);

const CliCommand cli_cmd_list = {
    .name = "list",
    .summary = "list approaches, shipped scenarios or SoC models",
    .usage = "Usage: handset list approaches|scenarios|socs\n"
             "\n"
             "  socs        name and description of each shipped SoC file\n"
             "  approaches  the virtualisation approaches\n"
             "  scenarios   the shipped scenario files\n"
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
typedef int (*ListPrintFunc)(const char *path, char *err, size_t err_size);

static int print_soc(const char *path, char *err, size_t err_size)
{
    SocModel *soc = soc_load(path, err, err_size);
    if (!soc)
        return -1;
    printf("%-10s %s\n", soc->name, soc->description);
    soc_free(soc);
    return 0;
}

static int print_scenario(const char *path, char *err, size_t err_size)
{
    Scenario *s = scenario_load(path, err, err_size);
    if (!s)
        return -1;
    printf("%-24s %s\n", s->name, s->description);
    scenario_free(s);
    return 0;
}

/* Name and description of every shipped file in DATADIR/subdir, in
 * file-name order. A shipped file that does not validate is reported and
 * makes the exit 2. */
static int list_shipped(const char *subdir, const char *what,
                        ListPrintFunc print)
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
        if (print(path, err, sizeof err) < 0) {
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
static int list_approaches(void)
{
    size_t n;
    const ApproachOps *const *all = virt_approaches(&n);
    for (size_t i = 0; i < n; i++)
        printf("%-12s %s%s\n", approach_name(all[i]),
               scenario_approach_descriptions[all[i]->id],
               all[i]->built ? "" : " (not built yet)");
    return HS_EXIT_OK;
}

static int list_main(int argc, char **argv)
{
    if (argc != 2)
        return cli_usage_error(&cli_cmd_list,
                               "expected one of approaches, scenarios, socs");
    if (strcmp(argv[1], "socs") == 0)
        return list_shipped("soc_models", "SoC", print_soc);
    if (strcmp(argv[1], "approaches") == 0)
        return list_approaches();
    if (strcmp(argv[1], "scenarios") == 0)
        return list_shipped("scenarios", "scenario", print_scenario);
    return cli_usage_error(&cli_cmd_list,
                           "unknown list '%s' (expected approaches, "
                           "scenarios or socs)",
                           argv[1]);
}
