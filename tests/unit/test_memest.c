/*
 * test_memest.c - the memory estimate of a variant: which setting drives
 * it, how it grows, and the refusal with FILE:LINE against
 * WALSIM_MEMORY_LIMIT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"
#include "walsim/memest.h"

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
        cmocka_unit_test(test_refused_against_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
