/*
 * cmd_report.c - `walsim report DIR`: the design-review report of an
 * output folder, DIR/report.html and DIR/report.md (report_html.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "walsim/diff.h"
#include "walsim/outdir.h"
#include "walsim/report_html.h"

const char cli_usage_report[] =
    "Usage: walsim report DIR [--diff OTHER_DIR] [--tolerance 5%]\n"
    "\n"
    "Writes DIR/report.html (self-contained: charts inlined, prints to PDF) and\n"
    "DIR/report.md from the files of the output folder DIR (summary.json and the\n"
    "charts; a sweep's sweep.csv).  walsim run and walsim sweep write both\n"
    "already, unless --no-report.\n"
    "\n"
    "Options:\n"
    "  --diff OTHER_DIR  add a section comparing DIR with OTHER_DIR, another run\n"
    "                    of the same scenario (as walsim diff OTHER_DIR DIR)\n"
    "  --tolerance T     the change the comparison flags, 5% or 0.05 (default 5%)\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage or input (DIR holds no walsim output, a file\n"
    "cannot be written).\n";

int cmd_report(int argc, char **argv)
{
    const char *dir = NULL;
    ws_rpt_options opts = {NULL, 0.05, NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--diff") || !strcmp(a, "--tolerance")) && i + 1 >= argc) {
            cli_error("report: %s needs a value; see walsim help report", a);
            return CLI_USAGE;
        }
        if (!strcmp(a, "--diff")) {
            opts.diff_dir = argv[++i];
        } else if (!strcmp(a, "--tolerance")) {
            ws_diag err;
            ws_diag_clear(&err);
            if (ws_diff_parse_tolerance(argv[++i], &opts.diff_tolerance, &err) != WS_OK) {
                cli_error("report: %s", err.msg);
                return CLI_USAGE;
            }
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_report, stdout);
            return CLI_OK;
        } else if (a[0] == '-') {
            cli_error("report: unknown option '%s'; see walsim help report", a);
            return CLI_USAGE;
        } else if (dir) {
            cli_error("report: more than one folder ('%s' and '%s')", dir, a);
            return CLI_USAGE;
        } else {
            dir = a;
        }
    }
    if (!dir) {
        cli_error("report: missing the output folder DIR; see walsim help report");
        return CLI_USAGE;
    }
    /* The folder's lock, so the report never goes into a folder a run is
     * replacing (outdir.h). */
    ws_outdir *od = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_outdir_lock(dir, &od, &err);
    if (rc == WS_OK)
        rc = ws_rpt_write(dir, &opts, &err);
    ws_outdir_abort(od);
    if (rc != WS_OK) {
        cli_error("report: %s", err.msg);
        return rc == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
    }
    printf("wrote %s/report.html and %s/report.md\n", dir, dir);
    return CLI_OK;
}
