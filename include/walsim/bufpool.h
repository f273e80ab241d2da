/*
 * bufpool.h - shared buffers: descriptors, the page -> buffer map, and the
 * clock sweep (freelist.c StrategyGetBuffer, buf_internals.h).
 *
 * Each of NBuffers descriptors holds the page it caches, the page LSN
 * (end of the last WAL record that changed it: a write must flush WAL up
 * to here first, bufmgr.c FlushBuffer), usage_count (0..5,
 * BM_MAX_USAGE_COUNT) and flags; the relation is part of the page id.  The map is an open-addressing hash table
 * with linear probing and backward-shift deletion, sized to at least twice
 * NBuffers, so a lookup touches one or two cache lines.
 *
 * Clock sweep: the hand moves over the descriptors; a buffer with
 * usage_count > 0 is decremented and skipped, the first with 0 is the
 * victim.  walsim runs a transaction's buffer accesses as one step, so no
 * buffer is ever pinned when the sweep looks at it.  A newly loaded page
 * starts at usage_count 1; each later access adds 1 up to 5.
 *
 * Memory: 17 bytes a buffer, 1 bit of dirty map, plus 16 a map slot (x2):
 * ~49 bytes per 8 kB buffer, 98 MB for 16 GB of shared_buffers.
 *
 * A relation may instead have an array of its own, indexed by block
 * (ws_bufpool_direct): 4 bytes a page of it (a sampled page of it).  db.c
 * gives them to the relations in order while their entries stay within
 * 4 a buffer (16 bytes a buffer at most, against the map's 32): pgbench's
 * tables, or under sampling its tellers, branches and the sampled pages
 * of its accounts.  A lookup in the map's megabytes missed the CPU caches
 * nearly every time (about a tenth of a big run's time when nothing
 * prefetched it); an array is denser.  Blocks past an array (a relation
 * that grew) go to the map.
 */
#ifndef WALSIM_BUFPOOL_H
#define WALSIM_BUFPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_BUF_NONE UINT64_MAX  /* page of an empty buffer */
#define WS_BUF_MAX_USAGE 5

/* State byte of a buffer: usage_count in the low 3 bits, flags above. */
#define WS_BUF_USAGE_MASK 0x07
#define WS_BUF_DIRTY 0x08
#define WS_BUF_CKPT_NEEDED 0x10 /* tagged by the running checkpoint (BM_CHECKPOINT_NEEDED) */
#define WS_BUF_PERMANENT 0x20   /* logged relation (BM_PERMANENT) */
#define WS_BUF_UNSEEN 0x40      /* touched also by accesses not done one by one: the
                                   sweep asks bp->unseen for their usage bumps */

/* A page id names a page of the whole database: (relation << 40) | block. */
#define WS_PAGE_REL_SHIFT 40
static inline uint64_t ws_page_id(int rel, uint64_t block)
{
    return (uint64_t)rel << WS_PAGE_REL_SHIFT | block;
}
static inline int ws_page_rel(uint64_t id) { return (int)(id >> WS_PAGE_REL_SHIFT); }
static inline uint64_t ws_page_block(uint64_t id)
{
    return id & ((UINT64_C(1) << WS_PAGE_REL_SHIFT) - 1);
}

/* A direct array's entry: the buffer + 1, or 0 when the block is not
 * resident (so a fresh zeroed array is all "not resident"). */
#define WS_BUF_DIRECT_NONE 0u

/* A relation's own lookup array (ws_bufpool_direct). */
typedef struct ws_bufpool_rel_array {
    uint32_t *buf;        /* the buffer + 1 of each block below len that is a multiple of
                             k, at index block / k (WS_BUF_DIRECT_NONE: not resident);
                             NULL: all the relation's blocks in the map */
    uint64_t len;
    uint32_t k;
} ws_bufpool_rel_array;

typedef struct ws_map_slot {
    uint64_t page;  /* WS_BUF_NONE: free slot */
    uint32_t buf;
} ws_map_slot;

/* The descriptors are kept as parallel arrays (structure of arrays), each
 * sized for its access pattern: a buffer hit reads the map slot and the
 * 1-byte state (2 MB for 16 GB of shared_buffers: it stays in the CPU
 * caches), a change also stores the LSN; the page id array is read only
 * on eviction, by the bgwriter and by the checkpointer. */
typedef struct ws_bufpool {
    uint64_t *page;       /* page id per buffer, WS_BUF_NONE when empty */
    uint64_t *lsn;        /* page LSN per buffer */
    uint8_t *state;       /* usage_count | WS_BUF_* flags per buffer */
    uint32_t n;           /* NBuffers */
    uint32_t hand;        /* clock hand: next buffer the sweep looks at */
    uint64_t passes;      /* complete passes of the hand (StrategySyncStart's complete_passes) */
    uint64_t allocs;      /* buffers_alloc */
    uint32_t dirty;       /* buffers with WS_BUF_DIRTY */
    uint64_t *dirty_bits; /* one bit per buffer, set while it is dirty: the
                             checkpointer finds the dirty buffers in N / 64
                             word reads, not N state bytes */
    ws_map_slot *map;
    uint64_t map_mask;    /* map size - 1 (power of two) */
    unsigned map_shift;   /* 64 - log2(map size): Fibonacci hashing takes the top bits */
    /* Per relation below n_direct, its lookup array, in huge pages as the
     * map (bigmem.h: fewer TLB misses). */
    ws_bufpool_rel_array *direct;
    int n_direct;
    /* Usage bumps a WS_BUF_UNSEEN buffer got from accesses counted in
     * bulk (transaction sampling, fluid.c) over `share` of a pass of the
     * hand; NULL: none. */
    unsigned (*unseen)(void *ctx, uint32_t b, double share);
    void *unseen_ctx;
} ws_bufpool;

/* Home slot of `page` in the map (Fibonacci hashing: page numbers of a
 * relation are consecutive, the multiplication spreads them). */
static inline uint64_t ws_bufpool_slot(const ws_bufpool *bp, uint64_t page)
{
    return (page * UINT64_C(0x9E3779B97F4A7C15)) >> bp->map_shift;
}

/* The direct array's entry for `page`, or NULL when the map holds it. */
static inline uint32_t *ws_bufpool_direct_slot(const ws_bufpool *bp, uint64_t page)
{
    if (bp->n_direct == 0) /* a pool without arrays: one test */
        return NULL;
    int rel = ws_page_rel(page);
    uint64_t block = ws_page_block(page);
    if (rel >= bp->n_direct)
        return NULL;
    const ws_bufpool_rel_array *d = &bp->direct[rel];
    if (!d->buf || block >= d->len)
        return NULL;
    if (d->k == 1)
        return &d->buf[block];
    return block % d->k == 0 ? &d->buf[block / d->k] : NULL;
}

/* Starts loading the cache lines a lookup of `page` will touch.  Forced
 * inline: GCC takes a function whose only effect is a prefetch for one
 * without effects ("const", ipa-pure-const) and deletes the calls of one
 * it has not inlined first; since this body grew past its early inliner's
 * size (the direct arrays, d6b7740), every prefetch of a map slot was
 * gone from the binary (GCC 12, -O2), and the lookups stalled on them. */
static inline __attribute__((always_inline)) void ws_bufpool_prefetch(const ws_bufpool *bp, uint64_t page)
{
    uint32_t *d = ws_bufpool_direct_slot(bp, page);
    if (d)
        __builtin_prefetch(d);
    else
        __builtin_prefetch(&bp->map[ws_bufpool_slot(bp, page)]);
}

/* Returns 0, or -1 when out of memory. */
int ws_bufpool_init(ws_bufpool *bp, uint32_t nbuffers);
void ws_bufpool_destroy(ws_bufpool *bp);

/* Gives relation `rel` (0..WS_BUFPOOL_MAX_DIRECT - 1) an array of its own
 * for its blocks below `blocks` that are multiples of k (a sampled
 * relation's, sampling.c), before any of its pages is loaded.  Returns 0,
 * or -1 when out of memory. */
#define WS_BUFPOOL_MAX_DIRECT 4096
/* The entries db.c gives the arrays, at most, per buffer (memest.c). */
#define WS_BUFPOOL_DIRECT_PER_BUFFER 4
int ws_bufpool_direct(ws_bufpool *bp, int rel, uint64_t blocks, uint32_t k);

/* The buffer holding `page`, or -1. */
int64_t ws_bufpool_lookup(const ws_bufpool *bp, uint64_t page);

/* Runs the clock sweep and returns the victim's index (usage_count 0).
 * Counts an allocation.  The caller writes the victim if it is dirty, then
 * calls ws_bufpool_load. */
uint32_t ws_bufpool_victim(ws_bufpool *bp);

/* Makes buffer `b` hold page id `page` (clean, usage_count 1), replacing
 * whatever it held. */
void ws_bufpool_load(ws_bufpool *bp, uint32_t b, uint64_t page, bool permanent);

static inline uint8_t ws_bufpool_flags(const ws_bufpool *bp, uint32_t b)
{
    return bp->state[b] & (uint8_t)~WS_BUF_USAGE_MASK;
}
static inline unsigned ws_bufpool_usage(const ws_bufpool *bp, uint32_t b)
{
    return bp->state[b] & WS_BUF_USAGE_MASK;
}

/* An access to a resident buffer (PinBuffer): usage_count + 1, up to 5. */
/* Adds to buffer b's usage count the bumps of its unseen accesses since
 * the hand last passed it (a WS_BUF_UNSEEN buffer), as the clock sweep
 * looks at it. */
static inline void ws_bufpool_refresh(ws_bufpool *bp, uint32_t b)
{
    uint8_t s = bp->state[b];
    if (!(s & WS_BUF_UNSEEN) || !bp->unseen || (s & WS_BUF_USAGE_MASK) == WS_BUF_MAX_USAGE)
        return;
    unsigned u = (s & WS_BUF_USAGE_MASK) + bp->unseen(bp->unseen_ctx, b, 1.0);
    if (u > WS_BUF_MAX_USAGE)
        u = WS_BUF_MAX_USAGE;
    bp->state[b] = (uint8_t)((s & ~WS_BUF_USAGE_MASK) | u);
}

/* Buffer b's usage count as it is now, with the unseen bumps since the
 * hand passed it (the part of a pass since then: b is ahead of the hand),
 * without keeping them: the bgwriter's look ahead of the sweep, which
 * gives them when it gets there. */
static inline unsigned ws_bufpool_usage_now(const ws_bufpool *bp, uint32_t b)
{
    uint8_t s = bp->state[b];
    unsigned u = s & WS_BUF_USAGE_MASK;
    if (!(s & WS_BUF_UNSEEN) || !bp->unseen || u == WS_BUF_MAX_USAGE)
        return u;
    uint32_t ahead = b >= bp->hand ? b - bp->hand : b + bp->n - bp->hand;
    u += bp->unseen(bp->unseen_ctx, b, (double)(bp->n - ahead) / bp->n);
    return u > WS_BUF_MAX_USAGE ? WS_BUF_MAX_USAGE : u;
}

static inline void ws_bufpool_hit(ws_bufpool *bp, uint32_t b)
{
    if ((bp->state[b] & WS_BUF_USAGE_MASK) < WS_BUF_MAX_USAGE)
        bp->state[b]++;
}

/* Marks buffer b dirty with page LSN `lsn`. */
static inline void ws_bufpool_dirty(ws_bufpool *bp, uint32_t b, uint64_t lsn)
{
    if (!(bp->state[b] & WS_BUF_DIRTY)) {
        bp->state[b] |= WS_BUF_DIRTY;
        bp->dirty++;
        bp->dirty_bits[b >> 6] |= UINT64_C(1) << (b & 63);
    }
    if (lsn > bp->lsn[b])
        bp->lsn[b] = lsn;
}

/* Marks buffer b clean (it was written), clearing the checkpoint tag. */
static inline void ws_bufpool_clean(ws_bufpool *bp, uint32_t b)
{
    if (bp->state[b] & WS_BUF_DIRTY) {
        bp->dirty--;
        bp->dirty_bits[b >> 6] &= ~(UINT64_C(1) << (b & 63));
    }
    bp->state[b] &= (uint8_t)~(WS_BUF_DIRTY | WS_BUF_CKPT_NEEDED);
}

#endif
