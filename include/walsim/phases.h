/*
 * phases.h - the `[workload] phases` schedule: load over time.
 *
 *   phases = '0=0.2, 5min~1, 10min=3, 12min=1'
 *
 * A comma-separated list of points TIME=FACTOR (a step: from TIME the load
 * is FACTOR times rate or clients) and TIME~FACTOR (a linear ramp from the
 * previous point's factor, or 1 at time 0, reaching FACTOR at TIME).
 * TIME is a duration with PostgreSQL's units (us ms s min h d; a bare
 * number means s), from 0 to 30d, never decreasing from one point to the
 * next; FACTOR is a plain number from 0 to 1000 and may not be left out.
 *
 * The scenario layer parses it when a variant is resolved, so every
 * command reports a malformed schedule at load; the workload model parses
 * it again with the same function when it is built.
 */
#ifndef WALSIM_PHASES_H
#define WALSIM_PHASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_PHASES_MAX_FACTOR 1000.0
#define WS_PHASES_MAX_POINTS 10000

typedef struct ws_phase_point {
    int64_t t_ns;   /* from this time (ns) ... */
    double factor;  /* ... the load is this factor of rate or clients */
    bool ramp;      /* reached linearly from the previous point (TIME~FACTOR) */
} ws_phase_point;

/* Parses `text` ("" is an empty schedule).  Returns 0 with *out (free()
 * it; NULL when empty) and *n, or WS_EINPUT with a message starting
 * "phases: " (no FILE:LINE: the caller knows where the value was written),
 * or WS_ENOMEM. */
int ws_phases_parse(const char *text, ws_phase_point **out, size_t *n, char *msg, size_t len);

#endif
