/*
 * test_archiver.c - the failure and disconnection windows ('START..END')
 * of archiver.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/archiver.h"

static void test_window(void **state)
{
    (void)state;
    ws_time a, b;
    char msg[256];
    assert_int_equal(ws_archiver_parse_window("2h..4h", &a, &b, msg, sizeof msg), 0);
    assert_true(a == 2 * 3600 * WS_SEC && b == 4 * 3600 * WS_SEC);
    /* a bare number is seconds; units may differ on each side */
    assert_int_equal(ws_archiver_parse_window("90..150min", &a, &b, msg, sizeof msg), 0);
    assert_true(a == 90 * WS_SEC && b == 150 * 60 * WS_SEC);
    /* empty: no window */
    assert_int_equal(ws_archiver_parse_window("", &a, &b, msg, sizeof msg), 0);
    assert_true(a == 0 && b == 0);
}

static void test_window_errors(void **state)
{
    (void)state;
    ws_time a, b;
    char msg[256];
    assert_int_equal(ws_archiver_parse_window("2h-4h", &a, &b, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "expected 'START..END'"));
    assert_int_equal(ws_archiver_parse_window("4h..2h", &a, &b, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "empty or backwards"));
    assert_int_equal(ws_archiver_parse_window("1h..1h", &a, &b, msg, sizeof msg), -1);
    assert_int_equal(ws_archiver_parse_window("2h30min..3h", &a, &b, msg, sizeof msg), -1);
    assert_int_equal(ws_archiver_parse_window("1h..5GB", &a, &b, msg, sizeof msg), -1);
    assert_int_equal(ws_archiver_parse_window("1h..31d", &a, &b, msg, sizeof msg), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_window_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
