/*
 * test_pgbenchlog.c - pgbench's per-transaction, aggregate and progress logs
 * and its final report.  Real PG15 files: an excerpt of the shared
 * dataset's run A (per-second figures checked against its independent
 * analysis, per_second.csv) and short runs made with
 * tests/validation/run-pgbench.sh with --rate, --latency-limit,
 * --max-tries and --failures-detailed under repeatable read (counts checked
 * against pgbench's own report or awk); hand-written lines in the 13/14
 * formats; bad and truncated input.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/pgbenchlog.h"

#define DATA WS_TEST_DATA_DIR "/import/"

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("got %.6f, want %.6f (tolerance %g)\n", got, want, tol);
        fail();
    }
}

static void ok(int rc, const ws_diag *err)
{
    if (rc != WS_OK) {
        print_error("%s\n", err->msg);
        fail();
    }
}

static void test_shared_txlog_per_second(void **state)
{
    (void)state;
    ws_pgbench_txlog log;
    ws_pgbench_txlog_init(&log);
    ws_diag err;
    ok(ws_pgbench_txlog_add_file(&log, DATA "pg15_A_txlog_1795545132.txt", 0, &err), &err);
    assert_int_equal(log.n_tx, 999);
    assert_int_equal(log.n_ok, 999);
    assert_int_equal(log.tx[0].lag_us, -1);
    assert_int_equal(log.tx[0].retries, -1);
    ws_pgbench_series *s;
    ok(ws_pgbench_series_from_txlog(&log, 1.0, &s, &err), &err);
    assert_true(s->exact);
    assert_int_equal(s->n, 3); /* 5 lines of ...131, all of ...132, 5 of ...133 */
    const ws_pgbench_point *p = &s->pt[1];
    near(p->start, 1795545132, 0);
    near(p->length, 1, 0);
    /* per_second.csv of run A: 1795545132,42,989,8.05,4.983,26.13,38.625,51.127 */
    assert_int_equal(p->count, 989);
    near(p->lat_mean_ms, 8.05, 0.0005);
    near(p->lat_p50_ms, 4.983, 0.0005);
    near(p->lat_p95_ms, 26.13, 0.0005);
    near(p->lat_p99_ms, 38.625, 0.0005);
    near(p->lat_max_ms, 51.127, 0.0005);
    assert_int_equal(s->pt[0].count + s->pt[2].count, 10);
    assert_int_equal(s->count, 999);
    assert_int_equal(s->n_lat, 999);
    for (size_t i = 1; i < s->n_lat; i++)
        assert_true(s->lat_sorted_ms[i - 1] <= s->lat_sorted_ms[i]);
    near(s->lat_max_ms, s->lat_sorted_ms[998], 0);
    ws_pgbench_series_free(s);
    /* 2-second intervals aligned to even epochs: 131 alone, then 132 and 133 */
    ok(ws_pgbench_series_from_txlog(&log, 2.0, &s, &err), &err);
    assert_int_equal(s->n, 2);
    assert_int_equal(s->pt[0].count, 5);
    assert_int_equal(s->pt[1].count, 994);
    ws_pgbench_series_free(s);
    ws_pgbench_txlog_free(&log);
}

static void test_failures_and_lag(void **state)
{
    (void)state;
    /* pgbench --rate=400 --latency-limit=10 --failures-detailed --max-tries=2:
     * 8 fields; its report: 1066 processed, 127 serialization failures, 6
     * skipped, 401 retries */
    ws_pgbench_txlog log;
    ws_pgbench_txlog_init(&log);
    ws_diag err;
    ok(ws_pgbench_txlog_add_file(&log, DATA "pg15_txlog_rate_limit.txt", 0, &err), &err);
    assert_int_equal(log.n_ok, 1066);
    assert_int_equal(log.n_serialization, 127);
    assert_int_equal(log.n_deadlock, 0);
    assert_int_equal(log.n_failed, 127);
    assert_int_equal(log.n_skipped, 6);
    assert_int_equal(log.retries, 401);
    /* first line "2 1 3422 0 1796194962 145508 78 0" */
    assert_int_equal(log.tx[0].client, 2);
    assert_int_equal(log.tx[0].latency_us, 3422);
    assert_int_equal(log.tx[0].lag_us, 78);
    assert_int_equal(log.tx[0].retries, 0);
    assert_true(log.tx[0].end_us == INT64_C(1796194962145508));
    ws_pgbench_series *s;
    ok(ws_pgbench_series_from_txlog(&log, 1.0, &s, &err), &err);
    assert_int_equal(s->count, 1066);
    assert_int_equal(s->failed, 133);
    ws_pgbench_series_free(s);
    ws_pgbench_txlog_free(&log);

    /* --max-tries=2 without --rate: 7 fields, the 7th is retries; 218 lines
     * say "failed" (grep -c), 182 do not (awk) */
    ws_pgbench_txlog_init(&log);
    ok(ws_pgbench_txlog_add_file(&log, DATA "pg15_txlog_retries_head.txt",
                                 WS_PGBENCH_RETRIES_ONLY, &err),
       &err);
    assert_int_equal(log.n_failed, 218);
    assert_int_equal(log.n_ok, 182);
    assert_int_equal(log.tx[3].status, WS_PGBENCH_FAILED); /* "0 1 failed 0 1796194969 370144 1" */
    assert_int_equal(log.tx[3].retries, 1);
    assert_int_equal(log.tx[3].lag_us, -1);
    assert_int_equal(log.tx[3].latency_us, -1);
    ws_pgbench_txlog_free(&log);
    /* without the flag the 7th field is read as schedule_lag */
    ws_pgbench_txlog_init(&log);
    ok(ws_pgbench_txlog_add_file(&log, DATA "pg15_txlog_retries_head.txt", 0, &err), &err);
    assert_int_equal(log.tx[3].lag_us, 1);
    assert_int_equal(log.tx[3].retries, -1);
    ws_pgbench_txlog_free(&log);
}

static void test_aggregate_pg15(void **state)
{
    (void)state;
    /* --aggregate-interval=1 --failures-detailed --max-tries=3, two threads:
     * awk over the file gives num_transactions 1434, retried 1429, retries
     * 2754, serialization 1220 (pgbench drops the last partial interval, so
     * these are below the report's totals) */
    ws_pgbench_agg agg;
    ws_pgbench_agg_init(&agg);
    ws_diag err;
    ok(ws_pgbench_agg_add_file(&agg, DATA "pg15_agg_failures_detailed.txt", &err), &err);
    assert_int_equal(agg.n_rows, 6);
    const ws_pgbench_agg_row *r = &agg.rows[0];
    /* "1796194955 247 555931 1726317349 572 11482 0 0 0 0 0 169 315 132 0" */
    assert_true(r->interval_start == 1796194955);
    assert_int_equal(r->num_transactions, 247);
    near(r->sum_latency, 555931, 0);
    near(r->sum_latency_2, 1726317349, 0);
    near(r->min_latency, 572, 0);
    near(r->max_latency, 11482, 0);
    near(r->sum_lag, 0, 0);
    assert_int_equal(r->skipped, 0);
    assert_int_equal(r->retried, 169);
    assert_int_equal(r->retries, 315);
    assert_int_equal(r->serialization_failures, 132);
    assert_int_equal(r->deadlock_failures, 0);
    assert_int_equal(r->other_failures, -1);
    ws_pgbench_series *s;
    ok(ws_pgbench_series_from_agg(&agg, &s, &err), &err);
    assert_false(s->exact);
    assert_int_equal(s->n, 3); /* the two threads' rows of a second are added up */
    assert_int_equal(s->count, 1434);
    assert_int_equal(s->failed, 1220);
    /* first second: (555931 + 313952) us over 368 transactions */
    assert_int_equal(s->pt[0].count, 368);
    near(s->pt[0].lat_mean_ms, (555931.0 + 313952.0) / 368 / 1000, 1e-9);
    near(s->pt[0].lat_min_ms, 0.572, 1e-9);
    near(s->pt[0].lat_max_ms, 11.482, 1e-9);
    double m = (555931.0 + 313952.0) / 368, v = (1726317349.0 + 1133839206.0) / 368 - m * m;
    near(s->pt[0].lat_stddev_ms, sqrt(v) / 1000, 1e-9);
    assert_true(isnan(s->pt[0].lat_p99_ms));
    ws_pgbench_series_free(s);
    ws_pgbench_agg_free(&agg);

    /* plain --aggregate-interval=1: still 15 fields (awk: 3053 transactions) */
    ws_pgbench_agg_init(&agg);
    ok(ws_pgbench_agg_add_file(&agg, DATA "pg15_agg_plain.txt", &err), &err);
    ok(ws_pgbench_series_from_agg(&agg, &s, &err), &err);
    assert_int_equal(s->count, 3053);
    assert_int_equal(s->failed, 0);
    ws_pgbench_series_free(s);
    ws_pgbench_agg_free(&agg);
}

static void test_aggregate_pg13_14(void **state)
{
    (void)state;
    ws_pgbench_agg agg;
    ws_pgbench_agg_init(&agg);
    ws_diag err;
    const char *text = "1714564800 100 200000 500000000 1000 5000\n"               /* 6 */
                       "1714564810 50 100000 250000000 1000 4000 500 9000 1 30\n" /* 10: --rate */
                       "1714564820 40 90000 230000000 900 3000 400 8000 2 20 4\n"; /* 11 */
    ok(ws_pgbench_agg_add_string(&agg, text, strlen(text), "agg13", &err), &err);
    assert_int_equal(agg.n_rows, 3);
    assert_true(isnan(agg.rows[0].sum_lag));
    near(agg.rows[1].sum_lag, 500, 0);
    assert_int_equal(agg.rows[1].skipped, -1);
    assert_int_equal(agg.rows[2].skipped, 4);
    ws_pgbench_series *s;
    ok(ws_pgbench_series_from_agg(&agg, &s, &err), &err);
    near(s->interval, 10, 0);
    assert_int_equal(s->n, 3);
    /* 13/14 count skipped transactions in num_transactions */
    assert_int_equal(s->pt[2].count, 36);
    assert_int_equal(s->pt[2].failed, 4);
    near(s->pt[0].lat_mean_ms, 2.0, 1e-12);
    ws_pgbench_series_free(s);
    ws_pgbench_agg_free(&agg);
}

static void test_progress(void **state)
{
    (void)state;
    ws_pgbench_progress p;
    ws_pgbench_progress_init(&p);
    ws_diag err;
    ok(ws_pgbench_progress_add_file(&p, DATA "pg15_A_progress_head.txt", &err), &err);
    assert_int_equal(p.n_rows, 12);
    assert_true(p.epoch);
    /* "progress: 1795545091.799 s, 789.8 tps, lat 8.743 ms stddev 5.197, 0 failed" */
    near(p.rows[0].time, 1795545091.799, 1e-6);
    near(p.rows[0].tps, 789.8, 1e-9);
    near(p.rows[0].lat_ms, 8.743, 1e-9);
    near(p.rows[0].stddev_ms, 5.197, 1e-9);
    assert_int_equal(p.rows[0].failed, 0);
    assert_true(isnan(p.rows[0].lag_ms));
    assert_int_equal(p.rows[0].retried, -1);
    ws_pgbench_series *s;
    ok(ws_pgbench_series_from_progress(&p, &s, &err), &err);
    assert_int_equal(s->n, 12);
    /* the second report covers 1795545091.799 .. 1795545092.800: 1090.4 tps x 1.001 s */
    near(s->pt[1].start, 1795545091.799, 1e-6);
    near(s->pt[1].length, 1.001, 1e-6);
    assert_int_equal(s->pt[1].count, 1091);
    near(s->pt[1].lat_mean_ms, 7.283, 1e-9);
    ws_pgbench_series_free(s);
    ws_pgbench_progress_free(&p);

    /* --rate --latency-limit --max-tries: lag, skipped, retried and retries */
    ws_pgbench_progress_init(&p);
    ok(ws_pgbench_progress_add_file(&p, DATA "pg15_progress_rate_limit.txt", &err), &err);
    assert_int_equal(p.n_rows, 2);
    near(p.rows[0].lag_ms, 0.160, 1e-9);
    assert_int_equal(p.rows[0].failed, 43);
    assert_int_equal(p.rows[0].skipped, 0);
    assert_int_equal(p.rows[0].retried, 139);
    assert_int_equal(p.rows[0].retries, 139);
    ws_pgbench_progress_free(&p);

    /* 13/14: no "failed"; elapsed time without --progress-timestamp; other
     * stderr lines skipped; "-nan" stddev */
    ws_pgbench_progress_init(&p);
    const char *text = "starting vacuum...end.\n"
                       "progress: 5.0 s, 1951.2 tps, lat 4.061 ms stddev 2.345\n"
                       "progress: 10.0 s, 1000.0 tps, lat 4.000 ms stddev -nan, lag 0.5 ms, "
                       "3 skipped\n"
                       "pgbench: warning: something\n";
    ok(ws_pgbench_progress_add_string(&p, text, strlen(text), "p13", &err), &err);
    assert_int_equal(p.n_rows, 2);
    assert_int_equal(p.skipped_lines, 2);
    assert_false(p.epoch);
    assert_int_equal(p.rows[0].failed, -1);
    assert_true(isnan(p.rows[1].stddev_ms));
    assert_int_equal(p.rows[1].skipped, 3);
    ok(ws_pgbench_series_from_progress(&p, &s, &err), &err);
    near(s->pt[0].start, 0, 1e-9); /* the first covers as long as the second step */
    assert_int_equal(s->pt[0].count, 9756);
    assert_int_equal(s->pt[1].count, 5000);
    assert_int_equal(s->failed, 3);
    ws_pgbench_series_free(s);
    ws_pgbench_progress_free(&p);
}

static void test_summary(void **state)
{
    (void)state;
    ws_pgbench_summary sm;
    ws_diag err;
    ok(ws_pgbench_summary_read_file(DATA "pg15_A_pgbench_stdout.txt", &sm, &err), &err);
    assert_int_equal(sm.processed, 585258);
    assert_int_equal(sm.failed, 0);
    assert_int_equal(sm.scale, 100);
    assert_int_equal(sm.clients, 8);
    assert_int_equal(sm.threads, 2);
    assert_int_equal(sm.duration_s, 300);
    near(sm.tps, 1951.490338, 1e-9);
    near(sm.latency_avg_ms, 4.059, 1e-9);
    near(sm.latency_stddev_ms, 3.393, 1e-9);
    ok(ws_pgbench_summary_read_file(DATA "pg15_stdout_rate_limit.txt", &sm, &err), &err);
    assert_int_equal(sm.processed, 1066);
    assert_int_equal(sm.failed, 127);
    /* 13 prints "including connections establishing" first, then "excluding" */
    const char *t13 = "number of transactions actually processed: 10/10\n"
                      "tps = 100.5 (including connections establishing)\n"
                      "tps = 120.25 (excluding connections establishing)\n";
    ok(ws_pgbench_summary_parse(t13, strlen(t13), "s13", &sm, &err), &err);
    assert_int_equal(sm.processed, 10);
    near(sm.tps, 120.25, 0);
    assert_int_equal(sm.clients, -1);
    assert_int_equal(ws_pgbench_summary_parse("tps = 1\n", 8, "x.txt", &sm, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "x.txt: no 'number of transactions actually processed:'"));
}

static void test_quantile(void **state)
{
    (void)state;
    /* numpy.percentile([1, 2, 3, 4], [50, 95, 0, 100]) = 2.5, 3.85, 1, 4 */
    const double v[] = {1, 2, 3, 4};
    near(ws_pgbench_quantile(v, 4, 0.5), 2.5, 1e-12);
    near(ws_pgbench_quantile(v, 4, 0.95), 3.85, 1e-12);
    near(ws_pgbench_quantile(v, 4, 0), 1, 0);
    near(ws_pgbench_quantile(v, 4, 1), 4, 0);
    near(ws_pgbench_quantile(v, 1, 0.99), 1, 0);
    assert_true(isnan(ws_pgbench_quantile(v, 0, 0.5)));
}

/* Adding text to a fresh txlog fails with a message holding the needles. */
static void bad_tx(const char *text, const char *n1, const char *n2)
{
    ws_pgbench_txlog log;
    ws_pgbench_txlog_init(&log);
    ws_diag err;
    int rc = ws_pgbench_txlog_add_string(&log, text, strlen(text), "tx.log", 0, &err);
    if (rc != WS_EINPUT || !strstr(err.msg, n1) || (n2 && !strstr(err.msg, n2)) ||
        strchr(err.msg, '\n')) {
        print_error("rc=%d msg='%s', wanted '%s' and '%s'\n", rc, err.msg, n1, n2 ? n2 : "");
        fail();
    }
    ws_pgbench_txlog_free(&log);
}

static void test_errors(void **state)
{
    (void)state;
    bad_tx("0 1 3422 0 1796194962\n", "tx.log:1: fewer than 6 fields", NULL);
    bad_tx("0 1 3422 0 1796194962 1 2 3 4\n", "tx.log:1: more than 8 fields", NULL);
    bad_tx("0 1 3422 0 1796194962 1\n0 2 12x 0 1796194962 5\n",
           "tx.log:2: field 3 (time): expected a latency in microseconds", "found '12x'");
    bad_tx("0 1 3422 0 1796194962 1000000\n", "field 6 (time_us): expected microseconds below",
           NULL);
    bad_tx("0 1 3422 0 99999999999999 1\n", "field 5 (time_epoch)", NULL);
    bad_tx("-1 1 3422 0 1796194962 1\n", "field 1 (client_id)", NULL);
    bad_tx("0 1 3422 0 1796194962 1 lag\n", "field 7 (schedule_lag)", "found 'lag'");
    bad_tx("0 1 3422 0 1796194962 1 1 x\n", "field 8 (retries)", NULL);
    bad_tx("0 1 3422 0 1796194962 1 \x01\n", "found '?'", NULL);

    /* a cut last line is counted, not an error; the same line in the middle is */
    ws_pgbench_txlog log;
    ws_pgbench_txlog_init(&log);
    ws_diag err;
    const char *cut = "0 1 3422 0 1796194962 1\n0 2 3422 0 17961";
    ok(ws_pgbench_txlog_add_string(&log, cut, strlen(cut), "cut", 0, &err), &err);
    assert_int_equal(log.n_tx, 1);
    assert_int_equal(log.truncated_lines, 1);
    ws_pgbench_series *s = (ws_pgbench_series *)&err;
    assert_int_equal(ws_pgbench_series_from_txlog(&log, 0.0001, &s, &err), WS_EINPUT);
    assert_null(s);
    assert_non_null(strstr(err.msg, "expected 0.001 s to 1e6 s"));
    ws_pgbench_txlog_free(&log);
    bad_tx("0 2 3422 0 17961\n0 1 3422 0 1796194962 1\n", "tx.log:1: fewer than 6", NULL);

    /* adding is all or nothing: a bad second file leaves the first one's lines alone */
    ws_pgbench_txlog_init(&log);
    const char *good = "0 1 3422 0 1796194962 1\n1 1 skipped 0 1796194962 2\n";
    const char *worse = "0 2 3422 0 1796194963 1\n0 3 x 0 1796194963 2\n";
    ok(ws_pgbench_txlog_add_string(&log, good, strlen(good), "good", 0, &err), &err);
    assert_int_equal(ws_pgbench_txlog_add_string(&log, worse, strlen(worse), "worse", 0, &err),
                     WS_EINPUT);
    assert_non_null(strstr(err.msg, "worse:2: field 3 (time)"));
    assert_int_equal(log.n_tx, 2);
    assert_int_equal(log.n_ok, 1);
    assert_int_equal(log.n_skipped, 1);
    assert_int_equal(log.lines, 2);
    ws_pgbench_txlog_free(&log);

    /* time stamps too far apart for a series */
    ws_pgbench_txlog_init(&log);
    const char *far = "0 1 10 0 1000000000 0\n0 2 10 0 1796194962 0\n";
    ok(ws_pgbench_txlog_add_string(&log, far, strlen(far), "far", 0, &err), &err);
    assert_int_equal(ws_pgbench_series_from_txlog(&log, 1, &s, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "is a time stamp wrong?"));
    ws_pgbench_txlog_free(&log);
    ws_pgbench_txlog_init(&log);
    assert_int_equal(ws_pgbench_series_from_txlog(&log, 1, &s, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "no transactions"));

    ws_pgbench_agg agg;
    ws_pgbench_agg_init(&agg);
    const char *a7 = "1714564800 100 200000 500000000 1000 5000 7\n";
    assert_int_equal(ws_pgbench_agg_add_string(&agg, a7, strlen(a7), "agg", &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "agg:1: 7 fields: an aggregate log line has 6, 10 or 11"));
    const char *ax = "1714564800 100 200000 5e8 1000 5000\n";
    assert_int_equal(ws_pgbench_agg_add_string(&agg, ax, strlen(ax), "agg", &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "agg:1: field 4 (sum_latency_2)"));
    ws_pgbench_agg_free(&agg);

    ws_pgbench_progress p;
    ws_pgbench_progress_init(&p);
    const char *pb = "progress: 5.0 s, 1951.2 tps, lat 4.061 ms stdev 2.345\n";
    assert_int_equal(ws_pgbench_progress_add_string(&p, pb, strlen(pb), "prog", &err),
                     WS_EINPUT);
    assert_non_null(strstr(err.msg, "prog:1: progress line: expected ' ms stddev ' at column"));
    ws_pgbench_progress_free(&p);
    ws_pgbench_progress_init(&p);
    const char *pz = "progress: 5.0 s, 1 tps, lat 4 ms stddev 2, 7 fails\n";
    assert_int_equal(ws_pgbench_progress_add_string(&p, pz, strlen(pz), "prog", &err),
                     WS_EINPUT);
    assert_non_null(strstr(err.msg, "found ', 7 fails'"));
    ws_pgbench_progress_free(&p);
    ws_pgbench_progress_init(&p);
    const char *back = "progress: 5.0 s, 1 tps, lat 4 ms stddev 2\n"
                       "progress: 4.0 s, 1 tps, lat 4 ms stddev 2\n";
    ok(ws_pgbench_progress_add_string(&p, back, strlen(back), "prog", &err), &err);
    assert_int_equal(ws_pgbench_series_from_progress(&p, &s, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "is not after the previous one"));
    ws_pgbench_progress_free(&p);
}

static void test_compressed_files(void **state)
{
    (void)state;
    char path[] = "/tmp/walsim-test-pgbench-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fwrite("\xfd" "7zXZ\0\0\0", 1, 8, f); /* the xz magic */
    fclose(f);
    ws_pgbench_txlog log;
    ws_pgbench_txlog_init(&log);
    ws_diag err;
    assert_int_equal(ws_pgbench_txlog_add_file(&log, path, 0, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "is xz-compressed: decompress it first (xz -dk)"));
    /* a cut gzip stream (header only) */
    f = fopen(path, "wb");
    fwrite("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x4b", 1, 11, f);
    fclose(f);
    assert_int_equal(ws_pgbench_txlog_add_file(&log, path, 0, &err), WS_EINPUT);
    if (ws_pgbench_have_gzip())
        assert_non_null(strstr(err.msg, "gzip data is truncated"));
    else
        assert_non_null(strstr(err.msg, "built without zlib"));
    remove(path);
    assert_int_equal(log.n_tx, 0);
    ws_pgbench_txlog_free(&log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_txlog_per_second),
        cmocka_unit_test(test_failures_and_lag),
        cmocka_unit_test(test_aggregate_pg15),
        cmocka_unit_test(test_aggregate_pg13_14),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_compressed_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
