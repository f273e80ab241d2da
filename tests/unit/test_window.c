/*
 * test_window.c - the measurement window of ws_run (ws_run_stats.win):
 * overload detection of open loops (and a closed loop's saturated
 * resource), the cycle-count guard and duration = auto, where the window
 * starts (warmup set, or MSER-5 after a cold start), warm start against
 * the same run's later steady state and against a cold start, the
 * batch-means intervals, and determinism.
 *
 * The statistics themselves are tested in test_steady.c; here whole runs
 * are.  Every run is short (a few simulated minutes of a small database):
 * the whole file takes about 3 s.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/run.h"
#include "walsim/scenario.h"

#include "support.h"

/* |x / want - 1| <= tol */
static bool within(double x, double want, double tol) { return fabs(x / want - 1) <= tol; }

static void show(const char *label, const ws_run_stats *st)
{
    const ws_window *W = &st->win;
    print_message("[%s] simulated %.0f s, window [%.1f, %.1f] s (%.1f s), %s start, warmup %s, "
                  "duration %s, transient ended %d, cycles %u (mean %.1f s)\n",
                  label, st->simulated_s, W->start_s, W->end_s, st->duration_s,
                  W->warm_start ? "warm" : "cold", W->warmup_auto ? "auto" : "set",
                  W->duration_auto ? "auto" : "set", W->transient_ended, W->cycles, W->cycle_s_mean);
    print_message("    offered %.1f/s, tps %.1f, p50 %.3f ms, p99 %.3f ms, WAL/tx %.0f B, FPI share "
                  "%.3f, buffers_alloc %llu, dev_read %llu B, cpu %.3f, device %.3f\n",
                  W->offered_tps, st->tps, st->lat.p50_s * 1e3, st->lat.p99_s * 1e3,
                  st->wal_bytes_per_tx, st->fpi_share, (unsigned long long)st->buffers_alloc,
                  (unsigned long long)st->dev_read, st->cpu_utilization, st->device_utilization);
    print_message("    overloaded %d, backlog %.0f -> %.0f (slope %.2f/s), bottleneck '%s'\n",
                  W->overloaded, W->backlog_start, W->backlog_end, W->backlog_slope, W->bottleneck);
    print_message("    intervals by '%s', %d batches: tps [%.2f, %.2f] df %d, p99 [%.3f, %.3f] ms\n",
                  W->ci_method, W->n_batches, W->ci[WS_H_TPS].lo, W->ci[WS_H_TPS].hi,
                  W->ci[WS_H_TPS].df, W->ci[WS_H_P99].lo * 1e3, W->ci[WS_H_P99].hi * 1e3);
    print_message("    warnings 0x%x\n", W->warnings);
    for (int i = 0; i < W->n_warn; i++)
        print_message("    - %s\n", W->warn[i]);
}

/* Runs the scenario printf(fmt, ...) (variant "base") and prints its window. */
static ws_run_stats runf(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ws_run_stats runf(const char *label, const char *fmt, ...)
{
    char text[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof text);
    ws_run_stats st = test_run(text, "window.conf", "base");
    show(label, &st);
    return st;
}

/* The warning sentence that opens with `start` ("" when none). */
static const char *warning_starting(const ws_run_stats *st, const char *start)
{
    for (int i = 0; i < st->win.n_warn; i++)
        if (strncmp(st->win.warn[i], start, strlen(start)) == 0)
            return st->win.warn[i];
    return "";
}

/* ------------------------------------------------------------------ */
/* 1. Overload: an open loop above and below capacity */

/* CPU only (no table: no database model): one core, 1 ms a transaction,
 * so a capacity of 1,000/s. */
static const char cpu_only[] = "[scenario]\nstart = cold\nwarmup = 0\nduration = 3min\n"
                               "[workload]\nrate = %s\n"
                               "[transaction t]\ncpu = 1ms\n"
                               "[os]\ncpus = 1\n";

static void test_overload_cpu_only(void **state)
{
    (void)state;
    ws_run_stats st = runf("1,500/s on 1,000/s of CPU", cpu_only, "1500/s");
    const ws_window *W = &st.win;
    assert_true(W->open_loop);
    assert_true(W->overloaded);
    assert_true(W->warnings & WS_WARN_OVERLOADED);
    assert_false(ws_run_comparable(&st));
    const char *w = warning_starting(&st, "OVERLOADED");
    assert_true(w[0]);
    /* the sentence carries the figures */
    char want[64];
    snprintf(want, sizeof want, "offered %.0f tx/s, completed %.0f tx/s", W->offered_tps, st.tps);
    assert_non_null(strstr(w, want));
    assert_true(within(W->offered_tps, 1500, 0.05));
    assert_true(within(st.tps, 1000, 0.05));
    /* the backlog grows by about 500/s over the whole window */
    assert_true(W->backlog_end > W->backlog_start + 0.8 * 500 * st.duration_s);
    assert_true(within(W->backlog_slope, 500, 0.05));
    assert_true(strncmp(W->bottleneck, "CPU", 3) == 0);
    assert_non_null(strstr(w, W->bottleneck));
    /* no database model: no cold-start or cycle warnings about it */
    assert_false(W->warnings & (WS_WARN_COLD | WS_WARN_FEW_CYCLES));

    st = runf("700/s on 1,000/s of CPU", cpu_only, "700/s");
    W = &st.win;
    assert_true(W->open_loop);
    assert_false(W->overloaded);
    assert_false(W->warnings & WS_WARN_OVERLOADED);
    assert_true(ws_run_comparable(&st));
    assert_string_equal(warning_starting(&st, "OVERLOADED"), "");
    assert_true(within(W->offered_tps, 700, 0.05));
    assert_true(within(st.tps, 700, 0.05));
    assert_string_equal(W->bottleneck, ""); /* 70 % of the core */
}

/* The same with a small table (the database model runs, nothing reaches
 * the device): the CPU is still the one named. */
static const char cpu_table[] = "[scenario]\nstart = cold\nwarmup = 0\nduration = 3min\n"
                                "[workload]\nrate = %s\n"
                                "[table t]\nsize = 8MB\n"
                                "[transaction t]\ncpu = 1ms\nreads = 't:1'\nwrites = 't:1'\n"
                                "[postgres]\nshared_buffers = 128MB\n"
                                "[os]\ncpus = 1\n";

static void test_overload_with_table(void **state)
{
    (void)state;
    ws_run_stats st = runf("table, 1,500/s on 1,000/s of CPU", cpu_table, "1500/s");
    assert_true(st.win.overloaded);
    assert_true(st.win.warnings & WS_WARN_OVERLOADED);
    assert_true(within(st.win.offered_tps, 1500, 0.05));
    assert_true(within(st.tps, 1000, 0.05));
    assert_true(strncmp(st.win.bottleneck, "CPU", 3) == 0);
    assert_true(warning_starting(&st, "OVERLOADED")[0]);

    st = runf("table, 700/s on 1,000/s of CPU", cpu_table, "700/s");
    assert_false(st.win.overloaded);
    assert_false(st.win.warnings & WS_WARN_OVERLOADED);
    assert_true(within(st.tps, 700, 0.05));
}

/* A closed loop cannot be overloaded, but its saturated resource is named. */
static void test_closed_loop_saturated(void **state)
{
    (void)state;
    ws_run_stats st = runf("closed loop, 8 clients on 1 core",
                           "[scenario]\nwarmup = 0\nduration = 2min\n"
                           "[workload]\nclients = 8\n[transaction t]\ncpu = 1ms\n[os]\ncpus = 1\n");
    assert_false(st.win.open_loop);
    assert_false(st.win.overloaded);
    assert_false(st.win.warnings & WS_WARN_OVERLOADED);
    assert_true(st.win.warnings & WS_WARN_SATURATED);
    assert_true(strncmp(st.win.bottleneck, "CPU", 3) == 0);
    assert_true(ws_run_comparable(&st));
    assert_true(within(st.tps, 1000, 0.05));
}

/* ------------------------------------------------------------------ */
/* 2. The cycle-count guard and duration = auto */

/* 200 tx/s, each changing one page of a 1,024-page table; a checkpoint
 * every 30 s.  Warm start (the default). */
static const char small_db[] = "[scenario]\n%s"
                               "[workload]\nrate = 200/s\n"
                               "[table t]\nsize = 8MB\n"
                               "[transaction w]\nwrites = 't:1'\ncpu = 100us\n"
                               "[postgres]\nshared_buffers = 128MB\ncheckpoint_timeout = 30s\n"
                               "max_wal_size = 1GB\n";

static void test_few_cycles(void **state)
{
    (void)state;
    /* 50 s cannot hold two 30 s cycles */
    ws_run_stats st = runf("50 s", small_db, "warmup = 0\nduration = 50s\n");
    assert_true(st.win.cycles < 2);
    assert_true(st.win.warnings & WS_WARN_FEW_CYCLES);
    const char *w = warning_starting(&st, "too few checkpoint cycles");
    assert_true(w[0]);
    assert_non_null(strstr(w, "duration = auto")); /* says what to do */
    assert_false(st.win.duration_auto);

    /* 4 min: 8 checkpoints, 7 complete cycles of 30 s */
    st = runf("4 min", small_db, "warmup = 0\nduration = 4min\n");
    assert_true(st.win.cycles >= 2);
    assert_int_equal(st.win.cycles, 7);
    assert_true(fabs(st.win.cycle_s_mean - 30) < 1);
    assert_false(st.win.warnings & WS_WARN_FEW_CYCLES);
    assert_string_equal(warning_starting(&st, "too few"), "");
}

static void test_duration_auto(void **state)
{
    (void)state;
    ws_run_stats st = runf("duration = auto", small_db, "warmup = 0\nduration = auto\n");
    assert_true(st.win.duration_auto);
    assert_true(st.win.cycles >= 3); /* min_cycles = 3 by default */
    assert_false(st.win.warnings & WS_WARN_FEW_CYCLES);
    /* it stops soon after the third cycle (checked every 10 s, at least
     * 2 min), far below max_duration (6 h) */
    assert_true(st.simulated_s >= 120);
    assert_true(st.simulated_s <= 180);
    assert_true(fabs(st.duration_s - (st.win.end_s - st.win.start_s)) < 1e-9);

    st = runf("duration = auto, min_cycles = 5", small_db,
              "warmup = 0\nduration = auto\nmin_cycles = 5\n");
    assert_true(st.win.duration_auto);
    assert_true(st.win.cycles >= 5);
    assert_true(st.simulated_s <= 240);
}

/* ------------------------------------------------------------------ */
/* 3. Where the window starts */

static void test_window_after_set_warmup(void **state)
{
    (void)state;
    ws_run_stats st = runf("warmup = 60s", small_db, "warmup = 60s\nduration = 3min\n");
    assert_false(st.win.warmup_auto);
    assert_true(st.win.start_s >= 60 && st.win.start_s <= 61); /* 1 s chunks for 3 min */
    assert_true(fabs(st.win.end_s - 180) < 1e-9);
    assert_true(st.duration_s == st.win.end_s - st.win.start_s);
    assert_true(st.simulated_s == st.win.end_s);
    /* counters cover the window too: 4 checkpoints in [60, 180] at 30 s */
    assert_true(st.ckpt_timed >= 4 && st.ckpt_timed <= 5);
    assert_true(within((double)st.transactions, 200 * st.duration_s, 0.05));

    /* 10 min: chunks are 4 s long by the end (256 at most), so a 61 s
     * warm-up is rounded up to the next chunk, 64 s */
    st = runf("warmup = 61s, 10 min", small_db, "warmup = 61s\nduration = 10min\n");
    assert_true(st.win.start_s >= 61 && st.win.start_s <= 61 + 4);
    assert_true(fmod(st.win.start_s, 4) == 0);
    assert_true(st.duration_s == st.win.end_s - st.win.start_s);
    assert_true(within((double)st.transactions, 200 * st.duration_s, 0.05));
}

/* pgbench at scale 10 (150 MB, all of it fits in shared_buffers) with
 * little RAM besides (the page cache holds about 2/3 of the database):
 * a cold start reads its pages back, a warm start does not.  A checkpoint
 * a minute, so that 3 minutes hold 2 complete cycles. */
static const char pgbench[] = "[scenario]\nseed = 5\n%s"
                              "[workload]\nprofile = pgbench\nscale = 10\nrate = 500/s\n"
                              "[postgres]\nshared_buffers = 256MB\ncheckpoint_timeout = 1min\n"
                              "[os]\nram = 384MB\n";

static const char pgbench_5min[] = "[scenario]\nseed = 5\n%s"
                                   "[workload]\nprofile = pgbench\nscale = 10\nrate = 500/s\n"
                                   "[postgres]\nshared_buffers = 256MB\n"
                                   "[os]\nram = 384MB\n";

static void test_window_after_cold_transient(void **state)
{
    (void)state;
    ws_run_stats cold = runf("cold, warmup = 0", pgbench, "start = cold\nwarmup = 0\nduration = 6min\n");
    ws_run_stats st = runf("cold, warmup = auto", pgbench, "start = cold\nwarmup = auto\nduration = 6min\n");
    assert_true(st.win.warmup_auto);
    assert_false(st.win.warm_start);
    assert_true(st.win.transient_ended);
    assert_true(st.win.start_s > 0);
    assert_true(st.win.start_s <= 180); /* MSER-5 cuts at most half */
    assert_true(st.win.warnings & WS_WARN_COLD);
    assert_false(st.win.warnings & WS_WARN_TRANSIENT);
    assert_true(warning_starting(&st, "cold start")[0]);
    assert_true(st.duration_s == st.win.end_s - st.win.start_s);
    /* the cut removes part of the cold reads */
    assert_true(st.dev_read < cold.dev_read);
    assert_true(st.buffers_alloc < cold.buffers_alloc);

    /* a warm start of the same: no cold-start warning, a short cut */
    st = runf("warm, warmup = auto", pgbench, "start = warm\nwarmup = auto\nduration = 6min\n");
    assert_true(st.win.warm_start);
    assert_false(st.win.warnings & WS_WARN_COLD);
    assert_true(st.win.start_s <= 60);
}

/* ------------------------------------------------------------------ */
/* 4. Warm start */

static void test_warm_start_is_steady(void **state)
{
    (void)state;
    ws_run_stats a = runf("warm, 3 min", pgbench, "start = warm\nwarmup = 0\nduration = 3min\n");
    ws_run_stats b = runf("warm, 20 min", pgbench, "start = warm\nwarmup = 0\nduration = 20min\n");
    ws_run_stats c = runf("cold, 3 min", pgbench, "start = cold\nwarmup = 0\nduration = 3min\n");
    print_message("warm 3 min / 20 min: p50 %.3f, p99 %.3f, WAL/tx %.3f; cold/warm 3 min: "
                  "buffers_alloc %.1f, dev_read %llu / %llu B\n",
                  a.lat.p50_s / b.lat.p50_s, a.lat.p99_s / b.lat.p99_s,
                  a.wal_bytes_per_tx / b.wal_bytes_per_tx,
                  (double)c.buffers_alloc / (double)(a.buffers_alloc ? a.buffers_alloc : 1),
                  (unsigned long long)c.dev_read, (unsigned long long)a.dev_read);
    assert_true(a.win.warm_start && b.win.warm_start && !c.win.warm_start);
    /* the same warm state (same seed): the same phase of the cycle */
    assert_true(a.win.warm_phase_s == b.win.warm_phase_s);
    assert_true(a.win.warm_phase_s > 0 && a.win.warm_phase_s < 60);
    assert_true(a.win.cycles >= 2);
    /* the first 3 minutes of a warm run are the steady state */
    assert_true(within(a.lat.p50_s, b.lat.p50_s, 0.10));
    assert_true(within(a.lat.p99_s, b.lat.p99_s, 0.20));
    assert_true(within(a.wal_bytes_per_tx, b.wal_bytes_per_tx, 0.10));
    assert_true(within(a.fpi_share, b.fpi_share, 0.05));
    /* shared buffers were populated at t = 0: a warm run allocates only
     * for pgbench_history's new pages (about 3/s), reads nothing, and its
     * rate of allocation is the 20-minute run's */
    assert_true(within((double)a.buffers_alloc / a.duration_s,
                       (double)b.buffers_alloc / b.duration_s, 0.10));
    assert_true(a.dev_read == 0);
    /* a cold start allocates every page it touches (19,646 in 3 minutes,
     * against 571 warm) and reads about a third of them from the device */
    assert_true(c.buffers_alloc > 10 * a.buffers_alloc);
    assert_true(c.dev_read > 1000 * 8192);
    assert_true(c.win.warnings & WS_WARN_COLD);
    assert_false(a.win.warnings & WS_WARN_COLD);

    /* With the default checkpoint_timeout (5 min) 3 minutes are less than
     * a cycle: their WAL per transaction depends on the phase drawn (here
     * a checkpoint starts at 22 s: 2,184 B/tx against 1,514 over 20 min),
     * and the run says its window is too short instead. */
    a = runf("warm, 3 min, checkpoint_timeout 5min", pgbench_5min,
             "start = warm\nwarmup = 0\nduration = 3min\n");
    assert_true(a.win.cycles < 2);
    assert_true(a.win.warnings & WS_WARN_FEW_CYCLES);
}

/* ------------------------------------------------------------------ */
/* 5. Batch-means intervals */

static void test_batch_means_interval(void **state)
{
    (void)state;
    ws_run_stats st = runf("stationary, 4 min", small_db, "warmup = 0\nduration = 4min\n");
    const ws_window *W = &st.win;
    assert_false(W->overloaded);
    assert_string_equal(W->ci_method, "cycles");
    assert_int_equal(W->n_batches, 7); /* one batch per complete cycle */
    assert_false(W->warnings & WS_WARN_NO_INTERVAL);
    ws_ci t = W->ci[WS_H_TPS];
    assert_true(t.df >= 1);
    assert_int_equal(t.df, W->n_batches - 1);
    assert_true(t.est == st.tps);
    assert_true(t.lo < st.tps && st.tps < t.hi);
    assert_true(t.lo <= 200 && 200 <= t.hi); /* the offered rate */
    assert_true(t.hi - t.lo < 0.05 * 200);
    for (int h = 0; h < WS_H__COUNT; h++) {
        ws_ci c = W->ci[h];
        double x = ws_run_headline(&st, (ws_headline)h);
        print_message("    %-10s %.6g [%.6g, %.6g] df %d\n", ws_run_headline_name((ws_headline)h), x,
                      c.lo, c.hi, c.df);
        assert_true(c.df >= 1);
        assert_true(c.lo <= x && x <= c.hi);
        /* a run against itself: 1, inside its interval */
        ws_ci r = ws_run_ratio(&st, &st, (ws_headline)h);
        print_message("    self ratio %.6g [%.6g, %.6g] df %d\n", r.est, r.lo, r.hi, r.df);
        assert_true(r.est == 1);
        assert_true(r.df >= 1);
        assert_true(r.lo <= 1 && 1 <= r.hi);
    }

    /* CPU only (no checkpoints): ten equal spans of time */
    st = runf("stationary, CPU only", cpu_only, "700/s");
    W = &st.win;
    assert_string_equal(W->ci_method, "time");
    assert_int_equal(W->n_batches, 10);
    t = W->ci[WS_H_TPS];
    assert_int_equal(t.df, 9);
    assert_true(t.lo < st.tps && st.tps < t.hi);
    assert_true(t.lo <= 700 && 700 <= t.hi);
}

/* Short windows.  ws_win_second opens a new chunk at the run's last
 * instant, so the window's chunks end with an empty one (zero length);
 * time batches must not count it.
 * (A regression test: that chunk once became a batch of its own, with
 * tps 0, in windows of fewer than 10 chunks.) */
static void test_short_window_batches(void **state)
{
    (void)state;
    ws_run_stats st = runf("5 s", small_db, "warmup = 0\nduration = 5s\n");
    assert_true(st.win.n_batches >= 2);
    assert_true(st.win.n_batches <= 5);
    assert_true(st.win.ci[WS_H_TPS].lo <= 200 && 200 <= st.win.ci[WS_H_TPS].hi);
    assert_true(st.win.ci[WS_H_TPS].lo > 0);

    st = runf("1 s", small_db, "warmup = 0\nduration = 1s\n");
    assert_true(st.win.n_batches < 2);
    assert_true(st.win.warnings & WS_WARN_NO_INTERVAL);
    assert_int_equal(st.win.ci[WS_H_TPS].df, 0);
    assert_string_equal(st.win.ci_method, "");
}

/* A warm-up shorter than the run never leaves an empty window.
 A warm-up that rounds up past the end (179.5 s of 3 min, chunks of 4 s)
 * once gave the empty window [180, 180]; now the window is the last chunk
 * with time in it. */
static void test_window_never_empty(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_config *c = test_resolve("[scenario]\nwarmup = 179500ms\nduration = 3min\n"
                                "[workload]\nrate = 200/s\n"
                                "[table t]\nsize = 8MB\n"
                                "[transaction w]\nwrites = 't:1'\ncpu = 100us\n",
                                "window.conf", "base", &s);
    ws_run_stats st;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_run(c, NULL, NULL, NULL, &st, &err);
    ws_config_free(c);
    ws_scenario_free(s);
    if (rc != WS_OK) {
        print_message("refused: %s\n", err.msg);
        return;
    }
    show("warmup = 179.5 s of 3 min", &st);
    assert_true(st.duration_s > 0);
    assert_true(st.transactions > 0);
}

/* ------------------------------------------------------------------ */
/* 6. Determinism */

static void test_deterministic(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"warm, warmup = auto, duration = auto", "start = warm\nwarmup = auto\nduration = auto\n"},
        {"cold, warmup = auto, 6 min", "start = cold\nwarmup = auto\nduration = 6min\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ws_run_stats a = runf(cases[i][0], pgbench, cases[i][1]);
        ws_run_stats b = runf(cases[i][0], pgbench, cases[i][1]);
        assert_true(a.win.start_s == b.win.start_s);
        assert_true(a.win.end_s == b.win.end_s);
        assert_int_equal(a.win.cycles, b.win.cycles);
        assert_int_equal(a.win.n_batches, b.win.n_batches);
        assert_int_equal(a.win.warnings, b.win.warnings);
        assert_memory_equal(a.win.ci, b.win.ci, sizeof a.win.ci);
        assert_true(a.transactions == b.transactions);
        assert_true(a.lat.p99_s == b.lat.p99_s);
        assert_true(a.wal_bytes == b.wal_bytes);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overload_cpu_only),
        cmocka_unit_test(test_overload_with_table),
        cmocka_unit_test(test_closed_loop_saturated),
        cmocka_unit_test(test_few_cycles),
        cmocka_unit_test(test_duration_auto),
        cmocka_unit_test(test_window_after_set_warmup),
        cmocka_unit_test(test_window_after_cold_transient),
        cmocka_unit_test(test_warm_start_is_steady),
        cmocka_unit_test(test_batch_means_interval),
        cmocka_unit_test(test_short_window_batches),
        cmocka_unit_test(test_window_never_empty),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
