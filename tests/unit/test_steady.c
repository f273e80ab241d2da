/*
 * test_steady.c - output analysis: MSER-5 truncation, t quantiles, the
 * intervals of means, batch statistics, ratios (paired and independent)
 * and slopes, lag-1 autocorrelation, groups.  The expected figures are
 * worked out by hand in the comments; t quantiles are the table values
 * (t_{0.975}: df 1 12.7062, 2 4.3027, 3 3.1824, 4 2.7764, 10 2.2281,
 * 12 2.1788, 1000 1.9623).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "walsim/steady.h"

#define assert_near(x, want, tol) assert_true(fabs((x) - (want)) <= (tol))

static void assert_no_interval(ws_ci c)
{
    assert_int_equal(c.df, 0);
    assert_true(isnan(c.lo));
    assert_true(isnan(c.hi));
    assert_true(isnan(c.se));
}

/* ------------------------------------------------------------------ */
/* t quantiles */

static void test_t975_table(void **state)
{
    (void)state;
    assert_near(ws_steady_t975(1), 12.7062, 1e-4);
    assert_near(ws_steady_t975(2), 4.3027, 1e-4);
    assert_near(ws_steady_t975(10), 2.2281, 1e-4);
    assert_near(ws_steady_t975(1000), 1.9623, 1e-4);
    /* towards the normal quantile 1.95996 from above */
    assert_true(ws_steady_t975(1000000) > 1.95996);
    assert_near(ws_steady_t975(1000000), 1.95996, 1e-5);
}

/* ------------------------------------------------------------------ */
/* MSER-5 */

/* n = 20, m = 4 batches with means z = {10, 0, 0, 0}, d in 0..2:
 *   MSER(0): zbar 2.5, SS = 7.5^2 + 3 * 2.5^2 = 56.25 + 18.75 = 75, / 4^2 = 4.6875
 *   MSER(1): {0, 0, 0}: 0 / 9 = 0
 *   MSER(2): {0, 0}:    0 / 4 = 0
 * least 0 first at d = 1: 5 values, and 1 < m/2 = 2 so ended.  Three
 * more values at the end (n = 23) are a remainder and are ignored. */
static void test_mser5_by_hand(void **state)
{
    (void)state;
    double x[23] = {0};
    for (int i = 0; i < 5; i++)
        x[i] = 8 + i; /* 8..12: batch mean 10 */
    bool ended = false;
    assert_int_equal(ws_steady_mser5(x, 20, &ended), 5);
    assert_true(ended);
    x[20] = x[21] = x[22] = 1e6;
    ended = false;
    assert_int_equal(ws_steady_mser5(x, 23, &ended), 5);
    assert_true(ended);
    assert_int_equal(ws_steady_mser5(x, 23, NULL), 5);
}

/* z = {10, 5, 0, 0}:
 *   MSER(0): zbar 3.75, SS = 6.25^2 + 1.25^2 + 2 * 3.75^2 = 39.0625 + 1.5625
 *            + 28.125 = 68.75, / 16 = 4.296875
 *   MSER(1): {5, 0, 0}: zbar 5/3, SS = (10/3)^2 + 2 (5/3)^2 = 150/9, / 9 = 1.852
 *   MSER(2): {0, 0}: 0
 * d* = 2 = m/2, the end of the range: 10 values, not ended. */
static void test_mser5_at_range_end(void **state)
{
    (void)state;
    double x[20] = {0};
    for (int i = 0; i < 5; i++) {
        x[i] = 10;
        x[5 + i] = 5;
    }
    bool ended = true;
    assert_int_equal(ws_steady_mser5(x, 20, &ended), 10);
    assert_false(ended);
}

/* A transient that decays into the steady level: x_t = 1 + 10 e^{-t/10}
 * for t < 100 (the excess is 10 at t = 0, 1.35 at t = 20, 0.18 at t = 40,
 * 0.003 at t = 80), then 400 values of 1 + N(0, 0.3^2) from a fixed
 * seed.  The cut lands where the excess sinks into the noise. */
static void test_mser5_transient(void **state)
{
    (void)state;
    enum { N = 500 };
    double x[N];
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 42);
    for (int t = 0; t < N; t++)
        x[t] = t < 100 ? 1 + 10 * exp(-t / 10.0) : 1 + gsl_ran_gaussian(g, 0.3);
    gsl_rng_free(g);
    bool ended = false;
    size_t cut = ws_steady_mser5(x, N, &ended);
    assert_true(cut >= 20 && cut <= 80);
    assert_int_equal(cut % 5, 0);
    assert_true(ended);
}

/* No transient: 500 values of 1 + N(0, 0.3^2) are cut by less than 10 %. */
static void test_mser5_stationary(void **state)
{
    (void)state;
    enum { N = 500 };
    double x[N];
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 7);
    for (int t = 0; t < N; t++)
        x[t] = 1 + gsl_ran_gaussian(g, 0.3);
    gsl_rng_free(g);
    bool ended = false;
    size_t cut = ws_steady_mser5(x, N, &ended);
    assert_true(cut < N / 10);
    assert_true(ended);
    /* constant: every MSER(d) is 0, the smallest d is 0 */
    for (int t = 0; t < N; t++)
        x[t] = 0.1;
    assert_int_equal(ws_steady_mser5(x, N, &ended), 0);
    assert_true(ended);
}

/* A series that decays to its end: x_t = 1000 - t, n = 500, m = 100.  The
 * batch means of a suffix of length L are equally spaced (step 5), SS =
 * 25 L (L^2 - 1) / 12, MSER = 25 (L^2 - 1) / (12 L), increasing in L: the
 * least is at the shortest suffix, d = m/2 = 50, 250 values, not ended.
 * An exponential decay over the whole series is cut at the range end too. */
static void test_mser5_trend_to_end(void **state)
{
    (void)state;
    enum { N = 500 };
    double x[N];
    for (int t = 0; t < N; t++)
        x[t] = 1000 - t;
    bool ended = true;
    assert_int_equal(ws_steady_mser5(x, N, &ended), 250);
    assert_false(ended);
    for (int t = 0; t < N; t++)
        x[t] = 10 * exp(-t / 200.0);
    ended = true;
    assert_int_equal(ws_steady_mser5(x, N, &ended), 250);
    assert_false(ended);
}

static void test_mser5_short(void **state)
{
    (void)state;
    double x[19];
    for (int i = 0; i < 19; i++)
        x[i] = 100 - i;
    bool ended = true;
    assert_int_equal(ws_steady_mser5(x, 19, &ended), 0);
    assert_false(ended);
    ended = true;
    assert_int_equal(ws_steady_mser5(NULL, 0, &ended), 0);
    assert_false(ended);
}

/* ------------------------------------------------------------------ */
/* means and batch statistics */

/* {1, 2, 3, 4, 5}: mean 3, SS = 4 + 1 + 0 + 1 + 4 = 10, s^2 = 10/4 = 2.5,
 * s = 1.58114, se = s / sqrt 5 = 0.707107, t975(4) = 2.776445,
 * half width 1.963243: [1.036757, 4.963243]. */
static void test_mean_ci(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 5};
    ws_ci c = ws_steady_mean_ci(x, 5);
    assert_near(c.est, 3, 1e-12);
    assert_near(c.se, 0.707107, 1e-6);
    assert_int_equal(c.df, 4);
    assert_near(c.lo, 1.036757, 1e-6);
    assert_near(c.hi, 4.963243, 1e-6);

    /* the same values shifted by 1e9: the same se (two-pass variance) */
    double y[5];
    for (int i = 0; i < 5; i++)
        y[i] = 1e9 + x[i];
    ws_ci cy = ws_steady_mean_ci(y, 5);
    assert_near(cy.est, 1e9 + 3, 1e-6);
    assert_near(cy.se, 0.707107, 1e-6);
    assert_near(cy.hi - cy.lo, 2 * 1.963243, 1e-5);

    /* equal values: se 0, the interval is the point */
    const double k[] = {0.3, 0.3, 0.3};
    ws_ci ck = ws_steady_mean_ci(k, 3);
    assert_true(ck.se == 0 && ck.lo == ck.est && ck.hi == ck.est);
    assert_int_equal(ck.df, 2);

    /* one value: the value, no interval; none: NAN */
    ws_ci c1 = ws_steady_mean_ci(x + 3, 1);
    assert_true(c1.est == 4);
    assert_no_interval(c1);
    ws_ci c0 = ws_steady_mean_ci(NULL, 0);
    assert_true(isnan(c0.est));
    assert_no_interval(c0);
}

/* The whole window's figure 10.5 with batch figures {9, 11, 10, 12, 8}:
 * batch mean 10, SS = 1 + 1 + 0 + 4 + 4 = 10, s^2 = 2.5, se = 0.707107,
 * df 4, half width 2.776445 * 0.707107 = 1.963243, centred on the point:
 * [8.536757, 12.463243]. */
static void test_batch_ci(void **state)
{
    (void)state;
    const double b[] = {9, 11, 10, 12, 8};
    ws_ci c = ws_steady_batch_ci(10.5, b, 5);
    assert_true(c.est == 10.5);
    assert_near(c.se, 0.707107, 1e-6);
    assert_int_equal(c.df, 4);
    assert_near(c.lo, 8.536757, 1e-6);
    assert_near(c.hi, 12.463243, 1e-6);
    ws_ci c1 = ws_steady_batch_ci(10.5, b, 1);
    assert_true(c1.est == 10.5);
    assert_no_interval(c1);
}

/* ------------------------------------------------------------------ */
/* ratios */

static void test_ratio_paired(void **state)
{
    (void)state;
    /* b / a = 2 in every pair: every log ratio is log 2, s_r = 0 */
    const double a[] = {1, 2, 4}, b[] = {2, 4, 8};
    ws_ci c = ws_steady_ratio_paired(2.0, a, b, 3);
    assert_true(c.est == 2.0);
    assert_true(c.se == 0);
    assert_true(c.lo == 2.0 && c.hi == 2.0);
    assert_int_equal(c.df, 2);

    /* log ratios {0, 1, 2}: mean 1, SS = 1 + 0 + 1 = 2, s_r^2 = 2/2 = 1,
     * se = 1 / sqrt 3 = 0.577350, df 2, t975(2) * se = 4.302653 * 0.577350
     * = 2.484138; point 2: lo = 2 e^-2.484138 = 0.166795,
     * hi = 2 e^2.484138 = 23.981553.  The point is the caller's, not
     * exp(mean log ratio) = e. */
    const double e = exp(1.0);
    const double a2[] = {1, 1, 1}, b2[] = {1, e, e * e};
    ws_ci d = ws_steady_ratio_paired(2.0, a2, b2, 3);
    assert_true(d.est == 2.0);
    assert_near(d.se, 0.577350, 1e-6);
    assert_int_equal(d.df, 2);
    assert_near(d.lo, 0.166795, 1e-6);
    assert_near(d.hi, 23.981553, 1e-5);

    /* the same pairs among unusable ones (0, negative, NaN, infinite):
     * those are skipped, the figures are the same */
    const double a3[] = {0, 1, NAN, 1, 2, INFINITY, 1};
    const double b3[] = {5, 1, 1, e, -1, 1, e * e};
    ws_ci d3 = ws_steady_ratio_paired(2.0, a3, b3, 7);
    assert_int_equal(d3.df, 2);
    assert_near(d3.se, d.se, 1e-12);
    assert_near(d3.lo, d.lo, 1e-12);
    assert_near(d3.hi, d.hi, 1e-9);

    /* one usable pair: no interval */
    ws_ci d1 = ws_steady_ratio_paired(2.0, a3, b3, 3);
    assert_true(d1.est == 2.0);
    assert_no_interval(d1);
}

/* a = 10 +- se 1 (df 4), b = 20 +- se 4 (df 9): u = 0.1, v = 0.2,
 * se = sqrt(0.01 + 0.04) = 0.223607; Welch df = 0.05^2 / (0.1^4 / 4 +
 * 0.2^4 / 9) = 0.0025 / (0.000025 + 0.00017778) = 12.33 -> 12;
 * t975(12) * se = 2.178813 * 0.223607 = 0.487197; est 2:
 * lo = 2 e^-0.487197 = 1.228692, hi = 2 e^0.487197 = 3.255496. */
static void test_ratio_indep(void **state)
{
    (void)state;
    ws_ci a = {10, 8, 12, 1, 4}, b = {20, 11, 29, 4, 9};
    ws_ci c = ws_steady_ratio_indep(a, b);
    assert_true(c.est == 2.0);
    assert_near(c.se, 0.223607, 1e-6);
    assert_int_equal(c.df, 12);
    assert_near(c.lo, 1.228692, 1e-6);
    assert_near(c.hi, 3.255496, 1e-6);

    /* u = v = 0.1, df 4 and 4: (0.02)^2 / (2 * 0.0001 / 4) = 8 exactly
     * (not 7 from a rounding residue) */
    ws_ci a2 = {10, 0, 0, 1, 4}, b2 = {30, 0, 0, 3, 4};
    assert_int_equal(ws_steady_ratio_indep(a2, b2).df, 8);

    /* one relative error 0: df is the other's (u = 0: v^4 / (v^4 / 9)) */
    ws_ci a3 = {10, 10, 10, 0, 4};
    ws_ci c3 = ws_steady_ratio_indep(a3, b);
    assert_int_equal(c3.df, 9);
    assert_near(c3.se, 0.2, 1e-12);

    /* no interval on either side, or an estimate <= 0 */
    ws_ci none = {10, NAN, NAN, NAN, 0};
    ws_ci c4 = ws_steady_ratio_indep(none, b);
    assert_true(c4.est == 2.0);
    assert_no_interval(c4);
    ws_ci neg = {-20, -25, -15, 2, 9};
    ws_ci c5 = ws_steady_ratio_indep(a, neg);
    assert_true(c5.est == -2.0);
    assert_no_interval(c5);
    ws_ci zero = {0, -1, 1, 0.5, 4};
    ws_ci c6 = ws_steady_ratio_indep(zero, b);
    assert_true(isnan(c6.est));
    assert_no_interval(c6);
}

/* ------------------------------------------------------------------ */
/* slope */

static void test_slope(void **state)
{
    (void)state;
    /* y = 3 + 2 t exactly: slope 2, se 0 */
    const double t[] = {0, 1, 2, 3, 4};
    const double line[] = {3, 5, 7, 9};
    ws_ci c = ws_steady_slope(t, line, 4);
    assert_near(c.est, 2, 1e-12);
    assert_true(c.se == 0);
    assert_true(c.lo == c.est && c.hi == c.est);
    assert_int_equal(c.df, 2);

    /* t = 0..4, y = {1, 3, 2, 5, 4}: tbar 2, ybar 3, Stt = 4+1+0+1+4 = 10,
     * Sty = (-2)(-2) + (-1)(0) + (0)(-1) + (1)(2) + (2)(1) = 8, slope 0.8,
     * intercept 3 - 1.6 = 1.4; fitted 1.4 2.2 3.0 3.8 4.6, residuals
     * -0.4 0.8 -1.0 1.2 -0.6, SSE = 0.16+0.64+1+1.44+0.36 = 3.6,
     * s^2 = 3.6 / 3 = 1.2, se = sqrt(1.2 / 10) = 0.346410, df 3,
     * t975(3) * se = 3.182446 * 0.346410 = 1.102432: [-0.302432, 1.902432] */
    const double y[] = {1, 3, 2, 5, 4};
    ws_ci d = ws_steady_slope(t, y, 5);
    assert_near(d.est, 0.8, 1e-12);
    assert_near(d.se, 0.346410, 1e-6);
    assert_int_equal(d.df, 3);
    assert_near(d.lo, -0.302432, 1e-6);
    assert_near(d.hi, 1.902432, 1e-6);

    /* two points: (1, 5) and (3, 9): slope 2, no interval; fewer: NAN */
    const double t2[] = {1, 3}, y2[] = {5, 9};
    ws_ci c2 = ws_steady_slope(t2, y2, 2);
    assert_near(c2.est, 2, 1e-12);
    assert_no_interval(c2);
    ws_ci c1 = ws_steady_slope(t2, y2, 1);
    assert_true(isnan(c1.est));
    assert_no_interval(c1);
}

/* ------------------------------------------------------------------ */
/* lag-1 autocorrelation, groups */

static void test_lag1(void **state)
{
    (void)state;
    /* 1 -1 1 -1 ... (10 values): mean 0, 9 products of -1 over 10 squares */
    double alt[10];
    for (int i = 0; i < 10; i++)
        alt[i] = i % 2 ? -1 : 1;
    assert_near(ws_steady_lag1(alt, 10), -0.9, 1e-12);
    /* {1..5}: deviations -2 -1 0 1 2, products 2 + 0 + 0 + 2 = 4, squares 10 */
    const double x[] = {1, 2, 3, 4, 5};
    assert_near(ws_steady_lag1(x, 5), 0.4, 1e-12);
    const double k[] = {0.1, 0.1, 0.1, 0.1};
    assert_true(ws_steady_lag1(k, 4) == 0);
    assert_true(ws_steady_lag1(x, 2) == 0);
    assert_true(ws_steady_lag1(x, 0) == 0);
}

static void test_groups(void **state)
{
    (void)state;
    size_t f[5];
    ws_steady_groups(10, 3, f); /* sizes 4 3 3 */
    assert_int_equal(f[0], 0);
    assert_int_equal(f[1], 4);
    assert_int_equal(f[2], 7);
    ws_steady_groups(5, 5, f);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(f[i], i);
    ws_steady_groups(11, 4, f); /* sizes 3 3 3 2 */
    assert_int_equal(f[0], 0);
    assert_int_equal(f[1], 3);
    assert_int_equal(f[2], 6);
    assert_int_equal(f[3], 9);
    ws_steady_groups(7, 1, f);
    assert_int_equal(f[0], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t975_table),
        cmocka_unit_test(test_mser5_by_hand),
        cmocka_unit_test(test_mser5_at_range_end),
        cmocka_unit_test(test_mser5_transient),
        cmocka_unit_test(test_mser5_stationary),
        cmocka_unit_test(test_mser5_trend_to_end),
        cmocka_unit_test(test_mser5_short),
        cmocka_unit_test(test_mean_ci),
        cmocka_unit_test(test_batch_ci),
        cmocka_unit_test(test_ratio_paired),
        cmocka_unit_test(test_ratio_indep),
        cmocka_unit_test(test_slope),
        cmocka_unit_test(test_lag1),
        cmocka_unit_test(test_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
