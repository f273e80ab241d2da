/*
 * cmd_validate.c - `walsim validate`: simulate the scenario that describes
 * a measured PostgreSQL run and compare the two (validate.h); also the
 * options naming measured files, which `walsim calibrate` shares.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "walsim/outdir.h"
#include "walsim/plot.h"
#include "walsim/report.h"
#include "walsim/run.h"
#include "walsim/validate.h"

const char cli_usage_validate[] =
    "Usage: walsim validate FILE --pg-log LOG [measured files] [options]\n"
    "\n"
    "Simulates one variant of the scenario FILE (the one that describes the\n"
    "measured system) and compares it with a real PostgreSQL run: checkpoints by\n"
    "cause, their write, sync and total times, buffers and distance; WAL bytes and\n"
    "full-page images per transaction; tps; latency overall and by checkpoint\n"
    "phase; buffers written per transaction.  Prints the table and writes\n"
    "DIR/validation.json, DIR/validation_timeline.csv and the overlay charts\n"
    "validation_tps, validation_latency and validation (docs/validate.md).\n"
    "\n"
    "Measured files:\n"
    "  --pg-log LOG             server log with log_checkpoints = on (required)\n"
    "  --pgbench-log FILE...    pgbench -l per-transaction logs (one per -j thread)\n"
    "  --pgbench-agg FILE...    pgbench --aggregate-interval logs (instead of -l)\n"
    "  --pgbench-progress FILE  pgbench -P output with --progress-timestamp\n"
    "  --stats FILE...          psql --csv snapshots of pg_stat_bgwriter, pg_stat_wal,\n"
    "                           pg_stat_checkpointer before and after the run\n"
    "  --waldump-stats FILE     pg_waldump --stats output over the run (FPI share)\n"
    "  --transactions N         transactions between the snapshots (no pgbench log)\n"
    "  --retries-only           7-field -l lines hold retries, not schedule lag\n"
    "\n"
    "Options:\n"
    "  --variant NAME           the variant to simulate (default: the first)\n"
    "  --set KEY=VALUE          override a setting (repeatable)\n"
    "  --seed N                 random seed (same as --set seed=N)\n"
    "  --window START..END      the measured window in epoch seconds (default: the\n"
    "                           pgbench log's first to last transaction)\n"
    "  --out DIR                output folder (default out/<scenario>)\n"
    "  --format LIST            chart formats, a comma list of png, svg, pdf\n"
    "                           (default png)\n"
    "  --quiet                  print only the verdict line\n"
    "\n"
    "FILE... options take every following argument up to the next option, so the\n"
    "scenario FILE comes before them.\n"
    "\n"
    "Exit codes: 0 every figure with a goal passes, 1 one or more fail, 2 bad usage\n"
    "or input, 3 internal error.\n";

/* Takes the values of a FILE... option: every following argument up to
 * the next option, at least one. */
static int take_files(int argc, char **argv, int *i, const char *cmd, const char ***list,
                      size_t *n)
{
    const char *opt = argv[*i];
    if (*i + 1 >= argc || argv[*i + 1][0] == '-') {
        cli_error("%s: %s needs a file; see walsim help %s", cmd, opt, cmd);
        return -1;
    }
    if (!*list && !(*list = calloc((size_t)argc, sizeof **list))) {
        cli_error("out of memory");
        return -1;
    }
    while (*i + 1 < argc && argv[*i + 1][0] != '-')
        (*list)[(*n)++] = argv[++*i];
    return 1;
}

static int take_one(int argc, char **argv, int *i, const char *cmd, const char **slot)
{
    const char *opt = argv[*i];
    if (*i + 1 >= argc) {
        cli_error("%s: %s needs a value; see walsim help %s", cmd, opt, cmd);
        return -1;
    }
    if (*slot) {
        cli_error("%s: %s given twice ('%s' and '%s')", cmd, opt, *slot, argv[*i + 1]);
        return -1;
    }
    *slot = argv[++*i];
    return 1;
}

int cli_measured_option(int argc, char **argv, int *i, const char *cmd, ws_validate_files *fs)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--pg-log"))
        return take_one(argc, argv, i, cmd, &fs->pg_log);
    if (!strcmp(a, "--pgbench-progress"))
        return take_one(argc, argv, i, cmd, &fs->pgbench_progress);
    if (!strcmp(a, "--waldump-stats"))
        return take_one(argc, argv, i, cmd, &fs->waldump);
    if (!strcmp(a, "--pgbench-log"))
        return take_files(argc, argv, i, cmd, &fs->pgbench_logs, &fs->n_pgbench_logs);
    if (!strcmp(a, "--pgbench-agg"))
        return take_files(argc, argv, i, cmd, &fs->pgbench_aggs, &fs->n_pgbench_aggs);
    if (!strcmp(a, "--stats"))
        return take_files(argc, argv, i, cmd, &fs->stats, &fs->n_stats);
    if (!strcmp(a, "--retries-only")) {
        fs->pgbench_flags |= WS_PGBENCH_RETRIES_ONLY;
        return 1;
    }
    return 0;
}

void cli_measured_files_free(ws_validate_files *fs)
{
    free(fs->pgbench_logs);
    free(fs->pgbench_aggs);
    free(fs->stats);
    memset(fs, 0, sizeof *fs);
}

/* "START..END", two epoch times in seconds. */
static int parse_window(const char *text, double *a, double *b)
{
    const char *dots = strstr(text, "..");
    char first[64];
    if (!dots || dots == text || (size_t)(dots - text) >= sizeof first)
        goto bad;
    /* strtod would take "100." of "100..200" */
    memcpy(first, text, (size_t)(dots - text));
    first[dots - text] = '\0';
    char *end;
    errno = 0;
    *a = strtod(first, &end);
    if (*end || errno || !isfinite(*a))
        goto bad;
    *b = strtod(dots + 2, &end);
    if (end == dots + 2 || *end || errno || !isfinite(*b))
        goto bad;
    if (*b <= *a) {
        cli_error("validate: --window %s: the end must come after the start", text);
        return -1;
    }
    return 0;
bad:
    cli_error("validate: --window %s: expected START..END in epoch seconds "
              "(e.g. 1795545090.67..1795545390.96)",
              text);
    return -1;
}

static int parse_count(const char *cmd, const char *text, int64_t *n)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno || v < 1) {
        cli_error("%s: --transactions %s: expected a positive whole number", cmd, text);
        return -1;
    }
    *n = v;
    return 0;
}

int cmd_validate(int argc, char **argv)
{
    const char *file = NULL, *variant = NULL, *out_dir = NULL, *window = NULL, *txs = NULL;
    const char *formats = "png";
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t n_sets = 0;
    bool quiet = false;
    char seed_set[64];
    int rc = CLI_USAGE;
    ws_validate_files fs = {0};
    ws_validate_loaded ld = {0};
    ws_validate_measured ms = {0};
    ws_scenario *s = NULL;
    ws_outdir *lock = NULL;
    ws_config *cfg = NULL;
    ws_run_detail det = {0};
    ws_run_stats st;
    ws_diag err;
    ws_diag_clear(&err);

    if (!sets) {
        cli_error("out of memory");
        return CLI_INTERNAL;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int m = cli_measured_option(argc, argv, &i, "validate", &fs);
        if (m < 0)
            goto done;
        if (m > 0)
            continue;
        if ((!strcmp(a, "--variant") || !strcmp(a, "--out") || !strcmp(a, "--seed") ||
             !strcmp(a, "--set") || !strcmp(a, "--window") || !strcmp(a, "--transactions") ||
             !strcmp(a, "--format")) &&
            i + 1 >= argc) {
            cli_error("validate: %s needs a value; see walsim help validate", a);
            goto done;
        }
        if (!strcmp(a, "--variant"))
            variant = argv[++i];
        else if (!strcmp(a, "--out"))
            out_dir = argv[++i];
        else if (!strcmp(a, "--set"))
            sets[n_sets++] = argv[++i];
        else if (!strcmp(a, "--seed")) {
            snprintf(seed_set, sizeof seed_set, "seed=%s", argv[++i]);
            sets[n_sets++] = seed_set;
        } else if (!strcmp(a, "--window"))
            window = argv[++i];
        else if (!strcmp(a, "--transactions"))
            txs = argv[++i];
        else if (!strcmp(a, "--format"))
            formats = argv[++i];
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            quiet = true;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_validate, stdout);
            rc = CLI_OK;
            goto done;
        } else if (a[0] == '-') {
            cli_error("validate: unknown option '%s'; see walsim help validate", a);
            goto done;
        } else if (file) {
            cli_error("validate: more than one scenario file ('%s' and '%s')", file, a);
            goto done;
        } else
            file = a;
    }
    if (!file) {
        cli_error("validate: which scenario? usage: walsim validate FILE --pg-log LOG ... (FILE "
                  "comes before the FILE... options)");
        goto done;
    }
    if (out_dir && !*out_dir) {
        cli_error("validate: --out: empty folder name; give the folder to write to");
        goto done;
    }
    if (!fs.pg_log) {
        cli_error("validate: --pg-log LOG is required: the server log (log_checkpoints = on) of "
                  "the measured run");
        goto done;
    }
    double w0 = 0, w1 = 0;
    int64_t n_tx = 0;
    if ((window && parse_window(window, &w0, &w1) != 0) ||
        (txs && parse_count("validate", txs, &n_tx) != 0))
        goto done;
    {
        unsigned mask;
        if (ws_plot_parse_formats(formats, &mask, &err) != WS_OK) {
            cli_error("validate: %s", err.msg);
            goto done;
        }
    }

    /* The scenario first: its errors come before reading big logs. */
    if (!(s = cli_load(file)))
        goto done;
    size_t bad = 0;
    if (ws_scenario_set_all(s, sets, n_sets, &bad, &err) != WS_OK) {
        cli_set_error(sets[bad], err.msg);
        goto done;
    }
    int v = 0;
    if (variant && (v = ws_scenario_variant_index(s, variant)) < 0) {
        fprintf(stderr, "walsim: validate: --variant %s: no such variant; the scenario has:",
                variant);
        for (size_t k = 0; k < ws_scenario_variant_count(s); k++)
            fprintf(stderr, " %s", ws_scenario_variant_name(s, k));
        fputc('\n', stderr);
        goto done;
    }
    if (ws_config_resolve(s, (size_t)v, &cfg, &err) != WS_OK ||
        ws_run_validate(cfg, &err) != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        goto done;
    }

    int r = ws_validate_load(&fs, &ld, &err);
    if (r == WS_OK) {
        ld.in.has_window = window != NULL;
        ld.in.window_start = w0;
        ld.in.window_end = w1;
        ld.in.transactions = n_tx;
        r = ws_validate_measure(&ld.in, ws_cfg_num(cfg, WS_S_interval) / 1e9, &ms, &err);
    }
    if (r != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        rc = r == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
        goto done;
    }

    if ((r = ws_run_detailed(cfg, NULL, NULL, NULL, &det, &st, &err)) != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        rc = r == WS_EINPUT ? CLI_USAGE : CLI_INTERNAL;
        goto done;
    }
    double warmup = st.win.start_s; /* the measurement window's start */
    double sim_span = st.duration_s, meas_span = ms.window_end - ms.window_start;
    if (fabs(sim_span - meas_span) > 0.05 * meas_span)
        ws_validate_add_note(&ms,
                             "the simulation's measured span (%.0f s) differs from the measured "
                             "window (%.0f s) by more than 5 %%: counts of checkpoints compare "
                             "only when they are equal (--set duration=...)",
                             sim_span, meas_span);
    ws_validate_figures sim;
    ws_validate_simulated(&st, &det, warmup, &sim);
    ws_validation val;
    ws_validate_compare(&ms.fig, &sim, &val);
    ws_validate_meta meta = {ws_scenario_file(s), ws_config_variant(cfg), warmup + st.duration_s,
                             warmup, ld.kind, ld.file, ld.n_files};

    char slug[256], dir[4096];
    ws_report_scenario_slug(ws_scenario_file(s), slug, sizeof slug);
    if (out_dir)
        snprintf(dir, sizeof dir, "%s", out_dir);
    else
        snprintf(dir, sizeof dir, "out/%s", slug);
    /* The folder's lock, so that these files never go into a folder a run
     * is replacing at the same moment (outdir.h). */
    if (ws_outdir_lock(dir, &lock, &err) != WS_OK) {
        fprintf(stderr, "walsim: validate: %s\n", err.msg);
        rc = CLI_USAGE;
        goto done;
    }
    ws_outset *o = ws_outset_new(dir, &err);
    FILE *jf = o ? ws_outset_open(o, "validation.json", &err) : NULL;
    if (jf)
        ws_validate_json(jf, &meta, &ms, &sim, &val);
    FILE *cf = jf ? ws_outset_open(o, "validation_timeline.csv", &err) : NULL;
    if (cf)
        ws_validate_timeline_csv(cf, &ms, &det, warmup);
    if (!cf || ws_outset_commit(o, &err) != WS_OK) {
        if (!cf && o)
            ws_outset_abort(o);
        fprintf(stderr, "walsim: %s\n", err.msg);
        rc = CLI_USAGE;
        goto done;
    }
    /* The overlay charts, drawn from the two files just committed (all or
     * nothing too).  Those files are ours, so a chart that fails is an
     * internal error, not the user's input. */
    int prc = ws_plot_validation(dir, formats, &err);
    ws_plot_shutdown();
    if (prc != WS_OK) {
        fprintf(stderr, "walsim: charts: %s\n", err.msg);
        rc = CLI_INTERNAL;
        goto done;
    }
    if (quiet)
        printf("%d of %d figures with a goal pass: %s\n", val.passed, val.goals,
               val.failed ? "FAIL" : "PASS");
    else {
        ws_validate_print(stdout, &meta, &ms, &sim, &val);
        printf("wrote %s/: validation.json, validation_timeline.csv; charts (%s): "
               "validation_tps, validation_latency, validation\n",
               dir, formats);
    }
    rc = val.failed ? CLI_EXPECT_FAILED : CLI_OK;

done:
    ws_outdir_abort(lock); /* releases the lock; removes nothing */
    ws_run_detail_free(&det);
    ws_validate_measured_free(&ms);
    ws_validate_loaded_free(&ld);
    cli_measured_files_free(&fs);
    ws_config_free(cfg);
    ws_scenario_free(s);
    free(sets);
    return rc;
}
