/*
 * cmd_validate.c - `handset validate`: check scenario and SoC description
 * files. The "format" key of each file picks the validator; every error
 * is printed as FILE:LINE:COLUMN: KEY: MESSAGE.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "config/json.h"
#include "config/scenario.h"
#include "config/soc.h"

static int validate_main(int argc, char **argv);

const CliCommand cli_cmd_validate = {
    .name = "validate",
    .summary = "validate scenario and SoC description files",
    .usage = "Usage: handset validate FILE...\n"
             "\n"
             "Checks SoC (handset-soc/1) and scenario (handset-scenario/1)\n"
             "files; the \"format\" key says which a file is. Prints\n"
             "'FILE: ok (FORMAT, NAME)' for each valid file. Errors name\n"
             "file:line:column and the offending key; exit 2 on any error.\n",
    .main = validate_main,
};

/* Validates one file; returns HS_EXIT_OK or HS_EXIT_USAGE. */
static int validate_file(const char *path)
{
    char err[JSON_ERR_MAX];
    JsonDoc *doc = json_doc_load_file(path, err, sizeof err);
    int rc = HS_EXIT_USAGE;
    const char *format = NULL;
    if (!doc) {
        fprintf(stderr, "%s\n", err);
        return HS_EXIT_USAGE;
    }
    if (!json_is_object(doc->root)) {
        json_fail(doc, "", "expected an object at the top level");
        goto fail;
    }
    if (json_get_string(doc, doc->root, "", "format", &format) < 0)
        goto fail;
    if (strcmp(format, SOC_FORMAT) == 0) {
        SocModel *soc = soc_from_doc(doc);
        if (!soc)
            goto fail;
        printf("%s: ok (%s, %s)\n", path, SOC_FORMAT, soc->name);
        soc_free(soc);
        rc = HS_EXIT_OK;
    } else if (strcmp(format, SCENARIO_FORMAT) == 0) {
        Scenario *s = scenario_from_doc(doc);
        if (!s)
            goto fail;
        printf("%s: ok (%s, %s)\n", path, SCENARIO_FORMAT, s->name);
        scenario_free(s);
        rc = HS_EXIT_OK;
    } else {
        json_fail(doc, "format",
                  "unknown format \"%s\" (expected \"%s\" or \"%s\")", format,
                  SOC_FORMAT, SCENARIO_FORMAT);
        goto fail;
    }
    json_doc_free(doc);
    return rc;

fail:
    fprintf(stderr, "%s\n", json_doc_error(doc));
    json_doc_free(doc);
    return HS_EXIT_USAGE;
}

static int validate_main(int argc, char **argv)
{
    int first;
    int rc = cli_parse_help_only(&cli_cmd_validate, argc, argv, &first);
    if (rc != HS_EXIT_OK)
        return rc == CLI_HELP_SHOWN ? HS_EXIT_OK : rc;
    if (first >= argc)
        return cli_usage_error(&cli_cmd_validate, "no FILE given");
    for (int i = first; i < argc; i++)
        if (validate_file(argv[i]) != HS_EXIT_OK)
            rc = HS_EXIT_USAGE;
    return rc;
}
