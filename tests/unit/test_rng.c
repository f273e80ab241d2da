/*
 * test_rng.c - named streams: reproducible, independent by name, the
 * seed formula pinned, unbiased ranges, exponential mean.
 */
#include <math.h>
#include <stdlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "walsim/rng.h"

/* Independent reference of the documented formula:
 * splitmix64(seed ^ FNV-1a-64(name)). */
static uint64_t ref_seed(uint64_t seed, const char *name)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    uint64_t z = (seed ^ h) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void test_seed_formula(void **state)
{
    (void)state;
    assert_true(ws_rng_derive_seed(42, "workload.arrivals") == ref_seed(42, "workload.arrivals"));
    assert_true(ws_rng_derive_seed(0, "") == ref_seed(0, ""));
    assert_true(ws_rng_derive_seed(1, "bufpool") != ws_rng_derive_seed(2, "bufpool"));
}

static void test_same_seed_same_stream(void **state)
{
    (void)state;
    ws_rng a, b, c;
    assert_int_equal(ws_rng_init(&a, 7, "workload"), 0);
    assert_int_equal(ws_rng_init(&b, 7, "workload"), 0);
    assert_int_equal(ws_rng_init(&c, 7, "checkpointer"), 0);
    int same_c = 0;
    for (int i = 0; i < 1000; i++) {
        double x = ws_rng_uniform(&a), y = ws_rng_uniform(&b), z = ws_rng_uniform(&c);
        assert_true(x == y);
        same_c += x == z;
    }
    assert_true(same_c < 5);
    ws_rng_destroy(&a);
    ws_rng_destroy(&b);
    ws_rng_destroy(&c);
}

static void test_below(void **state)
{
    (void)state;
    ws_rng r;
    assert_int_equal(ws_rng_init(&r, 3, "t"), 0);
    const uint64_t ns[] = {1, 3, UINT64_C(1) << 40, UINT64_MAX};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 2000; i++)
            assert_true(ws_rng_below(&r, ns[k]) < ns[k]);
    /* chi-square over 10 bins, 100k draws: 9 degrees of freedom, 99.9 %
     * quantile 27.9 */
    int bins[10] = {0};
    for (int i = 0; i < 100000; i++)
        bins[ws_rng_below(&r, 10)]++;
    double chi = 0;
    for (int i = 0; i < 10; i++)
        chi += (bins[i] - 10000.0) * (bins[i] - 10000.0) / 10000.0;
    assert_true(chi < 27.9);
    /* large n: the top half is hit about half the time */
    int top = 0;
    const uint64_t big = (UINT64_C(1) << 40) * 3;
    for (int i = 0; i < 10000; i++)
        top += ws_rng_below(&r, big) >= big / 2;
    assert_true(top > 4700 && top < 5300);
    ws_rng_destroy(&r);
}

static void test_exponential_mean(void **state)
{
    (void)state;
    ws_rng r;
    assert_int_equal(ws_rng_init(&r, 11, "t"), 0);
    double sum = 0;
    for (int i = 0; i < 100000; i++)
        sum += ws_rng_exp(&r, 2.5);
    assert_true(fabs(sum / 100000 - 2.5) < 2.5 * 0.02);
    ws_rng_destroy(&r);
}

/* min(Poisson(mu), 5): each value's frequency within 4.5 standard errors of
 * the Poisson probabilities (the last one P(X >= 5)), for small and large
 * means; a mean of 0 always gives 0. */
static void test_poisson_capped(void **state)
{
    (void)state;
    ws_rng r;
    assert_int_equal(ws_rng_init(&r, 5, "t"), 0);
    const double mus[] = {0.3, 2, 4.5, 9, 20};
    enum { N = 200000, CAP = 5 };
    for (size_t m = 0; m < sizeof mus / sizeof mus[0]; m++) {
        double mu = mus[m];
        unsigned count[CAP + 1] = {0};
        for (int i = 0; i < N; i++) {
            unsigned k = ws_rng_poisson_capped(&r, mu, CAP);
            assert_true(k <= CAP);
            count[k]++;
        }
        double p = exp(-mu), below = 0;
        for (unsigned k = 0; k <= CAP; k++) {
            double want = k < CAP ? p : 1 - below;
            double se = sqrt(want * (1 - want) / N);
            double got = (double)count[k] / N;
            assert_true(fabs(got - want) <= 4.5 * se + 1e-9);
            below += p;
            p *= mu / (k + 1);
        }
    }
    for (int i = 0; i < 100; i++)
        assert_int_equal(ws_rng_poisson_capped(&r, 0, CAP), 0);
    ws_rng_destroy(&r);
}

/* A keyed stream: the draws after rekey(k) depend on (seed, k) only; the
 * first draws of consecutive keys are uniform (chi-square over 20 bins)
 * and independent of each other (lag-1 correlation near 0). */
/* ws_rng_binomial: the binomial distribution, by a chi-square test of
 * 200,000 draws against its mass (cells of 20 expected or more, the
 * tails pooled) and the mean within 5 standard errors, on BTRS's cases
 * (p above 1/2 by symmetry, n near 2^32) and on the inversion's; the
 * inversion's draws are gsl_ran_binomial's, one for one. */
static void check_binomial(double p, uint64_t n)
{
    ws_rng r;
    assert_int_equal(ws_rng_init_keyed(&r, 42, "test.binomial"), 0);
    const int N = 200000;
    double mu = (double)n * p, sd = sqrt(mu * (1 - p));
    /* cells: k in [lo, hi] one by one, the tails below and above pooled */
    int64_t lo = (int64_t)floor(mu - 6 * sd), hi = (int64_t)ceil(mu + 6 * sd);
    if (lo < 0)
        lo = 0;
    if (hi > (int64_t)n)
        hi = (int64_t)n;
    size_t cells = (size_t)(hi - lo + 1);
    double *seen = calloc(cells, sizeof *seen), sum = 0;
    assert_non_null(seen);
    for (int i = 0; i < N; i++) {
        uint64_t k = ws_rng_binomial(&r, p, n);
        assert_true(k <= n);
        sum += (double)k;
        int64_t c = (int64_t)k < lo ? lo : (int64_t)k > hi ? hi : (int64_t)k;
        seen[c - lo]++;
    }
    assert_true(fabs(sum / N - mu) <= 5 * sd / sqrt(N));
    double chi = 0, exp_run = 0, obs_run = 0;
    int df = -1;
    for (int64_t k = lo; k <= hi; k++) {
        double e = N * gsl_ran_binomial_pdf((unsigned)k, p, (unsigned)n);
        if (k == lo) /* and the tail below */
            e = N * gsl_cdf_binomial_P((unsigned)k, p, (unsigned)n);
        if (k == hi)
            e = N * gsl_cdf_binomial_Q((unsigned)k - 1, p, (unsigned)n);
        exp_run += e;
        obs_run += seen[k - lo];
        if (exp_run >= 20 || k == hi) {
            chi += (obs_run - exp_run) * (obs_run - exp_run) / exp_run;
            df++;
            exp_run = obs_run = 0;
        }
    }
    assert_true(df >= 5);
    assert_true(gsl_cdf_chisq_Q(chi, df) > 1e-4);
    free(seen);
    ws_rng_destroy(&r);
}

static void test_binomial(void **state)
{
    (void)state;
    check_binomial(0.4, 40);          /* BTRS at its smallest mean, 16 */
    check_binomial(0.03, 1000);       /* 30 */
    check_binomial(0.5, 200000);
    check_binomial(0.97, 5000);       /* by symmetry: 150 failures */
    check_binomial(1e-6, 4294967295u); /* n near 2^32: 4,295 */
    check_binomial(0.1, 100);         /* inversion, 10 */
    check_binomial(0.995, 1000);      /* inversion, 5 failures */
    /* below a mean of 14, gsl_ran_binomial's own draws */
    ws_rng a, b;
    assert_int_equal(ws_rng_init_keyed(&a, 7, "test.binomial"), 0);
    assert_int_equal(ws_rng_init_keyed(&b, 7, "test.binomial"), 0);
    for (int i = 0; i < 1000; i++) {
        double p = i % 2 ? 0.012 : 0.99;
        assert_int_equal(ws_rng_binomial(&a, p, 1000), gsl_ran_binomial(b.g, p, 1000));
    }
    assert_int_equal(ws_rng_binomial(&a, 0, 50), 0);
    assert_int_equal(ws_rng_binomial(&a, 1, 50), 50);
    assert_int_equal(ws_rng_binomial(&a, 0.3, 0), 0);
    ws_rng_destroy(&a);
    ws_rng_destroy(&b);
}

static void test_keyed_stream(void **state)
{
    (void)state;
    ws_rng a, b;
    assert_int_equal(ws_rng_init_keyed(&a, 9, "db.tx"), 0);
    assert_int_equal(ws_rng_init_keyed(&b, 9, "db.tx"), 0);
    ws_rng_rekey(&a, 1234);
    double first = ws_rng_uniform(&a);
    uint64_t below = ws_rng_below(&a, 1000003);
    for (int i = 0; i < 50; i++) /* b draws other items in between */
        ws_rng_rekey(&b, (uint64_t)i), (void)ws_rng_uniform(&b);
    ws_rng_rekey(&b, 1234);
    assert_true(ws_rng_uniform(&b) == first);
    assert_true(ws_rng_below(&b, 1000003) == below);
    enum { K = 100000, BINS = 20 };
    int bins[BINS] = {0};
    double prev = 0, sxy = 0, sx = 0, sxx = 0;
    for (uint64_t k = 0; k < K; k++) {
        ws_rng_rekey(&a, k);
        double u = ws_rng_uniform(&a);
        assert_true(u >= 0 && u < 1);
        bins[(int)(u * BINS)]++;
        if (k)
            sxy += prev * u;
        sx += u;
        sxx += u * u;
        prev = u;
    }
    double chi2 = 0, e = (double)K / BINS;
    for (int i = 0; i < BINS; i++)
        chi2 += (bins[i] - e) * (bins[i] - e) / e;
    assert_true(chi2 < 43.8); /* 19 degrees of freedom, p = 0.001 */
    double mean = sx / K, var = sxx / K - mean * mean;
    double corr = (sxy / (K - 1) - mean * mean) / var;
    assert_true(fabs(corr) < 0.02);
    /* ws_rng_below on a keyed stream (Lemire's method) is unbiased: */
    int small[3] = {0};
    for (uint64_t k = 0; k < 30000; k++) {
        ws_rng_rekey(&a, k);
        small[ws_rng_below(&a, 3)]++;
    }
    for (int i = 0; i < 3; i++)
        assert_true(abs(small[i] - 10000) < 400);
    ws_rng_destroy(&a);
    ws_rng_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_formula),
        cmocka_unit_test(test_same_seed_same_stream),
        cmocka_unit_test(test_below),
        cmocka_unit_test(test_exponential_mean),
        cmocka_unit_test(test_poisson_capped),
        cmocka_unit_test(test_binomial),
        cmocka_unit_test(test_keyed_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
