/*
 * pagestate.c - checkpoint epochs per page (see pagestate.h).
 */
#include "walsim/pagestate.h"

#include "walsim/bigmem.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

int ws_pagestate_init(ws_pagestate *ps, uint64_t pages)
{
    ps->pages = pages;
    ps->cap = pages ? pages : 1;
    ps->epoch = ws_big_calloc(ps->cap, sizeof *ps->epoch);
    ps->current = 1;
    ps->checkpoints = 0;
    ps->tail = false;
    return ps->epoch ? 0 : -1;
}

int ws_pagestate_init_tail(ws_pagestate *ps, uint64_t pages)
{
    ps->pages = pages;
    ps->cap = 0;
    ps->epoch = NULL;
    ps->current = 1;
    ps->checkpoints = 0;
    ps->tail = true;
    ps->tail_page = ps->first_cur = ps->first_prev = UINT64_MAX;
    ps->tail_epoch = 0;
    return 0;
}

bool ws_pagestate_touch_tail(ws_pagestate *ps, uint64_t page)
{
    /* the last page again, or the one after it: an appended page is
     * changed by the append that creates it (db.c) */
    assert(ps->tail_page == UINT64_MAX || page == ps->tail_page || page == ps->tail_page + 1);
    if (page == ps->tail_page && ps->tail_epoch == ps->current)
        return false;
    /* a page after the last was never changed: its epoch was 0 */
    ps->tail_page = page;
    ps->tail_epoch = ps->current;
    if (ps->first_cur == UINT64_MAX)
        ps->first_cur = page;
    return true;
}

uint64_t ws_pagestate_count_recent(const ws_pagestate *ps, bool prev)
{
    if (!ps->tail) {
        uint16_t cur = ps->current;
        uint16_t before = cur > 1 ? (uint16_t)(cur - 1) : (uint16_t)WS_PS_EPOCH_MAX;
        uint64_t n = 0;
        for (uint64_t p = 0; p < ps->pages; p++) {
            uint16_t e = ps->epoch[p];
            n += e != 0 && (e == cur || (prev && e == before));
        }
        return n;
    }
    uint64_t n = ps->first_cur == UINT64_MAX ? 0 : ps->tail_page - ps->first_cur + 1;
    if (prev && ps->first_prev != UINT64_MAX && ps->checkpoints > 0) {
        /* the previous run ends where the current one starts (its last
         * page, changed again since, belongs to the current run) */
        uint64_t end = ps->first_cur == UINT64_MAX ? ps->tail_page + 1 : ps->first_cur;
        n += end - ps->first_prev;
    }
    return n;
}

int ws_pagestate_grow(ws_pagestate *ps, uint64_t pages)
{
    if (pages <= ps->pages)
        return 0;
    if (ps->tail) {
        ps->pages = pages;
        return 0;
    }
    if (pages > ps->cap) {
        /* Geometric growth: a bulk load grows a relation a few pages per
         * step, and a realloc per step copied the whole array each time
         * (quadratic; minutes under ASan, where realloc always moves). */
        uint64_t cap = ps->cap + ps->cap / 2;
        if (cap < pages)
            cap = pages;
        if (cap > SIZE_MAX / sizeof *ps->epoch)
            return -1;
        uint16_t *e = realloc(ps->epoch, (size_t)cap * sizeof *e);
        if (!e)
            return -1;
        for (uint64_t p = ps->cap; p < cap; p++)
            e[p] = 0;
        ps->epoch = e;
        ps->cap = cap;
    }
    ps->pages = pages; /* entries ps->pages..pages are 0: never touched */
    return 0;
}

void ws_pagestate_destroy(ws_pagestate *ps)
{
    free(ps->epoch);
    ps->epoch = NULL;
}

/* Distance from epoch a forward to epoch b on the 1..MAX ring. */
static uint32_t ring_age(uint16_t from, uint16_t to)
{
    return (uint32_t)(to + WS_PS_EPOCH_MAX - from) % WS_PS_EPOCH_MAX;
}

void ws_pagestate_new_redo(ws_pagestate *ps)
{
    ps->checkpoints++;
    ps->current = (uint16_t)(ps->current % WS_PS_EPOCH_MAX + 1);
    if (ps->tail) {
        ps->first_prev = ps->first_cur;
        ps->first_cur = UINT64_MAX;
        if (ps->tail_epoch && ring_age(ps->tail_epoch, ps->current) >= WS_PS_SWEEP_EVERY)
            ps->tail_epoch = 0;
        return;
    }
    if (ps->checkpoints % WS_PS_SWEEP_EVERY == 0) {
        /* Forget epochs older than one sweep period, so that no stored
         * epoch can come round to equal `current` again. */
        for (uint64_t p = 0; p < ps->pages; p++) {
            uint16_t e = ps->epoch[p];
            if (e && ring_age(e, ps->current) >= WS_PS_SWEEP_EVERY)
                ps->epoch[p] = 0;
        }
    }
    assert(ps->current >= 1 && ps->current <= WS_PS_EPOCH_MAX);
}

uint64_t ws_pagestate_count_current(const ws_pagestate *ps)
{
    if (ps->tail)
        return ws_pagestate_count_recent(ps, false);
    uint64_t n = 0;
    for (uint64_t p = 0; p < ps->pages; p++)
        n += ps->epoch[p] == ps->current;
    return n;
}
