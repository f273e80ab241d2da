/*
 * support.h - helpers shared by the model tests: load a scenario from
 * text, resolve a variant, run it.  Include after <cmocka.h>.  Failures
 * print the walsim message and fail the test.
 */
#ifndef WALSIM_TEST_SUPPORT_H
#define WALSIM_TEST_SUPPORT_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/db.h"
#include "walsim/device.h"
#include "walsim/run.h"
#include "walsim/scenario.h"
#include "walsim/wal.h"

/* Loads `text` (named `name` in messages) and resolves variant `variant`. */
static inline ws_config *test_resolve(const char *text, const char *name, const char *variant,
                                      ws_scenario **s)
{
    ws_diag err;
    if (ws_scenario_load_string(text, strlen(text), name, s, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    int v = ws_scenario_variant_index(*s, variant);
    if (v < 0) {
        print_error("no variant %s\n", variant);
        fail();
    }
    ws_config *c;
    if (ws_config_resolve(*s, (size_t)v, &c, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    return c;
}

/* Runs variant `variant` of the scenario `text` and returns its figures. */
static inline ws_run_stats test_run(const char *text, const char *name, const char *variant)
{
    ws_scenario *s;
    ws_config *c = test_resolve(text, name, variant, &s);
    ws_run_stats st;
    ws_diag err;
    if (ws_run(c, NULL, NULL, NULL, &st, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    ws_config_free(c);
    ws_scenario_free(s);
    return st;
}

/* Runs the scenario `text` as it is and with `extra` appended (a key that
 * samples, e.g. "[scenario]\ntx_sampling = 0.1\n"): *exact and *sampled get
 * the two runs' figures. */
static inline void test_run_pair(const char *text, const char *extra, ws_run_stats *exact,
                                 ws_run_stats *sampled)
{
    size_t n = strlen(text) + strlen(extra) + 1;
    char *both = malloc(n);
    if (!both)
        fail();
    snprintf(both, n, "%s%s", text, extra);
    *exact = test_run(text, "exact.conf", "base");
    *sampled = test_run(both, "sampled.conf", "base");
    free(both);
}

/* A WAL on a device, on its own clock, from the scenario `text`: for the
 * tests of wal.c alone. */
typedef struct test_wal_rig {
    ws_scenario *s;
    ws_config *c;
    ws_sim *sim;
    ws_device dev;
    ws_wal w;
} test_wal_rig;

static inline void test_wal_open(test_wal_rig *r, const char *text)
{
    r->c = test_resolve(text, "wal.conf", "base", &r->s);
    r->sim = ws_sim_new(0);
    assert_non_null(r->sim);
    assert_int_equal(ws_device_init(&r->dev, r->sim, r->c), 0);
    assert_int_equal(ws_wal_init(&r->w, r->sim, &r->dev, r->c), 0);
}

static inline void test_wal_close(test_wal_rig *r)
{
    ws_wal_destroy(&r->w);
    ws_device_destroy(&r->dev);
    ws_sim_free(r->sim);
    ws_config_free(r->c);
    ws_scenario_free(r->s);
}

/* A database on its own clock, from the scenario `text` (named "s.conf"
 * in messages): for the tests of its set-up (sampling, warm start).  rc
 * and err hold what ws_db_init said; close it whatever rc is. */
typedef struct test_db_rig {
    ws_scenario *s;
    ws_config *c;
    ws_sim *sim;
    ws_db db;
    int rc;
    ws_diag err;
} test_db_rig;

static inline void test_db_open(test_db_rig *u, const char *text)
{
    u->c = test_resolve(text, "s.conf", "base", &u->s);
    u->sim = ws_sim_new(0);
    assert_non_null(u->sim);
    u->rc = ws_db_init(&u->db, u->sim, u->c, NULL, &u->err);
}

static inline void test_db_close(test_db_rig *u)
{
    ws_db_destroy(&u->db);
    ws_sim_free(u->sim);
    ws_config_free(u->c);
    ws_scenario_free(u->s);
}

/* Is b within a relative `tol` of a? */
static inline bool test_near(double a, double b, double tol)
{
    return fabs(b / a - 1) < tol;
}

#endif
