/*
 * timeline.c - the rows of a run: a spool of ws_interval (timeline.h).
 */
#include "walsim/timeline.h"

ws_interval *ws_timeline_add(ws_timeline *t) { return ws_spool_add(t, sizeof(ws_interval)); }

ws_interval *ws_timeline_last(ws_timeline *t) { return ws_spool_last(t); }

const ws_interval *ws_timeline_get(const ws_timeline *t, size_t i, ws_interval *tmp)
{
    return ws_spool_get(t, i, tmp);
}

int ws_timeline_spill(ws_timeline *t, const char *dir, char *msg, size_t msg_len)
{
    return ws_spool_spill(t, dir, "timeline", msg, msg_len);
}

void ws_timeline_free(ws_timeline *t) { ws_spool_free(t); }
