/*
 * test_hist.c - the latency histogram: quantiles within 1 % of the exact
 * (nearest-rank) values, edge cases, merging, the CDF listing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "walsim/hist.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double exact_quantile(const double *sorted, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);
    return sorted[rank ? rank - 1 : 0];
}

/* Latencies spread over six decades (lognormal around 5 ms): every
 * reported quantile is within 1 % of the exact one. */
static void test_quantiles_within_one_percent(void **state)
{
    (void)state;
    enum { N = 200000 };
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 7);
    double *x = malloc(N * sizeof *x);
    ws_hist *h = ws_hist_new();
    assert_non_null(x);
    assert_non_null(h);
    for (int i = 0; i < N; i++) {
        x[i] = 0.005 * exp(gsl_ran_gaussian(g, 2.0));
        ws_hist_add(h, x[i]);
    }
    qsort(x, N, sizeof *x, cmp_double);
    const double qs[] = {0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 0.9999};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        double exact = exact_quantile(x, N, qs[k]);
        double got = ws_hist_quantile(h, qs[k]);
        assert_true(fabs(got - exact) / exact <= 0.01);
    }
    assert_true(ws_hist_quantile(h, 1.0) == x[N - 1]);
    assert_true(ws_hist_min(h) == x[0]);
    assert_int_equal(ws_hist_count(h), N);
    ws_hist_free(h);
    free(x);
    gsl_rng_free(g);
}

/* The worst case of the bucket layout: a value just above a bucket's
 * lower edge (0.78 % bound), at several magnitudes. */
static void test_worst_case_error(void **state)
{
    (void)state;
    const double values[] = {1e-6, 3.3e-4, 0.00125, 0.0078125, 1.0 + 1e-9, 17.0, 3600.0};
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
        ws_hist *h = ws_hist_new();
        /* two values in one bucket so the midpoint is not clamped to either */
        ws_hist_add(h, values[k]);
        ws_hist_add(h, values[k] * 1.0001);
        double got = ws_hist_quantile(h, 0.5);
        assert_true(fabs(got - values[k]) / values[k] < 0.0079);
        ws_hist_free(h);
    }
}

static void test_empty_single_and_clamped(void **state)
{
    (void)state;
    ws_hist *h = ws_hist_new();
    assert_true(ws_hist_quantile(h, 0.99) == 0);
    assert_true(ws_hist_mean(h) == 0);
    ws_hist_add(h, 0.0042);
    /* one value: every quantile is that value (clamped to [min, max]) */
    assert_true(ws_hist_quantile(h, 0.5) == 0.0042);
    assert_true(ws_hist_quantile(h, 0.999) == 0.0042);
    ws_hist_reset(h);
    /* out of range: 0 and 10 days are kept in the end buckets, max exact */
    ws_hist_add(h, 0.0);
    ws_hist_add(h, 864000.0);
    assert_true(ws_hist_max(h) == 864000.0);
    assert_true(ws_hist_quantile(h, 0.25) < 1e-7); /* the first bucket: below 60 ns */
    assert_true(ws_hist_quantile(h, 0.75) <= 864000.0);
    assert_true(ws_hist_quantile(h, 0.75) > 100000.0);
    ws_hist_free(h);
}

static void test_merge_and_buckets(void **state)
{
    (void)state;
    ws_hist *a = ws_hist_new(), *b = ws_hist_new(), *all = ws_hist_new();
    for (int i = 1; i <= 1000; i++) {
        double v = i * 1e-4;
        ws_hist_add(i % 2 ? a : b, v);
        ws_hist_add(all, v);
    }
    ws_hist_merge(a, b);
    assert_int_equal(ws_hist_count(a), 1000);
    assert_true(ws_hist_quantile(a, 0.99) == ws_hist_quantile(all, 0.99));
    assert_true(fabs(ws_hist_mean(a) - ws_hist_mean(all)) < 1e-12);
    double up[4096], cdf[4096];
    size_t n = ws_hist_buckets(a, up, cdf, 4096);
    assert_true(n > 10 && n < 4096);
    assert_true(up[n - 1] == 0.1);
    assert_true(cdf[n - 1] == 1.0);
    for (size_t i = 1; i < n; i++) {
        assert_true(up[i] > up[i - 1]);
        assert_true(cdf[i] > cdf[i - 1]);
    }
    /* the share at or below 0.05 s is 500/1000 within one bucket */
    for (size_t i = 0; i < n; i++)
        if (up[i] >= 0.05) {
            assert_true(fabs(cdf[i] - 0.5) < 0.01);
            break;
        }
    ws_hist_free(a);
    ws_hist_free(b);
    ws_hist_free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantiles_within_one_percent),
        cmocka_unit_test(test_worst_case_error),
        cmocka_unit_test(test_empty_single_and_clamped),
        cmocka_unit_test(test_merge_and_buckets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
