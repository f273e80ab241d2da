/*
 * test_summary.c - what a run reports about its window, intervals and
 * warnings: the terminal table (intervals, windows, ratios with their
 * intervals, flags and WARNING lines, no ratio against an overloaded
 * variant), summary.json (schema 2: window, intervals, warnings, relative;
 * read back with walsim's own JSON reader, same bytes twice) and the
 * in_window column of timeline.csv, all from hand-built ws_run_stats.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/json.h"
#include "walsim/report.h"

static const char scenario[] = "[scenario]\n"
                               "duration = 30min\n"
                               "[variant default]\n"
                               "[variant optimized]\n"
                               "checkpoint_timeout = 30min\n"
                               "[variant x]\n";

/* An interval of +-`rel` around est, from `df` + 1 batches. */
static ws_ci ci(double est, double rel, int df)
{
    if (df == 0)
        return (ws_ci){est, NAN, NAN, NAN, 0};
    return (ws_ci){est, est * (1 - rel), est * (1 + rel), est * rel / 2.5, df};
}

/* default: steady, 6 cycle batches; optimized: one cycle, no interval;
 * x: overloaded. */
static void fill(ws_run_stats st[3])
{
    memset(st, 0, 3 * sizeof *st);
    const char *names[] = {"default", "optimized", "x"};
    for (int v = 0; v < 3; v++) {
        ws_run_stats *r = &st[v];
        snprintf(r->variant, sizeof r->variant, "%s", names[v]);
        r->pg_version = 16;
        r->seed = 1;
        r->duration_s = 1758;
        r->win.start_s = 42;
        r->win.end_s = 1800;
        r->win.warmup_auto = true;
        r->win.transient_ended = true;
        r->win.warm_start = true;
        r->win.warm_phase_s = 130;
        r->ckpt_done = 3;
    }
    st[0].tps = 3895.4;
    st[0].transactions = 6848113;
    st[0].lat = (ws_lat){6848113, 0.0064, 0.00589, 0.03, 0.05493, 0.07, 0.0771};
    st[0].wal_bytes_per_tx = 10377;
    st[0].fpi_share = 0.957;
    st[0].ckpt_req = 103;
    st[0].pg_wal_peak_bytes = 1024u << 20;
    st[0].win.cycles = 98;
    st[0].win.cycle_s_mean = 17.9;
    snprintf(st[0].win.ci_method, sizeof st[0].win.ci_method, "cycles");
    st[0].win.n_batches = 6;
    st[0].win.ci[WS_H_TPS] = ci(3895.4, 0.004, 5);
    st[0].win.ci[WS_H_LAT_MEAN] = ci(0.0064, 0.01, 5);
    st[0].win.ci[WS_H_P50] = ci(0.00589, 0.015, 5);
    st[0].win.ci[WS_H_P99] = ci(0.05493, 0.05, 5);
    st[0].win.ci[WS_H_P999] = ci(0.07, 0.1, 5);
    st[0].win.ci[WS_H_WAL_PER_TX] = ci(10377, 0.002, 5);

    st[1].tps = 7957.2;
    st[1].lat = (ws_lat){13000000, 0.004, 0.00387, 0.005, 0.00571, 0.01, 0.0355};
    st[1].wal_bytes_per_tx = 1560;
    st[1].fpi_share = 0.712;
    st[1].ckpt_timed = 1;
    st[1].ckpt_done = 1;
    st[1].pg_wal_peak_bytes = (uint64_t)21312 << 20;
    st[1].win.cycles = 1;
    st[1].win.cycle_s_mean = 1800;
    st[1].win.n_batches = 1;
    for (int h = 0; h < WS_H__COUNT; h++)
        st[1].win.ci[h] = ci(ws_run_headline(&st[1], (ws_headline)h), 0, 0);
    st[1].win.warnings = WS_WARN_FEW_CYCLES | WS_WARN_NO_INTERVAL;
    st[1].win.n_warn = 1;
    snprintf(st[1].win.warn[0], WS_WARNING_LEN,
             "too few checkpoint cycles: 1 complete cycle in the 29 min window (at least 2 "
             "needed); checkpoint figures are not steady state");

    st[2].tps = 636;
    st[2].lat = (ws_lat){1100000, 90.0, 94.0, 150.0, 201.0, 210.0, 215.0};
    st[2].wal_bytes_per_tx = 9000;
    st[2].win.cycles = 4;
    st[2].win.cycle_s_mean = 300;
    st[2].win.open_loop = true;
    st[2].win.overloaded = true;
    st[2].win.offered_tps = 2000;
    st[2].win.backlog_slope = 1364;
    snprintf(st[2].win.bottleneck, sizeof st[2].win.bottleneck,
             "device: 3000 of 3000 IOPS (reads 2950/s)");
    snprintf(st[2].win.ci_method, sizeof st[2].win.ci_method, "time");
    st[2].win.n_batches = 10;
    for (int h = 0; h < WS_H__COUNT; h++)
        st[2].win.ci[h] = ci(ws_run_headline(&st[2], (ws_headline)h), 0.3, 9);
    st[2].win.warnings = WS_WARN_OVERLOADED;
    st[2].win.n_warn = 1;
    snprintf(st[2].win.warn[0], WS_WARNING_LEN,
             "OVERLOADED: offered 2000 tx/s, completed 636 tx/s, backlog +1364 tx/s; bottleneck "
             "device: 3000 of 3000 IOPS");
}

/* What the writer wrote, NUL-terminated (free it). */
typedef void (*writer)(FILE *f, void *ctx);
static char *capture(writer w, void *ctx, size_t *len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    w(f, ctx);
    long n = ftell(f);
    assert_true(n >= 0);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    rewind(f);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    assert_int_equal(fclose(f), 0);
    if (len)
        *len = (size_t)n;
    return buf;
}

typedef struct table_ctx {
    const ws_run_stats *st;
    size_t n;
} table_ctx;

static void write_table(FILE *f, void *ctx)
{
    table_ctx *t = ctx;
    ws_report_table(f, t->st, t->n);
}

static void has(const char *text, const char *needle)
{
    if (!strstr(text, needle)) {
        print_error("no '%s' in:\n%s\n", needle, text);
        fail();
    }
}

static void lacks(const char *text, const char *needle)
{
    if (strstr(text, needle)) {
        print_error("'%s' should not be in:\n%s\n", needle, text);
        fail();
    }
}

/* The line of text that starts with `start` (a copy, in buf). */
static const char *line_of(const char *text, const char *start, char *buf, size_t len)
{
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (strncmp(p, start, strlen(start)) == 0) {
            snprintf(buf, len, "%.*s", (int)n, p);
            return buf;
        }
        p = nl ? nl + 1 : NULL;
    }
    print_error("no line starting '%s' in:\n%s\n", start, text);
    fail();
    return NULL;
}

static void test_table(void **state)
{
    (void)state;
    ws_run_stats st[3];
    fill(st);
    table_ctx t = {st, 3};
    char *out = capture(write_table, &t, NULL);
    char buf[512], want[512];

    /* The columns of before, plus cycles; each warning flagged on its row. */
    has(out, "variant              tps   p50 ms   p99 ms   max ms  p99 sync  ckpt t/req  WAL B/tx  "
             "FPI share    pg_wal  cycles\n");
    assert_string_equal(line_of(out, "default ", buf, sizeof buf),
                        "default           3895.4     5.89    54.93     77.1      0.00       "
                        "0/103     10377      95.7%    1024MB      98");
    assert_string_equal(line_of(out, "optimized ", buf, sizeof buf),
                        "optimized         7957.2     3.87     5.71     35.5      0.00         "
                        "1/0      1560      71.2%   21312MB       1  ! FEW CYCLES, NO INTERVAL");
    /* Its minutes of latency keep the columns aligned. */
    assert_string_equal(line_of(out, "x ", buf, sizeof buf),
                        "x                  636.0 94000.00   201000 215000.0      0.00         "
                        "0/0      9000       0.0%       0MB       4  ! OVERLOADED");

    /* Intervals, or why there is none. */
    has(out, "95% intervals:\n");
    assert_string_equal(line_of(out, "  default ", buf, sizeof buf),
                        "  default        tps [3879.8, 3911.0]  p50 [5.80, 5.98] ms  p99 [52.18, "
                        "57.68] ms  (batch means, 6 batches of whole checkpoint cycles)");
    has(out, "  optimized      no interval (1 batch; at least 2 needed)\n");
    /* An overloaded variant's latencies have no steady state to bound. */
    has(out, "  x              tps [445.2, 826.8]  latency: no steady state, overloaded  (batch "
             "means, 10 time batches)\n");

    /* The window of each variant. */
    has(out, "window (every figure above covers it):\n");
    has(out, "  default        0:42-30:00, warm-up 42s (MSER-5), warm start (checkpoint cycle "
             "2.17min old at 0:00), 98 checkpoint cycles of 17.9s\n");
    has(out, "  optimized      0:42-30:00, warm-up 42s (MSER-5), warm start (checkpoint cycle "
             "2.17min old at 0:00), 1 checkpoint cycle of 30min\n");

    /* Ratios with their intervals; none against the overloaded x. */
    has(out, "relative to default (95% intervals):\n");
    ws_ci r = ws_run_ratio(&st[0], &st[1], WS_H_TPS);
    assert_true(r.df == 0); /* optimized has no interval */
    snprintf(want, sizeof want, "  optimized      tps x%.2f (no interval), p99 x%.2f (no interval)",
             r.est, ws_run_ratio(&st[0], &st[1], WS_H_P99).est);
    has(out, want);
    has(out, "  x              not compared: x is overloaded (see warning)\n");
    lacks(out, "x              tps x");

    /* The warnings, last, whole. */
    has(out, "WARNING optimized: too few checkpoint cycles: 1 complete cycle in the 29 min window "
             "(at least 2 needed); checkpoint figures are not steady state\n");
    has(out, "WARNING x: OVERLOADED: offered 2000 tx/s, completed 636 tx/s");
    free(out);

    /* Two comparable variants with intervals: the ratio's interval. */
    st[1] = st[0];
    snprintf(st[1].variant, sizeof st[1].variant, "twin");
    st[1].tps *= 2;
    st[1].win.ci[WS_H_TPS].est *= 2;
    st[1].win.ci[WS_H_TPS].lo *= 2;
    st[1].win.ci[WS_H_TPS].hi *= 2;
    st[1].win.ci[WS_H_TPS].se *= 2;
    t.n = 2;
    out = capture(write_table, &t, NULL);
    r = ws_run_ratio(&st[0], &st[1], WS_H_TPS);
    assert_true(r.df > 0);
    snprintf(want, sizeof want, "  twin           tps x%.2f [%.2f, %.2f], p99 x1.00 [", r.est, r.lo,
             r.hi);
    has(out, want);
    lacks(out, "WARNING");
    lacks(out, "  ! ");
    free(out);
}

/* An overloaded reference: no ratio at all. */
static void test_table_overloaded_reference(void **state)
{
    (void)state;
    ws_run_stats st[3], ord[3];
    fill(st);
    ord[0] = st[2];
    ord[1] = st[0];
    ord[2] = st[1];
    table_ctx t = {ord, 3};
    char *out = capture(write_table, &t, NULL);
    has(out, "relative to x: not compared: x is overloaded (see warning); no ratios are printed "
             "against it\n");
    lacks(out, "tps x");
    lacks(out, "relative to x (");
    free(out);
}

typedef struct json_ctx {
    ws_scenario *s;
    ws_config *cfg[3];
    ws_run_stats st[3];
} json_ctx;

static void write_json(FILE *f, void *ctx)
{
    json_ctx *j = ctx;
    ws_report_summary_json(f, j->s, (const ws_config *const *)j->cfg, j->st, 3);
}

static double num(const ws_json *root, const char *path)
{
    const ws_json *v = ws_json_path(root, path);
    if (!v || ws_json_type_of(v) != WS_JSON_NUMBER) {
        print_error("%s: not a number\n", path);
        fail();
    }
    return ws_json_num(v);
}

static bool is_null(const ws_json *root, const char *path)
{
    const ws_json *v = ws_json_path(root, path);
    if (!v) {
        print_error("%s: missing\n", path);
        fail();
    }
    return ws_json_type_of(v) == WS_JSON_NULL;
}

static void test_summary_json(void **state)
{
    (void)state;
    json_ctx j;
    ws_diag err;
    assert_int_equal(ws_scenario_load_string(scenario, strlen(scenario), "s.conf", &j.s, &err),
                     WS_OK);
    for (size_t v = 0; v < 3; v++)
        assert_int_equal(ws_config_resolve(j.s, v, &j.cfg[v], &err), WS_OK);
    fill(j.st);
    size_t len, len2;
    char *text = capture(write_json, &j, &len);
    char *again = capture(write_json, &j, &len2);
    assert_int_equal(len, len2); /* same figures, same bytes */
    assert_memory_equal(text, again, len);
    free(again);

    ws_json *root;
    if (ws_json_parse(text, len, "summary.json", &root, &err) != WS_OK) {
        print_error("%s\n%s\n", err.msg, text);
        fail();
    }
    assert_true(num(root, "schema_version") == 2);

    /* window */
    assert_true(num(root, "variants.default.window.start_s") == 42);
    assert_true(num(root, "variants.default.window.end_s") == 1800);
    assert_true(num(root, "variants.default.window.length_s") == 1758);
    assert_string_equal(ws_json_str(ws_json_path(root, "variants.default.window.warmup")), "auto");
    assert_true(ws_json_bool(ws_json_path(root, "variants.default.window.transient_ended")));
    assert_string_equal(ws_json_str(ws_json_path(root, "variants.default.window.start")), "warm");
    assert_true(num(root, "variants.default.window.warm_phase_s") == 130);
    assert_string_equal(ws_json_str(ws_json_path(root, "variants.default.window.duration")),
                        "set");
    assert_true(num(root, "variants.default.window.checkpoint_cycles") == 98);
    assert_true(num(root, "variants.default.window.cycle_s_mean") == 17.9);
    assert_false(ws_json_bool(ws_json_path(root, "variants.default.window.overloaded")));
    assert_true(is_null(root, "variants.default.window.offered_tps")); /* closed loop */
    assert_true(is_null(root, "variants.default.window.bottleneck"));
    assert_true(ws_json_bool(ws_json_path(root, "variants.x.window.overloaded")));
    assert_true(num(root, "variants.x.window.offered_tps") == 2000);
    assert_true(num(root, "variants.x.window.backlog_slope_per_s") == 1364);
    assert_string_equal(ws_json_str(ws_json_path(root, "variants.x.window.bottleneck")),
                        "device: 3000 of 3000 IOPS (reads 2950/s)");
    assert_true(num(root, "variants.x.window.wal_flush_utilization") == 0);

    /* intervals: latencies in ms; none for optimized */
    assert_string_equal(ws_json_str(ws_json_path(root, "variants.default.intervals.method")),
                        "cycles");
    assert_true(num(root, "variants.default.intervals.batches") == 6);
    assert_true(num(root, "variants.default.intervals.tps.est") == 3895.4);
    assert_true(fabs(num(root, "variants.default.intervals.p99_ms.lo") - 54.93 * 0.95) < 1e-6);
    assert_true(fabs(num(root, "variants.default.intervals.p50_ms.est") - 5.89) < 1e-9);
    assert_true(num(root, "variants.default.intervals.wal_bytes_per_tx.hi") == 10377 * 1.002);
    assert_true(is_null(root, "variants.optimized.intervals.method"));
    assert_true(fabs(num(root, "variants.optimized.intervals.p999_ms.est") - 10) < 1e-9);
    assert_true(is_null(root, "variants.optimized.intervals.p999_ms.lo"));
    assert_true(is_null(root, "variants.optimized.intervals.latency_mean_ms.hi"));

    /* warnings */
    const ws_json *w = ws_json_path(root, "variants.default.warnings");
    assert_int_equal(ws_json_type_of(w), WS_JSON_ARRAY);
    assert_int_equal(ws_json_count(w), 0);
    w = ws_json_path(root, "variants.x.warnings");
    assert_int_equal(ws_json_count(w), 1);
    assert_string_equal(ws_json_str(ws_json_at(w, 0)), j.st[2].win.warn[0]);

    /* relative: null for the reference and for the overloaded variant */
    assert_true(is_null(root, "variants.default.relative"));
    assert_true(is_null(root, "variants.x.relative"));
    assert_string_equal(ws_json_str(ws_json_path(root, "variants.optimized.relative.reference")),
                        "default");
    ws_ci r = ws_run_ratio(&j.st[0], &j.st[1], WS_H_TPS);
    assert_true(fabs(num(root, "variants.optimized.relative.tps.ratio") - r.est) < 1e-6 * r.est);
    assert_true(is_null(root, "variants.optimized.relative.tps.lo")); /* no interval */
    assert_non_null(ws_json_path(root, "variants.optimized.relative.p50.ratio"));
    assert_non_null(ws_json_path(root, "variants.optimized.relative.p99.hi"));
    assert_non_null(ws_json_path(root, "variants.optimized.relative.wal_per_tx.ratio"));

    /* The figures of before are still there. */
    assert_true(num(root, "variants.default.tps") == 3895.4);
    assert_true(fabs(num(root, "variants.default.latency_ms.p99") - 54.93) < 1e-9);
    ws_json_free(root);
    free(text);
    for (size_t v = 0; v < 3; v++)
        ws_config_free(j.cfg[v]);
    ws_scenario_free(j.s);
}

typedef struct tl_ctx {
    const ws_run_stats *st;
    const ws_run_detail *d;
} tl_ctx;

static void write_timeline(FILE *f, void *ctx)
{
    tl_ctx *t = ctx;
    ws_report_timeline_csv(f, t->st, t->d, 1);
}

/* in_window: the last column before the I/O counts, 1 from the
 * window's start (to a nanosecond) to before its end; the I/O counts
 * are the last two columns, per second of the interval. */
static void test_timeline_in_window(void **state)
{
    (void)state;
    ws_run_stats st;
    memset(&st, 0, sizeof st);
    snprintf(st.variant, sizeof st.variant, "v");
    st.win.start_s = 3;
    st.win.end_s = 6;
    ws_run_detail d;
    memset(&d, 0, sizeof d);
    const double t0[] = {0, 1, 2, 3 - 1e-12, 4, 5, 6};
    for (size_t i = 0; i < sizeof t0 / sizeof t0[0]; i++) {
        ws_interval *r = ws_timeline_add(&d.timeline);
        r->t_s = t0[i];
        r->len_s = i == 6 ? 2 : 1;
        r->dev_read_ios = 30 * i;
        r->dev_write_ios = 45;
        snprintf(r->wal_file, sizeof r->wal_file, "000000010000000000000001");
    }
    tl_ctx t = {&st, &d};
    char *out = capture(write_timeline, &t, NULL);
    const char *nl = strchr(out, '\n');
    assert_non_null(nl);
    const char tail[] = ",in_window,dev_read_iops,dev_write_iops";
    assert_true(nl - out > (ptrdiff_t)strlen(tail) &&
                strncmp(nl - strlen(tail), tail, strlen(tail)) == 0);
    const char want[] = "01110"; /* rows 2..6 end with these; rows 0, 1 with 0 */
    int row = 0;
    for (const char *p = nl + 1; *p; row++) {
        const char *e = strchr(p, '\n');
        assert_non_null(e);
        /* ...,IN_WINDOW,READ_IOPS,WRITE_IOPS */
        const char *c2 = e - 1, *c1;
        while (*c2 != ',')
            c2--;
        c1 = c2 - 1;
        while (*c1 != ',')
            c1--;
        char ios[64];
        snprintf(ios, sizeof ios, "%.*s", (int)(e - c1 - 1), c1 + 1);
        char want_ios[64];
        if (row == 6)
            snprintf(want_ios, sizeof want_ios, "90,22.5"); /* 180 and 45 in 2 s */
        else
            snprintf(want_ios, sizeof want_ios, "%d,45", 30 * row);
        assert_string_equal(ios, want_ios);
        char last = c1[-1];
        char expect = row < 2 ? '0' : want[row - 2];
        if (last != expect) {
            print_error("row %d: in_window %c, want %c\n", row, last, expect);
            fail();
        }
        p = e + 1;
    }
    assert_int_equal(row, 7);
    free(out);
    ws_timeline_free(&d.timeline);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_table_overloaded_reference),
        cmocka_unit_test(test_summary_json),
        cmocka_unit_test(test_timeline_in_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
