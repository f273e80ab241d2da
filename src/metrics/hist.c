/*
 * hist.c - log-bucketed histogram (see hist.h for the error bound).
 *
 * The bucket of x is read off its IEEE 754 representation: the exponent
 * and the top SUB_BITS bits of the mantissa, i.e. every octave [2^e,
 * 2^(e+1)) is cut into 2^SUB_BITS equal parts.  That is the log-linear
 * layout of HdrHistogram: no log() per value, and a bucket's width is at
 * most 2^-SUB_BITS of its lower edge, so its midpoint is within
 * 2^-(SUB_BITS+1) = 0.78 % of any value in it.
 */
#include "walsim/hist.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUB_BITS 6
#define MIN_EXP (-24)          /* 2^-24 s = 60 ns: the first bucket's lower edge */
#define MAX_EXP 17             /* 2^17 s = 36 h: values above go to the last bucket */
#define H_BUCKETS ((MAX_EXP - MIN_EXP) << SUB_BITS)

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
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    /* biased exponent and the top mantissa bits, as one integer */
    int64_t k = (int64_t)(bits >> (52 - SUB_BITS)) - ((int64_t)(1023 + MIN_EXP) << SUB_BITS);
    if (k < 0)
        return 0;
    return k >= H_BUCKETS ? H_BUCKETS - 1 : (int)k;
}

/* Lower edge of bucket i, in seconds. */
static double bucket_lo(int i)
{
    int e = MIN_EXP + (i >> SUB_BITS);
    double frac = 1.0 + (double)(i & ((1 << SUB_BITS) - 1)) / (1 << SUB_BITS);
    return ldexp(frac, e);
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

/* Midpoint of bucket i, clamped to the observed range. */
static double report(const ws_hist *h, int i)
{
    double lo = bucket_lo(i), hi = bucket_lo(i + 1);
    double mid = (lo + hi) / 2;
    if (mid < h->min)
        mid = h->min;
    if (mid > h->max)
        mid = h->max;
    return mid;
}

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
        if (seen >= rank)
            return report(h, i);
    }
    return h->max;
}

size_t ws_hist_buckets(const ws_hist *h, double *upper, double *cdf, size_t cap)
{
    size_t k = 0;
    uint64_t seen = 0;
    for (int i = 0; i < H_BUCKETS && h->n; i++) {
        if (!h->b[i])
            continue;
        seen += h->b[i];
        if (k < cap) {
            double hi = bucket_lo(i + 1);
            upper[k] = hi < h->max ? hi : h->max;
            cdf[k] = (double)seen / (double)h->n;
        }
        k++;
    }
    return k;
}
