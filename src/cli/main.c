/*
 * main.c - walsim's command dispatcher, help and version.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "walsim/metrics.h"
#include "walsim/settings.h"

const char cli_usage_main[] =
    "walsim - offline simulator of PostgreSQL WAL and checkpoint I/O\n"
    "\n"
    "Usage:\n"
    "  walsim run [FILE] [options]   simulate a scenario (no FILE: the built-in default,\n"
    "                                scenarios/checkpoint-smoothing.conf)\n"
    "  walsim lint FILE              check a scenario and print every variant's settings\n"
    "  walsim check FILE             run a scenario and judge its [expect] sections\n"
    "  walsim advise [FILE]          recommendations: max_wal_size, pg_wal, recovery time\n"
    "  walsim sweep [FILE] --param KEY=VALUES...\n"
    "                                simulate a grid of settings into sweep.csv\n"
    "  walsim merge DIR...           join the shards of a sweep\n"
    "  walsim plot DIR               draw the charts of an output folder again\n"
    "  walsim report DIR             write DIR/report.html and report.md again\n"
    "  walsim diff DIR_A DIR_B       compare two runs of one scenario, figure by figure\n"
    "  walsim validate FILE --pg-log LOG [measured files]\n"
    "                                compare a real run with the scenario's simulation\n"
    "  walsim calibrate --stats BEFORE.csv --stats AFTER.csv [measured files]\n"
    "                                estimate workload parameters from a real run\n"
    "  walsim capture --dsn DSN --out DIR [--duration 10min] [--interval 10s]\n"
    "                                sample a live server's statistics (read only)\n"
    "  walsim help [COMMAND|keys|metrics]\n"
    "                                help for a command; `keys` lists every scenario key,\n"
    "                                `metrics` every metric of [expect] and sweep.csv\n"
    "  walsim --version              print the version, git revision and PostgreSQL\n"
    "                                versions the model follows\n"
    "\n"
    "Options, in every command (GNU conventions):\n"
    "  --opt VALUE or --opt=VALUE    an option's value, in either form\n"
    "  --                            ends the options: what follows is a file or folder\n"
    "  -h, --help                    the command's help (as walsim help COMMAND)\n"
    "  -o, -j, -q                    --out, --jobs, --quiet, where the command has them\n"
    "\n"
    "Exit codes:\n"
    "  0  success\n"
    "  1  an expectation ([expect] section) failed; diff: a change above --tolerance\n"
    "  2  bad usage or bad input (the message names file, line and key)\n"
    "  3  internal error\n"
    "  130, 143  interrupted by SIGINT / SIGTERM (run, sweep: nothing written)\n"
    "\n"
    "Documentation: README.md, docs/cli.md, docs/scenario-format.md\n";

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("walsim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

ws_scenario *cli_load(const char *file)
{
    ws_scenario *s;
    ws_diag err;
    ws_diag_clear(&err);
    int rc;
    if (file) {
        rc = ws_scenario_load_file(file, &s, &err);
    } else {
        char name[128];
        snprintf(name, sizeof name, "<built-in>/%s", ws_default_scenario_name);
        rc = ws_scenario_load_string(ws_default_scenario_text, ws_default_scenario_len, name, &s,
                                     &err);
    }
    if (rc != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return NULL;
    }
    if (cli_check_expects(s) != 0) {
        ws_scenario_free(s);
        return NULL;
    }
    return s;
}

/* `walsim help keys`: every key of every section, as Markdown tables. */
static void print_keys(void)
{
    for (int sec = 0; sec < WS_SEC__COUNT; sec++) {
        printf("\n### [%s%s]\n\n", ws_section_name((ws_section)sec),
               ws_section_named((ws_section)sec) ? " NAME" : "");
        if (sec == WS_SEC_POSTGRES)
            printf("| key | type | default 13 / 14 / 15 / 16 / 17 | range | meaning |\n"
                   "|---|---|---|---|---|\n");
        else
            printf("| key | type | default | range | meaning |\n|---|---|---|---|---|\n");
        for (int id = 0; id < WS_S__COUNT; id++) {
            const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)id);
            if ((int)d->section != sec)
                continue;
            char type[200];
            if (d->type == WS_T_ENUM) {
                snprintf(type, sizeof type, "enum: %s", d->enums);
                for (char *p = type; *p; p++)
                    if (*p == '|')
                        *p = ',';
            } else if (d->bare) {
                snprintf(type, sizeof type, "%s (bare number: %s)", ws_type_name(d->type),
                         d->bare);
            } else {
                snprintf(type, sizeof type, "%s", ws_type_name(d->type));
            }
            printf("| `%s` | %s | ", d->name, type);
            if (sec == WS_SEC_POSTGRES) {
                for (int v = 0; v <= WS_PG_VERSION_MAX - WS_PG_VERSION_MIN; v++)
                    printf("%s%s", v ? " / " : "", d->def[v] ? (*d->def[v] ? d->def[v] : "''")
                                                             : "–");
            } else {
                printf("%s", d->def[0] && *d->def[0] ? d->def[0] : "''");
            }
            printf(" | %s .. %s | %s |\n", d->min ? d->min : "", d->max ? d->max : "", d->help);
        }
    }
}

/* `walsim help metrics`: the metric registry as a Markdown table. */
static void print_metrics(void)
{
    printf("| metric | kind | CSV column | meaning |\n|---|---|---|---|\n");
    for (size_t i = 0; i < ws_metric_count(); i++) {
        const ws_metric *m = ws_metric_at(i);
        printf("| `%s` | %s | `%s` | %s |\n", m->name, ws_metric_kind_name(m->kind), m->column,
               m->help);
    }
}

int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        fputs(cli_usage_main, stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "run") == 0)
        fputs(cli_usage_run, stdout);
    else if (strcmp(argv[1], "lint") == 0)
        fputs(cli_usage_lint, stdout);
    else if (strcmp(argv[1], "check") == 0)
        fputs(cli_usage_check, stdout);
    else if (strcmp(argv[1], "sweep") == 0)
        fputs(cli_usage_sweep, stdout);
    else if (strcmp(argv[1], "merge") == 0)
        fputs(cli_usage_merge, stdout);
    else if (strcmp(argv[1], "advise") == 0)
        fputs(cli_usage_advise, stdout);
    else if (strcmp(argv[1], "plot") == 0)
        fputs(cli_usage_plot, stdout);
    else if (strcmp(argv[1], "validate") == 0)
        fputs(cli_usage_validate, stdout);
    else if (strcmp(argv[1], "calibrate") == 0)
        fputs(cli_usage_calibrate, stdout);
    else if (strcmp(argv[1], "capture") == 0)
        fputs(cli_usage_capture, stdout);
    else if (strcmp(argv[1], "report") == 0)
        fputs(cli_usage_report, stdout);
    else if (strcmp(argv[1], "diff") == 0)
        fputs(cli_usage_diff, stdout);
    else if (strcmp(argv[1], "keys") == 0)
        print_keys();
    else if (strcmp(argv[1], "metrics") == 0)
        print_metrics();
    else if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0 ||
             strcmp(argv[1], "--help") == 0)
        fputs(cli_usage_main, stdout);
    else {
        cli_error("help: unknown command '%s' (commands: run, lint, check, sweep, advise, merge, plot, report, diff, validate, calibrate, capture, help; or: help keys, help metrics)", argv[1]);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* The git revision is the one at configure time (CMakeLists.txt
 * reconfigures at each commit); "unknown" outside a git checkout. */
#ifndef WALSIM_GIT_REVISION
#define WALSIM_GIT_REVISION "unknown"
#endif

static void print_version(void)
{
    printf("walsim %s\n", WALSIM_VERSION);
    printf("git revision: %s\n", WALSIM_GIT_REVISION);
    printf("models PostgreSQL");
    for (int v = WS_PG_VERSION_MIN; v <= WS_PG_VERSION_MAX; v++)
        printf(" %d%s", v, v == WS_PG_VERSION_MAX ? "" : v + 1 == WS_PG_VERSION_MAX ? " and" : ",");
    printf(" (their defaults, setting ranges and log formats)\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(cli_usage_main, stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 ||
        strcmp(cmd, "version") == 0) {
        print_version();
        return CLI_OK;
    }
    int nrc = cli_args_normalize(&argc, &argv); /* --opt=VALUE, --, -h (args.c) */
    if (nrc >= 0)
        return nrc;
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return cmd_help(1, argv);
    if (strcmp(cmd, "help") == 0)
        return cmd_help(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "lint") == 0)
        return cmd_lint(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "advise") == 0)
        return cmd_advise(argc - 1, argv + 1);
    if (strcmp(cmd, "plot") == 0)
        return cmd_plot(argc - 1, argv + 1);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "calibrate") == 0)
        return cmd_calibrate(argc - 1, argv + 1);
    if (strcmp(cmd, "capture") == 0)
        return cmd_capture(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "diff") == 0)
        return cmd_diff(argc - 1, argv + 1);
    cli_error("unknown command '%s'; see walsim --help", cmd);
    return CLI_USAGE;
}
