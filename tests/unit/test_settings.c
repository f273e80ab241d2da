/*
 * test_settings.c - the settings table: defaults per PostgreSQL version,
 * ranges, units, enums, lookups, suggestions and error messages.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/scenario.h"
#include "walsim/settings.h"

/* Loads `text` and resolves its first variant; returns the config or NULL
 * with the message in err. */
static ws_config *load1(const char *text, ws_scenario **sp, ws_diag *err)
{
    ws_diag_clear(err);
    if (ws_scenario_load_string(text, strlen(text), "t.conf", sp, err) != WS_OK)
        return NULL;
    ws_config *c;
    assert_int_equal(ws_config_resolve(*sp, 0, &c, err), WS_OK);
    return c;
}

static char *version_conf(int v, const char *extra)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "[scenario]\npg_version = %d\n[postgres]\n%s\n", v, extra);
    return buf;
}

/* Every default of every setting parses, lies within its range, and is
 * present exactly in the versions it exists in (resolve aborts otherwise). */
static void test_all_defaults_resolve(void **state)
{
    (void)state;
    for (int v = WS_PG_VERSION_MIN; v <= WS_PG_VERSION_MAX; v++) {
        ws_scenario *s;
        ws_diag err;
        ws_config *c = load1(version_conf(v, ""), &s, &err);
        assert_non_null(c);
        assert_int_equal(ws_config_pg_version(c), v);
        for (int id = 0; id < WS_S__COUNT; id++) {
            const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)id);
            if (ws_section_named(d->section))
                continue;
            const ws_value *val = ws_cfg_value(c, (ws_setting_id)id);
            assert_int_equal(val->available, d->def[v - WS_PG_VERSION_MIN] != NULL);
            assert_int_equal(val->origin,
                             id == WS_S_pg_version ? WS_ORIGIN_FILE : WS_ORIGIN_DEFAULT);
        }
        ws_config_free(c);
        ws_scenario_free(s);
    }
}

static void test_version_defaults(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_diag err;
    /* checkpoint_completion_target: 0.5 in 13, 0.9 from 14 (pg-mechanics 9.1). */
    const double cct[] = {0.5, 0.9, 0.9, 0.9, 0.9};
    for (int v = 13; v <= 17; v++) {
        ws_config *c = load1(version_conf(v, ""), &s, &err);
        assert_non_null(c);
        assert_true(fabs(ws_cfg_num(c, WS_S_checkpoint_completion_target) - cct[v - 13]) < 1e-12);
        assert_true(ws_cfg_num(c, WS_S_checkpoint_timeout) == 300e9);
        assert_true(ws_cfg_num(c, WS_S_max_wal_size) == 1073741824.0);
        assert_true(ws_cfg_num(c, WS_S_shared_buffers) == 134217728.0);
        assert_string_equal(ws_cfg_str(c, WS_S_wal_compression), "off");
        ws_config_free(c);
        ws_scenario_free(s);
    }
}

static void expect_error(const char *text, const char *needle)
{
    ws_scenario *s = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_scenario_load_string(text, strlen(text), "t.conf", &s, &err);
    if (rc == WS_OK || !strstr(err.msg, needle)) {
        print_error("expected an error containing \"%s\", got rc=%d \"%s\"\n", needle, rc,
                    err.msg);
        fail();
    }
    assert_null(s);
}

static void test_range_errors(void **state)
{
    (void)state;
    expect_error("[postgres]\ncheckpoint_timeout = 10s\n",
                 "t.conf:2: checkpoint_timeout: 10s is below the minimum 30s");
    expect_error("[postgres]\ncheckpoint_timeout = 2d\n",
                 "t.conf:2: checkpoint_timeout: 2d is above the maximum 1d");
    expect_error("[postgres]\ncheckpoint_completion_target = 1.5\n",
                 "checkpoint_completion_target: 1.5 is above the maximum");
    expect_error("[scenario]\npg_version = 12\n", "t.conf:2: pg_version: 12 is below the minimum 13");
}

static void test_type_errors_name_the_expectation(void **state)
{
    (void)state;
    /* Wrong unit class: the message names the units and the range. */
    expect_error("[postgres]\ncheckpoint_timeout = 5GB\n", "t.conf:2: checkpoint_timeout:");
    expect_error("[postgres]\ncheckpoint_timeout = 5GB\n", "expected a duration (us, ms, s, min, h, d");
    expect_error("[postgres]\ncheckpoint_timeout = 5GB\n", "between 30s and 1d");
    /* Case matters, as in PostgreSQL. */
    expect_error("[postgres]\nshared_buffers = 1gb\n", "shared_buffers:");
    expect_error("[postgres]\nwal_compression = snappy\n",
                 "wal_compression: 'snappy' is not a valid value; expected one of: off, on, pglz, lz4, zstd");
    expect_error("[postgres]\nfull_page_writes = maybe\n", "full_page_writes: 'maybe' is not a boolean");
}

static void test_version_availability(void **state)
{
    (void)state;
    /* lz4 needs 15; vacuum_buffer_usage_limit exists from 16. */
    expect_error(version_conf(14, "wal_compression = lz4"),
                 "wal_compression: lz4 needs PostgreSQL 15 or later (pg_version is 14)");
    expect_error(version_conf(13, "wal_compression = zstd"), "expected one of: off, on");
    expect_error(version_conf(15, "vacuum_buffer_usage_limit = 1MB"),
                 "vacuum_buffer_usage_limit: not a setting of PostgreSQL 15 (it exists in 16-17)");

    ws_scenario *s;
    ws_diag err;
    ws_config *c = load1(version_conf(14, "wal_compression = on"), &s, &err);
    assert_non_null(c);
    assert_string_equal(ws_cfg_str(c, WS_S_wal_compression), "on");
    ws_config_free(c);
    ws_scenario_free(s);
}

static void test_units_and_rounding(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_diag err;
    ws_config *c = load1(version_conf(15, "shared_buffers = '1001kB'\nmax_wal_size = 2048\n"
                                          "checkpoint_timeout = 90\nwal_compression = TRUE\n"
                                          "synchronous_commit = 0\n"),
                         &s, &err);
    assert_non_null(c);
    /* 1001kB rounds to the nearest 8kB page: 125 pages. */
    assert_true(ws_cfg_num(c, WS_S_shared_buffers) == 125 * 8192.0);
    /* bare numbers take the setting's unit: MB and s */
    assert_true(ws_cfg_num(c, WS_S_max_wal_size) == 2048.0 * 1048576);
    assert_true(ws_cfg_num(c, WS_S_checkpoint_timeout) == 90e9);
    /* boolean spellings of enums */
    assert_string_equal(ws_cfg_str(c, WS_S_wal_compression), "on");
    assert_string_equal(ws_cfg_str(c, WS_S_synchronous_commit), "off");
    char buf[64];
    ws_value_format(ws_cfg_value(c, WS_S_max_wal_size), WS_S_max_wal_size, buf, sizeof buf);
    assert_string_equal(buf, "2GB");
    ws_value_format(ws_cfg_value(c, WS_S_checkpoint_timeout), WS_S_checkpoint_timeout, buf,
                    sizeof buf);
    assert_string_equal(buf, "90s");
    ws_config_free(c);
    ws_scenario_free(s);
}

static void test_minus_one_is_special(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_diag err;
    ws_config *c = load1(version_conf(15, "wal_buffers = -1\n"), &s, &err);
    assert_non_null(c);
    char buf[64];
    ws_value_format(ws_cfg_value(c, WS_S_wal_buffers), WS_S_wal_buffers, buf, sizeof buf);
    assert_string_equal(buf, "-1");
    assert_true(ws_cfg_num(c, WS_S_wal_buffers) < 0);
    ws_config_free(c);
    ws_scenario_free(s);
}

static void test_lookup_and_suggest(void **state)
{
    (void)state;
    assert_int_equal(ws_setting_lookup(WS_SEC_POSTGRES, "Checkpoint_Timeout"),
                     WS_S_checkpoint_timeout);
    assert_int_equal(ws_setting_lookup(WS_SEC_DISK, "checkpoint_timeout"), -1);
    assert_string_equal(ws_setting_suggest(WS_SEC_POSTGRES, "checkpoint_timout"),
                        "checkpoint_timeout");
    assert_null(ws_setting_suggest(WS_SEC_POSTGRES, "zzzzzzzzzzzzzz"));
    expect_error("[postgres]\ncheckpoint_timout = 5min\n",
                 "t.conf:2: checkpoint_timout: unknown key in [postgres]; did you mean checkpoint_timeout?");
    expect_error("[scenario]\nduraton = 5min\n", "did you mean duration?");
}

static void test_ignored_postgres_settings(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_diag err;
    const char *text = "[postgres]\nwork_mem = 64MB\nlisten_addresses = '*'\n"
                       "pg_stat_statements.max = 10000\n";
    ws_config *c = load1(text, &s, &err);
    assert_non_null(c);
    assert_int_equal(ws_scenario_note_count(s), 3);
    assert_non_null(strstr(ws_scenario_note(s, 0), "t.conf:2: work_mem: PostgreSQL setting that walsim does not model (ignored)"));
    ws_config_free(c);
    ws_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_defaults_resolve),
        cmocka_unit_test(test_version_defaults),
        cmocka_unit_test(test_range_errors),
        cmocka_unit_test(test_type_errors_name_the_expectation),
        cmocka_unit_test(test_version_availability),
        cmocka_unit_test(test_units_and_rounding),
        cmocka_unit_test(test_minus_one_is_special),
        cmocka_unit_test(test_lookup_and_suggest),
        cmocka_unit_test(test_ignored_postgres_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
