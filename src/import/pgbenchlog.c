/*
 * pgbenchlog.c - pgbench's per-transaction, aggregate and progress logs and
 * its final report, as series (see pgbenchlog.h).  Formats follow pgbench.c
 * doLog (log lines), printProgressReport (-P) and printResults (stdout) of
 * PostgreSQL 13 to 17.
 */
#include "walsim/pgbenchlog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

/* Time stamps beyond this (year 5138) are taken for garbage: it keeps
 * epoch * 1e6 + us far from int64 overflow. */
#define MAX_EPOCH_S INT64_C(100000000000)
#define MAX_INTERVALS 1000000

bool ws_pgbench_have_gzip(void)
{
    return imp_have_gzip();
}

/* Splits a line at runs of blanks into at most max fields; returns the
 * count (max + 1 when there are more). */
static size_t words(const char *s, size_t n, const char **w, size_t *wl, size_t max)
{
    size_t k = 0, i = 0;
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n)
            return k;
        if (k == max)
            return max + 1;
        size_t b = i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        w[k] = s + b;
        wl[k] = i - b;
        k++;
    }
}

static bool word_uint(const char *w, size_t n, int64_t *v)
{
    imp_cur c;
    imp_cur_init(&c, w, n);
    return imp_uint(&c, v) && imp_at_end(&c);
}

static bool word_dec(const char *w, size_t n, double *v)
{
    imp_cur c;
    imp_cur_init(&c, w, n);
    return imp_dec(&c, v) && imp_at_end(&c);
}

static int bad_field(ws_diag *err, const char *name, int line, size_t field, const char *what,
                     const char *expected, const char *w, size_t wl)
{
    char show[48];
    ws_diag_show(w, wl, 32, show, sizeof show);
    ws_diag_set(err, name, line, "field %zu (%s): expected %s, found '%s'", field + 1, what,
                expected, show);
    return WS_EINPUT;
}

/* ---------------------------------------------------------------------------
 * Per-transaction logs */

void ws_pgbench_txlog_init(ws_pgbench_txlog *log)
{
    memset(log, 0, sizeof *log);
}

void ws_pgbench_txlog_free(ws_pgbench_txlog *log)
{
    if (!log)
        return;
    free(log->tx);
    memset(log, 0, sizeof *log);
}

static int tx_line(ws_pgbench_txlog *log, const char *s, size_t n, const char *name, int line,
                   unsigned flags, ws_diag *err)
{
    static const char *NAMES[] = {"client_id", "transaction_no", "time",   "script_no",
                                  "time_epoch", "time_us",       "schedule_lag", "retries"};
    const char *w[8];
    size_t wl[8];
    size_t k = words(s, n, w, wl, 8);
    if (k < 6 || k > 8) {
        ws_diag_set(err, name, line,
                    "%s fields: a per-transaction log line has 6 to 8 (client_id transaction_no "
                    "time script_no time_epoch time_us [schedule_lag] [retries])",
                    k > 8 ? "more than 8" : "fewer than 6");
        return WS_EINPUT;
    }
    ws_pgbench_tx t = {0, -1, -1, 0, 0, -1, WS_PGBENCH_OK};
    int64_t v[8];
    for (size_t i = 0; i < k; i++) {
        if (i == 2) {
            static const struct {
                const char *word;
                int status;
            } ST[] = {{"skipped", WS_PGBENCH_SKIPPED},
                      {"failed", WS_PGBENCH_FAILED},
                      {"serialization", WS_PGBENCH_SERIALIZATION},
                      {"deadlock", WS_PGBENCH_DEADLOCK}};
            int st = -1;
            for (size_t j = 0; j < 4; j++)
                if (wl[i] == strlen(ST[j].word) && memcmp(w[i], ST[j].word, wl[i]) == 0)
                    st = ST[j].status;
            if (st >= 0) {
                t.status = st;
                v[i] = -1;
                continue;
            }
        }
        if (!word_uint(w[i], wl[i], &v[i]))
            return bad_field(err, name, line, i,
                             k == 7 && i == 6 && (flags & WS_PGBENCH_RETRIES_ONLY) ? "retries"
                                                                                   : NAMES[i],
                             i == 2 ? "a latency in microseconds or skipped, failed, "
                                      "serialization, deadlock"
                                    : "a whole number",
                             w[i], wl[i]);
    }
    if (v[0] > INT32_MAX || v[3] > INT32_MAX)
        return bad_field(err, name, line, v[0] > INT32_MAX ? 0 : 3,
                         v[0] > INT32_MAX ? NAMES[0] : NAMES[3], "a number below 2^31",
                         w[v[0] > INT32_MAX ? 0 : 3], wl[v[0] > INT32_MAX ? 0 : 3]);
    if (v[4] > MAX_EPOCH_S)
        return bad_field(err, name, line, 4, NAMES[4], "seconds since the epoch", w[4], wl[4]);
    if (v[5] >= 1000000)
        return bad_field(err, name, line, 5, NAMES[5], "microseconds below 1000000", w[5], wl[5]);
    t.client = (int32_t)v[0];
    t.script = (int32_t)v[3];
    t.latency_us = t.status == WS_PGBENCH_OK ? v[2] : -1;
    t.end_us = v[4] * 1000000 + v[5];
    if (k == 8 || (k == 7 && !(flags & WS_PGBENCH_RETRIES_ONLY)))
        t.lag_us = v[6];
    int64_t r = k == 8 ? v[7] : k == 7 && (flags & WS_PGBENCH_RETRIES_ONLY) ? v[6] : -1;
    if (r > INT32_MAX)
        return bad_field(err, name, line, k - 1, "retries", "a number below 2^31", w[k - 1],
                         wl[k - 1]);
    t.retries = (int32_t)r;
    if (imp_grow((void **)&log->tx, &log->cap, log->n_tx, sizeof *log->tx) != WS_OK)
        return WS_ENOMEM;
    log->tx[log->n_tx++] = t;
    log->n_ok += t.status == WS_PGBENCH_OK;
    log->n_skipped += t.status == WS_PGBENCH_SKIPPED;
    log->n_failed += t.status >= WS_PGBENCH_FAILED;
    log->n_serialization += t.status == WS_PGBENCH_SERIALIZATION;
    log->n_deadlock += t.status == WS_PGBENCH_DEADLOCK;
    if (t.retries > 0)
        log->retries += t.retries;
    return WS_OK;
}

/* Runs fn over every non-blank line; an unparsable unterminated last line
 * is counted in *truncated instead of failing. */
typedef int (*line_fn)(void *obj, const char *s, size_t n, const char *name, int line,
                       unsigned flags, ws_diag *err);

static int each_line(void *obj, line_fn fn, const char *text, size_t len, const char *name,
                     unsigned flags, size_t *lines, size_t *truncated, ws_diag *err)
{
    imp_lines it;
    imp_lines_init(&it, text, len);
    const char *s;
    size_t n;
    while (imp_lines_next(&it, &s, &n)) {
        (*lines)++;
        size_t i = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == n)
            continue;
        int rc = fn(obj, s, n, name, it.line, flags, err);
        if (rc == WS_EINPUT && !it.terminated) {
            (*truncated)++;
            rc = WS_OK;
        }
        if (rc != WS_OK) {
            if (rc == WS_ENOMEM)
                ws_diag_set(err, name, it.line, "out of memory");
            return rc;
        }
    }
    ws_diag_clear(err);
    return WS_OK;
}

static int tx_fn(void *obj, const char *s, size_t n, const char *name, int line, unsigned flags,
                 ws_diag *err)
{
    return tx_line(obj, s, n, name, line, flags, err);
}

int ws_pgbench_txlog_add_string(ws_pgbench_txlog *log, const char *text, size_t len,
                                const char *name, unsigned flags, ws_diag *err)
{
    ws_pgbench_txlog before = *log;
    int rc = each_line(log, tx_fn, text, len, name ? name : "<txlog>", flags, &log->lines,
                       &log->truncated_lines, err);
    if (rc != WS_OK) { /* all or nothing: forget this text's lines (the array may have moved) */
        before.tx = log->tx;
        before.cap = log->cap;
        *log = before;
    }
    return rc;
}

/* Reads the file and hands its text to add (one of the _add_string). */
static int add_file(const char *path, int (*add)(void *, const char *, size_t, const char *,
                                                 unsigned, ws_diag *),
                    void *obj, unsigned flags, ws_diag *err)
{
    char *buf;
    size_t len;
    int rc = imp_read_file(path, &buf, &len, err);
    if (rc != WS_OK)
        return rc;
    rc = add(obj, buf, len, path, flags, err);
    free(buf);
    return rc;
}

static int tx_add(void *o, const char *t, size_t l, const char *nm, unsigned f, ws_diag *e)
{
    return ws_pgbench_txlog_add_string(o, t, l, nm, f, e);
}

int ws_pgbench_txlog_add_file(ws_pgbench_txlog *log, const char *path, unsigned flags,
                              ws_diag *err)
{
    return add_file(path, tx_add, log, flags, err);
}

/* ---------------------------------------------------------------------------
 * Aggregate logs */

void ws_pgbench_agg_init(ws_pgbench_agg *agg)
{
    memset(agg, 0, sizeof *agg);
}

void ws_pgbench_agg_free(ws_pgbench_agg *agg)
{
    if (!agg)
        return;
    free(agg->rows);
    memset(agg, 0, sizeof *agg);
}

static int agg_line(void *obj, const char *s, size_t n, const char *name, int line,
                    unsigned flags, ws_diag *err)
{
    (void)flags;
    ws_pgbench_agg *agg = obj;
    static const char *NAMES[] = {
        "interval_start", "num_transactions", "sum_latency", "sum_latency_2", "min_latency",
        "max_latency", "sum_lag", "sum_lag_2", "min_lag", "max_lag", "skipped", "retried",
        "retries", "serialization_failures", "deadlock_failures", "other_failures"};
    const char *w[16];
    size_t wl[16];
    size_t k = words(s, n, w, wl, 16);
    /* 6, 10, 11: pgbench 13-14 (lag with --rate, skipped with --latency-limit);
     * 15: pgbench 15-17, every column always printed; 16: a further failure
     * class of later pgbench. */
    if (k != 6 && k != 10 && k != 11 && k != 15 && k != 16) {
        ws_diag_set(err, name, line,
                    "%zu%s fields: an aggregate log line has 6, 10 or 11 (pgbench 13-14) or 15 "
                    "(pgbench 15-17)",
                    k > 16 ? (size_t)16 : k, k > 16 ? " or more" : "");
        return WS_EINPUT;
    }
    ws_pgbench_agg_row r;
    r.line = line;
    r.sum_lag = r.sum_lag_2 = r.min_lag = r.max_lag = NAN;
    r.skipped = r.retried = r.retries = r.serialization_failures = r.deadlock_failures = -1;
    r.other_failures = -1;
    double *d[] = {NULL,       NULL,           &r.sum_latency, &r.sum_latency_2, &r.min_latency,
                   &r.max_latency, &r.sum_lag, &r.sum_lag_2,   &r.min_lag,       &r.max_lag};
    int64_t *u[16] = {&r.interval_start, &r.num_transactions};
    u[10] = &r.skipped;
    u[11] = &r.retried;
    u[12] = &r.retries;
    u[13] = &r.serialization_failures;
    u[14] = &r.deadlock_failures;
    u[15] = &r.other_failures;
    for (size_t i = 0; i < k; i++) {
        bool ok = i >= 2 && i <= 9 ? word_dec(w[i], wl[i], d[i]) : word_uint(w[i], wl[i], u[i]);
        if (!ok)
            return bad_field(err, name, line, i, NAMES[i], "a whole number", w[i], wl[i]);
    }
    if (r.interval_start > MAX_EPOCH_S)
        return bad_field(err, name, line, 0, NAMES[0], "seconds since the epoch", w[0], wl[0]);
    if (imp_grow((void **)&agg->rows, &agg->cap, agg->n_rows, sizeof *agg->rows) != WS_OK)
        return WS_ENOMEM;
    agg->rows[agg->n_rows++] = r;
    return WS_OK;
}

int ws_pgbench_agg_add_string(ws_pgbench_agg *agg, const char *text, size_t len,
                              const char *name, ws_diag *err)
{
    ws_pgbench_agg before = *agg;
    int rc = each_line(agg, agg_line, text, len, name ? name : "<aggregate log>", 0, &agg->lines,
                       &agg->truncated_lines, err);
    if (rc != WS_OK) {
        before.rows = agg->rows;
        before.cap = agg->cap;
        *agg = before;
    }
    return rc;
}

static int agg_add(void *o, const char *t, size_t l, const char *nm, unsigned f, ws_diag *e)
{
    (void)f;
    return ws_pgbench_agg_add_string(o, t, l, nm, e);
}

int ws_pgbench_agg_add_file(ws_pgbench_agg *agg, const char *path, ws_diag *err)
{
    return add_file(path, agg_add, agg, 0, err);
}

/* ---------------------------------------------------------------------------
 * Progress reports */

void ws_pgbench_progress_init(ws_pgbench_progress *p)
{
    memset(p, 0, sizeof *p);
}

void ws_pgbench_progress_free(ws_pgbench_progress *p)
{
    if (!p)
        return;
    free(p->rows);
    memset(p, 0, sizeof *p);
}

/* A latency figure: a number, or nan (sqrt of a rounding-negative variance). */
static bool lat_num(imp_cur *c, double *v)
{
    if (imp_lit(c, "-nan") || imp_lit(c, "nan")) {
        *v = NAN;
        return true;
    }
    return imp_dec(c, v);
}

static int progress_line(void *obj, const char *s, size_t n, const char *name, int line,
                         unsigned flags, ws_diag *err)
{
    (void)flags;
    ws_pgbench_progress *p = obj;
    imp_cur c;
    imp_cur_init(&c, s, n);
    if (!imp_lit(&c, "progress: ")) {
        p->skipped_lines++;
        return WS_OK;
    }
    ws_pgbench_progress_row r;
    r.line = line;
    r.lag_ms = NAN;
    r.failed = r.skipped = r.retried = r.retries = -1;
    char exp[64] = "";
    bool ok = imp_scan(&c, exp, sizeof exp, "%f s, %f tps, lat ", &r.time, &r.tps);
    if (ok && !lat_num(&c, &r.lat_ms)) {
        snprintf(exp, sizeof exp, "a number");
        ok = false;
    }
    ok = ok && imp_scan(&c, exp, sizeof exp, " ms stddev ");
    if (ok && !lat_num(&c, &r.stddev_ms)) {
        snprintf(exp, sizeof exp, "a number");
        ok = false;
    }
    /* the optional parts, in printProgressReport's order */
    while (ok && !imp_at_end(&c)) {
        int64_t x, y;
        double lag;
        imp_cur save = c;
        if (imp_scan(&c, NULL, 0, ", lag %f ms", &lag)) {
            r.lag_ms = lag;
        } else if ((c = save, imp_scan(&c, NULL, 0, ", %u retried, %u retries", &x, &y))) {
            r.retried = x;
            r.retries = y;
        } else if ((c = save, imp_scan(&c, NULL, 0, ", %u failed", &x))) {
            r.failed = x;
        } else if ((c = save, imp_scan(&c, NULL, 0, ", %u skipped", &x))) {
            r.skipped = x;
        } else {
            c = save;
            imp_skip_blank(&c);
            if (!imp_at_end(&c)) {
                snprintf(exp, sizeof exp, "', N failed', ', lag X ms', ', N skipped' or the end");
                ok = false;
            }
        }
    }
    if (!ok) {
        char found[64];
        ws_diag_set(err, name, line, "progress line: expected %s at column %d, found %s", exp,
                    imp_col(&c), imp_show_here(&c, found, sizeof found));
        return WS_EINPUT;
    }
    if (imp_grow((void **)&p->rows, &p->cap, p->n_rows, sizeof *p->rows) != WS_OK)
        return WS_ENOMEM;
    p->rows[p->n_rows++] = r;
    return WS_OK;
}

int ws_pgbench_progress_add_string(ws_pgbench_progress *p, const char *text, size_t len,
                                   const char *name, ws_diag *err)
{
    ws_pgbench_progress before = *p;
    int rc = each_line(p, progress_line, text, len, name ? name : "<progress>", 0, &p->lines,
                       &p->truncated_lines, err);
    if (rc != WS_OK) {
        before.rows = p->rows;
        before.cap = p->cap;
        *p = before;
    }
    p->epoch = p->n_rows > 0;
    for (size_t i = 0; i < p->n_rows; i++)
        p->epoch = p->epoch && p->rows[i].time > 1e9;
    return rc;
}

static int progress_add(void *o, const char *t, size_t l, const char *nm, unsigned f, ws_diag *e)
{
    (void)f;
    return ws_pgbench_progress_add_string(o, t, l, nm, e);
}

int ws_pgbench_progress_add_file(ws_pgbench_progress *p, const char *path, ws_diag *err)
{
    return add_file(path, progress_add, p, 0, err);
}

/* ---------------------------------------------------------------------------
 * Final report */

int ws_pgbench_summary_parse(const char *text, size_t len, const char *name,
                             ws_pgbench_summary *out, ws_diag *err)
{
    name = name ? name : "<pgbench output>";
    ws_pgbench_summary s = {-1, -1, -1, -1, -1, -1, NAN, NAN, NAN};
    imp_lines it;
    imp_lines_init(&it, text, len);
    const char *l;
    size_t n;
    bool tps_final = false;
    while (imp_lines_next(&it, &l, &n)) {
        imp_cur c;
        imp_cur_init(&c, l, n);
        int64_t x;
        double d;
        if (imp_scan(&c, NULL, 0, "scaling factor: %u", &x))
            s.scale = x;
        else if ((imp_cur_init(&c, l, n), imp_scan(&c, NULL, 0, "number of clients: %u", &x)))
            s.clients = x;
        else if ((imp_cur_init(&c, l, n), imp_scan(&c, NULL, 0, "number of threads: %u", &x)))
            s.threads = x;
        else if ((imp_cur_init(&c, l, n), imp_scan(&c, NULL, 0, "duration: %u s", &x)))
            s.duration_s = x;
        else if ((imp_cur_init(&c, l, n),
                  imp_scan(&c, NULL, 0, "number of transactions actually processed: %u", &x)))
            s.processed = x; /* with -t: "N/M", N the processed */
        else if ((imp_cur_init(&c, l, n),
                  imp_scan(&c, NULL, 0, "number of failed transactions: %u", &x)))
            s.failed = x;
        else if ((imp_cur_init(&c, l, n), imp_scan(&c, NULL, 0, "latency average = %f ms", &d)))
            s.latency_avg_ms = d;
        else if ((imp_cur_init(&c, l, n), imp_scan(&c, NULL, 0, "latency stddev = %f ms", &d)))
            s.latency_stddev_ms = d;
        else if ((imp_cur_init(&c, l, n), imp_scan(&c, NULL, 0, "tps = %f ", &d)) && !tps_final) {
            /* 14+: "(without initial connection time)"; 13 prints "including
             * connections establishing" first, then "excluding ...". */
            s.tps = d;
            tps_final = imp_lit(&c, "(without") || imp_lit(&c, "(excluding");
        }
    }
    if (s.processed < 0) {
        ws_diag_set(err, name, 0,
                    "no 'number of transactions actually processed:' line: is this pgbench's "
                    "standard output?");
        return WS_EINPUT;
    }
    *out = s;
    ws_diag_clear(err);
    return WS_OK;
}

int ws_pgbench_summary_read_file(const char *path, ws_pgbench_summary *out, ws_diag *err)
{
    char *buf;
    size_t len;
    int rc = imp_read_file(path, &buf, &len, err);
    if (rc != WS_OK)
        return rc;
    rc = ws_pgbench_summary_parse(buf, len, path, out, err);
    free(buf);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Series */

double ws_pgbench_quantile(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    if (!(q > 0))
        return sorted[0];
    if (q >= 1)
        return sorted[n - 1];
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)h;
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (h - (double)lo);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void point_empty(ws_pgbench_point *p, double start, double length)
{
    p->start = start;
    p->length = length;
    p->count = p->failed = 0;
    p->lat_mean_ms = p->lat_stddev_ms = p->lat_min_ms = p->lat_max_ms = NAN;
    p->lat_p50_ms = p->lat_p95_ms = p->lat_p99_ms = NAN;
}

/* Mean, population stddev (as pgbench reports it), min, max and
 * percentiles of n ascending values. */
static void describe(const double *v, size_t n, double *mean, double *sd, double *mn, double *mx,
                     double *p50, double *p95, double *p99)
{
    if (n == 0)
        return;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    double m = sum / (double)n, ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    *mean = m;
    *sd = sqrt(ss / (double)n);
    *mn = v[0];
    *mx = v[n - 1];
    if (p50) {
        *p50 = ws_pgbench_quantile(v, n, 0.50);
        *p95 = ws_pgbench_quantile(v, n, 0.95);
        *p99 = ws_pgbench_quantile(v, n, 0.99);
    }
}

static ws_pgbench_series *series_new(size_t n, double interval)
{
    ws_pgbench_series *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->pt = calloc(n ? n : 1, sizeof *s->pt);
    if (!s->pt) {
        free(s);
        return NULL;
    }
    s->n = n;
    s->interval = interval;
    s->lat_mean_ms = s->lat_stddev_ms = s->lat_min_ms = s->lat_max_ms = NAN;
    return s;
}

void ws_pgbench_series_free(ws_pgbench_series *s)
{
    if (!s)
        return;
    free(s->pt);
    free(s->lat_sorted_ms);
    free(s);
}

int ws_pgbench_series_from_txlog(const ws_pgbench_txlog *log, double interval,
                                 ws_pgbench_series **out, ws_diag *err)
{
    *out = NULL;
    if (!(interval >= 0.001 && interval <= 1e6)) {
        ws_diag_set(err, NULL, 0, "series interval %g s: expected 0.001 s to 1e6 s", interval);
        return WS_EINPUT;
    }
    if (log->n_tx == 0) {
        ws_diag_set(err, NULL, 0, "no transactions in the per-transaction log");
        return WS_EINPUT;
    }
    int64_t iv = (int64_t)llround(interval * 1e6);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < log->n_tx; i++) {
        int64_t b = log->tx[i].end_us / iv;
        lo = b < lo ? b : lo;
        hi = b > hi ? b : hi;
    }
    if (hi - lo >= MAX_INTERVALS) {
        ws_diag_set(err, NULL, 0,
                    "the transactions span %lld intervals of %g s (more than %d): is a time stamp "
                    "wrong?",
                    (long long)(hi - lo + 1), interval, MAX_INTERVALS);
        return WS_EINPUT;
    }
    size_t nb = (size_t)(hi - lo + 1);
    ws_pgbench_series *s = series_new(nb, (double)iv / 1e6);
    size_t *off = calloc(nb + 1, sizeof *off);
    double *lat = malloc((log->n_ok ? (size_t)log->n_ok : 1) * sizeof *lat);
    double *all = malloc((log->n_ok ? (size_t)log->n_ok : 1) * sizeof *all);
    if (!s || !off || !lat || !all) {
        ws_pgbench_series_free(s);
        free(off);
        free(lat);
        free(all);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    for (size_t b = 0; b < nb; b++)
        point_empty(&s->pt[b], (double)((lo + (int64_t)b) * iv) / 1e6, s->interval);
    /* counting sort of the latencies by interval */
    for (size_t i = 0; i < log->n_tx; i++) {
        const ws_pgbench_tx *t = &log->tx[i];
        size_t b = (size_t)(t->end_us / iv - lo);
        if (t->status == WS_PGBENCH_OK)
            off[b + 1]++;
        else
            s->pt[b].failed++;
    }
    for (size_t b = 0; b < nb; b++)
        off[b + 1] += off[b];
    size_t *fill = calloc(nb, sizeof *fill);
    if (!fill) {
        ws_pgbench_series_free(s);
        free(off);
        free(lat);
        free(all);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < log->n_tx; i++) {
        const ws_pgbench_tx *t = &log->tx[i];
        if (t->status != WS_PGBENCH_OK)
            continue;
        size_t b = (size_t)(t->end_us / iv - lo);
        double ms = (double)t->latency_us / 1000.0;
        lat[off[b] + fill[b]++] = ms;
        all[k++] = ms;
    }
    free(fill);
    for (size_t b = 0; b < nb; b++) {
        ws_pgbench_point *p = &s->pt[b];
        size_t m = off[b + 1] - off[b];
        double *v = lat + off[b];
        qsort(v, m, sizeof *v, cmp_double);
        p->count = (int64_t)m;
        describe(v, m, &p->lat_mean_ms, &p->lat_stddev_ms, &p->lat_min_ms, &p->lat_max_ms,
                 &p->lat_p50_ms, &p->lat_p95_ms, &p->lat_p99_ms);
        s->failed += p->failed;
    }
    free(off);
    free(lat);
    qsort(all, k, sizeof *all, cmp_double);
    s->count = (int64_t)k;
    describe(all, k, &s->lat_mean_ms, &s->lat_stddev_ms, &s->lat_min_ms, &s->lat_max_ms, NULL,
             NULL, NULL);
    s->lat_sorted_ms = all;
    s->n_lat = k;
    s->exact = true;
    *out = s;
    return WS_OK;
}

static int cmp_agg(const void *a, const void *b)
{
    const ws_pgbench_agg_row *x = a, *y = b;
    if (x->interval_start != y->interval_start)
        return (x->interval_start > y->interval_start) - (x->interval_start < y->interval_start);
    return (x->line > y->line) - (x->line < y->line);
}

int ws_pgbench_series_from_agg(const ws_pgbench_agg *agg, ws_pgbench_series **out, ws_diag *err)
{
    *out = NULL;
    if (agg->n_rows == 0) {
        ws_diag_set(err, NULL, 0, "no rows in the aggregate log");
        return WS_EINPUT;
    }
    ws_pgbench_agg_row *r = malloc(agg->n_rows * sizeof *r);
    if (!r)
        return WS_ENOMEM;
    memcpy(r, agg->rows, agg->n_rows * sizeof *r);
    qsort(r, agg->n_rows, sizeof *r, cmp_agg);
    int64_t step = 0;
    for (size_t i = 1; i < agg->n_rows; i++) {
        int64_t d = r[i].interval_start - r[i - 1].interval_start;
        if (d > 0 && (step == 0 || d < step))
            step = d;
    }
    if (step == 0)
        step = 1;
    int64_t span = (r[agg->n_rows - 1].interval_start - r[0].interval_start) / step;
    if (span >= MAX_INTERVALS) {
        free(r);
        ws_diag_set(err, NULL, 0, "the aggregate rows span more than %d intervals",
                    MAX_INTERVALS);
        return WS_EINPUT;
    }
    size_t nb = (size_t)span + 1;
    ws_pgbench_series *s = series_new(nb, (double)step);
    double *sum = calloc(nb, sizeof *sum), *sum2 = calloc(nb, sizeof *sum2);
    if (!s || !sum || !sum2) {
        free(r);
        free(sum);
        free(sum2);
        ws_pgbench_series_free(s);
        return WS_ENOMEM;
    }
    for (size_t b = 0; b < nb; b++)
        point_empty(&s->pt[b], (double)(r[0].interval_start + (int64_t)b * step), (double)step);
    double tsum = 0, tsum2 = 0;
    for (size_t i = 0; i < agg->n_rows; i++) {
        const ws_pgbench_agg_row *a = &r[i];
        size_t b = (size_t)((a->interval_start - r[0].interval_start) / step);
        ws_pgbench_point *p = &s->pt[b];
        /* 13-14 count skipped transactions in num_transactions, 15+ do not */
        bool old = a->retried < 0;
        int64_t skipped = a->skipped > 0 ? a->skipped : 0;
        int64_t ok = old ? a->num_transactions - skipped : a->num_transactions;
        if (ok < 0)
            ok = 0;
        int64_t fail = skipped + (a->serialization_failures > 0 ? a->serialization_failures : 0) +
                       (a->deadlock_failures > 0 ? a->deadlock_failures : 0) +
                       (a->other_failures > 0 ? a->other_failures : 0);
        p->failed += fail;
        s->failed += fail;
        if (ok == 0)
            continue;
        double mn = a->min_latency / 1000.0, mx = a->max_latency / 1000.0;
        p->lat_min_ms = p->count && p->lat_min_ms < mn ? p->lat_min_ms : mn;
        p->lat_max_ms = p->count && p->lat_max_ms > mx ? p->lat_max_ms : mx;
        s->lat_min_ms = s->count && s->lat_min_ms < mn ? s->lat_min_ms : mn;
        s->lat_max_ms = s->count && s->lat_max_ms > mx ? s->lat_max_ms : mx;
        p->count += ok;
        s->count += ok;
        sum[b] += a->sum_latency;
        sum2[b] += a->sum_latency_2;
        tsum += a->sum_latency;
        tsum2 += a->sum_latency_2;
    }
    for (size_t b = 0; b < nb; b++) {
        ws_pgbench_point *p = &s->pt[b];
        if (p->count == 0)
            continue;
        double m = sum[b] / (double)p->count, var = sum2[b] / (double)p->count - m * m;
        p->lat_mean_ms = m / 1000.0;
        p->lat_stddev_ms = sqrt(var > 0 ? var : 0) / 1000.0;
    }
    if (s->count > 0) {
        double m = tsum / (double)s->count, var = tsum2 / (double)s->count - m * m;
        s->lat_mean_ms = m / 1000.0;
        s->lat_stddev_ms = sqrt(var > 0 ? var : 0) / 1000.0;
    }
    free(r);
    free(sum);
    free(sum2);
    *out = s;
    return WS_OK;
}

int ws_pgbench_series_from_progress(const ws_pgbench_progress *p, ws_pgbench_series **out,
                                    ws_diag *err)
{
    *out = NULL;
    if (p->n_rows == 0) {
        ws_diag_set(err, NULL, 0, "no progress lines");
        return WS_EINPUT;
    }
    for (size_t i = 1; i < p->n_rows; i++) {
        if (!(p->rows[i].time > p->rows[i - 1].time)) {
            ws_diag_set(err, NULL, p->rows[i].line,
                        "progress time %.3f s is not after the previous one (%.3f s)",
                        p->rows[i].time, p->rows[i - 1].time);
            return WS_EINPUT;
        }
    }
    double first = p->n_rows > 1 ? p->rows[1].time - p->rows[0].time : 1.0;
    ws_pgbench_series *s = series_new(p->n_rows, first);
    if (!s)
        return WS_ENOMEM;
    double tsum = 0, tsum2 = 0;
    for (size_t i = 0; i < p->n_rows; i++) {
        const ws_pgbench_progress_row *r = &p->rows[i];
        double len = i ? r->time - p->rows[i - 1].time : first;
        ws_pgbench_point *pt = &s->pt[i];
        point_empty(pt, i ? p->rows[i - 1].time : r->time - len, len);
        double c = r->tps * len;
        pt->count = c > 0 && c < 9e18 ? (int64_t)llround(c) : 0;
        pt->failed = (r->failed > 0 ? r->failed : 0) + (r->skipped > 0 ? r->skipped : 0);
        s->failed += pt->failed;
        if (pt->count == 0)
            continue;
        pt->lat_mean_ms = r->lat_ms;
        pt->lat_stddev_ms = r->stddev_ms;
        s->count += pt->count;
        if (isfinite(r->lat_ms)) {
            double sd = isfinite(r->stddev_ms) ? r->stddev_ms : 0;
            tsum += (double)pt->count * r->lat_ms;
            tsum2 += (double)pt->count * (sd * sd + r->lat_ms * r->lat_ms);
        }
    }
    if (s->count > 0) {
        double m = tsum / (double)s->count, var = tsum2 / (double)s->count - m * m;
        s->lat_mean_ms = m;
        s->lat_stddev_ms = sqrt(var > 0 ? var : 0);
    }
    *out = s;
    return WS_OK;
}
