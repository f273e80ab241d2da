/*
 * cmd_advise.c - `walsim advise`: the recommendations of advise.h for every
 * variant, and for a variant whose checkpoints were requested by WAL, the
 * max_wal_size that keeps them timed, found by simulating it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "walsim/advise.h"
#include "walsim/metrics.h"
#include "walsim/report.h"
#include "walsim/run.h"
#include "walsim/sweep.h"
#include "walsim/units.h"

const char cli_usage_advise[] =
    "Usage: walsim advise [FILE] [options]\n"
    "\n"
    "Simulates each variant of FILE (default: the built-in scenario) and prints\n"
    "recommendations with the figures they come from: the WAL rate, the\n"
    "max_wal_size that keeps checkpoints timed (and the checkpoint_timeout the\n"
    "current one allows), pg_wal's peak and the time to a full disk if\n"
    "checkpoints stalled, crash recovery at the worst moment, checkpoint_warning.\n"
    "For a variant whose checkpoints were requested by WAL it then simulates the\n"
    "recommended max_wal_size, refines it from the WAL rate measured there (timed\n"
    "checkpoints write fewer full-page images) and checks the refined value.\n"
    "\n"
    "Options:\n"
    "  --variant NAME     advise on this variant only (repeatable)\n"
    "  --set KEY=VALUE    override a setting in every variant (repeatable)\n"
    "  --seed N           same as --set seed=N\n"
    "  --jobs N           simulations in parallel (default: the number of cores)\n"
    "  --no-verify        do not simulate the recommended max_wal_size\n"
    "  --archive-outage T  for a variant with pg_wal on its own volume ([disk]\n"
    "                     wal_size): the volume that survives an archiver outage\n"
    "                     of T (e.g. 2h), and the max_slot_wal_keep_size that\n"
    "                     protects the volume from a disconnected standby, each\n"
    "                     checked by simulation (docs/wal-volume.md)\n"
    "  --conf FILE        write the recommendation as a postgresql.conf fragment\n"
    "                     (include it, or paste it), each setting after a comment\n"
    "                     with its reason\n"
    "  --alter-system FILE  the same as ALTER SYSTEM statements and pg_reload_conf()\n"
    "                     (psql -f FILE)\n"
    "FILE is written whole or not at all; --conf and --alter-system need one\n"
    "variant (--variant NAME when the scenario has several).\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage or input, 3 internal error.\n";

typedef struct job {
    const char *file;          /* NULL: the built-in scenario */
    const char *const *sets;
    size_t n_sets;
    const char *variant;
    uint64_t max_wal_size;     /* 0: as the scenario says */
    double min_duration_s;     /* run at least this long (0: the scenario's duration) */
    ws_run_stats st;
    int rc;
    ws_diag err;
    cli_progress *progress;    /* the stage's progress line; index: item */
    size_t index;
} job;

static void run_job(void *ctx, size_t i);

static void on_progress(void *ctx, double fraction)
{
    const job *j = ctx;
    cli_progress_update(j->progress, j->index, fraction);
}

/* Runs the n jobs of a stage in parallel under one progress line. */
static void run_stage(job *js, size_t n, unsigned jobs, const char *what)
{
    cli_progress p;
    cli_progress_begin(&p, isatty(STDERR_FILENO), n, "advise: %s", what);
    for (size_t i = 0; i < n; i++) {
        js[i].progress = &p;
        js[i].index = i;
    }
    ws_parallel_for(n, jobs, run_job, js);
    cli_progress_end(&p);
    for (size_t i = 0; i < n; i++)
        js[i].progress = NULL;
}

/* Loads the scenario afresh (the --set overrides, then max_wal_size),
 * resolves the variant and runs it. */
static void run_job(void *ctx, size_t i)
{
    job *j = &((job *)ctx)[i];
    ws_diag_clear(&j->err);
    ws_scenario *s = NULL;
    int rc = j->file ? ws_scenario_load_file(j->file, &s, &j->err)
                     : ws_scenario_load_string(ws_default_scenario_text, ws_default_scenario_len,
                                               ws_default_scenario_name, &s, &j->err);
    for (size_t k = 0; rc == WS_OK && k < j->n_sets; k++)
        rc = ws_scenario_set(s, j->sets[k], &j->err);
    char mws[64];
    if (rc == WS_OK && j->max_wal_size) {
        snprintf(mws, sizeof mws, "max_wal_size=%lluMB",
                 (unsigned long long)(j->max_wal_size >> 20));
        rc = ws_scenario_set(s, mws, &j->err);
    }
    if (rc == WS_OK && j->min_duration_s > 0) {
        char d[64];
        snprintf(d, sizeof d, "duration=%.0fs", ceil(j->min_duration_s));
        rc = ws_scenario_set(s, d, &j->err);
    }
    ws_config *c = NULL;
    if (rc == WS_OK) {
        int v = ws_scenario_variant_index(s, j->variant);
        rc = v < 0 ? WS_EINPUT : ws_config_resolve(s, (size_t)v, &c, &j->err);
    }
    if (rc == WS_OK && j->progress) {
        bool is_auto = ws_cfg_num(c, WS_S_duration) < 0;
        cli_progress_item(j->progress, j->index,
                          ws_cfg_num(c, is_auto ? WS_S_max_duration : WS_S_duration) / 1e9,
                          is_auto);
    }
    if (rc == WS_OK)
        rc = ws_run(c, j->progress ? on_progress : NULL, j, NULL, &j->st, &j->err);
    ws_config_free(c);
    ws_scenario_free(s);
    j->rc = rc;
}

static const char *size(double bytes, char *buf, size_t len)
{
    ws_metric_format(WS_MK_SIZE, bytes, 4, buf, len);
    return buf;
}

/* The recommended settings of one advised variant: max_wal_size (the
 * verified value, else the computed one, else the current one when it is
 * enough) and the two settings its formula assumes, unchanged. */
static size_t recommend(const ws_scenario *s, const job *j, const job *f1, const job *f2,
                        ws_advice_setting *out)
{
    ws_advice a;
    ws_advice_compute(&j->st, &a);
    ws_config *c = NULL;
    ws_diag err;
    int v = ws_scenario_variant_index(s, j->variant);
    if (v < 0 || ws_config_resolve(s, (size_t)v, &c, &err) != WS_OK)
        return 0;
    char cur[48], rate[32], b1[32], b2[32], every[32];
    ws_value_format(ws_cfg_value(c, WS_S_max_wal_size), WS_S_max_wal_size, cur, sizeof cur);
    size(a.wal_rate, rate, sizeof rate);
    ws_advice_setting *m = &out[0];
    snprintf(m->name, sizeof m->name, "max_wal_size");
    const job *best = NULL;
    if (f1->max_wal_size && f1->rc == WS_OK && f1->st.ckpt_req == 0 && f1->st.ckpt_timed > 0)
        best = f1;
    if (f2->max_wal_size && f2->rc == WS_OK && f2->st.ckpt_req == 0 && f2->st.ckpt_timed > 0)
        best = f2;
    if (best) {
        ws_advice_size_value(best->max_wal_size, m->value, sizeof m->value);
        ws_metric_format(WS_MK_TIME, best->st.worst_recovery_s, 3, b2, sizeof b2);
        ws_metric_format(WS_MK_TIME, j->st.ckpt_req ? j->st.simulated_s / (double)j->st.ckpt_req : 0,
                         3, every, sizeof every);
        snprintf(m->reason, sizeof m->reason,
                 "was %s: WAL at %s/s requested %llu checkpoints (about every %s); %s gave only "
                 "timed checkpoints when simulated (%.0f %% headroom), pg_wal peak %s, crash "
                 "recovery at the worst moment %s",
                 cur, rate, (unsigned long long)j->st.ckpt_req, every, m->value,
                 (WS_ADVICE_HEADROOM - 1) * 100,
                 size((double)best->st.pg_wal_peak_bytes, b1, sizeof b1), b2);
    } else if (!a.enough) {
        ws_advice_size_value(a.max_wal_size_timed, m->value, sizeof m->value);
        snprintf(m->reason, sizeof m->reason,
                 "was %s: at %s/s a %s cycle writes %s, above the %s that requests a checkpoint; "
                 "(1 + cct) x (rate x timeout + 2 segments) x %.2f headroom, not verified by "
                 "simulation",
                 cur, rate, "checkpoint_timeout", size(a.cycle_bytes, b1, sizeof b1),
                 size(a.trigger_bytes, b2, sizeof b2), WS_ADVICE_HEADROOM);
    } else {
        snprintf(m->value, sizeof m->value, "%s", cur);
        snprintf(m->reason, sizeof m->reason,
                 "unchanged: checkpoints were all timed; a checkpoint_timeout cycle writes %s at "
                 "%s/s, %.0f %% of the %s that would request one",
                 size(a.cycle_bytes, b1, sizeof b1), rate,
                 a.trigger_bytes > 0 ? 100 * a.cycle_bytes / a.trigger_bytes : 0,
                 size(a.trigger_bytes, b2, sizeof b2));
    }
    ws_advice_setting *t = &out[1];
    snprintf(t->name, sizeof t->name, "checkpoint_timeout");
    ws_value_format(ws_cfg_value(c, WS_S_checkpoint_timeout), WS_S_checkpoint_timeout, t->value,
                    sizeof t->value);
    snprintf(t->reason, sizeof t->reason,
             "unchanged: max_wal_size above is computed for this timeout; a longer one writes "
             "more WAL per cycle and needs a larger max_wal_size");
    ws_advice_setting *k = &out[2];
    snprintf(k->name, sizeof k->name, "checkpoint_completion_target");
    ws_value_format(ws_cfg_value(c, WS_S_checkpoint_completion_target),
                    WS_S_checkpoint_completion_target, k->value, sizeof k->value);
    snprintf(k->reason, sizeof k->reason,
             "unchanged: WAL requests a checkpoint at about max_wal_size / (1 + this), so "
             "max_wal_size above depends on it");
    ws_config_free(c);
    return 3;
}

/* Writes the fragment and/or the SQL file, each whole or not at all (a
 * temporary name in its folder, renamed into place). */
static int write_recommendation(const ws_scenario *s, const job *j, const job *f1, const job *f2,
                                const char *conf_file, const char *sql_file)
{
    ws_advice_setting set[3];
    if (j->st.win.overloaded) {
        cli_error("advise: no recommendation written: variant %s cannot carry its load",
                  j->variant);
        return CLI_USAGE;
    }
    size_t n = recommend(s, j, f1, f2, set);
    if (n == 0) {
        cli_error("advise: variant %s: cannot resolve its settings", j->variant);
        return CLI_INTERNAL;
    }
    char header[1200], rec[32], peak[32];
    ws_metric_format(WS_MK_TIME, j->st.worst_recovery_s, 3, rec, sizeof rec);
    size((double)j->st.pg_wal_peak_bytes, peak, sizeof peak);
    snprintf(header, sizeof header,
             "walsim %s advise: variant %s of %s (seed %llu)\n"
             "under the current settings: pg_wal peak %s, crash recovery at the worst moment %s\n"
             "every setting below can be changed with a reload",
             WALSIM_VERSION, j->variant, ws_scenario_file(s), (unsigned long long)j->st.seed,
             peak, rec);
    const char *files[2] = {conf_file, sql_file};
    for (int k = 0; k < 2; k++) {
        if (!files[k])
            continue;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", files[k]);
        char *slash = strrchr(dir, '/');
        const char *base = slash ? slash + 1 : files[k];
        if (slash == dir)
            dir[1] = '\0';
        else if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        if (!*base) {
            cli_error("advise: %s: expected a file name", files[k]);
            return CLI_USAGE;
        }
        ws_diag err;
        ws_diag_clear(&err);
        ws_outset *o = ws_outset_new(dir, &err);
        FILE *f = o ? ws_outset_open(o, base, &err) : NULL;
        if (f)
            ws_advice_write_settings(f, k ? WS_ADVICE_SQL : WS_ADVICE_CONF, header, set, n);
        if (!f || ws_outset_commit(o, &err) != WS_OK) {
            if (o && !f)
                ws_outset_abort(o);
            cli_error("advise: %s: %s", files[k], err.msg);
            return CLI_USAGE;
        }
        printf("wrote %s\n", files[k]);
    }
    return CLI_OK;
}

/* pg_wal's own volume (docs/wal-volume.md): the size that survives an
 * archiver outage of `outage_s` from the end of the warm-up, and the
 * max_slot_wal_keep_size that keeps a standby disconnected from then on
 * from filling the volume; each simulated.  The sizes: pg_wal without
 * either (its peak, at least max_wal_size) plus what accumulates (the
 * window's WAL rate times the outage; for the slot, one checkpoint cycle
 * of WAL beyond the limit, since only a checkpoint invalidates it), with
 * 10 % headroom. */
typedef struct walvol_job {
    job j[2];
    char buf[2][4][96];
    const char *sets[2][64];
    double vol, slot_limit;
} walvol_job;

static void walvol_advice(const char *file, const char *const *sets, size_t n_sets, job *js,
                          size_t n, double outage_s, unsigned jobs)
{
    walvol_job *w = calloc(n ? n : 1, sizeof *w);
    job *todo = calloc(2 * (n ? n : 1), sizeof *todo);
    if (!w || !todo || n_sets > 60) {
        free(w);
        free(todo);
        return;
    }
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) {
        const ws_run_stats *st = &js[i].st;
        if (js[i].rc != WS_OK || st->walvol.volume_bytes == 0 || st->duration_s <= 0)
            continue;
        double rate = (double)st->wal_bytes / st->duration_s;
        double base = (double)st->max_wal_size_bytes;
        if (!st->walvol.full && st->walvol.pg_wal_peak_bytes > base && !st->walvol.slot &&
            st->walvol.archive_failures == 0)
            base = (double)st->walvol.pg_wal_peak_bytes;
        double gib = 1073741824.0, from = ceil(st->win.start_s / 60) * 60;
        w[i].vol = ceil((base + outage_s * rate) * 1.10 / gib) * gib;
        w[i].slot_limit = floor(((double)st->walvol.volume_bytes / 1.10 - base -
                                 st->ckpt_distance_max) / gib) * gib;
        for (int k = 0; k < 2; k++) {
            w[i].j[k] = js[i];
            w[i].j[k].max_wal_size = 0;
            for (size_t q = 0; q < n_sets; q++)
                w[i].sets[k][q] = sets[q];
            w[i].j[k].sets = w[i].sets[k];
            w[i].j[k].n_sets = n_sets + 4;
        }
        char (*a)[96] = w[i].buf[0], (*b)[96] = w[i].buf[1];
        snprintf(a[0], 96, "archive_mode=on");
        snprintf(a[1], 96, "archive_fail=%.0fs..%.0fs", from, from + outage_s);
        snprintf(a[2], 96, "wal_size=%.0fGB", w[i].vol / gib);
        snprintf(a[3], 96, "duration=%.0fs", from + outage_s + 1200);
        double fill = w[i].slot_limit > 0 ? w[i].slot_limit / rate : 0;
        double cycle = st->win.cycle_s_mean > 0 ? st->win.cycle_s_mean : st->checkpoint_timeout_s;
        snprintf(b[0], 96, "slot=on");
        snprintf(b[1], 96, "slot_down=%.0fs..%.0fs", from, from + fill + 3 * cycle + 600);
        snprintf(b[2], 96, "max_slot_wal_keep_size=%.0fGB",
                 w[i].slot_limit > 0 ? w[i].slot_limit / gib : 0);
        snprintf(b[3], 96, "duration=%.0fs", from + fill + 3 * cycle + 600);
        for (int q = 0; q < 4; q++) {
            w[i].sets[0][n_sets + (size_t)q] = a[q];
            w[i].sets[1][n_sets + (size_t)q] = b[q];
        }
        todo[nt++] = w[i].j[0];
        if (w[i].slot_limit > 0)
            todo[nt++] = w[i].j[1];
    }
    (void)file;
    if (nt == 0) {
        free(w);
        free(todo);
        return;
    }
    char what[96];
    snprintf(what, sizeof what, "checking pg_wal's volume (%zu run%s)", nt, nt == 1 ? "" : "s");
    run_stage(todo, nt, jobs, what);
    size_t k = 0;
    char t[32], b1[32], b2[32], b3[32];
    ws_metric_format(WS_MK_TIME, outage_s, 3, t, sizeof t);
    for (size_t i = 0; i < n; i++) {
        if (w[i].vol == 0)
            continue;
        const job *ja = &todo[k++];
        const job *jb = w[i].slot_limit > 0 ? &todo[k++] : NULL;
        printf("\nvariant %s: pg_wal on its own %s volume\n", js[i].variant,
               size((double)js[i].st.walvol.volume_bytes, b1, sizeof b1));
        if (ja->rc != WS_OK)
            printf("  archiver outage of %s: %s\n", t, ja->err.msg);
        else if (ja->st.walvol.full)
            printf("  archiver outage of %s: a %s volume still filled (at %.0f min): the WAL "
                   "rate grows during the run; not verified\n",
                   t, size(w[i].vol, b1, sizeof b1), ja->st.walvol.full_at_s / 60);
        else
            printf("  => a volume of %s survives an archiver outage of %s (verified by "
                   "simulation: pg_wal peak %s, %lld segments waiting at most)\n",
                   size(w[i].vol, b1, sizeof b1), t,
                   size((double)ja->st.walvol.pg_wal_peak_bytes, b2, sizeof b2),
                   (long long)ja->st.walvol.archive_lag_peak);
        if (!jb) {
            printf("  no max_slot_wal_keep_size protects it: the volume does not hold "
                   "max_wal_size and one checkpoint cycle of WAL with 10 %% headroom\n");
            continue;
        }
        if (jb->rc != WS_OK)
            printf("  max_slot_wal_keep_size = %s: %s\n", size(w[i].slot_limit, b1, sizeof b1),
                   jb->err.msg);
        else if (jb->st.walvol.full || !jb->st.walvol.slot_invalidated)
            printf("  max_slot_wal_keep_size = %s did not protect it in simulation (%s); "
                   "not verified\n",
                   size(w[i].slot_limit, b1, sizeof b1),
                   jb->st.walvol.full ? "the volume filled" : "the slot was never invalidated");
        else
            printf("  => max_slot_wal_keep_size = %s protects it from a disconnected standby "
                   "(verified by simulation: slot invalidated at %.0f min, pg_wal peak %s of "
                   "%s)\n",
                   size(w[i].slot_limit, b1, sizeof b1), jb->st.walvol.slot_invalidated_s / 60,
                   size((double)jb->st.walvol.pg_wal_peak_bytes, b2, sizeof b2),
                   size((double)js[i].st.walvol.volume_bytes, b3, sizeof b3));
    }
    free(w);
    free(todo);
}

int cmd_advise(int argc, char **argv)
{
    const char *file = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    const char **only = calloc((size_t)argc + 1, sizeof *only);
    char **owned = calloc((size_t)argc + 1, sizeof *owned);
    size_t n_sets = 0, n_only = 0, n_owned = 0;
    unsigned jobs = ws_cpu_count();
    bool verify = true;
    double outage_s = 0;
    const char *conf_file = NULL, *sql_file = NULL;
    int rc = CLI_USAGE;
    ws_scenario *s = NULL;
    job *js = NULL;
    if (!sets || !only || !owned) {
        cli_error("out of memory");
        rc = CLI_INTERNAL;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool takes = !strcmp(a, "--variant") || !strcmp(a, "--set") || !strcmp(a, "--seed") ||
                     !strcmp(a, "--jobs") || !strcmp(a, "--conf") || !strcmp(a, "--alter-system") ||
                     !strcmp(a, "--archive-outage");
        if (takes && i + 1 >= argc) {
            cli_error("advise: %s needs a value; see walsim help advise", a);
            goto done;
        }
        if (!strcmp(a, "--variant"))
            only[n_only++] = argv[++i];
        else if (!strcmp(a, "--set"))
            sets[n_sets++] = argv[++i];
        else if (!strcmp(a, "--seed")) {
            size_t n = strlen(argv[i + 1]) + 6;
            char *x = malloc(n);
            if (!x) {
                rc = CLI_INTERNAL;
                goto done;
            }
            snprintf(x, n, "seed=%s", argv[++i]);
            owned[n_owned++] = x;
            sets[n_sets++] = x;
        } else if (!strcmp(a, "--jobs")) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end || v < 1 || v > 4096) {
                cli_error("advise: --jobs %s: expected a number of threads from 1 to 4096", argv[i]);
                goto done;
            }
            jobs = (unsigned)v;
        } else if (!strcmp(a, "--archive-outage")) {
            double v;
            char e[200];
            if (ws_unit_parse(argv[++i], WS_UC_TIME, 1e9, &v, e, sizeof e) != 0 || v < 60e9 ||
                v > 30 * 86400e9) {
                cli_error("advise: --archive-outage %s: expected a time from 1min to 30d (e.g. 2h)",
                          argv[i]);
                goto done;
            }
            outage_s = v / 1e9;
        } else if (!strcmp(a, "--no-verify"))
            verify = false;
        else if (!strcmp(a, "--conf"))
            conf_file = argv[++i];
        else if (!strcmp(a, "--alter-system"))
            sql_file = argv[++i];
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_advise, stdout);
            rc = CLI_OK;
            goto done;
        } else if (a[0] == '-') {
            cli_error("advise: unknown option '%s'; see walsim help advise", a);
            goto done;
        } else if (file) {
            cli_error("advise: more than one scenario file ('%s' and '%s')", file, a);
            goto done;
        } else
            file = a;
    }
    /* Check everything before simulating anything. */
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
    size_t nv = ws_scenario_variant_count(s);
    for (size_t i = 0; i < n_only; i++)
        if (ws_scenario_variant_index(s, only[i]) < 0) {
            cli_error("advise: --variant %s: no such variant", only[i]);
            goto done;
        }
    js = calloc(nv, sizeof *js);
    size_t n = 0;
    for (size_t v = 0; v < nv; v++) {
        const char *name = ws_scenario_variant_name(s, v);
        bool want = n_only == 0;
        for (size_t i = 0; i < n_only; i++)
            want |= strcmp(only[i], name) == 0;
        if (!want)
            continue;
        ws_config *c = NULL;
        ws_diag err;
        ws_diag_clear(&err);
        if (ws_config_resolve(s, v, &c, &err) != WS_OK || ws_run_validate(c, &err) != WS_OK) {
            fprintf(stderr, "%s\n", err.msg);
            ws_config_free(c);
            goto done;
        }
        ws_config_free(c);
        js[n++] = (job){.file = file, .sets = sets, .n_sets = n_sets, .variant = name};
    }
    if ((conf_file || sql_file) && n != 1) {
        cli_error("advise: %s needs one variant, and the scenario has %zu: add --variant NAME",
                  conf_file ? "--conf" : "--alter-system", n);
        goto done;
    }
    char what[96];
    snprintf(what, sizeof what, "simulating %zu variant%s", n, n == 1 ? "" : "s");
    run_stage(js, n, jobs, what);
    for (size_t i = 0; i < n; i++)
        if (js[i].rc != WS_OK) {
            fprintf(stderr, "%s\n", js[i].err.msg);
            rc = js[i].rc == WS_EINPUT ? CLI_USAGE : CLI_INTERNAL;
            goto done;
        }

    /* Requested checkpoints: simulate the recommendation, then refine it
     * from the WAL rate of that run and simulate the refined value. */
    job *first = calloc(n ? n : 1, sizeof *first), *second = calloc(n ? n : 1, sizeof *second);
    if (!first || !second) {
        free(first);
        free(second);
        rc = CLI_INTERNAL;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        ws_advice a;
        ws_advice_compute(&js[i].st, &a);
        first[i] = js[i];
        /* no capacity advice for a variant that cannot carry its load */
        first[i].max_wal_size = verify && !a.enough && !js[i].st.win.overloaded ? a.max_wal_size_timed : 0;
        /* two whole timed cycles, so the check can see them (duration =
         * auto lengthens the run by itself: min_cycles cycles in the window) */
        double need = 2.2 * js[i].st.checkpoint_timeout_s + js[i].st.win.start_s;
        first[i].min_duration_s =
            !js[i].st.win.duration_auto && need > js[i].st.simulated_s ? need : 0;
    }
    job *todo = calloc(n ? n : 1, sizeof *todo);
    size_t nt = 0;
    for (size_t i = 0; i < n; i++)
        if (first[i].max_wal_size)
            todo[nt++] = first[i];
    snprintf(what, sizeof what, "checking the recommended max_wal_size (%zu run%s)", nt,
             nt == 1 ? "" : "s");
    run_stage(todo, nt, jobs, what);
    for (size_t i = 0, k = 0; i < n; i++) {
        if (!first[i].max_wal_size)
            continue;
        first[i] = todo[k++];
        ws_advice r;
        ws_advice_compute(&first[i].st, &r);
        second[i] = first[i];
        /* the rate of the timed run gives a tighter value; only smaller ones are tried */
        second[i].max_wal_size = first[i].rc == WS_OK && r.max_wal_size_timed < first[i].max_wal_size
                                     ? r.max_wal_size_timed : 0;
    }
    nt = 0;
    for (size_t i = 0; i < n; i++)
        if (second[i].max_wal_size)
            todo[nt++] = second[i];
    snprintf(what, sizeof what, "checking the refined max_wal_size (%zu run%s)", nt,
             nt == 1 ? "" : "s");
    run_stage(todo, nt, jobs, what);
    for (size_t i = 0, k = 0; i < n; i++)
        if (second[i].max_wal_size)
            second[i] = todo[k++];

    printf("scenario %s\n", ws_scenario_file(s));
    rc = CLI_OK;
    for (size_t i = 0; i < n; i++) {
        ws_advice a;
        ws_advice_compute(&js[i].st, &a);
        printf("\nvariant %s:\n", js[i].variant);
        const ws_window *W = &js[i].st.win;
        for (int k = 0; k < W->n_warn; k++)
            printf("  WARNING: %s\n", W->warn[k]);
        if (W->overloaded) {
            printf("  no capacity advice: the variant cannot carry its offered load (%.0f tx/s "
                   "offered, %.0f completed)%s%s.\n  First make it carry the load (more %s), then "
                   "ask again.\n",
                   W->offered_tps, js[i].st.tps, W->bottleneck[0] ? "; bottleneck " : "",
                   W->bottleneck,
                   strncmp(W->bottleneck, "CPU", 3) == 0 ? "cores, or less CPU per transaction"
                   : strncmp(W->bottleneck, "device", 6) == 0
                       ? "IOPS or bandwidth, or a larger cache: shared_buffers, RAM"
                       : "capacity, or a lower rate");
            continue;
        }
        ws_advice_print(stdout, &js[i].st, &a, "  ");
        if (!first[i].max_wal_size)
            continue;
        char b1[32], b2[32], b3[32];
        const ws_run_stats *f1 = &first[i].st;
        if (first[i].rc != WS_OK) {
            printf("  simulated max_wal_size = %s: %s\n", size((double)first[i].max_wal_size, b1, sizeof b1),
                   first[i].err.msg);
            continue;
        }
        printf("  simulated max_wal_size = %s: %llu timed, %llu requested; WAL rate %s/s "
               "(%.0f B per transaction), pg_wal peak %s\n",
               size((double)first[i].max_wal_size, b1, sizeof b1), (unsigned long long)f1->ckpt_timed,
               (unsigned long long)f1->ckpt_req, size((double)f1->wal_bytes / f1->simulated_s, b2, sizeof b2),
               f1->wal_bytes_per_tx, size((double)f1->pg_wal_peak_bytes, b3, sizeof b3));
        /* verified: timed checkpoints happened and none was requested */
        const job *best = f1->ckpt_req == 0 && f1->ckpt_timed > 0 ? &first[i] : NULL;
        if (second[i].max_wal_size && second[i].rc == WS_OK) {
            const ws_run_stats *f2 = &second[i].st;
            printf("  simulated max_wal_size = %s (from that WAL rate): %llu timed, %llu requested; "
                   "pg_wal peak %s\n",
                   size((double)second[i].max_wal_size, b1, sizeof b1), (unsigned long long)f2->ckpt_timed,
                   (unsigned long long)f2->ckpt_req, size((double)f2->pg_wal_peak_bytes, b2, sizeof b2));
            if (f2->ckpt_req == 0 && f2->ckpt_timed > 0)
                best = &second[i];
        }
        if (best)
            printf("  => max_wal_size = %s keeps checkpoints timed for this load (verified by "
                   "simulation, with %.0f %% headroom)\n",
                   size((double)best->max_wal_size, b1, sizeof b1), (WS_ADVICE_HEADROOM - 1) * 100);
        else if (f1->ckpt_timed == 0 && f1->ckpt_req == 0)
            printf("  => not verified: no checkpoint came in the simulated time\n");
        else
            printf("  => even max_wal_size = %s was not enough: the load's WAL rate grows or "
                   "bursts; look at its wal.png\n",
                   size((double)first[i].max_wal_size, b1, sizeof b1));
    }
    if (outage_s > 0)
        walvol_advice(file, sets, n_sets, js, n, outage_s, jobs);
    if (rc == CLI_OK && (conf_file || sql_file) && n == 1)
        rc = write_recommendation(s, &js[0], &first[0], &second[0], conf_file, sql_file);
    free(first);
    free(second);
    free(todo);
done:
    free(js);
    ws_scenario_free(s);
    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
    free(owned);
    free(sets);
    free(only);
    return rc;
}
