/*
 * test_scenario.c - variants, precedence, provenance, qualified keys,
 * --set, expectations, events, the built-in default scenario, and the
 * determinism and common random numbers of ws_run.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/run.h"
#include "walsim/scenario.h"

static ws_scenario *load(const char *text)
{
    ws_scenario *s;
    ws_diag err;
    ws_diag_clear(&err);
    if (ws_scenario_load_string(text, strlen(text), "v.conf", &s, &err) != WS_OK) {
        print_error("load failed: %s\n", err.msg);
        fail();
    }
    return s;
}

static ws_config *resolve(ws_scenario *s, const char *variant)
{
    int v = ws_scenario_variant_index(s, variant);
    assert_true(v >= 0);
    ws_config *c;
    ws_diag err;
    assert_int_equal(ws_config_resolve(s, (size_t)v, &c, &err), WS_OK);
    return c;
}

static void expect_load_error(const char *text, const char *needle)
{
    ws_scenario *s = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_scenario_load_string(text, strlen(text), "v.conf", &s, &err);
    if (rc == WS_OK || !strstr(err.msg, needle)) {
        print_error("expected error containing \"%s\", got rc=%d \"%s\"\n", needle, rc, err.msg);
        fail();
    }
}

static void test_no_variants_means_base(void **state)
{
    (void)state;
    ws_scenario *s = load("[postgres]\nmax_wal_size = 4GB\n");
    assert_int_equal(ws_scenario_variant_count(s), 1);
    assert_string_equal(ws_scenario_variant_name(s, 0), "base");
    ws_config *c = resolve(s, "base");
    assert_true(ws_cfg_num(c, WS_S_max_wal_size) == 4.0 * 1073741824);
    ws_config_free(c);
    ws_scenario_free(s);
}

static const char two_variants[] =
    "[scenario]\n"               /* 1 */
    "pg_version = 15\n"          /* 2 */
    "[postgres]\n"               /* 3 */
    "max_wal_size = 2GB\n"       /* 4 */
    "checkpoint_timeout = 10min\n" /* 5 */
    "[table accounts]\n"         /* 6 */
    "size = 10GB\n"              /* 7 */
    "[variant a]\n"              /* 8 */
    "max_wal_size = 8GB\n"       /* 9 */
    "table.accounts.size = 20GB\n" /* 10 */
    "disk.preset = aws-gp3\n"    /* 11 */
    "[variant b]\n"              /* 12 */
    "pg_version = 13\n"          /* 13 */
    "postgres.checkpoint_timeout = 1h\n"; /* 14 */

static void test_variant_precedence_and_provenance(void **state)
{
    (void)state;
    ws_scenario *s = load(two_variants);
    assert_int_equal(ws_scenario_variant_count(s), 2);
    ws_config *a = resolve(s, "a"), *b = resolve(s, "b");

    const ws_value *mw = ws_cfg_value(a, WS_S_max_wal_size);
    assert_true(mw->num == 8.0 * 1073741824);
    assert_int_equal(mw->origin, WS_ORIGIN_VARIANT);
    assert_int_equal(mw->line, 9);
    assert_true(ws_cfg_value(a, WS_S_checkpoint_timeout)->num == 600e9);
    assert_int_equal(ws_cfg_value(a, WS_S_checkpoint_timeout)->origin, WS_ORIGIN_FILE);
    assert_int_equal(ws_cfg_value(a, WS_S_checkpoint_timeout)->line, 5);
    assert_string_equal(ws_cfg_str(a, WS_S_disk_preset), "aws-gp3");
    assert_true(ws_cfg_instance_value(a, WS_SEC_TABLE, 0, WS_S_table_size)->num ==
                20.0 * 1073741824);

    /* b: base values, its own pg_version and the defaults of that version */
    assert_true(ws_cfg_num(b, WS_S_max_wal_size) == 2.0 * 1073741824);
    assert_true(ws_cfg_num(b, WS_S_checkpoint_timeout) == 3600e9);
    assert_int_equal(ws_config_pg_version(b), 13);
    assert_true(ws_cfg_num(b, WS_S_checkpoint_completion_target) == 0.5);
    assert_true(ws_cfg_num(a, WS_S_checkpoint_completion_target) == 0.9);
    assert_int_equal(ws_cfg_value(b, WS_S_disk_preset)->origin, WS_ORIGIN_DEFAULT);
    assert_true(ws_cfg_instance_value(b, WS_SEC_TABLE, 0, WS_S_table_size)->num ==
                10.0 * 1073741824);
    ws_config_free(a);
    ws_config_free(b);
    ws_scenario_free(s);
}

/* --set assignments are checked together: their order does not matter,
 * and a rule they break names the first one after which it fails. */
static void test_set_all_is_order_free(void **state)
{
    (void)state;
    static const char text[] = "[scenario]\nduration = 1h\nwarmup = 10min\n";
    ws_scenario *s = load(text);
    ws_diag err;
    size_t bad = 99;
    const char *ok[] = {"duration=2min", "warmup=0"};
    assert_int_equal(ws_scenario_set_all(s, ok, 2, &bad, &err), WS_OK);
    ws_config *c = resolve(s, "base");
    assert_true(ws_cfg_num(c, WS_S_duration) == 120e9);
    assert_true(ws_cfg_num(c, WS_S_warmup) == 0);
    ws_config_free(c);
    ws_scenario_free(s);

    s = load(text);
    const char *broken[] = {"seed=3", "duration=2min", "max_wal_size=2GB"};
    assert_int_equal(ws_scenario_set_all(s, broken, 3, &bad, &err), WS_EINPUT);
    assert_int_equal(bad, 1); /* duration=2min, against the file's warmup */
    assert_non_null(strstr(err.msg, "warmup"));
    c = resolve(s, "base"); /* nothing was applied */
    assert_true(ws_cfg_num(c, WS_S_duration) == 3600e9);
    assert_int_equal(ws_cfg_value(c, WS_S_seed)->origin != WS_ORIGIN_CMDLINE, 1);
    ws_config_free(c);

    const char *malformed[] = {"seed=3", "max_wal_size"};
    assert_int_equal(ws_scenario_set_all(s, malformed, 2, &bad, &err), WS_EINPUT);
    assert_int_equal(bad, 1);
    assert_non_null(strstr(err.msg, "expected KEY=VALUE"));
    ws_scenario_free(s);
}

static void test_set_overrides_everything(void **state)
{
    (void)state;
    ws_scenario *s = load(two_variants);
    ws_diag err;
    assert_int_equal(ws_scenario_set(s, "max_wal_size=16GB", &err), WS_OK);
    assert_int_equal(ws_scenario_set(s, "table.accounts.size = 1GB", &err), WS_OK);
    ws_config *a = resolve(s, "a");
    assert_true(ws_cfg_num(a, WS_S_max_wal_size) == 16.0 * 1073741824);
    assert_int_equal(ws_cfg_value(a, WS_S_max_wal_size)->origin, WS_ORIGIN_CMDLINE);
    assert_true(ws_cfg_instance_value(a, WS_SEC_TABLE, 0, WS_S_table_size)->num == 1073741824.0);
    char src[128];
    ws_value_source(ws_cfg_value(a, WS_S_max_wal_size), true, "a", 15, src, sizeof src);
    assert_string_equal(src, "--set");
    ws_value_source(ws_cfg_value(a, WS_S_disk_preset), false, "a", 15, src, sizeof src);
    assert_string_equal(src, "variant a (v.conf:11)");
    ws_value_source(ws_cfg_value(a, WS_S_checkpoint_timeout), true, "a", 15, src, sizeof src);
    assert_string_equal(src, "v.conf:5");
    ws_value_source(ws_cfg_value(a, WS_S_wal_compression), true, "a", 15, src, sizeof src);
    assert_string_equal(src, "default (PostgreSQL 15)");
    ws_config_free(a);

    /* A bad --set is refused with the reason and changes nothing. */
    assert_int_equal(ws_scenario_set(s, "checkpoint_timeout=1s", &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "--set: checkpoint_timeout: 1s is below the minimum 30s"));
    assert_int_equal(ws_scenario_set(s, "max_wal_size", &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "expected KEY=VALUE"));
    assert_int_equal(ws_scenario_set(s, "wal_compression=lz4", &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "needs PostgreSQL 15")); /* variant b is PostgreSQL 13 */
    a = resolve(s, "a");
    assert_string_equal(ws_cfg_str(a, WS_S_wal_compression), "off");
    ws_config_free(a);
    ws_scenario_free(s);
}

static void test_variant_key_errors(void **state)
{
    (void)state;
    expect_load_error("[variant x]\ntable.nosuch.size = 1GB\n",
                      "v.conf:2: table.nosuch.size: there is no [table nosuch] in the scenario");
    expect_load_error("[variant x]\nmax_wal_sise = 1GB\n",
                      "v.conf:2: max_wal_sise: unknown setting; did you mean max_wal_size?");
    expect_load_error("[variant x]\ndisk.nosuch = 1\n", "v.conf:2: nosuch: unknown key in [disk]");
    expect_load_error("[expect nosuch]\np99_latency < 10ms\n",
                      "v.conf:2: [expect nosuch]: there is no variant named nosuch (variants: base)");
    /* Errors in a variant are found at load time, with its line. */
    expect_load_error("[variant x]\ncheckpoint_timeout = 1s\n",
                      "v.conf:2: checkpoint_timeout: 1s is below the minimum 30s");
}

static void test_expectations_and_events(void **state)
{
    (void)state;
    ws_scenario *s = load("[variant fast]\nmax_wal_size = 4GB\n"
                          "[expect fast]\np99_latency < 0.5 * base.p99_latency   # note\n"
                          "checkpoints_req = 0\n"
                          "[events]\ncheckpoint at 20min\ncrash at 45min\n");
    assert_int_equal(ws_scenario_expect_count(s), 2);
    assert_string_equal(ws_scenario_expect(s, 0)->variant, "fast");
    assert_string_equal(ws_scenario_expect(s, 0)->text, "p99_latency < 0.5 * base.p99_latency");
    assert_int_equal(ws_scenario_expect(s, 1)->line, 5);
    assert_int_equal(ws_scenario_event_count(s), 2);
    assert_int_equal(ws_scenario_event_at(s, 0)->kind, WS_EV_CHECKPOINT);
    assert_true(ws_scenario_event_at(s, 0)->at_ns == 1200 * 1000000000LL);
    assert_int_equal(ws_scenario_event_at(s, 1)->kind, WS_EV_CRASH);
    ws_scenario_free(s);
    expect_load_error("[events]\nexplode at 5min\n", "v.conf:2: events: unknown event 'explode'");
    expect_load_error("[events]\ncrash 5min\n", "expected KIND at TIME");
    expect_load_error("[events]\ncrash at 1e19s\n", "v.conf:2: events: crash at 1e19s: the time must be between 0 and 30d");
    expect_load_error("[events]\ncrash at -5s\n", "the time must be between 0 and 30d");
    expect_load_error("[events]\ncrash at soon\n", "v.conf:2: events: crash: 'soon' is not a number");
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void test_default_scenario_is_the_file(void **state)
{
    (void)state;
    size_t len;
    char *text = read_file(WS_SOURCE_DIR "/scenarios/checkpoint-smoothing.conf", &len);
    assert_int_equal(len, ws_default_scenario_len);
    assert_memory_equal(text, ws_default_scenario_text, len);
    free(text);
    ws_scenario *s;
    ws_diag err;
    assert_int_equal(ws_scenario_load_string(ws_default_scenario_text, ws_default_scenario_len,
                                             "default", &s, &err),
                     WS_OK);
    assert_true(ws_scenario_variant_index(s, "default") >= 0);
    assert_true(ws_scenario_variant_index(s, "optimized") >= 0);
    ws_scenario_free(s);
}

static void run_variant(ws_scenario *s, const char *name, ws_run_stats *st)
{
    ws_config *c = resolve(s, name);
    ws_diag err;
    assert_int_equal(ws_run(c, NULL, NULL, NULL, st, &err), WS_OK);
    ws_config_free(c);
}

/* Same scenario and seed: the same figures, bit for bit.  Variants see the
 * same arrivals (common random numbers): with an open-loop load, changing
 * the number of cores changes latency but not the arrivals. */
static void test_determinism_and_common_random_numbers(void **state)
{
    (void)state;
    ws_scenario *s = load("[scenario]\nwarmup = 0\nstart = cold\nduration = 20s\nseed = 7\n"
                          "[workload]\nrate = 2000/s\ncpu_cv = 0\n"
                          "[transaction t]\ncpu = 1ms\n"
                          "[variant one]\nos.cpus = 3\n[variant many]\nos.cpus = 16\n");
    ws_run_stats a1, a2, b;
    run_variant(s, "one", &a1);
    run_variant(s, "one", &a2);
    run_variant(s, "many", &b);
    assert_int_equal(a1.transactions, a2.transactions);
    assert_memory_equal(&a1.lat.p99_s, &a2.lat.p99_s, sizeof(double));
    assert_memory_equal(&a1.lat.max_s, &a2.lat.max_s, sizeof(double));
    assert_int_equal(a1.events, a2.events);
    /* about 40,000 arrivals in 20 s: Poisson, so within 3 sigma (600) */
    assert_true(llabs((long long)a1.transactions - 40000) < 600);
    /* M/D/3 at utilisation 2/3 queues; M/D/16 practically never does */
    assert_true(a1.lat.p99_s > b.lat.p99_s);
    assert_true(fabs(b.lat.p50_s - 1e-3) < 1e-3 * 0.011);
    /* same arrivals: the counts differ only by those still in service at the end */
    assert_true(llabs((long long)a1.transactions - (long long)b.transactions) < 20);

    ws_diag err;
    assert_int_equal(ws_scenario_set(s, "seed=8", &err), WS_OK);
    ws_run_stats c;
    run_variant(s, "one", &c);
    assert_true(c.transactions != a1.transactions || c.lat.p99_s != a1.lat.p99_s);
    ws_scenario_free(s);
}

static void test_variant_names_and_limits(void **state)
{
    (void)state;
    expect_load_error("[variant a]\nmax_wal_size = 2GB\n[variant b]\n[variant a]\n",
                      "v.conf:4: [variant a]: a second section for variant a (the first is at v.conf:1)");
    expect_load_error("[variant 'a,b']\n", "v.conf:1: [variant a,b]: not a valid variant name");
    expect_load_error("[variant -x]\n", "not a valid variant name");
    expect_load_error("[variant 'caf\xc3\xa9']\n", "not a valid variant name");
    char big[80];
    memset(big, 'x', 64);
    snprintf(big + 64, sizeof big - 64, "]\n");
    char text[100];
    snprintf(text, sizeof text, "[variant %s", big);
    expect_load_error(text, "expected 1 to 63 of the characters");
    ws_scenario *s = load("[variant a.b-c_9]\n[variant B]\n");
    assert_int_equal(ws_scenario_variant_count(s), 2);
    assert_int_equal(ws_scenario_variant_index(s, "B"), 1);
    assert_int_equal(ws_scenario_variant_index(s, "b"), -1);
    ws_scenario_free(s);

    /* at most WS_MAX_VARIANTS, and loading stays linear in variants */
    size_t cap = (WS_MAX_VARIANTS + 1) * 40, used = 0;
    char *many = malloc(cap);
    assert_non_null(many);
    for (int v = 0; v < WS_MAX_VARIANTS; v++)
        used += (size_t)snprintf(many + used, cap - used, "[variant v%d]\nmax_wal_size = %dMB\n",
                                 v, 100 + v);
    s = load(many);
    assert_int_equal(ws_scenario_variant_count(s), WS_MAX_VARIANTS);
    assert_int_equal(ws_scenario_variant_index(s, "v999"), 999);
    ws_config *c = resolve(s, "v500");
    assert_true(ws_cfg_num(c, WS_S_max_wal_size) == 600.0 * 1048576);
    ws_config_free(c);
    ws_scenario_free(s);
    snprintf(many + used, cap - used, "[variant last]\n");
    expect_load_error(many, "[variant last]: more than 1000 variants");
    free(many);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_variants_means_base),
        cmocka_unit_test(test_variant_precedence_and_provenance),
        cmocka_unit_test(test_set_overrides_everything),
        cmocka_unit_test(test_set_all_is_order_free),
        cmocka_unit_test(test_variant_key_errors),
        cmocka_unit_test(test_expectations_and_events),
        cmocka_unit_test(test_variant_names_and_limits),
        cmocka_unit_test(test_default_scenario_is_the_file),
        cmocka_unit_test(test_determinism_and_common_random_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
