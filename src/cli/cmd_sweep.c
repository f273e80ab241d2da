/*
 * cmd_sweep.c - `walsim sweep`: a grid of settings, simulated in parallel,
 * into sweep.csv (cmd_merge.c joins the shards of one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "signals.h"
#include "walsim/csvread.h"
#include "walsim/metrics.h"
#include "walsim/outdir.h"
#include "walsim/plot.h"
#include "walsim/report.h"
#include "walsim/report_html.h"
#include "walsim/sweep.h"

const char cli_usage_sweep[] =
    "Usage: walsim sweep [FILE] --param KEY=VALUES... [options]\n"
    "\n"
    "Simulates every variant of FILE (default: the built-in scenario) at every\n"
    "point of a grid of settings and writes one row per point, seed and variant\n"
    "to DIR/sweep.csv (and DIR/sweep.meta, which walsim merge reads).\n"
    "\n"
    "VALUES: a list         --param disk.preset=aws-gp3,nvme-enterprise\n"
    "        a range + step --param checkpoint_timeout=5min..30min+5min\n"
    "        a range * factor --param shared_buffers=1GB..64GB*2\n"
    "Several --param make a grid; the first varies slowest.\n"
    "\n"
    "Options:\n"
    "  --param KEY=VALUES one dimension of the grid (repeatable); KEY as --set takes it\n"
    "  --seeds N          run each point with seeds S..S+N-1 (S: the scenario's seed)\n"
    "  --jobs N           simulations in parallel (default: the number of cores)\n"
    "  --shard K/N        run only points with index % N == K-1 (for many machines;\n"
    "                     join the shards with walsim merge)\n"
    "  --variant NAME     run only this variant (repeatable)\n"
    "  --set KEY=VALUE    override a setting in every variant and point (repeatable)\n"
    "  --seed N           same as --set seed=N\n"
    "  --out DIR          output folder (default out/<scenario>-sweep, and\n"
    "                     out/<scenario>-sweep/shard-K-of-N for a shard)\n"
    "  --metric NAME      a metric to chart (repeatable; default p99_latency, tps,\n"
    "                     wal_bytes_per_tx, pg_wal_peak, checkpoints_req,\n"
    "                     worst_recovery; walsim help metrics lists them)\n"
    "  --format LIST      chart formats: png,svg,pdf (default png)\n"
    "  --quiet            print nothing but errors\n"
    "  --no-report        do not write report.html and report.md\n"
    "\n"
    "Prints a table of the points (the mean over seeds), each against the first\n"
    "point of the same variant.\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage or input (checked before anything runs; also\n"
    "--out not writable or in use, a full disk), 3 internal error, 130/143\n"
    "interrupted (the old --out folder is left as it was).  docs/capacity.md has\n"
    "examples, Slurm and Kubernetes jobs.\n";

typedef struct progress {
    bool enabled, shown;
    double start, last;
} progress;

/* The runs of a sweep whose figures are not a steady state, from the
 * sweep.csv just written: overloaded, or fewer than 2 checkpoint cycles
 * in the window (docs/experiments.md). */
static void warn_points(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    ws_csv *c = NULL;
    ws_diag err;
    if (ws_csv_read_file(path, &c, &err) != WS_OK)
        return;
    int cp = ws_csv_col(c, "point"), cv = ws_csv_col(c, "variant");
    int co = ws_csv_col(c, "overloaded"), cc = ws_csv_col(c, "checkpoint_cycles");
    size_t flagged = 0;
    for (size_t r = 0; cp >= 0 && cv >= 0 && co >= 0 && cc >= 0 && r < ws_csv_rows(c); r++) {
        double over = 0, cyc = 2;
        ws_csv_num_or(c, r, (size_t)co, 0, &over, &err);
        ws_csv_num_or(c, r, (size_t)cc, 2, &cyc, &err);
        if (over != 0)
            printf("WARNING point %s %s: OVERLOADED: its latencies are not those of a stable "
                   "system\n",
                   ws_csv_cell(c, r, (size_t)cp), ws_csv_cell(c, r, (size_t)cv));
        else if (cyc < 2)
            printf("WARNING point %s %s: too few checkpoint cycles (%.0f) in the window: its "
                   "checkpoint, WAL and pg_wal figures are not steady state\n",
                   ws_csv_cell(c, r, (size_t)cp), ws_csv_cell(c, r, (size_t)cv), cyc);
        flagged += over != 0 || cyc < 2;
    }
    if (flagged)
        printf("%zu of %zu runs flagged; sweep.csv has the overloaded and checkpoint_cycles "
               "columns\n", flagged, ws_csv_rows(c));
    ws_csv_free(c);
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* On a terminal only, redrawn at most ten times a second. */
static void on_progress(void *ctx, size_t done, size_t total)
{
    progress *p = ctx;
    cli_signals_poll();
    if (!p->enabled)
        return;
    double now = wall();
    if (now - p->last < 0.1 && done < total)
        return;
    p->last = now;
    p->shown = true;
    double el = now - p->start;
    fprintf(stderr, "\r\033[Kwalsim: sweep: %zu/%zu points done (%.0f%%), %.0fs", done, total,
            total ? 100.0 * (double)done / (double)total : 100.0, el);
    if (done > 0 && done < total)
        fprintf(stderr, ", about %.0fs to go", el / (double)done * (double)(total - done));
    fflush(stderr);
}

static int parse_count(const char *opt, const char *text, unsigned max, unsigned *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end || v < 1 || v > (long)max) {
        cli_error("sweep: %s %s: expected a whole number from 1 to %u", opt, text, max);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    const char *file = NULL, *out_dir = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    const char **variants = calloc((size_t)argc + 1, sizeof *variants);
    char **owned = calloc((size_t)argc + 1, sizeof *owned);
    ws_sweep_param *params = calloc((size_t)argc + 1, sizeof *params);
    size_t n_sets = 0, n_variants = 0, n_owned = 0, n_params = 0;
    unsigned seeds = 0, jobs = ws_cpu_count(), shard_k = 1, shard_n = 1;
    bool quiet = false, report = true;
    const char *formats = "png";
    const char **charted = calloc((size_t)argc + 1, sizeof *charted);
    int n_charted = 0;
    int rc = CLI_USAGE;
    ws_sweep *sw = NULL;
    ws_diag err;
    ws_diag_clear(&err);

    if (!sets || !variants || !owned || !params || !charted) {
        cli_error("out of memory");
        rc = CLI_INTERNAL;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool takes = !strcmp(a, "--param") || !strcmp(a, "--seeds") || !strcmp(a, "--jobs") ||
                     !strcmp(a, "--shard") || !strcmp(a, "--out") || !strcmp(a, "--variant") ||
                     !strcmp(a, "--set") || !strcmp(a, "--seed") || !strcmp(a, "--metric") ||
                     !strcmp(a, "--format");
        if (takes && i + 1 >= argc) {
            cli_error("sweep: %s needs a value; see walsim help sweep", a);
            goto done;
        }
        if (!strcmp(a, "--param")) {
            if (ws_sweep_param_parse(argv[++i], &params[n_params], &err) != WS_OK) {
                fprintf(stderr, "walsim: sweep: %s\n", err.msg);
                goto done;
            }
            n_params++;
        } else if (!strcmp(a, "--seeds")) {
            if (parse_count("--seeds", argv[++i], 100000, &seeds) != 0)
                goto done;
        } else if (!strcmp(a, "--jobs")) {
            if (parse_count("--jobs", argv[++i], 4096, &jobs) != 0)
                goto done;
        } else if (!strcmp(a, "--shard")) {
            if (ws_sweep_shard_parse(argv[++i], &shard_k, &shard_n, &err) != WS_OK) {
                fprintf(stderr, "walsim: sweep: %s\n", err.msg);
                goto done;
            }
        } else if (!strcmp(a, "--out"))
            out_dir = argv[++i];
        else if (!strcmp(a, "--variant"))
            variants[n_variants++] = argv[++i];
        else if (!strcmp(a, "--set"))
            sets[n_sets++] = argv[++i];
        else if (!strcmp(a, "--seed")) {
            size_t n = strlen(argv[i + 1]) + 6;
            char *x = malloc(n);
            if (!x) {
                cli_error("out of memory");
                rc = CLI_INTERNAL;
                goto done;
            }
            snprintf(x, n, "seed=%s", argv[++i]);
            owned[n_owned++] = x;
            sets[n_sets++] = x;
        } else if (!strcmp(a, "--metric")) {
            const char *m = argv[++i];
            if (!ws_metric_find(m, strlen(m))) {
                const char *hint = ws_metric_suggest(m, strlen(m));
                cli_error("sweep: --metric %s: no such metric%s%s%s (walsim help metrics)", m,
                          hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
                goto done;
            }
            charted[n_charted++] = m;
        } else if (!strcmp(a, "--format")) {
            unsigned mask;
            formats = argv[++i];
            if (ws_plot_parse_formats(formats, &mask, &err) != WS_OK) {
                cli_error("sweep: --format: %s", err.msg);
                goto done;
            }
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            quiet = true;
        else if (!strcmp(a, "--no-report"))
            report = false;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_sweep, stdout);
            rc = CLI_OK;
            goto done;
        } else if (a[0] == '-') {
            cli_error("sweep: unknown option '%s'; see walsim help sweep", a);
            goto done;
        } else if (file) {
            cli_error("sweep: more than one scenario file ('%s' and '%s')", file, a);
            goto done;
        } else
            file = a;
    }

    ws_sweep_spec spec = {file,    sets,       n_sets, params,  n_params,
                          variants, n_variants, seeds,  shard_k, shard_n};
    if (ws_sweep_new(&spec, &sw, &err) != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        goto done;
    }

    char dir[4096];
    if (out_dir) {
        snprintf(dir, sizeof dir, "%s", out_dir);
    } else {
        char slug[256];
        ws_report_scenario_slug(file ? file : ws_default_scenario_name, slug, sizeof slug);
        if (shard_n > 1)
            snprintf(dir, sizeof dir, "out/%s-sweep/shard-%u-of-%u", slug, shard_k, shard_n);
        else
            snprintf(dir, sizeof dir, "out/%s-sweep", slug);
    }

    size_t pts = ws_sweep_shard_points(sw), nvar = ws_sweep_variant_count(sw);
    unsigned ns = ws_sweep_seed_count(sw);
    if (!quiet) {
        printf("sweep %s: %zu point%s", file ? file : ws_default_scenario_name,
               ws_sweep_points(sw), ws_sweep_points(sw) == 1 ? "" : "s");
        if (shard_n > 1)
            printf(" (shard %u/%u: %zu)", shard_k, shard_n, pts);
        printf(" x %u seed%s x %zu variant%s = %zu runs on %u thread%s\n", ns, ns == 1 ? "" : "s",
               nvar, nvar == 1 ? "" : "s", pts * ns * nvar, jobs, jobs == 1 ? "" : "s");
        fflush(stdout);
    }

    /* Rows are written while the sweep runs, into a staging folder that
     * replaces DIR at once when the CSV and the charts are all written
     * (outdir.h); a sweep that fails or is interrupted leaves DIR as it was. */
    ws_outdir *od = NULL;
    {
        int r = ws_outdir_begin(dir, &od, &err);
        if (r != WS_OK) {
            fprintf(stderr, "walsim: sweep: %s\n", err.msg);
            rc = r == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
            goto done;
        }
    }
    cli_signals_install();
    cli_signals_watch(od);
    ws_plot_set_checkpoint(cli_signals_poll);
    cli_signals_doing("running the sweep");
    const char *stage = ws_outdir_staging(od);
    ws_outset *o = ws_outset_new(stage, &err);
    FILE *csv = o ? ws_outset_open(o, "sweep.csv", &err) : NULL;
    FILE *meta = csv ? ws_outset_open(o, "sweep.meta", &err) : NULL;
    if (!meta) {
        if (o)
            ws_outset_abort(o);
        ws_outdir_explain(od, &err);
        fprintf(stderr, "walsim: %s\n", err.msg);
        cli_signals_watch(NULL);
        ws_outdir_abort(od);
        goto done;
    }
    progress prog = {isatty(STDERR_FILENO) && !quiet, false, wall(), 0};
    int r = ws_sweep_run(sw, jobs, csv, on_progress, &prog, &err);
    if (prog.shown)
        fputs("\r\033[K", stderr);
    cli_signals_poll();
    if (r != WS_OK) {
        ws_outset_abort(o);
        cli_signals_watch(NULL);
        ws_outdir_abort(od);
        fprintf(stderr, "%s\n", err.msg);
        rc = r == WS_EINPUT ? CLI_USAGE : CLI_INTERNAL;
        goto done;
    }
    ws_sweep_write_meta(sw, meta);
    if (ws_outset_commit(o, &err) != WS_OK) {
        ws_outdir_explain(od, &err);
        fprintf(stderr, "walsim: %s\n", err.msg);
        cli_signals_watch(NULL);
        ws_outdir_abort(od);
        goto done;
    }
    /* The charts, for a whole grid only (a shard's are drawn after walsim
     * merge, or with walsim plot DIR), of at most two parameters. */
    bool charts = shard_n == 1 && n_params <= 2;
    if (charts) {
        static const char *const usual[] = {"p99_latency",   "tps",
                                            "wal_bytes_per_tx", "pg_wal_peak",
                                            "checkpoints_req", "worst_recovery"};
        const char *const *list = n_charted ? charted : usual;
        int n = n_charted ? n_charted : (int)(sizeof usual / sizeof usual[0]);
        cli_signals_doing("drawing the sweep's charts");
        int prc = ws_plot_sweep(stage, formats, NULL, 0, list, n, &err);
        ws_plot_shutdown();
        if (prc != WS_OK) {
            ws_outdir_explain(od, &err);
            fprintf(stderr, "walsim: sweep charts: %s\n", err.msg);
            rc = prc == WS_EINPUT || prc == WS_EIO ? CLI_USAGE : CLI_INTERNAL;
            cli_signals_watch(NULL);
            ws_outdir_abort(od);
            goto done;
        }
    }
    /* The report (report_html.h), of a whole grid as the charts. */
    if (report && shard_n == 1) {
        cli_signals_doing("writing the report");
        int rrc = ws_rpt_write(stage, NULL, &err);
        if (rrc != WS_OK) {
            ws_outdir_explain(od, &err);
            fprintf(stderr, "walsim: report: %s\n", err.msg);
            rc = rrc == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
            cli_signals_watch(NULL);
            ws_outdir_abort(od);
            goto done;
        }
    }
    cli_signals_hold();
    int crc = ws_outdir_commit(od, &err);
    cli_signals_release(crc == WS_OK);
    if (crc != WS_OK) {
        fprintf(stderr, "walsim: %s\n", err.msg);
        goto done;
    }
    if (!quiet) {
        char csv_path[4200];
        snprintf(csv_path, sizeof csv_path, "%s/sweep.csv", dir);
        if (ws_report_sweep_table(stdout, csv_path, &err) != WS_OK)
            fprintf(stderr, "walsim: sweep: %s\n", err.msg);
        warn_points(dir);
    }
    if (!quiet)
        printf("wrote %s/sweep.csv (%zu rows)%s\n", dir, pts * ns * nvar,
               charts ? n_params == 1 ? " and a chart per metric against the parameter"
                                      : " and a heatmap per metric"
                      : "");
    rc = CLI_OK;

done:
    ws_sweep_free(sw);
    for (size_t i = 0; params && i < n_params; i++)
        ws_sweep_param_free(&params[i]);
    free(params);
    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
    free(owned);
    free(sets);
    free(variants);
    free(charted);
    return rc;
}
