/*
 * dbops.h - a transaction's page operations, inside src/db: shared by
 * db.c (the transactions simulated one by one) and fluid.c (those of
 * transaction sampling, in aggregate).  Not a public header.
 */
#ifndef WALSIM_DBOPS_H
#define WALSIM_DBOPS_H

#include <stdbool.h>
#include <stdint.h>

#include "walsim/db.h"

/* One page access of a transaction. */
typedef struct ws_acc {
    uint64_t page;     /* APPENDED: an append whose page is known only when it runs */
    int64_t buf;       /* looked-up buffer, -1 for a miss */
    uint16_t rel;
    bool modify, extend;
    uint8_t pins;      /* extra pins after the first */
} ws_acc;

/* Is block `block` of r simulated (always, unless r is sampled)? */
static inline bool ws_db_in_sample(const ws_rel *r, uint64_t block)
{
    return r->k == 1 || block % r->k == 0;
}

/* Block `block` of r may no longer be settled (written, so clean): a
 * table whose fluid accesses are counted in bulk takes it back into its
 * set (fluid.c). */
static inline void ws_db_unsettle(ws_rel *r, uint64_t block)
{
    if (!r->fl_pos || r->fl_pos[block] != UINT32_MAX)
        return;
    r->fl_pos[block] = r->fl_n;
    r->fl_set[r->fl_n++] = (uint32_t)block;
}

/* A miss: take a clock-sweep victim (writing it first if dirty), then
 * read the page, or create it when the relation is extended.  Adds the
 * time this takes to *wait; returns the buffer. */
uint32_t ws_db_load_page(ws_db *db, int rel, uint64_t page, bool extend, ws_time *wait);

/* An access outside the sample (sampling.c): a hit, or a miss with a
 * victim that is dirty as often as the sampled pool's are, drawn from the
 * sample's state now.  Returns true for a hit. */
bool ws_db_proxy_access(ws_db *db, ws_rel *r, uint64_t page, bool extend, ws_time *wait);

/* An append to relation a->rel: the page at its end, a new one when the
 * last is full (access.c); sets a->page and a->extend. */
void ws_db_append_row(ws_db *db, ws_acc *a);

/* A change of a->page of r: of a logged relation, it goes into the WAL
 * record (returns true), with a full-page image when it is the page's
 * first change since the redo pointer, added to *fpi, *fpi_stored and
 * *fpi_raw; the image's compression CPU is added to *cpu. */
bool ws_db_log_change(ws_db *db, ws_rel *r, const ws_acc *a, uint32_t *fpi, uint64_t *fpi_stored,
                      uint64_t *fpi_raw, ws_time *cpu);

#endif
