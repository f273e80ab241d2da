/*
 * test_sweep.c - the --param grammar (lists, ranges with a step or a
 * factor, with exact generated values), the grid's point order, shards
 * that cover every point once, the thread pool, validation before any
 * run, KEY_num, CSV numbers, and the same bytes for 1 and 2 threads.
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
#include "walsim/sweep.h"

#define TINY WS_TEST_DATA_DIR "/capacity/tiny.conf"

/* Parses arg and checks its values are exactly `want` (NULL-terminated). */
static void values_are(const char *arg, const char *const *want)
{
    ws_sweep_param p;
    ws_diag err;
    if (ws_sweep_param_parse(arg, &p, &err) != WS_OK) {
        print_error("%s: %s\n", arg, err.msg);
        fail();
    }
    size_t n = 0;
    while (want[n])
        n++;
    if (p.n != n)
        print_error("%s: %zu values, want %zu\n", arg, p.n, n);
    assert_int_equal(p.n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(p.values[i], want[i]);
    for (size_t i = 0; i < n; i++)
        assert_true(isnan(p.num[i])); /* until ws_sweep_new */
    ws_sweep_param_free(&p);
}

static void param_error(const char *arg, const char *needle)
{
    ws_sweep_param p;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_sweep_param_parse(arg, &p, &err);
    if (rc != WS_EINPUT || !strstr(err.msg, needle)) {
        print_error("%s: expected an error with \"%s\", got rc %d: %s\n", arg, needle, rc,
                    err.msg);
        fail();
    }
    assert_int_equal(p.n, 0); /* nothing left to free */
    assert_null(p.key);
}

static void test_lists(void **state)
{
    (void)state;
    values_are("max_wal_size=1GB, 4GB ,16GB", (const char *[]){"1GB", "4GB", "16GB", NULL});
    values_are(" checkpoint_completion_target = 0.5,0.7,0.9",
               (const char *[]){"0.5", "0.7", "0.9", NULL});
    values_are("disk.preset=aws-gp3,nvme-enterprise",
               (const char *[]){"aws-gp3", "nvme-enterprise", NULL});
    values_are("wal_compression=off", (const char *[]){"off", NULL});
    ws_sweep_param p;
    ws_diag err;
    assert_int_equal(ws_sweep_param_parse("table.accounts.size = 1GB", &p, &err), WS_OK);
    assert_string_equal(p.key, "table.accounts.size");
    ws_sweep_param_free(&p);
}

static void test_ranges_with_a_step(void **state)
{
    (void)state;
    values_are("checkpoint_timeout=1min..5min+1min",
               (const char *[]){"1min", "2min", "3min", "4min", "5min", NULL});
    values_are("checkpoint_timeout=30s..2min+30s",
               (const char *[]){"30s", "1min", "90s", "2min", NULL});
    /* 0.5 + 4 * 0.1 is 0.9000000000000001: the end still counts. */
    values_are("checkpoint_completion_target=0.5..0.9+0.1",
               (const char *[]){"0.5", "0.6", "0.7", "0.8", "0.9", NULL});
    /* The end need not be on a step. */
    values_are("max_wal_size=1GB..2GB+400MB",
               (const char *[]){"1GB", "1424MB", "1824MB", NULL});
    values_are("clients=2..10+4", (const char *[]){"2", "6", "10", NULL});
    values_are("clients=3..3+1", (const char *[]){"3", NULL});
    values_are("wal_writer_delay=200ms..1s+400ms",
               (const char *[]){"200ms", "600ms", "1s", NULL});
}

static void test_ranges_with_a_factor(void **state)
{
    (void)state;
    values_are("shared_buffers=1GB..64GB*2",
               (const char *[]){"1GB", "2GB", "4GB", "8GB", "16GB", "32GB", "64GB", NULL});
    values_are("shared_buffers=1GB..10GB*2", (const char *[]){"1GB", "2GB", "4GB", "8GB", NULL});
    values_are("max_wal_size=64MB..256MB*1.5",
               (const char *[]){"64MB", "96MB", "144MB", "216MB", NULL});
    values_are("disk.write_bandwidth=125MB/s..500MB/s*2",
               (const char *[]){"125MB/s", "250MB/s", "500MB/s", NULL});
    values_are("clients=1..1000*10", (const char *[]){"1", "10", "100", "1000", NULL});
}

static void test_param_errors(void **state)
{
    (void)state;
    param_error("max_wal_size", "expected KEY=VALUES");
    param_error("=1GB", "expected KEY=VALUES");
    param_error("max_wal_size=", "no values");
    param_error("max_wal_size=1GB,,4GB", "an empty value in the list");
    param_error("max_wal_size=1GB,", "an empty value in the list");
    param_error("max_wal_size=1GB..4GB", "a range needs a step or a factor");
    param_error("max_wal_size=1GB..5min+1min", "starts with a memory size and ends with a time");
    param_error("max_wal_size=1GB..4GB+1", "the step is a plain number, expected a memory size");
    param_error("max_wal_size=1GB..4GB+0GB", "the step must be above 0");
    param_error("max_wal_size=1GB..4GB*1", "the factor must be a plain number above 1");
    param_error("max_wal_size=1GB..4GB*2GB", "the factor must be a plain number above 1");
    param_error("max_wal_size=4GB..1GB+1GB", "the range's start is above its end");
    param_error("clients=0..8*2", "must start above 0");
    param_error("clients=1..100000+1", "more than 10000 values");
    param_error("max_wal_size=abc..4GB+1GB", "'abc' is not a number");
    param_error("max_wal_size=..4GB+1GB", "the range's start is missing");
    param_error("max_wal_size=1GB..4GB+", "the range's step is missing");
}

static ws_sweep_param param(const char *arg)
{
    ws_sweep_param p;
    ws_diag err;
    if (ws_sweep_param_parse(arg, &p, &err) != WS_OK) {
        print_error("%s: %s\n", arg, err.msg);
        fail();
    }
    return p;
}

static void test_grid(void **state)
{
    (void)state;
    ws_sweep_param ps[3] = {param("a=1,2"), param("b=x,y,z"), param("c=p,q")};
    size_t points;
    ws_diag err;
    assert_int_equal(ws_sweep_grid_size(ps, 3, &points, &err), WS_OK);
    assert_int_equal(points, 12);
    /* The first parameter varies slowest: nested loops a, b, c. */
    size_t i = 0;
    for (size_t a = 0; a < 2; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t c = 0; c < 2; c++, i++) {
                size_t idx[3];
                ws_sweep_grid_point(ps, 3, i, idx);
                assert_int_equal(idx[0], a);
                assert_int_equal(idx[1], b);
                assert_int_equal(idx[2], c);
            }
    assert_int_equal(ws_sweep_grid_size(ps, 0, &points, &err), WS_OK);
    assert_int_equal(points, 1);
    for (int k = 0; k < 3; k++)
        ws_sweep_param_free(&ps[k]);

    /* 10000 x 10000 x 2 points is too many, and does not overflow. */
    ws_sweep_param big[3] = {param("a=1..10000+1"), param("b=1..10000+1"), param("c=1,2")};
    assert_int_equal(big[0].n, 10000);
    assert_int_equal(ws_sweep_grid_size(big, 3, &points, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "more than 1000000 points"));
    for (int k = 0; k < 3; k++)
        ws_sweep_param_free(&big[k]);
}

static void test_shards(void **state)
{
    (void)state;
    unsigned k, n;
    ws_diag err;
    assert_int_equal(ws_sweep_shard_parse("3/8", &k, &n, &err), WS_OK);
    assert_int_equal(k, 3);
    assert_int_equal(n, 8);
    const char *bad[] = {"0/3", "4/3", "3", "a/b", "1/0", "/3", "1/", "-1/3", "1/3x", "1 /3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ws_diag_clear(&err);
        assert_int_equal(ws_sweep_shard_parse(bad[i], &k, &n, &err), WS_EINPUT);
        assert_non_null(strstr(err.msg, "--shard"));
    }
    /* Every point of any grid is in exactly one shard; shard K is the
     * round-robin K-1, K-1+N, K-1+2N, ... */
    for (unsigned nn = 1; nn <= 7; nn++)
        for (size_t p = 0; p < 50; p++) {
            unsigned owners = 0;
            for (unsigned kk = 1; kk <= nn; kk++)
                owners += ws_sweep_in_shard(p, kk, nn);
            assert_int_equal(owners, 1);
            assert_true(ws_sweep_in_shard(p, (unsigned)(p % nn) + 1, nn));
        }
}

typedef struct counts {
    int calls[200];
} counts;

static void count_call(void *ctx, size_t i)
{
    counts *c = ctx;
    c->calls[i]++; /* distinct i per call: no race */
}

static void test_parallel_for(void **state)
{
    (void)state;
    unsigned jobs[] = {1, 2, 4, 300};
    for (size_t j = 0; j < 4; j++) {
        counts c;
        memset(&c, 0, sizeof c);
        ws_parallel_for(200, jobs[j], count_call, &c);
        for (int i = 0; i < 200; i++)
            assert_int_equal(c.calls[i], 1);
    }
    counts c;
    memset(&c, 0, sizeof c);
    ws_parallel_for(0, 4, count_call, &c);
    assert_int_equal(c.calls[0], 0);
    assert_true(ws_cpu_count() >= 1);
}

/* A sweep of tiny.conf. */
static int new_sweep(ws_sweep_param *ps, size_t n, const char *const *sets, size_t n_sets,
                     unsigned seeds, ws_sweep **sw, ws_diag *err)
{
    ws_sweep_spec spec = {TINY, sets, n_sets, ps, n, NULL, 0, seeds, 1, 1};
    static ws_sweep_spec keep; /* the sweep borrows its spec */
    keep = spec;
    ws_diag_clear(err);
    return ws_sweep_new(&keep, sw, err);
}

static void sweep_error(const char *const *args, size_t n, unsigned seeds, const char *needle)
{
    ws_sweep_param ps[4];
    for (size_t i = 0; i < n; i++)
        ps[i] = param(args[i]);
    ws_sweep *sw = NULL;
    ws_diag err;
    int rc = new_sweep(ps, n, NULL, 0, seeds, &sw, &err);
    if (rc != WS_EINPUT || !strstr(err.msg, needle)) {
        print_error("expected an error with \"%s\", got rc %d: %s\n", needle, rc, err.msg);
        fail();
    }
    assert_null(sw);
    for (size_t i = 0; i < n; i++)
        ws_sweep_param_free(&ps[i]);
}

static void test_validation_before_running(void **state)
{
    (void)state;
    /* A bad value anywhere in a list is reported with the value. */
    sweep_error((const char *[]){"max_wal_size=1GB,4XB"}, 1, 0,
                "--param max_wal_size: max_wal_size: '4XB' has an unknown unit");
    sweep_error((const char *[]){"checkpoint_timeout=10s..40s+10s"}, 1, 0,
                "checkpoint_timeout: 10s is below the minimum 30s");
    sweep_error((const char *[]){"disk.preset=aws-gp3,floppy"}, 1, 0, "floppy");
    sweep_error((const char *[]){"max_wal_sise=1GB"}, 1, 0, "did you mean max_wal_size?");
    sweep_error((const char *[]){"max_wal_size=1GB", "max_wal_size=2GB"}, 2, 0,
                "--param max_wal_size is given twice");
    sweep_error((const char *[]){"seed=1,2"}, 1, 3, "--param seed and --seeds");
    sweep_error((const char *[]){"work_mem=4MB,8MB"}, 1, 0,
                "--param work_mem: a PostgreSQL setting that walsim does not model");
    sweep_error((const char *[]){"table.nosuch.size=1GB"}, 1, 0, "there is no [table nosuch]");
    sweep_error((const char *[]){"a=1..1000+1", "b=1..1000+1", "c=1,2"}, 3, 0,
                "more than 1000000 points");
    sweep_error((const char *[]){"max_wal_size=1GB..20GB+1GB"}, 1, 100000, "more than 1000000 runs");

    ws_sweep_spec comma = {WS_TEST_DATA_DIR "/capacity/comma.conf", NULL, 0, NULL, 0, NULL, 0,
                           0, 1, 1};
    ws_sweep *csw;
    ws_diag cerr;
    assert_int_equal(ws_sweep_new(&comma, &csw, &cerr), WS_EINPUT);
    /* refused when the scenario is loaded: not a valid variant name */
    assert_non_null(strstr(cerr.msg, "[variant a,b]: not a valid variant name"));

    ws_sweep_spec spec = {TINY, NULL, 0, NULL, 0, (const char *[]){"nosuch"}, 1, 0, 1, 1};
    ws_sweep *sw;
    ws_diag err;
    assert_int_equal(ws_sweep_new(&spec, &sw, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "--variant nosuch: no such variant; the scenario has: a, b"));
}

static void test_key_num(void **state)
{
    (void)state;
    ws_sweep_param ps[5] = {param("max_wal_size=1GB,96MB"), param("checkpoint_timeout=90s,1h"),
                            param("disk.preset=aws-gp3"),
                            param("checkpoint_completion_target=0.7"),
                            param("table.extra.size=1GB")};
    ws_sweep *sw;
    ws_diag err;
    if (new_sweep(ps, 5, NULL, 0, 0, &sw, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    assert_true(ps[0].num[0] == 1073741824.0);
    assert_true(ps[0].num[1] == 96.0 * 1024 * 1024);
    assert_true(ps[1].num[0] == 90); /* seconds */
    assert_true(ps[1].num[1] == 3600);
    assert_true(isnan(ps[2].num[0])); /* an enum: no number */
    assert_true(ps[3].num[0] == 0.7);
    assert_true(ps[4].num[0] == 1073741824.0); /* SECTION.NAME.KEY */
    assert_int_equal(ws_sweep_points(sw), 4);
    assert_int_equal(ws_sweep_variant_count(sw), 2);
    ws_sweep_free(sw);
    for (int i = 0; i < 5; i++)
        ws_sweep_param_free(&ps[i]);
}

static char *run_to_string(ws_sweep_param *ps, size_t n, unsigned seeds, unsigned k, unsigned nn,
                           unsigned jobs)
{
    const char *sets[] = {"duration=10s"};
    ws_sweep_spec spec = {TINY, sets, 1, ps, n, NULL, 0, seeds, k, nn};
    ws_sweep *sw;
    ws_diag err;
    if (ws_sweep_new(&spec, &sw, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(ws_sweep_run(sw, jobs, f, NULL, NULL, &err), WS_OK);
    fclose(f);
    ws_sweep_free(sw);
    return buf;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_run_rows_and_threads(void **state)
{
    (void)state;
    ws_sweep_param ps[2] = {param("max_wal_size=64MB,1GB"), param("wal_compression=off,pglz")};
    char *one = run_to_string(ps, 2, 2, 1, 1, 1);
    char *two = run_to_string(ps, 2, 2, 1, 1, 2);
    assert_string_equal(one, two); /* whatever the number of threads */
    /* header + 4 points x 2 seeds x 2 variants */
    assert_int_equal(count_lines(one), 1 + 16);
    const char *head = "point,seed,max_wal_size,max_wal_size_num,wal_compression,"
                       "wal_compression_num,variant,tps,transactions,p50_latency_ms,";
    assert_true(strncmp(one, head, strlen(head)) == 0);
    /* Rows by point, seed (7 and 8: --seeds 2 from seed 7), variant. */
    const char *row = strchr(one, '\n') + 1;
    const char *starts[] = {"0,7,64MB,67108864,off,,a,", "0,7,64MB,67108864,off,,b,",
                            "0,8,64MB,67108864,off,,a,", "0,8,64MB,67108864,off,,b,",
                            "1,7,64MB,67108864,pglz,,a,"};
    for (size_t i = 0; i < 5; i++) {
        assert_true(strncmp(row, starts[i], strlen(starts[i])) == 0);
        row = strchr(row, '\n') + 1;
    }
    /* Each row has every column of the header. */
    size_t commas = 0;
    for (const char *p = one; *p != '\n'; p++)
        commas += *p == ',';
    assert_int_equal(commas, 6 + ws_metric_count());

    /* The shards' rows, together, are the whole grid's rows. */
    char *s1 = run_to_string(ps, 2, 2, 1, 3, 2), *s2 = run_to_string(ps, 2, 2, 2, 3, 1),
         *s3 = run_to_string(ps, 2, 2, 3, 3, 2);
    assert_int_equal(count_lines(s1), 1 + 8); /* points 0 and 3 */
    assert_int_equal(count_lines(s2), 1 + 4); /* point 1 */
    assert_int_equal(count_lines(s3), 1 + 4); /* point 2 */
    assert_true(strncmp(strchr(s2, '\n') + 1, "1,7,", 4) == 0);
    /* point 3 of shard 1 is the same bytes as in the whole run */
    const char *p3 = strstr(s1, "\n3,7,");
    assert_non_null(p3);
    assert_non_null(strstr(one, p3));
    free(s1);
    free(s2);
    free(s3);
    free(one);
    free(two);
    for (int i = 0; i < 2; i++)
        ws_sweep_param_free(&ps[i]);
}

/* An error only running finds (the warm-up is not shorter than the
 * duration at one point) names the point and its values. */
static void test_run_error_names_the_point(void **state)
{
    (void)state;
    /* Each value is checked on its own when the sweep is set up, and the
     * grid's last point (20s, 15s) is valid; the point (10s, 15s) is not
     * (warmup >= duration), refused when that point's settings are
     * resolved, with the point named. */
    ws_sweep_param ps[2] = {param("duration=10s,20s"), param("warmup=5s,15s")};
    ws_sweep_spec spec = {TINY, NULL, 0, ps, 2, NULL, 0, 0, 1, 1};
    ws_sweep *sw;
    ws_diag err;
    assert_int_equal(ws_sweep_new(&spec, &sw, &err), WS_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ws_sweep_run(sw, 2, f, NULL, NULL, &err), WS_EINPUT);
    fclose(f);
    if (!strstr(err.msg, "sweep: point ") || !strstr(err.msg, "duration=10s, warmup=15s") ||
        !strstr(err.msg, "warmup")) {
        print_error("%s\n", err.msg);
        fail();
    }
    free(buf);
    ws_sweep_free(sw);
    ws_sweep_param_free(&ps[0]);
    ws_sweep_param_free(&ps[1]);
}

static void csv_is(double x, const char *want)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ws_sweep_csv_number(f, x);
    fclose(f);
    assert_string_equal(buf, want);
    free(buf);
}

static void test_csv_numbers(void **state)
{
    (void)state;
    csv_is(3, "3");
    csv_is(1073741824.0, "1073741824");
    csv_is(17179869184.0 * 1024, "17592186044416"); /* integers stay exact, no 1.7e+13 */
    csv_is(2.5, "2.5");
    csv_is(1.0 / 3, "0.333333333");
    csv_is(0.1 + 0.2, "0.3");
    csv_is(-0.0, "0");
    csv_is(1e300, "1e+300");
    csv_is(NAN, "");
    csv_is(INFINITY, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_ranges_with_a_step),
        cmocka_unit_test(test_ranges_with_a_factor),
        cmocka_unit_test(test_param_errors),
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_shards),
        cmocka_unit_test(test_parallel_for),
        cmocka_unit_test(test_validation_before_running),
        cmocka_unit_test(test_key_num),
        cmocka_unit_test(test_run_rows_and_threads),
        cmocka_unit_test(test_run_error_names_the_point),
        cmocka_unit_test(test_csv_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
