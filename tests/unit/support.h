/*
 * support.h - helpers shared by the model tests: load a scenario from
 * text, resolve a variant, run it.  Include after <cmocka.h>.  Failures
 * print the walsim message and fail the test.
 */
#ifndef WALSIM_TEST_SUPPORT_H
#define WALSIM_TEST_SUPPORT_H

#include <string.h>

#include "walsim/run.h"
#include "walsim/scenario.h"

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

#endif
