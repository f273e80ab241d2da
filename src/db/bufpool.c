/*
 * bufpool.c - shared buffer descriptors, page map and clock sweep.
 */
#include "walsim/bufpool.h"

#include "walsim/bigmem.h"

#include <assert.h>
#include <stdlib.h>

static inline uint64_t slot_of(const ws_bufpool *bp, uint64_t page)
{
    return ws_bufpool_slot(bp, page);
}

int ws_bufpool_init(ws_bufpool *bp, uint32_t nbuffers)
{
    assert(nbuffers > 0);
    uint64_t size = 1024;
    unsigned bits = 10;
    while (size < 2 * (uint64_t)nbuffers) {
        size *= 2;
        bits++;
    }
    bp->map_shift = 64 - bits;
    bp->n = nbuffers;
    bp->hand = 0;
    bp->passes = 0;
    bp->allocs = 0;
    bp->dirty = 0;
    bp->unseen = NULL;
    bp->unseen_ctx = NULL;
    bp->direct = NULL;
    bp->n_direct = 0;
    bp->map_mask = size - 1;
    bp->page = ws_big_calloc(nbuffers, sizeof *bp->page);
    bp->lsn = ws_big_calloc(nbuffers, sizeof *bp->lsn);
    bp->state = ws_big_calloc(nbuffers, sizeof *bp->state);
    bp->map = ws_big_calloc(size, sizeof *bp->map);
    bp->dirty_bits = calloc(((size_t)nbuffers + 63) / 64, sizeof *bp->dirty_bits);
    if (!bp->page || !bp->lsn || !bp->state || !bp->map || !bp->dirty_bits) {
        ws_bufpool_destroy(bp);
        return -1;
    }
    for (uint32_t i = 0; i < nbuffers; i++)
        bp->page[i] = WS_BUF_NONE;
    for (uint64_t i = 0; i < size; i++)
        bp->map[i] = (ws_map_slot){WS_BUF_NONE, 0};
    return 0;
}

void ws_bufpool_destroy(ws_bufpool *bp)
{
    free(bp->page);
    free(bp->lsn);
    free(bp->state);
    free(bp->map);
    free(bp->dirty_bits);
    for (int i = 0; i < bp->n_direct; i++)
        free(bp->direct[i].buf);
    free(bp->direct);
    bp->direct = NULL;
    bp->n_direct = 0;
    bp->dirty_bits = NULL;
    bp->page = bp->lsn = NULL;
    bp->state = NULL;
    bp->map = NULL;
}

int ws_bufpool_direct(ws_bufpool *bp, int rel, uint64_t blocks, uint32_t k)
{
    assert(rel >= 0 && rel < WS_BUFPOOL_MAX_DIRECT && blocks > 0 && k > 0);
    if (rel >= bp->n_direct) {
        ws_bufpool_rel_array *d = realloc(bp->direct, ((size_t)rel + 1) * sizeof *d);
        if (!d)
            return -1;
        for (int i = bp->n_direct; i <= rel; i++)
            d[i] = (ws_bufpool_rel_array){NULL, 0, 1};
        bp->direct = d;
        bp->n_direct = rel + 1;
    }
    assert(!bp->direct[rel].buf);
    uint64_t entries = (blocks + k - 1) / k;
    uint32_t *a = ws_big_calloc(entries, sizeof *a); /* all WS_BUF_DIRECT_NONE */
    if (!a)
        return -1;
    for (uint32_t b = 0; b < bp->n; b++) /* none yet: the map keeps no copy */
        assert(bp->page[b] == WS_BUF_NONE || ws_page_rel(bp->page[b]) != rel);
    bp->direct[rel] = (ws_bufpool_rel_array){a, blocks, k};
    return 0;
}

int64_t ws_bufpool_lookup(const ws_bufpool *bp, uint64_t page)
{
    const uint32_t *d = ws_bufpool_direct_slot(bp, page);
    if (d)
        return (int64_t)*d - 1; /* -1: WS_BUF_DIRECT_NONE */
    for (uint64_t i = slot_of(bp, page);; i = (i + 1) & bp->map_mask) {
        if (bp->map[i].page == page)
            return bp->map[i].buf;
        if (bp->map[i].page == WS_BUF_NONE)
            return -1;
    }
}

static void map_insert(ws_bufpool *bp, uint64_t page, uint32_t buf)
{
    uint64_t i = slot_of(bp, page);
    while (bp->map[i].page != WS_BUF_NONE) {
        assert(bp->map[i].page != page);
        i = (i + 1) & bp->map_mask;
    }
    bp->map[i] = (ws_map_slot){page, buf};
}

/* Deletion with backward shift (Knuth 6.4 algorithm R): keeps every probe
 * chain unbroken without tombstones. */
static void map_remove(ws_bufpool *bp, uint64_t page)
{
    uint64_t i = slot_of(bp, page);
    while (bp->map[i].page != page) {
        assert(bp->map[i].page != WS_BUF_NONE);
        i = (i + 1) & bp->map_mask;
    }
    uint64_t j = i;
    for (;;) {
        bp->map[i].page = WS_BUF_NONE;
        for (;;) {
            j = (j + 1) & bp->map_mask;
            if (bp->map[j].page == WS_BUF_NONE)
                return;
            uint64_t home = slot_of(bp, bp->map[j].page);
            /* Move j back to i unless its home lies cyclically in (i, j]. */
            bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays)
                break;
        }
        bp->map[i] = bp->map[j];
        i = j;
    }
}

uint32_t ws_bufpool_victim(ws_bufpool *bp)
{
    bp->allocs++;
    for (;;) {
        uint32_t b = bp->hand;
        if (++bp->hand == bp->n) {
            bp->hand = 0;
            bp->passes++;
        }
        ws_bufpool_refresh(bp, b);
        if ((bp->state[b] & WS_BUF_USAGE_MASK) == 0) /* also every empty buffer */
            return b;
        bp->state[b]--;
    }
}

void ws_bufpool_load(ws_bufpool *bp, uint32_t b, uint64_t page, bool permanent)
{
    assert(b < bp->n);
    if (bp->page[b] != WS_BUF_NONE) {
        uint32_t *d = ws_bufpool_direct_slot(bp, bp->page[b]);
        if (d)
            *d = WS_BUF_DIRECT_NONE;
        else
            map_remove(bp, bp->page[b]);
        if (bp->state[b] & WS_BUF_DIRTY) {
            bp->dirty--; /* the caller wrote it out first */
            bp->dirty_bits[b >> 6] &= ~(UINT64_C(1) << (b & 63));
        }
    }
    bp->page[b] = page;
    bp->lsn[b] = 0;
    bp->state[b] = (uint8_t)(1 | (permanent ? WS_BUF_PERMANENT : 0));
    uint32_t *d = ws_bufpool_direct_slot(bp, page);
    if (d) {
        assert(*d == WS_BUF_DIRECT_NONE);
        *d = b + 1;
    } else {
        map_insert(bp, page, b);
    }
}
