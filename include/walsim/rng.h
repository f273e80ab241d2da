/*
 * rng.h - named random streams.
 *
 * Every model component draws from its own stream, seeded from the
 * scenario seed and the component's name ("workload.arrivals",
 * "bufpool.victim", ...).  Adding a component therefore does not shift any
 * other component's numbers, and every variant of a scenario sees the same
 * workload stream (common random numbers): the variant name is never part
 * of a seed.
 *
 * Streams are GSL generators (gsl_rng_mt19937); the seed is a 64-bit hash
 * of (scenario seed, name) folded into the generator's seed space.
 *
 * Keyed streams (ws_rng_init_keyed) are for draws that belong to one
 * numbered item, such as the pages transaction number k touches: before
 * the item's draws, ws_rng_rekey(r, k) puts the stream in a state that
 * depends only on (stream seed, k).  The draws of item k are then the
 * same whenever and however often they are made, and in every variant,
 * whatever order the items are served in.  The generator is splitmix64
 * (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014) wrapped as a GSL generator type, so the
 * gsl_ran_* functions work on it; rekeying costs a few nanoseconds.
 */
#ifndef WALSIM_RNG_H
#define WALSIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

typedef struct ws_rng {
    gsl_rng *g;         /* use with gsl_ran_* directly */
    uint64_t seed;      /* derived seed, for reports and tests */
    char name[48];
} ws_rng;

/* The derived seed of stream `name` under scenario seed `seed`:
 * splitmix64 of (seed XOR FNV-1a-64(name)).  Deterministic across
 * platforms. */
uint64_t ws_rng_derive_seed(uint64_t seed, const char *name);

/* Initializes *r.  Returns 0, or -1 when out of memory. */
int ws_rng_init(ws_rng *r, uint64_t seed, const char *name);
void ws_rng_destroy(ws_rng *r);

/* A keyed stream (see above).  Returns 0, or -1 when out of memory. */
int ws_rng_init_keyed(ws_rng *r, uint64_t seed, const char *name);
/* Restarts keyed stream r at the state of item k. */
void ws_rng_rekey(ws_rng *r, uint64_t k);

/* Uniform in [0,1). */
double ws_rng_uniform(ws_rng *r);
/* Uniform integer in [0, n), n >= 1 (n may exceed 2^32). */
uint64_t ws_rng_below(ws_rng *r, uint64_t n);
/* Exponential with the given mean. */
double ws_rng_exp(ws_rng *r, double mean);
/* Binomial(n, p), 0 <= p <= 1, n up to 2^32 - 1.  Small means (n
 * min(p, 1 - p) below 14) by GSL's inversion, the same draws as
 * gsl_ran_binomial; larger ones by Hormann's transformed rejection with
 * squeeze (BTRS: "The generation of binomial random variates", J. Stat.
 * Comput. Simul. 46, 1993), exact like GSL's BTPE and about twice as fast:
 * most draws are two uniforms and no logarithm. */
uint64_t ws_rng_binomial(ws_rng *r, double p, uint64_t n);
/* min(Poisson(mu), cap), mu >= 0: by inversion over the cap + 1 values,
 * one uniform (cheap where only small counts matter: a usage count). */
unsigned ws_rng_poisson_capped(ws_rng *r, double mu, unsigned cap);

#endif
