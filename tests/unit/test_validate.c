/*
 * test_validate.c - the comparison of walsim validate: pg_waldump --stats,
 * the span of statistics snapshots, the measured window and its figures on
 * a hand-made run whose every figure is worked out below, the simulated
 * figures of a hand-built run detail, the verdict at and past each
 * tolerance, the outputs, and the recorded dataset's timed-30s run against
 * figures computed by hand from its files.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/db.h"
#include "walsim/validate.h"

#define DATA WS_TEST_DATA_DIR "/validate/"
#define DATASET WS_SOURCE_DIR "/tests/validation/data/"
#define BASE 1767225600.0 /* 2026-01-01 00:00:00 UTC: time 0 of the fixtures */

static void ok(int rc, const ws_diag *err)
{
    if (rc != WS_OK) {
        print_error("%s\n", err->msg);
        fail();
    }
}

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("got %.12g, want %.12g (+- %g)\n", got, want, tol);
        fail();
    }
}

/* ---- pg_waldump --stats ---- */

static void test_waldump_run_a(void **state)
{
    (void)state;
    ws_waldump_stats w;
    ws_diag err;
    ok(ws_waldump_stats_read_file(DATA "pg15_A/waldump_stats.txt", &w, &err), &err);
    /* the Total line of the file, by eye */
    assert_true(w.records == 3719429);
    assert_true(w.record_bytes == 259258247);
    assert_true(w.fpi_bytes == 4828220668.0);
    assert_true(w.combined_bytes == 5087478915.0);
    assert_true(w.has_range);
    assert_true(w.start_lsn == 0x4E6330B8u);
    assert_true(w.end_lsn == 0x17F032D28ull);
    /* its FPI share as the README reports it (0.949) */
    near(w.fpi_bytes / w.combined_bytes, 0.949, 0.0005);
}

static void waldump_bad(const char *text, const char *needle)
{
    ws_waldump_stats w;
    ws_diag err;
    int rc = ws_waldump_stats_parse_string(text, strlen(text), "w.txt", &w, &err);
    if (rc != WS_EINPUT || !strstr(err.msg, needle)) {
        print_error("rc %d, '%s', wanted '%s'\n", rc, err.msg, needle);
        fail();
    }
}

static void test_waldump_errors(void **state)
{
    (void)state;
    waldump_bad("Type N\nHeap/INSERT 1 (1) 2 (1) 3 (1) 5 (1)\n", "no 'Total' line");
    waldump_bad("\nTotal 12 x [1%] 3 [2%] 4 [100%]\n", "w.txt:2: pg_waldump Total line");
    waldump_bad("Total 1 10 [50%] 10 [50%] 21 [100%]\n", "is not record size 10 + FPI size 10");
    waldump_bad("Total 1 99999999999999999999 [1%] 1 [1%] 1 [1%]\n", "Total line");
    /* without the header line (pg_waldump before 15), and with CRLF */
    ws_waldump_stats w;
    ws_diag err;
    const char *t = "Total   4   10 [50.00%]   10 [50.00%]   20 [100%]\r\n";
    ok(ws_waldump_stats_parse_string(t, strlen(t), "w.txt", &w, &err), &err);
    assert_false(w.has_range);
    assert_true(w.combined_bytes == 20 && w.fpi_bytes == 10 && w.records == 4);
}

/* ---- statistics snapshots ---- */

static ws_pgstats *csv(const char *text)
{
    ws_pgstats *s;
    ws_diag err;
    ok(ws_pgstats_parse_string(text, strlen(text), "t.csv", &s, &err), &err);
    return s;
}

static void test_stats_span(void **state)
{
    (void)state;
    ws_pgstats *bb = csv("epoch,checkpoints_timed\n100,1\n");
    ws_pgstats *wb = csv("epoch,wal_fpi,wal_bytes\n101,10,1000\n");
    ws_pgstats *series = csv("epoch,wal_fpi\n150,20\n120,15\n");
    ws_pgstats *ba = csv("epoch,checkpoints_timed\n200,5\n");
    ws_pgstats *wa = csv("epoch,wal_fpi,wal_bytes\n201,40,9000\n");
    /* any order of files and rows gives the same span */
    const ws_pgstats *order1[] = {bb, wb, series, ba, wa};
    const ws_pgstats *order2[] = {wa, series, ba, wb, bb};
    ws_pgstats_snap b1, a1, b2, a2;
    ws_diag err;
    ok(ws_validate_stats_span(order1, NULL, 5, &b1, &a1, &err), &err);
    ok(ws_validate_stats_span(order2, NULL, 5, &b2, &a2, &err), &err);
    for (int f = 0; f < WS_PGSTAT_COUNT; f++) {
        assert_true((isnan(b1.v[f]) && isnan(b2.v[f])) || b1.v[f] == b2.v[f]);
        assert_true((isnan(a1.v[f]) && isnan(a2.v[f])) || a1.v[f] == a2.v[f]);
    }
    assert_true(b1.v[WS_PGSTAT_EPOCH] == 100 && a1.v[WS_PGSTAT_EPOCH] == 201);
    assert_true(b1.v[WS_PGSTAT_CHECKPOINTS_TIMED] == 1 && a1.v[WS_PGSTAT_CHECKPOINTS_TIMED] == 5);
    assert_true(b1.v[WS_PGSTAT_WAL_FPI] == 10 && a1.v[WS_PGSTAT_WAL_FPI] == 40);
    assert_true(b1.v[WS_PGSTAT_WAL_BYTES] == 1000 && a1.v[WS_PGSTAT_WAL_BYTES] == 9000);
    /* a counter in one row only has no span */
    assert_true(isnan(b1.v[WS_PGSTAT_BUFFERS_CLEAN]));

    /* a reset in the middle of a series is an error naming the files */
    ws_pgstats *reset = csv("epoch,wal_fpi\n150,2\n");
    const ws_pgstats *bad[] = {wb, reset, wa};
    const char *names[] = {"wal_before.csv", "samples.csv", "wal_after.csv"};
    assert_int_equal(ws_validate_stats_span(bad, names, 3, &b1, &a1, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "wal_fpi went down from 10 to 2"));
    assert_non_null(strstr(err.msg, "(wal_before.csv, then samples.csv)"));

    /* without an epoch in every row, the order given is the time order */
    ws_pgstats *n1 = csv("wal_fpi\n5\n");
    ws_pgstats *n2 = csv("wal_fpi\n7\n");
    const ws_pgstats *noep[] = {n1, n2};
    ok(ws_validate_stats_span(noep, NULL, 2, &b1, &a1, &err), &err);
    assert_true(b1.v[WS_PGSTAT_WAL_FPI] == 5 && a1.v[WS_PGSTAT_WAL_FPI] == 7);
    const ws_pgstats *noep2[] = {n2, n1};
    assert_int_equal(ws_validate_stats_span(noep2, NULL, 2, &b1, &a1, &err), WS_EINPUT);
    ws_pgstats *all[] = {bb, wb, series, ba, wa, reset, n1, n2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ws_pgstats_free(all[i]);
}

/* ---- transactions over time ---- */

static void test_txcount(void **state)
{
    (void)state;
    ws_pgbench_txlog l;
    ws_pgbench_txlog_init(&l);
    ws_diag err;
    const char *t = "0 1 100 0 1000 500000\n0 2 100 0 1002 0\n1 1 skipped 0 1001 0\n"
                    "1 2 100 0 1001 0\n";
    ok(ws_pgbench_txlog_add_string(&l, t, strlen(t), "t", 0, &err), &err);
    ws_validate_input in = {.txlog = &l};
    ws_validate_txcount tc;
    ok(ws_validate_txcount_build(&in, &tc, &err), &err);
    assert_true(tc.step);
    /* ends 1000.5, 1001, 1002 (the skipped one is not a transaction) */
    assert_true(ws_validate_txcount_at(&tc, 1000.4) == 0);
    assert_true(ws_validate_txcount_at(&tc, 1000.5) == 1);
    assert_true(ws_validate_txcount_at(&tc, 1001.9) == 2);
    assert_true(ws_validate_txcount_at(&tc, 5000) == 3);
    ws_validate_txcount_free(&tc);
    ws_pgbench_txlog_free(&l);

    /* progress: each report covers the second before it; linear inside */
    ws_pgbench_progress p;
    ws_pgbench_progress_init(&p);
    const char *pr = "progress: 1795545091.000 s, 100.0 tps, lat 1.000 ms stddev 0.100\n"
                     "progress: 1795545092.000 s, 300.0 tps, lat 1.000 ms stddev 0.100\n";
    ok(ws_pgbench_progress_add_string(&p, pr, strlen(pr), "p", &err), &err);
    ws_validate_input ip = {.progress = &p};
    ok(ws_validate_txcount_build(&ip, &tc, &err), &err);
    assert_false(tc.step);
    near(ws_validate_txcount_at(&tc, 1795545090.0), 0, 1e-9);
    near(ws_validate_txcount_at(&tc, 1795545090.5), 50, 1e-6);
    near(ws_validate_txcount_at(&tc, 1795545091.5), 250, 1e-6);
    near(ws_validate_txcount_at(&tc, 1795545099.0), 400, 1e-9);
    ws_validate_txcount_free(&tc);
    ws_pgbench_progress_free(&p);

    /* progress with times since the start cannot be placed */
    ws_pgbench_progress_init(&p);
    const char *rel = "progress: 1.0 s, 100.0 tps, lat 1.000 ms stddev 0.100\n";
    ok(ws_pgbench_progress_add_string(&p, rel, strlen(rel), "p", &err), &err);
    assert_int_equal(ws_validate_txcount_build(&ip, &tc, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "--progress-timestamp"));
    ws_pgbench_progress_free(&p);
}

/* ---- the measured side, on the hand-made fixture ---- */

typedef struct fixture {
    ws_validate_files fs;
    const char *stats[2];
    const char *logs[1];
    ws_validate_loaded ld;
    ws_validate_measured m;
} fixture;

static void load_fixture(fixture *x, bool with_stats, double interval)
{
    memset(x, 0, sizeof *x);
    x->stats[0] = DATA "fixture_before.csv";
    x->stats[1] = DATA "fixture_after.csv";
    x->logs[0] = DATA "fixture_txlog.txt";
    x->fs.pg_log = DATA "fixture.log";
    x->fs.pgbench_logs = x->logs;
    x->fs.n_pgbench_logs = 1;
    if (with_stats) {
        x->fs.stats = x->stats;
        x->fs.n_stats = 2;
        x->fs.waldump = DATA "fixture_waldump.txt";
    }
    ws_diag err;
    ok(ws_validate_load(&x->fs, &x->ld, &err), &err);
    ok(ws_validate_measure(&x->ld.in, interval, &x->m, &err), &err);
}

static void free_fixture(fixture *x)
{
    ws_validate_measured_free(&x->m);
    ws_validate_loaded_free(&x->ld);
}

static void test_measured_fixture(void **state)
{
    (void)state;
    fixture x;
    load_fixture(&x, true, 10);
    const ws_validate_measured *m = &x.m;
    const double *v = m->fig.v;
    /* window: the first transaction started at 1.5 - 0.5 s, the last ended at 30 s */
    near(m->window_start - BASE, 1.0, 1e-6);
    near(m->window_end - BASE, 30.0, 1e-6);
    assert_int_equal(m->window_transactions, 9);
    /* started in [1, 30]: 10 s "time", 20 s "wal time" (requested: any cause
     * besides time), 28 s "time"; the CHECKPOINT at 0 s and the shutdown are
     * not counted */
    assert_true(v[WS_VF_CKPT_TIMED] == 2);
    assert_true(v[WS_VF_CKPT_REQ] == 1);
    /* the 28 s checkpoint completed after the window, 0.05 s before the
     * shutdown checkpoint started: hurried, left out of the means */
    near(v[WS_VF_CKPT_WRITE], (6.0 + 4.0) / 2, 1e-9);
    near(v[WS_VF_CKPT_SYNC], (1.0 + 0.5) / 2, 1e-9);
    near(v[WS_VF_CKPT_TOTAL], (8.0 + 5.0) / 2, 1e-9);
    near(v[WS_VF_CKPT_BUFFERS], (100 + 300) / 2.0, 1e-9);
    near(v[WS_VF_CKPT_DISTANCE], (1000 + 3000) / 2.0 * 1024, 1e-6);
    /* latencies 500 2 4 40 6 8 60 10 3 ms; percentiles by linear
     * interpolation between order statistics: p95 at rank 7.6, p99 at 7.92
     * of 2 3 4 6 8 10 40 60 500 */
    near(v[WS_VF_TPS], 9.0 / 29.0, 1e-9);
    near(v[WS_VF_LAT_MEAN], 633.0 / 9, 1e-9);
    near(v[WS_VF_LAT_P50], 8, 1e-9);
    near(v[WS_VF_LAT_P95], 60 + 0.6 * 440, 1e-9);
    near(v[WS_VF_LAT_P99], 60 + 0.92 * 440, 1e-9);
    /* phase at completion: idle 1.5, 5, 19; write 12, 22, 29, 30 (at the
     * sync start: still write); sync 16.5 (in [16, 17]), 24.2 (in [24, 24.5]) */
    near(v[WS_VF_LAT_IDLE_MEAN], (500 + 2 + 6) / 3.0, 1e-9);
    near(v[WS_VF_LAT_IDLE_P99], 6 + 0.98 * 494, 1e-9);
    near(v[WS_VF_LAT_WRITE_MEAN], (4 + 8 + 10 + 3) / 4.0, 1e-9);
    near(v[WS_VF_LAT_WRITE_P99], 8 + 0.97 * 2, 1e-9);
    near(v[WS_VF_LAT_SYNC_MEAN], 50, 1e-9);
    near(v[WS_VF_LAT_SYNC_P99], 40 + 0.99 * 20, 1e-9);
    /* statistics between 0.5 and 30.5 s: all 9 transactions */
    assert_int_equal(m->stats_transactions, 9);
    near(v[WS_VF_WAL_PER_TX], 90000 / 9.0, 1e-9);
    near(v[WS_VF_FPI_PER_TX], 2, 1e-12);
    near(v[WS_VF_BUF_CKPT_PER_TX], 50, 1e-12);
    near(v[WS_VF_BUF_CLEAN_PER_TX], 10, 1e-12);
    near(v[WS_VF_BUF_BACKEND_PER_TX], 1, 1e-12);
    near(v[WS_VF_FPI_SHARE], 0.9, 1e-12); /* 81000 of 90000 in pg_waldump's Total */

    /* intervals of 10 s from 1 s: [1,11] [11,21] [21,30] */
    assert_int_equal(m->n_series, 3);
    assert_int_equal(m->series[0].count, 2);
    assert_int_equal(m->series[1].count, 3);
    assert_int_equal(m->series[2].count, 4);
    near(m->series[2].len_s, 9, 1e-9);
    near(m->series[0].lat_mean_ms, 251, 1e-9);
    near(m->series[0].lat_p99_ms, 2 + 0.99 * 498, 1e-9);
    near(m->series[1].lat_p50_ms, 6, 1e-9); /* 4 6 40 */
    /* [1,11] meets the 10 s write phase only; [11,21] its sync [16,17];
     * [21,30] the 20 s checkpoint's sync [24,24.5] */
    assert_int_equal(m->series[0].phase, 1);
    assert_int_equal(m->series[1].phase, 2);
    assert_int_equal(m->series[2].phase, 2);
    /* the hurried checkpoint is a note; log and statistics agree, no note */
    bool hurried = false;
    for (size_t i = 0; i < m->n_notes; i++) {
        hurried = hurried || strstr(m->notes[i], "hurried by the shutdown");
        assert_null(strstr(m->notes[i], "the statistics counted"));
    }
    assert_true(hurried);
    free_fixture(&x);
}

static void test_measured_window_and_missing(void **state)
{
    (void)state;
    fixture x;
    load_fixture(&x, false, 10);
    /* without statistics: the per-transaction figures and FPI share are unknown */
    assert_true(isnan(x.m.fig.v[WS_VF_WAL_PER_TX]));
    assert_true(isnan(x.m.fig.v[WS_VF_FPI_SHARE]));
    assert_int_equal(x.m.stats_transactions, 9); /* all of the log: no epochs to bound it */
    free_fixture(&x);

    /* --window [9, 21]: the 10 s and 20 s checkpoints; 4 transactions */
    load_fixture(&x, true, 1);
    ws_validate_measured_free(&x.m);
    x.ld.in.has_window = true;
    x.ld.in.window_start = BASE + 9;
    x.ld.in.window_end = BASE + 21;
    ws_diag err;
    ok(ws_validate_measure(&x.ld.in, 1, &x.m, &err), &err);
    assert_true(x.m.fig.v[WS_VF_CKPT_TIMED] == 1 && x.m.fig.v[WS_VF_CKPT_REQ] == 1);
    near(x.m.fig.v[WS_VF_CKPT_WRITE], 5, 1e-9); /* neither is hurried */
    assert_int_equal(x.m.window_transactions, 3); /* 12, 16.5, 19 */
    assert_int_equal(x.m.n_series, 12);
    /* the statistics still span every transaction */
    assert_int_equal(x.m.stats_transactions, 9);
    /* now they disagree with the log's window: a note says so */
    bool said = false;
    for (size_t i = 0; i < x.m.n_notes; i++)
        said = said || strstr(x.m.notes[i], "the statistics counted 2 and 1");
    assert_true(said);

    /* an empty window: a window needs an end after its start */
    ws_validate_measured_free(&x.m);
    x.ld.in.window_end = x.ld.in.window_start;
    assert_int_equal(ws_validate_measure(&x.ld.in, 1, &x.m, &err), WS_EINPUT);
    /* nothing to find a window in */
    ws_validate_input none = {.log = x.ld.in.log};
    assert_int_equal(ws_validate_measure(&none, 1, &x.m, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "no measured window"));
    /* too many intervals */
    x.ld.in.window_end = x.ld.in.window_start + 1e6;
    assert_int_equal(ws_validate_measure(&x.ld.in, 0.01, &x.m, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "10 million"));
    ws_validate_loaded_free(&x.ld);
}

/* ---- the simulated side ---- */

static void test_simulated(void **state)
{
    (void)state;
    const ws_time S = WS_SEC;
    ws_ckpt_record rec[] = {
        {.flags = WS_CKPT_F_TIME, .done = true, .start = 5 * S, .sync_start = 6 * S, .end = 7 * S,
         .buffers = 9999, .distance = 1},
        {.flags = WS_CKPT_F_TIME, .done = true, .start = 15 * S, .sync_start = 20 * S,
         .end = 22 * S, .buffers = 100, .distance = 1000},
        {.flags = WS_CKPT_F_WAL | WS_CKPT_F_TIME, .done = true, .start = 30 * S,
         .sync_start = 33 * S, .end = 34 * S, .buffers = 300, .distance = 3000},
        {.flags = WS_CKPT_F_TIME, .done = false, .start = 50 * S},
        {.flags = WS_CKPT_F_SHUTDOWN | WS_CKPT_F_IMMEDIATE, .done = true, .start = 60 * S,
         .sync_start = 60 * S, .end = 61 * S, .buffers = 5},
    };
    ws_interval rows[3] = {
        {.t_s = 0, .len_s = 10, .transactions = 100, .wal_bytes = 1000000, .wal_fpi = 99},
        {.t_s = 10, .len_s = 10, .transactions = 10, .wal_bytes = 1000, .wal_fpi_bytes = 800,
         .wal_fpi = 2, .buffers_checkpoint = 5, .buffers_clean = 3, .buffers_backend = 1},
        {.t_s = 20, .len_s = 10, .transactions = 30, .wal_bytes = 3000, .wal_fpi_bytes = 1600,
         .wal_fpi = 6, .buffers_checkpoint = 15, .buffers_clean = 1, .buffers_backend = 3},
    };
    ws_run_detail d = {.timeline = {.buf = rows, .size = sizeof rows[0], .n = 3, .cap = 3},
                       .ckpts = {.buf = rec, .size = sizeof rec[0], .n = 5, .cap = 5}};
    ws_run_stats st;
    memset(&st, 0, sizeof st);
    st.duration_s = 50; /* warm-up 10 s: the span is [10, 60] */
    st.tps = 123;
    st.lat.n = 40;
    st.lat.mean_s = 0.002;
    st.lat.p99_s = 0.009;
    st.lat_phase[2].n = 1;
    st.lat_phase[2].p99_s = 0.05;
    ws_validate_figures f;
    ws_validate_simulated(&st, &d, 10, &f);
    /* started in [10, 60], shutdown aside: 15 (timed), 30 (requested), 50 (timed, unfinished) */
    assert_true(f.v[WS_VF_CKPT_TIMED] == 2 && f.v[WS_VF_CKPT_REQ] == 1);
    near(f.v[WS_VF_CKPT_WRITE], (5 + 3) / 2.0, 1e-12);
    near(f.v[WS_VF_CKPT_SYNC], (2 + 1) / 2.0, 1e-12);
    near(f.v[WS_VF_CKPT_TOTAL], (7 + 4) / 2.0, 1e-12);
    near(f.v[WS_VF_CKPT_BUFFERS], 200, 1e-12);
    near(f.v[WS_VF_CKPT_DISTANCE], 2000, 1e-12);
    /* rows from 10 s: 40 transactions, 4000 B of WAL of which 2400 images */
    near(f.v[WS_VF_WAL_PER_TX], 100, 1e-12);
    near(f.v[WS_VF_FPI_PER_TX], 0.2, 1e-12);
    near(f.v[WS_VF_FPI_SHARE], 0.6, 1e-12);
    near(f.v[WS_VF_BUF_CKPT_PER_TX], 0.5, 1e-12);
    near(f.v[WS_VF_BUF_CLEAN_PER_TX], 0.1, 1e-12);
    near(f.v[WS_VF_BUF_BACKEND_PER_TX], 0.1, 1e-12);
    near(f.v[WS_VF_TPS], 123, 0);
    near(f.v[WS_VF_LAT_MEAN], 2, 1e-12);
    near(f.v[WS_VF_LAT_P99], 9, 1e-12);
    near(f.v[WS_VF_LAT_SYNC_P99], 50, 1e-12);
    assert_true(isnan(f.v[WS_VF_LAT_IDLE_P99])); /* no transaction in that phase */
}

/* ---- the verdict ---- */

static void test_compare(void **state)
{
    (void)state;
    ws_validate_figures m, s;
    for (int i = 0; i < WS_VF__COUNT; i++)
        m.v[i] = s.v[i] = NAN;
    m.v[WS_VF_CKPT_TIMED] = 2, s.v[WS_VF_CKPT_TIMED] = 2;       /* exact: PASS */
    m.v[WS_VF_CKPT_REQ] = 1, s.v[WS_VF_CKPT_REQ] = 2;           /* exact: FAIL */
    m.v[WS_VF_CKPT_WRITE] = 10, s.v[WS_VF_CKPT_WRITE] = 11;     /* +10 %, at the goal: PASS */
    m.v[WS_VF_CKPT_BUFFERS] = 100, s.v[WS_VF_CKPT_BUFFERS] = 111; /* +11 %: FAIL */
    m.v[WS_VF_WAL_PER_TX] = 1000, s.v[WS_VF_WAL_PER_TX] = 900;  /* -10 %: PASS */
    s.v[WS_VF_FPI_SHARE] = 0.5;                                 /* not measured */
    m.v[WS_VF_TPS] = 0, s.v[WS_VF_TPS] = 0;                     /* 0 = 0: PASS */
    m.v[WS_VF_LAT_P99] = 0, s.v[WS_VF_LAT_P99] = 1;             /* from 0: no ratio, FAIL */
    m.v[WS_VF_LAT_P50] = 4, s.v[WS_VF_LAT_P50] = 5;             /* no goal */
    m.v[WS_VF_CKPT_SYNC] = 4;                                   /* no goal, not simulated */
    ws_validation v;
    ws_validate_compare(&m, &s, &v);
    assert_int_equal(v.goals, 8);
    assert_int_equal(v.passed, 4);
    assert_int_equal(v.failed, 3);
    assert_int_equal(v.not_measured, 1);
    assert_int_equal(v.row[WS_VF_CKPT_TIMED].status, WS_VS_PASS);
    assert_int_equal(v.row[WS_VF_CKPT_REQ].status, WS_VS_FAIL);
    near(v.row[WS_VF_CKPT_REQ].rel_error, 1.0, 1e-12);
    assert_int_equal(v.row[WS_VF_CKPT_WRITE].status, WS_VS_PASS);
    near(v.row[WS_VF_CKPT_WRITE].rel_error, 0.1, 1e-12);
    assert_int_equal(v.row[WS_VF_CKPT_BUFFERS].status, WS_VS_FAIL);
    assert_int_equal(v.row[WS_VF_WAL_PER_TX].status, WS_VS_PASS);
    near(v.row[WS_VF_WAL_PER_TX].rel_error, -0.1, 1e-12);
    assert_int_equal(v.row[WS_VF_FPI_SHARE].status, WS_VS_NA);
    assert_int_equal(v.row[WS_VF_TPS].status, WS_VS_PASS);
    assert_true(v.row[WS_VF_TPS].rel_error == 0);
    assert_int_equal(v.row[WS_VF_LAT_P99].status, WS_VS_FAIL);
    assert_true(isnan(v.row[WS_VF_LAT_P99].rel_error));
    assert_int_equal(v.row[WS_VF_LAT_P50].status, WS_VS_INFO);
    near(v.row[WS_VF_LAT_P50].rel_error, 0.25, 1e-12);
    assert_int_equal(v.row[WS_VF_CKPT_SYNC].status, WS_VS_INFO);
    assert_int_equal(v.row[WS_VF_LAT_MEAN].status, WS_VS_NA);
    /* a goal measured but not simulated fails */
    s.v[WS_VF_CKPT_WRITE] = NAN;
    ws_validate_compare(&m, &s, &v);
    assert_int_equal(v.row[WS_VF_CKPT_WRITE].status, WS_VS_FAIL);
    /* the goals of the issue */
    assert_int_equal(ws_validate_fig_info_get(WS_VF_CKPT_TIMED)->goal, WS_VGOAL_EXACT);
    near(ws_validate_fig_info_get(WS_VF_CKPT_WRITE)->tolerance, 0.10, 0);
    near(ws_validate_fig_info_get(WS_VF_CKPT_BUFFERS)->tolerance, 0.10, 0);
    near(ws_validate_fig_info_get(WS_VF_WAL_PER_TX)->tolerance, 0.10, 0);
    near(ws_validate_fig_info_get(WS_VF_FPI_SHARE)->tolerance, 0.10, 0);
    near(ws_validate_fig_info_get(WS_VF_TPS)->tolerance, 0.15, 0);
    near(ws_validate_fig_info_get(WS_VF_LAT_P99)->tolerance, 0.25, 0);
    assert_int_equal(ws_validate_fig_info_get(WS_VF_LAT_MEAN)->goal, WS_VGOAL_NONE);
    assert_null(ws_validate_fig_info_get(WS_VF__COUNT));
}

/* ---- outputs ---- */

static char *capture(void (*fn)(FILE *, void *), void *ctx)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fn(f, ctx);
    fclose(f);
    return buf;
}

typedef struct out_ctx {
    ws_validate_meta meta;
    fixture *x;
    ws_validate_figures sim;
    ws_validation v;
    ws_run_detail d;
} out_ctx;

static void write_json(FILE *f, void *p)
{
    out_ctx *c = p;
    ws_validate_json(f, &c->meta, &c->x->m, &c->sim, &c->v);
}

static void write_csv(FILE *f, void *p)
{
    out_ctx *c = p;
    ws_validate_timeline_csv(f, &c->x->m, &c->d, 10);
}

static void write_table(FILE *f, void *p)
{
    out_ctx *c = p;
    ws_validate_print(f, &c->meta, &c->x->m, &c->sim, &c->v);
}

static void test_outputs(void **state)
{
    (void)state;
    fixture x;
    load_fixture(&x, true, 10);
    out_ctx c;
    memset(&c, 0, sizeof c);
    c.meta = (ws_validate_meta){"s.conf", "base", 40, 10, x.ld.kind, x.ld.file, x.ld.n_files};
    c.x = &x;
    /* simulated: the measured figures with tps 10 % low, so that the rows differ */
    c.sim = x.m.fig;
    c.sim.v[WS_VF_TPS] *= 0.9;
    ws_interval rows[4] = {{.t_s = 0, .len_s = 10, .transactions = 1},
                           {.t_s = 10, .len_s = 10, .transactions = 20, .lat_mean_ms = 2,
                            .lat_p50_ms = 1.5, .lat_p99_ms = 7, .ckpt_phase = 1},
                           {.t_s = 20, .len_s = 10},
                           {.t_s = 30, .len_s = 10, .transactions = 5, .ckpt_phase = 2}};
    c.d = (ws_run_detail){.timeline = {.buf = rows, .size = sizeof rows[0], .n = 4, .cap = 4}};
    ws_validate_compare(&x.m.fig, &c.sim, &c.v);
    assert_int_equal(c.v.failed, 0);

    char *j1 = capture(write_json, &c), *j2 = capture(write_json, &c);
    assert_string_equal(j1, j2); /* same input, same bytes */
    assert_non_null(strstr(j1, "\"schema_version\": 1"));
    assert_non_null(strstr(j1, "{\"kind\": \"pg_log\", \"file\": \"" DATA "fixture.log\"}"));
    assert_non_null(strstr(j1, "\"start_epoch\": 1767225601.000000, \"end_epoch\": "
                               "1767225630.000000, \"length_s\": 29"));
    assert_non_null(strstr(j1, "{\"name\": \"tps\", \"unit\": \"1/s\", \"measured\": "
                               "0.310344828, \"simulated\": 0.279310345, \"rel_error\": -0.1, "
                               "\"goal\": \"relative\", \"tolerance\": 0.15, "
                               "\"status\": \"PASS\""));
    assert_non_null(strstr(j1, "\"kind\": \"timed\", \"in_window\": true, \"in_means\": false"));
    assert_non_null(strstr(j1, "\"result\": \"PASS\""));
    free(j1);
    free(j2);

    char *csv_text = capture(write_csv, &c);
    /* measured: [1,11] 500 2 ms; [11,21] 4 40 6 ms; [21,30] (9 s) 8 60 10 3 ms;
     * simulated: the rows from the 10 s warm-up on, the empty one without
     * latencies */
    assert_string_equal(
        csv_text,
        "t_s,meas_tps,sim_tps,meas_lat_mean_ms,sim_lat_mean_ms,meas_lat_p50_ms,sim_lat_p50_ms,"
        "meas_lat_p99_ms,sim_lat_p99_ms,meas_ckpt_phase,sim_ckpt_phase\n"
        "0,0.2,2,251,2,251,1.5,495.02,7,write,write\n"
        "10,0.3,0,16.6666667,,6,,39.32,,sync,idle\n"
        "20,0.444444444,0.5,20.25,0,9,0,58.5,0,sync,sync\n");
    free(csv_text);

    char *table = capture(write_table, &c);
    assert_non_null(strstr(table, "checkpoints_timed"));
    assert_non_null(strstr(table, "8 of 8 figures with a goal pass: PASS"));
    free(table);
    free_fixture(&x);
}

/* ---- the recorded dataset: timed-30s, figures by hand from its files ---- */

static void test_dataset_timed_30s(void **state)
{
    (void)state;
    const char *stats[] = {DATASET "timed-30s/bgwriter_before.csv",
                           DATASET "timed-30s/wal_before.csv",
                           DATASET "timed-30s/bgwriter_after.csv",
                           DATASET "timed-30s/wal_after.csv"};
    const char *logs[] = {DATASET "timed-30s/txlog.txt.gz"};
    ws_validate_files fs = {.pg_log = DATASET "timed-30s/server.log",
                            .pgbench_logs = logs,
                            .n_pgbench_logs = 1,
                            .stats = stats,
                            .n_stats = 4};
    if (!ws_pgbench_have_gzip())
        skip();
    ws_validate_loaded ld;
    ws_validate_measured m;
    ws_diag err;
    ok(ws_validate_load(&fs, &ld, &err), &err);
    ok(ws_validate_measure(&ld.in, 1, &m, &err), &err);
    const double *v = m.fig.v;
    /* server.log: "time" starts at 06:56:00, :30, 06:57:00, :30 in the run;
     * the last, completed at the "shutting down" line, is hurried */
    assert_true(v[WS_VF_CKPT_TIMED] == 4 && v[WS_VF_CKPT_REQ] == 0);
    near(v[WS_VF_CKPT_WRITE], (26.268 + 26.705 + 26.656) / 3, 1e-9);
    near(v[WS_VF_CKPT_SYNC], (0.276 + 0.356 + 0.265) / 3, 1e-9);
    near(v[WS_VF_CKPT_BUFFERS], (7281 + 2974 + 3619) / 3.0, 1e-9);
    near(v[WS_VF_CKPT_DISTANCE], (281979 + 273562 + 262702) / 3.0 * 1024, 1e-3);
    /* pgbench_stdout.txt: 235855 transactions; wal_after - wal_before */
    assert_int_equal(m.window_transactions, 235855);
    assert_int_equal(m.stats_transactions, 235855);
    near(v[WS_VF_WAL_PER_TX], 1059794607.0 / 235855, 1e-6);
    near(v[WS_VF_FPI_PER_TX], 120765.0 / 235855, 1e-12);
    near(v[WS_VF_BUF_BACKEND_PER_TX], 97758.0 / 235855, 1e-12);
    /* pgbench's own report: latency average 2.025 ms, tps 1965.5 */
    near(v[WS_VF_LAT_MEAN], 2.025, 0.0005);
    near(v[WS_VF_TPS], 1965.5, 1.0);
    ws_validate_measured_free(&m);
    ws_validate_loaded_free(&ld);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waldump_run_a),
        cmocka_unit_test(test_waldump_errors),
        cmocka_unit_test(test_stats_span),
        cmocka_unit_test(test_txcount),
        cmocka_unit_test(test_measured_fixture),
        cmocka_unit_test(test_measured_window_and_missing),
        cmocka_unit_test(test_simulated),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_dataset_timed_30s),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
