/*
 * access.h - which page of a relation a transaction touches.
 *
 *   uniform   every page equally likely
 *   zipf      page k (1-based rank) with probability proportional to k^-s
 *             (rank 1 = page 0; ranks are scattered over the relation by a
 *             fixed permutation so that hot pages are not all adjacent)
 *   hotset    a fraction `hot_access` of accesses go to the first
 *             `hot_pages` fraction of pages (uniformly within each part)
 *   append    the page at the relation's end; it advances every
 *             `rows_per_page` appends (a history table, COPY)
 *
 * Zipf sampling uses rejection-inversion (W. Hormann and G. Derflinger,
 * "Rejection-inversion to generate variates from monotone discrete
 * distributions", 1996): O(1) per draw for any number of pages, no tables.
 */
#ifndef WALSIM_ACCESS_H
#define WALSIM_ACCESS_H

#include <stdint.h>

#include "walsim/rng.h"

typedef enum ws_access_kind {
    WS_ACCESS_UNIFORM,
    WS_ACCESS_ZIPF,
    WS_ACCESS_HOTSET,
    WS_ACCESS_APPEND
} ws_access_kind;

typedef struct ws_access {
    ws_access_kind kind;
    uint64_t pages;        /* pages in the relation (append: pages so far) */
    /* zipf */
    double s, h_x1, h_n, hi_s;
    /* hotset */
    double hot_access;
    uint64_t hot_pages;
    /* append */
    uint64_t rows_per_page, rows_in_last;
} ws_access;

void ws_access_uniform(ws_access *a, uint64_t pages);
/* s > 0, s != 1 allowed; s == 1 handled too. */
void ws_access_zipf(ws_access *a, uint64_t pages, double s);
/* hot_access in [0,1]: share of accesses; hot_pages_frac in (0,1]: share of pages */
void ws_access_hotset(ws_access *a, uint64_t pages, double hot_access, double hot_pages_frac);
void ws_access_append(ws_access *a, uint64_t pages, uint64_t rows_per_page);

/* Draws a page number in [0, pages) (append: the current last page, and
 * counts one row). */
uint64_t ws_access_next(ws_access *a, ws_rng *r);

#endif
