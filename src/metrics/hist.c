/*
 * hist.c - log-bucketed histogram (see hist.h for the error bound).
 */
#include "walsim/hist.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define H_LO 1e-7          /* seconds: the first bucket's lower edge */
#define H_GROWTH 1.02
#define H_BUCKETS 1400     /* 1e-7 * 1.02^1400 ~ 1.1e5 s */

struct ws_hist {
    uint64_t n;
    double sum, min, max;
    uint64_t b[H_BUCKETS];
};

ws_hist *ws_hist_new(void)
{
    ws_hist *h = malloc(sizeof *h);
    if (h)
        ws_hist_reset(h);
    return h;
}

void ws_hist_free(ws_hist *h) { free(h); }

void ws_hist_reset(ws_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = INFINITY;
}

static int bucket_of(double x)
{
    if (!(x > H_LO))
        return 0;
    double i = floor(log(x / H_LO) / log(H_GROWTH));
    return i >= H_BUCKETS - 1 ? H_BUCKETS - 1 : (int)i;
}

void ws_hist_add(ws_hist *h, double x)
{
    assert(x >= 0);
    h->n++;
    h->sum += x;
    if (x < h->min)
        h->min = x;
    if (x > h->max)
        h->max = x;
    h->b[bucket_of(x)]++;
}

void ws_hist_merge(ws_hist *into, const ws_hist *from)
{
    into->n += from->n;
    into->sum += from->sum;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
    for (int i = 0; i < H_BUCKETS; i++)
        into->b[i] += from->b[i];
}

uint64_t ws_hist_count(const ws_hist *h) { return h->n; }
double ws_hist_max(const ws_hist *h) { return h->n ? h->max : 0; }
double ws_hist_min(const ws_hist *h) { return h->n ? h->min : 0; }
double ws_hist_mean(const ws_hist *h) { return h->n ? h->sum / (double)h->n : 0; }

double ws_hist_quantile(const ws_hist *h, double q)
{
    if (h->n == 0)
        return 0;
    if (q >= 1)
        return h->max;
    if (q <= 0)
        return h->min;
    /* The rank-th smallest value, rank = ceil(q n) (nearest-rank definition). */
    uint64_t rank = (uint64_t)ceil(q * (double)h->n);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (int i = 0; i < H_BUCKETS; i++) {
        seen += h->b[i];
        if (seen >= rank) {
            double mid = H_LO * pow(H_GROWTH, i + 0.5);
            /* Never report outside the observed range. */
            if (mid < h->min)
                mid = h->min;
            if (mid > h->max)
                mid = h->max;
            return mid;
        }
    }
    return h->max;
}
