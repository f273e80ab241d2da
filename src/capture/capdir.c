/*
 * capdir.c - a capture folder read back, calibrated and written as a
 * scenario (capture.h, docs/capture.md).
 *
 * The calibration is calibrate.c's, unchanged; this file only turns the
 * folder into its inputs.  A capture has no server log and no pgbench log,
 * so two of them are made from the snapshots:
 *  - transactions over time from pg_stat_database.xact_commit (the
 *    capture's own commit of each sample taken off), as the per-interval
 *    counts a pgbench progress report would give;
 *  - the checkpoint cycles from pg_control_checkpoint().checkpoint_time
 *    (the start of the last completed checkpoint, whole seconds): every
 *    new value seen is a cycle start.
 * The workload's pages modified per transaction are the first-touch fit's
 * for the tables large enough to fit (RATIONALE: a table of a few pages
 * saturates within a cycle and its w cannot be told), and the rows
 * changed per transaction (pg_stat_user_tables) for the others.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/calibrate.h"
#include "walsim/capture.h"
#include "walsim/csvread.h"
#include "walsim/settings.h"

#define MAX_TABLES 64
#define FIT_MIN_PAGES 128

typedef struct captable {
    char name[64];       /* scenario name: relname, or schema_relname */
    char schema[64], rel[64];
    double size_bytes, pages, tuples;
    double ins, upd, del; /* rows changed in the window */
    bool fitted;
    int fit_index;
} captable;

typedef struct capfolder {
    const char *dir;
    char meta_version[32], dsn[2048], database[128];
    int server_version;
    double own_tx;
    ws_pgstats *stats[3];
    const char *stats_names[3];
    size_t n_stats;
    ws_pglog log;
    ws_pgbench_progress progress;
    double transactions;
    double window_s;
    captable tables[MAX_TABLES];
    size_t n_tables;
    ws_csv *settings;
} capfolder;

static void path_of(char *buf, size_t len, const char *dir, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static bool exists(const char *dir, const char *name)
{
    char p[4096];
    path_of(p, sizeof p, dir, name);
    FILE *f = fopen(p, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

static int read_csv(const char *dir, const char *name, ws_csv **out, ws_diag *err)
{
    char p[4096];
    path_of(p, sizeof p, dir, name);
    return ws_csv_read_file(p, out, err);
}

static int read_meta(capfolder *cf, ws_diag *err)
{
    ws_csv *c;
    int rc = read_csv(cf->dir, "capture.csv", &c, err);
    if (rc != WS_OK)
        return rc;
    int k = ws_csv_col(c, "key"), v = ws_csv_col(c, "value");
    if (k < 0 || v < 0) {
        ws_diag_set(err, ws_csv_name(c), 1, "expected the header key,value");
        ws_csv_free(c);
        return WS_EINPUT;
    }
    bool fmt = false;
    for (size_t i = 0; i < ws_csv_rows(c); i++) {
        const char *key = ws_csv_cell(c, i, (size_t)k), *val = ws_csv_cell(c, i, (size_t)v);
        if (!strcmp(key, "format"))
            fmt = !strcmp(val, "walsim capture 1");
        else if (!strcmp(key, "server_version_num"))
            cf->server_version = atoi(val);
        else if (!strcmp(key, "dsn"))
            snprintf(cf->dsn, sizeof cf->dsn, "%s", val);
        else if (!strcmp(key, "database"))
            snprintf(cf->database, sizeof cf->database, "%s", val);
        else if (!strcmp(key, "own_transactions"))
            cf->own_tx = atof(val);
    }
    if (!fmt || cf->server_version < 130000) {
        ws_diag_set(err, ws_csv_name(c), 0,
                    "not a capture of walsim capture 1 (format, server_version_num)");
        ws_csv_free(c);
        return WS_EINPUT;
    }
    ws_csv_free(c);
    return WS_OK;
}

static int read_stats(capfolder *cf, ws_diag *err)
{
    static const char *names[] = {"bgwriter.csv", "wal.csv", "checkpointer.csv"};
    for (size_t i = 0; i < 3; i++) {
        if (!exists(cf->dir, names[i]))
            continue;
        char p[4096];
        path_of(p, sizeof p, cf->dir, names[i]);
        int rc = ws_pgstats_read_file(p, &cf->stats[cf->n_stats], err);
        if (rc != WS_OK)
            return rc;
        cf->stats_names[cf->n_stats++] = names[i];
    }
    return WS_OK;
}

/* Transactions per sample interval from xact_commit, as progress rows. */
static int read_database(capfolder *cf, ws_diag *err)
{
    ws_csv *c;
    int rc = read_csv(cf->dir, "database.csv", &c, err);
    if (rc != WS_OK)
        return rc;
    int ce = ws_csv_need(c, "epoch", err), cx = ce >= 0 ? ws_csv_need(c, "xact_commit", err) : -1;
    size_t n = ws_csv_rows(c);
    if (ce < 0 || cx < 0 || n < 2) {
        if (ce >= 0 && cx >= 0)
            ws_diag_set(err, ws_csv_name(c), 0, "fewer than two samples");
        ws_csv_free(c);
        return WS_EINPUT;
    }
    cf->progress.rows = calloc(n, sizeof *cf->progress.rows);
    if (!cf->progress.rows) {
        ws_csv_free(c);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    double e0 = 0, x0 = 0, pe = 0, px = 0;
    for (size_t i = 0; i < n && rc == WS_OK; i++) {
        double e, x;
        if ((rc = ws_csv_num(c, i, (size_t)ce, &e, err)) != WS_OK ||
            (rc = ws_csv_num(c, i, (size_t)cx, &x, err)) != WS_OK)
            break;
        if (i > 0 && !(e > pe)) {
            ws_diag_set(err, ws_csv_name(c), ws_csv_line(c, i), "epoch does not increase");
            rc = WS_EINPUT;
            break;
        }
        ws_pgbench_progress_row *r = &cf->progress.rows[i];
        r->line = ws_csv_line(c, i);
        r->time = e;
        /* each sample after the first commits once in between */
        r->tps = i ? fmax(0, x - px - 1) / (e - pe) : 0;
        r->lat_ms = r->stddev_ms = r->lag_ms = NAN;
        r->failed = r->skipped = r->retried = r->retries = -1;
        if (i == 0) {
            e0 = e;
            x0 = x;
        }
        pe = e;
        px = x;
    }
    ws_csv_free(c);
    if (rc != WS_OK)
        return rc;
    cf->progress.n_rows = cf->progress.cap = n;
    cf->progress.epoch = true;
    cf->window_s = pe - e0;
    cf->transactions = px - x0 - cf->own_tx;
    if (!(cf->transactions >= 1)) {
        ws_diag_set(err, NULL, 0,
                    "%s/database.csv: no transaction committed during the capture: nothing to "
                    "calibrate",
                    cf->dir);
        return WS_EINPUT;
    }
    return WS_OK;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Cycle starts: every new pg_control_checkpoint().checkpoint_time (the
 * start of a checkpoint, known once it completed), and, for one still
 * running at the end, the first sample where the checkpointer stops
 * waiting on CheckpointerMain (its idle loop), taken halfway from the
 * sample before.  Starts within 2.5 s of each other are one. */
static int read_control(capfolder *cf, ws_diag *err)
{
    if (!exists(cf->dir, "control.csv"))
        return WS_OK;
    ws_csv *c;
    int rc = read_csv(cf->dir, "control.csv", &c, err);
    if (rc != WS_OK)
        return rc;
    int ce = ws_csv_need(c, "epoch", err),
        ck = ce >= 0 ? ws_csv_need(c, "checkpoint_epoch", err) : -1;
    if (ce < 0 || ck < 0) {
        ws_csv_free(c);
        return WS_EINPUT;
    }
    int cw = ws_csv_col(c, "checkpointer_wait");
    size_t n = ws_csv_rows(c);
    double *st = malloc((2 * n + 1) * sizeof *st);
    cf->log.ckpts = calloc(2 * n + 1, sizeof *cf->log.ckpts);
    if (!st || !cf->log.ckpts) {
        free(st);
        ws_csv_free(c);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    size_t ns = 0;
    double last = NAN, pe = NAN;
    bool was_busy = true;
    for (size_t i = 0; i < n; i++) {
        double e, k;
        if ((rc = ws_csv_num(c, i, (size_t)ce, &e, err)) != WS_OK ||
            (rc = ws_csv_num(c, i, (size_t)ck, &k, err)) != WS_OK)
            break;
        if (k != last)
            st[ns++] = k;
        last = k;
        bool busy = cw >= 0 && strcmp(ws_csv_cell(c, i, (size_t)cw), "CheckpointerMain") != 0;
        if (cw >= 0 && i > 0 && busy && !was_busy)
            st[ns++] = (pe + e) / 2;
        was_busy = busy;
        pe = e;
    }
    ws_csv_free(c);
    if (rc != WS_OK) {
        free(st);
        return rc;
    }
    qsort(st, ns, sizeof *st, cmp_dbl);
    for (size_t i = 0; i < ns; i++) {
        if (cf->log.n_ckpts > 0 &&
            st[i] - cf->log.ckpts[cf->log.n_ckpts - 1].start_time < 2.5)
            continue;
        ws_pglog_ckpt *p = &cf->log.ckpts[cf->log.n_ckpts++];
        p->has_start = true;
        p->start_time = st[i];
        p->complete_time = NAN;
        p->buffers = p->slru_buffers = p->wal_added = p->wal_removed = p->wal_recycled = -1;
        p->sync_files = p->distance_kb = p->estimate_kb = -1;
        p->buffers_pct = p->write_s = p->sync_s = p->total_s = p->longest_s = p->average_s = NAN;
    }
    free(st);
    return WS_OK;
}

static bool identifier(const char *s)
{
    if (!*s || isdigit((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!(*s == '_' || isalnum((unsigned char)*s)))
            return false;
    return true;
}

static captable *table_find(capfolder *cf, const char *schema, const char *rel)
{
    for (size_t i = 0; i < cf->n_tables; i++)
        if (!strcmp(cf->tables[i].schema, schema) && !strcmp(cf->tables[i].rel, rel))
            return &cf->tables[i];
    return NULL;
}

static int cell_num(const ws_csv *c, size_t row, const char *col, double *v, ws_diag *err)
{
    int k = ws_csv_need(c, col, err);
    if (k < 0)
        return WS_EINPUT;
    return ws_csv_num_or(c, row, (size_t)k, 0, v, err);
}

/* Rows changed per table between user_tables_before and _after; sizes. */
static int read_tables(capfolder *cf, ws_diag *err)
{
    ws_csv *a = NULL, *b = NULL, *z = NULL;
    int rc;
    if ((rc = read_csv(cf->dir, "user_tables_before.csv", &b, err)) != WS_OK ||
        (rc = read_csv(cf->dir, "user_tables_after.csv", &a, err)) != WS_OK ||
        (rc = read_csv(cf->dir, "sizes_after.csv", &z, err)) != WS_OK)
        goto out;
    int as = ws_csv_need(a, "schemaname", err), ar = ws_csv_need(a, "relname", err);
    int bs = ws_csv_need(b, "schemaname", err), br = ws_csv_need(b, "relname", err);
    int zs = ws_csv_need(z, "schemaname", err), zr = ws_csv_need(z, "relname", err),
        zk = ws_csv_need(z, "relkind", err);
    if (as < 0 || ar < 0 || bs < 0 || br < 0 || zs < 0 || zr < 0 || zk < 0) {
        rc = WS_EINPUT;
        goto out;
    }
    for (size_t i = 0; i < ws_csv_rows(a) && cf->n_tables < MAX_TABLES; i++) {
        const char *s = ws_csv_cell(a, i, (size_t)as), *r = ws_csv_cell(a, i, (size_t)ar);
        captable *t = &cf->tables[cf->n_tables];
        memset(t, 0, sizeof *t);
        snprintf(t->schema, sizeof t->schema, "%s", s);
        snprintf(t->rel, sizeof t->rel, "%s", r);
        t->fit_index = -1;
        double ai, au, ad, bi = 0, bu = 0, bd = 0;
        if ((rc = cell_num(a, i, "n_tup_ins", &ai, err)) != WS_OK ||
            (rc = cell_num(a, i, "n_tup_upd", &au, err)) != WS_OK ||
            (rc = cell_num(a, i, "n_tup_del", &ad, err)) != WS_OK)
            goto out;
        for (size_t j = 0; j < ws_csv_rows(b); j++)
            if (!strcmp(ws_csv_cell(b, j, (size_t)bs), s) &&
                !strcmp(ws_csv_cell(b, j, (size_t)br), r)) {
                if ((rc = cell_num(b, j, "n_tup_ins", &bi, err)) != WS_OK ||
                    (rc = cell_num(b, j, "n_tup_upd", &bu, err)) != WS_OK ||
                    (rc = cell_num(b, j, "n_tup_del", &bd, err)) != WS_OK)
                    goto out;
            }
        t->ins = fmax(0, ai - bi);
        t->upd = fmax(0, au - bu);
        t->del = fmax(0, ad - bd);
        cf->n_tables++;
    }
    for (size_t i = 0; i < ws_csv_rows(z); i++) {
        if (strcmp(ws_csv_cell(z, i, (size_t)zk), "r") != 0)
            continue;
        captable *t = table_find(cf, ws_csv_cell(z, i, (size_t)zs), ws_csv_cell(z, i, (size_t)zr));
        if (!t)
            continue;
        if ((rc = cell_num(z, i, "size_bytes", &t->size_bytes, err)) != WS_OK ||
            (rc = cell_num(z, i, "reltuples", &t->tuples, err)) != WS_OK)
            goto out;
        t->pages = floor(t->size_bytes / 8192);
    }
    /* names: relname when unique and an identifier, else schema_relname */
    for (size_t i = 0; i < cf->n_tables; i++) {
        captable *t = &cf->tables[i];
        bool unique = true;
        for (size_t j = 0; j < cf->n_tables; j++)
            if (j != i && !strcmp(cf->tables[j].rel, t->rel))
                unique = false;
        char name[sizeof t->name]; /* not straight into t: it aliases t->rel */
        if (unique)
            snprintf(name, sizeof name, "%s", t->rel);
        else
            snprintf(name, sizeof name, "%s_%s", t->schema, t->rel);
        memcpy(t->name, name, sizeof name);
        for (char *p = t->name; *p; p++)
            if (!(*p == '_' || isalnum((unsigned char)*p)))
                *p = '_';
        if (!identifier(t->name))
            snprintf(t->name, sizeof t->name, "t%zu", i);
    }
out:
    ws_csv_free(a);
    ws_csv_free(b);
    ws_csv_free(z);
    return rc;
}

static void capfolder_free(capfolder *cf)
{
    for (size_t i = 0; i < cf->n_stats; i++)
        ws_pgstats_free(cf->stats[i]);
    free(cf->log.ckpts);
    free(cf->progress.rows);
    ws_csv_free(cf->settings);
}

static bool append_only(const captable *t) { return t->ins > 0 && t->upd == 0 && t->del == 0; }

/* A pg_settings value as a scenario value: setting with its unit, the
 * "8kB"-style units multiplied out. */
static void setting_value(const char *setting, const char *unit, char *out, size_t len)
{
    if (!*unit) {
        snprintf(out, len, "%s", setting);
        return;
    }
    char *end;
    double v = strtod(setting, &end);
    if (*end || end == setting) {
        snprintf(out, len, "%s", setting);
        return;
    }
    double mult = 1;
    const char *u = unit;
    if (isdigit((unsigned char)*u)) {
        mult = strtod(u, &end);
        u = end;
    }
    if (v < 0)
        snprintf(out, len, "%s", setting); /* -1: "off" or "as another setting" */
    else
        snprintf(out, len, "%.17g%s", v * mult, u);
}

static void write_settings(FILE *f, const capfolder *cf, int pg_major)
{
    fputs("\n[postgres]\n# pg_settings whose source is not default, with the server's own "
          "file:line\n",
          f);
    const ws_csv *c = cf->settings;
    int cn = ws_csv_col(c, "name"), cs = ws_csv_col(c, "setting"), cu = ws_csv_col(c, "unit"),
        co = ws_csv_col(c, "source"), cfl = ws_csv_col(c, "sourcefile"),
        cl = ws_csv_col(c, "sourceline");
    if (cn < 0 || cs < 0 || cu < 0 || co < 0)
        return;
    size_t skipped = 0;
    for (size_t i = 0; i < ws_csv_rows(c); i++) {
        const char *name = ws_csv_cell(c, i, (size_t)cn), *src = ws_csv_cell(c, i, (size_t)co);
        if (!strcmp(src, "default") || !strcmp(src, "session") || !strcmp(src, "client") ||
            !strcmp(src, "override"))
            continue;
        if (ws_setting_lookup(WS_SEC_POSTGRES, name) < 0) {
            skipped++;
            continue;
        }
        char val[256];
        setting_value(ws_csv_cell(c, i, (size_t)cs), ws_csv_cell(c, i, (size_t)cu), val,
                      sizeof val);
        char line[512];
        snprintf(line, sizeof line, "%s = '", name);
        fputs(line, f);
        for (const char *p = val; *p; p++) {
            if (*p == '\'')
                fputc('\'', f);
            fputc(*p, f);
        }
        fputc('\'', f);
        const char *file = cfl >= 0 ? ws_csv_cell(c, i, (size_t)cfl) : "";
        const char *ln = cl >= 0 ? ws_csv_cell(c, i, (size_t)cl) : "";
        if (*file)
            fprintf(f, "  # %s:%s", file, ln);
        else
            fprintf(f, "  # %s", src);
        fputc('\n', f);
    }
    if (skipped)
        fprintf(f, "# %zu more settings not at their default are not modelled by walsim "
                   "(settings.csv lists them)\n",
                skipped);
    (void)pg_major;
}

static int write_scenario(const char *path, const capfolder *cf, const ws_calibrate_input *ci,
                          const ws_calibrate_result *r, ws_diag *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        ws_diag_set(err, NULL, 0, "%s: %s", path, strerror(errno));
        return WS_EIO;
    }
    int major = cf->server_version / 10000;
    if (major < WS_PG_VERSION_MIN)
        major = WS_PG_VERSION_MIN;
    if (major > WS_PG_VERSION_MAX)
        major = WS_PG_VERSION_MAX;
    const ws_calibrate_fit *fit = r->chosen >= 0 ? &r->fit[r->chosen] : NULL;
    double tx = cf->transactions;
    fprintf(f, "# Written by walsim calibrate --capture %s\n", cf->dir);
    fprintf(f, "# server: PostgreSQL %d.%d, %s\n", cf->server_version / 10000,
            cf->server_version % 100, cf->dsn);
    fprintf(f, "# window: %.1f s, %.0f transactions (pg_stat_database.xact_commit, the capture's "
               "own %.0f taken off)\n",
            cf->window_s, tx, cf->own_tx);
    fputs("[scenario]\n", f);
    fprintf(f, "name = 'captured %s'\n", identifier(cf->database) ? cf->database : "database");
    fprintf(f, "pg_version = %d\n", major);
    fprintf(f, "duration = %.0fs  # the captured window\n", fmax(1, round(cf->window_s)));
    fputs("warmup = 0s\nseed = 1\n", f);

    fputs("\n[workload]\nprofile = custom\n", f);
    fprintf(f, "rate = %.3f/s  # open loop: transactions / window\n", tx / cf->window_s);

    char writes[2048] = "";
    size_t wl = 0;
    for (size_t i = 0; i < cf->n_tables; i++) {
        const captable *t = &cf->tables[i];
        double changed = t->ins + t->upd + t->del;
        if (changed <= 0 || t->pages < 1)
            continue;
        double w = changed / tx;
        const char *how = "rows changed per transaction (pg_stat_user_tables)";
        if (t->fitted && fit && fit->ok && t->fit_index >= 0) {
            w = fit->writes[t->fit_index];
            how = "pages modified per transaction: first-touch fit";
        }
        fprintf(f, "\n[table %s]\n", t->name);
        fprintf(f, "size = %.0fkB  # pg_relation_size of %s.%s at the end (%.0f pages)\n",
                t->pages * 8, t->schema, t->rel, t->pages);
        if (append_only(t)) {
            fputs("access = append  # only inserts in the window\n", f);
            if (t->tuples > 0 && t->pages > 0)
                fprintf(f, "rows_per_page = %.0f  # reltuples / pages\n",
                        fmax(1, fmin(2000, round(t->tuples / t->pages))));
        } else if (t->fitted && fit && fit->ok && fit->model == WS_CALIBRATE_HOTSET &&
                   t->fit_index == 0) {
            fprintf(f, "access = hotset  # first-touch fit, hot set chosen by AIC\n");
            fprintf(f, "hot_pages = %.4f\nhot_access = %.4f\n", fit->hot_pages, fit->hot_access);
        } else {
            fputs("access = uniform\n", f);
        }
        fprintf(f, "# writes %.4f: %s\n", w, how);
        wl += (size_t)snprintf(writes + wl, wl < sizeof writes ? sizeof writes - wl : 0,
                               "%s%s:%.4f", wl ? ", " : "", t->name, w);
        if (wl >= sizeof writes)
            wl = sizeof writes - 1;
    }
    fputs("\n[transaction captured]\n", f);
    if (wl)
        fprintf(f, "writes = '%s'\n", writes);
    double rec = isfinite(r->record_bytes_per_tx) ? fmax(0, r->record_bytes_per_tx) : 200;
    fprintf(f, "wal_bytes = %.0fB  # record bytes: (wal_bytes - images x %.0f B) / transactions; "
               "WAL %.1f B and %.4f images per transaction measured\n",
            rec, 8192 - ci->hole_bytes, r->wal_bytes_per_tx, r->fpi_per_tx);
    fputs("# cpu = 100us  # not measured by the statistics: fit it with walsim validate\n", f);

    write_settings(f, cf, major);

    fputs("\n[os]\n# The server cannot tell the machine: set its RAM and cores.\n"
          "# ram = 16GB\n# cpus = 4\n",
          f);
    fputs("\n[disk]\n# The server cannot tell the device: pick a preset (walsim help keys).\n"
          "# preset = nvme-enterprise\n",
          f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        remove(tmp);
        ws_diag_set(err, NULL, 0, "%s: cannot be written", path);
        return WS_EIO;
    }
    return WS_OK;
}

int ws_capture_calibrate(const char *dir, const char *scenario, FILE *report, ws_diag *err)
{
    capfolder cf = {.dir = dir};
    ws_calibrate_result res = {0};
    ws_calibrate_table tabs[WS_CALIBRATE_MAX_TABLES];
    int rc;
    if ((rc = read_meta(&cf, err)) != WS_OK || (rc = read_stats(&cf, err)) != WS_OK ||
        (rc = read_database(&cf, err)) != WS_OK || (rc = read_control(&cf, err)) != WS_OK ||
        (rc = read_tables(&cf, err)) != WS_OK || (rc = read_csv(dir, "settings.csv", &cf.settings, err)) != WS_OK)
        goto out;
    ws_calibrate_input ci = {0};
    ci.model = -1;
    ci.in.stats = (const ws_pgstats *const *)cf.stats;
    ci.in.n_stats = cf.n_stats;
    ci.in.stats_names = cf.stats_names;
    ci.in.progress = &cf.progress;
    ci.tx_source = "pg_stat_database.xact_commit"; /* less the capture's own commits */
    /* A cycle that started before the first sample has images before it:
     * without a start inside the window, calibrate's one-point fallback
     * would take the window for a fresh cycle, so no cycles at all. */
    size_t inside = 0;
    for (size_t i = 0; i < cf.log.n_ckpts; i++)
        if (cf.log.ckpts[i].start_time >= cf.progress.rows[0].time)
            inside++;
    ci.in.log = inside ? &cf.log : NULL;
    /* the fitted tables: modified in place, large enough, largest first */
    for (size_t k = 0; k < WS_CALIBRATE_MAX_TABLES; k++) {
        captable *best = NULL;
        for (size_t i = 0; i < cf.n_tables; i++) {
            captable *t = &cf.tables[i];
            if (t->fitted || append_only(t) || t->upd + t->del <= 0 || t->pages < FIT_MIN_PAGES)
                continue;
            if (!best || t->pages > best->pages)
                best = t;
        }
        if (!best)
            break;
        best->fitted = true;
        best->fit_index = (int)ci.n_tables;
        snprintf(tabs[ci.n_tables].name, sizeof tabs[0].name, "%s", best->name);
        tabs[ci.n_tables].pages = best->pages;
        ci.n_tables++;
    }
    ci.tables = tabs;
    if ((rc = ws_calibrate_collect(&ci, &res, err)) != WS_OK)
        goto out;
    if (report) {
        fprintf(report, "capture %s: PostgreSQL %d.%d, %.1f s, checkpoint starts from "
                        "pg_control_checkpoint() and the checkpointer's wait event (%zu seen)\n",
                dir, cf.server_version / 10000, cf.server_version % 100, cf.window_s,
                cf.log.n_ckpts);
        ws_calibrate_print(report, &ci, &res);
    }
    if (scenario)
        rc = write_scenario(scenario, &cf, &ci, &res, err);
out:
    ws_calibrate_result_free(&res);
    capfolder_free(&cf);
    return rc;
}
