/*
 * test_units.c - PostgreSQL's units (guc.c convert_to_base_unit), walsim's
 * rates, booleans (bool.c parse_bool), formatting in SHOW's style, and
 * every class of error message.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/units.h"

#define KB 1024.0
#define MB (1024.0 * KB)
#define GB (1024.0 * MB)
#define TB (1024.0 * GB)
#define S 1e9 /* nanoseconds */

static double ok(const char *text, ws_unit_class cls, double bare)
{
    double x = -12345;
    char err[256] = "";
    if (ws_unit_parse(text, cls, bare, &x, err, sizeof err) != 0) {
        print_error("'%s' failed: %s\n", text, err);
        fail();
    }
    return x;
}

/* Parses text and checks the result against want exactly. */
static void is(const char *text, ws_unit_class cls, double bare, double want)
{
    double x = ok(text, cls, bare);
    if (x != want) {
        print_error("'%s': got %.17g, want %.17g\n", text, x, want);
        fail();
    }
}

static void bad(const char *text, ws_unit_class cls, const char *needle)
{
    double x = -12345;
    char err[256] = "";
    int rc = ws_unit_parse(text, cls, 1, &x, err, sizeof err);
    if (rc != -1 || !strstr(err, needle)) {
        print_error("'%s': expected error with \"%s\", got rc=%d \"%s\"\n", text, needle, rc, err);
        fail();
    }
    assert_true(x == -12345); /* *out untouched on error */
}

static void test_memory_units(void **state)
{
    (void)state;
    is("1B", WS_UC_MEMORY, 1, 1);
    is("1kB", WS_UC_MEMORY, 1, KB);
    is("1MB", WS_UC_MEMORY, 1, MB);
    is("1GB", WS_UC_MEMORY, 1, GB);
    is("1TB", WS_UC_MEMORY, 1, TB);
    is("16 GB", WS_UC_MEMORY, 1, 16 * GB); /* space between number and unit */
    is("\t16\tGB \n", WS_UC_MEMORY, 1, 16 * GB);
    is("+5MB", WS_UC_MEMORY, 1, 5 * MB);
    is("-1", WS_UC_MEMORY, 8192, -8192); /* bare: the setting's unit (8kB pages) */
    is("128", WS_UC_MEMORY, 8192, 128 * 8192.0);
    is("2048", WS_UC_MEMORY, MB, 2 * GB); /* max_wal_size = 2048 is 2048MB */
    is("0", WS_UC_MEMORY, 8192, 0);
}

static void test_time_units(void **state)
{
    (void)state;
    is("1us", WS_UC_TIME, 1, 1e3);
    is("1ms", WS_UC_TIME, 1, 1e6);
    is("1s", WS_UC_TIME, 1, S);
    is("1min", WS_UC_TIME, 1, 60 * S);
    is("1h", WS_UC_TIME, 1, 3600 * S);
    is("1d", WS_UC_TIME, 1, 86400 * S);
    is("5 min", WS_UC_TIME, 1, 300 * S);
    is("90", WS_UC_TIME, S, 90 * S); /* checkpoint_timeout = 90 is 90s */
    is("200", WS_UC_TIME, 1e6, 200e6); /* bgwriter_delay = 200 is 200ms */
    is("2.5e1s", WS_UC_TIME, 1, 25 * S);
}

static void test_number_syntax(void **state)
{
    (void)state;
    is("0x10", WS_UC_MEMORY, 8192, 16 * 8192.0); /* hex, as PostgreSQL's strtol base 0 */
    is("0X1f", WS_UC_NONE, 1, 31);
    is("-0x10", WS_UC_NONE, 1, -16);
    is("0x10kB", WS_UC_MEMORY, 1, 16 * KB);
    is("0x1B", WS_UC_MEMORY, 1, 27); /* the B is a hex digit, as in strtol */
    is("1e3", WS_UC_NONE, 1, 1000);
    is("1E+3", WS_UC_NONE, 1, 1000);
    is("25e-1", WS_UC_NONE, 1, 2.5);
    is(".5", WS_UC_NONE, 1, 0.5);
    is("5.", WS_UC_NONE, 1, 5);
    is("-0.25", WS_UC_NONE, 4, -1);
    is("0.9", WS_UC_NONE, 1, 0.9);
    is("010", WS_UC_NONE, 1, 10); /* decimal, see units.h */
    /* a number longer than any buffer a parser might use */
    char longnum[300];
    memset(longnum, '0', 250);
    strcpy(longnum + 250, "12kB");
    is(longnum, WS_UC_MEMORY, 1, 12 * KB);
}

/* PostgreSQL rounds a fraction with a unit to a multiple of the next
 * smaller unit (config.sgml: 30.1GB is 30822MB); B and us have none. */
static void test_fraction_rounding(void **state)
{
    (void)state;
    is("30.1GB", WS_UC_MEMORY, 1, 30822 * MB);
    is("1.5GB", WS_UC_MEMORY, 1, 1536 * MB);
    is("-1.5GB", WS_UC_MEMORY, 1, -1536 * MB);
    is("1.0001kB", WS_UC_MEMORY, 1, 1024); /* 1024.1B rounds to 1024B */
    is("0.5kB", WS_UC_MEMORY, 1, 512);
    is("1.5B", WS_UC_MEMORY, 1, 1.5); /* smallest unit: not rounded */
    is("1.5min", WS_UC_TIME, 1, 90 * S);
    is("1.25ms", WS_UC_TIME, 1, 1250e3);
    is("0.0001s", WS_UC_TIME, 1, 0); /* 0.1ms rounds to 0ms */
    is("1.5us", WS_UC_TIME, 1, 1500);
    is("0.1s", WS_UC_TIME, 1, 100e6); /* exact after rounding to ms */
    is("1.5", WS_UC_MEMORY, 8192, 1.5 * 8192); /* bare: the settings layer rounds */
}

static void test_rates(void **state)
{
    (void)state;
    is("125MB/s", WS_UC_BYTE_RATE, 1, 125 * MB);
    is("125 MB/s", WS_UC_BYTE_RATE, 1, 125 * MB);
    is("1GB/min", WS_UC_BYTE_RATE, 1, GB / 60);
    is("36GB/h", WS_UC_BYTE_RATE, 1, 36 * GB / 3600);
    is("1TB/d", WS_UC_BYTE_RATE, 1, TB / 86400);
    is("1kB/ms", WS_UC_BYTE_RATE, 1, 1000 * KB);
    is("1B/us", WS_UC_BYTE_RATE, 1, 1e6);
    is("1.5MB/s", WS_UC_BYTE_RATE, 1, 1536 * KB); /* PostgreSQL's rounding on the amount */
    is("100", WS_UC_BYTE_RATE, 1, 100);           /* bare: per second in the setting's unit */
    is("100", WS_UC_BYTE_RATE, KB, 100 * KB);
    is("600/min", WS_UC_BYTE_RATE, KB, 10); /* '/' written: bytes, whatever the bare unit */
    is("5000/s", WS_UC_COUNT_RATE, 1, 5000);
    is("5000/s", WS_UC_COUNT_RATE, 1.0 / 60, 5000); /* even for a setting counted per minute */
    is("300/min", WS_UC_COUNT_RATE, 1, 5);
    is("12/h", WS_UC_COUNT_RATE, 1, 12.0 / 3600);
    is("36/h", WS_UC_COUNT_RATE, 1, 36.0 / 3600);
    is("86400/d", WS_UC_COUNT_RATE, 1, 1);
    is("1/ms", WS_UC_COUNT_RATE, 1, 1000);
    is("1/us", WS_UC_COUNT_RATE, 1, 1e6);
    is("2.5/s", WS_UC_COUNT_RATE, 1, 2.5);
    is("200", WS_UC_COUNT_RATE, 1, 200); /* bare: per second */
    is("0/s", WS_UC_COUNT_RATE, 1, 0);
}

static void test_case_matters(void **state)
{
    (void)state;
    bad("10 KB", WS_UC_MEMORY,
        "'10 KB' has an unknown unit 'KB' (memory units are B, kB, MB, GB, TB; case matters)");
    bad("1KB", WS_UC_MEMORY, "unknown unit 'KB'");
    bad("1mb", WS_UC_MEMORY, "'1mb' has an unknown unit 'mb' (memory units are B, kB, MB, GB, TB; case matters)");
    bad("1gb", WS_UC_MEMORY, "case matters");
    bad("1b", WS_UC_MEMORY, "case matters");
    bad("5Min", WS_UC_TIME,
        "'5Min' has an unknown unit 'Min' (time units are us, ms, s, min, h, d; case matters)");
    bad("5MS", WS_UC_TIME, "case matters");
    bad("1S", WS_UC_TIME, "case matters");
    bad("5mb/s", WS_UC_BYTE_RATE, "unknown unit 'mb' (memory units are B, kB, MB, GB, TB; case matters)");
    bad("5MB/S", WS_UC_BYTE_RATE,
        "'5MB/S' has an unknown time unit 'S' after '/' (us, ms, s, min, h, d; case matters)");
    bad("5/Min", WS_UC_COUNT_RATE, "unknown time unit 'Min' after '/'");
    /* no case hint where case is not the problem */
    bad("5xyz", WS_UC_MEMORY, "'5xyz' has an unknown unit 'xyz' (memory units are B, kB, MB, GB, TB)");
    bad("5week", WS_UC_TIME, "(time units are us, ms, s, min, h, d)");
}

static void test_wrong_class(void **state)
{
    (void)state;
    bad("5min", WS_UC_MEMORY, "'5min' is a time, expected a memory size (B, kB, MB, GB, TB)");
    bad("5GB", WS_UC_TIME, "'5GB' is a memory size, expected a duration (us, ms, s, min, h, d)");
    bad("5GB", WS_UC_NONE, "'5GB' has a unit; expected a plain number");
    bad("5/s", WS_UC_NONE, "has a unit; expected a plain number");
    bad("5MB/s", WS_UC_MEMORY, "'5MB/s' is a rate, expected a memory size (B, kB, MB, GB, TB)");
    bad("5/s", WS_UC_TIME, "is a rate, expected a duration");
    bad("125MB", WS_UC_BYTE_RATE,
        "'125MB' has no time unit; expected a byte rate (a memory unit per time unit, e.g. 125MB/s)");
    bad("5min", WS_UC_BYTE_RATE, "'5min' is a time, expected a byte rate");
    bad("5s/s", WS_UC_BYTE_RATE, "'5s/s' is a time, expected a byte rate");
    bad("5MB/s", WS_UC_COUNT_RATE,
        "'5MB/s' is a byte rate, expected a rate (a count per time unit, e.g. 5000/s or 300/min)");
    bad("5MB", WS_UC_COUNT_RATE, "'5MB' has no time unit; expected a rate");
    bad("5min", WS_UC_COUNT_RATE, "'5min' is a time, expected a rate");
    bad("5xyz", WS_UC_COUNT_RATE,
        "'5xyz' has an unknown unit 'xyz' (a count per time unit, e.g. 5000/s or 300/min)");
    bad("125MB/week", WS_UC_BYTE_RATE, "unknown time unit 'week' after '/'");
    bad("5/", WS_UC_COUNT_RATE, "unknown time unit '' after '/'");
}

static void test_not_numbers(void **state)
{
    (void)state;
    bad("abc", WS_UC_MEMORY, "'abc' is not a number");
    bad("", WS_UC_TIME, "'' is not a number");
    bad("   ", WS_UC_TIME, "is not a number");
    bad("kB", WS_UC_MEMORY, "'kB' is not a number");
    bad("-", WS_UC_NONE, "is not a number");
    bad(".", WS_UC_NONE, "is not a number");
    bad("--5", WS_UC_NONE, "is not a number");
    bad("- 5", WS_UC_NONE, "is not a number");
    bad("e5", WS_UC_NONE, "is not a number");
    /* strtod would take these; PostgreSQL rejects them */
    bad("nan", WS_UC_NONE, "'nan' is not a number");
    bad("NaN", WS_UC_MEMORY, "is not a number");
    bad("inf", WS_UC_NONE, "'inf' is not a number");
    bad("-infinity", WS_UC_TIME, "is not a number");
    bad("0x1p3", WS_UC_NONE, "'0x1p3' has a unit; expected a plain number");
    bad("0x1p3", WS_UC_MEMORY, "'0x1p3' has an unknown unit 'p'");
}

static void test_out_of_range(void **state)
{
    (void)state;
    bad("1e400", WS_UC_NONE, "'1e400' is out of range");
    bad("-1e400", WS_UC_NONE, "is out of range");
    bad("1e-400", WS_UC_NONE, "is out of range"); /* underflow: PostgreSQL's ERANGE */
    bad("1e300TB", WS_UC_MEMORY, "'1e300TB' is out of range");
    bad("1e300d", WS_UC_TIME, "is out of range");
    double x;
    char err[128];
    assert_int_equal(ws_unit_parse("1e308", WS_UC_MEMORY, 8192, &x, err, sizeof err), -1);
    assert_non_null(strstr(err, "out of range"));
    char hex[400] = "0x";
    memset(hex + 2, 'F', 300);
    hex[302] = '\0';
    bad(hex, WS_UC_NONE, "is out of range");
}

static void test_trailing_text(void **state)
{
    (void)state;
    bad("1 2", WS_UC_NONE, "'1 2' has unexpected text '2' after the number");
    bad("5kB 2", WS_UC_MEMORY, "'5kB 2' has unexpected text '2' after the unit 'kB'");
    bad("5kB8", WS_UC_MEMORY, "unexpected text '8' after the unit 'kB'");
    bad("5MB/s x", WS_UC_BYTE_RATE, "unexpected text 'x' after the unit 'MB/s'");
    bad("0x10.5", WS_UC_NONE, "unexpected text '.5' after the number");
    bad("1.2.3", WS_UC_NONE, "unexpected text '.3'");
}

/* Messages never carry file, line or key (the caller adds them), stay on
 * one line and do not echo unbounded input. */
static void test_message_hygiene(void **state)
{
    (void)state;
    char text[2000], err[1024] = "";
    double x;
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    assert_int_equal(ws_unit_parse(text, WS_UC_MEMORY, 1, &x, err, sizeof err), -1);
    assert_true(strlen(err) < 200);
    assert_non_null(strstr(err, "xxx...' is not a number"));
    assert_int_equal(ws_unit_parse("5\nkB", WS_UC_MEMORY, 1, &x, err, sizeof err), 0);
    assert_int_equal(ws_unit_parse("5k\x01", WS_UC_MEMORY, 1, &x, err, sizeof err), -1);
    assert_null(strchr(err, '\x01'));
    assert_non_null(strstr(err, "'5k?'"));
    /* a tiny or absent buffer is fine */
    char tiny[4];
    assert_int_equal(ws_unit_parse("abc", WS_UC_MEMORY, 1, &x, tiny, sizeof tiny), -1);
    assert_string_equal(tiny, "'ab");
    assert_int_equal(ws_unit_parse("abc", WS_UC_MEMORY, 1, &x, NULL, 0), -1);
}

static void fmt(double v, ws_unit_class cls, const char *want)
{
    char buf[64];
    ws_unit_format(v, cls, buf, sizeof buf);
    if (strcmp(buf, want) != 0) {
        print_error("format(%.17g): got \"%s\", want \"%s\"\n", v, buf, want);
        fail();
    }
}

static void test_format(void **state)
{
    (void)state;
    fmt(GB, WS_UC_MEMORY, "1GB");
    fmt(1536 * MB, WS_UC_MEMORY, "1536MB");
    fmt(3 * TB, WS_UC_MEMORY, "3TB");
    fmt(8192, WS_UC_MEMORY, "8kB");
    fmt(-8192, WS_UC_MEMORY, "-8kB");
    fmt(1000, WS_UC_MEMORY, "1000B");
    fmt(0.5, WS_UC_MEMORY, "0.5B");
    fmt(0, WS_UC_MEMORY, "0");
    fmt(0, WS_UC_TIME, "0");
    fmt(300 * S, WS_UC_TIME, "5min");
    fmt(2 * 86400 * S, WS_UC_TIME, "2d");
    fmt(1.5e6, WS_UC_TIME, "1500us");
    fmt(1500, WS_UC_TIME, "1.5us");
    fmt(0.3 * S, WS_UC_TIME, "300ms"); /* 0.3 * 1e9 is not quite 3e8 */
    fmt(131072000, WS_UC_BYTE_RATE, "125MB/s");
    fmt(GB / 60, WS_UC_BYTE_RATE, "1GB/min");
    fmt(1.5, WS_UC_BYTE_RATE, "90B/min");
    fmt(0, WS_UC_BYTE_RATE, "0B/s");
    fmt(5000, WS_UC_COUNT_RATE, "5000/s");
    fmt(5, WS_UC_COUNT_RATE, "5/s");
    fmt(5.0 / 60, WS_UC_COUNT_RATE, "5/min");
    fmt(0.01, WS_UC_COUNT_RATE, "36/h");
    fmt(1.0 / 7 / 86400 / 3, WS_UC_COUNT_RATE, "5.51146e-07/s");
    fmt(0, WS_UC_COUNT_RATE, "0/s");
    fmt(0.5, WS_UC_NONE, "0.5");
    fmt(INFINITY, WS_UC_MEMORY, "inf");
    char small[4];
    ws_unit_format(1536 * MB, WS_UC_MEMORY, small, sizeof small);
    assert_string_equal(small, "153"); /* cut, terminated */
}

/* Text in its largest exact unit survives parse -> format unchanged. */
static void test_format_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        ws_unit_class cls;
    } cases[] = {
        {"16GB", WS_UC_MEMORY},     {"256kB", WS_UC_MEMORY},   {"80MB", WS_UC_MEMORY},
        {"1TB", WS_UC_MEMORY},      {"3B", WS_UC_MEMORY},      {"1536MB", WS_UC_MEMORY},
        {"30s", WS_UC_TIME},        {"1d", WS_UC_TIME},        {"200ms", WS_UC_TIME},
        {"7us", WS_UC_TIME},        {"2h", WS_UC_TIME},        {"5min", WS_UC_TIME},
        {"125MB/s", WS_UC_BYTE_RATE}, {"1GB/min", WS_UC_BYTE_RATE}, {"3kB/h", WS_UC_BYTE_RATE},
        {"5000/s", WS_UC_COUNT_RATE}, {"5/min", WS_UC_COUNT_RATE}, {"36/h", WS_UC_COUNT_RATE},
        {"1/d", WS_UC_COUNT_RATE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        fmt(ok(cases[i].text, cases[i].cls, 1), cases[i].cls, cases[i].text);
    /* and values survive format -> parse */
    const double values[] = {1, 8192, 1536 * MB, 0.3 * S, 1234567, GB / 60, 1e-3};
    for (int cls = WS_UC_MEMORY; cls <= WS_UC_COUNT_RATE; cls++)
        for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
            char buf[64];
            ws_unit_format(values[i], (ws_unit_class)cls, buf, sizeof buf);
            double back = ok(buf, (ws_unit_class)cls, 1);
            assert_true(fabs(back - values[i]) <= 1e-5 * values[i]);
        }
}

static void test_unit_names(void **state)
{
    (void)state;
    assert_string_equal(ws_unit_names(WS_UC_MEMORY), "B, kB, MB, GB, TB");
    assert_string_equal(ws_unit_names(WS_UC_TIME), "us, ms, s, min, h, d");
    assert_non_null(strstr(ws_unit_names(WS_UC_BYTE_RATE), "125MB/s"));
    assert_non_null(strstr(ws_unit_names(WS_UC_COUNT_RATE), "5000/s"));
}

static void test_bool(void **state)
{
    (void)state;
    const char *yes[] = {"on", "ON", "On", "true", "t", "T", "tr", "TRU", "yes", "y", "Ye", "1", " on ", "\ttrue\n"};
    const char *no[] = {"off", "OFF", "of", "oF", "false", "f", "fa", "FALS", "no", "n", "N", "0", " off "};
    const char *neither[] = {"o", "O", "", "  ", "2", "10", "00", "01", "maybe", "onn", "offf",
                             "yess", "truee", "nope", "of f", "ok", "-1", "o n"};
    bool b;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        b = false;
        if (ws_parse_bool(yes[i], &b) != 0 || !b)
            fail_msg("'%s' should be true", yes[i]);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        b = true;
        if (ws_parse_bool(no[i], &b) != 0 || b)
            fail_msg("'%s' should be false", no[i]);
    }
    for (size_t i = 0; i < sizeof neither / sizeof *neither; i++)
        if (ws_parse_bool(neither[i], &b) != -1)
            fail_msg("'%s' should not be a boolean", neither[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_units),
        cmocka_unit_test(test_time_units),
        cmocka_unit_test(test_number_syntax),
        cmocka_unit_test(test_fraction_rounding),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_case_matters),
        cmocka_unit_test(test_wrong_class),
        cmocka_unit_test(test_not_numbers),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_trailing_text),
        cmocka_unit_test(test_message_hygiene),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_unit_names),
        cmocka_unit_test(test_bool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
