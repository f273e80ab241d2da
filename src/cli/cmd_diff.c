/*
 * cmd_diff.c - `walsim diff DIR_A DIR_B`: two runs of one scenario
 * compared figure by figure (diff.h), for regression tests of the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "walsim/diff.h"

const char cli_usage_diff[] =
    "Usage: walsim diff DIR_A DIR_B [--tolerance 5%] [--metric NAME]... [--quiet]\n"
    "\n"
    "Compares two output folders of the same scenario (their summary.json): for\n"
    "each variant and figure (tps, p50, p99, wal_per_tx, fpi_share,\n"
    "checkpoints_timed, checkpoints_req, pg_wal_peak, recovery) the change from A\n"
    "to B, both runs' 95% intervals where they exist and whether they overlap.\n"
    "\n"
    "Options:\n"
    "  --tolerance T   largest accepted change, 5% or 0.05 (default 5%)\n"
    "  --metric NAME   compare only this figure (repeatable)\n"
    "  --quiet         print nothing; the exit code says it\n"
    "\n"
    "Exit codes: 0 no change above the tolerance, 1 a change above it, 2 bad\n"
    "usage or input (a folder without summary.json, different scenarios).\n";

int cmd_diff(int argc, char **argv)
{
    const char *dirs[2] = {NULL, NULL};
    const char **metrics = calloc((size_t)argc + 1, sizeof *metrics);
    size_t n_metrics = 0, n_dirs = 0;
    double tol = 0.05;
    bool quiet = false;
    int rc = CLI_USAGE;
    if (!metrics) {
        cli_error("out of memory");
        return CLI_INTERNAL;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--tolerance") || !strcmp(a, "--metric")) && i + 1 >= argc) {
            cli_error("diff: %s needs a value; see walsim help diff", a);
            goto done;
        }
        if (!strcmp(a, "--tolerance")) {
            ws_diag err;
            ws_diag_clear(&err);
            if (ws_diff_parse_tolerance(argv[++i], &tol, &err) != WS_OK) {
                cli_error("diff: %s", err.msg);
                goto done;
            }
        } else if (!strcmp(a, "--metric")) {
            metrics[n_metrics++] = argv[++i];
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_diff, stdout);
            rc = CLI_OK;
            goto done;
        } else if (a[0] == '-') {
            cli_error("diff: unknown option '%s'; see walsim help diff", a);
            goto done;
        } else if (n_dirs == 2) {
            cli_error("diff: more than two folders ('%s'); expected DIR_A DIR_B", a);
            goto done;
        } else {
            dirs[n_dirs++] = a;
        }
    }
    if (n_dirs != 2) {
        cli_error("diff: expected two output folders, DIR_A DIR_B; see walsim help diff");
        goto done;
    }
    ws_diff d;
    ws_diag err;
    ws_diag_clear(&err);
    int r = ws_diff_dirs(dirs[0], dirs[1], tol, metrics, n_metrics, &d, &err);
    if (r != WS_OK) {
        cli_error("diff: %s", err.msg);
        rc = r == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
        goto done;
    }
    if (!quiet)
        ws_diff_print(stdout, &d, dirs[0], dirs[1]);
    rc = d.n_exceed ? CLI_EXPECT_FAILED : CLI_OK;
    ws_diff_free(&d);
done:
    free(metrics);
    return rc;
}
