/*
 * steady.h - output analysis of a simulation: where the initial transient
 * ends, and 95 % confidence intervals (batch means, replications, ratios).
 *
 * The methods are the textbook ones (A. M. Law, "Simulation Modeling and
 * Analysis", ch. 9; K. P. White, "An effective truncation heuristic for
 * bias reduction in simulation output", Simulation 69(6), 1997), written
 * here in our own words with GSL for the t quantiles and the regression.
 * docs/experiments.md explains how walsim uses them and their limits.
 */
#ifndef WALSIM_STEADY_H
#define WALSIM_STEADY_H

#include <stdbool.h>
#include <stddef.h>

/* A point estimate with its 95 % interval.  df == 0 means "no interval"
 * (too few values): lo and hi are then NAN and se is NAN. */
typedef struct ws_ci {
    double est;    /* point estimate */
    double lo, hi; /* 95 % confidence interval */
    double se;     /* standard error (of est; for ratios: of log est) */
    int df;        /* degrees of freedom of the t quantile; 0: none */
} ws_ci;

/* MSER-5 truncation point of the series x[0..n-1] (one value per equal
 * time interval, e.g. per-second mean latency).  The series is cut into
 * m = n / 5 batches of 5 consecutive values (a remainder at the end is
 * ignored) with means z[0..m-1]; for d = 0 .. m/2 (integer division),
 *   MSER(d) = sum_{j=d}^{m-1} (z[j] - zbar_d)^2 / (m - d)^2,
 * zbar_d the mean of z[d..m-1]; d* is the smallest d with the least
 * MSER(d).  Returns 5 * d*, the number of leading values to delete.
 * *ended (may be NULL) is false when d* == m/2 exactly at the end of
 * the search range, or when m < 4: the transient may not have ended
 * within the series (the run is too short to tell).  n < 20 returns 0
 * with *ended false.  NaN values are not allowed (assert). */
size_t ws_steady_mser5(const double *x, size_t n, bool *ended);

/* The two-sided 95 % Student t quantile t_{0.975, df} (df >= 1). */
double ws_steady_t975(int df);

/* Interval of the mean of x[0..n-1] (independent values: batch means or
 * replications): est = mean, se = s / sqrt(n) with s the sample standard
 * deviation, df = n - 1, lo/hi = est -/+ t975(df) * se.  n < 2: est =
 * the value (or NAN for n == 0), no interval. */
ws_ci ws_steady_mean_ci(const double *x, size_t n);

/* An interval around a point estimate computed elsewhere (e.g. the p99
 * of the whole window) from the same statistic on n batches (each batch's
 * p99): est = point, se = s / sqrt(n) of the batch values, df = n - 1,
 * lo/hi = point -/+ t975(df) * se.  n < 2: no interval. */
ws_ci ws_steady_batch_ci(double point, const double *batch, size_t n);

/* Ratio b / a under common random numbers: a[i] and b[i] are the same
 * statistic of two variants in pair i (replication i, all values > 0).
 * r_i = log(b[i] / a[i]); se = s_r / sqrt(n), df = n - 1; est = point
 * (the caller's ratio of its headline estimates), lo = point *
 * exp(-t975 * se), hi = point * exp(+t975 * se).  Pairs where a value is
 * <= 0 or not finite are skipped; fewer than 2 usable pairs: no interval. */
ws_ci ws_steady_ratio_paired(double point, const double *a, const double *b, size_t n);

/* Ratio b.est / a.est of two independent estimates with intervals (no
 * pairing: conservative when the two are positively correlated, as
 * variants under common random numbers are).  Delta method on the log
 * scale: u = se_a / a.est, v = se_b / b.est (relative standard errors),
 * se = sqrt(u^2 + v^2), df by Welch-Satterthwaite,
 *   df = (u^2 + v^2)^2 / (u^4 / df_a + v^4 / df_b), rounded down, >= 1;
 * est = b.est / a.est, lo/hi = est * exp(-/+ t975(df) * se).  When either
 * has no interval (df == 0) or an estimate is <= 0: est as above (NAN
 * when a.est is 0) and no interval. */
ws_ci ws_steady_ratio_indep(ws_ci a, ws_ci b);

/* Least-squares slope of y over t (n points) with its 95 % interval
 * (ordinary least squares, as gsl_fit_linear: se = sqrt(residual sum of
 * squares / (n - 2) / sum (t - tbar)^2), df = n - 2).  n < 3:
 * est = NAN (n < 2) or the two-point slope, no interval. */
ws_ci ws_steady_slope(const double *t, const double *y, size_t n);

/* The same fit from running sums, so that a series need not be kept: the
 * count, the means of t and y and the centred sums of squares and
 * products, updated point by point (Welford) and merged pairwise (Chan,
 * Golub and LeVeque), so a large offset in t or y costs no precision.  A
 * zeroed ws_linfit is empty. */
typedef struct ws_linfit {
    double n, mt, my, stt, syy, sty;
} ws_linfit;
void ws_linfit_add(ws_linfit *f, double t, double y);
/* into := the points of both. */
void ws_linfit_merge(ws_linfit *into, const ws_linfit *f);
/* As ws_steady_slope of the points added. */
ws_ci ws_linfit_slope(const ws_linfit *f);

/* Lag-1 autocorrelation of x[0..n-1] (sum of products of deviations
 * from the mean at lag 1 over the sum of squared deviations); 0 when
 * n < 3 or the values are all equal.  Batch means with a lag-1
 * correlation above about 0.3 are too short to be treated as independent. */
double ws_steady_lag1(const double *x, size_t n);

/* Splits k consecutive units (checkpoint cycles, seconds) into g groups
 * of consecutive units as equal as possible (the first k % g groups get
 * one unit more); writes the index of each group's first unit to
 * first[0..g-1].  Requires 1 <= g <= k (assert). */
void ws_steady_groups(size_t k, size_t g, size_t *first);

#endif
