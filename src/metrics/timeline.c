/*
 * timeline.c - the growable array of per-interval rows (see timeline.h).
 */
#include "walsim/timeline.h"

#include <stdlib.h>
#include <string.h>

ws_interval *ws_timeline_add(ws_timeline *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->rows = realloc(t->rows, t->cap * sizeof *t->rows);
        if (!t->rows)
            abort();
    }
    ws_interval *r = &t->rows[t->n++];
    memset(r, 0, sizeof *r);
    return r;
}

void ws_timeline_free(ws_timeline *t)
{
    free(t->rows);
    *t = (ws_timeline){0};
}
