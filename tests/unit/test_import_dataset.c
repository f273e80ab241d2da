/*
 * test_import_dataset.c - imports every file of every run recorded in
 * tests/validation/data/ (tests/validation/run-pgbench.sh) and checks that
 * the independent sources of one run agree:
 *   - checkpoints in the server log that started between the two statistics
 *     snapshots = the pg_stat_bgwriter delta, timed ("time" alone) and
 *     requested (any other cause) separately (checkpointer.c counts a
 *     checkpoint when it starts);
 *   - buffers written by those that also completed <= buffers_checkpoint
 *     delta <= that + shared_buffers (a checkpoint still running at the
 *     second snapshot has written part of its buffers);
 *   - transactions in the per-transaction log = pgbench's reported count,
 *     failures likewise; the aggregate log (which drops the last partial
 *     interval) at most that and within 3 % of it; the -P reports within 1 %;
 *   - WAL: the LSN advanced by at least pg_stat_wal's wal_bytes and by at
 *     most 5 % more (page and segment headers are not in wal_bytes).
 * No test here runs PostgreSQL.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "walsim/pgbenchlog.h"
#include "walsim/pglog.h"
#include "walsim/pgstats.h"

#define DATASET WS_SOURCE_DIR "/tests/validation/data"

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void ok(int rc, const ws_diag *err)
{
    if (rc != WS_OK) {
        print_error("%s\n", err->msg);
        fail();
    }
}

/* The merged bgwriter + wal snapshot `which` ("before"/"after") of run dir. */
static ws_pgstats_snap snapshot(const char *dir, const char *which)
{
    char path[1024];
    ws_diag err;
    ws_pgstats *bg, *wal;
    snprintf(path, sizeof path, "%s/bgwriter_%s.csv", dir, which);
    ok(ws_pgstats_read_file(path, &bg, &err), &err);
    snprintf(path, sizeof path, "%s/wal_%s.csv", dir, which);
    ok(ws_pgstats_read_file(path, &wal, &err), &err);
    assert_int_equal(bg->n_rows, 1);
    assert_int_equal(wal->n_rows, 1);
    ws_pgstats_snap s = bg->rows[0];
    ws_pgstats_merge(&s, &wal->rows[0]);
    ws_pgstats_free(bg);
    ws_pgstats_free(wal);
    return s;
}

/* shared_buffers in 8 kB pages from settings.csv (psql --csv of pg_settings). */
static double shared_buffers_pages(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/settings.csv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    double pages = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "shared_buffers,", 15) == 0)
            pages = atof(line + 15);
    fclose(f);
    assert_true(pages > 0);
    return pages;
}

static void check_run(const char *dir)
{
    char path[1024];
    ws_diag err;
    print_message("run %s\n", dir);
    ws_pgstats_snap before = snapshot(dir, "before"), after = snapshot(dir, "after"), d;
    ok(ws_pgstats_delta(&before, &after, &d, dir, &err), &err);
    double t0 = before.v[WS_PGSTAT_EPOCH], t1 = after.v[WS_PGSTAT_EPOCH];
    assert_true(t1 - t0 > 10);

    snprintf(path, sizeof path, "%s/server.log", dir);
    ws_pglog *log;
    ok(ws_pglog_read_file(path, &log, &err), &err);
    assert_int_equal(log->truncated_lines, 0);
    double timed = 0, req = 0, written = 0;
    for (size_t i = 0; i < log->n_ckpts; i++) {
        const ws_pglog_ckpt *k = &log->ckpts[i];
        if (!k->has_start || k->start_time < t0 || k->start_time > t1)
            continue;
        if (k->flags == WS_PGLOG_TIME)
            timed++;
        else
            req++;
        if (k->has_complete && k->complete_time <= t1)
            written += (double)k->buffers;
    }
    assert_true(timed + req > 0);
    assert_true(timed == d.v[WS_PGSTAT_CHECKPOINTS_TIMED]);
    assert_true(req == d.v[WS_PGSTAT_CHECKPOINTS_REQ]);
    assert_true(written <= d.v[WS_PGSTAT_BUFFERS_CHECKPOINT]);
    assert_true(d.v[WS_PGSTAT_BUFFERS_CHECKPOINT] <= written + shared_buffers_pages(dir));
    /* the server log ends with the shutdown checkpoint */
    assert_true(log->n_ckpts > 0);
    assert_true(log->ckpts[log->n_ckpts - 1].flags & WS_PGLOG_SHUTDOWN);
    assert_true(log->ckpts[log->n_ckpts - 1].has_complete);
    ws_pglog_free(log);

    double wal = d.v[WS_PGSTAT_WAL_BYTES], lsn = d.v[WS_PGSTAT_LSN];
    assert_true(wal > 0);
    assert_true(lsn >= wal && lsn <= 1.05 * wal);

    ws_pgbench_summary sm;
    snprintf(path, sizeof path, "%s/pgbench_stdout.txt", dir);
    ok(ws_pgbench_summary_read_file(path, &sm, &err), &err);
    assert_true(sm.processed > 0);

    ws_pgbench_progress pr;
    ws_pgbench_progress_init(&pr);
    snprintf(path, sizeof path, "%s/pgbench_progress.txt", dir);
    ok(ws_pgbench_progress_add_file(&pr, path, &err), &err);
    assert_true(pr.epoch); /* --progress-timestamp */
    ws_pgbench_series *s;
    ok(ws_pgbench_series_from_progress(&pr, &s, &err), &err);
    assert_true(fabs((double)s->count - (double)sm.processed) <= 0.01 * (double)sm.processed);
    ws_pgbench_series_free(s);
    ws_pgbench_progress_free(&pr);

    snprintf(path, sizeof path, "%s/txlog.txt.gz", dir);
    if (exists(path)) {
        if (!ws_pgbench_have_gzip()) {
            print_message("  (no zlib: %s not checked)\n", path);
        } else {
            ws_pgbench_txlog tx;
            ws_pgbench_txlog_init(&tx);
            ok(ws_pgbench_txlog_add_file(&tx, path, 0, &err), &err);
            assert_int_equal(tx.truncated_lines, 0);
            assert_int_equal(tx.n_ok, sm.processed);
            assert_int_equal(tx.n_failed + tx.n_skipped, sm.failed);
            ok(ws_pgbench_series_from_txlog(&tx, 1.0, &s, &err), &err);
            assert_int_equal(s->count, sm.processed);
            /* pgbench's "latency average" is the mean of the same latencies */
            assert_true(fabs(s->lat_mean_ms - sm.latency_avg_ms) < 0.0015);
            ws_pgbench_series_free(s);
            ws_pgbench_txlog_free(&tx);
        }
    }
    snprintf(path, sizeof path, "%s/aggregate.txt", dir);
    if (exists(path)) {
        ws_pgbench_agg agg;
        ws_pgbench_agg_init(&agg);
        ok(ws_pgbench_agg_add_file(&agg, path, &err), &err);
        ok(ws_pgbench_series_from_agg(&agg, &s, &err), &err);
        assert_true(s->count <= sm.processed && (double)s->count >= 0.97 * (double)sm.processed);
        ws_pgbench_series_free(s);
        ws_pgbench_agg_free(&agg);
    }
}

static void test_every_recorded_run(void **state)
{
    (void)state;
    DIR *dp = opendir(DATASET);
    assert_non_null(dp);
    struct dirent *e;
    char names[64][256];
    size_t n = 0;
    while ((e = readdir(dp)) && n < 64) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/server.log", DATASET, e->d_name);
        if (e->d_name[0] != '.' && exists(path))
            snprintf(names[n++], sizeof names[0], "%s", e->d_name);
    }
    closedir(dp);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", DATASET, names[i]);
        check_run(dir);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_recorded_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
