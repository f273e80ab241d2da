/*
 * test_expect.c - [expect] lines: values with units per metric kind,
 * references to other variants, the operators at their boundaries,
 * PASS/FAIL/NOT EXERCISED, messages for every kind of mistake, the
 * description, the note on an overloaded variant's latencies.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/expect.h"

#define MB (1024.0 * 1024)
#define GB (1024.0 * MB)

static const char scenario[] = "[scenario]\n"
                               "duration = 20s\n"
                               "[variant default]\n"
                               "[variant fast]\n"
                               "[variant pg-default]\n"
                               "[expect fast]\n"
                               "checkpoints_req = 0\n";

static ws_scenario *sc;
/* Figures per variant: default, fast, pg-default. */
static ws_run_stats st[3];
static const ws_run_stats *by[3] = {&st[0], &st[1], &st[2]};

static int setup(void **state)
{
    (void)state;
    ws_diag err;
    if (ws_scenario_load_string(scenario, strlen(scenario), "e.conf", &sc, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        return -1;
    }
    memset(st, 0, sizeof st);
    st[0].lat.p99_s = 0.100; /* default */
    st[0].lat.max_s = 0.500;
    st[0].tps = 1000;
    st[1].lat.p99_s = 0.040; /* fast */
    st[1].lat.max_s = 0.200;
    st[1].lat_phase[2].p99_s = 0.070;
    st[1].tps = 1500;
    st[1].ckpt_req = 0;
    st[1].pg_wal_peak_bytes = (uint64_t)(512 * MB);
    st[1].fpi_share = 0.25;
    st[2].lat.p99_s = 0.090; /* pg-default */
    /* Every variant completed checkpoints in its window, with transactions
     * in both phases: expectations about checkpoints are exercised. */
    for (int v = 0; v < 3; v++) {
        st[v].ckpt_done = 3;
        st[v].lat_phase[1].n = st[v].lat_phase[2].n = 100;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ws_scenario_free(sc);
    return 0;
}

/* An [expect fast] line. */
static ws_expect *parse(const char *text)
{
    ws_raw_line raw = {"fast", text, "e.conf", 7};
    static ws_raw_line keep[64];
    static size_t used;
    assert_true(used < 64);
    keep[used] = raw; /* the expectation borrows its raw line */
    ws_expect *e;
    ws_diag err;
    if (ws_expect_parse(sc, &keep[used++], &e, &err) != WS_OK) {
        print_error("'%s': %s\n", text, err.msg);
        fail();
    }
    return e;
}

/* The bound EXPR evaluates to, and whether the line holds. */
static void holds(const char *text, double bound, bool pass)
{
    ws_expect *e = parse(text);
    ws_expect_result r = ws_expect_eval(e, by);
    if (fabs(r.bound - bound) > 1e-12 * fabs(bound) || r.pass != pass) {
        print_error("'%s': bound %.17g pass %d, want %.17g %d\n", text, r.bound, r.pass, bound,
                    pass);
        fail();
    }
    ws_expect_free(e);
}

static void bad(const char *text, const char *needle)
{
    ws_raw_line raw = {"fast", text, "e.conf", 9};
    ws_expect *e = (ws_expect *)1;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_expect_parse(sc, &raw, &e, &err);
    if (rc != WS_EINPUT || !strstr(err.msg, needle) || e != NULL) {
        print_error("'%s': expected an error with \"%s\", got rc %d: %s\n", text, needle, rc,
                    err.msg);
        fail();
    }
    /* Every message names the file, line, section and text. */
    char head[256];
    snprintf(head, sizeof head, "e.conf:9: [expect fast] %s: ", text);
    assert_true(strncmp(err.msg, head, strlen(head)) == 0);
}

static void test_values_with_units(void **state)
{
    (void)state;
    /* fast: p99 40ms, max 200ms, tps 1500, pg_wal_peak 512MB, fpi_share 0.25 */
    holds("p99_latency < 20ms", 0.020, false);
    holds("p99_latency < 1.5s", 1.5, true);
    holds("p99_latency <= 40ms", 0.040, true);
    holds("p99_latency < 40000us", 0.040, false);
    holds("max_latency < 0.5 s", 0.5, true);       /* space before the unit, as PostgreSQL */
    holds("pg_wal_peak <= 60GB", 60 * GB, true);
    holds("pg_wal_peak < 512MB", 512 * MB, false);
    holds("pg_wal_peak <= 0.5GB", 512 * MB, true); /* 0.5GB is 512MB */
    holds("fpi_share < 30%", 0.30, true);
    holds("fpi_share < 0.2", 0.2, false);
    holds("tps >= 1500", 1500, true);
    holds("tps > 90000/min", 1500, false);          /* 90000/min is 1500/s */
    holds("checkpoints_req = 0", 0, true);
    holds("checkpoints_req == 0", 0, true);
    holds("checkpoints_req != 0", 0, false);
    holds("p99_latency > 0", 0, true);              /* 0 needs no unit */
}

static void test_references(void **state)
{
    (void)state;
    holds("p99_latency < 0.5 * default.p99_latency", 0.050, true);
    holds("p99_latency < default.p99_latency * 0.3", 0.030, false);
    holds("p99_latency < default.p99_latency", 0.100, true);
    holds("max_latency <= default.max_latency - 300ms", 0.200, true);
    holds("max_latency < default.max_latency-300ms", 0.200, false); /* '-' then digit: minus */
    holds("p99_latency < pg-default.p99_latency + 1ms", 0.091, true); /* a name with '-' */
    holds("p99_latency_sync < 2 * p99_latency", 0.080, true);         /* own variant */
    holds("tps > 1.4 * default.tps + 50/s - 10", 1440, true);
    holds("p99_latency < 0.5 * default.p99_latency + 0.5 * pg-default.p99_latency", 0.095, true);

    ws_expect *e = parse("p99_latency < 0.5 * default.p99_latency");
    assert_int_equal(ws_expect_variant(e), 1);
    assert_true(ws_expect_uses(e, 0));
    assert_true(ws_expect_uses(e, 1));
    assert_false(ws_expect_uses(e, 2));
    assert_string_equal(ws_expect_metric(e)->name, "p99_latency");
    assert_int_equal(ws_expect_operator(e), WS_OP_LT);
    ws_expect_free(e);
    e = parse("tps > 100");
    assert_true(ws_expect_uses(e, 1));
    assert_false(ws_expect_uses(e, 0));
    ws_expect_free(e);
}

static void test_operators_at_the_boundary(void **state)
{
    (void)state;
    /* measured p99 is exactly 40ms */
    holds("p99_latency < 40ms", 0.04, false);
    holds("p99_latency <= 40ms", 0.04, true);
    holds("p99_latency > 40ms", 0.04, false);
    holds("p99_latency >= 40ms", 0.04, true);
    holds("p99_latency = 40ms", 0.04, true);
    holds("p99_latency != 40ms", 0.04, false);
    holds("p99_latency != 41ms", 0.041, true);

    /* A figure that is not a number fails every comparison, != too. */
    st[1].lat.p99_s = NAN;
    ws_expect *e = parse("p99_latency != 40ms");
    assert_false(ws_expect_eval(e, by).pass);
    ws_expect_free(e);
    e = parse("p99_latency < 1h");
    assert_false(ws_expect_eval(e, by).pass);
    ws_expect_free(e);
    st[1].lat.p99_s = 0.040;
}

static void test_errors(void **state)
{
    (void)state;
    bad("p99_latncy < 20ms", "unknown metric 'p99_latncy'; did you mean p99_latency?");
    bad("frobnicate < 20ms", "unknown metric 'frobnicate' (walsim help metrics");
    bad("p99_latency < 20", "p99_latency is a time: '20' needs a unit");
    bad("pg_wal_peak <= 5min", "pg_wal_peak is a size: '5min' is a time, expected a memory size");
    bad("pg_wal_peak <= 60gb", "unknown unit 'gb'");
    bad("checkpoints_req = 0ms", "checkpoints_req is a count: '0ms' has a unit");
    bad("p99_latency < 30%", "a percentage is for ratios; p99_latency is a time");
    bad("fpi_share < 30", "fpi_share is a ratio from 0 to 1: write 30% or 0.3");
    bad("tps > 5GB", "tps is a rate");
    bad("p99_latency < 0.5 * defualt.p99_latency", "there is no variant 'defualt'; did you mean "
                                                   "default? (variants: default, fast, pg-default)");
    bad("p99_latency < 0.5 * nosuchthing.p99_latency", "there is no variant 'nosuchthing' (");
    bad("p99_latency < 0.5 * default.p99_latncy", "unknown metric 'p99_latncy'");
    bad("p99_latency < 0.5 * default.tps", "p99_latency is a time but default.tps is a rate");
    bad("p99_latency < 2ms * default.p99_latency", "a factor must be a plain number");
    bad("p99_latency < default.p99_latency * 2ms", "a factor must be a plain number");
    bad("p99_latency 20ms", "expected METRIC OP VALUE");
    bad("p99_latency => 20ms", "expected METRIC OP VALUE");
    bad("", "expected METRIC OP VALUE");
    bad("default.p99_latency < 20ms", "the left side is a metric of variant fast");
    bad("p99_latency < 20ms 5", "unexpected '5' after the expression");
    bad("p99_latency < 20ms +", "the expression ends early");
    bad("p99_latency < * default.p99_latency", "unexpected '* default.p99_latency'");
    bad("p99_latency < 0.5 *", "expected VARIANT.METRIC after '*'");
    bad("p99_latency < .p99_latency", "lacks the variant before '.'");
}

static void test_describe(void **state)
{
    (void)state;
    char buf[512];
    ws_expect *e = parse("p99_latency < 0.5 * default.p99_latency");
    ws_expect_result r = ws_expect_eval(e, by);
    ws_expect_describe(e, by, &r, buf, sizeof buf);
    assert_string_equal(buf,
                        "p99_latency = 40ms, expected < 50ms (default.p99_latency = 100ms)");
    ws_expect_free(e);

    e = parse("pg_wal_peak <= 60GB");
    r = ws_expect_eval(e, by);
    ws_expect_describe(e, by, &r, buf, sizeof buf);
    assert_string_equal(buf, "pg_wal_peak = 512MB, expected <= 60GB");
    ws_expect_free(e);

    /* Two values that print alike in 4 digits get more. */
    st[1].lat.p99_s = 0.0400001;
    e = parse("p99_latency <= 40ms");
    r = ws_expect_eval(e, by);
    assert_false(r.pass);
    ws_expect_describe(e, by, &r, buf, sizeof buf);
    assert_string_equal(buf, "p99_latency = 40.0001ms, expected <= 40ms");
    ws_expect_free(e);
    st[1].lat.p99_s = 0.040;

    /* A short buffer is cut, never overrun. */
    e = parse("p99_latency < 0.5 * default.p99_latency");
    r = ws_expect_eval(e, by);
    char small[16];
    ws_expect_describe(e, by, &r, small, sizeof small);
    assert_int_equal(strlen(small), 15);
    ws_expect_free(e);
}

/* The verdict and its reason for one [expect fast] line. */
static void verdict(const char *text, ws_expect_verdict want, const char *why)
{
    ws_expect *e = parse(text);
    ws_expect_result r = ws_expect_eval(e, by);
    if (r.verdict != want || r.pass != (want == WS_EXPECT_PASS) ||
        (why && strcmp(r.why, why) != 0)) {
        print_error("'%s': %s (pass %d, why '%s'), want %s '%s'\n", text,
                    ws_expect_verdict_name(r.verdict), r.pass, r.why,
                    ws_expect_verdict_name(want), why ? why : "");
        fail();
    }
    ws_expect_free(e);
}

/* An expectation about checkpoints that no checkpoint exercised is NOT
 * EXERCISED (never PASS), whether or not the comparison holds. */
static void test_not_exercised(void **state)
{
    (void)state;
    ws_run_stats keep = st[1];
    st[1].ckpt_done = 0; /* fast: no checkpoint completed in its window */
    st[1].ckpt_timed = 1; /* one started, and still running at the end */
    st[1].ckpt_total_s_mean = 0;
    st[1].win.start_s = 60;
    st[1].win.end_s = 360;
    const char *none = "no checkpoint completed in the 5min window; lengthen duration or use "
                       "duration = auto";
    char why[256];
    snprintf(why, sizeof why, "fast.checkpoints_req: %s", none);
    verdict("checkpoints_req = 0", WS_EXPECT_NOT_EXERCISED, why); /* holds, proves nothing */
    snprintf(why, sizeof why, "fast.checkpoints_timed: %s", none);
    verdict("checkpoints_timed >= 2", WS_EXPECT_NOT_EXERCISED, why); /* fails, same */
    snprintf(why, sizeof why, "fast.checkpoint_total: %s", none);
    verdict("checkpoint_total < 5min", WS_EXPECT_NOT_EXERCISED, why);
    snprintf(why, sizeof why, "fast.pg_wal_peak: %s", none);
    verdict("pg_wal_peak <= 60GB", WS_EXPECT_NOT_EXERCISED, why);
    verdict("buffers_per_checkpoint < 1000", WS_EXPECT_NOT_EXERCISED, NULL);
    verdict("worst_recovery < 1min", WS_EXPECT_NOT_EXERCISED, NULL);
    /* Figures that need no checkpoint are judged as before. */
    verdict("tps >= 1500", WS_EXPECT_PASS, "");
    verdict("p99_latency < 20ms", WS_EXPECT_FAIL, "");
    verdict("checkpoint_cycles = 0", WS_EXPECT_PASS, ""); /* the guard itself is a figure */
    /* The latency of a checkpoint phase needs transactions in that phase
     * (a checkpoint that started but did not complete has a write phase). */
    verdict("p99_latency_write < 1s", WS_EXPECT_PASS, "");
    st[1].lat_phase[2].n = 0;
    verdict("p99_latency_sync < 1s", WS_EXPECT_NOT_EXERCISED,
            "fast.p99_latency_sync: no transaction completed during a checkpoint's sync phase "
            "in the 5min window; lengthen duration or use duration = auto");
    st[1] = keep;

    /* A referenced variant that had no checkpoint: named as written. */
    st[0].ckpt_done = 0;
    st[0].duration_s = 20; /* no window known: the measured span */
    verdict("checkpoint_total < default.checkpoint_total", WS_EXPECT_NOT_EXERCISED,
            "default.checkpoint_total: no checkpoint completed in the 20s window; lengthen "
            "duration or use duration = auto");
    verdict("checkpoint_total < 10s", WS_EXPECT_PASS, ""); /* fast's own: exercised */
    st[0].ckpt_done = 3;

    assert_string_equal(ws_expect_verdict_name(WS_EXPECT_PASS), "PASS");
    assert_string_equal(ws_expect_verdict_name(WS_EXPECT_FAIL), "FAIL");
    assert_string_equal(ws_expect_verdict_name(WS_EXPECT_NOT_EXERCISED), "NOT EXERCISED");
}

/* A latency expectation of an overloaded variant (its own or a referenced
 * one) gets a note; other figures do not. */
static void test_overload_note(void **state)
{
    (void)state;
    char buf[1024];
    st[1].win.overloaded = true;
    ws_expect *e = parse("p99_latency < 20ms");
    ws_expect_note(e, by, buf, sizeof buf);
    assert_string_equal(buf, "note: fast is overloaded: its latencies are those of a queue that "
                             "grows for as long as the run lasts, not of a stable system");
    ws_expect_free(e);
    e = parse("tps > 100");
    ws_expect_note(e, by, buf, sizeof buf);
    assert_string_equal(buf, "");
    ws_expect_free(e);
    st[0].win.overloaded = true;
    e = parse("p99_latency < 0.5 * default.p99_latency + 0.5 * p99_latency_idle");
    ws_expect_note(e, by, buf, sizeof buf);
    assert_non_null(strstr(buf, "note: fast is overloaded"));
    assert_non_null(strstr(buf, "\nnote: default is overloaded"));
    assert_null(strstr(strstr(buf, "\n") + 1, "fast")); /* each variant once */
    ws_expect_free(e);
    st[1].win.overloaded = false;
    e = parse("p99_latency < default.p99_latency");
    ws_expect_note(e, by, buf, sizeof buf);
    assert_string_equal(buf, "note: default is overloaded: its latencies are those of a queue "
                             "that grows for as long as the run lasts, not of a stable system");
    ws_expect_free(e);
    st[0].win.overloaded = false;
}

/* The scenario reader keeps the raw lines; each one parses. */
static void test_lines_from_a_scenario(void **state)
{
    (void)state;
    assert_int_equal(ws_scenario_expect_count(sc), 1);
    const ws_raw_line *raw = ws_scenario_expect(sc, 0);
    ws_expect *e;
    ws_diag err;
    assert_int_equal(ws_expect_parse(sc, raw, &e, &err), WS_OK);
    assert_ptr_equal(ws_expect_raw(e), raw);
    assert_int_equal(raw->line, 7);
    assert_true(ws_expect_eval(e, by).pass);
    ws_expect_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_with_units),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_operators_at_the_boundary),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_lines_from_a_scenario),
        cmocka_unit_test(test_not_exercised),
        cmocka_unit_test(test_overload_note),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
