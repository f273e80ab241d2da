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

/* Uniform in [0,1). */
double ws_rng_uniform(ws_rng *r);
/* Uniform integer in [0, n), n >= 1 (n may exceed 2^32). */
uint64_t ws_rng_below(ws_rng *r, uint64_t n);
/* Exponential with the given mean. */
double ws_rng_exp(ws_rng *r, double mean);

#endif
