/*
 * steady.c - output analysis: MSER-5 truncation, t intervals of means,
 * ratios and slopes (see steady.h for the definitions).
 *
 * Variances are two-pass (the mean first, then the squared deviations
 * from it), so a large common offset (latencies of 1e9 ns +- a few) costs
 * no precision.  MSER-5 needs the variance of every suffix of the batch
 * means: it walks the batches from the end with Welford's update, which
 * is as stable and makes the search O(n) with no allocation.  Nothing
 * here keeps state between calls: sweeps call it from parallel threads.
 */
#include "walsim/steady.h"

#include <assert.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#define MSER_BATCH 5

/* An estimate without an interval. */
static ws_ci no_interval(double est)
{
    ws_ci c = {est, NAN, NAN, NAN, 0};
    return c;
}

/* est -/+ t975(df) * se. */
static ws_ci t_interval(double est, double se, int df)
{
    double h = ws_steady_t975(df) * se;
    ws_ci c = {est, est - h, est + h, se, df};
    return c;
}

/* Sample standard deviation of x[0..n-1] (n >= 2), two-pass. */
static double sample_sd(const double *x, size_t n)
{
    assert(n >= 2);
    return gsl_stats_sd_m(x, 1, n, gsl_stats_mean(x, 1, n));
}

/* Mean of the batch x[0..MSER_BATCH-1]. */
static double batch_mean(const double *x)
{
    double s = 0;
    for (int i = 0; i < MSER_BATCH; i++) {
        assert(!isnan(x[i]));
        s += x[i];
    }
    return s / MSER_BATCH;
}

size_t ws_steady_mser5(const double *x, size_t n, bool *ended)
{
    size_t m = n / MSER_BATCH;
    if (ended)
        *ended = false;
    if (n < 4 * MSER_BATCH)
        return 0;
    assert(x);
    size_t dmax = m / 2;
    /* Suffix statistics of z[d..m-1] for d = m-1 down to 0 (Welford):
     * mean and sum of squared deviations.  Walking down, a d whose MSER
     * ties the best so far replaces it, so the smallest such d wins. */
    double mean = 0, ss = 0;
    double best = INFINITY;
    size_t dstar = dmax;
    for (size_t d = m; d-- > 0;) {
        double z = batch_mean(x + MSER_BATCH * d);
        double len = (double)(m - d);
        double delta = z - mean;
        mean += delta / len;
        ss += delta * (z - mean);
        if (d > dmax)
            continue;
        double mser = ss / (len * len);
        if (mser <= best) {
            best = mser;
            dstar = d;
        }
    }
    if (ended)
        *ended = dstar != dmax; /* m >= 4 here */
    return MSER_BATCH * dstar;
}

double ws_steady_t975(int df)
{
    assert(df >= 1);
    return gsl_cdf_tdist_Pinv(0.975, (double)df);
}

ws_ci ws_steady_mean_ci(const double *x, size_t n)
{
    if (n == 0)
        return no_interval(NAN);
    if (n == 1)
        return no_interval(x[0]);
    double mean = gsl_stats_mean(x, 1, n);
    double se = gsl_stats_sd_m(x, 1, n, mean) / sqrt((double)n);
    return t_interval(mean, se, (int)(n - 1));
}

ws_ci ws_steady_batch_ci(double point, const double *batch, size_t n)
{
    if (n < 2)
        return no_interval(point);
    double se = sample_sd(batch, n) / sqrt((double)n);
    return t_interval(point, se, (int)(n - 1));
}

/* Pair i is usable when both values are finite and > 0. */
static bool pair_ok(double a, double b)
{
    return isfinite(a) && isfinite(b) && a > 0 && b > 0;
}

ws_ci ws_steady_ratio_paired(double point, const double *a, const double *b, size_t n)
{
    /* Two passes over the pairs: the mean log ratio, then the squared
     * deviations from it (the logs are recomputed: no allocation).  The
     * first pass sums deviations from the first usable log ratio, so
     * equal ratios give a mean equal to each and a standard error of
     * exactly 0. */
    size_t k = 0;
    double r0 = 0, sum = 0;
    for (size_t i = 0; i < n; i++)
        if (pair_ok(a[i], b[i])) {
            double r = log(b[i] / a[i]);
            if (k == 0)
                r0 = r;
            sum += r - r0;
            k++;
        }
    if (k < 2)
        return no_interval(point);
    double mean = r0 + sum / (double)k, ss = 0;
    for (size_t i = 0; i < n; i++)
        if (pair_ok(a[i], b[i])) {
            double dev = log(b[i] / a[i]) - mean;
            ss += dev * dev;
        }
    double se = sqrt(ss / (double)(k - 1)) / sqrt((double)k);
    int df = (int)(k - 1);
    double h = ws_steady_t975(df) * se;
    ws_ci c = {point, point * exp(-h), point * exp(h), se, df};
    return c;
}

/* Welch-Satterthwaite degrees of freedom of u^2 + v^2, rounded down (a
 * hair of slack so that an exact integer computed as 7.9999999999 stays
 * 8), within [1, df_a + df_b].  When both relative errors are 0 the
 * formula is 0/0 and the interval has width 0 whatever the df: the
 * smaller of the two df, the conservative end of Welch's range. */
static int welch_df(double u, double v, int df_a, int df_b)
{
    double u2 = u * u, v2 = v * v;
    double den = u2 * u2 / df_a + v2 * v2 / df_b;
    int lo = df_a < df_b ? df_a : df_b;
    if (!(den > 0))
        return lo;
    double df = floor((u2 + v2) * (u2 + v2) / den * (1 + 1e-12));
    double hi = (double)df_a + (double)df_b;
    if (!(df >= 1)) /* also NaN */
        return 1;
    return df > hi ? (int)hi : (int)df;
}

ws_ci ws_steady_ratio_indep(ws_ci a, ws_ci b)
{
    double est = a.est == 0 ? NAN : b.est / a.est;
    /* !(x > 0) also refuses a NaN estimate. */
    if (a.df <= 0 || b.df <= 0 || !(a.est > 0) || !(b.est > 0))
        return no_interval(est);
    double u = a.se / a.est, v = b.se / b.est;
    double se = sqrt(u * u + v * v);
    int df = welch_df(u, v, a.df, b.df);
    double h = ws_steady_t975(df) * se;
    ws_ci c = {est, est * exp(-h), est * exp(h), se, df};
    return c;
}

ws_ci ws_steady_slope(const double *t, const double *y, size_t n)
{
    ws_linfit f = {0};
    for (size_t i = 0; i < n; i++)
        ws_linfit_add(&f, t[i], y[i]);
    return ws_linfit_slope(&f);
}

void ws_linfit_add(ws_linfit *f, double t, double y)
{
    f->n += 1;
    double dt = t - f->mt, dy = y - f->my;
    f->mt += dt / f->n;
    f->my += dy / f->n;
    f->stt += dt * (t - f->mt);
    f->syy += dy * (y - f->my);
    f->sty += dt * (y - f->my);
}

void ws_linfit_merge(ws_linfit *into, const ws_linfit *f)
{
    if (f->n == 0)
        return;
    if (into->n == 0) {
        *into = *f;
        return;
    }
    double n = into->n + f->n, w = into->n * f->n / n;
    double dt = f->mt - into->mt, dy = f->my - into->my;
    into->mt += dt * f->n / n;
    into->my += dy * f->n / n;
    into->stt += f->stt + dt * dt * w;
    into->syy += f->syy + dy * dy * w;
    into->sty += f->sty + dt * dy * w;
    into->n = n;
}

ws_ci ws_linfit_slope(const ws_linfit *f)
{
    if (f->n < 2)
        return no_interval(NAN);
    double slope = f->sty / f->stt;
    if (f->n < 3)
        return no_interval(slope);
    /* residual sum of squares; a rounding residue of an exact line can
     * make it a hair below 0 */
    double sumsq = f->syy - slope * f->sty;
    double var = sumsq > 0 ? sumsq / (f->n - 2) / f->stt : 0;
    return t_interval(slope, isnan(slope) ? NAN : sqrt(var), (int)(f->n - 2));
}

double ws_steady_lag1(const double *x, size_t n)
{
    if (n < 3)
        return 0;
    size_t i = 1;
    while (i < n && x[i] == x[0])
        i++;
    if (i == n)
        return 0; /* all equal: no variation to correlate */
    /* The mean first, then the deviations (two-pass). */
    double mean = gsl_stats_mean(x, 1, n);
    double num = 0, den = 0;
    for (i = 0; i < n; i++) {
        double d = x[i] - mean;
        den += d * d;
        if (i + 1 < n)
            num += d * (x[i + 1] - mean);
    }
    return num / den;
}

void ws_steady_groups(size_t k, size_t g, size_t *first)
{
    assert(g >= 1 && g <= k);
    size_t q = k / g, r = k % g;
    for (size_t i = 0; i < g; i++)
        first[i] = i * q + (i < r ? i : r);
}
