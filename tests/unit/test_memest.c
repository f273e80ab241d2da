/*
 * test_memest.c - the memory estimate of a variant: which setting drives
 * it, how it grows, and the refusal with FILE:LINE against
 * WALSIM_MEMORY_LIMIT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"
#include "walsim/memest.h"
#include "walsim/timeline.h"

static ws_memest estimate(const char *text, ws_scenario **s, ws_config **c)
{
    *c = test_resolve(text, "m.conf", "base", s);
    ws_memest m;
    ws_memest_variant(*c, &m);
    assert_true(m.total == m.buffers + m.page_state + m.series + m.fixed);
    return m;
}

static void done(ws_scenario *s, ws_config *c)
{
    ws_config_free(c);
    ws_scenario_free(s);
}

static void test_parts_and_drivers(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_config *c;
    ws_memest m = estimate("[postgres]\nshared_buffers = 8GB\n", &s, &c);
    /* 1 Mi buffers: 33 bytes each (page id, LSN, state, the checkpoint's
     * list and its sort buffer) and a dirty bit + 2 Mi map slots of 16 */
    assert_true(m.buffers == 1048576ull * 33 + 1048576ull / 8 + 2097152ull * 16);
    assert_string_equal(m.driver_key, "shared_buffers");
    assert_int_equal(m.driver->line, 2);
    done(s, c);

    /* sampling = 0.1 keeps a tenth of the pool ([scenario] sampling) */
    m = estimate("[postgres]\nshared_buffers = 8GB\n[scenario]\nsampling = 0.1\n", &s, &c);
    assert_true(m.buffers == 104857ull * 33 + 104857ull / 8 + 262144ull * 16);
    done(s, c);

    m = estimate("[workload]\nprofile = pgbench\nscale = 100000\n", &s, &c);
    assert_true(m.page_state > 300000000ull && m.page_state < 400000000ull);
    assert_string_equal(m.driver_key, "scale");
    assert_int_equal(m.driver->line, 3);
    done(s, c);

    m = estimate("[table small]\nsize = 1GB\n[table big]\nrows = 10000000000\n"
                 "[transaction t]\nwrites = 'big:1'\n",
                 &s, &c);
    assert_string_equal(m.driver_key, "table.big.rows");
    assert_int_equal(m.driver->line, 4);
    done(s, c);

    /* duration drives the series */
    ws_memest a = estimate("[scenario]\nduration = 1h\n", &s, &c);
    done(s, c);
    ws_memest b = estimate("[scenario]\nduration = 30d\n", &s, &c);
    assert_true(b.series > a.series);
    done(s, c);
}

/* A week against an hour of the same settings (tests/bench/bench_charts.sh's
 * model: 2GB of shared_buffers, scale 100, 5,000 tps).  The timeline
 * and the checkpoint records stream to temporary files (spool.h), so
 * neither their number nor the interval counts.  What grows with the
 * duration: nothing with a set warm-up (the backlog's slope is kept as
 * sums); with warmup = auto MSER-5's three series (and one double more at
 * the end), up to WS_WIN_MAX_SERIES steps: 18 h of seconds, 2 MB. */
static void test_week_against_hour(void **state)
{
    (void)state;
    const char *base = "[postgres]\nshared_buffers = 2GB\n[os]\ncpus = 8\n[workload]\n"
                       "profile = pgbench\nscale = 100\nrate = 5000/s\n[scenario]\n";
    char text[256];
    ws_scenario *s;
    ws_config *c;
    ws_memest m[2][2][2]; /* [warmup 10min, auto][hour, week][interval 1s, 1min] */
    const char *wu[2] = {"10min", "auto"}, *dur[2] = {"1h", "7d"}, *iv[2] = {"1s", "1min"};
    for (int w = 0; w < 2; w++)
        for (int d = 0; d < 2; d++)
            for (int i = 0; i < 2; i++) {
                snprintf(text, sizeof text, "%swarmup = %s\nduration = %s\ninterval = %s\n",
                         base, wu[w], dur[d], iv[i]);
                m[w][d][i] = estimate(text, &s, &c);
                done(s, c);
            }
    for (int w = 0; w < 2; w++) {
        assert_true(m[w][1][0].buffers == m[w][0][0].buffers);
        /* pgbench_history's page state is in tail mode: constant */
        assert_true(m[w][1][0].page_state == m[w][0][0].page_state);
        /* a week of 604,800 one-second rows costs what a week of 10,080
         * one-minute rows does: a block of the timeline, either way */
        assert_true(m[w][1][0].total == m[w][1][1].total);
        assert_true(m[w][0][0].total - m[w][0][1].total <= WS_TIMELINE_BLOCK * sizeof(ws_interval));
        /* with auto, MSER-5's series: 2^16 steps of three doubles (the
         * hour: 4,096 slots for 3,600 seconds) and one double a step at
         * the end; with a set warm-up, nothing grows */
        uint64_t grow = m[w][1][0].series - m[w][0][0].series;
        uint64_t expect = w ? ((65536 - 4096) * 3 + (65536 - 3600)) * 8 : 0;
        assert_true(grow == expect);
    }
    assert_true(m[0][1][0].total == m[0][0][0].total);
    assert_true(m[1][1][0].series - m[1][0][0].series < 5ull << 19);
    /* a month costs what the week does */
    snprintf(text, sizeof text, "%swarmup = auto\nduration = 30d\ninterval = 1min\n", base);
    ws_memest month = estimate(text, &s, &c);
    done(s, c);
    assert_true(month.total == m[1][1][1].total);
    /* with a [bulk] load, pgbench_history keeps its array: 19,261,147
     * pages against 114,650, times 1.5, 2 bytes each */
    const char *bulk = "[postgres]\nshared_buffers = 2GB\n[os]\ncpus = 8\n[workload]\n"
                       "profile = pgbench\nscale = 100\nrate = 5000/s\n"
                       "[table stage]\nsize = 0\naccess = append\n"
                       "[bulk b]\ntable = stage\nrows = 1000\n[scenario]\nwarmup = 10min\n";
    ws_memest bh, bw;
    snprintf(text, sizeof text, "%sduration = 1h\n", bulk);
    bh = estimate(text, &s, &c);
    done(s, c);
    snprintf(text, sizeof text, "%sduration = 7d\n", bulk);
    bw = estimate(text, &s, &c);
    done(s, c);
    uint64_t ps = bw.page_state - bh.page_state;
    assert_true(ps >= 57439490 && ps <= 57439492);
    assert_string_equal(bw.driver_key, "duration");
}

/* tx_sampling other than 1 adds the bulk sets of the tables that fit in
 * shared_buffers (fluid.c): 8 bytes a page; pgbench's pages by table are
 * accounts 1,639.35 x scale, branches scale / 20, tellers scale / 2, the
 * accounts key 274.22 x scale. */
static void test_bulk_sets_under_tx_sampling(void **state)
{
    (void)state;
    const char *fmt = "[scenario]\ntx_sampling = %s\n[workload]\nprofile = pgbench\n"
                      "scale = %d\nrate = 10000/s\n[postgres]\nshared_buffers = 8GB\n";
    char text[256];
    ws_scenario *s;
    ws_config *c;
    /* Both runs have the relations' own lookup arrays (bufpool.h): 4 bytes
     * a page the tables start with (history's one included), at most 4 a
     * buffer, beside the page state's 2 bytes a page. */
    struct { int scale; double fits, pages, direct; } cases[] = {
        /* every table fits in the 1,048,576 buffers */
        {100, ceil(1639.35 * 100) + 5 + 50 + ceil(274.22 * 100),
         ceil(1639.35 * 100) + 5 + 50 + ceil(274.22 * 100) + 1,
         ceil(1639.35 * 100) + 5 + 50 + ceil(274.22 * 100) + 1},
        /* only branches and tellers: accounts and its key are larger */
        {10000, 500 + 5000, ceil(1639.35 * 10000) + 500 + 5000 + ceil(274.22 * 10000) + 1,
         4 * 1048576},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, fmt, "1", cases[i].scale);
        ws_memest exact = estimate(text, &s, &c);
        done(s, c);
        snprintf(text, sizeof text, fmt, "auto", cases[i].scale);
        ws_memest q = estimate(text, &s, &c);
        done(s, c);
        assert_true(exact.page_state >= (uint64_t)(cases[i].pages * 2 + cases[i].direct * 4));
        assert_true(q.page_state - exact.page_state == (uint64_t)(cases[i].fits * 8));
        assert_true(q.buffers == exact.buffers);
    }
}

static void test_refused_against_limit(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_config *c = test_resolve("[workload]\nprofile = pgbench\nscale = 1000000\n", "m.conf", "base", &s);
    ws_diag err;
    ws_diag_clear(&err);
    setenv("WALSIM_MEMORY_LIMIT", "1GB", 1);
    assert_int_equal(ws_memest_check(c, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "m.conf:3: scale: 1000000 needs about 3.6GB of memory"));
    assert_non_null(strstr(err.msg, "expected at most the 1.0GB available (WALSIM_MEMORY_LIMIT)"));
    /* ws_run_validate refuses too, before building anything */
    ws_diag_clear(&err);
    assert_int_equal(ws_run_validate(c, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "m.conf:3: scale:"));
    setenv("WALSIM_MEMORY_LIMIT", "64TB", 1);
    assert_int_equal(ws_memest_check(c, &err), WS_OK);
    assert_int_equal(ws_run_validate(c, &err), WS_OK); /* without allocating 3.6GB */
    setenv("WALSIM_MEMORY_LIMIT", "lots", 1);
    assert_int_equal(ws_memest_check(c, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "WALSIM_MEMORY_LIMIT: 'lots' is not a memory size"));
    unsetenv("WALSIM_MEMORY_LIMIT");
    uint64_t avail = 0;
    int rc = ws_memest_available(&avail, &err);
    assert_true(rc == 1 || (rc == 0 && avail > 0));
    ws_config_free(c);
    ws_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_and_drivers),
        cmocka_unit_test(test_bulk_sets_under_tx_sampling),
        cmocka_unit_test(test_refused_against_limit),
        cmocka_unit_test(test_week_against_hour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
