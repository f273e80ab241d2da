/*
 * test_units.c - PostgreSQL's units (guc.c convert_to_base_unit), rates,
 * booleans, formatting, and every error message class.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/units.h"

static double ok(const char *text, ws_unit_class cls, double bare)
{
    double x;
    char err[256];
    if (ws_unit_parse(text, cls, bare, &x, err, sizeof err) != 0) {
        print_error("'%s' failed: %s\n", text, err);
        fail();
    }
    return x;
}

static void bad(const char *text, ws_unit_class cls, const char *needle)
{
    double x;
    char err[256] = "";
    int rc = ws_unit_parse(text, cls, 1, &x, err, sizeof err);
    if (rc == 0 || !strstr(err, needle)) {
        print_error("'%s': expected error with \"%s\", got rc=%d \"%s\"\n", text, needle, rc, err);
        fail();
    }
}

static void test_memory_units(void **state)
{
    (void)state;
    assert_true(ok("1B", WS_UC_MEMORY, 1) == 1);
    assert_true(ok("1kB", WS_UC_MEMORY, 1) == 1024);
    assert_true(ok("1MB", WS_UC_MEMORY, 1) == 1048576);
    assert_true(ok("1GB", WS_UC_MEMORY, 1) == 1073741824.0);
    assert_true(ok("1TB", WS_UC_MEMORY, 1) == 1099511627776.0);
    assert_true(ok("16 GB", WS_UC_MEMORY, 1) == 16.0 * 1073741824); /* space allowed */
    assert_true(ok("128", WS_UC_MEMORY, 8192) == 128 * 8192.0);       /* bare number */
    assert_true(ok("0x10", WS_UC_MEMORY, 8192) == 16 * 8192.0);       /* hex */
    assert_true(ok("-1", WS_UC_MEMORY, 8192) == -8192.0);
}

static void test_time_units(void **state)
{
    (void)state;
    assert_true(ok("1us", WS_UC_TIME, 1) == 1e3);
    assert_true(ok("1ms", WS_UC_TIME, 1) == 1e6);
    assert_true(ok("1s", WS_UC_TIME, 1) == 1e9);
    assert_true(ok("1min", WS_UC_TIME, 1) == 60e9);
    assert_true(ok("1h", WS_UC_TIME, 1) == 3600e9);
    assert_true(ok("1d", WS_UC_TIME, 1) == 86400e9);
    assert_true(ok("90", WS_UC_TIME, 1e9) == 90e9);
    assert_true(ok("2.5e1s", WS_UC_TIME, 1) == 25e9);
}

/* PostgreSQL rounds a fraction with a unit to the next smaller unit first:
 * 30.1GB = 30822MB (config.sgml), 1.5min = 90s. */
static void test_fraction_rounding(void **state)
{
    (void)state;
    assert_true(ok("30.1GB", WS_UC_MEMORY, 1) == 30822.0 * 1048576);
    assert_true(ok("1.5GB", WS_UC_MEMORY, 1) == 1536.0 * 1048576);
    assert_true(ok("1.5min", WS_UC_TIME, 1) == 90e9);
    assert_true(ok("0.0001s", WS_UC_TIME, 1) == 0); /* rounds to 0 ms */
    assert_true(ok("1.5us", WS_UC_TIME, 1) == 1500); /* smallest unit: no rounding */
    assert_true(ok("0.5", WS_UC_NONE, 1) == 0.5);
}

static void test_rates(void **state)
{
    (void)state;
    assert_true(ok("125MB/s", WS_UC_BYTE_RATE, 1) == 125.0 * 1048576);
    assert_true(ok("1GB/min", WS_UC_BYTE_RATE, 1) == 1073741824.0 / 60);
    assert_true(ok("5000/s", WS_UC_COUNT_RATE, 1) == 5000);
    assert_true(ok("300/min", WS_UC_COUNT_RATE, 1) == 5);
    assert_true(ok("36/h", WS_UC_COUNT_RATE, 1) == 0.01);
    assert_true(ok("200", WS_UC_COUNT_RATE, 1) == 200); /* bare: per second */
}

static void test_errors(void **state)
{
    (void)state;
    /* case matters, as in PostgreSQL */
    bad("1KB", WS_UC_MEMORY, "unknown unit 'KB' (units are B, kB, MB, GB, TB; case matters)");
    bad("1mb", WS_UC_MEMORY, "case matters");
    bad("5Min", WS_UC_TIME, "unknown unit 'Min' (units are us, ms, s, min, h, d; case matters)");
    /* wrong class */
    bad("5min", WS_UC_MEMORY, "'5min' is a time, expected a memory size (B, kB, MB, GB, TB)");
    bad("5GB", WS_UC_TIME, "'5GB' is a memory size, expected a duration");
    bad("5GB", WS_UC_NONE, "has a unit; expected a plain number");
    bad("5xyz", WS_UC_MEMORY, "unknown unit 'xyz'");
    /* not numbers */
    bad("abc", WS_UC_MEMORY, "'abc' is not a number");
    bad("", WS_UC_TIME, "is not a number");
    bad("nan", WS_UC_NONE, "is not a number");
    bad("inf", WS_UC_NONE, "is not a number");
    bad("1e400", WS_UC_NONE, "is not a number");
    bad("1 2", WS_UC_NONE, "unexpected text '2'");
    /* rates */
    bad("125MB", WS_UC_BYTE_RATE, "has no time unit");
    bad("125MB/week", WS_UC_BYTE_RATE, "unknown time unit 'week'");
    bad("5MB/s", WS_UC_COUNT_RATE, "not a count rate");
    bad("5kb/s", WS_UC_BYTE_RATE, "unknown unit 'kb'");
}

static void fmt(double v, ws_unit_class cls, const char *want)
{
    char buf[64];
    ws_unit_format(v, cls, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_format(void **state)
{
    (void)state;
    fmt(1073741824.0, WS_UC_MEMORY, "1GB");
    fmt(1536.0 * 1048576, WS_UC_MEMORY, "1536MB");
    fmt(0, WS_UC_MEMORY, "0");
    fmt(300e9, WS_UC_TIME, "5min");
    fmt(1.5e6, WS_UC_TIME, "1500us");
    fmt(131072000, WS_UC_BYTE_RATE, "125MB/s");
    fmt(5000, WS_UC_COUNT_RATE, "5000/s");
    /* round trip */
    const char *texts[] = {"16GB", "256kB", "30s", "1d", "200ms", "80MB"};
    for (int i = 0; i < 6; i++) {
        ws_unit_class cls = strchr("smdh", texts[i][strlen(texts[i]) - 1]) &&
                                    texts[i][strlen(texts[i]) - 1] != 'B'
                                ? WS_UC_TIME
                                : WS_UC_MEMORY;
        fmt(ok(texts[i], cls, 1), cls, texts[i]);
    }
}

static void test_bool(void **state)
{
    (void)state;
    const char *yes[] = {"on", "ON", "true", "t", "TRU", "yes", "y", "1", " on "};
    const char *no[] = {"off", "OFF", "of", "false", "f", "no", "n", "0"};
    const char *neither[] = {"o", "", "2", "maybe", "onn", "yess"};
    bool b;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        assert_int_equal(ws_parse_bool(yes[i], &b), 0);
        assert_true(b);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        assert_int_equal(ws_parse_bool(no[i], &b), 0);
        assert_false(b);
    }
    for (size_t i = 0; i < sizeof neither / sizeof *neither; i++)
        assert_int_equal(ws_parse_bool(neither[i], &b), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_units), cmocka_unit_test(test_time_units),
        cmocka_unit_test(test_fraction_rounding), cmocka_unit_test(test_rates),
        cmocka_unit_test(test_errors), cmocka_unit_test(test_format),
        cmocka_unit_test(test_bool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
