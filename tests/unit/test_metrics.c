/*
 * test_metrics.c - the metric registry: every name of docs/outputs.md's
 * "Metrics" table (read from the document itself), kinds, CSV columns,
 * getters (the window and interval ones too), which figures need a
 * checkpoint, lookup with suggestions, and formatting in human units.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/metrics.h"

static const ws_metric *get(const char *name)
{
    const ws_metric *m = ws_metric_find(name, strlen(name));
    if (!m) {
        print_error("no metric %s\n", name);
        fail();
    }
    return m;
}

/* The backticked names in the first column of the "Metrics" table of
 * docs/outputs.md, with PHASE expanded to idle, write, sync. */
static size_t doc_names(char names[][64], size_t max)
{
    FILE *f = fopen(WS_SOURCE_DIR "/docs/outputs.md", "r");
    assert_non_null(f);
    char line[1024];
    bool in = false;
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "## ", 3) == 0)
            in = strncmp(line, "## Metrics", 10) == 0;
        if (!in || strncmp(line, "| `", 3) != 0)
            continue;
        char *end = strchr(line + 1, '|'); /* first column only */
        assert_non_null(end);
        *end = '\0';
        for (char *p = strchr(line, '`'); p; p = strchr(p, '`')) {
            char *q = strchr(p + 1, '`');
            assert_non_null(q);
            *q = '\0';
            const char *name = p + 1;
            size_t len = strlen(name);
            if (len > 6 && strcmp(name + len - 6, "_PHASE") == 0) {
                const char *phases[] = {"idle", "write", "sync"};
                for (int k = 0; k < 3; k++) {
                    assert_true(n < max);
                    snprintf(names[n++], 64, "%.*s_%s", (int)(len - 6), name, phases[k]);
                }
            } else if (strcmp(name, "PHASE") && strcmp(name, "idle") && strcmp(name, "write") &&
                       strcmp(name, "sync")) {
                assert_true(n < max);
                snprintf(names[n++], 64, "%s", name);
            }
            p = q + 1;
        }
    }
    fclose(f);
    return n;
}

static void test_every_documented_metric(void **state)
{
    (void)state;
    char names[128][64];
    size_t n = doc_names(names, 128);
    assert_int_equal(n, 69); /* 2 + 6 + 9 + 3 + 3 + 4 + 2 + 1 + 3 + 2 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 2 + 2 + 2
                              * + 2 + 1 + 1 + 1 + 2 + 4 + 1 + 3 + 2 + 2 rows' names */
    for (size_t i = 0; i < n; i++)
        get(names[i]);
    /* The registry holds those and no others (more are added with the doc). */
    assert_int_equal(ws_metric_count(), n);
    /* In the document's order: it is the order of sweep.csv's columns. */
    for (size_t i = 0; i < n; i++)
        assert_string_equal(ws_metric_at(i)->name, names[i]);
}

static void test_kinds_and_columns(void **state)
{
    (void)state;
    struct {
        const char *name, *column;
        ws_metric_kind kind;
    } want[] = {
        {"tps", "tps", WS_MK_RATE},
        {"transactions", "transactions", WS_MK_COUNT},
        {"p99_latency", "p99_latency_ms", WS_MK_TIME},
        {"max_latency_sync", "max_latency_sync_ms", WS_MK_TIME},
        {"checkpoints_req", "checkpoints_req", WS_MK_COUNT},
        {"checkpoint_write", "checkpoint_write_s", WS_MK_TIME},
        {"buffers_per_checkpoint", "buffers_per_checkpoint", WS_MK_COUNT},
        {"wal_bytes", "wal_bytes", WS_MK_SIZE},
        {"wal_bytes_per_tx", "wal_bytes_per_tx_bytes", WS_MK_SIZE},
        {"fpi_share", "fpi_share", WS_MK_RATIO},
        {"device_utilization", "device_utilization", WS_MK_RATIO},
        {"pg_wal_peak", "pg_wal_peak_bytes", WS_MK_SIZE},
        {"os_dirty_peak", "os_dirty_peak_bytes", WS_MK_SIZE},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const ws_metric *m = get(want[i].name);
        assert_string_equal(m->column, want[i].column);
        assert_int_equal(m->kind, want[i].kind);
    }
    /* Names and columns are unique; a time column says its unit. */
    for (size_t i = 0; i < ws_metric_count(); i++) {
        const ws_metric *m = ws_metric_at(i);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(m->name, ws_metric_at(j)->name);
            assert_string_not_equal(m->column, ws_metric_at(j)->column);
        }
        if (m->kind == WS_MK_TIME) {
            size_t l = strlen(m->column);
            bool ms = strcmp(m->column + l - 3, "_ms") == 0;
            assert_true(ms || strcmp(m->column + l - 2, "_s") == 0);
            assert_true(m->csv_scale == (ms ? 1e3 : 1));
        }
        assert_non_null(m->help);
    }
}

static void test_getters(void **state)
{
    (void)state;
    ws_run_stats st;
    memset(&st, 0, sizeof st);
    st.tps = 812.5;
    st.transactions = 16250;
    st.lat.p99_s = 0.0025;
    st.lat.mean_s = 0.001;
    st.lat_phase[0].p50_s = 0.1;
    st.lat_phase[1].p99_s = 0.2;
    st.lat_phase[2].max_s = 0.3;
    st.ckpt_timed = 4;
    st.ckpt_req = 7;
    st.ckpt_warnings = 2;
    st.ckpt_write_s_mean = 27.5;
    st.ckpt_buffers_mean = 1234.5;
    st.buffers_backend = 99;
    st.wal_bytes = 5000000;
    st.wal_bytes_per_tx = 307.7;
    st.wal_fpi = 321;
    st.fpi_share = 0.69;
    st.pg_wal_peak_bytes = (uint64_t)3 << 30;
    st.os_dirty_peak_bytes = 12345;

    assert_true(get("tps")->get(&st) == 812.5);
    assert_true(get("transactions")->get(&st) == 16250);
    assert_true(get("p99_latency")->get(&st) == 0.0025);
    assert_true(ws_metric_csv_value(get("p99_latency"), &st) == 2.5); /* ms */
    assert_true(ws_metric_csv_value(get("mean_latency"), &st) == 1.0);
    assert_true(get("p50_latency_idle")->get(&st) == 0.1);
    assert_true(get("p99_latency_write")->get(&st) == 0.2);
    assert_true(get("max_latency_sync")->get(&st) == 0.3);
    assert_true(get("p99_latency_sync")->get(&st) == 0);
    assert_true(get("checkpoints_timed")->get(&st) == 4);
    assert_true(get("checkpoints_req")->get(&st) == 7);
    assert_true(get("checkpoint_warnings")->get(&st) == 2);
    assert_true(ws_metric_csv_value(get("checkpoint_write"), &st) == 27.5); /* s */
    assert_true(get("buffers_per_checkpoint")->get(&st) == 1234.5);
    assert_true(get("buffers_backend")->get(&st) == 99);
    assert_true(get("wal_bytes")->get(&st) == 5000000);
    assert_true(get("wal_bytes_per_tx")->get(&st) == 307.7);
    assert_true(get("fpi_count")->get(&st) == 321);
    assert_true(get("fpi_share")->get(&st) == 0.69);
    assert_true(get("pg_wal_peak")->get(&st) == 3.0 * 1024 * 1024 * 1024);
    assert_true(get("os_dirty_peak")->get(&st) == 12345);
}

/* The window, the intervals and the warnings: an interval that is not
 * there (df == 0) is NAN, which sweep.csv writes as an empty field. */
static void test_window_metrics(void **state)
{
    (void)state;
    ws_run_stats st;
    memset(&st, 0, sizeof st);
    st.win.start_s = 42;
    st.win.end_s = 1842;
    st.win.cycles = 6;
    st.win.overloaded = true;
    st.win.n_warn = 2;
    st.win.ci[WS_H_TPS] = (ws_ci){1000, 990, 1010, 5, 5};
    st.win.ci[WS_H_P50] = (ws_ci){0.002, 0.0019, 0.0021, 0.00005, 5};
    st.win.ci[WS_H_P99] = (ws_ci){0.02, NAN, NAN, NAN, 0};
    assert_true(get("window")->get(&st) == 1800);
    assert_string_equal(get("window")->column, "window_s");
    assert_true(get("warmup")->get(&st) == 42);
    assert_string_equal(get("warmup")->column, "warmup_s");
    assert_true(get("checkpoint_cycles")->get(&st) == 6);
    assert_true(get("overloaded")->get(&st) == 1);
    assert_true(get("warnings")->get(&st) == 2);
    assert_true(isnan(get("offered_tps")->get(&st))); /* closed loop */
    st.win.open_loop = true;
    st.win.offered_tps = 2000;
    assert_true(get("offered_tps")->get(&st) == 2000);
    assert_true(get("tps_lo")->get(&st) == 990);
    assert_true(get("tps_hi")->get(&st) == 1010);
    assert_true(ws_metric_csv_value(get("p50_latency_lo"), &st) == 1.9);
    assert_string_equal(get("p50_latency_hi")->column, "p50_latency_hi_ms");
    assert_true(isnan(get("p99_latency_lo")->get(&st)));
    assert_true(isnan(ws_metric_csv_value(get("p99_latency_hi"), &st)));
    assert_true(get("p99_latency_hi")->flags & WS_MF_LATENCY);
    assert_false(get("tps_hi")->flags & WS_MF_LATENCY);
}

/* Which figures need a checkpoint in the window, and the reason given. */
static void test_exercised(void **state)
{
    (void)state;
    ws_run_stats st;
    memset(&st, 0, sizeof st);
    st.duration_s = 300;
    char why[256] = "";
    const char *need[] = {"checkpoints_timed", "checkpoints_req", "checkpoint_warnings",
                          "checkpoint_write", "checkpoint_sync", "checkpoint_total",
                          "buffers_checkpoint", "buffers_per_checkpoint", "pg_wal_peak",
                          "worst_recovery", "p50_latency_write", "p99_latency_sync",
                          "max_latency_write"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        assert_false(ws_metric_exercised(get(need[i]), &st, why, sizeof why));
    /* Everything else is always exercised. */
    size_t n_need = 0;
    for (size_t i = 0; i < ws_metric_count(); i++)
        n_need += !ws_metric_exercised(ws_metric_at(i), &st, NULL, 0);
    assert_int_equal(n_need, sizeof need / sizeof need[0] + 3); /* + the other phase latencies */
    assert_true(ws_metric_exercised(get("tps"), &st, why, sizeof why));
    assert_true(ws_metric_exercised(get("checkpoint_cycles"), &st, why, sizeof why));
    assert_true(ws_metric_exercised(get("p99_latency_idle"), &st, why, sizeof why));

    assert_false(ws_metric_exercised(get("checkpoints_req"), &st, why, sizeof why));
    assert_string_equal(why, "no checkpoint completed in the 5min window; lengthen duration or "
                             "use duration = auto");
    st.win.start_s = 100; /* the window, once known, wins over the measured span */
    st.win.end_s = 1000;
    assert_false(ws_metric_exercised(get("checkpoints_req"), &st, why, sizeof why));
    assert_string_equal(why, "no checkpoint completed in the 15min window; lengthen duration or "
                             "use duration = auto");
    st.ckpt_done = 1;
    assert_true(ws_metric_exercised(get("checkpoints_req"), &st, why, sizeof why));
    assert_false(ws_metric_exercised(get("p99_latency_sync"), &st, why, sizeof why));
    assert_non_null(strstr(why, "during a checkpoint's sync phase in the 15min window"));
    st.lat_phase[2].n = 1;
    assert_true(ws_metric_exercised(get("p99_latency_sync"), &st, why, sizeof why));
    assert_false(ws_metric_exercised(get("p99_latency_write"), &st, why, sizeof why));
}

static void test_lookup_and_suggestions(void **state)
{
    (void)state;
    assert_null(ws_metric_find("P99_latency", 11)); /* case matters, as in the CSV header */
    assert_non_null(ws_metric_find("p99_latency_x", 11)); /* only the first len bytes */
    assert_string_equal(ws_metric_suggest("p99_latncy", 10), "p99_latency");
    assert_string_equal(ws_metric_suggest("chekpoints_req", 14), "checkpoints_req");
    assert_string_equal(ws_metric_suggest("pg_wal_peek", 11), "pg_wal_peak");
    assert_string_equal(ws_metric_suggest("tsp", 3), "tps");
    assert_null(ws_metric_suggest("frobnicate", 10));
    assert_null(ws_metric_suggest("", 0));
}

static void fmt_is(ws_metric_kind k, double v, const char *want)
{
    char buf[64];
    ws_metric_format(k, v, 4, buf, sizeof buf);
    if (strcmp(buf, want) != 0) {
        print_error("format(%d, %.17g): got '%s', want '%s'\n", (int)k, v, buf, want);
        fail();
    }
}

static void test_format(void **state)
{
    (void)state;
    fmt_is(WS_MK_TIME, 0.0024569, "2.457ms");
    fmt_is(WS_MK_TIME, 0.02, "20ms");
    fmt_is(WS_MK_TIME, 1.5, "1.5s");
    fmt_is(WS_MK_TIME, 90, "1.5min");
    fmt_is(WS_MK_TIME, 7200, "2h");
    fmt_is(WS_MK_TIME, 0.0000125, "12.5us");
    fmt_is(WS_MK_TIME, 0, "0");
    fmt_is(WS_MK_SIZE, 83886080, "80MB");
    fmt_is(WS_MK_SIZE, 1536, "1.5kB");
    fmt_is(WS_MK_SIZE, 60.0 * 1024 * 1024 * 1024, "60GB");
    fmt_is(WS_MK_SIZE, 100, "100B");
    fmt_is(WS_MK_RATIO, 0.690318, "69.03%");
    fmt_is(WS_MK_COUNT, 16478, "16478");
    fmt_is(WS_MK_COUNT, 1234.5, "1234"); /* %.4g of a mean: 1234 (to even) */
    fmt_is(WS_MK_RATE, 823.9, "823.9/s");
    fmt_is(WS_MK_TIME, NAN, "nan");
    char buf[64];
    ws_metric_format(WS_MK_TIME, 0.0024569012, 9, buf, sizeof buf);
    assert_string_equal(buf, "2.4569012ms");
    assert_string_equal(ws_metric_kind_name(WS_MK_RATIO), "ratio");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_documented_metric),
        cmocka_unit_test(test_kinds_and_columns),
        cmocka_unit_test(test_getters),
        cmocka_unit_test(test_window_metrics),
        cmocka_unit_test(test_exercised),
        cmocka_unit_test(test_lookup_and_suggestions),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
