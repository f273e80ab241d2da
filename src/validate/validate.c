/*
 * validate.c - measured versus simulated figures (see validate.h and
 * docs/validate.md): pg_waldump --stats, the span of statistics snapshots,
 * the measured window and its figures, the simulated figures over the same
 * span, the verdict, and the three outputs.
 *
 * Numbers go out with %.9g (JSON, CSV) or fixed decimals (the table), so
 * the same inputs give the same bytes.
 */
#include "walsim/slurp.h"
#include "walsim/json.h"
#include "walsim/validate.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/db.h"

/* ------------------------------------------------------------------ */
/* The figures                                                         */

static const ws_validate_fig_info fig_info[WS_VF__COUNT] = {
    [WS_VF_CKPT_TIMED] = {"checkpoints_timed", "count", WS_VGOAL_EXACT, 0, 0,
                          "checkpoints started in the window by checkpoint_timeout"},
    [WS_VF_CKPT_REQ] = {"checkpoints_req", "count", WS_VGOAL_EXACT, 0, 0,
                        "checkpoints started in the window by request (WAL volume, CHECKPOINT)"},
    [WS_VF_CKPT_WRITE] = {"checkpoint_write_s", "s", WS_VGOAL_REL, 0.10, 3,
                          "mean write phase (write= of the complete line)"},
    [WS_VF_CKPT_SYNC] = {"checkpoint_sync_s", "s", WS_VGOAL_NONE, 0, 3, "mean sync phase (sync=)"},
    [WS_VF_CKPT_TOTAL] = {"checkpoint_total_s", "s", WS_VGOAL_NONE, 0, 3, "mean duration (total=)"},
    [WS_VF_CKPT_BUFFERS] = {"buffers_per_checkpoint", "count", WS_VGOAL_REL, 0.10, 1,
                            "mean buffers written by a checkpoint (wrote N buffers)"},
    [WS_VF_CKPT_DISTANCE] = {"checkpoint_distance_bytes", "bytes", WS_VGOAL_NONE, 0, 0,
                             "mean WAL between redo pointers (distance=)"},
    [WS_VF_WAL_PER_TX] = {"wal_bytes_per_tx", "bytes", WS_VGOAL_REL, 0.10, 1,
                          "WAL bytes (records and images) per transaction"},
    [WS_VF_FPI_SHARE] = {"fpi_share", "ratio", WS_VGOAL_REL, 0.10, 4,
                         "share of WAL bytes that are full-page images"},
    [WS_VF_FPI_PER_TX] = {"fpi_per_tx", "per tx", WS_VGOAL_NONE, 0, 4,
                          "full-page images per transaction"},
    [WS_VF_TPS] = {"tps", "1/s", WS_VGOAL_REL, 0.15, 1, "transactions per second in the window"},
    [WS_VF_LAT_MEAN] = {"mean_latency_ms", "ms", WS_VGOAL_NONE, 0, 3, "mean latency"},
    [WS_VF_LAT_P50] = {"p50_latency_ms", "ms", WS_VGOAL_NONE, 0, 3, "median latency"},
    [WS_VF_LAT_P95] = {"p95_latency_ms", "ms", WS_VGOAL_NONE, 0, 3, "95th percentile latency"},
    [WS_VF_LAT_P99] = {"p99_latency_ms", "ms", WS_VGOAL_REL, 0.25, 3, "99th percentile latency"},
    [WS_VF_BUF_CKPT_PER_TX] = {"buffers_checkpoint_per_tx", "per tx", WS_VGOAL_NONE, 0, 4,
                               "buffers written by the checkpointer per transaction"},
    [WS_VF_BUF_CLEAN_PER_TX] = {"buffers_clean_per_tx", "per tx", WS_VGOAL_NONE, 0, 4,
                                "buffers written by the background writer per transaction"},
    [WS_VF_BUF_BACKEND_PER_TX] = {"buffers_backend_per_tx", "per tx", WS_VGOAL_NONE, 0, 4,
                                  "buffers written by backends per transaction"},
    [WS_VF_LAT_IDLE_MEAN] = {"mean_latency_idle_ms", "ms", WS_VGOAL_NONE, 0, 3,
                             "mean latency, completed outside any checkpoint"},
    [WS_VF_LAT_IDLE_P99] = {"p99_latency_idle_ms", "ms", WS_VGOAL_NONE, 0, 3,
                            "p99 latency, completed outside any checkpoint"},
    [WS_VF_LAT_WRITE_MEAN] = {"mean_latency_write_ms", "ms", WS_VGOAL_NONE, 0, 3,
                              "mean latency, completed in a write phase"},
    [WS_VF_LAT_WRITE_P99] = {"p99_latency_write_ms", "ms", WS_VGOAL_NONE, 0, 3,
                             "p99 latency, completed in a write phase"},
    [WS_VF_LAT_SYNC_MEAN] = {"mean_latency_sync_ms", "ms", WS_VGOAL_NONE, 0, 3,
                             "mean latency, completed in a sync phase"},
    [WS_VF_LAT_SYNC_P99] = {"p99_latency_sync_ms", "ms", WS_VGOAL_NONE, 0, 3,
                            "p99 latency, completed in a sync phase"},
};

const ws_validate_fig_info *ws_validate_fig_info_get(ws_validate_fig f)
{
    if ((int)f < 0 || f >= WS_VF__COUNT)
        return NULL;
    return &fig_info[f];
}

static void figures_clear(ws_validate_figures *fg)
{
    for (int i = 0; i < WS_VF__COUNT; i++) {
        fg->v[i] = NAN;
        fg->source[i] = NULL;
    }
}

static void put(ws_validate_figures *fg, ws_validate_fig f, double v, const char *src)
{
    fg->v[f] = v;
    fg->source[f] = isnan(v) ? NULL : src;
}

/* ------------------------------------------------------------------ */
/* pg_waldump --stats                                                  */

static const char *skip_blank(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* An unsigned decimal of at most 19 digits (no overflow) as a double. */
static bool read_count(const char **pp, const char *end, double *v)
{
    const char *p = skip_blank(*pp, end);
    uint64_t x = 0;
    int digits = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        if (++digits > 19)
            return false;
        x = x * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (digits == 0)
        return false;
    *v = (double)x;
    *pp = p;
    return true;
}

/* The "[5.10%]" after a byte count: skipped when present. */
static void skip_share(const char **pp, const char *end)
{
    const char *p = skip_blank(*pp, end);
    if (p < end && *p == '[') {
        const char *q = memchr(p, ']', (size_t)(end - p));
        if (q)
            *pp = q + 1;
    }
}

static bool parse_range(const char *s, const char *end, uint64_t *a, uint64_t *b)
{
    static const char head[] = "WAL statistics between ";
    size_t hl = sizeof head - 1;
    if ((size_t)(end - s) < hl || memcmp(s, head, hl) != 0)
        return false;
    const char *p = s + hl;
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    if (!sp || ws_pgstats_lsn_parse(p, (size_t)(sp - p), a) != WS_OK)
        return false;
    p = sp;
    if ((size_t)(end - p) < 5 || memcmp(p, " and ", 5) != 0)
        return false;
    p += 5;
    const char *colon = memchr(p, ':', (size_t)(end - p));
    return colon && ws_pgstats_lsn_parse(p, (size_t)(colon - p), b) == WS_OK;
}

int ws_waldump_stats_parse_string(const char *text, size_t len, const char *name,
                                  ws_waldump_stats *out, ws_diag *err)
{
    memset(out, 0, sizeof *out);
    const char *p = text, *end = text + len;
    int line = 0;
    bool found = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        const char *s = p;
        p = nl ? nl + 1 : end;
        if (le > s && le[-1] == '\r')
            le--;
        uint64_t a, b;
        if (parse_range(s, le, &a, &b)) {
            out->has_range = true;
            out->start_lsn = a;
            out->end_lsn = b;
            continue;
        }
        if ((size_t)(le - s) < 6 || memcmp(s, "Total", 5) != 0 || (s[5] != ' ' && s[5] != '\t'))
            continue;
        /* pg_waldump.c XLogDumpDisplayStats: "Total" N, record bytes
         * [share], FPI bytes [share], combined bytes [100%]. */
        const char *q = s + 5;
        double n, rec, fpi, comb;
        bool ok = read_count(&q, le, &n) && read_count(&q, le, &rec);
        if (ok) {
            skip_share(&q, le);
            ok = read_count(&q, le, &fpi);
        }
        if (ok) {
            skip_share(&q, le);
            ok = read_count(&q, le, &comb);
        }
        if (!ok) {
            ws_diag_set(err, name, line,
                        "pg_waldump Total line: expected 'Total N RECORD_BYTES [x%%] FPI_BYTES "
                        "[y%%] COMBINED_BYTES [100%%]' (the output of pg_waldump --stats)");
            return WS_EINPUT;
        }
        if (rec + fpi != comb) {
            ws_diag_set(err, name, line,
                        "pg_waldump Total line: combined size %.0f is not record size %.0f + FPI "
                        "size %.0f",
                        comb, rec, fpi);
            return WS_EINPUT;
        }
        out->records = n;
        out->record_bytes = rec;
        out->fpi_bytes = fpi;
        out->combined_bytes = comb;
        out->total_line = line;
        found = true;
    }
    if (!found) {
        ws_diag_set(err, name, 0,
                    "no 'Total' line: expected the output of pg_waldump --stats (or "
                    "--stats=record)");
        return WS_EINPUT;
    }
    return WS_OK;
}

int ws_waldump_stats_read_file(const char *path, ws_waldump_stats *out, ws_diag *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ws_diag_set(err, path, 0, "cannot open: %s", strerror(errno));
        return WS_EIO;
    }
    char *buf;
    size_t n;
    int rc = ws_slurp(f, path, (size_t)64 << 20,
                      "larger than 64 MB: not pg_waldump --stats output", &buf, &n, err);
    if (rc != WS_OK)
        return rc;
    rc = ws_waldump_stats_parse_string(buf, n, path, out, err);
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Statistics snapshots                                                */

typedef struct stat_row {
    const ws_pgstats_snap *snap;
    size_t file, order;
} stat_row;

static int cmp_stat_row(const void *a, const void *b)
{
    const stat_row *x = a, *y = b;
    double ex = x->snap->v[WS_PGSTAT_EPOCH], ey = y->snap->v[WS_PGSTAT_EPOCH];
    if (ex != ey)
        return ex < ey ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int ws_validate_stats_span(const ws_pgstats *const *files, const char *const *names, size_t n,
                           ws_pgstats_snap *before, ws_pgstats_snap *after, ws_diag *err)
{
    for (int f = 0; f < WS_PGSTAT_COUNT; f++)
        before->v[f] = after->v[f] = NAN;
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += files[i]->n_rows;
    if (total == 0)
        return WS_OK;
    stat_row *rows = malloc(total * sizeof *rows);
    if (!rows) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    size_t k = 0;
    bool all_epoch = true;
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < files[i]->n_rows; r++) {
            rows[k] = (stat_row){&files[i]->rows[r], i, k};
            all_epoch = all_epoch && isfinite(files[i]->rows[r].v[WS_PGSTAT_EPOCH]);
            k++;
        }
    /* Without an epoch in every row, the order given is the time order. */
    if (all_epoch)
        qsort(rows, total, sizeof *rows, cmp_stat_row);
    for (int f = 0; f < WS_PGSTAT_COUNT; f++) {
        size_t seen = 0;
        const stat_row *prev = NULL;
        for (size_t i = 0; i < total; i++) {
            double v = rows[i].snap->v[f];
            if (isnan(v))
                continue;
            if (prev && v < prev->snap->v[f]) {
                char where[300] = "";
                if (names)
                    snprintf(where, sizeof where, " (%s, then %s)", names[prev->file],
                             names[rows[i].file]);
                ws_diag_set(err, NULL, 0,
                            "statistics: %s went down from %.17g to %.17g%s: the statistics were "
                            "reset between the snapshots, or the snapshots are out of order",
                            ws_pgstats_name((ws_pgstat)f), prev->snap->v[f], v, where);
                free(rows);
                return WS_EINPUT;
            }
            if (!seen)
                before->v[f] = v;
            after->v[f] = v;
            seen++;
            prev = &rows[i];
        }
        if (seen < 2)
            before->v[f] = after->v[f] = NAN;
    }
    free(rows);
    return WS_OK;
}

/* ------------------------------------------------------------------ */
/* Loading the files                                                   */

static void loaded_add(ws_validate_loaded *l, const char *kind, const char *file)
{
    l->kind[l->n_files] = kind;
    l->file[l->n_files++] = file;
}

int ws_validate_load(const ws_validate_files *fs, ws_validate_loaded *l, ws_diag *err)
{
    memset(l, 0, sizeof *l);
    ws_pgbench_txlog_init(&l->txlog);
    ws_pgbench_agg_init(&l->agg);
    ws_pgbench_progress_init(&l->progress);
    size_t total = (fs->pg_log != NULL) + fs->n_pgbench_logs + fs->n_pgbench_aggs +
                   (fs->pgbench_progress != NULL) + fs->n_stats + (fs->waldump != NULL);
    l->kind = calloc(total + 1, sizeof *l->kind);
    l->file = calloc(total + 1, sizeof *l->file);
    l->stats = calloc(fs->n_stats + 1, sizeof *l->stats);
    int rc = WS_OK;
    if (!l->kind || !l->file || !l->stats) {
        ws_diag_set(err, NULL, 0, "out of memory");
        rc = WS_ENOMEM;
        goto fail;
    }
    if (fs->pg_log) {
        if ((rc = ws_pglog_read_file(fs->pg_log, &l->log, err)) != WS_OK)
            goto fail;
        if (l->log->lines == 0) {
            /* PostgreSQL writes at least its start-up lines: nothing to
             * compare is bad input, not a figure that fails. */
            ws_diag_set(err, fs->pg_log, 0,
                        "empty; expected a PostgreSQL server log with log_checkpoints = on");
            rc = WS_EINPUT;
            goto fail;
        }
        loaded_add(l, "pg_log", fs->pg_log);
        l->in.log = l->log;
    }
    for (size_t i = 0; i < fs->n_pgbench_logs; i++) {
        if ((rc = ws_pgbench_txlog_add_file(&l->txlog, fs->pgbench_logs[i], fs->pgbench_flags,
                                            err)) != WS_OK)
            goto fail;
        loaded_add(l, "pgbench_log", fs->pgbench_logs[i]);
        l->in.txlog = &l->txlog;
    }
    for (size_t i = 0; i < fs->n_pgbench_aggs; i++) {
        if ((rc = ws_pgbench_agg_add_file(&l->agg, fs->pgbench_aggs[i], err)) != WS_OK)
            goto fail;
        loaded_add(l, "pgbench_agg", fs->pgbench_aggs[i]);
        l->in.agg = &l->agg;
    }
    if (fs->pgbench_progress) {
        if ((rc = ws_pgbench_progress_add_file(&l->progress, fs->pgbench_progress, err)) != WS_OK)
            goto fail;
        loaded_add(l, "pgbench_progress", fs->pgbench_progress);
        l->in.progress = &l->progress;
    }
    for (size_t i = 0; i < fs->n_stats; i++) {
        if ((rc = ws_pgstats_read_file(fs->stats[i], &l->stats[i], err)) != WS_OK)
            goto fail;
        if (l->stats[i]->n_rows == 0) {
            ws_diag_set(err, fs->stats[i], 0,
                        "a header and no row: a snapshot is one row of psql --csv (was the file "
                        "cut short, or did the query return nothing?)");
            ws_pgstats_free(l->stats[i]);
            l->stats[i] = NULL;
            rc = WS_EINPUT;
            goto fail;
        }
        loaded_add(l, "stats", fs->stats[i]);
    }
    l->in.stats = (const ws_pgstats *const *)l->stats;
    l->in.stats_names = fs->stats;
    l->in.n_stats = fs->n_stats;
    if (fs->waldump) {
        if ((rc = ws_waldump_stats_read_file(fs->waldump, &l->waldump, err)) != WS_OK)
            goto fail;
        loaded_add(l, "waldump_stats", fs->waldump);
        l->in.waldump = &l->waldump;
    }
    return WS_OK;
fail:
    l->in.n_stats = fs->n_stats; /* so that free sees every slot */
    ws_validate_loaded_free(l);
    return rc;
}

void ws_validate_loaded_free(ws_validate_loaded *l)
{
    ws_pglog_free(l->log);
    ws_pgbench_txlog_free(&l->txlog);
    ws_pgbench_agg_free(&l->agg);
    ws_pgbench_progress_free(&l->progress);
    for (size_t i = 0; l->stats && i < l->in.n_stats; i++)
        ws_pgstats_free(l->stats[i]);
    free(l->stats);
    free(l->kind);
    free(l->file);
    memset(l, 0, sizeof *l);
}

/* ------------------------------------------------------------------ */
/* Transactions over time                                              */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int txcount_from_series(const ws_pgbench_series *s, ws_validate_txcount *out, ws_diag *err)
{
    out->t = malloc((s->n + 1) * sizeof *out->t);
    out->c = malloc((s->n + 1) * sizeof *out->c);
    if (!out->t || !out->c) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    out->t[0] = s->pt[0].start;
    out->c[0] = 0;
    double cum = 0;
    for (size_t i = 0; i < s->n; i++) {
        cum += (double)s->pt[i].count;
        out->t[i + 1] = s->pt[i].start + s->pt[i].length;
        out->c[i + 1] = cum;
    }
    out->n = s->n + 1;
    out->step = false;
    return WS_OK;
}

/* The series of an aggregate or progress log (NULL with status WS_OK
 * when the input has neither). */
static int measured_series(const ws_validate_input *in, ws_pgbench_series **s, ws_diag *err)
{
    *s = NULL;
    if (in->agg && in->agg->n_rows > 0)
        return ws_pgbench_series_from_agg(in->agg, s, err);
    if (in->progress && in->progress->n_rows > 0) {
        if (!in->progress->epoch) {
            ws_diag_set(err, NULL, 0,
                        "pgbench progress: the times are seconds since pgbench started, not "
                        "epochs: run pgbench with --progress-timestamp so that they can be "
                        "placed against the server log");
            return WS_EINPUT;
        }
        return ws_pgbench_series_from_progress(in->progress, s, err);
    }
    return WS_OK;
}

int ws_validate_txcount_build(const ws_validate_input *in, ws_validate_txcount *out,
                              ws_diag *err)
{
    *out = (ws_validate_txcount){0};
    int rc;
    if (in->txlog && in->txlog->n_ok > 0) {
        const ws_pgbench_txlog *l = in->txlog;
        out->t = malloc((size_t)l->n_ok * sizeof *out->t);
        out->c = malloc((size_t)l->n_ok * sizeof *out->c);
        if (!out->t || !out->c) {
            ws_validate_txcount_free(out);
            ws_diag_set(err, NULL, 0, "out of memory");
            return WS_ENOMEM;
        }
        size_t k = 0;
        for (size_t i = 0; i < l->n_tx && k < (size_t)l->n_ok; i++)
            if (l->tx[i].status == WS_PGBENCH_OK)
                out->t[k++] = (double)l->tx[i].end_us / 1e6;
        qsort(out->t, k, sizeof *out->t, cmp_double);
        for (size_t i = 0; i < k; i++)
            out->c[i] = (double)(i + 1);
        out->n = k;
        out->step = true;
        return WS_OK;
    }
    ws_pgbench_series *s;
    if ((rc = measured_series(in, &s, err)) != WS_OK)
        return rc;
    if (!s) {
        ws_diag_set(err, NULL, 0, "no pgbench log with a transaction");
        return WS_EINPUT;
    }
    rc = txcount_from_series(s, out, err);
    ws_pgbench_series_free(s);
    if (rc != WS_OK)
        ws_validate_txcount_free(out);
    return rc;
}

const char *ws_validate_tx_source(const ws_validate_input *in)
{
    if (in->txlog && in->txlog->n_ok > 0)
        return "pgbench per-transaction log";
    if (in->agg && in->agg->n_rows > 0)
        return "pgbench aggregate log";
    if (in->progress && in->progress->n_rows > 0)
        return "pgbench progress reports";
    return NULL;
}

double ws_validate_txcount_at(const ws_validate_txcount *tc, double t)
{
    if (tc->n == 0)
        return 0;
    if (tc->step) {
        /* transactions that ended at or before t: the upper bound of t */
        size_t lo = 0, hi = tc->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (tc->t[mid] <= t)
                lo = mid + 1;
            else
                hi = mid;
        }
        return (double)lo;
    }
    if (t <= tc->t[0])
        return tc->c[0];
    if (t >= tc->t[tc->n - 1])
        return tc->c[tc->n - 1];
    size_t lo = 0, hi = tc->n - 1; /* t[lo] < t < t[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tc->t[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    double span = tc->t[hi] - tc->t[lo];
    return span > 0 ? tc->c[lo] + (tc->c[hi] - tc->c[lo]) * (t - tc->t[lo]) / span : tc->c[hi];
}

void ws_validate_txcount_free(ws_validate_txcount *tc)
{
    free(tc->t);
    free(tc->c);
    *tc = (ws_validate_txcount){0};
}

/* ------------------------------------------------------------------ */
/* The measured side                                                   */

void ws_validate_add_note(ws_validate_measured *m, const char *fmt, ...)
{
    if (m->n_notes >= WS_VALIDATE_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->notes[m->n_notes++], sizeof m->notes[0], fmt, ap);
    va_end(ap);
}

/* CheckpointerMain (checkpointer.c) counts a checkpoint as requested when
 * any request flag is set and as timed only when checkpoint_timeout alone
 * started it; ShutdownXLOG's checkpoint is counted as neither. */
static int pglog_kind(unsigned flags)
{
    if (flags & WS_PGLOG_SHUTDOWN)
        return WS_VCK_SHUTDOWN;
    return (flags & ~(unsigned)WS_PGLOG_TIME) ? WS_VCK_REQUESTED : WS_VCK_TIMED;
}

static int cmp_ckpt(const void *a, const void *b)
{
    const ws_validate_ckpt *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->rec->start_line < y->rec->start_line ? -1 : x->rec->start_line > y->rec->start_line;
}

static int build_ckpts(const ws_pglog *log, ws_validate_measured *m)
{
    if (!log || log->n_ckpts == 0)
        return WS_OK;
    m->ckpts = calloc(log->n_ckpts, sizeof *m->ckpts);
    if (!m->ckpts)
        return WS_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < log->n_ckpts; i++) {
        const ws_pglog_ckpt *r = &log->ckpts[i];
        if (!r->has_start)
            continue; /* the log began during it: it cannot be placed */
        ws_validate_ckpt *c = &m->ckpts[k++];
        c->rec = r;
        c->start = r->start_time;
        c->kind = pglog_kind(r->flags);
        c->in_window = c->kind != WS_VCK_SHUTDOWN && r->start_time >= m->window_start &&
                       r->start_time <= m->window_end;
        if (r->has_complete) {
            c->sync_start = r->start_time + r->write_s;
            c->sync_end = c->sync_start + r->sync_s;
        } else {
            c->sync_start = c->sync_end = NAN;
        }
        /* A checkpoint running when the server is asked to stop finishes
         * at full speed (CheckpointWriteDelay stops sleeping once a
         * shutdown is pending); ShutdownXLOG's own checkpoint follows at
         * once.  Its write time says nothing about pacing. */
        bool hurried = false;
        if (r->has_complete && r->complete_time > m->window_end && i + 1 < log->n_ckpts) {
            const ws_pglog_ckpt *nx = &log->ckpts[i + 1];
            hurried = nx->has_start && (nx->flags & WS_PGLOG_SHUTDOWN) &&
                      nx->start_time - r->complete_time >= -0.001 &&
                      nx->start_time - r->complete_time <= 0.1;
        }
        c->in_means = c->in_window && r->has_complete && !hurried;
    }
    m->n_ckpts = k;
    qsort(m->ckpts, k, sizeof *m->ckpts, cmp_ckpt);
    return WS_OK;
}

/* Phase at the instant t: the same rule the simulation applies to a
 * transaction at its completion. */
static int phase_at(const ws_validate_measured *m, double t)
{
    size_t lo = 0, hi = m->n_ckpts;
    while (lo < hi) { /* first checkpoint starting after t */
        size_t mid = lo + (hi - lo) / 2;
        if (m->ckpts[mid].start <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const ws_validate_ckpt *c = &m->ckpts[lo - 1];
    if (isnan(c->sync_start))
        return 1; /* still running when the log ended */
    if (t <= c->sync_start)
        return 1;
    return t <= c->sync_end ? 2 : 0;
}

/* Phase of an interval [b0, b1]: sync if it overlaps a sync phase, else
 * write if it overlaps a write phase (the rule of analyze.py and of
 * timeline.csv).  *lo advances past checkpoints that ended before b0. */
static int phase_over(const ws_validate_measured *m, size_t *lo, double b0, double b1)
{
    while (*lo < m->n_ckpts && !isnan(m->ckpts[*lo].sync_end) && m->ckpts[*lo].sync_end < b0)
        (*lo)++;
    int ph = 0;
    for (size_t j = *lo; j < m->n_ckpts && m->ckpts[j].start <= b1; j++) {
        const ws_validate_ckpt *c = &m->ckpts[j];
        if (isnan(c->sync_start)) {
            ph = 1;
            continue;
        }
        if (b0 <= c->sync_end && b1 >= c->sync_start)
            return 2;
        if (b0 <= c->sync_start && b1 >= c->start)
            ph = 1;
    }
    return ph;
}

static void checkpoint_figures(ws_validate_measured *m)
{
    ws_validate_figures *fg = &m->fig;
    double timed = 0, req = 0, n = 0, w = 0, s = 0, t = 0, b = 0, d = 0;
    for (size_t i = 0; i < m->n_ckpts; i++) {
        const ws_validate_ckpt *c = &m->ckpts[i];
        if (!c->in_window)
            continue;
        timed += c->kind == WS_VCK_TIMED;
        req += c->kind == WS_VCK_REQUESTED;
        if (!c->in_means)
            continue;
        n++;
        w += c->rec->write_s;
        s += c->rec->sync_s;
        t += c->rec->total_s;
        b += (double)c->rec->buffers;
        d += (double)c->rec->distance_kb * 1024;
    }
    const char *src = "server log: checkpoints started in the window";
    const char *msrc = "server log: mean over the checkpoints started in the window that completed";
    put(fg, WS_VF_CKPT_TIMED, timed, src);
    put(fg, WS_VF_CKPT_REQ, req, src);
    if (n > 0) {
        put(fg, WS_VF_CKPT_WRITE, w / n, msrc);
        put(fg, WS_VF_CKPT_SYNC, s / n, msrc);
        put(fg, WS_VF_CKPT_TOTAL, t / n, msrc);
        put(fg, WS_VF_CKPT_BUFFERS, b / n, msrc);
        put(fg, WS_VF_CKPT_DISTANCE, d / n, msrc);
    }
}

typedef struct tx_at {
    uint32_t bucket;
    double lat_ms;
} tx_at;

static int cmp_tx_at(const void *a, const void *b)
{
    const tx_at *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return x->lat_ms < y->lat_ms ? -1 : x->lat_ms > y->lat_ms;
}

static double mean_of(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return n ? s / (double)n : NAN;
}

/* Latency figures and series buckets from a per-transaction log. */
static int from_txlog(const ws_pgbench_txlog *l, ws_validate_measured *m, bool have_log)
{
    double t0 = m->window_start, t1 = m->window_end;
    size_t n = 0;
    for (size_t i = 0; i < l->n_tx; i++) {
        double e = (double)l->tx[i].end_us / 1e6;
        n += l->tx[i].status == WS_PGBENCH_OK && e >= t0 && e <= t1;
    }
    m->window_transactions = (int64_t)n;
    if (n == 0)
        return WS_OK;
    double *all = malloc(n * sizeof *all);
    double *ph[3] = {malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                     malloc(n * sizeof(double))};
    size_t nph[3] = {0, 0, 0};
    tx_at *bt = malloc(n * sizeof *bt);
    int rc = WS_ENOMEM;
    if (!all || !ph[0] || !ph[1] || !ph[2] || !bt)
        goto out;
    size_t k = 0;
    for (size_t i = 0; i < l->n_tx && k < n; i++) {
        const ws_pgbench_tx *x = &l->tx[i];
        double e = (double)x->end_us / 1e6;
        if (x->status != WS_PGBENCH_OK || e < t0 || e > t1)
            continue;
        double lat = (double)x->latency_us / 1e3;
        all[k] = lat;
        size_t b = (size_t)floor((e - t0) / m->interval);
        if (b >= m->n_series)
            b = m->n_series - 1; /* a completion exactly at the window end */
        bt[k] = (tx_at){(uint32_t)b, lat};
        k++;
        if (have_log) {
            int p = phase_at(m, e);
            ph[p][nph[p]++] = lat;
        }
    }
    qsort(all, n, sizeof *all, cmp_double);
    ws_validate_figures *fg = &m->fig;
    const char *src = "pgbench per-transaction log: transactions completed in the window";
    put(fg, WS_VF_LAT_MEAN, mean_of(all, n), src);
    put(fg, WS_VF_LAT_P50, ws_pgbench_quantile(all, n, 0.50), src);
    put(fg, WS_VF_LAT_P95, ws_pgbench_quantile(all, n, 0.95), src);
    put(fg, WS_VF_LAT_P99, ws_pgbench_quantile(all, n, 0.99), src);
    if (have_log) {
        const char *psrc = "pgbench per-transaction log and server log: phase at completion";
        static const ws_validate_fig mean_f[3] = {WS_VF_LAT_IDLE_MEAN, WS_VF_LAT_WRITE_MEAN,
                                                  WS_VF_LAT_SYNC_MEAN};
        static const ws_validate_fig p99_f[3] = {WS_VF_LAT_IDLE_P99, WS_VF_LAT_WRITE_P99,
                                                 WS_VF_LAT_SYNC_P99};
        for (int p = 0; p < 3; p++) {
            if (nph[p] == 0)
                continue;
            qsort(ph[p], nph[p], sizeof(double), cmp_double);
            put(fg, mean_f[p], mean_of(ph[p], nph[p]), psrc);
            put(fg, p99_f[p], ws_pgbench_quantile(ph[p], nph[p], 0.99), psrc);
        }
    }
    /* per interval: sorted by interval, then latency */
    qsort(bt, n, sizeof *bt, cmp_tx_at);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && bt[j].bucket == bt[i].bucket)
            j++;
        for (size_t q = i; q < j; q++)
            all[q - i] = bt[q].lat_ms; /* all[] is free for reuse now */
        ws_validate_point *pt = &m->series[bt[i].bucket];
        pt->count = (int64_t)(j - i);
        pt->lat_mean_ms = mean_of(all, j - i);
        pt->lat_p50_ms = ws_pgbench_quantile(all, j - i, 0.50);
        pt->lat_p99_ms = ws_pgbench_quantile(all, j - i, 0.99);
        i = j;
    }
    rc = WS_OK;
out:
    free(all);
    for (int p = 0; p < 3; p++)
        free(ph[p]);
    free(bt);
    return rc;
}

/* Latency mean and series buckets from aggregate or progress intervals:
 * an interval belongs to the window (and to the bucket) of its midpoint. */
static void from_series(const ws_pgbench_series *s, ws_validate_measured *m, const char *src)
{
    double t0 = m->window_start, t1 = m->window_end;
    double cnt = 0, lat = 0;
    for (size_t i = 0; i < s->n; i++) {
        const ws_pgbench_point *p = &s->pt[i];
        double mid = p->start + p->length / 2;
        if (mid < t0 || mid > t1)
            continue;
        cnt += (double)p->count;
        if (p->count > 0 && isfinite(p->lat_mean_ms))
            lat += p->lat_mean_ms * (double)p->count;
        size_t b = (size_t)floor((mid - t0) / m->interval);
        if (b >= m->n_series)
            b = m->n_series - 1;
        ws_validate_point *pt = &m->series[b];
        double prev = (double)pt->count;
        pt->count += p->count;
        if (p->count > 0 && isfinite(p->lat_mean_ms))
            pt->lat_mean_ms = isnan(pt->lat_mean_ms)
                                  ? p->lat_mean_ms
                                  : (pt->lat_mean_ms * prev + p->lat_mean_ms * (double)p->count) /
                                        (double)pt->count;
    }
    m->window_transactions = (int64_t)llround(cnt);
    put(&m->fig, WS_VF_LAT_MEAN, cnt > 0 ? lat / cnt : NAN, src);
}

static void stats_figures(const ws_validate_input *in, ws_validate_measured *m)
{
    const ws_pgstats_snap *d = &m->stats_delta;
    ws_validate_figures *fg = &m->fig;
    double tx = (double)m->stats_transactions;
    if (m->stats_transactions > 0) {
        if (isfinite(d->v[WS_PGSTAT_WAL_BYTES]))
            put(fg, WS_VF_WAL_PER_TX, d->v[WS_PGSTAT_WAL_BYTES] / tx,
                "pg_stat_wal: wal_bytes difference / transactions between the snapshots");
        else if (isfinite(d->v[WS_PGSTAT_LSN]))
            put(fg, WS_VF_WAL_PER_TX, d->v[WS_PGSTAT_LSN] / tx,
                "LSN difference / transactions (includes WAL page headers: about 0.5 % more "
                "than wal_bytes)");
        put(fg, WS_VF_FPI_PER_TX, d->v[WS_PGSTAT_WAL_FPI] / tx,
            "pg_stat_wal: wal_fpi difference / transactions");
        put(fg, WS_VF_BUF_CKPT_PER_TX, d->v[WS_PGSTAT_BUFFERS_CHECKPOINT] / tx,
            "pg_stat_bgwriter: buffers_checkpoint difference / transactions");
        put(fg, WS_VF_BUF_CLEAN_PER_TX, d->v[WS_PGSTAT_BUFFERS_CLEAN] / tx,
            "pg_stat_bgwriter: buffers_clean difference / transactions");
        put(fg, WS_VF_BUF_BACKEND_PER_TX, d->v[WS_PGSTAT_BUFFERS_BACKEND] / tx,
            "pg_stat_bgwriter: buffers_backend difference / transactions");
    }
    if (in->waldump && in->waldump->combined_bytes > 0)
        put(fg, WS_VF_FPI_SHARE, in->waldump->fpi_bytes / in->waldump->combined_bytes,
            "pg_waldump --stats: FPI size / combined size");
}

static int find_window(const ws_validate_input *in, const ws_pgbench_series *series,
                       ws_validate_measured *m, ws_diag *err)
{
    if (in->has_window) {
        if (!isfinite(in->window_start) || !isfinite(in->window_end) ||
            in->window_end <= in->window_start) {
            ws_diag_set(err, NULL, 0, "--window: the end must come after the start");
            return WS_EINPUT;
        }
        m->window_start = in->window_start;
        m->window_end = in->window_end;
        m->window_source = "--window";
        return WS_OK;
    }
    if (in->txlog && in->txlog->n_tx > 0) {
        double a = INFINITY, b = -INFINITY;
        for (size_t i = 0; i < in->txlog->n_tx; i++) {
            const ws_pgbench_tx *x = &in->txlog->tx[i];
            double e = (double)x->end_us / 1e6;
            double s = x->latency_us >= 0 ? e - (double)x->latency_us / 1e6 : e;
            a = fmin(a, s);
            b = fmax(b, e);
        }
        m->window_start = a;
        m->window_end = b;
        m->window_source = "pgbench per-transaction log: first transaction's start to last "
                           "transaction's end";
    } else if (series) {
        m->window_start = series->pt[0].start;
        m->window_end = series->pt[series->n - 1].start + series->pt[series->n - 1].length;
        m->window_source = in->agg && in->agg->n_rows
                               ? "pgbench aggregate log: first to last interval"
                               : "pgbench progress reports: first to last report";
    } else if (isfinite(m->stats_delta.v[WS_PGSTAT_EPOCH])) {
        return WS_OK; /* set by the caller from the snapshots */
    } else {
        ws_diag_set(err, NULL, 0,
                    "no measured window: give a pgbench log, statistics snapshots with an epoch "
                    "column, or --window START..END (epoch seconds)");
        return WS_EINPUT;
    }
    if (!(m->window_end > m->window_start)) {
        ws_diag_set(err, NULL, 0, "the pgbench log spans no time: no window to measure");
        return WS_EINPUT;
    }
    return WS_OK;
}

int ws_validate_measure(const ws_validate_input *in, double interval, ws_validate_measured *m,
                        ws_diag *err)
{
    memset(m, 0, sizeof *m);
    figures_clear(&m->fig);
    m->stats_transactions = -1;
    m->interval = interval > 0 ? interval : 1;
    for (int f = 0; f < WS_PGSTAT_COUNT; f++)
        m->stats_delta.v[f] = NAN;
    int rc = WS_OK;
    ws_pgbench_series *series = NULL;
    ws_validate_txcount tc = {0};
    ws_pgstats_snap before, after;
    for (int f = 0; f < WS_PGSTAT_COUNT; f++)
        before.v[f] = after.v[f] = NAN;

    if (in->n_stats > 0) {
        if ((rc = ws_validate_stats_span(in->stats, in->stats_names, in->n_stats, &before, &after,
                                         err)) != WS_OK)
            goto fail;
        for (int f = 0; f < WS_PGSTAT_COUNT; f++)
            m->stats_delta.v[f] = after.v[f] - before.v[f];
    }
    /* one source of transactions: the per-transaction log when there is one */
    if (!(in->txlog && in->txlog->n_ok > 0) && (rc = measured_series(in, &series, err)) != WS_OK)
        goto fail;
    bool have_tx = (in->txlog && in->txlog->n_ok > 0) || series;
    if (have_tx && (rc = ws_validate_txcount_build(in, &tc, err)) != WS_OK)
        goto fail;
    if ((rc = find_window(in, series, m, err)) != WS_OK)
        goto fail;
    if (!m->window_source) {
        m->window_start = before.v[WS_PGSTAT_EPOCH];
        m->window_end = after.v[WS_PGSTAT_EPOCH];
        m->window_source = "statistics snapshots: first to last epoch";
        if (!(m->window_end > m->window_start)) {
            ws_diag_set(err, NULL, 0, "the statistics snapshots span no time: no window");
            rc = WS_EINPUT;
            goto fail;
        }
    }
    double span = m->window_end - m->window_start;
    double nb = ceil(span / m->interval - 1e-9);
    if (nb > 1e7) {
        ws_diag_set(err, NULL, 0,
                    "a window of %.0f s at intervals of %g s is more than 10 million intervals",
                    span, m->interval);
        rc = WS_EINPUT;
        goto fail;
    }
    m->n_series = nb < 1 ? 1 : (size_t)nb;
    m->series = calloc(m->n_series, sizeof *m->series);
    rc = WS_ENOMEM;
    if (!m->series || build_ckpts(in->log, m) != WS_OK)
        goto nomem;
    for (size_t i = 0; i < m->n_series; i++) {
        ws_validate_point *p = &m->series[i];
        double b0 = m->window_start + (double)i * m->interval;
        p->len_s = fmin(m->interval, m->window_end - b0);
        p->lat_mean_ms = p->lat_p50_ms = p->lat_p99_ms = NAN;
    }
    size_t lo = 0;
    for (size_t i = 0; i < m->n_series; i++) {
        double b0 = m->window_start + (double)i * m->interval;
        m->series[i].phase = in->log ? phase_over(m, &lo, b0, b0 + m->series[i].len_s) : -1;
    }
    if (in->log)
        checkpoint_figures(m);

    if (in->txlog && in->txlog->n_ok > 0) {
        if (from_txlog(in->txlog, m, in->log != NULL) != WS_OK)
            goto nomem;
    } else if (series) {
        from_series(series, m,
                    in->agg && in->agg->n_rows ? "pgbench aggregate log: intervals in the window"
                                               : "pgbench progress reports in the window");
    }
    m->have_transactions = have_tx;
    if (have_tx)
        put(&m->fig, WS_VF_TPS, (double)m->window_transactions / span,
            in->txlog && in->txlog->n_ok ? "pgbench per-transaction log: transactions completed "
                                           "in the window / its length"
                                         : "pgbench intervals in the window / its length");

    /* transactions between the snapshots, for the per-transaction figures */
    if (in->transactions > 0) {
        m->stats_transactions = in->transactions;
        snprintf(m->stats_tx_source, sizeof m->stats_tx_source, "--transactions");
    } else if (have_tx && isfinite(before.v[WS_PGSTAT_EPOCH]) && in->n_stats > 0) {
        double n = ws_validate_txcount_at(&tc, after.v[WS_PGSTAT_EPOCH]) -
                   ws_validate_txcount_at(&tc, before.v[WS_PGSTAT_EPOCH]);
        m->stats_transactions = (int64_t)llround(n);
        snprintf(m->stats_tx_source, sizeof m->stats_tx_source,
                 "%s: transactions completed between the first and the last snapshot",
                 ws_validate_tx_source(in));
    } else if (have_tx) {
        m->stats_transactions = (int64_t)llround(tc.c[tc.n - 1]);
        snprintf(m->stats_tx_source, sizeof m->stats_tx_source,
                 "%s: every transaction (the snapshots have no epoch)", ws_validate_tx_source(in));
    }
    stats_figures(in, m);

    /* cross-checks and what is missing */
    const ws_pgstats_snap *d = &m->stats_delta;
    if (in->log && isfinite(d->v[WS_PGSTAT_CHECKPOINTS_TIMED]) &&
        (d->v[WS_PGSTAT_CHECKPOINTS_TIMED] != m->fig.v[WS_VF_CKPT_TIMED] ||
         d->v[WS_PGSTAT_CHECKPOINTS_REQ] != m->fig.v[WS_VF_CKPT_REQ]))
        ws_validate_add_note(m,
                             "the server log has %.0f timed and %.0f requested checkpoints in the "
                             "window; the statistics counted %.0f and %.0f between the snapshots",
                             m->fig.v[WS_VF_CKPT_TIMED], m->fig.v[WS_VF_CKPT_REQ],
                             d->v[WS_PGSTAT_CHECKPOINTS_TIMED], d->v[WS_PGSTAT_CHECKPOINTS_REQ]);
    if (in->n_stats > 0 && !in->waldump)
        ws_validate_add_note(m, "fpi_share not measured: pg_stat_wal counts images, not their "
                                "bytes; give --waldump-stats (pg_waldump --stats output)");
    if (in->n_stats > 0 && m->stats_transactions <= 0)
        ws_validate_add_note(m, "per-transaction figures not measured: no transaction count "
                                "between the snapshots (give a pgbench log or --transactions)");
    if (!in->log)
        ws_validate_add_note(m, "no server log: checkpoint figures not measured");
    for (size_t i = 0; i < m->n_ckpts; i++)
        if (m->ckpts[i].in_window && m->ckpts[i].rec->has_complete && !m->ckpts[i].in_means)
            ws_validate_add_note(m,
                                 "the checkpoint that started at %.3f (server log line %d) was "
                                 "hurried by the shutdown: left out of the means",
                                 m->ckpts[i].start, m->ckpts[i].rec->start_line);
    ws_pgbench_series_free(series);
    ws_validate_txcount_free(&tc);
    return WS_OK;
nomem:
    ws_diag_set(err, NULL, 0, "out of memory");
    rc = WS_ENOMEM;
fail:
    ws_pgbench_series_free(series);
    ws_validate_txcount_free(&tc);
    ws_validate_measured_free(m);
    return rc;
}

void ws_validate_measured_free(ws_validate_measured *m)
{
    free(m->ckpts);
    free(m->series);
    m->ckpts = NULL;
    m->series = NULL;
    m->n_ckpts = m->n_series = 0;
}

/* ------------------------------------------------------------------ */
/* The simulated side                                                  */

static int sim_kind(int flags)
{
    if (flags & WS_CKPT_F_SHUTDOWN)
        return WS_VCK_SHUTDOWN;
    return (flags & ~WS_CKPT_F_TIME) ? WS_VCK_REQUESTED : WS_VCK_TIMED;
}

void ws_validate_simulated(const ws_run_stats *st, const ws_run_detail *d, double warmup_s,
                           ws_validate_figures *out)
{
    figures_clear(out);
    ws_time w0 = (ws_time)llround(warmup_s * 1e9);
    ws_time w1 = (ws_time)llround((warmup_s + st->duration_s) * 1e9);
    double timed = 0, req = 0, n = 0, w = 0, s = 0, t = 0, b = 0, dist = 0;
    for (size_t i = 0; d && i < d->ckpts.n; i++) {
        ws_ckpt_record tmp;
        const ws_ckpt_record *c = ws_spool_get(&d->ckpts, i, &tmp);
        int kind = sim_kind(c->flags);
        if (kind == WS_VCK_SHUTDOWN || c->start < w0 || c->start > w1)
            continue;
        timed += kind == WS_VCK_TIMED;
        req += kind == WS_VCK_REQUESTED;
        if (!c->done)
            continue;
        n++;
        w += (double)(c->sync_start - c->start) / 1e9;
        s += (double)(c->end - c->sync_start) / 1e9;
        t += (double)(c->end - c->start) / 1e9;
        b += (double)c->buffers;
        dist += (double)c->distance;
    }
    const char *src = "simulation: checkpoints started after the warm-up";
    put(out, WS_VF_CKPT_TIMED, timed, src);
    put(out, WS_VF_CKPT_REQ, req, src);
    if (n > 0) {
        put(out, WS_VF_CKPT_WRITE, w / n, src);
        put(out, WS_VF_CKPT_SYNC, s / n, src);
        put(out, WS_VF_CKPT_TOTAL, t / n, src);
        put(out, WS_VF_CKPT_BUFFERS, b / n, src);
        put(out, WS_VF_CKPT_DISTANCE, dist / n, src);
    }
    double tx = 0, wal = 0, fpib = 0, fpi = 0, bc = 0, bl = 0, bb = 0;
    for (size_t i = 0; d && i < d->timeline.n; i++) {
        ws_interval tmp;
        const ws_interval *r = ws_timeline_get(&d->timeline, i, &tmp);
        if (r->t_s < warmup_s - 1e-9)
            continue;
        tx += (double)r->transactions;
        wal += (double)r->wal_bytes;
        fpib += (double)r->wal_fpi_bytes;
        fpi += (double)r->wal_fpi;
        bc += (double)r->buffers_checkpoint;
        bl += (double)r->buffers_clean;
        bb += (double)r->buffers_backend;
    }
    const char *tsrc = "simulation: timeline after the warm-up";
    if (tx > 0) {
        put(out, WS_VF_WAL_PER_TX, wal / tx, tsrc);
        put(out, WS_VF_FPI_PER_TX, fpi / tx, tsrc);
        put(out, WS_VF_BUF_CKPT_PER_TX, bc / tx, tsrc);
        put(out, WS_VF_BUF_CLEAN_PER_TX, bl / tx, tsrc);
        put(out, WS_VF_BUF_BACKEND_PER_TX, bb / tx, tsrc);
    }
    if (wal > 0)
        put(out, WS_VF_FPI_SHARE, fpib / wal, tsrc);
    const char *lsrc = "simulation: measured span";
    put(out, WS_VF_TPS, st->tps, lsrc);
    if (st->lat.n > 0) {
        put(out, WS_VF_LAT_MEAN, st->lat.mean_s * 1e3, lsrc);
        put(out, WS_VF_LAT_P50, st->lat.p50_s * 1e3, lsrc);
        put(out, WS_VF_LAT_P95, st->lat.p95_s * 1e3, lsrc);
        put(out, WS_VF_LAT_P99, st->lat.p99_s * 1e3, lsrc);
    }
    static const ws_validate_fig mean_f[3] = {WS_VF_LAT_IDLE_MEAN, WS_VF_LAT_WRITE_MEAN,
                                              WS_VF_LAT_SYNC_MEAN};
    static const ws_validate_fig p99_f[3] = {WS_VF_LAT_IDLE_P99, WS_VF_LAT_WRITE_P99,
                                             WS_VF_LAT_SYNC_P99};
    for (int p = 0; p < 3; p++)
        if (st->lat_phase[p].n > 0) {
            put(out, mean_f[p], st->lat_phase[p].mean_s * 1e3, lsrc);
            put(out, p99_f[p], st->lat_phase[p].p99_s * 1e3, lsrc);
        }
}

/* ------------------------------------------------------------------ */
/* The verdict                                                         */

void ws_validate_compare(const ws_validate_figures *ms, const ws_validate_figures *sm,
                         ws_validation *out)
{
    memset(out, 0, sizeof *out);
    for (int f = 0; f < WS_VF__COUNT; f++) {
        ws_validate_row *r = &out->row[f];
        const ws_validate_fig_info *fi = &fig_info[f];
        r->measured = ms->v[f];
        r->simulated = sm->v[f];
        double a = r->measured, b = r->simulated;
        if (isnan(a) || isnan(b))
            r->rel_error = NAN;
        else if (a == 0)
            r->rel_error = b == 0 ? 0 : NAN;
        else
            r->rel_error = (b - a) / fabs(a);
        if (fi->goal == WS_VGOAL_NONE) {
            r->status = isnan(a) ? WS_VS_NA : WS_VS_INFO;
            continue;
        }
        out->goals++;
        if (isnan(a)) {
            r->status = WS_VS_NA;
            out->not_measured++;
            continue;
        }
        bool pass;
        if (fi->goal == WS_VGOAL_EXACT)
            pass = !isnan(b) && a == b;
        else
            pass = !isnan(r->rel_error) && fabs(r->rel_error) <= fi->tolerance + 1e-12;
        r->status = pass ? WS_VS_PASS : WS_VS_FAIL;
        if (pass)
            out->passed++;
        else
            out->failed++;
    }
}

/* ------------------------------------------------------------------ */
/* Outputs                                                             */

static const char *status_word(ws_validate_status s)
{
    switch (s) {
    case WS_VS_PASS: return "PASS";
    case WS_VS_FAIL: return "FAIL";
    case WS_VS_INFO: return "-";
    default: return "n/a";
    }
}

static void goal_text(const ws_validate_fig_info *fi, char *buf, size_t len)
{
    if (fi->goal == WS_VGOAL_EXACT)
        snprintf(buf, len, "exact");
    else if (fi->goal == WS_VGOAL_REL)
        snprintf(buf, len, "%.0f%%", fi->tolerance * 100);
    else
        snprintf(buf, len, "-");
}

static void fixed(char *buf, size_t len, double v, int digits)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.*f", digits, v);
}

void ws_validate_print(FILE *f, const ws_validate_meta *meta, const ws_validate_measured *m,
                       const ws_validate_figures *sim, const ws_validation *v)
{
    (void)sim;
    fprintf(f, "validate %s, variant %s: %.0f s simulated", meta->scenario_file, meta->variant,
            meta->duration_s - meta->warmup_s);
    if (meta->warmup_s > 0)
        fprintf(f, " after %.0f s of warm-up", meta->warmup_s);
    fprintf(f, "\nmeasured window: %.3f .. %.3f (%.1f s, ", m->window_start, m->window_end,
            m->window_end - m->window_start);
    if (m->have_transactions)
        fprintf(f, "%" PRId64 " transactions; %s)\n", m->window_transactions, m->window_source);
    else
        fprintf(f, "no pgbench log; %s)\n", m->window_source);
    fprintf(f, "%-26s %14s %14s %9s %6s  %s\n", "figure", "measured", "simulated", "error",
            "goal", "result");
    for (int i = 0; i < WS_VF__COUNT; i++) {
        const ws_validate_fig_info *fi = &fig_info[i];
        const ws_validate_row *r = &v->row[i];
        char a[40], b[40], e[40], g[16];
        fixed(a, sizeof a, r->measured, fi->digits);
        fixed(b, sizeof b, r->simulated, fi->digits);
        if (isnan(r->rel_error))
            snprintf(e, sizeof e, "-");
        else
            snprintf(e, sizeof e, "%+.1f%%", r->rel_error * 100);
        goal_text(fi, g, sizeof g);
        fprintf(f, "%-26s %14s %14s %9s %6s  %s\n", fi->name, a, b, e, g, status_word(r->status));
    }
    fprintf(f, "%d of %d figures with a goal pass", v->passed, v->goals);
    if (v->failed)
        fprintf(f, ", %d fail%s", v->failed, v->failed == 1 ? "s" : "");
    if (v->not_measured)
        fprintf(f, ", %d not measured", v->not_measured);
    fprintf(f, ": %s\n", v->failed ? "FAIL" : "PASS");
    for (size_t i = 0; i < m->n_notes; i++)
        fprintf(f, "note: %s\n", m->notes[i]);
}

/* Strings through the JSON module's writer: escapes and valid UTF-8. */
static void json_string(FILE *f, const char *s) { ws_json_write_string(f, s); }

static void json_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.9g", x);
    else
        fputs("null", f);
}

/* Epoch seconds: %.9g would keep only whole seconds of them. */
static void json_epoch(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.6f", x);
    else
        fputs("null", f);
}

static const char *kind_name(int kind)
{
    return kind == WS_VCK_TIMED ? "timed" : kind == WS_VCK_REQUESTED ? "requested" : "shutdown";
}

void ws_validate_json(FILE *f, const ws_validate_meta *meta, const ws_validate_measured *m,
                      const ws_validate_figures *sim, const ws_validation *v)
{
    fprintf(f, "{\n  \"schema_version\": 1,\n  \"walsim_version\": ");
    json_string(f, WALSIM_VERSION);
    fputs(",\n  \"scenario\": {\"file\": ", f);
    json_string(f, meta->scenario_file);
    fputs(", \"variant\": ", f);
    json_string(f, meta->variant);
    fputs(", \"duration_s\": ", f);
    json_num(f, meta->duration_s);
    fputs(", \"warmup_s\": ", f);
    json_num(f, meta->warmup_s);
    fputs(", \"interval_s\": ", f);
    json_num(f, m->interval);
    fputs("},\n  \"inputs\": [", f);
    for (size_t i = 0; i < meta->n_inputs; i++) {
        fprintf(f, "%s\n    {\"kind\": ", i ? "," : "");
        json_string(f, meta->input_kind[i]);
        fputs(", \"file\": ", f);
        json_string(f, meta->input_file[i]);
        fputc('}', f);
    }
    fputs(meta->n_inputs ? "\n  ],\n" : "],\n", f);
    fputs("  \"measured\": {\n    \"window\": {\"start_epoch\": ", f);
    json_epoch(f, m->window_start);
    fputs(", \"end_epoch\": ", f);
    json_epoch(f, m->window_end);
    fputs(", \"length_s\": ", f);
    json_num(f, m->window_end - m->window_start);
    fputs(", \"source\": ", f);
    json_string(f, m->window_source);
    fputs("},\n    \"transactions_in_window\": ", f);
    if (m->have_transactions)
        fprintf(f, "%" PRId64 ",\n", m->window_transactions);
    else
        fputs("null,\n", f);
    fputs("    \"transactions_between_snapshots\": ", f);
    if (m->stats_transactions >= 0)
        fprintf(f, "%" PRId64, m->stats_transactions);
    else
        fputs("null", f);
    fputs(",\n    \"transactions_source\": ", f);
    json_string(f, m->stats_tx_source[0] ? m->stats_tx_source : NULL);
    fputs(",\n    \"checkpoints\": [", f);
    for (size_t i = 0; i < m->n_ckpts; i++) {
        const ws_validate_ckpt *c = &m->ckpts[i];
        char flags[128];
        ws_pglog_flags_str(c->rec->flags, flags, sizeof flags);
        fprintf(f, "%s\n      {\"line\": %d, \"start_epoch\": ", i ? "," : "", c->rec->start_line);
        json_epoch(f, c->start);
        fputs(", \"t_s\": ", f);
        json_num(f, c->start - m->window_start);
        fputs(", \"flags\": ", f);
        json_string(f, flags);
        fprintf(f, ", \"kind\": \"%s\", \"in_window\": %s, \"in_means\": %s", kind_name(c->kind),
                c->in_window ? "true" : "false", c->in_means ? "true" : "false");
        const ws_pglog_ckpt *r = c->rec;
        if (r->has_complete) {
            fputs(", \"write_s\": ", f);
            json_num(f, r->write_s);
            fputs(", \"sync_s\": ", f);
            json_num(f, r->sync_s);
            fputs(", \"total_s\": ", f);
            json_num(f, r->total_s);
            fprintf(f, ", \"buffers\": %" PRId64 ", \"distance_bytes\": %" PRId64 "}", r->buffers,
                    r->distance_kb * 1024);
        } else {
            fputs(", \"write_s\": null, \"sync_s\": null, \"total_s\": null, \"buffers\": null, "
                  "\"distance_bytes\": null}",
                  f);
        }
    }
    fputs(m->n_ckpts ? "\n    ]\n  },\n" : "]\n  },\n", f);
    fputs("  \"rows\": [", f);
    for (int i = 0; i < WS_VF__COUNT; i++) {
        const ws_validate_fig_info *fi = &fig_info[i];
        const ws_validate_row *r = &v->row[i];
        fprintf(f, "%s\n    {\"name\": \"%s\", \"unit\": \"%s\", \"measured\": ", i ? "," : "",
                fi->name, fi->unit);
        json_num(f, r->measured);
        fputs(", \"simulated\": ", f);
        json_num(f, r->simulated);
        fputs(", \"rel_error\": ", f);
        json_num(f, r->rel_error);
        fputs(", \"goal\": ", f);
        if (fi->goal == WS_VGOAL_EXACT)
            fputs("\"exact\", \"tolerance\": 0", f);
        else if (fi->goal == WS_VGOAL_REL) {
            fputs("\"relative\", \"tolerance\": ", f);
            json_num(f, fi->tolerance);
        } else
            fputs("null, \"tolerance\": null", f);
        fprintf(f, ", \"status\": \"%s\", \"measured_source\": ", status_word(r->status));
        json_string(f, m->fig.source[i]);
        fputs(", \"simulated_source\": ", f);
        json_string(f, sim->source[i]);
        fputc('}', f);
    }
    fprintf(f, "\n  ],\n  \"summary\": {\"goals\": %d, \"passed\": %d, \"failed\": %d, "
               "\"not_measured\": %d, \"result\": \"%s\"},\n",
            v->goals, v->passed, v->failed, v->not_measured, v->failed ? "FAIL" : "PASS");
    fputs("  \"notes\": [", f);
    for (size_t i = 0; i < m->n_notes; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        json_string(f, m->notes[i]);
    }
    fputs(m->n_notes ? "\n  ]\n}\n" : "]\n}\n", f);
}

static void csv_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, ",%.9g", x);
    else
        fputs(",", f);
}

void ws_validate_timeline_csv(FILE *f, const ws_validate_measured *m, const ws_run_detail *d,
                              double warmup_s)
{
    static const char *const phase[] = {"idle", "write", "sync"};
    fputs("t_s,meas_tps,sim_tps,meas_lat_mean_ms,sim_lat_mean_ms,meas_lat_p50_ms,sim_lat_p50_ms,"
          "meas_lat_p99_ms,sim_lat_p99_ms,meas_ckpt_phase,sim_ckpt_phase\n",
          f);
    size_t j0 = 0;
    size_t nt = d ? d->timeline.n : 0;
    ws_interval tmp;
    while (j0 < nt && ws_timeline_get(&d->timeline, j0, &tmp)->t_s < warmup_s - 1e-9)
        j0++;
    size_t n_sim = nt - j0;
    size_t n = m->n_series > n_sim ? m->n_series : n_sim;
    for (size_t i = 0; i < n; i++) {
        const ws_validate_point *p = i < m->n_series ? &m->series[i] : NULL;
        const ws_interval *r = i < n_sim ? ws_timeline_get(&d->timeline, j0 + i, &tmp) : NULL;
        fprintf(f, "%.9g", (double)i * m->interval);
        csv_num(f, p && p->len_s > 0 && m->have_transactions ? (double)p->count / p->len_s : NAN);
        csv_num(f, r && r->len_s > 0 ? (double)r->transactions / r->len_s : NAN);
        bool rt = r && r->transactions > 0;
        csv_num(f, p ? p->lat_mean_ms : NAN);
        csv_num(f, rt ? r->lat_mean_ms : NAN);
        csv_num(f, p ? p->lat_p50_ms : NAN);
        csv_num(f, rt ? r->lat_p50_ms : NAN);
        csv_num(f, p ? p->lat_p99_ms : NAN);
        csv_num(f, rt ? r->lat_p99_ms : NAN);
        fprintf(f, ",%s,%s\n", p && p->phase >= 0 ? phase[p->phase] : "",
                r ? phase[r->ckpt_phase] : "");
    }
}
