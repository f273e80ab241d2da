/*
 * pace.h - an amount of work that goes in at an even pace (transaction
 * sampling: the fluid transactions' WAL into the insert position, their
 * reads into the device's queue).  Units are whole (bytes, reads); the
 * part of a unit due so far is carried, so nothing is lost to rounding.
 */
#ifndef WALSIM_PACE_H
#define WALSIM_PACE_H

#include <stdint.h>

#include "walsim/sim.h"

typedef struct ws_pace {
    uint64_t left;   /* units not yet due */
    double rate;     /* units per ns */
    double frac;     /* the part of a unit due at `at` */
    ws_time at;      /* due up to here */
} ws_pace;

/* The units due by `now`, taken off p; *from (if not NULL) gets the time
 * up to which the previous ones were due.  Call it before ws_pace_add.
 * Inline: the device and the WAL ask before every request (millions of
 * calls an hour of a big system). */
static inline uint64_t ws_pace_due(ws_pace *p, ws_time now, ws_time *from)
{
    if (from)
        *from = p->at;
    if (p->left == 0)
        return 0;
    double due = p->rate * (double)(now - p->at) + p->frac;
    uint64_t n = due >= (double)p->left ? p->left : (uint64_t)due;
    p->at = now;
    p->frac = n == p->left ? 0 : due - (double)n;
    p->left -= n;
    return n;
}

/* n more units from `now`: they and what is left go in at an even pace
 * over `span`; all of them at once (due at now) when span <= 0. */
void ws_pace_add(ws_pace *p, ws_time now, uint64_t n, ws_time span);

#endif
