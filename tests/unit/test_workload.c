/*
 * test_workload.c - load phases (steps and ramps, open and closed loop),
 * tables sized by rows, and their errors.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/db.h"
#include "walsim/run.h"
#include "walsim/scenario.h"

#include "support.h"

static ws_config *resolve(const char *text, ws_scenario **s)
{
    return test_resolve(text, "w.conf", "base", s);
}

static ws_run_stats run(const char *text)
{
    return test_run(text, "w.conf", "base");
}

/* 1,000/s for a minute, then 3,000/s for a minute: 240,000 arrivals
 * (Poisson: sd ~490). */
static void test_open_loop_step(void **state)
{
    (void)state;
    ws_run_stats st = run("[scenario]\nwarmup = 0\nstart = cold\nduration = 2min\n"
                          "[workload]\nrate = 1000/s\nphases = '1min=3'\n"
                          "[os]\ncpus = 64\n");
    print_message("transactions %llu (expected 240000)\n", (unsigned long long)st.transactions);
    assert_true(fabs((double)st.transactions - 240000) < 2000);
}

/* Closed loop, 10 clients, 1 ms each, no queueing (10 cores): a ramp from
 * 0 to 10 clients over the first minute (mean 5 clients: 300,000
 * transactions), then a minute at 10 (600,000). */
static void test_closed_loop_ramp(void **state)
{
    (void)state;
    ws_run_stats st = run("[scenario]\nwarmup = 0\nstart = cold\nduration = 2min\n"
                          "[workload]\nclients = 10\nphases = '0=0, 1min~1'\n"
                          "[transaction t]\ncpu = 1ms\n"
                          "[os]\ncpus = 10\n");
    print_message("transactions %llu (expected 900000)\n", (unsigned long long)st.transactions);
    assert_true(fabs((double)st.transactions - 900000) / 900000 < 0.02);
}

/* A burst and back: clients retire when the load goes down. */
static void test_closed_loop_burst_and_back(void **state)
{
    (void)state;
    ws_run_stats a = run("[scenario]\nwarmup = 0\nstart = cold\nduration = 90s\n"
                         "[workload]\nclients = 4\nphases = '30s=2, 60s=1'\n"
                         "[transaction t]\ncpu = 1ms\n[os]\ncpus = 8\n");
    /* 30 s at 4, 30 s at 8, 30 s at 4 clients: 480,000 transactions */
    assert_true(fabs((double)a.transactions - 480000) / 480000 < 0.01);
}

static void expect_error(const char *text, const char *needle)
{
    ws_scenario *s;
    ws_config *c = resolve(text, &s);
    ws_run_stats st;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_run(c, NULL, NULL, NULL, &st, &err);
    if (rc == WS_OK || !strstr(err.msg, needle)) {
        print_error("expected \"%s\", got rc=%d \"%s\"\n", needle, rc, err.msg);
        fail();
    }
    ws_config_free(c);
    ws_scenario_free(s);
}

/* An error the scenario layer reports at load (phases, rules.h). */
static void expect_load_error(const char *text, const char *needle)
{
    ws_scenario *s = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_scenario_load_string(text, strlen(text), "w.conf", &s, &err);
    if (rc == WS_OK || !strstr(err.msg, needle)) {
        print_error("expected \"%s\", got rc=%d \"%s\"\n", needle, rc, err.msg);
        fail();
    }
    assert_null(s);
}

static void test_phase_errors(void **state)
{
    (void)state;
    expect_error("[table t]\nsize = 1GB\n[transaction big]\nreads = 't:200'\nwrites = 't:100'\n",
                 "w.conf:5: writes: up to 300 page accesses per transaction; walsim allows 256");
    expect_load_error("[workload]\nrate = 10/s\nphases = '5min=2, 1min=1'\n",
                      "w.conf:3: phases: '1min=1': times must not decrease");
    expect_load_error("[workload]\nrate = 10/s\nphases = 'soon=2'\n",
                      "w.conf:3: phases: 'soon=2': 'soon' is not a number");
    expect_load_error("[workload]\nrate = 10/s\nphases = '5min'\n", "is not a point; expected TIME=FACTOR or TIME~FACTOR");
    expect_load_error("[workload]\nrate = 10/s\nphases = '5min=lots'\n",
                      "the factor must be a plain number from 0 to 1000");
}

/* rows x row_width: (8192 - 24) x 100 % / (100 + 28) = 63 rows a page;
 * 1,000,000 rows -> 15,874 pages.  fillfactor 50: 31 a page -> 32,259. */
static void test_rows_give_pages(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_config *c = resolve("[table a]\nrows = 1000000\nrow_width = 100B\n"
                           "[table b]\nrows = 1000000\nrow_width = 100B\nfillfactor = 50\n"
                           "[table c]\nsize = 80MB\n"
                           "[transaction t]\nwrites = 'a:1, b:1, c:1'\n",
                           &s);
    ws_sim *sim = ws_sim_new(0);
    ws_db db;
    ws_diag err;
    assert_int_equal(ws_db_init(&db, sim, c, NULL, &err), WS_OK);
    assert_int_equal(db.rels[0].pages, 15874);
    assert_int_equal(db.rels[1].pages, 32259);
    assert_int_equal(db.rels[2].pages, 10240);
    /* fillfactor 50 leaves half of each page free: a 4096-byte hole */
    assert_int_equal(db.rels[1].fpi_raw, 4096);
    ws_db_destroy(&db);
    ws_sim_free(sim);
    ws_config_free(c);
    ws_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_loop_step),
        cmocka_unit_test(test_closed_loop_ramp),
        cmocka_unit_test(test_closed_loop_burst_and_back),
        cmocka_unit_test(test_phase_errors),
        cmocka_unit_test(test_rows_give_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
