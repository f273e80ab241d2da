/*
 * test_win_bounded.c - what the measurement window keeps stays bounded
 * however long the run (window.h): the backlog's least-squares sums per
 * chunk give the slope a per-second series gave, across chunk merges;
 * the last seconds' backlog; MSER-5's series merged in pairs past
 * WS_WIN_MAX_SERIES steps, keeping its totals.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "walsim/steady.h"
#include "walsim/window.h"

/* A backlog with a trend, a daily wave and noise (deterministic). */
static double backlog_at(size_t s)
{
    return 50 + 0.01 * (double)s + 20 * sin((double)s / 3000.0) + (double)((s * 7919) % 13);
}

/* Feeds seconds [0, n) with one transaction of latency s % 7 ms each and
 * WAL bytes of 1,000 per second. */
static void feed(ws_win *w, size_t n)
{
    for (size_t s = 0; s < n; s++) {
        ws_win_tx(w, (double)(s % 7) * 1e-3, 0);
        ws_counters c = {.t = (ws_time)(s + 1) * WS_SEC, .wal_bytes = 1000 * (uint64_t)(s + 1)};
        ws_peaks p = {0};
        assert_int_equal(ws_win_second(w, &c, backlog_at(s), &p), 0);
    }
}

static void test_backlog_slope_from_chunks(void **state)
{
    (void)state;
    const size_t n = 20000; /* many merges: chunks of 128 s at the end */
    ws_win w;
    ws_counters c0 = {0};
    assert_int_equal(ws_win_init(&w, &c0, false), 0);
    feed(&w, n);
    assert_true(w.chunk_len_s >= 64);
    double *t = malloc(n * sizeof *t), *y = malloc(n * sizeof *y);
    assert_non_null(t);
    assert_non_null(y);
    /* from every 17th chunk on: the series' own fit over the same seconds */
    for (size_t c = 0; c < w.n_chunk; c += 17) {
        size_t s0 = (size_t)(w.chunk[c].t0 / WS_SEC), m = n - s0;
        for (size_t i = 0; i < m; i++) {
            t[i] = (double)(s0 + i);
            y[i] = backlog_at(s0 + i);
        }
        ws_ci want = ws_steady_slope(t, y, m);
        ws_linfit fit = {0};
        for (size_t k = c; k < w.n_chunk; k++)
            ws_linfit_merge(&fit, &w.chunk[k].backlog);
        ws_ci got = ws_linfit_slope(&fit);
        assert_true(fit.n == (double)m);
        assert_true(fabs(got.est - want.est) <= 1e-9 * fabs(want.est) + 1e-12);
        assert_true(fabs(got.se - want.se) <= 1e-7 * want.se);
        assert_int_equal(got.df, want.df);
    }
    /* the last seconds, newest first */
    for (size_t ago = 0; ago < WS_WIN_RECENT; ago++)
        assert_true(ws_win_backlog(&w, ago) == backlog_at(n - 1 - ago));
    free(t);
    free(y);
    ws_win_free(&w);
}

static void test_mser_series_bounded(void **state)
{
    (void)state;
    const size_t n = 2 * WS_WIN_MAX_SERIES + 5000; /* about three days */
    ws_win w;
    ws_counters c0 = {0};
    assert_int_equal(ws_win_init(&w, &c0, true), 0);
    feed(&w, n);
    /* merged twice: steps of 4 s, never more than the cap */
    assert_int_equal(w.ser_step_s, 4);
    assert_int_equal(w.n_ser, n / 4);
    assert_true(w.cap_ser <= WS_WIN_MAX_SERIES);
    /* every step holds its seconds: 4 transactions, their latency sum, and
     * the cumulative WAL at its end */
    double tx = 0;
    for (size_t i = 0; i < w.n_ser; i++) {
        assert_true(w.tx[i] == 4);
        double lat = 0;
        for (size_t s = 4 * i; s < 4 * i + 4; s++)
            lat += (double)(s % 7) * 1e-3;
        assert_true(fabs(w.lat_sum[i] - lat) < 1e-12);
        assert_true(w.wal[i] == 1000.0 * (double)(4 * i + 4));
        tx += w.tx[i];
    }
    assert_true(tx == (double)(n - n % 4));
    /* the mean latency series has one value per step */
    double *x = malloc(w.n_ser * sizeof *x);
    assert_non_null(x);
    ws_win_lat_series(&w, x);
    assert_true(fabs(x[1] - (4 + 5 + 6 + 0) * 1e-3 / 4) < 1e-12);
    free(x);
    ws_win_free(&w);
}

/* A short run keeps one step per second, as before. */
static void test_mser_series_short(void **state)
{
    (void)state;
    ws_win w;
    ws_counters c0 = {0};
    assert_int_equal(ws_win_init(&w, &c0, true), 0);
    feed(&w, 3600);
    assert_int_equal(w.ser_step_s, 1);
    assert_int_equal(w.n_ser, 3600);
    assert_true(w.tx[3599] == 1 && w.wal[3599] == 3600000.0);
    ws_win_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backlog_slope_from_chunks),
        cmocka_unit_test(test_mser_series_bounded),
        cmocka_unit_test(test_mser_series_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
