/*
 * test_api.c - the public API (walsim.h): loading from a string and from
 * the built-in default, --set overrides and their errors, variants, one
 * short run's figures against the module's own (ws_run), determinism.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/walsim.h"

static const char small[] =
    "[scenario]\nduration = 2min\nwarmup = 30s\nseed = 7\n"
    "[workload]\nprofile = pgbench\nscale = 10\nclients = 4\n"
    "[postgres]\nshared_buffers = 256MB\n"
    "[variant a]\n[variant b]\nmax_wal_size = 2GB\n";

static void test_load_and_variants(void **state)
{
    (void)state;
    walsim_error err;
    walsim_scenario *s;
    assert_int_equal(walsim_scenario_load_string(small, strlen(small), "small.conf", &s, &err),
                     WALSIM_OK);
    assert_string_equal(walsim_scenario_file(s), "small.conf");
    assert_int_equal(walsim_variant_count(s), 2);
    assert_string_equal(walsim_variant_name(s, 1), "b");
    assert_null(walsim_variant_name(s, 2));
    assert_int_equal(walsim_variant_index(s, "b"), 1);
    assert_int_equal(walsim_variant_index(s, "c"), -1);
    walsim_scenario_free(s);
    walsim_scenario_free(NULL);

    assert_int_equal(walsim_scenario_load_default(&s, &err), WALSIM_OK);
    assert_true(walsim_variant_count(s) >= 2);
    walsim_scenario_free(s);
}

static void test_errors(void **state)
{
    (void)state;
    walsim_error err;
    walsim_scenario *s = (walsim_scenario *)&err;
    assert_int_equal(walsim_scenario_load_string("[postgres]\nno_such_key = 1\n", 27, NULL, &s,
                                                 &err),
                     WALSIM_EINPUT);
    assert_null(s);
    assert_non_null(strstr(err.msg, "no_such_key"));
    assert_int_equal(walsim_scenario_load_file("/nonexistent/x.conf", &s, &err), WALSIM_EIO);
    assert_non_null(strstr(err.msg, "x.conf"));

    assert_int_equal(walsim_scenario_load_string(small, strlen(small), NULL, &s, NULL), WALSIM_OK);
    assert_int_equal(walsim_scenario_set(s, "max_wal_size=lots", &err), WALSIM_EINPUT);
    assert_non_null(strstr(err.msg, "max_wal_size"));
    walsim_result *r = (walsim_result *)&err;
    assert_int_equal(walsim_run(s, 5, NULL, NULL, &r, &err), WALSIM_EINPUT);
    assert_null(r);
    walsim_scenario_free(s);
}

static void on_progress(void *ctx, double fraction)
{
    double *last = ctx;
    assert_true(fraction >= *last - 1e-12 && fraction <= 1.0);
    *last = fraction;
}

static void test_run(void **state)
{
    (void)state;
    walsim_error err;
    walsim_scenario *s;
    assert_int_equal(walsim_scenario_load_string(small, strlen(small), NULL, &s, &err), WALSIM_OK);
    assert_int_equal(walsim_scenario_set(s, "duration=90s", &err), WALSIM_OK);
    walsim_result *r1, *r2;
    double last = 0;
    assert_int_equal(walsim_run(s, 1, on_progress, &last, &r1, &err), WALSIM_OK);
    assert_true(last > 0.99);
    assert_int_equal(walsim_run(s, 1, NULL, NULL, &r2, &err), WALSIM_OK);
    walsim_scenario_free(s); /* results outlive their scenario */
    assert_string_equal(walsim_result_variant(r1), "b");
    assert_true(walsim_result_get(r1, WALSIM_TPS) > 0);
    assert_true(walsim_result_get(r1, WALSIM_P50_S) <= walsim_result_get(r1, WALSIM_P99_S));
    assert_true(walsim_result_get(r1, WALSIM_WAL_PER_TX) > 0);
    assert_true(fabs(walsim_result_get(r1, WALSIM_WINDOW_S) - 60) < 1);
    assert_true(isnan(walsim_result_get(r1, WALSIM__FIGURE_COUNT)));
    for (int f = 0; f < WALSIM__FIGURE_COUNT; f++) {
        assert_non_null(walsim_figure_name((walsim_figure)f));
        assert_true(walsim_result_get(r1, (walsim_figure)f) ==
                    walsim_result_get(r2, (walsim_figure)f));
    }
    assert_null(walsim_figure_name(WALSIM__FIGURE_COUNT));
    assert_int_equal(walsim_result_pg_version(r1), walsim_pg_version_max());
    walsim_result_free(r1);
    walsim_result_free(r2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_variants),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
