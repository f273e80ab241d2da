/*
 * test_phases.c - the phases schedule grammar: steps, ramps, and every
 * malformed point refused with a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/diag.h"
#include "walsim/phases.h"

static void test_steps_and_ramps(void **state)
{
    (void)state;
    ws_phase_point *p;
    size_t n;
    char msg[600];
    assert_int_equal(ws_phases_parse("0=0.2, 5min~1, 10min=3 ,12min = 1", &p, &n, msg, sizeof msg),
                     WS_OK);
    assert_int_equal(n, 4);
    assert_true(p[0].t_ns == 0 && p[0].factor == 0.2 && !p[0].ramp);
    assert_true(p[1].t_ns == 300000000000LL && p[1].factor == 1 && p[1].ramp);
    assert_true(p[3].t_ns == 720000000000LL && p[3].factor == 1 && !p[3].ramp);
    free(p);
    assert_int_equal(ws_phases_parse("", &p, &n, msg, sizeof msg), WS_OK);
    assert_int_equal(n, 0);
    assert_null(p);
    assert_int_equal(ws_phases_parse(NULL, &p, &n, msg, sizeof msg), WS_OK);
    assert_int_equal(n, 0);
}

static void refused(const char *text, const char *needle)
{
    ws_phase_point *p = (ws_phase_point *)1;
    size_t n = 7;
    char msg[600] = "";
    int rc = ws_phases_parse(text, &p, &n, msg, sizeof msg);
    if (rc != WS_EINPUT || !strstr(msg, needle) || strncmp(msg, "phases: ", 8) != 0) {
        print_error("'%s': rc %d, '%s' (wanted '%s')\n", text, rc, msg, needle);
        fail();
    }
    assert_null(p);
    assert_int_equal(n, 0);
}

static void test_malformed(void **state)
{
    (void)state;
    refused("0=0.2, 5min~", "the ramp has no factor");
    refused("5min=", "the step has no factor");
    refused("5min~ ", "the ramp has no factor");
    refused("5min", "is not a point");
    refused("=1", "is not a point");
    refused("5min=x", "plain number from 0 to 1000");
    refused("5min=1GB", "plain number from 0 to 1000");
    refused("5min=-1", "plain number from 0 to 1000");
    refused("5min=1001", "plain number from 0 to 1000");
    refused("5min=nan", "plain number from 0 to 1000");
    refused("5XB=1", "expected TIME=FACTOR");
    refused("31d=1", "out of range");
    refused("10min=1, 5min=2", "must not decrease");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps_and_ramps),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
