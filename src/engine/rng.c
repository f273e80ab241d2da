/*
 * rng.c - named random streams (see rng.h).
 *
 * The stream seed is splitmix64(seed ^ fnv1a64(name)): FNV-1a spreads the
 * name, splitmix64's finaliser mixes it with the scenario seed so that
 * nearby seeds and similar names give unrelated streams.  mt19937 takes a
 * 32-bit seed; the 64-bit value is folded (high ^ low) into it.
 */
#include "walsim/rng.h"

#include <assert.h>

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t splitmix64(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

uint64_t ws_rng_derive_seed(uint64_t seed, const char *name)
{
    return splitmix64(seed ^ fnv1a64(name));
}

int ws_rng_init(ws_rng *r, uint64_t seed, const char *name)
{
    r->seed = ws_rng_derive_seed(seed, name);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->g = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r->g)
        return -1;
    gsl_rng_set(r->g, (unsigned long)((r->seed >> 32) ^ (r->seed & 0xffffffffu)));
    return 0;
}

/* splitmix64 as a GSL generator type: 32 bits per call from the upper
 * half of the mixed 64-bit state. */
typedef struct keyed_state {
    uint64_t x;
} keyed_state;

static void keyed_set(void *vstate, unsigned long seed)
{
    ((keyed_state *)vstate)->x = (uint64_t)seed;
}

static uint64_t keyed_next(void *vstate)
{
    keyed_state *s = vstate;
    s->x += UINT64_C(0x9e3779b97f4a7c15);
    uint64_t z = s->x;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static unsigned long keyed_get(void *vstate) { return (unsigned long)(keyed_next(vstate) >> 32); }

static double keyed_get_double(void *vstate)
{
    return (double)(keyed_next(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type keyed_type = {"walsim-splitmix64", 0xffffffffUL, 0, sizeof(keyed_state),
                                        keyed_set, keyed_get, keyed_get_double};

int ws_rng_init_keyed(ws_rng *r, uint64_t seed, const char *name)
{
    r->seed = ws_rng_derive_seed(seed, name);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->g = gsl_rng_alloc(&keyed_type);
    if (!r->g)
        return -1;
    ws_rng_rekey(r, 0);
    return 0;
}

void ws_rng_rekey(ws_rng *r, uint64_t k)
{
    assert(r->g->type == &keyed_type);
    ((keyed_state *)r->g->state)->x = splitmix64(r->seed ^ splitmix64(k));
}

void ws_rng_destroy(ws_rng *r)
{
    if (r->g)
        gsl_rng_free(r->g);
    r->g = NULL;
}

double ws_rng_uniform(ws_rng *r)
{
    return gsl_rng_uniform(r->g);
}

/* 64 random bits from two 32-bit mt19937 outputs. */
static uint64_t bits64(ws_rng *r)
{
    uint64_t hi = gsl_rng_get(r->g) & 0xffffffffu;
    uint64_t lo = gsl_rng_get(r->g) & 0xffffffffu;
    return hi << 32 | lo;
}

uint64_t ws_rng_below(ws_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    if (r->g->type == &keyed_type) {
        /* D. Lemire, "Fast random integer generation in an interval"
         * (ACM TOMACS 2019): the high word of x * n, rejecting the few x
         * that would bias it; no division on the common path. */
        unsigned __int128 m = (unsigned __int128)keyed_next(r->g->state) * n;
        uint64_t low = (uint64_t)m;
        if (low < n) {
            uint64_t t = (0 - n) % n;
            while (low < t) {
                m = (unsigned __int128)keyed_next(r->g->state) * n;
                low = (uint64_t)m;
            }
        }
        return (uint64_t)(m >> 64);
    }
    if (n <= 0xffffffffu)
        return gsl_rng_uniform_int(r->g, (unsigned long)n);
    /* Rejection from 64 bits: unbiased for any n. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = bits64(r);
    while (x >= limit);
    return x % n;
}

double ws_rng_exp(ws_rng *r, double mean)
{
    return gsl_ran_exponential(r->g, mean);
}

/* log(k!) less Stirling's (k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2:
 * exact to double precision up to 9 (tabulated), by the series beyond. */
static double stirling_tail(double k)
{
    static const double small[10] = {
        0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509,
        0.01664469118982119, 0.01387612882307075, 0.01189670994589177, 0.01041126526197209,
        0.009255462182712733, 0.008330563433362871};
    if (k <= 9)
        return small[(int)k];
    double k1 = k + 1, k1sq = k1 * k1;
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / k1sq) / k1sq) / k1;
}

/* BTRS for p <= 1/2 and n p >= 10 (Hormann 1993, algorithm BTRS): a
 * candidate k from the transformed uniform (u, v); inside the squeeze
 * box it is taken at once, else accepted when log v, scaled to the
 * hat, is at most log(f(k) / f(m)), f the binomial's mass and m its
 * mode, written with Stirling's tails (no log-gamma calls). */
static uint64_t btrs(ws_rng *r, double p, double n)
{
    double spq = sqrt(n * p * (1 - p));
    double b = 1.15 + 2.53 * spq;
    double a = -0.0873 + 0.0248 * b + 0.01 * p;
    double c = n * p + 0.5;
    double alpha = (2.83 + 5.1 / b) * spq;
    double v_r = 0.92 - 4.2 / b;
    double odds = p / (1 - p);
    double m = floor((n + 1) * p);
    for (;;) {
        double u = gsl_rng_uniform(r->g) - 0.5;
        double v = gsl_rng_uniform(r->g);
        double us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + c);
        if (us >= 0.07 && v <= v_r)
            return (uint64_t)k;
        if (!(k >= 0 && k <= n))
            continue; /* (us = 0 gives an infinite k) */
        double lv = log(v * alpha / (a / (us * us) + b));
        double bound = (m + 0.5) * log((m + 1) / (odds * (n - m + 1))) +
                       (n + 1) * log((n - m + 1) / (n - k + 1)) +
                       (k + 0.5) * log(odds * (n - k + 1) / (k + 1)) + stirling_tail(m) +
                       stirling_tail(n - m) - stirling_tail(k) - stirling_tail(n - k);
        if (lv <= bound)
            return (uint64_t)k;
    }
}

uint64_t ws_rng_binomial(ws_rng *r, double p, uint64_t n)
{
    assert(p >= 0 && p <= 1 && n <= UINT32_MAX);
    if (n == 0 || p <= 0)
        return 0;
    if (p >= 1)
        return n;
    double q = p <= 0.5 ? p : 1 - p;
    if ((double)n * q < 14)
        return gsl_ran_binomial(r->g, p, (unsigned)n); /* its inversion */
    uint64_t k = btrs(r, q, (double)n);
    return p <= 0.5 ? k : n - k;
}

unsigned ws_rng_poisson_capped(ws_rng *r, double mu, unsigned cap)
{
    assert(mu >= 0);
    double u = gsl_rng_uniform(r->g), p = exp(-mu), F = p;
    unsigned k = 0;
    while (k < cap && u >= F) { /* F = P(X <= k) */
        k++;
        p *= mu / k;
        F += p;
    }
    return k;
}
