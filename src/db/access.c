/*
 * access.c - page access patterns (see access.h).
 */
#include "walsim/access.h"

#include <assert.h>
#include <math.h>

void ws_access_uniform(ws_access *a, uint64_t pages)
{
    assert(pages > 0);
    *a = (ws_access){.kind = WS_ACCESS_UNIFORM, .pages = pages};
}

/* H(x) = integral of x^-s: ((x^(1-s)) - 1) / (1 - s), or log x for s = 1;
 * helpers as in Apache Commons' RejectionInversionZipfSampler. */
static double zipf_h(double x, double s)
{
    double lx = log(x);
    double t = (1 - s) * lx;
    /* (exp(t) - 1) / (1 - s) without cancellation near s = 1 */
    return fabs(t) > 1e-8 ? expm1(t) / (1 - s) : lx * (1 + t / 2 * (1 + t / 3));
}

static double zipf_h_inv(double x, double s)
{
    double t = x * (1 - s);
    if (t < -1)
        t = -1;
    return exp(fabs(t) > 1e-8 ? log1p(t) / (1 - s) : x * (1 - t / 2 * (1 - 2 * t / 3)));
}

void ws_access_zipf(ws_access *a, uint64_t pages, double s)
{
    assert(pages > 0 && s > 0);
    *a = (ws_access){.kind = WS_ACCESS_ZIPF, .pages = pages, .s = s};
    a->h_x1 = zipf_h(1.5, s) - 1.0;
    a->h_n = zipf_h((double)pages + 0.5, s);
    a->hi_s = 2 - zipf_h_inv(zipf_h(2.5, s) - pow(2, -s), s);
}

void ws_access_hotset(ws_access *a, uint64_t pages, double hot_access, double hot_pages_frac)
{
    assert(pages > 0 && hot_access >= 0 && hot_access <= 1);
    assert(hot_pages_frac > 0 && hot_pages_frac <= 1);
    *a = (ws_access){.kind = WS_ACCESS_HOTSET, .pages = pages, .hot_access = hot_access};
    a->hot_pages = (uint64_t)ceil(hot_pages_frac * (double)pages);
    if (a->hot_pages < 1)
        a->hot_pages = 1;
    if (a->hot_pages > pages)
        a->hot_pages = pages;
}

void ws_access_append(ws_access *a, uint64_t pages, uint64_t rows_per_page)
{
    assert(rows_per_page > 0);
    *a = (ws_access){.kind = WS_ACCESS_APPEND, .pages = pages ? pages : 1,
                     .rows_per_page = rows_per_page, .rows_in_last = rows_per_page};
}

/* Rank k (1-based) drawn from Zipf(s) over [1, pages]. */
static uint64_t zipf_rank(ws_access *a, ws_rng *r)
{
    for (;;) {
        double u = a->h_n + ws_rng_uniform(r) * (a->h_x1 - a->h_n);
        double x = zipf_h_inv(u, a->s);
        double k = floor(x + 0.5);
        if (k < 1)
            k = 1;
        else if (k > (double)a->pages)
            k = (double)a->pages;
        if (k - x <= a->hi_s || u >= zipf_h(k + 0.5, a->s) - exp(-a->s * log(k)))
            return (uint64_t)k;
    }
}

/* Scatters ranks over the relation: an odd multiplier is a bijection on
 * [0, 2^64), reduced into [0, pages) by rejection-free cycle walking. */
static uint64_t scatter(uint64_t rank0, uint64_t pages)
{
    if (pages <= 1)
        return 0;
    uint64_t m = 1;
    while (m < pages)
        m <<= 1;
    uint64_t x = rank0;
    do {
        x = (x * UINT64_C(0x9E3779B97F4A7C15) + UINT64_C(0x632BE59BD9B4E019)) & (m - 1);
    } while (x >= pages);
    return x;
}

uint64_t ws_access_next(ws_access *a, ws_rng *r)
{
    switch (a->kind) {
    case WS_ACCESS_UNIFORM:
        return ws_rng_below(r, a->pages);
    case WS_ACCESS_ZIPF:
        return scatter(zipf_rank(a, r) - 1, a->pages);
    case WS_ACCESS_HOTSET:
        if (a->hot_pages == a->pages || ws_rng_uniform(r) < a->hot_access)
            return ws_rng_below(r, a->hot_pages);
        return a->hot_pages + ws_rng_below(r, a->pages - a->hot_pages);
    case WS_ACCESS_APPEND:
        if (++a->rows_in_last > a->rows_per_page) {
            a->rows_in_last = 1;
            a->pages++;
        }
        return a->pages - 1;
    }
    assert(0);
    return 0;
}
