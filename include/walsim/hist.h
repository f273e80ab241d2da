/*
 * hist.h - log-bucketed latency histogram.
 *
 * Log-linear buckets (as HdrHistogram): each power of two is split into
 * 64 equal buckets, so a bucket is at most 1/64 of its lower edge wide and
 * a quantile, reported as the bucket's midpoint, is within 0.78 % of the
 * exact value (nearest-rank definition).  The range is 60 ns .. 36 h
 * (2,624 buckets, 21 kB); values outside it are clamped into the
 * first/last bucket, and the exact minimum, maximum and mean are kept
 * separately (a quantile never lies outside [min, max]).  Recording is
 * O(1) with no log(): the bucket is read off the float's bits.
 */
#ifndef WALSIM_HIST_H
#define WALSIM_HIST_H

#include <stddef.h>
#include <stdint.h>

typedef struct ws_hist ws_hist;

ws_hist *ws_hist_new(void);           /* NULL when out of memory */
void ws_hist_free(ws_hist *h);
void ws_hist_reset(ws_hist *h);
void ws_hist_add(ws_hist *h, double seconds);
void ws_hist_merge(ws_hist *into, const ws_hist *from);
uint64_t ws_hist_count(const ws_hist *h);
double ws_hist_quantile(const ws_hist *h, double q); /* seconds; 0 when empty; q=1 gives max */
double ws_hist_max(const ws_hist *h);
double ws_hist_min(const ws_hist *h);
double ws_hist_mean(const ws_hist *h);

/* The distribution as (upper edge, share of values at or below it) for
 * every non-empty bucket, ascending; the last pair is (max, 1).  Writes
 * at most `cap` pairs and returns how many there are. */
size_t ws_hist_buckets(const ws_hist *h, double *upper, double *cdf, size_t cap);

#endif
