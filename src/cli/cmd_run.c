/*
 * cmd_run.c - `walsim run`: simulate every (or the chosen) variant and
 * write the output folder.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "signals.h"
#include "walsim/db.h"
#include "walsim/outdir.h"
#include "walsim/plot.h"
#include "walsim/report.h"
#include "walsim/report_html.h"
#include "walsim/run.h"

const char cli_usage_run[] =
    "Usage: walsim run [FILE] [options]\n"
    "\n"
    "Simulates each variant of the scenario FILE (without FILE, the built-in\n"
    "default: scenarios/checkpoint-smoothing.conf) and writes the results to\n"
    "out/<scenario>/ (summary.json, timeline.csv, checkpoints.csv, latency_cdf.csv,\n"
    "checkpoints.log, the charts and the report: report.html, report.md).  Prints\n"
    "a comparison table unless --quiet.\n"
    "\n"
    "Options:\n"
    "  --variant NAME     run only this variant (repeatable)\n"
    "  --out DIR          output folder (default out/<scenario>)\n"
    "  --seed N           random seed (same as --set seed=N)\n"
    "  --set KEY=VALUE    override a setting in every variant (repeatable);\n"
    "                     KEY is a name (max_wal_size) or SECTION.KEY (disk.preset,\n"
    "                     table.NAME.size)\n"
    "  --format LIST      chart formats: png,svg,pdf (default png)\n"
    "  --quiet            print nothing but errors\n"
    "  --no-report        do not write report.html and report.md (the design-review\n"
    "                     report; walsim report DIR writes them later)\n"
    "\n"
    "The folder appears whole or not at all: it is written into a staging folder\n"
    "beside --out and replaces the old one in one step (docs/outputs.md).\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage or input (also: --out not writable or in use by\n"
    "another walsim, a full disk), 3 internal error, 130/143 interrupted by\n"
    "SIGINT/SIGTERM (nothing written).\n";

/* The progress line (progress.h): one item per variant, the one being
 * simulated named in the label. */
typedef struct run_progress {
    cli_progress p;
    size_t index;
} run_progress;

/* The simulated length of a variant for the progress line. */
static void item_length(cli_progress *p, size_t i, const ws_config *c)
{
    bool is_auto = ws_cfg_num(c, WS_S_duration) < 0;
    cli_progress_item(p, i, ws_cfg_num(c, is_auto ? WS_S_max_duration : WS_S_duration) / 1e9,
                      is_auto);
}

static void on_progress(void *ctx, double fraction)
{
    run_progress *rp = ctx;
    cli_signals_poll();
    cli_progress_update(&rp->p, rp->index, fraction);
}

static const char ignored_note[] = ": PostgreSQL setting that walsim does not model (ignored)";

/* The KEY of a note "FILE:LINE: KEY: PostgreSQL setting that walsim does
 * not model (ignored)" and its length; NULL for another note. */
static const char *ignored_key(const char *note, int *len)
{
    const char *tail = strstr(note, ignored_note);
    if (!tail || tail[sizeof ignored_note - 1] != '\0')
        return NULL;
    const char *key = tail;
    while (key > note && !(key[-1] == ' ' && key - 2 >= note && key[-2] == ':'))
        key--;
    *len = (int)(tail - key);
    return key;
}

/* The notes of loading, after the table.  PostgreSQL settings walsim does
 * not model (a whole postgresql.conf may hold dozens) make one line, with
 * the first few names, each counted once; `walsim lint` lists every one
 * with its line.  Other notes are printed as they are. */
static void print_notes(const ws_scenario *s)
{
    enum { SHOWN = 4 };
    size_t n_ignored = 0;
    char names[SHOWN * 64 + 8] = "";
    for (size_t i = 0; i < ws_scenario_note_count(s); i++) {
        int len, len2;
        const char *key = ignored_key(ws_scenario_note(s, i), &len);
        if (!key) {
            printf("note: %s\n", ws_scenario_note(s, i));
            continue;
        }
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const char *k2 = ignored_key(ws_scenario_note(s, j), &len2);
            seen = k2 && len2 == len && !strncmp(k2, key, (size_t)len);
        }
        if (seen)
            continue;
        if (n_ignored < SHOWN) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof names - used, "%s%.*s", n_ignored ? ", " : "",
                     len < 60 ? len : 60, key);
        }
        n_ignored++;
    }
    if (n_ignored)
        printf("note: %zu PostgreSQL setting%s ignored (%s%s): walsim does not model %s; "
               "walsim lint lists %s\n",
               n_ignored, n_ignored == 1 ? "" : "s", names, n_ignored > SHOWN ? ", ..." : "",
               n_ignored == 1 ? "it" : "them", n_ignored == 1 ? "it" : "them");
}

/* The longest simulated time of the variants (s): charts.c draws
 * worst-hour for 6 h or more. */
/* A variant's log_checkpoints lines go to an unlinked temporary file in
 * the staging folder while it runs (a week at one checkpoint per 13 s is
 * 30 MB of them), copied into checkpoints*.log at the end.  NULL with
 * *err set when it cannot be made. */
static FILE *log_open(const char *stage, ws_diag *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/.log-XXXXXX", stage);
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;
    if (!f) {
        ws_diag_set(err, NULL, 0, "%s: cannot make a temporary file for the checkpoint log: %s",
                    stage, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (fd >= 0)
        unlink(path);
    return f;
}

/* Appends the whole of log (NULL: nothing) to out; -1 with *err set when
 * it cannot be read back (errors writing out are the outset's to find). */
static int log_copy(FILE *log, FILE *out, ws_diag *err)
{
    if (!log)
        return 0;
    char buf[65536];
    size_t n;
    if (fflush(log) != 0 || fseek(log, 0, SEEK_SET) != 0)
        goto fail;
    while ((n = fread(buf, 1, sizeof buf, log)) > 0)
        fwrite(buf, 1, n, out);
    if (!ferror(log))
        return 0;
fail:
    ws_diag_set(err, NULL, 0, "reading the checkpoint log's temporary file back failed: %s",
                strerror(errno));
    return -1;
}

static double longest_run(const ws_run_stats *stats, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (stats[i].simulated_s > m)
            m = stats[i].simulated_s;
    return m;
}

int cmd_run(int argc, char **argv)
{
    const char *file = NULL, *out_dir = NULL, *formats = "png";
    const char **variants = calloc((size_t)argc + 1, sizeof *variants);
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t n_variants = 0, n_sets = 0;
    bool quiet = false, report = true;
    char seed_set[64];
    int rc = CLI_USAGE;
    ws_scenario *s = NULL;

    if (!variants || !sets) {
        cli_error("out of memory");
        free(variants);
        free(sets);
        return CLI_INTERNAL;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if ((!strcmp(a, "--variant") || !strcmp(a, "--out") || !strcmp(a, "--seed") ||
             !strcmp(a, "--set") || !strcmp(a, "--format")) &&
            !has_next) {
            cli_error("run: %s needs a value; see walsim help run", a);
            goto done;
        }
        if (!strcmp(a, "--variant"))
            variants[n_variants++] = argv[++i];
        else if (!strcmp(a, "--out"))
            out_dir = argv[++i];
        else if (!strcmp(a, "--set"))
            sets[n_sets++] = argv[++i];
        else if (!strcmp(a, "--seed")) {
            snprintf(seed_set, sizeof seed_set, "seed=%s", argv[++i]);
            sets[n_sets++] = seed_set;
        } else if (!strcmp(a, "--format"))
            formats = argv[++i];
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            quiet = true;
        else if (!strcmp(a, "--no-report"))
            report = false;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_run, stdout);
            rc = CLI_OK;
            goto done;
        } else if (a[0] == '-') {
            cli_error("run: unknown option '%s'; see walsim help run", a);
            goto done;
        } else if (file) {
            cli_error("run: more than one scenario file ('%s' and '%s')", file, a);
            goto done;
        } else
            file = a;
    }
    {
        unsigned mask;
        ws_diag ferr;
        ws_diag_clear(&ferr);
        if (ws_plot_parse_formats(formats, &mask, &ferr) != WS_OK) {
            cli_error("run: --format: %s", ferr.msg);
            goto done;
        }
    }

    if (!(s = cli_load(file)))
        goto done;
    {
        ws_diag err;
        ws_diag_clear(&err);
        size_t bad = 0;
        if (ws_scenario_set_all(s, sets, n_sets, &bad, &err) != WS_OK) {
            cli_set_error(sets[bad], err.msg);
            goto done;
        }
    }

    /* Which variants, in scenario order. */
    size_t nv = ws_scenario_variant_count(s);
    bool *chosen = calloc(nv, sizeof *chosen);
    size_t n_run = 0;
    for (size_t i = 0; i < n_variants; i++) {
        int idx = ws_scenario_variant_index(s, variants[i]);
        if (idx < 0) {
            fprintf(stderr, "walsim: run: --variant %s: no such variant; the scenario has:",
                    variants[i]);
            for (size_t v = 0; v < nv; v++)
                fprintf(stderr, " %s", ws_scenario_variant_name(s, v));
            fputc('\n', stderr);
            free(chosen);
            goto done;
        }
        chosen[idx] = true;
    }
    for (size_t v = 0; v < nv; v++) {
        if (n_variants == 0)
            chosen[v] = true;
        n_run += chosen[v];
    }

    /* The outputs tell variants apart by the first bytes of their names
     * (ws_run_stats.variant): two that agree there would mix their rows. */
    for (size_t v = 0; v < nv; v++)
        for (size_t w = v + 1; chosen[v] && w < nv; w++) {
            const size_t keep = sizeof ((ws_run_stats *)0)->variant - 1;
            const char *a = ws_scenario_variant_name(s, v), *b = ws_scenario_variant_name(s, w);
            if (chosen[w] && strncmp(a, b, keep) == 0) {
                fprintf(stderr,
                        "walsim: run: variants '%.40s...' and '%.40s...' are the same in their "
                        "first %zu bytes, which is what the output files keep of a name: "
                        "shorten one\n",
                        a, b, keep);
                free(chosen);
                goto done;
            }
        }

    char slug[256], dir[4096];
    ws_report_scenario_slug(ws_scenario_file(s), slug, sizeof slug);
    if (out_dir)
        snprintf(dir, sizeof dir, "%s", out_dir);
    else
        snprintf(dir, sizeof dir, "out/%s", slug);

    /* Check every chosen variant's model before spending time on any. */
    for (size_t v = 0; v < nv; v++) {
        ws_config *c = NULL;
        ws_diag err;
        ws_diag_clear(&err);
        if (chosen[v] && (ws_config_resolve(s, v, &c, &err) != WS_OK || ws_run_validate(c, &err) != WS_OK)) {
            fprintf(stderr, "%s\n", err.msg);
            ws_config_free(c);
            free(chosen);
            goto done;
        }
        ws_config_free(c);
    }

    /* The output folder: checked, locked and staged before any time is
     * spent simulating (outdir.h). */
    ws_outdir *od = NULL;
    {
        ws_diag err;
        ws_diag_clear(&err);
        int r = ws_outdir_begin(dir, &od, &err);
        if (r != WS_OK) {
            fprintf(stderr, "walsim: run: %s\n", err.msg);
            rc = r == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
            free(chosen);
            goto done;
        }
        cli_signals_install();
        cli_signals_watch(od);
        ws_plot_set_checkpoint(cli_signals_poll);
    }
    const char *stage = ws_outdir_staging(od);

    ws_config **cfgs = calloc(n_run, sizeof *cfgs);
    ws_run_stats *stats = calloc(n_run, sizeof *stats);
    ws_run_detail *details = calloc(n_run, sizeof *details);
    FILE **logs = calloc(n_run, sizeof *logs);
    run_progress prog = {.index = 0};
    cli_progress_begin(&prog.p, isatty(STDERR_FILENO) && !quiet, n_run, "simulating");
    size_t k = 0;
    rc = CLI_OK;
    for (size_t v = 0; v < nv && rc == CLI_OK; v++) {
        if (!chosen[v])
            continue;
        ws_diag err;
        ws_diag_clear(&err);
        int r = ws_config_resolve(s, v, &cfgs[k], &err);
        if (r == WS_OK) {
            const char *vname = ws_scenario_variant_name(s, v);
            prog.index = k;
            cli_progress_label(&prog.p, "variant %s (%zu/%zu)", vname, k + 1, n_run);
            item_length(&prog.p, k, cfgs[k]);
            cli_signals_doing("simulating variant %s (%zu of %zu)", vname, k + 1, n_run);
            /* The timeline, the checkpoint records and the log go to
             * temporary files in the staging folder as they are made
             * (spool.h), so a long run's memory stays flat; the outputs are
             * written from them at the end, as before. */
            logs[k] = log_open(stage, &err);
            r = logs[k] ? ws_run_detailed_to(cfgs[k], on_progress, &prog, logs[k], stage,
                                             &details[k], &stats[k], &err)
                        : WS_EIO;
        }
        if (r != WS_OK) {
            fprintf(stderr, "%s%s\n", prog.p.shown ? "\n" : "", err.msg);
            rc = r == WS_EINPUT ? CLI_USAGE : CLI_INTERNAL;
        }
        k++;
    }
    /* duration = auto gives each variant its own length; charts and
     * comparisons read best over one span, so the shorter ones run again
     * as long as the longest (its window stays theirs: MSER-5 and the
     * cycles decide, not the length). */
    double longest = 0;
    for (size_t i = 0; i < k; i++)
        if (stats[i].win.duration_auto && stats[i].simulated_s > longest)
            longest = stats[i].simulated_s;
    char set_dur[64];
    snprintf(set_dur, sizeof set_dur, "duration=%.0fs", ceil(longest));
    bool set_done = false;
    for (size_t v = 0, i = 0; v < nv && rc == CLI_OK && n_run > 1; v++) {
        if (!chosen[v])
            continue;
        size_t j = i++;
        if (!stats[j].win.duration_auto || stats[j].simulated_s >= 0.9 * longest)
            continue;
        ws_diag err;
        ws_diag_clear(&err);
        int r = set_done ? WS_OK : ws_scenario_set(s, set_dur, &err);
        set_done = true;
        ws_config *c = NULL;
        if (r == WS_OK)
            r = ws_config_resolve(s, v, &c, &err);
        if (r == WS_OK) {
            const char *vname = ws_scenario_variant_name(s, v);
            /* a stage of its own: the estimate is of this run alone */
            bool on = prog.p.enabled;
            cli_progress_end(&prog.p);
            cli_progress_begin(&prog.p, on, 1, "variant %s again, as long as the longest", vname);
            prog.index = 0;
            item_length(&prog.p, 0, c);
            cli_signals_doing("simulating variant %s again, as long as the longest", vname);
            ws_run_detail_free(&details[j]);
            if (logs[j])
                fclose(logs[j]);
            logs[j] = log_open(stage, &err);
            r = logs[j] ? ws_run_detailed_to(c, on_progress, &prog, logs[j], stage, &details[j],
                                             &stats[j], &err)
                        : WS_EIO;
            stats[j].win.duration_auto = true; /* auto, extended to the longest variant */
            ws_config_free(cfgs[j]);
            cfgs[j] = c;
        } else {
            ws_config_free(c);
        }
        if (r != WS_OK) {
            fprintf(stderr, "%s%s\n", prog.p.shown ? "\n" : "", err.msg);
            rc = r == WS_EINPUT ? CLI_USAGE : CLI_INTERNAL;
        }
    }
    cli_progress_end(&prog.p);

    cli_signals_poll();
    if (rc == CLI_OK) {
        ws_diag err;
        ws_diag_clear(&err);
        cli_signals_doing("writing the data files");
        ws_outset *o = ws_outset_new(stage, &err);
        FILE *f = o ? ws_outset_open(o, "summary.json", &err) : NULL;
        if (f)
            ws_report_summary_json(f, s, (const ws_config *const *)cfgs, stats, n_run);
        const struct {
            const char *name;
            void (*write)(FILE *, const ws_run_stats *, const ws_run_detail *, size_t);
        } tables[] = {{"timeline.csv", ws_report_timeline_csv},
                      {"checkpoints.csv", ws_report_checkpoints_csv},
                      {"latency_cdf.csv", ws_report_latency_cdf_csv}};
        for (size_t t = 0; f && t < sizeof tables / sizeof tables[0]; t++) {
            FILE *tf = ws_outset_open(o, tables[t].name, &err);
            if (!tf)
                f = NULL;
            else
                tables[t].write(tf, stats, details, n_run);
        }
        /* checkpoints.log: every variant's log_checkpoints lines, each
         * variant introduced by a line of its own; checkpoints-NAME.log:
         * one variant, as a server log pgBadger reads. */
        FILE *all = f ? ws_outset_open(o, "checkpoints.log", &err) : NULL;
        const char **vnames = calloc(n_run ? n_run : 1, sizeof *vnames);
        if (!vnames) {
            ws_diag_set(&err, NULL, 0, "out of memory");
            all = NULL;
        }
        for (size_t i = 0; vnames && i < n_run; i++)
            vnames[i] = stats[i].variant;
        for (size_t i = 0; all && i < n_run; i++) {
            char name[256];
            fprintf(all, "# variant %s\n", stats[i].variant);
            if (log_copy(logs[i], all, &err) != 0) {
                all = NULL;
                break;
            }
            ws_outset_variant_file(name, sizeof name, "checkpoints-", vnames, n_run, i, ".log");
            FILE *one = ws_outset_open(o, name, &err);
            if (!one) {
                all = NULL;
                break;
            }
            if (log_copy(logs[i], one, &err) != 0) {
                all = NULL;
                break;
            }
            ws_outset_variant_file(name, sizeof name, "pg_stat-", vnames, n_run, i, ".csv");
            FILE *ps = ws_outset_open(o, name, &err);
            if (!ps) {
                all = NULL;
                break;
            }
            ws_report_pg_stat_csv(ps, &stats[i], &details[i],
                                  (double)ws_start_epoch(ws_cfg_str(cfgs[i], WS_S_start_time)));
        }
        free(vnames);
        if (f && all) {
            if (ws_outset_commit(o, &err) != WS_OK)
                f = NULL;
        } else {
            ws_outset_abort(o);
            f = NULL;
        }
        if (!f) {
            ws_outdir_explain(od, &err);
            fprintf(stderr, "walsim: %s\n", err.msg);
            rc = CLI_USAGE;
        }
    }
    cli_signals_poll();
    /* The charts, drawn from the files just written (all or nothing too). */
    if (rc == CLI_OK) {
        ws_diag err;
        ws_diag_clear(&err);
        cli_signals_doing("drawing the charts");
        int prc = ws_plot_dir(stage, formats, &err);
        ws_plot_shutdown();
        if (prc != WS_OK) {
            ws_outdir_explain(od, &err);
            fprintf(stderr, "walsim: charts: %s\n", err.msg);
            /* A chart that cannot be written (full disk) is the output
             * folder's problem, as for the data files: exit 2. */
            rc = prc == WS_EINPUT || prc == WS_EIO ? CLI_USAGE : CLI_INTERNAL;
        }
    }
    /* The report, from the files and charts just written (report_html.h). */
    cli_signals_poll();
    if (rc == CLI_OK && report) {
        ws_diag err;
        ws_diag_clear(&err);
        cli_signals_doing("writing the report");
        int rrc = ws_rpt_write(stage, NULL, &err);
        if (rrc != WS_OK) {
            ws_outdir_explain(od, &err);
            fprintf(stderr, "walsim: report: %s\n", err.msg);
            rc = rrc == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
        }
    }
    /* All written: the new folder replaces the old one at once. */
    if (rc == CLI_OK) {
        ws_diag err;
        ws_diag_clear(&err);
        cli_signals_hold();
        int crc = ws_outdir_commit(od, &err);
        od = NULL;
        cli_signals_release(crc == WS_OK);
        if (crc != WS_OK) {
            fprintf(stderr, "walsim: %s\n", err.msg);
            rc = CLI_USAGE;
        }
    } else {
        cli_signals_watch(NULL);
        ws_outdir_abort(od);
        od = NULL;
    }
    if (rc == CLI_OK && !quiet) {
        printf("scenario %s (%s)\n", slug, ws_scenario_file(s));
        ws_report_table(stdout, stats, n_run);
        print_notes(s);
        printf("wrote %s/: summary.json, timeline.csv, checkpoints.csv, latency_cdf.csv, "
               "checkpoints.log, pg_stat-VARIANT.csv; charts (%s): latency, throughput, wal, "
               "dirty, device, latency_cdf, latency_tail, overview (+ overview.pdf)%s%s\n",
                dir, formats, longest_run(stats, n_run) >= 6 * 3600 ? ", worst-hour" : "",
                report ? "; report.html, report.md" : "");
    }
    for (size_t i = 0; i < n_run; i++) {
        ws_config_free(cfgs[i]);
        if (logs[i])
            fclose(logs[i]);
        ws_run_detail_free(&details[i]);
    }
    free(details);
    free(logs);
    free(cfgs);
    free(stats);
    free(chosen);
done:
    ws_scenario_free(s);
    free(variants);
    free(sets);
    return rc;
}
