/*
 * pace.c - work that goes in at an even pace (see pace.h).
 */
#include "walsim/pace.h"

uint64_t ws_pace_due(ws_pace *p, ws_time now, ws_time *from)
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
