/*
 * hist.h - log-bucketed latency histogram.
 *
 * Bucket i covers [lo * g^i, lo * g^(i+1)) with g = 1.02; a quantile is
 * reported as the bucket's geometric midpoint, so its relative error is at
 * most sqrt(g) - 1 < 1%.  The range is 100 ns .. ~1e4 s (about 1,300
 * buckets); values outside it are clamped into the first/last bucket and
 * the exact minimum and maximum are kept separately.  Recording is O(1)
 * (one log), quantiles are O(buckets).
 */
#ifndef WALSIM_HIST_H
#define WALSIM_HIST_H

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

#endif
