/*
 * pagestate.h - the per-page state the whole database needs: 2 bytes a page.
 *
 * PostgreSQL decides whether a WAL record carries a full-page image by
 * comparing the page's LSN with the redo pointer of the current checkpoint
 * (xloginsert.c XLogRecordAssemble: image iff page LSN <= RedoRecPtr).
 * Keeping an 8-byte LSN for every page of a 1 TB database would cost 1 GB,
 * so walsim keeps instead the checkpoint *epoch* of the page's last
 * WAL-logged change: epoch e means "changed while the redo pointer of the
 * e-th checkpoint was current".  The first change after a new checkpoint
 * started sees an older epoch, so it needs an image; later changes in the
 * same cycle do not.  This is exact, not an approximation.
 *
 * Layout: one uint16_t per page.  Value 0 means "not changed since the
 * start of the run, or so long ago that it no longer matters".  Epochs
 * count 1..WS_PS_EPOCH_MAX and wrap; to keep the comparison exact across
 * the wrap, each time the epoch counter passes a multiple of
 * WS_PS_SWEEP_EVERY, every page whose epoch is older than one sweep period
 * is reset to 0 (an O(pages) pass every 8,192 checkpoints).  Between two sweeps no
 * stored epoch ages by more than 2 x 8,192 < 32,767, so none can wrap round.
 *
 * Pages are numbered globally: every relation (heap or index) owns a
 * contiguous range of page numbers.
 */
#ifndef WALSIM_PAGESTATE_H
#define WALSIM_PAGESTATE_H

#include <stdbool.h>
#include <stdint.h>

#define WS_PS_EPOCH_MAX 32767u
#define WS_PS_SWEEP_EVERY 8192u

typedef struct ws_pagestate {
    uint16_t *epoch;   /* per page; 0 = not changed in the current or previous sweep period */
    uint64_t pages;
    uint64_t cap;      /* entries allocated (>= pages); those past pages are 0 */
    uint16_t current;  /* epoch of the current redo pointer, 1..WS_PS_EPOCH_MAX */
    uint64_t checkpoints; /* redo pointers set so far */
    /* Tail mode (ws_pagestate_init_tail), for a relation only ever changed
     * at its end, one page after another (an append-only table): the
     * pages changed since a redo pointer are then the run from the first
     * one changed after it to the last, so three page numbers and the
     * last page's epoch say all the array would, in constant memory. */
    bool tail;
    uint64_t tail_page;    /* the last page changed (UINT64_MAX: none yet) */
    uint16_t tail_epoch;   /* its epoch */
    uint64_t first_cur, first_prev; /* first page changed since the current / the previous
                                       redo pointer (UINT64_MAX: none) */
} ws_pagestate;

/* Allocates state for `pages` pages, all unchanged.  Returns 0 or -1 (out of memory). */
int ws_pagestate_init(ws_pagestate *ps, uint64_t pages);
/* The same in tail mode: every later change must be of the last page
 * changed or of the page after it (asserted).  Returns 0. */
int ws_pagestate_init_tail(ws_pagestate *ps, uint64_t pages);
/* Tail mode's ws_pagestate_touch. */
bool ws_pagestate_touch_tail(ws_pagestate *ps, uint64_t page);
/* Pages changed since the current redo pointer; with `prev`, also those
 * whose last change was under the previous one. */
uint64_t ws_pagestate_count_recent(const ws_pagestate *ps, bool prev);
void ws_pagestate_destroy(ws_pagestate *ps);

/* Grows to `pages` pages (an appended-to relation); new pages are
 * unchanged.  Returns 0 or -1 (out of memory). */
int ws_pagestate_grow(ws_pagestate *ps, uint64_t pages);

/* A new checkpoint's redo pointer: every page needs an image again at its
 * next change. */
void ws_pagestate_new_redo(ws_pagestate *ps);

/* Records a WAL-logged change of `page`; returns true if this change must
 * carry a full-page image (first change since the current redo pointer).
 * full_page_writes=off callers simply ignore the answer. */
static inline bool ws_pagestate_touch(ws_pagestate *ps, uint64_t page)
{
    if (ps->tail)
        return ws_pagestate_touch_tail(ps, page);
    uint16_t *e = &ps->epoch[page];
    if (*e == ps->current)
        return false;
    *e = ps->current;
    return true;
}

/* Would a change of `page` need an image now? (no state change) */
static inline bool ws_pagestate_needs_image(const ws_pagestate *ps, uint64_t page)
{
    if (ps->tail)
        return !(page == ps->tail_page && ps->tail_epoch == ps->current);
    return ps->epoch[page] != ps->current;
}

/* Number of pages changed since the current redo pointer (O(pages); for tests and reports). */
uint64_t ws_pagestate_count_current(const ws_pagestate *ps);

#endif
