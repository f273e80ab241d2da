/*
 * test_calibrate.c - the first-touch fit of walsim calibrate: parameters
 * recovered from data generated with known ones (uniform with and without
 * the table size, a hot set, two tables, one total over several cycles),
 * the fits that cannot be made, and the estimates on the shared PG15 run A
 * (WAL record bytes from its pg_waldump totals; pages modified per
 * transaction against an independent re-computation,
 * data/validate/pg15_A_xcheck.py).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/calibrate.h"

#define A WS_TEST_DATA_DIR "/validate/pg15_A/"

static void ok(int rc, const ws_diag *err)
{
    if (rc != WS_OK) {
        print_error("%s\n", err->msg);
        fail();
    }
}

static void rel(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol * fabs(want))) {
        print_error("got %.10g, want %.10g (+- %g relative)\n", got, want, tol);
        fail();
    }
}

static void test_first_touch(void **state)
{
    (void)state;
    /* docs/model.md: 30,000 uniform changes over 10,000 pages image 0.3167
     * pages per change */
    rel(ws_calibrate_first_touch(30000, 10000) / 30000, 0.3167, 0.0005);
    rel(ws_calibrate_first_touch(1, 1e9), 1, 1e-9); /* a few changes: each its own page */
    rel(ws_calibrate_first_touch(1e12, 500), 500, 1e-12); /* saturated */
    assert_true(ws_calibrate_first_touch(0, 10) == 0 && ws_calibrate_first_touch(5, 0) == 0);
}

/* Points of `cycles` cycles: after every `step` transactions up to `max`,
 * the images of f (times 1 + noise x a fixed pseudo-random sign pattern). */
static ws_calibrate_data gen(double (*f)(double, const double *), const double *par, int cycles,
                             double step, double max, double noise)
{
    ws_calibrate_data d = {0};
    int k = 0;
    for (int c = 0; c < cycles; c++)
        for (double n = step; n <= max; n += step, k++) {
            double wobble = noise * sin(12.9898 * k) * 1.4142;
            assert_int_equal(ws_calibrate_data_add(&d, f(n, par) * (1 + wobble), &n, 1, c), WS_OK);
        }
    return d;
}

static double uniform(double n, const double *p)
{
    return ws_calibrate_first_touch(p[0] * n, p[1]);
}

static double hotset(double n, const double *p)
{
    /* p: w, P, h, H share */
    double H = p[1] * p[3];
    return ws_calibrate_first_touch(p[0] * p[2] * n, H) +
           ws_calibrate_first_touch(p[0] * (1 - p[2]) * n, p[1] - H);
}

static double two_tables(double n, const double *p)
{
    return ws_calibrate_first_touch(p[0] * n, p[1]) + ws_calibrate_first_touch(p[2] * n, p[3]);
}

static ws_calibrate_fit fit(const ws_calibrate_data *d, ws_calibrate_model m,
                            const ws_calibrate_table *t, size_t nt)
{
    ws_calibrate_fit f;
    ws_diag err;
    ok(ws_calibrate_fit_run(d, m, t, nt, &f, &err), &err);
    return f;
}

static void test_uniform_recovered(void **state)
{
    (void)state;
    const double par[] = {1.3, 50000};
    /* 0.5 % noise: size and writes within 1 % */
    ws_calibrate_data d = gen(uniform, par, 3, 500, 60000, 0.005);
    ws_calibrate_fit f = fit(&d, WS_CALIBRATE_UNIFORM, NULL, 0);
    assert_true(f.ok);
    assert_int_equal(f.n_params, 2);
    rel(f.writes[0], 1.3, 0.01);
    rel(f.pages[0], 50000, 0.01);
    assert_true(f.writes_se[0] > 0 && f.writes_se[0] < 0.01);
    assert_true(f.pages_se[0] > 0 && f.pages_se[0] < 500);
    /* the noise is 0.5 % of values that average some 28,000 images */
    assert_true(f.rms > 20 && f.rms < 300);
    ws_calibrate_data_free(&d);

    /* exact data and the size given: the writes to 6 digits */
    const double par2[] = {1.256, 163935};
    d = gen(uniform, par2, 2, 1000, 70000, 0);
    ws_calibrate_table t = {"accounts", 163935};
    f = fit(&d, WS_CALIBRATE_UNIFORM, &t, 1);
    assert_true(f.ok);
    assert_int_equal(f.n_params, 1);
    rel(f.writes[0], 1.256, 1e-6);
    assert_true(isnan(f.pages_se[0]) && f.pages[0] == 163935);
    assert_true(f.rms < 1e-3);
    double n = 50000;
    rel(ws_calibrate_fit_images(&f, &n, 1), uniform(n, par2), 1e-6);
    ws_calibrate_data_free(&d);
}

static void test_hotset_recovered(void **state)
{
    (void)state;
    /* 80 % of 2 changes per transaction on 5 % of 100,000 pages */
    const double par[] = {2, 100000, 0.8, 0.05};
    ws_calibrate_data d = gen(hotset, par, 3, 500, 100000, 0.002);
    ws_calibrate_table t = {"t", 100000};
    ws_calibrate_fit h = fit(&d, WS_CALIBRATE_HOTSET, &t, 1);
    ws_calibrate_fit u = fit(&d, WS_CALIBRATE_UNIFORM, &t, 1);
    assert_true(h.ok);
    rel(h.writes[0], 2, 0.02);
    rel(h.hot_access, 0.8, 0.02);
    rel(h.hot_pages, 0.05, 0.03);
    assert_true(h.hot_access_se > 0 && h.hot_pages_se > 0);
    /* the uniform model cannot bend that way: much worse by AIC */
    assert_true(u.ok && h.aic < u.aic - 100);
    double n = 30000;
    rel(ws_calibrate_fit_images(&h, &n, 1), hotset(n, par), 0.01);
    ws_calibrate_data_free(&d);

    /* uniform data: the hot set finds none */
    const double upar[] = {1, 80000};
    d = gen(uniform, upar, 2, 1000, 80000, 0);
    t.pages = 80000;
    h = fit(&d, WS_CALIBRATE_HOTSET, &t, 1);
    assert_false(h.ok);
    assert_true(strstr(h.why, "hot set") || strstr(h.why, "uniform table"));
    ws_calibrate_data_free(&d);
}

static void test_two_tables_recovered(void **state)
{
    (void)state;
    /* pgbench-like: one change in 163,935 heap pages, 0.27 in 27,422 index leaves */
    const double par[] = {1, 163935, 0.27, 27422};
    ws_calibrate_data d = gen(two_tables, par, 2, 1000, 150000, 0);
    ws_calibrate_table t[] = {{"accounts", 163935}, {"accounts_pkey", 27422}};
    ws_calibrate_fit f = fit(&d, WS_CALIBRATE_UNIFORM, t, 2);
    assert_true(f.ok);
    rel(f.writes[0], 1, 1e-4);
    rel(f.writes[1], 0.27, 1e-4);
    ws_calibrate_data_free(&d);
}

static void test_total_point(void **state)
{
    (void)state;
    /* one point over three cycles of 40k, 60k and 20k transactions */
    double seg[] = {40000, 60000, 20000};
    double w = 1.1, P = 163935, images = 0;
    for (int i = 0; i < 3; i++)
        images += ws_calibrate_first_touch(w * seg[i], P);
    ws_calibrate_data d = {0};
    assert_int_equal(ws_calibrate_data_add(&d, images, seg, 3, -1), WS_OK);
    ws_calibrate_table t = {"a", P};
    ws_calibrate_fit f = fit(&d, WS_CALIBRATE_UNIFORM, &t, 1);
    assert_true(f.ok);
    rel(f.writes[0], w, 1e-6);
    assert_true(isnan(f.writes_se[0])); /* no degree of freedom left */
    rel(ws_calibrate_fit_images(&f, seg, 3), images, 1e-6);
    /* two parameters from one point: no fit */
    f = fit(&d, WS_CALIBRATE_UNIFORM, NULL, 0);
    assert_false(f.ok);
    assert_non_null(strstr(f.why, "1 data point for 2 parameters"));
    ws_calibrate_data_free(&d);

    /* no image at all */
    double n = 100;
    assert_int_equal(ws_calibrate_data_add(&d, 0, &n, 1, 0), WS_OK);
    assert_int_equal(ws_calibrate_data_add(&d, 0, &n, 1, 0), WS_OK);
    assert_int_equal(ws_calibrate_data_add(&d, 0, &n, 1, 0), WS_OK);
    f = fit(&d, WS_CALIBRATE_UNIFORM, NULL, 0);
    assert_false(f.ok);
    assert_non_null(strstr(f.why, "no image"));
    ws_calibrate_data_free(&d);
}

/* ---- run A of shared/validation/pg15-pgbench ---- */

typedef struct run_a {
    ws_validate_files fs;
    const char *stats[5];
    ws_validate_loaded ld;
    ws_calibrate_input ci;
    ws_calibrate_table table;
    ws_calibrate_result r;
} run_a;

static void load_a(run_a *x, bool samples, bool waldump, double hole)
{
    memset(x, 0, sizeof *x);
    size_t k = 0;
    x->stats[k++] = A "bgwriter_before.csv";
    x->stats[k++] = A "wal_before.csv";
    if (samples)
        x->stats[k++] = A "db_samples.csv";
    x->stats[k++] = A "bgwriter_after.csv";
    x->stats[k++] = A "wal_after.csv";
    x->fs.stats = x->stats;
    x->fs.n_stats = k;
    x->fs.pg_log = A "server.log";
    x->fs.pgbench_progress = A "pgbench_progress.txt";
    if (waldump)
        x->fs.waldump = A "waldump_stats.txt";
    ws_diag err;
    ok(ws_validate_load(&x->fs, &x->ld, &err), &err);
    x->ci.in = x->ld.in;
    x->table = (ws_calibrate_table){"pgbench_accounts", 163935};
    x->ci.tables = &x->table;
    x->ci.n_tables = 1;
    x->ci.hole_bytes = hole;
    x->ci.model = WS_CALIBRATE_UNIFORM;
    ok(ws_calibrate_collect(&x->ci, &x->r, &err), &err);
}

static void free_a(run_a *x)
{
    ws_calibrate_result_free(&x->r);
    ws_validate_loaded_free(&x->ld);
}

static void test_run_a(void **state)
{
    (void)state;
    run_a x;
    load_a(&x, true, true, 0);
    const ws_calibrate_result *r = &x.r;
    /* pgbench reported 585258; its -P reports (tps x 1 s, rounded) give about that */
    assert_true(llabs(r->transactions - 585258) < 100);
    double tx = (double)r->transactions;
    /* pg_waldump's Total: 259,258,247 record bytes of 5,087,478,915; the
     * snapshots' wal_bytes difference is within 200 B of the latter */
    rel(r->record_bytes_per_tx, 259258247.0 / tx, 1e-6);
    rel(r->image_bytes, 4828220668.0 / 611974, 1e-6);
    rel(r->fpi_per_tx, 611974 / tx, 1e-4);
    /* 10 checkpoint cycles start between the snapshots (server.log) */
    assert_int_equal(r->n_cycles, 10);
    /* the independent re-computation finds 274 points and w = 1.25561 */
    assert_int_equal(r->data.n, 274);
    assert_int_equal(r->chosen, WS_CALIBRATE_UNIFORM);
    rel(r->fit[0].writes[0], 1.2556115, 1e-4);
    rel(r->fit[0].rms, 4345.08, 1e-3);

    /* the snippet states what rests on what */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ws_calibrate_print(f, &x.ci, r);
    fclose(f);
    assert_non_null(strstr(buf, "[table pgbench_accounts]\nsize = 163935"));
    assert_non_null(strstr(buf, "writes = 'pgbench_accounts:1.256'"));
    assert_non_null(strstr(buf, "wal_bytes = 443B"));
    assert_non_null(strstr(buf, "images from pg_waldump"));
    assert_non_null(strstr(buf, "understate"));
    free(buf);
    free_a(&x);
}

static void test_run_a_without_series_or_waldump(void **state)
{
    (void)state;
    run_a x;
    /* no pg_waldump: images taken as 8192 - hole bytes; 300 B more hole
     * add 300 x images per transaction to the record bytes */
    load_a(&x, true, false, 0);
    double rec0 = x.r.record_bytes_per_tx, fpi = x.r.fpi_per_tx;
    rel(rec0, x.r.wal_bytes_per_tx - 8192 * fpi, 1e-9);
    bool said = false;
    for (size_t i = 0; i < x.r.n_notes; i++)
        said = said || strstr(x.r.notes[i], "assumed image size 8192 B");
    assert_true(said);
    free_a(&x);
    load_a(&x, true, false, 300);
    rel(x.r.record_bytes_per_tx - rec0, 300 * fpi, 1e-9);
    free_a(&x);

    /* only the snapshots before and after: one point, exactly determined */
    load_a(&x, false, true, 0);
    assert_int_equal(x.r.data.n, 1);
    assert_int_equal(x.r.data.cycle[0], -1);
    assert_true(x.r.fit[0].ok);
    size_t a = x.r.data.seg_start[0], b = x.r.data.seg_start[1];
    /* 11 segments: before the first checkpoint, and after each of the 10 */
    assert_int_equal(b - a, 11);
    rel(ws_calibrate_fit_images(&x.r.fit[0], x.r.data.seg_n + a, b - a), x.r.data.images[0], 1e-6);
    free_a(&x);
}

static void test_collect_errors(void **state)
{
    (void)state;
    ws_diag err;
    ws_pgstats *one;
    const char *t = "epoch,wal_fpi,wal_bytes\n1,2,3\n";
    ok(ws_pgstats_parse_string(t, strlen(t), "one.csv", &one, &err), &err);
    const ws_pgstats *files[] = {one};
    ws_calibrate_input ci = {.in = {.stats = files, .n_stats = 1}, .model = -1};
    ws_calibrate_result r;
    assert_int_equal(ws_calibrate_collect(&ci, &r, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "before and after"));
    ws_pgstats *bg;
    const char *b = "epoch,checkpoints_timed\n1,2\n5,3\n";
    ok(ws_pgstats_parse_string(b, strlen(b), "bg.csv", &bg, &err), &err);
    files[0] = bg;
    assert_int_equal(ws_calibrate_collect(&ci, &r, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "pg_stat_wal"));
    /* no transaction count: the figures per transaction are a note */
    ws_pgstats *two;
    const char *w = "epoch,wal_fpi,wal_bytes\n1,2,3\n5,10,9000\n";
    ok(ws_pgstats_parse_string(w, strlen(w), "two.csv", &two, &err), &err);
    files[0] = two;
    ok(ws_calibrate_collect(&ci, &r, &err), &err);
    assert_true(isnan(r.record_bytes_per_tx) && r.chosen == -1 && r.n_notes == 1);
    ws_calibrate_result_free(&r);
    /* --transactions without a log: per transaction, no fit */
    ci.in.transactions = 4;
    ok(ws_calibrate_collect(&ci, &r, &err), &err);
    rel(r.wal_bytes_per_tx, 8997 / 4.0, 1e-12);
    rel(r.fpi_per_tx, 2, 1e-12);
    assert_int_equal(r.chosen, -1);
    ws_calibrate_result_free(&r);
    ws_pgstats_free(one);
    ws_pgstats_free(bg);
    ws_pgstats_free(two);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_touch),
        cmocka_unit_test(test_uniform_recovered),
        cmocka_unit_test(test_hotset_recovered),
        cmocka_unit_test(test_two_tables_recovered),
        cmocka_unit_test(test_total_point),
        cmocka_unit_test(test_run_a),
        cmocka_unit_test(test_run_a_without_series_or_waldump),
        cmocka_unit_test(test_collect_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
