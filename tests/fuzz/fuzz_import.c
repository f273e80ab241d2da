/*
 * fuzz_import.c - libFuzzer target for the importers.  The same bytes are
 * read as a PostgreSQL server log (pglog.h), a psql --csv statistics
 * snapshot (pgstats.h), a pgbench per-transaction log (both readings of a
 * 7th field), an aggregate log, progress output and a final report
 * (pgbenchlog.h), and every successful read is turned into series.  It
 * must never crash, hang or leak, and it checks what the headers promise:
 *   - a failed parse leaves *out NULL and a one-line, non-empty message;
 *   - every checkpoint record has at least one of its two lines, the start
 *     before the completion, and the counts add up;
 *   - transaction counts add up, and a series accounts for every
 *     transaction, with p50 <= p95 <= p99 <= max inside each interval and
 *     the whole-run distribution ascending.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/pgbenchlog.h"
#include "walsim/pglog.h"
#include "walsim/pgstats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz_import: %s:%d: broken promise: %s\n", __FILE__, __LINE__, \
                    #cond);                                                                \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

static void check_msg(int rc, const ws_diag *err)
{
    CHECK(rc == WS_EINPUT || rc == WS_ENOMEM);
    CHECK(err->msg[0] != '\0' && !strchr(err->msg, '\n'));
}

static void check_pglog(const char *text, size_t size)
{
    ws_diag err;
    ws_pglog *l = (ws_pglog *)&err;
    int rc = ws_pglog_parse_string(text, size, "fuzz.log", &l, &err);
    if (rc != WS_OK) {
        check_msg(rc, &err);
        CHECK(l == NULL);
        return;
    }
    size_t lines_used = 0, unpaired = 0;
    for (size_t i = 0; i < l->n_ckpts; i++) {
        const ws_pglog_ckpt *k = &l->ckpts[i];
        CHECK(k->has_start || k->has_complete);
        CHECK(k->has_start == (k->start_line > 0) && k->has_complete == (k->complete_line > 0));
        CHECK(k->has_start == !isnan(k->start_time));
        if (k->has_start && k->has_complete)
            CHECK(k->start_line < k->complete_line);
        if (k->has_complete)
            CHECK(k->buffers >= 0 && k->distance_kb >= 0 && isfinite(k->total_s));
        else
            CHECK(k->buffers == -1 && isnan(k->write_s));
        lines_used += (size_t)k->has_start + (size_t)k->has_complete;
        unpaired += !(k->has_start && k->has_complete);
    }
    CHECK(unpaired == l->unpaired);
    CHECK(lines_used + l->n_warnings + l->skipped_lines + l->truncated_lines == l->lines);
    CHECK(l->truncated_lines <= 1);
    char buf[128];
    for (size_t i = 0; i < l->n_ckpts; i++)
        ws_pglog_flags_str(l->ckpts[i].flags, buf, sizeof buf);
    ws_pglog_free(l);
}

static void check_pgstats(const char *text, size_t size)
{
    ws_diag err;
    ws_pgstats *s = (ws_pgstats *)&err;
    int rc = ws_pgstats_parse_string(text, size, "fuzz.csv", &s, &err);
    if (rc != WS_OK) {
        check_msg(rc, &err);
        CHECK(s == NULL);
        return;
    }
    CHECK(s->known_columns > 0);
    for (size_t i = 0; i + 1 < s->n_rows; i++) {
        ws_pgstats_snap d, m = s->rows[i];
        ws_pgstats_merge(&m, &s->rows[i + 1]);
        rc = ws_pgstats_delta(&s->rows[i], &s->rows[i + 1], &d, "fuzz", &err);
        if (rc != WS_OK)
            check_msg(rc, &err);
        else
            for (int f = 0; f < WS_PGSTAT_COUNT; f++)
                CHECK(isnan(d.v[f]) || d.v[f] >= 0);
    }
    ws_pgstats_free(s);
}

static void check_series(const ws_pgbench_series *s)
{
    int64_t count = 0;
    for (size_t i = 0; i < s->n; i++) {
        const ws_pgbench_point *p = &s->pt[i];
        CHECK(p->count >= 0 && p->failed >= 0 && p->length > 0);
        if (i)
            CHECK(p->start > s->pt[i - 1].start);
        count += p->count;
        if (s->exact && p->count > 0)
            CHECK(p->lat_min_ms <= p->lat_p50_ms && p->lat_p50_ms <= p->lat_p95_ms &&
                  p->lat_p95_ms <= p->lat_p99_ms && p->lat_p99_ms <= p->lat_max_ms);
    }
    CHECK(count == s->count);
    for (size_t i = 1; i < s->n_lat; i++)
        CHECK(s->lat_sorted_ms[i - 1] <= s->lat_sorted_ms[i]);
}

static void check_pgbench(const char *text, size_t size)
{
    ws_diag err;
    for (unsigned flags = 0; flags <= WS_PGBENCH_RETRIES_ONLY; flags++) {
        ws_pgbench_txlog log;
        ws_pgbench_txlog_init(&log);
        int rc = ws_pgbench_txlog_add_string(&log, text, size, "fuzz.txlog", flags, &err);
        if (rc != WS_OK) {
            check_msg(rc, &err);
            CHECK(log.n_tx == 0 && log.n_ok == 0 && log.lines == 0); /* all or nothing */
        } else {
            CHECK(log.n_ok + log.n_skipped + log.n_failed == (int64_t)log.n_tx);
            ws_pgbench_series *s = (ws_pgbench_series *)&err;
            rc = ws_pgbench_series_from_txlog(&log, 1.0, &s, &err);
            if (rc == WS_OK) {
                CHECK(s->exact && s->count == log.n_ok && s->n_lat == (size_t)log.n_ok);
                CHECK(s->failed == log.n_skipped + log.n_failed);
                check_series(s);
                ws_pgbench_series_free(s);
            } else {
                check_msg(rc, &err);
                CHECK(s == NULL);
            }
        }
        ws_pgbench_txlog_free(&log);
    }

    ws_pgbench_agg agg;
    ws_pgbench_agg_init(&agg);
    int rc = ws_pgbench_agg_add_string(&agg, text, size, "fuzz.agg", &err);
    if (rc != WS_OK) {
        check_msg(rc, &err);
        CHECK(agg.n_rows == 0 && agg.lines == 0);
    } else {
        ws_pgbench_series *s;
        rc = ws_pgbench_series_from_agg(&agg, &s, &err);
        if (rc == WS_OK) {
            check_series(s);
            ws_pgbench_series_free(s);
        } else {
            check_msg(rc, &err);
        }
    }
    ws_pgbench_agg_free(&agg);

    ws_pgbench_progress p;
    ws_pgbench_progress_init(&p);
    rc = ws_pgbench_progress_add_string(&p, text, size, "fuzz.progress", &err);
    if (rc != WS_OK) {
        check_msg(rc, &err);
        CHECK(p.n_rows == 0 && p.lines == 0 && p.skipped_lines == 0);
    } else {
        CHECK(p.n_rows + p.skipped_lines + p.truncated_lines <= p.lines);
        ws_pgbench_series *s;
        rc = ws_pgbench_series_from_progress(&p, &s, &err);
        if (rc == WS_OK) {
            check_series(s);
            ws_pgbench_series_free(s);
        } else {
            check_msg(rc, &err);
        }
    }
    ws_pgbench_progress_free(&p);

    ws_pgbench_summary sm;
    rc = ws_pgbench_summary_parse(text, size, "fuzz.out", &sm, &err);
    if (rc == WS_OK)
        CHECK(sm.processed >= 0);
    else
        check_msg(rc, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    check_pglog(text, size);
    check_pgstats(text, size);
    check_pgbench(text, size);
    return 0;
}
