/*
 * cmd_capture.c - `walsim capture`: sample a live server's statistics into
 * an output folder of psql --csv snapshots (capture.h, docs/capture.md).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "signals.h"
#include "walsim/capture.h"
#include "walsim/outdir.h"
#include "walsim/units.h"

const char cli_usage_capture[] =
    "Usage: walsim capture --dsn DSN --out DIR [options]\n"
    "\n"
    "Samples a live PostgreSQL server (13 or later, a primary) over a window:\n"
    "pg_settings, pg_stat_bgwriter / pg_stat_checkpointer, pg_stat_wal,\n"
    "pg_stat_database, pg_stat_user_tables, pg_statio_user_tables, relation and\n"
    "database sizes, pg_current_wal_lsn() and pg_stat_statements where installed,\n"
    "into DIR as the psql --csv snapshots `walsim calibrate` and `validate` read.\n"
    "Read only: every query runs in a READ ONLY transaction; the role needs only\n"
    "pg_monitor.  The password comes from PGPASSWORD, PGPASSFILE (~/.pgpass) or a\n"
    "service file and is written nowhere (docs/capture.md).\n"
    "\n"
    "Options:\n"
    "  --dsn DSN                libpq connection string ('host=/tmp dbname=app\n"
    "                           user=walsim') or URI (required)\n"
    "  -o, --out DIR            output folder, written all or nothing (required)\n"
    "  --duration TIME          how long to sample (default 10min)\n"
    "  --interval TIME          time between samples (default 10s)\n"
    "  -q, --quiet              no progress lines\n"
    "\n"
    "Exit codes: 0 captured, 2 bad usage, connection refused, authentication\n"
    "failed, missing privileges, a standby, a server older than 13 (one line,\n"
    "nothing written), 3 internal error, 130/143 interrupted (nothing written).\n";

static int parse_time(const char *opt, const char *v, double *s)
{
    double ns = 0;
    char why[256];
    if (ws_unit_parse(v, WS_UC_TIME, 1e9, &ns, why, sizeof why) != 0 || !(ns >= 1e9) ||
        ns > 7 * 86400e9) {
        cli_error("capture: %s %s: expected a time from 1s to 7d (like 10min or 30s)", opt, v);
        return -1;
    }
    *s = ns / 1e9;
    return 0;
}

int cmd_capture(int argc, char **argv)
{
    ws_capture_opts o = {.duration_s = 600, .interval_s = 10};
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool val = !strcmp(a, "--dsn") || !strcmp(a, "--out") || !strcmp(a, "--duration") ||
                   !strcmp(a, "--interval");
        if (val && i + 1 >= argc) {
            cli_error("capture: %s needs a value; see walsim help capture", a);
            return CLI_USAGE;
        }
        if (!strcmp(a, "--dsn"))
            o.dsn = argv[++i];
        else if (!strcmp(a, "--out"))
            out = argv[++i];
        else if (!strcmp(a, "--duration")) {
            if (parse_time(a, argv[++i], &o.duration_s) != 0)
                return CLI_USAGE;
        } else if (!strcmp(a, "--interval")) {
            if (parse_time(a, argv[++i], &o.interval_s) != 0)
                return CLI_USAGE;
        } else if (!strcmp(a, "--quiet"))
            o.quiet = true;
        else if (!strcmp(a, "--help")) {
            fputs(cli_usage_capture, stdout);
            return CLI_OK;
        } else {
            cli_error("capture: unexpected argument '%s'; see walsim help capture", a);
            return CLI_USAGE;
        }
    }
    if (!ws_capture_available()) {
        cli_error("capture: walsim was built without libpq (install libpq-dev and build again)");
        return CLI_USAGE;
    }
    if (!o.dsn || !out) {
        cli_error("capture: --dsn DSN and --out DIR are required; see walsim help capture");
        return CLI_USAGE;
    }
    if (o.interval_s > o.duration_s) {
        cli_error("capture: --interval %gs is longer than --duration %gs", o.interval_s,
                  o.duration_s);
        return CLI_USAGE;
    }
    ws_diag err;
    ws_diag_clear(&err);
    char dsn[2048];
    if (ws_capture_dsn_redact(o.dsn, dsn, sizeof dsn, &err) != WS_OK) {
        fprintf(stderr, "walsim: %s\n", err.msg);
        return CLI_USAGE;
    }
    ws_outdir *od = NULL;
    int r = ws_outdir_begin(out, &od, &err);
    if (r != WS_OK) {
        fprintf(stderr, "walsim: %s\n", err.msg);
        return r == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
    }
    cli_signals_install();
    cli_signals_watch(od);
    cli_signals_doing("capturing %s", dsn);
    o.poll = cli_signals_poll;
    ws_capture_info info = {0};
    r = ws_capture_run(&o, ws_outdir_staging(od), &info, &err);
    if (r != WS_OK) {
        cli_signals_watch(NULL);
        ws_outdir_abort(od);
        fprintf(stderr, "walsim: %s\n", err.msg);
        return r == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
    }
    cli_signals_hold();
    int crc = ws_outdir_commit(od, &err);
    cli_signals_release(crc == WS_OK);
    if (crc != WS_OK) {
        fprintf(stderr, "walsim: %s\n", err.msg);
        return CLI_USAGE;
    }
    if (!o.quiet)
        printf("captured PostgreSQL %d.%d: %zu samples over %.1f s\nwrote %s/: settings.csv, "
               "capture.csv, bgwriter.csv, database.csv, control.csv, wal.csv, *_before.csv,\n"
               "*_after.csv\n"
               "next: walsim calibrate --capture %s --scenario SCENARIO.conf\n",
               info.server_version / 10000, info.server_version % 100, info.samples,
               info.end_epoch - info.start_epoch, out, out);
    return CLI_OK;
}
