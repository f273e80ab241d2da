/*
 * cmd_calibrate.c - `walsim calibrate`: estimate the model's workload
 * parameters from the statistics, log and pgbench files of a real run
 * (calibrate.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "walsim/calibrate.h"
#include "walsim/capture.h"
#include "walsim/units.h"

const char cli_usage_calibrate[] =
    "Usage: walsim calibrate --stats BEFORE.csv AFTER.csv [measured files] [options]\n"
    "       walsim calibrate --capture DIR [--scenario FILE]\n"
    "\n"
    "Estimates from a real run what a scenario needs: WAL record bytes per\n"
    "transaction (without full-page images), and the pages a transaction modifies\n"
    "and their spread over the table(s), by a least-squares fit of the first-touch\n"
    "rule (images after n transactions = P (1 - e^(-w n / P)) per table, or a hot\n"
    "set) to the images written since each checkpoint started.  Prints what each\n"
    "number rests on, the fits with standard errors and residuals, and a\n"
    "[workload] / [table] / [transaction] scenario snippet (docs/validate.md).\n"
    "\n"
    "A folder of walsim capture (docs/capture.md):\n"
    "  --capture DIR            calibrate from it (no other measured file)\n"
    "  --scenario FILE          and write a scenario describing the server: its\n"
    "                           settings, tables, workload; [os] and [disk] for you\n"
    "\n"
    "Measured files:\n"
    "  --stats FILE...          psql --csv snapshots of pg_stat_wal (and\n"
    "                           pg_stat_bgwriter) before and after the run; a time\n"
    "                           series of wal_fpi (db_samples.csv) gives the fit its\n"
    "                           data points (required)\n"
    "  --pg-log LOG             server log with log_checkpoints = on: the cycles\n"
    "  --pgbench-log FILE...    pgbench -l logs: transactions over time\n"
    "  --pgbench-agg FILE...    or pgbench --aggregate-interval logs\n"
    "  --pgbench-progress FILE  or pgbench -P output with --progress-timestamp\n"
    "  --waldump-stats FILE     pg_waldump --stats: the bytes of the images\n"
    "  --transactions N         transactions between the snapshots (no pgbench log)\n"
    "  --retries-only           7-field -l lines hold retries, not schedule lag\n"
    "\n"
    "Options:\n"
    "  --table NAME:PAGES...    tables whose size is known (PAGES of 8 kB, or a size\n"
    "                           such as 1281MB); without one, the size is fitted\n"
    "  --model uniform|hotset   fit only this model (default: both, the better by AIC)\n"
    "  --fpi-hole BYTES         without --waldump-stats: the free space an image\n"
    "                           leaves out (default 0: images of 8192 B)\n"
    "\n"
    "FILE... options take every following argument up to the next option.\n"
    "\n"
    "Exit codes: 0 estimates printed (a fit that cannot be made is said so), 2 bad\n"
    "usage or input, 3 internal error.\n";

static int parse_table(const char *text, ws_calibrate_table *t)
{
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof t->name) {
        cli_error("calibrate: --table %s: expected NAME:PAGES (a name of at most %zu bytes)", text,
                  sizeof t->name - 1);
        return -1;
    }
    for (const char *p = text; p < colon; p++)
        if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (p > text && *p >= '0' && *p <= '9'))) {
            cli_error("calibrate: --table %s: the name must be an identifier (letters, digits, "
                      "_), as a scenario's [table NAME]",
                      text);
            return -1;
        }
    double bytes = 0;
    char why[256];
    if (ws_unit_parse(colon + 1, WS_UC_MEMORY, 8192, &bytes, why, sizeof why) != 0) {
        cli_error("calibrate: --table %s: %s", text, why);
        return -1;
    }
    if (bytes < 8192 || bytes > 8192 * 1e12) {
        cli_error("calibrate: --table %s: expected 1 to 10^12 pages", text);
        return -1;
    }
    memcpy(t->name, text, (size_t)(colon - text));
    t->name[colon - text] = '\0';
    t->pages = bytes / 8192;
    return 0;
}

int cmd_calibrate(int argc, char **argv)
{
    int rc = CLI_USAGE;
    ws_validate_files fs = {0};
    ws_validate_loaded ld = {0};
    ws_calibrate_result res = {0};
    ws_calibrate_table tables[WS_CALIBRATE_MAX_TABLES];
    ws_calibrate_input ci = {0};
    ci.model = -1;
    ws_diag err;
    ws_diag_clear(&err);
    const char *capture = NULL, *scenario = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--capture") || !strcmp(a, "--scenario")) && i + 1 >= argc) {
            cli_error("calibrate: %s needs a value; see walsim help calibrate", a);
            goto done;
        }
        if (!strcmp(a, "--capture") || !strcmp(a, "--scenario")) {
            *(a[2] == 'c' ? &capture : &scenario) = argv[++i];
            continue;
        }
        int m = cli_measured_option(argc, argv, &i, "calibrate", &fs);
        if (m < 0)
            goto done;
        if (m > 0)
            continue;
        if ((!strcmp(a, "--table") || !strcmp(a, "--model") || !strcmp(a, "--fpi-hole") ||
             !strcmp(a, "--transactions")) &&
            (i + 1 >= argc)) {
            cli_error("calibrate: %s needs a value; see walsim help calibrate", a);
            goto done;
        }
        if (!strcmp(a, "--table")) {
            if (argv[i + 1][0] == '-') {
                cli_error("calibrate: --table needs NAME:PAGES; see walsim help calibrate");
                goto done;
            }
            while (i + 1 < argc && argv[i + 1][0] != '-') {
                if (ci.n_tables == WS_CALIBRATE_MAX_TABLES) {
                    cli_error("calibrate: more than %d tables", WS_CALIBRATE_MAX_TABLES);
                    goto done;
                }
                if (parse_table(argv[++i], &tables[ci.n_tables]) != 0)
                    goto done;
                for (size_t k = 0; k < ci.n_tables; k++)
                    if (!strcmp(tables[k].name, tables[ci.n_tables].name)) {
                        cli_error("calibrate: --table %s given twice", tables[k].name);
                        goto done;
                    }
                ci.n_tables++;
            }
        } else if (!strcmp(a, "--model")) {
            const char *v = argv[++i];
            if (!strcmp(v, "uniform"))
                ci.model = WS_CALIBRATE_UNIFORM;
            else if (!strcmp(v, "hotset"))
                ci.model = WS_CALIBRATE_HOTSET;
            else {
                cli_error("calibrate: --model %s: expected uniform or hotset", v);
                goto done;
            }
        } else if (!strcmp(a, "--fpi-hole")) {
            double b = -1;
            char why[256];
            const char *v = argv[++i];
            if (ws_unit_parse(v, WS_UC_MEMORY, 1, &b, why, sizeof why) != 0 || b < 0 ||
                b >= 8192) {
                cli_error("calibrate: --fpi-hole %s: expected a size from 0 to 8191 bytes", v);
                goto done;
            }
            ci.hole_bytes = b;
        } else if (!strcmp(a, "--transactions")) {
            const char *v = argv[++i];
            char *end;
            errno = 0;
            long long n = strtoll(v, &end, 10);
            if (end == v || *end || errno || n < 1) {
                cli_error("calibrate: --transactions %s: expected a positive whole number", v);
                goto done;
            }
            ci.in.transactions = n;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_calibrate, stdout);
            rc = CLI_OK;
            goto done;
        } else if (a[0] == '-') {
            cli_error("calibrate: unknown option '%s'; see walsim help calibrate", a);
            goto done;
        } else {
            cli_error("calibrate: unexpected argument '%s' (files come after the option that "
                      "names their kind: --stats, --pg-log, --pgbench-log, ...)",
                      a);
            goto done;
        }
    }
    if (capture) {
        if (fs.n_stats || fs.pg_log || fs.n_pgbench_logs || fs.n_pgbench_aggs ||
            fs.pgbench_progress || ci.n_tables) {
            cli_error("calibrate: --capture DIR takes no other measured file nor --table");
            goto done;
        }
        int cr = ws_capture_calibrate(capture, scenario, stdout, &err);
        if (cr != WS_OK) {
            fprintf(stderr, "walsim: %s\n", err.msg);
            rc = cr == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
            goto done;
        }
        if (scenario) {
            ws_scenario *s = cli_load(scenario);
            if (!s) {
                cli_error("calibrate: the scenario written to %s does not load (a bug: please "
                          "report it with the capture)",
                          scenario);
                rc = CLI_INTERNAL;
                goto done;
            }
            ws_scenario_free(s);
            printf("\nwrote %s: check [os] and [disk], then walsim run %s\n", scenario,
                   scenario);
        }
        rc = CLI_OK;
        goto done;
    }
    if (scenario) {
        cli_error("calibrate: --scenario FILE needs --capture DIR");
        goto done;
    }
    if (fs.n_stats == 0) {
        cli_error("calibrate: --stats BEFORE.csv AFTER.csv is required: snapshots of pg_stat_wal "
                  "before and after the run; see walsim help calibrate");
        goto done;
    }
    int r = ws_validate_load(&fs, &ld, &err);
    if (r == WS_OK) {
        int64_t n_tx = ci.in.transactions;
        ci.in = ld.in;
        ci.in.transactions = n_tx;
        ci.tables = tables;
        r = ws_calibrate_collect(&ci, &res, &err);
    }
    if (r != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        rc = r == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
        goto done;
    }
    ws_calibrate_print(stdout, &ci, &res);
    rc = CLI_OK;
done:
    ws_calibrate_result_free(&res);
    ws_validate_loaded_free(&ld);
    cli_measured_files_free(&fs);
    return rc;
}
