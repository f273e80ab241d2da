/*
 * test_model.c - the database model on small scenarios, against values
 * computed by hand from shared/reference/pg-mechanics.md:
 *
 *  - full-page images of uniform updates follow P(1 - e^(-N/P)) per cycle;
 *  - WAL per transaction falls as checkpoints get further apart;
 *  - a timed, paced checkpoint's write phase ends near cct x timeout;
 *  - with a small max_wal_size checkpoints are requested by WAL, not timed;
 *  - UNLOGGED tables make no WAL;
 *  - the bgwriter writes at most bgwriter_lru_maxpages per round.
 */
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/run.h"
#include "walsim/scenario.h"

#include "support.h"

static ws_run_stats run(const char *text, const char *variant)
{
    return test_run(text, "m.conf", variant);
}

/* Open loop 500 tx/s, each changing one uniformly chosen page of 10,000;
 * checkpoints every 60 s (timed): N = 30,000 changes per cycle, so
 * 10,000 (1 - e^-3) = 9,502 images per cycle, 0.3167 per transaction. */
static const char uniform[] =
    "[scenario]\nwarmup = 0\nstart = cold\nduration = 10min\nseed = 3\npg_version = 15\n"
    "[workload]\nrate = 500/s\n"
    "[table t]\nsize = 80000kB\nfillfactor = 100\n"
    "[transaction u]\nwrites = 't:1'\nwal_bytes = 100B\ncpu = 100us\n"
    "[postgres]\nshared_buffers = 128MB\ncheckpoint_timeout = 60s\nmax_wal_size = 100GB\n"
    "[os]\nram = 16GB\n"
    "[variant a]\n"
    "[variant apart]\ncheckpoint_timeout = 5min\n";

static void test_fpi_follows_first_touch_formula(void **state)
{
    (void)state;
    ws_run_stats st = run(uniform, "a");
    double expected = 10000 * (1 - exp(-3.0)) / 30000;
    double per_tx = (double)st.wal_fpi / (double)(st.transactions ? st.transactions : 1);
    print_message("FPI per tx %.4f, expected %.4f; checkpoints timed %llu\n", per_tx, expected,
                  (unsigned long long)st.ckpt_timed);
    assert_true(fabs(per_tx - expected) / expected < 0.03);
    assert_int_equal(st.ckpt_timed, 10); /* at 1, 2, ... 10 min: the run includes its last instant */
    assert_int_equal(st.ckpt_req, 0);
    /* each image is 8192 bytes (fillfactor 100: no hole) plus headers */
    assert_true(st.wal_fpi_raw_bytes == st.wal_fpi * 8192);
}

static void test_wal_per_tx_falls_with_longer_intervals(void **state)
{
    (void)state;
    ws_run_stats close = run(uniform, "a"), apart = run(uniform, "apart");
    /* 5 min: N = 150,000 per cycle -> 10,000 (1 - e^-15) / 150,000 = 0.0667 images/tx */
    print_message("WAL/tx %0.f (60 s) vs %.0f (5 min)\n", close.wal_bytes_per_tx,
                  apart.wal_bytes_per_tx);
    assert_true(apart.wal_bytes_per_tx < 0.5 * close.wal_bytes_per_tx);
    assert_true(apart.fpi_share < close.fpi_share);
}

/* A timed checkpoint with cct 0.5 and T = 120 s spreads its writes over
 * about 60 s, when the WAL fraction stays small. */
static void test_write_phase_ends_near_cct(void **state)
{
    (void)state;
    ws_run_stats st = run("[scenario]\nwarmup = 0\nstart = cold\nduration = 9min\npg_version = 15\n"
                          "[workload]\nrate = 300/s\n"
                          "[table t]\nsize = 400MB\n"
                          "[transaction u]\nwrites = 't:2'\nwal_bytes = 100B\ncpu = 100us\n"
                          "[postgres]\nshared_buffers = 1GB\ncheckpoint_timeout = 120s\n"
                          "checkpoint_completion_target = 0.5\nmax_wal_size = 100GB\n"
                          "[os]\nram = 16GB\n",
                          "base");
    print_message("checkpoints %llu, write phase mean %.2f s, buffers mean %.0f\n",
                  (unsigned long long)st.ckpt_done, st.ckpt_write_s_mean, st.ckpt_buffers_mean);
    assert_true(st.ckpt_done >= 3);
    assert_true(st.ckpt_buffers_mean > 1000);
    assert_true(fabs(st.ckpt_write_s_mean - 60) < 60 * 0.05);
}

/* max_wal_size 64MB = 4 segments: CheckPointSegments = max(1, 4/1.9) = 2. */
static void test_small_max_wal_size_requests(void **state)
{
    (void)state;
    ws_run_stats st = run("[scenario]\nwarmup = 0\nstart = cold\nduration = 2min\npg_version = 15\n"
                          "[workload]\nprofile = pgbench\nscale = 5\nclients = 4\n"
                          "[postgres]\nshared_buffers = 256MB\nmax_wal_size = 64MB\n"
                          "checkpoint_timeout = 1h\n",
                          "base");
    print_message("timed %llu, requested %llu, warnings %llu\n", (unsigned long long)st.ckpt_timed,
                  (unsigned long long)st.ckpt_req, (unsigned long long)st.ckpt_warnings);
    assert_int_equal(st.ckpt_timed, 0);
    assert_true(st.ckpt_req >= 5);
    assert_true(st.ckpt_warnings > 0); /* closer than checkpoint_warning = 30 s */
}

static const char unlogged[] =
    "[scenario]\nwarmup = 0\nstart = cold\nduration = 1min\npg_version = 15\n"
    "[workload]\nrate = 1000/s\n"
    "[table s]\nsize = 100MB\nlogged = off\n"
    "[transaction ins]\nwrites = 's:3'\nwal_bytes = 300B\ncpu = 100us\n"
    "[variant unlogged]\n"
    "[variant logged]\ntable.s.logged = on\n";

static void test_unlogged_makes_no_wal(void **state)
{
    (void)state;
    ws_run_stats u = run(unlogged, "unlogged"), l = run(unlogged, "logged");
    assert_true(u.transactions > 50000);
    assert_int_equal(u.wal_bytes, 0);
    assert_int_equal(u.wal_fpi, 0);
    assert_true(l.wal_bytes > l.transactions * 300);
    /* no WAL: commits do not wait for a flush */
    assert_true(u.lat.p50_s < l.lat.p50_s);
}

/* Many dirty evictions; the bgwriter may write at most 5 buffers a round
 * of 200 ms: 25 per second. */
static void test_bgwriter_cap(void **state)
{
    (void)state;
    ws_run_stats st = run("[scenario]\nwarmup = 0\nstart = cold\nduration = 1min\npg_version = 15\n"
                          "[workload]\nrate = 2000/s\n"
                          "[table t]\nsize = 2GB\n"
                          "[transaction u]\nwrites = 't:1'\nwal_bytes = 100B\ncpu = 100us\n"
                          "[postgres]\nshared_buffers = 32MB\nbgwriter_lru_maxpages = 5\n"
                          "checkpoint_timeout = 1h\nmax_wal_size = 100GB\n"
                          "[os]\nram = 16GB\n",
                          "base");
    print_message("buffers_clean %llu, maxwritten_clean %llu, backend %llu\n",
                  (unsigned long long)st.buffers_clean, (unsigned long long)st.maxwritten_clean,
                  (unsigned long long)st.buffers_backend);
    assert_true(st.buffers_clean <= 5 * 300); /* 300 rounds in 60 s */
    assert_true(st.maxwritten_clean > 250);   /* it hit the cap almost every round */
    assert_true(st.buffers_backend > 10000);  /* the rest fell to the backends */
}

/* pg-mechanics.md 4.3: the completion line of 13-15; 16-17 append
 * "; lsn=%X/%X, redo lsn=%X/%X". */
#define COMPLETE_13_15                                                                          \
    "checkpoint complete: wrote [0-9]+ buffers \\([0-9.]+%\\); [0-9]+ WAL file\\(s\\) added, "        \
    "[0-9]+ removed, [0-9]+ recycled; write=[0-9]+\\.[0-9]{3} s, sync=[0-9]+\\.[0-9]{3} s, "           \
    "total=[0-9]+\\.[0-9]{3} s; sync files=[0-9]+, longest=[0-9]+\\.[0-9]{3} s, "                     \
    "average=[0-9]+\\.[0-9]{3} s; distance=[0-9]+ kB, estimate=[0-9]+ kB"
#define PREFIX "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} UTC \\[[0-9]+\\] checkpointer LOG:  "

static int count_matches(const char *text, const char *pattern)
{
    regex_t re;
    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB | REG_NEWLINE), 0);
    int n = 0;
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        n += regexec(&re, line, 0, NULL, 0) == 0;
        p = nl ? nl + 1 : NULL;
    }
    regfree(&re);
    return n;
}

static char *run_log_prefix(int pg_version, const char *prefix, ws_run_stats *st)
{
    char text[512];
    snprintf(text, sizeof text,
             "[scenario]\nwarmup = 0\nstart = cold\nduration = 2min\npg_version = %d\n"
             "[workload]\nprofile = pgbench\nscale = 5\nclients = 4\n"
             "[postgres]\nshared_buffers = 256MB\nmax_wal_size = 128MB\ncheckpoint_timeout = 30s\n"
             "log_line_prefix = '%s'\nlog_checkpoints = on\n",
             pg_version, prefix);
    ws_scenario *s;
    ws_diag err;
    assert_int_equal(ws_scenario_load_string(text, strlen(text), "l.conf", &s, &err), WS_OK);
    ws_config *c;
    assert_int_equal(ws_config_resolve(s, 0, &c, &err), WS_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&buf, &len);
    assert_int_equal(ws_run(c, NULL, NULL, log, st, &err), WS_OK);
    fclose(log);
    ws_config_free(c);
    ws_scenario_free(s);
    return buf;
}

static char *run_log(int pg_version, ws_run_stats *st)
{
    return run_log_prefix(pg_version, "%m [%p] %b ", st);
}

/* log_line_prefix's %q ends the prefix for background processes such as
 * the checkpointer (PostgreSQL's elog.c); %n is the epoch with ms. */
static void test_log_line_prefix_q(void **state)
{
    (void)state;
    ws_run_stats st;
    char *log = run_log_prefix(15, "%n [%p] %q%u@%d app=%a ", &st);
    int plain = count_matches(log, "^[0-9]+[.][0-9]{3} [[][0-9]+[]] LOG:  checkpoint complete: ");
    assert_true(plain >= 3);
    assert_int_equal((uint64_t)plain, st.ckpt_done);
    assert_int_equal(count_matches(log, "@"), 0);
    free(log);
}

static void test_checkpoint_log_format(void **state)
{
    (void)state;
    /* A line of the real PostgreSQL 15 server in shared/validation/pg15-pgbench/A. */
    const char *real = "2026-11-24 18:31:27.237 UTC [9031] checkpointer LOG:  checkpoint complete: "
                       "wrote 8 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; "
                       "write=0.004 s, sync=0.004 s, total=0.015 s; sync files=8, longest=0.002 s, "
                       "average=0.001 s; distance=16 kB, estimate=16 kB";
    assert_int_equal(count_matches(real, PREFIX COMPLETE_13_15 "$"), 1);

    ws_run_stats st;
    char *log15 = run_log(15, &st);
    int complete = count_matches(log15, PREFIX COMPLETE_13_15 "$");
    int starting = count_matches(log15, PREFIX "checkpoint starting:( immediate)?( force)?( wal)?( time)?$");
    print_message("PostgreSQL 15: %d complete, %d starting lines\n", complete, starting);
    assert_int_equal((uint64_t)complete, st.ckpt_done);
    assert_int_equal((uint64_t)starting, st.ckpt_timed + st.ckpt_req);
    assert_true(complete >= 3);
    free(log15);

    char *log16 = run_log(16, &st);
    assert_int_equal((uint64_t)count_matches(log16, PREFIX COMPLETE_13_15
                                             "; lsn=[0-9A-F]+/[0-9A-F]+, redo lsn=[0-9A-F]+/[0-9A-F]+$"),
                     st.ckpt_done);
    assert_int_equal(count_matches(log16, PREFIX COMPLETE_13_15 "$"), 0);
    free(log16);
}

/* `checkpoint at 40s` in [events]: an immediate checkpoint (unpaced,
 * counted as requested) between timed ones that start every 30 s. */
static void test_checkpoint_event_is_immediate(void **state)
{
    (void)state;
    ws_run_stats st = run("[scenario]\nwarmup = 0\nstart = cold\nduration = 100s\npg_version = 15\n"
                          "[workload]\nrate = 500/s\n"
                          "[table t]\nsize = 400MB\n"
                          "[transaction u]\nwrites = 't:2'\nwal_bytes = 100B\ncpu = 100us\n"
                          "[postgres]\nshared_buffers = 1GB\ncheckpoint_timeout = 30s\n"
                          "max_wal_size = 100GB\n[os]\nram = 16GB\n"
                          "[events]\ncheckpoint at 40s\n",
                          "base");
    print_message("timed %llu, requested %llu\n", (unsigned long long)st.ckpt_timed,
                  (unsigned long long)st.ckpt_req);
    /* 30 s (timed; paced for 0.9 x 30 = 27 s, so it is still running at
     * 40 s: the request makes it stop sleeping and queues an immediate
     * one right after it), then timed ones every 30 s from that start. */
    assert_int_equal(st.ckpt_req, 1);
    assert_true(st.ckpt_timed >= 2);
}

/* wal_buffers = 64kB (8 pages) cannot hold the images right after a
 * checkpoint; backends write WAL out themselves (wal_buffers_full).  The
 * auto size for 1GB of shared_buffers is one segment, 16MB: no overflow. */
static void test_wal_buffers_full(void **state)
{
    (void)state;
    const char *text = "[scenario]\nwarmup = 0\nstart = cold\nduration = 1min\npg_version = 15\n"
                       "[workload]\nrate = 2000/s\n"
                       "[table t]\nsize = 400MB\n"
                       "[transaction u]\nwrites = 't:4'\nwal_bytes = 100B\ncpu = 100us\n"
                       "[postgres]\nshared_buffers = 1GB\ncheckpoint_timeout = 30s\n"
                       "[os]\nram = 16GB\n[disk]\npreset = aws-gp3\n"
                       "[variant small]\nwal_buffers = 64kB\n[variant auto]\n";
    ws_run_stats small = run(text, "small"), autosized = run(text, "auto");
    print_message("wal_buffers_full: 64kB %llu, auto %llu\n",
                  (unsigned long long)small.wal_buffers_full, (unsigned long long)autosized.wal_buffers_full);
    assert_true(small.wal_buffers_full > 100);
    assert_true(autosized.wal_buffers_full < small.wal_buffers_full / 10);
}

/* `shutdown at 60s`: arrivals stop, an immediate shutdown checkpoint
 * writes every dirty buffer, UNLOGGED ones too, and the run ends. */
static void test_shutdown(void **state)
{
    (void)state;
    ws_run_stats st = run("[scenario]\nwarmup = 0\nstart = cold\nduration = 10min\npg_version = 15\n"
                          "[workload]\nrate = 1000/s\n"
                          "[table l]\nsize = 200MB\n[table u]\nsize = 200MB\nlogged = off\n"
                          "[transaction t]\nwrites = 'l:1, u:1'\nwal_bytes = 100B\ncpu = 100us\n"
                          "[postgres]\nshared_buffers = 1GB\ncheckpoint_timeout = 1h\n"
                          "[os]\nram = 16GB\n[events]\nshutdown at 60s\n",
                          "base");
    print_message("shutdown %.2f s, %llu buffers, %.0f s measured, tps %.0f\n", st.shutdown_s,
                  (unsigned long long)st.buffers_checkpoint, st.duration_s, st.tps);
    assert_true(st.shutdown_s > 0);
    assert_int_equal(st.ckpt_req, 1);
    assert_int_equal(st.ckpt_done, 1);
    /* 60,000 changes to each of two 25,600-page tables: about 23,600
     * distinct pages each (1 - e^-2.34), logged and UNLOGGED alike */
    assert_true(st.buffers_checkpoint > 2 * 22000);
    assert_true(fabs(st.duration_s - 60) < 1e-9);
    assert_true(fabs(st.tps - 1000) < 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fpi_follows_first_touch_formula),
        cmocka_unit_test(test_wal_per_tx_falls_with_longer_intervals),
        cmocka_unit_test(test_write_phase_ends_near_cct),
        cmocka_unit_test(test_small_max_wal_size_requests),
        cmocka_unit_test(test_unlogged_makes_no_wal),
        cmocka_unit_test(test_bgwriter_cap),
        cmocka_unit_test(test_checkpoint_log_format),
        cmocka_unit_test(test_log_line_prefix_q),
        cmocka_unit_test(test_checkpoint_event_is_immediate),
        cmocka_unit_test(test_wal_buffers_full),
        cmocka_unit_test(test_shutdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
