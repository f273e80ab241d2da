/*
 * test_bulk.c - bulk loads: row rate, CPU-bound speed, WAL of logged and
 * UNLOGGED targets, indexes kept versus built afterwards, the session's
 * maintenance_work_mem, INSERT ... SELECT with TRUNCATE.
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

static ws_run_stats run(const char *text, const char *variant)
{
    return test_run(text, "b.conf", variant);
}

/* 1,000,000 rows of 172 B (200 B with tuple header and line pointer):
 * 40 rows a page (8168 / 200), 25,000 pages. */
static const char load[] =
    "[scenario]\nwarmup = 0\nstart = cold\nduration = 5min\npg_version = 15\n"
    "[workload]\nrate = 10/s\n"
    "[table t]\nrows = 0\nrow_width = 172B\naccess = append\n"
    "[table t_idx]\nsize = 400MB\n"
    "[bulk copy]\ntable = t\nrows = 1000000\nstart = 10s\ncpu_per_row = 10us\n"
    "[postgres]\nshared_buffers = 1GB\nmax_wal_size = 10GB\ncheckpoint_timeout = 1h\n"
    "[os]\nram = 32GB\n[disk]\npreset = nvme-enterprise\n"
    "[variant plain]\n"
    "[variant rate]\nbulk.copy.row_rate = 50000/s\n"
    "[variant unlogged]\ntable.t.logged = off\n"
    "[variant kept]\nbulk.copy.index_writes = 't_idx:1'\n"
    "[variant rebuilt]\nbulk.copy.build_index = 't_idx'\n"
    "[variant small_mwm]\nbulk.copy.build_index = 't_idx'\nbulk.copy.maintenance_work_mem = 1MB\n";

static void test_cpu_bound_and_rate_limited(void **state)
{
    (void)state;
    ws_run_stats p = run(load, "plain"), r = run(load, "rate");
    assert_int_equal(p.n_bulk, 1);
    assert_true(p.bulk[0].finished);
    assert_true(fabs(p.bulk[0].start_s - 10) < 1e-9);
    /* CPU-bound: 1,000,000 x 10 us = 10 s, plus page writes and the commit */
    print_message("CPU-bound load %.2f s, rate-limited %.2f s\n", p.bulk[0].load_s, r.bulk[0].load_s);
    assert_true(p.bulk[0].load_s >= 10 && p.bulk[0].load_s < 11);
    /* 50,000 rows/s: 20 s */
    assert_true(fabs(r.bulk[0].load_s - 20) < 0.5);
}

static void test_wal_of_logged_and_unlogged(void **state)
{
    (void)state;
    ws_run_stats p = run(load, "plain"), u = run(load, "unlogged");
    /* the rows' bytes: 1,000,000 x 200 B = 200 MB, plus record headers */
    print_message("load WAL logged %llu, unlogged %llu\n", (unsigned long long)p.bulk[0].wal_load_bytes,
                  (unsigned long long)u.bulk[0].wal_load_bytes);
    assert_true(p.bulk[0].wal_load_bytes >= 200000000 && p.bulk[0].wal_load_bytes < 202000000);
    assert_true(u.bulk[0].wal_load_bytes < p.bulk[0].wal_load_bytes / 100); /* only the OLTP's */
    /* 25,000 new pages written by the loading backend */
    assert_true(p.buffers_backend >= 25000);
}

static void test_index_kept_versus_rebuilt(void **state)
{
    (void)state;
    ws_run_stats k = run(load, "kept"), b = run(load, "rebuilt"), m = run(load, "small_mwm");
    print_message("kept: load %.2f s, WAL %llu; rebuilt: load %.2f s + build %.2f s, WAL %llu + %llu; "
                  "spilling build %.2f s\n",
                  k.bulk[0].load_s, (unsigned long long)k.bulk[0].wal_load_bytes, b.bulk[0].load_s,
                  b.bulk[0].build_s, (unsigned long long)b.bulk[0].wal_load_bytes,
                  (unsigned long long)b.bulk[0].wal_build_bytes, m.bulk[0].build_s);
    /* keeping the index: one random index page per row, each first
     * change an image (51,200 pages of 400 MB) */
    assert_true(k.bulk[0].wal_load_bytes > b.bulk[0].wal_load_bytes + 51200 * 8000ULL * 0.9);
    /* the build WAL-logs every index page once: 51,200 images */
    assert_true(b.bulk[0].wal_build_bytes >= 51200ULL * 8192);
    assert_true(b.bulk[0].build_s > 1.0); /* 1,000,000 x 2 us of sorting at least */
    /* 32 MB of entries do not fit in 1 MB: the sort spills, the build is slower */
    assert_true(m.bulk[0].build_s > b.bulk[0].build_s);
}

static void test_insert_select_truncate(void **state)
{
    (void)state;
    ws_run_stats st = run("[scenario]\nwarmup = 0\nstart = cold\nduration = 2min\npg_version = 15\n"
                          "[workload]\nrate = 10/s\n"
                          "[table staging]\nsize = 100MB\nlogged = off\naccess = append\nrow_width = 172B\n"
                          "[table prod]\nrows = 0\nrow_width = 172B\naccess = append\n"
                          "[bulk move]\ntable = prod\nsource = staging\nrows = 500000\n"
                          "truncate_source = on\nsynchronous_commit = off\n"
                          "[postgres]\nshared_buffers = 512MB\n[os]\nram = 16GB\n",
                          "base");
    assert_true(st.bulk[0].finished);
    assert_true(st.bulk[0].wal_load_bytes >= 500000ULL * 200);
}

static void test_bulk_errors(void **state)
{
    (void)state;
    const char *bad[][2] = {
        {"[table t]\nsize = 1GB\n[bulk b]\ntable = t\n", "table: [table t] is loaded by [bulk b], so it needs access = append"},
        {"[table t]\naccess = append\n[bulk b]\ntable = nosuch\n", "b.conf:4: table: there is no [table nosuch] ([bulk b])"},
        {"[table t]\naccess = append\n[bulk b]\n", "[bulk b]: table: which [table] to load is required"},
        {"[table t]\naccess = append\n[bulk b]\ntable = t\nindex_writes = 'x:1'\n", "b.conf:5: index_writes: there is no [table x] ([bulk b])"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ws_scenario *s;
        ws_diag err;
        assert_int_equal(ws_scenario_load_string(bad[i][0], strlen(bad[i][0]), "b.conf", &s, &err), WS_OK);
        ws_config *c;
        assert_int_equal(ws_config_resolve(s, 0, &c, &err), WS_OK);
        ws_diag_clear(&err);
        int rc = ws_run_validate(c, &err);
        if (rc == WS_OK || !strstr(err.msg, bad[i][1])) {
            print_error("expected \"%s\", got rc=%d \"%s\"\n", bad[i][1], rc, err.msg);
            fail();
        }
        ws_config_free(c);
        ws_scenario_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_bound_and_rate_limited),
        cmocka_unit_test(test_wal_of_logged_and_unlogged),
        cmocka_unit_test(test_index_kept_versus_rebuilt),
        cmocka_unit_test(test_insert_select_truncate),
        cmocka_unit_test(test_bulk_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
