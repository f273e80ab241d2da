/*
 * pace.c - work that goes in at an even pace (see pace.h).
 */
#include "walsim/pace.h"

void ws_pace_add(ws_pace *p, ws_time now, uint64_t n, ws_time span)
{
    p->at = now; /* due up to now already, or nothing was left */
    p->left += n;
    if (span <= 0) {
        p->rate = 0;
        p->frac = (double)p->left;
        return;
    }
    p->rate = (double)p->left / (double)span;
}
